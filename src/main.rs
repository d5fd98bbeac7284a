//! `flowkql`: parse the flags, call the library, print the diagnostic, exit with its code.

mod cli;

use clap::Parser;

fn main() {
    let args = cli::Cli::parse();
    let code = match cli::run(args) {
        Ok(code) => code,
        Err(report) => {
            let code = report.error.exit_code();
            eprintln!("{:?}", miette::Report::new(*report));
            code
        }
    };
    std::process::exit(code);
}
