//! The doctor: every check a counter needs to take money, as data. Each check says what
//! it measured and, when it fails, what to do about it. The CLI prints them; the app's
//! diagnostics page shows them.

use std::time::{Duration, Instant};

use cardcat_client::PlatformClient;
use cardcat_client::secrets::SecretStore;
use cardcat_core::{Lang, Localized, t};
use cardcat_engine::clock;
use cardcat_store::Store;
use serde::Serialize;

use crate::printing;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckId {
    Database,
    Writable,
    Keyring,
    Catalog,
    Printer,
    Platform,
    Clock,
    Signature,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub id: CheckId,
    pub ok: bool,
    /// What was found, localised, with the measured value.
    pub text: String,
    /// What to do when it failed, localised.
    pub fix: Option<String>,
}

impl Check {
    fn pass(id: CheckId, text: String) -> Check {
        Check {
            id,
            ok: true,
            text,
            fix: None,
        }
    }

    fn fail(id: CheckId, text: String, fix: Option<String>) -> Check {
        Check {
            id,
            ok: false,
            text,
            fix,
        }
    }
}

/// "+1.2" / "-0.3": milliseconds as signed seconds with one decimal, without floats.
pub fn secs_1dp(ms: i64) -> String {
    let sign = if ms < 0 { '-' } else { '+' };
    let tenths = (ms.unsigned_abs() + 50) / 100;
    format!("{sign}{}.{}", tenths / 10, tenths % 10)
}

/// "3 s ago" / "never", localised.
pub fn ago(lang: Lang, ms: Option<i64>) -> String {
    match ms {
        None => t!(lang, "time.never"),
        Some(ms) => t!(
            lang,
            "time.seconds_ago",
            secs = (cardcat_store::now_ms() - ms).max(0) / 1000
        ),
    }
}

/// True when the database file takes a write (a read-only file or directory fails here,
/// before a sale would).
pub fn writable(store: &Store) -> Result<(), String> {
    let r = store
        .conn()
        .execute_batch("BEGIN IMMEDIATE; UPDATE sync_state SET id = id WHERE id = 1; ROLLBACK;")
        .map_err(|e| e.to_string());
    if r.is_err() {
        // leave no transaction open behind a failed write
        let _ = store.conn().execute_batch("ROLLBACK;");
    }
    r
}

/// Runs every local check (database, keyring, catalog) on `store`.
pub(crate) fn local_checks(store: &Store, secrets: &dyn SecretStore, lang: Lang) -> Vec<Check> {
    let mut out = Vec::new();
    let path = store.path().display().to_string();
    match store.integrity_check() {
        Ok(()) => {
            let v = store.schema_version().map(i64::from).unwrap_or(-1);
            out.push(Check::pass(
                CheckId::Database,
                t!(lang, "doctor.database_ok", path = path.clone(), schema = v),
            ))
        }
        Err(e) => out.push(Check::fail(
            CheckId::Database,
            e.message(lang),
            Some(t!(lang, "doctor.database_fix")),
        )),
    }
    match writable(store) {
        Ok(()) => out.push(Check::pass(
            CheckId::Writable,
            t!(lang, "doctor.writable_ok"),
        )),
        Err(e) => out.push(Check::fail(
            CheckId::Writable,
            t!(lang, "doctor.writable_fail", path = path, error = e),
            Some(t!(lang, "doctor.writable_fix")),
        )),
    }
    match secrets.probe() {
        Ok(()) => out.push(Check::pass(
            CheckId::Keyring,
            t!(lang, "doctor.keyring_ok", backend = secrets.backend()),
        )),
        Err(e) => out.push(Check::fail(
            CheckId::Keyring,
            e.message(lang),
            Some(t!(lang, "doctor.keyring_fix")),
        )),
    }
    match (store.sync_state(), store.product_count()) {
        (Ok(st), Ok(n)) => {
            let text = t!(
                lang,
                "doctor.catalog",
                n = n,
                last = ago(lang, st.last_sync_ms)
            );
            if st.catalog_version.is_some() {
                out.push(Check::pass(CheckId::Catalog, text))
            } else {
                out.push(Check::fail(
                    CheckId::Catalog,
                    text,
                    Some(t!(lang, "doctor.catalog_fix")),
                ))
            }
        }
        (Err(e), _) | (_, Err(e)) => out.push(Check::fail(CheckId::Catalog, e.message(lang), None)),
    }
    out
}

/// The receipt printer, when one is set (blocking: printer IO).
pub(crate) fn printer_check(store: &Store, lang: Lang) -> Option<Check> {
    let (target, p) = match printing::configured(store) {
        Ok(Some(c)) => c,
        Ok(None) => return None,
        Err(e) => return Some(Check::fail(CheckId::Printer, e.message(lang), None)),
    };
    let st = cardcat_printer::transport::query(&target, Duration::from_secs(2));
    let (ok, what) = match st {
        Ok(Some(s)) => (s.can_print(), s.describe(lang)),
        Ok(None) => (true, t!(lang, "printer.no_live_status")),
        Err(e) => (false, e.message(lang)),
    };
    let text = t!(
        lang,
        "doctor.printer",
        target = target.to_string(),
        profile = p.id,
        status = what
    );
    Some(if ok {
        Check::pass(CheckId::Printer, text)
    } else {
        Check::fail(CheckId::Printer, text, Some(t!(lang, "doctor.printer_fix")))
    })
}

/// Platform reachability, clock skew (the same rule a sale uses) and a signed request.
pub(crate) async fn platform_checks(
    client: &PlatformClient,
    catalog_version: Option<i64>,
    lang: Lang,
) -> Vec<Check> {
    let mut out = Vec::new();
    let t0 = Instant::now();
    match client.health().await {
        Ok(h) => out.push(Check::pass(
            CheckId::Platform,
            t!(
                lang,
                "doctor.platform_ok",
                url = client.base_url(),
                ms = u64::try_from(t0.elapsed().as_millis()).unwrap_or(u64::MAX),
                version = h.catalog_version
            ),
        )),
        Err(e) => {
            out.push(Check::fail(
                CheckId::Platform,
                e.message(lang),
                Some(t!(lang, "doctor.platform_fix")),
            ));
            return out;
        }
    }
    let before = cardcat_store::now_ms();
    match client.time().await {
        Ok(tm) => {
            let skew = clock::skew_ms(before, cardcat_store::now_ms(), tm.server_time_ms);
            let text = t!(
                lang,
                "doctor.clock",
                skew = secs_1dp(skew),
                allowed = clock::ALLOWED_SKEW_MS / 1000
            );
            if clock::check(skew).is_ok() {
                out.push(Check::pass(CheckId::Clock, text))
            } else {
                out.push(Check::fail(
                    CheckId::Clock,
                    text,
                    Some(t!(lang, "doctor.clock_fix")),
                ))
            }
        }
        Err(e) => out.push(Check::fail(CheckId::Clock, e.message(lang), None)),
    }
    // before pairing there is nothing to sign with: reachability and clock only
    let Some(catalog_version) = catalog_version else {
        return out;
    };
    match client.catalog_delta(catalog_version, None, 1).await {
        Ok(_) => out.push(Check::pass(
            CheckId::Signature,
            t!(lang, "doctor.signed_ok"),
        )),
        Err(e) => out.push(Check::fail(
            CheckId::Signature,
            e.message(lang),
            Some(t!(lang, "doctor.signed_fix")),
        )),
    }
    out
}
