fn main() {
    std::process::exit(cardcat_cli::main_from(std::env::args_os()))
}
