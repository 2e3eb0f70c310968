//! How long the search index takes to become ready for a store: built from its rows, and
//! loaded from the snapshot. `cargo run --release -p cardcat-counter --example index_build -- DB`
#![allow(clippy::unwrap_used, clippy::float_arithmetic)]
use std::time::Instant;
fn main() {
    let db = std::path::PathBuf::from(std::env::args().nth(1).expect("a terminal database"));
    let store = cardcat_store::Store::open(&db).unwrap();
    let snap = cardcat_counter::catalog::snapshot_path(&db);
    for _ in 0..3 {
        let _ = std::fs::remove_file(&snap);
        let c = cardcat_counter::Catalog::with_snapshot(snap.clone());
        let t = Instant::now();
        let how = c.ensure_fresh(&store).unwrap();
        let built = t.elapsed().as_secs_f64() * 1e3;
        c.save_in_background().unwrap().join().unwrap();
        let c2 = cardcat_counter::Catalog::with_snapshot(snap.clone());
        let t = Instant::now();
        let how2 = c2.ensure_fresh(&store).unwrap();
        let loaded = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        let bytes = std::fs::read(&snap).unwrap();
        let read = t.elapsed().as_secs_f64() * 1e3;
        std::hint::black_box(bytes);
        println!("read alone {read:.1} ms");
        println!(
            "{how:?} {built:.1} ms, then {how2:?} {loaded:.1} ms ({} products, snapshot {} MB)",
            c2.len(),
            std::fs::metadata(&snap).unwrap().len() / 1_000_000
        );
    }
}
