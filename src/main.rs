use std::process::ExitCode;

use clap::Parser;
use staffsim::{InputError, app, cli::Cli};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    match app::execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // A closed pipe (`staffsim run … | head`) is not an error.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            for line in format!("{e:#}").lines() {
                eprintln!("error: {line}");
            }
            if e.downcast_ref::<InputError>().is_some() { ExitCode::from(2) } else { ExitCode::from(1) }
        }
    }
}
