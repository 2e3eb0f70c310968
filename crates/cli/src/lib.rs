//! `cardcat`: the command line for installers and scripts. Each subcommand is a thin
//! adapter over the store, client and core crates; the logic lives there.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use cardcat_client::PlatformClient;
use cardcat_client::secrets::{self, SecretStore};
use cardcat_client::sync::{self, Progress, SyncOptions, SyncPhase};
use cardcat_core::search::{MatchTier, SearchIndex};
use cardcat_core::{Lang, Localized};
use cardcat_store::Store;
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
    },
    /// Catalog: sync, search, info.
    Catalog {
        #[command(subcommand)]
        cmd: CatalogCmd,
    },
    /// Check platform reachability, clock skew, database integrity and the keyring.
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
        /// How long to follow the order before leaving it to `orders resume`.
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
    /// Orders: pending, resume (resolve), show.
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
    /// Start the sandbox platform in-process, pair, sync, search: the whole loop in one go.
    Demo {
        /// Where the demo keeps its two SQLite files (default: a new temp dir).
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Generated SKUs on top of the seeded catalog.
        #[arg(long, default_value_t = 5000)]
        extra_skus: u32,
        /// Keep the sandbox serving after the demo until Ctrl-C.
        #[arg(long)]
        serve: bool,
    },
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
}

#[derive(Subcommand, Debug)]
pub enum ShiftCmd {
    Open {
        #[arg(long, default_value = "0")]
        float: String,
    },
    X,
    Close {
        #[arg(long)]
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

pub fn default_db() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("cardcat").join("cardcat.sqlite")
}

/// An error for the person at the terminal: already localised.
#[derive(Debug)]
pub struct CliError(pub String);

impl<E: Localized> From<(E, Lang)> for CliError {
    fn from((e, l): (E, Lang)) -> Self {
        CliError(e.message(l))
    }
}

pub struct Ctx {
    pub db: PathBuf,
    pub lang: Lang,
    pub secrets: Box<dyn SecretStore>,
    pub out: Box<dyn Write + Send>,
    /// Show a progress bar (only on a terminal).
    pub progress: bool,
    pub user: Option<String>,
    pub pin: Option<String>,
}

impl Ctx {
    pub fn t(&self, zh: &str, en: &str) -> String {
        match self.lang {
            Lang::ZhCn => zh.to_string(),
            Lang::En => en.to_string(),
        }
    }

    pub(crate) fn open_store(&self) -> Result<Store, CliError> {
        if let Some(dir) = self.db.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir)
                .map_err(|e| CliError(format!("{}: {e}", dir.display())))?;
        }
        Store::open(&self.db).map_err(|e| CliError::from((e, self.lang)))
    }

    pub(crate) fn say(&mut self, s: impl AsRef<str>) {
        let _ = writeln!(self.out, "{}", s.as_ref());
    }
}

/// Entry point for the binary: parses env, runs, prints a localised error, returns the exit code.
pub fn main_with(cli: Cli) -> i32 {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("CARDCAT_LOG"))
        .with_writer(std::io::stderr)
        .try_init();
    let lang = Lang::from_tag(
        &cli.lang
            .clone()
            .or_else(|| std::env::var("LANG").ok().filter(|l| l.starts_with("en")))
            .unwrap_or_default(),
    );
    let mut ctx = Ctx {
        db: cli.db.clone().unwrap_or_else(default_db),
        lang,
        secrets: secrets::from_env(),
        out: Box::new(std::io::stdout()),
        progress: std::io::stderr().is_terminal(),
        user: cli.user.clone(),
        pin: cli.pin.clone(),
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    match rt.block_on(run(cli.cmd, &mut ctx)) {
        Ok(code) => code,
        Err(CliError(msg)) => {
            eprintln!("{} {msg}", ctx.t("错误：", "error:"));
            1
        }
    }
}

pub async fn run(cmd: Cmd, ctx: &mut Ctx) -> Result<i32, CliError> {
    match cmd {
        Cmd::Activate { url, code, device } => activate(ctx, &url, &code, &device).await.map(|_| 0),
        Cmd::Catalog {
            cmd: CatalogCmd::Sync { full },
        } => catalog_sync(ctx, full).await.map(|_| 0),
        Cmd::Catalog {
            cmd: CatalogCmd::Search { query, limit, json },
        } => catalog_search(ctx, &query, limit, json).map(|_| 0),
        Cmd::Catalog {
            cmd: CatalogCmd::Info,
        } => catalog_info(ctx).map(|_| 0),
        Cmd::Doctor => doctor(ctx).await,
        Cmd::Demo {
            dir,
            extra_skus,
            serve,
        } => demo(ctx, dir, extra_skus, serve).await.map(|_| 0),
        Cmd::Sell {
            sku,
            account,
            zone,
            qty,
            pay,
            override_user,
            override_pin,
            replaces,
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
    }
}

/// Terminal settings keys: the engine owns them.
pub use cardcat_engine::{K_PLATFORM_URL, K_STORE_ID, K_STORE_NAME, K_TERMINAL_ID};

pub async fn activate(ctx: &mut Ctx, url: &str, code: &str, device: &str) -> Result<(), CliError> {
    let lang = ctx.lang;
    let store = ctx.open_store()?;
    // Check the keyring first: a pairing code is single-use, so never burn it
    // when the secret would have nowhere to go.
    ctx.secrets.probe().map_err(|e| CliError::from((e, lang)))?;
    let client = PlatformClient::new(url).map_err(|e| CliError::from((e, lang)))?;
    let resp = client
        .activate(code, device)
        .await
        .map_err(|e| CliError::from((e, lang)))?;
    ctx.secrets
        .set(&resp.terminal_id, &resp.secret)
        .map_err(|e| CliError::from((e, lang)))?;
    for (k, v) in [
        (K_PLATFORM_URL, client.base_url()),
        (K_TERMINAL_ID, &resp.terminal_id),
        (K_STORE_ID, &resp.store_id),
        (K_STORE_NAME, &resp.store_name),
    ] {
        store
            .set_setting(k, v)
            .map_err(|e| CliError::from((e, lang)))?;
    }
    let backend = ctx.secrets.backend();
    ctx.say(match lang {
        Lang::ZhCn => format!(
            "终端已激活：{}（门店 {} {}），密钥已存入系统密钥环（{backend}）",
            resp.terminal_id, resp.store_id, resp.store_name
        ),
        Lang::En => format!(
            "Terminal activated: {} (store {} {}); secret stored in the OS keyring ({backend})",
            resp.terminal_id, resp.store_id, resp.store_name
        ),
    });
    Ok(())
}

/// The signed client for this terminal, from settings + keyring.
pub fn load_client(ctx: &Ctx, store: &Store) -> Result<PlatformClient, CliError> {
    let lang = ctx.lang;
    let (url, creds) = cardcat_engine::terminal_credentials(store, &*ctx.secrets)
        .map_err(|e| CliError::from((e, lang)))?;
    Ok(PlatformClient::new(&url)
        .map_err(|e| CliError::from((e, lang)))?
        .with_credentials(creds))
}

pub async fn catalog_sync(ctx: &mut Ctx, full: bool) -> Result<sync::SyncReport, CliError> {
    let lang = ctx.lang;
    let mut store = ctx.open_store()?;
    let client = load_client(ctx, &store)?;
    let bar = if ctx.progress {
        let b = indicatif::ProgressBar::new(0);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({per_sec})")
        {
            b.set_style(style.progress_chars("=> "));
        }
        Some(b)
    } else {
        None
    };
    let mut on_progress = |p: Progress| {
        if let Some(b) = &bar {
            b.set_message(match (p.phase, lang) {
                (SyncPhase::Full, Lang::ZhCn) => "全量同步",
                (SyncPhase::Delta, Lang::ZhCn) => "增量同步",
                (SyncPhase::Full, Lang::En) => "full sync",
                (SyncPhase::Delta, Lang::En) => "delta sync",
            });
            b.set_length(p.total);
            b.set_position(p.done);
        }
    };
    let opts = SyncOptions {
        force_full: full,
        ..SyncOptions::default()
    };
    let r = sync::sync(&client, &mut store, opts, &mut on_progress).await;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let r = r.map_err(|e| CliError::from((e, lang)))?;
    let count = store
        .product_count()
        .map_err(|e| CliError::from((e, lang)))?;
    let version = store
        .sync_state()
        .map_err(|e| CliError::from((e, lang)))?
        .catalog_version
        .unwrap_or(0);
    let ms = r.elapsed.as_millis();
    ctx.say(match lang {
        Lang::ZhCn => format!(
            "同步完成：{}{} 个商品，增量变更 {} 条，目录版本 {version}，用时 {ms} ms",
            if r.full { "全量 " } else { "" },
            count,
            r.delta_changes.len()
        ),
        Lang::En => format!(
            "Sync done: {}{count} products, {} delta changes, catalog version {version}, {ms} ms",
            if r.full { "full, " } else { "" },
            r.delta_changes.len()
        ),
    });
    Ok(r)
}

pub fn build_index(store: &Store, lang: Lang) -> Result<SearchIndex, CliError> {
    let products = store.products().map_err(|e| CliError::from((e, lang)))?;
    let cats = store.categories().map_err(|e| CliError::from((e, lang)))?;
    Ok(SearchIndex::build(
        products,
        cats.into_iter().map(|c| (c.id, c.name)),
    ))
}

pub fn catalog_search(
    ctx: &mut Ctx,
    query: &str,
    limit: usize,
    json: bool,
) -> Result<(), CliError> {
    let lang = ctx.lang;
    let store = ctx.open_store()?;
    if store
        .sync_state()
        .map_err(|e| CliError::from((e, lang)))?
        .catalog_version
        .is_none()
    {
        return Err(CliError(ctx.t(
            "本地还没有商品目录，请先运行 cardcat catalog sync",
            "No catalog yet; run cardcat catalog sync first",
        )));
    }
    let idx = build_index(&store, lang)?;
    let hits = idx.search(query, limit);
    if json {
        let s = serde_json::to_string_pretty(&hits).map_err(|e| CliError(e.to_string()))?;
        ctx.say(s);
        return Ok(());
    }
    if hits.is_empty() {
        let msg = ctx.t("没有找到匹配的商品：", "No products match: ");
        ctx.say(format!("{msg}{query}"));
        return Ok(());
    }
    for h in &hits {
        let p = &h.product;
        let tier = match (h.tier, lang) {
            (MatchTier::Barcode, Lang::ZhCn) => "条码",
            (MatchTier::Exact, Lang::ZhCn) => "精确",
            (MatchTier::Prefix, Lang::ZhCn) => "前缀",
            (MatchTier::Substring, Lang::ZhCn) => "包含",
            (MatchTier::Barcode, Lang::En) => "barcode",
            (MatchTier::Exact, Lang::En) => "exact",
            (MatchTier::Prefix, Lang::En) => "prefix",
            (MatchTier::Substring, Lang::En) => "substring",
        };
        let avail = if p.available {
            ""
        } else if lang == Lang::ZhCn {
            " [暂停销售]"
        } else {
            " [unavailable]"
        };
        let line = match lang {
            Lang::ZhCn => format!(
                "{:<16} {}  售价 {}  面值 {}  佣金 {}  [{}|{}]{avail}",
                p.sku,
                p.name,
                p.retail_price.display_cny(),
                p.face_value.display_cny(),
                p.commission().display_cny(),
                p.kind.label(lang),
                tier
            ),
            Lang::En => format!(
                "{:<16} {}  price {}  face {}  commission {}  [{}|{}]{avail}",
                p.sku,
                p.name,
                p.retail_price.display_cny(),
                p.face_value.display_cny(),
                p.commission().display_cny(),
                p.kind.label(lang),
                tier
            ),
        };
        ctx.say(line);
    }
    Ok(())
}

fn fmt_time(ms: Option<i64>, lang: Lang) -> String {
    match ms {
        None => {
            if lang == Lang::ZhCn {
                "从未".into()
            } else {
                "never".into()
            }
        }
        Some(ms) => {
            let ago = (cardcat_store::now_ms() - ms).max(0) / 1000;
            if lang == Lang::ZhCn {
                format!("{ago} 秒前")
            } else {
                format!("{ago} s ago")
            }
        }
    }
}

pub fn catalog_info(ctx: &mut Ctx) -> Result<(), CliError> {
    let lang = ctx.lang;
    let store = ctx.open_store()?;
    let st = store.sync_state().map_err(|e| CliError::from((e, lang)))?;
    let n = store
        .product_count()
        .map_err(|e| CliError::from((e, lang)))?;
    let v = st
        .catalog_version
        .map(|v| v.to_string())
        .unwrap_or_else(|| "-".into());
    let last = fmt_time(st.last_sync_ms, lang);
    let err = st.last_error.unwrap_or_default();
    ctx.say(match lang {
        Lang::ZhCn => format!(
            "商品 {n} 个，目录版本 {v}，上次成功同步 {last}{}",
            if err.is_empty() {
                String::new()
            } else {
                format!("，上次错误：{err}")
            }
        ),
        Lang::En => format!(
            "{n} products, catalog version {v}, last successful sync {last}{}",
            if err.is_empty() {
                String::new()
            } else {
                format!(", last error: {err}")
            }
        ),
    });
    Ok(())
}

/// "+1.2" / "-0.3": milliseconds as signed seconds with one decimal, without floats.
fn secs_1dp(ms: i64) -> String {
    let sign = if ms < 0 { '-' } else { '+' };
    let tenths = (ms.unsigned_abs() + 50) / 100;
    format!("{sign}{}.{}", tenths / 10, tenths % 10)
}

/// Exit code 0 when every check passes, 1 otherwise.
pub async fn doctor(ctx: &mut Ctx) -> Result<i32, CliError> {
    let lang = ctx.lang;
    let mut failed = 0;
    let mut line = |ctx: &mut Ctx, ok: bool, what: String| {
        if !ok {
            failed += 1;
        }
        ctx.say(format!("{} {what}", if ok { "✓" } else { "✗" }));
    };
    // Database
    let store = match ctx.open_store() {
        Ok(s) => s,
        Err(CliError(m)) => {
            line(ctx, false, m);
            return Ok(1);
        }
    };
    match store.integrity_check() {
        Ok(()) => {
            let v = store.schema_version().unwrap_or(0);
            let msg = match lang {
                Lang::ZhCn => format!("数据库完整（{}，结构版本 {v}）", ctx.db.display()),
                Lang::En => format!("database intact ({}, schema {v})", ctx.db.display()),
            };
            line(ctx, true, msg)
        }
        Err(e) => line(ctx, false, e.message(lang)),
    }
    // Keyring
    match ctx.secrets.probe() {
        Ok(()) => {
            let msg = match lang {
                Lang::ZhCn => format!("系统密钥环可用（{}）", ctx.secrets.backend()),
                Lang::En => format!("OS keyring available ({})", ctx.secrets.backend()),
            };
            line(ctx, true, msg)
        }
        Err(e) => line(ctx, false, e.message(lang)),
    }
    // Catalog
    if let Ok(st) = store.sync_state() {
        let n = store.product_count().unwrap_or(0);
        let ok = st.catalog_version.is_some();
        let last = fmt_time(st.last_sync_ms, lang);
        let msg = match lang {
            Lang::ZhCn => format!("离线目录：{n} 个商品，上次同步 {last}"),
            Lang::En => format!("offline catalog: {n} products, last sync {last}"),
        };
        line(ctx, ok, msg);
    }
    // Receipt printer (when one is set)
    if let Some((t, p)) = print::configured(&store) {
        let t2 = t.clone();
        let st = tokio::task::spawn_blocking(move || {
            cardcat_printer::transport::query(&t2, std::time::Duration::from_secs(2))
        })
        .await;
        let (ok, what) = match st {
            Ok(Ok(Some(s))) => (s.can_print(), s.describe(lang)),
            Ok(Ok(None)) => (true, ctx.t("无实时状态", "no real-time status")),
            Ok(Err(e)) => (false, e.message(lang)),
            Err(e) => (false, e.to_string()),
        };
        let msg = match lang {
            Lang::ZhCn => format!("小票打印机 {t}（{}）：{what}", p.id),
            Lang::En => format!("receipt printer {t} ({}): {what}", p.id),
        };
        line(ctx, ok, msg);
    }
    // Platform
    let client = match load_client(ctx, &store) {
        Ok(c) => c,
        Err(CliError(m)) => {
            line(ctx, false, m);
            return Ok(1);
        }
    };
    let t0 = Instant::now();
    match client.health().await {
        Ok(h) => {
            let ms = t0.elapsed().as_millis();
            let msg = match lang {
                Lang::ZhCn => format!(
                    "平台可达：{}（{ms} ms，目录版本 {}）",
                    client.base_url(),
                    h.catalog_version
                ),
                Lang::En => format!(
                    "platform reachable: {} ({ms} ms, catalog version {})",
                    client.base_url(),
                    h.catalog_version
                ),
            };
            line(ctx, true, msg)
        }
        Err(e) => line(ctx, false, e.message(lang)),
    }
    let before = cardcat_store::now_ms();
    match client.time().await {
        Ok(t) => {
            let after = cardcat_store::now_ms();
            let skew_ms = t.server_time_ms - (before + after) / 2;
            let ok = skew_ms.abs() < cardcat_wire::sign::MAX_SKEW_SECS * 1000;
            let msg = match lang {
                Lang::ZhCn => format!("时钟偏差 {} 秒（允许 ±300 秒）", secs_1dp(skew_ms)),
                Lang::En => format!("clock skew {} s (allowed ±300 s)", secs_1dp(skew_ms)),
            };
            line(ctx, ok, msg)
        }
        Err(e) => line(ctx, false, e.message(lang)),
    }
    let since = store
        .sync_state()
        .ok()
        .and_then(|s| s.catalog_version)
        .unwrap_or(0);
    match client.catalog_delta(since, None, 1).await {
        Ok(_) => {
            let m = ctx.t(
                "签名请求被平台接受",
                "signed request accepted by the platform",
            );
            line(ctx, true, m)
        }
        Err(e) => line(ctx, false, e.message(lang)),
    }
    Ok(i32::from(failed > 0))
}

pub async fn demo(
    ctx: &mut Ctx,
    dir: Option<PathBuf>,
    extra_skus: u32,
    serve: bool,
) -> Result<(), CliError> {
    let lang = ctx.lang;
    let dir = match dir {
        Some(d) => d,
        None => std::env::temp_dir().join(format!("cardcat-demo-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir).map_err(|e| CliError(format!("{}: {e}", dir.display())))?;
    let sandbox_db = dir.join("sandbox.sqlite");
    ctx.db = dir.join("terminal.sqlite");
    let mut cfg = cardcat_sandbox::SandboxConfig::new(&sandbox_db);
    cfg.extra_skus = extra_skus;
    let bind = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let sb = cardcat_sandbox::start(cfg, bind)
        .await
        .map_err(|e| CliError(format!("sandbox: {e:#}")))?;
    let url = sb.url();
    let head = ctx.t("== 沙箱平台已启动：", "== Sandbox platform listening at ");
    ctx.say(format!("{head}{url}  (db {})", sandbox_db.display()));
    let code = cardcat_sandbox::create_pairing_code(&sandbox_db, None)
        .map_err(|e| CliError(format!("{e:#}")))?;
    let head = ctx.t("== 配对码：", "== Pairing code: ");
    ctx.say(format!("{head}{}", code.code));
    activate(ctx, &url, &code.code, "demo-counter").await?;
    ctx.say(ctx.t("== 目录同步", "== Catalog sync"));
    catalog_sync(ctx, false).await?;
    for q in ["txsp", "yk", "50", "话费", "qb"] {
        let head = ctx.t("== 搜索", "== Search");
        ctx.say(format!("{head} «{q}»"));
        catalog_search(ctx, q, 5, false)?;
    }
    let churn = sb
        .churn(100)
        .await
        .map_err(|e| CliError(format!("{e:#}")))?;
    let head = ctx.t(
        "== 平台改价/上下架 100 条，增量同步，目录版本 ",
        "== Platform changed 100 prices/availabilities; delta sync to version ",
    );
    ctx.say(format!("{head}{}", churn.version));
    catalog_sync(ctx, false).await?;
    ctx.say(ctx.t("== 诊断", "== Doctor"));
    doctor(ctx).await?;

    // The counter: a virtual receipt printer, an owner and a cashier, sales of every kind.
    let out = dir.join("printer-out");
    let emu = cardcat_printer::emulator::Emulator::start(
        std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        out.clone(),
        cardcat_printer::PaperWidth::Mm80,
    )
    .await
    .map_err(|e| CliError(e.to_string()))?;
    {
        let store = ctx.open_store()?;
        store
            .set_setting(print::K_PRINTER_TARGET, &emu.target())
            .map_err(|e| CliError::from((e, lang)))?;
        store
            .set_setting(print::K_PRINTER_PROFILE, "xprinter-80")
            .map_err(|e| CliError::from((e, lang)))?;
    }
    let head = ctx.t(
        "== 柜台：虚拟小票打印机 ",
        "== Counter: virtual receipt printer at ",
    );
    ctx.say(format!("{head}{}", emu.target()));
    counter::user(
        ctx,
        UserCmd::Add {
            id: "boss".into(),
            name: ctx.t("老板", "Boss"),
            role: "owner".into(),
            new_pin: "8888".into(),
        },
    )
    .await?;
    ctx.user = Some("boss".into());
    ctx.pin = Some("8888".into());
    counter::user(
        ctx,
        UserCmd::Add {
            id: "c1".into(),
            name: ctx.t("小王", "Wang"),
            role: "cashier".into(),
            new_pin: "1234".into(),
        },
    )
    .await?;
    ctx.user = Some("c1".into());
    ctx.pin = Some("1234".into());
    counter::shift(
        ctx,
        ShiftCmd::Open {
            float: "200".into(),
        },
    )
    .await?;
    let sell = |sku: &str, acct: &str, wait: u64| counter::SellArgs {
        sku: sku.into(),
        account: acct.into(),
        zone: None,
        qty: 1,
        pay: "cash".into(),
        override_user: None,
        override_pin: None,
        replaces: None,
        wait_secs: wait,
        no_print: false,
    };
    for (sku, acct, wait, what_zh, what_en) in [
        ("CM-HF-50", "13800138000", 30, "话费充值", "mobile top-up"),
        (
            "WY-YKT-30",
            "",
            30,
            "点卡（卡密只显示、打印一次）",
            "PIN card (PIN shown and printed once)",
        ),
        (
            "TX-VIP-M",
            "13900139000",
            30,
            "视频会员直充",
            "video membership direct top-up",
        ),
        (
            "CM-HF-30",
            "13800138201",
            30,
            "账号无效：失败单",
            "invalid account: failed slip",
        ),
        (
            "CM-HF-20",
            "13800138501",
            0,
            "平台已下单但应答丢失：处理中，同单号自动确认",
            "platform committed but the answer was lost: in progress, resolved by the same key",
        ),
    ] {
        let what = ctx.t(what_zh, what_en);
        ctx.say(format!("-- {what}"));
        counter::sell(ctx, sell(sku, acct, wait)).await?;
    }
    counter::orders(
        ctx,
        OrdersCmd::Resume {
            all_now: true,
            until_settled: 10,
        },
    )
    .await?;
    let m = ctx.t("-- 核销", "-- redemption");
    ctx.say(m);
    counter::redeem(ctx, Some("CC-TEST-0001".into()), false, None, None).await?;
    counter::shift(
        ctx,
        ShiftCmd::Close {
            counted: "330".into(),
        },
    )
    .await?;
    ctx.user = Some("boss".into());
    ctx.pin = Some("8888".into());
    counter::commission(
        ctx,
        CommissionCmd::Report {
            from: None,
            to: None,
            by: "product".into(),
            csv: false,
        },
    )
    .await?;
    counter::commission(ctx, CommissionCmd::Reconcile { date: None }).await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let head = ctx.t(
        "== 小票（打印机收到的字节与预览图）：",
        "== Receipts (bytes the printer received, and previews): ",
    );
    ctx.say(format!("{head}{}", out.display()));
    for j in emu.jobs() {
        ctx.say(format!("   {}", j.png.display()));
    }
    emu.stop();
    if serve {
        let m = ctx.t(
            "沙箱继续运行，按 Ctrl-C 结束",
            "Sandbox keeps serving; Ctrl-C to stop",
        );
        ctx.say(m);
        let _ = tokio::signal::ctrl_c().await;
    }
    sb.shutdown().await;
    let _ = lang;
    Ok(())
}
