//! Who may do what. The back end checks these for every action; the UI hiding a
//! button is only a convenience.

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Localized};

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
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Role::Cashier, Lang::ZhCn) => "收银员",
            (Role::Owner, Lang::ZhCn) => "店主",
            (Role::Installer, Lang::ZhCn) => "安装人员",
            (Role::Cashier, Lang::En) => "cashier",
            (Role::Owner, Lang::En) => "owner",
            (Role::Installer, Lang::En) => "installer",
        }
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
            ActivateTerminal | ConfigurePrinter | ViewOrders | ResolveOrders
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
    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::ZhCn => format!(
                "权限不足：{}不能执行此操作（{:?}），请店主操作或授权",
                self.role.label(lang),
                self.action
            ),
            Lang::En => format!(
                "Not allowed: a {} may not do this ({:?}); ask the owner",
                self.role.label(lang),
                self.action
            ),
        }
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
}
