//! Catalog sync: full (paged into a new generation, swapped in atomically) and delta
//! (paged, each page one transaction). The next page is fetched and decoded while the
//! current one is written.
//!
//! Invariant: a malformed page or a dropped connection leaves the previous catalog
//! intact and usable; the error is recorded in `sync_state.last_error`, and the next
//! full sync resumes after the last page that was applied.

use std::time::{Duration, Instant};

use cardcat_core::i18n::{Arg, Args, tr};
use cardcat_core::{Lang, Localized, Product, t};
use cardcat_store::{Store, StoreError};
use cardcat_wire::CatalogPage;

use crate::api::{ClientError, PlatformClient};

pub const DEFAULT_FULL_PAGE: u32 = 5_000;
pub const DEFAULT_DELTA_PAGE: u32 = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncPhase {
    Full,
    Delta,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub phase: SyncPhase,
    pub done: u64,
    pub total: u64,
}

#[derive(Debug, Clone, Default)]
pub struct SyncReport {
    pub full: bool,
    pub full_rows: u64,
    pub pages: u32,
    /// Rows changed by the delta part (for updating an in-memory search index).
    pub delta_changes: Vec<Product>,
    /// Categories the delta part changed (an index that shows category names is rebuilt).
    pub delta_categories: usize,
    pub version: i64,
    pub elapsed: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{0}")]
    Client(#[from] ClientError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("sync task failed: {0}")]
    Task(String),
}

impl Localized for SyncError {
    fn code(&self) -> &'static str {
        match self {
            SyncError::Client(e) => e.code(),
            SyncError::Store(e) => e.code(),
            SyncError::Task(_) => "sync.task",
        }
    }
    fn args(&self, lang: Lang) -> Args {
        match self {
            SyncError::Client(e) => e.args(lang),
            SyncError::Store(e) => e.args(lang),
            SyncError::Task(d) => vec![("detail", Arg::from(d))],
        }
    }

    /// The inner error's message, wrapped in "catalog sync failed, the old catalog is
    /// intact" (`sync.failed` with `reason`); the code stays the inner error's.
    fn message(&self, lang: Lang) -> String {
        let reason = match self {
            SyncError::Client(e) => e.message(lang),
            SyncError::Store(e) => e.message(lang),
            SyncError::Task(_) => return tr(lang, self.code(), &self.args(lang)),
        };
        t!(lang, "sync.failed", reason = reason)
    }
}

#[derive(Debug, Clone, Copy)]
pub struct SyncOptions {
    pub force_full: bool,
    pub full_page: u32,
    pub delta_page: u32,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            force_full: false,
            full_page: DEFAULT_FULL_PAGE,
            delta_page: DEFAULT_DELTA_PAGE,
        }
    }
}

/// Full sync when there is no catalog yet (or an unfinished one, or asked), then a delta.
pub async fn sync(
    client: &PlatformClient,
    store: &mut Store,
    opts: SyncOptions,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<SyncReport, SyncError> {
    let started = Instant::now();
    let result = run(client, store, opts, progress).await;
    match result {
        Ok(mut r) => {
            r.elapsed = started.elapsed();
            Ok(r)
        }
        Err(e) => {
            // Best effort: the error itself is what matters to the caller.
            let _ = store.record_sync_error(&e.message(Lang::En));
            Err(e)
        }
    }
}

async fn run(
    client: &PlatformClient,
    store: &mut Store,
    opts: SyncOptions,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<SyncReport, SyncError> {
    let st = store.sync_state()?;
    let mut report = SyncReport::default();
    if opts.force_full || st.catalog_version.is_none() || st.staging.is_some() {
        full(client, store, opts.full_page, progress, &mut report).await?;
    }
    delta(client, store, opts.delta_page, progress, &mut report).await?;
    Ok(report)
}

async fn fetch_page(
    client: PlatformClient,
    after: Option<String>,
    limit: u32,
) -> Result<CatalogPage, ClientError> {
    client.catalog_full_page(after.as_deref(), limit).await
}

async fn full(
    client: &PlatformClient,
    store: &mut Store,
    limit: u32,
    progress: &mut (dyn FnMut(Progress) + Send),
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let mut staging = store.begin_full_sync()?;
    report.full = true;
    let mut pending = Some(tokio::spawn(fetch_page(
        client.clone(),
        staging.after.clone(),
        limit,
    )));
    while let Some(handle) = pending.take() {
        let page = handle.await.map_err(|e| SyncError::Task(e.to_string()))??;
        let last = page.next_after.is_none();
        // Fetch + decode the next page while this one is written.
        let next = page.next_after.clone();
        if let Some(after) = next {
            pending = Some(tokio::spawn(fetch_page(client.clone(), Some(after), limit)));
        }
        // A short blocking SQLite transaction; the prefetch runs on another worker.
        let applied = store.apply_full_page(&mut staging, &page);
        if let Err(e) = applied {
            if let Some(h) = pending.take() {
                h.abort();
            }
            return Err(e.into());
        }
        report.pages += 1;
        report.full_rows = staging.done;
        progress(Progress {
            phase: SyncPhase::Full,
            done: staging.done,
            total: staging.total.max(staging.done),
        });
        debug_assert_eq!(last, pending.is_none());
    }
    store.finish_full_sync(&staging)?;
    Ok(())
}

async fn delta(
    client: &PlatformClient,
    store: &mut Store,
    limit: u32,
    progress: &mut (dyn FnMut(Progress) + Send),
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let st = store.sync_state()?;
    let Some(since) = st.catalog_version else {
        return Ok(());
    };
    let mut cursor = st.delta_cursor;
    let mut done = 0u64;
    loop {
        let d = client.catalog_delta(since, cursor.as_ref(), limit).await?;
        store.apply_delta_page(&d)?;
        report.pages += 1;
        done += d.changes.len() as u64;
        progress(Progress {
            phase: SyncPhase::Delta,
            done,
            total: done + d.remaining.saturating_sub(d.changes.len() as u64),
        });
        report.version = d.version;
        report.delta_categories += d.categories.len();
        report.delta_changes.extend(d.changes);
        match d.next {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    Ok(())
}
