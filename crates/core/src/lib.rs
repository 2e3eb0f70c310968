//! CardCat domain core. No IO: no tokio, rusqlite, reqwest or tauri here.
//!
//! Everything that decides *what* happens (money arithmetic, which input a product
//! needs, which order transition is legal, how a search ranks) lives here so that it
//! can be tested exhaustively and reused by the client, the sandbox and the app.

pub mod account;
pub mod analytics;
pub mod i18n;
pub mod ledger;
pub mod money;
pub mod order;
pub mod phone;
pub mod product;
pub mod readings;
pub mod receipt;
pub mod reconcile;
pub mod redact;
pub mod report;
pub mod roles;
pub mod search;
pub mod search_snapshot;
pub mod shift;
pub mod update;

pub use account::{AccountError, AccountInput, AccountTemplate, ValidAccount};
pub use i18n::{Lang, Localized};
pub use money::{Money, MoneyError};
pub use order::{OrderEvent, OrderState, RemoteStatus, Transition, TransitionError};
pub use phone::{Carrier, CarrierHint, PhoneError};
pub use product::{Category, Product, ProductKind, Quote};

/// Business day (`YYYY-MM-DD`) in China Standard Time (UTC+8) of a unix-ms instant.
pub fn day_utc8(ms: i64) -> String {
    let days = (ms + 8 * 3_600_000).div_euclid(86_400_000);
    // civil-from-days (H. Hinnant), proleptic Gregorian
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod day_tests {
    #[test]
    fn days() {
        assert_eq!(super::day_utc8(0), "1970-01-01");
        assert_eq!(super::day_utc8(16 * 3_600_000 - 1), "1970-01-01");
        assert_eq!(super::day_utc8(16 * 3_600_000), "1970-01-02");
        assert_eq!(super::day_utc8(1_795_881_600_000), "2026-11-29"); // 2026-11-28T16:00Z
        assert_eq!(super::day_utc8(951_753_600_000), "2000-02-29"); // 2000-02-28T16:00Z
    }
}

/// Local time in China Standard Time, `YYYY-MM-DD HH:MM:SS`, for receipts and reports.
pub fn time_utc8(ms: i64) -> String {
    let secs = (ms + 8 * 3_600_000).div_euclid(1000).rem_euclid(86_400);
    format!(
        "{} {:02}:{:02}:{:02}",
        day_utc8(ms),
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod time_tests {
    #[test]
    fn times() {
        assert_eq!(super::time_utc8(0), "1970-01-01 08:00:00");
        assert_eq!(
            super::time_utc8(1_795_881_600_000 + 3_723_000),
            "2026-11-29 01:02:03"
        );
    }
}
