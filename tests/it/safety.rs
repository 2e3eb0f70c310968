//! Counter safety in the customer's terms: a result the customer never saw is still owed to
//! them; the same sale twice needs the cashier to confirm the first one; re-pairing needs
//! the owner and settled books; a damaged or lost database never takes money or starts over.

use std::time::Duration;

use cardcat_core::{Lang, Localized, OrderState};
use cardcat_counter::{CounterError, SellOptions, TerminalConfig};
use cardcat_engine::{EngineError, SellRequest};
use cardcat_tests::Counter;

fn no_print() -> SellOptions {
    SellOptions {
        print: false,
        ..SellOptions::default()
    }
}

fn audit_count(c: &Counter, action: &str) -> i64 {
    c.engine
        .store()
        .conn()
        .query_row(
            "SELECT count(*) FROM audit WHERE action = ?1",
            [action],
            |r| r.get(0),
        )
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_result_never_shown_is_owed_and_a_repeat_needs_confirmation() {
    let c = Counter::start(|_| {}).await;
    let (svc, s) = (&c.service, &c.cashier);
    let first = svc
        .sell(s, SellRequest::new("CM-HF-50", "13800138000"), no_print())
        .await
        .unwrap();
    assert_eq!(first.order.state, OrderState::Succeeded);
    // nothing reached screen or paper yet: it is owed, and the same sale is refused
    let owed = svc.owed(s).await.unwrap();
    assert_eq!(owed.len(), 1);
    assert_eq!(owed[0].client_key, first.order.client_key);
    let e = svc
        .sell(s, SellRequest::new("CM-HF-50", "138 0013 8000"), no_print())
        .await
        .unwrap_err();
    assert!(
        matches!(&e, CounterError::Engine(EngineError::Owed(p)) if p.key == first.order.client_key),
        "{e:?}"
    );
    assert!(
        e.message(Lang::ZhCn).contains("还没交给顾客"),
        "{}",
        e.message(Lang::ZhCn)
    );
    // the cashier hands it over (shown on screen), then the repeat needs a confirmation
    let key = first.order.client_key.to_string();
    assert!(svc.acknowledge(s, &key).unwrap());
    assert!(svc.owed(s).await.unwrap().is_empty());
    let e = svc
        .sell(s, SellRequest::new("CM-HF-50", "13800138000"), no_print())
        .await
        .unwrap_err();
    let CounterError::Engine(EngineError::RepeatSale(prior)) = &e else {
        panic!("expected a repeat refusal, got {e:?}");
    };
    assert_eq!(prior.key, first.order.client_key);
    assert!(prior.handed_over && prior.state == OrderState::Succeeded);
    let zh = e.message(Lang::ZhCn);
    assert!(zh.contains("结果已交给顾客") && zh.contains(&key), "{zh}");
    // confirming another order is not confirming this one
    let mut req = SellRequest::new("CM-HF-50", "13800138000");
    req.confirm_repeat = Some(uuid::Uuid::now_v7());
    assert!(svc.sell(s, req.clone(), no_print()).await.is_err());
    req.confirm_repeat = Some(first.order.client_key);
    let second = svc.sell(s, req, no_print()).await.unwrap();
    assert_eq!(second.order.state, OrderState::Succeeded);
    assert_eq!(audit_count(&c, "order.repeat_confirmed"), 1);
    // another product or account is not a repeat (but the second one is owed now)
    svc.acknowledge(s, &second.order.client_key.to_string())
        .unwrap();
    svc.sell(s, SellRequest::new("CM-HF-30", "13800138000"), no_print())
        .await
        .unwrap();
    svc.sell(s, SellRequest::new("CM-HF-50", "13800138001"), no_print())
        .await
        .unwrap();
    // an owed result can be set aside, with a reason, audited
    for o in svc.owed(s).await.unwrap() {
        assert!(svc.set_aside(s, &o.client_key.to_string(), "  ").is_err());
        svc.set_aside(s, &o.client_key.to_string(), "顾客已离开，电话告知")
            .unwrap();
    }
    assert!(svc.owed(s).await.unwrap().is_empty());
    assert_eq!(audit_count(&c, "order.set_aside"), 2);
    // the owner may change the window; a cashier may not; with 0 there is no repeat check
    assert!(svc.set_intent_window(s, 0).is_err());
    svc.set_intent_window(&c.owner, 0).unwrap();
    svc.sell(s, SellRequest::new("CM-HF-30", "13800138000"), no_print())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pin_card_is_shown_in_full_until_it_reached_the_customer_and_never_sold_twice_silently() {
    let c = Counter::start(|_| {}).await;
    let (svc, s) = (&c.service, &c.cashier);
    let sold = svc
        .sell(s, SellRequest::new("WY-YKT-30", ""), no_print())
        .await
        .unwrap();
    let key = sold.order.client_key.to_string();
    let pin = sold.order.pins[0].pin.clone();
    // the process "died" before anything was shown: delivering it shows the PIN in full
    let delivered = svc.deliver(s, &key).await.unwrap();
    assert!(delivered.order.pins_in_full);
    assert_eq!(delivered.order.pins[0].pin, pin);
    // the same card again: refused while owed, then needs confirmation once delivered
    let e = svc
        .sell(s, SellRequest::new("WY-YKT-30", ""), no_print())
        .await
        .unwrap_err();
    assert!(
        matches!(e, CounterError::Engine(EngineError::Owed(_))),
        "{e:?}"
    );
    svc.acknowledge(s, &key).unwrap();
    let masked = svc.show(s, &key, false).unwrap();
    assert!(!masked.pins_in_full && masked.pins[0].pin != pin);
    let e = svc
        .sell(s, SellRequest::new("WY-YKT-30", ""), no_print())
        .await
        .unwrap_err();
    assert!(
        matches!(e, CounterError::Engine(EngineError::RepeatSale(_))),
        "{e:?}"
    );
    let mut req = SellRequest::new("WY-YKT-30", "");
    req.confirm_repeat = Some(sold.order.client_key);
    svc.sell(s, req, no_print()).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pairing_again_needs_the_owner_settled_books_and_an_explicit_store_move() {
    let c = Counter::start(|_| {}).await;
    let svc = &c.service;
    let url = c.env.url();
    let code = || c.env.pairing_code();
    assert!(matches!(
        svc.repair(None, &url, &code(), "t", false)
            .await
            .unwrap_err(),
        CounterError::Engine(EngineError::LoginRequired)
    ));
    assert!(matches!(
        svc.repair(Some(&c.cashier), &url, &code(), "t", false)
            .await
            .unwrap_err(),
        CounterError::Engine(EngineError::Forbidden(_))
    ));
    // an owed result blocks it
    let sold = svc
        .sell(
            &c.cashier,
            SellRequest::new("CM-HF-50", "13800138000"),
            no_print(),
        )
        .await
        .unwrap();
    let e = svc
        .repair(Some(&c.owner), &url, &code(), "t", false)
        .await
        .unwrap_err();
    assert!(
        matches!(e, CounterError::RepairBlocked { open: 0, owed: 1 }),
        "{e:?}"
    );
    svc.acknowledge(&c.cashier, &sold.order.client_key.to_string())
        .unwrap();
    // the same store: fine
    let before = svc.info().unwrap();
    let a = svc
        .repair(Some(&c.owner), &url, &code(), "t2", false)
        .await
        .unwrap();
    assert_eq!(Some(a.store_id.clone()), before.store_id);
    // another store's code: refused, nothing changed
    let other = cardcat_sandbox::create_pairing_code(&c.env.sandbox_db, Some("S-OTHER"))
        .unwrap()
        .code;
    let e = svc
        .repair(Some(&c.owner), &url, &other, "t3", false)
        .await
        .unwrap_err();
    assert!(matches!(e, CounterError::OtherStore { .. }), "{e:?}");
    assert_eq!(svc.info().unwrap().store_id, before.store_id);
    // moving on purpose archives the books first
    let other = cardcat_sandbox::create_pairing_code(&c.env.sandbox_db, Some("S-OTHER"))
        .unwrap()
        .code;
    let moved = svc
        .repair(Some(&c.owner), &url, &other, "t4", true)
        .await
        .unwrap();
    assert_eq!(moved.store_id, "S-OTHER");
    let n: i64 = c
        .engine
        .store()
        .conn()
        .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0, "the old store's books left this terminal");
    let archives: Vec<_> = std::fs::read_dir(c.env.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".store-"))
        .collect();
    assert_eq!(archives.len(), 1, "one archive of the old books");
    let old = cardcat_store::Store::open(archives[0].path()).unwrap();
    let kept: i64 = old
        .conn()
        .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, 1);
    assert_eq!(audit_count(&c, "terminal.move_store"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_database_takes_no_money_and_a_lost_one_is_not_recreated() {
    let c = Counter::start(|_| {}).await;
    let db = c.db.clone();
    let secrets = c.service.secrets_handle();
    let cfg = || TerminalConfig {
        db: db.clone(),
        lang: Lang::ZhCn,
    };
    // the owner's daily backup, taken while the store was sound
    let backup = c.service.backup_now(&c.owner, 7).unwrap();
    // the store's pages damaged on disk
    c.engine
        .store()
        .conn()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    let len = std::fs::metadata(&db).unwrap().len();
    {
        use std::io::{Seek, SeekFrom, Write};
        let mut f = std::fs::OpenOptions::new().write(true).open(&db).unwrap();
        f.seek(SeekFrom::Start(len / 2)).unwrap();
        f.write_all(&vec![0xA5u8; usize::try_from(len / 3).unwrap()])
            .unwrap();
    }
    match cardcat_counter::Counter::open(cfg(), secrets.clone()) {
        Ok(damaged) => {
            assert!(damaged.is_damaged());
            let e = damaged
                .sell(
                    &c.cashier,
                    SellRequest::new("CM-HF-50", "13800138000"),
                    no_print(),
                )
                .await
                .unwrap_err();
            assert_eq!(e.code(), "store.damaged_read_only");
            assert!(
                e.message(Lang::ZhCn).contains("备份"),
                "{}",
                e.message(Lang::ZhCn)
            );
            let checks = damaged.doctor().await;
            assert!(
                checks
                    .iter()
                    .any(|k| k.id == cardcat_counter::CheckId::Database && !k.ok)
            );
            // what the message asks for works: the owner restores the backup over the damaged
            // store, the damaged files are kept beside it, and the counter sells again
            let info = damaged.restore_backup(&c.owner, &backup).unwrap();
            assert_eq!(info.store_id, c.service.info().unwrap().store_id);
            assert!(!damaged.is_damaged());
            assert!(
                std::fs::read_dir(backup.parent().unwrap())
                    .unwrap()
                    .flatten()
                    .any(|e| e.file_name().to_string_lossy().contains("before-restore"))
            );
            let sale = damaged
                .sell(
                    &c.cashier,
                    SellRequest::new("CM-HF-50", "13800138000"),
                    no_print(),
                )
                .await
                .unwrap();
            assert!(sale.order.state.is_final(), "{:?}", sale.order.state);
            drop(damaged);
            let reopened = cardcat_counter::Counter::open(cfg(), secrets.clone()).unwrap();
            assert!(!reopened.is_damaged(), "sound at the next start too");
        }
        Err(e) => assert!(matches!(e, CounterError::Store(_)), "{e:?}"),
    }
    // the database is gone: an activated terminal does not silently start over
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(std::path::PathBuf::from(p));
    }
    let e = cardcat_counter::Counter::open(cfg(), secrets.clone())
        .err()
        .expect("refused");
    assert_eq!(e.code(), "store.missing");
    assert!(!db.exists(), "nothing was created");
    // a 0-byte file is the same
    std::fs::write(&db, b"").unwrap();
    let e = cardcat_counter::Counter::open(cfg(), secrets.clone())
        .err()
        .expect("refused");
    assert_eq!(e.code(), "store.missing");
    // only the installer's explicit choice starts with new store data
    let fresh = cardcat_counter::Counter::open_new_store(cfg(), secrets.clone()).unwrap();
    assert!(!fresh.info().unwrap().activated);
    drop(fresh);
    assert!(cardcat_counter::Counter::open(cfg(), secrets).is_ok());
    let _ = Duration::ZERO;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_user_and_a_wrong_pin_get_the_same_answer() {
    let c = Counter::start(|_| {}).await;
    let unknown = c.service.login("nobody", "1234").unwrap_err();
    let wrong = c.service.login("c1", "9999").unwrap_err();
    for lang in [Lang::ZhCn, Lang::En] {
        assert_eq!(unknown.message(lang), wrong.message(lang));
    }
    assert_eq!(unknown.code(), wrong.code());
    assert!(
        !unknown.message(Lang::ZhCn).contains('次'),
        "no attempts count is revealed"
    );
}

/// The database of an activated terminal is lost (disk replaced, file deleted): nobody can
/// log in to it, so the keyring, which remembers this terminal, decides which backup may
/// bring it back: only this terminal's own, checked as any restore; a refusal creates
/// nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_database_comes_back_from_this_terminals_own_backup_only() {
    let mut c = Counter::start(|_| {}).await;
    let o = c.sell("CM-HF-50", "13800138000").await.unwrap();
    c.service
        .acknowledge(&c.cashier, &o.client_key.to_string())
        .unwrap();
    let backup = c.service.backup_now(&c.owner, 7).unwrap();
    let dir = backup.parent().unwrap().to_path_buf();
    let db = c.db.clone();
    let secrets = c.service.secrets_handle();
    let cfg = TerminalConfig {
        db: db.clone(),
        lang: Lang::ZhCn,
    };
    // another terminal's backup of the same store, and a file that is no backup at all
    let other = dir.join("other-terminal.sqlite");
    std::fs::copy(&backup, &other).unwrap();
    cardcat_store::rusqlite_reexport::Connection::open(&other)
        .unwrap()
        .execute(
            "UPDATE settings SET value = 'T-SOMEONE-ELSE' WHERE key = 'terminal_id'",
            [],
        )
        .unwrap();
    let junk = dir.join("junk.sqlite");
    std::fs::write(&junk, b"not a database at all").unwrap();
    // while the database is there, this path is not for it
    assert_eq!(
        cardcat_counter::Counter::restore_lost_store(&cfg, &*secrets, &backup)
            .unwrap_err()
            .code(),
        "backup.store_present"
    );
    // only the main file is lost: its write-ahead log stays behind, and must not be
    // replayed into the database that comes back
    let _ = std::fs::remove_file(&db);
    let _ = std::fs::remove_file(format!("{}-shm", db.display()));
    assert!(cardcat_counter::Counter::store_lost(&cfg, &*secrets));
    // at boot the keyring may still be locked: it cannot say whether this terminal was
    // activated, and this folder was used before (backups beside it), so nothing is created
    let e = cardcat_counter::Counter::open(
        cfg.clone(),
        std::sync::Arc::new(crate::owner::LockedKeyring),
    )
    .err()
    .expect("refused while the keyring is locked");
    assert!(e.code().starts_with("keyring."), "{}", e.code());
    assert!(!db.exists(), "no new empty store");
    assert!(cardcat_counter::Counter::store_lost(&cfg, &*secrets));
    for (f, want) in [
        (&other, "backup.other_terminal"),
        (&junk, "backup.not_a_backup"),
        (&dir.join("missing.sqlite"), "file.error"),
    ] {
        let e = cardcat_counter::Counter::restore_lost_store(&cfg, &*secrets, f).unwrap_err();
        assert_eq!(e.code(), want, "{}", f.display());
        assert!(!e.message(Lang::ZhCn).is_empty());
        assert!(!db.exists(), "a refusal creates nothing");
    }
    // what is left of the lost database (its log) is moved beside the backups, not deleted
    std::fs::write(format!("{}-wal", db.display()), b"the lost log").unwrap();
    let info = cardcat_counter::Counter::restore_lost_store(&cfg, &*secrets, &backup).unwrap();
    assert_eq!(info.orders, 1);
    assert!(!std::path::Path::new(&format!("{}-wal", db.display())).exists());
    let aside: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".sqlite-wal"))
        .collect();
    assert_eq!(aside.len(), 1);
    assert_eq!(std::fs::read(aside[0].path()).unwrap(), b"the lost log");

    assert!(!cardcat_counter::Counter::store_lost(&cfg, &*secrets));
    // the counter opens on it, sound, with its users and its sale
    let back = cardcat_counter::Counter::open(cfg.clone(), secrets.clone()).unwrap();
    assert!(!back.is_damaged());
    let owner = back.login("boss", "8888").unwrap();
    assert!(back.show(&owner, &o.client_key.to_string(), false).is_ok());
    let audit = back
        .audit_log(
            &owner,
            &cardcat_engine::AuditFilter {
                action: "store.restore".into(),
                ..Default::default()
            },
            10,
        )
        .unwrap();
    assert_eq!(audit.len(), 1, "{audit:?}");
}
