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
}

/// What the outside world (tests, a curious developer) may know about a running demo.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DemoInfo {
    pub sandbox_url: String,
    pub admin_token: String,
    pub printer_target: String,
    pub printer_out: PathBuf,
    pub terminal_db: PathBuf,
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
    let info = DemoInfo {
        sandbox_url: sandbox.url(),
        admin_token,
        printer_target: printer.target(),
        printer_out,
        terminal_db,
    };
    std::fs::write(info_path(&opts.dir), serde_json::to_vec_pretty(&info)?).context("demo.json")?;
    Ok(Demo {
        counter,
        info,
        sandbox,
        printer,
    })
}
