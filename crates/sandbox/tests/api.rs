//! End-to-end tests of the sandbox over real HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashSet;
use std::time::Duration;

use cardcat_core::{AccountInput, Money, Product, RemoteStatus};
use cardcat_wire::{
    ActivateRequest, ActivateResponse, ApiError, BatchStatusRequest, BatchStatusResponse,
    CancelRedemptionRequest, CatalogDelta, CatalogPage, ChaosConfig, ChurnRequest, ChurnResponse,
    CreateOrderRequest, ErrorCode, EventAck, FulfilmentCount, HealthResponse, NewVoucherRequest,
    OrderPins, OrderView, PairingCodeResponse, PrepareRequest, RedemptionStatus, RedemptionView,
    Statement, StatementAdjustRequest, TimeResponse, VerifyRequest, VoucherInfo, VoucherStatus,
};
use common::*;
use reqwest::{Method, StatusCode};
use uuid::Uuid;

async fn product(t: &Terminal, sku: &str) -> Product {
    let page: CatalogPage = t
        .get_ok(&format!("/v1/catalog/full?after={}&limit=1", before(sku)))
        .await;
    let p = page.products.into_iter().next().unwrap();
    assert_eq!(p.sku, sku);
    p
}

/// A string just below `sku` in byte order (so `after=` returns `sku` first).
fn before(sku: &str) -> String {
    let mut b = sku.as_bytes().to_vec();
    let last = b.pop().unwrap();
    b.push(last - 1);
    b.push(b'~');
    String::from_utf8(b).unwrap()
}

fn order(sku: &str, account: &str, cost: Money) -> CreateOrderRequest {
    CreateOrderRequest {
        client_key: Uuid::now_v7(),
        sku: sku.into(),
        qty: 1,
        account: AccountInput::new(account),
        unit_cost: cost,
        cashier_id: "c1".into(),
    }
}

async fn fulfilments(env: &Env, key: Uuid) -> u32 {
    let via_lib = cardcat_sandbox::fulfilment_count(&env.db(), key).unwrap();
    let r: FulfilmentCount = env
        .admin_get(&format!("/admin/orders/{key}/fulfilments"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(r.fulfilments, via_lib);
    via_lib
}

#[tokio::test]
async fn activation_and_request_auth() {
    let env = start().await;
    let t = env.activate().await;
    assert_eq!(t.store_id, cardcat_sandbox::DEFAULT_STORE_ID);

    // unsigned routes
    let h: HealthResponse = env
        .http
        .get(env.url("/v1/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (h.status.as_str(), h.api_version.as_str(), h.catalog_version),
        ("ok", "1", 1)
    );
    let tr: TimeResponse = env
        .http
        .get(env.url("/v1/time"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!((tr.server_time_ms / 1000 - now_secs()).abs() <= 2);

    // a used or unknown pairing code
    let code = cardcat_sandbox::create_pairing_code(&env.db(), Some("S900")).unwrap();
    let act = |c: String| {
        env.http
            .post(env.url("/v1/activate"))
            .json(&cardcat_wire::ActivateRequest {
                code: c,
                device_name: "x".into(),
            })
            .send()
    };
    let ok: cardcat_wire::ActivateResponse =
        act(code.code.clone()).await.unwrap().json().await.unwrap();
    assert_eq!(ok.store_id, "S900");
    expect_err(
        act(code.code).await.unwrap(),
        StatusCode::BAD_REQUEST,
        ErrorCode::InvalidPairingCode,
    )
    .await;
    expect_err(
        act("00000000".into()).await.unwrap(),
        StatusCode::BAD_REQUEST,
        ErrorCode::InvalidPairingCode,
    )
    .await;
    // admin pairing code route
    let unauth = env
        .http
        .post(env.url("/admin/pairing-codes?store=S777"))
        .send()
        .await
        .unwrap();
    expect_err(unauth, StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized).await;
    let pc: PairingCodeResponse = env
        .admin_post("/admin/pairing-codes?store=S777", &())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pc.store_id, "S777");

    // a good signed request, with the query string signed exactly as sent
    let page: CatalogPage = t.get_ok("/v1/catalog/full?limit=5").await;
    assert_eq!(page.products.len(), 5);

    // bad signature
    let r = t
        .raw(
            Method::GET,
            "/v1/catalog/full?limit=5",
            vec![],
            now_secs(),
            &nonce(),
            Some("00".repeat(32)),
            &[],
        )
        .await;
    expect_err(
        r.unwrap(),
        StatusCode::UNAUTHORIZED,
        ErrorCode::BadSignature,
    )
    .await;
    // signature over another path
    let sig = cardcat_wire::sign::sign(
        &t.secret,
        "GET",
        "/v1/catalog/full?limit=6",
        now_secs(),
        "n-x",
        b"",
    );
    let r = t
        .raw(
            Method::GET,
            "/v1/catalog/full?limit=5",
            vec![],
            now_secs(),
            "n-x",
            Some(sig),
            &[],
        )
        .await;
    expect_err(
        r.unwrap(),
        StatusCode::UNAUTHORIZED,
        ErrorCode::BadSignature,
    )
    .await;
    // unknown terminal
    let mut ghost = t.clone();
    ghost.id = "T-doesnotexist".into();
    expect_err(
        ghost.get("/v1/catalog/full?limit=1").await,
        StatusCode::UNAUTHORIZED,
        ErrorCode::UnknownTerminal,
    )
    .await;

    // clock skew, both directions; the server answers with its own time
    for skew in [-3600, 900] {
        let mut skewed = t.clone();
        skewed.skew_secs = skew;
        let e = expect_err(
            skewed.get("/v1/catalog/full?limit=1").await,
            StatusCode::UNAUTHORIZED,
            ErrorCode::ClockSkew,
        )
        .await;
        assert!(e.message.contains("clock skew"), "{}", e.message);
        let server = e.server_time_ms.expect("server_time_ms");
        assert!((server / 1000 - now_secs()).abs() <= 2);
    }
    // within the window is fine
    let mut slightly = t.clone();
    slightly.skew_secs = 200;
    let _: CatalogPage = slightly.get_ok("/v1/catalog/full?limit=1").await;

    // replayed nonce (the signature is valid both times)
    let n = nonce();
    let ts = now_secs();
    let r1 = t
        .raw(Method::GET, "/v1/health", vec![], ts, &n, None, &[])
        .await
        .unwrap();
    assert_eq!(r1.status(), StatusCode::OK);
    let r1 = t
        .raw(
            Method::GET,
            "/v1/catalog/full?limit=1",
            vec![],
            ts,
            &n,
            None,
            &[],
        )
        .await
        .unwrap();
    assert_eq!(r1.status(), StatusCode::OK);
    let r2 = t
        .raw(
            Method::GET,
            "/v1/catalog/full?limit=1",
            vec![],
            ts,
            &n,
            None,
            &[],
        )
        .await
        .unwrap();
    expect_err(r2, StatusCode::CONFLICT, ErrorCode::ReplayedNonce).await;
    // a bad signature does not burn the nonce
    let n2 = nonce();
    let bad = t
        .raw(
            Method::GET,
            "/v1/catalog/full?limit=1",
            vec![],
            ts,
            &n2,
            Some("ab".into()),
            &[],
        )
        .await
        .unwrap();
    expect_err(bad, StatusCode::UNAUTHORIZED, ErrorCode::BadSignature).await;
    let good = t
        .raw(
            Method::GET,
            "/v1/catalog/full?limit=1",
            vec![],
            ts,
            &n2,
            None,
            &[],
        )
        .await
        .unwrap();
    assert_eq!(good.status(), StatusCode::OK);

    // body is covered by the signature
    let body = serde_json::to_vec(&PrepareRequest {
        code: "CC-TEST-0001".into(),
    })
    .unwrap();
    let sig = cardcat_wire::sign::sign(
        &t.secret,
        "POST",
        "/v1/redemptions/prepare",
        now_secs(),
        "n-b",
        b"{}",
    );
    let r = t
        .raw(
            Method::POST,
            "/v1/redemptions/prepare",
            body,
            now_secs(),
            "n-b",
            Some(sig),
            &[],
        )
        .await
        .unwrap();
    expect_err(r, StatusCode::UNAUTHORIZED, ErrorCode::BadSignature).await;

    // unsigned access to a signed route
    let r = env
        .http
        .get(env.url("/v1/catalog/full"))
        .send()
        .await
        .unwrap();
    expect_err(r, StatusCode::UNAUTHORIZED, ErrorCode::UnknownTerminal).await;
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn every_listed_route_is_served() {
    let env = start().await;
    let t = env.activate().await;
    for (method, template) in cardcat_sandbox::ROUTES {
        let path = template
            .replace("{client_key}", &Uuid::now_v7().to_string())
            .replace("{request_id}", &Uuid::new_v4().to_string())
            .replace("{date}", "2024-01-02");
        let body = if *method == "POST" {
            b"{}".to_vec()
        } else {
            Vec::new()
        };
        let r = t
            .try_send(Method::from_bytes(method.as_bytes()).unwrap(), &path, body)
            .await
            .unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        assert_ne!(
            status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {template}"
        );
        assert!(
            !text.contains("no such route"),
            "{method} {template}: {text}"
        );
    }
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn full_catalog_paging_and_etag() {
    let env = start_with(|c| c.extra_skus = 3000).await;
    let t = env.activate().await;
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    let mut total;
    loop {
        let path = match &after {
            Some(a) => format!("/v1/catalog/full?after={a}&limit=700"),
            None => "/v1/catalog/full?limit=700".to_string(),
        };
        let page: CatalogPage = t.get_ok(&path).await;
        assert_eq!(page.version, 1);
        assert_eq!(
            page.categories.is_empty(),
            after.is_some(),
            "categories only on the first page"
        );
        total = page.total;
        seen.extend(page.products.iter().map(|p| p.sku.clone()));
        pages += 1;
        match page.next_after {
            Some(n) => {
                assert_eq!(Some(&n), page.products.last().map(|p| &p.sku));
                after = Some(n);
            }
            None => break,
        }
    }
    let unique: HashSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "a sku came twice");
    assert_eq!(seen.len() as u64, total);
    assert!(total > 3150, "{total}");
    assert_eq!(pages, total.div_ceil(700));
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "sorted by sku");

    // ETag and If-None-Match
    let r = t.get("/v1/catalog/full?limit=100").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/json");
    let tag = r.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(tag, "\"v1--100\"");
    let inm = [("if-none-match", tag.as_str())];
    let r = t
        .raw(
            Method::GET,
            "/v1/catalog/full?limit=100",
            vec![],
            now_secs(),
            &nonce(),
            None,
            &inm,
        )
        .await;
    assert_eq!(r.unwrap().status(), StatusCode::NOT_MODIFIED);
    let r = t
        .get(&format!("/v1/catalog/full?after={}&limit=100", seen[10]))
        .await;
    assert_eq!(
        r.headers()["etag"].to_str().unwrap(),
        format!("\"v1-{}-100\"", seen[10])
    );
    // after a churn the same tag no longer matches
    let c: ChurnResponse = env
        .admin_post("/admin/catalog/churn", &ChurnRequest { changes: 3 })
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(c.version, 2);
    let r = t
        .raw(
            Method::GET,
            "/v1/catalog/full?limit=100",
            vec![],
            now_secs(),
            &nonce(),
            None,
            &inm,
        )
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["etag"], "\"v2--100\"");
    // limits: 1..=MAX_PAGE, anything else is 400 (as documented)
    let max = cardcat_wire::MAX_PAGE;
    let page: CatalogPage = t.get_ok(&format!("/v1/catalog/full?limit={max}")).await;
    assert_eq!(page.products.len() as u64, total.min(u64::from(max)));
    assert!(page.next_after.is_none());
    for bad in [
        "/v1/catalog/full?limit=999999".to_string(),
        format!("/v1/catalog/full?limit={}", max + 1),
        "/v1/catalog/full?limit=0".to_string(),
        "/v1/catalog/full?limit=-1".to_string(),
        format!("/v1/catalog/delta?since=1&limit={}", max + 1),
        "/v1/catalog/delta?since=1&limit=0".to_string(),
        // the delta cursor's halves go together
        "/v1/catalog/delta?since=1&after_version=2".to_string(),
        "/v1/catalog/delta?since=1&after_sku=A".to_string(),
    ] {
        let e = expect_err(
            t.get(&bad).await,
            StatusCode::BAD_REQUEST,
            ErrorCode::BadRequest,
        )
        .await;
        assert!(!e.message.is_empty(), "{bad}");
    }
    let d: CatalogDelta = t
        .get_ok(&format!("/v1/catalog/delta?since=1&limit={max}"))
        .await;
    assert!(d.next.is_none());
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn fifty_thousand_skus_sync_quickly() {
    let env = start_with(|c| c.extra_skus = 50_000).await;
    let t = env.activate().await;
    let started = std::time::Instant::now();
    let mut after: Option<String> = None;
    let mut n = 0;
    loop {
        let path = match &after {
            Some(a) => format!("/v1/catalog/full?after={a}&limit=5000"),
            None => "/v1/catalog/full?limit=5000".to_string(),
        };
        let page: CatalogPage = t.get_ok(&path).await;
        n += page.products.len();
        match page.next_after {
            Some(a) => after = Some(a),
            None => break,
        }
    }
    let took = started.elapsed();
    assert!(n > 50_000);
    // generous for an unoptimised debug build on a busy 2-core machine; release is far faster
    assert!(took < Duration::from_secs(15), "{took:?}");
    eprintln!("synced {n} SKUs in {took:?} (debug build)");
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn churn_then_delta() {
    let env = start_with(|c| c.extra_skus = 500).await;
    let t = env.activate().await;
    let empty: CatalogDelta = t.get_ok("/v1/catalog/delta?since=1").await;
    assert!(empty.changes.is_empty() && empty.next.is_none() && empty.remaining == 0);
    assert_eq!(empty.version, 1);

    let unauth = env
        .http
        .post(env.url("/admin/catalog/churn"))
        .json(&ChurnRequest { changes: 1 })
        .send()
        .await
        .unwrap();
    expect_err(unauth, StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized).await;
    let c: ChurnResponse = env
        .admin_post("/admin/catalog/churn", &ChurnRequest { changes: 25 })
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((c.version, c.changed), (2, 25));
    let c2: ChurnResponse = env
        .admin_post("/admin/catalog/churn", &ChurnRequest { changes: 5 })
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(c2.version, 3);
    let h: HealthResponse = env
        .http
        .get(env.url("/v1/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(h.catalog_version, 3);

    // page through everything since version 1, 7 rows at a time
    let mut changes: Vec<Product> = Vec::new();
    let mut path = "/v1/catalog/delta?since=1&limit=7".to_string();
    let mut first_remaining = None;
    loop {
        let d: CatalogDelta = t.get_ok(&path).await;
        assert_eq!(d.version, 3);
        let total = *first_remaining.get_or_insert(d.remaining);
        assert_eq!(
            d.remaining,
            total - changes.len() as u64,
            "remaining counts this page and later ones"
        );
        assert_eq!(
            d.categories.is_empty(),
            !changes.is_empty(),
            "categories only on the first page"
        );
        changes.extend(d.changes);
        match d.next {
            Some(n) => {
                path = format!(
                    "/v1/catalog/delta?since=1&after_version={}&after_sku={}&limit=7",
                    n.after_version, n.after_sku
                )
            }
            None => break,
        }
    }
    // a product changed in both batches appears once, with its latest version
    let skus: HashSet<_> = changes.iter().map(|p| p.sku.clone()).collect();
    assert_eq!(skus.len(), changes.len());
    assert!((25..=30).contains(&changes.len()), "{}", changes.len());
    assert_eq!(first_remaining, Some(changes.len() as u64));
    assert!(
        changes
            .windows(2)
            .all(|w| (w[0].version, &w[0].sku) < (w[1].version, &w[1].sku))
    );
    assert_eq!(changes.iter().filter(|p| p.version == 3).count(), 5);
    for p in &changes {
        assert!(p.retail_price >= p.cost, "{}", p.sku);
        assert_eq!(
            &product(&t, &p.sku).await,
            p,
            "delta row matches the full catalog"
        );
    }
    // since the latest version: nothing
    let d: CatalogDelta = t.get_ok("/v1/catalog/delta?since=3").await;
    assert!(d.changes.is_empty());
    // since 2: only the second batch
    let d: CatalogDelta = t.get_ok("/v1/catalog/delta?since=2").await;
    assert_eq!(d.changes.len(), 5);
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn order_idempotency() {
    let env = start().await;
    let t = env.activate().await;
    let p = product(&t, "CM-HF-50").await;
    let mut req = order("CM-HF-50", "13800138000", p.cost);
    req.qty = 2;
    let a: OrderView = t.post_ok("/v1/orders", &req).await;
    assert_eq!(a.status, RemoteStatus::Succeeded);
    assert_eq!(a.amount, p.cost.checked_mul(2).unwrap());
    assert_eq!(
        a.commission,
        p.retail_price
            .checked_sub(p.cost)
            .unwrap()
            .checked_mul(2)
            .unwrap()
    );
    assert!(a.pins.is_empty());
    assert!(a.platform_order_id.starts_with('P') && a.platform_order_id.len() == 17);
    assert!(a.platform_order_id[1..].bytes().all(|b| b.is_ascii_digit()));
    let b: OrderView = t.post_ok("/v1/orders", &req).await;
    assert_eq!(a, b, "a replay returns the same order");
    assert_eq!(fulfilments(&env, req.client_key).await, 1);
    let got: OrderView = t.get_ok(&format!("/v1/orders/{}", req.client_key)).await;
    assert_eq!(got, a);

    // same key, different body
    let mut other = req.clone();
    other.qty = 3;
    expect_err(
        t.post("/v1/orders", &other).await,
        StatusCode::CONFLICT,
        ErrorCode::IdempotencyConflict,
    )
    .await;
    let mut other = req.clone();
    other.account = AccountInput::new("13900139000");
    expect_err(
        t.post("/v1/orders", &other).await,
        StatusCode::CONFLICT,
        ErrorCode::IdempotencyConflict,
    )
    .await;
    assert_eq!(fulfilments(&env, req.client_key).await, 1);

    // price, sku, qty checks
    let cheap = order(
        "CM-HF-50",
        "13800138000",
        p.cost.checked_sub(Money::from_fen(1)).unwrap(),
    );
    let e = expect_err(
        t.post("/v1/orders", &cheap).await,
        StatusCode::CONFLICT,
        ErrorCode::PriceChanged,
    )
    .await;
    assert!(e.message.contains(&p.cost.to_string()));
    expect_err(
        t.post("/v1/orders", &order("NO-SUCH", "1", p.cost)).await,
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
    )
    .await;
    let mut zero = order("CM-HF-50", "13800138000", p.cost);
    zero.qty = 0;
    expect_err(
        t.post("/v1/orders", &zero).await,
        StatusCode::BAD_REQUEST,
        ErrorCode::BadRequest,
    )
    .await;
    assert_eq!(fulfilments(&env, cheap.client_key).await, 0);
    expect_err(
        t.get(&format!("/v1/orders/{}", Uuid::now_v7())).await,
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
    )
    .await;

    // concurrent duplicates fulfil once
    let dup = order(
        "CT-HF-100",
        "18900001111",
        product(&t, "CT-HF-100").await.cost,
    );
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (t, dup) = (t.clone(), dup.clone());
        tasks.push(tokio::spawn(async move {
            t.post_ok::<_, OrderView>("/v1/orders", &dup).await
        }));
    }
    let mut ids = HashSet::new();
    for task in tasks {
        ids.insert(task.await.unwrap().platform_order_id);
    }
    assert_eq!(ids.len(), 1);
    assert_eq!(fulfilments(&env, dup.client_key).await, 1);

    // PIN cards deliver qty PINs
    let card = product(&t, "WY-YKT-30").await;
    assert!(cardcat_sandbox::gtin13_valid(
        card.barcode.as_deref().unwrap()
    ));
    let mut pin = order("WY-YKT-30", "", card.cost);
    pin.qty = 3;
    let v: OrderView = t.post_ok("/v1/orders", &pin).await;
    assert_eq!(v.status, RemoteStatus::Succeeded);
    assert_eq!(v.pins.len(), 3);
    for p in &v.pins {
        assert_eq!(p.card_no.len(), 16);
        assert!(p.card_no.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(p.pin.chars().count(), 18);
    }
    let again: OrderView = t.post_ok("/v1/orders", &pin).await;
    assert_eq!(again.pins, v.pins, "the same PINs, not new ones");

    // an unavailable product
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    conn.execute(
        "UPDATE products SET available = 0 WHERE sku = 'CU-HF-10'",
        [],
    )
    .unwrap();
    let cu = product(&t, "CU-HF-10").await;
    expect_err(
        t.post("/v1/orders", &order("CU-HF-10", "13000000000", cu.cost))
            .await,
        StatusCode::CONFLICT,
        ErrorCode::ProductUnavailable,
    )
    .await;

    // another store cannot see or reuse this store's order
    let code = cardcat_sandbox::create_pairing_code(&env.db(), Some("S002")).unwrap();
    let other: cardcat_wire::ActivateResponse = env
        .http
        .post(env.url("/v1/activate"))
        .json(&cardcat_wire::ActivateRequest {
            code: code.code,
            device_name: "b".into(),
        })
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let t2 = Terminal {
        id: other.terminal_id,
        store_id: other.store_id,
        secret: hex::decode(other.secret).unwrap(),
        ..t.clone()
    };
    expect_err(
        t2.get(&format!("/v1/orders/{}", req.client_key)).await,
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
    )
    .await;
    expect_err(
        t2.post("/v1/orders", &req).await,
        StatusCode::CONFLICT,
        ErrorCode::IdempotencyConflict,
    )
    .await;
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn scripted_outcomes() {
    let env = start_with(|c| {
        c.slow_secs = 1;
        c.reverse_after_secs = 1;
    })
    .await;
    let t = env.activate().await;
    let cost = product(&t, "CM-HF-10").await.cost;
    let create = |acct: &str| order("CM-HF-10", acct, cost);

    // 201 / 301: failed, never fulfilled
    let r201 = create("13800138201");
    let v: OrderView = t.post_ok("/v1/orders", &r201).await;
    assert_eq!(v.status, RemoteStatus::Failed);
    assert_eq!(v.failure.as_ref().unwrap().code, "invalid_account");
    assert_eq!(fulfilments(&env, r201.client_key).await, 0);
    let r301 = create("13800138301");
    let v: OrderView = t.post_ok("/v1/orders", &r301).await;
    assert_eq!(
        (v.status, v.failure.unwrap().code.as_str()),
        (RemoteStatus::Failed, "supplier_down")
    );

    // 101: PIN payload on a mobile top-up
    let r101 = create("13800138101");
    let v: OrderView = t.post_ok("/v1/orders", &r101).await;
    assert_eq!(v.status, RemoteStatus::Succeeded);
    assert_eq!(v.pins.len(), 1);

    // 401: pending, then succeeded after slow_secs, fulfilled once
    let r401 = create("13800138401");
    let v: OrderView = t.post_ok("/v1/orders", &r401).await;
    assert_eq!(v.status, RemoteStatus::Pending);
    assert_eq!(fulfilments(&env, r401.client_key).await, 0);
    let v: OrderView = t.get_ok(&format!("/v1/orders/{}", r401.client_key)).await;
    assert_eq!(v.status, RemoteStatus::Pending);

    // 601: succeeded, then reversed
    let r601 = create("13800138601");
    let v: OrderView = t.post_ok("/v1/orders", &r601).await;
    assert_eq!(v.status, RemoteStatus::Succeeded);

    // 801: pending, then failed timeout_upstream after 3 s
    let r801 = create("13800138801");
    let v: OrderView = t.post_ok("/v1/orders", &r801).await;
    assert_eq!(v.status, RemoteStatus::Pending);

    // 701: succeeded, one stale FAILED on the first status query, then succeeded
    let r701 = create("13800138701");
    let v: OrderView = t.post_ok("/v1/orders", &r701).await;
    assert_eq!(v.status, RemoteStatus::Succeeded);
    let replay: OrderView = t.post_ok("/v1/orders", &r701).await;
    assert_eq!(
        replay.status,
        RemoteStatus::Succeeded,
        "a create replay is not a status query"
    );
    let v: OrderView = t.get_ok(&format!("/v1/orders/{}", r701.client_key)).await;
    assert_eq!(v.status, RemoteStatus::Failed);
    for _ in 0..3 {
        let v: OrderView = t.get_ok(&format!("/v1/orders/{}", r701.client_key)).await;
        assert_eq!(v.status, RemoteStatus::Succeeded);
    }
    assert_eq!(fulfilments(&env, r701.client_key).await, 1);

    // 501: committed and fulfilled, but the response breaks
    let r501 = create("13800138501");
    let body = serde_json::to_vec(&r501).unwrap();
    let broken = match t.try_send(Method::POST, "/v1/orders", body).await {
        Err(_) => true,
        Ok(resp) => resp.bytes().await.is_err(),
    };
    assert!(broken, "the 501 response must not arrive intact");
    assert_eq!(fulfilments(&env, r501.client_key).await, 1);
    let v: OrderView = t.get_ok(&format!("/v1/orders/{}", r501.client_key)).await;
    assert_eq!(v.status, RemoteStatus::Succeeded);
    let retry: OrderView = t.post_ok("/v1/orders", &r501).await;
    assert_eq!(retry.platform_order_id, v.platform_order_id);
    assert_eq!(fulfilments(&env, r501.client_key).await, 1);

    // 901: 503 with nothing committed; the retry with the same key goes through
    let r901 = create("13800138901");
    expect_err(
        t.post("/v1/orders", &r901).await,
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::Unavailable,
    )
    .await;
    expect_err(
        t.get(&format!("/v1/orders/{}", r901.client_key)).await,
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
    )
    .await;
    assert_eq!(fulfilments(&env, r901.client_key).await, 0);
    let v: OrderView = t.post_ok("/v1/orders", &r901).await;
    assert_eq!(v.status, RemoteStatus::Succeeded);
    assert_eq!(fulfilments(&env, r901.client_key).await, 1);

    tokio::time::sleep(Duration::from_millis(3200)).await;
    let v: OrderView = t.get_ok(&format!("/v1/orders/{}", r401.client_key)).await;
    assert_eq!(v.status, RemoteStatus::Succeeded);
    let v: OrderView = t.get_ok(&format!("/v1/orders/{}", r601.client_key)).await;
    assert_eq!(v.status, RemoteStatus::Reversed);
    assert_eq!(fulfilments(&env, r601.client_key).await, 1);

    // batch status: settled views plus missing keys
    let unknown = Uuid::now_v7();
    let batch: BatchStatusResponse = t
        .post_ok(
            "/v1/orders/status",
            &BatchStatusRequest {
                client_keys: vec![r401.client_key, r801.client_key, unknown],
            },
        )
        .await;
    assert_eq!(batch.missing, vec![unknown]);
    assert_eq!(batch.orders.len(), 2);
    assert_eq!(batch.orders[0].status, RemoteStatus::Succeeded);
    assert_eq!(batch.orders[1].status, RemoteStatus::Failed);
    assert_eq!(
        batch.orders[1].failure.as_ref().unwrap().code,
        "timeout_upstream"
    );
    assert_eq!(fulfilments(&env, r401.client_key).await, 1);
    assert_eq!(fulfilments(&env, r801.client_key).await, 0);
    let too_many = BatchStatusRequest {
        client_keys: (0..501).map(|_| Uuid::now_v7()).collect(),
    };
    expect_err(
        t.post("/v1/orders/status", &too_many).await,
        StatusCode::BAD_REQUEST,
        ErrorCode::BadRequest,
    )
    .await;
    env.sandbox.shutdown().await;
}

fn today_utc8() -> String {
    let now = time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8));
    now.date()
        .format(time::macros::format_description!("[year]-[month]-[day]"))
        .unwrap()
}

#[tokio::test]
async fn statement_lines_and_adjustments() {
    let env = start_with(|c| c.reverse_after_secs = 0).await;
    let t = env.activate().await;
    let p = product(&t, "CM-HF-50").await;
    let mut ok = order("CM-HF-50", "13800138000", p.cost);
    ok.qty = 2;
    let _: OrderView = t.post_ok("/v1/orders", &ok).await;
    let failed = order("CM-HF-50", "13800138201", p.cost);
    let _: OrderView = t.post_ok("/v1/orders", &failed).await;
    let reversed = order("CM-HF-50", "13800138601", p.cost);
    let v: OrderView = t.post_ok("/v1/orders", &reversed).await;
    assert_eq!(v.status, RemoteStatus::Reversed);

    let adj = StatementAdjustRequest {
        client_key: ok.client_key,
        delta: "1.00".parse().unwrap(),
    };
    let r = env.admin_post("/admin/statements/adjust", &adj).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let missing = StatementAdjustRequest {
        client_key: Uuid::now_v7(),
        delta: Money::from_fen(1),
    };
    expect_err(
        env.admin_post("/admin/statements/adjust", &missing).await,
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
    )
    .await;

    let date = today_utc8();
    let s: Statement = t.get_ok(&format!("/v1/statements/{date}")).await;
    assert_eq!(s.date, date);
    assert_eq!(s.store_id, t.store_id);
    assert_eq!(s.lines.len(), 3);
    let line = |k: Uuid| s.lines.iter().find(|l| l.client_key == k).unwrap();
    let booked = p.cost.checked_mul(2).unwrap();
    assert_eq!(
        line(ok.client_key).amount,
        booked.checked_add(Money::from_yuan(1)).unwrap()
    );
    assert_eq!(
        line(ok.client_key).commission,
        p.commission().checked_mul(2).unwrap()
    );
    assert_eq!(
        (
            line(failed.client_key).amount,
            line(failed.client_key).commission
        ),
        (Money::ZERO, Money::ZERO)
    );
    assert_eq!(line(reversed.client_key).status, RemoteStatus::Reversed);
    assert_eq!(line(reversed.client_key).amount, Money::ZERO);
    assert_eq!(
        s.total_amount,
        s.lines.iter().map(|l| l.amount).sum::<Money>()
    );
    assert_eq!(s.total_commission, p.commission().checked_mul(2).unwrap());

    let empty: Statement = t.get_ok("/v1/statements/2001-01-01").await;
    assert!(empty.lines.is_empty() && empty.total_amount == Money::ZERO);
    expect_err(
        t.get("/v1/statements/not-a-date").await,
        StatusCode::BAD_REQUEST,
        ErrorCode::BadRequest,
    )
    .await;
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn vouchers_redeem_and_cancel() {
    let env = start().await;
    let t = env.activate().await;
    let prep = |code: &str| {
        t.post(
            "/v1/redemptions/prepare",
            &PrepareRequest { code: code.into() },
        )
    };
    let info: VoucherInfo = prep("CC-TEST-0001").await.json().await.unwrap();
    assert_eq!(
        (info.status, info.value),
        (VoucherStatus::Unused, Money::from_yuan(50))
    );
    let info: VoucherInfo = prep("CC-TEST-0003").await.json().await.unwrap();
    assert_eq!(info.status, VoucherStatus::Expired);
    let info: VoucherInfo = prep("CC-TEST-0004").await.json().await.unwrap();
    assert_eq!(info.status, VoucherStatus::Redeemed);
    expect_err(
        prep("CC-NOPE").await,
        StatusCode::NOT_FOUND,
        ErrorCode::VoucherNotFound,
    )
    .await;

    let verify = |id: Uuid, code: &str| {
        t.post(
            "/v1/redemptions/verify",
            &VerifyRequest {
                request_id: id,
                code: code.into(),
                cashier_id: "c1".into(),
            },
        )
    };
    let r1 = Uuid::new_v4();
    let v: RedemptionView = verify(r1, "CC-TEST-0001").await.json().await.unwrap();
    assert_eq!(v.status, RedemptionStatus::Redeemed);
    assert_eq!(
        v.cancel_deadline_ms - v.redeemed_at_ms,
        cardcat_sandbox::CANCEL_WINDOW_MS
    );
    let again: RedemptionView = verify(r1, "CC-TEST-0001").await.json().await.unwrap();
    assert_eq!(again, v, "verify is idempotent on request_id");
    expect_err(
        verify(Uuid::new_v4(), "CC-TEST-0001").await,
        StatusCode::CONFLICT,
        ErrorCode::VoucherUsed,
    )
    .await;
    expect_err(
        verify(Uuid::new_v4(), "CC-TEST-0003").await,
        StatusCode::GONE,
        ErrorCode::VoucherExpired,
    )
    .await;
    expect_err(
        verify(Uuid::new_v4(), "CC-TEST-0004").await,
        StatusCode::CONFLICT,
        ErrorCode::VoucherUsed,
    )
    .await;
    expect_err(
        verify(Uuid::new_v4(), "CC-TEST-0005").await,
        StatusCode::CONFLICT,
        ErrorCode::VoucherCancelled,
    )
    .await;
    expect_err(
        verify(Uuid::new_v4(), "CC-NOPE").await,
        StatusCode::NOT_FOUND,
        ErrorCode::VoucherNotFound,
    )
    .await;

    // cancel (idempotent) makes the voucher usable again
    let c: RedemptionView = t
        .post_ok(
            "/v1/redemptions/cancel",
            &CancelRedemptionRequest { request_id: r1 },
        )
        .await;
    assert_eq!(c.status, RedemptionStatus::Cancelled);
    let c2: RedemptionView = t
        .post_ok(
            "/v1/redemptions/cancel",
            &CancelRedemptionRequest { request_id: r1 },
        )
        .await;
    assert_eq!(c2, c);
    let got: RedemptionView = t.get_ok(&format!("/v1/redemptions/{r1}")).await;
    assert_eq!(got.status, RedemptionStatus::Cancelled);
    let info: VoucherInfo = prep("CC-TEST-0001").await.json().await.unwrap();
    assert_eq!(info.status, VoucherStatus::Unused);
    let r3 = Uuid::new_v4();
    let v3: RedemptionView = verify(r3, "CC-TEST-0001").await.json().await.unwrap();
    assert_eq!(v3.status, RedemptionStatus::Redeemed);

    // after the window
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    conn.execute(
        "UPDATE redemptions SET cancel_deadline_ms = 1 WHERE request_id = ?1",
        [r3.to_string()],
    )
    .unwrap();
    expect_err(
        t.post(
            "/v1/redemptions/cancel",
            &CancelRedemptionRequest { request_id: r3 },
        )
        .await,
        StatusCode::CONFLICT,
        ErrorCode::CancelWindowClosed,
    )
    .await;
    expect_err(
        t.post(
            "/v1/redemptions/cancel",
            &CancelRedemptionRequest {
                request_id: Uuid::new_v4(),
            },
        )
        .await,
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
    )
    .await;
    expect_err(
        t.get(&format!("/v1/redemptions/{}", Uuid::new_v4())).await,
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
    )
    .await;

    // admin-made vouchers, including an already expired one
    let nv = NewVoucherRequest {
        title: "奈雪的茶30元券".into(),
        merchant: "奈雪".into(),
        value: Money::from_yuan(30),
        expires_in_secs: 3600,
    };
    let made: VoucherInfo = env
        .admin_post("/admin/vouchers", &nv)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(made.status, VoucherStatus::Unused);
    let v: RedemptionView = verify(Uuid::new_v4(), &made.code)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v.value, Money::from_yuan(30));
    let old = cardcat_sandbox::create_voucher(
        &env.db(),
        &NewVoucherRequest {
            expires_in_secs: -10,
            ..nv
        },
    )
    .unwrap();
    assert_eq!(old.status, VoucherStatus::Expired);
    expect_err(
        verify(Uuid::new_v4(), &old.code).await,
        StatusCode::GONE,
        ErrorCode::VoucherExpired,
    )
    .await;
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn chaos_settings() {
    let env = start().await;
    let t = env.activate().await;
    let set = |c: ChaosConfig| env.admin_post("/admin/chaos", &c);
    assert_eq!(
        set(ChaosConfig {
            error_permille: 1000,
            ..Default::default()
        })
        .await
        .status(),
        StatusCode::OK
    );
    let got: ChaosConfig = env.admin_get("/admin/chaos").await.json().await.unwrap();
    assert_eq!(got.error_permille, 1000);
    expect_err(
        t.get("/v1/catalog/full?limit=1").await,
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::Unavailable,
    )
    .await;
    // unsigned routes are not affected
    assert_eq!(
        env.http
            .get(env.url("/v1/health"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    // corrupt, then drop, then normal
    set(ChaosConfig {
        corrupt_catalog_pages: 1,
        drop_catalog_pages: 1,
        ..Default::default()
    })
    .await;
    let broken = match t
        .try_send(Method::GET, "/v1/catalog/full?limit=50", Vec::new())
        .await
    {
        Err(_) => true,
        Ok(r) => r.bytes().await.is_err(),
    };
    assert!(broken, "dropped mid-body");
    let r = t.get("/v1/catalog/full?limit=50").await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.unwrap();
    assert!(
        serde_json::from_str::<CatalogPage>(&text).is_err(),
        "corrupt page parses: {text}"
    );
    let got: ChaosConfig = env.admin_get("/admin/chaos").await.json().await.unwrap();
    assert_eq!((got.corrupt_catalog_pages, got.drop_catalog_pages), (0, 0));
    let _: CatalogPage = t.get_ok("/v1/catalog/full?limit=50").await;

    // dropped order responses are still committed
    set(ChaosConfig {
        drop_permille: 1000,
        latency_ms: 300,
        ..Default::default()
    })
    .await;
    let cost = product(&t, "CU-HF-30").await.cost;
    let req = order("CU-HF-30", "13000000000", cost);
    let started = std::time::Instant::now();
    let broken = match t
        .try_send(
            Method::POST,
            "/v1/orders",
            serde_json::to_vec(&req).unwrap(),
        )
        .await
    {
        Err(_) => true,
        Ok(resp) => resp.bytes().await.is_err(),
    };
    assert!(broken);
    assert!(started.elapsed() >= Duration::from_millis(300));
    set(ChaosConfig::default()).await;
    let v: OrderView = t.get_ok(&format!("/v1/orders/{}", req.client_key)).await;
    assert_eq!(v.status, RemoteStatus::Succeeded);
    assert_eq!(fulfilments(&env, req.client_key).await, 1);
    let bad = env
        .admin_post(
            "/admin/chaos",
            &ChaosConfig {
                error_permille: 1001,
                ..Default::default()
            },
        )
        .await;
    expect_err(bad, StatusCode::BAD_REQUEST, ErrorCode::BadRequest).await;
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn restart_keeps_everything() {
    let env = start_with(|c| c.slow_secs = 1).await;
    let t = env.activate().await;
    let cost = product(&t, "CM-HF-20").await.cost;
    let done = order("CM-HF-20", "13800138000", cost);
    let before_view: OrderView = t.post_ok("/v1/orders", &done).await;
    let slow = order("CM-HF-20", "13800138401", cost);
    let _: OrderView = t.post_ok("/v1/orders", &slow).await;
    let _: ChurnResponse = env
        .admin_post("/admin/catalog/churn", &ChurnRequest { changes: 4 })
        .await
        .json()
        .await
        .unwrap();
    let rid = Uuid::new_v4();
    let _: RedemptionView = t
        .post_ok(
            "/v1/redemptions/verify",
            &VerifyRequest {
                request_id: rid,
                code: "CC-TEST-0002".into(),
                cashier_id: "c".into(),
            },
        )
        .await;
    let (n, ts) = (nonce(), now_secs());
    let r = t
        .raw(
            Method::GET,
            "/v1/catalog/delta?since=1",
            vec![],
            ts,
            &n,
            None,
            &[],
        )
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let Env { dir, sandbox, http } = env;
    sandbox.shutdown().await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let sandbox = cardcat_sandbox::start(config(&dir), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let t = Terminal {
        base: sandbox.url(),
        ..t
    };
    let env = Env { dir, sandbox, http };

    // the same credentials, order, fulfilment, catalog version, redemption and nonce
    let h: HealthResponse = env
        .http
        .get(env.url("/v1/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(h.catalog_version, 2);
    let after_view: OrderView = t.get_ok(&format!("/v1/orders/{}", done.client_key)).await;
    assert_eq!(after_view, before_view);
    assert_eq!(fulfilments(&env, done.client_key).await, 1);
    let again: OrderView = t.post_ok("/v1/orders", &done).await;
    assert_eq!(again, before_view);
    assert_eq!(fulfilments(&env, done.client_key).await, 1);
    // this restart uses the default slow_secs (20): the 401 order, created about a second
    // ago, is still pending; timing is evaluated from the stored creation time
    let v: OrderView = t.get_ok(&format!("/v1/orders/{}", slow.client_key)).await;
    assert_eq!(v.status, RemoteStatus::Pending);
    let red: RedemptionView = t.get_ok(&format!("/v1/redemptions/{rid}")).await;
    assert_eq!(red.code, "CC-TEST-0002");
    let r = t
        .raw(
            Method::GET,
            "/v1/catalog/delta?since=1",
            vec![],
            ts,
            &n,
            None,
            &[],
        )
        .await
        .unwrap();
    expect_err(r, StatusCode::CONFLICT, ErrorCode::ReplayedNonce).await;
    let d: CatalogDelta = t.get_ok("/v1/catalog/delta?since=1").await;
    assert_eq!(d.changes.len(), 4);
    env.sandbox.shutdown().await;

    // and with slow_secs = 1 again the pending order completes, fulfilled exactly once
    let Env { dir, http, .. } = env;
    let mut cfg = config(&dir);
    cfg.slow_secs = 1;
    let sandbox = cardcat_sandbox::start(cfg, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let t = Terminal {
        base: sandbox.url(),
        ..t
    };
    let v: OrderView = t.get_ok(&format!("/v1/orders/{}", slow.client_key)).await;
    assert_eq!(v.status, RemoteStatus::Succeeded);
    let env = Env { dir, sandbox, http };
    assert_eq!(fulfilments(&env, slow.client_key).await, 1);
    env.sandbox.shutdown().await;
}

/// Asserts a 404 `not_found` and returns its message.
async fn not_found(r: reqwest::Response) -> String {
    expect_err(r, StatusCode::NOT_FOUND, ErrorCode::NotFound)
        .await
        .message
}

#[tokio::test]
async fn redemptions_belong_to_the_store_that_made_them() {
    let env = start().await;
    let a1 = env.activate_in(Some("S001")).await;
    let a2 = env.activate_in(Some("S001")).await;
    let b = env.activate_in(Some("S002")).await;
    let verify = |t: &Terminal, id: Uuid, code: &str| {
        let body = VerifyRequest {
            request_id: id,
            code: code.into(),
            cashier_id: "c1".into(),
        };
        let t = t.clone();
        async move { t.post("/v1/redemptions/verify", &body).await }
    };
    let cancel = |t: &Terminal, id: Uuid| {
        let t = t.clone();
        async move {
            t.post(
                "/v1/redemptions/cancel",
                &CancelRedemptionRequest { request_id: id },
            )
            .await
        }
    };
    let r1 = Uuid::new_v4();
    let made: RedemptionView = verify(&a1, r1, "CC-TEST-0001").await.json().await.unwrap();
    assert_eq!(made.status, RedemptionStatus::Redeemed);

    // another store that knows the 核销单号: exactly "not found", like an unknown id
    let unknown = Uuid::new_v4();
    let foreign_read = not_found(b.get(&format!("/v1/redemptions/{r1}")).await).await;
    let unknown_read = not_found(b.get(&format!("/v1/redemptions/{unknown}")).await).await;
    assert_eq!(
        foreign_read.replace(&r1.to_string(), "ID"),
        unknown_read.replace(&unknown.to_string(), "ID")
    );
    let foreign_cancel = not_found(cancel(&b, r1).await).await;
    let unknown_cancel = not_found(cancel(&b, unknown).await).await;
    assert_eq!(
        foreign_cancel.replace(&r1.to_string(), "ID"),
        unknown_cancel.replace(&unknown.to_string(), "ID")
    );
    // ... so the voucher stays redeemed and cannot be redeemed again, under any id
    let info: VoucherInfo = b
        .post_ok(
            "/v1/redemptions/prepare",
            &PrepareRequest {
                code: "CC-TEST-0001".into(),
            },
        )
        .await;
    assert_eq!(info.status, VoucherStatus::Redeemed);
    for id in [r1, Uuid::new_v4()] {
        expect_err(
            verify(&b, id, "CC-TEST-0001").await,
            StatusCode::CONFLICT,
            ErrorCode::VoucherUsed,
        )
        .await;
    }
    // a foreign request_id is never answered with the other store's redemption
    let e = expect_err(
        verify(&b, r1, "CC-TEST-0002").await,
        StatusCode::CONFLICT,
        ErrorCode::IdempotencyConflict,
    )
    .await;
    assert!(!e.message.contains("CC-TEST-0001"), "{}", e.message);
    let info: VoucherInfo = b
        .post_ok(
            "/v1/redemptions/prepare",
            &PrepareRequest {
                code: "CC-TEST-0002".into(),
            },
        )
        .await;
    assert_eq!(info.status, VoucherStatus::Unused, "nothing was redeemed");

    // the owning store (any of its terminals) still reads, re-verifies and cancels it
    let got: RedemptionView = a2.get_ok(&format!("/v1/redemptions/{r1}")).await;
    assert_eq!(got, made);
    let again: RedemptionView = verify(&a2, r1, "CC-TEST-0001").await.json().await.unwrap();
    assert_eq!(again, made);
    let cancelled: RedemptionView = a2
        .post_ok(
            "/v1/redemptions/cancel",
            &CancelRedemptionRequest { request_id: r1 },
        )
        .await;
    assert_eq!(cancelled.status, RedemptionStatus::Cancelled);
    // after the owner's cancel, the other store still sees nothing under that id
    not_found(b.get(&format!("/v1/redemptions/{r1}")).await).await;
    not_found(cancel(&b, r1).await).await;
    let e = expect_err(
        verify(&b, r1, "CC-TEST-0001").await,
        StatusCode::CONFLICT,
        ErrorCode::IdempotencyConflict,
    )
    .await;
    assert!(!e.message.contains("CC-TEST-0001"), "{}", e.message);
    let mine: RedemptionView = a1.get_ok(&format!("/v1/redemptions/{r1}")).await;
    assert_eq!(mine.status, RedemptionStatus::Cancelled);
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn pins_are_shown_to_the_seller_and_to_the_audited_store_route() {
    let env = start().await;
    let seller = env.activate_in(Some("S001")).await;
    let colleague = env.activate_in(Some("S001")).await;
    let stranger = env.activate_in(Some("S002")).await;
    let card = product(&seller, "WY-YKT-30").await;
    let mut sale = order("WY-YKT-30", "", card.cost);
    sale.qty = 2;
    let sold: OrderView = seller.post_ok("/v1/orders", &sale).await;
    assert_eq!(sold.pins.len(), 2);
    assert!(!sold.pins_withheld);
    let key = sale.client_key;

    // the seller keeps seeing them (status, batch status, create replay)
    let v: OrderView = seller.get_ok(&format!("/v1/orders/{key}")).await;
    assert_eq!(v.pins, sold.pins);
    let batch: BatchStatusResponse = seller
        .post_ok(
            "/v1/orders/status",
            &BatchStatusRequest {
                client_keys: vec![key],
            },
        )
        .await;
    assert_eq!(batch.orders[0].pins, sold.pins);

    // another terminal of the store: the order, without its PINs
    let v: OrderView = colleague.get_ok(&format!("/v1/orders/{key}")).await;
    assert!(v.pins.is_empty() && v.pins_withheld);
    assert_eq!(
        (v.status, v.platform_order_id.as_str()),
        (RemoteStatus::Succeeded, sold.platform_order_id.as_str())
    );
    let batch: BatchStatusResponse = colleague
        .post_ok(
            "/v1/orders/status",
            &BatchStatusRequest {
                client_keys: vec![key],
            },
        )
        .await;
    assert!(batch.orders[0].pins.is_empty() && batch.orders[0].pins_withheld);
    let replay: OrderView = colleague.post_ok("/v1/orders", &sale).await;
    assert!(replay.pins.is_empty() && replay.pins_withheld);
    assert_eq!(fulfilments(&env, key).await, 1);
    let raw = colleague
        .get(&format!("/v1/orders/{key}"))
        .await
        .text()
        .await
        .unwrap();
    for p in &sold.pins {
        assert!(!raw.contains(&p.pin) && !raw.contains(&p.card_no), "{raw}");
    }

    // another store: the order does not exist
    not_found(stranger.get(&format!("/v1/orders/{key}")).await).await;
    let batch: BatchStatusResponse = stranger
        .post_ok(
            "/v1/orders/status",
            &BatchStatusRequest {
                client_keys: vec![key],
            },
        )
        .await;
    assert!(batch.orders.is_empty() && batch.missing == vec![key]);
    not_found(stranger.get(&format!("/v1/store/orders/{key}/pins")).await).await;

    // the store route: any terminal of the store, audited
    assert!(cardcat_sandbox::pin_reveals(&env.db()).unwrap().is_empty());
    let got: OrderPins = colleague
        .get_ok(&format!("/v1/store/orders/{key}/pins?operator=boss"))
        .await;
    assert_eq!(got.pins, sold.pins);
    assert_eq!(
        (got.client_key, got.sold_by_terminal.as_str(), got.qty),
        (key, seller.id.as_str(), 2)
    );
    let own: OrderPins = seller.get_ok(&format!("/v1/store/orders/{key}/pins")).await;
    assert_eq!(own.pins, sold.pins);
    let log = cardcat_sandbox::pin_reveals(&env.db()).unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(
        (
            log[0].client_key,
            log[0].terminal_id.as_str(),
            log[0].operator.as_deref(),
            log[0].seller_terminal_id.as_str(),
            log[0].store_id.as_str(),
            log[0].pins,
            log[0].at_ms,
        ),
        (
            key,
            colleague.id.as_str(),
            Some("boss"),
            seller.id.as_str(),
            "S001",
            2,
            got.revealed_at_ms,
        )
    );
    assert_eq!(
        (log[1].terminal_id.as_str(), log[1].operator.as_deref()),
        (seller.id.as_str(), None)
    );

    // an order without PINs, an unknown order, a malformed key or operator
    let cost = product(&seller, "CM-HF-10").await.cost;
    let topup = order("CM-HF-10", "13800138000", cost);
    let _: OrderView = seller.post_ok("/v1/orders", &topup).await;
    let none: OrderPins = colleague
        .get_ok(&format!("/v1/store/orders/{}/pins", topup.client_key))
        .await;
    assert!(none.pins.is_empty());
    let v: OrderView = colleague
        .get_ok(&format!("/v1/orders/{}", topup.client_key))
        .await;
    assert!(
        !v.pins_withheld,
        "nothing is withheld from an order without PINs"
    );
    not_found(
        colleague
            .get(&format!("/v1/store/orders/{}/pins", Uuid::now_v7()))
            .await,
    )
    .await;
    expect_err(
        colleague.get("/v1/store/orders/not-a-uuid/pins").await,
        StatusCode::BAD_REQUEST,
        ErrorCode::BadRequest,
    )
    .await;
    expect_err(
        colleague
            .get(&format!(
                "/v1/store/orders/{key}/pins?operator={}",
                "x".repeat(65)
            ))
            .await,
        StatusCode::BAD_REQUEST,
        ErrorCode::BadRequest,
    )
    .await;
    assert_eq!(cardcat_sandbox::pin_reveals(&env.db()).unwrap().len(), 3);
    // unsigned: refused like every signed route
    let r = env
        .http
        .get(env.url(&format!("/v1/store/orders/{key}/pins")))
        .send()
        .await
        .unwrap();
    expect_err(r, StatusCode::UNAUTHORIZED, ErrorCode::UnknownTerminal).await;
    env.sandbox.shutdown().await;
}

async fn try_activate(http: &reqwest::Client, env: &Env, code: &str) -> reqwest::Response {
    http.post(env.url("/v1/activate"))
        .json(&ActivateRequest {
            code: code.into(),
            device_name: "brute".into(),
        })
        .send()
        .await
        .unwrap()
}

/// Asserts a 429 `too_many_attempts` with a matching `Retry-After` and returns its seconds.
async fn expect_locked(r: reqwest::Response, max_secs: u64) -> u64 {
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let e: ApiError =
        expect_err(r, StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyAttempts).await;
    assert_eq!(e.retry_after_secs, Some(retry));
    assert!((1..=max_secs).contains(&retry), "{retry}");
    retry
}

#[tokio::test]
async fn pairing_code_brute_force_is_locked_out() {
    let env = start_with(|c| {
        c.activate_max_failures_per_client = 10;
        c.activate_max_failures_global = 1000;
        c.activate_window_secs = 60;
        c.activate_lockout_secs = 4;
    })
    .await;
    // correct codes never count: more activations than the failure limit
    for _ in 0..12 {
        env.activate().await;
    }
    let good = cardcat_sandbox::create_pairing_code(&env.db(), Some("S042")).unwrap();
    let started = std::time::Instant::now();
    let (mut wrong, mut locked) = (0, 0);
    for i in 0..30u32 {
        let guess = format!("{:08}", 10_000_000 + i);
        assert_ne!(guess, good.code);
        let r = try_activate(&env.http, &env, &guess).await;
        match r.status() {
            StatusCode::BAD_REQUEST => {
                expect_err(r, StatusCode::BAD_REQUEST, ErrorCode::InvalidPairingCode).await;
                wrong += 1;
            }
            _ => {
                expect_locked(r, 4).await;
                locked += 1;
            }
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the loop outran the lock"
    );
    assert_eq!((wrong, locked), (10, 20));
    // a malformed body is refused with the lock too, and the correct code is refused
    // (and not used up) while the lock lasts
    let r = env
        .http
        .post(env.url("/v1/activate"))
        .body("{")
        .send()
        .await
        .unwrap();
    expect_locked(r, 4).await;
    expect_locked(try_activate(&env.http, &env, &good.code).await, 4).await;

    // another client (another loopback address) is not locked by this one
    let other = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .build()
        .unwrap();
    let spare = cardcat_sandbox::create_pairing_code(&env.db(), None).unwrap();
    let r = try_activate(&other, &env, &spare.code).await;
    assert_eq!(r.status(), StatusCode::OK);

    // once the lock expires the correct code works
    tokio::time::sleep(Duration::from_millis(4100)).await;
    let r = try_activate(&env.http, &env, &good.code).await;
    assert_eq!(r.status(), StatusCode::OK);
    let a: ActivateResponse = r.json().await.unwrap();
    assert_eq!(a.store_id, "S042");
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn wrong_pairing_codes_from_many_clients_hit_the_global_cap() {
    let env = start_with(|c| {
        c.activate_max_failures_per_client = 3;
        c.activate_max_failures_global = 5;
        c.activate_lockout_secs = 30;
    })
    .await;
    let mut answers = Vec::new();
    // five clients with two wrong codes each (below their own limit of 3)
    for n in 2..=6u8 {
        let http = reqwest::Client::builder()
            .local_address(std::net::IpAddr::from([127, 0, 0, n]))
            .build()
            .unwrap();
        for _ in 0..2 {
            answers.push(try_activate(&http, &env, "99999999").await.status());
        }
    }
    let wrong = answers
        .iter()
        .filter(|s| **s == StatusCode::BAD_REQUEST)
        .count();
    let locked = answers
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((wrong, locked), (5, 5), "{answers:?}");
    // now everybody is refused, a fresh client with a correct code included
    let code = cardcat_sandbox::create_pairing_code(&env.db(), None).unwrap();
    let fresh = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 9]))
        .build()
        .unwrap();
    let r = try_activate(&fresh, &env, &code.code).await;
    let secs = expect_locked(r, 30).await;
    assert!(secs > 25, "{secs}");
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn integral_floats_are_accepted_as_integers() {
    let env = start().await;
    let t = env.activate().await;
    let id = Uuid::new_v4();
    let body = format!(
        r#"{{"events":[{{"id":"{id}","kind":"audit","at_ms":222.0,"payload":{{"ratio":0.5}}}}]}}"#
    );
    let r = t
        .try_send(Method::POST, "/v1/events", body.into_bytes())
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let ack: EventAck = r.json().await.unwrap();
    assert_eq!((ack.accepted, ack.stored), (1, 1));
    let events = cardcat_sandbox::terminal_events(&env.db()).unwrap();
    assert_eq!(events[0].1["ratio"], 0.5);
    let p = product(&t, "CM-HF-10").await;
    let body = format!(
        r#"{{"client_key":"{}","sku":"CM-HF-10","qty":1.0,"account":{{"account":"13800138000"}},"unit_cost":"{}","cashier_id":"c"}}"#,
        Uuid::now_v7(),
        p.cost
    );
    let r = t
        .try_send(Method::POST, "/v1/orders", body.into_bytes())
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // a fraction is still refused
    let body = format!(
        r#"{{"events":[{{"id":"{}","kind":"audit","at_ms":222.5,"payload":null}}]}}"#,
        Uuid::new_v4()
    );
    let r = t
        .try_send(Method::POST, "/v1/events", body.into_bytes())
        .await
        .unwrap();
    expect_err(r, StatusCode::BAD_REQUEST, ErrorCode::BadRequest).await;
    env.sandbox.shutdown().await;
}
