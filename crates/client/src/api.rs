//! Signed requests to the platform.
//!
//! Invariant: a timeout, a dropped connection or a 5xx is reported as an *unknown
//! outcome* ([`ClientError::is_unknown_outcome`]), never as a failure: the caller
//! resolves it by asking for the same key again.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cardcat_core::i18n::{Arg, Args};
use cardcat_core::{Lang, Localized, t};
use cardcat_wire::sign::{self, HDR_NONCE, HDR_SIGNATURE, HDR_TERMINAL, HDR_TIMESTAMP};
use cardcat_wire::*;
pub use reqwest::Method;
use reqwest::StatusCode;
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

/// Terminal id plus the HMAC key. The key is never printed.
#[derive(Clone)]
pub struct Credentials {
    pub terminal_id: String,
    pub secret: Vec<u8>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("terminal_id", &self.terminal_id)
            .field("secret", &"<redacted>")
            .finish()
    }
}

impl Credentials {
    /// From the hex secret the platform returned at activation.
    pub fn from_hex(
        terminal_id: impl Into<String>,
        secret_hex: &str,
    ) -> Result<Credentials, ClientError> {
        let secret = hex::decode(secret_hex.trim())
            .map_err(|_| ClientError::Malformed("secret is not hex".into()))?;
        Ok(Credentials {
            terminal_id: terminal_id.into(),
            secret,
        })
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum ClientError {
    #[error("platform unreachable: {0}")]
    Unreachable(String),
    #[error("no answer in time")]
    Timeout,
    #[error("connection dropped: {0}")]
    Interrupted(String),
    #[error("platform error {status}: {} ({:?})", error.message, error.code)]
    Api { status: u16, error: ApiError },
    #[error("HTTP {status} without an error body")]
    Http { status: u16 },
    #[error("malformed response: {0}")]
    Malformed(String),
    #[error("terminal not activated")]
    NotActivated,
    #[error("bad platform url: {0}")]
    BadUrl(String),
}

impl ClientError {
    /// True when the request may or may not have taken effect.
    pub fn is_unknown_outcome(&self) -> bool {
        match self {
            ClientError::Timeout | ClientError::Interrupted(_) | ClientError::Malformed(_) => true,
            ClientError::Api { status, .. } | ClientError::Http { status } => *status >= 500,
            _ => false,
        }
    }

    pub fn api_code(&self) -> Option<ErrorCode> {
        match self {
            ClientError::Api { error, .. } => Some(error.code),
            _ => None,
        }
    }
}

impl Localized for ClientError {
    fn code(&self) -> &'static str {
        match self {
            ClientError::Unreachable(_) => "net.unreachable",
            ClientError::Timeout => "net.timeout",
            ClientError::Interrupted(_) => "net.interrupted",
            ClientError::Api { error, .. } => match error.code {
                ErrorCode::ClockSkew => "api.clock_skew",
                ErrorCode::BadSignature => "api.bad_signature",
                ErrorCode::ReplayedNonce => "api.replayed_nonce",
                ErrorCode::UnknownTerminal => "api.unknown_terminal",
                ErrorCode::InvalidPairingCode => "api.invalid_pairing_code",
                ErrorCode::TooManyAttempts => "api.too_many_attempts",
                _ => "api.error",
            },
            ClientError::Http { .. } => "net.http",
            ClientError::Malformed(_) => "net.malformed",
            ClientError::NotActivated => "terminal.not_activated",
            ClientError::BadUrl(_) => "config.bad_url",
        }
    }

    fn args(&self, lang: Lang) -> Args {
        match self {
            ClientError::Unreachable(d)
            | ClientError::Interrupted(d)
            | ClientError::Malformed(d) => {
                vec![("detail", Arg::from(d))]
            }
            ClientError::Api { error, .. } => {
                let server_time = match error.server_time_ms {
                    Some(ms) => cardcat_core::time_utc8(ms),
                    None => t!(lang, "common.unknown"),
                };
                vec![
                    ("code", Arg::from(error_code_str(error.code))),
                    ("detail", Arg::from(&error.message)),
                    ("server_time", Arg::from(server_time)),
                    ("secs", Arg::from(error.retry_after_secs.unwrap_or(60))),
                ]
            }
            ClientError::Http { status } => vec![("status", Arg::from(u32::from(*status)))],
            ClientError::BadUrl(u) => vec![("url", Arg::from(u))],
            ClientError::Timeout | ClientError::NotActivated => Vec::new(),
        }
    }
}

/// The wire name of a platform error code (`product_unavailable`), which the `api.error`
/// message selects on.
fn error_code_str(code: ErrorCode) -> String {
    serde_json::to_value(code)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn map_send_error(e: reqwest::Error) -> ClientError {
    if e.is_timeout() {
        ClientError::Timeout
    } else if e.is_connect() {
        ClientError::Unreachable(short(&e))
    } else if e.is_builder() {
        ClientError::BadUrl(short(&e))
    } else {
        ClientError::Interrupted(short(&e))
    }
}

fn short(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(x) = src {
        s.push_str(": ");
        s.push_str(&x.to_string());
        src = x.source();
    }
    s
}

/// Percent-encodes a query value (RFC 3986 unreserved characters kept).
pub fn encode_query(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[derive(Clone)]
pub struct PlatformClient {
    http: reqwest::Client,
    base: Arc<str>,
    creds: Option<Arc<Credentials>>,
    clock_offset_ms: i64,
}

impl fmt::Debug for PlatformClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlatformClient")
            .field("base", &self.base)
            .field("creds", &self.creds)
            .finish()
    }
}

impl PlatformClient {
    /// A client with the default time limits (connect 3 s, whole request 10 s).
    pub fn new(base_url: &str) -> Result<PlatformClient, ClientError> {
        Self::with_timeout(base_url, Duration::from_secs(10))
    }

    pub fn with_timeout(base_url: &str, timeout: Duration) -> Result<PlatformClient, ClientError> {
        let base = base_url.trim().trim_end_matches('/');
        // said back without a user name, password, query or fragment, and not endlessly long
        let shown = |u: &str| -> String {
            let u = u.split(['?', '#']).next().unwrap_or_default();
            let u = u.rsplit_once('@').map_or(u, |(_, host)| host);
            u.chars().take(80).collect()
        };
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(ClientError::BadUrl(shown(base)));
        }
        // a platform address: a host, and no user name, password, query or fragment (a
        // credential in an address would end up in settings and logs)
        let parsed = reqwest::Url::parse(base).map_err(|_| ClientError::BadUrl(shown(base)))?;
        if parsed.host_str().is_none_or(str::is_empty)
            || !parsed.username().is_empty()
            || parsed.password().is_some()
            || parsed.query().is_some()
            || parsed.fragment().is_some()
        {
            return Err(ClientError::BadUrl(shown(base)));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3).min(timeout))
            .timeout(timeout)
            .pool_idle_timeout(Duration::from_secs(30))
            .user_agent(concat!("cardcat/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::BadUrl(short(&e)))?;
        Ok(PlatformClient {
            http,
            base: base.into(),
            creds: None,
            clock_offset_ms: 0,
        })
    }

    pub fn with_credentials(mut self, creds: Credentials) -> PlatformClient {
        self.creds = Some(Arc::new(creds));
        self
    }

    /// Shifts this client's clock (tests of clock-skew handling).
    pub fn with_clock_offset_ms(mut self, ms: i64) -> PlatformClient {
        self.clock_offset_ms = ms;
        self
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    pub fn terminal_id(&self) -> Option<&str> {
        self.creds.as_deref().map(|c| c.terminal_id.as_str())
    }

    fn now_secs(&self) -> i64 {
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        (ms + self.clock_offset_ms).div_euclid(1000)
    }

    async fn unsigned<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ClientError> {
        let mut rb = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(b) = body {
            let bytes = serde_json::to_vec(b).map_err(|e| ClientError::Malformed(e.to_string()))?;
            rb = rb.header("content-type", "application/json").body(bytes);
        }
        let resp = rb.send().await.map_err(map_send_error)?;
        decode(resp).await
    }

    /// Sends a signed request with a fresh nonce. `path_and_query` is signed exactly as sent.
    pub async fn signed_raw(
        &self,
        method: Method,
        path_and_query: &str,
        body: Vec<u8>,
    ) -> Result<reqwest::Response, ClientError> {
        let creds = self.creds.as_ref().ok_or(ClientError::NotActivated)?;
        let ts = self.now_secs();
        let nonce = Uuid::new_v4().simple().to_string();
        self.send_signed(method, path_and_query, body, ts, &nonce, creds)
            .await
    }

    /// Like [`signed_raw`](Self::signed_raw) with a caller-chosen nonce and timestamp (replay tests).
    pub async fn signed_with_nonce(
        &self,
        method: Method,
        path_and_query: &str,
        body: Vec<u8>,
        nonce: &str,
    ) -> Result<reqwest::Response, ClientError> {
        let creds = self.creds.as_ref().ok_or(ClientError::NotActivated)?;
        self.send_signed(method, path_and_query, body, self.now_secs(), nonce, creds)
            .await
    }

    async fn send_signed(
        &self,
        method: Method,
        pq: &str,
        body: Vec<u8>,
        ts: i64,
        nonce: &str,
        creds: &Credentials,
    ) -> Result<reqwest::Response, ClientError> {
        let sig = sign::sign(&creds.secret, method.as_str(), pq, ts, nonce, &body);
        let mut rb = self
            .http
            .request(method, format!("{}{}", self.base, pq))
            .header(HDR_TERMINAL, &creds.terminal_id)
            .header(HDR_TIMESTAMP, ts.to_string())
            .header(HDR_NONCE, nonce)
            .header(HDR_SIGNATURE, sig);
        if !body.is_empty() {
            rb = rb.header("content-type", "application/json").body(body);
        }
        rb.send().await.map_err(map_send_error)
    }

    async fn signed<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        pq: &str,
        body: Option<&B>,
    ) -> Result<T, ClientError> {
        let bytes = match body {
            Some(b) => serde_json::to_vec(b).map_err(|e| ClientError::Malformed(e.to_string()))?,
            None => Vec::new(),
        };
        let resp = self.signed_raw(method, pq, bytes).await?;
        decode(resp).await
    }

    // ---------- endpoints ----------

    pub async fn activate(
        &self,
        code: &str,
        device_name: &str,
    ) -> Result<ActivateResponse, ClientError> {
        let req = ActivateRequest {
            code: code.trim().to_string(),
            device_name: device_name.to_string(),
        };
        self.unsigned(Method::POST, "/v1/activate", Some(&req))
            .await
    }

    pub async fn time(&self) -> Result<TimeResponse, ClientError> {
        self.unsigned::<(), _>(Method::GET, "/v1/time", None).await
    }

    pub async fn health(&self) -> Result<HealthResponse, ClientError> {
        self.unsigned::<(), _>(Method::GET, "/v1/health", None)
            .await
    }

    pub async fn catalog_full_page(
        &self,
        after: Option<&str>,
        limit: u32,
    ) -> Result<CatalogPage, ClientError> {
        let mut pq = format!("/v1/catalog/full?limit={limit}");
        if let Some(a) = after {
            pq.push_str("&after=");
            pq.push_str(&encode_query(a));
        }
        self.signed::<(), _>(Method::GET, &pq, None).await
    }

    pub async fn catalog_delta(
        &self,
        since: i64,
        cursor: Option<&DeltaCursor>,
        limit: u32,
    ) -> Result<CatalogDelta, ClientError> {
        let mut pq = format!("/v1/catalog/delta?since={since}&limit={limit}");
        if let Some(c) = cursor {
            pq.push_str(&format!(
                "&after_version={}&after_sku={}",
                c.after_version,
                encode_query(&c.after_sku)
            ));
        }
        self.signed::<(), _>(Method::GET, &pq, None).await
    }

    pub async fn create_order(&self, req: &CreateOrderRequest) -> Result<OrderView, ClientError> {
        self.signed(Method::POST, "/v1/orders", Some(req)).await
    }

    /// `Ok(None)` when the platform has never seen this key.
    pub async fn order_status(&self, key: Uuid) -> Result<Option<OrderView>, ClientError> {
        match self
            .signed::<(), OrderView>(Method::GET, &format!("/v1/orders/{key}"), None)
            .await
        {
            Ok(v) => Ok(Some(v)),
            Err(ClientError::Api { error, .. }) if error.code == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub async fn batch_status(&self, keys: &[Uuid]) -> Result<BatchStatusResponse, ClientError> {
        self.signed(
            Method::POST,
            "/v1/orders/status",
            Some(&BatchStatusRequest {
                client_keys: keys.to_vec(),
            }),
        )
        .await
    }

    pub async fn redemption_prepare(&self, code: &str) -> Result<VoucherInfo, ClientError> {
        self.signed(
            Method::POST,
            "/v1/redemptions/prepare",
            Some(&PrepareRequest {
                code: code.trim().to_string(),
            }),
        )
        .await
    }

    pub async fn redemption_verify(
        &self,
        req: &VerifyRequest,
    ) -> Result<RedemptionView, ClientError> {
        self.signed(Method::POST, "/v1/redemptions/verify", Some(req))
            .await
    }

    pub async fn redemption_cancel(&self, request_id: Uuid) -> Result<RedemptionView, ClientError> {
        self.signed(
            Method::POST,
            "/v1/redemptions/cancel",
            Some(&CancelRedemptionRequest { request_id }),
        )
        .await
    }

    pub async fn redemption_query(&self, request_id: Uuid) -> Result<RedemptionView, ClientError> {
        self.signed::<(), _>(Method::GET, &format!("/v1/redemptions/{request_id}"), None)
            .await
    }

    pub async fn statement(&self, date: &str) -> Result<Statement, ClientError> {
        self.signed::<(), _>(
            Method::GET,
            &format!("/v1/statements/{}", encode_query(date)),
            None,
        )
        .await
    }
}

/// Reads a response: 2xx body as `T`, anything else as [`ClientError`].
pub async fn decode<T: DeserializeOwned>(resp: reqwest::Response) -> Result<T, ClientError> {
    let status = resp.status();
    let bytes = resp.bytes().await.map_err(|e| {
        if e.is_timeout() {
            ClientError::Timeout
        } else {
            ClientError::Interrupted(short(&e))
        }
    })?;
    if status.is_success() {
        return serde_json::from_slice(&bytes).map_err(|e| ClientError::Malformed(e.to_string()));
    }
    match serde_json::from_slice::<ApiError>(&bytes) {
        Ok(error) => Err(ClientError::Api {
            status: status.as_u16(),
            error,
        }),
        Err(_) if status == StatusCode::NOT_MODIFIED => Err(ClientError::Http { status: 304 }),
        Err(_) => Err(ClientError::Http {
            status: status.as_u16(),
        }),
    }
}
