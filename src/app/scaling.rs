//! `staffsim bench`'s scaling table: the engine alone (one replication in
//! this process, no outputs) on generated desks of growing size, each
//! against the speed of M/M/12, so any cost that grows with the desk shows
//! as a ratio below one. Every desk holds about the same number of tickets.

use std::fmt::Write as _;
use std::time::Instant;

use crate::scenario::Scenario;
use crate::sim;

/// One desk of the table: its label and scenario text.
struct Desk {
    label: String,
    text: String,
    /// The label of the same shape's small version (12 agents, one queue,
    /// one team), whose speed the table also divides this desk's by: what
    /// the desk's size costs, apart from what its tickets do.
    small: Option<String>,
}

impl Desk {
    /// This desk, measured also against `small`.
    fn against(mut self, small: &Desk) -> Self {
        self.small = Some(small.label.clone());
        self
    }
}

/// `hours` of simulated time; one reporting interval; one replication.
fn simulation(hours: u64) -> String {
    format!(
        "[simulation]\nhorizon = \"{hours}h\"\nwarmup = \"0s\"\ninterval = \"{hours}h\"\nreplications = 1\nseed = 5\n"
    )
}

/// Hours that hold about `tickets` at `per_hour`.
fn hours_for(tickets: f64, per_hour: f64) -> u64 {
    (tickets / per_hour).ceil().max(1.0) as u64
}

/// Arrivals an hour that keep `slots` ticket slots (agents times
/// concurrency) of 6-minute tickets at 89 % load.
fn per_hour_at_89(slots: u32) -> f64 {
    f64::from(slots) / (6.0 / 60.0) * 0.89
}

/// The channel of a scaling desk at concurrency `k`.
fn channel(k: u32) -> &'static str {
    if k > 1 { "chat" } else { "phone" }
}

/// The label of [`agents_desk`]`(n, k, patience, _)`, as `STAFFSIM_SCALING_ONLY`
/// selects it ("12 agents, phone", "10000 agents, chat at concurrency 3").
pub fn agents_label(n: u32, k: u32, patience: bool) -> String {
    format!(
        "{n} agents, {}{}{}",
        channel(k),
        if k > 1 { format!(" at concurrency {k}") } else { String::new() },
        if patience { ", patience 3 min" } else { "" }
    )
}

/// The label of [`queues_desk`]`(q, _)`.
pub fn queues_label(q: u32) -> String {
    format!("{q} queues, 90 agents with every skill")
}

/// The label of the 20-team desk ([`teams_desk`]).
pub const TEAMS_LABEL: &str = "20 teams x 5 skills, 20 queues, shifts and breaks";

/// The label of the 20-team desk's small version ([`pooled_teams_desk`]).
pub const POOLED_TEAMS_LABEL: &str = "the 20-team desk's tickets on 1 queue and 1 team";

/// N agents on one queue at concurrency `k` and 89 % load.
fn agents_desk(n: u32, k: u32, patience: bool, tickets: f64) -> Desk {
    let per_hour = per_hour_at_89(n * k);
    let patience_line = if patience { "patience = { dist = \"exponential\", mean = \"3m\" }\n" } else { "" };
    let channel = channel(k);
    Desk {
        label: agents_label(n, k, patience),
        text: format!(
            "name = \"scale\"\n{}[[queue]]\nname = \"q\"\nchannel = \"{channel}\"\nvolume = \"{per_hour:.3}/hour\"\n\
             handle_time = {{ dist = \"exponential\", mean = \"6m\" }}\n{patience_line}sla = {{ within = \"20s\", target = 0.8 }}\n\
             concurrency = {k}\n[[team]]\nname = \"t\"\nskills = [\"q\"]\nagents = {n}\n",
            simulation(hours_for(tickets, per_hour))
        ),
        small: None,
    }
}

/// Q queues sharing 90 agents who hold every skill, at 89 % load.
fn queues_desk(q: u32, tickets: f64) -> Desk {
    let per_hour = per_hour_at_89(90);
    let mut text = format!("name = \"scale\"\n{}", simulation(hours_for(tickets, per_hour)));
    for i in 0..q {
        let _ = write!(
            text,
            "[[queue]]\nname = \"q{i}\"\nchannel = \"email\"\nvolume = \"{:.4}/hour\"\n\
             handle_time = {{ dist = \"exponential\", mean = \"6m\" }}\nsla = {{ within = \"1h\", target = 0.8 }}\n",
            per_hour / f64::from(q)
        );
    }
    let skills: Vec<String> = (0..q).map(|i| format!("\"q{i}\"")).collect();
    let _ = write!(text, "[[team]]\nname = \"t\"\nskills = [{}]\nagents = 90\n", skills.join(", "));
    Desk { label: queues_label(q), text, small: None }
}

/// 240 agents at 60 % load on phone queues open 07:00-23:00, with
/// patience, on two daily shifts with a break each: `queues` queues (of
/// priorities 0, 1, 2 in turn) and `teams` teams of `skills` skills, each
/// queue in `teams * skills / queues` of them.
fn shifted_desk(queues: u32, teams: u32, skills: u32, label: String, tickets: f64) -> Desk {
    let agents = 240u32;
    let per_hour = f64::from(agents) / (6.0 / 60.0) * 0.6;
    let hours = hours_for(tickets, per_hour * 16.0 / 24.0);
    let mut text = format!("name = \"scale\"\n{}", simulation(hours));
    for i in 0..queues {
        let _ = write!(
            text,
            "[[queue]]\nname = \"q{i}\"\nchannel = \"phone\"\nvolume = \"{:.3}/hour\"\nhours = \"07:00-23:00\"\n\
             handle_time = {{ dist = \"exponential\", mean = \"6m\" }}\npatience = {{ dist = \"exponential\", mean = \"4m\" }}\n\
             sla = {{ within = \"20s\", target = 0.8 }}\npriority = {}\n",
            per_hour / f64::from(queues) * 24.0 / 16.0,
            i % 3
        );
    }
    let per_shift = agents / teams / 2;
    for t in 0..teams {
        let skills: Vec<String> = (0..skills).map(|k| format!("\"q{}\"", (t + k * queues / skills) % queues)).collect();
        let _ = write!(
            text,
            "[[team]]\nname = \"t{t}\"\nskills = [{}]\nshifts = [\n\
             {{ days = \"daily\", start = \"07:00\", length = \"8h\", agents = {per_shift}, breaks = [\"11:00 30m\"] }},\n\
             {{ days = \"daily\", start = \"15:00\", length = \"8h\", agents = {per_shift}, breaks = [\"19:00 30m\"] }},\n]\n",
            skills.join(", "),
        );
    }
    Desk { label, text, small: None }
}

/// 20 teams of 5 skills over 20 queues (each queue in five teams), on
/// shifts with breaks.
fn teams_desk(tickets: f64) -> Desk {
    shifted_desk(20, 20, 5, TEAMS_LABEL.into(), tickets)
}

/// The tickets of [`teams_desk`] on one queue and one team of all its
/// agents, on the same shifts and breaks with the same patience: what
/// those tickets cost by their nature (most wait, many give up), apart
/// from the 20 queues and teams they are spread over.
fn pooled_teams_desk(tickets: f64) -> Desk {
    shifted_desk(1, 1, 1, POOLED_TEAMS_LABEL.into(), tickets)
}

/// The engine's tickets per second on `desk` (best of `runs`), and the
/// tickets it offered.
fn speed(desk: &Desk, runs: usize) -> anyhow::Result<(f64, u64)> {
    let s = Scenario::from_toml(&desk.text, "scaling.toml").map_err(|e| anyhow::anyhow!("{e}"))?;
    let (mut best, mut offered) = (0.0f64, 0);
    for _ in 0..runs {
        let started = Instant::now();
        let r = sim::simulate(&s, s.policy, 0);
        let seconds = started.elapsed().as_secs_f64().max(1e-9);
        offered = r.queues.iter().map(|c| c.offered).sum();
        best = best.max(offered as f64 / seconds);
    }
    Ok((best, offered))
}

/// The environment variable that makes `staffsim bench` run only the
/// scaling desks whose label contains its value (for profiling one desk).
pub const ONLY_ENV: &str = "STAFFSIM_SCALING_ONLY";

/// The environment variable that sets how many tickets each desk of
/// [`ONLY_ENV`]'s run holds (about; by default 300 000 with `--quick`,
/// else 3 million). Two runs of different sizes under an instruction
/// counter give a desk's instructions a ticket, set-up removed.
pub const TICKETS_ENV: &str = "STAFFSIM_SCALING_TICKETS";

/// The label under which [`only`] runs the minimal loop (`benches/limit.rs`)
/// at M/M/12's load, for comparing instruction counts with the engine's.
pub const LOOP_LABEL: &str = "the minimal loop";

/// The reference desk and the desks measured against it, each larger one
/// also against the small version of its shape.
fn desks(tickets: f64) -> (Desk, Vec<Desk>) {
    let reference = agents_desk(12, 1, false, tickets);
    let phone = [100, 1000, 10_000].map(|n| agents_desk(n, 1, false, tickets).against(&reference));
    let chat = agents_desk(12, 3, false, tickets);
    let more_chat = [1000, 10_000].map(|n| agents_desk(n, 3, false, tickets).against(&chat));
    let patience = agents_desk(12, 1, true, tickets);
    let more_patience = agents_desk(1000, 1, true, tickets).against(&patience);
    let one_queue = queues_desk(1, tickets);
    let more_queues = [10, 100, 400].map(|q| queues_desk(q, tickets).against(&one_queue));
    let pooled = pooled_teams_desk(tickets);
    let teams = teams_desk(tickets).against(&pooled);
    let mut desks = Vec::from(phone);
    desks.push(chat);
    desks.extend(more_chat);
    desks.extend([patience, more_patience, one_queue]);
    desks.extend(more_queues);
    desks.extend([teams, pooled]);
    (reference, desks)
}

/// The engine's speed on the desk whose label is `filter`, or else on every
/// desk whose label contains it, each on its own line (no reference run).
/// Each line gives the desk's label, the tickets it offered and its speed.
/// [`LOOP_LABEL`] runs the minimal loop instead.
pub fn only(filter: &str, quick: bool) -> anyhow::Result<String> {
    let tickets = match std::env::var(TICKETS_ENV) {
        Ok(v) => v
            .parse::<f64>()
            .ok()
            .filter(|t| t.is_finite() && *t >= 1.0)
            .ok_or_else(|| anyhow::anyhow!("{TICKETS_ENV} = {v:?}: give a number of tickets, 1 or more"))?,
        Err(_) if quick => 300_000.0,
        Err(_) => 3_000_000.0,
    };
    let line = |label: &str, (speed, tickets): (f64, u64)| {
        format!("  {label:<58} {tickets:>10} tickets {:>12}\n", format!("{:.2} M/s", speed / 1e6))
    };
    if filter == LOOP_LABEL {
        return Ok(line(LOOP_LABEL, loop_speed(tickets)));
    }
    let (reference, desks) = desks(tickets);
    let all: Vec<&Desk> = std::iter::once(&reference).chain(&desks).collect();
    let exact = all.iter().any(|d| d.label == filter);
    let mut out = String::new();
    for d in all.into_iter().filter(|d| if exact { d.label == filter } else { d.label.contains(filter) }) {
        out.push_str(&line(&d.label, speed(d, if quick { 1 } else { 3 })?));
    }
    Ok(out)
}

/// The minimal loop's tickets per second at M/M/12's load on about
/// `tickets` tickets, and the tickets it simulated.
fn loop_speed(tickets: f64) -> (f64, u64) {
    let started = Instant::now();
    let run = super::bench::limit::mmc(per_hour_at_89(12), 360.0, 12, 20.0, tickets.round() as u64, 1);
    (run.tickets as f64 / started.elapsed().as_secs_f64().max(1e-9), run.tickets)
}

/// The median of `xs` (not empty).
fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 { xs[n / 2] } else { (xs[n / 2 - 1] + xs[n / 2]) / 2.0 }
}

/// `desk`'s speed and its ratio to `reference`'s, each the median of
/// `pairs` runs of the two one after the other: a machine that slows down
/// for a while slows both runs of a pair, so the ratio holds where single
/// speeds do not.
fn paired(reference: &Desk, desk: &Desk, pairs: usize) -> anyhow::Result<(f64, f64)> {
    let (mut speeds, mut ratios) = (Vec::new(), Vec::new());
    for _ in 0..pairs {
        let (r, _) = speed(reference, 1)?;
        let (d, _) = speed(desk, 1)?;
        speeds.push(d);
        ratios.push(d / r);
    }
    Ok((median(speeds), median(ratios)))
}

/// The engine alone on M/M/12 against the minimal loop (`benches/limit.rs`)
/// on the same desk and as many tickets, in pairs as in [`paired`]: how
/// many times the loop's time per ticket the engine takes.
fn limit_ratio(reference: &Desk, tickets: f64, pairs: usize) -> anyhow::Result<(f64, f64, f64)> {
    let (mut engine, mut loop_speeds, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..pairs {
        let (e, _) = speed(reference, 1)?;
        let (l, _) = loop_speed(tickets);
        engine.push(e);
        loop_speeds.push(l);
        ratios.push(l / e);
    }
    Ok((median(engine), median(loop_speeds), median(ratios)))
}

/// The table: each desk's engine speed and its ratio to M/M/12's, then
/// M/M/12's ratio to the minimal loop.
pub fn table(quick: bool) -> anyhow::Result<String> {
    let tickets = if quick { 300_000.0 } else { 3_000_000.0 };
    let pairs = if quick { 5 } else { 3 };
    let (reference, desks) = desks(tickets);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "scaling, the engine alone (one replication in this process, no outputs), against M/M/12 \
         (median of {pairs} runs, each ratio from a run of M/M/12 just before) and against the small \
         version of the desk's shape (the two ratios to M/M/12 divided):"
    );
    let (engine, loop_speed, limit) = limit_ratio(&reference, tickets, pairs)?;
    let _ = writeln!(out, "  {:<58} {:>12} {:>8} {:>12}", "desk", "speed", "M/M/12", "its small");
    // M/M/12 is the first row, at its own speed and a ratio of 1.
    let mut rows = vec![(&reference, engine, 1.0)];
    for d in &desks {
        let (v, ratio) = paired(&reference, d, pairs)?;
        rows.push((d, v, ratio));
    }
    // A desk against its small version: the two ratios to M/M/12 divided,
    // so each is still the median of runs paired with M/M/12. (Every small
    // version is a row: `every_large_desk_names_a_small_version_in_the_table`.)
    let ratio_of = |label: &str| rows.iter().find(|r| r.0.label == label).map_or(f64::NAN, |r| r.2);
    for &(d, v, ratio) in &rows {
        let small = d.small.as_deref().map_or(String::new(), |s| format!("{:.2}", ratio / ratio_of(s)));
        let _ = writeln!(out, "  {:<58} {:>12} {:>8.2} {:>12}", d.label, format!("{:.2} M/s", v / 1e6), ratio, small);
    }
    let _ = writeln!(
        out,
        "limit, the engine alone: M/M/12 takes {limit:.2}x the minimal loop's time per ticket \
         (the loop {:.2} M/s; median of {pairs} pairs)",
        loop_speed / 1e6
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_large_desk_names_a_small_version_in_the_table() {
        let (reference, desks) = desks(1e4);
        let with_small: Vec<&Desk> = desks.iter().filter(|d| d.small.is_some()).collect();
        assert_eq!(with_small.len(), 10, "every large desk names its small version");
        for d in with_small {
            let small = d.small.as_deref().unwrap();
            assert!(
                small == reference.label || desks.iter().any(|o| o.label == small && o.small.is_none()),
                "{}: its small version {small:?} is not a desk of the table",
                d.label
            );
            assert_ne!(small, d.label);
        }
    }

    #[test]
    fn the_published_labels_name_desks_of_the_table() {
        let (reference, desks) = desks(1e4);
        let labels: Vec<&str> = std::iter::once(&reference).chain(&desks).map(|d| d.label.as_str()).collect();
        for label in [
            agents_label(12, 1, false),
            agents_label(10_000, 1, false),
            agents_label(12, 3, false),
            agents_label(10_000, 3, false),
            agents_label(12, 1, true),
            agents_label(1000, 1, true),
            queues_label(1),
            queues_label(400),
            TEAMS_LABEL.to_string(),
            POOLED_TEAMS_LABEL.to_string(),
        ] {
            assert!(labels.contains(&label.as_str()), "{label:?} is not a desk of the table: {labels:?}");
        }
        assert_eq!(reference.label, "12 agents, phone");
        assert!(!labels.contains(&LOOP_LABEL), "the minimal loop's label is a desk's too");
    }

    #[test]
    fn every_scaling_desk_is_a_valid_scenario_of_about_the_same_size() {
        let mut desks = vec![
            agents_desk(12, 1, false, 1e4),
            agents_desk(1000, 3, true, 1e4),
            teams_desk(1e4),
            pooled_teams_desk(1e4),
        ];
        desks.extend([1, 400].map(|q| queues_desk(q, 1e4)));
        for d in desks {
            let s = Scenario::from_toml(&d.text, "scaling.toml").unwrap_or_else(|e| panic!("{}: {e}", d.label));
            let weekly: f64 = s.queues.iter().map(|q| q.weekly_volume).sum();
            let tickets = weekly * s.simulation.horizon / (7.0 * 86_400.0);
            assert!((0.5e4..3e4).contains(&tickets), "{}: {tickets}", d.label);
        }
    }
}
