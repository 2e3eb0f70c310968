//! CardCat domain core. No IO: no tokio, rusqlite, reqwest or tauri here.
//!
//! Everything that decides *what* happens (money arithmetic, which input a product
//! needs, which order transition is legal, how a search ranks) lives here so that it
//! can be tested exhaustively and reused by the client, the sandbox and the app.

pub mod account;
pub mod i18n;
pub mod money;
pub mod order;
pub mod phone;
pub mod product;
pub mod search;

pub use account::{AccountError, AccountInput, AccountTemplate, ValidAccount};
pub use i18n::{Lang, Localized};
pub use money::{Money, MoneyError};
pub use order::{OrderEvent, OrderState, RemoteStatus, Transition, TransitionError};
pub use phone::{Carrier, CarrierHint, PhoneError};
pub use product::{Category, Product, ProductKind, Quote};
