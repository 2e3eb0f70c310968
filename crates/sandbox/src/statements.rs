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
use time::macros::{format_description, offset};
use time::{Date, OffsetDateTime};

use crate::error::{ApiErr, json_response};
use crate::orders::{ORDER_COLS, read_order, settle};
use crate::state::{AppState, Terminal};

const DAY_MS: i64 = 86_400_000;

/// `YYYY-MM-DD` of an instant in UTC+8.
pub(crate) fn date_utc8(ms: i64) -> Option<String> {
    let t = OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .ok()?
        .to_offset(offset!(+8));
    t.date()
        .format(format_description!("[year]-[month]-[day]"))
        .ok()
}

/// Start of a UTC+8 day in unix milliseconds.
pub(crate) fn day_start_ms(date: &str) -> Option<i64> {
    let d = Date::parse(date, format_description!("[year]-[month]-[day]")).ok()?;
    Some(
        d.midnight()
            .assume_offset(offset!(+8))
            .unix_timestamp()
            .saturating_mul(1000),
    )
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc8_days() {
        // 2024-01-01T16:00:00Z is 2024-01-02 00:00 in UTC+8
        assert_eq!(day_start_ms("2024-01-02"), Some(1_704_124_800_000));
        assert_eq!(date_utc8(1_704_124_800_000).as_deref(), Some("2024-01-02"));
        assert_eq!(date_utc8(1_704_124_799_999).as_deref(), Some("2024-01-01"));
        assert_eq!(day_start_ms("2024-13-01"), None);
        assert_eq!(day_start_ms("yesterday"), None);
    }
}
