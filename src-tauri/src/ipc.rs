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
