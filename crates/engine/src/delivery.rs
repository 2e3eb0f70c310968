//! What the customer actually got. An order key protects the platform from a double send;
//! this protects the customer from a cashier who sells again because the screen went blank.
//!
//! Invariant: an order's result (success, PINs, failure slip) is *owed* until it reached the
//! screen or paper (`handed_over_ms`, set only after that really happened) or a person set it
//! aside (audited). The fact is in the order row, written in the same store as the order, so
//! a crash cannot lose it.
//! Invariant: no new sale is placed for the product and account of an owed order.
//! Invariant: a sale of the same product to the same account (or of the same PIN-card
//! product at this terminal) that succeeded or is open within the intent window is refused
//! until the cashier confirms it after being shown that order; the confirmation is audited.

use cardcat_core::OrderState;
use cardcat_core::roles::Action;
use cardcat_store::rusqlite_reexport::{Connection, OptionalExtension, params};
use serde::Serialize;
use uuid::Uuid;

use crate::outbox::audit;
use crate::stored::At;
use crate::{Engine, EngineError, Result, Session, now_ms};

/// Owner setting: the intent window in seconds.
pub const K_INTENT_WINDOW_SECS: &str = "intent_window_secs";
pub const DEFAULT_INTENT_WINDOW_SECS: i64 = 600;

/// How a result reached the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HandOver {
    /// The front end showed it (and said so after drawing it).
    Screen,
    /// The printer took the whole receipt.
    Paper,
}

impl HandOver {
    pub fn as_str(self) -> &'static str {
        match self {
            HandOver::Screen => "screen",
            HandOver::Paper => "paper",
        }
    }
}

/// An earlier sale the cashier must see before selling the same thing again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriorSale {
    pub key: Uuid,
    pub sku: String,
    pub product_name: String,
    pub account: String,
    pub created_at_ms: i64,
    pub state: OrderState,
    /// Its result reached the customer (screen or paper).
    pub handed_over: bool,
}

const FINAL: &str = "'SUCCEEDED','FAILED','REFUNDED','CANCELLED','REVERSED'";

fn prior_from_row(
    r: &cardcat_store::rusqlite_reexport::Row<'_>,
) -> cardcat_store::rusqlite_reexport::Result<PriorSale> {
    let key: String = r.get(0)?;
    let state: String = r.get(5)?;
    let account_json: String = r.get(3)?;
    let at = At {
        table: "orders",
        row: &key,
    };
    let account = serde_json::from_str::<cardcat_core::AccountInput>(&account_json)
        .map(|a| match a.zone {
            Some(z) => format!("{} / {z}", a.account),
            None => a.account,
        })
        .unwrap_or(account_json);
    Ok(PriorSale {
        key: at.parsed("client_key", &key, |k| Uuid::parse_str(k).ok())?,
        sku: r.get(1)?,
        product_name: r.get(2)?,
        account,
        created_at_ms: r.get(4)?,
        state: at.state(&state)?,
        handed_over: r.get::<_, Option<i64>>(6)?.is_some(),
    })
}

const PRIOR_COLS: &str =
    "client_key, sku, product_name, account, created_at_ms, state, handed_over_ms";

/// An owed order for this product/account: final, not handed over, not set aside.
/// `account_key` empty means a product without an account (a PIN card): match the SKU.
pub(crate) fn owed_conflict(
    c: &Connection,
    sku: &str,
    account_key: &str,
) -> Result<Option<PriorSale>> {
    let sql = format!(
        "SELECT {PRIOR_COLS} FROM orders WHERE state IN ({FINAL}) AND handed_over_ms IS NULL
           AND set_aside_by IS NULL AND (CASE WHEN ?2 = '' THEN sku = ?1 ELSE account_key = ?2 END)
         ORDER BY created_at_ms DESC LIMIT 1"
    );
    Ok(c.query_row(&sql, params![sku, account_key], prior_from_row)
        .optional()?)
}

/// The latest sale of the same product to the same account (or of the same PIN-card
/// product) that succeeded or is still open, since `since_ms`.
pub(crate) fn repeat_of(
    c: &Connection,
    sku: &str,
    account_key: &str,
    since_ms: i64,
) -> Result<Option<PriorSale>> {
    let sql = format!(
        "SELECT {PRIOR_COLS} FROM orders WHERE sku = ?1 AND account_key = ?2 AND created_at_ms >= ?3
           AND state IN ('DRAFT','SENDING','PENDING','UNKNOWN','SUCCEEDED')
         ORDER BY created_at_ms DESC LIMIT 1"
    );
    Ok(
        c.query_row(&sql, params![sku, account_key, since_ms], prior_from_row)
            .optional()?,
    )
}

/// Orders not final yet, and final orders whose result is still owed (on `c`, which may be
/// inside a transaction).
pub fn open_and_owed(c: &Connection) -> Result<(usize, usize)> {
    let (open, owed): (i64, i64) = c.query_row(
        &format!(
            "SELECT coalesce(sum(state IN ('DRAFT','SENDING','PENDING','UNKNOWN')), 0),
                    coalesce(sum(state IN ({FINAL}) AND handed_over_ms IS NULL
                                 AND set_aside_by IS NULL), 0)
             FROM orders"
        ),
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok((
        usize::try_from(open).unwrap_or(0),
        usize::try_from(owed).unwrap_or(0),
    ))
}

impl Engine {
    /// The intent window (owner-configurable), in milliseconds.
    pub fn intent_window_ms(&self) -> Result<i64> {
        let secs = match self.store.setting(K_INTENT_WINDOW_SECS)? {
            Some(v) => At {
                table: "settings",
                row: K_INTENT_WINDOW_SECS,
            }
            .parsed("value", &v, |v| {
                v.parse::<i64>().ok().filter(|s| (0..=86_400).contains(s))
            })?,
            None => DEFAULT_INTENT_WINDOW_SECS,
        };
        Ok(secs * 1000)
    }

    /// Sets the intent window (owner only), 0 to 86,400 seconds.
    pub fn set_intent_window(&mut self, s: &Session, secs: i64) -> Result<()> {
        if !(0..=86_400).contains(&secs) {
            return Err(EngineError::Invalid(format!("intent window {secs}")));
        }
        let v = secs.to_string();
        crate::settings::configure(
            &mut self.store,
            Some(s),
            Action::ConfigureCounter,
            &[(K_INTENT_WINDOW_SECS, v.as_str())],
        )
    }

    /// Orders whose result has not reached the customer, oldest first.
    pub fn owed(&mut self, s: &Session) -> Result<Vec<crate::OrderRecord>> {
        s.require(Action::ViewOrders)?;
        let keys: Vec<String> = {
            let c = self.store.conn();
            let mut st = c.prepare(&format!(
                "SELECT client_key FROM orders WHERE state IN ({FINAL}) AND handed_over_ms IS NULL
                   AND set_aside_by IS NULL ORDER BY created_at_ms"
            ))?;
            let rows = st.query_map([], |r| r.get(0))?;
            rows.collect::<Result<Vec<_>, _>>()?
        };
        keys.iter()
            .map(|k| self.record(k, crate::orders::PinView::Masked, None))
            .collect()
    }

    /// Records that an order's result reached the customer. Only a final order has a
    /// result to hand over; returns whether this call recorded it.
    pub fn hand_over(&mut self, s: &Session, key: &str, via: HandOver) -> Result<bool> {
        s.require(Action::ViewOrders)?;
        self.record_hand_over(&s.user_id.clone(), key, via)
    }

    /// Records a delivery the printer itself confirmed (a queued receipt that printed
    /// later), attributed to the printer. Only a final order's result; no role involved,
    /// because nobody asked for it: the paper left the printer.
    pub fn hand_over_printed(&mut self, key: &str) -> Result<bool> {
        self.record_hand_over("printer", key, HandOver::Paper)
    }

    fn record_hand_over(&mut self, actor: &str, key: &str, via: HandOver) -> Result<bool> {
        let tx = self.store.conn_mut().transaction()?;
        let n = tx.execute(
            &format!(
                "UPDATE orders SET handed_over_ms = ?1, handed_over_via = ?2
                 WHERE client_key = ?3 AND handed_over_ms IS NULL AND state IN ({FINAL})"
            ),
            params![now_ms(), via.as_str(), key],
        )?;
        if n == 1 {
            audit(
                &tx,
                actor,
                "order.handed_over",
                key,
                None,
                Some(via.as_str()),
            )?;
        }
        tx.commit()?;
        Ok(n == 1)
    }

    /// Sets an owed order aside without handing it over (the customer left, the result is
    /// handled elsewhere). Audited with the reason.
    pub fn set_aside(&mut self, s: &Session, key: &str, reason: &str) -> Result<()> {
        s.require(Action::ViewOrders)?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 200 {
            return Err(EngineError::Invalid("reason".into()));
        }
        let tx = self.store.conn_mut().transaction()?;
        let n = tx.execute(
            &format!(
                "UPDATE orders SET set_aside_by = ?1 WHERE client_key = ?2 AND handed_over_ms IS NULL
                   AND set_aside_by IS NULL AND state IN ({FINAL})"
            ),
            params![s.user_id, key],
        )?;
        if n == 0 {
            return Err(EngineError::NoSuchOrder(key.to_string()));
        }
        audit(&tx, &s.user_id, "order.set_aside", key, None, Some(reason))?;
        tx.commit()?;
        Ok(())
    }
}
