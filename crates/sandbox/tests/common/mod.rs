//! Test helpers: start a sandbox on a temp DB and talk to it with signed requests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::{SystemTime, UNIX_EPOCH};

use cardcat_sandbox::{RunningSandbox, SandboxConfig};
use cardcat_wire::sign::{self, HDR_NONCE, HDR_SIGNATURE, HDR_TERMINAL, HDR_TIMESTAMP};
use cardcat_wire::{ActivateRequest, ActivateResponse, ApiError, ErrorCode};
use reqwest::{Method, Response, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub const ADMIN: &str = "sandbox-admin";

pub struct Env {
    pub dir: tempfile::TempDir,
    pub sandbox: RunningSandbox,
    pub http: reqwest::Client,
}

pub fn config(dir: &tempfile::TempDir) -> SandboxConfig {
    SandboxConfig::new(dir.path().join("sandbox.sqlite"))
}

pub async fn start_with(f: impl FnOnce(&mut SandboxConfig)) -> Env {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(&dir);
    f(&mut cfg);
    let sandbox = cardcat_sandbox::start(cfg, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    Env {
        dir,
        sandbox,
        http: reqwest::Client::new(),
    }
}

pub async fn start() -> Env {
    start_with(|_| {}).await
}

impl Env {
    pub fn db(&self) -> std::path::PathBuf {
        self.dir.path().join("sandbox.sqlite")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.sandbox.url(), path)
    }

    pub async fn activate(&self) -> Terminal {
        self.activate_in(None).await
    }

    /// A fresh terminal of `store` (default store when `None`).
    pub async fn activate_in(&self, store: Option<&str>) -> Terminal {
        let code = cardcat_sandbox::create_pairing_code(&self.db(), store).unwrap();
        assert_eq!(code.code.len(), 8);
        assert!(code.code.bytes().all(|b| b.is_ascii_digit()));
        let resp = self
            .http
            .post(self.url("/v1/activate"))
            .json(&ActivateRequest {
                code: code.code,
                device_name: "收银台1".into(),
            })
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let a: ActivateResponse = resp.json().await.unwrap();
        assert_eq!(a.secret.len(), 64);
        Terminal {
            http: self.http.clone(),
            base: self.sandbox.url(),
            id: a.terminal_id,
            store_id: a.store_id,
            secret: hex::decode(a.secret).unwrap(),
            skew_secs: 0,
        }
    }

    pub fn admin_post<B: Serialize>(
        &self,
        path: &str,
        body: &B,
    ) -> impl std::future::Future<Output = Response> + use<B> {
        let rb = self.http.post(self.url(path)).bearer_auth(ADMIN).json(body);
        async move { rb.send().await.unwrap() }
    }

    pub async fn admin_get(&self, path: &str) -> Response {
        self.http
            .get(self.url(path))
            .bearer_auth(ADMIN)
            .send()
            .await
            .unwrap()
    }
}

#[derive(Clone)]
pub struct Terminal {
    pub http: reqwest::Client,
    pub base: String,
    pub id: String,
    pub store_id: String,
    pub secret: Vec<u8>,
    pub skew_secs: i64,
}

pub fn now_secs() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

pub fn nonce() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

impl Terminal {
    /// Sends a request signed with explicit parts; `sig` overrides the signature.
    #[allow(clippy::too_many_arguments)]
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        body: Vec<u8>,
        ts: i64,
        nonce: &str,
        sig: Option<String>,
        extra: &[(&str, &str)],
    ) -> Result<Response, reqwest::Error> {
        let sig = sig
            .unwrap_or_else(|| sign::sign(&self.secret, method.as_str(), path, ts, nonce, &body));
        let mut rb = self
            .http
            .request(method, format!("{}{}", self.base, path))
            .header(HDR_TERMINAL, &self.id)
            .header(HDR_TIMESTAMP, ts.to_string())
            .header(HDR_NONCE, nonce)
            .header(HDR_SIGNATURE, sig);
        if !body.is_empty() {
            rb = rb.header("content-type", "application/json").body(body);
        }
        for (k, v) in extra {
            rb = rb.header(*k, *v);
        }
        rb.send().await
    }

    pub async fn try_send(
        &self,
        method: Method,
        path: &str,
        body: Vec<u8>,
    ) -> Result<Response, reqwest::Error> {
        self.raw(
            method,
            path,
            body,
            now_secs() + self.skew_secs,
            &nonce(),
            None,
            &[],
        )
        .await
    }

    pub async fn get(&self, path: &str) -> Response {
        self.try_send(Method::GET, path, Vec::new()).await.unwrap()
    }

    /// Serialises `body` right away, so the future does not borrow it.
    pub fn post<'a, B: Serialize>(
        &'a self,
        path: &str,
        body: &B,
    ) -> impl std::future::Future<Output = Response> + use<'a, B> {
        let bytes = serde_json::to_vec(body).unwrap();
        let path = path.to_string();
        async move { self.try_send(Method::POST, &path, bytes).await.unwrap() }
    }

    pub async fn get_ok<T: DeserializeOwned>(&self, path: &str) -> T {
        let r = self.get(path).await;
        let status = r.status();
        let text = r.text().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{path}: {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"))
    }

    pub async fn post_ok<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> T {
        let r = self.post(path, body).await;
        let status = r.status();
        let text = r.text().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{path}: {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"))
    }
}

/// Asserts an error answer and returns its body.
pub async fn expect_err(r: Response, status: StatusCode, code: ErrorCode) -> ApiError {
    let got = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(got, status, "{text}");
    let e: ApiError = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(e.code, code, "{text}");
    e
}
