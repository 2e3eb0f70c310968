//! Terminal settings that people change (printer, receipt), and who may change them.
//!
//! Invariant: a setting is changed only by a session whose role allows the action, or, on a
//! terminal that has no user at all yet (first install), by the installer's set-up. A failure
//! to read the user table is an error, never "first install" (no fail-open).

use cardcat_core::roles::Action;
use cardcat_store::Store;
use cardcat_store::rusqlite_reexport::params;

use crate::outbox::audit;
use crate::{EngineError, Result, Session};

pub const K_PRINTER_TARGET: &str = "printer_target";
pub const K_PRINTER_PROFILE: &str = "printer_profile";
pub const K_RECEIPT_FOOTER: &str = "receipt_footer";
pub const K_RECEIPT_LOGO: &str = "receipt_logo";
/// The logo bitmap (`cardcat_printer::logo::to_setting`).
pub const K_RECEIPT_LOGO_IMAGE: &str = "receipt_logo_image";
/// The terminal's language, as the installer chose it (`zh-CN`, `en`).
pub const K_LANGUAGE: &str = "language";
/// Start the app full screen at login ("1") or not.
pub const K_KIOSK: &str = "kiosk";
/// The release channel the app's updater follows (`stable`, `beta`).
pub const K_UPDATE_CHANNEL: &str = "update_channel";
/// The keys [`configure`] accepts for [`Action::ConfigurePrinter`] (the installer's settings;
/// the store's display name overrides the platform's).
pub const PRINTER_KEYS: [&str; 8] = [
    crate::K_STORE_NAME,
    K_KIOSK,
    K_LANGUAGE,
    K_PRINTER_TARGET,
    K_PRINTER_PROFILE,
    K_RECEIPT_FOOTER,
    K_RECEIPT_LOGO,
    K_RECEIPT_LOGO_IMAGE,
];

/// Who is acting: a logged-in session, or the set-up of a terminal with no users yet.
pub fn actor_for(store: &Store, who: Option<&Session>, action: Action) -> Result<String> {
    let users: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM users", [], |r| r.get(0))?;
    match who {
        Some(s) => {
            s.require(action)?;
            Ok(s.user_id.clone())
        }
        None if users == 0 => Ok("setup".into()),
        None => Err(EngineError::LoginRequired),
    }
}

/// Writes settings in one transaction, audited, after the role check.
pub fn configure(
    store: &mut Store,
    who: Option<&Session>,
    action: Action,
    kv: &[(&str, &str)],
) -> Result<()> {
    let allowed: &[&str] = match action {
        Action::ConfigurePrinter => &PRINTER_KEYS,
        Action::ConfigureCounter => &[crate::delivery::K_INTENT_WINDOW_SECS],
        Action::Update => &[K_UPDATE_CHANNEL],
        _ => &[],
    };
    if let Some((k, _)) = kv.iter().find(|(k, _)| !allowed.contains(k)) {
        return Err(EngineError::Invalid(format!("setting {k}")));
    }
    let actor = actor_for(store, who, action)?;
    let tx = store.conn_mut().transaction_with_behavior(
        cardcat_store::rusqlite_reexport::TransactionBehavior::Immediate,
    )?;
    for (k, v) in kv {
        let before: Option<String> = tx
            .query_row("SELECT value FROM settings WHERE key = ?1", [k], |r| {
                r.get(0)
            })
            .ok();
        tx.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![k, v],
        )?;
        audit(
            &tx,
            &actor,
            "settings.change",
            k,
            before.as_deref(),
            Some(v),
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// Records an action on the store itself (a restore) in the audit log.
pub fn configure_audit(store: &Store, actor: &str, action: &str, subject: &str) -> Result<()> {
    audit(store.conn(), actor, action, subject, None, None)
}
