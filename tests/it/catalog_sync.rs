//! Activation, full and delta sync, failures that must leave the catalog intact, search.

use cardcat_client::ClientError;
use cardcat_client::sync::{self, Progress, SyncError, SyncOptions, SyncPhase};
use cardcat_core::search::{MatchTier, SearchIndex};
use cardcat_store::Store;
use cardcat_tests::Env;
use cardcat_wire::ChaosConfig;

fn index(store: &Store) -> SearchIndex {
    let cats = store.categories().unwrap();
    SearchIndex::build(store.products().unwrap(), cats)
}

fn small_pages() -> SyncOptions {
    SyncOptions {
        force_full: false,
        full_page: 500,
        delta_page: 30,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activation_full_sync_delta_sync_and_search() {
    let env = Env::start(3000).await;
    let (client, act) = env.activated().await;
    assert!(act.terminal_id.starts_with('T'));
    assert_eq!(act.secret.len(), 64);

    let mut store = Store::open(env.terminal_db("t.sqlite")).unwrap();
    let mut seen: Vec<Progress> = Vec::new();
    let r = sync::sync(&client, &mut store, small_pages(), &mut |p| seen.push(p))
        .await
        .unwrap();
    assert!(r.full);
    let health = client.health().await.unwrap();
    let n = store.product_count().unwrap();
    assert!(n >= 3000, "{n}");
    let full: Vec<_> = seen.iter().filter(|p| p.phase == SyncPhase::Full).collect();
    assert!(full.len() >= 6, "paged: {}", full.len());
    assert!(
        full.windows(2).all(|w| w[0].done < w[1].done),
        "progress grows"
    );
    assert_eq!(full.last().map(|p| (p.done, p.total)), Some((n, n)));
    let st = store.sync_state().unwrap();
    assert_eq!(st.catalog_version, Some(health.catalog_version));
    assert!(st.last_sync_ms.is_some() && st.last_full_sync_ms.is_some());
    assert!(st.staging.is_none());

    // every sku exactly once, and equal to what the platform serves
    let mut skus: Vec<String> = store
        .products()
        .unwrap()
        .into_iter()
        .map(|p| p.sku)
        .collect();
    let total = skus.len();
    skus.dedup();
    assert_eq!(total, skus.len());
    let first = client.catalog_full_page(None, 10).await.unwrap();
    assert_eq!(first.total, n);
    for p in &first.products {
        assert_eq!(store.product(&p.sku).unwrap().as_ref(), Some(p));
    }

    // search, offline, over the synced catalog
    let idx = index(&store);
    let hits = idx.search("txsp", 5);
    assert!(
        hits[0].product.name.contains("腾讯视频"),
        "{:?}",
        hits[0].product.name
    );
    assert!(
        idx.search("yk", 5)
            .iter()
            .any(|h| h.product.brand.contains("优酷"))
    );
    let h50 = idx.search("50", 10);
    assert_eq!(h50[0].tier, MatchTier::Exact);
    assert_eq!(h50[0].product.face_value.to_string(), "50.00");
    let with_barcode = store
        .products()
        .unwrap()
        .into_iter()
        .find(|p| p.barcode.is_some())
        .expect("seed has GTINs");
    let bc = with_barcode.barcode.clone().unwrap();
    let hb = idx.search(&bc, 3);
    assert_eq!(
        (hb[0].tier, hb[0].product.sku.as_str()),
        (MatchTier::Barcode, with_barcode.sku.as_str())
    );
    assert!(
        idx.search("话费", 20)
            .iter()
            .all(|h| h.product.name.contains("话费")
                || h.product.category.contains("mobile")
                || h.tier == MatchTier::Prefix)
    );

    // the platform changes 100 rows; a delta brings exactly those
    let churn = env.sandbox.churn(100).await.unwrap();
    let mut deltas = 0;
    let r = sync::sync(&client, &mut store, small_pages(), &mut |p| {
        if p.phase == SyncPhase::Delta {
            deltas += 1
        }
    })
    .await
    .unwrap();
    assert!(!r.full);
    assert_eq!(r.delta_changes.len(), 100);
    assert!(deltas >= 4, "delta paged at 30: {deltas}");
    assert_eq!(
        store.sync_state().unwrap().catalog_version,
        Some(churn.version)
    );
    for p in &r.delta_changes {
        assert_eq!(p.version, churn.version);
        assert_eq!(store.product(&p.sku).unwrap().as_ref(), Some(p));
    }
    assert_eq!(
        store.product_count().unwrap(),
        n,
        "delta changes rows, never duplicates them"
    );

    // nothing changed: a delta is a no-op
    let r = sync::sync(&client, &mut store, small_pages(), &mut |_| {})
        .await
        .unwrap();
    assert!(r.delta_changes.is_empty());
    env.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corrupted_or_dropped_page_leaves_catalog_intact_and_resumes() {
    let env = Env::start(1500).await;
    let (client, _) = env.activated().await;
    let mut store = Store::open(env.terminal_db("t.sqlite")).unwrap();
    sync::sync(&client, &mut store, small_pages(), &mut |_| {})
        .await
        .unwrap();
    let before = store.products().unwrap();
    let v_before = store.sync_state().unwrap().catalog_version;
    env.sandbox.churn(50).await.unwrap();

    // a corrupted page in the middle of a forced full sync
    env.set_chaos(&ChaosConfig {
        corrupt_catalog_pages: 1,
        ..Default::default()
    })
    .await;
    let forced = SyncOptions {
        force_full: true,
        ..small_pages()
    };
    let e = sync::sync(&client, &mut store, forced, &mut |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(e, SyncError::Client(ClientError::Malformed(_))),
        "{e:?}"
    );
    assert_eq!(store.products().unwrap(), before, "catalog untouched");
    assert_eq!(store.sync_state().unwrap().catalog_version, v_before);
    assert!(
        store
            .sync_state()
            .unwrap()
            .last_error
            .is_some_and(|m| m.contains("intact"))
    );
    assert!(
        !index(&store).search("txsp", 3).is_empty(),
        "still searchable"
    );

    // a connection dropped mid-body
    env.set_chaos(&ChaosConfig {
        drop_catalog_pages: 1,
        ..Default::default()
    })
    .await;
    let e = sync::sync(&client, &mut store, small_pages(), &mut |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(e, SyncError::Client(ClientError::Interrupted(_))),
        "{e:?}"
    );
    assert_eq!(store.products().unwrap(), before, "catalog untouched");

    // healthy again: the interrupted full sync resumes and lands the new version
    env.set_chaos(&ChaosConfig::default()).await;
    let r = sync::sync(&client, &mut store, small_pages(), &mut |_| {})
        .await
        .unwrap();
    assert!(r.full, "resumes the unfinished full sync");
    let st = store.sync_state().unwrap();
    assert!(st.staging.is_none() && st.last_error.is_none());
    assert!(st.catalog_version > v_before);
    assert_eq!(store.product_count().unwrap(), before.len() as u64);
    assert_ne!(store.products().unwrap(), before, "the 50 changes arrived");
    env.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corrupted_delta_page_changes_nothing() {
    let env = Env::start(200).await;
    let (client, _) = env.activated().await;
    let mut store = Store::open(env.terminal_db("t.sqlite")).unwrap();
    sync::sync(&client, &mut store, small_pages(), &mut |_| {})
        .await
        .unwrap();
    let before = store.products().unwrap();
    env.sandbox.churn(10).await.unwrap();
    env.set_chaos(&ChaosConfig {
        corrupt_catalog_pages: 1,
        ..Default::default()
    })
    .await;
    let e = sync::sync(&client, &mut store, small_pages(), &mut |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(e, SyncError::Client(ClientError::Malformed(_))),
        "{e:?}"
    );
    assert_eq!(store.products().unwrap(), before);
    env.set_chaos(&ChaosConfig::default()).await;
    let r = sync::sync(&client, &mut store, small_pages(), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(r.delta_changes.len(), 10);
    env.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_platform_is_clear_and_catalog_works_offline() {
    let env = Env::start(0).await;
    let (client, act) = env.activated().await;
    let mut store = Store::open(env.terminal_db("t.sqlite")).unwrap();
    sync::sync(&client, &mut store, small_pages(), &mut |_| {})
        .await
        .unwrap();
    let url = env.url();
    env.sandbox.shutdown().await;

    let offline = cardcat_client::PlatformClient::new(&url)
        .unwrap()
        .with_credentials(
            cardcat_client::Credentials::from_hex(act.terminal_id, &act.secret).unwrap(),
        );
    let e = sync::sync(&offline, &mut store, small_pages(), &mut |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(e, SyncError::Client(ClientError::Unreachable(_))),
        "{e:?}"
    );
    use cardcat_core::{Lang, Localized};
    assert!(
        e.message(Lang::ZhCn).contains("原有目录保持不变"),
        "{}",
        e.message(Lang::ZhCn)
    );
    assert!(!index(&store).search("yk", 3).is_empty());
    assert!(
        store.sync_state().unwrap().last_sync_ms.is_some(),
        "last successful sync time kept"
    );
}
