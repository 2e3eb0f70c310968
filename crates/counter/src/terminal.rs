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
