//! Coverage-guided fuzzing of scenario text (libFuzzer, via cargo-fuzz): any
//! bytes are read as a scenario file; a file that validates is shrunk to a
//! short, small desk and simulated for one replication, and the engine's
//! invariants are checked on the result. The mutation fuzzer in
//! `tests/integration/fuzz.rs` damages realistic files; this one follows the
//! parser's and validator's branches wherever the coverage leads.
//!
//!     fuzz/run.sh 600      # seconds

#![no_main]

use libfuzzer_sys::fuzz_target;
use staffsim::error::InputError;
use staffsim::scenario::{Scenario, Uncertain};
use staffsim::sim;
use staffsim::stats::TicketCounts;

const WEEK: f64 = 7.0 * 86_400.0;
/// Limits of the simulated desk: enough to reach every rule of the engine,
/// small enough for thousands of runs a second.
const MAX_QUEUES: usize = 6;
const MAX_TEAMS: usize = 6;
const MAX_INTERVALS: f64 = 48.0;
const MAX_SPAN: f64 = 4.0 * WEEK;
const MAX_TICKETS: f64 = 5_000.0;
const MAX_BACKLOG: u32 = 1_000;
const MAX_AGENTS_PER_SHIFT: u32 = 20;

fuzz_target!(|data: &[u8]| {
    // `Scenario::load` refuses bytes that are not UTF-8 before parsing; the
    // lossy text keeps random bytes useful to the parser.
    let text = String::from_utf8_lossy(data);
    match Scenario::from_toml(&text, "fuzz.toml") {
        Ok(mut s) => {
            shrink(&mut s);
            check(&s);
        }
        Err(e) => refused_with_message(&e, &text),
    }
});

/// An invalid file is refused with something to read: every problem says
/// what, and a position it gives is a line and column of the text.
fn refused_with_message(e: &InputError, text: &str) {
    let lines = text.split('\n').count();
    let inside = |at: &Option<(usize, usize)>| at.is_none_or(|(line, col)| line >= 1 && line <= lines && col >= 1);
    match e {
        InputError::Syntax { message, at, .. } => {
            assert!(!message.trim().is_empty(), "a syntax error without a message");
            assert!(inside(at), "a syntax error outside the text: {at:?}");
        }
        InputError::Invalid { problems, .. } => {
            assert!(!problems.is_empty(), "refused without a problem");
            assert!(problems.iter().all(|p| !p.text.trim().is_empty()), "an empty problem: {problems:?}");
            assert!(problems.iter().all(|p| inside(&p.at)), "a problem placed outside the text: {problems:?}");
        }
        other => panic!("scenario text refused as {other:?}"),
    }
    let _ = e.to_string();
}

/// Makes a valid scenario cheap to simulate while keeping it valid: at most
/// `MAX_INTERVALS` reporting intervals of warm-up and of statistics within
/// `MAX_SPAN` each, one replication, volumes scaled down to about
/// `MAX_TICKETS` expected arrivals, capped backlogs and shifts, and the first
/// queues and teams only (skills and callbacks to dropped queues removed).
fn shrink(s: &mut Scenario) {
    let sim = &mut s.simulation;
    sim.replications = 1;
    // A longer interval only changes how results are cut, not the engine.
    sim.interval = sim.interval.min(WEEK);
    let fit = (MAX_SPAN / sim.interval).floor().clamp(1.0, MAX_INTERVALS);
    let warm = (sim.warmup / sim.interval).floor().min(fit);
    let window = ((sim.horizon - sim.warmup) / sim.interval).floor().clamp(1.0, fit);
    sim.warmup = warm * sim.interval;
    sim.horizon = (warm + window) * sim.interval;

    if s.queues.len() > MAX_QUEUES {
        s.queues.truncate(MAX_QUEUES);
        for q in &mut s.queues {
            if q.callback.is_some_and(|c| c.queue >= MAX_QUEUES) {
                q.callback = None;
            }
        }
        for t in &mut s.teams {
            t.skills.retain(|&q| q < MAX_QUEUES);
        }
        s.teams.retain(|t| !t.skills.is_empty());
        s.assumptions.retain(|a| match a.what {
            Uncertain::Volume(q) | Uncertain::HandleTime(q) | Uncertain::Patience(q) => q < MAX_QUEUES,
            Uncertain::Customers | Uncertain::ContactRate => true,
        });
    }
    s.teams.truncate(MAX_TEAMS);

    let weeks = s.simulation.horizon / WEEK;
    let expected: f64 = s.queues.iter().map(|q| q.weekly_volume * weeks).sum();
    if expected > MAX_TICKETS {
        let factor = MAX_TICKETS / expected;
        for q in &mut s.queues {
            let v = q.weekly_volume * factor;
            q.set_weekly_volume(v);
        }
    }
    for q in &mut s.queues {
        if let Some(b) = &mut q.initial_backlog {
            b.tickets = b.tickets.min(MAX_BACKLOG);
        }
    }
    for shift in s.teams.iter_mut().flat_map(|t| t.shifts.iter_mut()) {
        shift.agents = shift.agents.min(MAX_AGENTS_PER_SHIFT);
    }
}

/// Every ticket has one outcome.
fn accounted(c: &TicketCounts) -> bool {
    c.offered == c.answered + c.abandoned + c.closed + c.withdrawn + c.waiting_at_end
}

/// `part` counts a subset of the tickets of `whole`.
fn within(part: &TicketCounts, whole: &TicketCounts) -> bool {
    part.offered <= whole.offered
        && part.answered <= whole.answered
        && part.answered_in_sla <= whole.answered_in_sla
        && part.abandoned <= whole.abandoned
        && part.closed <= whole.closed
        && part.withdrawn <= whole.withdrawn
        && part.waiting_at_end <= whole.waiting_at_end
        && part.waiting_in_sla <= whole.waiting_in_sla
        && part.callbacks_created <= whole.callbacks_created
}

fn share(x: Option<f64>) -> bool {
    x.is_none_or(|v| (0.0..=1.0).contains(&v))
}

/// One replication keeps the invariants of `tests/integration/invariants.rs`.
fn check(s: &Scenario) {
    let r = sim::simulate(s, s.policy, 0);
    for (q, c) in r.queues.iter().enumerate() {
        assert!(accounted(c), "queue {q}: tickets not accounted for: {c:?}");
        assert!(c.answered_in_sla <= c.answered, "queue {q}: {c:?}");
        assert!(share(c.service_level()), "queue {q}: service level {:?}", c.service_level());
        let night = &r.after_hours[q];
        let initial = &r.initial[q];
        assert!(accounted(night), "queue {q} after hours: tickets not accounted for: {night:?}");
        assert!(within(night, c), "queue {q}: after hours {night:?} not within {c:?}");
        assert!(within(initial, c), "queue {q}: initial backlog {initial:?} not within {c:?}");
        assert!(night.offered + initial.offered <= c.offered, "queue {q}: {night:?} + {initial:?} > {c:?}");
        if !s.queues[q].live {
            assert_eq!(c.closed, 0, "queue {q}: closed tickets on a channel that can wait");
        }
        let f = &r.flows[q];
        assert_eq!(f.opened, f.resolved + f.lost + f.open_at_end, "queue {q}: conversations not accounted for: {f:?}");
        assert!(f.replies_answered <= f.replies && f.transfers_in <= c.offered, "queue {q}: {f:?} {c:?}");
        let open = c.minus(night);
        assert!(share(open.service_level()), "queue {q}: open-hours service level {:?}", open.service_level());
    }
    for (i, c) in r.interval_tickets.iter().map(|c| c.widen()).enumerate() {
        let c = &c;
        assert!(accounted(c), "interval cell {i}: tickets not accounted for: {c:?}");
        assert!(share(c.service_level()), "interval cell {i}: service level {:?}", c.service_level());
    }
    for t in r.teams.iter().chain(&r.interval_agents) {
        assert!(t.busy <= t.on_duty * (1.0 + 1e-9) + 1e-6, "busy {} > on duty {}", t.busy, t.on_duty);
        assert!(share(t.occupancy()), "occupancy {:?}", t.occupancy());
    }
    assert_eq!(r.served_without_skill, 0, "tickets served without the skill");
    let again = sim::simulate(s, s.policy, 0);
    assert_eq!(r.queues, again.queues, "the same seed gave other results");
    assert_eq!(r.interval_agents, again.interval_agents, "the same seed gave other agent time");
}
