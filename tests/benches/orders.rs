//! Money-path figures (issue 3), printed by `cargo bench -p cardcat-tests --bench orders`:
//! - local overhead of an order: validate, price, duplicate guard, persist (synchronous=FULL),
//!   serialise and sign — everything but the platform;
//! - 1,000 orders end to end against the sandbox on loopback, immediate success.

#![allow(clippy::float_arithmetic, clippy::cast_precision_loss)] // timing figures, not money

use std::time::Instant;

use cardcat_tests::timing::{ms, pct};

use cardcat_engine::SellRequest;
use cardcat_tests::Counter;

fn main() {
    let n_local: usize = std::env::var("BENCH_LOCAL")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    let n_e2e: usize = std::env::var("BENCH_E2E")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let mut c = Counter::start(|_| {}).await;
        let s = c.cashier.clone();
        let key = [7u8; 32];

        // local overhead
        let mut lat = Vec::with_capacity(n_local);
        for i in 0..n_local {
            let req = SellRequest::new("CM-HF-50", format!("135{:05}000", i));
            let t = Instant::now();
            let p = c.engine.place(&s, &req).expect("place");
            let sig = cardcat_wire::sign::sign(&key, "POST", "/v1/orders", 1_800_000_000, &p.key.simple().to_string(), &p.body);
            lat.push(t.elapsed());
            std::hint::black_box(sig);
        }
        lat.sort();
        // those were never sent; mark them cancelled-by-bench so they don't block anything
        c.engine.store().conn().execute("UPDATE orders SET state = 'CANCELLED' WHERE state = 'SENDING'", []).expect("cleanup");

        // end to end
        let t = Instant::now();
        for i in 0..n_e2e {
            let r = c.engine.sell(&s, &SellRequest::new("CU-HF-30", format!("186{:05}000", i))).await.expect("sell");
            assert_eq!(r.state, cardcat_core::OrderState::Succeeded);
        }
        let e2e = t.elapsed();

        println!("== CardCat money-path figures (release build, sandbox on loopback) ==");
        println!(
            "local order overhead   p50 {:>7.3} ms  p99 {:>7.3} ms  max {:>7.3} ms over {n_local} orders   (goal p99 ≤ 5 ms)",
            ms(pct(&lat, 0.5)),
            ms(pct(&lat, 0.99)),
            ms(pct(&lat, 1.0))
        );
        println!(
            "{n_e2e} orders end to end  {:>8.0} ms total, {:.2} ms/order   (goal ≤ 5000 ms)",
            ms(e2e),
            ms(e2e) / n_e2e as f64
        );
        c.env.sandbox.shutdown().await;
    });
}
