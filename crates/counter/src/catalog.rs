//! The catalog as the counter searches it: an in-memory index built once, patched in
//! place from every delta sync, and rebuilt only when it has grown stale (a full sync,
//! another process changed the catalog, or too many replaced entries).
//!
//! Invariant: searches never wait for SQLite or for a sale; they take a read lock on the
//! index, and a patch holds the write lock only while applying the rows it already has.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use cardcat_core::Product;
use cardcat_core::search::{SearchHit, SearchIndex};
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
    checked: Instant,
}

/// The search index, shared by every front end of one terminal.
#[derive(Clone, Default)]
pub struct Catalog {
    inner: Arc<RwLock<Option<Loaded>>>,
}

/// Builds an index from the store's active catalog.
pub fn build_index(store: &Store) -> Result<SearchIndex> {
    let products = store.products()?;
    let cats = store.categories()?;
    Ok(SearchIndex::build(
        products,
        cats.into_iter().map(|c| (c.id, c.name)),
    ))
}

impl Catalog {
    /// True once an index is in memory.
    pub fn is_loaded(&self) -> bool {
        self.inner.read().map(|g| g.is_some()).unwrap_or(false)
    }

    /// Drops the index; the next search rebuilds it.
    pub fn invalidate(&self) {
        if let Ok(mut g) = self.inner.write() {
            *g = None;
        }
    }

    /// Loads the index if it is missing or stale. Blocking (SQLite + build): call it on a
    /// blocking thread. `store` is only read.
    pub fn ensure_fresh(&self, store: &Store) -> Result<()> {
        let version = store.sync_state()?.catalog_version.ok_or(CounterError::NoCatalog)?;
        {
            let g = self.inner.read().map_err(|_| poisoned())?;
            if let Some(l) = g.as_ref()
                && l.version == version
                && l.index.garbage_ratio() <= MAX_GARBAGE
            {
                return Ok(());
            }
        }
        let index = build_index(store)?;
        let mut g = self.inner.write().map_err(|_| poisoned())?;
        *g = Some(Loaded {
            index,
            version,
            checked: Instant::now(),
        });
        Ok(())
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
    /// index to patch or it was not at `from_version` (it is then rebuilt on next use).
    pub fn patch(&self, from_version: Option<i64>, to_version: i64, changes: &[Product]) -> bool {
        let Ok(mut g) = self.inner.write() else {
            return false;
        };
        match g.as_mut() {
            Some(l) if Some(l.version) == from_version || l.version == to_version => {
                for p in changes {
                    l.index.upsert(p.clone());
                }
                l.index.refresh();
                l.version = to_version;
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

    /// One product by SKU from the index.
    pub fn product(&self, sku: &str) -> Option<Product> {
        self.inner
            .read()
            .ok()?
            .as_ref()?
            .index
            .get(sku)
            .cloned()
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
