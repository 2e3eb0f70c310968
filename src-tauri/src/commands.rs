//! The commands: each takes the managed state and the caller's token, calls one counter
//! method and maps its typed result into the IPC types. No SQL, no role decision, no
//! receipt assembly here.

use cardcat_core::ProductKind;
use cardcat_core::account::AccountInput;
use cardcat_counter::{CounterError, SellOptions, Session, printing};
use cardcat_engine::SellRequest;
use tauri::ipc::Channel;
use tauri::{Runtime, State};

use crate::AppState;
use crate::ipc::*;

type Res<T> = Result<T, IpcError>;

/// How long `sell` waits for a final state before it answers "in progress" (the order is
/// followed on, and its changes arrive as events).
const SELL_WAIT: std::time::Duration = std::time::Duration::from_millis(1500);
/// How long a sale's worker keeps following an order that is not final yet.
const SELL_FOLLOW: std::time::Duration = std::time::Duration::from_secs(180);

impl AppState {
    pub(crate) fn who(&self, token: &str) -> Res<Session> {
        self.sessions
            .get(token)
            .ok_or_else(|| IpcError::login_needed(self.lang()))
    }
    /// Keeps `s` under a new token; the webview gets the token and who it is.
    pub(crate) fn logged_in(&self, s: Session) -> LoginInfo {
        LoginInfo {
            user_id: s.user_id().to_string(),
            name: s.name().to_string(),
            role: s.role().as_str().to_string(),
            token: self.sessions.insert(s),
        }
    }
    pub(crate) fn err(&self) -> impl Fn(CounterError) -> IpcError + '_ {
        move |e| IpcError::from_counter(&e, self.lang())
    }
    fn products(&self, ps: &[cardcat_core::Product]) -> Vec<ProductView> {
        ps.iter()
            .map(|p| ProductView::from(p, None, self.lang()))
            .collect()
    }
    fn sale(&self, s: cardcat_counter::Sale, preview: Option<ReceiptPreview>) -> SaleView {
        SaleView {
            order: OrderView::from(&s.order, self.lang()),
            print: s.print.as_ref().map(|p| PrintView::from(p, self.lang())),
            preview,
        }
    }
    /// An X or Z report with the preview of the receipt it printed.
    async fn shift(&self, who: &Session, r: cardcat_counter::ShiftReport) -> ShiftView {
        let doc = printing::shift_doc(&r.shift);
        let preview = self.preview(who, r.print.as_ref(), doc, None).await;
        shift_view(self, &r.shift, r.print.as_ref(), preview)
    }
    /// The preview of what `printed` sent to the printer (or of `doc`, with no printer).
    async fn preview(
        &self,
        who: &Session,
        printed: Option<&cardcat_counter::PrintOutcome>,
        doc: cardcat_core::receipt::Doc,
        key: Option<String>,
    ) -> Option<ReceiptPreview> {
        let job = printing::PrintJob {
            doc,
            cashier: who.name().to_string(),
            order_key: key,
            kind: "preview",
        };
        match self.counter.preview(printed, job).await {
            Ok(p) => Some(ReceiptPreview::from(&p)),
            Err(e) => {
                tracing::warn!(error = %e, "receipt preview");
                None
            }
        }
    }
}

pub(crate) fn shift_view(
    st: &AppState,
    i: &cardcat_engine::ShiftInfo,
    print: Option<&cardcat_counter::PrintOutcome>,
    preview: Option<ReceiptPreview>,
) -> ShiftView {
    let title = if i.closed_at_ms.is_some() {
        "shift.z_title"
    } else {
        "shift.x_title"
    };
    ShiftView {
        id: i.id.clone(),
        cashier_id: i.cashier_id.clone(),
        opened_at_ms: i.opened_at_ms,
        closed_at_ms: i.closed_at_ms,
        expected_cash: i.totals.expected_cash.to_string(),
        over_short: i.over_short.map(|m| m.to_string()),
        lines: cardcat_counter::shift_summary(st.lang(), title, i),
        print: print.map(|p| PrintView::from(p, st.lang())),
        preview,
    }
}

pub fn handler<R: Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        app_info,
        subscribe,
        login,
        logout,
        search,
        browse,
        favourites,
        topups,
        check_account,
        sell,
        acknowledge,
        order,
        pending,
        owed,
        deliver,
        set_aside,
        reprint,
        redeem_prepare,
        redeem,
        redeem_cancel,
        shift_open,
        shift_x,
        shift_close,
        sync_catalog,
        commission_report,
        crate::owner::owner_dashboard,
        crate::owner::owner_analytics,
        crate::owner::owner_export_csv,
        crate::owner::owner_reconcile,
        crate::owner::owner_shifts,
        crate::owner::owner_users,
        crate::owner::owner_user_add,
        crate::owner::owner_user_change,
        crate::owner::owner_orders,
        crate::owner::owner_reveal,
        crate::owner::owner_audit,
        crate::owner::receipt_settings,
        crate::owner::receipt_save,
        crate::owner::receipt_logo,
        crate::owner::setup_needed,
        crate::owner::setup_state,
        crate::owner::setup_language,
        crate::owner::setup_check_platform,
        crate::owner::setup_activate,
        crate::owner::setup_find_printers,
        crate::owner::setup_printer,
        crate::owner::setup_test_print,
        crate::owner::setup_owner,
        crate::owner::diag_doctor,
        crate::owner::diag_bundle,
        crate::owner::diag_report,
        crate::owner::owner_backups,
        crate::owner::owner_backup_now,
        crate::owner::owner_restore,
        crate::update::update_status,
        crate::update::update_set_channel,
        crate::update::update_check,
        crate::update::update_install,
        crate::recovery::recovery_info,
        crate::recovery::recovery_restore,
    ]
}

#[tauri::command]
pub fn app_info(st: State<'_, AppState>) -> Res<AppInfo> {
    let i = st.counter.info().map_err(st.err())?;
    let c = st.counter.catalog_info().map_err(st.err())?;
    Ok(AppInfo {
        lang: st.lang().tag().to_string(),
        demo: st.demo,
        activated: i.activated,
        store_name: i.store_name,
        terminal_id: i.terminal_id,
        products: u32::try_from(c.products).unwrap_or(u32::MAX),
        catalog_version: c.version,
        last_sync_ms: c.last_sync_ms,
        last_sync_error: c.last_error,
    })
}

/// The counter's live events (order states, sync, printing) on an ordered channel.
#[tauri::command]
pub fn subscribe(st: State<'_, AppState>, on_event: Channel<AppEvent>) {
    let mut rx = st.counter.subscribe();
    let lang = st.lang();
    tauri::async_runtime::spawn(async move {
        loop {
            match rx.recv().await {
                Ok(e) => {
                    if on_event.send(AppEvent::from(&e, lang)).is_err() {
                        return;
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            }
        }
    });
}

#[tauri::command]
pub async fn login(st: State<'_, AppState>, user: String, pin: String) -> Res<LoginInfo> {
    let s = st.counter.login(&user, &pin).map_err(st.err())?;
    Ok(st.logged_in(s))
}

#[tauri::command]
pub fn logout(st: State<'_, AppState>, token: String) {
    st.sessions.remove(&token);
}

#[tauri::command]
pub async fn search(
    st: State<'_, AppState>,
    token: String,
    q: String,
    limit: Option<u32>,
) -> Res<Vec<ProductView>> {
    st.who(&token)?;
    let hits = st
        .counter
        .search(&q, limit.unwrap_or(20) as usize)
        .await
        .map_err(st.err())?;
    Ok(hits
        .iter()
        .map(|h| ProductView::from(&h.product, Some(h.tier.as_str().into()), st.lang()))
        .collect())
}

/// Kind words (mobile_topup, pin_card, …) as kinds; unknown words are ignored.
fn parse_kinds(words: &[String]) -> Vec<ProductKind> {
    words
        .iter()
        .map(String::as_str)
        .filter_map(ProductKind::parse)
        .collect()
}

/// Products of a tile: `kinds` are kind words (mobile_topup, pin_card, …).
#[tauri::command]
pub async fn browse(
    st: State<'_, AppState>,
    token: String,
    kinds: Vec<String>,
    limit: Option<u32>,
) -> Res<Vec<ProductView>> {
    st.who(&token)?;
    let kinds = parse_kinds(&kinds);
    let ps = st
        .counter
        .browse(&kinds, limit.unwrap_or(60) as usize)
        .await
        .map_err(st.err())?;
    Ok(st.products(&ps))
}

#[tauri::command]
pub async fn favourites(st: State<'_, AppState>, token: String) -> Res<Vec<ProductView>> {
    st.who(&token)?;
    let ps = st.counter.favourites(12).await.map_err(st.err())?;
    Ok(st.products(&ps))
}

/// A mobile number checked, and the carrier's amount tiles for it.
#[tauri::command]
pub async fn topups(
    st: State<'_, AppState>,
    token: String,
    number: String,
    kinds: Vec<String>,
) -> Res<Topups> {
    st.who(&token)?;
    let kinds = parse_kinds(&kinds);
    let (v, ps) = st
        .counter
        .topups_for(&number, &kinds)
        .await
        .map_err(st.err())?;
    Ok(Topups {
        account: account_check(&st, v),
        products: st.products(&ps),
    })
}

fn account_check(st: &AppState, v: cardcat_core::ValidAccount) -> AccountCheck {
    AccountCheck {
        account: v.account,
        zone: v.zone,
        carrier: v.carrier.map(|c| c.carrier.name(st.lang()).to_string()),
        virtual_operator: v.carrier.is_some_and(|c| c.virtual_operator),
    }
}

/// Checks what was typed for a product before anything is sold (number, QQ, account + zone).
#[tauri::command]
pub async fn check_account(
    st: State<'_, AppState>,
    token: String,
    sku: String,
    account: String,
    zone: Option<String>,
) -> Res<AccountCheck> {
    st.who(&token)?;
    let v = st
        .counter
        .check_account(&sku, &AccountInput { account, zone })
        .await
        .map_err(st.err())?;
    Ok(account_check(&st, v))
}

#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn sell(
    st: State<'_, AppState>,
    token: String,
    sku: String,
    account: String,
    zone: Option<String>,
    payment: String,
    confirm_repeat: Option<String>,
) -> Res<SaleView> {
    let who = st.who(&token)?;
    let mut req = SellRequest::new(sku, account);
    req.account.zone = zone.filter(|z| !z.trim().is_empty());
    req.payment = cardcat_counter::parse_payment(&payment).map_err(st.err())?;
    req.confirm_repeat = match confirm_repeat {
        Some(k) => Some(cardcat_counter::parse_key(&k).map_err(st.err())?),
        None => None,
    };
    let opts = SellOptions {
        wait: SELL_WAIT,
        follow_for: SELL_FOLLOW,
        print: true,
    };
    let sale = st.counter.sell(&who, req, opts).await.map_err(st.err())?;
    Ok(st.sale(sale, None))
}

/// The webview drew this order's result: from now on it is delivered.
#[tauri::command]
pub fn acknowledge(st: State<'_, AppState>, token: String, key: String) -> Res<bool> {
    let who = st.who(&token)?;
    st.counter.acknowledge(&who, &key).map_err(st.err())
}

#[tauri::command]
pub fn order(st: State<'_, AppState>, token: String, key: String) -> Res<OrderView> {
    let who = st.who(&token)?;
    let o = st.counter.show(&who, &key, false).map_err(st.err())?;
    Ok(OrderView::from(&o, st.lang()))
}

#[tauri::command]
pub async fn pending(st: State<'_, AppState>, token: String) -> Res<Vec<OrderView>> {
    let who = st.who(&token)?;
    let v = st.counter.pending(&who).await.map_err(st.err())?;
    Ok(v.iter().map(|o| OrderView::from(o, st.lang())).collect())
}

#[tauri::command]
pub async fn owed(st: State<'_, AppState>, token: String) -> Res<Vec<OrderView>> {
    let who = st.who(&token)?;
    let v = st.counter.owed(&who).await.map_err(st.err())?;
    Ok(v.iter().map(|o| OrderView::from(o, st.lang())).collect())
}

#[tauri::command]
pub async fn deliver(st: State<'_, AppState>, token: String, key: String) -> Res<SaleView> {
    let who = st.who(&token)?;
    let sale = st.counter.deliver(&who, &key).await.map_err(st.err())?;
    Ok(st.sale(sale, None))
}

#[tauri::command]
pub fn set_aside(st: State<'_, AppState>, token: String, key: String, reason: String) -> Res<()> {
    let who = st.who(&token)?;
    st.counter.set_aside(&who, &key, &reason).map_err(st.err())
}

/// A 副本 copy of an order's receipt, printed, with its preview from the same bytes.
#[tauri::command]
pub async fn reprint(st: State<'_, AppState>, token: String, key: String) -> Res<SaleView> {
    let who = st.who(&token)?;
    let sale = st.counter.reprint(&who, &key).await.map_err(st.err())?;
    let doc = cardcat_core::receipt::Doc::Sale(printing::sale_info(&sale.order, true));
    let preview = st.preview(&who, sale.print.as_ref(), doc, Some(key)).await;
    Ok(st.sale(sale, preview))
}

#[tauri::command]
pub async fn redeem_prepare(
    st: State<'_, AppState>,
    token: String,
    code: String,
) -> Res<VoucherView> {
    let who = st.who(&token)?;
    let v = st
        .counter
        .redeem_prepare(&who, &code)
        .await
        .map_err(st.err())?;
    Ok(VoucherView {
        redeemable: v.status == cardcat_wire::VoucherStatus::Unused,
        status: v.status.as_str().to_string(),
        status_label: cardcat_counter::voucher_status_label(st.lang(), v.status),
        code: v.code,
        title: v.title,
        merchant: v.merchant,
        value: v.value.to_string(),
        expires_at_ms: v.expires_at_ms,
    })
}

fn redemption(st: &AppState, r: cardcat_counter::Redeemed) -> RedemptionView {
    let x = r.redemption;
    RedemptionView {
        request_id: x.request_id.to_string(),
        code: x.code,
        title: x.title,
        value: x.value.to_string(),
        state: x.state.as_str().to_string(),
        state_label: cardcat_counter::redemption_state_label(st.lang(), x.state),
        cancel_deadline_ms: x.cancel_deadline_ms,
        error: x.error,
        print: r.print.as_ref().map(|p| PrintView::from(p, st.lang())),
    }
}

#[tauri::command]
pub async fn redeem(st: State<'_, AppState>, token: String, code: String) -> Res<RedemptionView> {
    let who = st.who(&token)?;
    let r = st.counter.redeem(&who, &code).await.map_err(st.err())?;
    Ok(redemption(&st, r))
}

#[tauri::command]
pub async fn redeem_cancel(
    st: State<'_, AppState>,
    token: String,
    request_id: String,
) -> Res<RedemptionView> {
    let who = st.who(&token)?;
    let r = st
        .counter
        .redeem_cancel(&who, &request_id)
        .await
        .map_err(st.err())?;
    Ok(redemption(&st, r))
}

#[tauri::command]
pub fn shift_open(st: State<'_, AppState>, token: String, float: String) -> Res<ShiftView> {
    let who = st.who(&token)?;
    let i = st.counter.open_shift(&who, &float).map_err(st.err())?;
    Ok(shift_view(&st, &i, None, None))
}

/// The X report (the shift stays open), printed, with its preview.
#[tauri::command]
pub async fn shift_x(st: State<'_, AppState>, token: String) -> Res<ShiftView> {
    let who = st.who(&token)?;
    let r = st.counter.x_report(&who).await.map_err(st.err())?;
    Ok(st.shift(&who, r).await)
}

/// Closes the shift with the counted cash (Z report), printed, with its preview.
#[tauri::command]
pub async fn shift_close(
    st: State<'_, AppState>,
    token: String,
    counted: String,
) -> Res<ShiftView> {
    let who = st.who(&token)?;
    let r = st
        .counter
        .close_shift(&who, &counted)
        .await
        .map_err(st.err())?;
    Ok(st.shift(&who, r).await)
}

/// A catalog sync now (progress arrives as events); answers the new status.
#[tauri::command]
pub async fn sync_catalog(st: State<'_, AppState>, token: String) -> Res<AppInfo> {
    st.who(&token)?;
    if let Err(e) = st.counter.sync(false).await {
        return Err(IpcError::from_counter(&e, st.lang()));
    }
    app_info(st)
}

/// Commission by day, product or cashier (owner only: the engine checks the role).
#[tauri::command]
pub fn commission_report(
    st: State<'_, AppState>,
    token: String,
    from: Option<String>,
    to: Option<String>,
    by: String,
) -> Res<Vec<CommissionRow>> {
    let who = st.who(&token)?;
    let range =
        cardcat_counter::Counter::day_range(from.as_deref(), to.as_deref()).map_err(st.err())?;
    let by = by
        .parse()
        .map_err(|e: cardcat_core::report::ReportParamError| {
            IpcError::from_counter(&e.into(), st.lang())
        })?;
    let rows = st
        .counter
        .commission_report(&who, &range, by)
        .map_err(st.err())?;
    Ok(rows
        .into_iter()
        .map(|r| CommissionRow {
            key: r.key,
            orders: r.orders,
            sales: r.sales.to_string(),
            cost: r.cost.to_string(),
            commission: r.commission.to_string(),
        })
        .collect())
}
