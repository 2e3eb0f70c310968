//! The terminal's side of the platform contract: a signed HTTP client, catalog sync
//! and the OS-keyring secret store.

pub mod api;
pub mod secrets;
pub mod sync;

pub use api::{ClientError, Credentials, PlatformClient};
pub use secrets::{SecretError, SecretStore};
pub use sync::{Progress, SyncError, SyncPhase, SyncReport};
