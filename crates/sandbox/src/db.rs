//! The sandbox's own SQLite file: opening, migrations, first-start seeding (the data
//! comes from [`crate::seed`]) and the small helpers that work without the HTTP server
//! (pairing codes, vouchers, counts).

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use cardcat_core::Money;
use cardcat_wire::{NewVoucherRequest, PairingCodeResponse, VoucherInfo, VoucherStatus};
use rand::Rng;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use uuid::Uuid;

use crate::clock::now_ms;
use crate::seed::{self, DEFAULT_STORE_ID, ensure_store};

/// Append-only: never edit an entry that has shipped, add a new one.
const MIGRATIONS: &[&str] = &[
    // 1: everything
    r"
CREATE TABLE stores (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
);
CREATE TABLE terminals (
    id TEXT PRIMARY KEY,
    store_id TEXT NOT NULL REFERENCES stores(id),
    secret TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
);
CREATE TABLE pairing_codes (
    code TEXT PRIMARY KEY,
    store_id TEXT NOT NULL REFERENCES stores(id),
    created_at_ms INTEGER NOT NULL,
    used_at INTEGER,
    terminal_id TEXT
);
CREATE TABLE nonces (
    terminal_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    ts INTEGER NOT NULL,
    PRIMARY KEY (terminal_id, nonce)
) WITHOUT ROWID;
CREATE INDEX nonces_ts ON nonces(ts);
CREATE TABLE categories (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    parent TEXT,
    sort INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE products (
    sku TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    brand TEXT NOT NULL,
    category TEXT NOT NULL,
    kind TEXT NOT NULL,
    face_value TEXT NOT NULL,
    retail_price TEXT NOT NULL,
    cost TEXT NOT NULL,
    barcode TEXT,
    template TEXT NOT NULL,
    available INTEGER NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX products_version_sku ON products(version, sku);
CREATE TABLE catalog_meta (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL,
    seeded INTEGER NOT NULL DEFAULT 0,
    extra_skus INTEGER NOT NULL DEFAULT 0
);
INSERT INTO catalog_meta (id, version, seeded, extra_skus) VALUES (1, 1, 0, 0);
CREATE TABLE orders (
    client_key TEXT PRIMARY KEY,
    platform_order_id TEXT NOT NULL UNIQUE,
    terminal_id TEXT NOT NULL,
    store_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    qty INTEGER NOT NULL,
    account TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    amount TEXT NOT NULL,
    commission TEXT NOT NULL,
    pins TEXT NOT NULL DEFAULT '[]',
    failure TEXT,
    scenario TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    stale_flip_pending INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX orders_store_created ON orders(store_id, created_at_ms);
CREATE TABLE fulfilments (
    id INTEGER PRIMARY KEY,
    client_key TEXT NOT NULL,
    at_ms INTEGER NOT NULL
);
CREATE INDEX fulfilments_key ON fulfilments(client_key);
CREATE TABLE vouchers (
    code TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    merchant TEXT NOT NULL,
    value TEXT NOT NULL,
    status TEXT NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    created_at_ms INTEGER NOT NULL
);
CREATE TABLE redemptions (
    request_id TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    terminal_id TEXT,
    cashier_id TEXT,
    status TEXT NOT NULL,
    redeemed_at_ms INTEGER NOT NULL,
    cancel_deadline_ms INTEGER NOT NULL,
    cancelled_at_ms INTEGER
);
CREATE INDEX redemptions_code ON redemptions(code);
CREATE TABLE statement_adjustments (
    id INTEGER PRIMARY KEY,
    client_key TEXT NOT NULL,
    delta_amount TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
);
CREATE INDEX statement_adjustments_key ON statement_adjustments(client_key);
",
    // 2: terminal events from the client's outbox
    r"
CREATE TABLE terminal_events (
    id TEXT PRIMARY KEY,
    terminal_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    payload TEXT NOT NULL,
    received_at_ms INTEGER NOT NULL
);
",
    // 3: redemptions belong to the store that made them; audit log of store PIN reveals
    r"
ALTER TABLE redemptions ADD COLUMN store_id TEXT;
UPDATE redemptions SET store_id = (SELECT t.store_id FROM terminals t WHERE t.id = redemptions.terminal_id);
CREATE TABLE pin_reveals (
    id INTEGER PRIMARY KEY,
    client_key TEXT NOT NULL,
    store_id TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    operator TEXT,
    seller_terminal_id TEXT NOT NULL,
    pins INTEGER NOT NULL,
    at_ms INTEGER NOT NULL
);
CREATE INDEX pin_reveals_key ON pin_reveals(client_key);
",
    // 4: search aliases sent with each product (a JSON array of strings)
    r"
ALTER TABLE products ADD COLUMN aliases TEXT NOT NULL DEFAULT '[]';
",
];

/// Opens (creating if needed) the database, applies pending migrations and seeds a
/// fresh file. `extra_skus` additional generated SKUs are ensured (never removed).
pub(crate) fn open(db_path: &Path, extra_skus: u32, seed_value: u64) -> anyhow::Result<Connection> {
    if let Some(dir) = db_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut conn =
        Connection::open(db_path).with_context(|| format!("opening {}", db_path.display()))?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrate(&mut conn)?;
    seed::ensure_seed(&mut conn)?;
    seed::ensure_extra_skus(&mut conn, extra_skus, seed_value)?;
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> anyhow::Result<()> {
    conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")?;
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: i64 = tx
            .query_row("SELECT version FROM schema_version", [], |r| r.get(0))
            .optional()?
            .unwrap_or(0);
        let Ok(idx) = usize::try_from(current) else {
            anyhow::bail!("corrupt schema_version {current}")
        };
        if idx > MIGRATIONS.len() {
            anyhow::bail!(
                "database schema {current} is newer than this sandbox ({})",
                MIGRATIONS.len()
            );
        }
        let Some(sql) = MIGRATIONS.get(idx) else {
            return Ok(());
        };
        tx.execute_batch(sql)
            .with_context(|| format!("migration {}", idx + 1))?;
        tx.execute("DELETE FROM schema_version", [])?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES (?1)",
            [current + 1],
        )?;
        tx.commit()?;
        tracing::info!(version = current + 1, "applied sandbox migration");
    }
}

pub(crate) fn new_pairing_code(
    conn: &mut Connection,
    store_id: Option<&str>,
) -> anyhow::Result<PairingCodeResponse> {
    let store_id = store_id
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(DEFAULT_STORE_ID);
    if store_id.chars().count() > 64 {
        anyhow::bail!("store id too long");
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    ensure_store(&tx, store_id)?;
    let mut rng = rand::rng();
    for _ in 0..100 {
        let code = format!("{:08}", rng.random_range(0..100_000_000u32));
        let n = tx.execute(
            "INSERT OR IGNORE INTO pairing_codes (code, store_id, created_at_ms) VALUES (?1, ?2, ?3)",
            params![code, store_id, now_ms()],
        )?;
        if n == 1 {
            tx.commit()?;
            return Ok(PairingCodeResponse {
                code,
                store_id: store_id.to_string(),
            });
        }
    }
    anyhow::bail!("could not find a free pairing code")
}

/// Status as the client sees it: an unused voucher past its expiry is `expired`.
pub(crate) fn effective_voucher_status(
    stored: &str,
    expires_at_ms: i64,
    now: i64,
) -> VoucherStatus {
    match stored {
        "redeemed" => VoucherStatus::Redeemed,
        "cancelled" => VoucherStatus::Cancelled,
        _ if now >= expires_at_ms => VoucherStatus::Expired,
        _ => VoucherStatus::Unused,
    }
}

pub(crate) fn load_voucher(conn: &Connection, code: &str) -> anyhow::Result<Option<VoucherInfo>> {
    let row = conn
        .query_row(
            "SELECT code, title, merchant, value, status, expires_at_ms FROM vouchers WHERE code = ?1",
            [code],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, i64>(5)?,
                ))
            },
        )
        .optional()?;
    let Some((code, title, merchant, value, status, expires_at_ms)) = row else {
        return Ok(None);
    };
    let value: Money = value
        .parse()
        .with_context(|| format!("voucher {code} value"))?;
    Ok(Some(VoucherInfo {
        code,
        title,
        merchant,
        value,
        status: effective_voucher_status(&status, expires_at_ms, now_ms()),
        expires_at_ms,
    }))
}

pub(crate) fn new_voucher(
    conn: &mut Connection,
    req: &NewVoucherRequest,
) -> anyhow::Result<VoucherInfo> {
    if req.title.trim().is_empty() {
        anyhow::bail!("voucher title is empty");
    }
    if req.value.is_negative() || req.value.is_zero() {
        anyhow::bail!("voucher value must be positive");
    }
    let merchant = if req.merchant.trim().is_empty() {
        "CardCat 合作商户"
    } else {
        req.merchant.trim()
    };
    let now = now_ms();
    let expires = now.saturating_add(req.expires_in_secs.saturating_mul(1000));
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    for _ in 0..100 {
        let mut code = String::from("CC-");
        for i in 0..8 {
            if i == 4 {
                code.push('-');
            }
            let c = ALPHABET
                .get(rng.random_range(0..ALPHABET.len()))
                .copied()
                .unwrap_or(b'X');
            code.push(char::from(c));
        }
        let n = conn.execute(
            "INSERT OR IGNORE INTO vouchers (code, title, merchant, value, status, expires_at_ms, created_at_ms)
             VALUES (?1, ?2, ?3, ?4, 'unused', ?5, ?6)",
            params![code, req.title.trim(), merchant, req.value.to_string(), expires, now],
        )?;
        if n == 1 {
            return load_voucher(conn, &code)?.context("voucher vanished after insert");
        }
    }
    anyhow::bail!("could not find a free voucher code")
}

pub(crate) fn count_fulfilments(conn: &Connection, client_key: Uuid) -> anyhow::Result<u32> {
    let n: i64 = conn.query_row(
        "SELECT COUNT(*) FROM fulfilments WHERE client_key = ?1",
        [client_key.to_string()],
        |r| r.get(0),
    )?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}
