//! Append-only schema migrations. Migration N (1-based) takes `PRAGMA user_version`
//! from N-1 to N inside one transaction.
//!
//! Invariant: entries are only ever appended; an applied migration is never edited.
//! Invariant: a database whose user_version is newer than `MIGRATIONS.len()` is refused.

use rusqlite::Connection;

use crate::StoreError;

pub const MIGRATIONS: &[&str] = &[
    // 1: settings, catalog (generations for atomic full-sync swaps), sync state
    r#"
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE categories (
        generation    INTEGER NOT NULL,
        id     TEXT NOT NULL,
        name   TEXT NOT NULL,
        parent TEXT,
        sort   INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (generation, id)
    );
    CREATE TABLE products (
        generation          INTEGER NOT NULL,
        sku          TEXT NOT NULL,
        name         TEXT NOT NULL,
        brand        TEXT NOT NULL,
        category     TEXT NOT NULL,
        kind         TEXT NOT NULL,
        face_value   TEXT NOT NULL,
        retail_price TEXT NOT NULL,
        cost         TEXT NOT NULL,
        barcode      TEXT,
        template     TEXT NOT NULL,
        available    INTEGER NOT NULL,
        version      INTEGER NOT NULL,
        PRIMARY KEY (generation, sku)
    );
    CREATE TABLE sync_state (
        id                INTEGER PRIMARY KEY CHECK (id = 1),
        active_gen        INTEGER NOT NULL DEFAULT 0,
        catalog_version   INTEGER,
        delta_after_version INTEGER,
        delta_after_sku   TEXT,
        staging_gen       INTEGER,
        staging_after     TEXT,
        staging_version   INTEGER,
        staging_done      INTEGER NOT NULL DEFAULT 0,
        staging_total     INTEGER NOT NULL DEFAULT 0,
        last_full_sync_ms INTEGER,
        last_sync_ms      INTEGER,
        last_error        TEXT
    );
    INSERT INTO sync_state (id) VALUES (1);
    "#,
    // 2: orders (the money path builds on this table)
    r#"
    CREATE TABLE orders (
        client_key        TEXT PRIMARY KEY,
        sku               TEXT NOT NULL,
        product_name      TEXT NOT NULL,
        kind              TEXT NOT NULL,
        qty               INTEGER NOT NULL,
        account           TEXT NOT NULL,
        price             TEXT NOT NULL,
        cost              TEXT NOT NULL,
        commission        TEXT NOT NULL,
        cashier_id        TEXT NOT NULL,
        state             TEXT NOT NULL,
        platform_order_id TEXT,
        failure           TEXT,
        created_at_ms     INTEGER NOT NULL,
        updated_at_ms     INTEGER NOT NULL
    );
    CREATE INDEX orders_state ON orders (state);
    CREATE INDEX orders_created ON orders (created_at_ms);
    "#,
    // 3: the money path: order follow-up, encrypted PINs, ledger, users, shifts, audit, outbox, redemptions
    r#"
    ALTER TABLE orders ADD COLUMN account_key TEXT NOT NULL DEFAULT '';
    ALTER TABLE orders ADD COLUMN unit_cost TEXT NOT NULL DEFAULT '0.00';
    ALTER TABLE orders ADD COLUMN face_value TEXT NOT NULL DEFAULT '0.00';
    ALTER TABLE orders ADD COLUMN payment_method TEXT NOT NULL DEFAULT 'cash';
    ALTER TABLE orders ADD COLUMN shift_id TEXT;
    ALTER TABLE orders ADD COLUMN pins_enc BLOB;
    ALTER TABLE orders ADD COLUMN pin_views INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE orders ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE orders ADD COLUMN next_check_ms INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE orders ADD COLUMN needs_attention INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE orders ADD COLUMN failed_reads INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE orders ADD COLUMN replaces TEXT;
    ALTER TABLE orders ADD COLUMN override_by TEXT;
    ALTER TABLE orders ADD COLUMN day TEXT NOT NULL DEFAULT '';
    CREATE INDEX orders_open ON orders (state, next_check_ms);
    CREATE INDEX orders_dup ON orders (account_key, price);
    CREATE INDEX orders_day ON orders (day);
    CREATE TABLE order_events (
        id          INTEGER PRIMARY KEY,
        client_key  TEXT NOT NULL,
        at_ms       INTEGER NOT NULL,
        event       TEXT NOT NULL,
        from_state  TEXT,
        to_state    TEXT,
        detail      TEXT
    );
    CREATE INDEX order_events_key ON order_events (client_key);
    CREATE TABLE ledger (
        id          INTEGER PRIMARY KEY,
        client_key  TEXT NOT NULL,
        kind        TEXT NOT NULL,
        amount      TEXT NOT NULL,
        sku         TEXT NOT NULL,
        cashier_id  TEXT NOT NULL,
        day         TEXT NOT NULL,
        at_ms       INTEGER NOT NULL,
        reason      TEXT NOT NULL
    );
    CREATE INDEX ledger_day ON ledger (day);
    CREATE INDEX ledger_key ON ledger (client_key);
    CREATE TABLE users (
        id              TEXT PRIMARY KEY,
        name            TEXT NOT NULL,
        role            TEXT NOT NULL,
        pin_hash        TEXT NOT NULL,
        failed          INTEGER NOT NULL DEFAULT 0,
        locked_until_ms INTEGER NOT NULL DEFAULT 0,
        active          INTEGER NOT NULL DEFAULT 1,
        created_at_ms   INTEGER NOT NULL
    );
    CREATE TABLE shifts (
        id            TEXT PRIMARY KEY,
        cashier_id    TEXT NOT NULL,
        opened_at_ms  INTEGER NOT NULL,
        float         TEXT NOT NULL,
        closed_at_ms  INTEGER,
        counted_cash  TEXT,
        expected_cash TEXT,
        over_short    TEXT,
        z_report      TEXT
    );
    CREATE TABLE audit (
        id       INTEGER PRIMARY KEY,
        at_ms    INTEGER NOT NULL,
        actor    TEXT NOT NULL,
        action   TEXT NOT NULL,
        subject  TEXT NOT NULL,
        before   TEXT,
        after    TEXT
    );
    CREATE TABLE outbox (
        id            TEXT PRIMARY KEY,
        kind          TEXT NOT NULL,
        payload       TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL,
        sent_at_ms    INTEGER,
        attempts      INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX outbox_unsent ON outbox (sent_at_ms);
    CREATE TABLE redemptions (
        request_id         TEXT PRIMARY KEY,
        code               TEXT NOT NULL,
        title              TEXT NOT NULL DEFAULT '',
        value              TEXT NOT NULL DEFAULT '0.00',
        state              TEXT NOT NULL,
        cashier_id         TEXT NOT NULL,
        shift_id           TEXT,
        created_at_ms      INTEGER NOT NULL,
        updated_at_ms      INTEGER NOT NULL,
        cancel_deadline_ms INTEGER,
        error              TEXT
    );
    "#,
    // 4: the durable print queue
    r#"
    CREATE TABLE print_jobs (
        id            TEXT PRIMARY KEY,
        order_key     TEXT,
        kind          TEXT NOT NULL,
        title         TEXT NOT NULL,
        bytes         BLOB NOT NULL,
        state         TEXT NOT NULL,
        attempts      INTEGER NOT NULL DEFAULT 0,
        next_try_ms   INTEGER NOT NULL DEFAULT 0,
        last_error    TEXT,
        created_at_ms INTEGER NOT NULL,
        printed_at_ms INTEGER,
        reprint_of    TEXT
    );
    CREATE INDEX print_jobs_state ON print_jobs (state, next_try_ms);
    CREATE INDEX print_jobs_order ON print_jobs (order_key);
    "#,
    // 5: owed deliveries: when an order's result reached the customer (screen or paper), or
    // was explicitly set aside. Orders already final count as delivered (they predate this).
    r#"
    ALTER TABLE orders ADD COLUMN handed_over_ms INTEGER;
    ALTER TABLE orders ADD COLUMN handed_over_via TEXT;
    ALTER TABLE orders ADD COLUMN set_aside_by TEXT;
    UPDATE orders SET handed_over_ms = updated_at_ms, handed_over_via = 'before-v5'
        WHERE state IN ('SUCCEEDED','FAILED','REFUNDED','CANCELLED','REVERSED')
          AND (pins_enc IS NULL OR pin_views > 0);
    CREATE INDEX orders_intent ON orders (sku, account_key, created_at_ms);
    CREATE INDEX orders_owed ON orders (handed_over_ms, state);
    "#,
    // 6: the platform's search aliases of each product (a JSON array of strings)
    r#"
    ALTER TABLE products ADD COLUMN aliases TEXT NOT NULL DEFAULT '[]';
    "#,
];

pub fn current_version(conn: &Connection) -> Result<u32, StoreError> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get::<_, u32>(0))?)
}

/// Applies every pending migration up to `target` (normally `MIGRATIONS.len()`).
pub fn migrate_to(conn: &mut Connection, target: usize) -> Result<u32, StoreError> {
    let known = MIGRATIONS.len();
    let found = current_version(conn)?;
    if found as usize > known {
        return Err(StoreError::SchemaTooNew {
            found,
            known: known as u32,
        });
    }
    for (i, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .take(target)
        .skip(found as usize)
    {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute_batch(sql).map_err(|e| StoreError::Migration {
            version: i as u32 + 1,
            source: e,
        })?;
        tx.pragma_update(None, "user_version", i as u32 + 1)?;
        tx.commit()?;
    }
    current_version(conn)
}
