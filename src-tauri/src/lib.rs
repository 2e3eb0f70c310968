//! The CardCat desktop app: a thin Tauri 2 shell over the counter service.
//!
//! `run()` is the binary's whole `main`; [`run_app`] wires any runtime (the real one, or
//! `tauri::test::mock_builder` in the IPC tests). The counter service is built once in
//! `setup()` and managed; commands (see `commands.rs`) are adapters of a few lines.
//!
//! Invariant: the webview never holds a credential. A login gives it an opaque token
//! naming a [`cardcat_engine::Session`] kept here; every command that needs a person
//! resolves it and the engine checks the role again.
//! Invariant: the terminal secret stays in the OS keyring (the demo: in memory); no command
//! returns it, nor SQL, nor the store's path.

mod commands;
pub mod ipc;
pub mod logs;
mod owner;
mod recovery;
mod sessions;
pub mod update;

pub mod command_names;

use cardcat_core::Lang;
use cardcat_counter::{Counter, TerminalConfig};
use tauri::{AppHandle, Manager, Runtime};

pub use sessions::Sessions;

/// How the app finds its counter service.
pub enum Start {
    /// The terminal's own database and keyring (a real counter; tests give their own
    /// keyring).
    Terminal(
        TerminalConfig,
        std::sync::Arc<dyn cardcat_client::SecretStore>,
    ),
    /// A counter service built already (tests).
    Counter(Counter),
    /// The demo: the sandbox platform, a virtual printer and demo users, in-process.
    #[cfg(feature = "demo")]
    Demo(cardcat_demo::DemoOptions),
}

/// What every command reaches through `State`.
pub struct AppState {
    pub counter: Counter,
    pub sessions: Sessions,
    pub demo: bool,
    /// Where the owner's exports and support bundles are written.
    pub files_dir: std::path::PathBuf,
    /// The printer sweep's default range and port (the demo and tests: loopback only).
    pub sweep: (String, u16),
    /// The latest log lines, for the support bundle.
    pub logs: logs::LogRing,
}

impl AppState {
    pub fn new(counter: Counter, demo: bool) -> AppState {
        let files_dir = counter
            .db_path()
            .parent()
            .map(|d| d.join("exports"))
            .unwrap_or_else(|| std::env::temp_dir().join("cardcat-exports"));
        AppState {
            counter,
            sessions: Sessions::default(),
            demo,
            files_dir,
            sweep: (Counter::default_sweep(), 9100),
            logs: logs::global(),
        }
    }

    /// The terminal's language now (the installer may change it).
    pub fn lang(&self) -> Lang {
        self.counter.lang()
    }
}

/// What must stay alive beside the counter (the demo's servers), if anything.
type Keep = Option<Box<dyn std::any::Any + Send + Sync>>;

/// The sweep range of a demo: loopback only, on the virtual printer's port.
type Sweep = Option<(String, u16)>;

/// Why the counter could not open: the words, and what the recovery screen needs.
enum OpenError {
    /// The terminal's own counter did not open: the window says why (and may restore).
    Terminal(recovery::Recovery),
    #[cfg_attr(not(feature = "demo"), allow(dead_code))]
    Other(String),
}

/// Builds the counter service for `start` (inside tauri's async runtime).
fn open(start: Start) -> Result<(Counter, bool, Keep, Sweep), OpenError> {
    match start {
        Start::Terminal(cfg, secrets) => match Counter::open(cfg.clone(), secrets.clone()) {
            Ok(c) => Ok((c, false, None, None)),
            Err(e) => {
                // said without the store's path or internal detail (the webview's rule)
                let message = if matches!(e, cardcat_counter::CounterError::StoreMissing { .. }) {
                    cardcat_core::t!(cfg.lang, "ui.recovery_lost")
                } else {
                    ipc::IpcError::from_counter(&e, cfg.lang)
                        .message()
                        .to_string()
                };
                tracing::error!(error = %cardcat_core::Localized::code(&e), "the counter did not open");
                Err(OpenError::Terminal(recovery::Recovery::new(
                    cfg, secrets, message,
                )))
            }
        },
        Start::Counter(c) => Ok((c, false, None, None)),
        #[cfg(feature = "demo")]
        Start::Demo(opts) => {
            let demo = tauri::async_runtime::block_on(cardcat_demo::start(opts))
                .map_err(|e| OpenError::Other(format!("{e:#}")))?;
            let counter = demo.counter.clone();
            let sweep = Some(("127.0.0.1/32".to_string(), demo.info.printer_port));
            Ok((counter, true, Some(Box::new(demo)), sweep))
        }
    }
}

/// Keeps the demo's sandbox and virtual printer running as long as the app.
struct DemoKeep(#[allow(dead_code)] Box<dyn std::any::Any + Send + Sync>);

/// Registers state, commands and start-up work on `builder`. The counter service is built
/// once, in `setup()` (a prebuilt one, for tests, is managed as it is).
pub fn run_app<R: Runtime>(builder: tauri::Builder<R>, start: Start) -> tauri::Builder<R> {
    let builder = builder
        .invoke_handler(commands::handler())
        .plugin(tauri_plugin_updater::Builder::new().build());
    if let Start::Counter(counter) = start {
        let bg = counter.clone();
        return builder
            .manage(AppState::new(counter, false))
            .manage(update::Updates::new(None))
            .setup(move |_| {
                background(bg);
                Ok(())
            });
    }
    builder.setup(move |app| {
        let (counter, demo, keep, sweep) = match open(start) {
            Ok(x) => x,
            // the window opens on the recovery screen, saying why
            Err(OpenError::Terminal(r)) => {
                app.manage(r);
                return Ok(());
            }
            Err(OpenError::Other(m)) => return Err(m.into()),
        };
        if let Some(k) = keep {
            app.manage(DemoKeep(k));
        }
        let mut state = AppState::new(counter.clone(), demo);
        if let Some(s) = sweep {
            state.sweep = s;
        }
        // the demo never asks an update server
        serve(app.handle(), state, (!demo).then(Counter::update_base_url));
        if !demo {
            update::check_daily(app.handle().clone(), counter);
        }
        Ok(())
    })
}

/// Puts an open counter to work: its state and the updater's, the whole screen in kiosk
/// mode (the watchdog starts it again after a crash), and the background work. At start,
/// and when the recovery screen brought a lost store back.
pub(crate) fn serve<R: Runtime>(app: &AppHandle<R>, state: AppState, update_base: Option<String>) {
    let counter = state.counter.clone();
    app.manage(state);
    app.manage(update::Updates::new(update_base));
    if counter.kiosk()
        && let Some(w) = app.get_webview_window("main")
        && let Err(e) = w.set_fullscreen(true)
    {
        tracing::warn!(error = %e, "full screen");
    }
    background(counter);
}

/// Catalog and open orders are brought up to date in the background; the login screen
/// does not wait for the network.
fn background(counter: Counter) {
    tauri::async_runtime::spawn(async move {
        if let Err(e) = counter.load_index().await {
            tracing::warn!(error = %e, "loading the search index");
        }
        if counter.info().map(|i| i.activated).unwrap_or(false) {
            if let Err(e) = counter.sync(false).await {
                tracing::warn!(error = %e, "catalog sync at start");
            }
            if let Err(e) = counter.resume(true).await {
                tracing::warn!(error = %e, "resuming open orders at start");
            }
            // the owner's 90-day report should not wait for the ledger
            let c = counter.clone();
            let _ = tauri::async_runtime::spawn_blocking(move || {
                if let Err(e) = c.warm_reports(90) {
                    tracing::warn!(error = %e, "rolling up the report days");
                }
            })
            .await;
            // the daily backup: at start, then checked every hour (bounded: about a year)
            for _ in 0..(24 * 366) {
                let c = counter.clone();
                let _ = tauri::async_runtime::spawn_blocking(move || {
                    if let Err(e) = c.scheduled_backup(cardcat_counter::backup::DEFAULT_KEEP) {
                        tracing::warn!(error = %e, "daily backup");
                    }
                })
                .await;
                tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
            }
        }
    });
}

/// The arguments the binary understands: `--demo` (demo builds), `--db PATH`, `--lang`.
fn start_from_args() -> Result<Start, String> {
    let mut args = std::env::args().skip(1);
    let mut db = None;
    let mut lang = None;
    let mut demo = false;
    let mut extra = 0u32;
    let mut dir = None;
    let mut fresh = false;
    let mut history = 0u32;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--demo" => demo = true,
            "--db" => db = args.next().map(std::path::PathBuf::from),
            "--lang" => lang = args.next(),
            "--demo-dir" => dir = args.next().map(std::path::PathBuf::from),
            "--extra-skus" => extra = args.next().and_then(|n| n.parse().ok()).unwrap_or(0),
            "--setup" => fresh = true,
            "--history" => history = args.next().and_then(|n| n.parse().ok()).unwrap_or(0),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let lang_v = cardcat_counter::terminal::detect_lang(lang.as_deref());
    if demo || std::env::var_os("CARDCAT_DEMO_DIR").is_some() {
        #[cfg(feature = "demo")]
        {
            let dir = dir
                .or_else(|| std::env::var_os("CARDCAT_DEMO_DIR").map(Into::into))
                .unwrap_or_else(|| {
                    std::env::temp_dir().join(format!("cardcat-app-demo-{}", std::process::id()))
                });
            let env_num = |k: &str, d: u32| {
                std::env::var(k)
                    .ok()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(d)
            };
            let mut o = cardcat_demo::DemoOptions::new(dir, lang_v);
            o.extra_skus = env_num("CARDCAT_DEMO_EXTRA_SKUS", extra);
            o.history = env_num("CARDCAT_DEMO_HISTORY", history);
            o.fresh = fresh || std::env::var_os("CARDCAT_DEMO_SETUP").is_some();
            return Ok(Start::Demo(o));
        }
        #[cfg(not(feature = "demo"))]
        {
            let _ = (dir, extra, fresh, history);
            return Err(cardcat_core::t!(lang_v, "app.demo_not_built"));
        }
    }
    Ok(Start::Terminal(
        TerminalConfig::resolve(db, lang.as_deref()),
        std::sync::Arc::from(cardcat_client::secrets::from_env()),
    ))
}

/// The binary's entry point. `cardcat-app --cli ARGS` is the `cardcat` command line (the
/// packages install `/usr/bin/cardcat` as a two-line script running it).
pub fn run() {
    let mut args = std::env::args_os();
    if args.nth(1).is_some_and(|a| a == "--cli") {
        std::process::exit(cardcat_cli::main_from(
            std::iter::once(std::ffi::OsString::from("cardcat")).chain(args),
        ));
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CARDCAT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(logs::writer)
        .try_init();
    let start = match start_from_args() {
        Ok(s) => s,
        Err(m) => {
            eprintln!("{m}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run_app(tauri::Builder::default(), start).run(tauri::generate_context!()) {
        eprintln!("{e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests;
