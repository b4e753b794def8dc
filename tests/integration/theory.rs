//! The engine against queueing theory on long fixed-seed runs. Every
//! comparison uses the replications' own spread: a figure passes when theory
//! lies within `K` standard errors of the simulated mean (K = 3.3 leaves a
//! 1-in-1000 chance of failing by bad luck on a correct engine), plus a small
//! absolute slack for the discretisation of the wait histogram.

use staffsim::erlang::Desk;
use staffsim::experiment::{self, Plan};
use staffsim::scenario::{Policy, Scenario};
use staffsim::stats::{Estimate, ReplicationStats, estimate, summarize};

const K: f64 = 3.3;

/// A one-queue, one-team desk: Poisson arrivals, exponential handle time.
fn single_queue(
    per_hour: f64,
    aht: &str,
    agents: u32,
    patience: Option<&str>,
    within: &str,
    weeks: u32,
    reps: u32,
) -> Scenario {
    let text = single_queue_text(per_hour, aht, agents, patience, within, weeks, reps);
    Scenario::from_toml(&text, "theory.toml").expect("valid test scenario")
}

/// The scenario text of [`single_queue`], for variations.
fn single_queue_text(
    per_hour: f64,
    aht: &str,
    agents: u32,
    patience: Option<&str>,
    within: &str,
    weeks: u32,
    reps: u32,
) -> String {
    let patience =
        patience.map_or(String::new(), |p| format!("patience = {{ dist = \"exponential\", mean = \"{p}\" }}"));
    format!(
        r#"
name = "theory"
[simulation]
horizon = "{weeks}w"
warmup = "1d"
interval = "1h"
replications = {reps}
seed = 2024
[[queue]]
name = "q"
channel = "phone"
volume = "{per_hour}/hour"
handle_time = {{ dist = "exponential", mean = "{aht}" }}
{patience}
sla = {{ within = "{within}", target = 0.8 }}
[[team]]
name = "agents"
skills = ["q"]
agents = {agents}
"#
    )
}

fn replicate(s: &Scenario, policy: Policy) -> Vec<ReplicationStats> {
    experiment::replicate(s, Plan { policy, threads: None }, &|| {}).expect("runs")
}

/// Asserts theory lies within K standard errors (+ `slack`) of the estimate.
fn assert_agrees(what: &str, e: Estimate, theory: f64, slack: f64) {
    let mean = e.mean.expect("defined");
    let se = e.ci95.expect("several replications") / 1.96;
    let tolerance = K * se + slack;
    println!("{what:<40} simulated {mean:>10.5} ± {:>8.5} (95 %)   theory {theory:>10.5}", e.ci95.unwrap_or(0.0));
    assert!((mean - theory).abs() <= tolerance, "{what}: simulated {mean} vs theory {theory} (tolerance {tolerance})");
}

fn p_wait(r: &ReplicationStats) -> Option<f64> {
    let answered = r.queues[0].answered;
    (answered > 0).then(|| 1.0 - r.waits[0].count_at(0) as f64 / answered as f64)
}

#[test]
fn mmc_fifo_matches_erlang_c() {
    // 100/hour, AHT 6 min: 10 Erlangs on 12 agents. 20 × 4 weeks ≈ 1.3 M tickets.
    let s = single_queue(100.0, "6m", 12, None, "20s", 4, 20);
    let reps = replicate(&s, Policy::Fifo);
    let sum = summarize(&s, &reps);
    let theory =
        Desk { arrival_rate: 100.0 / 3600.0, aht_s: 360.0, patience_s: None, sla_within_s: 20.0 }.performance(12);
    let q = &sum.queues[0];
    assert!(q.offered * 20.0 > 1.0e6, "a long run: {} tickets", q.offered * 20.0);
    assert_agrees("M/M/12 P(wait)", estimate(reps.iter().map(p_wait)), theory.p_wait, 0.0);
    assert_agrees("M/M/12 ASA (s)", q.asa_s, theory.asa_s, 0.0);
    // The histogram resolves waits to 1 %: a 20 s threshold is exact to ±0.2 s.
    assert_agrees("M/M/12 service level 20 s", q.service_level, theory.service_level, 0.0);
    assert_agrees("M/M/12 occupancy", q.occupancy, theory.occupancy, 0.0);
    assert_eq!(q.abandoned, 0.0);
}

#[test]
fn mmc_little_law_for_the_queue_length() {
    let s = single_queue(100.0, "6m", 12, None, "20s", 4, 20);
    let reps = replicate(&s, Policy::Fifo);
    let sum = summarize(&s, &reps);
    let lambda = 100.0 / 3600.0;
    // Time-average queue length, sampled at every interval end (hourly).
    let lq = estimate(reps.iter().map(|r| {
        Some(r.interval_backlog.iter().map(|&b| f64::from(b)).sum::<f64>() / r.interval_backlog.len() as f64)
    }));
    let asa = sum.queues[0].asa_s.mean.expect("answered tickets");
    // Little's law with the simulated wait: L_q = λ W_q.
    assert_agrees("Little: mean queue vs λ·ASA", lq, lambda * asa, 0.0);
    // And with Erlang C's wait.
    let theory = Desk { arrival_rate: lambda, aht_s: 360.0, patience_s: None, sla_within_s: 20.0 }.performance(12);
    assert_agrees("Little: mean queue vs Erlang C L_q", lq, lambda * theory.asa_s, 0.0);
}

#[test]
fn mmc_lifo_mean_wait_equals_fifo() {
    let s = single_queue(100.0, "6m", 12, None, "20s", 4, 20);
    let lifo = summarize(&s, &replicate(&s, Policy::Lifo));
    let fifo = summarize(&s, &replicate(&s, Policy::Fifo));
    let theory =
        Desk { arrival_rate: 100.0 / 3600.0, aht_s: 360.0, patience_s: None, sla_within_s: 20.0 }.performance(12);
    assert_agrees("M/M/12 LIFO ASA vs Erlang C", lifo.queues[0].asa_s, theory.asa_s, 0.0);
    assert_agrees(
        "M/M/12 LIFO ASA vs FIFO ASA",
        lifo.queues[0].asa_s,
        fifo.queues[0].asa_s.mean.unwrap_or(f64::NAN),
        0.0,
    );
    // Same arrivals under both policies (common random numbers).
    assert_eq!(lifo.queues[0].offered, fifo.queues[0].offered);
    // P(wait) does not depend on the order either, but the tail does: LIFO's p99 is longer.
    assert!(lifo.queues[0].wait_p99_s > fifo.queues[0].wait_p99_s);
}

#[test]
fn mmc_with_patience_matches_erlang_a() {
    // 100/hour, AHT 6 min, mean patience 3 min, 10 agents (heavily loaded).
    let s = single_queue(100.0, "6m", 10, Some("3m"), "20s", 4, 20);
    let reps = replicate(&s, Policy::Fifo);
    let sum = summarize(&s, &reps);
    let theory = Desk { arrival_rate: 100.0 / 3600.0, aht_s: 360.0, patience_s: Some(180.0), sla_within_s: 20.0 }
        .performance(10);
    let q = &sum.queues[0];
    assert_agrees("M/M/10+M abandon rate", q.abandon_rate, theory.abandon_rate, 0.0);
    assert_agrees("M/M/10+M answered within 20 s / offered", q.service_level, theory.service_level, 0.0);
    assert_agrees("M/M/10+M ASA of answered (s)", q.asa_s, theory.asa_s, 0.0);
    assert_agrees(
        "M/M/10+M P(wait)",
        estimate(reps.iter().map(|r| {
            // Arrivals that had to wait: answered after a wait, plus every abandonment.
            let c = r.queues[0];
            Some((c.answered - r.waits[0].count_at(0) + c.abandoned) as f64 / c.offered as f64)
        })),
        theory.p_wait,
        0.0,
    );
    assert_agrees("M/M/10+M occupancy", q.occupancy, theory.occupancy, 0.0);
}

#[test]
fn same_results_for_any_thread_count() {
    let s = single_queue(100.0, "6m", 12, Some("5m"), "20s", 1, 6);
    let one = experiment::replicate(&s, Plan { policy: Policy::Fifo, threads: Some(1) }, &|| {}).unwrap();
    let two = experiment::replicate(&s, Plan { policy: Policy::Fifo, threads: Some(2) }, &|| {}).unwrap();
    for (a, b) in one.iter().zip(&two) {
        assert_eq!(a.queues, b.queues);
        assert_eq!(a.interval_tickets, b.interval_tickets);
        assert_eq!(a.interval_agents, b.interval_agents);
    }
}

#[test]
fn chat_concurrency_is_slots_erlang_c() {
    // 4 agents holding 3 chats each are 12 servers: M/M/12 again.
    let text = single_queue_text(100.0, "6m", 4, None, "20s", 4, 20)
        .replace("channel = \"phone\"", "channel = \"chat\"\nconcurrency = 3");
    let s = Scenario::from_toml(&text, "chat.toml").expect("valid");
    let sum = summarize(&s, &replicate(&s, Policy::Fifo));
    let theory =
        Desk { arrival_rate: 100.0 / 3600.0, aht_s: 360.0, patience_s: None, sla_within_s: 20.0 }.performance(12);
    let q = &sum.queues[0];
    assert_agrees("4 agents x 3 chats: ASA (s)", q.asa_s, theory.asa_s, 0.0);
    assert_agrees("4 agents x 3 chats: service level 20 s", q.service_level, theory.service_level, 0.0);
    assert_agrees("4 agents x 3 chats: occupancy", q.occupancy, theory.occupancy, 0.0);
}

#[test]
fn agents_finish_the_ticket_in_hand_then_leave() {
    // One agent on duty 09:00-12:00 with a break 10:00-10:30, a queue that is
    // never empty, and tickets that take exactly 45 minutes.
    let text = r#"
name = "handover"
[simulation]
horizon = "1d"
interval = "15m"
replications = 1
[[queue]]
name = "q"
channel = "email"
volume = "200/hour"
handle_time = { dist = "fixed", mean = "45m" }
sla = { within = "1h", target = 0.8 }
[[team]]
name = "one"
skills = ["q"]
shifts = [{ days = "daily", start = "09:00", length = "3h", breaks = ["10:00 30m"], agents = 1 }]
"#;
    let s = Scenario::from_toml(text, "handover.toml").unwrap();
    let r = &replicate(&s, Policy::Fifo)[0];
    let at = |h: f64| r.interval_agents[(h * 4.0) as usize];
    // Tickets start at 09:00 and 09:45; the second ends at 10:30, into the break.
    assert_eq!(at(9.0).on_duty, 900.0);
    assert_eq!(at(10.0).on_duty, 900.0, "still finishing at 10:00-10:15");
    assert_eq!(at(10.25).busy, 900.0);
    // Back at 10:30: 10:30-11:15 and 11:15-12:00, the last ending exactly at the shift's end.
    assert_eq!(at(11.75).on_duty, 900.0);
    assert_eq!(at(12.0).on_duty, 0.0, "gone after 12:00");
    assert_eq!(at(8.75).on_duty, 0.0);
    // Busy never exceeds on duty.
    assert!(r.interval_agents.iter().all(|t| t.busy <= t.on_duty + 1e-6));
}
