//! The owner's commission analytics, sans IO: per-order groups (as the ledger books them)
//! rolled up by day, hour of day, product, category and cashier in one pass.
//!
//! Invariant: every roll-up sums to the same totals (each group lands in exactly one
//! bucket of each dimension); amounts are whole fen, never floats.

use std::collections::HashMap;

use serde::Serialize;

use crate::Money;
use crate::report::DayRange;

/// One order's ledger entries on one business day, summed in fen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderGroup {
    pub day: String,
    /// Hour of day (UTC+8) of the group's first entry, 0–23.
    pub hour: u8,
    pub sku: String,
    pub product: String,
    /// The product's category name; empty when the catalog no longer has the product.
    pub category: String,
    pub cashier: String,
    pub sales_fen: i64,
    pub cost_fen: i64,
    pub commission_fen: i64,
    /// +1 for a booked sale, −1 for its reversal, 0 for neither: an order counts where > 0.
    pub sale_sign: i64,
}

/// One bar of a chart or row of a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bucket {
    pub key: String,
    pub label: String,
    pub orders: u32,
    pub sales: Money,
    pub cost: Money,
    pub commission: Money,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Acc {
    label: String,
    orders: u32,
    sales: i64,
    cost: i64,
    commission: i64,
}

impl Acc {
    fn add(&mut self, g: &OrderGroup) {
        self.orders = self.orders.saturating_add(u32::from(g.sale_sign > 0));
        self.sales = self.sales.saturating_add(g.sales_fen);
        self.cost = self.cost.saturating_add(g.cost_fen);
        self.commission = self.commission.saturating_add(g.commission_fen);
    }
    fn merge(&mut self, o: &Acc) {
        if self.label.is_empty() {
            self.label.clone_from(&o.label);
        }
        self.orders = self.orders.saturating_add(o.orders);
        self.sales = self.sales.saturating_add(o.sales);
        self.cost = self.cost.saturating_add(o.cost);
        self.commission = self.commission.saturating_add(o.commission);
    }
    fn bucket(self, key: String) -> Bucket {
        Bucket {
            label: if self.label.is_empty() {
                key.clone()
            } else {
                self.label
            },
            key,
            orders: self.orders,
            sales: Money::from_fen(self.sales),
            cost: Money::from_fen(self.cost),
            commission: Money::from_fen(self.commission),
        }
    }
}

/// The accumulator of `key`, allocating the key only the first time it is seen.
fn slot<'m>(m: &'m mut HashMap<String, Acc>, key: &str) -> &'m mut Acc {
    if !m.contains_key(key) {
        m.insert(key.to_string(), Acc::default());
    }
    m.get_mut(key).expect("inserted above")
}

/// One business day rolled up by every dimension. Days are independent (an order's group
/// belongs to one day), so a range is the merge of its days, and a finished day, whose
/// ledger never changes again, can be kept and merged again later.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayPartial {
    total: Acc,
    hours: [Acc; 24],
    products: HashMap<String, Acc>,
    /// Keyed by category name; "" for products no longer in the catalog.
    categories: HashMap<String, Acc>,
    cashiers: HashMap<String, Acc>,
}

impl DayPartial {
    pub fn add(&mut self, g: &OrderGroup) {
        self.total.add(g);
        self.hours[usize::from(g.hour.min(23))].add(g);
        let p = slot(&mut self.products, &g.sku);
        if p.label.is_empty() {
            p.label.clone_from(&g.product);
        }
        p.add(g);
        slot(&mut self.categories, &g.category).add(g);
        slot(&mut self.cashiers, &g.cashier).add(g);
    }

    /// How many orders the day counts.
    pub fn orders(&self) -> u32 {
        self.total.orders
    }
}

/// Commission over a range, by every dimension the owner's screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Analytics {
    pub from: String,
    pub to: String,
    pub totals: Bucket,
    /// Every day of the range in order (days without sales are zero), up to [`MAX_DAYS`].
    pub by_day: Vec<Bucket>,
    /// 24 buckets, hour 0 to 23.
    pub by_hour: Vec<Bucket>,
    /// Most commission first.
    pub by_product: Vec<Bucket>,
    /// Most sales first.
    pub by_category: Vec<Bucket>,
    /// Most commission first.
    pub by_cashier: Vec<Bucket>,
}

/// The longest range whose days are listed one by one (about two years).
pub const MAX_DAYS: usize = 732;

/// Rolls `groups` up. `uncategorised` labels groups whose product left the catalog;
/// `cashier_name` turns a cashier id into a name.
pub fn analyse(
    range: &DayRange,
    groups: impl IntoIterator<Item = OrderGroup>,
    uncategorised: &str,
    cashier_name: impl Fn(&str) -> Option<String>,
) -> Analytics {
    let mut days: HashMap<String, DayPartial> = HashMap::new();
    for g in groups {
        days.entry(g.day.clone()).or_default().add(&g);
    }
    analyse_days(range, &days, uncategorised, cashier_name)
}

/// Rolls per-day partials up into the range's analytics (days outside `range` are ignored).
pub fn analyse_days(
    range: &DayRange,
    days: &HashMap<String, DayPartial>,
    uncategorised: &str,
    cashier_name: impl Fn(&str) -> Option<String>,
) -> Analytics {
    let mut total = Acc::default();
    let mut hours: Vec<Acc> = vec![Acc::default(); 24];
    let mut products: HashMap<String, Acc> = HashMap::new();
    let mut cats: HashMap<String, Acc> = HashMap::new();
    let mut cashiers: HashMap<String, Acc> = HashMap::new();
    let mut by_day = Vec::new();
    let mut take = |d: &DayPartial| {
        total.merge(&d.total);
        for (h, a) in hours.iter_mut().zip(d.hours.iter()) {
            h.merge(a);
        }
        for (k, a) in &d.products {
            products.entry(k.clone()).or_default().merge(a);
        }
        for (k, a) in &d.categories {
            let k = if k.is_empty() { uncategorised } else { k };
            cats.entry(k.to_string()).or_default().merge(a);
        }
        for (k, a) in &d.cashiers {
            cashiers.entry(k.clone()).or_default().merge(a);
        }
    };
    let mut d = range.from.clone();
    let mut listed = 0;
    for _ in 0..MAX_DAYS {
        let acc = days.get(d.as_str()).map(|p| {
            take(p);
            Acc {
                label: String::new(),
                ..p.total.clone()
            }
        });
        by_day.push(acc.unwrap_or_default().bucket(d.as_str().to_string()));
        listed += 1;
        if d >= range.to {
            break;
        }
        d = d.next();
    }
    // days beyond the listed ones (a range longer than MAX_DAYS) still count
    if listed == MAX_DAYS {
        let mut rest: Vec<(&String, &DayPartial)> = days
            .iter()
            .filter(|(k, _)| k.as_str() > d.as_str() && k.as_str() <= range.to.as_str())
            .collect();
        rest.sort_by(|a, b| a.0.cmp(b.0));
        for (k, p) in rest {
            take(p);
            by_day.push(
                Acc {
                    label: String::new(),
                    ..p.total.clone()
                }
                .bucket(k.clone()),
            );
        }
    }
    let by_hour = hours
        .into_iter()
        .enumerate()
        .map(|(h, a)| a.bucket(format!("{h:02}")))
        .collect();
    let sorted = |m: HashMap<String, Acc>, by_sales: bool| {
        let mut v: Vec<Bucket> = m.into_iter().map(|(k, a)| a.bucket(k)).collect();
        v.sort_by(|a, b| {
            let (x, y) = if by_sales {
                (a.sales, b.sales)
            } else {
                (a.commission, b.commission)
            };
            y.cmp(&x).then_with(|| a.key.cmp(&b.key))
        });
        v
    };
    let mut by_cashier = sorted(cashiers, false);
    for b in &mut by_cashier {
        if let Some(n) = cashier_name(&b.key) {
            b.label = n;
        }
    }
    Analytics {
        from: range.from.as_str().to_string(),
        to: range.to.as_str().to_string(),
        totals: total.bucket("total".into()),
        by_day,
        by_hour,
        by_product: sorted(products, false),
        by_category: sorted(cats, true),
        by_cashier,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn g(
        day: &str,
        hour: u8,
        sku: &str,
        cat: &str,
        cashier: &str,
        fen: i64,
        sign: i64,
    ) -> OrderGroup {
        OrderGroup {
            day: day.into(),
            hour,
            sku: sku.into(),
            product: format!("{sku} name"),
            category: cat.into(),
            cashier: cashier.into(),
            sales_fen: fen,
            cost_fen: fen * 9 / 10,
            commission_fen: fen - fen * 9 / 10,
            sale_sign: sign,
        }
    }

    fn range(a: &str, b: &str) -> DayRange {
        DayRange::new(a.parse().unwrap(), b.parse().unwrap()).unwrap()
    }

    #[test]
    fn days_are_filled_and_reversals_do_not_count_as_orders() {
        let a = analyse(
            &range("2026-02-27", "2026-03-02"),
            [
                g("2026-02-28", 9, "A", "话费", "c1", 5000, 1),
                g("2026-03-01", 21, "A", "话费", "c1", -5000, -1),
                g("2026-03-01", 21, "B", "", "c2", 1000, 1),
            ],
            "其他",
            |id| (id == "c1").then(|| "小王".to_string()),
        );
        let days: Vec<&str> = a.by_day.iter().map(|b| b.key.as_str()).collect();
        assert_eq!(
            days,
            ["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"]
        );
        assert_eq!(a.totals.orders, 2);
        assert_eq!(a.totals.sales, Money::from_fen(1000));
        assert_eq!(a.by_day[2].sales, Money::from_fen(-4000));
        assert_eq!(a.by_hour.len(), 24);
        assert_eq!(a.by_hour[21].orders, 1);
        assert_eq!(
            a.by_category
                .iter()
                .find(|c| c.key == "其他")
                .unwrap()
                .orders,
            1
        );
        assert_eq!(
            a.by_cashier.iter().find(|c| c.key == "c1").unwrap().label,
            "小王"
        );
        assert_eq!(
            a.by_cashier.iter().find(|c| c.key == "c2").unwrap().label,
            "c2"
        );
    }

    proptest! {
        #[test]
        fn every_dimension_sums_to_the_totals(
            rows in proptest::collection::vec((0u8..5, 0u8..24, 0u8..4, 0u8..3, -100_000i64..100_000, -1i64..=1), 0..60)
        ) {
            let groups: Vec<OrderGroup> = rows.iter().map(|(d, h, p, c, fen, s)| {
                g(&format!("2026-01-0{}", d + 1), *h, &format!("P{p}"), if *p == 0 { "" } else { "cat" }, &format!("c{c}"), *fen, *s)
            }).collect();
            let a = analyse(&range("2026-01-01", "2026-01-05"), groups.clone(), "-", |_| None);
            // the same from per-day partials merged, whatever the grouping into days
            let mut days: HashMap<String, DayPartial> = HashMap::new();
            for g in &groups {
                days.entry(g.day.clone()).or_default().add(g);
            }
            prop_assert_eq!(&analyse_days(&range("2026-01-01", "2026-01-05"), &days, "-", |_| None), &a);
            for dim in [&a.by_day, &a.by_hour, &a.by_product, &a.by_category, &a.by_cashier] {
                let fen: i64 = dim.iter().map(|b| b.sales.fen()).sum();
                let com: i64 = dim.iter().map(|b| b.commission.fen()).sum();
                let n: u32 = dim.iter().map(|b| b.orders).sum();
                prop_assert_eq!(fen, a.totals.sales.fen());
                prop_assert_eq!(com, a.totals.commission.fen());
                prop_assert_eq!(n, a.totals.orders);
            }
            prop_assert_eq!(a.by_day.len(), 5);
        }
    }
}
