//! The owner's back office, the installer's set-up wizard and the diagnostics page: one
//! adapter of a few lines per command, like `commands.rs`. The counter and the engine
//! check every role; set-up commands take an optional token because a new terminal has
//! nobody to log in yet (the engine allows that only while there is no user at all).

use cardcat_core::Lang;
use cardcat_core::report::DayRange;
use cardcat_counter::{Counter, Session};
use cardcat_engine::AuditFilter;
use tauri::State;

use crate::AppState;
use crate::ipc::*;

type Res<T> = Result<T, IpcError>;

impl AppState {
    /// The caller of a set-up command: a session when a token is given, else nobody.
    fn maybe_who(&self, token: Option<&str>) -> Res<Option<Session>> {
        token
            .filter(|t| !t.is_empty())
            .map(|t| self.who(t))
            .transpose()
    }
    fn range(&self, from: Option<&str>, to: Option<&str>) -> Res<DayRange> {
        Counter::day_range(from, to).map_err(self.err())
    }
}

#[tauri::command]
pub async fn owner_dashboard(
    st: State<'_, AppState>,
    up: State<'_, crate::update::Updates>,
    token: String,
) -> Res<DashboardView> {
    let who = st.who(&token)?;
    let d = st.counter.dashboard(&who).map_err(st.err())?;
    Ok(DashboardView {
        update_available: up.available().await,
        ..DashboardView::from(&d)
    })
}

#[tauri::command]
pub async fn owner_analytics(
    st: State<'_, AppState>,
    token: String,
    from: Option<String>,
    to: Option<String>,
) -> Res<AnalyticsView> {
    let who = st.who(&token)?;
    let range = st.range(from.as_deref(), to.as_deref())?;
    let a = st.counter.analytics(&who, &range).map_err(st.err())?;
    Ok(AnalyticsView::from(&a))
}

/// Writes the commission CSV (UTF-8 with BOM) to the owner's export folder.
#[tauri::command]
pub async fn owner_export_csv(
    st: State<'_, AppState>,
    token: String,
    from: Option<String>,
    to: Option<String>,
) -> Res<SavedFile> {
    let who = st.who(&token)?;
    let range = st.range(from.as_deref(), to.as_deref())?;
    let f = st
        .counter
        .export_csv_file(&who, &range, &st.files_dir)
        .map_err(st.err())?;
    Ok(saved(&f))
}

fn saved(f: &std::path::Path) -> SavedFile {
    SavedFile {
        path: f.display().to_string(),
        bytes: std::fs::metadata(f)
            .map(|m| u32::try_from(m.len()).unwrap_or(u32::MAX))
            .unwrap_or(0),
    }
}

#[tauri::command]
pub async fn owner_reconcile(
    st: State<'_, AppState>,
    token: String,
    day: Option<String>,
) -> Res<ReconcileView> {
    let who = st.who(&token)?;
    let range = st.range(day.as_deref(), day.as_deref())?;
    let r = st
        .counter
        .reconcile(&who, &range.from)
        .await
        .map_err(st.err())?;
    Ok(reconcile_view(range.from.as_str(), &r, st.lang()))
}

fn reconcile_view(day: &str, r: &cardcat_core::reconcile::Report, lang: Lang) -> ReconcileView {
    use cardcat_core::reconcile::Diff;
    let side = |l: &cardcat_core::reconcile::Line| SideView {
        amount: l.amount.to_string(),
        commission: l.commission.to_string(),
    };
    let label = |k: &str| cardcat_core::i18n::tr(lang, k, &[]);
    ReconcileView {
        day: day.to_string(),
        matched: u32::try_from(r.matched).unwrap_or(u32::MAX),
        open: r.open.clone(),
        diffs: r
            .diffs
            .iter()
            .map(|d| match d {
                Diff::AmountMismatch {
                    client_key,
                    local,
                    platform,
                } => DiffView {
                    key: client_key.clone(),
                    status: "mismatch".into(),
                    status_label: label("owner.diff_mismatch"),
                    product: None,
                    local: Some(side(local)),
                    platform: Some(side(platform)),
                },
                Diff::MissingOnPlatform { client_key, local } => DiffView {
                    key: client_key.clone(),
                    status: "missing_on_platform".into(),
                    status_label: label("owner.diff_missing_on_platform"),
                    product: None,
                    local: Some(side(local)),
                    platform: None,
                },
                Diff::MissingLocally {
                    client_key,
                    platform,
                } => DiffView {
                    key: client_key.clone(),
                    status: "missing_locally".into(),
                    status_label: label("owner.diff_missing_locally"),
                    product: None,
                    local: None,
                    platform: Some(side(platform)),
                },
            })
            .collect(),
        local_amount: r.local_amount.to_string(),
        local_commission: r.local_commission.to_string(),
        platform_amount: r.platform_amount.to_string(),
        platform_commission: r.platform_commission.to_string(),
    }
}

#[tauri::command]
pub async fn owner_shifts(
    st: State<'_, AppState>,
    token: String,
    from: Option<String>,
    to: Option<String>,
) -> Res<Vec<ShiftView>> {
    let who = st.who(&token)?;
    let range = st.range(from.as_deref(), to.as_deref())?;
    let shifts = st.counter.shift_history(&who, &range).map_err(st.err())?;
    Ok(shifts
        .iter()
        .map(|s| crate::commands::shift_view(&st, s, None, None))
        .collect())
}

#[tauri::command]
pub async fn owner_users(st: State<'_, AppState>, token: String) -> Res<Vec<UserView>> {
    let who = st.who(&token)?;
    let users = st.counter.users(&who).map_err(st.err())?;
    Ok(users.iter().map(|u| UserView::from(u, st.lang())).collect())
}

#[tauri::command]
pub async fn owner_user_add(
    st: State<'_, AppState>,
    token: String,
    id: String,
    name: String,
    role: String,
    pin: String,
) -> Res<UserView> {
    let who = st.who(&token)?;
    let u = st
        .counter
        .add_user(Some(&who), &id, &name, &role, &pin)
        .map_err(st.err())?;
    Ok(UserView::from(&u, st.lang()))
}

/// Disables or enables a user, resets a PIN, or lifts a lockout (`action`: `disable`,
/// `enable`, `reset_pin`, `unlock`).
#[tauri::command]
pub async fn owner_user_change(
    st: State<'_, AppState>,
    token: String,
    id: String,
    action: String,
    pin: Option<String>,
) -> Res<Vec<UserView>> {
    let who = st.who(&token)?;
    let c = &st.counter;
    match action.as_str() {
        "disable" => c.set_user_active(&who, &id, false),
        "enable" => c.set_user_active(&who, &id, true),
        "reset_pin" => c.reset_pin(&who, &id, pin.as_deref().unwrap_or("")),
        "unlock" => c.unlock_user(&who, &id),
        other => Err(cardcat_counter::InputError::Role(other.chars().take(20).collect()).into()),
    }
    .map_err(st.err())?;
    let users = c.users(&who).map_err(st.err())?;
    Ok(users.iter().map(|u| UserView::from(u, st.lang())).collect())
}

#[tauri::command]
pub async fn owner_orders(st: State<'_, AppState>, token: String) -> Res<Vec<OrderView>> {
    let who = st.who(&token)?;
    let orders = st.counter.recent_orders(&who, 50).map_err(st.err())?;
    Ok(orders
        .iter()
        .map(|o| OrderView::from(o, st.lang()))
        .collect())
}

/// Shows a PIN card's codes again in full (owner only; audited by the engine).
#[tauri::command]
pub async fn owner_reveal(st: State<'_, AppState>, token: String, key: String) -> Res<OrderView> {
    let who = st.who(&token)?;
    let o = st.counter.show(&who, &key, true).map_err(st.err())?;
    Ok(OrderView::from(&o, st.lang()))
}

#[tauri::command]
pub async fn owner_audit(
    st: State<'_, AppState>,
    token: String,
    actor: Option<String>,
    action: Option<String>,
    text: Option<String>,
    from: Option<String>,
    to: Option<String>,
) -> Res<Vec<AuditView>> {
    let who = st.who(&token)?;
    let day = |d: Option<String>| -> Res<Option<cardcat_core::report::Day>> {
        d.filter(|d| !d.trim().is_empty())
            .map(|d| {
                d.parse()
                    .map_err(|e: cardcat_core::report::ReportParamError| {
                        IpcError::from_counter(&e.into(), st.lang())
                    })
            })
            .transpose()
    };
    let f = AuditFilter {
        actor: actor.unwrap_or_default(),
        action: action.unwrap_or_default(),
        text: text.unwrap_or_default(),
        from: day(from)?,
        to: day(to)?,
    };
    let rows = st.counter.audit_log(&who, &f, 300).map_err(st.err())?;
    Ok(rows
        .into_iter()
        .map(|a| AuditView {
            at_ms: a.at_ms,
            actor: a.actor,
            label: cardcat_core::i18n::audit_action_label(st.lang(), &a.action),
            action: a.action,
            subject: a.subject,
            before: a.before,
            after: a.after,
        })
        .collect())
}

// ---------------------------------------------------------------- receipt settings

async fn receipt_view(
    st: &AppState,
    footer: Option<String>,
    logo: Option<bool>,
) -> Res<ReceiptSettingsView> {
    let saved = st.counter.printer_settings().map_err(st.err())?;
    let footer = footer.or(saved.footer).unwrap_or_default();
    let logo = logo.unwrap_or(saved.logo);
    let previews = st
        .counter
        .receipt_previews(&footer, logo)
        .await
        .map_err(st.err())?;
    Ok(ReceiptSettingsView {
        footer,
        logo,
        has_image: st.counter.has_logo_image().map_err(st.err())?,
        previews: previews
            .iter()
            .map(|p| WidthPreviewView {
                width_mm: p.width_mm,
                preview: ReceiptPreview::from(&p.preview),
            })
            .collect(),
    })
}

/// The saved receipt settings, or unsaved ones (`footer`, `logo`) previewed at 58 and 80 mm.
#[tauri::command]
pub async fn receipt_settings(
    st: State<'_, AppState>,
    token: String,
    footer: Option<String>,
    logo: Option<bool>,
) -> Res<ReceiptSettingsView> {
    let who = st.who(&token)?;
    st.counter.setup_allowed(Some(&who)).map_err(st.err())?;
    receipt_view(&st, footer, logo).await
}

#[tauri::command]
pub async fn receipt_save(
    st: State<'_, AppState>,
    token: String,
    footer: String,
    logo: bool,
) -> Res<ReceiptSettingsView> {
    let who = st.who(&token)?;
    st.counter
        .set_receipt(Some(&who), &footer, logo)
        .map_err(st.err())?;
    receipt_view(&st, None, None).await
}

/// A logo image file, sent as raw bytes with the session token in the `x-token` header.
#[tauri::command]
pub async fn receipt_logo(
    st: State<'_, AppState>,
    request: tauri::ipc::Request<'_>,
) -> Res<ReceiptSettingsView> {
    let token = request
        .headers()
        .get("x-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let who = st.who(token)?;
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(IpcError::from_counter(
            &cardcat_printer::logo::LogoError::Unreadable("not raw bytes".into()).into(),
            st.lang(),
        ));
    };
    st.counter
        .set_logo_image(Some(&who), bytes)
        .map_err(st.err())?;
    receipt_view(&st, None, None).await
}

// ---------------------------------------------------------------- set-up wizard

#[tauri::command]
pub async fn setup_state(st: State<'_, AppState>, token: Option<String>) -> Res<SetupView> {
    let who = st.maybe_who(token.as_deref())?;
    st.counter.setup_allowed(who.as_ref()).map_err(st.err())?;
    let s = st.counter.setup_state().map_err(st.err())?;
    Ok(SetupView {
        lang: st.lang().tag().to_string(),
        activated: s.activated,
        store_name: s.store_name,
        platform_url: s.platform_url,
        has_users: s.has_users,
        printer_target: s.printer_target,
        printer_profile: s.printer_profile,
        sweep_subnet: st.sweep.0.clone(),
        sweep_port: st.sweep.1,
        keyring: CheckView::from(&st.counter.keyring_check()),
        profiles: Counter::profiles()
            .into_iter()
            .map(|p| ProfileView {
                id: p.id.to_string(),
                name: p.name.to_string(),
                width_mm: p.width_mm,
            })
            .collect(),
    })
}

/// Whether this terminal still needs its set-up (no user yet): the app opens the wizard.
#[tauri::command]
pub fn setup_needed(st: State<'_, AppState>) -> Res<bool> {
    let s = st.counter.setup_state().map_err(st.err())?;
    Ok(!s.has_users)
}

#[tauri::command]
pub async fn setup_language(
    st: State<'_, AppState>,
    token: Option<String>,
    lang: String,
) -> Res<String> {
    let who = st.maybe_who(token.as_deref())?;
    st.counter
        .set_lang(who.as_ref(), Lang::from_tag(&lang))
        .map_err(st.err())?;
    Ok(st.lang().tag().to_string())
}

#[tauri::command]
pub async fn setup_check_platform(
    st: State<'_, AppState>,
    token: Option<String>,
    url: String,
) -> Res<Vec<CheckView>> {
    let who = st.maybe_who(token.as_deref())?;
    let checks = st
        .counter
        .check_platform(who.as_ref(), &url)
        .await
        .map_err(st.err())?;
    Ok(checks.iter().map(CheckView::from).collect())
}

/// Pairs the terminal, then brings the catalog down so it can sell.
#[tauri::command]
pub async fn setup_activate(
    st: State<'_, AppState>,
    token: Option<String>,
    url: String,
    code: String,
) -> Res<ActivationView> {
    let who = st.maybe_who(token.as_deref())?;
    let device = std::env::var("HOSTNAME").unwrap_or_else(|_| "counter".into());
    let a = st
        .counter
        .repair(who.as_ref(), url.trim(), code.trim(), &device, false)
        .await
        .map_err(st.err())?;
    st.counter.sync(false).await.map_err(st.err())?;
    if let Err(e) = st.counter.load_index().await {
        tracing::warn!(error = %e, "loading the search index after pairing");
    }
    Ok(ActivationView {
        store_name: a.store_name,
        terminal_id: a.terminal_id,
        keyring: a.keyring.to_string(),
    })
}

#[tauri::command]
pub async fn setup_find_printers(
    st: State<'_, AppState>,
    token: Option<String>,
    subnet: Option<String>,
    port: Option<u16>,
) -> Res<PrintersFound> {
    let who = st.maybe_who(token.as_deref())?;
    st.counter.setup_allowed(who.as_ref()).map_err(st.err())?;
    let subnet = subnet.unwrap_or_else(|| st.sweep.0.clone());
    let (subnet, found) = st
        .counter
        .find_printers(
            Some(&subnet),
            port.unwrap_or(st.sweep.1),
            std::time::Duration::from_millis(400),
        )
        .await
        .map_err(st.err())?;
    Ok(PrintersFound {
        subnet,
        found: found
            .into_iter()
            .map(|f| FoundPrinterView {
                target: f.target,
                status: f.status,
                network: f.network,
            })
            .collect(),
    })
}

#[tauri::command]
pub async fn setup_printer(
    st: State<'_, AppState>,
    token: Option<String>,
    target: String,
    profile: String,
) -> Res<()> {
    let who = st.maybe_who(token.as_deref())?;
    let saved = st.counter.printer_settings().map_err(st.err())?;
    st.counter
        .set_printer(
            who.as_ref(),
            &cardcat_counter::PrinterSetup {
                target,
                profile,
                footer: saved.footer,
                logo: saved.logo,
            },
        )
        .map_err(st.err())?;
    Ok(())
}

#[tauri::command]
pub async fn setup_test_print(
    st: State<'_, AppState>,
    token: Option<String>,
    target: String,
    profile: String,
    drawer: bool,
) -> Res<TestPrintView> {
    let who = st.maybe_who(token.as_deref())?;
    if drawer {
        let s = st
            .counter
            .drawer_test(who.as_ref(), &target, &profile)
            .await
            .map_err(st.err())?;
        return Ok(TestPrintView::from(s.as_ref(), None, st.lang()));
    }
    let (s, p) = st
        .counter
        .test_print_preview(who.as_ref(), &target, &profile)
        .await
        .map_err(st.err())?;
    Ok(TestPrintView::from(s.as_ref(), Some(&p), st.lang()))
}

/// The wizard's last step: the owner's account, logged in at once.
#[tauri::command]
pub async fn setup_owner(
    st: State<'_, AppState>,
    id: String,
    name: String,
    pin: String,
) -> Res<LoginInfo> {
    st.counter
        .create_owner(id.trim(), &name, &pin)
        .map_err(st.err())?;
    let s = st.counter.login(id.trim(), &pin).map_err(st.err())?;
    Ok(st.logged_in(s))
}

// ---------------------------------------------------------------- diagnostics

#[tauri::command]
pub async fn diag_doctor(st: State<'_, AppState>, token: Option<String>) -> Res<Vec<CheckView>> {
    let who = st.maybe_who(token.as_deref())?;
    st.counter.setup_allowed(who.as_ref()).map_err(st.err())?;
    Ok(st
        .counter
        .doctor()
        .await
        .iter()
        .map(CheckView::from)
        .collect())
}

/// Saves the redacted support bundle (one JSON file) and says where.
#[tauri::command]
pub async fn diag_bundle(st: State<'_, AppState>, token: Option<String>) -> Res<SavedFile> {
    let who = st.maybe_who(token.as_deref())?;
    let f = st
        .counter
        .support_bundle(
            who.as_ref(),
            &st.files_dir,
            env!("CARGO_PKG_VERSION"),
            &st.logs.lines(),
        )
        .await
        .map_err(st.err())?;
    Ok(saved(&f))
}

/// The diagnostics page's details: the support bundle's content (JSON text, redacted).
#[tauri::command]
pub async fn diag_report(st: State<'_, AppState>, token: Option<String>) -> Res<String> {
    let who = st.maybe_who(token.as_deref())?;
    let v = st
        .counter
        .support_report(who.as_ref(), env!("CARGO_PKG_VERSION"), &st.logs.lines())
        .await
        .map_err(st.err())?;
    Ok(v.to_string())
}

// ---------------------------------------------------------------- backups

pub(crate) fn backup_views(list: &[cardcat_counter::backup::BackupFile]) -> Vec<BackupView> {
    list.iter()
        .map(|b| BackupView {
            name: b
                .path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default(),
            day: b.day.clone(),
            bytes: u32::try_from(b.bytes).unwrap_or(u32::MAX),
            store_id: b.info.as_ref().and_then(|i| i.store_id.clone()),
            schema: b.info.as_ref().map(|i| i.schema),
            orders: b
                .info
                .as_ref()
                .map(|i| u32::try_from(i.orders).unwrap_or(u32::MAX)),
        })
        .collect()
}

#[tauri::command]
pub async fn owner_backups(st: State<'_, AppState>, token: String) -> Res<Vec<BackupView>> {
    let who = st.who(&token)?;
    let list = st.counter.backups(&who).map_err(st.err())?;
    Ok(backup_views(&list))
}

#[tauri::command]
pub async fn owner_backup_now(st: State<'_, AppState>, token: String) -> Res<Vec<BackupView>> {
    let who = st.who(&token)?;
    st.counter
        .backup_now(&who, cardcat_counter::backup::DEFAULT_KEEP)
        .map_err(st.err())?;
    let list = st.counter.backups(&who).map_err(st.err())?;
    Ok(backup_views(&list))
}

/// Restores one of the listed backups (by its name in the backup folder).
#[tauri::command]
pub async fn owner_restore(
    st: State<'_, AppState>,
    token: String,
    name: String,
) -> Res<Vec<BackupView>> {
    let who = st.who(&token)?;
    st.counter.restore_named(&who, &name).map_err(st.err())?;
    let list = st.counter.backups(&who).map_err(st.err())?;
    Ok(backup_views(&list))
}
