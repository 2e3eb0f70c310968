//! The counter service: the one application layer under every front end. The `cardcat`
//! CLI and the desktop app are thin adapters over [`Counter`]; nothing a second front end
//! needs lives in the first.
//!
//! It owns the terminal (data path, language, pairing, the doctor), the catalog (an
//! in-memory search index built once and patched by every delta sync), the counter
//! operations (sell with resume first and printing after, reprint, redemption, shifts,
//! reports), printer settings (role-checked in the engine) and one event stream.
//!
//! Invariant: reads (search, order lists, status) never wait behind a sale that is still
//! following its order: placing an order is short; sending and following it run in a
//! background worker on its own database connection.
//! Invariant: before a new sale, open orders are resumed (status query, same key).
//! Invariant: printer IO runs on blocking threads, never on the async workers, and a print
//! problem never changes a sale's outcome.
//! Invariant: every operation that needs a role takes a [`Session`] and the engine checks it.

pub mod backup;
pub mod catalog;
pub mod doctor;
mod error;
pub mod events;
pub mod owner;
pub mod present;
pub mod printing;
pub mod provision;
pub mod terminal;
pub mod update;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cardcat_client::PlatformClient;
use cardcat_client::secrets::SecretStore;
use cardcat_client::sync::{self, SyncOptions, SyncPhase};
use cardcat_core::reconcile::Report;
use cardcat_core::report::{Day, DayRange, GroupBy};
use cardcat_core::roles::{Action, Role};
use cardcat_core::search::SearchHit;
use cardcat_core::{Lang, Money, OrderState};
use cardcat_engine::{
    CommissionRow, Engine, EngineError, HandOver, K_PLATFORM_URL, K_PRINTER_PROFILE,
    K_PRINTER_TARGET, K_RECEIPT_FOOTER, K_RECEIPT_LOGO, K_STORE_ID, K_STORE_NAME, K_TERMINAL_ID,
    OrderRecord, RedemptionRecord, ResumeReport, SellRequest, ShiftInfo, UserInfo,
};
use cardcat_printer::profile::{self, Profile};
use cardcat_printer::transport::Target;
use cardcat_store::Store;
use cardcat_wire::VoucherInfo;
use serde::Serialize;
use uuid::Uuid;

pub use cardcat_engine::RedemptionState;
pub use cardcat_engine::Session;
pub use catalog::Catalog;
pub use doctor::{Check, CheckId};
pub use error::{CounterError, InputError, Result};
pub use events::{Event, Events};
pub use owner::{Dashboard, ProfileInfo, SetupState, WidthPreview};
pub use present::{redemption_state_label, shift_summary, voucher_status_label};
pub use printing::{PrintOutcome, PrinterSettings};
pub use terminal::{Activation, TerminalConfig, TerminalInfo};

/// How a sale is carried out.
#[derive(Debug, Clone, Copy)]
pub struct SellOptions {
    /// How long the caller waits for a final state before it is shown as "in progress".
    pub wait: Duration,
    /// How long the background worker follows the order (at least `wait`).
    pub follow_for: Duration,
    /// Print a receipt when a printer is set.
    pub print: bool,
}

impl Default for SellOptions {
    fn default() -> Self {
        SellOptions {
            wait: Duration::from_secs(30),
            follow_for: Duration::from_secs(30),
            print: true,
        }
    }
}

/// A sale as the counter shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Sale {
    pub order: OrderRecord,
    /// `None` when printing was not asked for.
    pub print: Option<PrintOutcome>,
}

/// A redemption and its receipt.
#[derive(Debug, Clone, Serialize)]
pub struct Redeemed {
    pub redemption: RedemptionRecord,
    pub print: Option<PrintOutcome>,
}

/// A shift report and its receipt.
#[derive(Debug, Clone, Serialize)]
pub struct ShiftReport {
    pub shift: ShiftInfo,
    pub print: Option<PrintOutcome>,
}

/// What a catalog sync did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncSummary {
    pub full: bool,
    pub rows: u64,
    pub changes: usize,
    pub version: i64,
    pub elapsed_ms: u64,
    /// The in-memory index was patched in place (not rebuilt).
    pub patched: bool,
    /// How long patching the in-memory index took, in microseconds.
    pub patch_us: u64,
}

/// The catalog's state for the status line and the offline banner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogInfo {
    pub products: u64,
    pub version: Option<i64>,
    pub last_sync_ms: Option<i64>,
    pub last_error: Option<String>,
}

/// Printer settings a person asks for (validated before they are stored).
#[derive(Debug, Clone, Default)]
pub struct PrinterSetup {
    pub target: String,
    pub profile: String,
    pub footer: Option<String>,
    pub logo: bool,
}

/// A printer found on the network or attached to this machine.
#[derive(Debug, Clone, Serialize)]
pub struct FoundPrinter {
    pub target: String,
    /// Localised status, when the printer answered a status request.
    pub status: Option<String>,
    pub network: bool,
}

/// The print queue after an action on it.
#[derive(Debug, Clone, Serialize)]
pub struct QueueState {
    pub printed: usize,
    pub waiting: usize,
    pub uncertain: usize,
    pub jobs: Vec<cardcat_printer::queue::Job>,
}

struct Inner {
    cfg: TerminalConfig,
    /// Why this counter may only read (damaged database found at start), if so; cleared when
    /// a restore put a sound store in place.
    damaged: Mutex<Option<String>>,
    secrets: Arc<dyn SecretStore>,
    events: Events,
    catalog: Catalog,
    /// The engine every operation forks from (loaded once the terminal is activated).
    base: Mutex<Option<Engine>>,
    /// Per-request time limit of the platform client.
    timeout: Duration,
    /// Set once the first resume of this process ran (it checks every open order at once).
    resumed: std::sync::atomic::AtomicBool,
    /// The terminal's language (receipts, messages): 0 zh-CN, 1 English. The installer's
    /// choice (setting `language`) wins over the start-up default.
    lang: std::sync::atomic::AtomicU8,
    /// The owner's reports: finished days rolled up once (their ledger never changes).
    report_days: Mutex<owner::ReportDays>,
    /// Between the counter's work and an app update (see [`update`]).
    update_gate: update::SharedGate,
}

/// The counter service of one terminal. Cheap to clone; share one per process.
#[derive(Clone)]
pub struct Counter {
    inner: Arc<Inner>,
}

fn blocking_err(e: tokio::task::JoinError) -> CounterError {
    CounterError::Task(e.to_string())
}

impl Counter {
    /// Opens the terminal's store (creating and migrating it). Works before activation.
    pub fn open(cfg: TerminalConfig, secrets: Arc<dyn SecretStore>) -> Result<Counter> {
        Self::open_with_timeout(cfg, secrets, Duration::from_secs(10))
    }

    pub fn open_with_timeout(
        cfg: TerminalConfig,
        secrets: Arc<dyn SecretStore>,
        timeout: Duration,
    ) -> Result<Counter> {
        Self::open_checked(cfg, secrets, timeout, false)
    }

    /// Opens a terminal whose database is gone, as a new, empty store: the installer's
    /// explicit choice (never taken by itself).
    pub fn open_new_store(cfg: TerminalConfig, secrets: Arc<dyn SecretStore>) -> Result<Counter> {
        Self::open_checked(cfg, secrets, Duration::from_secs(10), true)
    }

    fn open_checked(
        cfg: TerminalConfig,
        secrets: Arc<dyn SecretStore>,
        timeout: Duration,
        new_store: bool,
    ) -> Result<Counter> {
        terminal::ensure_dir(&cfg.db).map_err(|e| CounterError::file(&cfg.db, &e))?;
        // An activated terminal never silently starts over on a missing or empty database.
        let empty = std::fs::metadata(&cfg.db)
            .map(|m| m.len() == 0)
            .unwrap_or(true);
        let marker = terminal::activation_marker(&cfg.db);
        if empty {
            match secrets.get(&marker) {
                Ok(Some(_)) if !new_store => {
                    return Err(CounterError::StoreMissing {
                        path: cfg.db.display().to_string(),
                    });
                }
                Ok(Some(_)) => {
                    let _ = secrets.delete(&marker);
                    let _ = std::fs::remove_file(catalog::snapshot_path(&cfg.db));
                }
                // the keyring cannot say whether this terminal was activated (locked at boot,
                // not running yet): where this folder was used before (an empty database file,
                // backups beside it), nothing is created until it can
                Err(e) if !new_store && backup::used_before(&cfg.db) => return Err(e.into()),
                _ => {}
            }
        }
        // Migrates (or refuses a newer schema) once, up front; then a quick integrity check.
        let store = Store::open(&cfg.db)?;
        let damaged = match store.integrity_check() {
            Err(e @ cardcat_store::StoreError::Integrity(_)) => {
                Some(cardcat_core::Localized::message(&e, cfg.lang))
            }
            Err(e) => {
                tracing::warn!(error = %e, "integrity check could not run");
                None
            }
            Ok(()) => None,
        };
        // remember that this database belongs to an activated terminal (also for terminals
        // activated before the marker existed)
        if let Ok(Some(tid)) = store.setting(K_TERMINAL_ID)
            && matches!(secrets.get(&marker), Ok(None))
        {
            let _ = secrets.set(&marker, &tid);
        }
        if let Some(d) = &damaged {
            tracing::error!(detail = %d, "database damaged: the counter only reads");
        }
        let lang = store
            .setting(cardcat_engine::K_LANGUAGE)
            .ok()
            .flatten()
            .map_or(cfg.lang, |t| Lang::from_tag(&t));
        drop(store);
        let catalog = Catalog::with_snapshot(catalog::snapshot_path(&cfg.db));
        Ok(Counter {
            inner: Arc::new(Inner {
                cfg,
                damaged: Mutex::new(damaged),
                secrets,
                events: Events::default(),
                catalog,
                base: Mutex::new(None),
                timeout,
                resumed: std::sync::atomic::AtomicBool::new(false),
                lang: std::sync::atomic::AtomicU8::new(u8::from(lang == Lang::En)),
                report_days: Mutex::new(owner::ReportDays::default()),
                update_gate: Default::default(),
            }),
        })
    }

    pub fn lang(&self) -> Lang {
        if self.inner.lang.load(std::sync::atomic::Ordering::Relaxed) == 1 {
            Lang::En
        } else {
            Lang::ZhCn
        }
    }

    /// Sets the terminal's language (receipts and messages), kept for the next start.
    pub fn set_lang(&self, who: Option<&Session>, lang: Lang) -> Result<()> {
        self.ensure_writable()?;
        let mut store = self.store()?;
        cardcat_engine::configure(
            &mut store,
            who,
            Action::ConfigurePrinter,
            &[(cardcat_engine::K_LANGUAGE, lang.tag())],
        )?;
        self.inner.lang.store(
            u8::from(lang == Lang::En),
            std::sync::atomic::Ordering::Relaxed,
        );
        Ok(())
    }

    pub fn db_path(&self) -> &Path {
        &self.inner.cfg.db
    }

    pub fn events(&self) -> &Events {
        &self.inner.events
    }

    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Event> {
        self.inner.events.subscribe()
    }

    pub fn catalog(&self) -> &Catalog {
        &self.inner.catalog
    }

    pub fn secrets(&self) -> &dyn SecretStore {
        &*self.inner.secrets
    }

    /// The keyring handle, for opening another service on the same terminal.
    pub fn secrets_handle(&self) -> Arc<dyn SecretStore> {
        self.inner.secrets.clone()
    }

    /// A fresh connection to this terminal's store.
    pub fn store(&self) -> Result<Store> {
        Ok(Store::open_existing(&self.inner.cfg.db)?)
    }

    /// Refuses anything that writes when the database is damaged (found at start) or cannot
    /// be written right now: the same test the doctor runs, so the two always agree.
    pub fn ensure_writable(&self) -> Result<()> {
        if let Some(d) = self.damaged_detail() {
            return Err(CounterError::ReadOnly {
                damaged: true,
                detail: d,
            });
        }
        let store = self.store()?;
        doctor::writable(&store).map_err(|detail| CounterError::ReadOnly {
            damaged: false,
            detail,
        })
    }

    /// True when the database was found damaged at start (the counter only reads).
    pub fn is_damaged(&self) -> bool {
        self.damaged_detail().is_some()
    }

    fn damaged_detail(&self) -> Option<String> {
        self.inner
            .damaged
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// A restore put a sound store in place: the counter may write again.
    pub(crate) fn clear_damaged(&self) {
        *self.inner.damaged.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// Resolves open orders before the counter acts: at start-up (the first time in this
    /// process) every open order at once, later those that are due.
    /// Bounded in time: a counter that cannot reach the platform still sells nothing new
    /// only after `ensure_online`, and lists what it has.
    async fn resume_first(&self, eng: &mut Engine) {
        use std::sync::atomic::Ordering;
        let all_now = !self.inner.resumed.load(Ordering::SeqCst);
        match tokio::time::timeout(Duration::from_secs(20), eng.resume(all_now)).await {
            Ok(Ok(r)) if !r.unreachable => self.inner.resumed.store(true, Ordering::SeqCst),
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "resume before acting"),
            Err(_) => tracing::warn!("resume before acting took too long; continuing"),
        }
    }

    /// An engine for one operation: its own connection, the loaded credentials.
    fn engine(&self) -> Result<Engine> {
        let mut g = self
            .inner
            .base
            .lock()
            .map_err(|_| CounterError::Task("engine lock poisoned".into()))?;
        if g.is_none() {
            *g = Some(Engine::open_with(
                self.store()?,
                &*self.inner.secrets,
                self.inner.timeout,
            )?);
        }
        match g.as_ref() {
            Some(e) => Ok(e.fork()?),
            None => Err(EngineError::NotActivated.into()),
        }
    }

    // ---------------------------------------------------------------- terminal

    /// Pairs this terminal with the platform using a one-time code. The secret goes to the
    /// OS keyring (probed first, so a code is never spent when the secret has nowhere to go).
    /// A first pairing needs nobody logged in; pairing again goes through [`Self::repair`].
    pub async fn activate(&self, url: &str, code: &str, device: &str) -> Result<Activation> {
        self.repair(None, url, code, device, false).await
    }

    /// Pairs this terminal (again). An activated terminal is paired again only by the owner
    /// or an installer, never while orders are open or results owed; a code of another store
    /// is refused unless `move_store`, which first archives the old store's books (a copy
    /// of the database next to it) and then clears them, audited.
    pub async fn repair(
        &self,
        who: Option<&Session>,
        url: &str,
        code: &str,
        device: &str,
        move_store: bool,
    ) -> Result<Activation> {
        self.ensure_writable()?;
        let secrets = &*self.inner.secrets;
        let store = self.store()?;
        let old_store = store.setting(K_STORE_ID)?;
        if store.setting(K_TERMINAL_ID)?.is_some() {
            let who = who.ok_or(EngineError::LoginRequired)?;
            who.require(Action::ActivateTerminal)?;
            let (open, owed) = cardcat_engine::open_and_owed(store.conn())?;
            if open + owed > 0 {
                return Err(CounterError::RepairBlocked { open, owed });
            }
        }
        secrets.probe()?;
        let client = PlatformClient::new(url)?;
        let resp = client.activate(code, device).await?;
        if let Some(old) = old_store.filter(|o| *o != resp.store_id) {
            if !move_store {
                return Err(CounterError::OtherStore {
                    old,
                    new: resp.store_id,
                });
            }
            terminal::archive_and_clear_books(
                &mut self.store()?,
                &old,
                &resp.store_id,
                who.map_or("setup", |w| w.user_id()),
            )?;
        }
        // the PIN vault's key follows the terminal, so earlier PINs stay readable
        if let Some(old_tid) = store.setting(K_TERMINAL_ID)?
            && old_tid != resp.terminal_id
            && let Some(k) = secrets.get(&cardcat_engine::PinVault::account(&old_tid))?
        {
            secrets.set(&cardcat_engine::PinVault::account(&resp.terminal_id), &k)?;
        }
        secrets.set(&resp.terminal_id, &resp.secret)?;
        for (k, v) in [
            (K_PLATFORM_URL, client.base_url()),
            (K_TERMINAL_ID, &resp.terminal_id),
            (K_STORE_ID, &resp.store_id),
            (K_STORE_NAME, &resp.store_name),
        ] {
            store.set_setting(k, v)?;
        }
        // remembered in the keyring, so a lost database is noticed at the next start
        if let Err(e) = secrets.set(
            &terminal::activation_marker(&self.inner.cfg.db),
            &resp.terminal_id,
        ) {
            tracing::warn!(error = %e, "activation marker not stored");
        }
        // A new pairing means new credentials: forget the old engine.
        if let Ok(mut g) = self.inner.base.lock() {
            *g = None;
        }
        self.forget_report_days();
        Ok(Activation {
            terminal_id: resp.terminal_id,
            store_id: resp.store_id,
            store_name: resp.store_name,
            keyring: secrets.backend(),
        })
    }

    pub fn info(&self) -> Result<TerminalInfo> {
        let store = self.store()?;
        let terminal_id = store.setting(K_TERMINAL_ID)?;
        Ok(TerminalInfo {
            activated: terminal_id.is_some(),
            terminal_id,
            store_id: store.setting(K_STORE_ID)?,
            store_name: store.setting(K_STORE_NAME)?,
            platform_url: store.setting(K_PLATFORM_URL)?,
            db: self.inner.cfg.db.display().to_string(),
            lang: self.lang(),
        })
    }

    /// Every check, in order: database, writable, keyring, catalog, printer, platform,
    /// clock, signed request. Printer IO runs on a blocking thread.
    pub async fn doctor(&self) -> Vec<Check> {
        let lang = self.lang();
        let store = match self.store() {
            Ok(s) => s,
            Err(e) => {
                return vec![Check {
                    id: CheckId::Database,
                    ok: false,
                    text: cardcat_core::Localized::message(&e, lang),
                    fix: Some(cardcat_core::t!(lang, "doctor.database_fix")),
                }];
            }
        };
        let mut out = doctor::local_checks(&store, &*self.inner.secrets, lang);
        let version = store
            .sync_state()
            .ok()
            .and_then(|s| s.catalog_version)
            .unwrap_or(0);
        let path = self.inner.cfg.db.clone();
        if let Ok(Some(c)) = tokio::task::spawn_blocking(move || {
            let store = Store::open_existing(&path).ok()?;
            doctor::printer_check(&store, lang)
        })
        .await
        {
            out.push(c);
        }
        match cardcat_engine::terminal_credentials(&store, &*self.inner.secrets) {
            Ok((url, creds)) => match PlatformClient::with_timeout(&url, Duration::from_secs(5)) {
                Ok(c) => out.extend(
                    doctor::platform_checks(&c.with_credentials(creds), Some(version), lang).await,
                ),
                Err(e) => out.push(Check {
                    id: CheckId::Platform,
                    ok: false,
                    text: cardcat_core::Localized::message(&e, lang),
                    fix: None,
                }),
            },
            Err(e) => out.push(Check {
                id: CheckId::Platform,
                ok: false,
                text: cardcat_core::Localized::message(&e, lang),
                fix: Some(cardcat_core::t!(lang, "doctor.pair_fix")),
            }),
        }
        out
    }

    // ---------------------------------------------------------------- catalog

    /// Downloads the catalog (full the first time, then deltas) and brings the search
    /// index up to date: patched in place from a delta, rebuilt after a full sync.
    pub async fn sync(&self, full: bool) -> Result<SyncSummary> {
        self.ensure_writable()?;
        let (url, creds) = {
            let store = self.store()?;
            cardcat_engine::terminal_credentials(&store, &*self.inner.secrets)?
        };
        let client =
            PlatformClient::with_timeout(&url, self.inner.timeout)?.with_credentials(creds);
        let mut store = self.store()?;
        let before = catalog::stamp(&store.sync_state()?);
        let events = self.inner.events.clone();
        let opts = SyncOptions {
            force_full: full,
            ..Default::default()
        };
        let r = sync::sync(&client, &mut store, opts, &mut |p| {
            events.emit(Event::SyncProgress {
                phase: match p.phase {
                    SyncPhase::Full => "full",
                    SyncPhase::Delta => "delta",
                },
                done: p.done,
                total: p.total,
            })
        })
        .await?;
        let st = store.sync_state()?;
        let version = st.catalog_version.unwrap_or(r.version);
        let t = std::time::Instant::now();
        // patched in place from a delta; after a full sync, changed category names, or an
        // index that was not at the catalog the sync started from: rebuilt on next use
        let cats = store.categories()?;
        let patched = !r.full
            && self.inner.catalog.patch(
                before,
                version,
                catalog::stamp(&st),
                &r.delta_changes,
                &cats,
            );
        let patch_us = u64::try_from(t.elapsed().as_micros()).unwrap_or(u64::MAX);
        if !patched {
            self.inner.catalog.invalidate();
        }
        let summary = SyncSummary {
            full: r.full,
            rows: r.full_rows,
            changes: r.delta_changes.len(),
            version,
            elapsed_ms: u64::try_from(r.elapsed.as_millis()).unwrap_or(u64::MAX),
            patched,
            patch_us,
        };
        self.inner.events.emit(Event::SyncDone {
            version,
            full: r.full,
            changes: summary.changes,
        });
        Ok(summary)
    }

    pub fn catalog_info(&self) -> Result<CatalogInfo> {
        let store = self.store()?;
        let st = store.sync_state()?;
        Ok(CatalogInfo {
            products: store.product_count()?,
            version: st.catalog_version,
            last_sync_ms: st.last_sync_ms,
            last_error: st.last_error,
        })
    }

    /// Loads (or refreshes) the search index: on a blocking thread, since a build reads
    /// the whole catalog.
    pub async fn load_index(&self) -> Result<catalog::Readiness> {
        let catalog = self.inner.catalog.clone();
        let path = self.inner.cfg.db.clone();
        tokio::task::spawn_blocking(move || {
            let store = Store::open_existing(&path)?;
            catalog.ensure_fresh(&store)
        })
        .await
        .map_err(blocking_err)?
    }

    /// Search-as-you-type. `limit` is 1..=200. Builds the index on first use; afterwards
    /// it only reads memory (and, every 2 s, the catalog version).
    pub async fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        if limit == 0 || limit > catalog::MAX_LIMIT {
            return Err(InputError::Limit(limit.to_string()).into());
        }
        self.ready_index().await?;
        self.inner.catalog.search(query, limit)
    }

    /// On-sale products of these kinds for the category tiles, this store's best sellers first.
    pub async fn browse(
        &self,
        kinds: &[cardcat_core::ProductKind],
        limit: usize,
    ) -> Result<Vec<cardcat_core::Product>> {
        self.ready_index().await?;
        self.inner.catalog.browse(kinds, None, limit)
    }

    /// The top-ups a mobile number can get: the number checked (carrier from its 号段),
    /// then one product per face value of that carrier among `kinds` (话费, 流量), the
    /// store's best seller of each face value, in face-value order (the amount tiles).
    pub async fn topups_for(
        &self,
        number: &str,
        kinds: &[cardcat_core::ProductKind],
    ) -> Result<(cardcat_core::ValidAccount, Vec<cardcat_core::Product>)> {
        let (account, hint) = cardcat_core::phone::parse(number)
            .map_err(|e| EngineError::Account(cardcat_core::AccountError::Mobile(e)))?;
        self.ready_index().await?;
        // the platform names carriers in Chinese, whatever the counter's language
        let brand = hint.carrier.name(Lang::ZhCn);
        let all = self
            .inner
            .catalog
            .browse(kinds, Some(brand), catalog::MAX_LIMIT)?;
        let mut seen = std::collections::HashSet::new();
        let mut tiles: Vec<cardcat_core::Product> = all
            .into_iter()
            .filter(|p| seen.insert((p.kind, p.face_value)))
            .collect();
        tiles.sort_by_key(|p| (p.kind, p.face_value));
        Ok((
            cardcat_core::ValidAccount {
                account,
                zone: None,
                carrier: Some(hint),
            },
            tiles,
        ))
    }

    /// Checks what was typed for a product (number, QQ, account and zone) before anything
    /// is sold; a mobile number comes back normalised with its carrier from the 号段.
    pub async fn check_account(
        &self,
        sku: &str,
        input: &cardcat_core::account::AccountInput,
    ) -> Result<cardcat_core::account::ValidAccount> {
        self.ready_index().await?;
        let p = self
            .inner
            .catalog
            .product(sku)
            .ok_or_else(|| EngineError::NoSuchProduct(error::short(sku)))?;
        Ok(p.template.validate(input).map_err(EngineError::from)?)
    }

    /// This store's best sellers on sale: the favourites row of the counter.
    pub async fn favourites(&self, limit: usize) -> Result<Vec<cardcat_core::Product>> {
        self.ready_index().await?;
        self.inner.catalog.best_sellers(limit)
    }

    async fn ready_index(&self) -> Result<()> {
        if self.inner.catalog.needs_check() {
            self.load_index().await?;
            self.inner.catalog.mark_checked();
        }
        Ok(())
    }

    /// What a receipt looks like on this terminal's paper, decoded from the exact bytes the
    /// printer got (the queue job of `printed`), or, when nothing was queued (no printer),
    /// from `job` encoded as it would be printed.
    pub async fn preview(
        &self,
        printed: Option<&PrintOutcome>,
        job: printing::PrintJob,
    ) -> Result<printing::Preview> {
        let lang = self.lang();
        let path = self.inner.cfg.db.clone();
        let printed = printed.and_then(PrintOutcome::job).map(str::to_string);
        tokio::task::spawn_blocking(move || {
            let store = Store::open_existing(&path)?;
            printing::preview_blocking(&store, lang, printed.as_deref(), &job)
        })
        .await
        .map_err(blocking_err)?
    }

    // ---------------------------------------------------------------- people

    /// Logs a person in. Unknown users and wrong PINs get the same answer.
    pub fn login(&self, user: &str, pin: &str) -> Result<Session> {
        Ok(self.engine()?.login(user, pin)?)
    }

    /// Adds a user: the first one must be the owner (no login yet); later ones need an owner.
    pub fn add_user(
        &self,
        actor: Option<&Session>,
        id: &str,
        name: &str,
        role: &str,
        pin: &str,
    ) -> Result<UserInfo> {
        self.ensure_writable()?;
        let role = Role::parse(role).ok_or_else(|| InputError::Role(error::short(role)))?;
        let id = id.trim();
        if !valid_user_id(id) {
            return Err(InputError::UserId(error::short(id)).into());
        }
        let name = name.trim();
        if !valid_user_name(name) {
            return Err(InputError::UserName(error::short(name)).into());
        }
        Ok(self.engine()?.add_user(actor, id, name, role, pin)?)
    }

    pub fn users(&self, s: &Session) -> Result<Vec<UserInfo>> {
        Ok(self.engine()?.users(s)?)
    }

    // ---------------------------------------------------------------- sales

    /// Sells. First resumes open orders; then places the order (persisted before the
    /// first send), hands sending and following to a background worker with its own
    /// connection, waits up to `opts.wait` for a final state, shows the result (PINs in
    /// full, once) and prints the receipt on a blocking thread.
    pub async fn sell(&self, s: &Session, req: SellRequest, opts: SellOptions) -> Result<Sale> {
        self.ensure_writable()?;
        let mut eng = self.engine()?;
        // Resolve what a crash or a lost answer left open before taking a new order.
        self.resume_first(&mut eng).await;
        eng.ensure_online().await?;
        // the worker's connection first: once the order is placed nothing may fail before
        // it is handed to the worker
        let mut worker = eng.fork()?;
        // an update waits for the whole sale: the order row, its result, the receipt
        let _selling = self.busy(cardcat_core::update::Activity::Placing)?;
        let placed = eng.place(s, &req)?;
        let key = placed.key;
        let key_s = key.to_string();
        self.inner.events.emit(Event::OrderState {
            key,
            from: None,
            to: OrderState::Sending,
        });
        let events = self.inner.events.clone();
        // a success counts as a sale of this product for search ranking, as it happens
        let catalog = self.inner.catalog.clone();
        let sku = req.sku.clone();
        let follow_for = opts.follow_for.max(opts.wait);
        let (done_tx, done_rx) = tokio::sync::oneshot::channel();
        let (sent_tx, sent_rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let k = key.to_string();
            let mut emit = |from: OrderState, to: OrderState| {
                if to == OrderState::Succeeded {
                    catalog.record_sale(&sku);
                }
                events.emit(Event::OrderState {
                    key,
                    from: Some(from),
                    to,
                })
            };
            let r = async {
                let sent = worker.submit(&placed).await;
                let _ = sent_tx.send(());
                sent?;
                let now = worker.order_state(&k)?;
                if now != OrderState::Sending {
                    emit(OrderState::Sending, now);
                }
                worker.follow_with(&k, follow_for, &mut emit).await
            }
            .await;
            if let Err(e) = &r {
                tracing::warn!(order = %k, error = %e, "following the order");
            }
            let _ = done_tx.send(r);
        });
        // The first send always completes (bounded by the client's time limit), so a front
        // end that exits right after a sale never leaves it half-sent; then wait for a
        // final state for at most `opts.wait` in all.
        let started = std::time::Instant::now();
        let _ = sent_rx.await;
        let left = opts.wait.saturating_sub(started.elapsed());
        let _ = tokio::time::timeout(left, done_rx).await;
        let order = eng.sale_record(s, &key_s)?;
        let print = if opts.print {
            Some(self.print_sale(s, &order, false).await)
        } else {
            None
        };
        let order = self.after_print(&mut eng, s, order, print.as_ref());
        Ok(Sale { order, print })
    }

    /// When the printer took a final order's receipt, its result reached the customer.
    /// A failure to record it is logged, never turned into a failed sale: the order then
    /// stays owed and is presented again.
    fn after_print(
        &self,
        eng: &mut Engine,
        s: &Session,
        mut order: OrderRecord,
        print: Option<&PrintOutcome>,
    ) -> OrderRecord {
        if order.state.is_final() && matches!(print, Some(PrintOutcome::Printed { .. })) {
            match eng.hand_over(s, &order.client_key.to_string(), HandOver::Paper) {
                Ok(true) => order.handed_over = true,
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "recording a printed delivery"),
            }
        }
        order
    }

    /// The front end has drawn this order's result on the screen (call it after drawing,
    /// not before): from now on it is delivered, and PINs show masked.
    pub fn acknowledge(&self, s: &Session, key: &str) -> Result<bool> {
        self.ensure_writable()?;
        let key = parse_key(key)?;
        Ok(self
            .engine()?
            .hand_over(s, &key.to_string(), HandOver::Screen)?)
    }

    /// Orders whose result has not reached the customer yet (after resolving open ones):
    /// what the counter must present at start-up and before a sale.
    pub async fn owed(&self, s: &Session) -> Result<Vec<OrderRecord>> {
        let mut eng = self.engine()?;
        self.resume_first(&mut eng).await;
        Ok(eng.owed(s)?)
    }

    /// Hands an owed result over: shows it (PINs in full while it is still owed) and prints
    /// it; printed means delivered, otherwise the front end acknowledges after showing it.
    pub async fn deliver(&self, s: &Session, key: &str) -> Result<Sale> {
        self.ensure_writable()?;
        let key = parse_key(key)?;
        let mut eng = self.engine()?;
        let order = eng.show(s, &key.to_string(), false)?;
        let print = self.print_sale(s, &order, order.handed_over).await;
        let print = (print != PrintOutcome::NoPrinter).then_some(print);
        let order = self.after_print(&mut eng, s, order, print.as_ref());
        Ok(Sale { order, print })
    }

    /// Sets an owed result aside with a reason (audited).
    pub fn set_aside(&self, s: &Session, key: &str, reason: &str) -> Result<()> {
        self.ensure_writable()?;
        let key = parse_key(key)?;
        Ok(self.engine()?.set_aside(s, &key.to_string(), reason)?)
    }

    /// The repeat-sale window in seconds (owner setting).
    pub fn set_intent_window(&self, s: &Session, secs: i64) -> Result<()> {
        self.ensure_writable()?;
        Ok(self.engine()?.set_intent_window(s, secs)?)
    }

    /// Prints an order's receipt (`copy`: a 副本 / REPRINT).
    pub async fn print_sale(&self, s: &Session, o: &OrderRecord, copy: bool) -> PrintOutcome {
        let job = printing::PrintJob {
            doc: cardcat_core::receipt::Doc::Sale(printing::sale_info(o, copy)),
            cashier: s.name().to_string(),
            order_key: Some(o.client_key.to_string()),
            kind: if copy { "reprint" } else { "sale" },
        };
        if o.pins_in_full && !o.pins.is_empty() {
            return self.print_with(job, printing::print_pins_blocking).await;
        }
        self.print(job).await
    }

    /// Queues and prints one document on a blocking thread, and reports it on the stream.
    pub async fn print(&self, job: printing::PrintJob) -> PrintOutcome {
        self.print_with(job, printing::print_blocking).await
    }

    async fn print_with(
        &self,
        job: printing::PrintJob,
        how: fn(&Store, Lang, &printing::PrintJob) -> PrintOutcome,
    ) -> PrintOutcome {
        let lang = self.lang();
        let path = self.inner.cfg.db.clone();
        let kind = job.kind.to_string();
        let order_key = job.order_key.clone();
        let outcome = tokio::task::spawn_blocking(move || match Store::open_existing(&path) {
            Ok(store) => how(&store, lang, &job),
            Err(e) => PrintOutcome::Failed {
                reason: cardcat_core::Localized::message(&e, lang),
            },
        })
        .await
        .unwrap_or_else(|e| PrintOutcome::Failed {
            reason: e.to_string(),
        });
        if outcome != PrintOutcome::NoPrinter {
            self.inner.events.emit(Event::Printed {
                kind,
                order_key,
                outcome: outcome.clone(),
            });
        }
        outcome
    }

    /// Reprints an order: a PIN prints in full only on its first showing, every other
    /// print is a masked 副本 copy (the engine decides, and checks the role).
    pub async fn reprint(&self, s: &Session, key: &str) -> Result<Sale> {
        self.ensure_writable()?;
        let key = parse_key(key)?;
        let mut eng = self.engine()?;
        let (order, copy) = eng.reprint(s, &key.to_string())?;
        let print = self.print_sale(s, &order, copy).await;
        if print == PrintOutcome::NoPrinter {
            return Err(CounterError::NoPrinter);
        }
        let order = self.after_print(&mut eng, s, order, Some(&print));
        Ok(Sale {
            order,
            print: Some(print),
        })
    }

    /// Resolves open orders by status query with the same key.
    pub async fn resume(&self, all_now: bool) -> Result<ResumeReport> {
        Ok(self.engine()?.resume(all_now).await?)
    }

    /// Resumes until nothing is open or `max` has passed (bounded).
    pub async fn resume_until_settled(&self, all_now: bool, max: Duration) -> Result<ResumeReport> {
        let start = std::time::Instant::now();
        let mut eng = self.engine()?;
        loop {
            let r = eng.resume(all_now).await?;
            if r.still_open == 0 || start.elapsed() >= max {
                return Ok(r);
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    /// Orders not final yet, and those needing attention (after a resume).
    pub async fn pending(&self, s: &Session) -> Result<Vec<OrderRecord>> {
        let mut eng = self.engine()?;
        self.resume_first(&mut eng).await;
        Ok(eng.pending(s)?)
    }

    /// One order; PINs masked unless this is their first showing or an owner reveals them.
    pub fn show(&self, s: &Session, key: &str, reveal: bool) -> Result<OrderRecord> {
        let key = parse_key(key)?;
        Ok(self.engine()?.show(s, &key.to_string(), reveal)?)
    }

    // ---------------------------------------------------------------- redemption

    pub async fn redeem_prepare(&self, s: &Session, code: &str) -> Result<VoucherInfo> {
        if code.trim().is_empty() {
            return Err(InputError::VoucherCode.into());
        }
        Ok(self.engine()?.redeem_prepare(s, code).await?)
    }

    /// Redeems and prints the slip when it is redeemed.
    pub async fn redeem(&self, s: &Session, code: &str) -> Result<Redeemed> {
        self.ensure_writable()?;
        if code.trim().is_empty() {
            return Err(InputError::VoucherCode.into());
        }
        // an update waits for the platform's answer and the slip
        let _redeeming = self.busy(cardcat_core::update::Activity::Placing)?;
        let r = self.engine()?.redeem_verify(s, code).await?;
        let print = if r.state == cardcat_engine::RedemptionState::Redeemed {
            Some(self.print_redemption(s, &r).await)
        } else {
            None
        };
        Ok(Redeemed {
            redemption: r,
            print,
        })
    }

    pub async fn redeem_cancel(&self, s: &Session, request_id: &str) -> Result<Redeemed> {
        self.ensure_writable()?;
        let id = parse_key(request_id)?;
        let _cancelling = self.busy(cardcat_core::update::Activity::Placing)?;
        let r = self.engine()?.redeem_cancel(s, id).await?;
        let print = Some(self.print_redemption(s, &r).await);
        Ok(Redeemed {
            redemption: r,
            print,
        })
    }

    pub async fn redeem_query(&self, s: &Session, request_id: &str) -> Result<RedemptionRecord> {
        let id = parse_key(request_id)?;
        Ok(self.engine()?.redeem_query(s, id).await?)
    }

    async fn print_redemption(&self, s: &Session, r: &RedemptionRecord) -> PrintOutcome {
        self.print(printing::PrintJob {
            doc: printing::redemption_doc(r),
            cashier: s.name().to_string(),
            order_key: Some(r.request_id.to_string()),
            kind: "redemption",
        })
        .await
    }

    // ---------------------------------------------------------------- shifts

    /// Opens a shift with a cash float (a non-negative amount of at most ¥100,000).
    pub fn open_shift(&self, s: &Session, float: &str) -> Result<ShiftInfo> {
        self.ensure_writable()?;
        let f = parse_cash(float)?;
        Ok(self.engine()?.open_shift(s, f)?)
    }

    /// The X report (mid-shift), printed.
    pub async fn x_report(&self, s: &Session) -> Result<ShiftReport> {
        let i = self.engine()?.x_report(s)?;
        let print = Some(self.print_shift(s, &i).await);
        Ok(ShiftReport { shift: i, print })
    }

    /// Closes the shift with the counted cash (Z report), prints it, and sends the
    /// outbox (audit and shift events) to the platform.
    pub async fn close_shift(&self, s: &Session, counted: &str) -> Result<ShiftReport> {
        self.ensure_writable()?;
        let c = parse_cash(counted)?;
        // an update waits until the Z report is printed and sent
        let _closing = self.busy(cardcat_core::update::Activity::ClosingShift)?;
        let mut eng = self.engine()?;
        let i = eng.close_shift(s, c)?;
        let print = Some(self.print_shift(s, &i).await);
        if let Err(e) = eng.drain_outbox().await {
            tracing::warn!(error = %e, "outbox after Z report");
        }
        Ok(ShiftReport { shift: i, print })
    }

    async fn print_shift(&self, s: &Session, i: &ShiftInfo) -> PrintOutcome {
        self.print(printing::PrintJob {
            doc: printing::shift_doc(i),
            cashier: s.name().to_string(),
            order_key: None,
            kind: if i.closed_at_ms.is_some() {
                "z-report"
            } else {
                "x-report"
            },
        })
        .await
    }

    // ---------------------------------------------------------------- reports

    /// Today's business day (UTC+8).
    pub fn today() -> Day {
        Day::of_ms(cardcat_store::now_ms())
    }

    /// A date range from what a person typed (`from` defaults to today, `to` to `from`).
    pub fn day_range(from: Option<&str>, to: Option<&str>) -> Result<DayRange> {
        let from: Day = match from {
            Some(f) => f.parse()?,
            None => Self::today(),
        };
        let to: Day = match to {
            Some(t) => t.parse()?,
            None => from.clone(),
        };
        Ok(DayRange::new(from, to)?)
    }

    pub fn commission_report(
        &self,
        s: &Session,
        range: &DayRange,
        by: GroupBy,
    ) -> Result<Vec<CommissionRow>> {
        Ok(self
            .engine()?
            .commission_report(s, range.from.as_str(), range.to.as_str(), by)?)
    }

    /// Ledger entries as CSV (UTF-8 with BOM).
    pub fn export_csv(&self, s: &Session, range: &DayRange) -> Result<String> {
        Ok(self
            .engine()?
            .export_csv(s, range.from.as_str(), range.to.as_str())?)
    }

    pub async fn reconcile(&self, s: &Session, day: &Day) -> Result<Report> {
        Ok(self.engine()?.reconcile(s, day.as_str()).await?)
    }

    // ---------------------------------------------------------------- printer

    pub fn printer_settings(&self) -> Result<PrinterSettings> {
        printing::settings(&self.store()?)
    }

    /// Sets this terminal's printer (owner or installer; anyone before the first user exists).
    pub fn set_printer(
        &self,
        who: Option<&Session>,
        p: &PrinterSetup,
    ) -> Result<(Target, &'static Profile)> {
        self.ensure_writable()?;
        // who may, before what: a refused caller learns nothing about the input
        self.setup_allowed(who)?;
        let t: Target = p.target.parse()?;
        let prof = profile::find(&p.profile)
            .ok_or_else(|| InputError::Profile(error::short(&p.profile)))?;
        let target_s = t.to_string();
        let mut kv: Vec<(&str, &str)> = vec![
            (K_PRINTER_TARGET, target_s.as_str()),
            (K_PRINTER_PROFILE, prof.id),
            (K_RECEIPT_LOGO, if p.logo { "1" } else { "0" }),
        ];
        if let Some(f) = &p.footer {
            kv.push((K_RECEIPT_FOOTER, f.as_str()));
        }
        let mut store = self.store()?;
        cardcat_engine::configure(&mut store, who, Action::ConfigurePrinter, &kv)?;
        Ok((t, prof))
    }

    /// The target and profile to use: the ones given, else the configured ones.
    pub fn resolve_printer(
        &self,
        target: Option<&str>,
        profile_id: Option<&str>,
    ) -> Result<(Target, &'static Profile)> {
        let conf = printing::configured(&self.store()?)?;
        let t = match target {
            Some(t) => t.parse()?,
            None => conf
                .as_ref()
                .map(|c| c.0.clone())
                .ok_or(CounterError::NoPrinter)?,
        };
        let p = match profile_id {
            Some(id) => profile::find(id).ok_or_else(|| InputError::Profile(error::short(id)))?,
            None => conf
                .map(|c| c.1)
                .or_else(|| profile::find(profile::DEFAULT_PROFILE))
                .ok_or_else(|| InputError::Profile(String::new()))?,
        };
        Ok((t, p))
    }

    /// Real-time status of a printer (DLE EOT); `None` when the connection cannot report it.
    pub async fn printer_status(
        &self,
        target: Option<&str>,
    ) -> Result<Option<cardcat_printer::status::PrinterStatus>> {
        let (t, _) = self.resolve_printer(target, None)?;
        let shown = t.to_string();
        let st = tokio::task::spawn_blocking(move || {
            cardcat_printer::transport::query(&t, printing::PRINT_TIMEOUT)
        })
        .await
        .map_err(blocking_err)??;
        if let Some(s) = st {
            self.inner.events.emit(Event::PrinterStatus {
                target: shown,
                ready: s.can_print(),
                text: s.describe(self.lang()),
            });
        }
        Ok(st)
    }

    /// Prints a test page (or the code-page probe) straight to a printer; an error says
    /// why nothing printed.
    pub async fn test_print(
        &self,
        target: Option<&str>,
        profile_id: Option<&str>,
        probe: bool,
    ) -> Result<Option<cardcat_printer::status::PrinterStatus>> {
        let (t, p) = self.resolve_printer(target, profile_id)?;
        let doc = if probe {
            cardcat_core::receipt::Doc::CodePageProbe
        } else {
            printing::test_page(p)
        };
        let mut ctx = printing::context(
            &self.store()?,
            self.lang(),
            &cardcat_core::t!(self.lang(), "receipt.installer"),
        )?;
        ctx.logo = true;
        let bytes = cardcat_printer::encode::receipt_bytes(
            &doc,
            &ctx,
            p,
            printing::logo_for(&self.store()?, &ctx, p).as_ref(),
        )?;
        Ok(
            tokio::task::spawn_blocking(move || printing::send_blocking(&t, &bytes))
                .await
                .map_err(blocking_err)??,
        )
    }

    /// One sample of every receipt type: written as PNG previews into `preview_dir`
    /// (rendered from the ESC/POS bytes), and sent to the printer unless only previews were
    /// asked for. Returns the sample names done.
    pub async fn print_samples(
        &self,
        target: Option<&str>,
        profile_id: Option<&str>,
        preview_dir: Option<&Path>,
    ) -> Result<Vec<&'static str>> {
        let only_preview = preview_dir.is_some()
            && target.is_none()
            && printing::configured(&self.store()?)?.is_none();
        let (t, p) = if only_preview {
            let id = profile_id.unwrap_or(profile::DEFAULT_PROFILE);
            (
                None,
                profile::find(id).ok_or_else(|| InputError::Profile(error::short(id)))?,
            )
        } else {
            let (t, p) = self.resolve_printer(target, profile_id)?;
            (Some(t), p)
        };
        let lang = self.lang();
        let dir = preview_dir.map(Path::to_path_buf);
        tokio::task::spawn_blocking(move || -> Result<Vec<&'static str>> {
            let ctx = printing::sample_context(lang);
            let mut done = Vec::new();
            for (name, doc) in printing::samples(lang) {
                let bytes = cardcat_printer::encode::receipt_bytes(&doc, &ctx, p, None)?;
                if let Some(dir) = &dir {
                    std::fs::create_dir_all(dir).map_err(|e| CounterError::file(dir, &e))?;
                    let png = cardcat_printer::render::render_png(
                        &cardcat_printer::decode::decode(&bytes),
                        p.width,
                    );
                    let f = dir.join(format!("{name}.png"));
                    std::fs::write(&f, png).map_err(|e| CounterError::file(&f, &e))?;
                }
                if let Some(t) = &t {
                    printing::send_blocking(t, &bytes)?;
                }
                done.push(name);
            }
            Ok(done)
        })
        .await
        .map_err(blocking_err)?
    }

    /// Finds printers: a TCP sweep of `subnet` (default: this machine's /24) on `port`,
    /// and USB device files.
    pub async fn find_printers(
        &self,
        subnet: Option<&str>,
        port: u16,
        timeout: Duration,
    ) -> Result<(String, Vec<FoundPrinter>)> {
        let subnet = match subnet {
            Some(s) => s.to_string(),
            None => cardcat_printer::transport::local_subnet()
                .unwrap_or_else(|| "192.168.1.0/24".into()),
        };
        let hosts = cardcat_printer::transport::hosts_of(&subnet)
            .ok_or_else(|| InputError::Subnet(error::short(&subnet)))?;
        let lang = self.lang();
        let found = tokio::task::spawn_blocking(move || {
            let mut out: Vec<FoundPrinter> =
                cardcat_printer::transport::find_tcp(&hosts, port, timeout)
                    .into_iter()
                    .map(|f| FoundPrinter {
                        target: f.target.to_string(),
                        status: f.status.map(|s| s.describe(lang)),
                        network: true,
                    })
                    .collect();
            out.extend(
                cardcat_printer::transport::find_device_files()
                    .into_iter()
                    .map(|t| FoundPrinter {
                        target: t.to_string(),
                        status: None,
                        network: false,
                    }),
            );
            out
        })
        .await
        .map_err(blocking_err)?;
        Ok((subnet, found))
    }

    /// The print queue: optionally re-queues a copy of one job, optionally retries what
    /// waits (on a blocking thread), and lists the latest jobs.
    pub async fn print_queue(
        &self,
        who: Option<&Session>,
        retry: bool,
        reprint: Option<&str>,
    ) -> Result<(QueueState, Option<String>)> {
        if reprint.is_some() {
            // a copy of a job prints whatever it held: only someone who may reprint
            who.ok_or(EngineError::LoginRequired)?
                .require(Action::Reprint)?;
        }
        let path = self.inner.cfg.db.clone();
        let reprint = reprint.map(str::to_string);
        type Done = (QueueState, Option<String>, Vec<String>);
        let r = tokio::task::spawn_blocking(move || -> Result<Done> {
            let store = Store::open_existing(&path)?;
            let c = store.conn();
            let sqlite = |e| CounterError::Store(cardcat_store::StoreError::from(e));
            queue_recover(c)?;
            let mut new_job = None;
            if let Some(id) = reprint {
                new_job = Some(
                    cardcat_printer::queue::requeue_copy(c, &id)
                        .map_err(sqlite)?
                        .ok_or_else(|| InputError::OrderKey(error::short(&id)))?,
                );
            }
            let mut printed_orders: Vec<String> = Vec::new();
            let mut st = QueueState {
                printed: 0,
                waiting: 0,
                uncertain: 0,
                jobs: Vec::new(),
            };
            if (retry || new_job.is_some())
                && let Some((t, _)) = printing::configured(&store)?
            {
                let r = printing::with_printer(|| {
                    cardcat_printer::queue::process(c, &t, printing::PRINT_TIMEOUT, true)
                })
                .map_err(sqlite)?;
                st.printed = r.printed.len();
                st.waiting = r.waiting.len();
                st.uncertain = r.uncertain.len();
                printed_orders = r
                    .printed
                    .iter()
                    .filter_map(|id| cardcat_printer::queue::get(c, id).ok().flatten())
                    .filter(|j| j.kind == "sale" || j.kind == "reprint")
                    .filter_map(|j| j.order_key)
                    .collect();
            }
            st.jobs = cardcat_printer::queue::list(c, 30).map_err(sqlite)?;
            Ok((st, new_job, printed_orders))
        })
        .await
        .map_err(blocking_err)??;
        // a queued sale receipt that printed now: its result reached the customer
        let (st, new_job, printed_orders) = r;
        if !printed_orders.is_empty()
            && let Ok(mut eng) = self.engine()
        {
            for k in printed_orders {
                if let Err(e) = eng.hand_over_printed(&k) {
                    tracing::warn!(order = %k, error = %e, "recording a printed delivery");
                }
            }
        }
        Ok((st, new_job))
    }
}

fn queue_recover(c: &cardcat_store::rusqlite_reexport::Connection) -> Result<()> {
    cardcat_printer::queue::recover(c)
        .map_err(|e| CounterError::Store(cardcat_store::StoreError::from(e)))?;
    Ok(())
}

/// An order key or request id as typed (spaces around it are fine).
pub fn parse_key(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s.trim()).map_err(|_| InputError::OrderKey(error::short(s)).into())
}

/// Most cash a float or a count may be (¥100,000).
pub fn max_cash() -> Money {
    Money::from_yuan(100_000)
}

/// Cash counted or put in the drawer: a plain non-negative amount of at most ¥100,000.
pub fn parse_cash(s: &str) -> Result<Money> {
    let m: Money = s
        .trim()
        .parse()
        .map_err(|_| InputError::Amount(error::short(s)))?;
    if m.is_negative() || m.fen() > max_cash().fen() {
        return Err(InputError::CashAmount(error::short(s)).into());
    }
    Ok(m)
}

/// A payment method from its word (cash, wechat, alipay, card).
pub fn parse_payment(s: &str) -> Result<cardcat_core::shift::PaymentMethod> {
    cardcat_core::shift::PaymentMethod::parse(s.trim())
        .ok_or_else(|| InputError::Payment(error::short(s)).into())
}

/// Every operation's future is `Send`, so a front end can run it on any runtime thread
/// (Tauri commands require it). A compile-time check.
#[allow(dead_code, clippy::let_underscore_future)]
fn _futures_are_send(c: &Counter, s: &Session, d: &Day) {
    fn send<T: Send>(_: T) {}
    send(c.sell(s, SellRequest::new("x", "y"), SellOptions::default()));
    send(c.sync(false));
    send(c.doctor());
    send(c.search("x", 1));
    send(c.activate("u", "c", "d"));
    send(c.resume(false));
    send(c.resume_until_settled(false, Duration::ZERO));
    send(c.pending(s));
    send(c.reprint(s, "k"));
    send(c.redeem_prepare(s, "c"));
    send(c.redeem(s, "c"));
    send(c.redeem_cancel(s, "k"));
    send(c.redeem_query(s, "k"));
    send(c.x_report(s));
    send(c.close_shift(s, "0"));
    send(c.reconcile(s, d));
    send(c.printer_status(None));
    send(c.test_print(None, None, false));
    send(c.print_samples(None, None, None));
    send(c.find_printers(None, 9100, Duration::ZERO));
    send(c.print_queue(None, false, None));
    send(c.owed(s));
    send(c.deliver(s, "k"));
}

/// A user ID: 1–32 ASCII letters, digits or underscores (typed at the PIN pad, printed on
/// receipts and shift reports).
pub(crate) fn valid_user_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 32 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A person's or a store's shown name: 1–`max` characters, none of them a control character
/// (it goes onto screens, receipts and CSV files).
pub(crate) fn valid_name(name: &str, max: usize) -> bool {
    let n = name.chars().count();
    (1..=max).contains(&n) && !name.chars().any(char::is_control)
}

/// A user's name as shown at the counter and on reports: 1–32 characters.
pub(crate) fn valid_user_name(name: &str) -> bool {
    valid_name(name, 32)
}
