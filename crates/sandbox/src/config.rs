//! How a sandbox is configured. Leaf module: uses nothing else from this crate.

use std::path::PathBuf;

/// Where the sandbox keeps its database and how it behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxConfig {
    pub db_path: PathBuf,
    /// Generated SKUs on top of the base catalog (at most `MAX_EXTRA_SKUS`).
    pub extra_skus: u32,
    /// Bearer token for `/admin/...`.
    pub admin_token: String,
    /// Seed for the generated SKUs.
    pub seed: u64,
    /// Scenario `401`: seconds an order stays PENDING.
    pub slow_secs: u64,
    /// Scenario `601`: seconds before a SUCCEEDED order is REVERSED.
    pub reverse_after_secs: u64,
    /// `POST /v1/activate`: wrong pairing codes one client (peer IP) may send within
    /// `activate_window_secs` before it is locked out for `activate_lockout_secs`
    /// (0 = no per-client limit). Correct codes never count.
    pub activate_max_failures_per_client: u32,
    /// `POST /v1/activate`: wrong pairing codes from all clients together within
    /// `activate_window_secs` before every activation is locked out for
    /// `activate_lockout_secs` (0 = no global limit).
    pub activate_max_failures_global: u32,
    /// The sliding window the failure limits count over, in seconds.
    pub activate_window_secs: u64,
    /// How long a lock lasts, in seconds. Every attempt is refused meanwhile, a correct
    /// code included.
    pub activate_lockout_secs: u64,
}

/// Default wrong pairing codes per client per window.
pub const DEFAULT_ACTIVATE_MAX_FAILURES_PER_CLIENT: u32 = 10;
/// Default wrong pairing codes of all clients together per window.
pub const DEFAULT_ACTIVATE_MAX_FAILURES_GLOBAL: u32 = 100;
/// Default failure window (seconds).
pub const DEFAULT_ACTIVATE_WINDOW_SECS: u64 = 60;
/// Default lock duration (seconds).
pub const DEFAULT_ACTIVATE_LOCKOUT_SECS: u64 = 60;

impl SandboxConfig {
    pub fn new(db_path: impl Into<PathBuf>) -> Self {
        SandboxConfig {
            db_path: db_path.into(),
            extra_skus: 0,
            admin_token: "sandbox-admin".into(),
            seed: 42,
            slow_secs: 20,
            reverse_after_secs: 3,
            activate_max_failures_per_client: DEFAULT_ACTIVATE_MAX_FAILURES_PER_CLIENT,
            activate_max_failures_global: DEFAULT_ACTIVATE_MAX_FAILURES_GLOBAL,
            activate_window_secs: DEFAULT_ACTIVATE_WINDOW_SECS,
            activate_lockout_secs: DEFAULT_ACTIVATE_LOCKOUT_SECS,
        }
    }
}
