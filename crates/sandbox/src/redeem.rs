//! Voucher redemption (核销): prepare, idempotent verify, cancel within 10 minutes.
//!
//! A redemption belongs to the store of the terminal that made it: only that store can
//! read it, verify it again or cancel it. To any other store it does not exist (404
//! `not_found`, the same answer as for an unknown `request_id`), so a terminal that
//! learns a 核销单号 from another store's receipt can neither read nor cancel it (and so
//! cannot un-redeem the voucher to redeem it again).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cardcat_core::Money;
use cardcat_wire::{
    CancelRedemptionRequest, ErrorCode, PrepareRequest, RedemptionStatus, RedemptionView,
    VerifyRequest, VoucherStatus,
};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use uuid::Uuid;

use crate::clock::now_ms;
use crate::db::load_voucher;
use crate::error::{ApiErr, ApiResult, json_response, parse_json};
use crate::state::{AppState, Terminal};

/// How long after a verify a redemption may be cancelled.
pub const CANCEL_WINDOW_MS: i64 = 10 * 60 * 1000;

fn not_found_voucher(code: &str) -> ApiErr {
    ApiErr::new(
        StatusCode::NOT_FOUND,
        ErrorCode::VoucherNotFound,
        format!("券码不存在 / no voucher {code}"),
    )
}

/// A redemption and the store it belongs to (`None` for rows made before redemptions
/// were scoped, whose terminal is unknown: they belong to no store).
fn load_redemption_any(
    c: &Connection,
    request_id: Uuid,
) -> ApiResult<Option<(Option<String>, RedemptionView)>> {
    let row = c
        .query_row(
            "SELECT r.code, v.title, v.value, r.status, r.redeemed_at_ms, r.cancel_deadline_ms, r.store_id
             FROM redemptions r JOIN vouchers v ON v.code = r.code WHERE r.request_id = ?1",
            [request_id.to_string()],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, Option<String>>(6)?,
                ))
            },
        )
        .optional()?;
    let Some((code, title, value, status, redeemed_at_ms, cancel_deadline_ms, store_id)) = row
    else {
        return Ok(None);
    };
    let value: Money = value
        .parse()
        .map_err(|e| ApiErr::internal(format!("voucher {code} value: {e}")))?;
    let status = if status == "cancelled" {
        RedemptionStatus::Cancelled
    } else {
        RedemptionStatus::Redeemed
    };
    Ok(Some((
        store_id,
        RedemptionView {
            request_id,
            code,
            title,
            value,
            status,
            redeemed_at_ms,
            cancel_deadline_ms,
        },
    )))
}

/// The redemption if it belongs to `store_id`; another store's is `None`, like a missing one.
fn load_redemption(
    c: &Connection,
    request_id: Uuid,
    store_id: &str,
) -> ApiResult<Option<RedemptionView>> {
    Ok(load_redemption_any(c, request_id)?
        .filter(|(owner, _)| owner.as_deref() == Some(store_id))
        .map(|(_, v)| v))
}

fn no_redemption(request_id: Uuid) -> ApiErr {
    ApiErr::not_found(format!("no redemption {request_id}"))
}

fn respond<T: serde::Serialize>(r: ApiResult<T>) -> Response {
    match r {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => e.into_response(),
    }
}

/// `POST /v1/redemptions/prepare`: what the voucher is, whatever its state.
pub(crate) async fn prepare(State(st): State<Arc<AppState>>, body: Bytes) -> Response {
    let r = async {
        let req: PrepareRequest = parse_json(&body)?;
        let code = req.code.trim().to_string();
        st.db(move |c| load_voucher(c, &code)?.ok_or_else(|| not_found_voucher(&code)))
            .await
    }
    .await;
    respond(r)
}

/// `POST /v1/redemptions/verify`: idempotent on `request_id`.
pub(crate) async fn verify(
    State(st): State<Arc<AppState>>,
    Extension(term): Extension<Terminal>,
    body: Bytes,
) -> Response {
    let r = async {
        let req: VerifyRequest = parse_json(&body)?;
        let code = req.code.trim().to_string();
        st.db(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // Another store's request_id is treated like a new one: the voucher checks
            // answer first (a redeemed voucher is `voucher_used` for everybody), and only
            // an otherwise redeemable voucher meets the key collision.
            let mut foreign_key = false;
            match load_redemption_any(&tx, req.request_id)? {
                Some((owner, existing)) if owner.as_deref() == Some(term.store_id.as_str()) => {
                    if existing.code != code {
                        return Err(ApiErr::new(
                            StatusCode::CONFLICT,
                            ErrorCode::IdempotencyConflict,
                            "request_id already used for another voucher",
                        ));
                    }
                    return Ok(existing);
                }
                Some(_) => foreign_key = true,
                None => {}
            }
            let info = load_voucher(&tx, &code)?.ok_or_else(|| not_found_voucher(&code))?;
            match info.status {
                VoucherStatus::Unused => {}
                VoucherStatus::Redeemed => {
                    return Err(ApiErr::new(StatusCode::CONFLICT, ErrorCode::VoucherUsed, "券已被核销 / voucher already redeemed"));
                }
                VoucherStatus::Cancelled => {
                    return Err(ApiErr::new(StatusCode::CONFLICT, ErrorCode::VoucherCancelled, "券已作废 / voucher cancelled"));
                }
                VoucherStatus::Expired => {
                    return Err(ApiErr::new(StatusCode::GONE, ErrorCode::VoucherExpired, "券已过期 / voucher expired"));
                }
            }
            if foreign_key {
                return Err(ApiErr::new(
                    StatusCode::CONFLICT,
                    ErrorCode::IdempotencyConflict,
                    "request_id already used; make a new one",
                ));
            }
            let now = now_ms();
            let n = tx.execute("UPDATE vouchers SET status = 'redeemed' WHERE code = ?1 AND status = 'unused'", [&code])?;
            if n != 1 {
                return Err(ApiErr::new(StatusCode::CONFLICT, ErrorCode::VoucherUsed, "券已被核销 / voucher already redeemed"));
            }
            tx.execute(
                "INSERT INTO redemptions (request_id, code, terminal_id, store_id, cashier_id, status, redeemed_at_ms, cancel_deadline_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'redeemed', ?6, ?7)",
                params![req.request_id.to_string(), code, term.id, term.store_id, req.cashier_id, now, now + CANCEL_WINDOW_MS],
            )?;
            let view = load_redemption(&tx, req.request_id, &term.store_id)?.ok_or_else(|| ApiErr::internal("redemption vanished"))?;
            tx.commit()?;
            tracing::info!(code = %view.code, request_id = %view.request_id, "voucher redeemed");
            Ok(view)
        })
        .await
    }
    .await;
    respond(r)
}

/// `POST /v1/redemptions/cancel`: idempotent; the voucher becomes unused again.
/// Only the store that made the redemption can cancel it.
pub(crate) async fn cancel(
    State(st): State<Arc<AppState>>,
    Extension(term): Extension<Terminal>,
    body: Bytes,
) -> Response {
    let r = async {
        let req: CancelRedemptionRequest = parse_json(&body)?;
        st.db(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(view) = load_redemption(&tx, req.request_id, &term.store_id)? else {
                return Err(no_redemption(req.request_id));
            };
            if view.status == RedemptionStatus::Cancelled {
                return Ok(view);
            }
            let now = now_ms();
            if now > view.cancel_deadline_ms {
                return Err(ApiErr::new(
                    StatusCode::CONFLICT,
                    ErrorCode::CancelWindowClosed,
                    "已超过撤销时限 / the cancel window has closed",
                ));
            }
            tx.execute(
                "UPDATE redemptions SET status = 'cancelled', cancelled_at_ms = ?1 WHERE request_id = ?2",
                params![now, req.request_id.to_string()],
            )?;
            tx.execute("UPDATE vouchers SET status = 'unused' WHERE code = ?1 AND status = 'redeemed'", [&view.code])?;
            let view = load_redemption(&tx, req.request_id, &term.store_id)?.ok_or_else(|| ApiErr::internal("redemption vanished"))?;
            tx.commit()?;
            tracing::info!(code = %view.code, request_id = %view.request_id, "redemption cancelled");
            Ok(view)
        })
        .await
    }
    .await;
    respond(r)
}

/// `GET /v1/redemptions/{request_id}`: the caller's store's redemptions only.
pub(crate) async fn get_one(
    State(st): State<Arc<AppState>>,
    Extension(term): Extension<Terminal>,
    id: Result<Path<Uuid>, PathRejection>,
) -> Response {
    let Ok(Path(id)) = id else {
        return ApiErr::bad_request("request_id is not a UUID").into_response();
    };
    respond(
        st.db(move |c| load_redemption(c, id, &term.store_id)?.ok_or_else(|| no_redemption(id)))
            .await,
    )
}
