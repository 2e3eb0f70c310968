//! Orders: validate → persist → send → follow, and resolution of every open order by
//! status query with the same key.

use std::time::{Duration, Instant};

use cardcat_client::ClientError;
use cardcat_core::ledger::entries_for;
use cardcat_core::order::{ATTENTION_AFTER_ATTEMPTS, backoff_secs, transition};
use cardcat_core::roles::Action;
use cardcat_core::shift::PaymentMethod;
use cardcat_core::{
    AccountInput, Money, OrderEvent, OrderState, ProductKind, Quote, RemoteStatus, Transition,
    day_utc8,
};
use cardcat_store::rusqlite_reexport::{
    Connection, OptionalExtension, TransactionBehavior, params,
};
use cardcat_wire::{CreateOrderRequest, ErrorCode, OrderView, PinPayload};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::outbox::audit;
use crate::stored::At;
use crate::vault::mask;
use crate::{Engine, EngineError, Result, Session, now_ms};

/// How long after a success the platform may still reverse it; SUCCEEDED orders are
/// re-checked (at a falling rate) for this long.
pub const REVERSAL_WATCH_MS: i64 = 72 * 3_600_000;
const WATCH_STEPS_SECS: [i64; 6] = [60, 300, 1800, 7200, 21_600, 86_400];
/// How long a just-placed order is left to the sale's own first send before any resume
/// checks it (the client's time limit plus a margin).
pub const FIRST_SEND_GRACE_MS: i64 = 12_000;
/// FAILED must be read this many times in a row before it is believed.
pub const FAILED_CONFIRMATIONS: i64 = 2;

#[derive(Debug, Clone)]
pub struct SellRequest {
    pub sku: String,
    pub account: AccountInput,
    pub qty: u32,
    pub payment: PaymentMethod,
    /// An owner's session that authorises selling despite an open order for the same account and amount.
    pub override_by: Option<Session>,
    /// Failover: the FAILED/REFUNDED/CANCELLED order this new order replaces.
    pub replaces: Option<Uuid>,
    /// The earlier sale of the same thing the cashier was shown and confirmed selling again
    /// (see [`EngineError::RepeatSale`]).
    pub confirm_repeat: Option<Uuid>,
}

impl SellRequest {
    pub fn new(sku: impl Into<String>, account: impl Into<String>) -> SellRequest {
        SellRequest {
            sku: sku.into(),
            account: AccountInput::new(account),
            qty: 1,
            payment: PaymentMethod::Cash,
            override_by: None,
            replaces: None,
            confirm_repeat: None,
        }
    }
}

/// An order persisted locally and ready to send.
#[derive(Debug, Clone)]
pub struct PreparedOrder {
    pub key: Uuid,
    pub request: CreateOrderRequest,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRecord {
    pub client_key: Uuid,
    pub sku: String,
    pub product_name: String,
    pub kind: ProductKind,
    pub qty: u32,
    pub account: String,
    pub price: Money,
    pub cost: Money,
    pub commission: Money,
    pub payment: PaymentMethod,
    pub cashier_id: String,
    pub state: OrderState,
    pub platform_order_id: Option<String>,
    pub failure: Option<String>,
    pub created_at_ms: i64,
    pub needs_attention: bool,
    pub replaces: Option<String>,
    /// PINs: in full only at the sale (first view) or on an authorised reveal; masked otherwise.
    pub pins: Vec<PinPayload>,
    /// True when `pins` are shown in full.
    pub pins_in_full: bool,
    /// A later view: receipts print 副本/REPRINT.
    pub copy: bool,
    /// The result reached the customer (screen or paper), or was set aside.
    pub handed_over: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ResumeReport {
    pub checked: usize,
    pub changed: usize,
    pub resent: usize,
    pub still_open: usize,
    pub needs_attention: usize,
    pub unreachable: bool,
}

pub(crate) struct Row {
    pub key: String,
    pub sku: String,
    pub product_name: String,
    pub kind: ProductKind,
    pub qty: u32,
    pub account: String,
    pub price: Money,
    pub cost: Money,
    pub commission: Money,
    pub cashier_id: String,
    pub state: OrderState,
    pub platform_order_id: Option<String>,
    pub failure: Option<String>,
    pub created_at_ms: i64,
    pub unit_cost: Money,
    pub payment: PaymentMethod,
    pub pins_enc: Option<Vec<u8>>,
    pub pin_views: i64,
    pub attempts: i64,
    pub needs_attention: bool,
    pub failed_reads: i64,
    pub replaces: Option<String>,
    pub day: String,
    pub handed_over_ms: Option<i64>,
    pub set_aside_by: Option<String>,
}

const ROW_COLS: &str = "client_key, sku, product_name, kind, qty, account, price, cost, commission, cashier_id, state, \
    platform_order_id, failure, created_at_ms, unit_cost, payment_method, pins_enc, pin_views, attempts, needs_attention, \
    failed_reads, replaces, day, handed_over_ms, set_aside_by";

fn read_row(
    r: &cardcat_store::rusqlite_reexport::Row<'_>,
) -> cardcat_store::rusqlite_reexport::Result<Row> {
    let key: String = r.get(0)?;
    let at = At {
        table: "orders",
        row: &key,
    };
    let state: String = r.get(10)?;
    let kind: String = r.get(3)?;
    let payment: String = r.get(15)?;
    Ok(Row {
        sku: r.get(1)?,
        product_name: r.get(2)?,
        kind: at.kind(&kind)?,
        qty: r.get(4)?,
        account: r.get(5)?,
        price: at.money("price", &r.get::<_, String>(6)?)?,
        cost: at.money("cost", &r.get::<_, String>(7)?)?,
        commission: at.money("commission", &r.get::<_, String>(8)?)?,
        cashier_id: r.get(9)?,
        state: at.state(&state)?,
        platform_order_id: r.get(11)?,
        failure: r.get(12)?,
        created_at_ms: r.get(13)?,
        unit_cost: at.money("unit_cost", &r.get::<_, String>(14)?)?,
        payment: at.payment(&payment)?,
        pins_enc: r.get(16)?,
        pin_views: r.get(17)?,
        attempts: r.get(18)?,
        needs_attention: r.get(19)?,
        failed_reads: r.get(20)?,
        replaces: r.get(21)?,
        day: r.get(22)?,
        handed_over_ms: r.get(23)?,
        set_aside_by: r.get(24)?,
        key,
    })
}

pub(crate) fn load(c: &Connection, key: &str) -> Result<Row> {
    c.query_row(
        &format!("SELECT {ROW_COLS} FROM orders WHERE client_key = ?1"),
        [key],
        read_row,
    )
    .optional()?
    .ok_or_else(|| EngineError::NoSuchOrder(key.to_string()))
}

impl Row {
    fn quote(&self) -> Quote {
        Quote {
            qty: self.qty,
            price: self.price,
            cost: self.cost,
            commission: self.commission,
        }
    }

    fn request(&self) -> Result<CreateOrderRequest> {
        Ok(CreateOrderRequest {
            client_key: Uuid::parse_str(&self.key)
                .map_err(|e| EngineError::Invalid(e.to_string()))?,
            sku: self.sku.clone(),
            qty: self.qty,
            account: serde_json::from_str(&self.account)
                .map_err(|e| EngineError::Invalid(e.to_string()))?,
            unit_cost: self.unit_cost,
            cashier_id: self.cashier_id.clone(),
        })
    }
}

fn log_event(
    c: &Connection,
    key: &str,
    event: &str,
    from: Option<OrderState>,
    to: Option<OrderState>,
    detail: Option<&str>,
) -> Result<()> {
    c.execute(
        "INSERT INTO order_events (client_key, at_ms, event, from_state, to_state, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![key, now_ms(), event, from.map(|s| s.as_str()), to.map(|s| s.as_str()), detail],
    )?;
    Ok(())
}

fn watch_next(created_at_ms: i64, step: i64, now: i64) -> i64 {
    if now - created_at_ms > REVERSAL_WATCH_MS {
        return 0;
    }
    let idx = usize::try_from(step)
        .unwrap_or(0)
        .min(WATCH_STEPS_SECS.len() - 1);
    now + WATCH_STEPS_SECS[idx] * 1000
}

fn is_definite_rejection(code: ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::PriceChanged
            | ErrorCode::ProductUnavailable
            | ErrorCode::NotFound
            | ErrorCode::BadRequest
    )
}

impl Engine {
    /// The local half of a sale: validate the account, price it, check the duplicate guard,
    /// and persist the order (synchronous=FULL) before anything is sent.
    pub fn place(&mut self, s: &Session, req: &SellRequest) -> Result<PreparedOrder> {
        s.require(Action::Sell)?;
        let product = self
            .store
            .product(&req.sku)?
            .ok_or_else(|| EngineError::NoSuchProduct(req.sku.clone()))?;
        let valid = product.template.validate(&req.account)?;
        let quote = product.quote(req.qty)?;
        let shift_id = self
            .open_shift_id(&s.user_id)?
            .ok_or(EngineError::ShiftNotOpen)?;
        if let Some(o) = &req.override_by {
            o.require(Action::OverrideDuplicate)?;
        }
        let sent_account = AccountInput {
            account: valid.account.clone(),
            zone: valid.zone.clone(),
        };
        let account_key = if valid.account.is_empty() {
            String::new()
        } else {
            format!(
                "{}|{}",
                valid.account,
                valid.zone.clone().unwrap_or_default()
            )
        };
        let key = Uuid::now_v7();
        let key_s = key.to_string();
        let request = CreateOrderRequest {
            client_key: key,
            sku: product.sku.clone(),
            qty: req.qty,
            account: sent_account,
            unit_cost: product.cost,
            cashier_id: s.user_id.clone(),
        };
        let account_json = serde_json::to_string(&request.account)
            .map_err(|e| EngineError::Invalid(e.to_string()))?;
        let body = serde_json::to_vec(&request).map_err(|e| EngineError::Invalid(e.to_string()))?;
        let now = now_ms();
        let window = self.intent_window_ms()?;
        let sending = transition(OrderState::Draft, OrderEvent::Send)
            .map_err(|e| EngineError::Invalid(e.to_string()))?
            .state();

        let tx = self
            .store
            .conn_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some(old) = req.replaces {
            let old_row = load(&tx, &old.to_string())?;
            if !old_row.state.allows_new_key() {
                return Err(EngineError::CannotReplace {
                    key: old.to_string(),
                    state: old_row.state,
                });
            }
        }
        if !account_key.is_empty() {
            let open: Option<(String, String)> = tx
                .query_row(
                    "SELECT client_key, state FROM orders WHERE account_key = ?1 AND price = ?2
                     AND state IN ('DRAFT','SENDING','PENDING','UNKNOWN') LIMIT 1",
                    params![account_key, quote.price.to_string()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((existing, st)) = open {
                let state = At {
                    table: "orders",
                    row: &existing,
                }
                .state(&st)?;
                match &req.override_by {
                    None => return Err(EngineError::Duplicate { existing, state }),
                    Some(owner) => audit(
                        &tx,
                        &owner.user_id,
                        "order.duplicate_override",
                        &key_s,
                        Some(&format!(
                            "open order {existing} ({st}) for {account_key} {}",
                            quote.price
                        )),
                        Some(&format!("new order {key_s} by cashier {}", s.user_id)),
                    )?,
                }
            }
        }
        // The customer's view: nothing new for a product/account whose last result is still
        // owed to them, and no repeat of a recent sale without the cashier's confirmation.
        if let Some(prior) = crate::delivery::owed_conflict(&tx, &product.sku, &account_key)?
            .filter(|p| Some(p.key) != req.replaces)
        {
            return Err(EngineError::Owed(Box::new(prior)));
        }
        // window 0: no check on succeeded sales, but an open one is always shown first
        let since = if window > 0 { now - window } else { i64::MAX };
        if let Some(prior) = crate::delivery::repeat_of(&tx, &product.sku, &account_key, since)?
            .filter(|p| Some(p.key) != req.replaces)
        {
            let confirmed = req.confirm_repeat == Some(prior.key);
            match (&req.override_by, confirmed) {
                (None, false) => return Err(EngineError::RepeatSale(Box::new(prior))),
                (who, _) => audit(
                    &tx,
                    who.as_ref()
                        .map_or(s.user_id.as_str(), |o| o.user_id.as_str()),
                    "order.repeat_confirmed",
                    &key_s,
                    Some(&format!(
                        "{} {} at {} ({}, handed over: {})",
                        prior.key,
                        prior.sku,
                        prior.created_at_ms,
                        prior.state.as_str(),
                        prior.handed_over
                    )),
                    Some(&format!("new order {key_s} by cashier {}", s.user_id)),
                )?,
            }
        }
        tx.execute(
            "INSERT INTO orders (client_key, sku, product_name, kind, qty, account, price, cost, commission, cashier_id, state,
                created_at_ms, updated_at_ms, account_key, unit_cost, face_value, payment_method, shift_id, next_check_ms,
                replaces, override_by, day)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
            params![
                key_s,
                product.sku,
                product.name,
                product.kind.as_str(),
                req.qty,
                account_json,
                quote.price.to_string(),
                quote.cost.to_string(),
                quote.commission.to_string(),
                s.user_id,
                sending.as_str(),
                now,
                account_key,
                product.cost.to_string(),
                product.face_value.to_string(),
                req.payment.as_str(),
                shift_id,
                // the first send (by the sale's worker) may take the client's whole time limit;
                // nobody else checks the order before that
                now + FIRST_SEND_GRACE_MS,
                req.replaces.map(|u| u.to_string()),
                req.override_by.as_ref().map(|o| o.user_id.clone()),
                day_utc8(now),
            ],
        )?;
        log_event(&tx, &key_s, "create", None, Some(OrderState::Draft), None)?;
        log_event(
            &tx,
            &key_s,
            "send",
            Some(OrderState::Draft),
            Some(sending),
            None,
        )?;
        audit(
            &tx,
            &s.user_id,
            "order.create",
            &key_s,
            None,
            Some(&format!(
                "{} ×{} {} {} {}",
                product.sku,
                req.qty,
                quote.price,
                req.payment.as_str(),
                valid.account
            )),
        )?;
        tx.commit()?;
        Ok(PreparedOrder { key, request, body })
    }

    /// Sells: refuses up front when the platform is unreachable, persists, sends, follows
    /// the order for up to `follow_for`, and returns it (PINs in full: this is the sale).
    pub async fn sell(&mut self, s: &Session, req: &SellRequest) -> Result<OrderRecord> {
        s.require(Action::Sell)?;
        self.ensure_online().await?;
        let p = self.place(s, req)?;
        let r = self.client.create_order(&p.request).await;
        self.handle_create(&p.key.to_string(), r)?;
        self.follow(&p.key.to_string(), self.follow_for).await?;
        self.record(&p.key.to_string(), PinView::Sale, None)
    }

    /// Sends a placed order (the first send, under its key) and applies the answer:
    /// the second half of [`sell`](Self::sell), for a background worker.
    pub async fn submit(&mut self, p: &PreparedOrder) -> Result<()> {
        let r = self.client.create_order(&p.request).await;
        self.handle_create(&p.key.to_string(), r)
    }

    /// Like [`follow`](Self::follow), calling `on_change(from, to)` whenever the order's
    /// state changes (the event stream of the counter service).
    pub async fn follow_with(
        &mut self,
        key: &str,
        wait: Duration,
        on_change: &mut (dyn FnMut(OrderState, OrderState) + Send),
    ) -> Result<OrderState> {
        let start = Instant::now();
        let mut last = self.order_state(key)?;
        loop {
            let (state, next) = self.store.conn().query_row(
                "SELECT state, next_check_ms FROM orders WHERE client_key = ?1",
                [key],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
            )?;
            let state = At {
                table: "orders",
                row: key,
            }
            .state(&state)?;
            if state != last {
                on_change(last, state);
                last = state;
            }
            if state.is_final() || start.elapsed() >= wait {
                return Ok(state);
            }
            let left = wait.saturating_sub(start.elapsed());
            let due_in = Duration::from_millis(u64::try_from(next - now_ms()).unwrap_or(0));
            if due_in > left {
                return Ok(state);
            }
            // never a busy loop, whatever a check left in next_check_ms
            tokio::time::sleep(due_in.max(Duration::from_millis(200))).await;
            self.check(key).await?;
        }
    }

    /// The current state of one order.
    pub fn order_state(&self, key: &str) -> Result<OrderState> {
        let st: String = self
            .store
            .conn()
            .query_row(
                "SELECT state FROM orders WHERE client_key = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| EngineError::NoSuchOrder(key.to_string()))?;
        Ok(At {
            table: "orders",
            row: key,
        }
        .state(&st)?)
    }

    /// The order as the sale shows it: PINs in full on this, their first showing.
    pub fn sale_record(&mut self, s: &Session, key: &str) -> Result<OrderRecord> {
        s.require(Action::Sell)?;
        self.record(key, PinView::Sale, Some(s))
    }

    /// The order for a reprint, and whether the paper is a 副本 copy. A PIN prints in full
    /// only on its first showing; every later print is a masked copy.
    pub fn reprint(&mut self, s: &Session, key: &str) -> Result<(OrderRecord, bool)> {
        s.require(Action::Reprint)?;
        let rec = self.record(key.trim(), PinView::FirstOrMasked, Some(s))?;
        let copy = !rec.pins_in_full;
        Ok((rec, copy))
    }

    /// Sends (or re-sends, under the same key) and applies the answer.
    fn handle_create(
        &mut self,
        key: &str,
        r: std::result::Result<OrderView, ClientError>,
    ) -> Result<()> {
        match r {
            Ok(view) => self.apply_view(key, &view),
            Err(ClientError::Api { error, .. }) if is_definite_rejection(error.code) => {
                self.apply_rejection(key, &error.message)
            }
            Err(e @ (ClientError::Api { .. } | ClientError::Http { .. }))
                if !e.is_unknown_outcome() =>
            {
                // Refused for a reason that is not about the order (signature, clock, conflict):
                // the outcome is not known to be "not created", so keep it open for a person.
                self.note_no_answer(key, &e.to_string(), true)
            }
            Err(e) => self.note_no_answer(key, &e.to_string(), false),
        }
    }

    fn note_no_answer(&mut self, key: &str, detail: &str, attention: bool) -> Result<()> {
        let tx = self
            .store
            .conn_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row = load(&tx, key)?;
        let t = transition(row.state, OrderEvent::NoAnswer)
            .map_err(|e| EngineError::Invalid(e.to_string()))?;
        let attempts = row.attempts + 1;
        let next = now_ms()
            + i64::try_from(backoff_secs(
                u32::try_from(row.attempts).unwrap_or(u32::MAX),
            ))
            .unwrap_or(60)
                * 1000;
        let needs =
            attention || row.needs_attention || attempts >= i64::from(ATTENTION_AFTER_ATTEMPTS);
        tx.execute(
            "UPDATE orders SET state = ?1, attempts = ?2, next_check_ms = ?3, needs_attention = ?4, updated_at_ms = ?5 WHERE client_key = ?6",
            params![t.state().as_str(), attempts, next, needs, now_ms(), key],
        )?;
        log_event(
            &tx,
            key,
            "no_answer",
            Some(row.state),
            Some(t.state()),
            Some(detail),
        )?;
        tx.commit()?;
        Ok(())
    }

    fn apply_rejection(&mut self, key: &str, message: &str) -> Result<()> {
        let tx = self
            .store
            .conn_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row = load(&tx, key)?;
        if let Ok(Transition::Changed { from, to }) =
            transition(row.state, OrderEvent::Remote(RemoteStatus::Failed))
        {
            tx.execute(
                "UPDATE orders SET state = ?1, failure = ?2, next_check_ms = 0, updated_at_ms = ?3 WHERE client_key = ?4",
                params![to.as_str(), message, now_ms(), key],
            )?;
            log_event(&tx, key, "rejected", Some(from), Some(to), Some(message))?;
            audit(
                &tx,
                "platform",
                "order.rejected",
                key,
                Some(from.as_str()),
                Some(message),
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The one place platform reports (create response, poll, batch, callback) change an order.
    pub(crate) fn apply_view(&mut self, key: &str, view: &OrderView) -> Result<()> {
        let now = now_ms();
        let tx = self
            .store
            .conn_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row = load(&tx, key)?;
        let failure = view
            .failure
            .as_ref()
            .map(|f| format!("{}: {}", f.code, f.message));
        // FAILED must be read twice in a row before a customer is refunded.
        if view.status == RemoteStatus::Failed
            && !row.state.is_final()
            && row.failed_reads + 1 < FAILED_CONFIRMATIONS
        {
            tx.execute(
                "UPDATE orders SET failed_reads = failed_reads + 1, next_check_ms = ?1, platform_order_id = ?2, updated_at_ms = ?1 WHERE client_key = ?3",
                params![now, view.platform_order_id, key],
            )?;
            log_event(
                &tx,
                key,
                "failed_unconfirmed",
                Some(row.state),
                None,
                failure.as_deref(),
            )?;
            tx.commit()?;
            return Ok(());
        }
        let t = transition(row.state, OrderEvent::Remote(view.status))
            .map_err(|e| EngineError::Invalid(e.to_string()))?;
        // PINs arrive with SUCCEEDED; seal them once.
        let sealed = if row.pins_enc.is_none() && !view.pins.is_empty() {
            Some(self.vault.seal(key, &view.pins)?)
        } else {
            None
        };
        if let Some(blob) = &sealed {
            tx.execute(
                "UPDATE orders SET pins_enc = ?1 WHERE client_key = ?2",
                params![blob, key],
            )?;
        }
        match t {
            Transition::Changed { from, to } => {
                let next = match to {
                    OrderState::Succeeded => watch_next(row.created_at_ms, 0, now),
                    s if s.is_final() => 0,
                    _ => now + i64::try_from(backoff_secs(0)).unwrap_or(2) * 1000,
                };
                let attempts = if to == OrderState::Succeeded { 1 } else { 0 };
                tx.execute(
                    "UPDATE orders SET state = ?1, platform_order_id = ?2, failure = ?3, failed_reads = 0, attempts = ?4,
                        next_check_ms = ?5, needs_attention = CASE WHEN ?6 THEN 0 ELSE needs_attention END, updated_at_ms = ?7
                     WHERE client_key = ?8",
                    params![to.as_str(), view.platform_order_id, failure, attempts, next, to.is_final(), now, key],
                )?;
                for (kind, amount) in entries_for(from, to, &row.quote()) {
                    tx.execute(
                        "INSERT INTO ledger (client_key, kind, amount, sku, cashier_id, day, at_ms, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                        params![key, kind.as_str(), amount.to_string(), row.sku, row.cashier_id, row.day, now, to.as_str()],
                    )?;
                }
                log_event(&tx, key, "remote", Some(from), Some(to), failure.as_deref())?;
                if to.is_final() {
                    audit(
                        &tx,
                        "platform",
                        &format!("order.{}", to.as_str().to_lowercase()),
                        key,
                        Some(from.as_str()),
                        Some(&format!("{} {}", row.sku, row.price)),
                    )?;
                }
            }
            Transition::Unchanged(s) => {
                let next = if s == OrderState::Succeeded {
                    watch_next(row.created_at_ms, row.attempts, now)
                } else if s.is_final() {
                    0
                } else {
                    now + i64::try_from(backoff_secs(
                        u32::try_from(row.attempts).unwrap_or(u32::MAX),
                    ))
                    .unwrap_or(60)
                        * 1000
                };
                let attempts = row.attempts + 1;
                let needs = !s.is_final()
                    && (row.needs_attention || attempts >= i64::from(ATTENTION_AFTER_ATTEMPTS));
                tx.execute(
                    "UPDATE orders SET platform_order_id = COALESCE(platform_order_id, ?1), failed_reads = 0, attempts = ?2,
                        next_check_ms = ?3, needs_attention = ?4, updated_at_ms = ?5 WHERE client_key = ?6",
                    params![view.platform_order_id, attempts, next, needs, now, key],
                )?;
            }
            Transition::Stale { state, ignored } => {
                let next = if state == OrderState::Succeeded {
                    watch_next(row.created_at_ms, row.attempts, now)
                } else {
                    0
                };
                tx.execute(
                    "UPDATE orders SET attempts = attempts + 1, next_check_ms = ?1, updated_at_ms = ?2 WHERE client_key = ?3",
                    params![next, now, key],
                )?;
                log_event(
                    &tx,
                    key,
                    "stale_ignored",
                    Some(state),
                    Some(state),
                    Some(&format!("{ignored:?} {}", failure.unwrap_or_default())),
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// One status query for one order (and a same-key re-send if the platform never saw it).
    pub async fn check(&mut self, key: &str) -> Result<()> {
        let row = load(self.store.conn(), key)?;
        if row.state.is_final() && row.state != OrderState::Succeeded {
            return Ok(());
        }
        let uuid = Uuid::parse_str(key).map_err(|e| EngineError::Invalid(e.to_string()))?;
        match self.client.order_status(uuid).await {
            Ok(Some(view)) => self.apply_view(key, &view),
            Ok(None) => self.not_found(&row).await,
            Err(e) => self.note_no_answer(key, &e.to_string(), false),
        }
    }

    async fn not_found(&mut self, row: &Row) -> Result<()> {
        match row.state {
            OrderState::Sending | OrderState::Unknown => {
                // Never received: send again under the same key (idempotent on the platform).
                log_event(
                    self.store.conn(),
                    &row.key,
                    "resend_same_key",
                    Some(row.state),
                    None,
                    None,
                )?;
                let req = row.request()?;
                let r = self.client.create_order(&req).await;
                self.handle_create(&row.key, r)
            }
            _ => {
                self.store.conn().execute(
                    "UPDATE orders SET needs_attention = 1 WHERE client_key = ?1",
                    [&row.key],
                )?;
                log_event(
                    self.store.conn(),
                    &row.key,
                    "platform_lost_order",
                    Some(row.state),
                    None,
                    None,
                )?;
                Ok(())
            }
        }
    }

    /// Follows one order until it is final or `wait` has passed.
    pub async fn follow(&mut self, key: &str, wait: Duration) -> Result<OrderState> {
        self.follow_with(key, wait, &mut |_, _| {}).await
    }

    /// Resolves every open order that is due (all of them with `all_now`), re-checks recent
    /// successes for reversals, retries unsent redemptions, and drains the outbox.
    pub async fn resume(&mut self, all_now: bool) -> Result<ResumeReport> {
        let now = now_ms();
        let keys: Vec<(String, String)> = {
            let c = self.store.conn();
            let mut st = c.prepare(
                "SELECT client_key, state FROM orders WHERE
                   (state IN ('SENDING','PENDING','UNKNOWN') AND (?1 OR next_check_ms <= ?2)
                      AND NOT (state = 'SENDING' AND ?1 AND created_at_ms > ?2 - ?4 AND next_check_ms > ?2))
                   OR (state = 'SUCCEEDED' AND next_check_ms > 0 AND (?1 OR next_check_ms <= ?2) AND created_at_ms > ?3)
                 ORDER BY created_at_ms",
            )?;
            let rows = st.query_map(
                params![all_now, now, now - REVERSAL_WATCH_MS, FIRST_SEND_GRACE_MS],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            rows.collect::<Result<Vec<_>, _>>()?
        };
        let mut rep = ResumeReport::default();
        for chunk in keys.chunks(500) {
            let uuids: Vec<Uuid> = chunk
                .iter()
                .filter_map(|(k, _)| Uuid::parse_str(k).ok())
                .collect();
            let before: Vec<OrderState> = chunk
                .iter()
                .map(|(k, s)| {
                    At {
                        table: "orders",
                        row: k,
                    }
                    .state(s)
                })
                .collect::<Result<_, _>>()?;
            match self.client.batch_status(&uuids).await {
                Ok(resp) => {
                    for view in &resp.orders {
                        let k = view.client_key.to_string();
                        self.apply_view(&k, view)?;
                        // a first unconfirmed FAILED: read again right away
                        let fr: i64 = self.store.conn().query_row(
                            "SELECT failed_reads FROM orders WHERE client_key = ?1",
                            [&k],
                            |r| r.get(0),
                        )?;
                        if fr > 0 {
                            self.check(&k).await?;
                        }
                    }
                    for m in &resp.missing {
                        let row = load(self.store.conn(), &m.to_string())?;
                        self.not_found(&row).await?;
                        rep.resent += 1;
                    }
                }
                Err(e) => {
                    rep.unreachable = true;
                    for ((k, _), st) in chunk.iter().zip(&before) {
                        if !st.is_final() {
                            self.note_no_answer(k, &e.to_string(), false)?;
                        }
                    }
                    break;
                }
            }
            rep.checked += chunk.len();
            for ((k, _), st) in chunk.iter().zip(&before) {
                if load(self.store.conn(), k)?.state != *st {
                    rep.changed += 1;
                }
            }
        }
        if !rep.unreachable {
            let _ = self.resume_redemptions().await;
            let _ = self.drain_outbox().await;
        }
        let (open, attention): (i64, i64) = self.store.conn().query_row(
            "SELECT count(*), coalesce(sum(needs_attention), 0) FROM orders WHERE state IN ('SENDING','PENDING','UNKNOWN')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        rep.still_open = open as usize;
        rep.needs_attention = attention as usize;
        Ok(rep)
    }

    /// Orders that are not final yet, oldest first.
    pub fn pending(&mut self, s: &Session) -> Result<Vec<OrderRecord>> {
        s.require(Action::ViewOrders)?;
        let keys: Vec<String> = {
            let c = self.store.conn();
            let mut st = c.prepare("SELECT client_key FROM orders WHERE state IN ('DRAFT','SENDING','PENDING','UNKNOWN') OR needs_attention = 1 ORDER BY created_at_ms")?;
            let rows = st.query_map([], |r| r.get(0))?;
            rows.collect::<Result<Vec<_>, _>>()?
        };
        keys.iter()
            .map(|k| self.record(k, PinView::Masked, None))
            .collect()
    }

    /// One order for display or reprint. PINs are masked (a 副本) unless this is their
    /// first showing or `reveal` and the session may reveal them (audited).
    pub fn show(&mut self, s: &Session, key: &str, reveal: bool) -> Result<OrderRecord> {
        s.require(Action::ViewOrders)?;
        if reveal {
            s.require(Action::RevealPin)?;
            return self.record(key, PinView::Reveal, Some(s));
        }
        self.record(key, PinView::FirstOrMasked, Some(s))
    }

    pub(crate) fn record(
        &mut self,
        key: &str,
        view: PinView,
        who: Option<&Session>,
    ) -> Result<OrderRecord> {
        let row = load(self.store.conn(), key)?;
        let mut pins = Vec::new();
        let mut in_full = false;
        let mut copy = false;
        if let Some(blob) = &row.pins_enc {
            let clear = self.vault.open(key, blob)?;
            // Until the result reached the customer, every showing is the first one: a crash
            // between reading the PIN and showing it must not cost the customer their card.
            let first = row.handed_over_ms.is_none() && row.set_aside_by.is_none();
            in_full = match view {
                PinView::Sale | PinView::FirstOrMasked => first,
                PinView::Reveal => true,
                PinView::Masked => false,
            };
            copy = !first;
            if in_full {
                let actor = who
                    .map(|s| s.user_id.as_str())
                    .unwrap_or(row.cashier_id.as_str());
                let tx = self.store.conn_mut().transaction()?;
                tx.execute(
                    "UPDATE orders SET pin_views = pin_views + 1 WHERE client_key = ?1",
                    [key],
                )?;
                let action = if first { "pin.shown" } else { "pin.reveal" };
                audit(
                    &tx,
                    actor,
                    action,
                    key,
                    Some(&format!("views={}", row.pin_views)),
                    Some(&format!("views={}", row.pin_views + 1)),
                )?;
                tx.commit()?;
                pins = clear;
            } else {
                pins = clear
                    .into_iter()
                    .map(|p| PinPayload {
                        card_no: mask(&p.card_no),
                        pin: mask(&p.pin),
                        expires: p.expires,
                    })
                    .collect();
            }
        }
        let account: AccountInput = serde_json::from_str(&row.account).map_err(|_| {
            EngineError::Corrupt(crate::CorruptValue {
                table: "orders",
                row: row.key.clone(),
                field: "account",
                value: row.account.chars().take(64).collect(),
            })
        })?;
        Ok(OrderRecord {
            client_key: Uuid::parse_str(&row.key)
                .map_err(|e| EngineError::Invalid(e.to_string()))?,
            kind: row.kind,
            qty: row.qty,
            account: match account.zone {
                Some(z) => format!("{} / {z}", account.account),
                None => account.account,
            },
            price: row.price,
            cost: row.cost,
            commission: row.commission,
            payment: row.payment,
            cashier_id: row.cashier_id,
            state: row.state,
            platform_order_id: row.platform_order_id,
            failure: row.failure,
            created_at_ms: row.created_at_ms,
            needs_attention: row.needs_attention,
            replaces: row.replaces,
            sku: row.sku,
            product_name: row.product_name,
            pins,
            pins_in_full: in_full,
            copy,
            handed_over: row.handed_over_ms.is_some() || row.set_aside_by.is_some(),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PinView {
    Sale,
    FirstOrMasked,
    Reveal,
    Masked,
}
