//! Shared server state.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicI64, AtomicU64};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use cardcat_wire::ChaosConfig;
use rusqlite::Connection;
use uuid::Uuid;

use crate::config::SandboxConfig;
use crate::error::{ApiErr, ApiResult};
use crate::snapshot::Snapshot;
use crate::throttle::ActivationThrottle;

/// An authenticated terminal, put into request extensions by the auth middleware.
#[derive(Clone)]
pub(crate) struct Terminal {
    pub id: String,
    pub store_id: String,
    pub secret: Vec<u8>,
}

/// Never prints the secret.
impl std::fmt::Debug for Terminal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Terminal")
            .field("id", &self.id)
            .field("store_id", &self.store_id)
            .finish_non_exhaustive()
    }
}

pub(crate) struct AppState {
    pub cfg: SandboxConfig,
    db: Mutex<Connection>,
    /// Current catalog version (changed only by this process: churn).
    pub catalog_version: AtomicI64,
    pub snapshot: tokio::sync::Mutex<Option<Arc<Snapshot>>>,
    pub chaos: Mutex<ChaosConfig>,
    pub terminals: Mutex<HashMap<String, Terminal>>,
    /// Scenario 901: keys whose first attempt was already refused.
    pub refused_901: Mutex<HashSet<Uuid>>,
    pub nonce_inserts: AtomicU64,
    /// Wrong pairing codes and lockouts of `POST /v1/activate` (in memory: a restart
    /// forgets them).
    pub activation: Mutex<ActivationThrottle>,
}

/// Locks a mutex even if a previous holder panicked (the data is still usable:
/// SQLite rolls back an unfinished transaction on drop).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl AppState {
    pub fn new(cfg: SandboxConfig, conn: Connection) -> anyhow::Result<Self> {
        let version: i64 =
            conn.query_row("SELECT version FROM catalog_meta WHERE id = 1", [], |r| {
                r.get(0)
            })?;
        let activation = Mutex::new(ActivationThrottle::new(&cfg));
        Ok(AppState {
            activation,
            cfg,
            db: Mutex::new(conn),
            catalog_version: AtomicI64::new(version),
            snapshot: tokio::sync::Mutex::new(None),
            chaos: Mutex::new(ChaosConfig::default()),
            terminals: Mutex::new(HashMap::new()),
            refused_901: Mutex::new(HashSet::new()),
            nonce_inserts: AtomicU64::new(0),
        })
    }

    /// Runs `f` on the database connection on the blocking pool.
    pub async fn db<T, F>(self: &Arc<Self>, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> ApiResult<T> + Send + 'static,
    {
        let st = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let mut conn = lock(&st.db);
            f(&mut conn)
        })
        .await
        .map_err(|e| ApiErr::internal(format!("database task failed: {e}")))?
    }
}
