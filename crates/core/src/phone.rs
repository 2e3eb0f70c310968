//! Mainland China mobile numbers: normalisation, validation and carrier from the
//! number segment (号段).
//!
//! Note: since 2019 number portability (携号转网) lets a subscriber keep the number
//! while moving carrier, so the carrier from the segment is only a **hint** that
//! the cashier can override. Top-up platforms route by the real carrier.

use serde::{Deserialize, Serialize};

use crate::i18n::{Arg, Args, Lang, Localized, tr_static};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Carrier {
    /// 中国移动
    ChinaMobile,
    /// 中国联通
    ChinaUnicom,
    /// 中国电信
    ChinaTelecom,
    /// 中国广电
    ChinaBroadnet,
}

impl Carrier {
    /// Stable key of the carrier's name (`carrier.china_mobile`).
    pub fn name_key(self) -> &'static str {
        match self {
            Carrier::ChinaMobile => "carrier.china_mobile",
            Carrier::ChinaUnicom => "carrier.china_unicom",
            Carrier::ChinaTelecom => "carrier.china_telecom",
            Carrier::ChinaBroadnet => "carrier.china_broadnet",
        }
    }

    pub fn name(self, lang: Lang) -> &'static str {
        tr_static(lang, self.name_key())
    }
}

/// The carrier a number segment belongs to. `virtual_operator` marks 虚拟运营商
/// segments (170/171/162/165/167), which ride on the host network named by `carrier`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarrierHint {
    pub carrier: Carrier,
    pub virtual_operator: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("empty")]
    Empty,
    #[error("non-digit characters")]
    NotDigits,
    #[error("wrong length {0}")]
    WrongLength(usize),
    #[error("not a mobile segment")]
    UnknownSegment,
}

impl Localized for PhoneError {
    fn code(&self) -> &'static str {
        match self {
            PhoneError::Empty => "phone.empty",
            PhoneError::NotDigits => "phone.not_digits",
            PhoneError::WrongLength(_) => "phone.wrong_length",
            PhoneError::UnknownSegment => "phone.unknown_segment",
        }
    }
    fn args(&self, _lang: Lang) -> Args {
        match self {
            PhoneError::WrongLength(n) => vec![("n", Arg::from(*n))],
            _ => Vec::new(),
        }
    }
}

use Carrier::*;

/// (prefix, carrier, virtual). Longest prefix wins. Source: MIIT segment allocations
/// as published by the carriers; data and IoT-only segments (14x data cards) are included
/// where they can receive top-ups.
const SEGMENTS: &[(&str, Carrier, bool)] = &[
    // 中国移动
    ("134", ChinaMobile, false),
    ("135", ChinaMobile, false),
    ("136", ChinaMobile, false),
    ("137", ChinaMobile, false),
    ("138", ChinaMobile, false),
    ("139", ChinaMobile, false),
    ("147", ChinaMobile, false),
    ("148", ChinaMobile, false),
    ("150", ChinaMobile, false),
    ("151", ChinaMobile, false),
    ("152", ChinaMobile, false),
    ("157", ChinaMobile, false),
    ("158", ChinaMobile, false),
    ("159", ChinaMobile, false),
    ("172", ChinaMobile, false),
    ("178", ChinaMobile, false),
    ("182", ChinaMobile, false),
    ("183", ChinaMobile, false),
    ("184", ChinaMobile, false),
    ("187", ChinaMobile, false),
    ("188", ChinaMobile, false),
    ("195", ChinaMobile, false),
    ("197", ChinaMobile, false),
    ("198", ChinaMobile, false),
    // 1349 is the satellite segment (中国电信卫星)
    ("1349", ChinaTelecom, false),
    // 中国联通
    ("130", ChinaUnicom, false),
    ("131", ChinaUnicom, false),
    ("132", ChinaUnicom, false),
    ("145", ChinaUnicom, false),
    ("146", ChinaUnicom, false),
    ("155", ChinaUnicom, false),
    ("156", ChinaUnicom, false),
    ("166", ChinaUnicom, false),
    ("175", ChinaUnicom, false),
    ("176", ChinaUnicom, false),
    ("185", ChinaUnicom, false),
    ("186", ChinaUnicom, false),
    ("196", ChinaUnicom, false),
    // 中国电信
    ("133", ChinaTelecom, false),
    ("149", ChinaTelecom, false),
    ("153", ChinaTelecom, false),
    ("173", ChinaTelecom, false),
    ("174", ChinaTelecom, false),
    ("177", ChinaTelecom, false),
    ("180", ChinaTelecom, false),
    ("181", ChinaTelecom, false),
    ("189", ChinaTelecom, false),
    ("190", ChinaTelecom, false),
    ("191", ChinaTelecom, false),
    ("193", ChinaTelecom, false),
    ("199", ChinaTelecom, false),
    // 中国广电
    ("192", ChinaBroadnet, false),
    // 虚拟运营商 (host network)
    ("1700", ChinaTelecom, true),
    ("1701", ChinaTelecom, true),
    ("1702", ChinaTelecom, true),
    ("1703", ChinaMobile, true),
    ("1705", ChinaMobile, true),
    ("1706", ChinaMobile, true),
    ("1704", ChinaUnicom, true),
    ("1707", ChinaUnicom, true),
    ("1708", ChinaUnicom, true),
    ("1709", ChinaUnicom, true),
    ("171", ChinaUnicom, true),
    ("162", ChinaTelecom, true),
    ("165", ChinaMobile, true),
    ("167", ChinaUnicom, true),
];

/// Strips what people and scanners add around a number: spaces, dashes, dots,
/// full-width digits, and a +86 / 0086 / 86 country prefix.
pub fn normalize(input: &str) -> String {
    let mut s: String = input
        .chars()
        .filter_map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            ' ' | '-' | '.' | '(' | ')' | '\u{3000}' | '\t' => None,
            c => Some(c),
        })
        .collect();
    for p in ["+86", "0086"] {
        if let Some(rest) = s.strip_prefix(p) {
            s = rest.to_string();
        }
    }
    if s.len() == 13 && s.starts_with("86") {
        s = s[2..].to_string();
    }
    s
}

/// Validates a mainland mobile number and returns it normalised plus the carrier hint.
pub fn parse(input: &str) -> Result<(String, CarrierHint), PhoneError> {
    let s = normalize(input);
    if s.is_empty() {
        return Err(PhoneError::Empty);
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PhoneError::NotDigits);
    }
    if s.len() != 11 {
        return Err(PhoneError::WrongLength(s.chars().count()));
    }
    let hint = carrier_of(&s).ok_or(PhoneError::UnknownSegment)?;
    Ok((s, hint))
}

/// Carrier from the segment, longest prefix first.
pub fn carrier_of(number: &str) -> Option<CarrierHint> {
    let mut best: Option<(&str, Carrier, bool)> = None;
    for &(p, c, v) in SEGMENTS {
        if number.starts_with(p) && best.is_none_or(|(bp, _, _)| p.len() > bp.len()) {
            best = Some((p, c, v));
        }
    }
    best.map(|(_, carrier, virtual_operator)| CarrierHint {
        carrier,
        virtual_operator,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carrier_table() {
        let cases: &[(&str, Carrier, bool)] = &[
            ("13800138000", ChinaMobile, false),
            ("13912345678", ChinaMobile, false),
            ("13412345678", ChinaMobile, false),
            ("13491234567", ChinaTelecom, false),
            ("18612345678", ChinaUnicom, false),
            ("15612345678", ChinaUnicom, false),
            ("18912345678", ChinaTelecom, false),
            ("19912345678", ChinaTelecom, false),
            ("19212345678", ChinaBroadnet, false),
            ("17001234567", ChinaTelecom, true),
            ("17031234567", ChinaMobile, true),
            ("17041234567", ChinaUnicom, true),
            ("17112345678", ChinaUnicom, true),
            ("16212345678", ChinaTelecom, true),
            ("16512345678", ChinaMobile, true),
            ("16612345678", ChinaUnicom, false),
            ("19812345678", ChinaMobile, false),
        ];
        for &(n, c, v) in cases {
            let (_, h) = parse(n).unwrap_or_else(|e| panic!("{n}: {e}"));
            assert_eq!((h.carrier, h.virtual_operator), (c, v), "{n}");
        }
    }

    #[test]
    fn normalisation_and_errors() {
        assert_eq!(parse("+86 138-0013-8000").unwrap().0, "13800138000");
        assert_eq!(parse("0086 13800138000").unwrap().0, "13800138000");
        assert_eq!(parse("8613800138000").unwrap().0, "13800138000");
        assert_eq!(parse("１３８００１３８０００").unwrap().0, "13800138000");
        assert_eq!(parse(""), Err(PhoneError::Empty));
        assert_eq!(parse("1380013800"), Err(PhoneError::WrongLength(10)));
        assert_eq!(parse("138001380001"), Err(PhoneError::WrongLength(12)));
        assert_eq!(parse("1380013800a"), Err(PhoneError::NotDigits));
        assert_eq!(parse("12012345678"), Err(PhoneError::UnknownSegment));
        assert_eq!(parse("10086123456"), Err(PhoneError::UnknownSegment));
        assert!(
            PhoneError::WrongLength(10)
                .message(Lang::ZhCn)
                .contains("11位")
        );
    }
}
