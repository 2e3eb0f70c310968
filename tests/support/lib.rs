//! Shared fixtures for the integration tests and benchmarks: a sandbox on port 0 in a
//! temp dir, an activated client, and sandbox admin calls over real HTTP.

pub mod query_set;
pub mod timing;

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
        let sandbox = cardcat_sandbox::start(cfg, SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("sandbox starts");
        Env {
            dir,
            sandbox,
            sandbox_db,
            admin_token,
        }
    }

    pub fn url(&self) -> String {
        self.sandbox.url()
    }

    pub fn terminal_db(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn pairing_code(&self) -> String {
        cardcat_sandbox::create_pairing_code(&self.sandbox_db, None)
            .expect("pairing code")
            .code
    }

    /// Activates a new terminal over HTTP and returns its signed client.
    pub async fn activated(&self) -> (PlatformClient, ActivateResponse) {
        let c = PlatformClient::new(&self.url()).expect("client");
        let a = c
            .activate(&self.pairing_code(), "test-counter")
            .await
            .expect("activation");
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

/// An activated terminal with a synced catalog, an owner (`boss`/8888), a cashier
/// (`c1`/1234) with an open shift, the counter service and the engine — all against the
/// sandbox in `env`. Activation and sync go through the counter service, as in production.
pub struct Counter {
    pub env: Env,
    pub service: cardcat_counter::Counter,
    pub engine: cardcat_engine::Engine,
    pub owner: cardcat_engine::Session,
    pub cashier: cardcat_engine::Session,
    pub db: PathBuf,
}

impl Counter {
    pub async fn start(tweak: impl FnOnce(&mut SandboxConfig)) -> Counter {
        Self::start_with_timeout(tweak, std::time::Duration::from_secs(10)).await
    }

    /// Like [`start`](Self::start) with the client's per-request time limit set.
    pub async fn start_with_timeout(
        tweak: impl FnOnce(&mut SandboxConfig),
        timeout: std::time::Duration,
    ) -> Counter {
        let env = Env::start_with(0, tweak).await;
        let db = env.terminal_db("counter.sqlite");
        let secrets: std::sync::Arc<dyn cardcat_client::SecretStore> =
            std::sync::Arc::new(cardcat_client::secrets::MemoryStore::default());
        let service = Self::setup(&env, &db, secrets.clone(), timeout).await;
        service
            .add_user(None, "boss", "老板", "owner", "8888")
            .expect("owner");
        let owner = service.login("boss", "8888").expect("owner login");
        service
            .add_user(Some(&owner), "c1", "小王", "cashier", "1234")
            .expect("cashier");
        let cashier = service.login("c1", "1234").expect("cashier login");
        service.open_shift(&cashier, "200").expect("shift");
        let mut engine = cardcat_engine::Engine::open_with(
            cardcat_store::Store::open(&db).expect("store"),
            &*secrets,
            timeout,
        )
        .expect("engine");
        engine.follow_for = std::time::Duration::from_secs(0);
        Counter {
            env,
            service,
            engine,
            owner,
            cashier,
            db,
        }
    }

    /// Activates a terminal into `db` (secret into `secrets`) and syncs the catalog, through
    /// the counter service: the one activation path.
    pub async fn setup(
        env: &Env,
        db: &std::path::Path,
        secrets: std::sync::Arc<dyn cardcat_client::SecretStore>,
        timeout: std::time::Duration,
    ) -> cardcat_counter::Counter {
        let service = cardcat_counter::Counter::open_with_timeout(
            cardcat_counter::TerminalConfig {
                db: db.to_path_buf(),
                lang: cardcat_core::Lang::ZhCn,
            },
            secrets,
            timeout,
        )
        .expect("counter service");
        service
            .activate(&env.url(), &env.pairing_code(), "test-counter")
            .await
            .expect("activation");
        service.sync(false).await.expect("sync");
        service
    }

    /// Sells with defaults (cash, qty 1) as the cashier.
    pub async fn sell(
        &mut self,
        sku: &str,
        account: &str,
    ) -> Result<cardcat_engine::OrderRecord, cardcat_engine::EngineError> {
        let s = self.cashier.clone();
        self.engine
            .sell(&s, &cardcat_engine::SellRequest::new(sku, account))
            .await
    }

    /// Resumes until no order is open (or `secs` pass).
    pub async fn settle(&mut self, secs: u64) {
        let t = std::time::Instant::now();
        loop {
            let r = self.engine.resume(true).await.expect("resume");
            if r.still_open == 0 || t.elapsed().as_secs() >= secs {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        }
    }
}

/// A `Write` that keeps what the CLI printed, for assertions.
#[derive(Clone, Default)]
pub struct CaptureOut(pub std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for CaptureOut {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl CaptureOut {
    /// Takes (and clears) what was written so far.
    pub fn take(&self) -> String {
        let mut g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        String::from_utf8_lossy(&std::mem::take(&mut *g)).into_owned()
    }
}
