//! The owner's back office: commission analytics in one pass over the ledger, user
//! management (disable, reset a PIN, lift a lockout), shift history, the audit log with
//! filters, recent orders, and the last reconciliation.
//!
//! Invariant: every function here checks the caller's role first; every change is audited
//! in the same transaction.

use std::collections::HashMap;

use cardcat_core::analytics::{Analytics, OrderGroup, analyse};
use cardcat_core::report::{Day, DayRange};
use cardcat_core::roles::{Action, Role};
use cardcat_store::rusqlite_reexport::{OptionalExtension, params};
use serde::Serialize;

use crate::outbox::{AuditEntry, audit};
use crate::people::hash_pin_for;
use crate::stored::At;
use crate::{Engine, EngineError, OrderRecord, Refusal, Result, Session, ShiftInfo};

/// What the owner narrows the audit log to. Empty fields match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub actor: String,
    /// An action or its prefix (`user.`, `order.reveal`).
    pub action: String,
    /// Text inside the subject, before or after.
    pub text: String,
    pub from: Option<Day>,
    pub to: Option<Day>,
}

/// When the books were last matched against the platform, and how it came out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LastReconcile {
    pub at_ms: i64,
    pub day: String,
    pub matched: u32,
    pub diffs: u32,
}

/// Start of a business day (UTC+8) in ms since the epoch.
fn day_start_ms(d: &Day) -> i64 {
    let s = d.as_str();
    let n = |a: usize, b: usize| -> i64 { s[a..b].parse().unwrap_or(0) };
    let (y, m, dd) = (n(0, 4), n(5, 7), n(8, 10));
    // days-from-civil (H. Hinnant)
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + dd - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400_000 - 8 * 3_600_000
}

impl Engine {
    /// Commission by day, hour of day, product, category and cashier over `range`.
    /// Amounts are summed in whole fen by SQLite after every amount was checked to be a
    /// two-decimal string; a stored amount that is not is `Corrupt`, never zero.
    pub fn analytics(
        &self,
        s: &Session,
        range: &DayRange,
        uncategorised: &str,
    ) -> Result<Analytics> {
        s.require(Action::ViewCommission)?;
        let c = self.store.conn();
        let (from, to) = (range.from.as_str(), range.to.as_str());
        // one malformed amount is an error naming the row, never a silent zero
        let bad: Option<(String, String)> = c
            .query_row(
                "SELECT client_key, amount FROM ledger WHERE day >= ?1 AND day <= ?2
                 AND NOT (amount GLOB '[0-9]*.[0-9][0-9]' OR amount GLOB '-[0-9]*.[0-9][0-9]')
                 OR (day >= ?1 AND day <= ?2 AND amount GLOB '*[^-0-9.]*') LIMIT 1",
                params![from, to],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((key, amount)) = bad {
            At {
                table: "ledger",
                row: &key,
            }
            .parsed("amount", &amount, |_| None::<()>)?;
        }
        let mut categories: HashMap<String, String> = HashMap::new();
        {
            let mut st = c.prepare(
                "SELECT p.sku, COALESCE(c.name, p.category) FROM products p
                 LEFT JOIN categories c ON c.generation = p.generation AND c.id = p.category
                 WHERE p.generation = (SELECT active_gen FROM sync_state WHERE id = 1)
                 AND p.sku IN (SELECT DISTINCT sku FROM ledger WHERE day >= ?1 AND day <= ?2)",
            )?;
            for r in st.query_map(params![from, to], |r| Ok((r.get(0)?, r.get(1)?)))? {
                let (k, v): (String, String) = r?;
                categories.insert(k, v);
            }
        }
        let mut st = c.prepare(
            "SELECT l.day, ((MIN(l.at_ms) / 1000 + 28800) % 86400) / 3600, l.sku,
                    COALESCE(o.product_name, l.sku), l.cashier_id,
                    SUM(CASE WHEN l.kind = 'sale' THEN CAST(REPLACE(l.amount, '.', '') AS INTEGER) ELSE 0 END),
                    SUM(CASE WHEN l.kind = 'cost' THEN CAST(REPLACE(l.amount, '.', '') AS INTEGER) ELSE 0 END),
                    SUM(CASE WHEN l.kind = 'commission' THEN CAST(REPLACE(l.amount, '.', '') AS INTEGER) ELSE 0 END),
                    SUM(CASE WHEN l.kind = 'sale' THEN (l.amount NOT LIKE '-%') - (l.amount LIKE '-%') ELSE 0 END)
             FROM ledger l LEFT JOIN orders o ON o.client_key = l.client_key
             WHERE l.day >= ?1 AND l.day <= ?2
             GROUP BY l.client_key, l.day",
        )?;
        let groups = st
            .query_map(params![from, to], |r| {
                let sku: String = r.get(2)?;
                Ok(OrderGroup {
                    day: r.get(0)?,
                    hour: u8::try_from(r.get::<_, i64>(1)?.rem_euclid(24)).unwrap_or(0),
                    category: categories.get(&sku).cloned().unwrap_or_default(),
                    sku,
                    product: r.get(3)?,
                    cashier: r.get(4)?,
                    sales_fen: r.get(5)?,
                    cost_fen: r.get(6)?,
                    commission_fen: r.get(7)?,
                    sale_sign: r.get(8)?,
                })
            })?
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let mut names: HashMap<String, String> = HashMap::new();
        {
            let mut st = c.prepare("SELECT id, name FROM users")?;
            for r in st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))? {
                let (k, v): (String, String) = r?;
                names.insert(k, v);
            }
        }
        Ok(analyse(range, groups, uncategorised, |id| {
            names.get(id).cloned()
        }))
    }

    fn user_role(&self, id: &str) -> Result<(Role, bool)> {
        let row: Option<(String, bool)> = self
            .store
            .conn()
            .query_row("SELECT role, active FROM users WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let (role, active) = row.ok_or(EngineError::Refused(Refusal::NoSuchUser))?;
        let role = At {
            table: "users",
            row: id,
        }
        .parsed("role", &role, Role::parse)?;
        Ok((role, active))
    }

    fn active_owners(&self) -> Result<i64> {
        Ok(self.store.conn().query_row(
            "SELECT count(*) FROM users WHERE role = 'owner' AND active = 1",
            [],
            |r| r.get(0),
        )?)
    }

    /// Disables or enables a user. The last active owner stays, and nobody disables
    /// themselves. A disabled user cannot log in; their orders and shifts stay.
    pub fn set_user_active(&mut self, s: &Session, id: &str, active: bool) -> Result<()> {
        s.require(Action::ManageUsers)?;
        let (role, was) = self.user_role(id)?;
        if !active && id == s.user_id {
            return Err(EngineError::Refused(Refusal::OwnAccount));
        }
        if !active && was && role == Role::Owner && self.active_owners()? <= 1 {
            return Err(EngineError::Refused(Refusal::LastOwner));
        }
        let tx = self.store.conn_mut().transaction()?;
        tx.execute(
            "UPDATE users SET active = ?1 WHERE id = ?2",
            params![active, id],
        )?;
        audit(
            &tx,
            &s.user_id,
            if active {
                "user.enable"
            } else {
                "user.disable"
            },
            id,
            Some(if was { "active" } else { "disabled" }),
            Some(if active { "active" } else { "disabled" }),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Sets a new PIN for a user (and lifts any lockout).
    pub fn reset_pin(&mut self, s: &Session, id: &str, pin: &str) -> Result<()> {
        s.require(Action::ManageUsers)?;
        self.user_role(id)?;
        let hash = hash_pin_for(pin)?;
        let tx = self.store.conn_mut().transaction()?;
        tx.execute(
            "UPDATE users SET pin_hash = ?1, failed = 0, locked_until_ms = 0 WHERE id = ?2",
            params![hash, id],
        )?;
        audit(&tx, &s.user_id, "user.reset_pin", id, None, None)?;
        tx.commit()?;
        Ok(())
    }

    /// Lifts a lockout after too many wrong PINs.
    pub fn unlock_user(&mut self, s: &Session, id: &str) -> Result<()> {
        s.require(Action::ManageUsers)?;
        self.user_role(id)?;
        let tx = self.store.conn_mut().transaction()?;
        tx.execute(
            "UPDATE users SET failed = 0, locked_until_ms = 0 WHERE id = ?1",
            [id],
        )?;
        audit(&tx, &s.user_id, "user.unlock", id, None, None)?;
        tx.commit()?;
        Ok(())
    }

    /// Every shift opened in `range`, newest first, with its totals, count and over/short.
    pub fn shift_history(
        &self,
        s: &Session,
        range: &DayRange,
        limit: u32,
    ) -> Result<Vec<ShiftInfo>> {
        s.require(Action::ViewCommission)?;
        let from = day_start_ms(&range.from);
        let to = day_start_ms(&range.to.next()).max(from);
        let ids: Vec<String> = {
            let c = self.store.conn();
            let mut st = c.prepare(
                "SELECT id FROM shifts WHERE opened_at_ms >= ?1 AND opened_at_ms < ?2
                 ORDER BY opened_at_ms DESC LIMIT ?3",
            )?;
            st.query_map(params![from, to, limit], |r| r.get(0))?
                .collect::<std::result::Result<_, _>>()?
        };
        ids.iter().map(|id| self.shift_info(id)).collect()
    }

    /// The audit log, newest first, narrowed by `f`.
    pub fn audit_query(&self, s: &Session, f: &AuditFilter, limit: u32) -> Result<Vec<AuditEntry>> {
        s.require(Action::ViewAudit)?;
        let from = f.from.as_ref().map_or(0, day_start_ms);
        let to = f.to.as_ref().map_or(i64::MAX, |d| day_start_ms(&d.next()));
        let like = |v: &str| {
            format!(
                "%{}%",
                v.trim()
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        };
        let prefix = |v: &str| {
            format!(
                "{}%",
                v.trim()
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        };
        let c = self.store.conn();
        let mut st = c.prepare(
            "SELECT at_ms, actor, action, subject, before, after FROM audit
             WHERE at_ms >= ?1 AND at_ms < ?2
             AND actor LIKE ?3 ESCAPE '\\'
             AND action LIKE ?4 ESCAPE '\\'
             AND (subject LIKE ?5 ESCAPE '\\' OR COALESCE(before, '') LIKE ?5 ESCAPE '\\'
                  OR COALESCE(after, '') LIKE ?5 ESCAPE '\\')
             ORDER BY id DESC LIMIT ?6",
        )?;
        let rows = st.query_map(
            params![
                from,
                to,
                if f.actor.trim().is_empty() {
                    "%".to_string()
                } else {
                    like(&f.actor)
                },
                prefix(&f.action),
                like(&f.text),
                limit
            ],
            |r| {
                Ok(AuditEntry {
                    at_ms: r.get(0)?,
                    actor: r.get(1)?,
                    action: r.get(2)?,
                    subject: r.get(3)?,
                    before: r.get(4)?,
                    after: r.get(5)?,
                })
            },
        )?;
        Ok(rows.collect::<std::result::Result<Vec<_>, _>>()?)
    }

    /// The latest orders, newest first, PINs masked (an owner reveals one through `show`).
    pub fn recent_orders(&mut self, s: &Session, limit: u32) -> Result<Vec<OrderRecord>> {
        s.require(Action::ViewOrders)?;
        let keys: Vec<String> = {
            let c = self.store.conn();
            let mut st =
                c.prepare("SELECT client_key FROM orders ORDER BY created_at_ms DESC LIMIT ?1")?;
            st.query_map([limit], |r| r.get(0))?
                .collect::<std::result::Result<_, _>>()?
        };
        keys.iter()
            .map(|k| self.record(k, crate::orders::PinView::Masked, None))
            .collect()
    }

    /// The last reconciliation anyone ran on this terminal.
    pub fn last_reconcile(&self, s: &Session) -> Result<Option<LastReconcile>> {
        s.require(Action::ViewCommission)?;
        let row: Option<(i64, String, Option<String>)> = self
            .store
            .conn()
            .query_row(
                "SELECT at_ms, subject, after FROM audit WHERE action = 'commission.reconcile' ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        Ok(row.map(|(at_ms, day, after)| {
            // "matched N diffs M", as `reconcile` writes it
            let words: Vec<&str> = after.as_deref().unwrap_or("").split_whitespace().collect();
            let num = |name: &str| {
                words
                    .iter()
                    .position(|w| *w == name)
                    .and_then(|i| words.get(i + 1))
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0)
            };
            LastReconcile {
                at_ms,
                day,
                matched: num("matched"),
                diffs: num("diffs"),
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_start_is_midnight_in_utc8() {
        for ms in [0i64, 1_764_400_000_000, 1_800_000_000_000] {
            let d = Day::of_ms(ms);
            let start = day_start_ms(&d);
            assert!(start <= ms && ms < start + 86_400_000, "{ms} {d:?} {start}");
            assert_eq!(Day::of_ms(start), d);
            assert_ne!(Day::of_ms(start - 1), d);
        }
    }
}
