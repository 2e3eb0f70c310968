//! The money path against the real sandbox: scripted outcomes, duplicate guard, roles,
//! PIN vault, reconciliation, offline behaviour, failover, lockout, shifts, redemption.

use std::time::Duration;

use cardcat_core::reconcile::Diff;
use cardcat_core::roles::Role;
use cardcat_core::{Money, OrderState, day_utc8};
use cardcat_engine::{EngineError, SellRequest};
use cardcat_tests::Counter;
use cardcat_wire::ErrorCode;

fn fast(cfg: &mut cardcat_sandbox::SandboxConfig) {
    cfg.slow_secs = 1;
    cfg.reverse_after_secs = 1;
}

fn ledger_sum(c: &Counter, key: &str, kind: &str) -> i64 {
    let mut st = c
        .engine
        .store()
        .conn()
        .prepare("SELECT amount FROM ledger WHERE client_key = ?1 AND kind = ?2")
        .unwrap();
    st.query_map([key, kind], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|a| a.unwrap().parse::<Money>().unwrap().fen())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scripted_outcome_converges_to_the_platform_state() {
    let mut c = Counter::start(fast).await;
    // (suffix, expected final, state right after the send)
    let table: &[(&str, OrderState, Option<OrderState>)] = &[
        ("000", OrderState::Succeeded, Some(OrderState::Succeeded)),
        ("101", OrderState::Succeeded, Some(OrderState::Succeeded)),
        ("201", OrderState::Failed, None),
        ("301", OrderState::Failed, None),
        ("401", OrderState::Succeeded, Some(OrderState::Pending)),
        ("501", OrderState::Succeeded, Some(OrderState::Unknown)),
        ("601", OrderState::Reversed, Some(OrderState::Succeeded)),
        ("701", OrderState::Succeeded, Some(OrderState::Succeeded)),
        ("801", OrderState::Failed, Some(OrderState::Pending)),
        ("901", OrderState::Succeeded, Some(OrderState::Unknown)),
    ];
    let mut keys = Vec::new();
    for (i, (suffix, _, first)) in table.iter().enumerate() {
        let acct = format!("1390000{i}{suffix}");
        let r = c.sell("CM-HF-50", &acct).await.unwrap();
        if let Some(f) = first {
            assert_eq!(r.state, *f, "{suffix}: state right after the send");
        }
        // a timeout / drop / 5xx is never FAILED
        if ["501", "901"].contains(suffix) {
            assert!(
                !r.state.is_final(),
                "{suffix} must be UNKNOWN, not {:?}",
                r.state
            );
        }
        keys.push(r.client_key);
    }
    // 701: a poll now gets the stale FAILED flip; the order stays SUCCEEDED
    c.engine.check(&keys[7].to_string()).await.unwrap();
    assert_eq!(
        c.engine
            .show(&c.cashier.clone(), &keys[7].to_string(), false)
            .unwrap()
            .state,
        OrderState::Succeeded
    );
    let stale: i64 = c
        .engine
        .store()
        .conn()
        .query_row(
            "SELECT count(*) FROM order_events WHERE client_key = ?1 AND event = 'stale_ignored'",
            [keys[7].to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stale, 1, "the flip was seen and ignored");

    tokio::time::sleep(Duration::from_millis(3200)).await;
    c.settle(20).await;
    let snap = cardcat_sandbox::orders_snapshot(&c.env.sandbox_db, 1, 1).unwrap();
    for ((suffix, want, _), key) in table.iter().zip(&keys) {
        let cashier = c.cashier.clone();
        let local = c.engine.show(&cashier, &key.to_string(), false).unwrap();
        assert_eq!(local.state, *want, "{suffix}");
        let (_, remote, fulfilled) = snap
            .iter()
            .find(|(k, ..)| k == key)
            .unwrap_or_else(|| panic!("{suffix} lost on the platform"));
        assert_eq!(
            OrderState::from(*remote),
            local.state,
            "{suffix}: terminal and platform agree"
        );
        assert!(*fulfilled <= 1, "{suffix} fulfilled {fulfilled} times");
        let booked = if local.state == OrderState::Succeeded {
            local.cost.fen()
        } else {
            0
        };
        assert_eq!(
            ledger_sum(&c, &key.to_string(), "cost"),
            booked,
            "{suffix}: ledger"
        );
    }
    // the reversal booked reversing entries, never edited the old ones
    let n: i64 = c
        .engine
        .store()
        .conn()
        .query_row(
            "SELECT count(*) FROM ledger WHERE client_key = ?1",
            [keys[6].to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 6, "3 entries on success + 3 reversing entries");
    // and the books match the platform's statement
    let owner = c.owner.clone();
    let rep = c
        .engine
        .reconcile(&owner, &day_utc8(cardcat_store::now_ms()))
        .await
        .unwrap();
    assert!(rep.is_clean(), "{:?}", rep.diffs);
    assert_eq!(rep.matched, table.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_guard_blocks_unless_owner_overrides_and_audits() {
    let mut c = Counter::start(|cfg| cfg.slow_secs = 30).await;
    let first = c.sell("CM-HF-50", "13911112401").await.unwrap();
    assert_eq!(first.state, OrderState::Pending);
    let e = c.sell("CM-HF-50", "139 1111 2401").await.unwrap_err();
    assert!(
        matches!(e, EngineError::Duplicate { ref existing, .. } if *existing == first.client_key.to_string()),
        "{e:?}"
    );
    use cardcat_core::{Lang, Localized};
    assert!(e.message(Lang::ZhCn).contains("防止重复充值"));
    // a different amount for the same number is a different sale
    c.sell("CM-HF-100", "13911112401").await.unwrap();
    // the cashier cannot authorise their own override
    let mut req = SellRequest::new("CM-HF-50", "13911112401");
    req.override_by = Some(c.cashier.clone());
    let cashier = c.cashier.clone();
    assert!(matches!(
        c.engine.sell(&cashier, &req).await.unwrap_err(),
        EngineError::Forbidden(_)
    ));
    req.override_by = Some(c.owner.clone());
    let second = c.engine.sell(&cashier, &req).await.unwrap();
    assert_ne!(second.client_key, first.client_key);
    let audit = c.engine.audit_log(50).unwrap();
    let o = audit
        .iter()
        .find(|a| a.action == "order.duplicate_override")
        .expect("override audited");
    assert_eq!(o.actor, "boss");
    assert!(
        o.before
            .as_deref()
            .unwrap_or("")
            .contains(&first.client_key.to_string())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_back_end_refuses_owner_actions_to_a_cashier() {
    let mut c = Counter::start(fast).await;
    let s = c.cashier.clone();
    let today = day_utc8(cardcat_store::now_ms());
    assert!(matches!(
        c.engine.reconcile(&s, &today).await,
        Err(EngineError::Forbidden(_))
    ));
    assert!(matches!(
        c.engine
            .commission_report(&s, &today, &today, cardcat_engine::GroupBy::Day),
        Err(EngineError::Forbidden(_))
    ));
    assert!(matches!(
        c.engine.export_csv(&s, &today, &today),
        Err(EngineError::Forbidden(_))
    ));
    assert!(matches!(
        c.engine.add_user(Some(&s), "x", "x", Role::Owner, "1111"),
        Err(EngineError::Forbidden(_))
    ));
    assert!(matches!(c.engine.users(&s), Err(EngineError::Forbidden(_))));
    let o = c.sell("WY-YKT-30", "").await.unwrap();
    assert!(matches!(
        c.engine.show(&s, &o.client_key.to_string(), true),
        Err(EngineError::Forbidden(_))
    ));
    // an installer may not sell
    let owner = c.owner.clone();
    c.engine
        .add_user(Some(&owner), "inst", "装机", Role::Installer, "5555")
        .unwrap();
    let inst = c.engine.login("inst", "5555").unwrap();
    assert!(matches!(
        c.engine
            .sell(&inst, &SellRequest::new("CM-HF-50", "13800138000"))
            .await,
        Err(EngineError::Forbidden(_))
    ));
    // the owner may do all of it
    assert!(
        c.engine
            .commission_report(&owner, &today, &today, cardcat_engine::GroupBy::Product)
            .is_ok()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pins_are_encrypted_at_rest_shown_once_and_reveals_are_audited() {
    let mut c = Counter::start(fast).await;
    let sold = c.sell("WY-YKT-30", "").await.unwrap();
    assert_eq!(sold.state, OrderState::Succeeded);
    assert!(sold.pins_in_full && !sold.copy);
    let pin = sold.pins[0].pin.clone();
    let card = sold.pins[0].card_no.clone();
    assert!(pin.len() >= 12);
    // nowhere in the SQLite files in clear
    c.engine
        .store()
        .conn()
        .execute_batch("PRAGMA wal_checkpoint(PASSIVE);")
        .ok();
    for f in ["counter.sqlite", "counter.sqlite-wal"] {
        if let Ok(bytes) = std::fs::read(c.env.terminal_db(f)) {
            assert!(
                !bytes.windows(pin.len()).any(|w| w == pin.as_bytes()),
                "PIN in clear in {f}"
            );
            assert!(
                !bytes.windows(card.len()).any(|w| w == card.as_bytes()),
                "card number in clear in {f}"
            );
        }
    }
    // until it reached the customer, another view still shows it in full (a crash between
    // reading and showing must not cost the customer the card)…
    let s = c.cashier.clone();
    let key = sold.client_key.to_string();
    let still_owed = c.engine.show(&s, &key, false).unwrap();
    assert!(still_owed.pins_in_full && !still_owed.handed_over);
    assert_eq!(still_owed.pins[0].pin, pin);
    // …and once the screen had it, every later view is a masked copy
    assert!(
        c.engine
            .hand_over(&s, &key, cardcat_engine::HandOver::Screen)
            .unwrap()
    );
    assert!(
        !c.engine
            .hand_over(&s, &key, cardcat_engine::HandOver::Screen)
            .unwrap()
    );
    let again = c.engine.show(&s, &key, false).unwrap();
    assert!(again.copy && !again.pins_in_full && again.handed_over);
    assert_ne!(again.pins[0].pin, pin);
    assert!(again.pins[0].pin.contains('•'));
    // the owner can reveal it, and that is audited
    let owner = c.owner.clone();
    let revealed = c
        .engine
        .show(&owner, &sold.client_key.to_string(), true)
        .unwrap();
    assert_eq!(revealed.pins[0].pin, pin);
    assert!(revealed.copy);
    let audit = c.engine.audit_log(20).unwrap();
    assert!(
        audit
            .iter()
            .any(|a| a.action == "pin.reveal" && a.actor == "boss")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconciliation_flags_a_mismatch_the_platform_introduced() {
    let mut c = Counter::start(fast).await;
    let mut keys = Vec::new();
    for acct in ["13800000001", "13800000002", "13800000003"] {
        keys.push(c.sell("CM-HF-30", acct).await.unwrap().client_key);
    }
    let r = reqwest::Client::new()
        .post(format!("{}/admin/statements/adjust", c.env.url()))
        .bearer_auth(&c.env.admin_token)
        .json(&serde_json::json!({ "client_key": keys[1], "delta": "1.50" }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    let owner = c.owner.clone();
    let rep = c
        .engine
        .reconcile(&owner, &day_utc8(cardcat_store::now_ms()))
        .await
        .unwrap();
    assert_eq!(rep.matched, 2);
    assert_eq!(rep.diffs.len(), 1, "{:?}", rep.diffs);
    let Diff::AmountMismatch {
        client_key,
        local,
        platform,
    } = &rep.diffs[0]
    else {
        panic!("{:?}", rep.diffs)
    };
    assert_eq!(client_key, &keys[1].to_string());
    assert_eq!(platform.amount.fen() - local.amount.fen(), 150);
    // CSV export has every ledger entry, UTF-8 with BOM and Chinese names
    let today = day_utc8(cardcat_store::now_ms());
    let csv = c.engine.export_csv(&owner, &today, &today).unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert_eq!(csv.lines().count(), 1 + 3 * 3);
    assert!(csv.contains("中国移动话费30元"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_refuses_new_orders_keeps_local_work_and_resolves_sent_ones_later() {
    let mut c = Counter::start(|cfg| cfg.slow_secs = 2).await;
    let slow = c.sell("CM-HF-50", "13700000401").await.unwrap();
    assert_eq!(slow.state, OrderState::Pending);
    let addr = c.env.sandbox.addr;
    let db = c.env.sandbox_db.clone();
    // swap in an unrelated sandbox so the real one can be shut down by value
    let other = cardcat_sandbox::start(
        cardcat_sandbox::SandboxConfig::new(c.env.terminal_db("other-sandbox.sqlite")),
        std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .await
    .unwrap();
    let real = std::mem::replace(&mut c.env.sandbox, other);
    real.shutdown().await;

    let before: i64 = c
        .engine
        .store()
        .conn()
        .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
        .unwrap();
    let e = c.sell("CM-HF-50", "13700000000").await.unwrap_err();
    assert!(matches!(e, EngineError::Offline(_)), "{e:?}");
    use cardcat_core::{Lang, Localized};
    assert!(
        e.message(Lang::ZhCn).contains("未提交"),
        "{}",
        e.message(Lang::ZhCn)
    );
    let after: i64 = c
        .engine
        .store()
        .conn()
        .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
        .unwrap();
    assert_eq!(before, after, "nothing persisted for a refused sale");
    // local work goes on: X report, pending list, resume (which leaves the order open, not failed)
    let s = c.cashier.clone();
    assert_eq!(c.engine.x_report(&s).unwrap().totals.pending.count, 1);
    let r = c.engine.resume(true).await.unwrap();
    assert!(r.unreachable);
    assert_eq!(
        c.engine
            .show(&s, &slow.client_key.to_string(), false)
            .unwrap()
            .state,
        OrderState::Pending
    );
    let queued = c.engine.outbox_pending().unwrap();
    assert!(queued > 0, "audit events wait in the outbox");

    // the platform comes back on the same address
    let mut cfg = cardcat_sandbox::SandboxConfig::new(&db);
    cfg.slow_secs = 2;
    let back = cardcat_sandbox::start(cfg, addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let r = c.engine.resume(true).await.unwrap();
    assert!(!r.unreachable);
    assert_eq!(
        c.engine
            .show(&s, &slow.client_key.to_string(), false)
            .unwrap()
            .state,
        OrderState::Succeeded
    );
    assert_eq!(c.engine.outbox_pending().unwrap(), 0, "outbox drained");
    let events = cardcat_sandbox::terminal_events(&db).unwrap();
    assert!(events.iter().filter(|(k, _)| k == "audit").count() as u64 >= queued);
    back.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failover_is_a_new_linked_order_only_after_a_final_failure() {
    let mut c = Counter::start(|cfg| cfg.slow_secs = 30).await;
    c.engine.follow_for = Duration::from_secs(5);
    let failed = c.sell("CM-HF-50", "13600000201").await.unwrap();
    assert_eq!(failed.state, OrderState::Failed);
    let s = c.cashier.clone();
    let mut req = SellRequest::new("CU-HF-50", "13600000000");
    req.replaces = Some(failed.client_key);
    let new = c.engine.sell(&s, &req).await.unwrap();
    assert_eq!(
        new.replaces.as_deref(),
        Some(failed.client_key.to_string().as_str())
    );
    assert_ne!(new.client_key, failed.client_key);
    c.engine.follow_for = Duration::from_secs(0);
    let pending = c.sell("CM-HF-20", "13600000401").await.unwrap();
    let mut req = SellRequest::new("CM-HF-20", "13600000000");
    req.replaces = Some(pending.client_key);
    assert!(matches!(
        c.engine.sell(&s, &req).await,
        Err(EngineError::CannotReplace { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_wrong_pins_lock_the_user() {
    let mut c = Counter::start(fast).await;
    for left in (1..5).rev() {
        assert!(
            matches!(c.engine.login("c1", "0000"), Err(EngineError::BadLogin { attempts_left }) if attempts_left == left)
        );
    }
    assert!(matches!(
        c.engine.login("c1", "0000"),
        Err(EngineError::Locked { .. })
    ));
    assert!(
        matches!(
            c.engine.login("c1", "1234"),
            Err(EngineError::Locked { .. })
        ),
        "locked even with the right PIN"
    );
    assert!(
        c.engine
            .audit_log(10)
            .unwrap()
            .iter()
            .any(|a| a.action == "user.locked")
    );
    let hash: String = c
        .engine
        .store()
        .conn()
        .query_row("SELECT pin_hash FROM users WHERE id = 'c1'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(hash.starts_with("$argon2id$"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shift_x_and_z_come_from_one_function_and_reach_the_platform() {
    let mut c = Counter::start(fast).await;
    c.engine.follow_for = Duration::from_secs(5);
    let s = c.cashier.clone();
    c.sell("CM-HF-50", "13500000000").await.unwrap();
    let mut wx = SellRequest::new("QB-10", "10001");
    wx.payment = cardcat_core::shift::PaymentMethod::Wechat;
    c.engine.sell(&s, &wx).await.unwrap();
    c.sell("CM-HF-30", "13500000201").await.unwrap(); // fails: handed back
    let x = c.engine.x_report(&s).unwrap();
    assert_eq!(x.totals.sales.count, 2);
    assert_eq!(x.totals.refunds.count, 1);
    assert_eq!(x.totals.expected_cash, Money::from_yuan(250));
    let z = c.engine.close_shift(&s, "248.50".parse().unwrap()).unwrap();
    assert_eq!(z.totals, x.totals, "Z = X at close");
    assert_eq!(z.over_short, Some("-1.50".parse().unwrap()));
    assert!(matches!(
        c.engine.x_report(&s),
        Err(EngineError::ShiftNotOpen)
    ));
    assert!(matches!(
        c.sell("CM-HF-50", "13500000000").await,
        Err(EngineError::ShiftNotOpen)
    ));
    c.engine.drain_outbox().await.unwrap();
    let ev = cardcat_sandbox::terminal_events(&c.env.sandbox_db).unwrap();
    let (_, z_ev) = ev
        .iter()
        .find(|(k, _)| k == "shift.z_report")
        .expect("Z report delivered");
    assert_eq!(z_ev["over_short"], "-1.50");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redemption_prepare_verify_cancel_and_distinct_errors() {
    let mut c = Counter::start(fast).await;
    let s = c.cashier.clone();
    let info = c.engine.redeem_prepare(&s, "CC-TEST-0002").await.unwrap();
    assert_eq!(info.value, Money::from_fen(2800));
    let r = c.engine.redeem_verify(&s, "CC-TEST-0002").await.unwrap();
    assert_eq!(r.state, cardcat_engine::RedemptionState::Redeemed);
    let again = c
        .engine
        .redeem_verify(&s, "CC-TEST-0002")
        .await
        .unwrap_err();
    let cancelled = c.engine.redeem_cancel(&s, r.request_id).await.unwrap();
    assert_eq!(cancelled.state, cardcat_engine::RedemptionState::Cancelled);
    // cancelling frees the voucher
    assert_eq!(
        c.engine
            .redeem_verify(&s, "CC-TEST-0002")
            .await
            .unwrap()
            .state,
        cardcat_engine::RedemptionState::Redeemed
    );
    let codes: Vec<(&str, EngineError)> = vec![
        ("used", again),
        (
            "expired",
            c.engine
                .redeem_verify(&s, "CC-TEST-0003")
                .await
                .unwrap_err(),
        ),
        (
            "used-seed",
            c.engine
                .redeem_verify(&s, "CC-TEST-0004")
                .await
                .unwrap_err(),
        ),
        (
            "cancelled",
            c.engine
                .redeem_verify(&s, "CC-TEST-0005")
                .await
                .unwrap_err(),
        ),
        (
            "unknown",
            c.engine
                .redeem_prepare(&s, "NO-SUCH-CODE")
                .await
                .unwrap_err(),
        ),
    ];
    use cardcat_core::{Lang, Localized};
    let want = [
        ErrorCode::VoucherUsed,
        ErrorCode::VoucherExpired,
        ErrorCode::VoucherUsed,
        ErrorCode::VoucherCancelled,
        ErrorCode::VoucherNotFound,
    ];
    let mut messages = std::collections::HashSet::new();
    for ((what, e), w) in codes.iter().zip(want) {
        assert!(
            matches!(e, EngineError::Voucher(code, _) if *code == w),
            "{what}: {e:?}"
        );
        messages.insert(e.message(Lang::ZhCn));
    }
    assert_eq!(
        messages.len(),
        4,
        "used / expired / cancelled / unknown read differently: {messages:?}"
    );
    // redemptions count on the shift report
    assert_eq!(c.engine.x_report(&s).unwrap().totals.redemptions.count, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_skewed_clock_is_refused_before_an_order_exists() {
    let c = Counter::start(fast).await;
    let Counter {
        env,
        engine,
        cashier,
        ..
    } = c;
    let mut engine = engine.with_clock_offset_ms(-9 * 60_000);
    let e = engine
        .sell(&cashier, &SellRequest::new("CM-HF-50", "13300000000"))
        .await
        .unwrap_err();
    assert!(
        matches!(e, EngineError::ClockSkew { secs } if (-600..=-500).contains(&secs)),
        "{e:?}"
    );
    use cardcat_core::{Lang, Localized};
    assert!(e.message(Lang::ZhCn).contains("校准系统时间"));
    let n: i64 = engine
        .store()
        .conn()
        .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0, "nothing persisted, nothing left UNKNOWN");
    let mut engine = engine.with_clock_offset_ms(60_000);
    assert_eq!(
        engine
            .sell(&cashier, &SellRequest::new("CM-HF-50", "13300000000"))
            .await
            .unwrap()
            .state,
        OrderState::Succeeded,
        "a minute off is fine"
    );
    env.sandbox.shutdown().await;
}
