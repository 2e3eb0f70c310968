//! Per-product account templates: what the cashier must type for a product,
//! validated before any order exists.

use serde::{Deserialize, Serialize};

use crate::i18n::{Arg, Args, Lang, Localized, tr_static};
use crate::phone::{self, CarrierHint, PhoneError};

/// The input a product needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AccountTemplate {
    /// Nothing: PIN cards and vouchers are delivered on the receipt.
    None,
    /// 11-digit mainland mobile number (话费/流量).
    Mobile,
    /// QQ number: 5–11 digits, no leading zero (Q币, QQ会员).
    Qq,
    /// A game account plus server/zone (区服). `zones` empty means free text.
    GameAccount {
        #[serde(default)]
        zones: Vec<String>,
    },
    /// An email address (some overseas memberships).
    Email,
    /// A mobile number or email used as a video/music membership login (直充).
    MobileOrEmail,
}

/// What the cashier typed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AccountInput {
    pub account: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
}

impl AccountInput {
    pub fn new(account: impl Into<String>) -> Self {
        AccountInput {
            account: account.into(),
            zone: None,
        }
    }
}

/// A validated, normalised account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidAccount {
    /// Normalised account ("" for templates that need none).
    pub account: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<CarrierHint>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("mobile: {0}")]
    Mobile(#[from] PhoneError),
    #[error("bad qq number")]
    Qq,
    #[error("account missing")]
    AccountMissing,
    #[error("zone missing")]
    ZoneMissing,
    #[error("unknown zone {0}")]
    UnknownZone(String),
    #[error("bad email")]
    Email,
    #[error("account too long")]
    TooLong,
}

impl Localized for AccountError {
    fn code(&self) -> &'static str {
        match self {
            AccountError::Mobile(e) => e.code(),
            AccountError::Qq => "account.qq",
            AccountError::AccountMissing => "account.missing",
            AccountError::ZoneMissing => "account.zone_missing",
            AccountError::UnknownZone(_) => "account.unknown_zone",
            AccountError::Email => "account.email",
            AccountError::TooLong => "account.too_long",
        }
    }
    fn args(&self, lang: Lang) -> Args {
        match self {
            AccountError::Mobile(e) => e.args(lang),
            AccountError::UnknownZone(z) => vec![("zone", Arg::from(z))],
            AccountError::TooLong => vec![("max", Arg::from(MAX_ACCOUNT_CHARS))],
            _ => Vec::new(),
        }
    }
}

/// Longest account (in characters) any template accepts.
pub const MAX_ACCOUNT_CHARS: usize = 64;

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && !domain.contains('@')
}

impl AccountTemplate {
    pub fn validate(&self, input: &AccountInput) -> Result<ValidAccount, AccountError> {
        let raw = input.account.trim();
        if raw.chars().count() > MAX_ACCOUNT_CHARS {
            return Err(AccountError::TooLong);
        }
        let plain = |account: String| ValidAccount {
            account,
            zone: None,
            carrier: None,
        };
        match self {
            AccountTemplate::None => Ok(plain(String::new())),
            AccountTemplate::Mobile => {
                let (n, hint) = phone::parse(raw)?;
                Ok(ValidAccount {
                    account: n,
                    zone: None,
                    carrier: Some(hint),
                })
            }
            AccountTemplate::Qq => {
                let ok = (5..=11).contains(&raw.len())
                    && raw.bytes().all(|b| b.is_ascii_digit())
                    && !raw.starts_with('0');
                if ok {
                    Ok(plain(raw.to_string()))
                } else {
                    Err(AccountError::Qq)
                }
            }
            AccountTemplate::GameAccount { zones } => {
                if raw.is_empty() {
                    return Err(AccountError::AccountMissing);
                }
                let zone = input
                    .zone
                    .as_deref()
                    .map(str::trim)
                    .filter(|z| !z.is_empty());
                let zone = zone.ok_or(AccountError::ZoneMissing)?;
                if !zones.is_empty() && !zones.iter().any(|z| z == zone) {
                    return Err(AccountError::UnknownZone(zone.to_string()));
                }
                Ok(ValidAccount {
                    account: raw.to_string(),
                    zone: Some(zone.to_string()),
                    carrier: None,
                })
            }
            AccountTemplate::Email => {
                if is_email(raw) {
                    Ok(plain(raw.to_ascii_lowercase()))
                } else {
                    Err(AccountError::Email)
                }
            }
            AccountTemplate::MobileOrEmail => {
                if raw.is_empty() {
                    Err(AccountError::AccountMissing)
                } else if raw.contains('@') {
                    AccountTemplate::Email.validate(input)
                } else {
                    AccountTemplate::Mobile.validate(input)
                }
            }
        }
    }

    /// Stable key of the template's label (`account.template.mobile`).
    pub fn label_key(&self) -> &'static str {
        match self {
            AccountTemplate::None => "account.template.none",
            AccountTemplate::Mobile => "account.template.mobile",
            AccountTemplate::Qq => "account.template.qq",
            AccountTemplate::GameAccount { .. } => "account.template.game_account",
            AccountTemplate::Email => "account.template.email",
            AccountTemplate::MobileOrEmail => "account.template.mobile_or_email",
        }
    }

    pub fn label(&self, lang: Lang) -> &'static str {
        tr_static(lang, self.label_key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(a: &str, z: Option<&str>) -> AccountInput {
        AccountInput {
            account: a.into(),
            zone: z.map(Into::into),
        }
    }

    #[test]
    fn table() {
        let game = AccountTemplate::GameAccount {
            zones: vec!["电信一区".into(), "网通一区".into()],
        };
        let cases: Vec<(AccountTemplate, AccountInput, Result<&str, &str>)> = vec![
            (
                AccountTemplate::Mobile,
                input("138 0013 8000", None),
                Ok("13800138000"),
            ),
            (
                AccountTemplate::Mobile,
                input("1380013800", None),
                Err("phone.wrong_length"),
            ),
            (AccountTemplate::Qq, input("10001", None), Ok("10001")),
            (
                AccountTemplate::Qq,
                input("01234567", None),
                Err("account.qq"),
            ),
            (
                AccountTemplate::Qq,
                input("123456789012", None),
                Err("account.qq"),
            ),
            (AccountTemplate::Qq, input("1234", None), Err("account.qq")),
            (
                game.clone(),
                input("player01", Some("电信一区")),
                Ok("player01"),
            ),
            (
                game.clone(),
                input("player01", None),
                Err("account.zone_missing"),
            ),
            (
                game.clone(),
                input("player01", Some("火星区")),
                Err("account.unknown_zone"),
            ),
            (game, input("", Some("电信一区")), Err("account.missing")),
            (
                AccountTemplate::Email,
                input("Ann@Example.com", None),
                Ok("ann@example.com"),
            ),
            (
                AccountTemplate::Email,
                input("ann@", None),
                Err("account.email"),
            ),
            (
                AccountTemplate::Email,
                input("a b@x.cn", None),
                Err("account.email"),
            ),
            (
                AccountTemplate::MobileOrEmail,
                input("13912345678", None),
                Ok("13912345678"),
            ),
            (
                AccountTemplate::MobileOrEmail,
                input("x@y.cn", None),
                Ok("x@y.cn"),
            ),
            (
                AccountTemplate::MobileOrEmail,
                input("", None),
                Err("account.missing"),
            ),
            (AccountTemplate::None, input("whatever", None), Ok("")),
            (
                AccountTemplate::Qq,
                input(&"1".repeat(70), None),
                Err("account.too_long"),
            ),
        ];
        for (t, i, want) in cases {
            let got = t.validate(&i).map(|v| v.account).map_err(|e| e.code());
            assert_eq!(got.as_deref().map_err(|e| *e), want, "{t:?} {i:?}");
        }
    }

    #[test]
    fn every_error_is_localised() {
        let errs = [
            AccountError::Qq,
            AccountError::AccountMissing,
            AccountError::ZoneMissing,
            AccountError::UnknownZone("x".into()),
            AccountError::Email,
            AccountError::TooLong,
            AccountError::Mobile(PhoneError::Empty),
        ];
        for e in errs {
            let zh = e.message(Lang::ZhCn);
            let en = e.message(Lang::En);
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{zh}"
            );
            assert!(en.is_ascii() || en.contains('–'), "{en}");
            assert_ne!(zh, en);
        }
    }
}
