//! The `staff` and `sweep` commands: how many agents, and what headcount buys.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use serde_json::json;

use super::{Options, WORKBOOK, add_charts, out, run_record, scale_guard, size, warnings};
use crate::cli::PlanFor;
use crate::error::InputError;
use crate::experiment;
use crate::report::xlsx::Book;
use crate::report::{self, OutputSet, csv::num, figures, progress};
use crate::scenario::units::{WEEK, format_clock, format_duration, format_week_time};
use crate::scenario::{Scenario, Shift};
use crate::staffing::{self, PlanLevel, Progress, StaffOptions, Staffing};
use rust_xlsxwriter::ChartType;

pub(super) fn staff(
    opts: Options,
    write_to: Option<&Path>,
    force: bool,
    samples: usize,
    plan_for: PlanFor,
) -> anyhow::Result<()> {
    let path = opts.path.as_path();
    let mut scenario = opts.scenario.clone();
    let (formats, size) = (&opts.formats, opts.size);
    if let Some(target) = write_to {
        check_scenario_target(path, target, force)?;
    }
    let options = staffing_options(&opts, &mut scenario, samples, plan_for)?;
    if !opts.quiet {
        for w in warnings(&scenario) {
            eprintln!("warning: {}: {w}", path.display());
        }
    }
    // The same size guard as `run`, on what the search simulates at most.
    let total = staffing::max_replications(&scenario, &options);
    let trial = staffing::search::staffing_scenario(
        &scenario,
        &vec![Vec::new(); scenario.teams.len()],
        scenario.simulation.interval,
        1,
    );
    // Each round keeps its replications' tables until it is judged.
    let round = size::Kept { replications: scenario.simulation.replications as usize, ..size::Kept::ONE };
    scale_guard(path, &trial, total as usize, round, opts.threads, opts.quiet)?;
    let started = Instant::now();
    let bar = progress::bar(total, "staffing", opts.quiet);
    let stage = |what: &str| bar.set_message(what.to_string());
    let tick = || bar.inc(1);
    let progress = Progress { stage: &stage, tick: &tick };
    let st = match (opts.shard, &opts.merged) {
        (Some(shard), _) => {
            if options.samples == 0 {
                return Err(InputError::Argument(format!(
                    "--shard {shard}: staff shards its samples of the uncertain inputs, and {} has none{}; \
                     give ranges (e.g. volume = \"800..1000/day\") and --samples N, or run staff on one machine",
                    path.display(),
                    if scenario.assumptions.is_empty() { "" } else { " (--samples 0)" }
                ))
                .into());
            }
            shard.check(options.samples, "samples")?;
            let part = shard.range(options.samples);
            let answer = staffing::staff_with(&scenario, options, staffing::SampleWork::Part(part), &progress)?;
            bar.finish_and_clear();
            let staffing::Answer::Part { base, samples } = answer else {
                anyhow::bail!("a shard of staff answered the whole analysis");
            };
            let mut header = crate::shard::Header::new(shard, "samples", options.samples, vec![opts.file()]);
            header.context = serde_json::to_value(&base)?;
            return super::merge::write_shard(&opts, header, |frames| samples.iter().try_for_each(|f| frames.write(f)));
        }
        (None, Some(merged)) => {
            match staffing::staff_with(&scenario, options, staffing::SampleWork::Shards(merged), &progress)? {
                staffing::Answer::Whole(st) => *st,
                staffing::Answer::Part { .. } => anyhow::bail!("a merge of staff answered a part"),
            }
        }
        (None, None) => staffing::staff(&scenario, options, &progress)?,
    };
    bar.finish_and_clear();
    let shortfalls: Vec<String> = shortfall_lines(&scenario, &st);
    if !opts.quiet {
        for line in &shortfalls {
            eprintln!("warning: {}: {line}", path.display());
        }
    }

    let dir = &opts.out;
    let mut set = OutputSet::folder(dir);
    let tables = [
        ("Staffing", "staffing.csv", staffing_csv(&scenario, &st)?),
        ("Totals", "staffing_totals.csv", totals_csv(&scenario, &st)?),
        ("Schedule", "schedule.csv", schedule_csv(&scenario, &st)?),
        ("Drivers", "drivers.csv", drivers_csv(&scenario, &st)?),
    ];
    let mut book = opts.workbook.then(Book::new);
    for (sheet, file, bytes) in &tables {
        if let Some(book) = &mut book {
            book.table(sheet, file, bytes)?;
        }
        set.add(file, bytes.clone());
    }
    let mut charts = vec![figures::staffing(&scenario, &st, None)];
    if scenario.teams.len() > 1 {
        charts.extend((0..scenario.teams.len()).map(|t| figures::staffing(&scenario, &st, Some(t))));
    }
    charts.push(figures::staffing_heatmap(&scenario, &st, None));
    if scenario.teams.len() > 1 {
        charts.extend((0..scenario.teams.len()).map(|t| figures::staffing_heatmap(&scenario, &st, Some(t))));
    }
    let chart_files = add_charts(&mut set, &charts, formats, size)?;
    // The schedule as a scenario: run it to learn the service level it promises.
    let body = staffing::write_scenario(&opts.text, &scenario, &st)?;
    let label = write_to.map_or_else(|| "the scheduled scenario".to_string(), |p| p.display().to_string());
    let mut scheduled = Scenario::from_toml(&body, &label)?;
    // The overrides of the command line hold for the promise too.
    scheduled.simulation.replications = opts.scenario.simulation.replications;
    scheduled.simulation.seed = opts.scenario.simulation.seed;
    scheduled.simulation.clear_below = opts.scenario.simulation.clear_below;
    scheduled.policy = scenario.policy;
    // The promise is for the week the roster was built for: a typical week,
    // without the initial backlog (a crisis is not a typical week). When the
    // scenario has one, the written scenario is also run as it is.
    let has_backlog = scheduled.queues.iter().any(|q| q.initial_backlog.is_some());
    let mut typical = scheduled.clone();
    for q in &mut typical.queues {
        q.initial_backlog = None;
    }
    let plan = experiment::Plan { policy: scheduled.policy, threads: opts.threads };
    let promised = experiment::run(&typical, plan, &|| {})?;
    let promised_csv = report::csv::summary(&promised.queues)?;
    let with_backlog = if has_backlog { Some(experiment::run(&scheduled, plan, &|| {})?) } else { None };
    if let Some(mut book) = book {
        book.table("Promised", "promised.csv", &promised_csv)?;
        if let Some(b) = &with_backlog {
            book.table("Promised with backlog", "promised_with_backlog.csv", &report::csv::summary(&b.queues)?)?;
        }
        book.required_vs_scheduled("required and scheduled agents per interval (all teams)");
        book.service_level_by_queue("Promised", "service level the schedule promises, by queue");
        set.add(WORKBOOK, book.finish()?);
    }
    set.add("promised.csv", promised_csv);
    if let Some(b) = &with_backlog {
        set.add("promised_with_backlog.csv", report::csv::summary(&b.queues)?);
    }
    if opts.report {
        let mut beside: Vec<String> = tables.iter().map(|(_, f, _)| f.to_string()).collect();
        beside.push("promised.csv".into());
        if with_backlog.is_some() {
            beside.push("promised_with_backlog.csv".into());
        }
        beside.push("run.json".into());
        beside.extend(chart_files.iter().cloned());
        let page = super::pages::staff(&opts, &st, &promised, &shortfalls, &charts, &tables, beside)?;
        set.add_streamed(super::pages::REPORT, |w| page.write_to(w));
    }
    let written = write_to.map(|p| (p.to_path_buf(), body.clone()));
    let wall = started.elapsed().as_secs_f64();
    set.add("run.json", report::json::to_bytes(&run_record(&opts, &[scenario.policy], wall))?);
    set.commit()?;
    if let Some((p, body)) = &written {
        let parent = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let mut one = OutputSet::new(parent);
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| InputError::Argument(format!("{} is not a file path", p.display())))?;
        one.add(name, body.clone().into_bytes());
        one.commit()?;
    }

    if opts.json {
        let teams: Vec<_> = (0..scenario.teams.len()).map(|t| team_json(&scenario, &st, t)).collect();
        let v = json!({
            "scenario": scenario.name,
            "interval_s": st.slot_len,
            "iterations": st.iterations,
            "intervals_meeting_sla": { "simulated": st.met.0, "erlang": st.erlang_met.0, "judged": st.met.1 },
            "plan_for": if st.samples > 0 { st.plan_for.name() } else { "requirement" },
            "shortfalls": shortfalls,
            "drivers": driver_lines(&scenario, &st),
            "promised": promised.queues.iter().map(report::json::queue_row).collect::<Vec<_>>(),
            "teams": teams,
            "output_dir": dir.display().to_string(),
        });
        return out(&String::from_utf8(report::json::to_bytes(&v)?)?);
    }
    let mut t = format!(
        "{}: staffing for a typical week in {} intervals ({} simulation rounds over {} blocks of intervals{})\n\n",
        scenario.name,
        format_duration(st.slot_len),
        st.iterations,
        st.blocks,
        if st.samples > 0 {
            format!(", {} samples of {} uncertain inputs", st.samples, scenario.assumptions.len())
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        t,
        "{:<14} {:>5} {:>10} {:>11} {:>11} {:>8} {:>12} {:>10} {:>7}",
        "team", "peak", "peak at", "agent-h/wk", "Erlang h/wk", "FTE work", "shift paid h", "FTE shifts", "LP gap"
    );
    for (i, team) in scenario.teams.iter().enumerate() {
        let slots = &st.teams[i];
        let (peak_k, peak) = slots
            .iter()
            .enumerate()
            .map(|(k, x)| (k, x.planned))
            .max_by_key(|x| (x.1, std::cmp::Reverse(x.0)))
            .unwrap_or((0, 0));
        let hours = st.agent_hours(slots.iter().map(|x| f64::from(x.planned)));
        let erlang = st.agent_hours(slots.iter().map(|x| f64::from(x.erlang_agents)));
        let fte = hours / (team.hours_per_week * (1.0 - team.shrinkage));
        let sch = &st.schedules[i];
        let gap = if sch.lower_bound > 0.0 {
            format!("{:.1}%", 100.0 * (sch.paid_hours / sch.lower_bound - 1.0))
        } else {
            "-".into()
        };
        let name: String = team.name.chars().take(14).collect();
        let _ = writeln!(
            t,
            "{:<14} {:>5} {:>10} {:>11.0} {:>11.0} {:>8.1} {:>12.0} {:>10.1} {:>7}",
            name,
            peak,
            format_week_time(peak_k as f64 * st.slot_len),
            hours,
            erlang,
            fte,
            sch.paid_hours,
            sch.paid_hours / (team.hours_per_week * (1.0 - team.shrinkage)),
            gap
        );
        if st.samples > 0 {
            let p10 = st.agent_hours(slots.iter().map(|x| f64::from(x.band.map_or(0, |b| b.p10))));
            let p90 = st.agent_hours(slots.iter().map(|x| f64::from(x.band.map_or(0, |b| b.p90))));
            let mid = st.agent_hours(slots.iter().map(|x| f64::from(x.required)));
            let peak90 = slots.iter().map(|x| x.band.map_or(0, |b| b.p90)).max().unwrap_or(0);
            let _ = writeln!(
                t,
                "{:<14} uncertain inputs: {p10:.0}-{p90:.0} agent-hours/week (P10-P90; {mid:.0} at the midpoints), peak up to {peak90} at P90; the roster covers {}",
                "",
                st.plan_for.name().to_uppercase()
            );
        }
    }
    let pct = |(a, b): (usize, usize)| if b > 0 { 100.0 * a as f64 / b as f64 } else { 100.0 };
    let _ = writeln!(
        t,
        "\nintervals of the week (fresh random numbers), planned staffing: {} of {} ({:.0}%) not significantly below every target, {} at or above by the estimate; per-interval Erlang: {} ({:.0}%) and {}",
        st.met.0,
        st.met.1,
        pct(st.met),
        st.met_estimate.0,
        st.erlang_met.0,
        pct(st.erlang_met),
        st.erlang_met_estimate.0,
    );
    let _ = writeln!(
        t,
        "(the intervals whose customers staffing decides: those arriving while their queue is open, or waiting for a business-hours opening)"
    );
    let _ = writeln!(t, "FTE = hours / (hours_per_week x (1 - shrinkage)); the shifts are in schedule.csv");
    if !st.drivers.is_empty() {
        let _ = writeln!(t, "\nwhat drives the peaks (drivers.csv):");
        for line in driver_lines(&scenario, &st) {
            let _ = writeln!(t, "  {line}");
        }
    }
    for line in &shortfalls {
        let _ = writeln!(t, "\nWARNING: {line}");
    }
    let _ = writeln!(
        t,
        "\nwith the scheduled shifts, a typical week ({} replications, promised.csv):",
        scheduled.simulation.replications
    );
    for line in promise_lines(&scenario, &promised.queues) {
        let _ = writeln!(t, "  {line}");
    }
    if let Some(b) = &with_backlog {
        let _ = writeln!(t, "the same shifts with the scenario's initial backlog (promised_with_backlog.csv):");
        for q in &b.queues[..b.queues.len().saturating_sub(1)] {
            let _ = writeln!(
                t,
                "  {:<16} all customers {}, the backlog's {}, new arrivals {}",
                q.queue,
                report::table::service_level_cell(&q.service_level),
                report::table::service_level_cell(&q.service_level_backlog),
                report::table::service_level_cell(&q.service_level_new)
            );
        }
    }
    if let Some((p, _)) = &written {
        let _ = writeln!(t, "scenario with these shifts: {} (check it: staffsim run {})", p.display(), p.display());
    }
    let _ = writeln!(
        t,
        "written to {}/: {}staffing.csv staffing_totals.csv schedule.csv drivers.csv promised.csv{}{} run.json\ncharts: {}",
        dir.display(),
        if opts.report { "report.html " } else { "" },
        if with_backlog.is_some() { " promised_with_backlog.csv" } else { "" },
        if opts.workbook { format!(" {WORKBOOK}") } else { String::new() },
        super::chart_list(&chart_files)
    );
    out(&t)
}

/// What `staff` and `plan` check and settle before a staffing search: an
/// interval that divides the week, at most 200 samples, at most 10
/// replications unless `--replications` says otherwise (applied to
/// `scenario`), and the search's options.
pub(super) fn staffing_options(
    opts: &Options,
    scenario: &mut Scenario,
    samples: usize,
    plan_for: PlanFor,
) -> Result<StaffOptions, InputError> {
    let per_week = WEEK / scenario.simulation.interval;
    if (per_week - per_week.round()).abs() > 1e-9 {
        return Err(InputError::Argument(format!(
            "{}: simulation.interval must divide a week for staffing (e.g. \"30m\" or \"1h\")",
            opts.path.display()
        )));
    }
    if samples > 200 {
        return Err(InputError::Argument(format!("--samples {samples} must be at most 200")));
    }
    if !opts.replications_given {
        scenario.simulation.replications = scenario.simulation.replications.min(10);
    }
    Ok(StaffOptions {
        policy: scenario.policy,
        replications: scenario.simulation.replications,
        threads: opts.threads,
        samples: if scenario.assumptions.is_empty() { 0 } else { samples },
        plan_for: match plan_for {
            PlanFor::P50 => PlanLevel::P50,
            PlanFor::P80 => PlanLevel::P80,
            PlanFor::P90 => PlanLevel::P90,
        },
    })
}

/// `--write-scenario PATH`: never the scenario being read, and an existing
/// file only with `--force`; checked before any work.
fn check_scenario_target(input: &Path, target: &Path, force: bool) -> Result<(), InputError> {
    let same = match (std::fs::canonicalize(input), std::fs::canonicalize(target)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        return Err(InputError::Exists(format!(
            "--write-scenario {}: that is the scenario being staffed; write the staffed scenario to another file",
            target.display()
        )));
    }
    if target.exists() && !target.is_file() {
        return Err(InputError::Exists(format!(
            "--write-scenario {}: exists and is not a regular file; give the path of a .toml file",
            target.display()
        )));
    }
    if target.exists() && !force {
        return Err(InputError::Exists(format!(
            "--write-scenario {} already exists; choose another path or add --force to overwrite it",
            target.display()
        )));
    }
    Ok(())
}

fn team_json(s: &Scenario, st: &Staffing, t: usize) -> serde_json::Value {
    let team = &s.teams[t];
    let hours = st.agent_hours(st.teams[t].iter().map(|x| f64::from(x.planned)));
    json!({
        "team": team.name,
        "required_agents": st.teams[t].iter().map(|x| x.required).collect::<Vec<_>>(),
        "planned_agents": st.teams[t].iter().map(|x| x.planned).collect::<Vec<_>>(),
        "erlang_agents": st.teams[t].iter().map(|x| x.erlang_agents).collect::<Vec<_>>(),
        "agent_hours_per_week": hours,
        "fte": hours / (team.hours_per_week * (1.0 - team.shrinkage)),
        "scheduled_paid_hours": st.schedules[t].paid_hours,
        "lp_bound_hours": st.schedules[t].lower_bound,
    })
}

fn write(header: &[&str], rows: Vec<Vec<String>>) -> anyhow::Result<Vec<u8>> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(header)?;
    for r in rows {
        w.write_record(&r)?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

/// `staffing.csv`: per interval of the week, a row per queue, per team and for the desk.
pub fn staffing_csv(s: &Scenario, st: &Staffing) -> anyhow::Result<Vec<u8>> {
    let mut rows = Vec::new();
    let banded = st.samples > 0;
    for k in 0..st.slots() {
        let label = format_week_time(k as f64 * st.slot_len);
        for (q, queue) in s.queues.iter().enumerate() {
            let x = &st.queues[q][k];
            let mut row = vec![String::new(); 21];
            row[0] = label.clone();
            row[1] = "queue".into();
            row[2] = queue.name.clone();
            row[3] = num(Some(x.load), 3);
            row[4] = num(Some(x.callbacks), 3);
            row[5] = x.erlang_agents.to_string();
            row[13] = num(x.service_level.mean.filter(|_| x.judged), 4);
            row[14] = num(x.service_level.ci95.filter(|_| x.judged), 4);
            row[15] = num(x.erlang_service_level.mean.filter(|_| x.judged), 4);
            row[18] = num(x.asa_s.mean.filter(|_| x.judged), 1);
            row[19] = num(x.asa_s.ci95.filter(|_| x.judged), 1);
            row[20] = num(x.erlang_asa_s.mean.filter(|_| x.judged), 1);
            rows.push(row);
        }
        let mut total = (0.0, 0u32, 0u32, 0.0, staffing::Band::default(), 0u32);
        for (t, team) in s.teams.iter().enumerate() {
            let x = &st.teams[t][k];
            total.0 += x.load;
            total.1 += x.erlang_agents;
            total.2 += x.required;
            total.3 += x.scheduled;
            total.5 += x.planned;
            if let Some(b) = x.band {
                total.4 = staffing::Band {
                    p10: total.4.p10 + b.p10,
                    p50: total.4.p50 + b.p50,
                    p80: total.4.p80 + b.p80,
                    p90: total.4.p90 + b.p90,
                };
            }
            rows.push(team_row(
                &label,
                "team",
                &team.name,
                x.load,
                x.erlang_agents,
                x.required,
                x.band,
                x.planned,
                x.scheduled,
            ));
        }
        rows.push(team_row(
            &label,
            "all",
            "all",
            total.0,
            total.1,
            total.2,
            banded.then_some(total.4),
            total.5,
            total.3,
        ));
    }
    write(
        &[
            "interval_start",
            "kind",
            "name",
            "load_erlangs",
            "callbacks",
            "erlang_agents",
            "required_agents",
            "required_p10",
            "required_p50",
            "required_p80",
            "required_p90",
            "planned_agents",
            "scheduled_agents",
            "service_level",
            "service_level_ci95",
            "erlang_service_level",
            "over_coverage",
            "under_coverage",
            "asa_s",
            "asa_s_ci95",
            "erlang_asa_s",
        ],
        rows,
    )
}

#[allow(clippy::too_many_arguments)]
fn team_row(
    label: &str,
    kind: &str,
    name: &str,
    load: f64,
    erlang: u32,
    required: u32,
    band: Option<staffing::Band>,
    planned: u32,
    scheduled: f64,
) -> Vec<String> {
    let b = |f: fn(staffing::Band) -> u32| band.map_or(String::new(), |x| f(x).to_string());
    vec![
        label.to_string(),
        kind.into(),
        name.to_string(),
        num(Some(load), 3),
        String::new(),
        erlang.to_string(),
        required.to_string(),
        b(|x| x.p10),
        b(|x| x.p50),
        b(|x| x.p80),
        b(|x| x.p90),
        planned.to_string(),
        num(Some(scheduled), 2),
        String::new(),
        String::new(),
        String::new(),
        num(Some((scheduled - f64::from(planned)).max(0.0)), 2),
        num(Some((f64::from(planned) - scheduled).max(0.0)), 2),
        String::new(),
        String::new(),
        String::new(),
    ]
}

/// `drivers.csv`: the peaks of each team's plan, the queue and target that
/// set them, and what they cost.
pub fn drivers_csv(s: &Scenario, st: &Staffing) -> anyhow::Result<Vec<u8>> {
    let rows = st
        .drivers
        .iter()
        .map(|d| {
            vec![
                s.teams[d.team].name.clone(),
                format_week_time(d.slot as f64 * st.slot_len),
                format_duration(d.slots.len() as f64 * st.slot_len),
                d.peak.to_string(),
                d.base.to_string(),
                s.queues[d.queue].name.clone(),
                num(d.sla.target, 3),
                format_duration(d.sla.within),
                d.sla.average.map(format_duration).unwrap_or_default(),
                num(Some(d.cost_fte), 2),
                format_duration(d.relaxed.within),
                d.relaxed.average.map(format_duration).unwrap_or_default(),
                num(Some(d.relaxed_cost_fte), 2),
            ]
        })
        .collect();
    write(
        &[
            "team",
            "peak_at",
            "peak_length",
            "peak_agents",
            "day_median_agents",
            "queue",
            "sla_target",
            "sla_within",
            "sla_average",
            "cost_fte",
            "relaxed_sla_within",
            "relaxed_sla_average",
            "relaxed_cost_fte",
        ],
        rows,
    )
}

/// One sentence per driver: "email 80%/1h at Mon 09:00 sets a peak of 24
/// agents (day's median 8) in team inbox: it costs 6.0 FTE; at 2h: 1.0 FTE".
pub fn driver_lines(s: &Scenario, st: &Staffing) -> Vec<String> {
    st.drivers
        .iter()
        .map(|d| {
            let queue = &s.queues[d.queue];
            let hint = if d.waits_behind_closed_hours {
                "; the tickets that arrived while it was closed are ahead of new ones in the line: discipline = \"sla-first\" (new tickets that can still make it first) or sla_clock = \"business\" lowers it"
            } else {
                ""
            };
            format!(
                "{} {} at {} sets a peak of {} agents in team {} (the day's median is {}): it costs {:.1} FTE; with {} it would cost {:.1} FTE{hint}",
                queue.name,
                short_sla(&d.sla),
                format_week_time(d.slot as f64 * st.slot_len),
                d.peak,
                s.teams[d.team].name,
                d.base,
                d.cost_fte,
                short_sla(&d.relaxed),
                d.relaxed_cost_fte
            )
        })
        .collect()
}

/// "80%/1h", "avg 10m", "80%/1h avg 10m": an SLA in a driver's line.
fn short_sla(sla: &crate::scenario::Sla) -> String {
    let mut parts = Vec::new();
    if let Some(t) = sla.target {
        parts.push(format!("{:.0}%/{}", t * 100.0, format_duration(sla.within)));
    }
    if let Some(a) = sla.average {
        parts.push(format!("avg {}", format_duration(a)));
    }
    parts.join(" ")
}

/// One line per queue of the promise: the service level of the customers
/// staffing decides (those arriving while the queue is open; everyone on a
/// business-hours SLA clock) against the target, then all customers, with
/// the after-hours contacts counted apart from those who gave up. An
/// average target is judged on every answered customer's wait (those who
/// wrote at night are answered at opening like the rest).
pub fn promise_lines(s: &Scenario, rows: &[crate::stats::QueueSummary]) -> Vec<String> {
    rows.iter()
        .zip(&s.queues)
        .map(|(q, queue)| {
            let business = queue.sla_clock == crate::scenario::SlaClock::Business;
            let decided = if business || q.after_hours == 0.0 { &q.service_level } else { &q.service_level_open };
            // The mean wait is of every answered customer: the after-hours
            // ones are answered at opening like the rest.
            let verdict = match queue.sla.met(decided.mean, q.asa_s.mean) {
                Some(true) => "met",
                Some(false) => "MISSED",
                None => "",
            };
            let whose = if business || q.after_hours == 0.0 { "all customers" } else { "arriving while open" };
            let average = report::headline::wait_with_ci(&q.asa_s);
            let mut line = match (queue.sla.target, queue.sla.average) {
                (Some(t), None) => format!(
                    "{:<16} {:.0}%/{:<5} {whose} {} {verdict}",
                    q.queue,
                    t * 100.0,
                    format_duration(queue.sla.within),
                    report::table::service_level_cell(decided)
                ),
                (Some(_), Some(_)) => format!(
                    "{:<16} {} {whose} {}, answered customers' mean wait {average} {verdict}",
                    q.queue,
                    short_sla(&queue.sla),
                    report::table::service_level_cell(decided)
                ),
                (None, _) => format!(
                    "{:<16} {} answered customers' mean wait {average} {verdict}",
                    q.queue,
                    short_sla(&queue.sla)
                ),
            };
            if q.after_hours > 0.0 && queue.sla.target.is_none() {
                let _ = write!(line, " ({:.0} of {:.0} arrived after hours)", q.after_hours, q.offered);
            } else if q.after_hours > 0.0 && !business {
                let _ = write!(
                    line,
                    "; all customers {} ({:.0} of {:.0} arrived after hours",
                    report::table::service_level_cell(&q.service_level),
                    q.after_hours,
                    q.offered
                );
                if q.closed > 0.0 {
                    let _ =
                        write!(line, ", {:.0} of them reached the closed line: not customers who gave up", q.closed);
                }
                line.push(')');
            }
            line
        })
        .collect()
}

/// One line per team whose schedule leaves intervals short of the plan.
pub fn shortfall_lines(s: &Scenario, st: &Staffing) -> Vec<String> {
    let mut lines = Vec::new();
    for (t, sch) in st.schedules.iter().enumerate() {
        if sch.shortfalls.is_empty() {
            continue;
        }
        let missing: u32 = sch.shortfalls.iter().map(|x| x.required - x.covered).sum();
        let worst: Vec<String> = sch
            .shortfalls
            .iter()
            .take(6)
            .map(|x| format!("{} ({} of {})", format_week_time(x.slot as f64 * st.slot_len), x.covered, x.required))
            .collect();
        lines.push(format!(
            "team \"{}\": the shift templates cannot cover {} interval(s), {} agent-intervals short: {}{}; add a template (or a break window such as \"+3h..+5h 30m\") that is on duty then",
            s.teams[t].name,
            sch.shortfalls.len(),
            missing,
            worst.join(", "),
            if sch.shortfalls.len() > 6 { ", ..." } else { "" }
        ));
    }
    lines
}

/// `staffing_totals.csv`: per team, agent-hours and FTE.
pub fn totals_csv(s: &Scenario, st: &Staffing) -> anyhow::Result<Vec<u8>> {
    let rows = s
        .teams
        .iter()
        .enumerate()
        .map(|(t, team)| {
            let slots = &st.teams[t];
            let hours = st.agent_hours(slots.iter().map(|x| f64::from(x.planned)));
            let fte_of = |h: f64| h / (team.hours_per_week * (1.0 - team.shrinkage));
            let sch = &st.schedules[t];
            let band = |f: fn(staffing::Band) -> u32| {
                (st.samples > 0).then(|| st.agent_hours(slots.iter().map(|x| f64::from(x.band.map_or(0, f)))))
            };
            vec![
                team.name.clone(),
                num(Some(hours), 1),
                num(Some(st.agent_hours(slots.iter().map(|x| f64::from(x.erlang_agents)))), 1),
                slots.iter().map(|x| x.planned).max().unwrap_or(0).to_string(),
                num(Some(team.shrinkage), 3),
                num(Some(team.hours_per_week), 1),
                num(Some(fte_of(hours)), 2),
                num(band(|b| b.p10), 1),
                num(band(|b| b.p90), 1),
                num(Some(sch.paid_hours), 1),
                num(Some(fte_of(sch.paid_hours)), 2),
                num(Some(sch.lower_bound), 1),
                sch.optimal.to_string(),
            ]
        })
        .collect();
    write(
        &[
            "team",
            "agent_hours_per_week",
            "erlang_agent_hours_per_week",
            "peak_agents",
            "shrinkage",
            "hours_per_week",
            "fte",
            "agent_hours_p10",
            "agent_hours_p90",
            "scheduled_paid_hours",
            "scheduled_fte",
            "lp_bound_paid_hours",
            "proven_optimal",
        ],
        rows,
    )
}

/// `schedule.csv`: how many agents work each shift.
pub fn schedule_csv(s: &Scenario, st: &Staffing) -> anyhow::Result<Vec<u8>> {
    let mut rows = Vec::new();
    for (t, team) in s.teams.iter().enumerate() {
        for x in &st.schedules[t].shifts {
            rows.push(vec![
                team.name.clone(),
                x.days_text.clone(),
                format_clock(x.start),
                format_duration(x.length),
                x.break_texts().join(" "),
                x.agents.to_string(),
                num(Some(f64::from(x.agents) * x.paid_hours()), 1),
            ]);
        }
    }
    write(&["team", "days", "start", "length", "breaks", "agents", "paid_hours_per_week"], rows)
}

/// Parses "8..20", "8..20:2" or "8,10,12".
fn headcounts(text: &str) -> Result<Vec<u32>, String> {
    let bad = || format!("--agents \"{text}\": expected FROM..TO, FROM..TO:STEP or a list like 8,10,12");
    let list: Vec<u32> =
        if let Some((range, step)) = text.split_once(':').or(Some((text, "1"))).filter(|_| text.contains("..")) {
            let (a, b) = range.split_once("..").ok_or_else(bad)?;
            let (a, b, step): (u32, u32, u32) = (
                a.trim().parse().map_err(|_| bad())?,
                b.trim().parse().map_err(|_| bad())?,
                step.trim().parse().map_err(|_| bad())?,
            );
            if step == 0 || b < a {
                return Err(bad());
            }
            (a..=b).step_by(step as usize).collect()
        } else {
            text.split(',').map(|x| x.trim().parse::<u32>().map_err(|_| bad())).collect::<Result<_, _>>()?
        };
    if list.is_empty() || list.len() > 200 {
        return Err(format!("--agents \"{text}\": give between 1 and 200 headcounts"));
    }
    Ok(list)
}

/// The scenario with team `t` at `n` agents: its shift rows (overtime
/// excepted) keep their proportions (largest remainders), or all `n` are on
/// duty around the clock when it had no shifts.
pub fn with_headcount(s: &Scenario, t: usize, n: u32) -> Scenario {
    let mut v = s.clone();
    let team = &mut v.teams[t];
    let rows: Vec<usize> = (0..team.shifts.len()).filter(|&i| !team.shifts[i].overtime).collect();
    let total: u32 = rows.iter().map(|&i| team.shifts[i].agents).sum();
    if rows.is_empty() {
        team.shifts.push(Shift {
            label: "always".into(),
            agents: n,
            duty: crate::scenario::WeeklySpans::always(),
            attendance: crate::scenario::WeeklySpans::always(),
            overtime: false,
            dated: None,
            temporary: false,
            outbound_only: false,
        });
        return v;
    }
    if total == 0 {
        for (j, &i) in rows.iter().enumerate() {
            team.shifts[i].agents = if j == 0 { n } else { 0 };
        }
        return v;
    }
    let exact: Vec<f64> =
        rows.iter().map(|&i| f64::from(team.shifts[i].agents) * f64::from(n) / f64::from(total)).collect();
    let mut given: Vec<u32> = exact.iter().map(|x| x.floor() as u32).collect();
    let mut left = n - given.iter().sum::<u32>();
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())).then(a.cmp(&b)));
    for &j in order.iter().cycle() {
        if left == 0 {
            break;
        }
        given[j] += 1;
        left -= 1;
    }
    for (j, &i) in rows.iter().enumerate() {
        team.shifts[i].agents = given[j];
    }
    v
}

pub(super) fn sweep(opts: &Options, team_name: &str, agents: &str) -> anyhow::Result<()> {
    let (path, scenario, formats, size) = (opts.path.as_path(), &opts.scenario, &opts.formats, opts.size);
    let Some(t) = scenario.team_index(team_name) else {
        let names: Vec<&str> = scenario.teams.iter().map(|t| t.name.as_str()).collect();
        return Err(InputError::Argument(format!(
            "--team \"{team_name}\" is not a team of {}; teams: {}{}",
            path.display(),
            names.join(", "),
            crate::scenario::suggest::did_you_mean(team_name, names.iter().copied())
        ))
        .into());
    };
    let counts = headcounts(agents).map_err(InputError::Argument)?;
    let kept = size::Kept { summaries: counts.len(), ..size::Kept::ONE };
    scale_guard(path, scenario, counts.len(), kept, opts.threads, opts.quiet)?;
    let started = Instant::now();
    let variants: Vec<Scenario> = counts.iter().map(|&n| with_headcount(scenario, t, n)).collect();
    let runs: Vec<(&Scenario, crate::scenario::Policy)> = variants.iter().map(|v| (v, scenario.policy)).collect();
    if let Some(shard) = opts.shard {
        return super::merge::shard_replications(opts, shard, &runs, vec![opts.file()]);
    }
    let bar =
        progress::bar(u64::from(scenario.simulation.replications) * counts.len() as u64, "replications", opts.quiet);
    let summaries = experiment::variants(&runs, opts.source(), &|| bar.inc(1))?;
    bar.finish_and_clear();
    let pairs: Vec<(u32, &crate::stats::RunSummary)> = counts.iter().copied().zip(&summaries).collect();

    let dir = &opts.out;
    let mut set = OutputSet::folder(dir);
    let parts: Vec<(String, Vec<u8>)> = pairs
        .iter()
        .map(|(n, r)| Ok((n.to_string(), report::csv::summary(&r.queues)?)))
        .collect::<anyhow::Result<_>>()?;
    let summary_csv = report::csv::with_leading_column("agents", &parts)?;
    if opts.workbook {
        let mut book = Book::new();
        book.table("Summary", "summary.csv", &summary_csv)?;
        book.service_level_by_group(
            "agents",
            &format!("service level by queue as {team_name}'s agents vary"),
            ChartType::Line,
        );
        set.add(WORKBOOK, book.finish()?);
    }
    set.add("summary.csv", summary_csv);
    let drawn = [figures::sweep(scenario, team_name, &pairs), figures::sweep_asa(scenario, team_name, &pairs)];
    let charts = add_charts(&mut set, &drawn, formats, size)?;
    let first_ok = pairs
        .iter()
        .find(|(_, r)| r.queues[..r.queues.len() - 1].iter().all(|q| q.meets_target() != Some(false)))
        .map(|p| p.0);
    if opts.report {
        let mut beside = vec!["summary.csv".to_string(), "run.json".to_string()];
        if opts.workbook {
            beside.push(WORKBOOK.to_string());
        }
        beside.extend(charts.iter().cloned());
        let page = super::pages::sweep(opts, team_name, &pairs, first_ok, &drawn, beside)?;
        set.add_streamed(super::pages::REPORT, |w| page.write_to(w));
    }
    let wall = started.elapsed().as_secs_f64();
    set.add("run.json", report::json::to_bytes(&run_record(opts, &[scenario.policy], wall))?);
    set.commit()?;

    if opts.json {
        let v = json!({
            "scenario": scenario.name,
            "team": team_name,
            "fewest_agents_meeting_all_targets": first_ok,
            "runs": pairs.iter().map(|(n, r)| json!({"agents": n, "queues": r.queues.iter().map(report::json::queue_row).collect::<Vec<_>>()})).collect::<Vec<_>>(),
        });
        return out(&String::from_utf8(report::json::to_bytes(&v)?)?);
    }
    let mut text = format!(
        "{}: team {team_name} from {} to {} agents, {} replications each, same tickets for every headcount\n\n",
        scenario.name,
        counts.first().unwrap_or(&0),
        counts.last().unwrap_or(&0),
        scenario.simulation.replications
    );
    let names: Vec<&str> = scenario.queues.iter().map(|q| q.name.as_str()).collect();
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(6).clamp(7, 12);
    let shown = names.len().min(5);
    let _ = write!(text, "{:>6}", "agents");
    for n in &names[..shown] {
        let n: String = n.chars().take(width).collect();
        let _ = write!(text, " {n:>width$}");
    }
    let _ = writeln!(text, " {:>8} {:>8} {:>7}", "ASA", "abandon", "occup.");
    for (n, r) in &pairs {
        let _ = write!(text, "{n:>6}");
        for q in &r.queues[..shown] {
            let mark = match q.meets_target() {
                Some(true) => "",
                Some(false) => "!",
                None => "",
            };
            // An average-only queue is judged on its mean wait: show that.
            let cell = if q.sla_target.is_none() && q.asa_target_s.is_some() {
                q.asa_s.mean.map_or("-".into(), |v| format!("{}{mark}", crate::scenario::units::format_wait(v)))
            } else {
                q.service_level.mean.map_or("-".into(), |v| format!("{:.1}%{mark}", v * 100.0))
            };
            let _ = write!(text, " {cell:>width$}");
        }
        let desk = r.queues.last();
        let _ = writeln!(
            text,
            " {:>8} {:>8} {:>7}",
            desk.and_then(|d| d.asa_s.mean).map_or("-".into(), crate::scenario::units::format_wait),
            desk.and_then(|d| d.abandon_rate.mean).map_or("-".into(), |v| format!("{:.1}%", v * 100.0)),
            desk.and_then(|d| d.occupancy.mean).map_or("-".into(), |v| format!("{:.0}%", v * 100.0)),
        );
    }
    let _ = writeln!(
        text,
        "(service level per queue, or the mean wait of a queue with only an average target; ! = a target missed)"
    );
    match first_ok {
        Some(n) => {
            let _ = writeln!(text, "\nfewest agents in {team_name} meeting every SLA target: {n}");
        }
        None => {
            let _ = writeln!(text, "\nno headcount in this range meets every SLA target");
        }
    }
    let _ = writeln!(
        text,
        "written to {}/: {}summary.csv{} run.json\ncharts: {}",
        dir.display(),
        if opts.report { "report.html " } else { "" },
        if opts.workbook { format!(" {WORKBOOK}") } else { String::new() },
        super::chart_list(&charts)
    );
    out(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headcount_ranges() {
        assert_eq!(headcounts("8..12").unwrap(), vec![8, 9, 10, 11, 12]);
        assert_eq!(headcounts("8..14:3").unwrap(), vec![8, 11, 14]);
        assert_eq!(headcounts("5, 7,9").unwrap(), vec![5, 7, 9]);
        assert!(headcounts("12..8").is_err());
        assert!(headcounts("a..b").is_err());
        assert!(headcounts("8..12:0").is_err());
    }
}
