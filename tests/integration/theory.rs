//! The engine against queueing theory on long fixed-seed runs. Every
//! comparison uses the replications' own spread: a figure passes when theory
//! lies within `K` standard errors of the simulated mean (K = 3.3 leaves a
//! 1-in-1000 chance of failing by bad luck on a correct engine), plus a small
//! absolute slack for the discretisation of the wait histogram.

use super::agree::{K, assert_agrees, replicate};
use staffsim::erlang::Desk;
use staffsim::experiment::{self, Plan};
use staffsim::scenario::{Policy, Scenario};
use staffsim::stats::{Estimate, ReplicationStats, estimate, summarize};

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
        Some(r.interval_tickets.iter().map(|c| f64::from(c.backlog)).sum::<f64>() / r.interval_tickets.len() as f64)
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

/// An average target is judged on the simulated ASA, which is Erlang C's
/// (Erlang A's with a patience): an average-only SLA takes its average as the
/// deadline, so with `average = "20s"` the engine sees the same desk as with
/// 80 % in 20 s, ticket for ticket.
#[test]
fn an_average_target_is_judged_on_the_asa_erlang_predicts() {
    let share = single_queue(100.0, "6m", 12, None, "20s", 4, 20);
    let text = single_queue_text(100.0, "6m", 12, None, "20s", 4, 20)
        .replace("sla = { within = \"20s\", target = 0.8 }", "sla = { average = \"20s\" }");
    let mut average = Scenario::from_toml(&text, "theory.toml").expect("valid");
    let (a, b) = (replicate(&share, Policy::Fifo), replicate(&average, Policy::Fifo));
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.queues, y.queues, "the same tickets, waits and deadline");
    }
    let theory = Desk { arrival_rate: 100.0 / 3600.0, aht_s: 360.0, patience_s: None, sla_within_s: 20.0 };
    let q = summarize(&average, &b).queues[0].clone();
    assert_agrees("M/M/12 ASA under an average target (s)", q.asa_s, theory.performance(12).asa_s, 0.0);
    assert_eq!(q.sla_target, None);
    // Erlang C: 80.9 s on 12 agents. A 60 s average is missed, 100 s met,
    // and the simulated ASA's interval is clear of both.
    let (m, ci) = (q.asa_s.mean.unwrap(), q.asa_s.ci95.unwrap());
    assert!(m - ci > 60.0 && m + ci < 100.0, "{m} ± {ci}");
    for (limit, met) in [(60.0, false), (100.0, true)] {
        average.queues[0].sla.average = Some(limit);
        let q = &summarize(&average, &b).queues[0];
        assert_eq!(q.meets_target(), Some(met), "ASA {m} s against {limit} s");
        assert_eq!(q.asa_target_s, Some(limit));
    }

    // With a 3-minute patience on 10 agents, Erlang A's ASA of the answered is 22.3 s.
    let text = single_queue_text(100.0, "6m", 10, Some("3m"), "20s", 4, 20).replace(
        "sla = { within = \"20s\", target = 0.8 }",
        "sla = { within = \"20s\", target = 0.5, average = \"25s\" }",
    );
    let mut s = Scenario::from_toml(&text, "theory.toml").expect("valid");
    let reps = replicate(&s, Policy::Fifo);
    let theory = Desk { patience_s: Some(180.0), ..theory }.performance(10);
    let q = summarize(&s, &reps).queues[0].clone();
    assert_agrees("M/M/10+M ASA under an average target (s)", q.asa_s, theory.asa_s, 0.0);
    assert_eq!(q.meets_target(), Some(true), "60 % in 20 s and 22 s on average meet 50 % and 25 s");
    s.queues[0].sla.average = Some(20.0);
    assert_eq!(summarize(&s, &reps).queues[0].meets_target(), Some(false), "the average misses 20 s");
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

/// Asserts two estimates agree within K combined standard errors.
fn assert_same(what: &str, a: Estimate, b: Estimate) {
    let (ma, mb) = (a.mean.expect("defined"), b.mean.expect("defined"));
    let se = ((a.ci95.unwrap_or(0.0) / 1.96).powi(2) + (b.ci95.unwrap_or(0.0) / 1.96).powi(2)).sqrt();
    println!("{what:<44} {ma:>10.4} vs {mb:>10.4} (tolerance {:.4})", K * se);
    assert!((ma - mb).abs() <= K * se, "{what}: {ma} vs {mb}");
}

fn counts(reps: &[ReplicationStats], f: impl Fn(&staffsim::stats::TicketCounts) -> u64) -> Estimate {
    estimate(reps.iter().map(|r| Some(f(&r.queues[0]) as f64)))
}

#[test]
fn overloaded_backlog_fifo_and_lifo_answer_as_many_but_lifo_answers_in_time() {
    // 40/hour of 10-minute tickets on 5 agents (6.7 Erlangs), customers give
    // up after 4 hours on average, 300 tickets already waiting up to a day old.
    let text = single_queue_text(40.0, "10m", 5, Some("4h"), "1h", 1, 20);
    let text = text
        .replace("warmup = \"1d\"", "warmup = \"0s\"")
        .replace("sla = {", "backlog = { tickets = 300, oldest = \"1d\" }\nsla = {");
    let s = Scenario::from_toml(&text, "crisis.toml").unwrap();
    let fifo = replicate(&s, Policy::Fifo);
    let lifo = replicate(&s, Policy::Lifo);
    // With exponential patience the number waiting does not depend on the order.
    assert_same("answered, fifo vs lifo", counts(&fifo, |c| c.answered), counts(&lifo, |c| c.answered));
    assert_same("abandoned, fifo vs lifo", counts(&fifo, |c| c.abandoned), counts(&lifo, |c| c.abandoned));
    let sl_f = summarize(&s, &fifo).queues[0].service_level.mean.unwrap();
    let sl_l = summarize(&s, &lifo).queues[0].service_level.mean.unwrap();
    println!("service level fifo {sl_f:.3}, lifo {sl_l:.3}");
    assert!(sl_l > sl_f + 0.2 && sl_l > 2.0 * sl_f, "LIFO answers many in time: {sl_l} vs {sl_f}");
    // sla-first serves only tickets that can still make it while there are any:
    // at least as many in time as LIFO here.
    let edf = replicate(&s, Policy::SlaFirst);
    let sl_e = summarize(&s, &edf).queues[0].service_level.mean.unwrap();
    println!("service level sla-first {sl_e:.3}");
    assert!(sl_e >= sl_l - 0.01, "{sl_e} vs {sl_l}");
    assert_same("abandoned, fifo vs sla-first", counts(&fifo, |c| c.abandoned), counts(&edf, |c| c.abandoned));
    // A queue's own sla-first discipline under per-queue is the same rule.
    let own = Scenario::from_toml(&text.replace("sla = {", "discipline = \"sla-first\"\nsla = {"), "own.toml").unwrap();
    let per_queue = replicate(&own, Policy::PerQueue);
    assert_eq!(per_queue[0].queues, edf[0].queues);
}

#[test]
fn priority_reproduces_cobham_on_mm1() {
    // One agent, two classes of 3.5/hour each, AHT 6 min: ρ = 0.7, ρ1 = 0.35.
    // Non-preemptive priority (Cobham): W0 = ρ·E[S²]/(2E[S]) = ρ·AHT,
    // W1 = W0/(1−ρ1), W2 = W0/((1−ρ1)(1−ρ)).
    let text = r#"
name = "cobham"
[simulation]
horizon = "8w"
warmup = "1d"
interval = "1h"
replications = 40
seed = 77
[[queue]]
name = "urgent"
channel = "chat"
volume = "3.5/hour"
handle_time = { dist = "exponential", mean = "6m" }
sla = { within = "5m", target = 0.8 }
priority = 2
[[queue]]
name = "rest"
channel = "email"
volume = "3.5/hour"
handle_time = { dist = "exponential", mean = "6m" }
sla = { within = "1h", target = 0.8 }
priority = 1
[[team]]
name = "one"
skills = ["rest", "urgent"]
agents = 1
"#;
    let s = Scenario::from_toml(text, "cobham.toml").unwrap();
    let sum = summarize(&s, &replicate(&s, Policy::Priority));
    let (rho, rho1, aht) = (0.7, 0.35, 360.0);
    let w0 = rho * aht;
    assert_agrees("Cobham: urgent class mean wait (s)", sum.queues[0].asa_s, w0 / (1.0 - rho1), 0.0);
    assert_agrees("Cobham: other class mean wait (s)", sum.queues[1].asa_s, w0 / ((1.0 - rho1) * (1.0 - rho)), 0.0);
}

#[test]
fn every_policy_sees_the_same_tickets() {
    // Agents on duty round the clock, tickets only on weekdays 09:00-17:00:
    // by the horizon (the weekend) every ticket has been answered, so the agents' busy time
    // is the sum of all handle times, the same under every policy exactly when
    // each ticket keeps its handle time whatever the order of service.
    let text = r#"
name = "crn"
[simulation]
horizon = "1w"
interval = "1h"
replications = 4
seed = 5
[[queue]]
name = "a"
channel = "email"
volume = "300/week"
weekly = "weekdays"
profile = [0,0,0,0,0,0,0,0,0, 1,1,1,1,1,1,1,1, 0,0,0,0,0,0,0]
handle_time = { dist = "lognormal", mean = "20m", cv = 1.0 }
sla = { within = "1h", target = 0.8 }
priority = 1
[[queue]]
name = "b"
channel = "form"
volume = "300/week"
weekly = "weekdays"
profile = [0,0,0,0,0,0,0,0,0, 1,1,1,1,1,1,1,1, 0,0,0,0,0,0,0]
handle_time = { dist = "gamma", mean = "15m", cv = 0.5 }
sla = { within = "2h", target = 0.8 }
[[team]]
name = "all"
skills = ["b", "a"]
agents = 3
"#;
    let s = Scenario::from_toml(text, "crn.toml").unwrap();
    let busy = |p: Policy| -> Vec<f64> { replicate(&s, p).iter().map(|r| r.teams[0].busy).collect() };
    let reference = busy(Policy::PerQueue);
    for p in [Policy::Fifo, Policy::Lifo, Policy::Priority, Policy::SlaFirst] {
        for (a, b) in busy(p).iter().zip(&reference) {
            assert!((a - b).abs() < 1e-6 * b, "{p:?}: busy {a} vs {b}");
        }
    }
    // And the orders really differ.
    let fifo = summarize(&s, &replicate(&s, Policy::Fifo));
    let lifo = summarize(&s, &replicate(&s, Policy::Lifo));
    assert_ne!(fifo.queues[0].wait_p99_s, lifo.queues[0].wait_p99_s);
}

#[test]
fn grooming_withdraws_the_configured_share() {
    // Nobody serves the queue, so every ticket older than 2 hours at the
    // horizon was up for grooming; 30 % of those are withdrawn.
    let text = r#"
name = "groom"
[simulation]
horizon = "2w"
interval = "1h"
replications = 10
seed = 9
[[queue]]
name = "inbox"
channel = "email"
volume = "200/day"
handle_time = { dist = "exponential", mean = "10m" }
sla = { within = "1d", target = 0.8 }
stale = { after = "2h", resolve = 0.3 }
"#;
    let s = Scenario::from_toml(text, "groom.toml").unwrap();
    let reps = replicate(&s, Policy::Fifo);
    let eligible = 1.0 - 2.0 / (14.0 * 24.0);
    let share = estimate(reps.iter().map(|r| Some(r.queues[0].withdrawn as f64 / r.queues[0].offered as f64)));
    assert_agrees("withdrawn share of offered", share, 0.3 * eligible, 0.0);
    // Withdrawn tickets are not answered, and conservation holds.
    for r in &reps {
        let c = r.queues[0];
        assert_eq!(c.answered, 0);
        assert_eq!(c.offered, c.withdrawn + c.waiting_at_end);
    }
}

#[test]
fn callbacks_follow_missed_calls() {
    // Phones open weekdays 09:00-18:00, calls round the clock; callers give up
    // after a minute on average. 60 % of missed calls leave a callback request,
    // handled by the same team in a callback queue open the same hours.
    let text = r#"
name = "callbacks"
[simulation]
horizon = "2w10h"
interval = "30m"
replications = 10
seed = 21
[[queue]]
name = "phone"
channel = "phone"
volume = "30/hour"
profile = "flat"
hours = "mon-fri 09:00-18:00"
handle_time = { dist = "exponential", mean = "5m" }
patience = { dist = "exponential", mean = "1m" }
sla = { within = "30s", target = 0.8 }
priority = 2
callback = { queue = "callbacks", share = 0.6 }
[[queue]]
name = "callbacks"
channel = "callback"
volume = "0/week"
hours = "mon-fri 09:00-18:00"
handle_time = { dist = "exponential", mean = "4m" }
sla = { within = "1h", target = 0.8 }
[[team]]
name = "agents"
skills = ["phone", "callbacks"]
agents = 3
"#;
    let s = Scenario::from_toml(text, "callbacks.toml").unwrap();
    let reps = replicate(&s, Policy::PerQueue);
    // Missed calls are the callers who gave up and the calls the closed line turned away.
    let share = estimate(reps.iter().map(|r| {
        let phone = r.queues[0];
        Some(phone.callbacks_created as f64 / (phone.abandoned + phone.closed) as f64)
    }));
    assert_agrees("callbacks per missed call", share, 0.6, 0.0);
    for r in &reps {
        // Round-the-clock calls to a line open 45 hours a week: most missed calls are closed-line ones.
        let phone = r.queues[0];
        assert!(phone.closed > phone.abandoned, "{phone:?}");
    }
    for r in &reps {
        // Every request becomes a ticket in the callback queue (none is left pending at the
        // horizon, Monday 10:00: the weekend's requests were created at 09:00).
        assert_eq!(r.queues[1].offered, r.queues[0].callbacks_created, "callbacks created = callback tickets");
    }
    // Night calls come back at 09:00: the callback queue's busiest interval is the opening one.
    let sum = summarize(&s, &reps);
    let opening: Vec<f64> = sum.intervals.iter().filter(|x| *x.queue == *"callbacks").map(|x| x.offered).collect();
    let max = opening.iter().cloned().fold(0.0, f64::max);
    let at_nine = sum
        .intervals
        .iter()
        .filter(|x| *x.queue == *"callbacks" && (x.t_s % 86_400.0 - 9.0 * 3600.0).abs() < 1.0)
        .map(|x| x.offered)
        .fold(0.0, f64::max);
    assert_eq!(at_nine, max);
    assert!(at_nine > 30.0 * 15.0 * 0.5, "a night's calls, 60 % of them: {at_nine}");
}

#[test]
fn an_initial_backlog_clears_on_schedule() {
    // 100 tickets of exactly 30 minutes, 5 agents, nothing new arriving: the
    // last five start after 19 rounds, so the line is empty at 9.5 hours.
    let text = r#"
name = "clear"
[simulation]
horizon = "1d"
interval = "1h"
replications = 2
[[queue]]
name = "old"
channel = "email"
volume = "0/week"
handle_time = { dist = "fixed", mean = "30m" }
sla = { within = "4h", target = 0.8 }
backlog = { tickets = 100, oldest = "2d" }
[[team]]
name = "five"
skills = ["old"]
agents = 5
"#;
    let s = Scenario::from_toml(text, "clear.toml").unwrap();
    for p in [Policy::Fifo, Policy::Lifo] {
        let sum = summarize(&s, &replicate(&s, p));
        let q = &sum.queues[0];
        assert_eq!(q.time_to_clear_h.mean, Some(9.5), "{p:?}");
        assert_eq!(q.offered, 100.0);
        assert_eq!(q.answered, 100.0);
        // None of the backlog, at least 0 to 2 days old, is answered within 4 hours of arrival
        // except the freshest: ages are spread evenly over 0..2d.
        assert!(q.service_level_backlog.mean.unwrap() < 0.2);
        assert_eq!(q.service_level_new.mean, None, "no new arrivals");
    }
}

#[test]
fn a_business_hours_sla_clock_ignores_closed_time() {
    // Tickets round the clock, desk open weekdays 09:00-17:00 with plenty of
    // agents: on the wall clock most miss a 5-minute SLA, in business time none do.
    let text = |clock: &str| {
        format!(
            r#"
name = "clock"
[simulation]
horizon = "2w"
interval = "1h"
replications = 4
[[queue]]
name = "mail"
channel = "email"
volume = "50/day"
profile = "flat"
hours = "mon-fri 09:00-17:00"
handle_time = {{ dist = "exponential", mean = "2m" }}
sla = {{ within = "5m", target = 0.8 }}
sla_clock = "{clock}"
[[team]]
name = "many"
skills = ["mail"]
agents = 60
"#
        )
    };
    let wall = Scenario::from_toml(&text("wall"), "wall.toml").unwrap();
    let business = Scenario::from_toml(&text("business"), "business.toml").unwrap();
    let sl = |s: &Scenario| summarize(s, &replicate(s, Policy::Fifo)).queues[0].service_level.mean.unwrap();
    let (w, b) = (sl(&wall), sl(&business));
    println!("wall-clock service level {w:.3}, business-hours {b:.3}");
    assert!(w < 0.3, "{w}");
    assert!(b > 0.99, "{b}");
}

#[test]
fn overtime_adds_agents_for_its_hours() {
    let text = r#"
name = "overtime"
[simulation]
horizon = "1w"
interval = "1h"
replications = 1
[[queue]]
name = "mail"
channel = "email"
volume = "10/day"
hours = "mon-fri 09:00-18:00"
handle_time = { dist = "exponential", mean = "5m" }
sla = { within = "4h", target = 0.8 }
[[team]]
name = "desk"
skills = ["mail"]
shifts = [{ days = "mon-fri", start = "09:00", length = "9h", agents = 2 }]
[[overtime]]
team = "desk"
days = "sat"
from = "10:00"
to = "14:00"
agents = 3
"#;
    let s = Scenario::from_toml(text, "overtime.toml").unwrap();
    let r = &replicate(&s, Policy::Fifo)[0];
    let at = |day: f64, hour: f64| r.interval_agents[(day * 24.0 + hour) as usize].on_duty / 3600.0;
    assert_eq!(at(5.0, 11.0), 3.0, "Saturday 11:00: overtime");
    assert_eq!(at(5.0, 15.0), 0.0, "Saturday 15:00: gone");
    assert_eq!(at(2.0, 3.0), 0.0);
    assert!(at(2.0, 11.0) >= 2.0);
}

#[test]
fn queue_order_in_the_file_does_not_matter() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/callback-order.toml")).unwrap();
    // The same desk with the two queues swapped.
    let (head, rest) = text.split_once("[[queue]]").unwrap();
    let (phone, rest) = rest.split_once("[[queue]]").unwrap();
    let (cb, team) = rest.split_once("[[team]]").unwrap();
    let swapped = format!("{head}[[queue]]{cb}[[queue]]{phone}[[team]]{team}");
    let a = Scenario::from_toml(&text, "a.toml").unwrap();
    let b = Scenario::from_toml(&swapped, "b.toml").unwrap();
    let ra = &replicate(&a, Policy::Fifo)[0];
    let rb = &replicate(&b, Policy::Fifo)[0];
    assert_eq!(ra.queues[1], rb.queues[0], "the callback queue");
    assert_eq!(ra.initial[1], rb.initial[0]);
    // 20 missed calls at t = 0 become callbacks after the 20 older ones (FIFO).
    assert_eq!(ra.queues[1].offered, 40);
}

#[test]
fn a_closing_phone_line_lets_its_callers_go() {
    // One agent, phones open an hour a day, callers who never hang up: at
    // closing they are missed (and ask for a callback), not held overnight.
    let text = r#"
name = "closing"
[simulation]
horizon = "1w"
interval = "1h"
replications = 2
[[queue]]
name = "phone"
channel = "phone"
volume = "30/hour"
hours = "daily 09:00-10:00"
handle_time = { dist = "exponential", mean = "5m" }
sla = { within = "30s", target = 0.8 }
callback = { queue = "cb", share = 1.0 }
[[queue]]
name = "cb"
channel = "callback"
volume = "0/hour"
handle_time = { dist = "exponential", mean = "5m" }
sla = { within = "1d", target = 0.8 }
[[team]]
name = "t"
skills = ["phone", "cb"]
agents = 1
"#;
    let s = Scenario::from_toml(text, "closing.toml").unwrap();
    let sum = summarize(&s, &replicate(&s, Policy::PerQueue));
    let phone = &sum.queues[0];
    assert!(phone.wait_p99_s.unwrap() <= 3600.0, "no call waits past closing: p99 {:?}", phone.wait_p99_s);
    assert_eq!(phone.waiting_at_end, 0.0);
    // Nobody gives up (no patience): every missed call is a closed-line one, and asks for a callback.
    assert_eq!(phone.abandoned, 0.0);
    assert!((phone.callbacks_created - phone.closed).abs() < 1e-9, "every missed call asks for a callback");
    // More are closed than arrived after hours: the callers still waiting at 10:00.
    assert!(phone.closed > phone.after_hours + 10.0, "closed {} after hours {}", phone.closed, phone.after_hours);
}

/// Expected arrivals of queue `q` in the statistics window while it is closed,
/// from the scenario's arrival rates, in steps of the reporting interval (the
/// test scenarios open and close on interval boundaries).
fn expected_after_hours(s: &Scenario, q: usize) -> f64 {
    let sim = &s.simulation;
    let queue = &s.queues[q];
    (0..sim.intervals())
        .map(|k| sim.start + sim.warmup + k as f64 * sim.interval)
        .filter(|&a| queue.hours.covered_between(a, a + sim.interval) == 0.0)
        .map(|a| queue.arrivals.expected_between(a, a + sim.interval))
        .sum()
}

/// Whether interval `k` of the statistics window is one in which queue `q` is closed throughout.
fn closed_interval(s: &Scenario, q: usize, k: usize) -> bool {
    let sim = &s.simulation;
    let a = sim.start + sim.warmup + k as f64 * sim.interval;
    s.queues[q].hours.covered_between(a, a + sim.interval) == 0.0
}

#[test]
fn calls_to_a_closed_line_are_closed_not_abandoned() {
    // Calls round the clock to a line open weekdays 09:00-17:00 with callbacks;
    // callers give up after a minute on average while it is open.
    let text = |patience: &str| {
        format!(
            r#"
name = "after-hours"
[simulation]
horizon = "2w"
warmup = "1d"
interval = "1h"
replications = 10
seed = 33
[[queue]]
name = "phone"
channel = "phone"
volume = "20/hour"
profile = "flat"
hours = "mon-fri 09:00-17:00"
handle_time = {{ dist = "exponential", mean = "6m" }}
{patience}
sla = {{ within = "30s", target = 0.8 }}
priority = 2
callback = {{ queue = "callbacks", share = 0.5 }}
[[queue]]
name = "callbacks"
channel = "callback"
volume = "0/week"
hours = "mon-fri 09:00-17:00"
handle_time = {{ dist = "exponential", mean = "4m" }}
sla = {{ within = "1h", target = 0.8 }}
[[team]]
name = "agents"
skills = ["phone", "callbacks"]
agents = 6
"#
        )
    };
    let s = Scenario::from_toml(&text(r#"patience = { dist = "exponential", mean = "1m" }"#), "a.toml").unwrap();
    let reps = replicate(&s, Policy::PerQueue);
    let expected = expected_after_hours(&s, 0);
    println!("expected after-hours calls per replication: {expected:.1}");
    assert!(expected > 3000.0, "most of the two weeks is closed: {expected}");
    // The calls that reached the closed line are the after-hours arrivals, as many as the rates imply.
    let turned_away = estimate(reps.iter().map(|r| Some(r.after_hours[0].closed as f64)));
    assert_agrees("calls reaching the closed line", turned_away, expected, 0.0);
    let nq = s.queues.len();
    for r in &reps {
        let (phone, night) = (r.queues[0], r.after_hours[0]);
        assert!(phone.closed > 0 && phone.abandoned > 0, "{phone:?}");
        // Every after-hours call is closed; none of them is counted as a customer who gave up.
        assert_eq!(night.offered, night.closed, "{night:?}");
        assert_eq!((night.abandoned, night.answered), (0, 0));
        // Closed = after-hours calls + callers still waiting at 17:00 (few: a one-minute patience).
        assert!(phone.closed >= night.closed && phone.closed - night.closed < 50, "{phone:?} {night:?}");
        assert!(phone.abandoned < phone.offered - night.offered, "only open-hours callers can give up");
        assert!(phone.callbacks_created <= phone.abandoned + phone.closed);
        // Conservation, per queue, after hours, and per interval.
        let widened: Vec<_> = r.interval_tickets.iter().map(|c| c.widen()).collect();
        for c in r.queues.iter().chain(&r.after_hours).chain(&widened) {
            assert_eq!(c.offered, c.answered + c.abandoned + c.closed + c.withdrawn + c.waiting_at_end, "{c:?}");
        }
        // Per interval: a night interval's calls are all closed; the intervals add up to the queue.
        // Queue 0 (the phone) is the first of each interval's cells.
        let cells: Vec<_> = widened.iter().step_by(nq).collect();
        for (k, cell) in cells.iter().enumerate() {
            if closed_interval(&s, 0, k) {
                assert_eq!((cell.closed, cell.abandoned), (cell.offered, 0), "interval {k}");
            }
        }
        assert_eq!(cells.iter().map(|c| c.closed).sum::<u64>(), phone.closed);
    }
    // The same calls with callers who never give up: no abandonment at all, the
    // same after-hours calls turned away (common random numbers).
    let patient = Scenario::from_toml(&text(""), "b.toml").unwrap();
    let patient_reps = replicate(&patient, Policy::PerQueue);
    for (r, p) in reps.iter().zip(&patient_reps) {
        assert_eq!(p.queues[0].abandoned, 0);
        assert_eq!(p.after_hours[0].closed, r.after_hours[0].closed);
        assert_eq!(p.queues[0].offered, r.queues[0].offered);
    }
    // The summary: abandonment is the customers who gave up; the open-hours service
    // level leaves out the after-hours calls, which are all misses.
    let sum = summarize(&s, &reps);
    let phone = &sum.queues[0];
    let abandoned = reps.iter().map(|r| r.queues[0].abandoned as f64).sum::<f64>() / reps.len() as f64;
    assert!((phone.abandon_rate.mean.unwrap() - abandoned / phone.offered).abs() < 0.01);
    assert!((phone.closed - phone.after_hours).abs() < 50.0);
    let (open, all) = (phone.service_level_open.mean.unwrap(), phone.service_level.mean.unwrap());
    println!("service level {all:.4}, open hours {open:.4}, abandon rate {:.4}", phone.abandon_rate.mean.unwrap());
    assert!(open > all + 0.4, "{phone:?}");
    let all = &sum.queues[2];
    assert_eq!(all.closed, phone.closed, "only the phone line turns calls away");
}

#[test]
fn night_emails_wait_for_the_morning_as_after_hours_arrivals() {
    // E-mail round the clock, desk open daily 08:00-20:00 with plenty of agents:
    // night e-mails wait (never closed), and the open-hours service level leaves them out.
    let text = r#"
name = "night-mail"
[simulation]
horizon = "2w"
warmup = "1d"
interval = "1h"
replications = 8
seed = 5
[[queue]]
name = "mail"
channel = "email"
volume = "240/day"
profile = "flat"
hours = "daily 08:00-20:00"
handle_time = { dist = "exponential", mean = "3m" }
sla = { within = "1h", target = 0.8 }
[[team]]
name = "desk"
skills = ["mail"]
agents = 4
"#;
    let s = Scenario::from_toml(text, "mail.toml").unwrap();
    let reps = replicate(&s, Policy::Fifo);
    let nq = s.queues.len();
    for r in &reps {
        let (mail, night) = (r.queues[0], r.after_hours[0]);
        // After hours = the arrivals of the closed intervals, exactly.
        let night_arrivals: u64 = (0..s.simulation.intervals())
            .filter(|&k| closed_interval(&s, 0, k))
            .map(|k| u64::from(r.interval_tickets[k * nq].offered))
            .sum();
        assert_eq!(night.offered, night_arrivals);
        assert!(night.offered > 0 && night.answered > 0);
        assert_eq!((mail.closed, mail.abandoned), (0, 0), "e-mail waits for the morning");
        assert_eq!(night.offered, night.answered + night.waiting_at_end);
    }
    let expected = expected_after_hours(&s, 0);
    let nights = estimate(reps.iter().map(|r| Some(r.after_hours[0].offered as f64)));
    assert_agrees("after-hours e-mails", nights, expected, 0.0);

    let sum = summarize(&s, &reps);
    let mail = &sum.queues[0];
    let (open, all) = (mail.service_level_open.mean.unwrap(), mail.service_level.mean.unwrap());
    println!("service level {all:.4}, open hours {open:.4}");
    assert!(open >= all && open > 0.95, "{open} vs {all}");
    // By hand: the DESIGN.md rule on the counts less the after-hours ones, per replication, then the mean.
    let by_hand: Vec<f64> = reps
        .iter()
        .map(|r| {
            let (c, n) = (r.queues[0], r.after_hours[0]);
            let in_time = c.answered_in_sla - n.answered_in_sla;
            let judged = (c.offered - n.offered) - (c.waiting_in_sla - n.waiting_in_sla);
            in_time as f64 / judged as f64
        })
        .collect();
    let mean = by_hand.iter().sum::<f64>() / by_hand.len() as f64;
    assert!((open - mean).abs() < 1e-12, "{open} vs {mean}");
    assert!((mail.after_hours - nights.mean.unwrap()).abs() < 1e-9);
    assert_eq!(mail.closed, 0.0);
}

#[test]
fn a_speed_factor_is_erlang_c_with_the_scaled_handle_time() {
    // The file says 7m30s; the one team answering works at 0.8 of it: 6 min,
    // so 100/hour on 12 agents is the M/M/12 desk of 10 Erlangs above.
    let text = single_queue_text(100.0, "7m30s", 12, None, "20s", 4, 20)
        .replace("agents = 12\n", "agents = 12\nspeed = { \"q\" = 0.8 }\n");
    let s = Scenario::from_toml(&text, "theory.toml").expect("valid test scenario");
    assert_eq!(s.teams[0].speed, vec![0.8]);
    let reps = replicate(&s, Policy::Fifo);
    let sum = summarize(&s, &reps);
    let theory =
        Desk { arrival_rate: 100.0 / 3600.0, aht_s: 360.0, patience_s: None, sla_within_s: 20.0 }.performance(12);
    let q = &sum.queues[0];
    assert_agrees("M/M/12 at speed 0.8: P(wait)", estimate(reps.iter().map(p_wait)), theory.p_wait, 0.0);
    assert_agrees("M/M/12 at speed 0.8: ASA (s)", q.asa_s, theory.asa_s, 0.0);
    assert_agrees("M/M/12 at speed 0.8: service level 20 s", q.service_level, theory.service_level, 0.0);
    assert_agrees("M/M/12 at speed 0.8: occupancy", q.occupancy, theory.occupancy, 0.0);
    // The tickets are those of the scenario without the factor (its draws
    // are made at arrival); only who answers them changes their length.
    let plain = single_queue(100.0, "7m30s", 12, None, "20s", 4, 20);
    let unscaled = summarize(&plain, &replicate(&plain, Policy::Fifo));
    assert_eq!(unscaled.queues[0].offered, q.offered);
    assert!(unscaled.queues[0].occupancy.mean > q.occupancy.mean);
    // The analytic staffing works with the scaled handle time too.
    assert!((s.mean_handle_time(0) - 360.0).abs() < 1e-9);
    let analytic = staffsim::staffing::analytic(&s, 0, 3600.0);
    let need =
        Desk { arrival_rate: 100.0 / 3600.0, aht_s: 360.0, patience_s: None, sla_within_s: 20.0 }.required_agents(0.8);
    assert!(analytic.iter().all(|&(load, agents)| (load - 10.0).abs() < 1e-6 && agents == need), "{:?}", analytic[0]);
}
