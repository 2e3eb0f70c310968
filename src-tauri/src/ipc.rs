//! The IPC contract: what crosses from the back end to the webview. Every type here is
//! generated into `ui/src/lib/ipc.ts` (ts-rs); a test fails when that file is stale.
//!
//! Invariant: nothing here carries SQL, a file path of the store, the terminal secret or a
//! PIN the engine did not decide to show. Money crosses as a decimal string ("50.00").

use cardcat_core::{Lang, Localized, Money, ProductKind};
use cardcat_counter::{CounterError, Event, PrintOutcome};
use cardcat_engine::{EngineError, OrderRecord};
use serde::Serialize;
use ts_rs::TS;

fn money(m: Money) -> String {
    m.to_string()
}

/// The one error every command returns. The UI switches on `kind`; `code` is the message
/// catalog key and `message` its text in the terminal's language.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IpcError {
    /// No session, or it ended: show the PIN pad.
    LoginNeeded { code: String, message: String },
    /// The caller's role may not do this.
    Forbidden { code: String, message: String },
    /// What was typed or scanned cannot be taken; nothing happened.
    Input { code: String, message: String },
    /// The platform could not be reached; nothing was sold.
    Offline { code: String, message: String },
    /// The same sale was made a moment ago: show both, ask before selling again.
    RepeatSale {
        code: String,
        message: String,
        prior: Box<PriorSale>,
    },
    /// An earlier result for this product/account has not reached the customer yet.
    Owed {
        code: String,
        message: String,
        prior: Box<PriorSale>,
    },
    /// Anything else, in words for the counter.
    Failed { code: String, message: String },
}

/// Codes whose text may carry internal detail (SQL, paths): shown as a generic message.
const INTERNAL: &[&str] = &[
    "store.sqlite",
    "store.corrupt_value",
    "internal.task",
    "vault.crypto",
    "file.error",
];

impl IpcError {
    pub fn from_counter(e: &CounterError, lang: Lang) -> IpcError {
        let code = e.code().to_string();
        let message = if INTERNAL.contains(&e.code()) {
            tracing::error!(error = %e, "command failed");
            cardcat_core::t!(lang, "app.error_internal")
        } else {
            e.message(lang)
        };
        if let CounterError::Engine(en) = e {
            match en {
                EngineError::RepeatSale(p) => {
                    return IpcError::RepeatSale {
                        code,
                        message,
                        prior: Box::new(PriorSale::from(p.as_ref(), lang)),
                    };
                }
                EngineError::Owed(p) => {
                    return IpcError::Owed {
                        code,
                        message,
                        prior: Box::new(PriorSale::from(p.as_ref(), lang)),
                    };
                }
                _ => {}
            }
        }
        let c = code.as_str();
        if c == "auth.forbidden" {
            IpcError::Forbidden { code, message }
        } else if c == "auth.login_needed" || c == "auth.login_required" {
            IpcError::LoginNeeded { code, message }
        } else if c == "net.offline" || c.starts_with("net.") {
            IpcError::Offline { code, message }
        } else if c.starts_with("input.")
            || c.starts_with("phone.")
            || c.starts_with("account.")
            || c == "catalog.no_such_product"
            || c == "order.quote"
            || c == "auth.bad_login"
            || c == "auth.locked"
        {
            IpcError::Input { code, message }
        } else {
            IpcError::Failed { code, message }
        }
    }

    /// The words for the counter.
    pub fn message(&self) -> &str {
        match self {
            IpcError::LoginNeeded { message, .. }
            | IpcError::Forbidden { message, .. }
            | IpcError::Input { message, .. }
            | IpcError::Offline { message, .. }
            | IpcError::RepeatSale { message, .. }
            | IpcError::Owed { message, .. }
            | IpcError::Failed { message, .. } => message,
        }
    }

    pub fn login_needed(lang: Lang) -> IpcError {
        IpcError::from_counter(&CounterError::LoginNeeded, lang)
    }
}

/// The earlier sale a repeat or an owed result refers to.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PriorSale {
    pub key: String,
    pub sku: String,
    pub product_name: String,
    pub account: String,
    pub created_at_ms: i64,
    pub state: String,
    pub state_label: String,
    pub handed_over: bool,
}

impl PriorSale {
    fn from(p: &cardcat_engine::PriorSale, lang: Lang) -> PriorSale {
        PriorSale {
            key: p.key.to_string(),
            sku: p.sku.clone(),
            product_name: p.product_name.clone(),
            account: p.account.clone(),
            created_at_ms: p.created_at_ms,
            state: p.state.as_str().to_string(),
            state_label: p.state.label(lang).to_string(),
            handed_over: p.handed_over,
        }
    }
}

/// The terminal, the catalog and the session for the status bar and the offline banner.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub lang: String,
    pub demo: bool,
    pub activated: bool,
    pub store_name: Option<String>,
    pub terminal_id: Option<String>,
    pub products: u32,
    pub catalog_version: Option<i64>,
    pub last_sync_ms: Option<i64>,
    pub last_sync_error: Option<String>,
}

/// A logged-in person. The token names the session kept in the back end; the role is
/// for showing the right screens only: every command checks it again.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LoginInfo {
    pub token: String,
    pub user_id: String,
    pub name: String,
    pub role: String,
}

/// What a product needs typed.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Template {
    /// none | mobile | qq | game_account | email | mobile_or_email
    pub kind: String,
    pub zones: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProductView {
    pub sku: String,
    pub name: String,
    pub brand: String,
    pub category: String,
    /// mobile_topup | data_pack | pin_card | direct_topup | voucher | bundle
    pub kind: String,
    pub kind_label: String,
    pub face_value: String,
    pub price: String,
    pub commission: String,
    pub available: bool,
    pub barcode: Option<String>,
    pub template: Template,
    /// How the query matched (brand, exact, prefix, inside, fuzzy); none when browsing.
    pub tier: Option<String>,
}

impl ProductView {
    pub fn from(p: &cardcat_core::Product, tier: Option<String>, lang: Lang) -> ProductView {
        use cardcat_core::account::AccountTemplate as T;
        let (kind, zones) = match &p.template {
            T::None => ("none", Vec::new()),
            T::Mobile => ("mobile", Vec::new()),
            T::Qq => ("qq", Vec::new()),
            T::GameAccount { zones } => ("game_account", zones.clone()),
            T::Email => ("email", Vec::new()),
            T::MobileOrEmail => ("mobile_or_email", Vec::new()),
        };
        ProductView {
            sku: p.sku.clone(),
            name: p.name.clone(),
            brand: p.brand.clone(),
            category: p.category.clone(),
            kind: p.kind.as_str().to_string(),
            kind_label: p.kind.label(lang).to_string(),
            face_value: money(p.face_value),
            price: money(p.retail_price),
            commission: money(p.commission()),
            available: p.available,
            barcode: p.barcode.clone(),
            template: Template {
                kind: kind.to_string(),
                zones,
            },
            tier,
        }
    }
}

/// A checked account: normalised, and for a mobile number its carrier from the 号段.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountCheck {
    pub account: String,
    pub zone: Option<String>,
    pub carrier: Option<String>,
    pub virtual_operator: bool,
}

/// A mobile number and the amounts its carrier offers.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Topups {
    pub account: AccountCheck,
    pub products: Vec<ProductView>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Pin {
    pub card_no: String,
    pub pin: String,
    pub expires: Option<String>,
}

/// An order as the counter shows it, with what to tell the customer.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OrderView {
    pub key: String,
    pub sku: String,
    pub product_name: String,
    pub kind: String,
    pub account: String,
    pub qty: u32,
    pub price: String,
    pub commission: String,
    pub payment: String,
    pub payment_label: String,
    pub cashier_id: String,
    /// draft | sending | pending | unknown | succeeded | failed | refunded | reversed | cancelled
    pub state: String,
    pub state_label: String,
    pub is_final: bool,
    pub created_at_ms: i64,
    pub needs_attention: bool,
    pub failure: Option<String>,
    pub platform_order_id: Option<String>,
    pub pins: Vec<Pin>,
    pub pins_in_full: bool,
    pub copy: bool,
    pub handed_over: bool,
    /// What the cashier can say to the customer now, in plain words.
    pub advice: String,
}

impl OrderView {
    pub fn from(o: &OrderRecord, lang: Lang) -> OrderView {
        use cardcat_core::OrderState as S;
        let advice_key = match o.state {
            S::Draft | S::Sending | S::Pending => "app.advice_pending",
            S::Unknown => "app.advice_unknown",
            S::Succeeded => match o.kind {
                ProductKind::PinCard | ProductKind::Voucher => "app.advice_pin",
                _ => "app.advice_succeeded",
            },
            S::Failed | S::Refunded | S::Reversed | S::Cancelled => "app.advice_failed",
        };
        OrderView {
            key: o.client_key.to_string(),
            sku: o.sku.clone(),
            product_name: o.product_name.clone(),
            kind: o.kind.as_str().to_string(),
            account: o.account.clone(),
            qty: o.qty,
            price: money(o.price),
            commission: money(o.commission),
            payment: o.payment.as_str().to_string(),
            payment_label: o.payment.label(lang).to_string(),
            cashier_id: o.cashier_id.clone(),
            state: o.state.as_str().to_ascii_lowercase(),
            state_label: o.state.label(lang).to_string(),
            is_final: o.state.is_final(),
            created_at_ms: o.created_at_ms,
            needs_attention: o.needs_attention,
            failure: o.failure.clone(),
            platform_order_id: o.platform_order_id.clone(),
            pins: o
                .pins
                .iter()
                .map(|p| Pin {
                    card_no: p.card_no.clone(),
                    pin: p.pin.clone(),
                    expires: p.expires.clone(),
                })
                .collect(),
            pins_in_full: o.pins_in_full,
            copy: o.copy,
            handed_over: o.handed_over,
            advice: cardcat_core::t!(lang, advice_key),
        }
    }
}

/// What happened to a receipt.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PrintView {
    /// printed | queued | uncertain | failed | no_printer
    pub outcome: String,
    pub printed: bool,
    pub message: String,
}

impl PrintView {
    pub fn from(p: &PrintOutcome, lang: Lang) -> PrintView {
        let outcome = match p {
            PrintOutcome::Printed { .. } => "printed",
            PrintOutcome::Queued { .. } => "queued",
            PrintOutcome::Uncertain { .. } => "uncertain",
            PrintOutcome::Failed { .. } => "failed",
            PrintOutcome::NoPrinter => "no_printer",
        };
        PrintView {
            outcome: outcome.into(),
            printed: p.printed(),
            message: p.message(lang),
        }
    }
}

/// A receipt as the paper will show it, rendered from the exact bytes.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptPreview {
    /// `data:image/png;base64,…`
    pub png: String,
    pub text: String,
    pub bytes: u32,
}

impl ReceiptPreview {
    pub fn from(p: &cardcat_counter::printing::Preview) -> ReceiptPreview {
        use base64::Engine as _;
        ReceiptPreview {
            png: format!(
                "data:image/png;base64,{}",
                base64::engine::general_purpose::STANDARD.encode(&p.png)
            ),
            text: p.text.clone(),
            bytes: u32::try_from(p.bytes).unwrap_or(u32::MAX),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SaleView {
    pub order: OrderView,
    pub print: Option<PrintView>,
    pub preview: Option<ReceiptPreview>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VoucherView {
    pub code: String,
    pub title: String,
    pub merchant: String,
    pub value: String,
    pub status: String,
    pub status_label: String,
    pub expires_at_ms: i64,
    pub redeemable: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RedemptionView {
    pub request_id: String,
    pub code: String,
    pub title: String,
    pub value: String,
    pub state: String,
    pub state_label: String,
    pub cancel_deadline_ms: Option<i64>,
    pub error: Option<String>,
    pub print: Option<PrintView>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ShiftView {
    pub id: String,
    pub cashier_id: String,
    pub opened_at_ms: i64,
    pub closed_at_ms: Option<i64>,
    pub expected_cash: String,
    pub over_short: Option<String>,
    /// The report's lines as the CLI and the receipt word them.
    pub lines: Vec<String>,
    pub print: Option<PrintView>,
    pub preview: Option<ReceiptPreview>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CommissionRow {
    pub key: String,
    pub orders: u32,
    pub sales: String,
    pub cost: String,
    pub commission: String,
}

/// The counter's live events, as the webview receives them on its channel.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AppEvent {
    OrderState {
        key: String,
        from: Option<String>,
        to: String,
        to_label: String,
        is_final: bool,
    },
    SyncProgress {
        phase: String,
        done: u32,
        total: u32,
    },
    SyncDone {
        version: i64,
        full: bool,
        changes: u32,
    },
    Printed {
        kind: String,
        order_key: Option<String>,
        print: PrintView,
    },
    PrinterStatus {
        target: String,
        ready: bool,
        text: String,
    },
}

fn clamp(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl AppEvent {
    pub fn from(e: &Event, lang: Lang) -> AppEvent {
        match e {
            Event::OrderState { key, from, to } => AppEvent::OrderState {
                key: key.to_string(),
                from: from.map(|f| f.as_str().to_ascii_lowercase()),
                to: to.as_str().to_ascii_lowercase(),
                to_label: to.label(lang).to_string(),
                is_final: to.is_final(),
            },
            Event::SyncProgress { phase, done, total } => AppEvent::SyncProgress {
                phase: (*phase).to_string(),
                done: clamp(*done),
                total: clamp(*total),
            },
            Event::SyncDone {
                version,
                full,
                changes,
            } => AppEvent::SyncDone {
                version: *version,
                full: *full,
                changes: clamp(*changes as u64),
            },
            Event::Printed {
                kind,
                order_key,
                outcome,
            } => AppEvent::Printed {
                kind: kind.clone(),
                order_key: order_key.clone(),
                print: PrintView::from(outcome, lang),
            },
            Event::PrinterStatus {
                target,
                ready,
                text,
            } => AppEvent::PrinterStatus {
                target: target.clone(),
                ready: *ready,
                text: text.clone(),
            },
        }
    }
}

// ------------------------------------------------------------------ owner and set-up

/// One bar of a chart or row of a table (money as decimal strings).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BucketView {
    pub key: String,
    pub label: String,
    pub orders: u32,
    pub sales: String,
    pub cost: String,
    pub commission: String,
}

impl BucketView {
    pub fn from(b: &cardcat_core::analytics::Bucket) -> BucketView {
        BucketView {
            key: b.key.clone(),
            label: b.label.clone(),
            orders: b.orders,
            sales: money(b.sales),
            cost: money(b.cost),
            commission: money(b.commission),
        }
    }
}

fn buckets(v: &[cardcat_core::analytics::Bucket]) -> Vec<BucketView> {
    v.iter().map(BucketView::from).collect()
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AnalyticsView {
    pub from: String,
    pub to: String,
    pub totals: BucketView,
    pub by_day: Vec<BucketView>,
    pub by_hour: Vec<BucketView>,
    pub by_product: Vec<BucketView>,
    pub by_category: Vec<BucketView>,
    pub by_cashier: Vec<BucketView>,
}

impl AnalyticsView {
    pub fn from(a: &cardcat_core::analytics::Analytics) -> AnalyticsView {
        AnalyticsView {
            from: a.from.clone(),
            to: a.to.clone(),
            totals: BucketView::from(&a.totals),
            by_day: buckets(&a.by_day),
            by_hour: buckets(&a.by_hour),
            by_product: buckets(&a.by_product),
            by_category: buckets(&a.by_category),
            by_cashier: buckets(&a.by_cashier),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LastReconcileView {
    pub at_ms: i64,
    pub day: String,
    pub matched: u32,
    pub diffs: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DashboardView {
    pub day: String,
    pub today: BucketView,
    pub open_orders: u32,
    pub owed: u32,
    pub products: u32,
    pub catalog_version: Option<i64>,
    pub last_sync_ms: Option<i64>,
    pub last_sync_error: Option<String>,
    pub last_reconcile: Option<LastReconcileView>,
    pub print_waiting: u32,
    pub events_waiting: u32,
    /// A newer version the updater found (installed from the update page).
    pub update_available: Option<String>,
}

impl DashboardView {
    pub fn from(d: &cardcat_counter::Dashboard) -> DashboardView {
        DashboardView {
            day: d.day.clone(),
            today: BucketView::from(&d.today),
            open_orders: clamp(d.open_orders as u64),
            owed: clamp(d.owed as u64),
            products: clamp(d.catalog.products),
            catalog_version: d.catalog.version,
            last_sync_ms: d.catalog.last_sync_ms,
            last_sync_error: d.catalog.last_error.clone(),
            last_reconcile: d.last_reconcile.as_ref().map(|r| LastReconcileView {
                at_ms: r.at_ms,
                day: r.day.clone(),
                matched: r.matched,
                diffs: r.diffs,
            }),
            print_waiting: clamp(d.print_waiting as u64),
            events_waiting: clamp(d.events_waiting),
            update_available: None,
        }
    }
}

/// One order's amounts on one side of a reconciliation.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SideView {
    pub amount: String,
    pub commission: String,
}

/// An order whose two sides differ: `mismatch`, `missing_on_platform`, `missing_locally`.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DiffView {
    pub key: String,
    pub status: String,
    pub status_label: String,
    pub product: Option<String>,
    pub local: Option<SideView>,
    pub platform: Option<SideView>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReconcileView {
    pub day: String,
    pub matched: u32,
    pub open: Vec<String>,
    pub diffs: Vec<DiffView>,
    pub local_amount: String,
    pub local_commission: String,
    pub platform_amount: String,
    pub platform_commission: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    pub id: String,
    pub name: String,
    pub role: String,
    pub role_label: String,
    pub locked: bool,
    pub active: bool,
}

impl UserView {
    pub fn from(u: &cardcat_engine::UserInfo, lang: Lang) -> UserView {
        UserView {
            id: u.id.clone(),
            name: u.name.clone(),
            role: u.role.as_str().to_string(),
            role_label: u.role.label(lang).to_string(),
            locked: u.locked,
            active: u.active,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditView {
    pub at_ms: i64,
    pub actor: String,
    pub action: String,
    /// The action's name for people (its code when this program does not know it).
    pub label: String,
    pub subject: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// One check of the doctor or the wizard: what was found and, when it failed, what to do.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckView {
    pub id: String,
    pub ok: bool,
    pub text: String,
    pub fix: Option<String>,
}

impl CheckView {
    pub fn from(c: &cardcat_counter::Check) -> CheckView {
        CheckView {
            id: serde_json::to_value(c.id)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            ok: c.ok,
            text: c.text.clone(),
            fix: c.fix.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetupView {
    pub lang: String,
    pub activated: bool,
    pub store_name: Option<String>,
    pub platform_url: Option<String>,
    pub has_users: bool,
    pub printer_target: Option<String>,
    pub printer_profile: Option<String>,
    /// The printer sweep's range and port unless the installer changes them.
    pub sweep_subnet: String,
    pub sweep_port: u16,
    pub keyring: CheckView,
    pub profiles: Vec<ProfileView>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProfileView {
    pub id: String,
    pub name: String,
    pub width_mm: u16,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FoundPrinterView {
    pub target: String,
    pub status: Option<String>,
    pub network: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PrintersFound {
    pub subnet: String,
    pub found: Vec<FoundPrinterView>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ActivationView {
    pub store_name: String,
    pub terminal_id: String,
    pub keyring: String,
}

/// A test print or drawer pulse: the printer's answer and, for a test page, its preview.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TestPrintView {
    pub status: Option<String>,
    pub ready: bool,
    pub preview: Option<ReceiptPreview>,
}

impl TestPrintView {
    pub fn from(
        st: Option<&cardcat_printer::status::PrinterStatus>,
        preview: Option<&cardcat_counter::printing::Preview>,
        lang: Lang,
    ) -> TestPrintView {
        TestPrintView {
            status: st.map(|s| s.describe(lang)),
            ready: st.is_none_or(|s| s.can_print()),
            preview: preview.map(ReceiptPreview::from),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WidthPreviewView {
    pub width_mm: u16,
    pub preview: ReceiptPreview,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptSettingsView {
    pub footer: String,
    pub logo: bool,
    pub has_image: bool,
    pub previews: Vec<WidthPreviewView>,
}

/// A file the app wrote for the owner (an export, a support bundle).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedFile {
    pub path: String,
    pub bytes: u32,
}

/// A backup of the store database, as the owner's screen lists it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BackupView {
    pub name: String,
    pub day: String,
    pub bytes: u32,
    pub store_id: Option<String>,
    pub schema: Option<u32>,
    pub orders: Option<u32>,
}

/// Why the counter did not open at start, shown instead of the counter; with this
/// terminal's own backups when its database is lost.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryView {
    pub lang: String,
    pub message: String,
    /// The database is lost (this terminal was activated): a backup can bring it back.
    pub lost: bool,
    pub backups: Vec<BackupView>,
}

/// A release channel the owner may choose for the updater.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChannelOption {
    /// `stable` or `beta`.
    pub id: String,
    pub label: String,
}

/// An update the server offers (its signature is checked when it is downloaded).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AvailableUpdate {
    pub version: String,
    pub notes: Option<String>,
    pub date: Option<String>,
    /// Downloaded and its signature verified already.
    pub downloaded: bool,
}

/// The owner's update page: version, channel, what the server offers, and whether it may
/// install now (and if not, why, in words for the counter).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UpdateView {
    pub current_version: String,
    pub channel: String,
    pub channels: Vec<ChannelOption>,
    /// Set after a check: `None` means up to date (or not checked yet, see `checked`).
    pub available: Option<AvailableUpdate>,
    pub checked: bool,
    pub may_install: bool,
    pub blocker: Option<String>,
}

/// The TypeScript of every IPC type, as committed in `ui/src/lib/ipc.ts`.
pub fn typescript() -> String {
    let cfg = ts_rs::Config::default();
    let decls = [
        IpcError::decl(&cfg),
        PriorSale::decl(&cfg),
        AppInfo::decl(&cfg),
        LoginInfo::decl(&cfg),
        Template::decl(&cfg),
        ProductView::decl(&cfg),
        AccountCheck::decl(&cfg),
        Topups::decl(&cfg),
        Pin::decl(&cfg),
        OrderView::decl(&cfg),
        PrintView::decl(&cfg),
        ReceiptPreview::decl(&cfg),
        SaleView::decl(&cfg),
        VoucherView::decl(&cfg),
        RedemptionView::decl(&cfg),
        ShiftView::decl(&cfg),
        CommissionRow::decl(&cfg),
        AppEvent::decl(&cfg),
        BucketView::decl(&cfg),
        AnalyticsView::decl(&cfg),
        LastReconcileView::decl(&cfg),
        DashboardView::decl(&cfg),
        SideView::decl(&cfg),
        DiffView::decl(&cfg),
        ReconcileView::decl(&cfg),
        UserView::decl(&cfg),
        AuditView::decl(&cfg),
        CheckView::decl(&cfg),
        SetupView::decl(&cfg),
        ProfileView::decl(&cfg),
        FoundPrinterView::decl(&cfg),
        PrintersFound::decl(&cfg),
        ActivationView::decl(&cfg),
        TestPrintView::decl(&cfg),
        WidthPreviewView::decl(&cfg),
        ReceiptSettingsView::decl(&cfg),
        SavedFile::decl(&cfg),
        BackupView::decl(&cfg),
        RecoveryView::decl(&cfg),
        ChannelOption::decl(&cfg),
        AvailableUpdate::decl(&cfg),
        UpdateView::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from src-tauri/src/ipc.rs by ts-rs. Do not edit: run\n\
         // `UPDATE_IPC=1 cargo test -p cardcat-app ipc_types` after changing the Rust types.\n\n",
    );
    for d in decls {
        out.push_str("export ");
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out
}
