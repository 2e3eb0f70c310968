//! `POST /v1/events`: the terminal's outbox of non-financial events (audit entries,
//! shift reports). Idempotent on the event id.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cardcat_wire::{EventAck, EventBatch};
use rusqlite::{TransactionBehavior, params};

use crate::clock::now_ms;
use crate::error::{ApiErr, json_response, parse_json};
use crate::state::{AppState, Terminal};

const MAX_EVENTS: usize = 200;

pub(crate) async fn post_events(
    State(st): State<Arc<AppState>>,
    Extension(term): Extension<Terminal>,
    body: Bytes,
) -> Response {
    let batch: EventBatch = match parse_json(&body) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    if batch.events.len() > MAX_EVENTS {
        return ApiErr::bad_request(format!("at most {MAX_EVENTS} events per batch"))
            .into_response();
    }
    let n = batch.events.len() as u32;
    let r = st
        .db(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut accepted = 0u32;
            {
                let mut ins = tx.prepare(
                    "INSERT OR IGNORE INTO terminal_events (id, terminal_id, kind, at_ms, payload, received_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?;
                let now = now_ms();
                for e in &batch.events {
                    let payload = serde_json::to_string(&e.payload).map_err(|x| ApiErr::bad_request(x.to_string()))?;
                    accepted += ins.execute(params![e.id.to_string(), term.id, e.kind, e.at_ms, payload, now])? as u32;
                }
            }
            tx.commit()?;
            Ok(EventAck { accepted, stored: n })
        })
        .await;
    match r {
        Ok(ack) => json_response(StatusCode::OK, &ack),
        Err(e) => e.into_response(),
    }
}
