//! The terminal's local store: one SQLite file (WAL).
//!
//! Invariant: the connection that writes orders and catalog pages runs with
//! `synchronous=FULL`, so a committed money write survives power loss.
//! Invariant: the active catalog changes only inside one transaction: a full sync
//! writes a new generation and flips `active_gen` at the end, so a failed or
//! interrupted sync leaves the previous catalog intact and searchable.

pub mod backup;
pub mod migrations;

/// The SQLite binding the store uses, for crates that run queries on its tables.
pub use rusqlite as rusqlite_reexport;

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use cardcat_core::i18n::{Arg, Args};
use cardcat_core::{AccountTemplate, Category, Lang, Localized, Money, Product, ProductKind};
use cardcat_wire::{CatalogDelta, CatalogPage, DeltaCursor};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(
        "database schema version {found} is newer than this program knows ({known}); upgrade CardCat"
    )]
    SchemaTooNew { found: u32, known: u32 },
    #[error("migration {version} failed: {source}")]
    Migration {
        version: u32,
        source: rusqlite::Error,
    },
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error("integrity check failed: {0}")]
    Integrity(String),
    /// A database file that is not a CardCat store (another program's, or its tables were
    /// changed by hand).
    #[error("not a CardCat store: {0}")]
    NotAStore(String),
}

impl StoreError {
    /// The disk (or the user's quota) is full.
    pub fn disk_full(&self) -> bool {
        matches!(
            self,
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DiskFull
        )
    }
}

impl Localized for StoreError {
    fn code(&self) -> &'static str {
        match self {
            StoreError::Sqlite(_) => "store.sqlite",
            StoreError::SchemaTooNew { .. } => "store.schema_too_new",
            StoreError::Migration { .. } => "store.migration",
            StoreError::Corrupt(_) => "store.corrupt",
            StoreError::Integrity(_) => "store.integrity",
            StoreError::NotAStore(_) => "store.not_a_store",
        }
    }
    fn args(&self, _lang: Lang) -> Args {
        match self {
            StoreError::Sqlite(e) => vec![("detail", Arg::from(e.to_string()))],
            StoreError::SchemaTooNew { found, known } => {
                vec![("found", Arg::from(*found)), ("known", Arg::from(*known))]
            }
            StoreError::Migration { version, source } => vec![
                ("version", Arg::from(*version)),
                ("detail", Arg::from(source.to_string())),
            ],
            StoreError::Corrupt(d) | StoreError::Integrity(d) | StoreError::NotAStore(d) => {
                vec![("detail", Arg::from(d))]
            }
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Catalog sync bookkeeping, for the UI, `doctor` and the sync client.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncState {
    pub active_gen: i64,
    pub catalog_version: Option<i64>,
    pub delta_cursor: Option<DeltaCursor>,
    pub staging: Option<Staging>,
    pub last_full_sync_ms: Option<i64>,
    pub last_sync_ms: Option<i64>,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staging {
    pub generation: i64,
    pub after: Option<String>,
    pub version: Option<i64>,
    pub done: u64,
    pub total: u64,
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

const INSERT_PRODUCT: &str = "INSERT OR REPLACE INTO products
    (generation, sku, name, brand, category, kind, face_value, retail_price, cost, barcode, template, available, version, aliases)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";

fn insert_products(tx: &Transaction<'_>, generation: i64, products: &[Product]) -> Result<()> {
    let mut st = tx.prepare_cached(INSERT_PRODUCT)?;
    for p in products {
        let template =
            serde_json::to_string(&p.template).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let aliases =
            serde_json::to_string(&p.aliases).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        st.execute(params![
            generation,
            p.sku,
            p.name,
            p.brand,
            p.category,
            p.kind.as_str(),
            p.face_value.to_string(),
            p.retail_price.to_string(),
            p.cost.to_string(),
            p.barcode,
            template,
            p.available,
            p.version,
            aliases
        ])?;
    }
    Ok(())
}

fn insert_categories(tx: &Transaction<'_>, generation: i64, cats: &[Category]) -> Result<()> {
    let mut st = tx.prepare_cached("INSERT OR REPLACE INTO categories (generation, id, name, parent, sort) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    for c in cats {
        st.execute(params![generation, c.id, c.name, c.parent, c.sort])?;
    }
    Ok(())
}

fn row_to_product(r: &rusqlite::Row<'_>) -> rusqlite::Result<std::result::Result<Product, String>> {
    let sku: String = r.get(0)?;
    let kind: String = r.get(4)?;
    let face: String = r.get(5)?;
    let retail: String = r.get(6)?;
    let cost: String = r.get(7)?;
    let template: String = r.get(9)?;
    let aliases: String = r.get(12)?;
    let build = || -> std::result::Result<Product, String> {
        Ok(Product {
            name: r.get(1).map_err(|e| e.to_string())?,
            brand: r.get(2).map_err(|e| e.to_string())?,
            category: r.get(3).map_err(|e| e.to_string())?,
            kind: ProductKind::parse(&kind).ok_or_else(|| format!("{sku}: kind {kind}"))?,
            face_value: face.parse::<Money>().map_err(|e| format!("{sku}: {e}"))?,
            retail_price: retail.parse::<Money>().map_err(|e| format!("{sku}: {e}"))?,
            cost: cost.parse::<Money>().map_err(|e| format!("{sku}: {e}"))?,
            barcode: r.get(8).map_err(|e| e.to_string())?,
            template: serde_json::from_str::<AccountTemplate>(&template)
                .map_err(|e| format!("{sku}: {e}"))?,
            available: r.get(10).map_err(|e| e.to_string())?,
            version: r.get(11).map_err(|e| e.to_string())?,
            aliases: serde_json::from_str::<Vec<String>>(&aliases)
                .map_err(|e| format!("{sku}: aliases {e}"))?,
            sku: sku.clone(),
        })
    };
    Ok(build())
}

const SELECT_PRODUCT: &str = "SELECT sku, name, brand, category, kind, face_value, retail_price, cost, barcode, template, available, version, aliases FROM products";

impl Store {
    /// Opens (creating if needed) and migrates the store. Refuses a newer schema.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        Self::open_at_version(path, migrations::MIGRATIONS.len())
    }

    /// Opens a store that must already exist: never creates a file (a database that vanished
    /// while the counter runs is an error, not a new empty store).
    pub fn open_existing(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE
            | rusqlite::OpenFlags::SQLITE_OPEN_URI
            | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&path, flags)?;
        Self::setup(conn, path, migrations::MIGRATIONS.len())
    }

    /// Opens and migrates only up to `version`: for migration tests and fixtures.
    pub fn open_at_version(path: impl AsRef<Path>, version: usize) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        let conn = Connection::open(&path)?;
        Self::setup(conn, path, version)
    }

    fn setup(mut conn: Connection, path: PathBuf, version: usize) -> Result<Store> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrations::migrate_to(&mut conn, version)?;
        Ok(Store { conn, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn schema_version(&self) -> Result<u32> {
        migrations::current_version(&self.conn)
    }

    /// Raw access for the order engine and tests in this workspace.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub fn integrity_check(&self) -> Result<()> {
        let r: String = self
            .conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if r == "ok" {
            Ok(())
        } else {
            Err(StoreError::Integrity(r))
        }
    }

    // ---------- settings ----------

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    // ---------- sync state ----------

    pub fn sync_state(&self) -> Result<SyncState> {
        Ok(self.conn.query_row(
            "SELECT active_gen, catalog_version, delta_after_version, delta_after_sku, staging_gen, staging_after,
                    staging_version, staging_done, staging_total, last_full_sync_ms, last_sync_ms, last_error
             FROM sync_state WHERE id = 1",
            [],
            |r| {
                let dv: Option<i64> = r.get(2)?;
                let ds: Option<String> = r.get(3)?;
                let sg: Option<i64> = r.get(4)?;
                Ok(SyncState {
                    active_gen: r.get(0)?,
                    catalog_version: r.get(1)?,
                    delta_cursor: dv.zip(ds).map(|(after_version, after_sku)| DeltaCursor { after_version, after_sku }),
                    staging: match sg {
                        Some(generation) => Some(Staging {
                            generation,
                            after: r.get(5)?,
                            version: r.get(6)?,
                            done: r.get::<_, i64>(7)?.max(0) as u64,
                            total: r.get::<_, i64>(8)?.max(0) as u64,
                        }),
                        None => None,
                    },
                    last_full_sync_ms: r.get(9)?,
                    last_sync_ms: r.get(10)?,
                    last_error: r.get(11)?,
                })
            },
        )?)
    }

    pub fn record_sync_error(&self, msg: &str) -> Result<()> {
        self.conn
            .execute("UPDATE sync_state SET last_error = ?1 WHERE id = 1", [msg])?;
        Ok(())
    }

    /// Starts (or resumes) a full sync into a fresh generation. Returns the staging state.
    pub fn begin_full_sync(&mut self) -> Result<Staging> {
        let st = self.sync_state()?;
        if let Some(s) = st.staging {
            return Ok(s);
        }
        let generation = st.active_gen + 1;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM products WHERE generation = ?1", [generation])?;
        tx.execute("DELETE FROM categories WHERE generation = ?1", [generation])?;
        tx.execute(
            "UPDATE sync_state SET staging_gen = ?1, staging_after = NULL, staging_version = NULL, staging_done = 0, staging_total = 0 WHERE id = 1",
            [generation],
        )?;
        tx.commit()?;
        Ok(Staging {
            generation,
            after: None,
            version: None,
            done: 0,
            total: 0,
        })
    }

    /// Applies one full-sync page atomically into the staging generation.
    pub fn apply_full_page(&mut self, staging: &mut Staging, page: &CatalogPage) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        insert_products(&tx, staging.generation, &page.products)?;
        insert_categories(&tx, staging.generation, &page.categories)?;
        let version = staging.version.unwrap_or(page.version);
        let done = staging.done + page.products.len() as u64;
        tx.execute(
            "UPDATE sync_state SET staging_after = ?1, staging_version = ?2, staging_done = ?3, staging_total = ?4 WHERE id = 1",
            params![page.next_after, version, done as i64, page.total as i64],
        )?;
        tx.commit()?;
        staging.after = page.next_after.clone();
        staging.version = Some(version);
        staging.done = done;
        staging.total = page.total;
        Ok(())
    }

    /// Makes the staging generation the active catalog in one transaction and drops the old one.
    pub fn finish_full_sync(&mut self, staging: &Staging) -> Result<()> {
        let now = now_ms();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let old: i64 = tx.query_row("SELECT active_gen FROM sync_state WHERE id = 1", [], |r| {
            r.get(0)
        })?;
        tx.execute(
            "UPDATE sync_state SET active_gen = ?1, catalog_version = ?2, delta_after_version = NULL, delta_after_sku = NULL,
                 staging_gen = NULL, staging_after = NULL, staging_version = NULL, staging_done = 0, staging_total = 0,
                 last_full_sync_ms = ?3, last_sync_ms = ?3, last_error = NULL WHERE id = 1",
            params![staging.generation, staging.version, now],
        )?;
        tx.execute("DELETE FROM products WHERE generation = ?1", [old])?;
        tx.execute("DELETE FROM categories WHERE generation = ?1", [old])?;
        tx.commit()?;
        Ok(())
    }

    /// Throws away an unfinished full sync (the active catalog is untouched).
    pub fn abandon_full_sync(&mut self) -> Result<()> {
        let st = self.sync_state()?;
        if let Some(s) = st.staging {
            let tx = self.conn.transaction()?;
            tx.execute("DELETE FROM products WHERE generation = ?1", [s.generation])?;
            tx.execute(
                "DELETE FROM categories WHERE generation = ?1",
                [s.generation],
            )?;
            tx.execute("UPDATE sync_state SET staging_gen = NULL, staging_after = NULL, staging_version = NULL WHERE id = 1", [])?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Applies one delta page atomically to the active catalog and advances the cursor.
    pub fn apply_delta_page(&mut self, delta: &CatalogDelta) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let generation: i64 =
            tx.query_row("SELECT active_gen FROM sync_state WHERE id = 1", [], |r| {
                r.get(0)
            })?;
        insert_products(&tx, generation, &delta.changes)?;
        insert_categories(&tx, generation, &delta.categories)?;
        match &delta.next {
            Some(c) => tx.execute(
                "UPDATE sync_state SET delta_after_version = ?1, delta_after_sku = ?2 WHERE id = 1",
                params![c.after_version, c.after_sku],
            )?,
            None => tx.execute(
                "UPDATE sync_state SET catalog_version = ?1, delta_after_version = NULL, delta_after_sku = NULL,
                     last_sync_ms = ?2, last_error = NULL WHERE id = 1",
                params![delta.version, now_ms()],
            )?,
        };
        tx.commit()?;
        Ok(())
    }

    /// Inserts rows into a generation in one transaction with the same statement the
    /// sync uses. The benchmark's baseline ("raw rusqlite insert rate").
    pub fn insert_products_raw(&mut self, generation: i64, products: &[Product]) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        insert_products(&tx, generation, products)?;
        tx.commit()?;
        Ok(())
    }

    pub fn delete_generation(&mut self, generation: i64) -> Result<()> {
        self.conn
            .execute("DELETE FROM products WHERE generation = ?1", [generation])?;
        Ok(())
    }

    // ---------- catalog reads ----------

    pub fn product_count(&self) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM products WHERE generation = (SELECT active_gen FROM sync_state WHERE id = 1)",
            [],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    pub fn product(&self, sku: &str) -> Result<Option<Product>> {
        let sql = format!(
            "{SELECT_PRODUCT} WHERE generation = (SELECT active_gen FROM sync_state WHERE id = 1) AND sku = ?1"
        );
        let r = self
            .conn
            .query_row(&sql, [sku], row_to_product)
            .optional()?;
        r.map(|x| x.map_err(StoreError::Corrupt)).transpose()
    }

    /// The whole active catalog, for building the search index.
    pub fn products(&self) -> Result<Vec<Product>> {
        let sql = format!(
            "{SELECT_PRODUCT} WHERE generation = (SELECT active_gen FROM sync_state WHERE id = 1) ORDER BY sku"
        );
        let mut st = self.conn.prepare(&sql)?;
        let rows = st.query_map([], row_to_product)?;
        let mut out = Vec::new();
        for r in rows {
            out.push(r?.map_err(StoreError::Corrupt)?);
        }
        Ok(out)
    }

    /// Products of the active catalog that changed after catalog version `version` (to bring
    /// an index snapshot taken at `version` up to date).
    /// How many times this store sold each SKU since `since_ms` (successful orders): the
    /// search ranks what the counter sells often first.
    pub fn sales_by_sku(&self, since_ms: i64) -> Result<Vec<(String, u32)>> {
        let mut st = self.conn.prepare_cached(
            "SELECT sku, COUNT(*) FROM orders WHERE state = 'SUCCEEDED' AND created_at_ms >= ?1 GROUP BY sku",
        )?;
        let rows = st.query_map([since_ms], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn products_since(&self, version: i64) -> Result<Vec<Product>> {
        let sql = format!(
            "{SELECT_PRODUCT} WHERE generation = (SELECT active_gen FROM sync_state WHERE id = 1) AND version > ?1 ORDER BY version, sku"
        );
        let mut st = self.conn.prepare(&sql)?;
        let rows = st.query_map([version], row_to_product)?;
        let mut out = Vec::new();
        for r in rows {
            out.push(r?.map_err(StoreError::Corrupt)?);
        }
        Ok(out)
    }

    pub fn categories(&self) -> Result<Vec<Category>> {
        let mut st = self.conn.prepare(
            "SELECT id, name, parent, sort FROM categories WHERE generation = (SELECT active_gen FROM sync_state WHERE id = 1) ORDER BY sort, id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(Category {
                id: r.get(0)?,
                name: r.get(1)?,
                parent: r.get(2)?,
                sort: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(sku: &str, version: i64) -> Product {
        Product {
            sku: sku.into(),
            name: format!("中国移动话费{sku}"),
            brand: "中国移动".into(),
            category: "mobile".into(),
            kind: ProductKind::MobileTopup,
            face_value: Money::from_yuan(50),
            retail_price: Money::from_yuan(50),
            cost: Money::from_fen(4925),
            barcode: None,
            template: AccountTemplate::Mobile,
            available: true,
            version,
            aliases: vec!["移动".into()],
        }
    }

    fn page(skus: &[&str], next: Option<&str>, version: i64) -> CatalogPage {
        CatalogPage {
            version,
            total: 3,
            categories: vec![Category {
                id: "mobile".into(),
                name: "话费充值".into(),
                parent: None,
                sort: 1,
            }],
            products: skus.iter().map(|s| product(s, version)).collect(),
            next_after: next.map(Into::into),
        }
    }

    #[test]
    fn fresh_store_is_latest_and_wal_full() {
        let d = tempfile::tempdir().unwrap();
        let s = Store::open(d.path().join("c.sqlite")).unwrap();
        assert_eq!(
            s.schema_version().unwrap() as usize,
            migrations::MIGRATIONS.len()
        );
        let jm: String = s
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(jm, "wal");
        let sync: i64 = s
            .conn()
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 2, "synchronous=FULL");
        s.integrity_check().unwrap();
    }

    #[test]
    fn newer_schema_is_refused_untouched() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("c.sqlite");
        {
            let s = Store::open(&p).unwrap();
            s.set_setting("k", "v").unwrap();
            s.conn().pragma_update(None, "user_version", 99).unwrap();
        }
        let e = Store::open(&p).err().unwrap();
        assert!(
            matches!(e, StoreError::SchemaTooNew { found: 99, .. }),
            "{e}"
        );
        assert!(e.message(Lang::ZhCn).contains("升级"));
        let c = Connection::open(&p).unwrap();
        let v: String = c
            .query_row("SELECT value FROM settings WHERE key='k'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, "v");
    }

    #[test]
    fn full_sync_swaps_atomically_and_interrupted_sync_keeps_old_catalog() {
        let d = tempfile::tempdir().unwrap();
        let mut s = Store::open(d.path().join("c.sqlite")).unwrap();
        let mut st = s.begin_full_sync().unwrap();
        s.apply_full_page(&mut st, &page(&["A", "B"], Some("B"), 5))
            .unwrap();
        assert_eq!(
            s.product_count().unwrap(),
            0,
            "nothing visible before finish"
        );
        s.apply_full_page(&mut st, &page(&["C"], None, 6)).unwrap();
        s.finish_full_sync(&st).unwrap();
        assert_eq!(s.product_count().unwrap(), 3);
        assert_eq!(
            s.sync_state().unwrap().catalog_version,
            Some(5),
            "version of the first page"
        );
        assert_eq!(s.categories().unwrap().len(), 1);

        // a second full sync dies half-way: the old catalog stays
        let mut st = s.begin_full_sync().unwrap();
        s.apply_full_page(&mut st, &page(&["X"], Some("X"), 7))
            .unwrap();
        assert_eq!(
            s.products()
                .unwrap()
                .iter()
                .map(|p| p.sku.as_str())
                .collect::<Vec<_>>(),
            vec!["A", "B", "C"]
        );
        // resuming returns the same staging
        let again = s.begin_full_sync().unwrap();
        assert_eq!(again.after.as_deref(), Some("X"));
        s.abandon_full_sync().unwrap();
        assert_eq!(s.product_count().unwrap(), 3);
    }

    #[test]
    fn delta_updates_in_place() {
        let d = tempfile::tempdir().unwrap();
        let mut s = Store::open(d.path().join("c.sqlite")).unwrap();
        let mut st = s.begin_full_sync().unwrap();
        s.apply_full_page(&mut st, &page(&["A", "B"], None, 1))
            .unwrap();
        s.finish_full_sync(&st).unwrap();
        let mut changed = product("A", 2);
        changed.cost = Money::from_fen(4900);
        changed.available = false;
        changed.aliases = vec!["移动".into(), "China Mobile".into()];
        s.apply_delta_page(&CatalogDelta {
            version: 2,
            changes: vec![changed.clone()],
            categories: vec![],
            remaining: 1,
            next: None,
        })
        .unwrap();
        assert_eq!(s.product("A").unwrap(), Some(changed));
        assert_eq!(s.sync_state().unwrap().catalog_version, Some(2));
        assert!(s.sync_state().unwrap().last_sync_ms.is_some());
    }
}
