//! Shift totals. X (mid-shift) and Z (close) reports both come from [`totals`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, tr_static};
use crate::money::Money;
use crate::order::OrderState;
use crate::product::ProductKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Cash,
    Wechat,
    Alipay,
    Card,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 4] = [
        PaymentMethod::Cash,
        PaymentMethod::Wechat,
        PaymentMethod::Alipay,
        PaymentMethod::Card,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "cash",
            PaymentMethod::Wechat => "wechat",
            PaymentMethod::Alipay => "alipay",
            PaymentMethod::Card => "card",
        }
    }
    pub fn parse(s: &str) -> Option<PaymentMethod> {
        PaymentMethod::ALL.into_iter().find(|p| p.as_str() == s)
    }
    /// Stable key of the method's label (`payment.cash`).
    pub fn label_key(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "payment.cash",
            PaymentMethod::Wechat => "payment.wechat",
            PaymentMethod::Alipay => "payment.alipay",
            PaymentMethod::Card => "payment.card",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        tr_static(lang, self.label_key())
    }
}

/// What a shift report needs to know about one order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftOrder {
    pub kind: ProductKind,
    pub payment: PaymentMethod,
    pub state: OrderState,
    pub price: Money,
    pub commission: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CountAmount {
    pub count: u32,
    pub amount: Money,
}

impl CountAmount {
    fn add(&mut self, m: Money) {
        self.count += 1;
        self.amount = Money::from_fen(self.amount.fen() + m.fen());
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ShiftTotals {
    pub float: Money,
    /// SUCCEEDED sales by product kind.
    pub sales_by_kind: BTreeMap<ProductKind, CountAmount>,
    /// Money taken (all sent orders not refunded) by payment method.
    pub taken_by_payment: BTreeMap<PaymentMethod, CountAmount>,
    pub sales: CountAmount,
    /// Sent but not final yet: the money is held, the outcome unknown.
    pub pending: CountAmount,
    /// FAILED / REFUNDED / REVERSED: handed back to the customer.
    pub refunds: CountAmount,
    pub commission: Money,
    pub redemptions: CountAmount,
    /// float + cash taken − cash refunded.
    pub expected_cash: Money,
}

/// The one function behind X and Z reports.
pub fn totals(float: Money, orders: &[ShiftOrder], redemption_values: &[Money]) -> ShiftTotals {
    let mut t = ShiftTotals {
        float,
        ..Default::default()
    };
    let mut cash_fen = float.fen();
    for o in orders {
        match o.state {
            OrderState::Draft | OrderState::Cancelled => continue,
            OrderState::Succeeded => {
                t.sales.add(o.price);
                t.sales_by_kind.entry(o.kind).or_default().add(o.price);
                t.commission = Money::from_fen(t.commission.fen() + o.commission.fen());
                t.taken_by_payment
                    .entry(o.payment)
                    .or_default()
                    .add(o.price);
                if o.payment == PaymentMethod::Cash {
                    cash_fen += o.price.fen();
                }
            }
            OrderState::Sending | OrderState::Pending | OrderState::Unknown => {
                t.pending.add(o.price);
                t.taken_by_payment
                    .entry(o.payment)
                    .or_default()
                    .add(o.price);
                if o.payment == PaymentMethod::Cash {
                    cash_fen += o.price.fen();
                }
            }
            OrderState::Failed | OrderState::Refunded | OrderState::Reversed => {
                t.refunds.add(o.price);
            }
        }
    }
    for v in redemption_values {
        t.redemptions.add(*v);
    }
    t.expected_cash = Money::from_fen(cash_fen);
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn o(state: OrderState, pay: PaymentMethod, price: i64) -> ShiftOrder {
        ShiftOrder {
            kind: ProductKind::MobileTopup,
            payment: pay,
            state,
            price: Money::from_fen(price),
            commission: Money::from_fen(price / 100),
        }
    }

    #[test]
    fn example() {
        let orders = vec![
            o(OrderState::Succeeded, PaymentMethod::Cash, 5000),
            o(OrderState::Succeeded, PaymentMethod::Wechat, 3000),
            o(OrderState::Failed, PaymentMethod::Cash, 2000),
            o(OrderState::Unknown, PaymentMethod::Cash, 1000),
            o(OrderState::Cancelled, PaymentMethod::Cash, 9999),
        ];
        let t = totals(Money::from_yuan(200), &orders, &[Money::from_yuan(50)]);
        assert_eq!(
            t.sales,
            CountAmount {
                count: 2,
                amount: Money::from_fen(8000)
            }
        );
        assert_eq!(t.pending.count, 1);
        assert_eq!(
            t.refunds,
            CountAmount {
                count: 1,
                amount: Money::from_fen(2000)
            }
        );
        assert_eq!(t.expected_cash, Money::from_fen(20000 + 5000 + 1000));
        assert_eq!(t.commission, Money::from_fen(80));
        assert_eq!(t.redemptions.count, 1);
    }

    proptest! {
        #[test]
        fn cash_adds_up(v in proptest::collection::vec((0usize..9, 0usize..4, 1i64..100_000), 0..60)) {
            let orders: Vec<ShiftOrder> = v.iter().map(|&(s, p, price)| o(OrderState::ALL[s], PaymentMethod::ALL[p], price)).collect();
            let t = totals(Money::from_yuan(100), &orders, &[]);
            let cash: i64 = orders.iter().filter(|x| x.payment == PaymentMethod::Cash && matches!(x.state, OrderState::Succeeded | OrderState::Sending | OrderState::Pending | OrderState::Unknown)).map(|x| x.price.fen()).sum();
            prop_assert_eq!(t.expected_cash.fen(), 10_000 + cash);
            let taken: i64 = t.taken_by_payment.values().map(|c| c.amount.fen()).sum();
            prop_assert_eq!(taken, t.sales.amount.fen() + t.pending.amount.fen());
        }
    }
}
