//! The owner's back office: commission analytics in one pass over the ledger, user
//! management (disable, reset a PIN, lift a lockout), shift history, the audit log with
//! filters, recent orders, and the last reconciliation.
//!
//! Invariant: every function here checks the caller's role first; every change is audited
//! in the same transaction.

use std::collections::HashMap;

use cardcat_core::analytics::{Analytics, DayPartial, OrderGroup, analyse_days};
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

/// `v` trimmed, with LIKE's wildcards and the escape character taken literally (`ESCAPE '\\'`).
fn escape_like(v: &str) -> String {
    v.trim()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// A text column borrowed from the row (a non-text value is a SQL type error).
fn text<'r>(r: &'r cardcat_store::rusqlite_reexport::Row<'_>, i: usize) -> Result<&'r str> {
    r.get_ref(i)?.as_str().map_err(|e| {
        EngineError::from(
            cardcat_store::rusqlite_reexport::Error::FromSqlConversionFailure(
                i,
                cardcat_store::rusqlite_reexport::types::Type::Text,
                Box::new(e),
            ),
        )
    })
}

/// A stored amount as whole fen: exactly `-?digits.dd`, nothing else.
fn strict_fen(s: &str) -> Option<i64> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let (int, frac) = body.split_once('.')?;
    if int.is_empty()
        || int.len() > 15
        || frac.len() != 2
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let v = int.parse::<i64>().ok()? * 100 + frac.parse::<i64>().ok()?;
    Some(if neg { -v } else { v })
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
    pub fn analytics(
        &self,
        s: &Session,
        range: &DayRange,
        uncategorised: &str,
    ) -> Result<Analytics> {
        s.require(Action::ViewCommission)?;
        let days = self.day_partials(range)?;
        Ok(analyse_days(range, &days, uncategorised, |id| {
            self.user_name(id)
        }))
    }

    /// The ledger's highest entry id, and the days of the entries after `after_id`. The
    /// ledger is append-only, so a kept roll-up of a day stays true until a later entry
    /// names that day (an order resolved after midnight books on its own day).
    pub fn ledger_days_since(&self, after_id: i64) -> Result<(i64, Vec<String>)> {
        let c = self.store.conn();
        let max: i64 = c.query_row("SELECT COALESCE(MAX(id), 0) FROM ledger", [], |r| r.get(0))?;
        let mut st = c.prepare("SELECT DISTINCT day FROM ledger WHERE id > ?1")?;
        let days = st
            .query_map([after_id], |r| r.get(0))?
            .collect::<std::result::Result<Vec<String>, _>>()?;
        Ok((max, days))
    }

    /// A cashier's name, for reports.
    pub fn user_name(&self, id: &str) -> Option<String> {
        self.store
            .conn()
            .query_row("SELECT name FROM users WHERE id = ?1", [id], |r| r.get(0))
            .ok()
    }

    /// Every day of `range` rolled up from the ledger, in one pass over its rows (no sort in
    /// SQLite): each order's entries of a day summed in whole fen, each amount checked to be
    /// a two-decimal string (else `Corrupt`, naming the row). No role check: the caller
    /// checks `ViewCommission` (the counter keeps finished days for the next report).
    pub fn day_partials(&self, range: &DayRange) -> Result<HashMap<String, DayPartial>> {
        let (from, to) = (range.from.as_str(), range.to.as_str());
        let c = self.store.conn();
        let mut names: HashMap<String, (String, String)> = HashMap::new(); // sku → (product, category)
        {
            let mut st = c.prepare(
                "SELECT p.sku, p.name, COALESCE(c.name, p.category) FROM products p
                 LEFT JOIN categories c ON c.generation = p.generation AND c.id = p.category
                 WHERE p.generation = (SELECT active_gen FROM sync_state WHERE id = 1)",
            )?;
            for r in st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))? {
                let (k, n, cat): (String, String, String) = r?;
                names.insert(k, (n, cat));
            }
        }
        // a long range reads the table in order; a short one through the day index
        let long =
            from < to && range.from.next().next().next().next().next().next().next() < range.to;
        let sql = format!(
            "SELECT client_key, day, at_ms, sku, cashier_id, kind, amount FROM ledger {} WHERE day >= ?1 AND day <= ?2",
            if long { "NOT INDEXED" } else { "" }
        );
        let mut st = c.prepare(&sql)?;
        let mut rows = st.query(params![from, to])?;
        // An order's entries are written together, so they mostly follow each other in the
        // table: sum the current order's run and only look a group up when the run ends.
        let mut groups: HashMap<(String, String), OrderGroup> = HashMap::new();
        let mut cur: Option<(String, OrderGroup)> = None;
        let flush = |groups: &mut HashMap<(String, String), OrderGroup>,
                     (key, g): (String, OrderGroup)| {
            let k = (key, g.day.clone());
            match groups.get_mut(&k) {
                Some(e) => {
                    e.sales_fen = e.sales_fen.saturating_add(g.sales_fen);
                    e.cost_fen = e.cost_fen.saturating_add(g.cost_fen);
                    e.commission_fen = e.commission_fen.saturating_add(g.commission_fen);
                    e.sale_sign += g.sale_sign;
                }
                None => {
                    groups.insert(k, g);
                }
            }
        };
        while let Some(r) = rows.next()? {
            let key = text(r, 0)?;
            let day = text(r, 1)?;
            let amount = text(r, 6)?;
            let Some(fen) = strict_fen(amount) else {
                At {
                    table: "ledger",
                    row: key,
                }
                .parsed("amount", amount, |_| None::<()>)?;
                continue;
            };
            let kind = text(r, 5)?;
            let same = cur
                .as_ref()
                .is_some_and(|(k, g)| k.as_str() == key && g.day.as_str() == day);
            if !same {
                let at: i64 = r.get(2)?;
                let sku: String = r.get(3)?;
                let (product, category) = names
                    .get(&sku)
                    .cloned()
                    .unwrap_or_else(|| (sku.clone(), String::new()));
                let next = (
                    key.to_string(),
                    OrderGroup {
                        day: day.to_string(),
                        hour: u8::try_from((at / 1000 + 8 * 3600).rem_euclid(86_400) / 3600)
                            .unwrap_or(0),
                        sku,
                        product,
                        category,
                        cashier: r.get(4)?,
                        sales_fen: 0,
                        cost_fen: 0,
                        commission_fen: 0,
                        sale_sign: 0,
                    },
                );
                if let Some(done) = cur.replace(next) {
                    flush(&mut groups, done);
                }
            }
            let Some((_, g)) = cur.as_mut() else {
                continue;
            };
            match kind {
                "sale" => {
                    g.sales_fen = g.sales_fen.saturating_add(fen);
                    g.sale_sign += fen.signum();
                }
                "cost" => g.cost_fen = g.cost_fen.saturating_add(fen),
                "commission" => g.commission_fen = g.commission_fen.saturating_add(fen),
                _ => {}
            }
        }
        if let Some(done) = cur.take() {
            flush(&mut groups, done);
        }
        let mut days: HashMap<String, DayPartial> = HashMap::new();
        for g in groups.into_values() {
            days.entry(g.day.clone()).or_default().add(&g);
        }
        Ok(days)
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
        let like = |v: &str| format!("%{}%", escape_like(v));
        let prefix = |v: &str| format!("{}%", escape_like(v));
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
            AuditEntry::from_row,
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
    fn stored_amounts_are_read_strictly() {
        for (s, f) in [
            ("0.00", Some(0)),
            ("12.30", Some(1230)),
            ("-5.05", Some(-505)),
            ("100000.00", Some(10_000_000)),
        ] {
            assert_eq!(strict_fen(s), f, "{s}");
        }
        for s in [
            "",
            "1",
            "1.2",
            "1.234",
            ".50",
            "-",
            "--1.00",
            "1,00",
            "1.0a",
            "+1.00",
            "1e3.00",
            "99999999999999999.00",
        ] {
            assert_eq!(strict_fen(s), None, "{s}");
        }
    }

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
