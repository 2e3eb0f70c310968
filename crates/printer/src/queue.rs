//! The durable print queue: one job per receipt with a stable id, retried with back-off.
//!
//! Invariant: a print failure never blocks or undoes a sale (jobs are separate rows).
//! Invariant: bytes that may have reached the printer (a connection lost mid-send, or a
//! crash while sending) are never re-sent automatically: the job becomes `uncertain` and
//! only an explicit reprint prints it again.

use std::time::Duration;

use cardcat_store::rusqlite_reexport::{Connection, OptionalExtension, params};
use serde::Serialize;
use uuid::Uuid;

use crate::status::{PrintError, PrinterStatus};
use crate::transport::{self, Target};

const BACKOFF_MS: [i64; 5] = [5_000, 15_000, 60_000, 300_000, 900_000];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Job {
    pub id: String,
    pub order_key: Option<String>,
    pub kind: String,
    pub title: String,
    pub state: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at_ms: i64,
    pub printed_at_ms: Option<i64>,
    pub reprint_of: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProcessReport {
    pub printed: Vec<String>,
    pub waiting: Vec<(String, String)>,
    pub uncertain: Vec<String>,
    pub status: Option<PrinterStatus>,
}

fn now_ms() -> i64 {
    cardcat_store::now_ms()
}

pub fn enqueue(
    c: &Connection,
    order_key: Option<&str>,
    kind: &str,
    title: &str,
    bytes: &[u8],
    reprint_of: Option<&str>,
) -> Result<String, cardcat_store::rusqlite_reexport::Error> {
    let id = Uuid::now_v7().to_string();
    c.execute(
        "INSERT INTO print_jobs (id, order_key, kind, title, bytes, state, created_at_ms, reprint_of) VALUES (?1, ?2, ?3, ?4, ?5, 'queued', ?6, ?7)",
        params![id, order_key, kind, title, bytes, now_ms(), reprint_of],
    )?;
    Ok(id)
}

/// At start-up: a job left `sending` by a crash may or may not have printed.
pub fn recover(c: &Connection) -> Result<usize, cardcat_store::rusqlite_reexport::Error> {
    c.execute("UPDATE print_jobs SET state = 'uncertain', last_error = 'interrupted while sending' WHERE state = 'sending'", [])
}

fn read_job(
    r: &cardcat_store::rusqlite_reexport::Row<'_>,
) -> cardcat_store::rusqlite_reexport::Result<Job> {
    Ok(Job {
        id: r.get(0)?,
        order_key: r.get(1)?,
        kind: r.get(2)?,
        title: r.get(3)?,
        state: r.get(4)?,
        attempts: r.get(5)?,
        last_error: r.get(6)?,
        created_at_ms: r.get(7)?,
        printed_at_ms: r.get(8)?,
        reprint_of: r.get(9)?,
    })
}

const COLS: &str = "id, order_key, kind, title, state, attempts, last_error, created_at_ms, printed_at_ms, reprint_of";

pub fn list(
    c: &Connection,
    limit: u32,
) -> Result<Vec<Job>, cardcat_store::rusqlite_reexport::Error> {
    let mut st = c.prepare(&format!(
        "SELECT {COLS} FROM print_jobs ORDER BY created_at_ms DESC LIMIT ?1"
    ))?;
    let rows = st.query_map([limit], read_job)?;
    rows.collect()
}

pub fn get(
    c: &Connection,
    id: &str,
) -> Result<Option<Job>, cardcat_store::rusqlite_reexport::Error> {
    c.query_row(
        &format!("SELECT {COLS} FROM print_jobs WHERE id = ?1"),
        [id],
        read_job,
    )
    .optional()
}

/// The exact bytes of a job (what was or will be sent to the printer).
pub fn bytes(
    c: &Connection,
    id: &str,
) -> Result<Option<Vec<u8>>, cardcat_store::rusqlite_reexport::Error> {
    c.query_row("SELECT bytes FROM print_jobs WHERE id = ?1", [id], |r| {
        r.get(0)
    })
    .optional()
}

/// Queues the same bytes again as a new job (an explicit reprint of a non-sensitive job;
/// sale receipts are rebuilt as masked copies by the caller instead).
pub fn requeue_copy(
    c: &Connection,
    id: &str,
) -> Result<Option<String>, cardcat_store::rusqlite_reexport::Error> {
    let row: Option<(Option<String>, String, String, Vec<u8>)> = c
        .query_row(
            "SELECT order_key, kind, title, bytes FROM print_jobs WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    match row {
        Some((k, kind, title, bytes)) => {
            enqueue(c, k.as_deref(), &kind, &title, &bytes, Some(id)).map(Some)
        }
        None => Ok(None),
    }
}

/// Tries every due job once, in order. Blocking (printer IO); call off the UI thread.
pub fn process(
    c: &Connection,
    target: &Target,
    timeout: Duration,
    all_now: bool,
) -> Result<ProcessReport, cardcat_store::rusqlite_reexport::Error> {
    let mut rep = ProcessReport::default();
    let jobs: Vec<(String, Vec<u8>, i64)> = {
        let mut st = c.prepare("SELECT id, bytes, attempts FROM print_jobs WHERE state = 'queued' AND (?1 OR next_try_ms <= ?2) ORDER BY created_at_ms")?;
        let rows = st.query_map(params![all_now, now_ms()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        rows.collect::<Result<Vec<_>, _>>()?
    };
    for (id, bytes, attempts) in jobs {
        c.execute(
            "UPDATE print_jobs SET state = 'sending', attempts = attempts + 1 WHERE id = ?1",
            [&id],
        )?;
        match transport::send(target, &bytes, timeout) {
            Ok(r) => {
                c.execute("UPDATE print_jobs SET state = 'printed', printed_at_ms = ?1, last_error = NULL WHERE id = ?2", params![now_ms(), id])?;
                rep.status = r.after.or(r.before);
                rep.printed.push(id);
            }
            Err(
                e @ (PrintError::NotReady(_)
                | PrintError::Unreachable(_)
                | PrintError::BadTarget(_)
                | PrintError::Encode(_)),
            ) => {
                // Nothing left this machine: safe to retry later.
                let idx = usize::try_from(attempts)
                    .unwrap_or(0)
                    .min(BACKOFF_MS.len() - 1);
                c.execute(
                    "UPDATE print_jobs SET state = 'queued', next_try_ms = ?1, last_error = ?2 WHERE id = ?3",
                    params![now_ms() + BACKOFF_MS[idx], e.to_string(), id],
                )?;
                if let PrintError::NotReady(s) = &e {
                    rep.status = Some(*s);
                }
                rep.waiting.push((id, e.to_string()));
                // The printer is not taking jobs: don't hammer it with the rest of the queue.
                break;
            }
            Err(e @ PrintError::Io(_)) => {
                c.execute(
                    "UPDATE print_jobs SET state = 'uncertain', last_error = ?1 WHERE id = ?2",
                    params![e.to_string(), id],
                )?;
                rep.uncertain.push(id);
            }
        }
    }
    Ok(rep)
}
