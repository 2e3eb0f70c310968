//! The real `cardcat` command, built inside the test package so integration tests can
//! start it as a child process (and SIGKILL it) via `CARGO_BIN_EXE_cardcat-it`.
//! Same entry as `crates/cli/src/main.rs`.

fn main() {
    std::process::exit(cardcat_cli::main_from(std::env::args_os()))
}
