//! Commission reports from the ledger, reconciliation against the platform's daily
//! statement, and CSV export. All read-only and offline except `reconcile`.

use std::collections::BTreeMap;

use cardcat_core::Money;
use cardcat_core::ledger::EntryKind;
use cardcat_core::reconcile::{Line, Report, reconcile};
use cardcat_core::roles::Action;
use cardcat_store::rusqlite_reexport::params;
use serde::{Deserialize, Serialize};

use crate::outbox::audit;
use crate::stored::At;
use crate::{Engine, EngineError, Result, Session};
use cardcat_core::report::{Day, GroupBy};

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CommissionRow {
    pub key: String,
    pub orders: u32,
    pub sales: Money,
    pub cost: Money,
    pub commission: Money,
}

/// Report days are checked here too, whoever calls: a real date each, `from <= to`.
fn check_range(from: &str, to: &str) -> Result<()> {
    let f: Day = from
        .parse()
        .map_err(|e: cardcat_core::report::ReportParamError| EngineError::Invalid(e.to_string()))?;
    let t: Day = to
        .parse()
        .map_err(|e: cardcat_core::report::ReportParamError| EngineError::Invalid(e.to_string()))?;
    cardcat_core::report::DayRange::new(f, t).map_err(|e| EngineError::Invalid(e.to_string()))?;
    Ok(())
}

fn add(a: Money, b: Money) -> Money {
    Money::from_fen(a.fen() + b.fen())
}

impl Engine {
    /// Commission by day, product or cashier over `[from, to]` (business days, UTC+8).
    pub fn commission_report(
        &self,
        s: &Session,
        from: &str,
        to: &str,
        by: GroupBy,
    ) -> Result<Vec<CommissionRow>> {
        s.require(Action::ViewCommission)?;
        check_range(from, to)?;
        let col = match by {
            GroupBy::Day => "day",
            GroupBy::Product => "sku",
            GroupBy::Cashier => "cashier_id",
        };
        let c = self.store.conn();
        let mut st = c.prepare(&format!("SELECT {col}, client_key, kind, amount FROM ledger WHERE day >= ?1 AND day <= ?2 ORDER BY id"))?;
        let rows = st.query_map(params![from, to], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut groups: BTreeMap<String, (CommissionRow, std::collections::BTreeMap<String, i64>)> =
            BTreeMap::new();
        for row in rows {
            let (k, key, kind, amount) = row?;
            let amount: Money = At {
                table: "ledger",
                row: &key,
            }
            .money("amount", &amount)?;
            let g = groups.entry(k.clone()).or_insert_with(|| {
                (
                    CommissionRow {
                        key: k,
                        ..Default::default()
                    },
                    BTreeMap::new(),
                )
            });
            match EntryKind::parse(&kind) {
                Some(EntryKind::Sale) => {
                    g.0.sales = add(g.0.sales, amount);
                    *g.1.entry(key).or_default() += amount.fen().signum();
                }
                Some(EntryKind::Cost) => g.0.cost = add(g.0.cost, amount),
                Some(EntryKind::Commission) => g.0.commission = add(g.0.commission, amount),
                None => {}
            }
        }
        Ok(groups
            .into_values()
            .map(|(mut r, per_order)| {
                r.orders = per_order.values().filter(|n| **n > 0).count() as u32;
                r
            })
            .collect())
    }

    /// Per-order (cost, commission) as the ledger books them, for the given keys.
    fn local_lines(&self, keys: &[String]) -> Result<Vec<Line>> {
        let c = self.store.conn();
        let mut st = c.prepare("SELECT kind, amount FROM ledger WHERE client_key = ?1")?;
        let mut out = Vec::with_capacity(keys.len());
        for k in keys {
            let mut line = Line {
                client_key: k.clone(),
                amount: Money::ZERO,
                commission: Money::ZERO,
            };
            let rows = st.query_map([k], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?;
            for row in rows {
                let (kind, amount) = row?;
                let m: Money = At {
                    table: "ledger",
                    row: k,
                }
                .money("amount", &amount)?;
                match EntryKind::parse(&kind) {
                    Some(EntryKind::Cost) => line.amount = add(line.amount, m),
                    Some(EntryKind::Commission) => line.commission = add(line.commission, m),
                    _ => {}
                }
            }
            out.push(line);
        }
        Ok(out)
    }

    /// Fetches the platform's statement for `date` and matches it order by order against
    /// the ledger: matched / amount mismatch / missing on either side.
    pub async fn reconcile(&mut self, s: &Session, date: &str) -> Result<Report> {
        s.require(Action::Reconcile)?;
        check_range(date, date)?;
        let st = self.client.statement(date).await?;
        let platform: Vec<Line> = st
            .lines
            .iter()
            .map(|l| Line {
                client_key: l.client_key.to_string(),
                amount: l.amount,
                commission: l.commission,
            })
            .collect();
        let mut keys: Vec<String> = platform.iter().map(|l| l.client_key.clone()).collect();
        {
            let c = self.store.conn();
            let mut q = c.prepare("SELECT client_key FROM orders WHERE day = ?1")?;
            for k in q.query_map([date], |r| r.get::<_, String>(0))? {
                let k = k?;
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
        }
        // Orders still open locally are listed, not compared: their books are not closed yet.
        let mut open = Vec::new();
        {
            let c = self.store.conn();
            let mut q = c.prepare("SELECT state FROM orders WHERE client_key = ?1")?;
            for k in &keys {
                let st: Option<String> = q.query_row([k], |r| r.get(0)).ok();
                if st
                    .as_deref()
                    .and_then(cardcat_core::OrderState::parse)
                    .is_some_and(|s| !s.is_final())
                {
                    open.push(k.clone());
                }
            }
        }
        keys.retain(|k| !open.contains(k));
        let platform: Vec<Line> = platform
            .into_iter()
            .filter(|l| !open.contains(&l.client_key))
            .collect();
        let local = self.local_lines(&keys)?;
        let mut report = reconcile(&local, &platform);
        report.open = open;
        let tx = self.store.conn_mut().transaction()?;
        audit(
            &tx,
            &s.user_id,
            "commission.reconcile",
            date,
            None,
            Some(&format!(
                "matched {} diffs {}",
                report.matched,
                report.diffs.len()
            )),
        )?;
        tx.commit()?;
        Ok(report)
    }

    /// Ledger entries over `[from, to]` as CSV (UTF-8 with BOM, so Excel opens Chinese correctly).
    pub fn export_csv(&self, s: &Session, from: &str, to: &str) -> Result<String> {
        s.require(Action::ExportCsv)?;
        check_range(from, to)?;
        let c = self.store.conn();
        let mut st = c.prepare(
            "SELECT l.day, l.client_key, l.sku, o.product_name, l.cashier_id, l.kind, l.amount, l.reason, o.state
             FROM ledger l JOIN orders o ON o.client_key = l.client_key WHERE l.day >= ?1 AND l.day <= ?2 ORDER BY l.id",
        )?;
        let mut out = String::from(
            "\u{feff}day,client_key,sku,product,cashier,entry,amount,booked_on,order_state\r\n",
        );
        // A text cell starting like a formula is opened as text by Excel/WPS ('=…' would run).
        let esc = |s: &str| {
            let s = if s.starts_with(['=', '+', '@', '\t', '\r'])
                || (s.starts_with('-') && s.parse::<Money>().is_err())
            {
                format!("'{s}")
            } else {
                s.to_string()
            };
            if s.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s
            }
        };
        let rows = st.query_map(params![from, to], |r| {
            Ok([
                r.get::<_, String>(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            ])
        })?;
        for row in rows {
            let row = row?;
            out.push_str(&row.iter().map(|f| esc(f)).collect::<Vec<_>>().join(","));
            out.push_str("\r\n");
        }
        Ok(out)
    }
}
