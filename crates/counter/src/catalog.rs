//! The catalog as the counter searches it: an in-memory index built once, patched in
//! place from every delta sync, and rebuilt only when it has grown stale (a full sync,
//! another process changed the catalog, or too many replaced entries).
//!
//! Invariant: searches never wait for SQLite or for a sale; they take a read lock on the
//! index, and a patch holds the write lock only while applying the rows it already has.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use cardcat_core::search::{SearchHit, SearchIndex};
use cardcat_core::{Category, Product};
use cardcat_store::Store;

use crate::error::{CounterError, InputError, Result};

/// Rebuild when more than this share of index entries are dead (replaced rows).
const MAX_GARBAGE: f32 = 0.25;
/// How often a search checks whether another process changed the catalog.
const VERSION_CHECK_EVERY: Duration = Duration::from_secs(2);
/// Most hits a search returns.
pub const MAX_LIMIT: usize = 200;

struct Loaded {
    index: SearchIndex,
    /// The catalog version the index reflects.
    version: i64,
    /// What exactly it was built from (see [`stamp`]).
    stamp: u64,
    /// Which snapshots fit it (see [`snapshot_key`]).
    snapshot_key: u64,
    checked: Instant,
}

/// The search index, shared by every front end of one terminal.
#[derive(Clone, Default)]
pub struct Catalog {
    inner: Arc<RwLock<Option<Loaded>>>,
    /// Held while an index is loaded or built: callers that find it stale at the same
    /// moment (start-up, the first search, a tile) wait for one build instead of each
    /// building their own.
    loading: Arc<std::sync::Mutex<()>>,
    /// Where the index snapshot lives (next to the store), when snapshots are kept.
    snapshot: Option<Arc<PathBuf>>,
}

/// How the index became ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readiness {
    /// Already in memory and current.
    Current,
    /// Loaded from the snapshot file.
    Loaded,
    /// Built from the store's rows.
    Built,
}

/// What the active catalog is, exactly: generation, version and any half-applied delta.
/// Same stamp, same rows, same index (for this build of the program).
pub fn stamp(st: &cardcat_store::SyncState) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (
        env!("CARGO_PKG_VERSION"),
        cardcat_core::search_snapshot::FORMAT,
        st.active_gen,
        st.catalog_version,
        st.delta_cursor
            .as_ref()
            .map(|c| (c.after_version, c.after_sku.clone())),
    )
        .hash(&mut h);
    h.finish()
}

/// What a snapshot must match: program, format and catalog generation. Its catalog version
/// may be older; the rows changed since are applied when it is loaded.
pub fn snapshot_key(st: &cardcat_store::SyncState, terminal: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (
        env!("CARGO_PKG_VERSION"),
        cardcat_core::search_snapshot::FORMAT,
        st.active_gen,
        terminal,
    )
        .hash(&mut h);
    h.finish()
}

/// After loading a snapshot this many rows behind, a fresh one is written.
const RESAVE_AFTER_ROWS: usize = 2000;

/// The snapshot file of a store: `<db>.index`.
pub fn snapshot_path(db: &Path) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(".index");
    PathBuf::from(s)
}

/// Builds an index from the store's active catalog.
pub fn build_index(store: &Store) -> Result<SearchIndex> {
    let products = store.products()?;
    let cats = store.categories()?;
    Ok(SearchIndex::build(products, cats))
}

/// How far back this store's sales count for ranking search results.
pub const SALES_WINDOW_MS: i64 = 90 * 86_400_000;

/// This store's recent sales by SKU, for ranking.
fn recent_sales(store: &Store) -> Result<Vec<(String, u32)>> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    Ok(store.sales_by_sku(now.saturating_sub(SALES_WINDOW_MS))?)
}

impl Catalog {
    /// True once an index is in memory.
    pub fn is_loaded(&self) -> bool {
        self.inner.read().map(|g| g.is_some()).unwrap_or(false)
    }

    /// Drops the index; the next search rebuilds it.
    pub fn invalidate(&self) {
        let mut g = self.inner.write().unwrap_or_else(|p| p.into_inner());
        *g = None;
        self.inner.clear_poison();
    }

    /// A catalog that keeps its index snapshot at `path` (read at start, rewritten in the
    /// background after each build or patch).
    pub fn with_snapshot(path: PathBuf) -> Catalog {
        Catalog {
            inner: Arc::default(),
            loading: Arc::default(),
            snapshot: Some(Arc::new(path)),
        }
    }

    /// Loads the index if it is missing or stale: from the snapshot when it matches the
    /// store exactly, else built from the rows. Blocking (file or SQLite + build): call it
    /// on a blocking thread. `store` is only read.
    pub fn ensure_fresh(&self, store: &Store) -> Result<Readiness> {
        let st = store.sync_state()?;
        let version = st.catalog_version.ok_or(CounterError::NoCatalog)?;
        let stamp = stamp(&st);
        // which database this is: a snapshot of another one (a new or restored store) never fits
        let terminal = store
            .setting(cardcat_engine::K_TERMINAL_ID)?
            .unwrap_or_default();
        let snap_key = snapshot_key(&st, &terminal);
        // Some(worn out) when an index of this exact catalog is in memory
        let current = || -> Result<Option<bool>> {
            let g = self.inner.read().map_err(|_| poisoned())?;
            Ok(g.as_ref()
                .filter(|l| l.stamp == stamp)
                .map(|l| l.index.garbage_ratio() > MAX_GARBAGE))
        };
        if current()? == Some(false) {
            return Ok(Readiness::Current);
        }
        // one load at a time; whoever waited finds the index another caller just loaded
        let _one = self.loading.lock().unwrap_or_else(|p| p.into_inner());
        let worn_out = match current()? {
            Some(false) => return Ok(Readiness::Current),
            // too many replaced rows: compact by building (a snapshot would hold them too)
            Some(true) => true,
            None => false,
        };
        if let Some(path) = self.snapshot.as_ref().filter(|_| !worn_out)
            && let Ok(bytes) = std::fs::read(path.as_path())
            && let Some((mut index, snap_version)) = SearchIndex::from_snapshot(&bytes, snap_key)
            && snap_version <= version
        {
            drop(bytes);
            // rows that changed after the snapshot was taken (delta syncs since)
            let changed = store.products_since(snap_version)?;
            for p in &changed {
                index.upsert(p.clone());
            }
            index.refresh();
            index.set_sales(recent_sales(store)?);
            let behind = changed.len();
            self.put(index, version, stamp, snap_key)?;
            if behind > RESAVE_AFTER_ROWS {
                self.save_in_background();
            }
            return Ok(Readiness::Loaded);
        }
        let mut index = build_index(store)?;
        index.set_sales(recent_sales(store)?);
        self.put(index, version, stamp, snap_key)?;
        self.save_in_background();
        Ok(Readiness::Built)
    }

    fn put(&self, index: SearchIndex, version: i64, stamp: u64, snapshot_key: u64) -> Result<()> {
        let mut g = self.inner.write().map_err(|_| poisoned())?;
        *g = Some(Loaded {
            index,
            version,
            stamp,
            snapshot_key,
            checked: Instant::now(),
        });
        Ok(())
    }

    /// Writes the snapshot (temp file, then rename) on a background thread; a failure only
    /// means the next start builds instead of loading. Not after every delta: a snapshot a
    /// few versions old is brought up to date from the store's changed rows when loaded.
    pub fn save_in_background(&self) -> Option<std::thread::JoinHandle<()>> {
        let path = self.snapshot.clone()?;
        let inner = self.inner.clone();
        Some(std::thread::spawn(move || {
            let bytes = match inner.read() {
                Ok(g) => match g.as_ref() {
                    Some(l) => l.index.to_snapshot(l.snapshot_key, l.version),
                    None => return,
                },
                Err(_) => return,
            };
            // a temp name no other writer (thread or process) uses
            static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
            let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let tmp = path.with_extension(format!("index.{}.{n}.tmp", std::process::id()));
            let r =
                std::fs::write(&tmp, &bytes).and_then(|()| std::fs::rename(&tmp, path.as_path()));
            if let Err(e) = r {
                tracing::warn!(error = %e, "search index snapshot not saved");
                let _ = std::fs::remove_file(&tmp);
            }
        }))
    }

    /// True when the in-memory index may be behind the store (checked at most every 2 s).
    pub fn needs_check(&self) -> bool {
        match self.inner.read() {
            Ok(g) => match g.as_ref() {
                None => true,
                Some(l) => l.checked.elapsed() >= VERSION_CHECK_EVERY,
            },
            Err(_) => true,
        }
    }

    /// Marks the index as checked against the store just now.
    pub fn mark_checked(&self) {
        if let Ok(mut g) = self.inner.write()
            && let Some(l) = g.as_mut()
        {
            l.checked = Instant::now();
        }
    }

    /// Applies the rows a delta sync changed, in place. Returns false when there was no
    /// index to patch or it was not at `from_stamp` (it is then rebuilt on next use).
    pub fn patch(
        &self,
        from_stamp: u64,
        to_version: i64,
        to_stamp: u64,
        changes: &[Product],
        categories: &[Category],
    ) -> bool {
        let Ok(mut g) = self.inner.write() else {
            return false;
        };
        match g.as_mut() {
            // only an index of exactly the catalog the sync started from (rows applied by an
            // earlier, interrupted sync are not in `changes`), with the same category names
            Some(l) if l.stamp == from_stamp && l.index.has_categories(categories) => {
                for p in changes {
                    l.index.upsert(p.clone());
                }
                l.index.refresh();
                l.version = to_version;
                l.stamp = to_stamp;
                l.checked = Instant::now();
                true
            }
            _ => {
                *g = None;
                false
            }
        }
    }

    /// Up to `limit` (1..=200) hits, best first. The index must be loaded.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        if limit == 0 || limit > MAX_LIMIT {
            return Err(InputError::Limit(limit.to_string()).into());
        }
        let g = self.inner.read().map_err(|_| poisoned())?;
        let l = g.as_ref().ok_or(CounterError::NoCatalog)?;
        Ok(l.index.search(query, limit))
    }

    /// One more sale of `sku`, for ranking (as it happens at the counter).
    pub fn record_sale(&self, sku: &str) {
        if let Ok(mut g) = self.inner.write()
            && let Some(l) = g.as_mut()
        {
            l.index.record_sale(sku);
        }
    }

    /// On-sale products of these kinds, best sellers first (category tiles).
    pub fn browse(
        &self,
        kinds: &[cardcat_core::ProductKind],
        brand: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Product>> {
        let g = self.inner.read().map_err(|_| poisoned())?;
        let l = g.as_ref().ok_or(CounterError::NoCatalog)?;
        Ok(l.index.browse(kinds, brand, limit.min(MAX_LIMIT)))
    }

    /// This store's best sellers on sale (favourites).
    pub fn best_sellers(&self, limit: usize) -> Result<Vec<Product>> {
        let g = self.inner.read().map_err(|_| poisoned())?;
        let l = g.as_ref().ok_or(CounterError::NoCatalog)?;
        Ok(l.index.best_sellers(limit.min(MAX_LIMIT)))
    }

    /// One product by SKU from the index.
    pub fn product(&self, sku: &str) -> Option<Product> {
        self.inner.read().ok()?.as_ref()?.index.get(sku).cloned()
    }

    /// Products in the index.
    pub fn len(&self) -> usize {
        self.inner
            .read()
            .map(|g| g.as_ref().map(|l| l.index.len()).unwrap_or(0))
            .unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn poisoned() -> CounterError {
    CounterError::Task("search index lock poisoned".into())
}
