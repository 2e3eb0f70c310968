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
}

impl SandboxConfig {
    pub fn new(db_path: impl Into<PathBuf>) -> Self {
        SandboxConfig {
            db_path: db_path.into(),
            extra_skus: 0,
            admin_token: "sandbox-admin".into(),
            seed: 42,
            slow_secs: 20,
            reverse_after_secs: 3,
        }
    }
}
