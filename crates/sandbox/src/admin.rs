//! Sandbox-only admin routes plus the unsigned `/v1/time` and `/v1/health`.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cardcat_wire::{
    AliasesRequest, ChaosConfig, ChurnRequest, FulfilmentCount, HealthResponse, NewVoucherRequest,
    StatementAdjustRequest, TimeResponse,
};
use rusqlite::params;
use serde::Deserialize;
use uuid::Uuid;

use crate::clock::now_ms;
use crate::db;
use crate::error::{ApiErr, ApiResult, json_response, parse_json};
use crate::state::{AppState, lock};

fn respond<T: serde::Serialize>(r: ApiResult<T>) -> Response {
    match r {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => e.into_response(),
    }
}

/// `GET /v1/time`
pub(crate) async fn time() -> Response {
    json_response(
        StatusCode::OK,
        &TimeResponse {
            server_time_ms: now_ms(),
        },
    )
}

/// `GET /v1/health`
pub(crate) async fn health(State(st): State<Arc<AppState>>) -> Response {
    json_response(
        StatusCode::OK,
        &HealthResponse {
            status: "ok".into(),
            api_version: "1".into(),
            catalog_version: st.catalog_version.load(Ordering::SeqCst),
        },
    )
}

pub(crate) async fn fallback() -> Response {
    ApiErr::not_found("no such route").into_response()
}

#[derive(Debug, Deserialize)]
pub(crate) struct StoreQuery {
    store: Option<String>,
}

/// `POST /admin/pairing-codes?store=ID`
pub(crate) async fn pairing_code(
    State(st): State<Arc<AppState>>,
    q: Result<Query<StoreQuery>, QueryRejection>,
) -> Response {
    let Ok(Query(q)) = q else {
        return ApiErr::bad_request("bad query").into_response();
    };
    respond(
        st.db(move |c| {
            db::new_pairing_code(c, q.store.as_deref())
                .map_err(|e| ApiErr::bad_request(format!("{e:#}")))
        })
        .await,
    )
}

/// `POST /admin/vouchers`
pub(crate) async fn new_voucher(State(st): State<Arc<AppState>>, body: Bytes) -> Response {
    let r = async {
        let req: NewVoucherRequest = parse_json(&body)?;
        st.db(move |c| db::new_voucher(c, &req).map_err(|e| ApiErr::bad_request(format!("{e:#}"))))
            .await
    }
    .await;
    respond(r)
}

/// `GET /admin/chaos`
pub(crate) async fn get_chaos(State(st): State<Arc<AppState>>) -> Response {
    let c = lock(&st.chaos).clone();
    json_response(StatusCode::OK, &c)
}

/// `POST /admin/chaos`: replaces the current chaos settings.
pub(crate) async fn set_chaos(State(st): State<Arc<AppState>>, body: Bytes) -> Response {
    let r = parse_json::<ChaosConfig>(&body).and_then(|mut c| {
        if c.drop_permille > 1000 || c.error_permille > 1000 {
            return Err(ApiErr::bad_request("rates are per mille: 0..=1000"));
        }
        c.latency_ms = c.latency_ms.min(60_000);
        tracing::info!(?c, "chaos settings replaced");
        *lock(&st.chaos) = c.clone();
        Ok(c)
    });
    respond(r)
}

/// `POST /admin/catalog/churn`
pub(crate) async fn churn(State(st): State<Arc<AppState>>, body: Bytes) -> Response {
    let r = async {
        let req: ChurnRequest = parse_json(&body)?;
        crate::catalog::churn(&st, req.changes).await
    }
    .await;
    respond(r)
}

/// `POST /admin/catalog/aliases`
pub(crate) async fn set_aliases(State(st): State<Arc<AppState>>, body: Bytes) -> Response {
    let r = async {
        let req: AliasesRequest = parse_json(&body)?;
        crate::catalog::set_aliases(&st, req).await
    }
    .await;
    respond(r)
}

/// `POST /admin/statements/adjust`
pub(crate) async fn adjust_statement(State(st): State<Arc<AppState>>, body: Bytes) -> Response {
    let r = async {
        let req: StatementAdjustRequest = parse_json(&body)?;
        st.db(move |c| {
            let exists: bool = c.query_row(
                "SELECT EXISTS (SELECT 1 FROM orders WHERE client_key = ?1)",
                [req.client_key.to_string()],
                |r| r.get(0),
            )?;
            if !exists {
                return Err(ApiErr::not_found(format!("no order {}", req.client_key)));
            }
            c.execute(
                "INSERT INTO statement_adjustments (client_key, delta_amount, created_at_ms) VALUES (?1, ?2, ?3)",
                params![req.client_key.to_string(), req.delta.to_string(), now_ms()],
            )?;
            tracing::info!(client_key = %req.client_key, delta = %req.delta, "statement adjustment injected");
            Ok(())
        })
        .await
    }
    .await;
    match r {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /admin/orders/{client_key}/fulfilments`
pub(crate) async fn fulfilments(
    State(st): State<Arc<AppState>>,
    key: Result<Path<Uuid>, PathRejection>,
) -> Response {
    let Ok(Path(client_key)) = key else {
        return ApiErr::bad_request("client_key is not a UUID").into_response();
    };
    respond(
        st.db(move |c| {
            Ok(FulfilmentCount {
                client_key,
                fulfilments: db::count_fulfilments(c, client_key)?,
            })
        })
        .await,
    )
}
