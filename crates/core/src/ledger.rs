//! Commission ledger entries, derived from order transitions. Entries are appended,
//! never edited: a reversal books reversing entries.
//!
//! Invariant: for every order, the sum of its entries is zero unless it is SUCCEEDED,
//! and equals (price, cost, commission) when it is.

use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::order::OrderState;
use crate::product::Quote;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// What the customer paid.
    Sale,
    /// What the platform charges the store.
    Cost,
    /// Sale − cost, the store's earning.
    Commission,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Sale => "sale",
            EntryKind::Cost => "cost",
            EntryKind::Commission => "commission",
        }
    }
    pub fn parse(s: &str) -> Option<EntryKind> {
        [EntryKind::Sale, EntryKind::Cost, EntryKind::Commission]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// Entries to append when an order moves `from` → `to`.
pub fn entries_for(from: OrderState, to: OrderState, q: &Quote) -> Vec<(EntryKind, Money)> {
    let book = |sign: i64| {
        vec![
            (EntryKind::Sale, Money::from_fen(q.price.fen() * sign)),
            (EntryKind::Cost, Money::from_fen(q.cost.fen() * sign)),
            (
                EntryKind::Commission,
                Money::from_fen(q.commission.fen() * sign),
            ),
        ]
    };
    match (from, to) {
        (f, OrderState::Succeeded) if f != OrderState::Succeeded => book(1),
        (OrderState::Succeeded, t) if t != OrderState::Succeeded => book(-1),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::order::{OrderEvent, RemoteStatus, transition};
    use proptest::prelude::*;

    fn quote() -> Quote {
        Quote {
            qty: 1,
            price: Money::from_fen(5000),
            cost: Money::from_fen(4925),
            commission: Money::from_fen(75),
        }
    }

    proptest! {
        /// Whatever the platform reports, in whatever order, the ledger of an order sums to
        /// its booked amounts exactly when it ends SUCCEEDED, and to zero otherwise.
        #[test]
        fn ledger_balances(reports in proptest::collection::vec(0u8..5, 0..30)) {
            let q = quote();
            let mut s = OrderState::Sending;
            let mut sum = [0i64; 3];
            for r in reports {
                let rs = [RemoteStatus::Pending, RemoteStatus::Succeeded, RemoteStatus::Failed, RemoteStatus::Refunded, RemoteStatus::Reversed][r as usize];
                let Ok(t) = transition(s, OrderEvent::Remote(rs)) else { continue };
                for (k, m) in entries_for(s, t.state(), &q) {
                    sum[k as usize] += m.fen();
                }
                s = t.state();
            }
            let want = if s == OrderState::Succeeded { [5000, 4925, 75] } else { [0, 0, 0] };
            prop_assert_eq!(sum, want);
        }
    }
}
