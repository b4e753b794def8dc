mod oom;

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Parser;
use staffsim::{InputError, app, cli::Cli};

#[global_allocator]
static ALLOCATOR: oom::ExitOnOutOfMemory = oom::ExitOnOutOfMemory;

fn main() -> ExitCode {
    oom::release_large_blocks();
    // A bug ends with one `error:` line and exit code 1, not a backtrace;
    // only the first panic speaks (parallel replications may all fail).
    static SPOKEN: AtomicBool = AtomicBool::new(false);
    std::panic::set_hook(Box::new(|info| {
        // A failure caused by an interruption removing the staged files is
        // not a bug: the interrupt handler speaks for it.
        if !staffsim::report::interrupted() && !SPOKEN.swap(true, Ordering::SeqCst) {
            let location = info.location().map(|l| (l.file(), l.line()));
            eprintln!("error: {}", app::internal_error(info.payload(), location));
        }
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| app::execute(cli)));
    // Interrupted: the handler is removing the staged files (which may be
    // why this thread failed) and ends the process with 130; wait for it
    // rather than report its work as an error of our own.
    if staffsim::report::interrupted() {
        std::thread::sleep(std::time::Duration::from_secs(10));
        return ExitCode::from(130);
    }
    let Ok(result) = outcome else {
        return ExitCode::from(1);
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // A closed pipe (`staffsim run … | head`) is not an error.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            // `error:` heads the message once; the lines after it (a list of
            // problems, the line a parse error points at, a hint) follow as
            // they are, so each `file:line:col:` starts its own line.
            let message = format!("{e:#}");
            let mut lines = message.lines();
            eprintln!("error: {}", lines.next().unwrap_or_default());
            for line in lines {
                eprintln!("{line}");
            }
            if e.downcast_ref::<InputError>().is_some() { ExitCode::from(2) } else { ExitCode::from(1) }
        }
    }
}
