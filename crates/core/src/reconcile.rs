//! Reconciling the store's ledger against the platform's daily statement.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::money::Money;

/// One order's booked amounts on one side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub client_key: String,
    /// What the platform charges (cost).
    pub amount: Money,
    pub commission: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Diff {
    AmountMismatch {
        client_key: String,
        local: Line,
        platform: Line,
    },
    MissingOnPlatform {
        client_key: String,
        local: Line,
    },
    MissingLocally {
        client_key: String,
        platform: Line,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Report {
    pub matched: usize,
    /// Orders still open on the terminal: not compared until they are final.
    #[serde(default)]
    pub open: Vec<String>,
    pub diffs: Vec<Diff>,
    pub local_amount: Money,
    pub local_commission: Money,
    pub platform_amount: Money,
    pub platform_commission: Money,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.diffs.is_empty()
    }
    pub fn count(&self, f: fn(&Diff) -> bool) -> usize {
        self.diffs.iter().filter(|d| f(d)).count()
    }
}

fn zero(l: &Line) -> bool {
    l.amount.is_zero() && l.commission.is_zero()
}

/// Matches lines by client key. A line with zero amounts missing on the other side
/// (e.g. an order refused before it was created) is not a discrepancy.
pub fn reconcile(local: &[Line], platform: &[Line]) -> Report {
    let mut l: BTreeMap<&str, &Line> = BTreeMap::new();
    for x in local {
        l.insert(&x.client_key, x);
    }
    let mut p: BTreeMap<&str, &Line> = BTreeMap::new();
    for x in platform {
        p.insert(&x.client_key, x);
    }
    let mut r = Report {
        local_amount: local.iter().map(|x| x.amount).sum(),
        local_commission: local.iter().map(|x| x.commission).sum(),
        platform_amount: platform.iter().map(|x| x.amount).sum(),
        platform_commission: platform.iter().map(|x| x.commission).sum(),
        ..Report::default()
    };
    for (k, a) in &l {
        match p.get(k) {
            Some(b) if a.amount == b.amount && a.commission == b.commission => r.matched += 1,
            Some(b) => r.diffs.push(Diff::AmountMismatch {
                client_key: k.to_string(),
                local: (*a).clone(),
                platform: (*b).clone(),
            }),
            None if zero(a) => {}
            None => r.diffs.push(Diff::MissingOnPlatform {
                client_key: k.to_string(),
                local: (*a).clone(),
            }),
        }
    }
    for (k, b) in &p {
        if !l.contains_key(k) && !zero(b) {
            r.diffs.push(Diff::MissingLocally {
                client_key: k.to_string(),
                platform: (*b).clone(),
            });
        } else if !l.contains_key(k) {
            // a zero line the terminal never booked: nothing owed either way
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(k: &str, a: i64, c: i64) -> Line {
        Line {
            client_key: k.into(),
            amount: Money::from_fen(a),
            commission: Money::from_fen(c),
        }
    }

    #[test]
    fn table() {
        let local = vec![
            line("a", 4925, 75),
            line("b", 980, 20),
            line("c", 100, 5),
            line("z", 0, 0),
        ];
        let platform = vec![
            line("a", 4925, 75),
            line("b", 990, 20),
            line("d", 500, 10),
            line("y", 0, 0),
        ];
        let r = reconcile(&local, &platform);
        assert_eq!(r.matched, 1);
        assert_eq!(r.diffs.len(), 3, "{:?}", r.diffs);
        assert!(
            matches!(&r.diffs[0], Diff::AmountMismatch { client_key, .. } if client_key == "b")
        );
        assert!(
            r.diffs.iter().any(
                |d| matches!(d, Diff::MissingOnPlatform { client_key, .. } if client_key == "c")
            )
        );
        assert!(
            r.diffs
                .iter()
                .any(|d| matches!(d, Diff::MissingLocally { client_key, .. } if client_key == "d"))
        );
        assert_eq!(r.local_amount, Money::from_fen(6005));
        assert!(reconcile(&local[..1], &platform[..1]).is_clean());
    }
}
