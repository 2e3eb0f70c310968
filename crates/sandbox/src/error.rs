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
            },
        }
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
        json_response(self.status, &self.body)
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
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> ApiResult<T> {
    serde_json::from_slice(body).map_err(|e| ApiErr::bad_request(format!("invalid JSON body: {e}")))
}
