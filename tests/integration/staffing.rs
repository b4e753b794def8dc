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
