//! Audit log and the durable outbox of non-financial events.
//!
//! Invariant: an audit row and its outbox event are written in the same transaction as
//! the action they describe; the outbox drains to `POST /v1/events` when the platform is
//! reachable, idempotently (event ids are UUIDs).

use cardcat_store::rusqlite_reexport::{Connection, params};
use cardcat_wire::{EventBatch, TerminalEvent};
use uuid::Uuid;

use crate::{Engine, Result, now_ms};

/// Appends an audit entry (who, when, what, before/after) and queues it for the platform.
pub(crate) fn audit(
    c: &Connection,
    actor: &str,
    action: &str,
    subject: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> Result<()> {
    let at = now_ms();
    c.execute(
        "INSERT INTO audit (at_ms, actor, action, subject, before, after) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![at, actor, action, subject, before, after],
    )?;
    let payload = serde_json::json!({ "actor": actor, "action": action, "subject": subject, "before": before, "after": after });
    enqueue(c, "audit", &payload, at)
}

pub(crate) fn enqueue(
    c: &Connection,
    kind: &str,
    payload: &serde_json::Value,
    at: i64,
) -> Result<()> {
    c.execute(
        "INSERT INTO outbox (id, kind, payload, created_at_ms) VALUES (?1, ?2, ?3, ?4)",
        params![Uuid::now_v7().to_string(), kind, payload.to_string(), at],
    )?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    pub at_ms: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl AuditEntry {
    /// A row of `SELECT at_ms, actor, action, subject, before, after FROM audit`.
    pub(crate) fn from_row(
        r: &cardcat_store::rusqlite_reexport::Row<'_>,
    ) -> cardcat_store::rusqlite_reexport::Result<AuditEntry> {
        Ok(AuditEntry {
            at_ms: r.get(0)?,
            actor: r.get(1)?,
            action: r.get(2)?,
            subject: r.get(3)?,
            before: r.get(4)?,
            after: r.get(5)?,
        })
    }
}

impl Engine {
    /// Sends queued events in batches; returns how many were delivered. Offline is not an error.
    pub async fn drain_outbox(&mut self) -> Result<usize> {
        let mut sent = 0;
        loop {
            let batch: Vec<(String, String, String, i64)> = {
                let c = self.store.conn();
                let mut st = c.prepare("SELECT id, kind, payload, created_at_ms FROM outbox WHERE sent_at_ms IS NULL ORDER BY created_at_ms, id LIMIT 200")?;
                let rows =
                    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
                rows.collect::<Result<Vec<_>, _>>()?
            };
            if batch.is_empty() {
                return Ok(sent);
            }
            let events: Vec<TerminalEvent> = batch
                .iter()
                .filter_map(|(id, kind, payload, at)| {
                    Some(TerminalEvent {
                        id: Uuid::parse_str(id).ok()?,
                        kind: kind.clone(),
                        at_ms: *at,
                        payload: serde_json::from_str(payload).unwrap_or(serde_json::Value::Null),
                    })
                })
                .collect();
            let body = serde_json::to_vec(&EventBatch { events })
                .map_err(|e| crate::EngineError::Invalid(e.to_string()))?;
            let resp = match self
                .client
                .signed_raw(cardcat_client::api::Method::POST, "/v1/events", body)
                .await
            {
                Ok(r) => r,
                Err(_) => return Ok(sent),
            };
            if cardcat_client::api::decode::<cardcat_wire::EventAck>(resp)
                .await
                .is_err()
            {
                let c = self.store.conn();
                for (id, ..) in &batch {
                    c.execute(
                        "UPDATE outbox SET attempts = attempts + 1 WHERE id = ?1",
                        [id],
                    )?;
                }
                return Ok(sent);
            }
            let now = now_ms();
            let tx = self.store.conn_mut().transaction()?;
            for (id, ..) in &batch {
                tx.execute(
                    "UPDATE outbox SET sent_at_ms = ?1, attempts = attempts + 1 WHERE id = ?2",
                    params![now, id],
                )?;
            }
            tx.commit()?;
            sent += batch.len();
        }
    }

    pub fn outbox_pending(&self) -> Result<u64> {
        Ok(self.store.conn().query_row(
            "SELECT count(*) FROM outbox WHERE sent_at_ms IS NULL",
            [],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    pub fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>> {
        let c = self.store.conn();
        let mut st = c.prepare("SELECT at_ms, actor, action, subject, before, after FROM audit ORDER BY id DESC LIMIT ?1")?;
        let rows = st.query_map([limit], AuditEntry::from_row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}
