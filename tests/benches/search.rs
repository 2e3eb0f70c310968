//! Search figures (issue 9), printed by `cargo bench -p cardcat-tests --bench search`
//! (`./x bench` builds the release `cardcat` binary first, for the one-shot figure):
//! - recall@1 and recall@5 on the repository's cashier query set, over the seeded catalog
//!   with 50,000 generated SKUs as distractors;
//! - in-process search latency over those 50,000 SKUs: every query of the set (tokenised,
//!   typos included), the typo queries alone, and short prefixes typed as-you-go;
//! - index build, snapshot size and snapshot load;
//! - the one-shot `cardcat catalog search` on a synced 50,000-SKU terminal: wall time of the
//!   whole process and its max RSS (`/usr/bin/time`).

#![allow(clippy::float_arithmetic, clippy::cast_precision_loss)] // timing figures, not money

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cardcat_tests::timing::{ms, pct};

use cardcat_core::search::SearchIndex;
use cardcat_tests::query_set::{self, catalog, evaluate};
use cardcat_tests::{Counter, Env};

fn latency(idx: &SearchIndex, queries: &[&str], rounds: usize) -> Vec<Duration> {
    let mut v = Vec::with_capacity(queries.len() * rounds);
    for _ in 0..rounds {
        for q in queries {
            let t = Instant::now();
            std::hint::black_box(idx.search(q, 20));
            v.push(t.elapsed());
        }
    }
    v.sort();
    v
}

fn line(name: &str, v: &[Duration]) {
    println!(
        "{name:<34} p50 {:>7.3} ms  p99 {:>7.3} ms  max {:>7.3} ms  ({} searches)",
        ms(pct(v, 0.5)),
        ms(pct(v, 0.99)),
        ms(pct(v, 1.0)),
        v.len()
    );
}

/// The release `cardcat` next to this bench's own target directory, if built.
fn cardcat_bin() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?.parent()?; // target/release/deps → target/release
    let bin = dir.join("cardcat");
    bin.exists().then_some(bin)
}

fn main() {
    let extra: u32 = std::env::var("BENCH_SKUS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(50_000);
    let cases = query_set::cases();
    let (products, cats) = catalog(extra);
    let n = products.len();
    let mut builds = Vec::new();
    let mut idx = SearchIndex::default();
    for _ in 0..3 {
        let t = Instant::now();
        idx = SearchIndex::build(products.clone(), cats.clone());
        builds.push(t.elapsed());
    }
    builds.sort();
    println!(
        "== CardCat search figures ({n} SKUs: seeded base + {extra} generated, release build) =="
    );
    println!("index: {}", idx.stats());
    println!(
        "index build                        median {:>8.1} ms",
        ms(builds[1])
    );
    let report = evaluate(&idx, &cases);
    println!(
        "query set: {} queries (tests/data/search-queries.tsv)",
        cases.len()
    );
    report.print();
    println!(
        "recall@1 {:.1}% (goal ≥ 90%)   recall@5 {:.1}% (goal ≥ 98%)",
        report.all.recall1() * 100.0,
        report.all.recall5() * 100.0
    );
    for (line_no, cat, q, want, got) in &report.misses {
        println!("  not first: line {line_no} [{cat}] {q:?} → {want}, got {got:?}");
    }

    let all: Vec<&str> = cases.iter().map(|c| c.query.as_str()).collect();
    let typos: Vec<&str> = cases
        .iter()
        .filter(|c| c.category == "typo")
        .map(|c| c.query.as_str())
        .collect();
    // as-you-type: every prefix of the set's queries, 1 to 4 characters
    let mut typed: Vec<String> = Vec::new();
    for c in &cases {
        let cs: Vec<char> = c.query.chars().collect();
        for k in 1..=cs.len().min(4) {
            typed.push(cs[..k].iter().collect());
        }
    }
    typed.sort();
    typed.dedup();
    let typed: Vec<&str> = typed.iter().map(String::as_str).collect();
    line("query set (tokenised, typos)", &latency(&idx, &all, 30));
    let mut slow: Vec<(Duration, &str)> = all
        .iter()
        .chain(typed.iter())
        .map(|q| {
            let t = Instant::now();
            for _ in 0..5 {
                std::hint::black_box(idx.search(q, 20));
            }
            (t.elapsed() / 5, *q)
        })
        .collect();
    slow.sort_by_key(|s| std::cmp::Reverse(s.0));
    let slow: Vec<String> = slow
        .iter()
        .take(8)
        .map(|(d, q)| format!("{q:?} {:.2} ms", ms(*d)))
        .collect();
    println!("slowest queries: {}", slow.join(", "));
    line("typo queries alone", &latency(&idx, &typos, 60));
    line(
        "as-you-type prefixes (1–4 chars)",
        &latency(&idx, &typed, 10),
    );
    println!("(goal: p99 ≤ 1 ms over 50,000 SKUs, typo tolerance included)");

    // snapshot
    let bytes = idx.to_snapshot(7, 1);
    let mut loads = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let back = SearchIndex::from_snapshot(&bytes, 7).expect("snapshot");
        loads.push(t.elapsed());
        std::hint::black_box(back);
    }
    loads.sort();
    println!(
        "snapshot {:.1} MB, decoded median {:.1} ms",
        bytes.len() as f64 / 1e6,
        ms(loads[2])
    );
    drop(idx);

    // the one-shot CLI search, whole process
    let Some(bin) = cardcat_bin() else {
        println!("one-shot CLI: skipped, no release cardcat binary (./x bench builds it)");
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let env = Env::start(extra).await;
        let db = env.terminal_db("oneshot.sqlite");
        let secrets: Arc<dyn cardcat_client::SecretStore> =
            Arc::new(cardcat_client::secrets::MemoryStore::default());
        let svc = Counter::setup(&env, &db, secrets, Duration::from_secs(10)).await;
        svc.load_index().await.expect("index");
        let snap = cardcat_counter::catalog::snapshot_path(&db);
        for _ in 0..100 {
            if snap.exists() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut walls = Vec::new();
        let mut rss_kb: u64 = 0;
        for q in ["移动50", "txsp", "星巴克拿铁", "yd100", "tengxnu shipin", "6901202400374"] {
            for _ in 0..3 {
                let t = Instant::now();
                let out = Command::new("/usr/bin/time")
                    .args(["-f", "RSS %M"])
                    .arg(&bin)
                    .arg("--db")
                    .arg(&db)
                    .args(["catalog", "search", q])
                    .output()
                    .expect("cardcat");
                walls.push(t.elapsed());
                assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
                let err = String::from_utf8_lossy(&out.stderr);
                if let Some(kb) = err
                    .lines()
                    .filter_map(|l| l.strip_prefix("RSS "))
                    .filter_map(|v| v.trim().parse::<u64>().ok())
                    .next_back()
                {
                    rss_kb = rss_kb.max(kb);
                }
            }
        }
        walls.sort();
        println!(
            "one-shot `cardcat catalog search` ({} runs): wall median {:.0} ms, max {:.0} ms; max RSS {:.1} MB   (goal ≤ 150 ms, ≤ 60 MB)",
            walls.len(),
            ms(pct(&walls, 0.5)),
            ms(pct(&walls, 1.0)),
            rss_kb as f64 / 1024.0
        );
    });
}
