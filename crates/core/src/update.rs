//! App updates, sans IO: the channel a terminal follows, where it asks for updates, and the
//! gate that keeps an update from installing while an order is not final or a shift is
//! being closed.
//!
//! Invariant: the gate is never "updating" while a sale is being placed or a shift is being
//! closed, and it only starts updating when no order is open. Once updating, new sales and
//! shift closes are refused until the update ends (installed and restarted, or failed).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The release channel a terminal follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// Releases every store gets.
    #[default]
    Stable,
    /// Releases a few pilot stores get first.
    Beta,
}

impl Channel {
    pub const ALL: [Channel; 2] = [Channel::Stable, Channel::Beta];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Stable => "stable",
            Channel::Beta => "beta",
        }
    }

    /// Catalog key of the channel's name for people (`正式版`, `测试版`).
    pub fn label_key(self) -> &'static str {
        match self {
            Channel::Stable => "update.channel_stable",
            Channel::Beta => "update.channel_beta",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A channel name that is not one of [`Channel::ALL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownChannel(pub String);

impl FromStr for Channel {
    type Err = UnknownChannel;
    fn from_str(s: &str) -> Result<Channel, UnknownChannel> {
        match s.trim().to_ascii_lowercase().as_str() {
            "stable" => Ok(Channel::Stable),
            "beta" => Ok(Channel::Beta),
            _ => Err(UnknownChannel(s.chars().take(40).collect())),
        }
    }
}

/// The update server's address for a channel, in the Tauri updater's endpoint form: the
/// updater fills in `{{target}}`, `{{arch}}` and `{{current_version}}` itself.
pub fn endpoint(base: &str, channel: Channel) -> String {
    format!(
        "{}/{}/{{{{target}}}}/{{{{arch}}}}/{{{{current_version}}}}",
        base.trim_end_matches('/'),
        channel.as_str()
    )
}

/// The exit code with which the app, after installing an update, asks the kiosk's watchdog
/// (`installers/linux/cardcat-watchdog`) to start the new version at once, not counted as a
/// crash.
pub const RESTART_AFTER_UPDATE: i32 = 75;

/// Something the counter is doing that an update must not cut short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    /// A sale is under way (its order row, its result, its receipt), or a redemption or
    /// its cancellation (the platform's answer, the slip).
    Placing,
    /// A shift is being closed (Z report, its print and its upload).
    ClosingShift,
}

/// What keeps an update from installing now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Blockers {
    /// Orders and redemptions sent but without a final state yet.
    pub open_orders: usize,
    /// Sales or redemptions being placed at this moment.
    pub placing: u32,
    pub shift_closing: bool,
    /// Another update is already installing.
    pub updating: bool,
}

impl Blockers {
    pub fn clear(&self) -> bool {
        self.open_orders == 0 && self.placing == 0 && !self.shift_closing && !self.updating
    }
}

/// What may hold the counter on its own for a while: no sale or shift close meanwhile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exclusive {
    /// An update is installing.
    Update,
    /// A backup is being restored over the store.
    Restore,
}

/// The gate between the counter's work and what must run alone (an update, a restore).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gate {
    exclusive: Option<Exclusive>,
    placing: u32,
    closing: u32,
}

/// The counter is held by an update or a restore: no new sale or shift close now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed(pub Exclusive);

impl Gate {
    /// Starts an activity, unless an update or a restore holds the counter.
    pub fn enter(&mut self, a: Activity) -> Result<(), Closed> {
        if let Some(x) = self.exclusive {
            return Err(Closed(x));
        }
        match a {
            Activity::Placing => self.placing = self.placing.saturating_add(1),
            Activity::ClosingShift => self.closing = self.closing.saturating_add(1),
        }
        Ok(())
    }

    /// Ends an activity started with [`Gate::enter`].
    pub fn leave(&mut self, a: Activity) {
        match a {
            Activity::Placing => self.placing = self.placing.saturating_sub(1),
            Activity::ClosingShift => self.closing = self.closing.saturating_sub(1),
        }
    }

    /// What would keep an update (or a restore) from starting, given the orders still open.
    pub fn blockers(&self, open_orders: usize) -> Blockers {
        Blockers {
            open_orders,
            placing: self.placing,
            shift_closing: self.closing > 0,
            updating: self.exclusive.is_some(),
        }
    }

    /// Holds the counter for `kind` when nothing blocks it; otherwise says what does.
    pub fn begin(&mut self, kind: Exclusive, open_orders: usize) -> Result<(), Blockers> {
        let b = self.blockers(open_orders);
        if !b.clear() {
            return Err(b);
        }
        self.exclusive = Some(kind);
        Ok(())
    }

    /// Starts installing an update when nothing blocks it; otherwise says what does.
    pub fn begin_update(&mut self, open_orders: usize) -> Result<(), Blockers> {
        self.begin(Exclusive::Update, open_orders)
    }

    /// The update or restore ended without restarting the app: work may go on.
    pub fn end(&mut self) {
        self.exclusive = None;
    }

    pub fn updating(&self) -> bool {
        self.exclusive == Some(Exclusive::Update)
    }

    pub fn exclusive(&self) -> Option<Exclusive> {
        self.exclusive
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn channels_parse_and_print() {
        for c in Channel::ALL {
            assert_eq!(c.as_str().parse::<Channel>(), Ok(c));
        }
        assert_eq!(" Beta ".parse::<Channel>(), Ok(Channel::Beta));
        assert!("nightly".parse::<Channel>().is_err());
        assert_eq!(Channel::default(), Channel::Stable);
    }

    #[test]
    fn the_endpoint_names_the_channel_and_leaves_the_updater_its_variables() {
        assert_eq!(
            endpoint("https://updates.cardcat.cn/", Channel::Beta),
            "https://updates.cardcat.cn/beta/{{target}}/{{arch}}/{{current_version}}"
        );
    }

    #[derive(Debug, Clone)]
    enum Op {
        Enter(Activity),
        Leave(Activity),
        Begin(Exclusive, usize),
        End,
    }

    fn op() -> impl Strategy<Value = Op> {
        let act = prop_oneof![Just(Activity::Placing), Just(Activity::ClosingShift)];
        let kind = prop_oneof![Just(Exclusive::Update), Just(Exclusive::Restore)];
        prop_oneof![
            act.clone().prop_map(Op::Enter),
            act.prop_map(Op::Leave),
            (kind, 0usize..3).prop_map(|(k, n)| Op::Begin(k, n)),
            Just(Op::End),
        ]
    }

    proptest! {
        /// Against a model that counts what is running: an update or a restore starts
        /// exactly when nothing runs, no order is open and nothing else holds the counter,
        /// and nothing starts while it holds it.
        #[test]
        fn an_update_or_restore_never_overlaps_a_sale_or_a_shift_close(ops in prop::collection::vec(op(), 0..60)) {
            let mut g = Gate::default();
            let (mut placing, mut closing) = (0u32, 0u32);
            let mut held: Option<Exclusive> = None;
            for o in ops {
                match o {
                    Op::Enter(a) => {
                        let r = g.enter(a);
                        prop_assert_eq!(r.err(), held.map(Closed));
                        if r.is_ok() {
                            match a {
                                Activity::Placing => placing += 1,
                                Activity::ClosingShift => closing += 1,
                            }
                        }
                    }
                    Op::Leave(a) => {
                        // only what was entered is left (as the guards do)
                        let n = match a {
                            Activity::Placing => &mut placing,
                            Activity::ClosingShift => &mut closing,
                        };
                        if *n > 0 {
                            *n -= 1;
                            g.leave(a);
                        }
                    }
                    Op::Begin(kind, open) => {
                        let r = g.begin(kind, open);
                        let may = open == 0 && placing == 0 && closing == 0 && held.is_none();
                        prop_assert_eq!(r.is_ok(), may);
                        if let Err(b) = r {
                            prop_assert_eq!(b.open_orders, open);
                            prop_assert_eq!(b.shift_closing, closing > 0);
                            prop_assert_eq!(b.placing, placing);
                            prop_assert_eq!(b.updating, held.is_some());
                        }
                        if may {
                            held = Some(kind);
                        }
                    }
                    Op::End => {
                        g.end();
                        held = None;
                    }
                }
                prop_assert!(!(g.exclusive().is_some() && (placing > 0 || closing > 0)));
                prop_assert_eq!(g.exclusive(), held);
                prop_assert_eq!(g.updating(), held == Some(Exclusive::Update));
            }
        }
    }
}
