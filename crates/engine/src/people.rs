//! Users (argon2-hashed PINs, lockout) and shifts (float, X/Z totals, over/short).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use cardcat_core::Money;
use cardcat_core::roles::{Action, Role};
use cardcat_core::shift::{ShiftOrder, ShiftTotals, totals};
use cardcat_store::rusqlite_reexport::{OptionalExtension, params};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::outbox::{audit, enqueue};
use crate::stored::At;
use crate::{Engine, EngineError, Result, Session, now_ms};

pub const MAX_WRONG_PINS: i64 = 5;
pub const LOCKOUT_MS: i64 = 5 * 60_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub locked: bool,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftInfo {
    pub id: String,
    pub cashier_id: String,
    pub opened_at_ms: i64,
    pub closed_at_ms: Option<i64>,
    pub totals: ShiftTotals,
    pub counted_cash: Option<Money>,
    pub over_short: Option<Money>,
}

fn argon() -> Argon2<'static> {
    // 19 MiB, 2 passes: OWASP's argon2id baseline. PINs are short, so the lockout is the
    // real guard against guessing; the hash guards a stolen database file.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_pin(pin: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| EngineError::Crypto(e.to_string()))?;
    Ok(argon()
        .hash_password(pin.as_bytes(), &salt)
        .map_err(|e| EngineError::Crypto(e.to_string()))?
        .to_string())
}

/// A PIN checked (4–8 digits) and hashed, for a reset.
pub(crate) fn hash_pin_for(pin: &str) -> Result<String> {
    if !valid_pin(pin) {
        return Err(EngineError::Invalid(
            "PIN: 4–8 digits / 密码为4到8位数字".into(),
        ));
    }
    hash_pin(pin)
}

fn valid_pin(pin: &str) -> bool {
    (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit())
}

/// (cashier, opened, closed, totals, counted, over/short)
type ShiftRow = (
    String,
    i64,
    Option<i64>,
    ShiftTotals,
    Option<Money>,
    Option<Money>,
);

impl Engine {
    /// Adds a user. The very first user must be an owner and needs no session (setup);
    /// after that only an owner may add users.
    pub fn add_user(
        &mut self,
        actor: Option<&Session>,
        id: &str,
        name: &str,
        role: Role,
        pin: &str,
    ) -> Result<UserInfo> {
        let count: i64 = self
            .store
            .conn()
            .query_row("SELECT count(*) FROM users", [], |r| r.get(0))?;
        let actor_id = match (count, actor) {
            (0, _) if role == Role::Owner => "setup".to_string(),
            (0, _) => {
                return Err(EngineError::Invalid(
                    "the first user must be the owner / 第一个用户必须是店主".into(),
                ));
            }
            (_, Some(a)) => {
                a.require(Action::ManageUsers)?;
                a.user_id.clone()
            }
            (_, None) => return Err(EngineError::BadLogin { attempts_left: 0 }),
        };
        let id = id.trim();
        if id.is_empty() || id.len() > 32 {
            return Err(EngineError::Invalid(
                "user id: 1–32 characters / 工号1到32个字符".into(),
            ));
        }
        if !valid_pin(pin) {
            return Err(EngineError::Invalid(
                "PIN: 4–8 digits / 密码为4到8位数字".into(),
            ));
        }
        let hash = hash_pin(pin)?;
        let tx = self.store.conn_mut().transaction()?;
        let n = tx.execute(
            "INSERT OR IGNORE INTO users (id, name, role, pin_hash, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, name, role.as_str(), hash, now_ms()],
        )?;
        if n == 0 {
            return Err(EngineError::Invalid(format!(
                "user {id} exists / 工号已存在"
            )));
        }
        audit(
            &tx,
            &actor_id,
            "user.add",
            id,
            None,
            Some(&format!("{name} {}", role.as_str())),
        )?;
        tx.commit()?;
        Ok(UserInfo {
            id: id.to_string(),
            name: name.to_string(),
            role,
            locked: false,
            active: true,
        })
    }

    /// Checks a PIN; five wrong PINs lock the user for five minutes (audited).
    pub fn login(&mut self, id: &str, pin: &str) -> Result<Session> {
        let now = now_ms();
        let row: Option<(String, String, String, i64, i64, bool)> = self
            .store
            .conn()
            .query_row("SELECT name, role, pin_hash, failed, locked_until_ms, active FROM users WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
            })
            .optional()?;
        let Some((name, role, hash, failed, locked_until, active)) = row else {
            return Err(EngineError::BadLogin {
                attempts_left: MAX_WRONG_PINS as u32,
            });
        };
        if locked_until > now {
            return Err(EngineError::Locked {
                minutes: (locked_until - now + 59_999) / 60_000,
            });
        }
        let ok = active
            && PasswordHash::new(&hash)
                .map(|h| argon().verify_password(pin.as_bytes(), &h).is_ok())
                .unwrap_or(false);
        let tx = self.store.conn_mut().transaction()?;
        if ok {
            tx.execute("UPDATE users SET failed = 0 WHERE id = ?1", [id])?;
            tx.commit()?;
            let role =
                Role::parse(&role).ok_or_else(|| EngineError::Invalid(format!("role {role}")))?;
            return Ok(Session {
                user_id: id.to_string(),
                name,
                role,
            });
        }
        let failed = failed + 1;
        if failed >= MAX_WRONG_PINS {
            tx.execute(
                "UPDATE users SET failed = 0, locked_until_ms = ?1 WHERE id = ?2",
                params![now + LOCKOUT_MS, id],
            )?;
            audit(
                &tx,
                id,
                "user.locked",
                id,
                Some(&format!("{failed} wrong PINs")),
                Some("locked 5 min"),
            )?;
            tx.commit()?;
            return Err(EngineError::Locked {
                minutes: LOCKOUT_MS / 60_000,
            });
        }
        tx.execute(
            "UPDATE users SET failed = ?1 WHERE id = ?2",
            params![failed, id],
        )?;
        audit(
            &tx,
            id,
            "user.wrong_pin",
            id,
            None,
            Some(&format!("{failed}")),
        )?;
        tx.commit()?;
        Err(EngineError::BadLogin {
            attempts_left: (MAX_WRONG_PINS - failed) as u32,
        })
    }

    pub fn users(&self, s: &Session) -> Result<Vec<UserInfo>> {
        s.require(Action::ManageUsers)?;
        let c = self.store.conn();
        let mut st =
            c.prepare("SELECT id, name, role, locked_until_ms, active FROM users ORDER BY id")?;
        let now = now_ms();
        let rows = st.query_map([], |r| {
            let role: String = r.get(2)?;
            Ok(UserInfo {
                id: r.get(0)?,
                name: r.get(1)?,
                role: Role::parse(&role).unwrap_or(Role::Cashier),
                locked: r.get::<_, i64>(3)? > now,
                active: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    pub(crate) fn open_shift_id(&self, cashier: &str) -> Result<Option<String>> {
        Ok(self
            .store
            .conn()
            .query_row("SELECT id FROM shifts WHERE cashier_id = ?1 AND closed_at_ms IS NULL ORDER BY opened_at_ms DESC LIMIT 1", [cashier], |r| r.get(0))
            .optional()?)
    }

    pub fn open_shift(&mut self, s: &Session, float: Money) -> Result<ShiftInfo> {
        s.require(Action::ShiftOpen)?;
        if float.is_negative() {
            return Err(EngineError::Invalid("float < 0 / 备用金不能为负".into()));
        }
        if self.open_shift_id(&s.user_id)?.is_some() {
            return Err(EngineError::ShiftAlreadyOpen);
        }
        let id = Uuid::now_v7().to_string();
        let now = now_ms();
        let tx = self.store.conn_mut().transaction()?;
        tx.execute(
            "INSERT INTO shifts (id, cashier_id, opened_at_ms, float) VALUES (?1, ?2, ?3, ?4)",
            params![id, s.user_id, now, float.to_string()],
        )?;
        audit(
            &tx,
            &s.user_id,
            "shift.open",
            &id,
            None,
            Some(&float.to_string()),
        )?;
        tx.commit()?;
        self.shift_info(&id)
    }

    fn shift_totals(&self, id: &str) -> Result<ShiftRow> {
        let c = self.store.conn();
        let (cashier, opened, closed, float, counted, over): (String, i64, Option<i64>, String, Option<String>, Option<String>) = c.query_row(
            "SELECT cashier_id, opened_at_ms, closed_at_ms, float, counted_cash, over_short FROM shifts WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )?;
        let mut st = c.prepare(
            "SELECT kind, payment_method, state, price, commission, client_key FROM orders WHERE shift_id = ?1",
        )?;
        let orders = st
            .query_map([id], |r| {
                let (k, p, s, price, comm, key): (String, String, String, String, String, String) =
                    (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?);
                let at = At { table: "orders", row: &key };
                Ok(ShiftOrder {
                    kind: at.kind(&k)?,
                    payment: at.payment(&p)?,
                    state: at.state(&s)?,
                    price: at.money("price", &price)?,
                    commission: at.money("commission", &comm)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut st = c.prepare(
            "SELECT value, request_id FROM redemptions WHERE shift_id = ?1 AND state = 'redeemed'",
        )?;
        let reds = st
            .query_map([id], |r| {
                let (v, rid): (String, String) = (r.get(0)?, r.get(1)?);
                At {
                    table: "redemptions",
                    row: &rid,
                }
                .money("value", &v)
            })?
            .collect::<Result<Vec<Money>, _>>()?;
        let at = At {
            table: "shifts",
            row: id,
        };
        let t = totals(at.money("float", &float)?, &orders, &reds);
        Ok((
            cashier,
            opened,
            closed,
            t,
            at.opt_money("counted_cash", counted.as_deref())?,
            at.opt_money("over_short", over.as_deref())?,
        ))
    }

    pub(crate) fn shift_info(&self, id: &str) -> Result<ShiftInfo> {
        let (cashier_id, opened_at_ms, closed_at_ms, totals, counted_cash, over_short) =
            self.shift_totals(id)?;
        Ok(ShiftInfo {
            id: id.to_string(),
            cashier_id,
            opened_at_ms,
            closed_at_ms,
            totals,
            counted_cash,
            over_short,
        })
    }

    /// X report: the open shift's totals so far (works offline).
    pub fn x_report(&self, s: &Session) -> Result<ShiftInfo> {
        s.require(Action::ShiftReport)?;
        let id = self
            .open_shift_id(&s.user_id)?
            .ok_or(EngineError::ShiftNotOpen)?;
        self.shift_info(&id)
    }

    /// Z report: closes the shift with the counted cash; over/short = counted − expected.
    /// Works offline; the report reaches the platform through the outbox.
    pub fn close_shift(&mut self, s: &Session, counted: Money) -> Result<ShiftInfo> {
        s.require(Action::ShiftClose)?;
        let id = self
            .open_shift_id(&s.user_id)?
            .ok_or(EngineError::ShiftNotOpen)?;
        let (_, _, _, t, _, _) = self.shift_totals(&id)?;
        let over = counted
            .checked_sub(t.expected_cash)
            .ok_or_else(|| EngineError::Invalid("amount".into()))?;
        let now = now_ms();
        let z = serde_json::to_string(&t).map_err(|e| EngineError::Invalid(e.to_string()))?;
        let tx = self.store.conn_mut().transaction()?;
        tx.execute(
            "UPDATE shifts SET closed_at_ms = ?1, counted_cash = ?2, expected_cash = ?3, over_short = ?4, z_report = ?5 WHERE id = ?6",
            params![now, counted.to_string(), t.expected_cash.to_string(), over.to_string(), z, id],
        )?;
        audit(
            &tx,
            &s.user_id,
            "shift.close",
            &id,
            Some(&format!("expected {}", t.expected_cash)),
            Some(&format!("counted {counted}, over/short {over}")),
        )?;
        enqueue(
            &tx,
            "shift.z_report",
            &serde_json::json!({ "shift_id": id, "cashier": s.user_id, "totals": t, "counted": counted, "over_short": over }),
            now,
        )?;
        tx.commit()?;
        self.shift_info(&id)
    }
}
