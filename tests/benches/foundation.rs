//! Foundation figures (issue 2), printed by `cargo bench -p cardcat-tests --bench foundation`:
//! - full sync of ~50,000 SKUs from the sandbox over loopback, absolute and as a ratio of
//!   the raw rusqlite insert rate for the same rows (same statement, one transaction);
//! - delta sync of 100 changes;
//! - search p50/p99 over the 50,000 SKUs for 1–4 character queries.

#![allow(clippy::float_arithmetic, clippy::cast_precision_loss)] // timing figures, not money

use std::time::{Duration, Instant};

use cardcat_tests::timing::{ms, pct};

use cardcat_client::sync::{self, SyncOptions};
use cardcat_core::search::SearchIndex;
use cardcat_store::Store;
use cardcat_tests::Env;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

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
        // The seeded base catalog is ~200 SKUs; generate the rest so the total is `skus`.
        let probe = Env::start(0).await;
        let (pc, _) = probe.activated().await;
        let base = pc.catalog_full_page(None, 1).await.expect("page").total as u32;
        probe.sandbox.shutdown().await;
        let env = Env::start(skus.saturating_sub(base)).await;
        let (client, _) = env.activated().await;
        let opts = SyncOptions { force_full: true, ..SyncOptions::default() };

        // warm-up (server page cache, connection pool)
        let mut warm = Store::open(env.terminal_db("warm.sqlite")).expect("store");
        sync::sync(&client, &mut warm, opts, &mut |_| {}).await.expect("sync");
        let rows = warm.products().expect("rows");
        let n = rows.len();
        drop(warm);

        let mut full = Vec::new();
        let mut raw = Vec::new();
        for i in 0..5 {
            let mut s = Store::open(env.terminal_db(&format!("full{i}.sqlite"))).expect("store");
            let t = Instant::now();
            sync::sync(&client, &mut s, opts, &mut |_| {}).await.expect("sync");
            full.push(t.elapsed());
            assert_eq!(s.product_count().expect("count") as usize, n);

            let mut r = Store::open(env.terminal_db(&format!("raw{i}.sqlite"))).expect("store");
            let t = Instant::now();
            r.insert_products_raw(1, &rows).expect("raw insert");
            raw.push(t.elapsed());
        }
        let (full_m, raw_m) = (median(full), median(raw));
        let ratio = raw_m.as_secs_f64() / full_m.as_secs_f64();

        // delta of 100 changes
        let mut store = Store::open(env.terminal_db("delta.sqlite")).expect("store");
        sync::sync(&client, &mut store, SyncOptions::default(), &mut |_| {}).await.expect("sync");
        let mut delta = Vec::new();
        for _ in 0..15 {
            env.sandbox.churn(100).await.expect("churn");
            let t = Instant::now();
            let r = sync::sync(&client, &mut store, SyncOptions::default(), &mut |_| {}).await.expect("delta");
            delta.push(t.elapsed());
            assert_eq!(r.delta_changes.len(), 100);
        }
        delta.sort();

        // search
        let t = Instant::now();
        let cats = store.categories().expect("cats");
        let idx = SearchIndex::build(store.products().expect("rows"), cats);
        let build = t.elapsed();
        let queries = [
            "腾", "话", "卡", "腾讯", "话费", "月卡", "移动", "爱奇艺", "一卡通", "腾讯视频", "网易一卡",
            "t", "y", "q", "tx", "yk", "qb", "txsp", "aqy", "wyyk", "hf",
            "5", "1", "50", "30", "100", "500", "6901", "vip", "qq",
            "x000", "0123", "9999", "zzqx", "批次", "yuan", "kt",
        ];
        let mut lat = Vec::new();
        let mut per_query: Vec<(Duration, &str, usize)> = Vec::new();
        for _ in 0..100 {
            for q in queries {
                let t = Instant::now();
                let hits = idx.search(q, 20);
                let d = t.elapsed();
                lat.push(d);
                per_query.push((d, q, hits.len()));
                std::hint::black_box(hits);
            }
        }
        lat.sort();
        per_query.sort_by_key(|q| std::cmp::Reverse(q.0));
        per_query.dedup_by(|a, b| a.1 == b.1);

        println!("== CardCat foundation figures ({n} SKUs, sandbox on loopback, release build) ==");
        println!("full sync            median {:>8.1} ms   (orientation ≤ 1000 ms)", ms(full_m));
        println!("raw rusqlite insert  median {:>8.1} ms   (same rows, same statement, one transaction)", ms(raw_m));
        println!("sync/raw rate ratio         {:>8.2}      (goal ≥ 0.50)", ratio);
        println!("delta sync 100 chg   p50 {:>8.2} ms  max {:>8.2} ms   (goal ≤ 50 ms)", ms(pct(&delta, 0.5)), ms(pct(&delta, 1.0)));
        println!("search index build          {:>8.1} ms", ms(build));
        println!(
            "search 1–4 chars     p50 {:>8.3} ms  p99 {:>8.3} ms  max {:>8.3} ms over {} queries   (goal p99 ≤ 2 ms)",
            ms(pct(&lat, 0.5)),
            ms(pct(&lat, 0.99)),
            ms(pct(&lat, 1.0)),
            lat.len()
        );
        let slow: Vec<String> = per_query.iter().take(5).map(|(d, q, n)| format!("{q}={:.3}ms/{n}", ms(*d))).collect();
        println!("slowest single queries: {}", slow.join("  "));
        env.sandbox.shutdown().await;
    });
}
