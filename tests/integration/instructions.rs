//! What the engine costs a ticket, counted in instructions by Valgrind's
//! cachegrind: the same on every run of the same build, where wall time
//! moves with the machine and its load. Each count is the difference of
//! two runs of one desk of `staffsim bench`'s scaling table (about n and
//! 3n tickets, `STAFFSIM_SCALING_TICKETS`) over the difference of their
//! tickets, so parsing and set-up drop out.
//!
//! Two properties are held:
//! - No desk shape's cost a ticket grows with its size: each large desk
//!   runs at 0.6 or more of its small version's instructions a ticket
//!   (the scaling goal of BENCHMARKS.md, "Agents and queues at scale"). A
//!   scan of the agents or of the queues coming back would fail it by far:
//!   one cost 97 % of 10 000 chat agents' instructions.
//! - M/M/12 stays within its instruction budget against the minimal loop
//!   (`benches/limit.rs`). The budget is the count measured when it was
//!   set plus 10 %; a change that adds work to every ticket on purpose
//!   raises it in the same commit, with the measurement in BENCHMARKS.md.
//!
//! The counts describe the optimised build the README's test command
//! makes, so these tests are part of it only there. Valgrind is a Debian
//! package that `.ci/run` installs; without it these tests fail.

#![cfg(not(debug_assertions))]

use std::process::Command;

use staffsim::app::{LOOP_LABEL, ONLY_ENV, POOLED_TEAMS_LABEL, TEAMS_LABEL, TICKETS_ENV, agents_label, queues_label};

/// The scaling desk's label that `STAFFSIM_SCALING_ONLY` selects, exactly:
/// M/M/12, 12 phone agents.
fn mmc() -> String {
    agents_label(12, 1, false)
}

/// Least instructions a ticket of a desk's small version over its large
/// version's: the scaling goal (60 % of its small version's speed), in
/// instructions.
const LEAST_GROWTH_RATIO: f64 = 0.6;

/// Most instructions a ticket M/M/12 may take, as a multiple of the
/// minimal loop's. Measured 5.22 (1 233 against 236) when it was set.
const MMC_LOOP_BUDGET: f64 = 5.75;

/// (instructions, tickets) of one run of `label` at about `tickets` tickets.
fn counted(label: &str, tickets: u64) -> (u64, u64) {
    let out = Command::new("valgrind")
        .args(["--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"])
        .arg(env!("CARGO_BIN_EXE_staffsim"))
        .args(["bench", "--quick"])
        .env(ONLY_ENV, label)
        .env(TICKETS_ENV, tickets.to_string())
        .output()
        .unwrap_or_else(|e| panic!("cannot run valgrind ({e}); .ci/run installs Debian's valgrind"));
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{label} under cachegrind failed:\n{stderr}");
    // "==1234== I   refs:      49,567,557" (the spaces vary with the version)
    let refs = stderr
        .lines()
        .filter_map(|l| l.split_once("refs:"))
        .find(|(head, _)| head.trim_end().ends_with(" I"))
        .map(|(_, n)| n.trim().replace(',', ""))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no instruction count in cachegrind's report:\n{stderr}"));
    // "  <label>   129499 tickets     3.63 M/s": the number before the last "tickets".
    let words: Vec<&str> = stdout.split_whitespace().collect();
    let at = words.iter().rposition(|w| *w == "tickets").expect("a ticket count");
    let ran = words[at - 1].parse().unwrap_or_else(|_| panic!("a ticket count in {stdout:?}"));
    (refs, ran)
}

/// Instructions a ticket of `label` between runs of about `n` and `3n` tickets.
fn per_ticket(label: &str, n: u64) -> f64 {
    let (small_refs, small) = counted(label, n);
    let (large_refs, large) = counted(label, 3 * n);
    assert!(large > small, "{label}: {small} then {large} tickets");
    (large_refs.saturating_sub(small_refs)) as f64 / (large - small) as f64
}

/// The large desk's instructions a ticket against its small version's.
fn grows_at_most_linearly(small: &str, large: &str, n_small: u64, n_large: u64) {
    let (s, l) = (per_ticket(small, n_small), per_ticket(large, n_large));
    let ratio = s / l;
    eprintln!("{large}: {l:.0} instructions a ticket; {small}: {s:.0}; ratio {ratio:.2}");
    assert!(
        ratio >= LEAST_GROWTH_RATIO,
        "{large} takes {l:.0} instructions a ticket, {small} {s:.0}: {ratio:.2} of its small version's speed, \
         below {LEAST_GROWTH_RATIO}: a cost that grows with the desk is back"
    );
}

#[test]
fn ten_thousand_phone_agents_cost_a_ticket_what_twelve_do() {
    grows_at_most_linearly(&mmc(), &agents_label(10_000, 1, false), 30_000, 300_000);
}

#[test]
fn ten_thousand_chat_agents_cost_a_ticket_what_twelve_do() {
    grows_at_most_linearly(&agents_label(12, 3, false), &agents_label(10_000, 3, false), 30_000, 300_000);
}

#[test]
fn a_thousand_agents_with_impatient_customers_cost_a_ticket_what_twelve_do() {
    grows_at_most_linearly(&agents_label(12, 1, true), &agents_label(1000, 1, true), 30_000, 30_000);
}

#[test]
fn four_hundred_queues_cost_a_ticket_what_one_does() {
    grows_at_most_linearly(&queues_label(1), &queues_label(400), 30_000, 30_000);
}

#[test]
fn twenty_teams_on_shifts_cost_a_ticket_what_one_team_does() {
    grows_at_most_linearly(POOLED_TEAMS_LABEL, TEAMS_LABEL, 60_000, 60_000);
}

#[test]
fn mmc_stays_within_its_instruction_budget_against_the_minimal_loop() {
    let engine = per_ticket(&mmc(), 30_000);
    let minimal = per_ticket(LOOP_LABEL, 30_000);
    let ratio = engine / minimal;
    eprintln!("M/M/12: {engine:.0} instructions a ticket, the minimal loop {minimal:.0}: {ratio:.2}x");
    assert!(
        ratio <= MMC_LOOP_BUDGET,
        "M/M/12 takes {engine:.0} instructions a ticket, {ratio:.2}x the minimal loop's {minimal:.0}, over the \
         budget of {MMC_LOOP_BUDGET}x: find what the change added to every ticket (BENCHMARKS.md)"
    );
}
