//! Pairing-code brute-force protection for `POST /v1/activate`.
//!
//! Wrong codes are counted in a sliding window per client (the peer IP address; the
//! sandbox never trusts forwarding headers) and for all clients together (a wrong code
//! names no store, so the platform-wide cap is what stops a guesser with many
//! addresses). Reaching either limit starts a lock during which **every** attempt of
//! that client (or, for the global cap, of everybody) is refused, a correct code
//! included, until the lock expires. Correct codes never count as failures.
//!
//! Leaf module apart from [`crate::config`]; time is passed in, so the logic is tested
//! without sleeping.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;

use crate::config::SandboxConfig;

/// Above this many tracked clients, clients with nothing left in the window are dropped.
const MAX_TRACKED_CLIENTS: usize = 10_000;

#[derive(Debug, Default)]
struct Client {
    failures: VecDeque<i64>,
    locked_until_ms: i64,
}

/// Why an attempt is refused and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Locked {
    /// Milliseconds until the lock expires (at least 1).
    pub retry_after_ms: i64,
    /// The platform-wide cap (rather than this client's) is in force.
    pub global: bool,
}

impl Locked {
    /// Whole seconds to wait, rounded up (the `Retry-After` value).
    pub fn retry_after_secs(&self) -> u64 {
        u64::try_from(self.retry_after_ms.max(1))
            .unwrap_or(1)
            .div_ceil(1000)
    }
}

#[derive(Debug)]
pub(crate) struct ActivationThrottle {
    per_client: usize,
    global: usize,
    window_ms: i64,
    lockout_ms: i64,
    clients: HashMap<IpAddr, Client>,
    global_failures: VecDeque<i64>,
    global_locked_until_ms: i64,
}

fn secs_to_ms(s: u64) -> i64 {
    i64::try_from(s.saturating_mul(1000)).unwrap_or(i64::MAX)
}

fn prune(q: &mut VecDeque<i64>, window_start: i64) {
    while q.front().is_some_and(|&t| t <= window_start) {
        q.pop_front();
    }
}

impl ActivationThrottle {
    pub fn new(cfg: &SandboxConfig) -> Self {
        ActivationThrottle {
            per_client: usize::try_from(cfg.activate_max_failures_per_client).unwrap_or(usize::MAX),
            global: usize::try_from(cfg.activate_max_failures_global).unwrap_or(usize::MAX),
            window_ms: secs_to_ms(cfg.activate_window_secs),
            lockout_ms: secs_to_ms(cfg.activate_lockout_secs),
            clients: HashMap::new(),
            global_failures: VecDeque::new(),
            global_locked_until_ms: 0,
        }
    }

    /// `Err` while a lock is in force for `ip` (its own, or the global one).
    pub fn check(&self, ip: IpAddr, now: i64) -> Result<(), Locked> {
        if self.global_locked_until_ms > now {
            return Err(Locked {
                retry_after_ms: self.global_locked_until_ms - now,
                global: true,
            });
        }
        match self.clients.get(&ip) {
            Some(c) if c.locked_until_ms > now => Err(Locked {
                retry_after_ms: c.locked_until_ms - now,
                global: false,
            }),
            _ => Ok(()),
        }
    }

    /// Counts one wrong code from `ip`; starts the lock(s) whose limit it reaches.
    pub fn record_failure(&mut self, ip: IpAddr, now: i64) {
        let window_start = now.saturating_sub(self.window_ms);
        let lock_until = now.saturating_add(self.lockout_ms);
        if self.per_client > 0 {
            let c = self.clients.entry(ip).or_default();
            prune(&mut c.failures, window_start);
            c.failures.push_back(now);
            if c.failures.len() >= self.per_client {
                c.failures.clear();
                c.locked_until_ms = lock_until;
                tracing::warn!(%ip, until_ms = lock_until, "activation: client locked out after too many wrong pairing codes");
            }
        }
        if self.global > 0 {
            prune(&mut self.global_failures, window_start);
            self.global_failures.push_back(now);
            if self.global_failures.len() >= self.global {
                self.global_failures.clear();
                self.global_locked_until_ms = lock_until;
                tracing::warn!(
                    until_ms = lock_until,
                    "activation: every client locked out (platform-wide cap of wrong pairing codes)"
                );
            }
        }
        if self.clients.len() > MAX_TRACKED_CLIENTS {
            self.clients.retain(|_, c| {
                c.locked_until_ms > now || c.failures.back().is_some_and(|&t| t > window_start)
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle(per_client: u32, global: u32) -> ActivationThrottle {
        let mut cfg = SandboxConfig::new("unused.sqlite");
        cfg.activate_max_failures_per_client = per_client;
        cfg.activate_max_failures_global = global;
        cfg.activate_window_secs = 60;
        cfg.activate_lockout_secs = 30;
        ActivationThrottle::new(&cfg)
    }

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 1));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2));

    #[test]
    fn a_client_is_locked_after_its_limit_until_the_lock_expires() {
        let mut t = throttle(3, 0);
        let t0 = 1_000_000;
        for i in 0..3 {
            assert!(t.check(A, t0 + i).is_ok());
            t.record_failure(A, t0 + i);
        }
        let l = t.check(A, t0 + 3).unwrap_err();
        assert!(!l.global);
        assert_eq!(l.retry_after_secs(), 30);
        assert!(t.check(B, t0 + 3).is_ok(), "another client is not affected");
        assert!(t.check(A, t0 + 2 + 29_999).is_err());
        assert!(t.check(A, t0 + 2 + 30_000).is_ok(), "the lock expires");
        // the count starts again after the lock
        t.record_failure(A, t0 + 40_000);
        assert!(t.check(A, t0 + 40_001).is_ok());
    }

    #[test]
    fn failures_older_than_the_window_do_not_count() {
        let mut t = throttle(3, 0);
        t.record_failure(A, 0);
        t.record_failure(A, 1);
        t.record_failure(A, 61_000);
        assert!(t.check(A, 61_001).is_ok());
        t.record_failure(A, 61_002);
        assert!(t.check(A, 61_003).is_ok());
        t.record_failure(A, 61_004);
        assert!(t.check(A, 61_005).is_err());
    }

    #[test]
    fn the_global_cap_locks_everybody() {
        let mut t = throttle(100, 4);
        for (i, ip) in [A, B, A, B].into_iter().enumerate() {
            t.record_failure(ip, i as i64);
        }
        let l = t
            .check(IpAddr::V4(std::net::Ipv4Addr::new(10, 9, 9, 9)), 10)
            .unwrap_err();
        assert!(l.global);
        assert!(t.check(A, 30_004).is_ok());
    }

    #[test]
    fn zero_disables_a_limit() {
        let mut t = throttle(0, 0);
        for i in 0..1000 {
            t.record_failure(A, i);
        }
        assert!(t.check(A, 1000).is_ok());
    }
}
