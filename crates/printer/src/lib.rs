//! Receipts on ESC/POS thermal printers.
//!
//! Sans-IO: `doc` (paper model), `encode` (layout → bytes), `decode` (bytes → document),
//! `render` (document → pixels / PNG), `profile`, `status`.
//! IO: `transport` (escpos drivers + real-time status), `emulator` (TCP 9100 virtual
//! printer), `queue` (durable print queue in SQLite).

pub mod decode;
pub mod doc;
pub mod emulator;
pub mod encode;
pub mod logo;
pub mod profile;
pub mod queue;
pub mod render;
pub mod status;
pub mod transport;

pub use doc::{Align, Bitmap, Document, Item, PaperWidth, Style};
