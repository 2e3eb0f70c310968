//! CardCat integration tests: one binary, grouped by topic. Everything runs against the
//! real sandbox platform on loopback (port 0) with real SQLite files.

mod catalog_sync;
mod chaos;
mod cli;
mod contract;
mod crash;
mod keyring;
mod migrations;
mod orders;
mod printing;
mod receipts;
mod security;
