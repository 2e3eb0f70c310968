//! Schema migrations against saved databases.

use cardcat_core::{Lang, Localized};
use cardcat_store::{Store, StoreError, migrations::MIGRATIONS};

const V1_FIXTURE: &[u8] = include_bytes!("../fixtures/terminal-schema-v1.sqlite");

#[test]
fn upgrades_a_saved_v1_database_keeping_its_catalog() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("old.sqlite");
    std::fs::write(&p, V1_FIXTURE).unwrap();
    let raw = rusqlite_version(&p);
    assert_eq!(raw, 1, "fixture is schema 1");
    let s = Store::open(&p).unwrap();
    assert_eq!(s.schema_version().unwrap() as usize, MIGRATIONS.len());
    let n = s.product_count().unwrap();
    assert!(n > 0, "catalog survived the upgrade");
    assert!(s.product("CM-HF-50").unwrap().is_some());
    assert_eq!(
        s.setting("terminal_id").unwrap().as_deref(),
        Some("T-fixture")
    );
    let orders: i64 = s
        .conn()
        .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
        .unwrap();
    assert_eq!(orders, 0, "orders table created by migration 2");
    s.integrity_check().unwrap();
    drop(s);
    // idempotent: opening again changes nothing
    assert_eq!(Store::open(&p).unwrap().product_count().unwrap(), n);
}

#[test]
fn refuses_a_newer_schema() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("new.sqlite");
    drop(Store::open(&p).unwrap());
    Store::open(&p)
        .unwrap()
        .conn()
        .pragma_update(None, "user_version", MIGRATIONS.len() as i64 + 1)
        .unwrap();
    let e = Store::open(&p).err().expect("refused");
    assert!(matches!(e, StoreError::SchemaTooNew { .. }));
    assert!(e.message(Lang::En).contains("newer"));
    assert_eq!(
        rusqlite_version(&p) as usize,
        MIGRATIONS.len() + 1,
        "not mangled"
    );
}

#[test]
fn each_migration_is_one_transaction() {
    // A migration that fails half-way leaves the previous version and no partial tables.
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("m.sqlite");
    drop(Store::open_at_version(&p, 1).unwrap());
    {
        // sabotage: make migration 2's CREATE INDEX collide after its CREATE TABLE ran
        let s = Store::open_at_version(&p, 1).unwrap();
        s.conn()
            .execute_batch("CREATE TABLE sabotage (x); CREATE INDEX orders_state ON sabotage (x);")
            .unwrap();
    }
    let e = Store::open(&p).err().expect("migration 2 fails");
    assert!(matches!(e, StoreError::Migration { version: 2, .. }), "{e}");
    assert_eq!(rusqlite_version(&p), 1);
    let s = Store::open_at_version(&p, 1).unwrap();
    let has_orders: i64 = s
        .conn()
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'orders'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(has_orders, 0, "rolled back");
}

fn rusqlite_version(p: &std::path::Path) -> u32 {
    let s = Store::open_at_version(p, 0);
    match s {
        Ok(s) => s.schema_version().unwrap(),
        Err(StoreError::SchemaTooNew { found, .. }) => found,
        Err(e) => panic!("{e}"),
    }
}
