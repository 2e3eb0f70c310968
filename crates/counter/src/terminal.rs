//! The terminal: where its database lives, which language it speaks, and pairing it
//! with the platform.

use std::path::{Path, PathBuf};

use cardcat_core::Lang;
use serde::Serialize;

/// Where this terminal keeps its store and which language it speaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalConfig {
    pub db: PathBuf,
    pub lang: Lang,
}

impl TerminalConfig {
    /// `db` and `lang` as given, else the defaults: `$XDG_DATA_HOME/cardcat/cardcat.sqlite`
    /// and [`detect_lang`].
    pub fn resolve(db: Option<PathBuf>, lang: Option<&str>) -> TerminalConfig {
        TerminalConfig {
            db: db.unwrap_or_else(default_db),
            lang: detect_lang(lang),
        }
    }
}

/// The store's default path: `$XDG_DATA_HOME/cardcat/cardcat.sqlite`
/// (`~/.local/share/cardcat/…` when unset).
pub fn default_db() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("cardcat").join("cardcat.sqlite")
}

/// zh-CN unless a language is given, or the system locale (`LANG`) is English.
pub fn detect_lang(explicit: Option<&str>) -> Lang {
    match explicit {
        Some(tag) => Lang::from_tag(tag),
        None => match std::env::var("LANG") {
            Ok(l) if l.to_ascii_lowercase().starts_with("en") => Lang::En,
            _ => Lang::ZhCn,
        },
    }
}

/// Makes sure the store's directory exists.
pub(crate) fn ensure_dir(db: &Path) -> std::io::Result<()> {
    match db.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir),
        _ => Ok(()),
    }
}

/// A terminal after pairing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Activation {
    pub terminal_id: String,
    pub store_id: String,
    pub store_name: String,
    /// Which OS keyring holds the secret (for the installer's screen).
    pub keyring: &'static str,
}

/// What the counter knows about itself (no secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TerminalInfo {
    pub activated: bool,
    pub terminal_id: Option<String>,
    pub store_id: Option<String>,
    pub store_name: Option<String>,
    pub platform_url: Option<String>,
    pub db: String,
    pub lang: Lang,
}

/// The keyring entry that remembers this database belonged to an activated terminal.
pub fn activation_marker(db: &Path) -> String {
    let full = match (db.parent(), db.file_name()) {
        (Some(dir), Some(name)) if !dir.as_os_str().is_empty() => std::fs::canonicalize(dir)
            .map(|d| d.join(name))
            .unwrap_or_else(|_| db.to_path_buf()),
        _ => db.to_path_buf(),
    };
    // FNV-1a: stable across toolchains and runs (the marker must be found again)
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in full.to_string_lossy().as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("cardcat-db-{h:016x}")
}

/// Moving the terminal to another store: a full copy of the database is kept next to it
/// (`<db>.store-<old>-<ms>.sqlite`), then the old store's books are cleared in one
/// transaction, with an audit row. Never silent: only on the owner's explicit choice.
pub(crate) fn archive_and_clear_books(
    store: &mut cardcat_store::Store,
    old: &str,
    new: &str,
    actor: &str,
) -> Result<PathBuf, crate::CounterError> {
    let safe: String = old
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut name = store.path().as_os_str().to_owned();
    name.push(format!(".store-{safe}-{}.sqlite", cardcat_store::now_ms()));
    let archive = PathBuf::from(name);
    let Some(archive_s) = archive.to_str().map(str::to_owned) else {
        return Err(crate::CounterError::file(
            &archive,
            &std::io::Error::new(std::io::ErrorKind::InvalidFilename, "path is not UTF-8"),
        ));
    };
    store
        .conn()
        .execute("VACUUM INTO ?1", [&archive_s])
        .map_err(|e| crate::CounterError::Store(e.into()))?;
    // the copy must be whole before anything is cleared
    cardcat_store::Store::open_existing(&archive)
        .and_then(|a| a.integrity_check())
        .map_err(crate::CounterError::Store)?;
    let tx = store
        .conn_mut()
        .transaction_with_behavior(cardcat_store::rusqlite_reexport::TransactionBehavior::Immediate)
        .map_err(|e| crate::CounterError::Store(e.into()))?;
    // checked again inside the clearing transaction: a sale made meanwhile is never wiped
    let (open, owed) = cardcat_engine::open_and_owed(&tx)?;
    if open + owed > 0 {
        return Err(crate::CounterError::RepairBlocked { open, owed });
    }
    tx.execute_batch(
        "DELETE FROM ledger; DELETE FROM order_events; DELETE FROM orders; DELETE FROM redemptions;
         DELETE FROM shifts; DELETE FROM print_jobs; DELETE FROM outbox;",
    )
    .map_err(|e| crate::CounterError::Store(e.into()))?;
    tx.execute(
        "INSERT INTO audit (at_ms, actor, action, subject, before, after) VALUES (?1, ?2, 'terminal.move_store', ?3, ?4, ?5)",
        cardcat_store::rusqlite_reexport::params![
            cardcat_store::now_ms(),
            actor,
            archive_s,
            old,
            new
        ],
    )
    .map_err(|e| crate::CounterError::Store(e.into()))?;
    tx.commit()
        .map_err(|e| crate::CounterError::Store(e.into()))?;
    Ok(archive)
}
