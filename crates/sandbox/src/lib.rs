//! # CardCat sandbox
//!
//! A real HTTP implementation of the upstream B2B 卡盟 platform that CardCat talks to,
//! with its own SQLite file that survives restarts. It serves the signed `/v1` API of
//! `cardcat-wire` (activation, catalog full/delta sync, idempotent orders, voucher
//! redemption, statements) and `/admin` routes for tests (pairing codes, vouchers,
//! chaos, catalog churn, statement mismatches, fulfilment counts).
//!
//! The server always uses the real system clock, so clients with a skewed clock get
//! `clock_skew` answers with `server_time_ms` set.
//!
//! ## Scripted order outcomes
//!
//! The outcome of `POST /v1/orders` is chosen by the **last three digits** of the
//! account as typed (`account.account`, digits only; an account with fewer than three
//! digits, e.g. the empty account of a PIN card, uses the default):
//!
//! | last 3 digits | outcome |
//! |---|---|
//! | (default) | immediate `SUCCEEDED`; products with template `none` (PIN cards, vouchers) deliver `qty` PINs (16-digit card number, 18-character PIN) |
//! | `101` | `SUCCEEDED` with a PIN payload even for non-PIN products |
//! | `201` | `FAILED` `{code:"invalid_account"}` |
//! | `301` | `FAILED` `{code:"supplier_down"}` |
//! | `401` | `PENDING` until `created_at + slow_secs`, then `SUCCEEDED` |
//! | `501` | committed and fulfilled, but the response body aborts (broken connection) |
//! | `601` | `SUCCEEDED`, then `REVERSED` after `reverse_after_secs` |
//! | `701` | `SUCCEEDED`; the first status query afterwards answers a stale `FAILED` once, then `SUCCEEDED` forever |
//! | `801` | `PENDING` for 3 s, then `FAILED` `{code:"timeout_upstream"}` |
//! | `901` | the first attempt for a `client_key` answers 503 `unavailable` and commits nothing; a retry with the same key is processed normally (default outcome) |
//!
//! Time-based transitions are evaluated lazily whenever an order is read (status query,
//! batch status, create replay, statement) and persisted, so they survive restarts.
//! A row in `fulfilments` is written exactly once, when an order first becomes
//! `SUCCEEDED` (at creation for immediate success); [`fulfilment_count`] reads it.
//!
//! Seed vouchers: see `README.md` ([`SEED_VOUCHER_CODES`]).
//!
//! ## Module layout
//!
//! Module dependencies form a DAG ("A → B" means A uses items of B); no module uses
//! items of the crate root, which wires everything together:
//!
//! - leaves: `clock` (the one `now_ms`, UTC+8 days), `config` ([`SandboxConfig`]),
//!   `error` (API errors, JSON and aborted responses), `products` (product and
//!   category row mapping)
//! - `throttle` (pairing-code brute-force limits) → config
//! - `seed` (first-start data, default store) → clock
//! - `db` (open, migrate, pairing codes, vouchers, counts) → seed, clock
//! - `snapshot` (per-version full-sync cache) → products, error
//! - `state` (shared server state) → snapshot, config, error, throttle
//! - handlers: `auth` → state, error, clock, throttle; `events`, `orders` → state, error, clock;
//!   `statements` → orders, state, error, clock; `redeem` → db, state, error, clock;
//!   `catalog` → snapshot, products, state, error (its tests also use db);
//!   `admin` → catalog, db, state, error, clock

mod admin;
mod aliases;
mod auth;
mod catalog;
mod clock;
mod config;
mod db;
mod error;
mod events;
mod orders;
mod products;
mod redeem;
mod seed;
mod snapshot;
mod state;
mod statements;
mod throttle;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::middleware;
use axum::routing::{get, post};
use cardcat_wire::{ChurnResponse, NewVoucherRequest, PairingCodeResponse, VoucherInfo};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use uuid::Uuid;

pub use config::{
    DEFAULT_ACTIVATE_LOCKOUT_SECS, DEFAULT_ACTIVATE_MAX_FAILURES_GLOBAL,
    DEFAULT_ACTIVATE_MAX_FAILURES_PER_CLIENT, DEFAULT_ACTIVATE_WINDOW_SECS, SandboxConfig,
};
pub use redeem::CANCEL_WINDOW_MS;
pub use seed::{
    MAX_EXTRA_SKUS, base_products, categories as seed_categories, extra_product, gtin13,
    gtin13_valid,
};

use crate::state::AppState;

/// Every `/v1` route the sandbox serves: (method, path template).
pub const ROUTES: &[(&str, &str)] = &[
    ("POST", "/v1/activate"),
    ("GET", "/v1/time"),
    ("GET", "/v1/health"),
    ("GET", "/v1/catalog/full"),
    ("GET", "/v1/catalog/delta"),
    ("POST", "/v1/orders"),
    ("GET", "/v1/orders/{client_key}"),
    ("POST", "/v1/orders/status"),
    ("GET", "/v1/store/orders/{client_key}/pins"),
    ("POST", "/v1/redemptions/prepare"),
    ("POST", "/v1/redemptions/verify"),
    ("POST", "/v1/redemptions/cancel"),
    ("GET", "/v1/redemptions/{request_id}"),
    ("GET", "/v1/statements/{date}"),
    ("POST", "/v1/events"),
];

/// Sandbox-only admin routes (bearer token): (method, path template).
pub const ADMIN_ROUTES: &[(&str, &str)] = &[
    ("POST", "/admin/pairing-codes"),
    ("POST", "/admin/vouchers"),
    ("GET", "/admin/chaos"),
    ("POST", "/admin/chaos"),
    ("POST", "/admin/catalog/churn"),
    ("POST", "/admin/catalog/aliases"),
    ("POST", "/admin/statements/adjust"),
    ("GET", "/admin/orders/{client_key}/fulfilments"),
];

/// Codes of the vouchers every fresh database has (see README for their states).
pub const SEED_VOUCHER_CODES: &[&str] = &[
    "CC-TEST-0001",
    "CC-TEST-0002",
    "CC-TEST-0003",
    "CC-TEST-0004",
    "CC-TEST-0005",
    "CC-TEST-0006",
];

/// The store every fresh database has; pairing codes default to it.
pub const DEFAULT_STORE_ID: &str = seed::DEFAULT_STORE_ID;

/// A sandbox serving in the background of the current tokio runtime.
pub struct RunningSandbox {
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    handle: JoinHandle<()>,
    state: Arc<AppState>,
}

impl RunningSandbox {
    /// `http://127.0.0.1:PORT` (the bound address; loopback when bound to 0.0.0.0).
    pub fn url(&self) -> String {
        let ip = if self.addr.ip().is_unspecified() {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        } else {
            self.addr.ip()
        };
        format!("http://{}", SocketAddr::new(ip, self.addr.port()))
    }

    /// Applies `changes` price/availability changes as one new catalog version
    /// (the same as `POST /admin/catalog/churn`).
    pub async fn churn(&self, changes: u32) -> anyhow::Result<ChurnResponse> {
        catalog::churn(&self.state, changes)
            .await
            .map_err(|e| anyhow::anyhow!("churn failed: {}", e.body.message))
    }

    /// Replaces one product's search aliases as one new catalog version (the same as
    /// `POST /admin/catalog/aliases`).
    pub async fn set_aliases(&self, sku: &str, aliases: &[&str]) -> anyhow::Result<ChurnResponse> {
        let req = cardcat_wire::AliasesRequest {
            sku: sku.to_string(),
            aliases: aliases.iter().map(|a| (*a).to_string()).collect(),
        };
        catalog::set_aliases(&self.state, req)
            .await
            .map_err(|e| anyhow::anyhow!("aliases not set: {}", e.body.message))
    }

    /// Stops accepting connections and waits (at most 5 s) for the server to finish.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if tokio::time::timeout(Duration::from_secs(5), &mut self.handle)
            .await
            .is_err()
        {
            tracing::warn!("sandbox did not stop within 5 s; aborting it");
            self.handle.abort();
            let _ = (&mut self.handle).await;
        }
    }
}

fn router(state: Arc<AppState>) -> Router {
    let signed = Router::new()
        .route("/v1/catalog/full", get(catalog::full))
        .route("/v1/catalog/delta", get(catalog::delta))
        .route("/v1/orders", post(orders::create))
        .route("/v1/orders/status", post(orders::batch_status))
        .route("/v1/orders/{client_key}", get(orders::get_one))
        .route(
            "/v1/store/orders/{client_key}/pins",
            get(orders::store_pins),
        )
        .route("/v1/redemptions/prepare", post(redeem::prepare))
        .route("/v1/redemptions/verify", post(redeem::verify))
        .route("/v1/redemptions/cancel", post(redeem::cancel))
        .route("/v1/redemptions/{request_id}", get(redeem::get_one))
        .route("/v1/statements/{date}", get(statements::get_statement))
        .route("/v1/events", post(events::post_events))
        .route_layer(middleware::from_fn_with_state(state.clone(), auth::signed));
    let admin = Router::new()
        .route("/admin/pairing-codes", post(admin::pairing_code))
        .route("/admin/vouchers", post(admin::new_voucher))
        .route("/admin/chaos", get(admin::get_chaos).post(admin::set_chaos))
        .route("/admin/catalog/churn", post(admin::churn))
        .route("/admin/catalog/aliases", post(admin::set_aliases))
        .route("/admin/statements/adjust", post(admin::adjust_statement))
        .route(
            "/admin/orders/{client_key}/fulfilments",
            get(admin::fulfilments),
        )
        .route_layer(middleware::from_fn_with_state(state.clone(), auth::admin));
    Router::new()
        .route("/v1/activate", post(auth::activate))
        .route("/v1/time", get(admin::time))
        .route("/v1/health", get(admin::health))
        .merge(signed)
        .merge(admin)
        .fallback(admin::fallback)
        .with_state(state)
}

/// Opens (creating, migrating and seeding as needed) the database and serves on `bind`
/// until [`RunningSandbox::shutdown`]. Bind port 0 to get a free port.
pub async fn start(config: SandboxConfig, bind: SocketAddr) -> anyhow::Result<RunningSandbox> {
    let cfg = config.clone();
    let conn =
        tokio::task::spawn_blocking(move || db::open(&cfg.db_path, cfg.extra_skus, cfg.seed))
            .await
            .context("opening the sandbox database")??;
    let state = Arc::new(AppState::new(config, conn)?);
    catalog::snapshot(&state)
        .await
        .map_err(|e| anyhow::anyhow!("building the catalog cache: {}", e.body.message))?;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("binding {bind}"))?;
    let addr = listener.local_addr()?;
    // The peer address feeds the pairing-code throttle of `POST /v1/activate`.
    let app = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let (tx, rx) = oneshot::channel::<()>();
    let handle = tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await;
        if let Err(e) = served {
            tracing::error!(error = %e, "sandbox server stopped with an error");
        }
    });
    tracing::info!(%addr, "sandbox listening");
    Ok(RunningSandbox {
        addr,
        shutdown: Some(tx),
        handle,
        state,
    })
}

/// A fresh one-time 8-digit pairing code for `store_id` (default [`DEFAULT_STORE_ID`];
/// an unknown store is created). Works without the server running.
pub fn create_pairing_code(
    db_path: &Path,
    store_id: Option<&str>,
) -> anyhow::Result<PairingCodeResponse> {
    let mut conn = db::open(db_path, 0, 42)?;
    db::new_pairing_code(&mut conn, store_id)
}

/// A fresh redeemable voucher. Works without the server running.
pub fn create_voucher(db_path: &Path, req: &NewVoucherRequest) -> anyhow::Result<VoucherInfo> {
    let mut conn = db::open(db_path, 0, 42)?;
    db::new_voucher(&mut conn, req)
}

/// Ground truth for tests: every order the platform has, with its settled status
/// (time-based transitions applied and persisted, no stale flips) and how often it was fulfilled.
pub fn orders_snapshot(
    db_path: &Path,
    slow_secs: u64,
    reverse_after_secs: u64,
) -> anyhow::Result<Vec<(Uuid, cardcat_core::RemoteStatus, u32)>> {
    let conn = db::open(db_path, 0, 42)?;
    let mut rows = {
        let mut st = conn.prepare(&format!(
            "SELECT {} FROM orders ORDER BY created_at_ms",
            orders::ORDER_COLS
        ))?;
        let rows = st.query_map([], orders::read_order)?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let mut out = Vec::with_capacity(rows.len());
    for row in &mut rows {
        orders::settle(&conn, row, slow_secs, reverse_after_secs)?;
        let n = db::count_fulfilments(&conn, row.client_key)?;
        out.push((row.client_key, row.status, n));
    }
    Ok(out)
}

/// Events a terminal sent through `POST /v1/events`: (kind, payload) in arrival order.
pub fn terminal_events(db_path: &Path) -> anyhow::Result<Vec<(String, serde_json::Value)>> {
    let conn = db::open(db_path, 0, 42)?;
    let mut st =
        conn.prepare("SELECT kind, payload FROM terminal_events ORDER BY received_at_ms, at_ms")?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for r in rows {
        let (k, p) = r?;
        out.push((
            k,
            serde_json::from_str(&p).unwrap_or(serde_json::Value::Null),
        ));
    }
    Ok(out)
}

/// One row of the audit log of `GET /v1/store/orders/{client_key}/pins`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinReveal {
    pub client_key: Uuid,
    pub store_id: String,
    /// The terminal that asked.
    pub terminal_id: String,
    /// The `operator` it named, if any.
    pub operator: Option<String>,
    /// The terminal that sold the order.
    pub seller_terminal_id: String,
    /// How many PIN payloads were returned.
    pub pins: u32,
    pub at_ms: i64,
}

/// The audit log of store PIN reveals, oldest first.
pub fn pin_reveals(db_path: &Path) -> anyhow::Result<Vec<PinReveal>> {
    let conn = db::open(db_path, 0, 42)?;
    let mut st = conn.prepare(
        "SELECT client_key, store_id, terminal_id, operator, seller_terminal_id, pins, at_ms
         FROM pin_reveals ORDER BY id",
    )?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            PinReveal {
                client_key: Uuid::nil(),
                store_id: r.get(1)?,
                terminal_id: r.get(2)?,
                operator: r.get(3)?,
                seller_terminal_id: r.get(4)?,
                pins: r.get(5)?,
                at_ms: r.get(6)?,
            },
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (key, mut reveal) = row?;
        reveal.client_key = Uuid::parse_str(&key).context("pin_reveals.client_key")?;
        out.push(reveal);
    }
    Ok(out)
}

/// How many times the sandbox actually fulfilled (delivered) the order with this key.
pub fn fulfilment_count(db_path: &Path, client_key: Uuid) -> anyhow::Result<u32> {
    let conn = db::open(db_path, 0, 42)?;
    db::count_fulfilments(&conn, client_key)
}
