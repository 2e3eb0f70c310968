//! The owner's back office and the installer's set-up, as counter operations both front
//! ends can use: analytics and today's summary, users, shift history, the audit log,
//! receipt settings with previews at both paper widths, the set-up checks (platform,
//! keyring, printer test and cash drawer) and the redacted support bundle.
//!
//! Invariant: a set-up operation runs for an owner or an installer, or for anyone only
//! while the terminal has no user at all (first install); the engine decides that.
//! Invariant: the support bundle holds no secret, no PIN code and no full phone number:
//! it never reads the keyring or the PIN vault, and every free text in it passes
//! `cardcat_core::redact::text`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use cardcat_client::PlatformClient;
use cardcat_core::analytics::{Analytics, Bucket, DayPartial};
use cardcat_core::receipt::{Doc, Laid};
use cardcat_core::redact;
use cardcat_core::report::{Day, DayRange};
use cardcat_core::roles::Action;
use cardcat_core::{Localized, t};
use cardcat_engine::{AuditEntry, AuditFilter, LastReconcile, OrderRecord, ShiftInfo, UserInfo};
use cardcat_printer::profile::{self, PROFILES};
use cardcat_printer::status::PrinterStatus;
use cardcat_printer::{PaperWidth, encode, logo};
use cardcat_store::Store;
use serde::Serialize;

use crate::doctor::{self, Check, CheckId};
use crate::error::{self, InputError};
use crate::printing::{self, Preview};
use crate::{CatalogInfo, Counter, CounterError, Result, Session, blocking_err};

/// Today at a glance, for the owner's first screen.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub day: String,
    pub today: Bucket,
    pub open_orders: usize,
    pub owed: usize,
    pub catalog: CatalogInfo,
    pub last_reconcile: Option<LastReconcile>,
    pub print_waiting: usize,
    pub events_waiting: u64,
}

/// The owner's report days kept in memory, and the ledger id they are true up to.
#[derive(Debug, Default)]
pub(crate) struct ReportDays {
    high_water: i64,
    days: HashMap<String, DayPartial>,
}

/// A printer model the installer can pick.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileInfo {
    pub id: &'static str,
    pub name: &'static str,
    pub width_mm: u16,
}

/// Where a terminal is in its set-up, for the wizard's first screen.
#[derive(Debug, Clone, Serialize)]
pub struct SetupState {
    pub activated: bool,
    pub store_name: Option<String>,
    pub platform_url: Option<String>,
    pub has_users: bool,
    pub printer_target: Option<String>,
    pub printer_profile: Option<String>,
}

/// A receipt preview at one paper width.
#[derive(Debug, Clone, Serialize)]
pub struct WidthPreview {
    pub width_mm: u16,
    pub preview: Preview,
}

/// Longest receipt footer, in characters and lines.
pub const MAX_FOOTER_CHARS: usize = 120;
pub const MAX_FOOTER_LINES: usize = 4;

fn width_mm(w: PaperWidth) -> u16 {
    if w == PaperWidth::Mm58 { 58 } else { 80 }
}

fn check_footer(f: &str) -> Result<()> {
    let n = f.chars().count();
    if n > MAX_FOOTER_CHARS || f.lines().count() > MAX_FOOTER_LINES {
        return Err(InputError::Footer(n).into());
    }
    Ok(())
}

/// The logo a receipt of this store carries: the owner's image, else the text logo.
pub fn store_logo(store: &Store, p: &profile::Profile) -> Option<cardcat_printer::doc::Bitmap> {
    store
        .setting(cardcat_engine::K_RECEIPT_LOGO_IMAGE)
        .ok()
        .flatten()
        .and_then(|s| logo::from_setting(&s))
        .or_else(|| Some(encode::text_logo("卡盟猫 CardCat", p)))
}

impl Counter {
    // ---------------------------------------------------------------- owner

    /// Commission over `range` by day, hour, product, category and cashier. Finished days
    /// (before today) are read from the ledger once and kept in memory: their entries never
    /// change. Today is always read again.
    pub fn analytics(&self, s: &Session, range: &DayRange) -> Result<Analytics> {
        s.require(Action::ViewCommission)?;
        let label = t!(self.lang(), "owner.uncategorised");
        let eng = self.engine()?;
        let days = self.days_of(&eng, range)?;
        Ok(cardcat_core::analytics::analyse_days(
            range,
            &days,
            &label,
            |id| eng.user_name(id),
        ))
    }

    /// The per-day roll-ups of `range`. Days already rolled up are kept; a day is read from
    /// the ledger again only when an entry naming it was appended since (the ledger is
    /// append-only, and its highest id is the cache's high-water mark).
    fn days_of(
        &self,
        eng: &cardcat_engine::Engine,
        range: &DayRange,
    ) -> Result<HashMap<String, DayPartial>> {
        let mut cache = self
            .inner
            .report_days
            .lock()
            .map_err(|_| CounterError::Task("report cache poisoned".into()))?;
        let (max, touched) = eng.ledger_days_since(cache.high_water)?;
        for d in touched {
            cache.days.remove(&d);
        }
        // the days of the range not kept: read in one pass from the first to the last of them
        let mut first: Option<Day> = None;
        let mut last: Option<Day> = None;
        let mut d = range.from.clone();
        for _ in 0..cardcat_core::analytics::MAX_DAYS {
            if !cache.days.contains_key(d.as_str()) {
                if first.is_none() {
                    first = Some(d.clone());
                }
                last = Some(d.clone());
            }
            if d >= range.to {
                break;
            }
            d = d.next();
        }
        if let (Some(from), Some(to)) = (first, last) {
            let read_range = DayRange { from, to };
            let read = eng.day_partials(&read_range)?;
            let mut d = read_range.from.clone();
            for _ in 0..cardcat_core::analytics::MAX_DAYS {
                let p = read.get(d.as_str()).cloned().unwrap_or_default();
                cache.days.insert(d.as_str().to_string(), p);
                if d >= read_range.to {
                    break;
                }
                d = d.next();
            }
        }
        cache.high_water = max;
        let mut out: HashMap<String, DayPartial> = HashMap::new();
        for (k, v) in cache.days.iter() {
            if k.as_str() >= range.from.as_str() && k.as_str() <= range.to.as_str() {
                out.insert(k.clone(), v.clone());
            }
        }
        Ok(out)
    }

    /// Rolls up the last `days` days into the report cache (at start, in the background),
    /// so the owner's first report does not wait for the ledger.
    pub fn warm_reports(&self, days: i64) -> Result<()> {
        let eng = self.engine()?;
        let now = cardcat_store::now_ms();
        let range = DayRange {
            from: Day::of_ms(now - days.clamp(1, 732) * 86_400_000),
            to: Day::of_ms(now),
        };
        self.days_of(&eng, &range).map(|_| ())
    }

    /// Forgets the kept report days (after the books were cleared or replaced).
    pub(crate) fn forget_report_days(&self) {
        if let Ok(mut c) = self.inner.report_days.lock() {
            *c = ReportDays::default();
        }
    }

    /// Today's sales and commission, what is still open, sync and reconciliation state.
    pub fn dashboard(&self, s: &Session) -> Result<Dashboard> {
        let day = Counter::today();
        let a = self.analytics(s, &DayRange::day(day.clone()))?;
        let eng = self.engine()?;
        let (open, owed) = cardcat_engine::open_and_owed(eng.store().conn())?;
        let waiting = cardcat_printer::queue::list(eng.store().conn(), 200)
            .map_err(|e| CounterError::Store(e.into()))?
            .iter()
            .filter(|j| j.state == "queued" || j.state == "uncertain")
            .count();
        Ok(Dashboard {
            day: day.as_str().to_string(),
            today: a.totals,
            open_orders: open,
            owed,
            catalog: self.catalog_info()?,
            last_reconcile: eng.last_reconcile(s)?,
            print_waiting: waiting,
            events_waiting: eng.outbox_pending()?,
        })
    }

    pub fn set_user_active(&self, s: &Session, id: &str, active: bool) -> Result<()> {
        self.ensure_writable()?;
        Ok(self.engine()?.set_user_active(s, id, active)?)
    }

    pub fn reset_pin(&self, s: &Session, id: &str, pin: &str) -> Result<()> {
        self.ensure_writable()?;
        Ok(self.engine()?.reset_pin(s, id, pin)?)
    }

    pub fn unlock_user(&self, s: &Session, id: &str) -> Result<()> {
        self.ensure_writable()?;
        Ok(self.engine()?.unlock_user(s, id)?)
    }

    pub fn shift_history(&self, s: &Session, range: &DayRange) -> Result<Vec<ShiftInfo>> {
        Ok(self.engine()?.shift_history(s, range, 500)?)
    }

    pub fn audit_log(&self, s: &Session, f: &AuditFilter, limit: u32) -> Result<Vec<AuditEntry>> {
        Ok(self.engine()?.audit_query(s, f, limit.clamp(1, 1000))?)
    }

    pub fn recent_orders(&self, s: &Session, limit: u32) -> Result<Vec<OrderRecord>> {
        Ok(self.engine()?.recent_orders(s, limit.clamp(1, 500))?)
    }

    /// Writes the commission CSV for `range` into `dir`; returns the file.
    pub fn export_csv_file(&self, s: &Session, range: &DayRange, dir: &Path) -> Result<PathBuf> {
        let csv = self.export_csv(s, range)?;
        std::fs::create_dir_all(dir).map_err(|e| CounterError::file(dir, &e))?;
        let f = dir.join(format!(
            "cardcat-commission-{}-{}.csv",
            range.from.as_str(),
            range.to.as_str()
        ));
        std::fs::write(&f, csv).map_err(|e| CounterError::file(&f, &e))?;
        Ok(f)
    }

    // ---------------------------------------------------------------- receipt settings

    /// A sample sale receipt with `footer` and `logo` (not saved yet), at 58 and 80 mm,
    /// each rendered from the exact ESC/POS bytes it would send.
    pub async fn receipt_previews(&self, footer: &str, logo_on: bool) -> Result<Vec<WidthPreview>> {
        check_footer(footer)?;
        let store = self.store()?;
        let lang = self.lang();
        let mut ctx = printing::context(&store, lang, &t!(lang, "sample.cashier"))?;
        ctx.footer = Some(footer.to_string());
        ctx.logo = logo_on;
        let path = self.inner.cfg.db.clone();
        tokio::task::spawn_blocking(move || -> Result<Vec<WidthPreview>> {
            let store = Store::open_existing(&path)?;
            let doc = printing::samples(lang)
                .into_iter()
                .map(|(_, d)| d)
                .find(|d| matches!(d, Doc::Sale(_)))
                .unwrap_or_else(|| {
                    printing::test_page(
                        profile::find(profile::DEFAULT_PROFILE).unwrap_or(&PROFILES[0]),
                    )
                });
            let mut out = Vec::new();
            for id in ["xprinter-58", "xprinter-80"] {
                let p = profile::find(id).ok_or_else(|| InputError::Profile(id.into()))?;
                let logo = if logo_on { store_logo(&store, p) } else { None };
                let bytes = encode::receipt_bytes(&doc, &ctx, p, logo.as_ref())?;
                out.push(WidthPreview {
                    width_mm: width_mm(p.width),
                    preview: printing::preview_of_bytes(&bytes, p.width),
                });
            }
            Ok(out)
        })
        .await
        .map_err(blocking_err)?
    }

    /// Saves the receipt footer and whether receipts carry the logo.
    pub fn set_receipt(&self, who: Option<&Session>, footer: &str, logo_on: bool) -> Result<()> {
        self.ensure_writable()?;
        check_footer(footer)?;
        let mut store = self.store()?;
        cardcat_engine::configure(
            &mut store,
            who,
            Action::ConfigurePrinter,
            &[
                (cardcat_engine::K_RECEIPT_FOOTER, footer),
                (
                    cardcat_engine::K_RECEIPT_LOGO,
                    if logo_on { "1" } else { "0" },
                ),
            ],
        )?;
        Ok(())
    }

    /// Whether the owner gave the receipts a logo image.
    pub fn has_logo_image(&self) -> Result<bool> {
        Ok(self
            .store()?
            .setting(cardcat_engine::K_RECEIPT_LOGO_IMAGE)?
            .and_then(|s| logo::from_setting(&s))
            .is_some())
    }

    /// Turns an image file into the receipt logo and saves it (receipts carry it from now on).
    pub fn set_logo_image(&self, who: Option<&Session>, image: &[u8]) -> Result<(u32, u32)> {
        self.ensure_writable()?;
        let bm = logo::from_image(image)?;
        let mut store = self.store()?;
        cardcat_engine::configure(
            &mut store,
            who,
            Action::ConfigurePrinter,
            &[
                (cardcat_engine::K_RECEIPT_LOGO_IMAGE, &logo::to_setting(&bm)),
                (cardcat_engine::K_RECEIPT_LOGO, "1"),
            ],
        )?;
        Ok((bm.width, bm.height))
    }

    // ---------------------------------------------------------------- set-up

    /// Set-up may go on: an owner or installer, or nobody yet on a terminal with no users.
    pub fn setup_allowed(&self, who: Option<&Session>) -> Result<()> {
        cardcat_engine::actor_for(&self.store()?, who, Action::ConfigurePrinter)?;
        Ok(())
    }

    pub fn setup_state(&self) -> Result<SetupState> {
        let store = self.store()?;
        let users: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM users", [], |r| r.get(0))
            .map_err(|e| CounterError::Store(e.into()))?;
        Ok(SetupState {
            activated: store.setting(cardcat_engine::K_TERMINAL_ID)?.is_some(),
            store_name: store.setting(cardcat_engine::K_STORE_NAME)?,
            platform_url: store.setting(cardcat_engine::K_PLATFORM_URL)?,
            has_users: users > 0,
            printer_target: store.setting(cardcat_engine::K_PRINTER_TARGET)?,
            printer_profile: store.setting(cardcat_engine::K_PRINTER_PROFILE)?,
        })
    }

    /// Whether the OS keyring can hold the terminal secret (explained, never a crash).
    pub fn keyring_check(&self) -> Check {
        let lang = self.lang();
        match self.inner.secrets.probe() {
            Ok(()) => Check {
                id: CheckId::Keyring,
                ok: true,
                text: t!(
                    lang,
                    "doctor.keyring_ok",
                    backend = self.inner.secrets.backend()
                ),
                fix: None,
            },
            Err(e) => Check {
                id: CheckId::Keyring,
                ok: false,
                text: e.message(lang),
                fix: Some(t!(lang, "doctor.keyring_fix")),
            },
        }
    }

    /// Reachability and clock of a platform address, before pairing.
    pub async fn check_platform(&self, who: Option<&Session>, url: &str) -> Result<Vec<Check>> {
        self.setup_allowed(who)?;
        let c = PlatformClient::with_timeout(url.trim(), Duration::from_secs(5))?;
        Ok(doctor::platform_checks(&c, None, self.lang()).await)
    }

    /// The range a printer sweep covers unless told otherwise: this machine's /24.
    pub fn default_sweep() -> String {
        cardcat_printer::transport::local_subnet().unwrap_or_else(|| "192.168.1.0/24".into())
    }

    /// The printer models to pick from.
    pub fn profiles() -> Vec<ProfileInfo> {
        PROFILES
            .iter()
            .map(|p| ProfileInfo {
                id: p.id,
                name: p.name,
                width_mm: width_mm(p.width),
            })
            .collect()
    }

    /// Prints the test page on `target` with `profile` and returns the preview decoded
    /// from the very bytes sent (the paper and the screen show the same thing).
    pub async fn test_print_preview(
        &self,
        who: Option<&Session>,
        target: &str,
        profile_id: &str,
    ) -> Result<(Option<PrinterStatus>, Preview)> {
        self.setup_allowed(who)?;
        let (t, p) = self.resolve_printer(Some(target), Some(profile_id))?;
        let store = self.store()?;
        let lang = self.lang();
        let mut ctx = printing::context(&store, lang, &t!(lang, "receipt.installer"))?;
        ctx.logo = true;
        let bytes = encode::receipt_bytes(
            &printing::test_page(p),
            &ctx,
            p,
            store_logo(&store, p).as_ref(),
        )?;
        let preview = printing::preview_of_bytes(&bytes, p.width);
        let status = tokio::task::spawn_blocking(move || printing::send_blocking(&t, &bytes))
            .await
            .map_err(blocking_err)??;
        Ok((status, preview))
    }

    /// Opens the cash drawer through the printer (ESC p on pin 2).
    pub async fn drawer_test(
        &self,
        who: Option<&Session>,
        target: &str,
        profile_id: &str,
    ) -> Result<Option<PrinterStatus>> {
        self.setup_allowed(who)?;
        let (t, p) = self.resolve_printer(Some(target), Some(profile_id))?;
        let bytes = encode::encode(&[Laid::DrawerKick], p, None)?;
        Ok(
            tokio::task::spawn_blocking(move || printing::send_blocking(&t, &bytes))
                .await
                .map_err(blocking_err)??,
        )
    }

    /// The first owner of a new terminal (the wizard's last step).
    pub fn create_owner(&self, id: &str, name: &str, pin: &str) -> Result<UserInfo> {
        // only a terminal with no user at all takes a first owner without a login
        self.setup_allowed(None)?;
        if !crate::valid_user_id(id) {
            return Err(InputError::UserId(error::short(id)).into());
        }
        self.add_user(
            None,
            id,
            if name.trim().is_empty() {
                id
            } else {
                name.trim()
            },
            "owner",
            pin,
        )
    }

    // ---------------------------------------------------------------- support

    /// Writes the support bundle (one JSON file) into `dir`: versions, settings, schema,
    /// the doctor's checks, print queue, recent order states and errors, the audit tail
    /// and the given log lines; all free text redacted. Returns the file.
    pub async fn support_bundle(
        &self,
        who: Option<&Session>,
        dir: &Path,
        app_version: &str,
        logs: &[String],
    ) -> Result<PathBuf> {
        let bundle = self.support_report(who, app_version, logs).await?;
        let now = cardcat_store::now_ms();
        std::fs::create_dir_all(dir).map_err(|e| CounterError::file(dir, &e))?;
        let f = dir.join(format!(
            "cardcat-support-{}-{}.json",
            Day::of_ms(now).as_str(),
            now
        ));
        let text =
            serde_json::to_string_pretty(&bundle).map_err(|e| CounterError::Task(e.to_string()))?;
        std::fs::write(&f, text).map_err(|e| CounterError::file(&f, &e))?;
        Ok(f)
    }

    /// What the support bundle holds, for the diagnostics page: versions, settings, the
    /// doctor's checks, catalog state, print queue, recent orders (with their errors), the
    /// audit tail and log lines; every free text redacted.
    pub async fn support_report(
        &self,
        who: Option<&Session>,
        app_version: &str,
        logs: &[String],
    ) -> Result<serde_json::Value> {
        self.setup_allowed(who)?;
        let checks = self.doctor().await;
        let store = self.store()?;
        let now = cardcat_store::now_ms();
        let r = |s: &str| redact::text(s);
        let settings: Vec<serde_json::Value> = {
            let mut st = store
                .conn()
                .prepare("SELECT key, value FROM settings ORDER BY key")
                .map_err(|e| CounterError::Store(e.into()))?;
            let rows = st
                .query_map([], |row| {
                    Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
                })
                .map_err(|e| CounterError::Store(e.into()))?;
            rows.filter_map(|x| x.ok())
                .map(|(k, v)| {
                    // the logo is pixels, not a setting anyone reads
                    let v = if k == cardcat_engine::K_RECEIPT_LOGO_IMAGE {
                        format!("({} bytes)", v.len())
                    } else {
                        r(&v)
                    };
                    serde_json::json!({ "key": k, "value": v })
                })
                .collect()
        };
        let orders: Vec<serde_json::Value> = {
            let mut st = store
                .conn()
                .prepare(
                    "SELECT client_key, sku, kind, state, failure, needs_attention, created_at_ms, updated_at_ms, account
                     FROM orders ORDER BY created_at_ms DESC LIMIT 100",
                )
                .map_err(|e| CounterError::Store(e.into()))?;
            let rows = st
                .query_map([], |row| {
                    Ok(serde_json::json!({
                        "key": row.get::<_, String>(0)?,
                        "sku": row.get::<_, String>(1)?,
                        "kind": row.get::<_, String>(2)?,
                        "state": row.get::<_, String>(3)?,
                        "failure": row.get::<_, Option<String>>(4)?.map(|f| redact::text(&f)),
                        "needs_attention": row.get::<_, bool>(5)?,
                        "created_at_ms": row.get::<_, i64>(6)?,
                        "updated_at_ms": row.get::<_, i64>(7)?,
                        "account": redact::text(&row.get::<_, String>(8)?),
                    }))
                })
                .map_err(|e| CounterError::Store(e.into()))?;
            rows.filter_map(|x| x.ok()).collect()
        };
        let audit: Vec<serde_json::Value> = {
            let mut st = store
                .conn()
                .prepare("SELECT at_ms, actor, action, subject, before, after FROM audit ORDER BY id DESC LIMIT 200")
                .map_err(|e| CounterError::Store(e.into()))?;
            let rows = st
                .query_map([], |row| {
                    let o = |i| {
                        row.get::<_, Option<String>>(i)
                            .map(|v| v.map(|s| redact::text(&s)))
                    };
                    Ok(serde_json::json!({
                        "at_ms": row.get::<_, i64>(0)?,
                        "actor": redact::text(&row.get::<_, String>(1)?),
                        "action": row.get::<_, String>(2)?,
                        "subject": redact::text(&row.get::<_, String>(3)?),
                        "before": o(4)?,
                        "after": o(5)?,
                    }))
                })
                .map_err(|e| CounterError::Store(e.into()))?;
            rows.filter_map(|x| x.ok()).collect()
        };
        let jobs: Vec<serde_json::Value> = cardcat_printer::queue::list(store.conn(), 50)
            .map_err(|e| CounterError::Store(e.into()))?
            .into_iter()
            .map(|j| {
                serde_json::json!({
                    "id": j.id, "kind": j.kind, "title": r(&j.title), "state": j.state,
                    "attempts": j.attempts, "last_error": j.last_error.map(|e| r(&e)),
                    "created_at_ms": j.created_at_ms, "printed_at_ms": j.printed_at_ms,
                })
            })
            .collect();
        let sync = store.sync_state()?;
        let bundle = serde_json::json!({
            "cardcat_support_bundle": 1,
            "created_at_ms": now,
            "versions": {
                "app": app_version,
                "counter": env!("CARGO_PKG_VERSION"),
                "schema": store.schema_version().ok(),
                "os": std::env::consts::OS,
                "arch": std::env::consts::ARCH,
            },
            "settings": settings,
            "doctor": checks.iter().map(|c| serde_json::json!({
                "id": c.id, "ok": c.ok, "text": r(&c.text), "fix": c.fix.as_deref().map(r),
            })).collect::<Vec<_>>(),
            "catalog": {
                "version": sync.catalog_version,
                "last_sync_ms": sync.last_sync_ms,
                "last_error": sync.last_error.as_deref().map(r),
                "products": store.product_count().ok(),
            },
            "print_queue": jobs,
            "orders": orders,
            "audit": audit,
            "logs": logs.iter().rev().take(500).rev().map(|l| r(l)).collect::<Vec<_>>(),
        });
        Ok(bundle)
    }
}

/// Where a desktop session looks for autostart entries: `$XDG_CONFIG_HOME/autostart`, else
/// `~/.config/autostart`.
pub fn default_autostart_dir() -> PathBuf {
    std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .unwrap_or_else(|| PathBuf::from(".config"))
        .join("autostart")
}

/// What the kiosk's autostart entry runs: the watchdog the package installs.
pub const WATCHDOG: &str = "/usr/bin/cardcat-watchdog";

/// The XDG autostart entry that starts the counter full screen at login (through the
/// watchdog, which starts it again after a crash). `TryExec` makes the session skip the
/// entry once the package is removed (the store data, and this entry, are kept until a purge).
pub fn autostart_entry(exec: &str) -> String {
    let program = exec.split_whitespace().next().unwrap_or(exec);
    format!(
        "[Desktop Entry]\nType=Application\nName=卡盟猫收银台 CardCat\nComment=CardCat counter (kiosk)\nExec={exec}\nTryExec={program}\nTerminal=false\nX-GNOME-Autostart-enabled=true\n"
    )
}

impl Counter {
    /// Whether the app starts full screen (kiosk).
    pub fn kiosk(&self) -> bool {
        self.store()
            .ok()
            .and_then(|s| s.setting(cardcat_engine::K_KIOSK).ok().flatten())
            .as_deref()
            == Some("1")
    }

    /// Turns kiosk mode on or off (owner or installer): the setting, and the XDG autostart
    /// entry `cardcat.desktop` in `autostart_dir` running `exec` at login (removed when off).
    pub fn set_kiosk(
        &self,
        who: Option<&Session>,
        on: bool,
        autostart_dir: &Path,
        exec: &str,
    ) -> Result<Option<PathBuf>> {
        self.ensure_writable()?;
        let mut store = self.store()?;
        cardcat_engine::configure(
            &mut store,
            who,
            Action::ConfigurePrinter,
            &[(cardcat_engine::K_KIOSK, if on { "1" } else { "0" })],
        )?;
        let f = autostart_dir.join("cardcat.desktop");
        if on {
            std::fs::create_dir_all(autostart_dir)
                .map_err(|e| CounterError::file(autostart_dir, &e))?;
            std::fs::write(&f, autostart_entry(exec)).map_err(|e| CounterError::file(&f, &e))?;
            Ok(Some(f))
        } else {
            match std::fs::remove_file(&f) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(CounterError::file(&f, &e)),
            }
            Ok(None)
        }
    }
}
