//! The owner's report figures (issue 11), printed by `cargo bench -p cardcat-tests --bench reports`:
//! commission analytics over 100,000 orders (300,000 ledger entries) for a 90-day range,
//! through the counter service: the first report (nothing kept, one pass over the ledger),
//! the next ones (finished days kept), and the one after a new sale (today read again).
//! The app adds IPC and drawing: `cardcat-e2e --bench` times click → charts painted.

#![allow(clippy::float_arithmetic, clippy::cast_precision_loss)] // timing figures, not money

use std::time::{Duration, Instant};

use cardcat_core::report::{Day, DayRange};
use cardcat_tests::Counter;
use cardcat_tests::timing::{ms, pct};

fn main() {
    let n: u32 = std::env::var("BENCH_ORDERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let mut c = Counter::start(|_| {}).await;
        let t = Instant::now();
        cardcat_demo::seed_history(&c.db, n).expect("history");
        println!(
            "seeded {n} orders over 90 days in {:.0} ms",
            ms(t.elapsed())
        );
        let now = cardcat_store::now_ms();
        let range =
            DayRange::new(Day::of_ms(now - 89 * 86_400_000), Day::of_ms(now)).expect("range");
        let t = Instant::now();
        let a = c.service.analytics(&c.owner, &range).expect("report");
        let cold = t.elapsed();
        assert!(a.totals.orders >= n * 9 / 10, "{} orders", a.totals.orders);
        println!(
            "commission report, 90 days, {} orders: first (one pass over the ledger) {:.0} ms",
            a.totals.orders,
            ms(cold)
        );
        let mut warm: Vec<Duration> = (0..20)
            .map(|_| {
                let t = Instant::now();
                c.service.analytics(&c.owner, &range).expect("report");
                t.elapsed()
            })
            .collect();
        warm.sort();
        println!(
            "  next reports (finished days kept): p50 {:.1} ms, max {:.1} ms",
            ms(pct(&warm, 0.5)),
            ms(pct(&warm, 1.0))
        );
        let mut after: Vec<Duration> = Vec::new();
        for i in 0..5 {
            c.sell("CM-HF-50", &format!("1380013{:04}", 8100 + i))
                .await
                .expect("sale");
            let t = Instant::now();
            c.service.analytics(&c.owner, &range).expect("report");
            after.push(t.elapsed());
        }
        after.sort();
        println!(
            "  a report after each new sale (today read again): p50 {:.1} ms, max {:.1} ms",
            ms(pct(&after, 0.5)),
            ms(pct(&after, 1.0))
        );
    });
}
