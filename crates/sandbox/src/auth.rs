//! Terminal activation, request signature checks (HMAC, clock skew, nonces) and the
//! admin bearer token.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cardcat_wire::sign::{
    self, HDR_NONCE, HDR_SIGNATURE, HDR_TERMINAL, HDR_TIMESTAMP, MAX_SKEW_SECS,
};
use cardcat_wire::{ActivateRequest, ActivateResponse, ErrorCode};
use rand::{Rng, RngCore};
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use crate::clock::now_ms;
use crate::error::{ApiErr, ApiResult, json_response, parse_json};
use crate::state::{AppState, Terminal, lock};
use crate::throttle::Locked;

/// Largest request body accepted on signed routes.
pub(crate) const MAX_BODY: usize = 1024 * 1024;
/// Nonces are kept this long (well past the skew window, so a replay is always caught).
const NONCE_TTL_MS: i64 = 15 * 60 * 1000;

fn header_str<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn bad_signature(msg: &str) -> ApiErr {
    ApiErr::new(StatusCode::UNAUTHORIZED, ErrorCode::BadSignature, msg)
}

async fn find_terminal(st: &Arc<AppState>, id: &str) -> ApiResult<Option<Terminal>> {
    if let Some(t) = lock(&st.terminals).get(id) {
        return Ok(Some(t.clone()));
    }
    let id_owned = id.to_string();
    let found = st
        .db(move |c| {
            Ok(c.query_row(
                "SELECT id, store_id, secret FROM terminals WHERE id = ?1",
                [&id_owned],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                },
            )
            .optional()?)
        })
        .await?;
    let Some((id, store_id, secret_hex)) = found else {
        return Ok(None);
    };
    let secret = hex::decode(&secret_hex)
        .map_err(|e| ApiErr::internal(format!("terminal {id} secret: {e}")))?;
    let t = Terminal {
        id: id.clone(),
        store_id,
        secret,
    };
    lock(&st.terminals).insert(id, t.clone());
    Ok(Some(t))
}

/// Middleware for every signed `/v1` route. Buffers the body (≤ 1 MiB), verifies the
/// signature, the clock skew and the nonce, applies chaos latency/errors and puts the
/// [`Terminal`] into the request extensions.
pub(crate) async fn signed(State(st): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    match authenticate(&st, req).await {
        Ok(req) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

async fn authenticate(st: &Arc<AppState>, req: Request) -> ApiResult<Request> {
    let (mut parts, body) = req.into_parts();
    let body: Bytes = axum::body::to_bytes(body, MAX_BODY).await.map_err(|_| {
        ApiErr::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::BadRequest,
            "request body too large or unreadable",
        )
    })?;
    let h = &parts.headers;
    let Some(terminal_id) = header_str(h, HDR_TERMINAL) else {
        return Err(ApiErr::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::UnknownTerminal,
            "missing terminal header",
        ));
    };
    let ts =
        header_str(h, HDR_TIMESTAMP).ok_or_else(|| bad_signature("missing timestamp header"))?;
    let ts: i64 = ts
        .parse()
        .map_err(|_| bad_signature("timestamp is not unix seconds"))?;
    let nonce = header_str(h, HDR_NONCE)
        .ok_or_else(|| bad_signature("missing nonce header"))?
        .to_string();
    if nonce.len() > 128 {
        return Err(bad_signature("nonce too long"));
    }
    let sig =
        header_str(h, HDR_SIGNATURE).ok_or_else(|| bad_signature("missing signature header"))?;
    let terminal = find_terminal(st, terminal_id).await?.ok_or_else(|| {
        ApiErr::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::UnknownTerminal,
            "unknown terminal; activate this device again",
        )
    })?;
    let path_and_query = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path(), |p| p.as_str());
    if !sign::verify(
        &terminal.secret,
        parts.method.as_str(),
        path_and_query,
        ts,
        &nonce,
        &body,
        sig,
    ) {
        tracing::warn!(terminal = %terminal.id, path = path_and_query, "bad signature");
        return Err(bad_signature("signature does not match"));
    }
    let now = now_ms();
    let now_secs = now.div_euclid(1000);
    let diff = ts.saturating_sub(now_secs);
    if diff.saturating_abs() > MAX_SKEW_SECS {
        let mut e = ApiErr::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::ClockSkew,
            format!(
                "clock skew: request timestamp {ts} is {diff} s from server time {now_secs} (server_time_ms {now}); at most {MAX_SKEW_SECS} s allowed"
            ),
        );
        e.body.server_time_ms = Some(now);
        return Err(e);
    }

    // Chaos (latency, then 503 before anything is recorded).
    let (latency, error_permille) = {
        let c = lock(&st.chaos);
        (c.latency_ms, c.error_permille)
    };
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    if error_permille > 0 && rand::rng().random_range(0..1000u32) < error_permille {
        return Err(ApiErr::unavailable(
            "服务暂时不可用 / chaos: service unavailable",
        ));
    }

    let prune = st.nonce_inserts.fetch_add(1, Ordering::Relaxed) & 511 == 0;
    let tid = terminal.id.clone();
    let fresh = st
        .db(move |c| {
            if prune {
                c.execute("DELETE FROM nonces WHERE ts < ?1", [now - NONCE_TTL_MS])?;
            }
            let n = c.execute(
                "INSERT OR IGNORE INTO nonces (terminal_id, nonce, ts) VALUES (?1, ?2, ?3)",
                params![tid, nonce, now],
            )?;
            Ok(n == 1)
        })
        .await?;
    if !fresh {
        return Err(ApiErr::new(
            StatusCode::CONFLICT,
            ErrorCode::ReplayedNonce,
            "nonce already used; sign the request again",
        ));
    }
    parts.extensions.insert(terminal);
    Ok(Request::from_parts(parts, Body::from(body)))
}

/// Middleware for `/admin/...`: `authorization: Bearer <admin_token>`.
pub(crate) async fn admin(State(st): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let ok = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| !st.cfg.admin_token.is_empty() && t.trim() == st.cfg.admin_token);
    if ok {
        next.run(req).await
    } else {
        ApiErr::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthorized,
            "admin token required",
        )
        .into_response()
    }
}

fn locked_out(l: Locked) -> ApiErr {
    let secs = l.retry_after_secs();
    let who = if l.global {
        "全平台配对尝试过多 / too many wrong pairing codes on the platform"
    } else {
        "配对码错误次数过多 / too many wrong pairing codes from this device"
    };
    ApiErr::too_many_attempts(
        secs,
        format!("{who}; activation is locked, try again in {secs} s"),
    )
}

/// `POST /v1/activate`: trades a one-time pairing code for a terminal id and secret.
///
/// Brute force is throttled (see [`crate::throttle`]): wrong codes count per peer IP and
/// platform-wide; while a lock is in force every attempt gets 429 `too_many_attempts`
/// (a correct code is not used up). The lock check and the code check run under the
/// database lock, so concurrent guesses cannot slip past the limit.
pub(crate) async fn activate(
    State(st): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Bytes,
) -> Response {
    let ip: IpAddr = peer.ip().to_canonical();
    let r: ApiResult<ActivateResponse> = async {
        lock(&st.activation).check(ip, now_ms()).map_err(locked_out)?;
        let req: ActivateRequest = parse_json(&body)?;
        let code = req.code.trim().to_string();
        let device = req.device_name.trim().chars().take(64).collect::<String>();
        let device = if device.is_empty() { "CardCat POS".to_string() } else { device };
        let st2 = Arc::clone(&st);
        let resp = st
            .db(move |c| {
                let now = now_ms();
                lock(&st2.activation).check(ip, now).map_err(locked_out)?;
                let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let store: Option<String> = tx
                    .query_row("SELECT store_id FROM pairing_codes WHERE code = ?1 AND used_at IS NULL", [&code], |r| r.get(0))
                    .optional()?;
                let Some(store_id) = store else {
                    lock(&st2.activation).record_failure(ip, now);
                    tracing::info!(%ip, "activation refused: wrong pairing code");
                    return Err(ApiErr::new(
                        StatusCode::BAD_REQUEST,
                        ErrorCode::InvalidPairingCode,
                        "配对码无效或已使用 / pairing code unknown or already used",
                    ));
                };
                let mut rng = rand::rng();
                let mut id_bytes = [0u8; 6];
                rng.fill_bytes(&mut id_bytes);
                let terminal_id = format!("T-{}", hex::encode(id_bytes));
                let mut secret = [0u8; 32];
                rng.fill_bytes(&mut secret);
                let secret = hex::encode(secret);
                tx.execute(
                    "INSERT INTO terminals (id, store_id, secret, name, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![terminal_id, store_id, secret, device, now],
                )?;
                tx.execute(
                    "UPDATE pairing_codes SET used_at = ?1, terminal_id = ?2 WHERE code = ?3",
                    params![now, terminal_id, code],
                )?;
                let store_name: String =
                    tx.query_row("SELECT name FROM stores WHERE id = ?1", [&store_id], |r| r.get(0)).optional()?.unwrap_or_default();
                tx.commit()?;
                tracing::info!(terminal = %terminal_id, store = %store_id, "terminal activated");
                Ok(ActivateResponse { terminal_id, store_id, store_name, secret })
            })
            .await?;
        Ok(resp)
    }
    .await;
    match r {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => e.into_response(),
    }
}
