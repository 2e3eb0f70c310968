//! The counter's money path, used by the CLI and (later) the app.
//!
//! Invariant: an order is persisted (with its UUIDv7 client key and cashier) before the
//! first send; it is only ever sent under that key.
//! Invariant: a timeout, dropped connection or 5xx leaves the order UNKNOWN; it is resolved
//! by a status query with the same key, and re-sent under the same key only when the
//! platform says it has never seen it. Nothing is failed automatically.
//! Invariant: FAILED is accepted only when two consecutive platform reads agree, so a
//! stale or flipped report cannot make the cashier refund a delivered top-up.
//! Invariant: ledger entries are appended in the same transaction as the state change
//! they book; they are never edited.
//! Invariant: every public action checks the caller's role here, in the back end.

mod delivery;
mod orders;
mod outbox;
mod owner;
mod people;
mod redeem;
mod reports;
mod settings;
mod stored;
mod vault;

use std::time::Duration;

use cardcat_client::secrets::SecretStore;
use cardcat_client::{ClientError, Credentials, PlatformClient, SecretError};
use cardcat_core::account::AccountError;
use cardcat_core::i18n::{Arg, Args};
use cardcat_core::product::QuoteError;
use cardcat_core::roles::{Action, Forbidden, Role};
use cardcat_core::{Lang, Localized, OrderState};
use cardcat_store::{Store, StoreError};
use serde::Serialize;

pub use cardcat_core::report::GroupBy;
pub use delivery::{
    DEFAULT_INTENT_WINDOW_SECS, HandOver, K_INTENT_WINDOW_SECS, PriorSale, open_and_owed,
};
pub use orders::{OrderRecord, PreparedOrder, ResumeReport, SellRequest};
pub use outbox::AuditEntry;
pub use owner::{AuditFilter, LastReconcile};
pub use people::{ShiftInfo, UserInfo};
pub use redeem::{RedemptionRecord, RedemptionState, open_redemptions};
pub use reports::CommissionRow;
pub use settings::{
    K_KIOSK, K_LANGUAGE, K_PRINTER_PROFILE, K_PRINTER_TARGET, K_RECEIPT_FOOTER, K_RECEIPT_LOGO,
    K_RECEIPT_LOGO_IMAGE, K_UPDATE_CHANNEL, PRINTER_KEYS, actor_for, configure, configure_audit,
};
pub use stored::CorruptValue;
pub use vault::PinVault;

pub const K_PLATFORM_URL: &str = "platform_url";
pub const K_TERMINAL_ID: &str = "terminal_id";
pub const K_STORE_ID: &str = "store_id";
pub const K_STORE_NAME: &str = "store_name";

/// A logged-in person. Only [`Engine::login`] makes one (it is deliberately not
/// `Deserialize`, so no caller can forge one from data).
/// Its fields are readable but not writable outside the engine, so a cashier's session
/// cannot be turned into an owner's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    pub(crate) user_id: String,
    pub(crate) name: String,
    pub(crate) role: Role,
}

impl Session {
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn require(&self, action: Action) -> Result<(), EngineError> {
        cardcat_core::roles::require(self.role, action).map_err(EngineError::Forbidden)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Client(#[from] ClientError),
    #[error("{0}")]
    Secret(#[from] SecretError),
    #[error("{0}")]
    Forbidden(#[from] Forbidden),
    #[error("{0}")]
    Account(#[from] AccountError),
    #[error("{0}")]
    Quote(#[from] QuoteError),
    #[error("platform unreachable: {0}")]
    Offline(ClientError),
    #[error("clock skew {secs} s")]
    ClockSkew { secs: i64 },
    #[error("not activated")]
    NotActivated,
    #[error("terminal secret missing from the keyring")]
    SecretMissing,
    #[error("no such product {0}")]
    NoSuchProduct(String),
    #[error("no such order {0}")]
    NoSuchOrder(String),
    #[error("no such user or wrong PIN")]
    BadLogin { attempts_left: u32 },
    #[error("user locked")]
    Locked { minutes: i64 },
    #[error("duplicate of open order {existing}")]
    Duplicate { existing: String, state: OrderState },
    #[error("no open shift")]
    ShiftNotOpen,
    #[error("shift already open")]
    ShiftAlreadyOpen,
    #[error(
        "order {key} is {state:?}; a new order may only replace a FAILED, REFUNDED or CANCELLED one"
    )]
    CannotReplace { key: String, state: OrderState },
    #[error("voucher: {0:?}")]
    Voucher(cardcat_wire::ErrorCode, String),
    #[error("invalid: {0}")]
    Invalid(String),
    #[error("crypto: {0}")]
    Crypto(String),
    #[error("database: {0}")]
    Sql(String),
    #[error("log in first")]
    LoginRequired,
    #[error("the same sale {0:?} was made within the window; confirm it first")]
    RepeatSale(Box<PriorSale>),
    #[error("the result of {0:?} has not reached the customer")]
    Owed(Box<PriorSale>),
    #[error("corrupt stored value: {0}")]
    Corrupt(CorruptValue),
    #[error("refused: {0:?}")]
    Refused(Refusal),
}

/// An owner's request the engine turns down, with nothing changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    NoSuchUser,
    /// The last active owner cannot be disabled or made a cashier.
    LastOwner,
    /// A person cannot disable themselves.
    OwnAccount,
}

impl From<cardcat_store::rusqlite_reexport::Error> for EngineError {
    fn from(e: cardcat_store::rusqlite_reexport::Error) -> Self {
        match stored::corrupt_of(&e) {
            Some(c) => EngineError::Corrupt(c),
            None => EngineError::Sql(e.to_string()),
        }
    }
}

impl Localized for EngineError {
    fn code(&self) -> &'static str {
        use EngineError::*;
        match self {
            Store(e) => e.code(),
            Client(e) => e.code(),
            Secret(e) => e.code(),
            Forbidden(e) => e.code(),
            Account(e) => e.code(),
            Quote(_) => "order.quote",
            Offline(_) => "net.offline",
            ClockSkew { .. } => "terminal.clock_skew",
            NotActivated => "terminal.not_activated",
            SecretMissing => "terminal.secret_missing",
            NoSuchProduct(_) => "catalog.no_such_product",
            NoSuchOrder(_) => "order.not_found",
            BadLogin { .. } => "auth.bad_login",
            Locked { .. } => "auth.locked",
            Duplicate { .. } => "order.duplicate",
            ShiftNotOpen => "shift.not_open",
            ShiftAlreadyOpen => "shift.already_open",
            CannotReplace { .. } => "order.cannot_replace",
            Voucher(c, _) => match c {
                cardcat_wire::ErrorCode::VoucherNotFound => "voucher.not_found",
                cardcat_wire::ErrorCode::VoucherUsed => "voucher.used",
                cardcat_wire::ErrorCode::VoucherExpired => "voucher.expired",
                cardcat_wire::ErrorCode::VoucherCancelled => "voucher.cancelled",
                cardcat_wire::ErrorCode::CancelWindowClosed => "voucher.cancel_window_closed",
                _ => "voucher.error",
            },
            Invalid(_) => "input.invalid",
            Crypto(_) => "vault.crypto",
            Sql(_) => "store.sqlite",
            Corrupt(_) => "store.corrupt_value",
            LoginRequired => "auth.login_required",
            RepeatSale(_) => "order.repeat_sale",
            Owed(_) => "order.owed",
            Refused(Refusal::NoSuchUser) => "input.no_such_user",
            Refused(Refusal::LastOwner) => "input.last_owner",
            Refused(Refusal::OwnAccount) => "input.own_account",
        }
    }

    fn args(&self, lang: Lang) -> Args {
        use EngineError::*;
        match self {
            Store(e) => e.args(lang),
            Client(e) => e.args(lang),
            Secret(e) => e.args(lang),
            Forbidden(e) => e.args(lang),
            Account(e) => e.args(lang),
            Quote(q) => {
                let reason = match q {
                    QuoteError::Quantity => "quantity",
                    QuoteError::Overflow => "overflow",
                    QuoteError::Unavailable => "unavailable",
                };
                vec![("reason", Arg::from(reason))]
            }
            Offline(e) => vec![("reason", Arg::from(e.message(lang)))],
            ClockSkew { secs } => vec![
                ("secs", Arg::from(secs.unsigned_abs())),
                (
                    "direction",
                    Arg::from(if *secs >= 0 { "ahead" } else { "behind" }),
                ),
            ],
            NoSuchProduct(sku) => vec![("sku", Arg::from(sku))],
            NoSuchOrder(key) => vec![("key", Arg::from(key))],
            // Same answer for an unknown user and a wrong PIN: attempts are not revealed.
            BadLogin { .. } => Vec::new(),
            Locked { minutes } => vec![("minutes", Arg::from(*minutes))],
            Duplicate { existing, state } => vec![
                ("key", Arg::from(existing)),
                ("state", Arg::from(state.label(lang))),
            ],
            CannotReplace { key, state } => vec![
                ("key", Arg::from(key)),
                ("state", Arg::from(state.label(lang))),
            ],
            Voucher(_, detail) | Invalid(detail) | Crypto(detail) | Sql(detail) => {
                vec![("detail", Arg::from(detail))]
            }
            Corrupt(c) => vec![
                ("table", Arg::from(c.table)),
                ("field", Arg::from(c.field)),
                ("row", Arg::from(&c.row)),
                ("detail", Arg::from(c.to_string())),
            ],
            RepeatSale(p) | Owed(p) => vec![
                ("key", Arg::from(p.key.to_string())),
                ("product", Arg::from(&p.product_name)),
                (
                    "account",
                    Arg::from(if p.account.is_empty() {
                        "-"
                    } else {
                        p.account.as_str()
                    }),
                ),
                ("time", Arg::from(cardcat_core::time_utc8(p.created_at_ms))),
                ("state", Arg::from(p.state.label(lang))),
                (
                    "delivered",
                    Arg::from(if p.handed_over { "yes" } else { "no" }),
                ),
                (
                    "pin",
                    Arg::from(if p.account.is_empty() { "yes" } else { "no" }),
                ),
            ],
            NotActivated | SecretMissing | ShiftNotOpen | ShiftAlreadyOpen | LoginRequired
            | Refused(_) => Vec::new(),
        }
    }
}

pub type Result<T, E = EngineError> = std::result::Result<T, E>;

pub fn now_ms() -> i64 {
    cardcat_store::now_ms()
}

/// Where this terminal's platform is and how it signs: URL (settings, or
/// `CARDCAT_PLATFORM_URL`) and the secret from the OS keyring.
pub fn terminal_credentials(
    store: &Store,
    secrets: &dyn SecretStore,
) -> Result<(String, Credentials)> {
    let url = std::env::var("CARDCAT_PLATFORM_URL")
        .ok()
        .or(store.setting(K_PLATFORM_URL)?)
        .ok_or(EngineError::NotActivated)?;
    let tid = store
        .setting(K_TERMINAL_ID)?
        .ok_or(EngineError::NotActivated)?;
    let secret = secrets.get(&tid)?.ok_or(EngineError::SecretMissing)?;
    let creds = Credentials::from_hex(tid, &secret)?;
    Ok((url, creds))
}

/// The engine: one terminal's store, its signed platform client and its PIN vault.
pub struct Engine {
    pub(crate) store: Store,
    pub(crate) client: PlatformClient,
    /// Short-timeout client for the "is the platform there?" check before a sale.
    pub(crate) probe: PlatformClient,
    pub(crate) vault: PinVault,
    pub(crate) terminal_id: String,
    /// How long `sell` follows an order before handing it to the background resolver.
    pub follow_for: Duration,
    /// Simulated error of this terminal's clock (tests of clock-skew handling).
    clock_offset_ms: i64,
}

impl Engine {
    /// Opens the engine for an activated terminal: secret and PIN key from the keyring.
    pub fn open(store: Store, secrets: &dyn SecretStore) -> Result<Engine> {
        Self::open_with(store, secrets, Duration::from_secs(10))
    }

    pub fn open_with(store: Store, secrets: &dyn SecretStore, timeout: Duration) -> Result<Engine> {
        let (url, creds) = terminal_credentials(&store, secrets)?;
        let tid = creds.terminal_id.clone();
        let client = PlatformClient::with_timeout(&url, timeout)?.with_credentials(creds.clone());
        let probe = PlatformClient::with_timeout(&url, Duration::from_millis(1500).min(timeout))?
            .with_credentials(creds);
        let vault = PinVault::load_or_create(secrets, &tid)?;
        Ok(Engine {
            store,
            client,
            probe,
            vault,
            terminal_id: tid,
            follow_for: Duration::from_secs(30),
            clock_offset_ms: 0,
        })
    }

    /// Pretends this terminal's clock is `ms` off (signing and the skew check both use it).
    pub fn with_clock_offset_ms(mut self, ms: i64) -> Engine {
        self.client = self.client.clone().with_clock_offset_ms(ms);
        self.probe = self.probe.clone().with_clock_offset_ms(ms);
        self.clock_offset_ms = ms;
        self
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn client(&self) -> &PlatformClient {
        &self.client
    }

    pub fn terminal_id(&self) -> &str {
        &self.terminal_id
    }

    /// A second engine on the same terminal with its own database connection: for a
    /// background worker that follows an order while this one keeps serving reads.
    /// No keyring access (the credentials and the PIN key are already loaded).
    pub fn fork(&self) -> Result<Engine> {
        Ok(Engine {
            store: Store::open_existing(self.store.path())?,
            client: self.client.clone(),
            probe: self.probe.clone(),
            vault: self.vault.clone(),
            terminal_id: self.terminal_id.clone(),
            follow_for: self.follow_for,
            clock_offset_ms: self.clock_offset_ms,
        })
    }

    /// This terminal's clock minus the platform's, in ms, measured now. The future does
    /// not borrow the engine (it stays `Send` while the engine's connection is not `Sync`).
    pub fn clock_skew_ms(
        &self,
    ) -> impl std::future::Future<Output = std::result::Result<i64, ClientError>> + Send + 'static
    {
        let probe = self.probe.clone();
        let offset = self.clock_offset_ms;
        async move {
            let before = now_ms() + offset;
            let t = probe.time().await?;
            let after = now_ms() + offset;
            Ok(clock::skew_ms(before, after, t.server_time_ms))
        }
    }

    /// Fails with [`EngineError::Offline`] when the platform cannot be reached right now,
    /// and with [`EngineError::ClockSkew`] when this clock is so far off that signed
    /// requests would be refused (checked before an order exists, so nothing is left UNKNOWN).
    pub fn ensure_online(&self) -> impl std::future::Future<Output = Result<()>> + Send + 'static {
        let skew = self.clock_skew_ms();
        async move {
            match skew.await {
                Ok(skew_ms) => clock::check(skew_ms),
                Err(
                    e @ (ClientError::Unreachable(_)
                    | ClientError::Timeout
                    | ClientError::Interrupted(_)),
                ) => Err(EngineError::Offline(e)),
                Err(e @ (ClientError::Http { .. } | ClientError::Api { .. }))
                    if e.is_unknown_outcome() =>
                {
                    Err(EngineError::Offline(e))
                }
                Err(e) => Err(e.into()),
            }
        }
    }
}

/// The one clock-skew rule, shared by the sale check and the doctor.
pub mod clock {
    use super::{EngineError, Result};

    /// How far this clock may be from the platform's: a margin inside the platform's
    /// ±5 min signature window, so a request signed now is still accepted on arrival.
    pub const ALLOWED_SKEW_MS: i64 = (cardcat_wire::sign::MAX_SKEW_SECS - 30) * 1000;

    /// Local minus server, using the midpoint of the local times around the request.
    pub fn skew_ms(local_before_ms: i64, local_after_ms: i64, server_ms: i64) -> i64 {
        local_before_ms + (local_after_ms - local_before_ms) / 2 - server_ms
    }

    /// Ok when a sale may be signed with this skew (inclusive bound).
    pub fn check(skew_ms: i64) -> Result<()> {
        if skew_ms.abs() > ALLOWED_SKEW_MS {
            Err(EngineError::ClockSkew {
                secs: skew_ms / 1000,
            })
        } else {
            Ok(())
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn the_boundary_is_inclusive_and_symmetric() {
            for ms in [0, 1, ALLOWED_SKEW_MS, -ALLOWED_SKEW_MS] {
                assert!(check(ms).is_ok(), "{ms}");
            }
            for ms in [
                ALLOWED_SKEW_MS + 1,
                -ALLOWED_SKEW_MS - 1,
                285_000,
                -285_000,
                i64::MAX,
                i64::MIN + 1,
            ] {
                assert!(check(ms).is_err(), "{ms}");
            }
        }

        #[test]
        fn skew_is_local_minus_server() {
            assert_eq!(skew_ms(1_000, 1_200, 600), 500);
            assert_eq!(skew_ms(1_000, 1_000, 2_000), -1_000);
        }
    }
}
