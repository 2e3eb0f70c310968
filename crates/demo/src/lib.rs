//! A demo terminal in one call, for the desktop app's demo mode and the end-to-end tests.
//!
//! [`start`] runs the sandbox platform in-process on loopback (port 0), pairs a terminal to
//! it through the counter service (the one activation path), syncs the catalog, adds the
//! demo users (owner `boss`/8888, cashier `c1`/1234), opens the cashier's shift and points
//! the receipt printer at a virtual ESC/POS printer that saves every job's bytes.
//! What a test needs to reach from outside (sandbox URL and admin token, printer output
//! directory) is written to `demo.json` in the demo directory.
//!
//! Invariant: everything listens on 127.0.0.1 only.
//! Invariant: the demo keeps its terminal secret in memory, never in the OS keyring of the
//! machine it is shown on (a demo directory is thrown away; its secret must be too).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use cardcat_client::SecretStore;
use cardcat_client::secrets::MemoryStore;
use cardcat_core::Lang;
use cardcat_counter::{Counter, PrinterSetup, TerminalConfig};
use cardcat_printer::emulator::Emulator;
use cardcat_sandbox::{RunningSandbox, SandboxConfig};
use serde::{Deserialize, Serialize};

/// The demo users: (id, role, PIN). Names come from the message catalog.
pub const OWNER: (&str, &str) = ("boss", "8888");
pub const CASHIER: (&str, &str) = ("c1", "1234");

/// What a demo is started with.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub dir: PathBuf,
    /// Generated SKUs on top of the seeded catalog (search at scale).
    pub extra_skus: u32,
    pub lang: Lang,
    /// A fresh terminal for the installer's wizard: not paired, no users, no printer; a
    /// pairing code is waiting in `demo.json`.
    pub fresh: bool,
    /// Past orders (with their ledger) spread over the last 90 days, for the owner's
    /// reports at scale.
    pub history: u32,
}

impl DemoOptions {
    pub fn new(dir: PathBuf, lang: Lang) -> DemoOptions {
        DemoOptions {
            dir,
            extra_skus: 0,
            lang,
            fresh: false,
            history: 0,
        }
    }
}

/// What the outside world (tests, a curious developer) may know about a running demo.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DemoInfo {
    pub sandbox_url: String,
    pub admin_token: String,
    pub printer_target: String,
    pub printer_out: PathBuf,
    pub printer_port: u16,
    pub terminal_db: PathBuf,
    /// The code the installer types (fresh demos only).
    pub pairing_code: Option<String>,
}

/// A running demo: keep it alive as long as the terminal is used.
pub struct Demo {
    pub counter: Counter,
    pub info: DemoInfo,
    pub sandbox: RunningSandbox,
    pub printer: Emulator,
}

/// Where `demo.json` of a demo directory is.
pub fn info_path(dir: &Path) -> PathBuf {
    dir.join("demo.json")
}

/// Starts the sandbox, the virtual printer and an activated, synced terminal in `dir`.
/// Call it inside a tokio runtime that outlives the demo (the servers run on it).
pub async fn start(opts: DemoOptions) -> anyhow::Result<Demo> {
    std::fs::create_dir_all(&opts.dir)
        .with_context(|| format!("demo directory {}", opts.dir.display()))?;
    let sandbox_db = opts.dir.join("sandbox.sqlite");
    let mut cfg = SandboxConfig::new(&sandbox_db);
    cfg.extra_skus = opts.extra_skus;
    let admin_token = cfg.admin_token.clone();
    let sandbox = cardcat_sandbox::start(cfg, SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .context("sandbox")?;
    let printer_out = opts.dir.join("printer-out");
    let printer = Emulator::start(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        printer_out.clone(),
        cardcat_printer::PaperWidth::Mm80,
    )
    .await
    .context("virtual printer")?;
    let terminal_db = opts.dir.join("terminal.sqlite");
    let secrets: Arc<dyn SecretStore> = Arc::new(MemoryStore::default());
    let counter = Counter::open(
        TerminalConfig {
            db: terminal_db.clone(),
            lang: opts.lang,
        },
        secrets,
    )?;
    let code = cardcat_sandbox::create_pairing_code(&sandbox_db, None)?;
    let printer_port = printer
        .target()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or(9100);
    let info = DemoInfo {
        sandbox_url: sandbox.url(),
        admin_token,
        printer_target: printer.target(),
        printer_out,
        printer_port,
        terminal_db: terminal_db.clone(),
        pairing_code: opts.fresh.then(|| code.code.clone()),
    };
    if !opts.fresh {
        counter
            .activate(&sandbox.url(), &code.code, "demo-counter")
            .await?;
        counter.sync(false).await?;
        let lang = opts.lang;
        let owner_name = cardcat_core::t!(lang, "demo.owner_name");
        let cashier_name = cardcat_core::t!(lang, "demo.cashier_name");
        counter.add_user(None, OWNER.0, &owner_name, "owner", OWNER.1)?;
        let owner = counter.login(OWNER.0, OWNER.1)?;
        counter.set_printer(
            Some(&owner),
            &PrinterSetup {
                target: printer.target(),
                profile: "xprinter-80".into(),
                footer: None,
                logo: false,
            },
        )?;
        counter.add_user(Some(&owner), CASHIER.0, &cashier_name, "cashier", CASHIER.1)?;
        let cashier = counter.login(CASHIER.0, CASHIER.1)?;
        counter.open_shift(&cashier, "200")?;
        if opts.history > 0 {
            seed_history(&terminal_db, opts.history).context("order history")?;
        }
    }
    std::fs::write(info_path(&opts.dir), serde_json::to_vec_pretty(&info)?).context("demo.json")?;
    Ok(Demo {
        counter,
        info,
        sandbox,
        printer,
    })
}

/// Writes `n` past orders with their ledger entries straight into the terminal's store,
/// spread over the 90 days before today (several products, both demo users, the hours the
/// shop is open). Only for the owner's reports at scale: these orders never went to the
/// platform, so reconciliation lists them as missing there.
pub fn seed_history(db: &Path, n: u32) -> anyhow::Result<()> {
    use cardcat_store::rusqlite_reexport::{Connection, params};
    let mut c = Connection::open(db)?;
    let skus: Vec<(String, String, String, String)> = {
        let mut st = c.prepare(
            "SELECT sku, name, kind, retail_price FROM products
             WHERE generation = (SELECT active_gen FROM sync_state WHERE id = 1)
             AND available = 1 ORDER BY sku LIMIT 40",
        )?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    anyhow::ensure!(!skus.is_empty(), "no catalog to sell from");
    let now = cardcat_store::now_ms();
    let midnight = (now + 8 * 3_600_000).div_euclid(86_400_000) * 86_400_000 - 8 * 3_600_000;
    let tx = c.transaction()?;
    {
        let mut order = tx.prepare(
            "INSERT INTO orders (client_key, sku, product_name, kind, qty, account, price, cost, commission,
               cashier_id, state, created_at_ms, updated_at_ms, day, handed_over_ms, payment_method)
             VALUES (?1, ?2, ?3, ?4, 1, '', ?5, ?6, ?7, ?8, 'SUCCEEDED', ?9, ?9, ?10, ?9, 'cash')",
        )?;
        let mut ledger = tx.prepare(
            "INSERT INTO ledger (client_key, kind, amount, sku, cashier_id, day, at_ms, reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'succeeded')",
        )?;
        // a fixed xorshift generator: the same history every run
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        const HOURS: [i64; 19] = [
            8, 9, 10, 11, 12, 12, 12, 13, 14, 15, 16, 17, 18, 18, 19, 19, 20, 21, 22,
        ];
        for _ in 0..n {
            let (sku, name, kind, price) = &skus[(next() % skus.len() as u64) as usize];
            let fen = price
                .parse::<cardcat_core::Money>()
                .map(|m| m.fen())
                .unwrap_or(1000)
                .max(100);
            let commission = fen * (2 + (next() % 4) as i64) / 100;
            let cost = fen - commission;
            let day_back = (next() % 90) as i64;
            let hour = HOURS[(next() % 19) as usize];
            let at =
                (midnight - day_back * 86_400_000 + hour * 3_600_000 + (next() % 3_600_000) as i64)
                    .min(now - 60_000);
            let day = cardcat_core::day_utc8(at);
            let key = uuid::Uuid::now_v7().to_string();
            let cashier = if next() % 3 == 0 { OWNER.0 } else { CASHIER.0 };
            let m = |f: i64| cardcat_core::Money::from_fen(f).to_string();
            order.execute(params![
                key,
                sku,
                name,
                kind,
                m(fen),
                m(cost),
                m(commission),
                cashier,
                at,
                day
            ])?;
            for (k, f) in [("sale", fen), ("cost", cost), ("commission", commission)] {
                ledger.execute(params![key, k, m(f), sku, cashier, day, at])?;
            }
        }
    }
    tx.commit()?;
    Ok(())
}
