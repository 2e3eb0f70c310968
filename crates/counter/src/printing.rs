//! Receipts after a sale, a redemption or a shift report, and the printer set-up the
//! installer and the owner use. Everything here that touches a printer is blocking IO and
//! runs on a blocking thread (never on the async workers).
//!
//! Invariant: a print problem never changes a sale's outcome; the outcome says what really
//! happened (printed, queued for later, may have printed, not printed at all).

use std::time::Duration;

use cardcat_core::receipt::{Doc, ReceiptContext, RedemptionInfo, SaleInfo, ShiftInfoR};
use cardcat_core::shift::{PaymentMethod, ShiftOrder};
use cardcat_core::{Lang, Localized, Money, OrderState, ProductKind, t, time_utc8};
use cardcat_engine::{
    K_PRINTER_PROFILE, K_PRINTER_TARGET, K_RECEIPT_FOOTER, K_RECEIPT_LOGO, K_STORE_NAME,
    K_TERMINAL_ID, OrderRecord, RedemptionRecord, RedemptionState, ShiftInfo,
};
use cardcat_printer::profile::{self, Profile};
use cardcat_printer::status::{PrintError, PrinterStatus};
use cardcat_printer::transport::Target;
use cardcat_printer::{Bitmap, encode, queue};
use cardcat_store::Store;
use serde::Serialize;

use crate::error::{CounterError, InputError, Result};

/// How long one printer connection may take.
pub const PRINT_TIMEOUT: Duration = Duration::from_secs(3);

/// What happened to a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PrintOutcome {
    /// No printer is set on this terminal: nothing was queued.
    NoPrinter,
    /// The printer took the whole job.
    Printed { job: String },
    /// Nothing reached the printer; the job waits in the queue and prints when it is back.
    Queued { job: String, reason: String },
    /// The connection broke mid-job: it may have printed. Not re-sent by itself.
    Uncertain { job: String, reason: String },
    /// The receipt could not even be queued.
    Failed { reason: String },
}

impl PrintOutcome {
    /// The print-queue job that holds this receipt's bytes, when it was queued.
    pub fn job(&self) -> Option<&str> {
        match self {
            PrintOutcome::Printed { job }
            | PrintOutcome::Queued { job, .. }
            | PrintOutcome::Uncertain { job, .. } => Some(job),
            PrintOutcome::NoPrinter | PrintOutcome::Failed { .. } => None,
        }
    }

    pub fn printed(&self) -> bool {
        matches!(self, PrintOutcome::Printed { .. })
    }

    /// A line for the person at the counter.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            PrintOutcome::NoPrinter => t!(lang, "print.no_printer"),
            PrintOutcome::Printed { .. } => t!(lang, "print.printed"),
            PrintOutcome::Queued { reason, .. } => t!(lang, "print.queued", reason = reason),
            PrintOutcome::Uncertain { reason, .. } => {
                t!(lang, "print.uncertain", reason = reason)
            }
            PrintOutcome::Failed { reason } => t!(lang, "print.failed", reason = reason),
        }
    }
}

/// The printer this terminal prints on, if one is set. A stored target that no longer
/// parses is an error (it names the setting), not "no printer".
pub fn configured(store: &Store) -> Result<Option<(Target, &'static Profile)>> {
    let Some(t) = store.setting(K_PRINTER_TARGET)? else {
        return Ok(None);
    };
    let target: Target = t.parse()?;
    let p = store
        .setting(K_PRINTER_PROFILE)?
        .and_then(|id| profile::find(&id))
        .or_else(|| profile::find(profile::DEFAULT_PROFILE))
        .ok_or_else(|| CounterError::Input(crate::error::InputError::Profile(String::new())))?;
    Ok(Some((target, p)))
}

/// The printer settings as the owner's screen shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrinterSettings {
    pub target: Option<String>,
    pub profile: Option<String>,
    pub footer: Option<String>,
    pub logo: bool,
}

pub fn settings(store: &Store) -> Result<PrinterSettings> {
    Ok(PrinterSettings {
        target: store.setting(K_PRINTER_TARGET)?,
        profile: store.setting(K_PRINTER_PROFILE)?,
        footer: store.setting(K_RECEIPT_FOOTER)?,
        logo: store.setting(K_RECEIPT_LOGO)?.as_deref() == Some("1"),
    })
}

/// The header and footer every receipt of this store carries.
pub fn context(store: &Store, lang: Lang, cashier: &str) -> Result<ReceiptContext> {
    Ok(ReceiptContext {
        store_name: store
            .setting(K_STORE_NAME)?
            .unwrap_or_else(|| t!(lang, "receipt.default_store_name")),
        terminal_id: store.setting(K_TERMINAL_ID)?.unwrap_or_default(),
        cashier: cashier.to_string(),
        time: time_utc8(cardcat_store::now_ms()),
        footer: Some(
            store
                .setting(K_RECEIPT_FOOTER)?
                .unwrap_or_else(|| t!(lang, "receipt.default_footer")),
        ),
        lang,
        logo: store.setting(K_RECEIPT_LOGO)?.as_deref() == Some("1"),
    })
}

/// The sale as a receipt shows it. Masked PINs use '•' on screen; paper gets '*'.
pub fn sale_info(o: &OrderRecord, copy: bool) -> SaleInfo {
    SaleInfo {
        order_key: o.client_key.to_string(),
        platform_order_id: o.platform_order_id.clone(),
        product: o.product_name.clone(),
        kind: o.kind,
        qty: o.qty,
        account: o.account.clone(),
        price: o.price,
        face_value: None,
        payment: o.payment,
        state: o.state,
        failure: o.failure.clone(),
        pins: o
            .pins
            .iter()
            .map(|p| (p.card_no.replace('•', "*"), p.pin.replace('•', "*")))
            .collect(),
        copy: copy || o.copy,
    }
}

pub fn redemption_doc(r: &RedemptionRecord) -> Doc {
    Doc::Redemption(RedemptionInfo {
        request_id: r.request_id.to_string(),
        code: r.code.clone(),
        title: r.title.clone(),
        value: r.value,
        cancelled: r.state == RedemptionState::Cancelled,
        cancel_until: r.cancel_deadline_ms.map(time_utc8),
    })
}

pub fn shift_doc(i: &ShiftInfo) -> Doc {
    Doc::Shift(ShiftInfoR {
        shift_id: i.id.clone(),
        closing: i.closed_at_ms.is_some(),
        opened: time_utc8(i.opened_at_ms),
        closed: i.closed_at_ms.map(time_utc8),
        totals: i.totals.clone(),
        counted: i.counted_cash,
        over_short: i.over_short,
    })
}

/// The store's logo bitmap when receipts carry one.
pub fn logo_for(store: &Store, ctx: &ReceiptContext, p: &Profile) -> Option<Bitmap> {
    if ctx.logo {
        crate::owner::store_logo(store, p)
    } else {
        None
    }
}

/// Decodes ESC/POS bytes and renders what the paper shows.
pub fn preview_of_bytes(bytes: &[u8], width: cardcat_printer::PaperWidth) -> Preview {
    let doc = cardcat_printer::decode::decode(bytes);
    Preview {
        png: cardcat_printer::render::render_png(&doc, width),
        text: doc.text(),
        bytes: bytes.len(),
    }
}

/// One document to print: what it is, for which order, in which job kind.
pub struct PrintJob {
    pub doc: Doc,
    pub cashier: String,
    pub order_key: Option<String>,
    pub kind: &'static str,
}

/// One printer conversation at a time in this process: a sale's receipt and a queue retry
/// never send the same job twice.
static PRINTER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A receipt that shows PINs in full: it goes straight to the printer and is never kept in
/// the queue (the queue would hold the PIN in clear, and could print it again). When it
/// cannot print, nothing is kept: the order stays owed and is printed again from the vault.
pub fn print_pins_blocking(store: &Store, lang: Lang, job: &PrintJob) -> PrintOutcome {
    let (target, bytes) = match encode_job(store, lang, job) {
        Ok(r) => r,
        Err(outcome) => return outcome,
    };
    let _one = PRINTER.lock().unwrap_or_else(|p| p.into_inner());
    match send_blocking(&target, &bytes) {
        Ok(_) => PrintOutcome::Printed { job: String::new() },
        Err(e @ PrintError::Io(_)) => PrintOutcome::Uncertain {
            job: String::new(),
            reason: e.message(lang),
        },
        Err(e) => PrintOutcome::Failed {
            reason: e.message(lang),
        },
    }
}

/// The configured printer and the job's bytes for it; the outcome to report when there is
/// no printer or the receipt cannot be made.
fn encode_job(
    store: &Store,
    lang: Lang,
    job: &PrintJob,
) -> std::result::Result<(Target, Vec<u8>), PrintOutcome> {
    let failed = |reason: String| PrintOutcome::Failed { reason };
    let (target, p) = match configured(store) {
        Ok(Some(c)) => c,
        Ok(None) => return Err(PrintOutcome::NoPrinter),
        Err(e) => return Err(failed(e.message(lang))),
    };
    let ctx = context(store, lang, &job.cashier).map_err(|e| failed(e.message(lang)))?;
    let bytes = encode::receipt_bytes(&job.doc, &ctx, p, logo_for(store, &ctx, p).as_ref())
        .map_err(|e| failed(e.message(lang)))?;
    Ok((target, bytes))
}

/// A receipt as it comes out of this terminal's printer: the PNG of the decoded bytes and
/// the decoded text. Without a printer set, the default 80 mm profile is used.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub png: Vec<u8>,
    pub text: String,
    pub bytes: usize,
}

/// Decodes and renders the bytes of print-queue job `printed` (exactly what went to the
/// printer); without one (no printer set), encodes `job` as it would be printed.
pub fn preview_blocking(
    store: &Store,
    lang: Lang,
    printed: Option<&str>,
    job: &PrintJob,
) -> Result<Preview> {
    let p = match configured(store)? {
        Some((_, p)) => p,
        None => {
            profile::find("xprinter-80").ok_or_else(|| InputError::Profile("xprinter-80".into()))?
        }
    };
    let queued = match printed {
        Some(id) => queue::bytes(store.conn(), id).map_err(|e| CounterError::Store(e.into()))?,
        None => None,
    };
    let bytes = match queued {
        Some(b) => b,
        None => {
            let ctx = context(store, lang, &job.cashier)?;
            encode::receipt_bytes(&job.doc, &ctx, p, logo_for(store, &ctx, p).as_ref())?
        }
    };
    Ok(preview_of_bytes(&bytes, p.width))
}

/// Encodes, queues and tries to print one document. Blocking: call on a blocking thread.
pub fn print_blocking(store: &Store, lang: Lang, job: &PrintJob) -> PrintOutcome {
    let failed = |reason: String| PrintOutcome::Failed { reason };
    let (target, bytes) = match encode_job(store, lang, job) {
        Ok(r) => r,
        Err(outcome) => return outcome,
    };
    let title = format!("{} {}", job.kind, job.order_key.as_deref().unwrap_or(""));
    let c = store.conn();
    let _one = PRINTER.lock().unwrap_or_else(|p| p.into_inner());
    let id = match queue::enqueue(c, job.order_key.as_deref(), job.kind, &title, &bytes, None) {
        Ok(id) => id,
        Err(e) => return failed(CounterError::Store(e.into()).message(lang)),
    };
    match queue::process(c, &target, PRINT_TIMEOUT, false) {
        Ok(r) if r.printed.contains(&id) => PrintOutcome::Printed { job: id },
        Ok(r) if r.uncertain.contains(&id) => PrintOutcome::Uncertain {
            job: id,
            reason: r.status.map(|s| s.describe(lang)).unwrap_or_default(),
        },
        Ok(r) => {
            let reason = r.status.map(|s| s.describe(lang)).unwrap_or_else(|| {
                if r.waiting.iter().any(|w| w.0 == id) {
                    t!(lang, "print.printer_unreachable")
                } else {
                    t!(lang, "print.earlier_jobs_waiting")
                }
            });
            PrintOutcome::Queued { job: id, reason }
        }
        Err(e) => PrintOutcome::Queued {
            job: id,
            reason: CounterError::Store(e.into()).message(lang),
        },
    }
}

/// Runs `f` while holding this process's printer (queue retries use it too).
pub fn with_printer<T>(f: impl FnOnce() -> T) -> T {
    let _one = PRINTER.lock().unwrap_or_else(|p| p.into_inner());
    f()
}

/// Sends bytes straight to a printer (test page, probe, samples): not queued.
pub fn send_blocking(
    target: &Target,
    bytes: &[u8],
) -> std::result::Result<Option<PrinterStatus>, PrintError> {
    let r = cardcat_printer::transport::send(target, bytes, PRINT_TIMEOUT)?;
    Ok(r.after.or(r.before))
}

/// Sample documents of every receipt type (installers' check, previews, snapshots).
pub fn samples(lang: Lang) -> Vec<(&'static str, Doc)> {
    let sale = |kind: ProductKind,
                state: OrderState,
                product: String,
                account: &str,
                pins: Vec<(String, String)>,
                failure: Option<&str>| {
        Doc::Sale(SaleInfo {
            order_key: "0190f0a0-1c2d-7e3f-8a4b-5c6d7e8f9a0b".into(),
            platform_order_id: Some("P2026112900001234".into()),
            product,
            kind,
            qty: 1,
            account: account.into(),
            price: Money::from_yuan(50),
            face_value: Some(Money::from_yuan(50)),
            payment: PaymentMethod::Cash,
            state,
            failure: failure.map(Into::into),
            pins,
            copy: false,
        })
    };
    let so = |kind, payment, state, price, commission| ShiftOrder {
        kind,
        payment,
        state,
        price,
        commission,
    };
    let mut totals = cardcat_core::shift::totals(
        Money::from_yuan(200),
        &[
            so(
                ProductKind::MobileTopup,
                PaymentMethod::Cash,
                OrderState::Succeeded,
                Money::from_yuan(50),
                Money::from_fen(67),
            ),
            so(
                ProductKind::PinCard,
                PaymentMethod::Wechat,
                OrderState::Succeeded,
                Money::from_yuan(30),
                Money::from_fen(77),
            ),
            so(
                ProductKind::MobileTopup,
                PaymentMethod::Cash,
                OrderState::Failed,
                Money::from_yuan(20),
                Money::ZERO,
            ),
        ],
        &[Money::from_yuan(28)],
    );
    totals.float = Money::from_yuan(200);
    let pin = vec![(
        "4509805184740767".to_string(),
        "R13N1TBQJRG8HKHF39".to_string(),
    )];
    let topup = t!(lang, "sample.topup_product");
    let shift_r = |closing: bool| {
        Doc::Shift(ShiftInfoR {
            shift_id: "0190f0a0-3333-7000".into(),
            closing,
            opened: "2026-11-29 08:00:00".into(),
            closed: closing.then(|| "2026-11-29 20:00:00".into()),
            totals: totals.clone(),
            counted: closing.then(|| Money::from_fen(24850)),
            over_short: closing.then(|| Money::from_fen(-150)),
        })
    };
    vec![
        (
            "topup",
            sale(
                ProductKind::MobileTopup,
                OrderState::Succeeded,
                topup.clone(),
                "138 0013 8000",
                vec![],
                None,
            ),
        ),
        (
            "pin-card",
            sale(
                ProductKind::PinCard,
                OrderState::Succeeded,
                t!(lang, "sample.pin_product"),
                "",
                pin,
                None,
            ),
        ),
        (
            "direct-topup",
            sale(
                ProductKind::DirectTopup,
                OrderState::Succeeded,
                t!(lang, "sample.direct_product"),
                "13900001234",
                vec![],
                None,
            ),
        ),
        (
            "pending",
            sale(
                ProductKind::MobileTopup,
                OrderState::Unknown,
                topup.clone(),
                "13800138501",
                vec![],
                None,
            ),
        ),
        (
            "failed",
            sale(
                ProductKind::MobileTopup,
                OrderState::Failed,
                topup,
                "13800138201",
                vec![],
                Some("invalid_account"),
            ),
        ),
        (
            "redemption",
            Doc::Redemption(RedemptionInfo {
                request_id: "0190f0a0-2222-7000-8000-000000000002".into(),
                code: "CC-TEST-0002".into(),
                title: t!(lang, "sample.voucher_title"),
                value: Money::from_fen(2800),
                cancelled: false,
                cancel_until: Some("2026-11-29 20:40:00".into()),
            }),
        ),
        ("x-report", shift_r(false)),
        ("z-report", shift_r(true)),
        (
            "test-page",
            Doc::TestPage {
                profile: "xprinter-80".into(),
                width_mm: 80,
                mode: "chinese-gb18030".into(),
            },
        ),
        ("code-page-probe", Doc::CodePageProbe),
    ]
}

/// The context of the sample receipts (fixed time, so previews and snapshots are stable).
pub fn sample_context(lang: Lang) -> ReceiptContext {
    ReceiptContext {
        store_name: t!(lang, "sample.store_name"),
        terminal_id: "T-0001".into(),
        cashier: t!(lang, "sample.cashier"),
        time: "2026-11-29 20:30:00".into(),
        footer: Some(t!(lang, "receipt.default_footer")),
        lang,
        logo: false,
    }
}

/// A test page for this profile.
pub fn test_page(p: &Profile) -> Doc {
    Doc::TestPage {
        profile: p.id.into(),
        width_mm: if p.width == cardcat_printer::PaperWidth::Mm58 {
            58
        } else {
            80
        },
        mode: p.mode.as_str().into(),
    }
}
