//! Search as cashiers type: the query set with its floors, aliases carried by sync and
//! updated by delta sync, ranking by this store's own sales, the one-shot CLI search.

use std::time::Duration;

use cardcat_core::search::{MatchTier, SearchIndex};
use cardcat_counter::SellOptions;
use cardcat_engine::SellRequest;
use cardcat_tests::Counter;
use cardcat_tests::query_set::{self, catalog, evaluate};

/// Recall floors on the repository's query set (the benchmark prints the figures).
const MIN_RECALL_AT_1: f64 = 0.90;
const MIN_RECALL_AT_5: f64 = 0.98;

#[test]
#[allow(clippy::float_arithmetic)]
fn the_query_set_finds_what_the_cashier_means() {
    let cases = query_set::cases();
    assert!(cases.len() >= 300, "{} queries", cases.len());
    // every category of the issue is covered
    for cat in [
        "chinese",
        "initials",
        "pinyin",
        "carrier_amount",
        "brand_duration",
        "barcode",
        "typo",
        "polyphone",
        "english",
        "mixed",
    ] {
        assert!(
            cases.iter().filter(|c| c.category == cat).count() >= 15,
            "category {cat}"
        );
    }
    // the seeded catalog with 50,000 generated SKUs as distractors
    let (products, cats) = catalog(50_000);
    let known: std::collections::HashSet<&str> = products.iter().map(|p| p.sku.as_str()).collect();
    for c in &cases {
        assert!(
            known.contains(c.sku.as_str()),
            "line {}: no SKU {}",
            c.line,
            c.sku
        );
    }
    let idx = SearchIndex::build(products.clone(), cats);
    let report = evaluate(&idx, &cases);
    report.print();
    for (line, cat, q, want, got) in &report.misses {
        println!("  miss line {line} [{cat}] {q:?} → {want}: got {got:?}");
    }
    assert!(
        report.all.recall1() >= MIN_RECALL_AT_1,
        "recall@1 {:.3}",
        report.all.recall1()
    );
    assert!(
        report.all.recall5() >= MIN_RECALL_AT_5,
        "recall@5 {:.3}",
        report.all.recall5()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aliases_come_with_the_catalog_and_a_delta_updates_them() {
    let c = Counter::start(|_| {}).await;
    c.service.load_index().await.unwrap();
    let first = |hits: Vec<cardcat_core::search::SearchHit>| {
        hits.first()
            .map(|h| h.product.sku.clone())
            .unwrap_or_default()
    };
    // sent by the platform with the products: a carrier's English name and short code
    assert_eq!(
        first(c.service.search("china mobile 50", 5).await.unwrap()),
        "CM-HF-50"
    );
    assert_eq!(
        first(c.service.search("cu 30", 5).await.unwrap()),
        "CU-HF-30"
    );
    assert!(c.service.search("小熊杯", 5).await.unwrap().is_empty());
    // the platform adds an alias: the delta sync patches it into the index in place
    c.env
        .sandbox
        .set_aliases("SBK-LATTE-M", &["小熊杯", "Bear Cup"])
        .await
        .unwrap();
    let s = c.service.sync(false).await.unwrap();
    assert!(!s.full && s.patched && s.changes >= 1, "{s:?}");
    let hits = c.service.search("小熊杯", 5).await.unwrap();
    assert_eq!(first(hits.clone()), "SBK-LATTE-M");
    assert_eq!(
        first(c.service.search("bear cup", 5).await.unwrap()),
        "SBK-LATTE-M"
    );
    // the old aliases are gone with the old version of the row
    let latte = c.service.search("latte", 10).await.unwrap();
    assert!(
        latte.iter().all(|h| h.product.sku != "SBK-LATTE-M"),
        "{latte:?}"
    );
    // and the platform refuses nonsense
    assert!(
        c.env
            .sandbox
            .set_aliases("NO-SUCH-SKU", &["x"])
            .await
            .is_err()
    );
    assert!(
        c.env
            .sandbox
            .set_aliases("SBK-LATTE-M", &[" "])
            .await
            .is_err()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_this_store_sells_ranks_first_and_survives_a_restart() {
    let c = Counter::start(|_| {}).await;
    c.service.load_index().await.unwrap();
    let order = |hits: Vec<cardcat_core::search::SearchHit>| -> Vec<String> {
        hits.into_iter()
            .filter(|h| h.tier <= MatchTier::Exact)
            .map(|h| h.product.sku)
            .collect()
    };
    // 爱奇艺 and 腾讯视频 month cards: 月卡 is a whole word of both, neither sold yet
    let before = order(c.service.search("vip月卡", 10).await.unwrap());
    let pos = |v: &[String], s: &str| v.iter().position(|x| x == s);
    let (tx0, yk0) = (pos(&before, "TX-VIP-M"), pos(&before, "YK-VIP-M"));
    assert!(tx0.is_some() && yk0.is_some(), "{before:?}");
    // sell the one that ranks lower twice
    let (lower, higher) = if tx0 < yk0 {
        ("YK-VIP-M", "TX-VIP-M")
    } else {
        ("TX-VIP-M", "YK-VIP-M")
    };
    let opts = SellOptions {
        wait: Duration::from_secs(10),
        follow_for: Duration::from_secs(10),
        print: false,
    };
    for phone in ["13800138111", "13800138112"] {
        let sale = c
            .service
            .sell(&c.cashier, SellRequest::new(lower, phone), opts)
            .await
            .unwrap();
        assert_eq!(sale.order.state, cardcat_core::OrderState::Succeeded);
        c.service
            .acknowledge(&c.cashier, &sale.order.client_key.to_string())
            .unwrap();
    }
    let after = order(c.service.search("vip月卡", 10).await.unwrap());
    assert!(
        pos(&after, lower) < pos(&after, higher),
        "sold twice, still below: {after:?}"
    );
    // a new process (snapshot load) counts the same sales from the store
    let again = cardcat_counter::Counter::open(
        cardcat_counter::TerminalConfig {
            db: c.db.clone(),
            lang: cardcat_core::Lang::ZhCn,
        },
        std::sync::Arc::new(cardcat_client::secrets::MemoryStore::default()),
    )
    .unwrap();
    again.load_index().await.unwrap();
    let fresh = order(again.search("vip月卡", 10).await.unwrap());
    assert!(pos(&fresh, lower) < pos(&fresh, higher), "{fresh:?}");
}

#[test]
fn hostile_queries_on_a_big_catalog_answer_within_the_limit() {
    // not a timing assertion (the benchmark measures): every query answers within its limit
    let (products, cats) = catalog(20_000);
    let idx = SearchIndex::build(products, cats);
    let long = "移动".repeat(400);
    for q in [
        long.as_str(),
        "a b c d e f g h i j k l m n o p",
        "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
        "1",
        "y",
        "qqqqwwwweeee",
        "\u{0}\u{1}",
        "ü",
        "  ",
    ] {
        let hits = idx.search(q, 50);
        assert!(hits.len() <= 50);
    }
}
