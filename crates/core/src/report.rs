//! Report parameters as the domain understands them: how commission is grouped, and the
//! business-day range a report covers.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How a commission report is grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Day,
    Product,
    Cashier,
}

/// A value that is not one of the accepted words or forms; carries what was given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportParamError {
    #[error("group by {0:?}")]
    GroupBy(String),
    #[error("date {0:?}")]
    Date(String),
    #[error("range {from} > {to}")]
    Range { from: String, to: String },
}

impl FromStr for GroupBy {
    type Err = ReportParamError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "day" | "date" => Ok(GroupBy::Day),
            "product" | "sku" => Ok(GroupBy::Product),
            "cashier" | "user" => Ok(GroupBy::Cashier),
            _ => Err(ReportParamError::GroupBy(s.chars().take(32).collect())),
        }
    }
}

impl GroupBy {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Day => "day",
            GroupBy::Product => "product",
            GroupBy::Cashier => "cashier",
        }
    }
}

/// A business day (UTC+8) written `YYYY-MM-DD`, checked to be a real calendar date.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Day(String);

impl Day {
    /// The business day (UTC+8) of a moment.
    pub fn of_ms(ms: i64) -> Day {
        Day(crate::day_utc8(ms))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The calendar day after this one (2999-12-31 stays itself).
    pub fn next(&self) -> Day {
        let b = self.0.as_bytes();
        let n = |r: std::ops::Range<usize>| -> u32 {
            b[r].iter().fold(0, |a, c| a * 10 + u32::from(c - b'0'))
        };
        let (mut y, mut m, mut d) = (n(0..4), n(5..7), n(8..10));
        d += 1;
        if d > days_in_month(y, m) {
            d = 1;
            m += 1;
            if m > 12 {
                m = 1;
                y += 1;
            }
        }
        if y > 2999 {
            return self.clone();
        }
        Day(format!("{y:04}-{m:02}-{d:02}"))
    }
}

impl From<Day> for String {
    fn from(d: Day) -> String {
        d.0
    }
}

impl TryFrom<String> for Day {
    type Error = ReportParamError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        _ => 0,
    }
}

impl FromStr for Day {
    type Err = ReportParamError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let bad = || ReportParamError::Date(s.chars().take(32).collect());
        let b = t.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = t.get(r)?;
            if part.bytes().all(|c| c.is_ascii_digit()) {
                part.parse().ok()
            } else {
                None
            }
        };
        let (y, m, d) = (
            num(0..4).ok_or_else(bad)?,
            num(5..7).ok_or_else(bad)?,
            num(8..10).ok_or_else(bad)?,
        );
        if !(2000..=2999).contains(&y)
            || !(1..=12).contains(&m)
            || d == 0
            || d > days_in_month(y, m)
        {
            return Err(bad());
        }
        Ok(Day(t.to_string()))
    }
}

/// An inclusive range of business days, `from <= to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayRange {
    pub from: Day,
    pub to: Day,
}

impl DayRange {
    pub fn new(from: Day, to: Day) -> Result<DayRange, ReportParamError> {
        if from > to {
            return Err(ReportParamError::Range {
                from: from.0,
                to: to.0,
            });
        }
        Ok(DayRange { from, to })
    }

    /// One day.
    pub fn day(d: Day) -> DayRange {
        DayRange {
            from: d.clone(),
            to: d,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_day_crosses_months_years_and_leap_days() {
        for (a, b) in [
            ("2026-01-31", "2026-02-01"),
            ("2024-02-28", "2024-02-29"),
            ("2026-02-28", "2026-03-01"),
            ("2026-12-31", "2027-01-01"),
            ("2999-12-31", "2999-12-31"),
        ] {
            assert_eq!(a.parse::<Day>().unwrap().next().as_str(), b);
        }
    }

    #[test]
    fn group_by_parses_known_words_only() {
        for (s, g) in [
            ("day", GroupBy::Day),
            ("Product", GroupBy::Product),
            (" cashier ", GroupBy::Cashier),
        ] {
            assert_eq!(s.parse::<GroupBy>(), Ok(g));
        }
        for s in ["", "days", "x", "产品"] {
            assert!(s.parse::<GroupBy>().is_err(), "{s}");
        }
    }

    #[test]
    fn days_are_real_calendar_dates() {
        for ok in ["2026-11-29", "2024-02-29", "2000-01-01", "2026-12-31"] {
            assert_eq!(ok.parse::<Day>().map(|d| d.0), Ok(ok.to_string()));
        }
        for bad in [
            "x",
            "",
            "2026-13-01",
            "2026-02-29",
            "2026-11-31",
            "2026-1-01",
            "20261129",
            "2026-11-2a",
            "+026-11-29",
            "1999-12-31",
            "２０２６-11-29",
        ] {
            assert!(bad.parse::<Day>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_range_runs_forwards() {
        let a: Day = "2026-11-01".parse().unwrap();
        let b: Day = "2026-11-29".parse().unwrap();
        assert!(DayRange::new(a.clone(), b.clone()).is_ok());
        assert!(DayRange::new(b, a).is_err());
    }
}
