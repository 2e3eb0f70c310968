//! The real `cardcat` command, built inside the test package so integration tests can
//! start it as a child process (and SIGKILL it) via `CARGO_BIN_EXE_cardcat-it`.

use clap::Parser;

fn main() {
    std::process::exit(cardcat_cli::main_with(cardcat_cli::Cli::parse()));
}
