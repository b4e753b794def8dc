//! Invariants on random valid scenarios (proptest): whatever the desk, every
//! ticket is accounted for (after-hours arrivals too), shares stay shares, agents are never busier than
//! on duty, nobody serves a queue without the skill, and a seed fixes the result.

use proptest::prelude::*;
use staffsim::scenario::{Policy, Scenario};
use staffsim::sim;

/// One random queue, as TOML.
fn queue(i: usize) -> impl Strategy<Value = String> {
    (
        (
            prop::sample::select(vec!["email", "form", "chat", "messenger", "phone"]),
            0u32..400,
            prop::sample::select(vec!["", "hours = \"mon-fri 09:00-18:00\"", "hours = \"mon-sun 08:00-20:00\"", "hours = \"mon-fri 22:00-06:00\""]),
            prop::sample::select(vec![
                "{ dist = \"exponential\", mean = \"5m\" }",
                "{ dist = \"lognormal\", mean = \"8m\", cv = 1.2 }",
                "{ dist = \"gamma\", mean = \"3m\", cv = 0.5 }",
                "{ dist = \"fixed\", mean = \"4m\" }",
                "{ dist = \"uniform\", min = \"1m\", max = \"9m\" }",
            ]),
            prop::sample::select(vec!["", "patience = { dist = \"exponential\", mean = \"2m\" }", "patience = { dist = \"fixed\", mean = \"10m\" }"]),
        ),
        (
            prop::sample::select(vec!["30s", "5m", "1h", "8h"]),
            1u32..4,
            0i32..3,
            prop::sample::select(vec!["fifo", "lifo", "sla-first"]),
            prop::sample::select(vec!["", "sla_clock = \"business\""]),
            prop::option::of((0u32..40, prop::sample::select(vec!["0s", "1d", "3d"]))),
            prop::option::of((prop::sample::select(vec!["30m", "4h"]), 0.0f64..1.0)),
            prop::sample::select(vec!["", "profile = \"business-day\"", "weekly = \"weekdays\""]),
        ),
    )
        .prop_map(move |((channel, per_day, hours, handle, patience), (within, concurrency, priority, discipline, clock, backlog, stale, shape))| {
            let backlog = backlog.map_or(String::new(), |(n, old)| format!("backlog = {{ tickets = {n}, oldest = \"{old}\" }}"));
            let stale = stale.map_or(String::new(), |(after, p)| format!("stale = {{ after = \"{after}\", resolve = {p} }}"));
            format!(
                "[[queue]]\nname = \"q{i}\"\nchannel = \"{channel}\"\nvolume = \"{per_day}/day\"\n{hours}\n{shape}\nhandle_time = {handle}\n{patience}\nsla = {{ within = \"{within}\", target = 0.8 }}\nconcurrency = {concurrency}\npriority = {priority}\ndiscipline = \"{discipline}\"\n{clock}\n{backlog}\n{stale}\n"
            )
        })
}

/// One random team over `queues` queues, as TOML.
fn team(i: usize, queues: usize) -> impl Strategy<Value = String> {
    (
        prop::collection::vec(any::<bool>(), queues),
        prop::option::of(0u32..6),
        prop::sample::select(vec!["+00:00", "+05:00", "-03:00"]),
        1u32..4,
        prop::sample::select(vec!["08:00", "14:00", "22:00"]),
        prop::sample::select(vec!["mon-fri", "daily", "sat,sun"]),
    )
        .prop_map(move |(skills, agents, tz, shift_agents, start, days)| {
            let mut names: Vec<String> = skills.iter().enumerate().filter(|(_, s)| **s).map(|(q, _)| format!("\"q{q}\"")).collect();
            if names.is_empty() {
                names.push("\"q0\"".into());
            }
            let roster = match agents {
                Some(n) => format!("agents = {n}"),
                None => format!(
                    "shifts = [{{ days = \"{days}\", start = \"{start}\", length = \"8h\", agents = {shift_agents}, breaks = [] }}]"
                ),
            };
            format!("[[team]]\nname = \"t{i}\"\nskills = [{}]\ntimezone = \"{tz}\"\n{roster}\n", names.join(", "))
        })
}

fn desk() -> impl Strategy<Value = String> {
    (1usize..4)
        .prop_flat_map(|nq| {
            (
                Just(nq),
                prop::collection::vec(0..1usize, nq).prop_flat_map(|v| {
                    v.iter().enumerate().map(|(i, _)| queue(i)).collect::<Vec<_>>()
                }),
                (1usize..3).prop_flat_map(move |nt| (0..nt).map(|t| team(t, nq)).collect::<Vec<_>>()),
                prop::sample::select(vec!["per-queue", "fifo", "lifo", "priority", "sla-first"]),
                1u32..8,
                prop::sample::select(vec!["0s", "1d"]),
                prop::option::of((0.0f64..=1.0, prop::sample::select(vec!["", "hours = \"mon-fri 08:00-20:00\""]))),
                (prop::option::of(0.0f64..=1.0), any::<bool>()),
                prop::option::of((0.05f64..=1.0, 1u32..5, any::<bool>(), 0u32..300)),
                prop::option::of((0.0f64..0.9, 0.0f64..=1.0, 1u32..6)),
            )
        })
        .prop_map(|(_, mut queues, mut teams, policy, days, warmup, callbacks, (scheduled, after_hours), outbound, conversations)| {
            // Optionally, tickets are conversations: written channels get
            // replies, and q0 sends a share of its answers on to q1 (or, alone,
            // nowhere) after a delay.
            if let Some((reply, transfer, touches)) = conversations {
                let written = ["\"email\"", "\"form\"", "\"messenger\""];
                for q in queues.iter_mut().filter(|q| written.iter().any(|c| q.contains(&format!("channel = {c}")))) {
                    q.push_str(&format!(
                        "replies = {{ probability = {reply}, after = {{ dist = \"exponential\", mean = \"3h\" }}, max_touches = {touches} }}\n"
                    ));
                }
                if queues.len() > 1 && transfer > 0.0 {
                    queues[0].push_str(&format!(
                        "transfers = [{{ to = \"q1\", share = {transfer}, after = {{ dist = \"exponential\", mean = \"30m\" }} }}]\n"
                    ));
                }
            }
            // Optionally, phone queues send missed calls (closed line or given up)
            // to a callback queue that every team serves.
            if let Some((share, hours)) = callbacks {
                // ... some of them for a time of their choosing, and the
                // night's requests may have their own target.
                let at = scheduled.map_or(String::new(), |p| {
                    format!(", scheduled = {{ share = {p}, after = {{ dist = \"uniform\", min = \"10m\", max = \"20h\" }} }}")
                });
                for q in queues.iter_mut().filter(|q| q.contains("channel = \"phone\"")) {
                    q.push_str(&format!("callback = {{ queue = \"cb\", share = {share}{at} }}\n"));
                }
                let night = if after_hours { "after_hours_sla = { within = \"2h\", target = 0.8 }" } else { "" };
                queues.push(format!(
                    "[[queue]]\nname = \"cb\"\nchannel = \"callback\"\nvolume = \"0/day\"\n{hours}\nhandle_time = {{ dist = \"exponential\", mean = \"4m\" }}\nsla = {{ within = \"1h\", target = 0.8 }}\n{night}\n"
                ));
                for t in teams.iter_mut() {
                    *t = t.replacen("skills = [", "skills = [\"cb\", ", 1);
                }
            }
            // Optionally, an outbound list every team dials in idle time, and
            // the first team keeps a reserved block for it.
            if let Some((answer_rate, attempts, reserved, per_day)) = outbound {
                queues.push(format!(
                    "[[queue]]\nname = \"ob\"\nchannel = \"outbound\"\nvolume = \"{per_day}/day\"\nhours = \"mon-sat 08:00-19:00\"\nhandle_time = {{ dist = \"exponential\", mean = \"6m\" }}\nsla = {{ within = \"1d\", target = 0.8 }}\noutbound = {{ answer_rate = {answer_rate}, attempts = {attempts}, retry_after = \"3h\", no_answer_time = \"40s\" }}\nbacklog = {{ tickets = {}, oldest = \"2d\" }}\n", per_day / 10
                ));
                for t in teams.iter_mut() {
                    *t = t.replacen("skills = [", "skills = [\"ob\", ", 1);
                }
                if reserved {
                    teams.push("[[team]]\nname = \"dialers\"\nskills = [\"ob\", \"q0\"]\nshifts = [{ days = \"mon-fri\", start = \"09:00\", length = \"4h\", agents = 2 }, { days = \"mon-fri\", start = \"13:00\", length = \"3h\", agents = 2, outbound_only = true }]\n".to_string());
                }
            }
            format!(
                "name = \"random\"\n[simulation]\nhorizon = \"{}d\"\nwarmup = \"{warmup}\"\ninterval = \"1h\"\nreplications = 2\nseed = 11\n[policy]\norder = \"{policy}\"\n{}\n{}",
                days + 1,
                queues.join("\n"),
                teams.join("\n")
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn every_ticket_is_accounted_for(text in desk()) {
        let s = Scenario::from_toml(&text, "random.toml").map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        for policy in [s.policy, Policy::Fifo] {
            let r = sim::simulate(&s, policy, 0);
            for (q, c) in r.queues.iter().enumerate() {
                prop_assert_eq!(c.offered, c.answered + c.abandoned + c.closed + c.withdrawn + c.waiting_at_end, "queue {}", q);
                // Every conversation ends once: resolved, lost or still open.
                let f = r.flows[q];
                prop_assert_eq!(f.opened, f.resolved + f.lost + f.open_at_end, "queue {} conversations", q);
                prop_assert!(f.replies_answered <= f.replies && f.transfers_in <= c.offered);
                prop_assert!(c.answered_in_sla <= c.answered);
                if let Some(sl) = c.service_level() {
                    prop_assert!((0.0..=1.0).contains(&sl));
                }
                // After-hours arrivals are a part of the queue's tickets, each with one outcome.
                let night = r.after_hours[q];
                prop_assert_eq!(night.offered, night.answered + night.abandoned + night.closed + night.withdrawn + night.waiting_at_end, "queue {} after hours", q);
                prop_assert!(night.offered + r.initial[q].offered <= c.offered);
                prop_assert!(night.closed <= c.closed && night.answered_in_sla <= c.answered_in_sla);
                // Only a live channel (phone, chat) turns contacts away as closed.
                if !s.queues[q].live {
                    prop_assert_eq!(c.closed, 0);
                }
                if let Some(sl) = c.minus(&night).service_level() {
                    prop_assert!((0.0..=1.0).contains(&sl));
                }
            }
            for cell in &r.interval_tickets {
                prop_assert_eq!(cell.offered, cell.answered + cell.abandoned + cell.closed + cell.withdrawn + cell.waiting_at_end);
            }
            for t in r.teams.iter().chain(&r.interval_agents) {
                prop_assert!(t.busy <= t.on_duty + 1e-6, "busy {} on duty {}", t.busy, t.on_duty);
                if let Some(o) = t.occupancy() {
                    prop_assert!((0.0..=1.0).contains(&o));
                }
            }
            prop_assert_eq!(r.served_without_skill, 0);
            for (q, queue) in s.queues.iter().enumerate() {
                // After-hours callbacks are a part of the callback queue's tickets.
                let night = r.callbacks[q].after_hours;
                prop_assert_eq!(night.offered, night.answered + night.abandoned + night.closed + night.withdrawn + night.waiting_at_end);
                prop_assert!(night.offered <= r.queues[q].offered && night.answered_in_sla <= r.queues[q].answered_in_sla);
                prop_assert!(r.callbacks[q].scheduled <= r.queues[q].callbacks_created);
                // An outbound list: reached = answered, never reached = abandoned,
                // each after at least one attempt and at most the allowed ones.
                let o = r.outbound[q];
                match queue.outbound {
                    Some(rules) => {
                        prop_assert_eq!(o.reached, r.queues[q].answered);
                        prop_assert_eq!(o.unreached, r.queues[q].abandoned);
                        prop_assert!(o.settled_attempts >= o.reached + o.unreached);
                        prop_assert!(o.settled_attempts <= u64::from(rules.attempts) * (o.reached + o.unreached));
                        prop_assert!(o.attempts >= o.settled_attempts);
                        prop_assert_eq!(o.unreached > 0 && rules.answer_rate >= 1.0, false);
                    }
                    None => prop_assert_eq!(o, Default::default()),
                }
            }
            // Same seed, same result.
            let again = sim::simulate(&s, policy, 0);
            prop_assert_eq!(&r.queues, &again.queues);
            prop_assert_eq!(&r.interval_agents, &again.interval_agents);
            prop_assert_eq!(&r.outbound, &again.outbound);
            prop_assert_eq!(&r.callbacks, &again.callbacks);
        }
    }
}
