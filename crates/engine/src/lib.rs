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

mod orders;
mod outbox;
mod people;
mod redeem;
mod reports;
mod vault;

use std::time::Duration;

use cardcat_client::secrets::SecretStore;
use cardcat_client::{ClientError, Credentials, PlatformClient, SecretError};
use cardcat_core::account::AccountError;
use cardcat_core::product::QuoteError;
use cardcat_core::roles::{Action, Forbidden, Role};
use cardcat_core::{Lang, Localized, OrderState};
use cardcat_store::{Store, StoreError};
use serde::Serialize;

pub use orders::{OrderRecord, PreparedOrder, ResumeReport, SellRequest};
pub use people::{ShiftInfo, UserInfo};
pub use redeem::RedemptionRecord;
pub use reports::{CommissionRow, GroupBy};
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
}

impl From<cardcat_store::rusqlite_reexport::Error> for EngineError {
    fn from(e: cardcat_store::rusqlite_reexport::Error) -> Self {
        EngineError::Sql(e.to_string())
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
        }
    }

    fn message(&self, lang: Lang) -> String {
        use EngineError::*;
        let zh = lang == Lang::ZhCn;
        match self {
            Store(e) => e.message(lang),
            Client(e) => e.message(lang),
            Secret(e) => e.message(lang),
            Forbidden(e) => e.message(lang),
            Account(e) => e.message(lang),
            Quote(QuoteError::Unavailable) => {
                if zh {
                    "该商品暂停销售".into()
                } else {
                    "This product is not on sale right now".into()
                }
            }
            Quote(QuoteError::Quantity) => {
                if zh {
                    "数量应为1到99".into()
                } else {
                    "Quantity must be 1 to 99".into()
                }
            }
            Quote(QuoteError::Overflow) => {
                if zh {
                    "金额超出范围".into()
                } else {
                    "Amount out of range".into()
                }
            }
            Offline(e) => {
                if zh {
                    format!(
                        "平台暂时无法连接，本单未提交、未扣款，请稍后再试或改用其他方式（{}）",
                        e.message(lang)
                    )
                } else {
                    format!(
                        "The platform is unreachable; this order was not sent and nothing was charged. Try again later ({})",
                        e.message(lang)
                    )
                }
            }
            ClockSkew { secs } => {
                if zh {
                    format!(
                        "本机时间与平台相差 {secs} 秒（clock skew），平台会拒收订单；请先校准系统时间。本单未提交、未扣款。"
                    )
                } else {
                    format!(
                        "This terminal's clock is {secs} s off the platform's (clock skew); the platform would refuse the order. Fix the system time. Nothing was sent or charged."
                    )
                }
            }
            SecretMissing => {
                if zh {
                    "系统密钥环中没有本终端的密钥，请重新激活（cardcat activate）".into()
                } else {
                    "The terminal secret is not in the OS keyring; activate again (cardcat activate)".into()
                }
            }
            NotActivated => {
                if zh {
                    "终端尚未激活，请先运行 cardcat activate".into()
                } else {
                    "This terminal is not activated; run cardcat activate first".into()
                }
            }
            NoSuchProduct(s) => {
                if zh {
                    format!("目录中没有商品 {s}，请先同步目录")
                } else {
                    format!("No product {s} in the catalog; sync the catalog")
                }
            }
            NoSuchOrder(k) => {
                if zh {
                    format!("没有订单 {k}")
                } else {
                    format!("No order {k}")
                }
            }
            BadLogin { attempts_left } => {
                if zh {
                    format!("工号或密码错误，还可尝试 {attempts_left} 次")
                } else {
                    format!("Wrong user or PIN; {attempts_left} attempts left")
                }
            }
            Locked { minutes } => {
                if zh {
                    format!("密码错误次数过多，账号已锁定，请 {minutes} 分钟后再试或联系店主")
                } else {
                    format!("Too many wrong PINs; locked for {minutes} more minutes")
                }
            }
            Duplicate { existing, state } => {
                if zh {
                    format!(
                        "该账号有一笔相同金额的订单仍在处理中（{existing}，{}），为防止重复充值已拦截；如确需再充，请店主授权",
                        state.as_str()
                    )
                } else {
                    format!(
                        "An order for the same account and amount is still open ({existing}, {}); blocked to prevent a double top-up. The owner can override.",
                        state.as_str()
                    )
                }
            }
            ShiftNotOpen => {
                if zh {
                    "尚未开班，请先开班（cardcat shift open）".into()
                } else {
                    "No open shift; open one first (cardcat shift open)".into()
                }
            }
            ShiftAlreadyOpen => {
                if zh {
                    "已有未结束的班次".into()
                } else {
                    "A shift is already open".into()
                }
            }
            CannotReplace { key, state } => {
                if zh {
                    format!(
                        "原订单 {key} 状态为 {}，只有失败、已退款或已取消的订单才能换单重下",
                        state.as_str()
                    )
                } else {
                    format!(
                        "Order {key} is {}; only a FAILED, REFUNDED or CANCELLED order can be replaced",
                        state.as_str()
                    )
                }
            }
            Voucher(c, m) => {
                use cardcat_wire::ErrorCode as E;
                match (c, zh) {
                    (E::VoucherNotFound, true) => "券码不存在，请核对后重新输入或扫码".into(),
                    (E::VoucherNotFound, false) => {
                        "No such voucher code; check it and scan again".into()
                    }
                    (E::VoucherUsed, true) => "该券已被核销过，不能重复使用".into(),
                    (E::VoucherUsed, false) => "This voucher has already been redeemed".into(),
                    (E::VoucherExpired, true) => "该券已过期，不能核销".into(),
                    (E::VoucherExpired, false) => "This voucher has expired".into(),
                    (E::VoucherCancelled, true) => "该券已作废".into(),
                    (E::VoucherCancelled, false) => "This voucher has been cancelled".into(),
                    (E::CancelWindowClosed, true) => {
                        "已超过撤销时限（核销后10分钟内可撤销）".into()
                    }
                    (E::CancelWindowClosed, false) => {
                        "Too late to cancel (allowed within 10 minutes of redemption)".into()
                    }
                    (_, true) => format!("核销失败：{m}"),
                    (_, false) => format!("Redemption failed: {m}"),
                }
            }
            Invalid(m) => {
                if zh {
                    format!("输入有误：{m}")
                } else {
                    format!("Invalid input: {m}")
                }
            }
            Crypto(m) => {
                if zh {
                    format!("卡密加解密失败：{m}")
                } else {
                    format!("PIN vault error: {m}")
                }
            }
            Sql(m) => {
                if zh {
                    format!("本地数据库错误：{m}")
                } else {
                    format!("Local database error: {m}")
                }
            }
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

    /// Fails with [`EngineError::Offline`] when the platform cannot be reached right now,
    /// and with [`EngineError::ClockSkew`] when this clock is so far off that signed
    /// requests would be refused (checked before an order exists, so nothing is left UNKNOWN).
    pub async fn ensure_online(&self) -> Result<()> {
        let before = now_ms() + self.clock_offset_ms;
        match self.probe.time().await {
            Ok(t) => {
                let skew_ms = (before + now_ms() + self.clock_offset_ms) / 2 - t.server_time_ms;
                // a margin inside the platform's ±5 min window
                if skew_ms.abs() > (cardcat_wire::sign::MAX_SKEW_SECS - 30) * 1000 {
                    return Err(EngineError::ClockSkew {
                        secs: skew_ms / 1000,
                    });
                }
                Ok(())
            }
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
