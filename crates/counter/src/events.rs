//! One event stream for every front end: order state changes, sync progress, print
//! outcomes and printer status. The CLI draws its progress bar from it; the app forwards
//! it to the webview. A slow subscriber loses old events (broadcast), never blocks a sale.

use cardcat_core::OrderState;
use serde::Serialize;
use tokio::sync::broadcast;
use uuid::Uuid;

use crate::printing::PrintOutcome;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// An order changed state (`from` is `None` when it was just placed).
    OrderState {
        key: Uuid,
        from: Option<OrderState>,
        to: OrderState,
    },
    /// Catalog sync progress; `phase` is `full` or `delta`.
    SyncProgress {
        phase: &'static str,
        done: u64,
        total: u64,
    },
    /// A catalog sync finished and the search index is up to date.
    SyncDone {
        version: i64,
        full: bool,
        changes: usize,
    },
    /// A receipt went to the printer (or did not).
    Printed {
        kind: String,
        order_key: Option<String>,
        outcome: PrintOutcome,
    },
    /// The receipt printer's real-time status, when it was read.
    PrinterStatus {
        target: String,
        ready: bool,
        text: String,
    },
}

/// The sending side, owned by the service. Cloning it is cheap.
#[derive(Clone)]
pub struct Events {
    tx: broadcast::Sender<Event>,
}

impl Default for Events {
    fn default() -> Self {
        Events {
            tx: broadcast::channel(256).0,
        }
    }
}

impl Events {
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }

    /// Sends to whoever listens; nobody listening is fine.
    pub fn emit(&self, e: Event) {
        tracing::debug!(event = ?e, "event");
        let _ = self.tx.send(e);
    }
}
