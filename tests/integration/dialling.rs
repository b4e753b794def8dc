//! Callbacks as desks run them and outbound call lists, against hand
//! computations and queueing theory: retries (geometric attempts capped at
//! the allowed ones), outbound in idle time as the low class of a
//! non-preemptive priority M/M/c (Cobham), the night's callbacks judged
//! against the first hour after opening, and callbacks at a customer-chosen
//! time. Tolerances come from the replications' spread, as in `theory`.

use super::agree::{assert_agrees, replicate};
use staffsim::erlang::Desk;
use staffsim::experiment::{self, Plan};
use staffsim::scenario::Scenario;
use staffsim::stats::{estimate, summarize};

#[test]
fn retries_reach_one_minus_the_misses_to_the_power_of_the_attempts() {
    // Answer rate r = 0.35, k = 4 attempts: reached 1 − 0.65⁴ = 0.82149,
    // attempts per customer (1 − 0.65⁴)/0.35 = 2.34711. Ample agents, and
    // no entries after 20:00, so every customer is settled by the horizon.
    let text = r#"
name = "retries"
[simulation]
horizon = "2w"
warmup = "1d"
interval = "1h"
replications = 20
seed = 5
[[queue]]
name = "list"
channel = "outbound"
volume = "60/hour"
profile = [1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1, 0,0,0,0]
handle_time = { dist = "exponential", mean = "3m" }
sla = { within = "1h", target = 0.8 }
outbound = { answer_rate = 0.35, attempts = 4, retry_after = "10m", no_answer_time = "30s" }
[[team]]
name = "dialers"
skills = ["list"]
agents = 30
"#;
    let s = Scenario::from_toml(text, "retries.toml").unwrap();
    let reps = replicate(&s, s.policy);
    let (r, k) = (0.35f64, 4);
    let reached = 1.0 - (1.0 - r).powi(k);
    for rep in &reps {
        assert_eq!(rep.queues[0].waiting_at_end, 0, "everyone settled");
        assert_eq!(rep.outbound[0].attempts, rep.outbound[0].settled_attempts);
    }
    assert!(reps.iter().map(|x| x.queues[0].offered).sum::<u64>() > 300_000);
    assert_agrees(
        "reached share 1 − (1 − r)^k",
        estimate(reps.iter().map(|x| x.outbound[0].reach_rate())),
        reached,
        0.0,
    );
    assert_agrees(
        "attempts per customer (1 − (1 − r)^k)/r",
        estimate(reps.iter().map(|x| x.outbound[0].attempts_per_customer())),
        reached / r,
        0.0,
    );
    // The summary's figures are the same ones.
    let sum = summarize(&s, &reps);
    let d = &sum.queues[0].dialling;
    assert_eq!(d.reached, Some(sum.queues[0].answered));
    assert_eq!(d.unreached, Some(sum.queues[0].abandoned));
    assert_eq!(d.backlog, Some(0.0));
}

#[test]
fn outbound_in_idle_time_is_the_low_class_of_cobham() {
    // c = 2 agents, exponential 6-minute calls. Inbound 8/hour (a₁ = 0.8),
    // outbound 6/hour, every attempt answered (a₂ = 0.6): a = 1.4, ρ = 0.7,
    // ρ₁ = 0.4. Non-preemptive priority with equal service rates:
    // W₁ = C(c, a)/(cμ(1 − ρ₁)), W₂ = C(c, a)/(cμ(1 − ρ₁)(1 − ρ)).
    let text = r#"
name = "idle-time"
[simulation]
horizon = "6w"
warmup = "1d"
interval = "1h"
replications = 30
seed = 41
[[queue]]
name = "inbound"
channel = "email"
volume = "8/hour"
handle_time = { dist = "exponential", mean = "6m" }
sla = { within = "1h", target = 0.8 }
[[queue]]
name = "activation"
channel = "outbound"
volume = "6/hour"
handle_time = { dist = "exponential", mean = "6m" }
sla = { within = "1h", target = 0.8 }
outbound = { answer_rate = 1.0 }
[[team]]
name = "two"
skills = ["activation", "inbound"]
agents = 2
"#;
    let s = Scenario::from_toml(text, "idle.toml").unwrap();
    let reps = replicate(&s, s.policy);
    let sum = summarize(&s, &reps);
    let c_wait =
        Desk { arrival_rate: 14.0 / 3600.0, aht_s: 360.0, patience_s: None, sla_within_s: 60.0 }.performance(2).p_wait;
    let (c, mu, rho, rho1) = (2.0, 1.0 / 360.0, 0.7, 0.4);
    let w1 = c_wait / (c * mu * (1.0 - rho1));
    let w2 = w1 / (1.0 - rho);
    assert_agrees("inbound mean wait W1 (s)", sum.queues[0].asa_s, w1, 0.0);
    assert_agrees("outbound mean wait W2 (s)", sum.queues[1].asa_s, w2, 0.0);
    assert_agrees("occupancy ρ", sum.queues[2].occupancy, rho, 0.0);
}

/// A weekday phone line whose `n` callers of the night (the initial backlog
/// of a closed line at Monday 00:00) all ask for a callback; `agents` call
/// back with fixed 20-minute calls from 09:00.
fn night_callbacks(n: u32, agents: u32, after_hours_within: &str) -> Scenario {
    let text = format!(
        r#"
name = "night"
[simulation]
horizon = "1d"
interval = "30m"
replications = 2
[[queue]]
name = "phone"
channel = "phone"
volume = "0/week"
hours = "mon-fri 09:00-18:00"
handle_time = {{ dist = "fixed", mean = "5m" }}
sla = {{ within = "30s", target = 0.8 }}
backlog = {{ tickets = {n}, oldest = "0s" }}
callback = {{ queue = "callbacks", share = 1.0 }}
[[queue]]
name = "callbacks"
channel = "callback"
volume = "0/week"
hours = "mon-fri 09:00-18:00"
handle_time = {{ dist = "fixed", mean = "20m" }}
sla = {{ within = "30m", target = 0.8 }}
after_hours_sla = {{ within = "{after_hours_within}", target = 0.8 }}
[[team]]
name = "voice"
skills = ["phone", "callbacks"]
agents = {agents}
"#
    );
    Scenario::from_toml(&text, "night.toml").unwrap()
}

#[test]
fn the_nights_callbacks_are_judged_by_the_first_hour_after_opening() {
    // 20 requests, 3 agents, 20 minutes each, from 09:00: starts at 0, 20,
    // 40, 60, 80, 100 minutes (three each) and 120 (two). Within the hour
    // (≤ 60 min): 12 of 20; within 59 minutes: 9. Mean wait from the
    // opening (0·3 + 20·3 + 40·3 + 60·3 + 80·3 + 100·3 + 120·2)/20 = 57 min.
    for (within, in_time) in [("1h", 12.0), ("59m", 9.0)] {
        let s = night_callbacks(20, 3, within);
        let reps = replicate(&s, s.policy);
        for r in &reps {
            let night = r.callbacks[1].after_hours;
            assert_eq!((night.offered, night.answered, night.answered_in_sla), (20, 20, in_time as u64));
            assert_eq!(r.queues[0].closed, 20);
            assert_eq!(r.queues[0].callbacks_created, 20);
        }
        let sum = summarize(&s, &reps);
        let cb = &sum.queues[1];
        assert_eq!(cb.dialling.after_hours_callbacks, Some(20.0));
        assert_eq!(cb.dialling.service_level_after_hours.mean, Some(in_time / 20.0));
        assert_eq!(cb.dialling.service_level_daytime.mean, None, "no daytime request");
        // The queue's service level judges each ticket by its own target.
        assert_eq!(cb.service_level.mean, Some(in_time / 20.0));
        assert!((cb.asa_s.mean.unwrap() - 57.0 * 60.0).abs() < 1e-6, "{:?}", cb.asa_s);
    }
}

#[test]
fn callbacks_at_a_chosen_time_start_then_with_ample_agents() {
    // Calls round the clock to a weekday line; every missed call asks to be
    // called back 1 to 4 hours later (mean 2.5 h), by a callback desk open
    // around the clock with more agents than it ever needs: each callback
    // starts at the requested time.
    let text = r#"
name = "scheduled"
[simulation]
horizon = "3w"
warmup = "1d"
interval = "1h"
replications = 12
seed = 8
[[queue]]
name = "phone"
channel = "phone"
volume = "20/hour"
profile = "flat"
hours = "mon-fri 09:00-18:00"
handle_time = { dist = "exponential", mean = "5m" }
patience = { dist = "exponential", mean = "1m" }
sla = { within = "30s", target = 0.8 }
callback = { queue = "callbacks", share = 1.0, scheduled = { share = 1.0, after = { dist = "uniform", min = "1h", max = "4h" } } }
[[queue]]
name = "callbacks"
channel = "callback"
volume = "0/week"
handle_time = { dist = "exponential", mean = "4m" }
sla = { within = "10m", target = 0.8 }
[[team]]
name = "phones"
skills = ["phone"]
agents = 3
[[team]]
name = "callers"
skills = ["callbacks"]
agents = 40
"#;
    let s = Scenario::from_toml(text, "scheduled.toml").unwrap();
    let reps = replicate(&s, s.policy);
    let sum = summarize(&s, &reps);
    let cb = &sum.queues[1];
    assert!(cb.offered > 3000.0, "{}", cb.offered);
    assert_eq!(cb.asa_s.mean, Some(0.0), "every callback starts at its requested time");
    assert_eq!(cb.wait_p99_s, Some(0.0));
    assert_eq!(cb.service_level.mean, Some(1.0));
    for r in &reps {
        assert_eq!(r.callbacks[0].scheduled, r.queues[0].callbacks_created, "share = 1: every request asks for a time");
    }
    let delay = estimate(reps.iter().map(|r| {
        let c = r.callbacks[0];
        (c.scheduled > 0).then(|| c.scheduled_delay_sum / c.scheduled as f64)
    }));
    assert_agrees("requested delay mean (s)", delay, 2.5 * 3600.0, 0.0);
    assert_agrees("summary: requested delay (h)", sum.queues[0].dialling.scheduled_after_h, 2.5, 0.0);
}

#[test]
fn the_callback_desk_gives_the_same_results_for_any_thread_count() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/callback-desk.toml")).unwrap();
    let mut s = Scenario::from_toml(&text, "callback-desk.toml").unwrap();
    s.simulation.replications = 4;
    let run = |threads| experiment::replicate(&s, Plan { policy: s.policy, threads: Some(threads) }, &|| {}).unwrap();
    let (one, two) = (run(1), run(2));
    for (a, b) in one.iter().zip(&two) {
        assert_eq!(a.queues, b.queues);
        assert_eq!(a.callbacks, b.callbacks);
        assert_eq!(a.outbound, b.outbound);
        assert_eq!(a.interval_agents, b.interval_agents);
    }
    // Every feature is exercised: night and scheduled callbacks, dialling.
    let r = &one[0];
    assert!(r.callbacks[1].after_hours.offered > 0 && r.callbacks[0].scheduled > 0 && r.outbound[2].attempts > 0);
}
