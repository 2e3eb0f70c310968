//! Languages and localised messages. zh-CN is the default everywhere.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// Parses a locale tag such as `zh-CN`, `zh_CN.UTF-8`, `en`, `en-US`.
    /// Anything unrecognised falls back to zh-CN.
    pub fn from_tag(tag: &str) -> Lang {
        let t = tag.trim().to_ascii_lowercase();
        if t.starts_with("en") {
            Lang::En
        } else {
            Lang::ZhCn
        }
    }
}

/// An error or message that can be shown to a cashier in either language,
/// with a stable machine-readable code the UI can switch on.
pub trait Localized {
    fn code(&self) -> &'static str;
    fn message(&self, lang: Lang) -> String;
}
