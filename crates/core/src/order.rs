//! The order state machine as one pure transition function.
//!
//! ```text
//! DRAFT ──send──▶ SENDING ──accepted──▶ PENDING ──▶ SUCCEEDED ──▶ REVERSED
//!   │                │  no answer                 ├─▶ FAILED
//!   └─cancel─▶ CANCELLED ▼                        └─▶ REFUNDED
//!                  UNKNOWN ──status query (same key)──▶ PENDING | final
//! ```
//!
//! Invariant: a final state is never left, except SUCCEEDED → REVERSED.
//! Invariant: a late FAILED (or any stale report) never overwrites SUCCEEDED.
//! Invariant: UNKNOWN is left only by what the platform says about the same key.
//!
//! Callbacks and status polls both arrive as [`OrderEvent::Remote`] and go through
//! [`transition`], so they can never disagree.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderState {
    Draft,
    Sending,
    Pending,
    Unknown,
    Succeeded,
    Failed,
    Refunded,
    Reversed,
    Cancelled,
}

impl OrderState {
    pub const ALL: [OrderState; 9] = [
        OrderState::Draft,
        OrderState::Sending,
        OrderState::Pending,
        OrderState::Unknown,
        OrderState::Succeeded,
        OrderState::Failed,
        OrderState::Refunded,
        OrderState::Reversed,
        OrderState::Cancelled,
    ];

    pub fn is_final(self) -> bool {
        matches!(
            self,
            OrderState::Succeeded
                | OrderState::Failed
                | OrderState::Refunded
                | OrderState::Reversed
                | OrderState::Cancelled
        )
    }

    /// A new key for the same sale may only be minted after one of these.
    pub fn allows_new_key(self) -> bool {
        matches!(
            self,
            OrderState::Failed | OrderState::Refunded | OrderState::Cancelled
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::Draft => "DRAFT",
            OrderState::Sending => "SENDING",
            OrderState::Pending => "PENDING",
            OrderState::Unknown => "UNKNOWN",
            OrderState::Succeeded => "SUCCEEDED",
            OrderState::Failed => "FAILED",
            OrderState::Refunded => "REFUNDED",
            OrderState::Reversed => "REVERSED",
            OrderState::Cancelled => "CANCELLED",
        }
    }

    pub fn parse(s: &str) -> Option<OrderState> {
        OrderState::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Stable key of the state's label (`order.state.pending`).
    pub fn label_key(self) -> &'static str {
        match self {
            OrderState::Draft => "order.state.draft",
            OrderState::Sending => "order.state.sending",
            OrderState::Pending => "order.state.pending",
            OrderState::Unknown => "order.state.unknown",
            OrderState::Succeeded => "order.state.succeeded",
            OrderState::Failed => "order.state.failed",
            OrderState::Refunded => "order.state.refunded",
            OrderState::Reversed => "order.state.reversed",
            OrderState::Cancelled => "order.state.cancelled",
        }
    }

    pub fn label(self, lang: crate::Lang) -> &'static str {
        crate::i18n::tr_static(lang, self.label_key())
    }
}

/// What the platform says about an order (from a create response, a status query
/// or a callback).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RemoteStatus {
    Pending,
    Succeeded,
    Failed,
    Refunded,
    Reversed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderEvent {
    /// The client is about to send the (already persisted) order.
    Send,
    /// The cashier abandons a draft that was never sent.
    Cancel,
    /// Timeout, connection drop or 5xx: we do not know whether the platform has it.
    NoAnswer,
    /// The platform does not know this key (status query). Only possible before it
    /// ever acknowledged the order; the engine may re-send under the **same** key.
    RemoteNotFound,
    /// The platform's word on the order: create response, poll or callback.
    Remote(RemoteStatus),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Transition {
    /// The state changed.
    Changed { from: OrderState, to: OrderState },
    /// Same state reported again (duplicate callback, repeated poll).
    Unchanged(OrderState),
    /// A report that arrived too late to matter (e.g. FAILED after SUCCEEDED); kept for audit.
    Stale {
        state: OrderState,
        ignored: RemoteStatus,
    },
}

impl Transition {
    pub fn state(self) -> OrderState {
        match self {
            Transition::Changed { to, .. } => to,
            Transition::Unchanged(s) => s,
            Transition::Stale { state, .. } => state,
        }
    }
}

/// A local action that is not legal in the current state (a programming or UI error,
/// never a platform report).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("event {event:?} is not allowed in state {state:?}")]
pub struct TransitionError {
    pub state: OrderState,
    pub event: OrderEvent,
}

/// Seconds to wait before the `attempt`-th status query of an unresolved order
/// (2 s, 5 s, 15 s, 30 s, then every minute).
pub fn backoff_secs(attempt: u32) -> u64 {
    match attempt {
        0 => 2,
        1 => 5,
        2 => 15,
        3 => 30,
        _ => 60,
    }
}

/// After this many unanswered checks (≈10 minutes) an order is flagged "needs attention"
/// for a person; it keeps being checked, and is never failed automatically.
pub const ATTENTION_AFTER_ATTEMPTS: u32 = 14;

impl From<RemoteStatus> for OrderState {
    /// The state a platform report points at.
    fn from(r: RemoteStatus) -> OrderState {
        remote_target(r)
    }
}

fn remote_target(r: RemoteStatus) -> OrderState {
    match r {
        RemoteStatus::Pending => OrderState::Pending,
        RemoteStatus::Succeeded => OrderState::Succeeded,
        RemoteStatus::Failed => OrderState::Failed,
        RemoteStatus::Refunded => OrderState::Refunded,
        RemoteStatus::Reversed => OrderState::Reversed,
    }
}

/// The one transition function for orders.
pub fn transition(state: OrderState, event: OrderEvent) -> Result<Transition, TransitionError> {
    use OrderState as S;
    let err = Err(TransitionError { state, event });
    let changed = |to: S| Ok(Transition::Changed { from: state, to });
    match event {
        OrderEvent::Send => match state {
            S::Draft => changed(S::Sending),
            // Re-sending under the same key after NotFound / on resume.
            S::Unknown | S::Sending => Ok(Transition::Unchanged(state)),
            _ => err,
        },
        OrderEvent::Cancel => match state {
            S::Draft => changed(S::Cancelled),
            S::Cancelled => Ok(Transition::Unchanged(state)),
            _ => err,
        },
        OrderEvent::NoAnswer => match state {
            S::Sending => changed(S::Unknown),
            // A poll that times out tells us nothing new.
            S::Unknown | S::Pending => Ok(Transition::Unchanged(state)),
            s if s.is_final() => Ok(Transition::Unchanged(state)),
            _ => err,
        },
        OrderEvent::RemoteNotFound => match state {
            S::Sending | S::Unknown => Ok(Transition::Unchanged(state)),
            _ => err,
        },
        OrderEvent::Remote(r) => {
            let target = remote_target(r);
            match state {
                S::Draft | S::Cancelled => err,
                S::Sending | S::Unknown | S::Pending => {
                    if target == state {
                        Ok(Transition::Unchanged(state))
                    } else {
                        changed(target)
                    }
                }
                S::Succeeded => match r {
                    RemoteStatus::Succeeded => Ok(Transition::Unchanged(state)),
                    RemoteStatus::Reversed => changed(S::Reversed),
                    _ => Ok(Transition::Stale { state, ignored: r }),
                },
                S::Failed | S::Refunded | S::Reversed => {
                    if target == state {
                        Ok(Transition::Unchanged(state))
                    } else {
                        Ok(Transition::Stale { state, ignored: r })
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderState as S;
    use proptest::prelude::*;

    fn any_state() -> impl Strategy<Value = OrderState> {
        proptest::sample::select(OrderState::ALL.to_vec())
    }

    fn any_remote() -> impl Strategy<Value = RemoteStatus> {
        proptest::sample::select(vec![
            RemoteStatus::Pending,
            RemoteStatus::Succeeded,
            RemoteStatus::Failed,
            RemoteStatus::Refunded,
            RemoteStatus::Reversed,
        ])
    }

    fn any_event() -> impl Strategy<Value = OrderEvent> {
        prop_oneof![
            Just(OrderEvent::Send),
            Just(OrderEvent::Cancel),
            Just(OrderEvent::NoAnswer),
            Just(OrderEvent::RemoteNotFound),
            any_remote().prop_map(OrderEvent::Remote),
        ]
    }

    #[test]
    fn happy_and_unknown_paths() {
        let steps = [
            (S::Draft, OrderEvent::Send, S::Sending),
            (S::Sending, OrderEvent::NoAnswer, S::Unknown),
            (
                S::Unknown,
                OrderEvent::Remote(RemoteStatus::Pending),
                S::Pending,
            ),
            (
                S::Pending,
                OrderEvent::Remote(RemoteStatus::Succeeded),
                S::Succeeded,
            ),
            (
                S::Succeeded,
                OrderEvent::Remote(RemoteStatus::Reversed),
                S::Reversed,
            ),
            (
                S::Unknown,
                OrderEvent::Remote(RemoteStatus::Failed),
                S::Failed,
            ),
            (
                S::Pending,
                OrderEvent::Remote(RemoteStatus::Refunded),
                S::Refunded,
            ),
            (S::Draft, OrderEvent::Cancel, S::Cancelled),
            (S::Unknown, OrderEvent::RemoteNotFound, S::Unknown),
            (S::Unknown, OrderEvent::NoAnswer, S::Unknown),
        ];
        for (from, ev, to) in steps {
            assert_eq!(transition(from, ev).unwrap().state(), to, "{from:?} {ev:?}");
        }
        assert!(transition(S::Pending, OrderEvent::Cancel).is_err());
        assert!(transition(S::Draft, OrderEvent::Remote(RemoteStatus::Succeeded)).is_err());
    }

    #[test]
    fn late_failed_is_stale() {
        let t = transition(S::Succeeded, OrderEvent::Remote(RemoteStatus::Failed)).unwrap();
        assert_eq!(
            t,
            Transition::Stale {
                state: S::Succeeded,
                ignored: RemoteStatus::Failed
            }
        );
    }

    proptest! {
        /// No final state is ever left, except SUCCEEDED → REVERSED; UNKNOWN/SENDING are never
        /// turned into FAILED by anything but the platform.
        #[test]
        fn finals_are_sticky(start in any_state(), events in proptest::collection::vec(any_event(), 0..40)) {
            let mut s = start;
            for ev in events {
                let Ok(t) = transition(s, ev) else { continue };
                let next = t.state();
                if s.is_final() && next != s {
                    prop_assert_eq!((s, next), (S::Succeeded, S::Reversed));
                }
                if next == S::Failed && s != S::Failed {
                    prop_assert_eq!(ev, OrderEvent::Remote(RemoteStatus::Failed));
                }
                s = next;
            }
        }

        /// Once SUCCEEDED has been seen, the order ends SUCCEEDED or REVERSED, whatever arrives later.
        #[test]
        fn late_failed_never_overwrites_success(events in proptest::collection::vec(any_event(), 0..40)) {
            let mut s = S::Succeeded;
            for ev in events {
                if let Ok(t) = transition(s, ev) { s = t.state(); }
                prop_assert!(matches!(s, S::Succeeded | S::Reversed), "{:?}", s);
            }
        }

        /// Applying the same platform report twice is the same as applying it once
        /// (duplicate callbacks and repeated polls are harmless).
        #[test]
        fn remote_reports_idempotent(start in any_state(), r in any_remote()) {
            if let Ok(t1) = transition(start, OrderEvent::Remote(r)) {
                let t2 = transition(t1.state(), OrderEvent::Remote(r)).unwrap();
                prop_assert_eq!(t2.state(), t1.state());
                let changed = matches!(t2, Transition::Changed { .. });
                prop_assert!(!changed, "second report changed state");
            }
        }
    }
}
