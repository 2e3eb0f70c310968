//! Who may do what. The back end checks these for every action; the UI hiding a
//! button is only a convenience.

use serde::{Deserialize, Serialize};

use crate::i18n::{Arg, Args, Lang, Localized, tr_static};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 收银员
    Cashier,
    /// 店主
    Owner,
    /// 安装人员
    Installer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Cashier => "cashier",
            Role::Owner => "owner",
            Role::Installer => "installer",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        [Role::Cashier, Role::Owner, Role::Installer]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
    /// Stable key of the role's label (`role.cashier`).
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Cashier => "role.cashier",
            Role::Owner => "role.owner",
            Role::Installer => "role.installer",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        tr_static(lang, self.label_key())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Sell,
    Redeem,
    CancelRedemption,
    ViewOrders,
    ResolveOrders,
    Reprint,
    ShiftOpen,
    ShiftClose,
    ShiftReport,
    /// Sell although an equal order for the same account is still open.
    OverrideDuplicate,
    /// Show or print a PIN in full again after the sale.
    RevealPin,
    ViewCommission,
    Reconcile,
    ExportCsv,
    ManageUsers,
    ActivateTerminal,
    ConfigurePrinter,
    /// Counter policy such as the repeat-sale window (owner only).
    ConfigureCounter,
    /// Read the audit log and the support bundle's details (owner only).
    ViewAudit,
    /// Back the store up, list and restore backups (owner only).
    Backup,
    /// Choose the update channel, check for and install an app update (owner, installer).
    Update,
}

impl Action {
    pub const ALL: [Action; 21] = [
        Action::Sell,
        Action::Redeem,
        Action::CancelRedemption,
        Action::ViewOrders,
        Action::ResolveOrders,
        Action::Reprint,
        Action::ShiftOpen,
        Action::ShiftClose,
        Action::ShiftReport,
        Action::OverrideDuplicate,
        Action::RevealPin,
        Action::ViewCommission,
        Action::Reconcile,
        Action::ExportCsv,
        Action::ManageUsers,
        Action::ActivateTerminal,
        Action::ConfigurePrinter,
        Action::ConfigureCounter,
        Action::ViewAudit,
        Action::Backup,
        Action::Update,
    ];

    /// Stable key of the action's label (`action.sell`).
    pub fn label_key(self) -> &'static str {
        match self {
            Action::Sell => "action.sell",
            Action::Redeem => "action.redeem",
            Action::CancelRedemption => "action.cancel_redemption",
            Action::ViewOrders => "action.view_orders",
            Action::ResolveOrders => "action.resolve_orders",
            Action::Reprint => "action.reprint",
            Action::ShiftOpen => "action.shift_open",
            Action::ShiftClose => "action.shift_close",
            Action::ShiftReport => "action.shift_report",
            Action::OverrideDuplicate => "action.override_duplicate",
            Action::RevealPin => "action.reveal_pin",
            Action::ViewCommission => "action.view_commission",
            Action::Reconcile => "action.reconcile",
            Action::ExportCsv => "action.export_csv",
            Action::ManageUsers => "action.manage_users",
            Action::ActivateTerminal => "action.activate_terminal",
            Action::ConfigurePrinter => "action.configure_printer",
            Action::ConfigureCounter => "action.configure_counter",
            Action::ViewAudit => "action.view_audit",
            Action::Backup => "action.backup",
            Action::Update => "action.update",
        }
    }

    /// What the action is called in a message ("销售" / "selling").
    pub fn label(self, lang: Lang) -> &'static str {
        tr_static(lang, self.label_key())
    }
}

/// The permission table.
pub fn allowed(role: Role, action: Action) -> bool {
    use Action::*;
    match role {
        Role::Owner => true,
        Role::Cashier => matches!(
            action,
            Sell | Redeem
                | CancelRedemption
                | ViewOrders
                | ResolveOrders
                | Reprint
                | ShiftOpen
                | ShiftClose
                | ShiftReport
        ),
        Role::Installer => matches!(
            action,
            ActivateTerminal | ConfigurePrinter | ViewOrders | ResolveOrders | Update
        ),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("role {role:?} may not {action:?}")]
pub struct Forbidden {
    pub role: Role,
    pub action: Action,
}

impl Localized for Forbidden {
    fn code(&self) -> &'static str {
        "auth.forbidden"
    }
    fn args(&self, lang: Lang) -> Args {
        vec![
            ("role", Arg::from(self.role.label(lang))),
            ("action", Arg::from(self.action.label(lang))),
        ]
    }
}

pub fn require(role: Role, action: Action) -> Result<(), Forbidden> {
    if allowed(role, action) {
        Ok(())
    } else {
        Err(Forbidden { role, action })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases = [
            (Role::Cashier, Action::Sell, true),
            (Role::Cashier, Action::OverrideDuplicate, false),
            (Role::Cashier, Action::RevealPin, false),
            (Role::Cashier, Action::Reconcile, false),
            (Role::Cashier, Action::ManageUsers, false),
            (Role::Owner, Action::Reconcile, true),
            (Role::Owner, Action::RevealPin, true),
            (Role::Installer, Action::Sell, false),
            (Role::Installer, Action::ActivateTerminal, true),
        ];
        for (r, a, want) in cases {
            assert_eq!(allowed(r, a), want, "{r:?} {a:?}");
            assert_eq!(require(r, a).is_ok(), want);
        }
    }

    #[test]
    fn labels_and_forbidden_are_localised() {
        for a in Action::ALL {
            for lang in [Lang::ZhCn, Lang::En] {
                assert_ne!(a.label(lang), a.label_key(), "{a:?} {lang:?}");
            }
        }
        let e = require(Role::Cashier, Action::Reconcile).unwrap_err();
        assert_eq!(
            e.message(Lang::ZhCn),
            "权限不足：收银员不能执行此操作（对账），请店主操作或授权"
        );
        assert!(e.message(Lang::En).contains("cashier"));
    }
}
