//! Money in 元 with 分 precision. Never f64.

use std::fmt;
use std::iter::Sum;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::i18n::{Arg, Args, Lang, Localized};

/// An amount in 元, always held at exactly two decimal places (分).
///
/// Invariant: `self.0.scale() == 2`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(Decimal);

impl Default for Money {
    fn default() -> Money {
        Money::ZERO
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("not an amount: {0:?}")]
    NotANumber(String),
    #[error("more precision than 分: {0:?}")]
    TooPrecise(String),
    #[error("amount out of range")]
    Overflow,
}

impl Localized for MoneyError {
    fn code(&self) -> &'static str {
        match self {
            MoneyError::NotANumber(_) => "money.not_a_number",
            MoneyError::TooPrecise(_) => "money.too_precise",
            MoneyError::Overflow => "money.overflow",
        }
    }
    fn args(&self, _lang: Lang) -> Args {
        match self {
            MoneyError::NotANumber(s) | MoneyError::TooPrecise(s) => vec![("input", Arg::from(s))],
            MoneyError::Overflow => Vec::new(),
        }
    }
}

/// Largest amount we accept anywhere: ¥100,000,000.00. Keeps fen in an i64 with lots of room.
const MAX_YUAN: i64 = 100_000_000;

impl Money {
    pub const ZERO: Money = Money(Decimal::from_parts(0, 0, 0, false, 2));

    /// From an integer number of 分.
    pub fn from_fen(fen: i64) -> Money {
        Money(Decimal::new(fen, 2))
    }

    /// From whole 元.
    pub fn from_yuan(yuan: i64) -> Money {
        Money::from_fen(yuan.saturating_mul(100))
    }

    /// From a decimal; refuses anything finer than 分 instead of rounding silently.
    pub fn from_decimal(d: Decimal) -> Result<Money, MoneyError> {
        let n = d.normalize();
        if n.scale() > 2 {
            return Err(MoneyError::TooPrecise(d.to_string()));
        }
        if n.abs() > Decimal::from(MAX_YUAN) {
            return Err(MoneyError::Overflow);
        }
        let mut v = n;
        v.rescale(2);
        Ok(Money(v))
    }

    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    /// Integer 分 (exact, since the scale is 2 and the range is bounded).
    pub fn fen(self) -> i64 {
        let m = self.0.mantissa();
        i64::try_from(m).unwrap_or(if m < 0 { i64::MIN } else { i64::MAX })
    }

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    pub fn checked_add(self, o: Money) -> Option<Money> {
        self.fen()
            .checked_add(o.fen())
            .filter(|f| f.abs() <= MAX_YUAN * 100)
            .map(Money::from_fen)
    }

    pub fn checked_sub(self, o: Money) -> Option<Money> {
        self.fen()
            .checked_sub(o.fen())
            .filter(|f| f.abs() <= MAX_YUAN * 100)
            .map(Money::from_fen)
    }

    pub fn checked_mul(self, qty: u32) -> Option<Money> {
        self.fen()
            .checked_mul(i64::from(qty))
            .filter(|f| f.abs() <= MAX_YUAN * 100)
            .map(Money::from_fen)
    }

    pub fn negated(self) -> Money {
        Money::from_fen(-self.fen())
    }

    /// "¥12.50" / "-¥3.00": only for the edges (UI, receipts, CLI).
    pub fn display_cny(self) -> String {
        if self.is_negative() {
            format!("-¥{}", self.negated())
        } else {
            format!("¥{self}")
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({})", self.0)
    }
}

impl FromStr for Money {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Money, MoneyError> {
        let t = s.trim().trim_start_matches(['¥', '￥']).trim();
        if t.is_empty() || t.contains(['e', 'E']) {
            return Err(MoneyError::NotANumber(s.to_string()));
        }
        let d = Decimal::from_str_exact(t).map_err(|_| MoneyError::NotANumber(s.to_string()))?;
        Money::from_decimal(d)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money::from_fen(iter.map(Money::fen).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parse_table() {
        let ok = [
            ("10", "10.00"),
            ("10.5", "10.50"),
            ("0.01", "0.01"),
            ("¥30", "30.00"),
            (" 1.10 ", "1.10"),
            ("-2.5", "-2.50"),
            ("100.000", "100.00"),
        ];
        for (i, want) in ok {
            assert_eq!(i.parse::<Money>().unwrap().to_string(), want, "{i}");
        }
        let bad = ["", "abc", "1.001", "1e3", "0.005", "1,000", "NaN"];
        for b in bad {
            assert!(b.parse::<Money>().is_err(), "{b} should be refused");
        }
        assert_eq!("1000000000".parse::<Money>(), Err(MoneyError::Overflow));
    }

    #[test]
    fn serde_is_a_string() {
        let m = Money::from_fen(1250);
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"12.50\"");
        let back: Money = serde_json::from_str("\"12.5\"").unwrap();
        assert_eq!(back, m);
        assert!(
            serde_json::from_str::<Money>("12.5").is_err(),
            "numbers are not accepted on the wire"
        );
        assert!(serde_json::from_str::<Money>("\"12.555\"").is_err());
    }

    #[test]
    fn display() {
        assert_eq!(Money::from_fen(-300).display_cny(), "-¥3.00");
        assert_eq!(Money::from_yuan(50).display_cny(), "¥50.00");
        assert_eq!(Money::ZERO.to_string(), "0.00");
        assert_eq!(
            Money::default().to_string(),
            "0.00",
            "Default keeps the 分 scale"
        );
    }

    proptest! {
        #[test]
        fn fen_roundtrip(f in -10_000_000_000i64..10_000_000_000i64) {
            let m = Money::from_fen(f);
            prop_assert_eq!(m.fen(), f);
            let s = m.to_string();
            let back: Money = s.parse().unwrap();
            prop_assert_eq!(back, m);
            let json = serde_json::to_string(&m).unwrap();
            prop_assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
        }

        #[test]
        fn add_sub_inverse(a in -1_000_000_000i64..1_000_000_000, b in -1_000_000_000i64..1_000_000_000) {
            let (ma, mb) = (Money::from_fen(a), Money::from_fen(b));
            let s = ma.checked_add(mb).unwrap();
            prop_assert_eq!(s.checked_sub(mb).unwrap(), ma);
            prop_assert_eq!(s.fen(), a + b);
            prop_assert_eq!(s.as_decimal().scale(), 2);
        }

        #[test]
        fn sum_matches_fen(v in proptest::collection::vec(-100_000i64..100_000, 0..50)) {
            let total: Money = v.iter().copied().map(Money::from_fen).sum();
            prop_assert_eq!(total.fen(), v.iter().sum::<i64>());
        }
    }
}
