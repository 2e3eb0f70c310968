//! Shared fixtures for the integration tests and benchmarks: a sandbox on port 0 in a
//! temp dir, an activated client, and sandbox admin calls over real HTTP.

use std::net::SocketAddr;
use std::path::PathBuf;

use cardcat_client::{Credentials, PlatformClient};
use cardcat_sandbox::{RunningSandbox, SandboxConfig};
use cardcat_wire::{ActivateResponse, ChaosConfig};

pub struct Env {
    pub dir: tempfile::TempDir,
    pub sandbox: RunningSandbox,
    pub sandbox_db: PathBuf,
    pub admin_token: String,
}

impl Env {
    pub async fn start(extra_skus: u32) -> Env {
        Self::start_with(extra_skus, |_| {}).await
    }

    pub async fn start_with(extra_skus: u32, tweak: impl FnOnce(&mut SandboxConfig)) -> Env {
        let dir = tempfile::tempdir().expect("tempdir");
        let sandbox_db = dir.path().join("sandbox.sqlite");
        let mut cfg = SandboxConfig::new(&sandbox_db);
        cfg.extra_skus = extra_skus;
        tweak(&mut cfg);
        let admin_token = cfg.admin_token.clone();
        let sandbox = cardcat_sandbox::start(cfg, SocketAddr::from(([127, 0, 0, 1], 0))).await.expect("sandbox starts");
        Env { dir, sandbox, sandbox_db, admin_token }
    }

    pub fn url(&self) -> String {
        self.sandbox.url()
    }

    pub fn terminal_db(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn pairing_code(&self) -> String {
        cardcat_sandbox::create_pairing_code(&self.sandbox_db, None).expect("pairing code").code
    }

    /// Activates a new terminal over HTTP and returns its signed client.
    pub async fn activated(&self) -> (PlatformClient, ActivateResponse) {
        let c = PlatformClient::new(&self.url()).expect("client");
        let a = c.activate(&self.pairing_code(), "test-counter").await.expect("activation");
        let creds = Credentials::from_hex(a.terminal_id.clone(), &a.secret).expect("hex secret");
        (c.with_credentials(creds), a)
    }

    pub async fn set_chaos(&self, chaos: &ChaosConfig) {
        let r = reqwest::Client::new()
            .post(format!("{}/admin/chaos", self.url()))
            .bearer_auth(&self.admin_token)
            .json(chaos)
            .send()
            .await
            .expect("admin chaos");
        assert!(r.status().is_success(), "chaos: {}", r.status());
    }
}
