//! Voucher redemption (核销): prepare, idempotent verify, cancel within 10 minutes.

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

fn load_redemption(c: &Connection, request_id: Uuid) -> ApiResult<Option<RedemptionView>> {
    let row = c
        .query_row(
            "SELECT r.code, v.title, v.value, r.status, r.redeemed_at_ms, r.cancel_deadline_ms
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
                ))
            },
        )
        .optional()?;
    let Some((code, title, value, status, redeemed_at_ms, cancel_deadline_ms)) = row else {
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
    Ok(Some(RedemptionView {
        request_id,
        code,
        title,
        value,
        status,
        redeemed_at_ms,
        cancel_deadline_ms,
    }))
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
            if let Some(existing) = load_redemption(&tx, req.request_id)? {
                if existing.code != code {
                    return Err(ApiErr::new(
                        StatusCode::CONFLICT,
                        ErrorCode::IdempotencyConflict,
                        "request_id already used for another voucher",
                    ));
                }
                return Ok(existing);
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
            let now = now_ms();
            let n = tx.execute("UPDATE vouchers SET status = 'redeemed' WHERE code = ?1 AND status = 'unused'", [&code])?;
            if n != 1 {
                return Err(ApiErr::new(StatusCode::CONFLICT, ErrorCode::VoucherUsed, "券已被核销 / voucher already redeemed"));
            }
            tx.execute(
                "INSERT INTO redemptions (request_id, code, terminal_id, cashier_id, status, redeemed_at_ms, cancel_deadline_ms)
                 VALUES (?1, ?2, ?3, ?4, 'redeemed', ?5, ?6)",
                params![req.request_id.to_string(), code, term.id, req.cashier_id, now, now + CANCEL_WINDOW_MS],
            )?;
            let view = load_redemption(&tx, req.request_id)?.ok_or_else(|| ApiErr::internal("redemption vanished"))?;
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
pub(crate) async fn cancel(State(st): State<Arc<AppState>>, body: Bytes) -> Response {
    let r = async {
        let req: CancelRedemptionRequest = parse_json(&body)?;
        st.db(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(view) = load_redemption(&tx, req.request_id)? else {
                return Err(ApiErr::not_found(format!("no redemption {}", req.request_id)));
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
            let view = load_redemption(&tx, req.request_id)?.ok_or_else(|| ApiErr::internal("redemption vanished"))?;
            tx.commit()?;
            tracing::info!(code = %view.code, request_id = %view.request_id, "redemption cancelled");
            Ok(view)
        })
        .await
    }
    .await;
    respond(r)
}

/// `GET /v1/redemptions/{request_id}`
pub(crate) async fn get_one(
    State(st): State<Arc<AppState>>,
    id: Result<Path<Uuid>, PathRejection>,
) -> Response {
    let Ok(Path(id)) = id else {
        return ApiErr::bad_request("request_id is not a UUID").into_response();
    };
    respond(
        st.db(move |c| {
            load_redemption(c, id)?.ok_or_else(|| ApiErr::not_found(format!("no redemption {id}")))
        })
        .await,
    )
}
