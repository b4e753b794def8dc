//! `staff` and `sweep`: requirements against Erlang, the simulation as judge,
//! shift schedules that keep their promise, and volumes from business drivers.

use staffsim::erlang::Desk;
use staffsim::scenario::{Policy, Scenario};
use staffsim::staffing::{self, PlanLevel, Progress, StaffOptions};

fn options() -> StaffOptions {
    StaffOptions { policy: Policy::PerQueue, replications: 10, threads: None, samples: 0, plan_for: PlanLevel::P80 }
}

fn one_queue(extra: &str, profile: &str, interval: &str) -> Scenario {
    let text = format!(
        r#"
name = "stationary"
[simulation]
horizon = "2w"
interval = "{interval}"
seed = 4
[[queue]]
name = "calls"
channel = "phone"
volume = "100/hour"
{profile}
handle_time = {{ dist = "exponential", mean = "6m" }}
{extra}
sla = {{ within = "20s", target = 0.8 }}
[[team]]
name = "agents"
skills = ["calls"]
agents = 12
"#
    );
    Scenario::from_toml(&text, "stationary.toml").expect("valid")
}

#[test]
fn a_stationary_queue_needs_erlang_c_and_the_simulation_agrees() {
    for (extra, patience) in [("", None), ("patience = { dist = \"exponential\", mean = \"3m\" }", Some(180.0))] {
        let s = one_queue(extra, "", "1h");
        let st = staffing::staff(&s, options(), &Progress::none()).unwrap();
        let erlang = Desk { arrival_rate: 100.0 / 3600.0, aht_s: 360.0, patience_s: patience, sla_within_s: 20.0 }
            .required_agents(0.8);
        let mut off_by = [0usize; 3];
        for k in 0..st.slots() {
            assert_eq!(st.queues[0][k].erlang_agents, erlang, "slot {k}: the analytic requirement is Erlang's");
            let diff = (i64::from(st.teams[0][k].required) - i64::from(erlang)).unsigned_abs() as usize;
            off_by[diff.min(2)] += 1;
        }
        println!(
            "patience {patience:?}: Erlang {erlang}; simulated equal in {}, one off in {}, more in {}",
            off_by[0], off_by[1], off_by[2]
        );
        assert_eq!(off_by[2], 0, "the simulated requirement is within one agent of Erlang in every interval");
    }
}

#[test]
fn a_sharp_peak_needs_the_simulation() {
    // 100/hour on average, but an hour at 10:00 brings eight times the rate.
    let profile = "profile = [1,1,1,1,1,1,1,1,1,1, 8, 1,1,1,1,1,1,1,1,1,1,1,1,1]";
    let s = one_queue("", profile, "30m");
    let st = staffing::staff(&s, options(), &Progress::none()).unwrap();
    let share = |(met, total): (usize, usize)| met as f64 / total as f64;
    println!(
        "intervals not significantly below the target: simulated {}/{} ({:.1}%), per-interval Erlang C {}/{} ({:.1}%); \
         estimate at or above it: simulated {}/{}, Erlang C {}/{}",
        st.met.0,
        st.met.1,
        100.0 * share(st.met),
        st.erlang_met.0,
        st.erlang_met.1,
        100.0 * share(st.erlang_met),
        st.met_estimate.0,
        st.met_estimate.1,
        st.erlang_met_estimate.0,
        st.erlang_met_estimate.1,
    );
    assert!(share(st.met) >= 0.99, "no interval significantly below its target on fresh random numbers");
    assert!(share(st.met_estimate) >= 0.8);
    assert!(
        st.erlang_met_estimate.0 + 15 < st.met_estimate.0,
        "per-interval Erlang C misses intervals the simulated staffing meets"
    );
}

#[test]
fn the_schedule_covers_the_requirement() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/new-product.toml")).unwrap();
    let s = Scenario::from_toml(&text, "new-product.toml").unwrap();
    let st = staffing::staff(&s, StaffOptions { samples: 4, ..options() }, &Progress::none()).unwrap();
    for k in 0..st.slots() {
        let x = &st.teams[0][k];
        assert!(
            x.scheduled + 1e-9 >= f64::from(x.planned),
            "slot {k}: {} on duty for {} planned",
            x.scheduled,
            x.planned
        );
        let b = x.band.expect("a band from the ranges");
        assert!(b.p10 <= b.p50 && b.p50 <= b.p80 && b.p80 <= b.p90);
        assert_eq!(x.planned, b.p80, "slot {k}: the roster is planned for P80");
    }
    let sch = &st.schedules[0];
    assert!(sch.paid_hours >= sch.lower_bound - 1e-6, "no schedule beats the LP bound");
    // The written scenario is valid and staffed by exactly the schedule.
    let body = staffing::write_scenario(&text, &s, &st).unwrap();
    let written = Scenario::from_toml(&body, "written.toml").unwrap();
    let agents: u32 = written.teams[0].shifts.iter().map(|x| x.agents).sum();
    assert_eq!(agents, sch.shifts.iter().map(|x| x.agents).sum::<u32>());
}

#[test]
fn volumes_come_from_customers_contacts_and_shares() {
    let text = r#"
name = "drivers"
[simulation]
horizon = "1w"
[demand]
customers = 10000
contacts_per_customer = "0.4/month"
[[queue]]
name = "chat"
channel = "chat"
share = 0.25
handle_time = { dist = "exponential", mean = "5m" }
sla = { within = "2m", target = 0.8 }
[[queue]]
name = "email"
channel = "email"
share = 0.75
handle_time = { dist = "exponential", mean = "5m" }
sla = { within = "4h", target = 0.8 }
"#;
    let s = Scenario::from_toml(text, "drivers.toml").unwrap();
    let weekly = 10000.0 * 0.4 * 7.0 / 30.0;
    assert!((s.queues[0].weekly_volume - weekly * 0.25).abs() < 1e-9);
    assert!((s.queues[1].weekly_volume - weekly * 0.75).abs() < 1e-9);
    assert!((s.queues[0].arrivals.weekly_total() - weekly * 0.25).abs() < 1e-6);
    // A range samples around the midpoint, scaling every share-based queue.
    let ranged =
        Scenario::from_toml(&text.replace("customers = 10000", "customers = \"8000..12000\""), "r.toml").unwrap();
    assert_eq!(ranged.assumptions.len(), 1);
    assert!((ranged.queues[0].weekly_volume - weekly * 0.25).abs() < 1e-9, "the midpoint");
    let high = ranged.variant(&[12000.0]);
    assert!((high.queues[1].weekly_volume - 1.2 * weekly * 0.75).abs() < 1e-6);
    assert!((high.queues[1].arrivals.weekly_total() - 1.2 * weekly * 0.75).abs() < 1e-6);
}

#[test]
fn deferrable_work_that_arrives_while_closed_is_staffed() {
    // Email round the clock, answered weekdays 10:00-19:00 within an hour:
    // the analytic requirement must at least cover the week's work.
    let text = r#"
name = "defer"
[simulation]
horizon = "2w"
warmup = "1w"
interval = "30m"
replications = 2
[[queue]]
name = "email"
channel = "email"
volume = "1000/week"
hours = "mon-fri 10:00-19:00"
profile = "flat"
handle_time = { dist = "exponential", mean = "12m" }
sla = { within = "1h", target = 0.8 }
[[team]]
name = "t"
skills = ["email"]
agents = 3
"#;
    let s = Scenario::from_toml(text, "defer.toml").unwrap();
    let hours: f64 = staffing::analytic(&s, 0, 1800.0).iter().map(|&(_, n)| f64::from(n) * 0.5).sum();
    assert!(hours >= 200.0, "1000 tickets x 12 minutes = 200 agent-hours a week; analytic {hours}");
}

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/").to_string() + name).unwrap()
}

fn staffed(text: &str, options: StaffOptions) -> (Scenario, staffing::Staffing) {
    let s = Scenario::from_toml(text, "test.toml").expect("valid");
    let st = staffing::staff(&s, options, &Progress::none()).expect("staffed");
    (s, st)
}

#[test]
fn breaks_in_a_window_leave_no_hole_and_a_fixed_break_that_must_is_reported() {
    // A weekend desk with one template: every agent's break at +4h leaves
    // 14:00-14:30 without anybody.
    let fixed = fixture_text("weekend-holes.toml");
    let (_, st) = staffed(&fixed, options());
    let holes: Vec<_> = st.schedules[0].shortfalls.iter().map(|x| (x.slot, x.covered, x.required)).collect();
    let sat_1400 = (5 * 48) + 28;
    assert!(
        holes.iter().any(|&(k, covered, required)| k == sat_1400 && covered == 0 && required > 0),
        "the hole at Sat 14:00 is reported: {holes:?}"
    );
    // The same template with the break anywhere from +3h to +5h: the
    // optimiser staggers the breaks and covers every interval.
    let window = fixed.replace("\"+4h 30m\"", "\"+3h..+5h 30m\"");
    let (s, st) = staffed(&window, options());
    assert!(st.schedules[0].shortfalls.is_empty(), "no hole: {:?}", st.schedules[0].shortfalls);
    for k in 0..st.slots() {
        let x = &st.teams[0][k];
        assert!(x.scheduled + 1e-9 >= f64::from(x.planned), "slot {k}: {} for {}", x.scheduled, x.planned);
    }
    let placements: std::collections::BTreeSet<u64> =
        st.schedules[0].shifts.iter().flat_map(|x| x.breaks.iter().map(|b| b.0 as u64)).collect();
    assert!(placements.len() >= 3, "breaks are staggered over several placements: {placements:?}");
    // The written roster keeps its promise in the formerly empty half hour.
    let body = staffing::write_scenario(&window, &s, &st).unwrap();
    let written = Scenario::from_toml(&body, "written.toml").unwrap();
    let run = staffsim::experiment::run(
        &written,
        staffsim::experiment::Plan { policy: Policy::PerQueue, threads: None },
        &|| {},
    )
    .unwrap();
    let at_1400 = run.intervals.iter().filter(|r| {
        *r.queue == *"chat" && {
            let w = written.simulation.week_time(r.t_s);
            (w - (5.0 * 86_400.0 + 14.0 * 3600.0)).abs() < 1.0
        }
    });
    for row in at_1400 {
        let sl = row.service_level.mean.unwrap();
        assert!(sl > 0.6, "Sat 14:00 is served: {sl}");
    }
}

#[test]
fn the_opening_backlog_is_spread_over_the_sla_window_and_its_cost_is_named() {
    // Mail round the clock, answered weekdays 09:00-18:00 within an hour.
    let text = r#"
name = "mail-spike"
[simulation]
horizon = "2w"
warmup = "1w"
interval = "30m"
replications = 6
seed = 5
[[queue]]
name = "email"
channel = "email"
volume = "2400/week"
profile = "flat"
hours = "mon-fri 09:00-18:00"
handle_time = { dist = "lognormal", mean = "10m", cv = 0.8 }
sla = { within = "1h", target = 0.8 }
[[team]]
name = "inbox"
skills = ["email"]
agents = 8
"#;
    let (_, st) = staffed(text, options());
    let (mon_0900, mon_0930) = (18, 19);
    let team = &st.teams[0];
    assert_eq!(team[mon_0900].planned, team[mon_0930].planned, "one level over the SLA window after opening");
    assert!(team[mon_0900].planned > 3 * team[24].planned, "the weekend's mail sets a peak");
    let driver = st.drivers.iter().find(|d| d.slot == mon_0900).expect("the Monday peak is explained");
    assert_eq!(driver.queue, 0);
    assert!(driver.waits_behind_closed_hours, "FIFO puts the weekend's mail ahead of Monday's");
    assert!(driver.cost_fte > 1.0 && driver.relaxed_cost_fte < driver.cost_fte, "{driver:?}");
    // Serving the tickets that can still make it first removes most of the peak.
    let (_, edf) = staffed(&text.replace("sla = {", "discipline = \"sla-first\"\nsla = {"), options());
    assert!(
        edf.teams[0][mon_0900].planned * 2 < team[mon_0900].planned,
        "sla-first: {} against FIFO's {}",
        edf.teams[0][mon_0900].planned,
        team[mon_0900].planned
    );
}

#[test]
fn callbacks_are_work_in_the_requirement() {
    // Calls round the clock on a line open weekdays 09:00-17:00; 60 % of
    // the missed calls ask for a callback, worked 09:00-17:00.
    let text = r#"
name = "callbacks"
[simulation]
horizon = "2w"
warmup = "1w"
interval = "1h"
replications = 6
seed = 8
[[queue]]
name = "phone"
channel = "phone"
volume = "40/hour"
profile = "flat"
hours = "mon-fri 09:00-17:00"
handle_time = { dist = "exponential", mean = "4m" }
patience = { dist = "exponential", mean = "2m" }
sla = { within = "30s", target = 0.8 }
callback = { queue = "callbacks", share = 0.6 }
priority = 2
[[queue]]
name = "callbacks"
channel = "callback"
volume = "0/week"
hours = "mon-fri 09:00-17:00"
handle_time = { dist = "exponential", mean = "5m" }
sla = { within = "30m", target = 0.8 }
[[team]]
name = "voice"
skills = ["phone", "callbacks"]
agents = 10
"#;
    let (s, st) = staffed(text, options());
    // The night's calls (16 closed hours a weekday, the whole weekend) are missed.
    let closed_calls = 40.0 * (168.0 - 40.0);
    let requests: f64 = st.work.callbacks[1].iter().sum();
    assert!(
        requests > 0.6 * closed_calls && requests < 0.6 * closed_calls * 1.2,
        "callback requests a week: {requests:.0} (closed-line calls alone give {:.0})",
        0.6 * closed_calls
    );
    let hours = st.work.agent_hours(&s, 1);
    assert!((hours - requests * 5.0 / 60.0).abs() < 1e-6);
    let erlang: u32 = st.queues[1].iter().map(|x| x.erlang_agents).sum();
    assert!(erlang > 0, "the analytic requirement staffs the callbacks");
    assert!(st.queues[1].iter().any(|x| x.judged), "the simulation judges the callback queue");
    // Callback work lands when the callback queue is open.
    for k in 0..st.slots() {
        if !st.work.open[1][k] {
            assert_eq!(st.work.callbacks[1][k], 0.0, "slot {k}");
        }
    }
    // The first hour on Monday holds the weekend's callbacks: it needs more
    // agents than Wednesday's first hour.
    let (mon, wed) = (9, 2 * 24 + 9);
    assert!(st.teams[0][mon].planned > st.teams[0][wed].planned);
}

#[test]
fn a_stationary_desk_needs_exactly_erlang_c() {
    // 437 calls an hour, 250 s each, 90 % in 30 s: Erlang C's 37 in every hour.
    let text = r#"
name = "stationary-437"
[simulation]
horizon = "2w"
warmup = "1w"
interval = "1h"
replications = 10
seed = 11
[[queue]]
name = "calls"
channel = "phone"
volume = "437/hour"
handle_time = { dist = "exponential", mean = "250s" }
sla = { within = "30s", target = 0.9 }
[[team]]
name = "agents"
skills = ["calls"]
agents = 40
"#;
    let (_, st) = staffed(text, options());
    let erlang =
        Desk { arrival_rate: 437.0 / 3600.0, aht_s: 250.0, patience_s: None, sla_within_s: 30.0 }.required_agents(0.9);
    assert_eq!(erlang, 37);
    let mut required: Vec<u32> = st.teams[0].iter().map(|x| x.required).collect();
    required.sort_unstable();
    let (lo, median, hi) = (required[0], required[required.len() / 2], required[required.len() - 1]);
    println!("stationary 437/h: simulated requirement {lo}..{hi}, median {median}; Erlang C {erlang}");
    assert_eq!(median, erlang, "the median simulated requirement is Erlang C's");
    assert!(hi - lo <= 1, "a stationary desk gets (almost) one level: {lo}..{hi}");
    assert!(st.met.0 == st.met.1, "no hour significantly below the target on fresh seeds: {:?}", st.met);
}

#[test]
fn the_roster_covers_the_chosen_quantile_of_the_uncertain_requirement() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/new-product.toml")).unwrap();
    let paid = |level: PlanLevel| {
        let (_, st) = staffed(&text, StaffOptions { samples: 6, replications: 4, plan_for: level, ..options() });
        for k in 0..st.slots() {
            let x = &st.teams[0][k];
            let b = x.band.expect("a band");
            assert!(b.p10 <= b.p50 && b.p50 <= b.p80 && b.p80 <= b.p90, "slot {k}: {b:?}");
            assert_eq!(x.planned, b.at(level), "slot {k}");
            assert!(x.scheduled + 1e-9 >= f64::from(x.planned), "slot {k}: the schedule covers the plan");
        }
        st.schedules[0].paid_hours
    };
    let (p50, p90) = (paid(PlanLevel::P50), paid(PlanLevel::P90));
    assert!(p90 > p50, "planning for P90 pays more hours than P50: {p90} vs {p50}");
}

#[test]
fn a_lunch_break_never_hands_the_night_to_the_day_office() {
    // A day office at +03:00 and a night team at +10:00, each with a
    // 30-minute break; the night team breaks at 01:00 desk time.
    let text = r#"
name = "night-break"
[simulation]
horizon = "2w"
warmup = "1w"
interval = "30m"
replications = 4
seed = 9
timezone = "+03:00"
[[queue]]
name = "chat"
channel = "chat"
volume = "20/hour"
handle_time = { dist = "exponential", mean = "6m" }
sla = { within = "2m", target = 0.8 }
[[team]]
name = "day-office"
skills = ["chat"]
shifts = [{ days = "daily", start = "08:00", length = "12h", agents = 3, breaks = ["13:00 30m"] }]
[[team]]
name = "night-abroad"
timezone = "+10:00"
skills = ["chat"]
shifts = [{ days = "daily", start = "03:00", length = "12h", agents = 3, breaks = ["08:00 30m"] }]
"#;
    let (_, st) = staffed(text, options());
    for day in 0..7 {
        let night_break = day * 48 + 2; // 01:00-01:30 desk time
        assert_eq!(st.primary[0][night_break], Some(1), "day {day}: the night team owns its own break");
        assert_eq!(st.teams[0][night_break].planned, 0, "day {day}: no day-office agent at 01:00");
        let day_break = day * 48 + 26; // 13:00-13:30
        assert_eq!(st.primary[0][day_break], Some(0), "day {day}: the day office owns its lunch");
    }
}

#[test]
fn no_shift_is_scheduled_while_every_queue_of_the_team_is_closed() {
    // Open weekdays 10:00-19:00; the default templates start on any hour.
    let text = r#"
name = "closed"
[simulation]
horizon = "2w"
warmup = "1w"
interval = "30m"
replications = 4
[[queue]]
name = "chat"
channel = "chat"
volume = "300/day"
hours = "mon-fri 10:00-19:00"
handle_time = { dist = "exponential", mean = "6m" }
sla = { within = "2m", target = 0.8 }
[[team]]
name = "t"
skills = ["chat"]
agents = 4
"#;
    let (s, st) = staffed(text, options());
    assert!(!st.schedules[0].shifts.is_empty());
    for k in 0..st.slots() {
        let w = (k as f64 + 0.5) * st.slot_len;
        if !s.queues[0].hours.contains(w) {
            assert!(
                st.teams[0][k].scheduled < 0.5,
                "slot {k}: {} agents on duty while closed",
                st.teams[0][k].scheduled
            );
        }
    }
}

#[test]
fn written_scenarios_keep_the_users_comments_and_order() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/new-product.toml")).unwrap();
    let (s, st) = staffed(&text, StaffOptions { replications: 3, ..options() });
    let body = staffing::write_scenario(&text, &s, &st).unwrap();
    for comment in
        ["# 10k-14k active customers", "# The channel mix: shares of all contacts.", "# breaks, meetings, training"]
    {
        assert!(body.contains(comment), "comment kept: {comment}");
    }
    let order = |key: &str| body.find(key).unwrap_or_else(|| panic!("{key} in the written file"));
    assert!(order("[demand]") < order("[[queue]]") && order("name = \"chat\"") < order("name = \"email\""));
    assert!(!body.lines().any(|l| l.starts_with("agents = 6")), "the old headcount is replaced");
    let written = Scenario::from_toml(&body, "written.toml").unwrap();
    let agents: u32 = written.teams[0].shifts.iter().map(|x| x.agents).sum();
    assert_eq!(agents, st.schedules[0].shifts.iter().map(|x| x.agents).sum::<u32>());
}

#[test]
fn a_half_hour_break_inside_an_hour_long_interval_is_covered() {
    let (s, st) = staffed(&fixture_text("hour-breaks.toml"), options());
    assert!(st.schedules[0].shortfalls.is_empty(), "{:?}", st.schedules[0].shortfalls);
    // Minute by minute, the roster has the planned agents on duty.
    let to_desk = s.simulation.utc_offset - s.teams[0].utc_offset;
    for k in 0..st.slots() {
        let planned = st.teams[0][k].planned;
        for minute in 0..60 {
            let w = k as f64 * st.slot_len + f64::from(minute) * 60.0 + 30.0;
            let on: u32 = st.schedules[0].shifts.iter().filter(|x| x.duty(to_desk).contains(w)).map(|x| x.agents).sum();
            assert!(on >= planned, "slot {k} minute {minute}: {on} on duty for {planned} planned");
        }
    }
}

#[test]
fn an_always_open_deferrable_queue_is_judged_per_sla_window() {
    let text = r#"
name = "mail-24x7"
[simulation]
horizon = "2w"
warmup = "1w"
interval = "1h"
replications = 4
[[queue]]
name = "email"
channel = "email"
volume = "1500/week"
profile = "business-day"
handle_time = { dist = "exponential", mean = "15m" }
sla = { within = "2h", target = 0.8 }
[[team]]
name = "t"
skills = ["email"]
agents = 5
"#;
    let (_, st) = staffed(text, options());
    assert_eq!(st.blocks, 84, "a block per two-hour SLA window of the week");
    let levels: std::collections::BTreeSet<u32> = st.teams[0].iter().map(|x| x.planned).collect();
    assert!(levels.len() > 2, "the plan follows the day: {levels:?}");
    assert_eq!(st.met.0, st.met.1, "no window significantly below target: {:?}", st.met);
}

/// An average target on M/M/c: 100 calls an hour, 6 minutes each (10
/// Erlangs), a mean wait of at most 30 s. Erlang C's ASA = C(c, a)/(cμ − λ)
/// is 34.2 s on 13 agents and 15.7 s on 14, so 14 is the requirement; the
/// search (judging the simulated mean wait) finds it in every hour, and long
/// runs at 14 and 13 agents land on either side of the target, each in
/// agreement with Erlang C within its confidence interval.
#[test]
fn an_average_target_is_staffed_to_erlang_c_asa_and_the_simulation_agrees() {
    let desk = |agents: u32, horizon: &str, replications: u32| {
        let text = format!(
            r#"
name = "average"
[simulation]
horizon = "{horizon}"
warmup = "1d"
interval = "1h"
replications = {replications}
seed = 8
[[queue]]
name = "calls"
channel = "phone"
volume = "100/hour"
handle_time = {{ dist = "exponential", mean = "6m" }}
sla = {{ average = "30s" }}
[[team]]
name = "agents"
skills = ["calls"]
agents = {agents}
"#
        );
        Scenario::from_toml(&text, "average.toml").expect("valid")
    };
    let erlang = Desk { arrival_rate: 100.0 / 3600.0, aht_s: 360.0, patience_s: None, sla_within_s: 30.0 };
    let goal = staffsim::erlang::Goal { service_level: None, asa_s: Some(30.0) };
    assert_eq!(erlang.required_for(goal), 14);
    let st = staffing::staff(&desk(12, "2w", 10), options(), &Progress::none()).unwrap();
    for k in 0..st.slots() {
        assert_eq!(st.queues[0][k].erlang_agents, 14, "slot {k}: the analytic requirement is Erlang C's");
        assert_eq!(st.teams[0][k].required, 14, "slot {k}: the simulated requirement");
    }
    println!(
        "average 30 s: required 14 in all {} hours; hours not significantly above the target on fresh seeds {}/{}, by the estimate {}/{}",
        st.slots(),
        st.met.0,
        st.met.1,
        st.met_estimate.0,
        st.met_estimate.1
    );
    assert_eq!(st.met.0, st.met.1, "no hour significantly above the average on fresh random numbers");
    for (agents, side) in [(14, "within"), (13, "above")] {
        let s = desk(agents, "4w", 20);
        let r = staffsim::experiment::run(&s, staffsim::experiment::Plan { policy: s.policy, threads: None }, &|| {})
            .unwrap();
        let q = &r.queues[0];
        let (mean, ci) = (q.asa_s.mean.unwrap(), q.asa_s.ci95.unwrap());
        let theory = erlang.performance(agents).asa_s;
        println!("{agents} agents: simulated ASA {mean:.2} s ± {ci:.2} (95 %), Erlang C {theory:.2} s, target 30 s");
        assert!((mean - theory).abs() <= 3.3 * ci / 1.96, "{agents}: simulated {mean} vs Erlang C {theory}");
        match side {
            "within" => assert!(mean + ci < 30.0 && q.meets_target() == Some(true)),
            _ => assert!(mean - ci > 30.0 && q.meets_target() == Some(false)),
        }
        assert_eq!(q.asa_target_s, Some(30.0));
    }
}
