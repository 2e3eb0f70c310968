//! Backups of the store through SQLite's online backup API: pages are copied in steps while
//! the counter keeps working, and a restore copies a checked backup back the same way.
//!
//! Invariant: a backup is copied read-only into a work file, and that copy is inspected (it
//! must pass `quick_check`, carry a schema this program knows with exactly its tables, and
//! belong to the same store: the caller decides), migrated, and then put in place in one
//! write transaction: a restore either happens whole or not at all.

use std::path::Path;
use std::time::Duration;

use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::{Result, Store, StoreError, migrations};

/// What a backup file holds, read without changing it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BackupInfo {
    pub schema: u32,
    pub store_id: Option<String>,
    pub store_name: Option<String>,
    /// The terminal it was taken on.
    pub terminal_id: Option<String>,
    pub orders: u64,
}

/// Pages copied per step, and the pause between steps (the counter's writer gets a turn).
const STEP_PAGES: std::os::raw::c_int = 256;
const STEP_PAUSE: Duration = Duration::from_millis(2);

impl Store {
    /// Copies the whole store into `dest` (a new file) with the online backup API.
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        let mut out = Connection::open(dest)?;
        {
            let b = Backup::new(&self.conn, &mut out)?;
            b.run_to_completion(STEP_PAGES, STEP_PAUSE, None)?;
        }
        // a backup is one self-contained file
        out.pragma_update(None, "journal_mode", "DELETE")?;
        Ok(())
    }

    /// Replaces this store's whole content with `prepared` (see [`prepare_restore`]) in one
    /// write transaction: a crash or an error part way leaves the store as it was.
    pub fn replace_with(&mut self, prepared: &Store) -> Result<()> {
        {
            let b = Backup::new(&prepared.conn, &mut self.conn)?;
            b.run_to_completion(STEP_PAGES, STEP_PAUSE, None)?;
        }
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        Ok(())
    }
}

/// The first step of a restore: copies the backup at `src` into the work file `work`. The
/// backup is opened read-only, so a file that vanished is an error, never an empty store;
/// the copy is what gets inspected and restored, so the file cannot change in between.
pub fn copy_for_restore(src: &Path, work: &Path) -> Result<()> {
    let from = Connection::open_with_flags(
        src,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let mut to = Connection::open(work)?;
    {
        let b = Backup::new(&from, &mut to)?;
        b.run_to_completion(STEP_PAGES, STEP_PAUSE, None)?;
    }
    to.pragma_update(None, "journal_mode", "DELETE")?;
    Ok(())
}

/// The second step, after the work copy was inspected: opens it brought up to this
/// program's schema (an older backup is migrated here, one transaction per step), ready
/// for settings to be adjusted and for [`Store::replace_with`].
pub fn prepare_restore(work: &Path) -> Result<Store> {
    if migrations::current_version(&Connection::open_with_flags(
        work,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?)? == 0
    {
        return Err(StoreError::NotAStore("no CardCat schema".into()));
    }
    let conn = Connection::open_with_flags(
        work,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let mut conn = conn;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrations::migrate_to(&mut conn, migrations::MIGRATIONS.len())?;
    Ok(Store {
        conn,
        path: work.to_path_buf(),
    })
}

/// Reads a backup's schema, store and size, read-only; refuses a damaged file and a schema
/// newer than this program.
pub fn inspect(path: &Path) -> Result<BackupInfo> {
    let c = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let check: String = c.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(StoreError::Integrity(check));
    }
    let schema = migrations::current_version(&c)?;
    let known = migrations::MIGRATIONS.len() as u32;
    if schema > known {
        return Err(StoreError::SchemaTooNew {
            found: schema,
            known,
        });
    }
    if schema == 0 {
        return Err(StoreError::NotAStore("no CardCat schema".into()));
    }
    // its tables, indexes and triggers must be exactly what this program's migrations made
    // at that version: another program's file, or one changed by hand, is not restored
    let mut reference = Connection::open_in_memory()?;
    migrations::migrate_to(&mut reference, schema as usize)?;
    if shape(&c)? != shape(&reference)? {
        return Err(StoreError::NotAStore(format!(
            "its tables differ from schema {schema}"
        )));
    }
    let setting = |k: &str| -> Result<Option<String>> {
        Ok(
            c.query_row("SELECT value FROM settings WHERE key = ?1", [k], |r| {
                r.get(0)
            })
            .optional()?,
        )
    };
    let orders: u64 = if schema >= 2 {
        c.query_row("SELECT count(*) FROM orders", [], |r| r.get::<_, i64>(0))
            .map(|n| n.max(0) as u64)?
    } else {
        0
    };
    Ok(BackupInfo {
        schema,
        store_id: setting("store_id")?,
        store_name: setting("store_name")?,
        terminal_id: setting("terminal_id")?,
        orders,
    })
}

/// The schema objects of a database: type, name and, for a table, its columns in order
/// (not the SQL text, which SQLite may word differently across versions).
fn shape(c: &Connection) -> Result<std::collections::BTreeSet<(String, String, String)>> {
    let mut st = c.prepare(
        "SELECT m.type, m.name, \
                (SELECT coalesce(group_concat(p.name || ' ' || p.type, ','), '') \
                   FROM pragma_table_info(m.name) AS p) \
           FROM sqlite_master AS m WHERE m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    )?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_round_trips_and_a_newer_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let live = dir.path().join("live.sqlite");
        let mut s = Store::open(&live).unwrap();
        s.set_setting("store_id", "S-1").unwrap();
        s.set_setting("note", "before").unwrap();
        let b = dir.path().join("b.sqlite");
        s.backup_to(&b).unwrap();
        let info = inspect(&b).unwrap();
        assert_eq!(info.store_id.as_deref(), Some("S-1"));
        assert_eq!(info.schema, migrations::MIGRATIONS.len() as u32);
        s.set_setting("note", "after").unwrap();
        let work = dir.path().join("work.sqlite");
        copy_for_restore(&b, &work).unwrap();
        s.replace_with(&prepare_restore(&work).unwrap()).unwrap();
        assert_eq!(s.setting("note").unwrap().as_deref(), Some("before"));
        // a backup that vanished is an error, never an empty store
        assert!(copy_for_restore(&dir.path().join("gone.sqlite"), &work).is_err());
        assert!(!dir.path().join("gone.sqlite").exists());
        assert_eq!(s.setting("note").unwrap().as_deref(), Some("before"));
        // a backup written by a newer program is refused, and says which version
        let newer = dir.path().join("newer.sqlite");
        s.backup_to(&newer).unwrap();
        Connection::open(&newer)
            .unwrap()
            .pragma_update(None, "user_version", 999)
            .unwrap();
        assert!(matches!(
            inspect(&newer),
            Err(StoreError::SchemaTooNew { found: 999, .. })
        ));
        // not a database at all
        let junk = dir.path().join("junk.sqlite");
        std::fs::write(&junk, b"not sqlite").unwrap();
        assert!(inspect(&junk).is_err());
    }
}
