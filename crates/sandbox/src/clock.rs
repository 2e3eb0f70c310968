//! Time: the one wall-clock helper of the sandbox, and UTC+8 calendar days.
//!
//! Leaf module: uses nothing else from this crate.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use time::macros::{format_description, offset};
use time::{Date, OffsetDateTime};

/// One day in milliseconds.
pub(crate) const DAY_MS: i64 = 86_400_000;

/// Current system time in unix milliseconds (0 before 1970, `i64::MAX` far in the future).
pub(crate) fn now_ms() -> i64 {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO);
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// `YYYY-MM-DD` of an instant in UTC+8.
pub(crate) fn date_utc8(ms: i64) -> Option<String> {
    let t = OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .ok()?
        .to_offset(offset!(+8));
    t.date()
        .format(format_description!("[year]-[month]-[day]"))
        .ok()
}

/// Start of a UTC+8 day in unix milliseconds.
pub(crate) fn day_start_ms(date: &str) -> Option<i64> {
    let d = Date::parse(date, format_description!("[year]-[month]-[day]")).ok()?;
    Some(
        d.midnight()
            .assume_offset(offset!(+8))
            .unix_timestamp()
            .saturating_mul(1000),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc8_days() {
        // 2024-01-01T16:00:00Z is 2024-01-02 00:00 in UTC+8
        assert_eq!(day_start_ms("2024-01-02"), Some(1_704_124_800_000));
        assert_eq!(date_utc8(1_704_124_800_000).as_deref(), Some("2024-01-02"));
        assert_eq!(date_utc8(1_704_124_799_999).as_deref(), Some("2024-01-01"));
        assert_eq!(day_start_ms("2024-13-01"), None);
        assert_eq!(day_start_ms("yesterday"), None);
    }

    #[test]
    fn now_is_after_2024() {
        assert!(now_ms() > 1_704_067_200_000);
    }
}
