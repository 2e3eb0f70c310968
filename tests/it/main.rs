//! CardCat integration tests: one binary, grouped by topic. Everything runs against the
//! real sandbox platform on loopback (port 0) with real SQLite files.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod catalog_sync;
mod chaos;
mod cli;
mod contract;
mod counter;
mod crash;
mod keyring;
mod migrations;
mod orders;
mod owner;
mod printing;
mod provision;
mod receipts;
mod safety;
mod search;
mod security;
mod update;
