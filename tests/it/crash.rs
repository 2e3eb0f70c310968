//! Reliability harness. The real `cardcat` binary sells against the sandbox and is
//! SIGKILLed at random points, across every scripted outcome (commit-then-drop and
//! success-then-reversed included). Afterwards the terminal resumes, and we check:
//! every order reached the platform's final state, no client key was fulfilled twice
//! (the sandbox's own DB), and the ledger matches the platform's statement.
//!
//! `CARDCAT_CRASH_ITERATIONS` (default 200) sets the size; `CARDCAT_SOAK=1` runs 1,000.
//! `CARDCAT_CRASH_SEED` replays a run.

use std::collections::{BTreeSet, HashMap};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cardcat_core::{OrderState, RemoteStatus};
use cardcat_store::Store;
use cardcat_tests::Env;

const BIN: &str = env!("CARGO_BIN_EXE_cardcat-it");
const SCENARIOS: [&str; 10] = [
    "000", "101", "201", "301", "401", "501", "601", "701", "801", "901",
];

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
}

fn cli(db: &str, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(["--db", db, "--lang", "en"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

fn run_ok(db: &str, args: &[&str]) {
    let out = cli(db, args)
        .stdout(Stdio::piped())
        .output()
        .expect("spawn cardcat");
    assert!(
        out.status.success(),
        "cardcat {args:?}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_at_random_points_never_duplicates_or_loses_an_order() {
    let iterations: u64 = std::env::var("CARDCAT_CRASH_ITERATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if std::env::var_os("CARDCAT_SOAK").is_some() {
            1000
        } else {
            200
        });
    let seed: u64 = std::env::var("CARDCAT_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
                | 1
        });
    let mut rng = XorShift(seed);
    let env = Env::start_with(0, |c| {
        c.slow_secs = 1;
        c.reverse_after_secs = 1;
    })
    .await;
    let db_path = env.terminal_db("crash.sqlite");
    let db = db_path.to_str().expect("utf-8 path").to_string();

    // Set the terminal up through the real CLI (secret into the OS keyring the children share).
    let code = env.pairing_code();
    run_ok(&db, &["activate", "--url", &env.url(), "--code", &code]);
    run_ok(&db, &["catalog", "sync"]);
    run_ok(
        &db,
        &[
            "user",
            "add",
            "--id",
            "boss",
            "--name",
            "Boss",
            "--role",
            "owner",
            "--new-pin",
            "8888",
        ],
    );
    run_ok(
        &db,
        &[
            "--user",
            "boss",
            "--pin",
            "8888",
            "user",
            "add",
            "--id",
            "c1",
            "--name",
            "C1",
            "--role",
            "cashier",
            "--new-pin",
            "1234",
        ],
    );
    run_ok(
        &db,
        &[
            "--user", "c1", "--pin", "1234", "shift", "open", "--float", "100",
        ],
    );

    // Calibrate: how long does an undisturbed sale take end to end?
    let mut base = Vec::new();
    for i in 0..3 {
        let acct = format!("13799999{i}00");
        let t = Instant::now();
        run_ok(
            &db,
            &[
                "--user",
                "c1",
                "--pin",
                "1234",
                "sell",
                "CM-HF-10",
                &acct,
                "--wait-secs",
                "1",
            ],
        );
        base.push(t.elapsed());
    }
    base.sort();
    let window_ms = (base[1].as_millis() as u64 * 3 / 2).max(50);

    let (mut killed, mut completed, mut resumes) = (0u64, 0u64, 0u64);
    for i in 0..iterations {
        let (sku, acct) = if i % 11 == 10 {
            ("WY-YKT-30", String::new())
        } else {
            (
                "CM-HF-50",
                format!("139{:05}{}", i, SCENARIOS[(i % 10) as usize]),
            )
        };
        let mut child = cli(
            &db,
            &[
                "--user",
                "c1",
                "--pin",
                "1234",
                "sell",
                sku,
                &acct,
                "--wait-secs",
                "1",
            ],
        )
        .spawn()
        .expect("spawn");
        // Mostly inside the part of a sale that matters (persist → send → answer), sometimes at start-up.
        let delay = if rng.below(5) == 0 {
            rng.below(window_ms * 2 / 5)
        } else {
            window_ms * 2 / 5 + rng.below(window_ms * 6 / 5)
        };
        std::thread::sleep(Duration::from_millis(delay));
        match child.try_wait() {
            Ok(Some(_)) => completed += 1,
            _ => {
                let _ = child.kill(); // SIGKILL
                let _ = child.wait();
                killed += 1;
            }
        }
        // now and then a start-up resume, also killed at a random point
        if i % 20 == 19 {
            let mut r = cli(&db, &["--user", "c1", "--pin", "1234", "orders", "resume"])
                .spawn()
                .expect("spawn");
            std::thread::sleep(Duration::from_millis(rng.below(window_ms)));
            let _ = r.kill();
            let _ = r.wait();
            resumes += 1;
        }
    }

    // Let every time-based outcome come due (401: 1 s, 801: 3 s, 601: reversal after 1 s), then recover.
    std::thread::sleep(Duration::from_millis(3300));
    run_ok(
        &db,
        &[
            "--user",
            "c1",
            "--pin",
            "1234",
            "orders",
            "resume",
            "--all-now",
            "--until-settled",
            "60",
        ],
    );
    std::thread::sleep(Duration::from_millis(1200));
    run_ok(
        &db,
        &[
            "--user",
            "c1",
            "--pin",
            "1234",
            "orders",
            "resume",
            "--all-now",
            "--until-settled",
            "30",
        ],
    );

    // ---- verdict ----
    let store = Store::open(&db_path).expect("store");
    let local: HashMap<String, OrderState> = {
        let mut st = store
            .conn()
            .prepare("SELECT client_key, state FROM orders")
            .expect("q");
        st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .expect("rows")
            .map(|r| r.expect("row"))
            .map(|(k, s)| (k, OrderState::parse(&s).unwrap_or(OrderState::Unknown)))
            .collect()
    };
    let days: BTreeSet<String> = {
        let mut st = store
            .conn()
            .prepare("SELECT DISTINCT day FROM orders")
            .expect("q");
        st.query_map([], |r| r.get::<_, String>(0))
            .expect("rows")
            .map(|r| r.expect("row"))
            .collect()
    };
    let resent: i64 = store
        .conn()
        .query_row(
            "SELECT count(DISTINCT client_key) FROM order_events WHERE event = 'resend_same_key'",
            [],
            |r| r.get(0),
        )
        .expect("q");
    let unknown_seen: i64 = store
        .conn()
        .query_row(
            "SELECT count(DISTINCT client_key) FROM order_events WHERE event = 'no_answer'",
            [],
            |r| r.get(0),
        )
        .expect("q");
    drop(store);
    let snap = cardcat_sandbox::orders_snapshot(&env.sandbox_db, 1, 1).expect("snapshot");
    let platform: HashMap<String, (RemoteStatus, u32)> = snap
        .into_iter()
        .map(|(k, s, n)| (k.to_string(), (s, n)))
        .collect();

    let duplicates: u32 = platform.values().map(|(_, n)| n.saturating_sub(1)).sum();
    let mut lost = 0;
    let mut mismatches = 0;
    for (k, st) in &local {
        match platform.get(k) {
            None => {
                lost += 1;
                eprintln!("lost: {k} is {st:?} locally and unknown to the platform");
            }
            Some((r, _)) if OrderState::from(*r) != *st => {
                mismatches += 1;
                eprintln!("mismatch: {k} local {st:?} platform {r:?}");
            }
            _ => {}
        }
        if !st.is_final() {
            lost += 1;
            eprintln!("unresolved: {k} still {st:?}");
        }
    }
    for k in platform.keys() {
        if !local.contains_key(k) {
            lost += 1;
            eprintln!("forgotten: platform has {k}, the terminal does not");
        }
    }
    // the ledger against the platform's statements, day by day
    let secrets = cardcat_client::secrets::from_env();
    let mut engine = cardcat_engine::Engine::open(Store::open(&db_path).expect("store"), &*secrets)
        .expect("engine");
    let owner = engine.login("boss", "8888").expect("owner");
    let mut ledger_diffs = 0;
    let mut matched = 0;
    for d in &days {
        let rep = engine.reconcile(&owner, d).await.expect("reconcile");
        matched += rep.matched;
        ledger_diffs += rep.diffs.len();
        for diff in &rep.diffs {
            eprintln!("ledger: {diff:?}");
        }
    }
    mismatches += ledger_diffs;
    println!(
        "crash harness: seed={seed} iterations={iterations} killed={killed} completed={completed} killed_resumes={resumes} kill_window_ms={window_ms} \
         orders={} resent_same_key={resent} went_unknown={unknown_seen} reconciled={matched} duplicates={duplicates} lost={lost} mismatches={mismatches}",
        local.len()
    );
    assert!(
        local.len() as u64 >= iterations / 4,
        "the harness produced too few orders to mean anything: {}",
        local.len()
    );
    assert_eq!((duplicates, lost, mismatches), (0, 0, 0), "seed {seed}");
    env.sandbox.shutdown().await;
}
