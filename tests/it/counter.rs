//! The counter service, the layer under every front end: reads that do not wait for a sale,
//! the search index patched from delta syncs, one event stream, corruption that names its
//! row, settings that never fail open, print outcomes that say what happened, and input the
//! counter refuses with a localised message.

use std::time::Duration;

use cardcat_cli::{Cmd, CommissionCmd, Ctx, OrdersCmd, ShiftCmd};
use cardcat_core::{Lang, Localized, OrderState};
use cardcat_counter::{Catalog, CounterError, Event, PrintOutcome, PrinterSetup, SellOptions};
use cardcat_engine::{EngineError, SellRequest};
use cardcat_printer::doc::PaperWidth;
use cardcat_printer::emulator::Emulator;
use cardcat_tests::{CaptureOut as Out, Counter};

/// The CLI over the fixture's own counter service (same store, same keyring).
fn cli(c: &Counter, user: &str, pin: &str, out: &Out) -> Ctx {
    Ctx {
        counter: c.service.clone(),
        out: Box::new(out.clone()),
        progress: false,
        user: Some(user.into()),
        pin: Some(pin.into()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_do_not_wait_for_a_sale_that_is_still_following_its_order() {
    // 401: the platform keeps the order PENDING for 6 s
    let c = Counter::start(|cfg| cfg.slow_secs = 6).await;
    c.service.load_index().await.unwrap();
    let svc = c.service.clone();
    let cashier = c.cashier.clone();
    let sale = tokio::spawn(async move {
        let opts = SellOptions {
            wait: Duration::from_secs(4),
            follow_for: Duration::from_secs(4),
            print: false,
        };
        svc.sell(&cashier, SellRequest::new("CM-HF-50", "13800138401"), opts)
            .await
    });
    // wait until the order exists, then read while the sale is still following it
    let mut seen_open = false;
    for _ in 0..100 {
        let open = c.service.pending(&c.owner).await.unwrap();
        if let Some(o) = open.iter().find(|o| o.account == "13800138401") {
            assert!(!o.state.is_final(), "{:?}", o.state);
            seen_open = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(seen_open, "the placed order is listed while the sale runs");
    // 200 searches, each one while the sale is still following its order
    for i in 0..200 {
        assert!(
            !sale.is_finished(),
            "the sale ended before search {i}: reads were waiting for it"
        );
        let hits = c.service.search("话费", 5).await.unwrap();
        assert!(!hits.is_empty());
    }
    let sold = sale.await.unwrap().unwrap();
    assert_eq!(
        sold.order.state,
        OrderState::Pending,
        "shown as in progress"
    );
    // the worker keeps following it; resume settles it with the same key
    let r = c
        .service
        .resume_until_settled(true, Duration::from_secs(15))
        .await
        .unwrap();
    assert_eq!(r.still_open, 0);
    let shown = c
        .service
        .show(&c.cashier, &sold.order.client_key.to_string(), false)
        .unwrap();
    assert_eq!(shown.state, OrderState::Succeeded);
}

/// Every hit of a search as a sorted set (sku, price, availability): rankings of a patched
/// and a rebuilt index may differ, their answers may not.
fn hit_set(hits: Vec<cardcat_core::search::SearchHit>) -> Vec<(String, cardcat_core::Money, bool)> {
    let mut v: Vec<_> = hits
        .into_iter()
        .map(|h| (h.product.sku, h.product.retail_price, h.product.available))
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_index_is_patched_from_delta_syncs_and_agrees_with_a_rebuild() {
    let c = Counter::start(|_| {}).await;
    c.service.load_index().await.unwrap();
    // the build wrote its snapshot in the background
    let snap = cardcat_counter::catalog::snapshot_path(&c.db);
    for _ in 0..100 {
        if snap.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(snap.exists(), "snapshot written after the build");
    for _ in 0..3 {
        c.env.sandbox.churn(40).await.unwrap();
        let r = c.service.sync(false).await.unwrap();
        assert!(r.patched, "patched in place, not rebuilt: {r:?}");
        assert_eq!(r.changes, 40);
    }
    let fresh = Catalog::default();
    fresh
        .ensure_fresh(&cardcat_store::Store::open(&c.db).unwrap())
        .unwrap();
    // every hit of each query (the patched index ranks replaced rows later, so compare sets)
    for q in [
        "话费", "yd", "50", "txsp", "qb", "腾讯", "vip", "卡", "gb", "流量",
    ] {
        let a = hit_set(c.service.search(q, 200).await.unwrap());
        assert!(a.len() < 200, "query {q} is too broad to compare whole");
        assert_eq!(a, hit_set(fresh.search(q, 200).unwrap()), "query {q}");
    }
    // another process on the same store loads the older snapshot and catches up from the rows
    // that changed since; it searches like the rebuilt index
    let again = cardcat_counter::Counter::open(
        cardcat_counter::TerminalConfig {
            db: c.db.clone(),
            lang: Lang::ZhCn,
        },
        c.service.secrets_handle(),
    )
    .unwrap();
    assert_eq!(
        again.load_index().await.unwrap(),
        cardcat_counter::catalog::Readiness::Loaded
    );
    for q in ["话费", "yd", "txsp", "qb", "流量"] {
        let a = hit_set(again.search(q, 200).await.unwrap());
        let b = hit_set(fresh.search(q, 200).unwrap());
        assert_eq!(a, b, "query {q} after loading a snapshot");
    }
    // a damaged snapshot is rebuilt, never trusted
    let mut bytes = std::fs::read(&snap).unwrap();
    let mid = bytes.len() / 2;
    bytes.truncate(mid);
    std::fs::write(&snap, bytes).unwrap();
    let third = cardcat_counter::Counter::open(
        cardcat_counter::TerminalConfig {
            db: c.db.clone(),
            lang: Lang::ZhCn,
        },
        c.service.secrets_handle(),
    )
    .unwrap();
    assert_eq!(
        third.load_index().await.unwrap(),
        cardcat_counter::catalog::Readiness::Built
    );
    // a full sync replaces the index
    let r = c.service.sync(true).await.unwrap();
    assert!(r.full && !r.patched);
    assert!(!c.service.search("话费", 5).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_event_stream_carries_order_states_and_print_outcomes() {
    let c = Counter::start(|_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let emu = Emulator::start(
        "127.0.0.1:0".parse().unwrap(),
        dir.path().to_path_buf(),
        PaperWidth::Mm80,
    )
    .await
    .unwrap();
    c.service
        .set_printer(
            Some(&c.owner),
            &PrinterSetup {
                target: emu.target(),
                profile: "xprinter-80".into(),
                footer: None,
                logo: false,
            },
        )
        .unwrap();
    let mut rx = c.service.subscribe();
    let sold = c
        .service
        .sell(
            &c.cashier,
            SellRequest::new("CM-HF-50", "13800138000"),
            SellOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(sold.order.state, OrderState::Succeeded);
    assert!(matches!(sold.print, Some(PrintOutcome::Printed { .. })));
    let mut states = Vec::new();
    let mut printed = false;
    while let Ok(Ok(ev)) = tokio::time::timeout(Duration::from_millis(500), rx.recv()).await {
        match ev {
            Event::OrderState { key, to, .. } if key == sold.order.client_key => states.push(to),
            Event::Printed {
                outcome, order_key, ..
            } => {
                assert_eq!(order_key, Some(sold.order.client_key.to_string()));
                printed = outcome.printed();
            }
            _ => {}
        }
    }
    assert_eq!(states.first(), Some(&OrderState::Sending), "{states:?}");
    assert_eq!(states.last(), Some(&OrderState::Succeeded), "{states:?}");
    assert!(printed);
    // events serialise with a type tag, for the app
    let json = serde_json::to_value(Event::OrderState {
        key: sold.order.client_key,
        from: None,
        to: OrderState::Succeeded,
    })
    .unwrap();
    assert_eq!(json["type"], "order_state");
    emu.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_stored_amount_is_an_error_that_names_the_row() {
    let mut c = Counter::start(|_| {}).await;
    let sold = c.sell("CM-HF-50", "13800138000").await.unwrap();
    let key = sold.client_key.to_string();
    c.engine
        .store()
        .conn()
        .execute(
            "UPDATE orders SET price = 'ten yuan' WHERE client_key = ?1",
            [&key],
        )
        .unwrap();
    let e = c.service.show(&c.cashier, &key, false).unwrap_err();
    match &e {
        CounterError::Engine(EngineError::Corrupt(v)) => {
            assert_eq!(
                (v.table, v.field, v.row.as_str()),
                ("orders", "price", key.as_str())
            );
        }
        other => panic!("expected corruption, got {other:?}"),
    }
    assert_eq!(e.code(), "store.corrupt_value");
    // the shift report refuses too, rather than counting ¥0.00
    let x = c.service.x_report(&c.cashier).await.unwrap_err();
    assert!(
        matches!(x, CounterError::Engine(EngineError::Corrupt(_))),
        "{x:?}"
    );
    // an unknown kind is corruption as well, never a default
    c.engine
        .store()
        .conn()
        .execute(
            "UPDATE orders SET price = '50.00', kind = 'spaceship' WHERE client_key = ?1",
            [&key],
        )
        .unwrap();
    let e = c.service.show(&c.cashier, &key, false).unwrap_err();
    assert!(
        e.message(Lang::ZhCn).contains("损坏"),
        "{}",
        e.message(Lang::ZhCn)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn printer_settings_need_the_role_and_never_fail_open() {
    let c = Counter::start(|_| {}).await;
    let setup = PrinterSetup {
        target: "tcp://127.0.0.1:9".into(),
        profile: "xprinter-58".into(),
        footer: Some("欢迎".into()),
        logo: false,
    };
    // users exist: no login is refused, a cashier is refused, the owner may
    assert!(matches!(
        c.service.set_printer(None, &setup).unwrap_err(),
        CounterError::Engine(EngineError::LoginRequired)
    ));
    assert!(matches!(
        c.service.set_printer(Some(&c.cashier), &setup).unwrap_err(),
        CounterError::Engine(EngineError::Forbidden(_))
    ));
    c.service.set_printer(Some(&c.owner), &setup).unwrap();
    assert_eq!(
        c.service.printer_settings().unwrap().target.as_deref(),
        Some("tcp://127.0.0.1:9")
    );
    // a user table that cannot be read is an error, not "first install"
    c.engine
        .store()
        .conn()
        .execute_batch("ALTER TABLE users RENAME TO users_gone")
        .unwrap();
    let e = c.service.set_printer(None, &setup).unwrap_err();
    assert!(
        matches!(e, CounterError::Engine(EngineError::Sql(_))),
        "{e:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receipt_to_a_closed_port_is_queued_not_printed() {
    let c = Counter::start(|_| {}).await;
    // a port nobody listens on
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    let target = format!("tcp://127.0.0.1:{port}");
    c.service
        .set_printer(
            Some(&c.owner),
            &PrinterSetup {
                target: target.clone(),
                profile: "xprinter-80".into(),
                footer: None,
                logo: false,
            },
        )
        .unwrap();
    let sold = c
        .service
        .sell(
            &c.cashier,
            SellRequest::new("CM-HF-50", "13800138000"),
            SellOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(sold.order.state, OrderState::Succeeded, "the sale stands");
    match &sold.print {
        Some(p @ PrintOutcome::Queued { .. }) => {
            assert!(
                p.message(Lang::ZhCn).contains("未打印"),
                "{}",
                p.message(Lang::ZhCn)
            )
        }
        other => panic!("expected queued, got {other:?}"),
    }
    // a test page says it did not print
    let e = c
        .service
        .test_print(Some(&target), None, false)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "printer.unreachable");
    // no printer at all: a reprint says so instead of claiming anything
    let bare = Counter::start(|_| {}).await;
    let mut eng = bare.engine;
    let s = eng
        .sell(&bare.cashier, &SellRequest::new("CM-HF-50", "13800138001"))
        .await
        .unwrap();
    let e = bare
        .service
        .reprint(&bare.cashier, &s.client_key.to_string())
        .await
        .unwrap_err();
    assert_eq!(e.code(), "printer.not_set");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zh_output_carries_no_english_and_bad_input_gets_a_clear_message() {
    let c = Counter::start(|_| {}).await;
    let out = Out::default();
    let mut ctx = cli(&c, "c1", "1234", &out);
    // voucher status in Chinese (it used to print `Unused`)
    cardcat_cli::run(
        Cmd::Redeem {
            code: Some("CC-TEST-0001".into()),
            prepare_only: true,
            cancel: None,
            query: None,
        },
        &mut ctx,
    )
    .await
    .unwrap();
    let s = out.take();
    assert!(s.contains("状态 未使用") && !s.contains("Unused"), "{s}");

    // each refusal is localised, names what was typed, and changes nothing
    let cases: Vec<(Cmd, &str)> = vec![
        (
            Cmd::Shift {
                cmd: ShiftCmd::Close {
                    counted: "-5".into(),
                },
            },
            "不能为负数",
        ),
        (
            Cmd::Shift {
                cmd: ShiftCmd::Close {
                    counted: "1e9".into(),
                },
            },
            "1e9",
        ),
        (
            Cmd::Commission {
                cmd: CommissionCmd::Report {
                    from: Some("x".into()),
                    to: None,
                    by: "day".into(),
                    csv: false,
                },
            },
            "日期「x」",
        ),
        (
            Cmd::Commission {
                cmd: CommissionCmd::Report {
                    from: Some("2026-11-30".into()),
                    to: Some("2026-11-01".into()),
                    by: "day".into(),
                    csv: false,
                },
            },
            "晚于",
        ),
        (
            Cmd::Commission {
                cmd: CommissionCmd::Report {
                    from: None,
                    to: None,
                    by: "month".into(),
                    csv: false,
                },
            },
            "month",
        ),
        (
            Cmd::Catalog {
                cmd: cardcat_cli::CatalogCmd::Search {
                    query: "话费".into(),
                    limit: 0,
                    json: false,
                },
            },
            "1 到 200",
        ),
        (
            Cmd::Orders {
                cmd: OrdersCmd::Show {
                    key: "not-a-key".into(),
                    reveal: false,
                },
            },
            "单号「not-a-key」",
        ),
    ];
    for (cmd, needle) in cases {
        let what = format!("{cmd:?}");
        let e = cardcat_cli::run(cmd, &mut ctx).await.unwrap_err();
        assert!(e.0.contains(needle), "{what}: {}", e.0);
        assert!(
            !e.0.split(|ch: char| !ch.is_ascii_alphabetic())
                .any(|w| w.len() >= 3 && !needle.contains(w) && w != "not" && w != "key"),
            "{what}: English in zh-CN: {}",
            e.0
        );
    }
    // the shift is still open after the refused closes
    let x = c.service.x_report(&c.cashier).await.unwrap();
    assert!(x.shift.closed_at_ms.is_none());
}
