//! Where the terminal secret lives: the OS keyring, never SQLite, logs or the webview.
//!
//! Backends (chosen by `CARDCAT_KEYRING`):
//! - `secret-service` (default on Linux): GNOME Keyring / KWallet over D-Bus. Persists.
//! - `keyutils`: the kernel key store. Headless fallback for CI; lives only as long as
//!   the session keyring (run inside `keyctl session`), so not for a real terminal.
//! - `memory`: process memory only, for the in-process demo and tests; nothing persists.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use cardcat_core::i18n::{Arg, Args};
use cardcat_core::{Lang, Localized};

pub const SERVICE: &str = "cardcat-pos";

#[derive(Debug, Clone, thiserror::Error)]
pub enum SecretError {
    #[error("OS keyring unavailable: {0}")]
    Unavailable(String),
    #[error("keyring error: {0}")]
    Other(String),
}

impl Localized for SecretError {
    fn code(&self) -> &'static str {
        match self {
            SecretError::Unavailable(_) => "keyring.unavailable",
            SecretError::Other(_) => "keyring.error",
        }
    }
    fn args(&self, _lang: Lang) -> Args {
        match self {
            SecretError::Unavailable(d) | SecretError::Other(d) => vec![("detail", Arg::from(d))],
        }
    }
}

pub trait SecretStore: Send + Sync {
    fn backend(&self) -> &'static str;
    fn get(&self, account: &str) -> Result<Option<String>, SecretError>;
    fn set(&self, account: &str, secret: &str) -> Result<(), SecretError>;
    fn delete(&self, account: &str) -> Result<(), SecretError>;

    /// Writes, reads back and deletes a probe entry.
    fn probe(&self) -> Result<(), SecretError> {
        let acct = format!("probe-{}", uuid::Uuid::new_v4().simple());
        self.set(&acct, "probe")?;
        let back = self.get(&acct)?;
        self.delete(&acct)?;
        if back.as_deref() == Some("probe") {
            Ok(())
        } else {
            Err(SecretError::Unavailable("read-back mismatch".into()))
        }
    }
}

pub struct KeyringStore {
    backend: &'static str,
}

fn map_kr(e: keyring::Error) -> SecretError {
    match e {
        keyring::Error::PlatformFailure(x) => SecretError::Unavailable(x.to_string()),
        keyring::Error::NoStorageAccess(x) => SecretError::Unavailable(x.to_string()),
        other => SecretError::Other(other.to_string()),
    }
}

impl KeyringStore {
    /// `keyutils = true` switches the process-wide keyring backend to the kernel store.
    pub fn new(keyutils: bool) -> KeyringStore {
        static INIT: OnceLock<()> = OnceLock::new();
        if keyutils {
            INIT.get_or_init(|| {
                keyring::set_default_credential_builder(
                    keyring::keyutils::default_credential_builder(),
                )
            });
            KeyringStore {
                backend: "keyutils",
            }
        } else {
            KeyringStore {
                backend: "secret-service",
            }
        }
    }

    fn entry(&self, account: &str) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(SERVICE, account).map_err(map_kr)
    }
}

impl SecretStore for KeyringStore {
    fn backend(&self) -> &'static str {
        self.backend
    }
    fn get(&self, account: &str) -> Result<Option<String>, SecretError> {
        match self.entry(account)?.get_password() {
            Ok(s) => Ok(Some(s)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_kr(e)),
        }
    }
    fn set(&self, account: &str, secret: &str) -> Result<(), SecretError> {
        self.entry(account)?.set_password(secret).map_err(map_kr)
    }
    fn delete(&self, account: &str) -> Result<(), SecretError> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_kr(e)),
        }
    }
}

/// Process memory only (demo mode and tests).
#[derive(Default)]
pub struct MemoryStore(Mutex<HashMap<String, String>>);

impl SecretStore for MemoryStore {
    fn backend(&self) -> &'static str {
        "memory"
    }
    fn get(&self, account: &str) -> Result<Option<String>, SecretError> {
        Ok(self
            .0
            .lock()
            .map_err(|_| SecretError::Other("poisoned".into()))?
            .get(account)
            .cloned())
    }
    fn set(&self, account: &str, secret: &str) -> Result<(), SecretError> {
        self.0
            .lock()
            .map_err(|_| SecretError::Other("poisoned".into()))?
            .insert(account.into(), secret.into());
        Ok(())
    }
    fn delete(&self, account: &str) -> Result<(), SecretError> {
        self.0
            .lock()
            .map_err(|_| SecretError::Other("poisoned".into()))?
            .remove(account);
        Ok(())
    }
}

/// The store selected by `CARDCAT_KEYRING` (`secret-service` | `keyutils` | `memory`).
pub fn from_env() -> Box<dyn SecretStore> {
    match std::env::var("CARDCAT_KEYRING").as_deref() {
        Ok("keyutils") => Box::new(KeyringStore::new(true)),
        Ok("memory") => Box::new(MemoryStore::default()),
        _ => Box::new(KeyringStore::new(false)),
    }
}
