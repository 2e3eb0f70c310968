//! Timing helpers shared by the benchmarks.
#![allow(clippy::float_arithmetic, clippy::cast_precision_loss)] // timing figures, not money

use std::time::Duration;

/// A duration in milliseconds.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The `p` quantile (0.0–1.0) of sorted durations.
pub fn pct(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}
