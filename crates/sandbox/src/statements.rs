//! Daily commission statements (dates in UTC+8).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cardcat_core::{Money, RemoteStatus};
use cardcat_wire::{Statement, StatementLine};
use rusqlite::{TransactionBehavior, params};

use crate::clock::{DAY_MS, day_start_ms};
use crate::error::{ApiErr, json_response};
use crate::orders::{ORDER_COLS, read_order, settle};
use crate::state::{AppState, Terminal};

/// `GET /v1/statements/{date}`
pub(crate) async fn get_statement(
    State(st): State<Arc<AppState>>,
    Extension(term): Extension<Terminal>,
    date: Result<Path<String>, PathRejection>,
) -> Response {
    let Ok(Path(date)) = date else {
        return ApiErr::bad_request("bad date").into_response();
    };
    let Some(start) = day_start_ms(&date) else {
        return ApiErr::bad_request("date must be YYYY-MM-DD (UTC+8)").into_response();
    };
    let st2 = Arc::clone(&st);
    let r = st
        .db(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let rows = {
                let mut stmt = tx.prepare(&format!(
                    "SELECT {ORDER_COLS} FROM orders WHERE store_id = ?1 AND created_at_ms >= ?2 AND created_at_ms < ?3
                     ORDER BY created_at_ms, client_key"
                ))?;
                let rows = stmt.query_map(params![term.store_id, start, start + DAY_MS], read_order)?;
                rows.collect::<rusqlite::Result<Vec<_>>>()?
            };
            let mut adjustments: HashMap<String, Money> = HashMap::new();
            {
                let mut stmt = tx.prepare(
                    "SELECT a.client_key, a.delta_amount FROM statement_adjustments a JOIN orders o ON o.client_key = a.client_key
                     WHERE o.store_id = ?1 AND o.created_at_ms >= ?2 AND o.created_at_ms < ?3",
                )?;
                let adj = stmt.query_map(params![term.store_id, start, start + DAY_MS], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                })?;
                for a in adj {
                    let (key, delta) = a?;
                    let delta: Money = delta.parse().map_err(|e| ApiErr::internal(format!("adjustment {key}: {e}")))?;
                    let e = adjustments.entry(key).or_insert(Money::ZERO);
                    *e = e.checked_add(delta).unwrap_or(*e);
                }
            }
            let mut lines = Vec::with_capacity(rows.len());
            for mut row in rows {
                settle(&tx, &mut row, st2.cfg.slow_secs, st2.cfg.reverse_after_secs)?;
                let (mut amount, commission) = match row.status {
                    RemoteStatus::Succeeded | RemoteStatus::Pending => (row.amount, row.commission),
                    RemoteStatus::Failed | RemoteStatus::Refunded | RemoteStatus::Reversed => (Money::ZERO, Money::ZERO),
                };
                if let Some(d) = adjustments.get(&row.client_key.to_string()) {
                    amount = amount.checked_add(*d).unwrap_or(amount);
                }
                lines.push(StatementLine {
                    client_key: row.client_key,
                    platform_order_id: row.platform_order_id,
                    sku: row.sku,
                    status: row.status,
                    amount,
                    commission,
                });
            }
            tx.commit()?;
            let total_amount = lines.iter().map(|l| l.amount).sum();
            let total_commission = lines.iter().map(|l| l.commission).sum();
            Ok(Statement { date, store_id: term.store_id, lines, total_amount, total_commission })
        })
        .await;
    match r {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => e.into_response(),
    }
}
