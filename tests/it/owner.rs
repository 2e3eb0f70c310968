//! The owner's back office and the installer's set-up, through the counter service against
//! the real sandbox: analytics that agree with the ledger, reconciliation that finds an
//! injected difference, user management and the audit log, receipt logo and previews,
//! the set-up gate, printer discovery on loopback, and a support bundle with no secret.

use std::time::Duration;

use cardcat_core::report::{DayRange, GroupBy};
use cardcat_core::{Localized, OrderState};
use cardcat_counter::{Counter as Service, CounterError, TerminalConfig};
use cardcat_engine::{AuditFilter, EngineError};
use cardcat_printer::doc::PaperWidth;
use cardcat_printer::emulator::Emulator;
use cardcat_tests::{Counter, Env};

fn fast(cfg: &mut cardcat_sandbox::SandboxConfig) {
    cfg.slow_secs = 1;
}

fn today() -> DayRange {
    DayRange::day(Service::today())
}

/// The orders in the terminal's store, as the test reads it directly.
fn orders(c: &Counter) -> i64 {
    c.engine
        .store()
        .conn()
        .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
        .unwrap()
}

fn code(e: &CounterError) -> &'static str {
    e.code()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analytics_agree_with_the_ledger_in_every_dimension_and_follow_each_sale() {
    let mut c = Counter::start(fast).await;
    let before = c.service.analytics(&c.owner, &today()).unwrap();
    assert_eq!(before.totals.orders, 0);
    for (sku, acct) in [
        ("CM-HF-50", "13800138000"),
        ("WY-YKT-30", ""),
        ("CM-HF-50", "13900139000"),
    ] {
        let o = c.sell(sku, acct).await.unwrap();
        assert_eq!(o.state, OrderState::Succeeded, "{sku}");
    }
    let a = c.service.analytics(&c.owner, &today()).unwrap();
    assert_eq!(a.totals.orders, 3);
    // the same numbers as the ledger report, grouped the old way
    let by_product = c
        .service
        .commission_report(&c.owner, &today(), GroupBy::Product)
        .unwrap();
    for row in &by_product {
        let b = a.by_product.iter().find(|b| b.key == row.key).unwrap();
        assert_eq!(
            (b.orders, b.sales, b.commission),
            (row.orders, row.sales, row.commission)
        );
    }
    let day = &a.by_day[0];
    assert_eq!(day.key, Service::today().as_str());
    assert_eq!(day.commission, a.totals.commission);
    assert!(a.totals.commission.fen() > 0);
    // who sold, in the cashier's name; when; in which category
    assert_eq!(a.by_cashier.len(), 1);
    assert_eq!(a.by_cashier[0].label, "小王");
    let hour = usize::from(
        u8::try_from((cardcat_store::now_ms() / 1000 + 8 * 3600) % 86_400 / 3600).unwrap(),
    );
    let busy: u32 = a.by_hour.iter().map(|b| b.orders).sum();
    assert_eq!(busy, 3);
    assert!(a.by_hour[hour].orders >= 1 || a.by_hour[(hour + 23) % 24].orders >= 1);
    assert!(a.by_category.len() >= 2, "{:?}", a.by_category);
    assert!(a.by_category.iter().all(|b| !b.label.is_empty()));
    // a day already rolled up is read again when a later entry books on it (an order that
    // resolved after midnight books on its own day): the kept report never goes stale
    let yesterday = cardcat_core::report::Day::of_ms(cardcat_store::now_ms() - 86_400_000);
    let two_days = DayRange::new(yesterday.clone(), Service::today()).unwrap();
    let first = c.service.analytics(&c.owner, &two_days).unwrap();
    assert_eq!(first.by_day[0].orders, 0);
    let late = uuid::Uuid::now_v7().to_string();
    for (kind, amount) in [("sale", "20.00"), ("cost", "19.40"), ("commission", "0.60")] {
        c.engine
            .store()
            .conn()
            .execute(
                "INSERT INTO ledger (client_key, kind, amount, sku, cashier_id, day, at_ms, reason)
                 VALUES (?1, ?2, ?3, 'CM-HF-20', 'c1', ?4, ?5, 'succeeded')",
                cardcat_store::rusqlite_reexport::params![
                    late,
                    kind,
                    amount,
                    yesterday.as_str(),
                    cardcat_store::now_ms()
                ],
            )
            .unwrap();
    }
    let again = c.service.analytics(&c.owner, &two_days).unwrap();
    assert_eq!(again.by_day[0].orders, 1);
    assert_eq!(again.by_day[0].commission.to_string(), "0.60");
    assert_eq!(again.totals.orders, first.totals.orders + 1);
    // a stored amount that is not two decimals is named, never read as zero
    c.engine
        .store()
        .conn()
        .execute(
            "INSERT INTO ledger (client_key, kind, amount, sku, cashier_id, day, at_ms, reason)
             VALUES ('bad-row', 'sale', '12.3', 'CM-HF-20', 'c1', ?1, ?2, 'succeeded')",
            cardcat_store::rusqlite_reexport::params![yesterday.as_str(), cardcat_store::now_ms()],
        )
        .unwrap();
    let e = c.service.analytics(&c.owner, &two_days).unwrap_err();
    assert_eq!(code(&e), "store.corrupt_value", "{e}");
    assert!(e.to_string().contains("bad-row"), "{e}");
    c.engine
        .store()
        .conn()
        .execute("DELETE FROM ledger WHERE client_key = 'bad-row'", [])
        .unwrap();
    // a cashier may not see it
    let e = c.service.analytics(&c.cashier, &today()).unwrap_err();
    assert_eq!(code(&e), "auth.forbidden");
    // today at a glance
    let d = c.service.dashboard(&c.owner).unwrap();
    assert_eq!(d.today.orders, 3);
    assert_eq!(d.open_orders, 0);
    assert!(d.catalog.products > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconciliation_shows_a_difference_injected_on_the_platform() {
    let mut c = Counter::start(fast).await;
    let a = c.sell("CM-HF-50", "13800138000").await.unwrap();
    let b = c.sell("CM-HF-30", "13800138001").await.unwrap();
    assert_eq!(b.state, OrderState::Succeeded);
    let r = reqwest::Client::new()
        .post(format!("{}/admin/statements/adjust", c.env.url()))
        .bearer_auth(&c.env.admin_token)
        .json(&serde_json::json!({ "client_key": a.client_key, "delta": "1.50" }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    let rep = c
        .service
        .reconcile(&c.owner, &Service::today())
        .await
        .unwrap();
    assert_eq!(rep.matched, 1);
    assert_eq!(rep.diffs.len(), 1);
    match &rep.diffs[0] {
        cardcat_core::reconcile::Diff::AmountMismatch {
            client_key,
            local,
            platform,
        } => {
            assert_eq!(client_key, &a.client_key.to_string());
            assert_eq!(platform.amount.fen() - local.amount.fen(), 150);
        }
        d => panic!("expected a mismatch, got {d:?}"),
    }
    let d = c.service.dashboard(&c.owner).unwrap();
    let last = d.last_reconcile.unwrap();
    assert_eq!((last.matched, last.diffs), (1, 1));
    assert_eq!(last.day, Service::today().as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_are_managed_by_the_owner_only_and_every_change_is_audited() {
    let c = Counter::start(fast).await;
    let s = &c.service;
    // a cashier cannot manage anyone
    for e in [
        s.set_user_active(&c.cashier, "c1", false).unwrap_err(),
        s.reset_pin(&c.cashier, "c1", "4321").unwrap_err(),
        s.unlock_user(&c.cashier, "c1").unwrap_err(),
        s.audit_log(&c.cashier, &AuditFilter::default(), 10)
            .unwrap_err(),
    ] {
        assert_eq!(code(&e), "auth.forbidden");
    }
    // disable → cannot log in; enable → can
    s.set_user_active(&c.owner, "c1", false).unwrap();
    assert!(s.login("c1", "1234").is_err());
    assert!(
        !s.users(&c.owner)
            .unwrap()
            .iter()
            .find(|u| u.id == "c1")
            .unwrap()
            .active
    );
    s.set_user_active(&c.owner, "c1", true).unwrap();
    s.login("c1", "1234").unwrap();
    // reset: the old PIN stops working
    s.reset_pin(&c.owner, "c1", "4321").unwrap();
    assert!(s.login("c1", "1234").is_err());
    s.login("c1", "4321").unwrap();
    assert_eq!(
        code(&s.reset_pin(&c.owner, "c1", "12").unwrap_err()),
        "input.invalid"
    );
    // a lockout, lifted by the owner
    for _ in 0..5 {
        let _ = s.login("c1", "0000");
    }
    assert_eq!(code(&s.login("c1", "4321").unwrap_err()), "auth.locked");
    assert!(
        s.users(&c.owner)
            .unwrap()
            .iter()
            .find(|u| u.id == "c1")
            .unwrap()
            .locked
    );
    s.unlock_user(&c.owner, "c1").unwrap();
    s.login("c1", "4321").unwrap();
    // the last owner stays, and nobody disables themselves
    assert_eq!(
        code(&s.set_user_active(&c.owner, "boss", false).unwrap_err()),
        "input.own_account"
    );
    // an ID typed at the PIN pad, a name that goes onto receipts and CSV files: each
    // refused in words, and nobody is added
    let long = "名".repeat(33);
    for (id, name, want) in [
        ("boss 2", "二老板", "input.user_id"),
        ("boss2\u{7}", "二老板", "input.user_id"),
        ("", "二老板", "input.user_id"),
        ("boss2", "二\n老板", "input.user_name"),
        ("boss2", "\u{1b}@", "input.user_name"),
        ("boss2", "  ", "input.user_name"),
        ("boss2", long.as_str(), "input.user_name"),
    ] {
        let e = s
            .add_user(Some(&c.owner), id, name, "owner", "5678")
            .unwrap_err();
        assert_eq!(code(&e), want, "{id:?} {name:?}");
        assert!(!e.message(cardcat_core::Lang::ZhCn).is_empty());
        assert!(s.login("boss2", "5678").is_err());
    }
    s.add_user(Some(&c.owner), "boss2", "二老板", "owner", "5678")
        .unwrap();
    let boss2 = s.login("boss2", "5678").unwrap();
    s.set_user_active(&boss2, "boss", false).unwrap();
    s.set_user_active(&boss2, "boss", true).unwrap();
    s.set_user_active(&c.owner, "boss2", false).unwrap();
    assert_eq!(
        code(&s.set_user_active(&boss2, "nobody", false).unwrap_err()),
        "input.no_such_user"
    );
    // the audit log, filtered
    let users = s
        .audit_log(
            &c.owner,
            &AuditFilter {
                action: "user.".into(),
                ..Default::default()
            },
            100,
        )
        .unwrap();
    let actions: Vec<&str> = users.iter().map(|a| a.action.as_str()).collect();
    for a in [
        "user.disable",
        "user.enable",
        "user.reset_pin",
        "user.unlock",
        "user.locked",
        "user.add",
    ] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    assert!(users.iter().all(|a| a.action.starts_with("user.")));
    let by_boss2 = s
        .audit_log(
            &c.owner,
            &AuditFilter {
                actor: "boss2".into(),
                ..Default::default()
            },
            100,
        )
        .unwrap();
    assert_eq!(by_boss2.len(), 2);
    let about_c1 = s
        .audit_log(
            &c.owner,
            &AuditFilter {
                action: "user.reset".into(),
                text: "c1".into(),
                ..Default::default()
            },
            100,
        )
        .unwrap();
    assert_eq!(about_c1.len(), 1);
    // a LIKE wildcard typed by a person is a character, not a wildcard
    let none = s
        .audit_log(
            &c.owner,
            &AuditFilter {
                text: "%".into(),
                ..Default::default()
            },
            100,
        )
        .unwrap();
    assert!(
        none.iter()
            .all(|a| format!("{}{:?}{:?}", a.subject, a.before, a.after).contains('%'))
    );
    let tomorrow = Service::today().next();
    let future = s
        .audit_log(
            &c.owner,
            &AuditFilter {
                from: Some(tomorrow),
                ..Default::default()
            },
            100,
        )
        .unwrap();
    assert!(future.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shift_history_lists_closed_shifts_with_count_and_over_short() {
    let mut c = Counter::start(fast).await;
    c.sell("CM-HF-50", "13800138000").await.unwrap();
    let z = c.service.close_shift(&c.cashier, "249.50").await.unwrap();
    assert!(z.shift.closed_at_ms.is_some());
    let h = c.service.shift_history(&c.owner, &today()).unwrap();
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].counted_cash.unwrap().to_string(), "249.50");
    assert_eq!(h[0].over_short.unwrap().to_string(), "-0.50");
    let e = c.service.shift_history(&c.cashier, &today()).unwrap_err();
    assert_eq!(code(&e), "auth.forbidden");
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        let mut wr = enc.write_header().unwrap();
        let data: Vec<u8> = (0..w * h)
            .map(|i| if (i % w) < w / 2 { 0 } else { 255 })
            .collect();
        wr.write_image_data(&data).unwrap();
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receipt_logo_and_footer_preview_at_both_widths_from_the_bytes() {
    let c = Counter::start(fast).await;
    let s = &c.service;
    assert!(!s.has_logo_image().unwrap());
    let e = s
        .set_logo_image(Some(&c.cashier), &png(200, 80))
        .unwrap_err();
    assert_eq!(code(&e), "auth.forbidden");
    let e = s
        .set_logo_image(Some(&c.owner), b"GIF89a broken")
        .unwrap_err();
    assert_eq!(code(&e), "input.logo_unreadable");
    assert!(!e.message(cardcat_core::Lang::ZhCn).is_empty());
    let (w, h) = s.set_logo_image(Some(&c.owner), &png(800, 200)).unwrap();
    assert_eq!((w, h), (384, 96));
    assert!(s.has_logo_image().unwrap());
    let p = s
        .receipt_previews("欢迎再来 · 便民超市", true)
        .await
        .unwrap();
    assert_eq!(p.iter().map(|x| x.width_mm).collect::<Vec<_>>(), [58, 80]);
    for x in &p {
        assert!(x.preview.text.contains("欢迎再来"), "{}", x.preview.text);
        assert!(x.preview.png.starts_with(b"\x89PNG"));
    }
    // the 58 mm receipt is narrower than the 80 mm one, with the logo raster in both
    let with_logo = p[0].preview.bytes;
    let without = s
        .receipt_previews("欢迎再来 · 便民超市", false)
        .await
        .unwrap()[0]
        .preview
        .bytes;
    assert!(
        with_logo > without + 96 * 384 / 8 / 2,
        "{with_logo} vs {without}"
    );
    let long = "很长".repeat(61);
    assert_eq!(
        code(&s.receipt_previews(&long, false).await.unwrap_err()),
        "input.footer"
    );
    s.set_receipt(Some(&c.owner), "欢迎再来", true).unwrap();
    assert_eq!(
        s.printer_settings().unwrap().footer.as_deref(),
        Some("欢迎再来")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commission_csv_opens_in_excel_bom_crlf_plain_decimals() {
    let mut c = Counter::start(fast).await;
    c.sell("CM-HF-50", "13800138000").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let f = c
        .service
        .export_csv_file(&c.owner, &today(), dir.path())
        .unwrap();
    let bytes = std::fs::read(&f).unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 BOM");
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text
        .trim_start_matches('\u{feff}')
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(
        lines[0],
        "day,client_key,sku,product,cashier,entry,amount,booked_on,order_state"
    );
    assert_eq!(lines.len(), 4, "{lines:?}");
    let sale = lines.iter().find(|l| l.contains(",sale,")).unwrap();
    assert!(sale.contains(",50.00,") || sale.contains(",49."), "{sale}");
    assert!(!text.contains('\n') || text.matches('\n').count() == text.matches("\r\n").count());
    let e = c
        .service
        .export_csv_file(&c.cashier, &today(), dir.path())
        .unwrap_err();
    assert_eq!(code(&e), "auth.forbidden");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_terminal_is_set_up_without_a_login_and_then_never_again() {
    let env = Env::start(0).await;
    let db = env.terminal_db("fresh.sqlite");
    let secrets: std::sync::Arc<dyn cardcat_client::SecretStore> =
        std::sync::Arc::new(cardcat_client::secrets::MemoryStore::default());
    let s = Service::open(
        TerminalConfig {
            db: db.clone(),
            lang: cardcat_core::Lang::ZhCn,
        },
        secrets,
    )
    .unwrap();
    let st = s.setup_state().unwrap();
    assert!(!st.activated && !st.has_users);
    s.setup_allowed(None).unwrap();
    assert!(s.keyring_check().ok);
    // the platform step: reachable, clock within limits; a wrong address says so
    let checks = s.check_platform(None, &env.url()).await.unwrap();
    assert!(checks.iter().all(|c| c.ok), "{checks:?}");
    let bad = s.check_platform(None, "http://127.0.0.1:9").await.unwrap();
    assert!(bad.iter().any(|c| !c.ok && c.fix.is_some()), "{bad:?}");
    assert!(s.check_platform(None, "not a url").await.is_err());
    s.set_lang(None, cardcat_core::Lang::En).unwrap();
    assert_eq!(s.lang(), cardcat_core::Lang::En);
    s.set_lang(None, cardcat_core::Lang::ZhCn).unwrap();
    // pairing, then the catalog
    s.activate(&env.url(), &env.pairing_code(), "wizard")
        .await
        .unwrap();
    s.sync(false).await.unwrap();
    // the printer: found by a sweep of loopback only, tested, the drawer kicked
    let out = tempfile::tempdir().unwrap();
    let emu = Emulator::start(
        "127.0.0.1:0".parse().unwrap(),
        out.path().to_path_buf(),
        PaperWidth::Mm58,
    )
    .await
    .unwrap();
    let port: u16 = emu.target().rsplit(':').next().unwrap().parse().unwrap();
    let (subnet, found) = s
        .find_printers(Some("127.0.0.1/32"), port, Duration::from_millis(400))
        .await
        .unwrap();
    assert_eq!(subnet, "127.0.0.1/32");
    let net: Vec<_> = found.iter().filter(|f| f.network).collect();
    assert_eq!(net.len(), 1, "{found:?}");
    assert_eq!(net[0].target, emu.target());
    let (_, preview) = s
        .test_print_preview(None, &net[0].target, "xprinter-58")
        .await
        .unwrap();
    s.drawer_test(None, &net[0].target, "xprinter-58")
        .await
        .unwrap();
    let mut jobs = Vec::new();
    for _ in 0..50 {
        jobs = emu.jobs();
        if jobs.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(jobs.len(), 2, "test page and drawer pulse arrive");
    // the preview is the printed page: same decoded text
    assert_eq!(jobs[0].text.trim(), preview.text.trim());
    assert!(jobs[1].text.contains("[DRAWER"), "{}", jobs[1].text);
    s.set_printer(
        None,
        &cardcat_counter::PrinterSetup {
            target: emu.target(),
            profile: "xprinter-58".into(),
            footer: None,
            logo: false,
        },
    )
    .unwrap();
    // the owner, and the open door closes
    assert_eq!(
        code(&s.create_owner("bad id!", "x", "1234").unwrap_err()),
        "input.user_id"
    );
    s.create_owner("laoban", "老板", "2468").unwrap();
    assert!(matches!(
        s.setup_allowed(None).unwrap_err(),
        CounterError::Engine(EngineError::LoginRequired)
    ));
    assert!(s.check_platform(None, &env.url()).await.is_err());
    assert!(
        s.test_print_preview(None, &emu.target(), "xprinter-58")
            .await
            .is_err()
    );
    assert!(s.set_lang(None, cardcat_core::Lang::En).is_err());
    let owner = s.login("laoban", "2468").unwrap();
    s.setup_allowed(Some(&owner)).unwrap();
    s.add_user(Some(&owner), "c9", "收银", "cashier", "1357")
        .unwrap();
    let cashier = s.login("c9", "1357").unwrap();
    assert_eq!(
        code(&s.setup_allowed(Some(&cashier)).unwrap_err()),
        "auth.forbidden"
    );
    let st = s.setup_state().unwrap();
    assert!(st.activated && st.has_users && st.printer_target.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_support_bundle_holds_no_secret_no_pin_code_and_no_full_phone_number() {
    let mut c = Counter::start(fast).await;
    let phone = "13800138000";
    c.sell("CM-HF-50", phone).await.unwrap();
    let card = c.sell("WY-YKT-30", "").await.unwrap();
    let pins: Vec<String> = card
        .pins
        .iter()
        .flat_map(|p| [p.pin.clone(), p.card_no.clone()])
        .collect();
    assert!(!pins.is_empty());
    let tid = c.service.info().unwrap().terminal_id.unwrap();
    let secret = c.service.secrets().get(&tid).unwrap().unwrap();
    assert!(secret.len() >= 16);
    // hostile log lines: the secret, a PIN and the phone number, as a careless log would
    let logs = vec![
        format!("WARN sale to {phone} failed"),
        format!("debug secret={secret}"),
        format!("pin {}", pins[0]),
        "phone 138 0013 8000 typed with spaces".to_string(),
    ];
    let dir = tempfile::tempdir().unwrap();
    let e = c
        .service
        .support_bundle(Some(&c.cashier), dir.path(), "test", &logs)
        .await
        .unwrap_err();
    assert_eq!(code(&e), "auth.forbidden");
    let f = c
        .service
        .support_bundle(Some(&c.owner), dir.path(), "test", &logs)
        .await
        .unwrap();
    let text = std::fs::read_to_string(&f).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(v["versions"]["schema"].as_u64().unwrap() >= 1);
    assert!(v["orders"].as_array().unwrap().len() >= 2);
    assert!(!v["doctor"].as_array().unwrap().is_empty());
    assert!(
        text.contains(&card.client_key.to_string()),
        "order keys stay readable"
    );
    assert!(!text.contains(&secret), "no terminal secret");
    for p in &pins {
        assert!(!text.contains(p.as_str()), "no PIN code or card number {p}");
    }
    let digits: String = text
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '\n')
        .collect();
    let squashed = text.replace([' ', '-'], "");
    assert!(!squashed.contains(phone), "no full phone number");
    let _ = digits;
}

/// A keyring that refuses every write, as a locked or headless one does.
pub(crate) struct LockedKeyring;

impl cardcat_client::SecretStore for LockedKeyring {
    fn backend(&self) -> &'static str {
        "locked"
    }
    fn get(&self, _: &str) -> Result<Option<String>, cardcat_client::SecretError> {
        Err(cardcat_client::SecretError::Unavailable(
            "the collection is locked".into(),
        ))
    }
    fn set(&self, _: &str, _: &str) -> Result<(), cardcat_client::SecretError> {
        Err(cardcat_client::SecretError::Unavailable(
            "the collection is locked".into(),
        ))
    }
    fn delete(&self, _: &str) -> Result<(), cardcat_client::SecretError> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_keyring_is_explained_in_the_wizard_and_the_pairing_code_is_not_spent() {
    let env = Env::start(0).await;
    let db = env.terminal_db("locked.sqlite");
    let s = Service::open(
        TerminalConfig {
            db,
            lang: cardcat_core::Lang::ZhCn,
        },
        std::sync::Arc::new(LockedKeyring),
    )
    .unwrap();
    let check = s.keyring_check();
    assert!(!check.ok);
    let fix = check.fix.unwrap();
    assert!(fix.contains("密钥环"), "{fix}");
    let code = env.pairing_code();
    let e = s.activate(&env.url(), &code, "wizard").await.unwrap_err();
    assert!(e.code().starts_with("keyring."), "{}", e.code());
    assert!(!s.setup_state().unwrap().activated);
    // the same code still pairs a terminal whose keyring works
    let ok = Service::open(
        TerminalConfig {
            db: env.terminal_db("ok.sqlite"),
            lang: cardcat_core::Lang::ZhCn,
        },
        std::sync::Arc::new(cardcat_client::secrets::MemoryStore::default()),
    )
    .unwrap();
    ok.activate(&env.url(), &code, "wizard").await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_round_trip_and_refuse_another_store_and_a_newer_schema() {
    let mut c = Counter::start(fast).await;
    let s = c.service.clone();
    let o = c.sell("CM-HF-50", "13800138000").await.unwrap();
    s.acknowledge(&c.cashier, &o.client_key.to_string())
        .unwrap();
    assert_eq!(
        code(&s.backup_now(&c.cashier, 7).unwrap_err()),
        "auth.forbidden"
    );
    let b = s.backup_now(&c.owner, 7).unwrap();
    let info = cardcat_store::backup::inspect(&b).unwrap();
    assert_eq!(info.orders, 1);
    // the daily backup is not taken twice a day
    assert!(s.scheduled_backup(7).unwrap().is_none());
    let o2 = c.sell("CM-HF-50", "13800138001").await.unwrap();
    // a result not yet handed over blocks a restore (it would be lost with the newer data)
    let e = s.restore_backup(&c.owner, &b).unwrap_err();
    assert_eq!(code(&e), "backup.restore_blocked");
    s.acknowledge(&c.cashier, &o2.client_key.to_string())
        .unwrap();
    assert_eq!(orders(&c), 2);
    let restored = s.restore_backup(&c.owner, &b).unwrap();
    assert_eq!(restored.orders, 1);
    assert_eq!(orders(&c), 1, "the store is the backup again");
    let listed = s.backups(&c.owner).unwrap();
    assert!(
        listed
            .iter()
            .any(|x| x.path.to_string_lossy().contains("before-restore"))
    );
    // another store's backup: refused, naming both stores
    let other = b.with_file_name("other.sqlite");
    std::fs::copy(&b, &other).unwrap();
    cardcat_store::rusqlite_reexport::Connection::open(&other)
        .unwrap()
        .execute(
            "UPDATE settings SET value = 'STORE-ELSEWHERE' WHERE key = 'store_id'",
            [],
        )
        .unwrap();
    let e = s.restore_backup(&c.owner, &other).unwrap_err();
    assert_eq!(code(&e), "backup.other_store");
    assert!(
        e.message(cardcat_core::Lang::ZhCn)
            .contains("STORE-ELSEWHERE"),
        "{e}"
    );
    // a backup from a newer program: refused, saying which version
    let newer = b.with_file_name("newer.sqlite");
    std::fs::copy(&b, &newer).unwrap();
    cardcat_store::rusqlite_reexport::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 999)
        .unwrap();
    let e = s.restore_backup(&c.owner, &newer).unwrap_err();
    assert_eq!(code(&e), "backup.too_new");
    assert!(e.message(cardcat_core::Lang::ZhCn).contains("999"), "{e}");
    assert!(e.message(cardcat_core::Lang::En).contains("999"), "{e}");
    assert_eq!(orders(&c), 1, "a refused restore changes nothing");
    // the newest N are kept
    for _ in 0..3 {
        s.backup_now(&c.owner, 2).unwrap();
    }
    let kept = s
        .backups(&c.owner)
        .unwrap()
        .into_iter()
        .filter(|x| !x.path.to_string_lossy().contains("before-restore"))
        .count();
    assert_eq!(kept, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_refuses_anything_but_this_stores_backup_and_takes_an_older_one_up_to_date() {
    use cardcat_store::rusqlite_reexport::Connection;
    let mut c = Counter::start(fast).await;
    let s = c.service.clone();
    let o = c.sell("CM-HF-50", "13800138000").await.unwrap();
    s.acknowledge(&c.cashier, &o.client_key.to_string())
        .unwrap();
    let b = s.backup_now(&c.owner, 7).unwrap();
    let dir = b.parent().unwrap().to_path_buf();
    let store_id = c
        .engine
        .store()
        .setting(cardcat_engine::K_STORE_ID)
        .unwrap()
        .unwrap();
    // files that are not this store's backup, each refused in words and changing nothing
    let junk = dir.join("junk.sqlite");
    std::fs::write(&junk, b"SQLite format 3\0 but not really".repeat(200)).unwrap();
    let empty = dir.join("empty.sqlite");
    std::fs::write(&empty, b"").unwrap();
    let foreign = dir.join("foreign.sqlite");
    Connection::open(&foreign)
        .unwrap()
        .execute_batch(
            "CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT); PRAGMA user_version = 3;",
        )
        .unwrap();
    // a real backup whose tables were changed by hand
    let forged = dir.join("forged.sqlite");
    std::fs::copy(&b, &forged).unwrap();
    Connection::open(&forged)
        .unwrap()
        .execute_batch("DROP TABLE orders; CREATE TABLE orders(x);")
        .unwrap();
    let cases = [
        (dir.join("missing.sqlite"), "file.error", "找不到文件"),
        (dir.clone(), "file.error", "文件夹"),
        (junk, "backup.not_a_backup", "不是卡盟猫收银台的备份"),
        (empty, "backup.not_a_backup", "不是卡盟猫收银台的备份"),
        (foreign, "backup.not_a_backup", "不是卡盟猫收银台的备份"),
        (forged, "backup.not_a_backup", "不是卡盟猫收银台的备份"),
    ];
    for (f, want, words) in cases {
        let e = s.restore_backup(&c.owner, &f).unwrap_err();
        assert_eq!(code(&e), want, "{}: {e}", f.display());
        let zh = e.message(cardcat_core::Lang::ZhCn);
        assert!(zh.contains(words), "{zh}");
        assert_eq!(orders(&c), 1, "{}: nothing changed", f.display());
    }
    // another terminal of this store: its PINs and open orders are its own, refused
    let set_tid = |f: &std::path::Path, tid: &str| {
        Connection::open(f)
            .unwrap()
            .execute(
                "UPDATE settings SET value = ?1 WHERE key = 'terminal_id'",
                [tid],
            )
            .unwrap();
    };
    let this_tid = c
        .engine
        .store()
        .setting(cardcat_engine::K_TERMINAL_ID)
        .unwrap()
        .unwrap();
    let other_terminal = dir.join("other-terminal.sqlite");
    std::fs::copy(&b, &other_terminal).unwrap();
    set_tid(&other_terminal, "T-NEXT-TILL");
    let e = s.restore_backup(&c.owner, &other_terminal).unwrap_err();
    assert_eq!(code(&e), "backup.other_terminal");
    let zh = e.message(cardcat_core::Lang::ZhCn);
    assert!(zh.contains("T-NEXT-TILL") && zh.contains(&this_tid), "{zh}");
    // this machine under an earlier pairing whose PIN key the terminal still uses (a
    // re-pairing carries the key over): taken, and the terminal stays paired as it is now
    let earlier = dir.join("earlier-pairing.sqlite");
    std::fs::copy(&b, &earlier).unwrap();
    set_tid(&earlier, "T-EARLIER");
    let vault = |t: &str| cardcat_engine::PinVault::account(t);
    s.secrets().set(&vault("T-EARLIER"), "00").unwrap();
    // ... but while that pairing's key differs, its PINs could not be read here: refused
    assert_eq!(
        code(&s.restore_backup(&c.owner, &earlier).unwrap_err()),
        "backup.other_terminal"
    );
    let key = s.secrets().get(&vault(&this_tid)).unwrap().unwrap();
    s.secrets().set(&vault("T-EARLIER"), &key).unwrap();
    s.restore_backup(&c.owner, &earlier).unwrap();
    assert_eq!(
        c.engine
            .store()
            .setting(cardcat_engine::K_TERMINAL_ID)
            .unwrap()
            .as_deref(),
        Some(this_tid.as_str())
    );
    assert_eq!(orders(&c), 1);
    // a backup taken by the previous version of the program (one schema older): restored,
    // then brought up to this program's schema, and the counter sells on it
    let known = cardcat_store::migrations::MIGRATIONS.len();
    let older = dir.join("older.sqlite");
    {
        let old = cardcat_store::Store::open_at_version(&older, known - 1).unwrap();
        old.set_setting(cardcat_engine::K_STORE_ID, &store_id)
            .unwrap();
        old.conn()
            .pragma_update(None, "journal_mode", "DELETE")
            .unwrap();
    }
    let info = s.restore_backup(&c.owner, &older).unwrap();
    assert_eq!(info.schema as usize, known - 1);
    assert_eq!(
        c.engine.store().schema_version().unwrap() as usize,
        known,
        "migrated after the restore"
    );
    assert_eq!(orders(&c), 0);
    // the copy taken just before the restore brings the sale back
    let before = s
        .backups(&c.owner)
        .unwrap()
        .into_iter()
        .find(|x| x.path.to_string_lossy().contains("before-restore"))
        .unwrap();
    s.restore_backup(&c.owner, &before.path).unwrap();
    assert_eq!(orders(&c), 1);
    // one more restore: the copies taken before a restore are kept to the newest few
    s.restore_backup(&c.owner, &b).unwrap();
    let listed = s.backups(&c.owner).unwrap();
    let befores = listed
        .iter()
        .filter(|x| x.path.to_string_lossy().contains("before-restore"))
        .count();
    assert_eq!(befores, cardcat_counter::backup::KEEP_BEFORE_RESTORE);
    // the oldest copy taken before a restore, restored: writing the newest copy prunes that
    // very file, yet what was checked is what is restored, never an empty store
    let oldest = listed
        .iter()
        .rev()
        .find(|x| x.path.to_string_lossy().contains("before-restore"))
        .unwrap()
        .path
        .clone();
    s.restore_backup(&c.owner, &oldest).unwrap();
    assert_eq!(orders(&c), 1);
    assert!(s.login("c1", "1234").is_ok(), "the users are still there");
    assert!(
        !oldest.exists(),
        "the file was pruned as the newest copy was taken"
    );
    let listed = s.backups(&c.owner).unwrap();
    assert!(
        std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .all(|e| !e.file_name().to_string_lossy().contains("restore-")),
        "no work copy is left behind"
    );
    // a backup a crash cut short is never listed (it could not be restored)
    let name = listed[0]
        .path
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_string();
    std::fs::write(dir.join(format!("{name}x.tmp")), b"partial").unwrap();
    std::fs::write(dir.join(format!("{name}.tmp")), b"partial").unwrap();
    assert_eq!(s.backups(&c.owner).unwrap().len(), listed.len());
}
