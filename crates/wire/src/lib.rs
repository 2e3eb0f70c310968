//! The platform contract in Rust: request/response bodies and request signing.
//! `docs/platform-api.yaml` is the same contract for humans and other languages;
//! a test in the sandbox crate checks that every route there is served.

pub mod sign;

use cardcat_core::{AccountInput, Category, Money, Product, RemoteStatus};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const API_PREFIX: &str = "/v1";
/// Largest page a client may ask for.
pub const MAX_PAGE: u32 = 10_000;

/// Every error the platform returns has this body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// Set on `clock_skew` so the client can say how far off it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_time_ms: Option<i64>,
    /// Set on `too_many_attempts`: seconds until the lock expires (the same value as the
    /// `Retry-After` header).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadRequest,
    BadSignature,
    ClockSkew,
    ReplayedNonce,
    UnknownTerminal,
    InvalidPairingCode,
    NotFound,
    /// Same idempotency key, different body.
    IdempotencyConflict,
    ProductUnavailable,
    PriceChanged,
    VoucherNotFound,
    VoucherUsed,
    VoucherExpired,
    VoucherCancelled,
    CancelWindowClosed,
    Unauthorized,
    Internal,
    Unavailable,
    /// Too many wrong pairing codes: activation is locked for a while (HTTP 429,
    /// `Retry-After` header and `retry_after_secs` set). A correct code is refused too
    /// until the lock expires.
    TooManyAttempts,
}

// ---------- activation ----------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivateRequest {
    pub code: String,
    pub device_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivateResponse {
    pub terminal_id: String,
    pub store_id: String,
    pub store_name: String,
    /// Hex-encoded 32-byte HMAC key. Shown once; the client puts it in the OS keyring.
    pub secret: String,
}

// ---------- time / health ----------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeResponse {
    pub server_time_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthResponse {
    pub status: String,
    pub api_version: String,
    pub catalog_version: i64,
}

// ---------- catalog ----------

/// `GET /v1/catalog/full?after=<sku>&limit=N` — keyset pages over the current catalog.
/// The client records `version` from the first page and catches up with a delta from
/// it afterwards, so changes made during a full sync are never lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogPage {
    pub version: i64,
    pub total: u64,
    /// Categories are sent with the first page only.
    #[serde(default)]
    pub categories: Vec<Category>,
    pub products: Vec<Product>,
    /// Pass as `after` for the next page; `None` on the last page.
    pub next_after: Option<String>,
}

/// `GET /v1/catalog/delta?since=V&after_version=&after_sku=&limit=N` — rows changed after `since`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogDelta {
    /// Catalog version the client has reached once it applied this page and `next` is `None`.
    pub version: i64,
    /// Rows changed after `since` (whole rows; `available=false` marks a withdrawn product).
    pub changes: Vec<Product>,
    #[serde(default)]
    pub categories: Vec<Category>,
    /// Total changes left including this page (for progress).
    pub remaining: u64,
    pub next: Option<DeltaCursor>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeltaCursor {
    pub after_version: i64,
    pub after_sku: String,
}

// ---------- orders ----------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateOrderRequest {
    /// The client's idempotency key (UUIDv7). The same key always means the same order.
    pub client_key: Uuid,
    pub sku: String,
    pub qty: u32,
    #[serde(default)]
    pub account: AccountInput,
    /// The unit cost the client quoted from its catalog; the platform refuses with
    /// `price_changed` if its price differs.
    pub unit_cost: Money,
    pub cashier_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinPayload {
    pub card_no: String,
    pub pin: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailReason {
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderView {
    pub client_key: Uuid,
    pub platform_order_id: String,
    pub sku: String,
    pub qty: u32,
    pub status: RemoteStatus,
    /// What the platform charges the store (cost × qty).
    pub amount: Money,
    /// The store's commission on this order as the platform books it.
    pub commission: Money,
    /// PIN payloads (卡密). Only the terminal that sold the order gets them here; any other
    /// terminal of the store gets none (see `pins_withheld`) and asks
    /// `GET /v1/store/orders/{client_key}/pins`, which the platform audits.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pins: Vec<PinPayload>,
    /// `true` when the order has PINs that were left out because the caller is not the
    /// terminal that sold it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pins_withheld: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<FailReason>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// `GET /v1/store/orders/{client_key}/pins[?operator=ID]`: an order's PIN payloads for
/// any terminal of the store that sold it (the owner's re-print / lost-receipt path).
/// Every answer is recorded in the platform's audit log (terminal, operator, order, time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPins {
    pub client_key: Uuid,
    pub platform_order_id: String,
    pub sku: String,
    pub qty: u32,
    pub status: RemoteStatus,
    /// The terminal that sold the order.
    pub sold_by_terminal: String,
    /// Empty unless the order is `SUCCEEDED` with a PIN payload.
    pub pins: Vec<PinPayload>,
    /// When this reveal was recorded in the audit log.
    pub revealed_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchStatusRequest {
    pub client_keys: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchStatusResponse {
    pub orders: Vec<OrderView>,
    pub missing: Vec<Uuid>,
}

// ---------- redemption (核销) ----------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoucherStatus {
    Unused,
    Redeemed,
    Cancelled,
    Expired,
}

impl VoucherStatus {
    /// Its wire word (as serialised).
    pub fn as_str(self) -> &'static str {
        match self {
            VoucherStatus::Unused => "unused",
            VoucherStatus::Redeemed => "redeemed",
            VoucherStatus::Cancelled => "cancelled",
            VoucherStatus::Expired => "expired",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrepareRequest {
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoucherInfo {
    pub code: String,
    pub title: String,
    pub merchant: String,
    pub value: Money,
    pub status: VoucherStatus,
    pub expires_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyRequest {
    /// Idempotency key of this redemption.
    pub request_id: Uuid,
    pub code: String,
    pub cashier_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelRedemptionRequest {
    /// The `request_id` of the verify being cancelled.
    pub request_id: Uuid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RedemptionStatus {
    Redeemed,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedemptionView {
    pub request_id: Uuid,
    pub code: String,
    pub title: String,
    pub value: Money,
    pub status: RedemptionStatus,
    pub redeemed_at_ms: i64,
    /// Cancel is accepted until this instant.
    pub cancel_deadline_ms: i64,
}

// ---------- statements ----------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementLine {
    pub client_key: Uuid,
    pub platform_order_id: String,
    pub sku: String,
    pub status: RemoteStatus,
    pub amount: Money,
    pub commission: Money,
}

/// `GET /v1/statements/{date}` — the platform's daily commission statement (date in UTC+8, `YYYY-MM-DD`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub date: String,
    pub store_id: String,
    pub lines: Vec<StatementLine>,
    pub total_amount: Money,
    pub total_commission: Money,
}

// ---------- terminal events (outbox) ----------

/// A non-financial event from the terminal's durable outbox (audit entries, shift reports).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TerminalEvent {
    /// Idempotency key: the platform stores each id once.
    pub id: Uuid,
    pub kind: String,
    pub at_ms: i64,
    pub payload: serde_json::Value,
}

/// `POST /v1/events` (at most 200 events).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventBatch {
    pub events: Vec<TerminalEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventAck {
    /// Events stored by this call (duplicates of earlier ones are not counted).
    pub accepted: u32,
    /// Every id in the batch is now stored.
    pub stored: u32,
}

// ---------- sandbox admin (not part of the production API) ----------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairingCodeResponse {
    pub code: String,
    pub store_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewVoucherRequest {
    pub title: String,
    pub merchant: String,
    pub value: Money,
    /// Negative makes an already expired voucher.
    pub expires_in_secs: i64,
}

/// Misbehaviour on purpose. Rates are per mille (0..=1000) so no floats cross the wire.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChaosConfig {
    /// Commit, then drop the connection without a response.
    #[serde(default)]
    pub drop_permille: u32,
    /// Answer 503 without doing anything.
    #[serde(default)]
    pub error_permille: u32,
    /// Extra latency added to each signed request.
    #[serde(default)]
    pub latency_ms: u64,
    /// The next N catalog pages are sent corrupted (truncated JSON).
    #[serde(default)]
    pub corrupt_catalog_pages: u32,
    /// The next N catalog pages are cut off mid-body (connection drop).
    #[serde(default)]
    pub drop_catalog_pages: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChurnRequest {
    /// How many products get a price or availability change (one new catalog version).
    pub changes: u32,
}

/// `POST /admin/catalog/aliases` — replaces one product's search aliases (one new catalog
/// version, so delta sync carries them). Answered with a [`ChurnResponse`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AliasesRequest {
    pub sku: String,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChurnResponse {
    pub version: i64,
    pub changed: u32,
}

/// `POST /admin/statements/adjust` — adds `delta` to the amount of that order's statement
/// line (injects a reconciliation mismatch on purpose). Answered with 204.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementAdjustRequest {
    pub client_key: Uuid,
    pub delta: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FulfilmentCount {
    pub client_key: Uuid,
    pub fulfilments: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_are_snake_case() {
        let e = ApiError {
            code: ErrorCode::ClockSkew,
            message: "clock skew".into(),
            server_time_ms: Some(1),
            retry_after_secs: None,
        };
        let s = serde_json::to_string(&e).unwrap_or_default();
        assert!(s.contains("\"clock_skew\""), "{s}");
        assert!(!s.contains("retry_after_secs"), "{s}");
    }

    #[test]
    fn additions_are_optional_on_the_wire() {
        // a body without the newer fields still parses, and they are left out when unset
        let e: ApiError = serde_json::from_str(
            r#"{"code":"too_many_attempts","message":"m","retry_after_secs":7}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (e.code, e.retry_after_secs),
            (ErrorCode::TooManyAttempts, Some(7))
        );
        let v: OrderView = serde_json::from_str(
            r#"{"client_key":"01890a5d-ac96-774b-bcce-b302099a8057","platform_order_id":"P1","sku":"S","qty":1,
               "status":"SUCCEEDED","amount":"1.00","commission":"0.10","created_at_ms":1,"updated_at_ms":2}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(!v.pins_withheld && v.pins.is_empty());
        let s = serde_json::to_string(&v).unwrap_or_default();
        assert!(!s.contains("pins"), "{s}");
    }
}
