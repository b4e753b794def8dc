//! The long run of the scenario fuzzer (the test suite runs a bounded one):
//!
//!     cargo run --release --example fuzz -- 600      # seconds, default 600
//!
//! Damages the shipped scenarios and fixtures in thousands of ways and checks
//! that staffsim refuses each with a message or simulates it, never panics.

#[path = "../tests/integration/fuzz.rs"]
#[allow(dead_code)]
mod fuzz;

use std::time::{Duration, Instant};

fn main() {
    let seconds: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(600);
    let started = Instant::now();
    // Caught panics are the finding; keep their default report quiet.
    std::panic::set_hook(Box::new(|_| {}));
    let (mut refused, mut simulated, mut batch) = (0usize, 0usize, 0u64);
    while started.elapsed() < Duration::from_secs(seconds) {
        match fuzz::run(batch, 1000) {
            Ok((r, s)) => {
                refused += r;
                simulated += s;
            }
            Err(e) => {
                eprintln!("failure in batch {batch}:\n{e}");
                std::process::exit(1);
            }
        }
        batch += 1;
    }
    println!(
        "{} damaged scenarios in {:.0} s: {refused} refused with a message, {simulated} simulated, 0 crashes",
        refused + simulated,
        started.elapsed().as_secs_f64()
    );
}
