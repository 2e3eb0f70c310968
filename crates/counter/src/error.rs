//! The counter service's one error type. Every variant has a stable code (the catalog key
//! of its message) and localised text; it never carries SQL or a secret to the screen.

use cardcat_client::sync::SyncError;
use cardcat_client::{ClientError, SecretError};
use cardcat_core::i18n::{Arg, Args};
use cardcat_core::report::ReportParamError;
use cardcat_core::{Lang, Localized};
use cardcat_engine::EngineError;
use cardcat_printer::status::PrintError;
use cardcat_store::StoreError;

/// Input a person typed that the counter cannot take. Carries what was given (shortened).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("payment {0:?}")]
    Payment(String),
    #[error("amount {0:?}")]
    Amount(String),
    #[error("cash amount {0:?}")]
    CashAmount(String),
    #[error("order key {0:?}")]
    OrderKey(String),
    #[error("role {0:?}")]
    Role(String),
    #[error("group by {0:?}")]
    GroupBy(String),
    #[error("date {0:?}")]
    Date(String),
    #[error("date range {0} > {1}")]
    DateRange(String, String),
    #[error("limit {0}")]
    Limit(String),
    #[error("printer profile {0:?}")]
    Profile(String),
    #[error("paper width {0:?}")]
    Width(String),
    #[error("subnet {0:?}")]
    Subnet(String),
    #[error("host {0:?}")]
    Host(String),
    #[error("voucher code missing")]
    VoucherCode,
    #[error("an override needs both the owner's id and PIN")]
    OverridePair,
    #[error("quantity {0}")]
    Quantity(String),
    #[error("receipt footer too long ({0} characters)")]
    Footer(usize),
    #[error("user id {0:?}")]
    UserId(String),
    #[error("user name {0:?}")]
    UserName(String),
    #[error("backup name {0:?}")]
    BackupName(String),
    #[error("update channel {0:?}")]
    UpdateChannel(String),
    /// A provisioning file's problem: `kind` is missing / unknown / type / syntax / value.
    #[error("provisioning file, line {line}: {kind} {key}")]
    Provision {
        line: usize,
        kind: &'static str,
        key: String,
    },
}

pub(crate) fn short(s: &str) -> String {
    s.chars().take(40).collect()
}

impl From<ReportParamError> for InputError {
    fn from(e: ReportParamError) -> Self {
        match e {
            ReportParamError::GroupBy(s) => InputError::GroupBy(s),
            ReportParamError::Date(s) => InputError::Date(s),
            ReportParamError::Range { from, to } => InputError::DateRange(from, to),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CounterError {
    #[error("{0}")]
    Engine(#[from] EngineError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Client(#[from] ClientError),
    #[error("{0}")]
    Secret(#[from] SecretError),
    #[error("{0}")]
    Sync(#[from] SyncError),
    #[error("{0}")]
    Print(#[from] PrintError),
    #[error("{0}")]
    Input(#[from] InputError),
    #[error("{0}")]
    Logo(#[from] cardcat_printer::logo::LogoError),
    #[error("log in first")]
    LoginNeeded,
    #[error("no catalog yet")]
    NoCatalog,
    #[error("no printer set")]
    NoPrinter,
    /// A file could not be read or written; `reason` picks the words for the counter
    /// (`not_found`, `denied`, `directory`, `not_text`, `too_large`, `full`, `other`).
    #[error("{path}: {error}")]
    File {
        path: String,
        error: String,
        reason: &'static str,
    },
    #[error("background task: {0}")]
    Task(String),
    /// The store is damaged or cannot be written: the counter only reads.
    #[error("read-only counter: {detail}")]
    ReadOnly { damaged: bool, detail: String },
    /// The database of an activated terminal is gone or empty.
    #[error("store missing: {path}")]
    StoreMissing { path: String },
    /// Re-pairing while orders are open or results are owed.
    #[error("re-pairing blocked: {open} open, {owed} owed")]
    RepairBlocked { open: usize, owed: usize },
    /// The chosen file is not a CardCat backup at all (another program's file, damaged).
    #[error("not a CardCat backup: {detail}")]
    NotABackup { detail: String },
    /// A backup written by a newer CardCat than this one.
    #[error("backup schema {found} is newer than this program ({known})")]
    BackupTooNew { found: u32, known: u32 },
    /// A lost store's restore was asked for, but this terminal's database is there.
    #[error("the store is not lost")]
    StoreNotLost,
    /// A backup taken on another terminal of this store (its PINs and open orders are that
    /// terminal's).
    #[error("backup of terminal {backup}, this is terminal {this}")]
    BackupOtherTerminal { backup: String, this: String },
    /// A backup of another store than this terminal's.
    #[error("backup of store {backup}, terminal of store {this}")]
    BackupOtherStore { backup: String, this: String },
    /// Restoring while orders are open or results owed.
    #[error("restore blocked: {open} open, {owed} owed")]
    RestoreBlocked { open: usize, owed: usize },
    /// The pairing code belongs to another store than this terminal's.
    #[error("pairing code of store {new}, terminal of store {old}")]
    OtherStore { old: String, new: String },
    /// An update may not install now: what keeps it.
    #[error("update blocked: {0:?}")]
    UpdateBlocked(cardcat_core::update::Blockers),
    /// An update is installing: no new sale or shift close until the app restarts.
    #[error("an update is installing")]
    Updating,
    /// A backup is being restored: no sale or shift close for those seconds.
    #[error("a backup is being restored")]
    Restoring,
    /// A provisioning file names another platform than the one this terminal is paired with.
    #[error("paired with {have}, the file names {file}")]
    PairedElsewhere { have: String, file: String },
}

impl From<ReportParamError> for CounterError {
    fn from(e: ReportParamError) -> Self {
        CounterError::Input(e.into())
    }
}

impl CounterError {
    /// A file problem, in words for the counter: what went wrong decides the message.
    pub fn file(path: &std::path::Path, e: &std::io::Error) -> CounterError {
        use std::io::ErrorKind as K;
        let reason = match e.kind() {
            K::NotFound => "not_found",
            K::PermissionDenied | K::ReadOnlyFilesystem => "denied",
            K::IsADirectory => "directory",
            K::InvalidData => "not_text",
            K::FileTooLarge => "too_large",
            K::StorageFull | K::QuotaExceeded => "full",
            _ => "other",
        };
        CounterError::File {
            path: path.display().to_string(),
            error: e.to_string(),
            reason,
        }
    }
}

impl Localized for InputError {
    fn code(&self) -> &'static str {
        use InputError::*;
        match self {
            Payment(_) => "input.payment",
            Amount(_) => "input.amount",
            CashAmount(_) => "input.cash_amount",
            OrderKey(_) => "input.order_key",
            Role(_) => "input.role",
            GroupBy(_) => "input.group_by",
            Date(_) => "input.date",
            DateRange(..) => "input.date_range",
            Limit(_) => "input.limit",
            Profile(_) => "input.profile",
            Width(_) => "input.width",
            Subnet(_) => "input.subnet",
            Host(_) => "input.host",
            VoucherCode => "input.voucher_code",
            OverridePair => "input.override_pair",
            Quantity(_) => "input.quantity",
            Footer(_) => "input.footer",
            UserId(_) => "input.user_id",
            UserName(_) => "input.user_name",
            BackupName(_) => "input.backup_name",
            UpdateChannel(_) => "input.update_channel",
            Provision { kind, .. } => match *kind {
                "missing" => "input.provision_missing",
                "unknown" => "input.provision_unknown",
                "type" => "input.provision_type",
                "syntax" => "input.provision_syntax",
                _ => "input.provision_value",
            },
        }
    }

    fn args(&self, _lang: Lang) -> Args {
        use InputError::*;
        match self {
            Payment(v) | Amount(v) | CashAmount(v) | OrderKey(v) | Role(v) | GroupBy(v)
            | Date(v) | Limit(v) | Profile(v) | Width(v) | Subnet(v) | Host(v) | Quantity(v) => {
                vec![("value", Arg::from(short(v)))]
            }
            DateRange(a, b) => vec![("from", Arg::from(a)), ("to", Arg::from(b))],
            Footer(n) => vec![("n", Arg::from(*n))],
            UserId(v) | UserName(v) | BackupName(v) | UpdateChannel(v) => {
                vec![("value", Arg::from(short(v)))]
            }
            Provision { line, key, .. } => {
                vec![("line", Arg::from(*line)), ("key", Arg::from(key))]
            }
            VoucherCode | OverridePair => Vec::new(),
        }
    }
}

impl Localized for CounterError {
    fn code(&self) -> &'static str {
        use CounterError::*;
        match self {
            Engine(e) => e.code(),
            Store(e) => e.code(),
            Client(e) => e.code(),
            Secret(e) => e.code(),
            Sync(e) => e.code(),
            Print(e) => e.code(),
            Input(e) => e.code(),
            Logo(e) => e.code(),
            LoginNeeded => "auth.login_needed",
            NoCatalog => "catalog.empty",
            NoPrinter => "printer.not_set",
            File { .. } => "file.error",
            Task(_) => "internal.task",
            ReadOnly { damaged: true, .. } => "store.damaged_read_only",
            ReadOnly { damaged: false, .. } => "store.read_only",
            StoreMissing { .. } => "store.missing",
            RepairBlocked { .. } => "terminal.repair_blocked",
            OtherStore { .. } => "terminal.other_store",
            NotABackup { .. } => "backup.not_a_backup",
            BackupTooNew { .. } => "backup.too_new",
            BackupOtherStore { .. } => "backup.other_store",
            BackupOtherTerminal { .. } => "backup.other_terminal",
            StoreNotLost => "backup.store_present",
            RestoreBlocked { .. } => "backup.restore_blocked",
            UpdateBlocked(b) if b.updating => "update.already_installing",
            UpdateBlocked(b) if b.open_orders > 0 || b.placing > 0 => "update.blocked_orders",
            UpdateBlocked(_) => "update.blocked_shift",
            Updating => "update.installing",
            Restoring => "backup.restoring",
            PairedElsewhere { .. } => "provision.paired_elsewhere",
        }
    }

    fn args(&self, lang: Lang) -> Args {
        use CounterError::*;
        match self {
            File {
                path,
                error,
                reason,
            } => vec![
                ("path", Arg::from(path)),
                ("error", Arg::from(error)),
                ("reason", Arg::from(*reason)),
            ],
            NotABackup { detail } => vec![("detail", Arg::from(detail))],
            BackupTooNew { found, known } => {
                vec![("found", Arg::from(*found)), ("known", Arg::from(*known))]
            }
            Task(e) => vec![("error", Arg::from(e))],
            ReadOnly { detail, .. } => vec![("detail", Arg::from(detail))],
            StoreMissing { path } => vec![("path", Arg::from(path))],
            RepairBlocked { open, owed } => {
                vec![("open", Arg::from(*open)), ("owed", Arg::from(*owed))]
            }
            OtherStore { old, new } => vec![("old", Arg::from(old)), ("new", Arg::from(new))],
            BackupOtherStore { backup, this } | BackupOtherTerminal { backup, this } => {
                vec![("backup", Arg::from(backup)), ("this", Arg::from(this))]
            }
            RestoreBlocked { open, owed } => {
                vec![("open", Arg::from(*open)), ("owed", Arg::from(*owed))]
            }
            UpdateBlocked(b) => vec![("open", Arg::from(b.open_orders + b.placing as usize))],
            PairedElsewhere { have, file } => {
                vec![("have", Arg::from(have)), ("file", Arg::from(file))]
            }
            Logo(e) => e.args(lang),
            _ => {
                let _ = lang;
                Vec::new()
            }
        }
    }

    fn message(&self, lang: Lang) -> String {
        use CounterError::*;
        match self {
            Engine(e) => e.message(lang),
            Store(e) => e.message(lang),
            Client(e) => e.message(lang),
            Secret(e) => e.message(lang),
            Sync(e) => e.message(lang),
            Print(e) => e.message(lang),
            Input(e) => e.message(lang),
            other => cardcat_core::i18n::tr(lang, other.code(), &other.args(lang)),
        }
    }
}

pub type Result<T, E = CounterError> = std::result::Result<T, E>;
