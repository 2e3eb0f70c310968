//! Catalog: cached full-sync pages, delta sync and churn.
//!
//! Full pages are slices of the per-version [`Snapshot`] cached in
//! [`AppState`]; the snapshot is rebuilt (or, after a churn, patched) when the
//! catalog version changes.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cardcat_core::search::{MAX_ALIAS_CHARS, MAX_ALIASES};
use cardcat_core::{Money, Product};
use cardcat_wire::{AliasesRequest, CatalogDelta, ChurnResponse, DeltaCursor, MAX_PAGE};
use rand::Rng;
use rusqlite::{Connection, TransactionBehavior, params};
use serde::Deserialize;

use crate::error::{ApiErr, ApiResult, aborted_response, json_bytes};
use crate::products::{PRODUCT_COLS, load_categories, read_product};
use crate::snapshot::Snapshot;
use crate::state::{AppState, lock};

const DEFAULT_LIMIT: u32 = 2000;

/// The snapshot of the current catalog version, built if needed.
pub(crate) async fn snapshot(st: &Arc<AppState>) -> ApiResult<Arc<Snapshot>> {
    let mut guard = st.snapshot.lock().await;
    let current = st.catalog_version.load(Ordering::SeqCst);
    if let Some(s) = guard.as_ref().filter(|s| s.version == current) {
        return Ok(Arc::clone(s));
    }
    let started = std::time::Instant::now();
    let snap = Arc::new(st.db(Snapshot::build).await?);
    tracing::info!(
        version = snap.version,
        products = snap.product_count(),
        ms = started.elapsed().as_millis(),
        "catalog cache built"
    );
    st.catalog_version.store(snap.version, Ordering::SeqCst);
    *guard = Some(Arc::clone(&snap));
    Ok(snap)
}

enum CatalogChaos {
    None,
    Corrupt,
    Drop,
}

fn take_catalog_chaos(st: &AppState) -> CatalogChaos {
    let mut c = lock(&st.chaos);
    if c.drop_catalog_pages > 0 {
        c.drop_catalog_pages -= 1;
        CatalogChaos::Drop
    } else if c.corrupt_catalog_pages > 0 {
        c.corrupt_catalog_pages -= 1;
        CatalogChaos::Corrupt
    } else {
        CatalogChaos::None
    }
}

/// Sends `bytes` as a catalog response, unless chaos says to corrupt or drop it.
fn catalog_response(st: &AppState, bytes: Vec<u8>, etag: Option<HeaderValue>) -> Response {
    match take_catalog_chaos(st) {
        CatalogChaos::Drop => {
            tracing::info!("chaos: dropping a catalog response mid-body");
            let half = bytes.len() / 2;
            let mut b = bytes;
            b.truncate(half);
            aborted_response(b)
        }
        CatalogChaos::Corrupt => {
            tracing::info!("chaos: sending a truncated catalog response");
            let half = bytes.len() / 2;
            let mut b = bytes;
            b.truncate(half);
            json_bytes(StatusCode::OK, b)
        }
        CatalogChaos::None => {
            let mut r = json_bytes(StatusCode::OK, bytes);
            if let Some(tag) = etag {
                r.headers_mut().insert(header::ETAG, tag);
            }
            r
        }
    }
}

/// The page size asked for: default 2000, otherwise 1..=`MAX_PAGE` or 400 `bad_request`.
fn page_limit(limit: Option<u32>) -> ApiResult<u32> {
    match limit {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
        Some(n) => Err(ApiErr::bad_request(format!(
            "limit {n} is out of range: 1..={MAX_PAGE}"
        ))),
    }
}

fn etag_matches(headers: &HeaderMap, tag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|t| t == "*" || t == tag || t.strip_prefix("W/") == Some(tag))
}

#[derive(Debug, Deserialize)]
pub(crate) struct FullQuery {
    after: Option<String>,
    limit: Option<u32>,
}

/// `GET /v1/catalog/full?after=<sku>&limit=N`
pub(crate) async fn full(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    q: Result<Query<FullQuery>, QueryRejection>,
) -> Response {
    let Query(q) = match q {
        Ok(q) => q,
        Err(e) => return ApiErr::bad_request(format!("bad query: {e}")).into_response(),
    };
    let limit = match page_limit(q.limit) {
        Ok(l) => l,
        Err(e) => return e.into_response(),
    };
    let snap = match snapshot(&st).await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let after = q.after.as_deref().filter(|a| !a.is_empty());
    let tag = format!("\"v{}-{}-{}\"", snap.version, after.unwrap_or(""), limit);
    if etag_matches(&headers, &tag) {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(v) = HeaderValue::from_str(&tag) {
            r.headers_mut().insert(header::ETAG, v);
        }
        return r;
    }
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let snap2 = Arc::clone(&snap);
    let after_owned = after.map(str::to_string);
    // Assembling a large page is a memcpy of up to a few MiB: keep it off the reactor.
    let bytes = match tokio::task::spawn_blocking(move || snap2.page(after_owned.as_deref(), limit))
        .await
    {
        Ok(b) => b,
        Err(e) => return ApiErr::internal(format!("page task: {e}")).into_response(),
    };
    catalog_response(&st, bytes, HeaderValue::from_str(&tag).ok())
}

#[derive(Debug, Deserialize)]
pub(crate) struct DeltaQuery {
    since: Option<i64>,
    after_version: Option<i64>,
    after_sku: Option<String>,
    limit: Option<u32>,
}

/// `GET /v1/catalog/delta?since=V[&after_version=&after_sku=][&limit=N]`
pub(crate) async fn delta(
    State(st): State<Arc<AppState>>,
    q: Result<Query<DeltaQuery>, QueryRejection>,
) -> Response {
    let Query(q) = match q {
        Ok(q) => q,
        Err(e) => return ApiErr::bad_request(format!("bad query: {e}")).into_response(),
    };
    let since = q.since.unwrap_or(0);
    let cursor = match (q.after_version, q.after_sku) {
        (Some(v), Some(s)) => Some((v, s)),
        (None, None) => None,
        _ => {
            return ApiErr::bad_request(
                "after_version and after_sku go together: send both (from `next`) or neither",
            )
            .into_response();
        }
    };
    let limit = match page_limit(q.limit) {
        Ok(l) => l,
        Err(e) => return e.into_response(),
    };
    let r = st
        .db(move |c| {
            let tx = c.transaction()?;
            let version: i64 = tx.query_row("SELECT version FROM catalog_meta WHERE id = 1", [], |r| r.get(0))?;
            let first = cursor.is_none();
            let (av, asku) = cursor.unwrap_or((since, String::new()));
            let filter = "version > ?1 AND (version > ?2 OR (version = ?2 AND sku > ?3))";
            let remaining: i64 =
                tx.query_row(&format!("SELECT COUNT(*) FROM products WHERE {filter}"), params![since, av, asku], |r| r.get(0))?;
            let changes = {
                let mut stmt = tx.prepare_cached(&format!(
                    "SELECT {PRODUCT_COLS} FROM products WHERE {filter} ORDER BY version, sku LIMIT ?4"
                ))?;
                let rows = stmt.query_map(params![since, av, asku, limit], read_product)?;
                rows.collect::<rusqlite::Result<Vec<Product>>>()?
            };
            let categories = if first { load_categories(&tx)? } else { Vec::new() };
            let remaining = u64::try_from(remaining).unwrap_or(0);
            let next = changes
                .last()
                .filter(|_| remaining > changes.len() as u64)
                .map(|p| DeltaCursor { after_version: p.version, after_sku: p.sku.clone() });
            Ok(CatalogDelta { version, changes, categories, remaining, next })
        })
        .await;
    match r.and_then(|d| serde_json::to_vec(&d).map_err(ApiErr::from)) {
        Ok(bytes) => catalog_response(&st, bytes, None),
        Err(e) => e.into_response(),
    }
}

/// Applies `changes` price/availability changes as one new catalog version, and moves
/// the page cache to it (patching the previous snapshot when it is one version behind).
pub(crate) async fn churn(st: &Arc<AppState>, changes: u32) -> ApiResult<ChurnResponse> {
    publish(st, move |c| churn_sync(c, changes)).await
}

/// Applies one catalog change on the database (`change` returns the new version and the
/// rows it changed), then brings the served snapshot to that version: patched from the
/// previous one when it is exactly one version behind, rebuilt otherwise.
async fn publish(
    st: &Arc<AppState>,
    change: impl FnOnce(&mut Connection) -> ApiResult<(ChurnResponse, Vec<Product>)> + Send + 'static,
) -> ApiResult<ChurnResponse> {
    let mut guard = st.snapshot.lock().await;
    let (resp, changed) = st.db(change).await?;
    if resp.changed == 0 {
        return Ok(resp);
    }
    let base = guard.take().filter(|s| s.version + 1 == resp.version);
    let version = resp.version;
    let snap = match base {
        Some(old) => tokio::task::spawn_blocking(move || old.patched(version, &changed))
            .await
            .map_err(|e| ApiErr::internal(format!("patch task: {e}")))??,
        None => st.db(Snapshot::build).await?,
    };
    st.catalog_version.store(snap.version, Ordering::SeqCst);
    *guard = Some(Arc::new(snap));
    Ok(resp)
}

pub(crate) async fn set_aliases(
    st: &Arc<AppState>,
    req: AliasesRequest,
) -> ApiResult<ChurnResponse> {
    // the limits the client indexes (more, or longer, would be cut there)
    if req.aliases.len() > MAX_ALIASES
        || req
            .aliases
            .iter()
            .any(|a| a.trim().is_empty() || a.chars().count() > MAX_ALIAS_CHARS)
    {
        return Err(ApiErr::bad_request(
            "aliases: at most 32, each 1 to 64 characters",
        ));
    }
    publish(st, move |c| set_aliases_sync(c, &req)).await
}

/// Makes `version` the catalog's version and returns the rows changed in it.
fn close_version(tx: &rusqlite::Transaction<'_>, version: i64) -> ApiResult<Vec<Product>> {
    tx.execute(
        "UPDATE catalog_meta SET version = ?1 WHERE id = 1",
        [version],
    )?;
    let mut stmt = tx.prepare(&format!(
        "SELECT {PRODUCT_COLS} FROM products WHERE version = ?1"
    ))?;
    let rows = stmt.query_map([version], read_product)?;
    Ok(rows.collect::<rusqlite::Result<Vec<Product>>>()?)
}

fn set_aliases_sync(
    c: &mut Connection,
    req: &AliasesRequest,
) -> ApiResult<(ChurnResponse, Vec<Product>)> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current: i64 = tx.query_row("SELECT version FROM catalog_meta WHERE id = 1", [], |r| {
        r.get(0)
    })?;
    let version = current + 1;
    let aliases = serde_json::to_string(&req.aliases)
        .map_err(|e| ApiErr::internal(format!("aliases: {e}")))?;
    let n = tx.execute(
        "UPDATE products SET aliases = ?1, version = ?2 WHERE sku = ?3",
        params![aliases, version, req.sku],
    )?;
    if n == 0 {
        return Err(ApiErr::not_found("no such product"));
    }
    let rows = close_version(&tx, version)?;
    tx.commit()?;
    Ok((
        ChurnResponse {
            version,
            changed: 1,
        },
        rows,
    ))
}

fn churn_sync(c: &mut Connection, changes: u32) -> ApiResult<(ChurnResponse, Vec<Product>)> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current: i64 = tx.query_row("SELECT version FROM catalog_meta WHERE id = 1", [], |r| {
        r.get(0)
    })?;
    if changes == 0 {
        return Ok((
            ChurnResponse {
                version: current,
                changed: 0,
            },
            Vec::new(),
        ));
    }
    let version = current + 1;
    let picked: Vec<(String, String, String, bool)> = {
        let mut stmt = tx.prepare(
            "SELECT sku, retail_price, cost, available FROM products ORDER BY random() LIMIT ?1",
        )?;
        let rows = stmt.query_map([changes], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut rng = rand::rng();
    let mut changed = 0u32;
    for (sku, retail, cost, available) in picked {
        let retail: Money = retail
            .parse()
            .map_err(|e| ApiErr::internal(format!("{sku} retail: {e}")))?;
        let cost: Money = cost
            .parse()
            .map_err(|e| ApiErr::internal(format!("{sku} cost: {e}")))?;
        if rng.random_range(0..100u32) < 25 {
            tx.execute(
                "UPDATE products SET available = ?1, version = ?2 WHERE sku = ?3",
                params![!available, version, &sku],
            )?;
        } else {
            // cost moves by 0.5–3 % (at least 1 分), staying within (0, retail]
            let fen = cost.fen();
            let step = (fen * i64::from(rng.random_range(50..=300u32)) / 10_000).max(1);
            let up = rng.random_range(0..2u32) == 0;
            let mut new = if up { fen + step } else { fen - step };
            new = new.clamp(1, retail.fen());
            if new == fen {
                new = if fen > 1 { fen - 1 } else { retail.fen() };
            }
            tx.execute(
                "UPDATE products SET cost = ?1, available = 1, version = ?2 WHERE sku = ?3",
                params![Money::from_fen(new).to_string(), version, &sku],
            )?;
        }
        changed += 1;
    }
    let rows = close_version(&tx, version)?;
    tx.commit()?;
    tracing::info!(version, changed, "catalog churn");
    Ok((ChurnResponse { version, changed }, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patched_snapshot_equals_a_fresh_build() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = crate::db::open(&dir.path().join("s.sqlite"), 800, 7).unwrap();
        let before = Snapshot::build(&mut c).unwrap();
        let (resp, changed) = churn_sync(&mut c, 40).unwrap();
        assert_eq!((resp.version, resp.changed, changed.len()), (2, 40, 40));
        let patched = before.patched(resp.version, &changed).unwrap();
        let fresh = Snapshot::build(&mut c).unwrap();
        assert_eq!(patched.version, fresh.version);
        assert_eq!(patched.product_count(), fresh.product_count());
        assert!(patched == fresh);
        assert!(patched.page(None, 100) == fresh.page(None, 100));
        // every page parses and pages tile the catalog
        let mut after: Option<String> = None;
        let mut n = 0;
        loop {
            let page: cardcat_wire::CatalogPage =
                serde_json::from_slice(&fresh.page(after.as_deref(), 333)).unwrap();
            n += page.products.len();
            assert_eq!(page.total as usize, fresh.product_count());
            match page.next_after {
                Some(a) => after = Some(a),
                None => break,
            }
        }
        assert_eq!(n, fresh.product_count());
        // an `after` past the end gives an empty last page
        let page: cardcat_wire::CatalogPage =
            serde_json::from_slice(&fresh.page(Some("~~~~"), 10)).unwrap();
        assert!(page.products.is_empty() && page.next_after.is_none());
    }
}
