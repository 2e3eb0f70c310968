//! Errors as the platform answers them: an HTTP status plus a [`cardcat_wire::ApiError`] body.

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cardcat_wire::{ApiError, ErrorCode};
use serde::Serialize;

/// An error on its way to the client.
#[derive(Debug)]
pub(crate) struct ApiErr {
    pub status: StatusCode,
    pub body: ApiError,
}

impl ApiErr {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        ApiErr {
            status,
            body: ApiError {
                code,
                message: message.into(),
                server_time_ms: None,
                retry_after_secs: None,
            },
        }
    }
    /// 429 `too_many_attempts` with `Retry-After: secs` (and `retry_after_secs` in the body).
    pub fn too_many_attempts(retry_after_secs: u64, message: impl Into<String>) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::TooManyAttempts,
            message,
        );
        e.body.retry_after_secs = Some(retry_after_secs);
        e
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, message)
    }
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Unavailable,
            message,
        )
    }
    pub fn internal(message: impl std::fmt::Display) -> Self {
        tracing::error!(error = %message, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            "internal error",
        )
    }
}

impl From<rusqlite::Error> for ApiErr {
    fn from(e: rusqlite::Error) -> Self {
        ApiErr::internal(format!("sqlite: {e}"))
    }
}

impl From<serde_json::Error> for ApiErr {
    fn from(e: serde_json::Error) -> Self {
        ApiErr::internal(format!("json: {e}"))
    }
}

impl From<anyhow::Error> for ApiErr {
    fn from(e: anyhow::Error) -> Self {
        ApiErr::internal(format!("{e:#}"))
    }
}

impl IntoResponse for ApiErr {
    fn into_response(self) -> Response {
        let mut r = json_response(self.status, &self.body);
        if let Some(secs) = self.body.retry_after_secs {
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        r
    }
}

pub(crate) type ApiResult<T> = Result<T, ApiErr>;

/// Serialises `v` as a JSON response. Never panics: a serialisation failure becomes a 500.
pub(crate) fn json_response<T: Serialize>(status: StatusCode, v: &T) -> Response {
    match serde_json::to_vec(v) {
        Ok(bytes) => json_bytes(status, bytes),
        Err(e) => {
            tracing::error!(error = %e, "response serialisation failed");
            let mut r = (
                StatusCode::INTERNAL_SERVER_ERROR,
                "{\"code\":\"internal\",\"message\":\"internal error\"}",
            )
                .into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            r
        }
    }
}

pub(crate) fn json_bytes(status: StatusCode, bytes: Vec<u8>) -> Response {
    let mut r = (status, bytes).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// A 200 whose body stream sends `prefix` and then fails, so the client sees the
/// connection break mid-body (or before any body byte when `prefix` is empty).
pub(crate) fn aborted_response(prefix: Vec<u8>) -> Response {
    let mut chunks: Vec<Result<Bytes, std::io::Error>> = Vec::with_capacity(2);
    if !prefix.is_empty() {
        chunks.push(Ok(Bytes::from(prefix)));
    }
    chunks.push(Err(std::io::Error::new(
        std::io::ErrorKind::ConnectionAborted,
        "sandbox: response dropped on purpose",
    )));
    let mut r = Response::new(Body::from_stream(futures_util::stream::iter(chunks)));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// Parses a JSON request body, answering 400 `bad_request` when it does not fit.
///
/// JSON does not tell `2` from `2.0`, and the contract's integers are JSON Schema
/// integers (any number with a zero fractional part), so a body that only fails because
/// an integer field holds an integral float (`"at_ms": 222.0`) is accepted as if it held
/// the integer.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> ApiResult<T> {
    let bad = |e: serde_json::Error| ApiErr::bad_request(format!("invalid JSON body: {e}"));
    match serde_json::from_slice(body) {
        Ok(v) => Ok(v),
        Err(first) => {
            let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(body) else {
                return Err(bad(first));
            };
            if !integral_floats_to_integers(&mut value) {
                return Err(bad(first));
            }
            serde_json::from_value(value).map_err(|_| bad(first))
        }
    }
}

/// Rewrites every float with a zero fractional part and a magnitude below 2^53 (the
/// integers an `f64` holds exactly, so the value is the one that was written) as that
/// integer. `true` if anything changed. Larger values stay floats and are refused by an
/// integer field: `-9223372036854775809` must not become `i64::MIN`.
fn integral_floats_to_integers(v: &mut serde_json::Value) -> bool {
    use serde_json::Value;
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    match v {
        Value::Number(n) if n.is_f64() => {
            let Some(f) = n.as_f64() else { return false };
            if f.fract() != 0.0 || f.abs() >= EXACT {
                return false;
            }
            *v = Value::from(f as i64);
            true
        }
        Value::Array(items) => {
            let mut changed = false;
            for x in items {
                changed |= integral_floats_to_integers(x);
            }
            changed
        }
        Value::Object(map) => {
            let mut changed = false;
            for x in map.values_mut() {
                changed |= integral_floats_to_integers(x);
            }
            changed
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct T {
        at_ms: i64,
        qty: u32,
        payload: serde_json::Value,
    }

    #[test]
    fn integral_floats_are_integers() {
        let t: T = parse_json(br#"{"at_ms":222.0,"qty":3,"payload":{"x":1.5}}"#).unwrap();
        assert_eq!((t.at_ms, t.qty), (222, 3));
        assert_eq!(t.payload["x"], 1.5, "fractions elsewhere are kept");
        let t: T = parse_json(br#"{"at_ms":-5e3,"qty":1E1,"payload":null}"#).unwrap();
        assert_eq!((t.at_ms, t.qty), (-5000, 10));
        for bad in [
            &br#"{"at_ms":222.5,"qty":3,"payload":1}"#[..],
            br#"{"at_ms":1e300,"qty":3,"payload":1}"#,
            br#"{"at_ms":-9223372036854775809,"qty":3,"payload":1}"#,
            br#"{"at_ms":9007199254740993.0,"qty":3,"payload":1}"#,
            br#"{"at_ms":1,"qty":-1.0,"payload":1}"#,
            br#"{"at_ms":1,"qty":3}"#,
            b"not json",
        ] {
            let e = parse_json::<T>(bad).unwrap_err();
            assert_eq!(e.status, StatusCode::BAD_REQUEST);
        }
        // a well-typed body is untouched (payload floats stay floats)
        let t: T = parse_json(br#"{"at_ms":1,"qty":2,"payload":[2.0]}"#).unwrap();
        assert!(t.payload[0].is_f64());
    }
}
