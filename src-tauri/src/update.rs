//! App updates through the Tauri updater plugin, from the owner's update page.
//!
//! - The server is asked at the owner's request only, on the channel the owner chose
//!   (`cardcat_core::update::endpoint`); the demo never asks anyone.
//! - An update is downloaded first and its minisign signature checked against the public
//!   key in `tauri.conf.json` (which also requires the signature to name the version it
//!   was made for), while the counter goes on selling.
//! - It installs only while the counter's update gate is held
//!   (`cardcat_counter::Counter::begin_update`): no order without a final result, no sale
//!   being placed, no shift being closed. A blocked install keeps the download for later.
//!
//! Invariant: `Update::install` is called only while an `UpdateHold` is alive.

use cardcat_core::Lang;
use cardcat_core::update::Channel;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_updater::UpdaterExt;

use crate::AppState;
use crate::ipc::*;

type Res<T> = Result<T, IpcError>;

/// What the update page remembers between calls.
#[derive(Default)]
pub struct Updates {
    /// The update server's base address; `None` in the demo, which never asks anyone.
    base: std::sync::Mutex<Option<String>>,
    /// The latest check's answer, and its download once verified.
    pending: tokio::sync::Mutex<Pending>,
}

#[derive(Default)]
struct Pending {
    checked: bool,
    update: Option<tauri_plugin_updater::Update>,
    bytes: Option<Vec<u8>>,
}

impl Updates {
    pub fn new(base: Option<String>) -> Updates {
        Updates {
            base: std::sync::Mutex::new(base),
            ..Default::default()
        }
    }

    /// Points the updater at another server (tests: a loopback one).
    pub fn set_base(&self, base: Option<String>) {
        *self.base.lock().unwrap_or_else(|p| p.into_inner()) = base;
    }

    fn base(&self) -> Option<String> {
        self.base.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The version the last check found, if it is newer than this one (for the dashboard).
    pub async fn available(&self) -> Option<String> {
        self.pending
            .lock()
            .await
            .update
            .as_ref()
            .map(|u| u.version.clone())
    }
}

/// How long a check may take, and a download (a package over a slow shop line).
const CHECK_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(20);
const DOWNLOAD_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// The update server's answer for `channel`; the returned update downloads within `limit`.
async fn ask<R: Runtime>(
    app: &AppHandle<R>,
    base: &str,
    channel: Channel,
    limit: std::time::Duration,
) -> Result<Option<tauri_plugin_updater::Update>, tauri_plugin_updater::Error> {
    let url = url::Url::parse(&cardcat_core::update::endpoint(base, channel))?;
    app.updater_builder()
        .endpoints(vec![url])?
        .timeout(limit)
        .build()?
        .check()
        .await
}

/// Asks the update server of `channel` for a newer version and remembers the answer.
/// `Ok(false)` when no server is configured (the demo).
async fn check_now<R: Runtime>(
    app: &AppHandle<R>,
    up: &Updates,
    channel: Channel,
) -> Result<bool, tauri_plugin_updater::Error> {
    let Some(base) = up.base() else {
        return Ok(false);
    };
    let found = ask(app, &base, channel, CHECK_TIME_LIMIT).await?;
    let mut p = up.pending.lock().await;
    // a download already verified for the same version is kept
    let same = matches!((&p.update, &found), (Some(a), Some(b)) if a.version == b.version);
    let bytes = if same { p.bytes.take() } else { None };
    *p = Pending {
        checked: true,
        update: found,
        bytes,
    };
    Ok(true)
}

/// The terminal looks for an update once a day in the background (the owner installs it
/// from the update page; nothing installs by itself). Bounded: about a year of days.
pub fn check_daily<R: Runtime>(app: AppHandle<R>, counter: cardcat_counter::Counter) {
    tauri::async_runtime::spawn(async move {
        use tauri::Manager;
        tokio::time::sleep(std::time::Duration::from_secs(300)).await;
        for _ in 0..400 {
            let up = app.state::<Updates>();
            if let Err(e) = check_now(&app, &up, counter.update_channel()).await {
                tracing::warn!(error = %e, "daily update check");
            }
            tokio::time::sleep(std::time::Duration::from_secs(24 * 3600)).await;
        }
    });
}

fn fail(lang: Lang, code: &str) -> IpcError {
    IpcError::Failed {
        code: code.to_string(),
        message: cardcat_core::i18n::tr(lang, code, &[]),
    }
}

/// The updater's errors in words for the counter (detail goes to the log only).
fn updater_err(
    lang: Lang,
    stage: &'static str,
) -> impl Fn(tauri_plugin_updater::Error) -> IpcError {
    use tauri_plugin_updater::Error as E;
    move |e| {
        tracing::warn!(error = %e, stage, "update");
        let code = match e {
            E::Minisign(_)
            | E::Base64(_)
            | E::SignatureUtf8(_)
            | E::SignedVersionMismatch { .. }
            | E::MissingSignedVersion => "update.bad_signature",
            _ => stage,
        };
        fail(lang, code)
    }
}

async fn view(
    st: &AppState,
    up: &Updates,
    app_version: String,
    who: &cardcat_counter::Session,
) -> Res<UpdateView> {
    let lang = st.lang();
    let status = st.counter.update_status(who).map_err(st.err())?;
    let p = up.pending.lock().await;
    let blocker = (!status.blockers.clear()).then(|| {
        cardcat_core::Localized::message(
            &cardcat_counter::CounterError::UpdateBlocked(status.blockers),
            lang,
        )
    });
    Ok(UpdateView {
        current_version: app_version,
        channel: status.channel.as_str().to_string(),
        channels: Channel::ALL
            .iter()
            .map(|c| ChannelOption {
                id: c.as_str().to_string(),
                label: cardcat_core::i18n::tr_static(lang, c.label_key()).to_string(),
            })
            .collect(),
        available: p.update.as_ref().map(|u| AvailableUpdate {
            version: u.version.clone(),
            notes: u.body.clone(),
            date: u.date.map(|d| d.to_string()),
            downloaded: p.bytes.is_some(),
        }),
        checked: p.checked,
        may_install: status.blockers.clear() && p.update.is_some(),
        blocker,
    })
}

fn version<R: Runtime>(app: &AppHandle<R>) -> String {
    app.package_info().version.to_string()
}

/// The owner's update page: version, channel, the last check, whether one may install now.
#[tauri::command]
pub async fn update_status<R: Runtime>(
    app: AppHandle<R>,
    st: State<'_, AppState>,
    up: State<'_, Updates>,
    token: String,
) -> Res<UpdateView> {
    let who = st.who(&token)?;
    view(&st, &up, version(&app), &who).await
}

/// Follows another channel (the next check asks that channel).
#[tauri::command]
pub async fn update_set_channel<R: Runtime>(
    app: AppHandle<R>,
    st: State<'_, AppState>,
    up: State<'_, Updates>,
    token: String,
    channel: String,
) -> Res<UpdateView> {
    let who = st.who(&token)?;
    st.counter
        .set_update_channel(&who, &channel)
        .map_err(st.err())?;
    *up.pending.lock().await = Pending::default();
    view(&st, &up, version(&app), &who).await
}

/// Asks the update server of this channel whether a newer version exists.
#[tauri::command]
pub async fn update_check<R: Runtime>(
    app: AppHandle<R>,
    st: State<'_, AppState>,
    up: State<'_, Updates>,
    token: String,
) -> Res<UpdateView> {
    let who = st.who(&token)?;
    let lang = st.lang();
    let status = st.counter.update_status(&who).map_err(st.err())?;
    let asked = check_now(&app, &up, status.channel)
        .await
        .map_err(updater_err(lang, "update.check_failed"))?;
    if !asked {
        return Err(fail(lang, "update.demo"));
    }
    view(&st, &up, version(&app), &who).await
}

/// Downloads the update (its signature checked), then installs it and restarts, but only
/// while no order is open and no shift is being closed; otherwise says why and keeps the
/// download for the next try.
#[tauri::command]
pub async fn update_install<R: Runtime>(
    app: AppHandle<R>,
    st: State<'_, AppState>,
    up: State<'_, Updates>,
    token: String,
) -> Res<UpdateView> {
    let who = st.who(&token)?;
    let lang = st.lang();
    // the role first: a cashier learns nothing about pending updates
    let status = st.counter.update_status(&who).map_err(st.err())?;
    // what the last check found (the state is not held while downloading: the owner's other
    // pages read it meanwhile)
    let (update, bytes) = {
        let p = up.pending.lock().await;
        (p.update.clone(), p.bytes.clone())
    };
    let Some(update) = update else {
        return Err(fail(lang, "update.none_pending"));
    };
    let bytes = match bytes {
        Some(b) => b,
        None => {
            // asked again with a download-sized time limit (a check's 20 s would cut a
            // package short on a slow line); the signature is checked as it arrives
            let base = up.base().ok_or_else(|| fail(lang, "update.demo"))?;
            let fresh = ask(&app, &base, status.channel, DOWNLOAD_TIME_LIMIT)
                .await
                .map_err(updater_err(lang, "update.check_failed"))?
                .filter(|u| u.version == update.version)
                .unwrap_or(update.clone());
            let b = fresh
                .download(|_, _| {}, || {})
                .await
                .map_err(updater_err(lang, "update.check_failed"))?;
            let mut p = up.pending.lock().await;
            if p.update
                .as_ref()
                .is_some_and(|u| u.version == update.version)
            {
                p.bytes = Some(b.clone());
            }
            b
        }
    };
    let hold = st.counter.begin_update(&who).map_err(st.err())?;
    // the installer may wait on a password dialog (pkexec): off the async workers
    let installing = update.clone();
    let done = tauri::async_runtime::spawn_blocking(move || installing.install(&bytes))
        .await
        .map_err(|_| fail(lang, "update.install_failed"))?;
    match done {
        Ok(()) => {
            tracing::info!(version = %update.version, "update installed; restarting");
            // the hold lives until the process is replaced
            let _hold = hold;
            restart(&app)
        }
        Err(e) => {
            drop(hold);
            // a package that cannot be installed is not kept
            up.pending.lock().await.bytes = None;
            Err(updater_err(lang, "update.install_failed")(e))
        }
    }
}

/// Starts the new version: under the kiosk's watchdog (`CARDCAT_WATCHDOG` set), exits with
/// `RESTART_AFTER_UPDATE` so the watchdog starts it and keeps watching it; otherwise the app
/// starts itself again.
fn restart<R: Runtime>(app: &AppHandle<R>) -> ! {
    if std::env::var_os("CARDCAT_WATCHDOG").is_some() {
        app.cleanup_before_exit();
        std::process::exit(cardcat_core::update::RESTART_AFTER_UPDATE);
    }
    app.restart()
}
