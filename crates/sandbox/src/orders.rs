//! Orders: idempotent create with scripted outcomes, status (single and batch), and the
//! store's audited PIN route.
//!
//! See the crate docs for the outcome table. Time-based transitions are applied
//! lazily by [`settle`] whenever an order is read, and persisted.
//!
//! Scoping: an order belongs to the store of the terminal that placed it; other stores
//! never see it (404 / `missing`). Its PIN payloads (卡密) are in order views for the
//! selling terminal only; other terminals of the store get the view without them
//! (`pins_withheld`) and use `GET /v1/store/orders/{client_key}/pins`, which is audited.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cardcat_core::{AccountInput, AccountTemplate, Money, RemoteStatus};
use cardcat_wire::{
    BatchStatusRequest, BatchStatusResponse, CreateOrderRequest, ErrorCode, FailReason, OrderPins,
    OrderView, PinPayload,
};
use rand::Rng;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::clock::{DAY_MS, date_utc8, now_ms};
use crate::error::{ApiErr, ApiResult, aborted_response, json_response, parse_json};
use crate::state::{AppState, Terminal, lock};

/// Most keys in one `POST /v1/orders/status`.
pub const MAX_BATCH: usize = 500;
/// Scenario 801: how long the order stays PENDING before it fails.
const TIMEOUT_801_MS: i64 = 3000;

pub(crate) fn status_str(s: RemoteStatus) -> &'static str {
    match s {
        RemoteStatus::Pending => "PENDING",
        RemoteStatus::Succeeded => "SUCCEEDED",
        RemoteStatus::Failed => "FAILED",
        RemoteStatus::Refunded => "REFUNDED",
        RemoteStatus::Reversed => "REVERSED",
    }
}

pub(crate) fn parse_status(s: &str) -> Option<RemoteStatus> {
    [
        RemoteStatus::Pending,
        RemoteStatus::Succeeded,
        RemoteStatus::Failed,
        RemoteStatus::Refunded,
        RemoteStatus::Reversed,
    ]
    .into_iter()
    .find(|st| status_str(*st) == s)
}

/// The scripted scenario of an account: its last three digits, or `"default"`.
pub fn scenario_of(account: &str) -> &'static str {
    let digits: Vec<u8> = account.bytes().filter(u8::is_ascii_digit).collect();
    let tail = digits
        .len()
        .checked_sub(3)
        .and_then(|i| digits.get(i..))
        .unwrap_or(&[]);
    match tail {
        b"101" => "101",
        b"201" => "201",
        b"301" => "301",
        b"401" => "401",
        b"501" => "501",
        b"601" => "601",
        b"701" => "701",
        b"801" => "801",
        b"901" => "901",
        _ => "default",
    }
}

#[derive(Serialize)]
struct HashInput<'a> {
    sku: &'a str,
    qty: u32,
    account: &'a AccountInput,
    unit_cost: Money,
}

/// SHA-256 of the canonical JSON of what makes an order the same order.
fn request_hash(req: &CreateOrderRequest) -> ApiResult<String> {
    let input = HashInput {
        sku: &req.sku,
        qty: req.qty,
        account: &req.account,
        unit_cost: req.unit_cost,
    };
    let json = serde_json::to_vec(&input)?;
    Ok(hex::encode(Sha256::digest(&json)))
}

#[derive(Debug, Clone)]
pub(crate) struct OrderRow {
    pub client_key: Uuid,
    pub platform_order_id: String,
    pub store_id: String,
    pub sku: String,
    pub qty: u32,
    pub request_hash: String,
    pub status: RemoteStatus,
    pub amount: Money,
    pub commission: Money,
    pub pins: Vec<PinPayload>,
    pub failure: Option<FailReason>,
    pub scenario: String,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    pub stale_flip_pending: bool,
    /// The terminal that placed (sold) the order.
    pub terminal_id: String,
}

pub(crate) const ORDER_COLS: &str = "client_key, platform_order_id, store_id, sku, qty, request_hash, status, amount, \
     commission, pins, failure, scenario, created_at_ms, updated_at_ms, stale_flip_pending, terminal_id";

fn conv(i: usize, msg: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, msg.into())
}

pub(crate) fn read_order(r: &rusqlite::Row<'_>) -> rusqlite::Result<OrderRow> {
    let key: String = r.get(0)?;
    let status: String = r.get(6)?;
    let amount: String = r.get(7)?;
    let commission: String = r.get(8)?;
    let pins: String = r.get(9)?;
    let failure: Option<String> = r.get(10)?;
    Ok(OrderRow {
        client_key: Uuid::parse_str(&key).map_err(|e| conv(0, e.to_string()))?,
        platform_order_id: r.get(1)?,
        store_id: r.get(2)?,
        sku: r.get(3)?,
        qty: r.get(4)?,
        request_hash: r.get(5)?,
        status: parse_status(&status).ok_or_else(|| conv(6, format!("status {status}")))?,
        amount: amount.parse().map_err(|e| conv(7, format!("{e}")))?,
        commission: commission.parse().map_err(|e| conv(8, format!("{e}")))?,
        pins: serde_json::from_str(&pins).map_err(|e| conv(9, e.to_string()))?,
        failure: match failure {
            Some(f) => Some(serde_json::from_str(&f).map_err(|e| conv(10, e.to_string()))?),
            None => None,
        },
        scenario: r.get(11)?,
        created_at_ms: r.get(12)?,
        updated_at_ms: r.get(13)?,
        stale_flip_pending: r.get(14)?,
        terminal_id: r.get(15)?,
    })
}

pub(crate) fn load_order(c: &Connection, key: Uuid) -> rusqlite::Result<Option<OrderRow>> {
    c.query_row(
        &format!("SELECT {ORDER_COLS} FROM orders WHERE client_key = ?1"),
        [key.to_string()],
        read_order,
    )
    .optional()
}

fn fail(code: &str, message: &str) -> FailReason {
    FailReason {
        code: code.into(),
        message: message.into(),
    }
}

fn record_fulfilment(c: &Connection, key: Uuid, now: i64) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO fulfilments (client_key, at_ms) VALUES (?1, ?2)",
        params![key.to_string(), now],
    )?;
    tracing::info!(client_key = %key, "order fulfilled");
    Ok(())
}

/// Applies any time-based transition that is due, persisting it. The status update is
/// conditional on the old status, so a transition (and its fulfilment) happens once.
pub(crate) fn settle(
    c: &Connection,
    row: &mut OrderRow,
    slow_secs: u64,
    reverse_after_secs: u64,
) -> rusqlite::Result<()> {
    let now = now_ms();
    let secs_ms = |s: u64| i64::try_from(s.saturating_mul(1000)).unwrap_or(i64::MAX);
    let age = now.saturating_sub(row.created_at_ms);
    let target = match (row.scenario.as_str(), row.status) {
        ("401", RemoteStatus::Pending) if age >= secs_ms(slow_secs) => {
            Some((RemoteStatus::Succeeded, None))
        }
        ("801", RemoteStatus::Pending) if age >= TIMEOUT_801_MS => Some((
            RemoteStatus::Failed,
            Some(fail(
                "timeout_upstream",
                "上游供货商超时未响应 / upstream supplier timed out",
            )),
        )),
        ("601", RemoteStatus::Succeeded) if age >= secs_ms(reverse_after_secs) => {
            Some((RemoteStatus::Reversed, None))
        }
        _ => None,
    };
    let Some((to, failure)) = target else {
        return Ok(());
    };
    let failure_json = failure.as_ref().and_then(|f| serde_json::to_string(f).ok());
    let n = c.execute(
        "UPDATE orders SET status = ?1, failure = ?2, updated_at_ms = ?3 WHERE client_key = ?4 AND status = ?5",
        params![status_str(to), failure_json, now, row.client_key.to_string(), status_str(row.status)],
    )?;
    if n == 1 {
        if to == RemoteStatus::Succeeded {
            record_fulfilment(c, row.client_key, now)?;
        }
        tracing::info!(client_key = %row.client_key, from = status_str(row.status), to = status_str(to), "order settled");
        row.status = to;
        row.failure = failure;
        row.updated_at_ms = now;
    } else if let Some(fresh) = load_order(c, row.client_key)? {
        *row = fresh;
    }
    Ok(())
}

/// The view of terminal `viewer`. `stale_flip` answers the one stale FAILED of scenario
/// 701. PINs are shown to the selling terminal only.
pub(crate) fn view(row: &OrderRow, stale_flip: bool, viewer: &str) -> OrderView {
    let status = if stale_flip {
        RemoteStatus::Failed
    } else {
        row.status
    };
    let has_pins = status == RemoteStatus::Succeeded && !row.pins.is_empty();
    let seller = viewer == row.terminal_id;
    OrderView {
        client_key: row.client_key,
        platform_order_id: row.platform_order_id.clone(),
        sku: row.sku.clone(),
        qty: row.qty,
        status,
        amount: row.amount,
        commission: row.commission,
        pins: if has_pins && seller {
            row.pins.clone()
        } else {
            Vec::new()
        },
        pins_withheld: has_pins && !seller,
        failure: if stale_flip {
            Some(fail(
                "upstream_status_flip",
                "上游回报失败（过期报文）/ stale upstream report: failed",
            ))
        } else {
            row.failure.clone()
        },
        created_at_ms: row.created_at_ms,
        updated_at_ms: row.updated_at_ms,
    }
}

/// For status queries: settles, then answers scenario 701's stale FAILED exactly once.
fn status_view(
    c: &Connection,
    row: &mut OrderRow,
    st: &AppState,
    viewer: &str,
) -> rusqlite::Result<OrderView> {
    settle(c, row, st.cfg.slow_secs, st.cfg.reverse_after_secs)?;
    if row.status == RemoteStatus::Succeeded && row.stale_flip_pending {
        let n = c.execute(
            "UPDATE orders SET stale_flip_pending = 0 WHERE client_key = ?1 AND stale_flip_pending = 1",
            [row.client_key.to_string()],
        )?;
        row.stale_flip_pending = false;
        if n == 1 {
            tracing::info!(client_key = %row.client_key, "scenario 701: answering a stale FAILED once");
            return Ok(view(row, true, viewer));
        }
    }
    Ok(view(row, false, viewer))
}

const PIN_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

fn random_pins(qty: u32, now: i64) -> Vec<PinPayload> {
    let mut rng = rand::rng();
    let expires = date_utc8(now.saturating_add(365 * DAY_MS));
    (0..qty)
        .map(|_| {
            let card_no: String = (0..16)
                .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
                .collect();
            let pin: String = (0..18)
                .map(|_| {
                    char::from(
                        PIN_ALPHABET
                            .get(rng.random_range(0..PIN_ALPHABET.len()))
                            .copied()
                            .unwrap_or(b'0'),
                    )
                })
                .collect();
            PinPayload {
                card_no,
                pin,
                expires: expires.clone(),
            }
        })
        .collect()
}

fn platform_order_id() -> String {
    format!(
        "P{}",
        rand::rng().random_range(1_000_000_000_000_000u64..10_000_000_000_000_000)
    )
}

enum Created {
    Fresh(OrderView, bool),
    Replay(OrderView),
}

/// `POST /v1/orders`
pub(crate) async fn create(
    State(st): State<Arc<AppState>>,
    Extension(term): Extension<Terminal>,
    body: Bytes,
) -> Response {
    let r = async {
        let req: CreateOrderRequest = parse_json(&body)?;
        if !(1..=99).contains(&req.qty) {
            return Err(ApiErr::bad_request("qty must be 1..=99"));
        }
        if req.account.account.chars().count() > 64
            || req
                .account
                .zone
                .as_ref()
                .is_some_and(|z| z.chars().count() > 64)
        {
            return Err(ApiErr::bad_request(
                "account too long (64 characters at most)",
            ));
        }
        if req.sku.is_empty() || req.sku.len() > 128 || req.cashier_id.chars().count() > 64 {
            return Err(ApiErr::bad_request("bad sku or cashier_id"));
        }
        let hash = request_hash(&req)?;
        let scenario = scenario_of(&req.account.account);
        let st2 = Arc::clone(&st);
        st.db(move |c| create_sync(c, &st2, &term, &req, &hash, scenario))
            .await
    }
    .await;
    match r {
        Ok(Created::Replay(v)) => json_response(StatusCode::OK, &v),
        Ok(Created::Fresh(v, scripted_drop)) => {
            let chaos_drop = {
                let p = lock(&st.chaos).drop_permille;
                p > 0 && rand::rng().random_range(0..1000u32) < p
            };
            if scripted_drop || chaos_drop {
                tracing::info!(client_key = %v.client_key, scripted_drop, chaos_drop, "order committed; dropping the response");
                aborted_response(Vec::new())
            } else {
                json_response(StatusCode::OK, &v)
            }
        }
        Err(e) => e.into_response(),
    }
}

fn create_sync(
    c: &mut Connection,
    st: &AppState,
    term: &Terminal,
    req: &CreateOrderRequest,
    hash: &str,
    scenario: &'static str,
) -> ApiResult<Created> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if let Some(mut row) = load_order(&tx, req.client_key)? {
        if row.request_hash != hash || row.store_id != term.store_id {
            return Err(ApiErr::new(
                StatusCode::CONFLICT,
                ErrorCode::IdempotencyConflict,
                "client_key already used for a different order",
            ));
        }
        settle(&tx, &mut row, st.cfg.slow_secs, st.cfg.reverse_after_secs)?;
        tx.commit()?;
        return Ok(Created::Replay(view(&row, false, &term.id)));
    }
    let product: Option<(String, String, String, bool)> = tx
        .query_row(
            "SELECT retail_price, cost, template, available FROM products WHERE sku = ?1",
            [&req.sku],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((retail, cost, template, available)) = product else {
        return Err(ApiErr::not_found(format!("unknown sku {}", req.sku)));
    };
    if !available {
        return Err(ApiErr::new(
            StatusCode::CONFLICT,
            ErrorCode::ProductUnavailable,
            format!("{} 暂不可售 / unavailable", req.sku),
        ));
    }
    let retail: Money = retail
        .parse()
        .map_err(|e| ApiErr::internal(format!("retail of {}: {e}", req.sku)))?;
    let cost: Money = cost
        .parse()
        .map_err(|e| ApiErr::internal(format!("cost of {}: {e}", req.sku)))?;
    let template: AccountTemplate = serde_json::from_str(&template)
        .map_err(|e| ApiErr::internal(format!("template of {}: {e}", req.sku)))?;
    if req.unit_cost != cost {
        return Err(ApiErr::new(
            StatusCode::CONFLICT,
            ErrorCode::PriceChanged,
            format!(
                "价格已变动 / price changed: unit cost is now {cost}, not {}",
                req.unit_cost
            ),
        ));
    }
    if scenario == "901" && lock(&st.refused_901).insert(req.client_key) {
        tracing::info!(client_key = %req.client_key, "scenario 901: refusing the first attempt, nothing committed");
        return Err(ApiErr::unavailable(
            "上游繁忙，请用同一单号重试 / upstream busy, retry with the same client_key",
        ));
    }
    let overflow = || ApiErr::bad_request("amount out of range");
    let amount = cost.checked_mul(req.qty).ok_or_else(overflow)?;
    let commission = retail
        .checked_sub(cost)
        .and_then(|m| m.checked_mul(req.qty))
        .ok_or_else(overflow)?;
    let now = now_ms();
    let (status, failure) = match scenario {
        "201" => (
            RemoteStatus::Failed,
            Some(fail(
                "invalid_account",
                "充值账号不存在 / account does not exist",
            )),
        ),
        "301" => (
            RemoteStatus::Failed,
            Some(fail("supplier_down", "上游供货商维护中 / supplier down")),
        ),
        "401" | "801" => (RemoteStatus::Pending, None),
        _ => (RemoteStatus::Succeeded, None),
    };
    let delivers_pins = template == AccountTemplate::None || scenario == "101";
    let pins = if delivers_pins {
        random_pins(req.qty, now)
    } else {
        Vec::new()
    };
    let mut row = OrderRow {
        client_key: req.client_key,
        platform_order_id: platform_order_id(),
        store_id: term.store_id.clone(),
        sku: req.sku.clone(),
        qty: req.qty,
        request_hash: hash.to_string(),
        status,
        amount,
        commission,
        pins,
        failure,
        scenario: scenario.to_string(),
        created_at_ms: now,
        updated_at_ms: now,
        stale_flip_pending: scenario == "701",
        terminal_id: term.id.clone(),
    };
    let account_json = serde_json::to_string(&req.account)?;
    tx.execute(
        "INSERT INTO orders (client_key, platform_order_id, terminal_id, store_id, sku, qty, account, request_hash, status,
            amount, commission, pins, failure, scenario, created_at_ms, updated_at_ms, stale_flip_pending)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        params![
            row.client_key.to_string(),
            row.platform_order_id,
            term.id,
            row.store_id,
            row.sku,
            row.qty,
            account_json,
            row.request_hash,
            status_str(row.status),
            row.amount.to_string(),
            row.commission.to_string(),
            serde_json::to_string(&row.pins)?,
            row.failure.as_ref().map(serde_json::to_string).transpose()?,
            row.scenario,
            row.created_at_ms,
            row.updated_at_ms,
            row.stale_flip_pending,
        ],
    )?;
    if row.status == RemoteStatus::Succeeded {
        record_fulfilment(&tx, row.client_key, now)?;
    }
    // A zero-age reverse (reverse_after_secs = 0) is applied right away.
    settle(&tx, &mut row, st.cfg.slow_secs, st.cfg.reverse_after_secs)?;
    tx.commit()?;
    tracing::info!(client_key = %row.client_key, sku = %row.sku, scenario, status = status_str(row.status), "order created");
    Ok(Created::Fresh(
        view(&row, false, &term.id),
        scenario == "501",
    ))
}

/// `GET /v1/orders/{client_key}`
pub(crate) async fn get_one(
    State(st): State<Arc<AppState>>,
    Extension(term): Extension<Terminal>,
    key: Result<Path<Uuid>, PathRejection>,
) -> Response {
    let Ok(Path(key)) = key else {
        return ApiErr::bad_request("client_key is not a UUID").into_response();
    };
    let st2 = Arc::clone(&st);
    let r = st
        .db(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(mut row) = load_order(&tx, key)?.filter(|r| r.store_id == term.store_id)
            else {
                return Err(ApiErr::not_found(format!("no order {key}")));
            };
            let v = status_view(&tx, &mut row, &st2, &term.id)?;
            tx.commit()?;
            Ok(v)
        })
        .await;
    match r {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => e.into_response(),
    }
}

/// `POST /v1/orders/status`
pub(crate) async fn batch_status(
    State(st): State<Arc<AppState>>,
    Extension(term): Extension<Terminal>,
    body: Bytes,
) -> Response {
    let r = async {
        let req: BatchStatusRequest = parse_json(&body)?;
        if req.client_keys.len() > MAX_BATCH {
            return Err(ApiErr::bad_request(format!(
                "at most {MAX_BATCH} keys per request"
            )));
        }
        let st2 = Arc::clone(&st);
        st.db(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut orders = Vec::with_capacity(req.client_keys.len());
            let mut missing = Vec::new();
            for key in req.client_keys {
                match load_order(&tx, key)?.filter(|r| r.store_id == term.store_id) {
                    Some(mut row) => orders.push(status_view(&tx, &mut row, &st2, &term.id)?),
                    None => missing.push(key),
                }
            }
            tx.commit()?;
            Ok(BatchStatusResponse { orders, missing })
        })
        .await
    }
    .await;
    match r {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => e.into_response(),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct PinsQuery {
    operator: Option<String>,
}

/// Longest `operator` accepted by the store PIN route.
const MAX_OPERATOR_CHARS: usize = 64;

/// `GET /v1/store/orders/{client_key}/pins[?operator=ID]`: the PINs of one of the
/// caller's store's orders, for any terminal of that store; every answer is audited
/// (`pin_reveals`: who asked, which operator, which order, seller, how many PINs, when).
pub(crate) async fn store_pins(
    State(st): State<Arc<AppState>>,
    Extension(term): Extension<Terminal>,
    key: Result<Path<Uuid>, PathRejection>,
    q: Result<Query<PinsQuery>, QueryRejection>,
) -> Response {
    let Ok(Path(key)) = key else {
        return ApiErr::bad_request("client_key is not a UUID").into_response();
    };
    let operator = match q {
        Ok(Query(q)) => q
            .operator
            .map(|o| o.trim().to_string())
            .filter(|o| !o.is_empty()),
        Err(e) => return ApiErr::bad_request(format!("bad query: {e}")).into_response(),
    };
    if operator
        .as_ref()
        .is_some_and(|o| o.chars().count() > MAX_OPERATOR_CHARS)
    {
        return ApiErr::bad_request(format!(
            "operator too long ({MAX_OPERATOR_CHARS} characters at most)"
        ))
        .into_response();
    }
    let st2 = Arc::clone(&st);
    let r = st
        .db(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(mut row) = load_order(&tx, key)?.filter(|r| r.store_id == term.store_id)
            else {
                return Err(ApiErr::not_found(format!("no order {key}")));
            };
            settle(&tx, &mut row, st2.cfg.slow_secs, st2.cfg.reverse_after_secs)?;
            let pins = if row.status == RemoteStatus::Succeeded {
                row.pins.clone()
            } else {
                Vec::new()
            };
            let now = now_ms();
            tx.execute(
                "INSERT INTO pin_reveals (client_key, store_id, terminal_id, operator, seller_terminal_id, pins, at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    key.to_string(),
                    term.store_id,
                    term.id,
                    operator,
                    row.terminal_id,
                    u32::try_from(pins.len()).unwrap_or(u32::MAX),
                    now
                ],
            )?;
            tx.commit()?;
            tracing::info!(client_key = %key, terminal = %term.id, seller = %row.terminal_id, operator = ?operator, pins = pins.len(), "store PIN reveal (audited)");
            Ok(OrderPins {
                client_key: row.client_key,
                platform_order_id: row.platform_order_id,
                sku: row.sku,
                qty: row.qty,
                status: row.status,
                sold_by_terminal: row.terminal_id,
                pins,
                revealed_at_ms: now,
            })
        })
        .await;
    match r {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => e.into_response(),
    }
}
