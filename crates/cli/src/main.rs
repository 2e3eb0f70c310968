use clap::Parser;

fn main() {
    let cli = cardcat_cli::Cli::parse();
    std::process::exit(cardcat_cli::main_with(cli));
}
