//! Counter-service figures (issue 7), printed by `cargo bench -p cardcat-tests --bench counter`:
//! - the search index ready for ~50,000 SKUs: built from SQLite (cold) and loaded;
//! - 100 delta changes applied to the in-memory index (from real delta syncs);
//! - search latency while a sale is still following an order the platform keeps PENDING
//!   (sandbox outcome 401): reads must not wait behind the sale.

#![allow(clippy::float_arithmetic, clippy::cast_precision_loss)] // timing figures, not money

use std::sync::Arc;
use std::time::{Duration, Instant};

use cardcat_tests::timing::{ms, pct};

use cardcat_counter::catalog::Readiness;
use cardcat_counter::{Catalog, SellOptions};
use cardcat_engine::SellRequest;
use cardcat_store::Store;
use cardcat_tests::{Counter, Env};

const QUERIES: [&str; 24] = [
    "腾",
    "话费",
    "月卡",
    "移动",
    "爱奇艺",
    "腾讯视频",
    "t",
    "tx",
    "yk",
    "qb",
    "txsp",
    "aqy",
    "hf",
    "5",
    "50",
    "100",
    "6901",
    "vip",
    "qq",
    "x000",
    "9999",
    "zzqx",
    "批次",
    "kt",
];

fn main() {
    let skus: u32 = std::env::var("BENCH_SKUS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(50_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let env = Env::start_with(skus.saturating_sub(200), |c| c.slow_secs = 12).await;
        let db = env.terminal_db("bench.sqlite");
        let secrets: Arc<dyn cardcat_client::SecretStore> =
            Arc::new(cardcat_client::secrets::MemoryStore::default());
        let svc = Counter::setup(&env, &db, secrets, Duration::from_secs(10)).await;
        let store = Store::open(&db).expect("store");
        let n = store.product_count().expect("count");

        // index ready: built from SQLite (no snapshot), then loaded from the snapshot it saved
        let snap = cardcat_counter::catalog::snapshot_path(&db);
        let mut cold = Vec::new();
        let mut loaded = Vec::new();
        let mut rows_t = Vec::new();
        for _ in 0..7 {
            let t = Instant::now();
            let rows = store.products().expect("rows");
            rows_t.push(t.elapsed());
            std::hint::black_box(rows);
            let _ = std::fs::remove_file(&snap);
            let cat = Catalog::with_snapshot(snap.clone());
            let t = Instant::now();
            let how = cat.ensure_fresh(&store).expect("index");
            cold.push(t.elapsed());
            assert_eq!(how, Readiness::Built);
            cat.save_in_background().expect("snapshot").join().expect("saved");
            let cat = Catalog::with_snapshot(snap.clone());
            let t = Instant::now();
            let how = cat.ensure_fresh(&store).expect("index");
            loaded.push(t.elapsed());
            assert_eq!(how, Readiness::Loaded);
            assert_eq!(cat.len() as u64, n);
        }
        cold.sort();
        loaded.sort();
        rows_t.sort();
        let snap_mb = std::fs::metadata(&snap).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;

        // 100 delta changes applied to the service's in-memory index
        svc.load_index().await.expect("index");
        let mut patch = Vec::new();
        for _ in 0..15 {
            env.sandbox.churn(100).await.expect("churn");
            let r = svc.sync(false).await.expect("delta");
            assert!(r.patched && r.changes == 100, "{r:?}");
            patch.push(Duration::from_micros(r.patch_us));
        }
        patch.sort();

        // search while a sale follows an order that stays PENDING (outcome 401)
        svc.add_user(None, "boss", "老板", "owner", "8888").expect("owner");
        let owner = svc.login("boss", "8888").expect("login");
        svc.add_user(Some(&owner), "c1", "小王", "cashier", "1234").expect("cashier");
        let cashier = svc.login("c1", "1234").expect("login");
        svc.open_shift(&cashier, "200").expect("shift");
        let idle = search_for(&svc, Duration::from_millis(1500)).await;
        let seller = svc.clone();
        let sale = tokio::spawn(async move {
            let opts = SellOptions { wait: Duration::from_secs(8), follow_for: Duration::from_secs(8), print: false };
            let t = Instant::now();
            let r = seller.sell(&cashier, SellRequest::new("CM-HF-50", "13800138401"), opts).await.expect("sell");
            (t.elapsed(), r.order.state)
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        let during = search_for(&svc, Duration::from_secs(5)).await;
        let (sale_t, sale_state) = sale.await.expect("sale task");

        println!("== CardCat counter-service figures ({n} SKUs, release build) ==");
        println!(
            "index ready, loaded from its snapshot    median {:>7.1} ms  max {:>7.1} ms   (goal ≤ 150 ms; snapshot {snap_mb:.0} MB)",
            ms(pct(&loaded, 0.5)), ms(pct(&loaded, 1.0))
        );
        println!(
            "index ready, built from SQLite rows      median {:>7.1} ms  min {:>7.1} ms   (first start / after a full sync; rows alone median {:.1} ms)",
            ms(pct(&cold, 0.5)), ms(cold[0]), ms(pct(&rows_t, 0.5))
        );
        println!(
            "100 delta changes into the index         p50 {:>7.3} ms  max {:>7.3} ms   (goal ≤ 5 ms)",
            ms(pct(&patch, 0.5)), ms(pct(&patch, 1.0))
        );
        println!(
            "search, idle                             p50 {:>7.3} ms  p99 {:>7.3} ms  over {} searches",
            ms(pct(&idle, 0.5)), ms(pct(&idle, 0.99)), idle.len()
        );
        println!(
            "search while a sale follows a PENDING order  p50 {:>7.3} ms  p99 {:>7.3} ms  max {:>7.3} ms  over {} searches   (goal p99 ≤ 5 ms); the sale took {:.1} s, {:?}",
            ms(pct(&during, 0.5)), ms(pct(&during, 0.99)), ms(pct(&during, 1.0)), during.len(), sale_t.as_secs_f64(), sale_state
        );
        env.sandbox.shutdown().await;
    });
}

/// Searches through the service for `d`, returning sorted latencies.
async fn search_for(svc: &cardcat_counter::Counter, d: Duration) -> Vec<Duration> {
    let start = Instant::now();
    let mut lat = Vec::new();
    let mut i = 0usize;
    while start.elapsed() < d && lat.len() < 200_000 {
        let q = QUERIES[i % QUERIES.len()];
        i += 1;
        let t = Instant::now();
        let hits = svc.search(q, 20).await.expect("search");
        lat.push(t.elapsed());
        std::hint::black_box(hits);
        if i.is_multiple_of(64) {
            tokio::task::yield_now().await;
        }
    }
    lat.sort();
    lat
}
