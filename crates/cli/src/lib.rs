//! `cardcat`: the command line for installers and scripts. Parsing and rendering only:
//! every operation is a call on the counter service (`cardcat-counter`), every text
//! comes from the message catalog.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

use cardcat_client::secrets::{self, SecretStore};
use cardcat_core::{Lang, Localized, t};
use cardcat_counter::{Counter, Session, TerminalConfig};
use clap::{Parser, Subcommand};

pub mod counter;
pub mod print;

#[derive(Parser, Debug)]
#[command(
    name = "cardcat",
    version,
    about = "卡盟猫收银台 CardCat POS — terminal command line"
)]
pub struct Cli {
    /// Local store (SQLite file).
    #[arg(long, env = "CARDCAT_DB", global = true)]
    pub db: Option<PathBuf>,
    /// zh-CN (default) or en.
    #[arg(long, env = "CARDCAT_LANG", global = true)]
    pub lang: Option<String>,
    /// Who is at the counter (user id).
    #[arg(long, env = "CARDCAT_USER", global = true)]
    pub user: Option<String>,
    /// That user's PIN.
    #[arg(long, env = "CARDCAT_PIN", global = true, hide_env_values = true)]
    pub pin: Option<String>,
    /// Installer only: this activated terminal's database is gone; start with new, empty
    /// store data instead of restoring a backup.
    #[arg(long, global = true)]
    pub new_store_data: bool,
    #[command(subcommand)]
    pub cmd: Cmd,
}

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Pair this terminal with the platform using a one-time code.
    Activate {
        #[arg(long)]
        url: String,
        #[arg(long)]
        code: String,
        #[arg(long, default_value = "counter-1")]
        device: String,
        /// The code belongs to another store: archive this store's books and move there.
        #[arg(long)]
        move_store: bool,
    },
    /// Catalog: sync, search, info.
    Catalog {
        #[command(subcommand)]
        cmd: CatalogCmd,
    },
    /// Check the database, keyring, catalog, printer, platform, clock and signing.
    Doctor,
    /// Sell a product: top-up, PIN card, direct top-up, voucher. Prints the final state (and the PIN, once).
    Sell {
        sku: String,
        /// Mobile number, QQ, game account or email (empty for PIN cards).
        #[arg(default_value = "")]
        account: String,
        #[arg(long)]
        zone: Option<String>,
        #[arg(long, default_value_t = 1)]
        qty: u32,
        /// cash | wechat | alipay | card
        #[arg(long, default_value = "cash")]
        pay: String,
        /// Owner who authorises selling despite an open order for the same account and amount.
        #[arg(long)]
        override_user: Option<String>,
        #[arg(long)]
        override_pin: Option<String>,
        /// The FAILED/REFUNDED/CANCELLED order this one replaces (failover).
        #[arg(long)]
        replaces: Option<String>,
        /// Sell again although the same sale (this order number) was just made: after the
        /// customer confirmed they want another one.
        #[arg(long)]
        confirm_repeat: Option<String>,
        /// How long to wait for a final state before showing the order as in progress.
        #[arg(long, default_value_t = 30)]
        wait_secs: u64,
        /// Don't print a receipt even if a printer is set.
        #[arg(long)]
        no_print: bool,
    },
    /// Redeem (核销) a voucher code; or cancel / query an earlier redemption.
    Redeem {
        code: Option<String>,
        #[arg(long)]
        prepare_only: bool,
        #[arg(long)]
        cancel: Option<String>,
        #[arg(long)]
        query: Option<String>,
    },
    /// Orders: pending, resume (resolve), show, reprint.
    Orders {
        #[command(subcommand)]
        cmd: OrdersCmd,
    },
    /// Shifts: open with a float, X report, close with counted cash (Z report).
    Shift {
        #[command(subcommand)]
        cmd: ShiftCmd,
    },
    /// Commission: report by day/product/cashier, reconcile with the platform, CSV.
    Commission {
        #[command(subcommand)]
        cmd: CommissionCmd,
    },
    /// Users and roles.
    User {
        #[command(subcommand)]
        cmd: UserCmd,
    },
    /// Receipt printers: profiles, set-up, status, test/probe pages, samples, emulator, queue, preview.
    Printer {
        #[command(subcommand)]
        cmd: PrinterCmd,
    },
    /// Set this terminal up from a provisioning file (see installers/provision.example.toml):
    /// pairing, catalog, language, printer and its test page, the owner. Checked first; a
    /// file with a problem changes nothing; running it again is safe.
    Provision {
        #[arg(long)]
        file: std::path::PathBuf,
    },
    /// Kiosk mode: start the counter full screen at login, restarted after a crash.
    Kiosk {
        /// on | off
        state: String,
        /// Where the autostart entry goes (default: $XDG_CONFIG_HOME/autostart).
        #[arg(long)]
        autostart_dir: Option<std::path::PathBuf>,
        /// What the entry starts (default: the watchdog installed with the package).
        #[arg(long, default_value = cardcat_counter::owner::WATCHDOG)]
        exec: String,
    },
    /// Backups of the store database: now, list, restore (owner).
    Backup {
        #[command(subcommand)]
        cmd: BackupCmd,
    },
    /// App updates: the channel the updater follows, and whether one may install now (owner, installer).
    Update {
        #[command(subcommand)]
        cmd: UpdateCmd,
    },
}

#[derive(Subcommand, Debug)]
pub enum UpdateCmd {
    /// The channel, the update server, and what keeps an update from installing now.
    Status,
    /// Follow another channel: stable or beta.
    Channel { channel: String },
}

#[derive(Subcommand, Debug)]
pub enum BackupCmd {
    /// Back the store up now (SQLite online backup), keeping the newest N backups.
    Now {
        #[arg(long, default_value_t = 7)]
        keep: usize,
    },
    /// The backups, newest first, with the store and schema each holds.
    List,
    /// Restore the store from a backup of this store (refused for another store or a newer schema).
    /// On a terminal whose database is lost, only this terminal's own backup is taken, without a login.
    Restore { file: std::path::PathBuf },
}

#[derive(Subcommand, Debug)]
pub enum CatalogCmd {
    /// Download the catalog (full the first time, then deltas).
    Sync {
        #[arg(long)]
        full: bool,
    },
    /// Search the offline catalog: Chinese, pinyin, initials (txsp), face value, barcode.
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Catalog version, size and last sync.
    Info,
}

#[derive(Subcommand, Debug)]
pub enum PrinterCmd {
    /// Known printer models and their modes.
    Profiles,
    /// Find printers: a TCP 9100 sweep of the local network (or --subnet) and USB device files.
    Find {
        /// IPv4 CIDR, e.g. 192.168.1.0/24 (default: this machine's /24).
        #[arg(long)]
        subnet: Option<String>,
        #[arg(long, default_value_t = 9100)]
        port: u16,
        #[arg(long, default_value_t = 300)]
        timeout_ms: u64,
    },
    /// Choose this terminal's printer (installer or owner).
    Set {
        /// tcp://HOST:9100 | usb:VID:PID | serial:/dev/ttyUSB0:9600 | file:/dev/usb/lp0
        #[arg(long)]
        target: String,
        #[arg(long)]
        profile: String,
        #[arg(long)]
        footer: Option<String>,
        /// Print a logo on receipts.
        #[arg(long)]
        logo: bool,
    },
    /// Real-time status (DLE EOT): paper, cover, online.
    Status {
        #[arg(long)]
        target: Option<String>,
    },
    /// Print a test page (or the code-page probe with --probe).
    Test {
        #[arg(long)]
        target: Option<String>,
        #[arg(long)]
        profile: Option<String>,
        #[arg(long)]
        probe: bool,
    },
    /// Print one sample of every receipt type (and/or write PNG previews).
    Samples {
        #[arg(long)]
        target: Option<String>,
        #[arg(long)]
        profile: Option<String>,
        #[arg(long)]
        preview_dir: Option<PathBuf>,
    },
    /// A virtual printer on TCP that saves each job as .bin/.png/.txt.
    Emulate {
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        #[arg(long, default_value_t = 9100)]
        port: u16,
        #[arg(long, default_value = "printer-out")]
        out: PathBuf,
        /// 58 or 80 (mm)
        #[arg(long, default_value = "80")]
        width: String,
        /// Report "paper out" to status polls and drop jobs.
        #[arg(long)]
        paper_out: bool,
    },
    /// The print queue: list, --retry waiting jobs, --reprint JOB.
    Queue {
        #[arg(long)]
        retry: bool,
        #[arg(long)]
        reprint: Option<String>,
    },
    /// Render saved ESC/POS bytes to a PNG exactly as the paper would look.
    Preview {
        input: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value = "80")]
        width: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum OrdersCmd {
    /// Orders not final yet, and those needing attention.
    Pending,
    /// Resolve open orders by status query with the same key (run at start-up).
    Resume {
        /// Check everything now, ignoring the back-off schedule.
        #[arg(long)]
        all_now: bool,
        /// Keep resolving until nothing is open or this many seconds pass.
        #[arg(long, default_value_t = 0)]
        until_settled: u64,
    },
    /// One order; PINs masked (副本) unless --reveal by the owner (audited).
    Show {
        key: String,
        #[arg(long)]
        reveal: bool,
    },
    /// Reprint an order's receipt (a masked 副本 / REPRINT copy).
    Reprint { key: String },
    /// Results that have not reached the customer yet (未交付).
    Owed,
    /// Hand an owed result over: show it and print it.
    Deliver { key: String },
    /// Set an owed result aside, with the reason (audited).
    SetAside {
        key: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ShiftCmd {
    Open {
        #[arg(long, default_value = "0")]
        float: String,
    },
    X,
    Close {
        #[arg(long, allow_hyphen_values = true)]
        counted: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum CommissionCmd {
    Report {
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        /// day | product | cashier
        #[arg(long, default_value = "day")]
        by: String,
        /// CSV of the ledger entries instead.
        #[arg(long)]
        csv: bool,
    },
    Reconcile {
        #[arg(long)]
        date: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCmd {
    /// Add a user (the first one must be the owner and needs no login).
    Add {
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: String,
        /// cashier | owner | installer
        #[arg(long)]
        role: String,
        #[arg(long = "new-pin")]
        new_pin: String,
    },
    List,
}

/// An error for the person at the terminal: already localised.
#[derive(Debug)]
pub struct CliError(pub String);

impl<E: Localized> From<(E, Lang)> for CliError {
    fn from((e, l): (E, Lang)) -> Self {
        CliError(e.message(l))
    }
}

/// One invocation: the counter service, where output goes, and who is at the counter.
pub struct Ctx {
    pub counter: Counter,
    pub out: Box<dyn Write + Send>,
    /// Show a progress bar (only on a terminal).
    pub progress: bool,
    pub user: Option<String>,
    pub pin: Option<String>,
}

impl Ctx {
    /// Opens the counter service on `cfg` with `secrets` (the OS keyring in production).
    pub fn open(
        cfg: TerminalConfig,
        secrets: Arc<dyn SecretStore>,
        out: Box<dyn Write + Send>,
    ) -> Result<Ctx, CliError> {
        Self::open_with(cfg, secrets, out, false)
    }

    /// Like [`open`](Self::open); `new_store_data` is the installer's explicit choice to
    /// start an activated terminal whose database is gone with empty store data.
    pub fn open_with(
        cfg: TerminalConfig,
        secrets: Arc<dyn SecretStore>,
        out: Box<dyn Write + Send>,
        new_store_data: bool,
    ) -> Result<Ctx, CliError> {
        let lang = cfg.lang;
        let counter = if new_store_data {
            Counter::open_new_store(cfg, secrets)
        } else {
            Counter::open(cfg, secrets)
        }
        .map_err(|e| CliError::from((e, lang)))?;
        Ok(Ctx {
            counter,
            out,
            progress: false,
            user: None,
            pin: None,
        })
    }

    pub fn lang(&self) -> Lang {
        self.counter.lang()
    }

    /// Maps a localisable error into this invocation's language.
    pub fn err<E: Localized>(&self) -> impl Fn(E) -> CliError + use<E> {
        let lang = self.lang();
        move |e| CliError(e.message(lang))
    }

    pub fn say(&mut self, s: impl AsRef<str>) {
        let _ = writeln!(self.out, "{}", s.as_ref());
    }

    /// Writes lines and reports whether they really reached the output (flushed).
    pub fn say_all(&mut self, lines: &[String]) -> bool {
        let mut ok = true;
        for l in lines {
            ok &= writeln!(self.out, "{l}").is_ok();
        }
        ok && self.out.flush().is_ok()
    }

    /// The session of `--user/--pin`.
    pub fn session(&self) -> Result<Session, CliError> {
        let (Some(u), Some(p)) = (self.user.as_deref(), self.pin.as_deref()) else {
            return Err(CliError(t!(self.lang(), "cli.login_needed")));
        };
        self.counter.login(u, p).map_err(self.err())
    }

    /// The session when someone logged in, `None` otherwise (first-install set-up).
    pub fn maybe_session(&self) -> Result<Option<Session>, CliError> {
        if self.user.is_some() || self.pin.is_some() {
            self.session().map(Some)
        } else {
            Ok(None)
        }
    }
}

/// Parses the command line; argument errors are localised (zh-CN unless English is asked
/// for), help and version print as usual.
pub fn parse_args() -> Result<Cli, (String, i32)> {
    parse_args_from(std::env::args_os())
}

/// [`parse_args`] over the given arguments (the first one is the program's name).
pub fn parse_args_from<I, T>(args: I) -> Result<Cli, (String, i32)>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    match Cli::try_parse_from(args) {
        Ok(c) => Ok(c),
        Err(e) => {
            use clap::error::ErrorKind;
            match e.kind() {
                ErrorKind::DisplayHelp
                | ErrorKind::DisplayVersion
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    Err((e.to_string(), if e.use_stderr() { 2 } else { 0 }))
                }
                kind => {
                    let lang = arg_lang();
                    let what = e
                        .get(clap::error::ContextKind::InvalidArg)
                        .or_else(|| e.get(clap::error::ContextKind::InvalidSubcommand))
                        .map(|v| v.to_string())
                        .unwrap_or_default();
                    let key = match kind {
                        ErrorKind::InvalidValue | ErrorKind::ValueValidation => "cli.arg_invalid",
                        ErrorKind::UnknownArgument => "cli.arg_unknown",
                        ErrorKind::InvalidSubcommand => "cli.arg_unknown_command",
                        ErrorKind::MissingRequiredArgument => "cli.arg_missing",
                        _ => "cli.arg_other",
                    };
                    let msg = t!(lang, key, arg = what);
                    Err((
                        format!(
                            "{} {msg}\n{}",
                            t!(lang, "cli.error_prefix"),
                            t!(lang, "cli.arg_help")
                        ),
                        2,
                    ))
                }
            }
        }
    }
}

/// The whole `cardcat` program over the given arguments (the first one is the program's
/// name): help, version and argument errors are printed here; returns the exit code. The
/// `cardcat` binary, the test package's copy and the app binary's `--cli` mode all run this.
pub fn main_from<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    match parse_args_from(args) {
        Ok(cli) => main_with(cli),
        Err((msg, code)) => {
            let nl = if msg.ends_with('\n') { "" } else { "\n" };
            if code == 0 {
                print!("{msg}{nl}");
            } else {
                eprint!("{msg}{nl}");
            }
            code
        }
    }
}

/// The language for argument errors, before the command line is understood.
fn arg_lang() -> Lang {
    let args: Vec<String> = std::env::args().collect();
    let explicit = args
        .iter()
        .position(|a| a == "--lang")
        .and_then(|i| args.get(i + 1).cloned())
        .or_else(|| {
            args.iter()
                .find_map(|a| a.strip_prefix("--lang=").map(str::to_string))
        })
        .or_else(|| std::env::var("CARDCAT_LANG").ok());
    cardcat_counter::terminal::detect_lang(explicit.as_deref())
}

/// Entry point for the binary: runs, prints a localised error, returns the exit code.
pub fn main_with(cli: Cli) -> i32 {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("CARDCAT_LOG"))
        .with_writer(std::io::stderr)
        .try_init();
    let cfg = TerminalConfig::resolve(cli.db.clone(), cli.lang.as_deref());
    let lang = cfg.lang;
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{} {e}", t!(lang, "cli.error_prefix"));
            return 1;
        }
    };
    let secrets: Arc<dyn SecretStore> = Arc::from(secrets::from_env());
    // a lost database: nobody can log in to it, the keyring knows this terminal's backups
    if let Cmd::Backup {
        cmd: BackupCmd::Restore { file },
    } = &cli.cmd
        && Counter::store_lost(&cfg, &*secrets)
    {
        return match Counter::restore_lost_store(&cfg, &*secrets, file) {
            Ok(i) => {
                println!(
                    "{}",
                    t!(
                        lang,
                        "cli.backup_restored_lost",
                        store = i.store_id.unwrap_or_else(|| "-".into()),
                        orders = i.orders
                    )
                );
                0
            }
            Err(e) => {
                eprintln!("{} {}", t!(lang, "cli.error_prefix"), e.message(lang));
                1
            }
        };
    }
    let r = rt.block_on(async {
        let mut ctx = Ctx::open_with(
            cfg,
            secrets,
            Box::new(std::io::stdout()),
            cli.new_store_data,
        )?;
        ctx.progress = std::io::stderr().is_terminal();
        ctx.user = cli.user.clone();
        ctx.pin = cli.pin.clone();
        run(cli.cmd, &mut ctx).await
    });
    match r {
        Ok(code) => code,
        Err(CliError(msg)) => {
            eprintln!("{} {msg}", t!(lang, "cli.error_prefix"));
            1
        }
    }
}

pub async fn run(cmd: Cmd, ctx: &mut Ctx) -> Result<i32, CliError> {
    match cmd {
        Cmd::Activate {
            url,
            code,
            device,
            move_store,
        } => activate(ctx, &url, &code, &device, move_store)
            .await
            .map(|_| 0),
        Cmd::Catalog {
            cmd: CatalogCmd::Sync { full },
        } => catalog_sync(ctx, full).await.map(|_| 0),
        Cmd::Catalog {
            cmd: CatalogCmd::Search { query, limit, json },
        } => catalog_search(ctx, &query, limit, json).await.map(|_| 0),
        Cmd::Catalog {
            cmd: CatalogCmd::Info,
        } => catalog_info(ctx).map(|_| 0),
        Cmd::Doctor => doctor(ctx).await,
        Cmd::Sell {
            sku,
            account,
            zone,
            qty,
            pay,
            override_user,
            override_pin,
            replaces,
            confirm_repeat,
            wait_secs,
            no_print,
        } => {
            counter::sell(
                ctx,
                counter::SellArgs {
                    sku,
                    account,
                    zone,
                    qty,
                    pay,
                    override_user,
                    override_pin,
                    replaces,
                    confirm_repeat,
                    wait_secs,
                    no_print,
                },
            )
            .await
        }
        Cmd::Printer { cmd } => print::printer(ctx, cmd).await,
        Cmd::Redeem {
            code,
            prepare_only,
            cancel,
            query,
        } => counter::redeem(ctx, code, prepare_only, cancel, query).await,
        Cmd::Orders { cmd } => counter::orders(ctx, cmd).await,
        Cmd::Shift { cmd } => counter::shift(ctx, cmd).await,
        Cmd::Commission { cmd } => counter::commission(ctx, cmd).await,
        Cmd::User { cmd } => counter::user(ctx, cmd).await,
        Cmd::Backup { cmd } => counter::backup(ctx, cmd).await,
        Cmd::Update { cmd } => counter::update(ctx, cmd),
        Cmd::Provision { file } => counter::provision(ctx, &file).await,
        Cmd::Kiosk {
            state,
            autostart_dir,
            exec,
        } => counter::kiosk(ctx, &state, autostart_dir, &exec),
    }
}

pub async fn activate(
    ctx: &mut Ctx,
    url: &str,
    code: &str,
    device: &str,
    move_store: bool,
) -> Result<(), CliError> {
    let who = ctx.maybe_session()?;
    let a = ctx
        .counter
        .repair(who.as_ref(), url, code, device, move_store)
        .await
        .map_err(ctx.err())?;
    let m = t!(
        ctx.lang(),
        "cli.activated",
        terminal = a.terminal_id,
        store_id = a.store_id,
        store = a.store_name,
        keyring = a.keyring
    );
    ctx.say(m);
    Ok(())
}

pub async fn catalog_sync(ctx: &mut Ctx, full: bool) -> Result<(), CliError> {
    let lang = ctx.lang();
    let bar = ctx.progress.then(|| {
        let b = indicatif::ProgressBar::new(0);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({per_sec})")
        {
            b.set_style(style.progress_chars("=> "));
        }
        b
    });
    // The bar is drawn from the service's event stream.
    let mut rx = ctx.counter.subscribe();
    let drawer = bar.clone().map(|b| {
        tokio::spawn(async move {
            loop {
                let ev = match rx.recv().await {
                    Ok(ev) => ev,
                    // fell behind: later progress events still come
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(_) => break,
                };
                match ev {
                    cardcat_counter::Event::SyncProgress { phase, done, total } => {
                        b.set_message(t!(
                            lang,
                            if phase == "full" {
                                "cli.sync_full"
                            } else {
                                "cli.sync_delta"
                            }
                        ));
                        b.set_length(total);
                        b.set_position(done);
                    }
                    cardcat_counter::Event::SyncDone { .. } => break,
                    _ => {}
                }
            }
        })
    });
    let r = ctx.counter.sync(full).await;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if let Some(d) = drawer {
        d.abort();
    }
    let r = r.map_err(ctx.err())?;
    let info = ctx.counter.catalog_info().map_err(ctx.err())?;
    let m = t!(
        lang,
        if r.full {
            "cli.sync_done_full"
        } else {
            "cli.sync_done"
        },
        n = info.products,
        changes = r.changes,
        version = r.version,
        ms = r.elapsed_ms
    );
    ctx.say(m);
    Ok(())
}

pub async fn catalog_search(
    ctx: &mut Ctx,
    query: &str,
    limit: usize,
    json: bool,
) -> Result<(), CliError> {
    let lang = ctx.lang();
    let hits = ctx.counter.search(query, limit).await.map_err(ctx.err())?;
    if json {
        let s = serde_json::to_string_pretty(&hits).map_err(|e| CliError(e.to_string()))?;
        ctx.say(s);
        return Ok(());
    }
    if hits.is_empty() {
        ctx.say(t!(lang, "cli.search_none", query = query));
        return Ok(());
    }
    for h in &hits {
        let p = &h.product;
        let tier = t!(lang, &format!("search.tier.{}", tier_word(h.tier)));
        let avail = if p.available {
            String::new()
        } else {
            format!(" [{}]", t!(lang, "cli.unavailable"))
        };
        let line = t!(
            lang,
            "cli.search_hit",
            sku = format!("{:<16}", p.sku),
            name = p.name.clone(),
            price = p.retail_price.display_cny(),
            face = p.face_value.display_cny(),
            commission = p.commission().display_cny(),
            kind = p.kind.label(lang),
            tier = tier
        );
        ctx.say(format!("{line}{avail}"));
    }
    Ok(())
}

fn tier_word(t: cardcat_core::search::MatchTier) -> &'static str {
    t.as_str()
}

pub fn catalog_info(ctx: &mut Ctx) -> Result<(), CliError> {
    let lang = ctx.lang();
    let i = ctx.counter.catalog_info().map_err(ctx.err())?;
    let mut m = t!(
        lang,
        "cli.catalog_info",
        n = i.products,
        version = i
            .version
            .map(|v| v.to_string())
            .unwrap_or_else(|| "-".into()),
        last = cardcat_counter::doctor::ago(lang, i.last_sync_ms)
    );
    if let Some(e) = i.last_error.filter(|e| !e.is_empty()) {
        m.push_str(&t!(lang, "cli.catalog_last_error", error = e));
    }
    ctx.say(m);
    Ok(())
}

/// Exit code 0 when every check passes, 1 otherwise.
pub async fn doctor(ctx: &mut Ctx) -> Result<i32, CliError> {
    let checks = ctx.counter.doctor().await;
    let mut failed = false;
    for c in &checks {
        failed |= !c.ok;
        ctx.say(format!("{} {}", if c.ok { "✓" } else { "✗" }, c.text));
        if let Some(f) = &c.fix {
            ctx.say(format!("  → {f}"));
        }
    }
    Ok(i32::from(failed))
}
