//! App updates at the counter: the channel setting, and the gate that keeps an update from
//! installing while an order is not final or a shift is being closed.
//!
//! The front end (the app's updater) downloads an update first, without stopping anyone,
//! then asks [`Counter::begin_update`] for an [`UpdateHold`] and installs only while holding
//! it. While a hold lives, new sales and shift closes are refused ([`CounterError::Updating`]);
//! dropping it (the install failed) lets them go on.
//!
//! Invariant: an update installs only when no order or redemption is open, no sale or
//! redemption is under way and no shift is being closed, and none of those can start until
//! it ends.

use std::sync::{Arc, Mutex, MutexGuard};

use cardcat_core::roles::Action;
use cardcat_core::update::{Activity, Blockers, Channel, Closed, Exclusive, Gate};
use serde::Serialize;

use crate::{Counter, CounterError, InputError, Result, Session};

/// The update server every terminal asks unless told otherwise (`CARDCAT_UPDATE_URL`).
pub const DEFAULT_UPDATE_URL: &str = "https://updates.cardcat.cn";

pub(crate) type SharedGate = Arc<Mutex<Gate>>;

fn lock(g: &Mutex<Gate>) -> MutexGuard<'_, Gate> {
    g.lock().unwrap_or_else(|p| p.into_inner())
}

/// Something the counter is doing that an update waits for; ends when dropped.
pub(crate) struct Busy {
    gate: SharedGate,
    activity: Activity,
}

impl Drop for Busy {
    fn drop(&mut self) {
        lock(&self.gate).leave(self.activity);
    }
}

/// Held while an update installs: no new sale or shift close meanwhile. Dropping it (the
/// install failed and the app did not restart) lets the counter work again.
pub struct UpdateHold {
    gate: SharedGate,
}

impl Drop for UpdateHold {
    fn drop(&mut self) {
        lock(&self.gate).end();
    }
}

/// Held while a backup is restored over the store; dropping it lets the counter work again.
pub(crate) struct RestoreHold {
    gate: SharedGate,
}

impl Drop for RestoreHold {
    fn drop(&mut self) {
        lock(&self.gate).end();
    }
}

/// The update settings and whether an update could install now.
#[derive(Debug, Clone, Serialize)]
pub struct UpdateStatus {
    pub channel: Channel,
    pub blockers: Blockers,
}

impl Counter {
    /// Starts an activity an update must wait for; refused while an update installs.
    pub(crate) fn busy(&self, activity: Activity) -> Result<Busy> {
        let gate = Arc::clone(&self.inner.update_gate);
        lock(&gate).enter(activity).map_err(|Closed(x)| match x {
            Exclusive::Update => CounterError::Updating,
            Exclusive::Restore => CounterError::Restoring,
        })?;
        Ok(Busy { gate, activity })
    }

    /// Holds the counter for a restore: refused while a sale is being placed, a shift
    /// closed or an update installed; while the hold lives no sale or shift close starts.
    pub(crate) fn hold_for_restore(&self) -> Result<RestoreHold> {
        let gate = Arc::clone(&self.inner.update_gate);
        let mut g = lock(&gate);
        let held = g.exclusive();
        g.begin(Exclusive::Restore, 0).map_err(|b| {
            if held == Some(Exclusive::Restore) {
                CounterError::Restoring
            } else if b.updating {
                CounterError::Updating
            } else {
                CounterError::RestoreBlocked {
                    open: b.placing as usize + usize::from(b.shift_closing),
                    owed: 0,
                }
            }
        })?;
        drop(g);
        Ok(RestoreHold { gate })
    }

    /// Orders and redemptions sent without their final result yet.
    fn open_orders(&self) -> Result<usize> {
        let store = self.store()?;
        let orders = cardcat_engine::open_and_owed(store.conn())?.0;
        Ok(orders + cardcat_engine::open_redemptions(store.conn())?)
    }

    /// The channel this terminal's updater follows (stable unless the owner chose another).
    pub fn update_channel(&self) -> Channel {
        self.store()
            .ok()
            .and_then(|s| s.setting(cardcat_engine::K_UPDATE_CHANNEL).ok().flatten())
            .and_then(|v| v.parse().ok())
            .unwrap_or_default()
    }

    /// Sets the update channel (owner or installer).
    pub fn set_update_channel(&self, who: &Session, channel: &str) -> Result<Channel> {
        who.require(Action::Update)?;
        self.ensure_writable()?;
        let c: Channel = channel
            .parse()
            .map_err(|e: cardcat_core::update::UnknownChannel| InputError::UpdateChannel(e.0))?;
        let mut store = self.store()?;
        cardcat_engine::configure(
            &mut store,
            Some(who),
            Action::Update,
            &[(cardcat_engine::K_UPDATE_CHANNEL, c.as_str())],
        )?;
        Ok(c)
    }

    /// The update server's base address: `CARDCAT_UPDATE_URL`, else [`DEFAULT_UPDATE_URL`].
    pub fn update_base_url() -> String {
        std::env::var("CARDCAT_UPDATE_URL")
            .ok()
            .filter(|u| u.starts_with("https://") || u.starts_with("http://127."))
            .unwrap_or_else(|| DEFAULT_UPDATE_URL.to_string())
    }

    /// Channel, and what would keep an update from installing now (owner or installer).
    pub fn update_status(&self, who: &Session) -> Result<UpdateStatus> {
        who.require(Action::Update)?;
        let channel = self.update_channel();
        let open = self.open_orders()?;
        Ok(UpdateStatus {
            channel,
            blockers: lock(&self.inner.update_gate).blockers(open),
        })
    }

    /// Lets an update install now, or says what keeps it (orders without a final result, a
    /// shift being closed). The gate is held while the open orders are counted, so no sale
    /// can slip in between.
    pub fn begin_update(&self, who: &Session) -> Result<UpdateHold> {
        who.require(Action::Update)?;
        let gate = Arc::clone(&self.inner.update_gate);
        let mut g = lock(&gate);
        if g.exclusive() == Some(Exclusive::Restore) {
            return Err(CounterError::Restoring);
        }
        let open = self.open_orders()?;
        g.begin_update(open).map_err(CounterError::UpdateBlocked)?;
        drop(g);
        Ok(UpdateHold { gate })
    }
}
