//! When the counter cannot open at start (its database lost, a newer schema, a locked
//! keyring), the window still opens and says why, instead of the app vanishing and the
//! kiosk's watchdog starting it again and again. A lost database can be brought back here
//! from this terminal's own backups: nobody can log in to a store that is gone, so the
//! keyring, which remembers this terminal, decides (as the CLI's `backup restore` does).
//!
//! Invariant: the recovery commands act only while the counter is not open; once it is,
//! `recovery_info` answers `null` and `recovery_restore` refuses.

use std::sync::{Arc, Mutex};

use cardcat_client::SecretStore;
use cardcat_core::Localized;
use cardcat_counter::{Counter, CounterError, TerminalConfig};
use tauri::{AppHandle, Manager, Runtime};

use crate::AppState;
use crate::ipc::{IpcError, RecoveryView};

type Res<T> = Result<T, IpcError>;

/// Why the counter did not open, and what it needs to open after a restore.
pub struct Recovery {
    pub cfg: TerminalConfig,
    pub secrets: Arc<dyn SecretStore>,
    pub message: String,
    /// Held while a restore runs (one at a time).
    busy: Mutex<()>,
}

impl Recovery {
    pub fn new(cfg: TerminalConfig, secrets: Arc<dyn SecretStore>, message: String) -> Recovery {
        Recovery {
            cfg,
            secrets,
            message,
            busy: Mutex::new(()),
        }
    }
}

/// `null` while the counter is open; otherwise why it is not, and this terminal's backups
/// when its database is lost (each inspected: off the main thread).
#[tauri::command]
pub async fn recovery_info<R: Runtime>(app: AppHandle<R>) -> Res<Option<RecoveryView>> {
    tauri::async_runtime::spawn_blocking(move || info(&app))
        .await
        .map_err(|e| task_failed(&e))
}

fn info<R: Runtime>(app: &AppHandle<R>) -> Option<RecoveryView> {
    if app.try_state::<AppState>().is_some() {
        return None;
    }
    let r = app.try_state::<Recovery>()?;
    let lost = Counter::store_lost(&r.cfg, &*r.secrets);
    let backups = Counter::lost_store_backups(&r.cfg, &*r.secrets);
    Some(RecoveryView {
        lang: r.cfg.lang.tag().to_string(),
        message: r.message.clone(),
        lost,
        backups: crate::owner::backup_views(&backups),
    })
}

/// Brings the lost database back from one of this terminal's backups (by its name in the
/// backup folder), then opens the counter; the webview then starts over as at a start. When
/// the database is back already (an earlier call restored it but the counter did not open),
/// only the opening is tried again.
#[tauri::command]
pub async fn recovery_restore<R: Runtime>(app: AppHandle<R>, name: String) -> Res<()> {
    tauri::async_runtime::spawn_blocking(move || restore(&app, &name))
        .await
        .map_err(|e| task_failed(&e))?
}

fn task_failed(e: &dyn std::fmt::Display) -> IpcError {
    tracing::error!(error = %e, "recovery task");
    IpcError::from_counter(
        &CounterError::Task(e.to_string()),
        cardcat_counter::terminal::detect_lang(None),
    )
}

fn restore<R: Runtime>(app: &AppHandle<R>, name: &str) -> Res<()> {
    let Some(r) = app.try_state::<Recovery>() else {
        return Err(IpcError::from_counter(
            &CounterError::StoreNotLost,
            cardcat_counter::terminal::detect_lang(None),
        ));
    };
    let lang = r.cfg.lang;
    let _one = r.busy.lock().unwrap_or_else(|p| p.into_inner());
    if app.try_state::<AppState>().is_some() {
        return Err(IpcError::from_counter(&CounterError::StoreNotLost, lang));
    }
    if Counter::store_lost(&r.cfg, &*r.secrets) {
        Counter::restore_lost_named(&r.cfg, &*r.secrets, name)
            .map_err(|e| IpcError::from_counter(&e, lang))?;
    }
    let counter = Counter::open(r.cfg.clone(), r.secrets.clone()).map_err(|e| {
        tracing::error!(error = %e.code(), "opening the counter after a restore");
        IpcError::from_counter(&e, lang)
    })?;
    // the daily update check starts with the next start of the app
    crate::serve(
        app,
        AppState::new(counter, false),
        Some(Counter::update_base_url()),
    );
    Ok(())
}
