//! App updates at the counter: an update installs only while no order is open, no sale is
//! being placed and no shift is being closed; while it installs, sales and shift closes are
//! refused with words for the cashier; the channel is the owner's (or installer's) setting.

use std::time::Duration;

use cardcat_core::update::Channel;
use cardcat_core::{Lang, Localized};
use cardcat_counter::{PrinterSetup, SellOptions};
use cardcat_engine::SellRequest;
use cardcat_tests::Counter;

fn quick() -> SellOptions {
    SellOptions {
        wait: Duration::from_secs(5),
        follow_for: Duration::from_secs(5),
        print: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_waits_for_open_orders_and_stops_new_sales_while_it_installs() {
    // 401: the platform keeps the order PENDING for 3 s
    let c = Counter::start(|cfg| cfg.slow_secs = 3).await;
    c.service.load_index().await.unwrap();
    let e = c.service.begin_update(&c.cashier).err().unwrap();
    assert_eq!(e.code(), "auth.forbidden");

    // nothing open: the update may install, and meanwhile nothing new starts
    let hold = c.service.begin_update(&c.owner).unwrap();
    let e = c
        .service
        .sell(
            &c.cashier,
            SellRequest::new("CM-HF-50", "13800138000"),
            quick(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "update.installing");
    assert!(
        e.message(Lang::ZhCn).contains("重启"),
        "{}",
        e.message(Lang::ZhCn)
    );
    assert!(
        c.service.pending(&c.owner).await.unwrap().is_empty(),
        "a refused sale writes no order"
    );
    let e = c.service.close_shift(&c.cashier, "200").await.unwrap_err();
    assert_eq!(e.code(), "update.installing");
    let e = c.service.begin_update(&c.owner).err().unwrap();
    assert_eq!(e.code(), "update.already_installing");
    // the install failed (the app did not restart): the counter works again
    drop(hold);
    let sale = c
        .service
        .sell(
            &c.cashier,
            SellRequest::new("CM-HF-50", "13800138000"),
            quick(),
        )
        .await
        .unwrap();
    assert!(sale.order.state.is_final(), "{:?}", sale.order.state);

    // an order still without its final result keeps the next update waiting
    let slow = c
        .service
        .sell(
            &c.cashier,
            SellRequest::new("CM-HF-50", "13800138401"),
            SellOptions {
                wait: Duration::ZERO,
                follow_for: Duration::from_secs(20),
                print: false,
            },
        )
        .await
        .unwrap();
    assert!(!slow.order.state.is_final(), "{:?}", slow.order.state);
    let e = c.service.begin_update(&c.owner).err().unwrap();
    assert_eq!(e.code(), "update.blocked_orders");
    assert!(
        e.message(Lang::ZhCn).contains("1 笔订单"),
        "{}",
        e.message(Lang::ZhCn)
    );
    assert!(e.message(Lang::En).contains("1 orders") || e.message(Lang::En).contains("1 order"));
    let st = c.service.update_status(&c.owner).unwrap();
    assert_eq!(st.blockers.open_orders, 1);
    assert!(!st.blockers.clear());

    // once the platform gives its final result, the update may install
    let mut ok = None;
    for _ in 0..150 {
        if let Ok(h) = c.service.begin_update(&c.owner) {
            ok = Some(h);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        ok.is_some(),
        "the order became final and the update was let through"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_waits_while_a_shift_is_being_closed() {
    let c = Counter::start(|_| {}).await;
    // a printer that takes the connection and never answers: the Z report's print keeps
    // the shift close busy for its time limit
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let target = silent.local_addr().unwrap().to_string();
    let _keep = std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in silent.incoming().take(8).flatten() {
            held.push(s);
        }
    });
    c.service
        .set_printer(
            Some(&c.owner),
            &PrinterSetup {
                target,
                profile: "xprinter-58".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let svc = c.service.clone();
    let cashier = c.cashier.clone();
    let close = tokio::spawn(async move { svc.close_shift(&cashier, "200").await });
    let mut seen = false;
    for _ in 0..100 {
        if c.service
            .update_status(&c.owner)
            .unwrap()
            .blockers
            .shift_closing
        {
            seen = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(seen, "the shift close is seen as running");
    let e = c.service.begin_update(&c.owner).err().unwrap();
    assert_eq!(e.code(), "update.blocked_shift");
    assert!(e.message(Lang::ZhCn).contains("交班"));
    let report = tokio::time::timeout(Duration::from_secs(60), close)
        .await
        .expect("the close ends")
        .unwrap()
        .unwrap();
    assert!(report.shift.closed_at_ms.is_some());
    assert!(c.service.begin_update(&c.owner).is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_update_channel_is_the_owners_setting() {
    let c = Counter::start(|_| {}).await;
    assert_eq!(c.service.update_channel(), Channel::Stable);
    let e = c
        .service
        .set_update_channel(&c.cashier, "beta")
        .unwrap_err();
    assert_eq!(e.code(), "auth.forbidden");
    let e = c
        .service
        .set_update_channel(&c.owner, "nightly")
        .unwrap_err();
    assert_eq!(e.code(), "input.update_channel");
    assert!(e.message(Lang::ZhCn).contains("nightly"));
    assert_eq!(
        c.service.set_update_channel(&c.owner, "Beta").unwrap(),
        Channel::Beta
    );
    assert_eq!(c.service.update_channel(), Channel::Beta);
    assert_eq!(
        c.service.update_status(&c.owner).unwrap().channel,
        Channel::Beta
    );
    assert_eq!(
        c.service.update_status(&c.cashier).unwrap_err().code(),
        "auth.forbidden"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_shows_and_sets_the_channel_for_the_owner_only() {
    use cardcat_cli::{Cmd, Ctx, UpdateCmd};
    let c = Counter::start(|_| {}).await;
    let out = cardcat_tests::CaptureOut::default();
    let ctx = |user: &str, pin: &str| Ctx {
        counter: c.service.clone(),
        out: Box::new(out.clone()),
        progress: false,
        user: Some(user.into()),
        pin: Some(pin.into()),
    };
    let mut owner = ctx("boss", "8888");
    cardcat_cli::run(
        Cmd::Update {
            cmd: UpdateCmd::Channel {
                channel: "beta".into(),
            },
        },
        &mut owner,
    )
    .await
    .unwrap();
    assert!(out.take().contains("测试版"));
    cardcat_cli::run(
        Cmd::Update {
            cmd: UpdateCmd::Status,
        },
        &mut owner,
    )
    .await
    .unwrap();
    let s = out.take();
    assert!(s.contains("测试版") && s.contains("/beta/"), "{s}");
    assert!(s.contains("可以安装更新"), "{s}");
    let mut cashier = ctx("c1", "1234");
    let e = cardcat_cli::run(
        Cmd::Update {
            cmd: UpdateCmd::Status,
        },
        &mut cashier,
    )
    .await
    .unwrap_err();
    assert!(!e.0.is_empty());
    assert_eq!(c.service.update_channel(), Channel::Beta);
}

/// A redemption whose answer was lost (left `unknown` by a crash) keeps an update waiting
/// like an order without its final result, until it is resolved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redemption_without_its_answer_keeps_an_update_waiting() {
    use cardcat_store::rusqlite_reexport::Connection;
    let c = Counter::start(|_| {}).await;
    let now = cardcat_store::now_ms();
    let db = Connection::open(&c.db).unwrap();
    db.execute(
        "INSERT INTO redemptions (request_id, code, state, cashier_id, created_at_ms, updated_at_ms)
         VALUES ('0190f0c4-5c3a-7000-8000-000000000001', 'CC-TEST-0001', 'unknown', 'c1', ?1, ?1)",
        [now],
    )
    .unwrap();
    let e = c.service.begin_update(&c.owner).err().unwrap();
    assert_eq!(e.code(), "update.blocked_orders");
    assert!(
        e.message(Lang::ZhCn).contains("1 笔订单或核销"),
        "{}",
        e.message(Lang::ZhCn)
    );
    db.execute("UPDATE redemptions SET state = 'redeemed'", [])
        .unwrap();
    assert!(c.service.begin_update(&c.owner).is_ok());
}

/// Starts a sale of a number ending in 401 (the sandbox keeps it pending for `slow_secs`)
/// and returns once the counter's gate sees it under way.
async fn sale_under_way(
    c: &Counter,
    phone: &str,
) -> tokio::task::JoinHandle<Result<cardcat_counter::Sale, cardcat_counter::CounterError>> {
    let svc = c.service.clone();
    let cashier = c.cashier.clone();
    let req = SellRequest::new("CM-HF-50", phone);
    let sale = tokio::spawn(async move {
        svc.sell(
            &cashier,
            req,
            SellOptions {
                wait: Duration::from_secs(10),
                follow_for: Duration::from_secs(10),
                print: false,
            },
        )
        .await
    });
    let mut seen = false;
    for _ in 0..200 {
        if c.service.update_status(&c.owner).unwrap().blockers.placing == 1 {
            seen = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(seen, "the sale is seen under way");
    sale
}

/// A sale holds the gate to its end (result and receipt), not only while its row is written:
/// an update cannot restart the app under a receipt being printed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sale_under_way_keeps_an_update_waiting_until_it_returns() {
    let c = Counter::start(|cfg| cfg.slow_secs = 2).await;
    let sale = sale_under_way(&c, "13800138401").await;
    assert_eq!(
        c.service.begin_update(&c.owner).err().unwrap().code(),
        "update.blocked_orders"
    );
    let done = sale.await.unwrap().unwrap();
    assert!(done.order.state.is_final(), "{:?}", done.order.state);
    assert_eq!(
        c.service.update_status(&c.owner).unwrap().blockers.placing,
        0
    );
    assert!(c.service.begin_update(&c.owner).is_ok());
}

/// A restore replaces the whole store: a sale under way (its row is already written, its
/// answer not yet in) keeps it waiting, so the sale is never lost under the restored data;
/// and a restore is refused while an update installs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_waits_for_a_sale_under_way_and_for_an_update() {
    let c = Counter::start(|cfg| cfg.slow_secs = 2).await;
    let b = c.service.backup_now(&c.owner, 7).unwrap();
    let sale = sale_under_way(&c, "13800139401").await;
    let e = c.service.restore_backup(&c.owner, &b).unwrap_err();
    assert_eq!(e.code(), "backup.restore_blocked");
    assert!(!e.message(Lang::ZhCn).is_empty());
    let done = sale.await.unwrap().unwrap();
    assert!(done.order.state.is_final(), "{:?}", done.order.state);
    let key = done.order.client_key.to_string();
    assert!(
        c.service.show(&c.owner, &key, false).is_ok(),
        "the sale is still on the books"
    );
    // an update installing: no restore meanwhile
    let hold = c.service.begin_update(&c.owner).unwrap();
    assert_eq!(
        c.service.restore_backup(&c.owner, &b).unwrap_err().code(),
        "update.installing"
    );
    drop(hold);
}
