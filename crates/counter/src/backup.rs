//! Backups of the store database (SQLite's online backup API) for the owner: now, daily on
//! schedule keeping the newest N, listed, and restored.
//!
//! Invariant: a restore refuses a backup of another store and one from a newer schema, and
//! says which; it never runs while orders are open or results owed; the database as it was
//! is saved next to the backups first, so a restore can itself be undone.

use std::path::{Path, PathBuf};

use cardcat_core::Localized;
use cardcat_core::report::Day;
use cardcat_core::roles::Action;
use cardcat_store::StoreError;
use cardcat_store::backup::{BackupInfo, inspect};
use serde::Serialize;

use crate::{Counter, CounterError, Result, Session};
use cardcat_client::secrets::SecretStore;

/// How many daily backups are kept unless the owner says otherwise.
pub const DEFAULT_KEEP: usize = 7;

/// A backup file in the backup folder.
#[derive(Debug, Clone, Serialize)]
pub struct BackupFile {
    pub path: PathBuf,
    pub bytes: u64,
    /// The business day it was taken (from its name).
    pub day: String,
    pub info: Option<BackupInfo>,
}

const PREFIX: &str = "cardcat-backup-";

/// How many copies taken just before a restore are kept (besides the daily ones).
pub const KEEP_BEFORE_RESTORE: usize = 3;

impl Counter {
    /// Where backups go: `backups/` beside the store database.
    pub fn backup_dir(&self) -> PathBuf {
        backup_dir_of(self.db_path())
    }

    fn write_backup(&self, keep: usize, tag: &str) -> Result<PathBuf> {
        let dir = self.backup_dir();
        std::fs::create_dir_all(&dir).map_err(|e| CounterError::file(&dir, &e))?;
        let now = cardcat_store::now_ms();
        let f = dir.join(format!(
            "{PREFIX}{}-{now:013}{tag}.sqlite",
            Day::of_ms(now).as_str()
        ));
        // written under a temporary name and renamed when complete: a backup cut short by a
        // crash or a full disk is never listed, counted as today's or restored
        let tmp = suffixed(&f, ".tmp");
        let written = self.store()?.backup_to(&tmp);
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(e.into());
        }
        std::fs::rename(&tmp, &f).map_err(|e| CounterError::file(&f, &e))?;
        let mut all = self.backup_files()?;
        let (before, mut daily): (Vec<_>, Vec<_>) = all.drain(..).partition(|b| {
            b.path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().contains("-before-restore"))
        });
        if keep == 0 {
            daily.clear();
        }
        // the newest `keep` backups, and the newest copies taken before a restore
        let excess = daily.len().saturating_sub(keep);
        let old_before = before.len().saturating_sub(KEEP_BEFORE_RESTORE);
        for old in daily
            .into_iter()
            .take(excess)
            .chain(before.into_iter().take(old_before))
        {
            if let Err(e) = std::fs::remove_file(&old.path) {
                tracing::warn!(file = %old.path.display(), error = %e, "removing an old backup");
            }
        }
        Ok(f)
    }

    /// The backup files, oldest first.
    fn backup_files(&self) -> Result<Vec<BackupFile>> {
        Ok(list_backups(&self.backup_dir()))
    }

    /// Backs the store up now (owner), keeping the newest `keep` backups.
    pub fn backup_now(&self, who: &Session, keep: usize) -> Result<PathBuf> {
        who.require(Action::Backup)?;
        self.write_backup(keep, "")
    }

    /// The daily backup: taken when none was taken today (the terminal does this itself,
    /// at start and every hour; no person is involved).
    pub fn scheduled_backup(&self, keep: usize) -> Result<Option<PathBuf>> {
        self.remove_stale_partials();
        let today = Counter::today();
        if self.backup_files()?.iter().any(|b| b.day == today.as_str()) {
            return Ok(None);
        }
        self.write_backup(keep, "").map(Some)
    }

    /// Copies a damaged store's files as they are (`…-before-restore-damaged.sqlite` and its
    /// write-ahead log), for whoever later tries to recover what was in them.
    fn copy_damaged_files(&self) -> Result<PathBuf> {
        let dir = self.backup_dir();
        std::fs::create_dir_all(&dir).map_err(|e| CounterError::file(&dir, &e))?;
        let now = cardcat_store::now_ms();
        let f = dir.join(format!(
            "{PREFIX}{}-{now:013}-before-restore-damaged.sqlite",
            Day::of_ms(now).as_str()
        ));
        for suffix in ["", "-wal"] {
            let from = suffixed(self.db_path(), suffix);
            if from.exists() {
                std::fs::copy(&from, suffixed(&f, suffix))
                    .map_err(|e| CounterError::file(&f, &e))?;
            }
        }
        Ok(f)
    }

    /// Removes backups a crash cut short (`….sqlite.tmp` untouched for an hour).
    fn remove_stale_partials(&self) {
        let Ok(rd) = std::fs::read_dir(self.backup_dir()) else {
            return;
        };
        for e in rd.flatten().take(10_000) {
            let name = e.file_name().to_string_lossy().to_string();
            let stale = e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > std::time::Duration::from_secs(3600));
            if name.starts_with(PREFIX)
                && name.contains(".sqlite.tmp")
                && stale
                && let Err(err) = std::fs::remove_file(e.path())
            {
                tracing::warn!(file = %e.path().display(), error = %err, "removing a partial backup");
            }
        }
    }

    /// The backups with what each holds, newest first (owner).
    pub fn backups(&self, who: &Session) -> Result<Vec<BackupFile>> {
        who.require(Action::Backup)?;
        let mut all = self.backup_files()?;
        for b in &mut all {
            b.info = inspect(&b.path).ok();
        }
        all.reverse();
        Ok(all)
    }

    /// Restores one of the backups in the backup folder, by its file name (the owner's
    /// screen): a name with a path in it is refused.
    pub fn restore_named(&self, who: &Session, name: &str) -> Result<BackupInfo> {
        who.require(Action::Backup)?;
        plain_backup_name(name)?;
        self.restore_backup(who, &self.backup_dir().join(name))
    }

    /// Restores the store from `file` (owner): refused for another store's backup, a newer
    /// schema, a damaged file, or while orders are open or results owed. The database as it
    /// was is backed up first (`…-before-restore.sqlite`).
    pub fn restore_backup(&self, who: &Session, file: &Path) -> Result<BackupInfo> {
        who.require(Action::Backup)?;
        // a damaged store is exactly what a restore is for; otherwise the store must take
        // writes (disk space, permissions)
        let damaged = self.is_damaged();
        if !damaged {
            self.ensure_writable()?;
        }
        check_readable(file)?;
        // the backup is copied (read-only) into a work file first: that copy is what is
        // checked and restored, and it is removed whatever happens
        let work = Work::new(&self.backup_dir());
        std::fs::create_dir_all(self.backup_dir())
            .map_err(|e| CounterError::file(&self.backup_dir(), &e))?;
        cardcat_store::backup::copy_for_restore(file, &work.path).map_err(|e| {
            if e.disk_full() {
                let full = std::io::Error::from(std::io::ErrorKind::StorageFull);
                CounterError::file(&self.backup_dir(), &full)
            } else {
                not_a_backup(e)
            }
        })?;
        let info = inspect(&work.path).map_err(not_a_backup)?;
        let mut store = self.store()?;
        // a damaged store may not read back its settings: its terminal is then the one the
        // keyring remembers for this database (and the backup must be that terminal's)
        let setting = |store: &cardcat_store::Store, k: &str| match store.setting(k) {
            Ok(v) => Ok(v),
            Err(e) if damaged => {
                tracing::warn!(error = %e, key = k, "reading a damaged store's setting");
                Ok(None)
            }
            Err(e) => Err(CounterError::from(e)),
        };
        let this = setting(&store, cardcat_engine::K_STORE_ID)?;
        if let Some(this) = this
            && info.store_id.as_deref() != Some(this.as_str())
        {
            return Err(CounterError::BackupOtherStore {
                backup: info.store_id.clone().unwrap_or_else(|| "-".into()),
                this,
            });
        }
        // another terminal's books (its PINs are sealed with that terminal's key, its open
        // orders are its own) are not this terminal's; this machine's backup from an earlier
        // pairing is, when its PINs are sealed with the key this terminal uses now
        let mut this_tid = setting(&store, cardcat_engine::K_TERMINAL_ID)?;
        if this_tid.is_none() && damaged {
            this_tid = self
                .inner
                .secrets
                .get(&crate::terminal::activation_marker(self.db_path()))
                .ok()
                .flatten();
        }
        if let (Some(this), Some(theirs)) = (&this_tid, &info.terminal_id)
            && this != theirs
        {
            let key = |t: &str| {
                self.inner
                    .secrets
                    .get(&cardcat_engine::PinVault::account(t))
            };
            let theirs_key = key(theirs)?;
            if theirs_key.is_none() || theirs_key != key(this)? {
                return Err(CounterError::BackupOtherTerminal {
                    backup: theirs.clone(),
                    this: this.clone(),
                });
            }
        }
        // no sale, redemption or shift close starts until the restore is over, and none is
        // under way or unfinished now (it would be lost with the newer data)
        let _hold = self.hold_for_restore()?;
        let unfinished = cardcat_engine::open_and_owed(store.conn()).and_then(|(open, owed)| {
            Ok((open + cardcat_engine::open_redemptions(store.conn())?, owed))
        });
        match unfinished {
            // a damaged store cannot finish them (it takes no writes): they stay in the copy
            // taken before the restore, named in the audit
            Ok((open, owed)) if open + owed > 0 && !damaged => {
                return Err(CounterError::RestoreBlocked { open, owed });
            }
            Err(e) if !damaged => return Err(e.into()),
            _ => {}
        }
        let prepared = cardcat_store::backup::prepare_restore(&work.path).map_err(not_a_backup)?;
        // this terminal's pairing as it is now outlives the restore
        if this_tid.is_some() {
            for k in [
                cardcat_engine::K_PLATFORM_URL,
                cardcat_engine::K_TERMINAL_ID,
                cardcat_engine::K_STORE_ID,
                cardcat_engine::K_STORE_NAME,
            ] {
                if let Some(v) = setting(&store, k)? {
                    prepared.set_setting(k, &v)?;
                }
            }
        }
        let before = match self.write_backup(0, "-before-restore") {
            Ok(f) => f,
            // a damaged store may not read back whole: its files are copied as they are
            Err(e) if damaged => {
                tracing::warn!(error = %e, "backing up a damaged store; copying its files");
                self.copy_damaged_files()?
            }
            Err(e) => return Err(e),
        };
        store.replace_with(&prepared)?;
        drop(prepared);
        if damaged {
            match store.integrity_check() {
                Ok(()) => self.clear_damaged(),
                Err(e) => tracing::error!(error = %e, "the store is still damaged after a restore"),
            }
        }
        // everything read from the old content is forgotten
        if let Ok(mut g) = self.inner.base.lock() {
            *g = None;
        }
        self.forget_report_days();
        let name = |f: &Path| {
            f.file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default()
        };
        let mut detail = name(file);
        if damaged {
            detail.push_str(&format!(" (damaged store kept as {})", name(&before)));
        }
        if let Err(e) =
            cardcat_engine::configure_audit(&store, who.user_id(), "store.restore", &detail)
        {
            tracing::warn!(error = %e.code(), "auditing a restore");
        }
        Ok(info)
    }
}

impl Counter {
    /// Whether `cfg`'s database is lost: this terminal was activated (remembered in the
    /// keyring) but its database is missing or empty, so the counter will not open.
    pub fn store_lost(cfg: &crate::TerminalConfig, secrets: &dyn SecretStore) -> bool {
        let empty = std::fs::metadata(&cfg.db).map_or(true, |m| m.len() == 0);
        empty
            && matches!(
                secrets.get(&crate::terminal::activation_marker(&cfg.db)),
                Ok(Some(_))
            )
    }

    /// This terminal's own backups, newest first, for bringing back its lost database (none
    /// when the database is not lost): each inspected, and only those of this terminal kept.
    pub fn lost_store_backups(
        cfg: &crate::TerminalConfig,
        secrets: &dyn SecretStore,
    ) -> Vec<BackupFile> {
        let marker = crate::terminal::activation_marker(&cfg.db);
        let Ok(Some(this)) = secrets.get(&marker) else {
            return Vec::new();
        };
        if !Self::store_lost(cfg, secrets) {
            return Vec::new();
        }
        let mut all = list_backups(&backup_dir_of(&cfg.db));
        all.reverse();
        all.into_iter()
            .filter_map(|mut b| {
                let info = inspect(&b.path).ok()?;
                (info.terminal_id.as_deref() == Some(this.as_str())).then(|| {
                    b.info = Some(info);
                    b
                })
            })
            .take(100)
            .collect()
    }

    /// [`Counter::restore_lost_store`] for one of the backup folder's files, by its name.
    pub fn restore_lost_named(
        cfg: &crate::TerminalConfig,
        secrets: &dyn SecretStore,
        name: &str,
    ) -> Result<BackupInfo> {
        plain_backup_name(name)?;
        Self::restore_lost_store(cfg, secrets, &backup_dir_of(&cfg.db).join(name))
    }

    /// Puts this terminal's own backup in place of its lost database (see
    /// [`Counter::store_lost`]): nobody can log in to a store that is gone, so what decides is
    /// the keyring, which remembers this terminal. Only a backup of this very terminal is
    /// taken, checked as for any restore; nothing is created when it is refused.
    pub fn restore_lost_store(
        cfg: &crate::TerminalConfig,
        secrets: &dyn SecretStore,
        file: &Path,
    ) -> Result<BackupInfo> {
        let marker = crate::terminal::activation_marker(&cfg.db);
        let this = match secrets.get(&marker)? {
            Some(t) if Self::store_lost(cfg, secrets) => t,
            _ => return Err(CounterError::StoreNotLost),
        };
        check_readable(file)?;
        let dir = backup_dir_of(&cfg.db);
        std::fs::create_dir_all(&dir).map_err(|e| CounterError::file(&dir, &e))?;
        let work = Work::new(&dir);
        cardcat_store::backup::copy_for_restore(file, &work.path).map_err(not_a_backup)?;
        let info = inspect(&work.path).map_err(not_a_backup)?;
        if info.terminal_id.as_deref() != Some(this.as_str()) {
            return Err(CounterError::BackupOtherTerminal {
                backup: info.terminal_id.clone().unwrap_or_else(|| "-".into()),
                this,
            });
        }
        // the work copy, migrated and closed, is renamed into place: the database is either
        // still lost or whole, never a new empty store (which would start over by itself)
        drop(cardcat_store::backup::prepare_restore(&work.path).map_err(not_a_backup)?);
        // still lost (another front end may have brought it back meanwhile)?
        if !Self::store_lost(cfg, secrets) {
            return Err(CounterError::StoreNotLost);
        }
        let now = cardcat_store::now_ms();
        for suffix in ["-wal", "-journal", "-shm"] {
            // a lost database's side files would be replayed into the restored one: they
            // are moved beside the backups (its log may hold its last transactions)
            let p = suffixed(&cfg.db, suffix);
            if p.exists() {
                let aside = dir.join(format!("cardcat-lost-{now:013}.sqlite{suffix}"));
                std::fs::rename(&p, &aside).map_err(|e| CounterError::file(&p, &e))?;
            }
        }
        std::fs::rename(&work.path, &cfg.db).map_err(|e| CounterError::file(&cfg.db, &e))?;
        let store = cardcat_store::Store::open_existing(&cfg.db)?;
        let detail = format!(
            "{} (lost store)",
            file.file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default()
        );
        if let Err(e) = cardcat_engine::configure_audit(&store, "setup", "store.restore", &detail) {
            tracing::warn!(error = %e.code(), "auditing a restore");
        }
        Ok(info)
    }
}

/// The backup files in `dir`, oldest first (a bounded listing).
fn list_backups(dir: &Path) -> Vec<BackupFile> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten().take(10_000) {
        let name = e.file_name().to_string_lossy().to_string();
        if let Some(rest) = name.strip_prefix(PREFIX)
            && name.ends_with(".sqlite")
        {
            out.push(BackupFile {
                path: e.path(),
                bytes: e.metadata().map(|m| m.len()).unwrap_or(0),
                day: rest.chars().take(10).collect(),
                info: None,
            });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Whether the data folder of `db` was used before: its database file is there (empty), or
/// backups are beside it.
pub(crate) fn used_before(db: &Path) -> bool {
    db.exists() || !list_backups(&backup_dir_of(db)).is_empty()
}

/// `path` with `suffix` appended to its file name (SQLite's side files, a temporary name).
fn suffixed(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Where a terminal's backups are: `backups/` beside its database.
fn backup_dir_of(db: &Path) -> PathBuf {
    db.parent()
        .map_or_else(|| PathBuf::from("backups"), |d| d.join("backups"))
}

/// A backup's plain file name (the screens restore by name, never by path).
fn plain_backup_name(name: &str) -> Result<()> {
    let plain = !name.is_empty()
        && name.starts_with(PREFIX)
        && name.ends_with(".sqlite")
        && !name.contains(['/', '\\'])
        && !name.contains("..");
    if plain {
        Ok(())
    } else {
        Err(crate::InputError::BackupName(crate::error::short(name)).into())
    }
}

/// A missing file, a folder or one that may not be read, said as such.
fn check_readable(file: &Path) -> Result<()> {
    std::fs::File::open(file)
        .and_then(|f| {
            if f.metadata()?.is_dir() {
                Err(std::io::Error::from(std::io::ErrorKind::IsADirectory))
            } else {
                Ok(())
            }
        })
        .map_err(|e| CounterError::file(file, &e))
}

fn not_a_backup(e: StoreError) -> CounterError {
    match e {
        StoreError::SchemaTooNew { found, known } => CounterError::BackupTooNew { found, known },
        other => CounterError::NotABackup {
            detail: other.to_string(),
        },
    }
}

/// The work copy of a backup being restored; removed (with SQLite's side files) when dropped.
struct Work {
    path: PathBuf,
}

impl Work {
    fn new(dir: &Path) -> Work {
        let n = WORK_SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Work {
            path: dir.join(format!(
                "{PREFIX}restore-{}-{n}.sqlite.tmp",
                cardcat_store::now_ms()
            )),
        }
    }
}

static WORK_SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl Drop for Work {
    fn drop(&mut self) {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            let _ = std::fs::remove_file(suffixed(&self.path, suffix));
        }
    }
}
