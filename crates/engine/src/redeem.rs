//! Redemption (核销) at the counter: prepare → verify → (cancel within the window) → query.
//! Each step is idempotent on our request id, persisted before it is sent.

use cardcat_client::ClientError;
use cardcat_core::Money;
use cardcat_core::roles::Action;
use cardcat_store::rusqlite_reexport::{OptionalExtension, params};
use cardcat_wire::{ErrorCode, RedemptionStatus, RedemptionView, VerifyRequest, VoucherInfo};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::outbox::audit;
use crate::stored::At;
use crate::{Engine, EngineError, Result, Session, now_ms};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedemptionRecord {
    pub request_id: Uuid,
    pub code: String,
    pub title: String,
    pub value: Money,
    pub state: RedemptionState,
    pub cancel_deadline_ms: Option<i64>,
    pub error: Option<String>,
}

/// Where a redemption stands at this counter. Stored as its snake_case word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RedemptionState {
    /// Persisted, sent or about to be; no answer yet.
    Verifying,
    /// The answer was lost; resolved by querying the same request id.
    Unknown,
    Redeemed,
    Cancelled,
    Failed,
}

impl RedemptionState {
    pub fn as_str(self) -> &'static str {
        match self {
            RedemptionState::Verifying => "verifying",
            RedemptionState::Unknown => "unknown",
            RedemptionState::Redeemed => "redeemed",
            RedemptionState::Cancelled => "cancelled",
            RedemptionState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<RedemptionState> {
        Some(match s {
            "verifying" => RedemptionState::Verifying,
            "unknown" => RedemptionState::Unknown,
            "redeemed" => RedemptionState::Redeemed,
            "cancelled" => RedemptionState::Cancelled,
            "failed" => RedemptionState::Failed,
            _ => return None,
        })
    }

    /// Not settled yet: the counter must not treat the voucher as redeemed or not.
    pub fn is_open(self) -> bool {
        matches!(self, RedemptionState::Verifying | RedemptionState::Unknown)
    }
}

fn voucher_error(e: ClientError) -> EngineError {
    match e {
        ClientError::Api { error, .. }
            if matches!(
                error.code,
                ErrorCode::VoucherNotFound
                    | ErrorCode::VoucherUsed
                    | ErrorCode::VoucherExpired
                    | ErrorCode::VoucherCancelled
                    | ErrorCode::CancelWindowClosed
            ) =>
        {
            EngineError::Voucher(error.code, error.message)
        }
        other => EngineError::Client(other),
    }
}

impl Engine {
    /// Shows what a code is and whether it can be redeemed.
    pub async fn redeem_prepare(&mut self, s: &Session, code: &str) -> Result<VoucherInfo> {
        s.require(Action::Redeem)?;
        let code = code.trim();
        if code.is_empty() || code.len() > 64 {
            return Err(EngineError::Voucher(
                ErrorCode::VoucherNotFound,
                String::new(),
            ));
        }
        self.client
            .redemption_prepare(code)
            .await
            .map_err(voucher_error)
    }

    /// Redeems a code. Persisted first; a lost answer is resolved by querying the same id.
    pub async fn redeem_verify(&mut self, s: &Session, code: &str) -> Result<RedemptionRecord> {
        s.require(Action::Redeem)?;
        self.ensure_online().await?;
        let code = code.trim().to_string();
        let rid = Uuid::now_v7();
        let now = now_ms();
        let shift = self.open_shift_id(&s.user_id)?;
        {
            // scoped: no transaction may live across an await (the future stays Send)
            let tx = self.store.conn_mut().transaction()?;
            tx.execute(
                "INSERT INTO redemptions (request_id, code, state, cashier_id, shift_id, created_at_ms, updated_at_ms) VALUES (?1, ?2, 'verifying', ?3, ?4, ?5, ?5)",
                params![rid.to_string(), code, s.user_id, shift, now],
            )?;
            audit(
                &tx,
                &s.user_id,
                "redeem.verify",
                &rid.to_string(),
                None,
                Some(&code),
            )?;
            tx.commit()?;
        }
        let r = self
            .client
            .redemption_verify(&VerifyRequest {
                request_id: rid,
                code: code.clone(),
                cashier_id: s.user_id.clone(),
            })
            .await;
        self.apply_verify(rid, r)?;
        let rec = self.redemption(rid)?;
        if rec.state == RedemptionState::Failed
            && let Some(e) = &rec.error
        {
            let code = serde_json::from_value::<ErrorCode>(serde_json::Value::String(e.clone()))
                .unwrap_or(ErrorCode::BadRequest);
            return Err(EngineError::Voucher(code, e.clone()));
        }
        Ok(rec)
    }

    fn apply_verify(
        &mut self,
        rid: Uuid,
        r: std::result::Result<RedemptionView, ClientError>,
    ) -> Result<()> {
        let now = now_ms();
        let c = self.store.conn();
        match r {
            Ok(v) => {
                let state = if v.status == RedemptionStatus::Cancelled {
                    "cancelled"
                } else {
                    "redeemed"
                };
                c.execute(
                    "UPDATE redemptions SET state = ?1, title = ?2, value = ?3, cancel_deadline_ms = ?4, updated_at_ms = ?5, error = NULL WHERE request_id = ?6",
                    params![state, v.title, v.value.to_string(), v.cancel_deadline_ms, now, rid.to_string()],
                )?;
            }
            Err(e) if e.is_unknown_outcome() || matches!(e, ClientError::Unreachable(_)) => {
                c.execute("UPDATE redemptions SET state = 'unknown', updated_at_ms = ?1 WHERE request_id = ?2", params![now, rid.to_string()])?;
            }
            Err(ClientError::Api { error, .. }) => {
                let code = serde_json::to_value(error.code)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default();
                c.execute(
                    "UPDATE redemptions SET state = 'failed', error = ?1, updated_at_ms = ?2 WHERE request_id = ?3",
                    params![code, now, rid.to_string()],
                )?;
            }
            Err(e) => {
                c.execute("UPDATE redemptions SET state = 'unknown', error = ?1, updated_at_ms = ?2 WHERE request_id = ?3", params![e.to_string(), now, rid.to_string()])?;
            }
        }
        Ok(())
    }

    /// Cancels a redemption within the platform's window.
    pub async fn redeem_cancel(
        &mut self,
        s: &Session,
        request_id: Uuid,
    ) -> Result<RedemptionRecord> {
        s.require(Action::CancelRedemption)?;
        let before = self.redemption(request_id)?;
        let v = self
            .client
            .redemption_cancel(request_id)
            .await
            .map_err(voucher_error)?;
        let tx = self.store.conn_mut().transaction()?;
        tx.execute(
            "UPDATE redemptions SET state = 'cancelled', cancel_deadline_ms = ?1, updated_at_ms = ?2 WHERE request_id = ?3",
            params![v.cancel_deadline_ms, now_ms(), request_id.to_string()],
        )?;
        audit(
            &tx,
            &s.user_id,
            "redeem.cancel",
            &request_id.to_string(),
            Some(before.state.as_str()),
            Some("cancelled"),
        )?;
        tx.commit()?;
        self.redemption(request_id)
    }

    pub async fn redeem_query(
        &mut self,
        s: &Session,
        request_id: Uuid,
    ) -> Result<RedemptionRecord> {
        s.require(Action::Redeem)?;
        let r = self.client.redemption_query(request_id).await;
        match r {
            Ok(v) => self.apply_verify(request_id, Ok(v))?,
            Err(ClientError::Api { error, .. }) if error.code == ErrorCode::NotFound => {}
            Err(e) => return Err(e.into()),
        }
        self.redemption(request_id)
    }

    pub fn redemption(&self, rid: Uuid) -> Result<RedemptionRecord> {
        self.store
            .conn()
            .query_row(
                "SELECT code, title, value, state, cancel_deadline_ms, error FROM redemptions WHERE request_id = ?1",
                [rid.to_string()],
                |r| {
                    let value: String = r.get(2)?;
                    let state: String = r.get(3)?;
                    let rid_s = rid.to_string();
                    let at = At { table: "redemptions", row: &rid_s };
                    Ok(RedemptionRecord {
                        request_id: rid,
                        code: r.get(0)?,
                        title: r.get(1)?,
                        value: at.money("value", &value)?,
                        state: at.parsed("state", &state, RedemptionState::parse)?,
                        cancel_deadline_ms: r.get(4)?,
                        error: r.get(5)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| EngineError::NoSuchOrder(rid.to_string()))
    }

    /// Verifies left `verifying`/`unknown` are resolved by querying the same request id,
    /// and re-sent under it when the platform never saw them.
    pub(crate) async fn resume_redemptions(&mut self) -> Result<()> {
        let open: Vec<(String, String, String)> = {
            let c = self.store.conn();
            let mut st = c.prepare("SELECT request_id, code, cashier_id FROM redemptions WHERE state IN ('verifying','unknown')")?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect::<Result<Vec<_>, _>>()?
        };
        for (rid, code, cashier) in open {
            let Ok(id) = Uuid::parse_str(&rid) else {
                continue;
            };
            match self.client.redemption_query(id).await {
                Ok(v) => self.apply_verify(id, Ok(v))?,
                Err(ClientError::Api { error, .. }) if error.code == ErrorCode::NotFound => {
                    let r = self
                        .client
                        .redemption_verify(&VerifyRequest {
                            request_id: id,
                            code,
                            cashier_id: cashier,
                        })
                        .await;
                    self.apply_verify(id, r)?;
                }
                Err(_) => return Ok(()),
            }
        }
        Ok(())
    }
}

/// Redemptions sent without a final answer yet (verifying, or unknown until queried).
pub fn open_redemptions(c: &cardcat_store::rusqlite_reexport::Connection) -> crate::Result<usize> {
    let n: i64 = c.query_row(
        "SELECT count(*) FROM redemptions WHERE state IN ('verifying', 'unknown')",
        [],
        |r| r.get(0),
    )?;
    Ok(usize::try_from(n).unwrap_or(0))
}
