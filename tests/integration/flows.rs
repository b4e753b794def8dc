//! Tickets that come back (customers' replies) and move on (transfers
//! between queues), against the theory of open queueing networks: with
//! Poisson arrivals, exponential handle times and first-come-first-served
//! lines, the desk is a Jackson network, so each queue behaves as an
//! M/M/c fed by the rate its traffic equations give, and the mean number of
//! tickets anywhere in the desk (Little: arrivals × mean time to
//! resolution) is the sum of the stations' means, replies' delays counted as
//! an infinite-server station.

use super::agree::{assert_agrees, replicate_on};
use staffsim::erlang::erlang_c_wait_probability;
use staffsim::scenario::{Policy, Scenario};
use staffsim::sim;
use staffsim::stats::{ReplicationStats, estimate, summarize};

/// Tier 1 (4 agents, 6 min) answers 20 new tickets an hour; 30 % of its
/// answers go to tier 2 (2 agents, 10 min), which sends 20 % of its answers
/// back; of tier 1's other answers a quarter get a reply from the customer
/// after 30 minutes on average, which tier 1 answers again.
fn tandem(reps: u32, weeks: u32) -> Scenario {
    let text = format!(
        r#"
name = "tandem"
[simulation]
horizon = "{weeks}w"
warmup = "1d"
interval = "1h"
replications = {reps}
seed = 99
[[queue]]
name = "tier1"
channel = "email"
volume = "20/hour"
handle_time = {{ dist = "exponential", mean = "6m" }}
sla = {{ within = "10m", target = 0.8 }}
replies = {{ probability = 0.25, after = {{ dist = "exponential", mean = "30m" }} }}
transfers = [{{ to = "tier2", share = 0.3 }}]
[[queue]]
name = "tier2"
channel = "email"
volume = "0/hour"
handle_time = {{ dist = "exponential", mean = "10m" }}
sla = {{ within = "30m", target = 0.8 }}
transfers = [{{ to = "tier1", share = 0.2 }}]
[[team]]
name = "one"
skills = ["tier1"]
agents = 4
[[team]]
name = "two"
skills = ["tier2"]
agents = 2
"#
    );
    Scenario::from_toml(&text, "tandem.toml").expect("valid")
}

/// M/M/c: (mean number at the station, mean wait in line in seconds).
fn mmc(servers: u32, per_hour: f64, service_per_hour: f64) -> (f64, f64) {
    let a = per_hour / service_per_hour;
    let rho = a / f64::from(servers);
    let c = erlang_c_wait_probability(servers, a);
    (c * rho / (1.0 - rho) + a, c / (f64::from(servers) * service_per_hour - per_hour) * 3600.0)
}

#[test]
fn a_tandem_with_feedback_and_replies_matches_the_jackson_network() {
    let s = tandem(20, 4);
    let reps = replicate_on(&s, s.policy, None);
    // Traffic equations: λ1 = γ + 0.2 λ2 + 0.7 · 0.25 λ1, λ2 = 0.3 λ1.
    let gamma = 20.0;
    let l1 = gamma / (1.0 - 0.3 * 0.2 - 0.7 * 0.25);
    let l2 = 0.3 * l1;
    let replies = 0.7 * 0.25 * l1;
    let (n1, wq1) = mmc(4, l1, 10.0);
    let (n2, wq2) = mmc(2, l2, 6.0);
    let in_delay = replies * 0.5;
    let resolution_h = (n1 + n2 + in_delay) / gamma;

    let hours = (s.simulation.horizon - s.simulation.warmup) / 3600.0;
    let per_hour = |f: &dyn Fn(&ReplicationStats) -> f64| estimate(reps.iter().map(|r| Some(f(r) / hours)));
    // Contacts offered to each queue: tier 1's new tickets and transfers back, tier 2's transfers.
    assert_agrees("tier1 offered per hour", per_hour(&|r| r.queues[0].offered as f64), gamma + 0.2 * l2, 0.0);
    assert_agrees("tier2 offered per hour", per_hour(&|r| r.queues[1].offered as f64), l2, 0.0);
    assert_agrees("tier1 replies per hour", per_hour(&|r| r.flows[0].replies as f64), replies, 0.0);
    // Each station is an M/M/c at its rate: ASA (replies wait in the same
    // line, so their wait is tier 1's too).
    let asa = |q: usize| estimate(reps.iter().map(|r| r.queues[q].asa()));
    assert_agrees("tier1 mean wait (s)", asa(0), wq1, 0.5);
    assert_agrees("tier2 mean wait (s)", asa(1), wq2, 0.5);
    assert_agrees("tier1 reply wait (s)", estimate(reps.iter().map(|r| r.flows[0].reply_wait_mean())), wq1, 0.5);
    // Touches per ticket: the visits the traffic equations give.
    assert_agrees(
        "touches per resolved ticket",
        estimate(reps.iter().map(|r| r.flows[0].touches_per_ticket())),
        (l1 + l2) / gamma,
        0.0,
    );
    // Little's law over the network: mean time to resolution = mean number in the desk / γ.
    assert_agrees(
        "time to resolution (h)",
        estimate(reps.iter().map(|r| r.flows[0].resolution_mean().map(|t| t / 3600.0))),
        resolution_h,
        0.0,
    );
    // Every ticket opened in tier 1 ends once: resolved, lost or still open.
    for r in &reps {
        let f = r.flows[0];
        assert_eq!(f.opened, f.resolved + f.lost + f.open_at_end);
        assert_eq!(f.lost, 0, "nobody gives up");
        assert_eq!(r.flows[1].opened, 0, "tier 2 has no tickets of its own");
        // The transfers out of one queue are the transfers into the other (to the
        // window's edges: a transfer counts by the time it happens).
        assert!(f.transfers_out.abs_diff(r.flows[1].transfers_in) <= 2);
        assert_eq!(r.flows[1].transfers_in, r.queues[1].offered);
    }
    let summary = summarize(&s, &reps);
    let tier1 = summary.queues[0].flow.as_ref().expect("a desk with conversations has them");
    assert!((tier1.resolution_h.mean.unwrap() - resolution_h).abs() < 0.02);
}

#[test]
fn touches_are_capped_and_each_reply_is_a_fair_coin() {
    // Ample agents; a reply after each answer with probability 0.5, at most
    // 3 touches: touches are 1, 2 or 3 with probabilities 1/2, 1/4, 1/4, a
    // mean of 1.75; the reply delay (fixed 2 h) plus three short touches
    // gives the resolution time exactly.
    let text = r#"
name = "replies"
[simulation]
horizon = "2w"
warmup = "1d"
interval = "1h"
replications = 8
seed = 5
[[queue]]
name = "email"
channel = "email"
volume = "30/hour"
handle_time = { dist = "fixed", mean = "6m" }
sla = { within = "1h", target = 0.8 }
replies = { probability = 0.5, after = { dist = "fixed", mean = "2h" }, handle_time = { dist = "fixed", mean = "3m" }, max_touches = 3 }
[[team]]
name = "everyone"
skills = ["email"]
agents = 40
"#;
    let s = Scenario::from_toml(text, "replies.toml").unwrap();
    let reps = replicate_on(&s, s.policy, None);
    assert_agrees("touches per ticket", estimate(reps.iter().map(|r| r.flows[0].touches_per_ticket())), 1.75, 0.0);
    // Resolution: 6 m, or 6 m + 2 h + 3 m, or 6 m + 2 (2 h + 3 m), with no wait.
    let mean_h = 0.5 * 0.1 + 0.25 * (0.1 + 2.05) + 0.25 * (0.1 + 4.1);
    assert_agrees(
        "time to resolution (h)",
        estimate(reps.iter().map(|r| r.flows[0].resolution_mean().map(|t| t / 3600.0))),
        mean_h,
        1e-3,
    );
    for r in &reps {
        let f = r.flows[0];
        assert!(f.resolved <= f.touches_sum && f.touches_sum <= 3 * f.resolved, "1 to 3 touches each: {f:?}");
        assert_eq!(r.queues[0].answered_in_sla, r.queues[0].answered, "no wait with 40 agents");
        let longest = r.resolution[0].max() as f64 / 1000.0;
        assert!((longest - (360.0 + 2.0 * 7380.0)).abs() < 0.01 * longest, "at most three touches: {longest}");
    }
}

/// A desk where tickets are lost at every step: tier 1 on chat (customers
/// give up, the chat closes at night), transfers to a phone line with
/// callbacks after a delay, replies on e-mail, groomed back to chat.
fn leaky_desk() -> Scenario {
    let text = r#"
name = "leaky"
[simulation]
horizon = "2w"
warmup = "2d"
interval = "1h"
replications = 4
seed = 17
[[queue]]
name = "chat"
channel = "chat"
volume = "15/hour"
profile = "business-day"
hours = "mon-fri 08:00-20:00"
handle_time = { dist = "exponential", mean = "8m" }
patience = { dist = "exponential", mean = "3m" }
sla = { within = "1m", target = 0.8 }
transfers = [{ to = "email", share = 0.3 }, { to = "phone", share = 0.1, after = { dist = "exponential", mean = "1h" } }]
[[queue]]
name = "email"
channel = "email"
volume = "5/hour"
profile = "flat"
hours = "mon-fri 08:00-20:00"
handle_time = { dist = "lognormal", mean = "10m", cv = 0.8 }
sla = { within = "4h", target = 0.8 }
stale = { after = "1d", resolve = 0.5 }
backlog = { tickets = 40, oldest = "2d" }
replies = { probability = 0.4, after = { dist = "exponential", mean = "5h" }, max_touches = 4 }
transfers = [{ to = "chat", share = 0.05 }]
[[queue]]
name = "phone"
channel = "phone"
volume = "2/hour"
profile = "flat"
hours = "mon-fri 09:00-17:00"
handle_time = { dist = "exponential", mean = "6m" }
patience = { dist = "exponential", mean = "1m" }
sla = { within = "30s", target = 0.8 }
callback = { queue = "callbacks", share = 0.5 }
[[queue]]
name = "callbacks"
channel = "callback"
volume = "0/week"
hours = "mon-fri 09:00-17:00"
handle_time = { dist = "exponential", mean = "5m" }
sla = { within = "1h", target = 0.8 }
[[team]]
name = "desk"
skills = ["chat", "phone", "email", "callbacks"]
shifts = [{ days = "mon-fri", start = "08:00", length = "12h", agents = 3 }]
"#;
    Scenario::from_toml(text, "leaky.toml").unwrap()
}

#[test]
fn every_conversation_ends_once_whatever_the_policy() {
    let s = leaky_desk();
    for policy in Policy::ALL {
        let r = sim::simulate(&s, policy, 1);
        let mut resolved_touches = 0;
        for (q, c) in r.queues.iter().enumerate() {
            assert_eq!(c.offered, c.answered + c.abandoned + c.closed + c.withdrawn + c.waiting_at_end, "queue {q}");
            let f = r.flows[q];
            assert_eq!(f.opened, f.resolved + f.lost + f.open_at_end, "queue {q} under {policy:?}");
            assert!(f.replies_answered <= f.replies);
            resolved_touches += f.touches_sum;
            // A queue's offered tickets are its new ones and its transfers in
            // (the initial backlog is new too).
            assert!(f.transfers_in <= c.offered);
        }
        let flows: Vec<_> = r.flows.iter().collect();
        assert!(flows[0].lost > 0 && flows[0].transfers_out > 0, "chat loses and transfers: {:?}", flows[0]);
        assert!(flows[1].replies > 0 && flows[1].lost > 0, "e-mail gets replies and grooms: {:?}", flows[1]);
        assert!(flows[2].transfers_in > 0, "delayed transfers reach the phone line");
        assert!(resolved_touches >= flows.iter().map(|f| f.resolved).sum::<u64>());
        // The new tickets are the same whatever the policy (callback requests
        // aside: how many calls are missed is the policy's doing).
        let fifo = sim::simulate(&s, Policy::Fifo, 1);
        for q in 0..3 {
            assert_eq!(r.flows[q].opened, fifo.flows[q].opened, "queue {q}");
        }
    }
}

#[test]
fn conversations_do_not_depend_on_the_thread_count() {
    let s = tandem(6, 1);
    let one = replicate_on(&s, s.policy, Some(1));
    let two = replicate_on(&s, s.policy, Some(2));
    for (a, b) in one.iter().zip(&two) {
        assert_eq!(a.flows, b.flows);
        assert_eq!(a.queues, b.queues);
    }
}

#[test]
fn replies_and_transfers_leave_the_first_contacts_alone() {
    // The same desk without replies or transfers draws exactly the same new
    // tickets: the conversations draw from a stream of their own, so the
    // queues' arrival, handle-time and patience streams are untouched.
    let with = tandem(2, 1);
    let mut plain = with.clone();
    for q in &mut plain.queues {
        q.replies = None;
        q.transfers.clear();
    }
    assert!(!plain.has_flows());
    let (a, b) = (sim::simulate(&with, Policy::PerQueue, 0), sim::simulate(&plain, Policy::PerQueue, 0));
    assert_eq!(a.flows[0].opened, b.queues[0].offered);
    assert!(b.flows.iter().all(|f| *f == Default::default()), "no conversations are followed without them");
}

fn problems(text: &str) -> String {
    match Scenario::from_toml(text, "bad.toml") {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

fn two_queues(first: &str, second: &str) -> String {
    format!(
        r#"
name = "bad"
[simulation]
horizon = "1d"
[[queue]]
name = "tier1"
channel = "email"
volume = "10/hour"
handle_time = {{ dist = "exponential", mean = "6m" }}
sla = {{ within = "1h", target = 0.8 }}
{first}
[[queue]]
name = "tier2"
channel = "phone"
volume = "1/hour"
handle_time = {{ dist = "exponential", mean = "6m" }}
sla = {{ within = "1m", target = 0.8 }}
{second}
[[team]]
name = "t"
skills = ["tier1", "tier2"]
agents = 3
"#
    )
}

#[test]
fn bad_replies_and_transfers_name_the_field_and_the_fix() {
    let cases = [
        (
            two_queues("replies = { probability = 1.0, after = { dist = \"exponential\", mean = \"1h\" } }", ""),
            "queue \"tier1\": replies.probability: 1 must be at least 0 and below 1",
        ),
        (
            two_queues("", "replies = { probability = 0.2, after = { dist = \"exponential\", mean = \"1h\" } }"),
            "queue \"tier2\": replies: a phone ticket does not come back",
        ),
        (
            two_queues(
                "replies = { probability = 0.2, after = { dist = \"exponential\", mean = \"1h\" }, max_touches = 0 }",
                "",
            ),
            "replies.max_touches: 0 must be between 1 and 1000",
        ),
        (
            two_queues("replies = { probability = 0.2, after = { dist = \"normal\", mean = \"1h\" } }", ""),
            "replies.after.dist: \"normal\" is not a distribution",
        ),
        (two_queues("transfers = [{ to = \"tier3\", share = 0.2 }]", ""), "transfers[1].to: \"tier3\" is not a queue"),
        (two_queues("transfers = [{ to = \"tier\", share = 0.2 }]", ""), "did you mean"),
        (two_queues("transfers = [{ to = \"tier1\", share = 0.2 }]", ""), "cannot transfer to itself"),
        (two_queues("transfers = [{ to = \"tier2\", share = 1.5 }]", ""), "transfers[1].share: 1.5 must be above 0"),
        (
            two_queues("transfers = [{ to = \"tier2\", share = 0.7 }, { to = \"tier2\", share = 0.6 }]", ""),
            "the shares add up to 1.300",
        ),
        (
            two_queues(
                "transfers = [{ to = \"tier2\", share = 1.0 }]",
                "transfers = [{ to = \"tier1\", share = 1.0 }]",
            ),
            "transferred on for ever",
        ),
        (
            two_queues("transfers = [{ to = \"tier2\", share = 0.2, after = { dist = \"exponential\" } }]", ""),
            "transfers[1].after.mean: is required",
        ),
    ];
    for (text, want) in cases {
        let got = problems(&text);
        assert!(got.contains(want), "want {want:?} in:\n{got}");
        assert!(got.contains("bad.toml"), "{got}");
    }
}
