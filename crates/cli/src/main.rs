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
