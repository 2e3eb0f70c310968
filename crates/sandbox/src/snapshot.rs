//! The per-version catalog snapshot behind full-sync pages.
//!
//! A snapshot holds every product's JSON, sorted by SKU, in one buffer: a page is one
//! contiguous slice of it, so serving a 5,000-row page is a memcpy. The cache of the
//! current snapshot lives in `state::AppState`; the `catalog` module rebuilds or
//! patches it when the catalog version changes.

use std::collections::HashMap;
use std::io::Write;

use cardcat_core::Product;
use rusqlite::Connection;

use crate::error::{ApiErr, ApiResult};
use crate::products::{PRODUCT_COLS, load_categories, read_product};

#[derive(PartialEq, Eq)]
pub(crate) struct Snapshot {
    pub version: i64,
    skus: Vec<String>,
    /// Every product's JSON followed by a comma, in SKU order.
    buf: Vec<u8>,
    /// `offs[i]` is where product `i` starts in `buf`; `offs[n] == buf.len()`.
    offs: Vec<usize>,
    categories_json: Vec<u8>,
}

impl Snapshot {
    /// Builds the snapshot of the catalog as it is in the database now.
    pub(crate) fn build(c: &mut Connection) -> ApiResult<Snapshot> {
        let tx = c.transaction()?;
        let version: i64 =
            tx.query_row("SELECT version FROM catalog_meta WHERE id = 1", [], |r| {
                r.get(0)
            })?;
        let categories_json = serde_json::to_vec(&load_categories(&tx)?)?;
        let n: i64 = tx.query_row("SELECT COUNT(*) FROM products", [], |r| r.get(0))?;
        let n = usize::try_from(n).unwrap_or(0);
        let mut skus = Vec::with_capacity(n);
        let mut offs = Vec::with_capacity(n + 1);
        let mut buf = Vec::with_capacity(n * 300);
        {
            let mut stmt =
                tx.prepare(&format!("SELECT {PRODUCT_COLS} FROM products ORDER BY sku"))?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let p = read_product(row)?;
                offs.push(buf.len());
                serde_json::to_writer(&mut buf, &p)?;
                buf.push(b',');
                skus.push(p.sku);
            }
        }
        offs.push(buf.len());
        tx.commit()?;
        Ok(Snapshot {
            version,
            skus,
            buf,
            offs,
            categories_json,
        })
    }

    /// Number of products.
    pub(crate) fn product_count(&self) -> usize {
        self.skus.len()
    }

    /// The JSON of one [`cardcat_wire::CatalogPage`].
    pub(crate) fn page(&self, after: Option<&str>, limit: usize) -> Vec<u8> {
        let n = self.skus.len();
        let start = after.map_or(0, |a| self.skus.partition_point(|s| s.as_str() <= a));
        let end = start.saturating_add(limit).min(n);
        let (lo, hi) = (
            self.offs.get(start).copied().unwrap_or(0),
            self.offs.get(end).copied().unwrap_or(0),
        );
        let products: &[u8] = if end > start {
            self.buf.get(lo..hi.saturating_sub(1)).unwrap_or(&[])
        } else {
            &[]
        };
        let mut out = Vec::with_capacity(products.len() + self.categories_json.len() + 128);
        let _ = write!(
            out,
            "{{\"version\":{},\"total\":{},\"categories\":",
            self.version, n
        );
        if after.is_none() {
            out.extend_from_slice(&self.categories_json);
        } else {
            out.extend_from_slice(b"[]");
        }
        out.extend_from_slice(b",\"products\":[");
        out.extend_from_slice(products);
        out.extend_from_slice(b"],\"next_after\":");
        match self
            .skus
            .get(end.wrapping_sub(1))
            .filter(|_| end < n && end > start)
        {
            Some(last) => {
                let _ = serde_json::to_writer(&mut out, last);
            }
            None => out.extend_from_slice(b"null"),
        }
        out.push(b'}');
        out
    }

    /// A copy of this snapshot at `version` with `changed` rows replaced (churn changes
    /// rows but never adds or removes SKUs). Copies unchanged JSON instead of re-serialising.
    pub(crate) fn patched(&self, version: i64, changed: &[Product]) -> ApiResult<Snapshot> {
        let by_sku: HashMap<&str, &Product> = changed.iter().map(|p| (p.sku.as_str(), p)).collect();
        let mut buf = Vec::with_capacity(self.buf.len() + changed.len() * 16);
        let mut offs = Vec::with_capacity(self.offs.len());
        let mut replaced = 0;
        for (i, sku) in self.skus.iter().enumerate() {
            offs.push(buf.len());
            if let Some(p) = by_sku.get(sku.as_str()) {
                serde_json::to_writer(&mut buf, p)?;
                buf.push(b',');
                replaced += 1;
            } else {
                let (lo, hi) = (
                    self.offs.get(i).copied().unwrap_or(0),
                    self.offs.get(i + 1).copied().unwrap_or(0),
                );
                buf.extend_from_slice(self.buf.get(lo..hi).unwrap_or(&[]));
            }
        }
        offs.push(buf.len());
        if replaced != changed.len() {
            return Err(ApiErr::internal(
                "churned rows missing from the catalog cache",
            ));
        }
        Ok(Snapshot {
            version,
            skus: self.skus.clone(),
            buf,
            offs,
            categories_json: self.categories_json.clone(),
        })
    }
}
