//! The real `cardcat` command, built inside the test package so integration tests can
//! start it as a child process (and SIGKILL it) via `CARGO_BIN_EXE_cardcat-it`.
//! Same entry as `crates/cli/src/main.rs`.

fn main() {
    match cardcat_cli::parse_args() {
        Ok(cli) => std::process::exit(cardcat_cli::main_with(cli)),
        Err((msg, code)) => {
            if code == 0 {
                print!("{msg}");
            } else {
                eprint!("{msg}");
            }
            std::process::exit(code);
        }
    }
}
