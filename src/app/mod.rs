//! What each command does: turns parsed flags into a validated scenario, runs
//! the experiment, and hands results to the report layer. Results go to
//! stdout, messages to stderr.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use serde_json::json;

use crate::cli::{Cli, Command};
use crate::error::InputError;
use crate::experiment;
use crate::report::chart::{self, Chart, ImageFormat};
use crate::report::xlsx::{self, Book};
use crate::report::{self, OutputSet, figures, progress};
use crate::scenario::units::{self, format_duration, format_utc_offset};
use crate::scenario::{Policy, Scenario};

mod bench;
mod calculator;
mod fit;
mod guided;
mod merge;
pub mod options;
mod pages;
mod plan;
mod scaling;
mod size;
mod staff;
mod whatif;

pub use options::Options;
/// What selects one desk of `bench`'s scaling table, and how many tickets it
/// holds, for the instruction-count tests.
pub use scaling::{LOOP_LABEL, ONLY_ENV, POOLED_TEAMS_LABEL, TEAMS_LABEL, TICKETS_ENV, agents_label, queues_label};

/// The workbook's file name in every output folder.
pub(crate) const WORKBOOK: &str = "staffsim.xlsx";

/// The starter scenario written by `init`.
pub const STARTER: &str = include_str!("../scenario/starter.toml");

/// Runs one command.
pub fn execute(cli: Cli) -> anyhow::Result<()> {
    report::table::set_color(cli.color);
    // Interrupted (Ctrl-C, SIGTERM): remove the temporary files and folders
    // being written, so nothing half-written is left, and exit 130.
    let _ = ctrlc::set_handler(|| {
        if report::remove_in_flight() {
            eprintln!("error: interrupted after the output folder was written (it is complete)");
        } else {
            eprintln!("error: interrupted; nothing was written");
        }
        std::process::exit(130);
    });
    let result = dispatch(cli);
    if std::env::var_os(bench::PEAK_ENV).is_some()
        && let Some(kib) = bench::peak_rss_kib()
    {
        eprintln!("peak_rss_kib: {kib}");
    }
    result
}

fn dispatch(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Init { path, force, guided } => {
            if guided {
                guided::init(&path, force)
            } else {
                init(&path, force)
            }
        }
        Command::Check { scenario } => check(&scenario),
        Command::Run { scenario, policy, ticket_log, common } => {
            run(&Options::new(&scenario, &common, policy.as_deref(), None)?, ticket_log.as_deref())
        }
        Command::Compare { scenario, variants, policies, rank_by, common } => {
            if variants.is_empty() {
                compare(&Options::new(&scenario, &common, None, Some("compare"))?, &policies, rank_by)
            } else {
                whatif::compare(&scenario, &variants, &common)
            }
        }
        Command::Staff { scenario, write_scenario, samples, plan_for, force, policy, common } => staff::staff(
            Options::new(&scenario, &common, policy.as_deref(), Some("staff"))?,
            write_scenario.as_deref(),
            force,
            samples,
            plan_for,
        ),
        Command::Plan { scenario, samples, plan_for, policy, common } => {
            plan::plan(Options::new(&scenario, &common, policy.as_deref(), Some("plan"))?, samples, plan_for)
        }
        Command::Sweep { scenario, team, agents, policy, common } => {
            staff::sweep(&Options::new(&scenario, &common, policy.as_deref(), Some("sweep"))?, &team, &agents)
        }
        Command::Bench { quick } => out(&bench::run(quick)?),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut command = Cli::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "staffsim", &mut script);
            out(&String::from_utf8_lossy(&script))
        }
        Command::Man => {
            use clap::CommandFactory;
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut page)?;
            out(&String::from_utf8_lossy(&page))
        }
        Command::Merge { shards, out, threads, format, size, quiet } => {
            merge::merge(&shards, merge::Overrides { out, threads, format, size, quiet })
        }
        Command::Erlang(args) => calculator::erlang(&args),
        Command::Fit(args) => fit::fit(&args),
    }
}

/// The one line a panic prints (see `main`): what went wrong and where, and
/// that it is staffsim's fault, not the user's. Out of memory is not a
/// panic: Rust's allocator prints "memory allocation of N bytes failed" and
/// aborts, which is why the size guard refuses absurd runs up front.
pub fn internal_error(payload: &(dyn std::any::Any + Send), location: Option<(&str, u32)>) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown failure".into());
    let at = location.map_or(String::new(), |(file, line)| format!(" (at {file}:{line})"));
    format!(
        "internal error: {}{at}; this is a bug in staffsim, not in your input: please report it with the scenario file",
        what.replace('\n', " ")
    )
}

pub(crate) fn out(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

fn init(path: &Path, force: bool) -> anyhow::Result<()> {
    refuse_overwrite(path, force)?;
    write_text(path, STARTER)?;
    eprintln!("wrote {}; try: staffsim run {}", path.display(), path.display());
    Ok(())
}

/// Refuses a path that is a folder or a device, and an existing file
/// without `force` (`init`, `init --guided`).
fn refuse_overwrite(path: &Path, force: bool) -> anyhow::Result<()> {
    if path.exists() && !path.is_file() {
        return Err(InputError::Exists(format!(
            "{} exists and is not a regular file (a folder or a device); give the path of a new .toml file",
            path.display()
        ))
        .into());
    }
    if path.exists() && !force {
        return Err(InputError::Exists(format!(
            "{} already exists; choose another path or add --force to overwrite it",
            path.display()
        ))
        .into());
    }
    Ok(())
}

/// Writes a scenario text whole or not at all (a temporary file renamed).
fn write_text(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut set = OutputSet::new(path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| InputError::Argument(format!("{} is not a file path", path.display())))?;
    set.add(name, text.as_bytes().to_vec());
    set.commit()?;
    Ok(())
}

/// `run.json`: how a run was made.
pub(crate) fn run_record(opts: &Options, policies: &[Policy], wall: f64) -> serde_json::Value {
    let scenario = &opts.scenario;
    let sim = &scenario.simulation;
    let names: Vec<&str> = policies.iter().map(|&p| scenario.policy_name(p)).collect();
    json!({
        "scenario": scenario.name,
        "scenario_file": opts.path.display().to_string(),
        "scenario_hash": format!("fnv1a64:{:016x}", opts.hash),
        "seed": sim.seed,
        "replications": sim.replications,
        "policy": names.join(","),
        "horizon_s": sim.horizon,
        "warmup_s": sim.warmup,
        "interval_s": sim.interval,
        "clear_below": sim.clear_below,
        "version": env!("CARGO_PKG_VERSION"),
        "wall_time_s": wall,
    })
}

/// Adds every chart in every format to the output set; returns the file names.
pub(crate) fn add_charts(
    set: &mut OutputSet,
    charts: &[Chart],
    formats: &[ImageFormat],
    size: (u32, u32),
) -> anyhow::Result<Vec<String>> {
    use rayon::prelude::*;
    let jobs: Vec<(&Chart, ImageFormat)> = charts.iter().flat_map(|c| formats.iter().map(move |&f| (c, f))).collect();
    let mut names = Vec::new();
    // As many at once as there are threads, each handed to the output set
    // (which writes it out) before the next are drawn: a desk of many
    // queues has dozens of charts, and holding them all cost megabytes.
    for batch in jobs.chunks(rayon::current_num_threads().max(1)) {
        let drawn: Vec<anyhow::Result<(String, Vec<u8>)>> = batch
            .par_iter()
            .map(|&(c, f)| Ok((format!("{}.{}", c.name, f.extension()), chart::render(c, f, size)?)))
            .collect();
        for d in drawn {
            let (name, bytes) = d?;
            set.add(&name, bytes);
            names.push(name);
        }
    }
    Ok(names)
}

/// The chart files written, for the closing lines; none when `--format`
/// asked only for the workbook (its charts are inside it).
pub(crate) fn chart_list(charts: &[String]) -> String {
    if charts.is_empty() { "none as images (see --format)".to_string() } else { charts.join(" ") }
}

fn run(opts: &Options, ticket_log: Option<&Path>) -> anyhow::Result<()> {
    let (path, scenario, formats, size) = (opts.path.as_path(), &opts.scenario, &opts.formats, opts.size);
    if ticket_log.is_some() && opts.shard.is_some() {
        return Err(InputError::Argument(
            "--ticket-log cannot be combined with --shard: run without --shard to write the ticket log".into(),
        )
        .into());
    }
    match ticket_log {
        Some(target) => size::guard_logged(path, scenario, opts.threads, opts.quiet, target).map(|_| ())?,
        None => scale_guard(path, scenario, 1, size::Kept::ONE, opts.threads, opts.quiet)?,
    }
    let mut log = ticket_log.map(report::tickets::TicketLog::create).transpose()?;
    if !opts.quiet {
        for warning in warnings(scenario) {
            eprintln!("warning: {}: {warning}", path.display());
        }
    }
    let started = Instant::now();
    let runs = [(scenario, scenario.policy)];
    if let Some(shard) = opts.shard {
        return merge::shard_replications(opts, shard, &runs, vec![opts.file()]);
    }
    let sim = &scenario.simulation;
    let bar = progress::bar(u64::from(sim.replications), "replications", opts.quiet);
    let summary = match &mut log {
        None => experiment::variants(&runs, opts.source(), &|| bar.inc(1))?,
        Some(log) => experiment::variants_logged(&runs, opts.threads, &|| bar.inc(1), |_, replication, tickets| {
            log.write(scenario, replication, tickets)
        })?,
    }
    .pop()
    .expect("one variant, one summary");
    bar.finish_and_clear();

    let dir = &opts.out;
    let mut set = OutputSet::folder(dir);
    let summary_csv = report::csv::summary(&summary.queues)?;
    let teams_csv = report::csv::teams(scenario, &summary.teams)?;
    let waits_csv = report::csv::waits(&summary.wait_curves)?;
    set.add("summary.csv", summary_csv.clone());
    set.add_streamed("intervals.csv", |w| report::csv::write_intervals(w, scenario, &summary.intervals));
    set.add("teams.csv", teams_csv.clone());
    set.add("waits.csv", waits_csv.clone());
    let mut tables = vec!["summary.csv", "intervals.csv", "teams.csv", "waits.csv"];
    let week_csv = if summary.week.is_empty() {
        None
    } else {
        let week = report::csv::week(scenario, &summary.week)?;
        set.add("week.csv", week.clone());
        set.add("week_teams.csv", report::csv::week_teams(scenario, &summary.week_teams)?);
        tables.extend(["week.csv", "week_teams.csv"]);
        Some(week)
    };
    if opts.workbook {
        let mut book = Book::new();
        book.table("Summary", "summary.csv", &summary_csv)?;
        if summary.intervals.len() <= xlsx::MAX_SHEET_ROWS {
            book.table("Intervals", "intervals.csv", &report::csv::intervals(scenario, &summary.intervals)?)?;
        } else {
            let header = report::csv::INTERVALS_HEADER;
            book.long_table("Intervals", "intervals.csv", &header, summary.intervals.len())?;
        }
        if let Some(week) = &week_csv {
            book.table("Week", "week.csv", week)?;
        }
        book.table("Teams", "teams.csv", &teams_csv)?;
        book.table("Waits", "waits.csv", &waits_csv)?;
        match &week_csv {
            Some(_) => book.service_level_over_time("Week", "service level over the typical week, by queue"),
            None => book.service_level_over_time("Intervals", "service level per interval, by queue"),
        }
        book.service_level_by_queue("Summary", "service level by queue against its SLA target");
        set.add(WORKBOOK, book.finish()?);
        tables.push(WORKBOOK);
    }
    tables.push("run.json");
    let drawn = figures::run_charts(scenario, &summary);
    let charts = add_charts(&mut set, &drawn, formats, size)?;
    if opts.report {
        let beside = tables.iter().map(|t| t.to_string()).chain(charts.iter().cloned()).collect();
        let page = pages::run(opts, &summary, &summary_csv, &drawn, beside)?;
        set.add_streamed(pages::REPORT, |w| page.write_to(w));
        tables.insert(0, pages::REPORT);
    }
    let wall = started.elapsed().as_secs_f64();
    set.add("run.json", report::json::to_bytes(&run_record(opts, &[scenario.policy], wall))?);
    set.commit()?;
    if let (Some(log), Some(target)) = (log, ticket_log) {
        let rows = log.commit()?;
        if !opts.quiet {
            eprintln!("wrote {} ({rows} tickets)", target.display());
        }
    }

    if opts.json {
        let v = json!({
            "scenario": scenario.name,
            "policy": scenario.policy_name(scenario.policy),
            "replications": sim.replications,
            "seed": sim.seed,
            "output_dir": dir.display().to_string(),
            "charts": charts,
            "workbook": opts.workbook.then_some(WORKBOOK),
            "queues": summary.queues.iter().map(report::json::queue_row).collect::<Vec<_>>(),
        });
        out(&String::from_utf8(report::json::to_bytes(&v)?)?)?;
    } else {
        let header = format!(
            "{}: {} replications of {} (after {} warm-up), policy {}, seed {}\n\n",
            scenario.name,
            sim.replications,
            format_duration(sim.horizon - sim.warmup),
            format_duration(sim.warmup),
            scenario.policy_name(scenario.policy),
            sim.seed
        );
        out(&header)?;
        out(&report::table::summary(&summary.queues, report::table::use_color()))?;
        out(&report::table::backlog_notes(scenario, &summary.queues))?;
        out(&format!(
            "\nservice level: mean over replications ± 95 % confidence half-width\n{}written to {}/ in {wall:.1} s: {}\ncharts: {}\n",
            report::table::closed_footnote(&summary.queues),
            dir.display(),
            tables.join(" "),
            chart_list(&charts)
        ))?;
    }
    Ok(())
}

fn compare(opts: &Options, policy_args: &[String], rank_by: crate::cli::RankBy) -> anyhow::Result<()> {
    let (path, scenario, formats, size) = (opts.path.as_path(), &opts.scenario, &opts.formats, opts.size);
    let mut policies = Vec::new();
    for p in policy_args.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let policy = if p.eq_ignore_ascii_case("all") {
            scenario.all_policies()
        } else {
            vec![scenario.policy_named(p).map_err(|e| InputError::Argument(format!("--policies: {e}")))?]
        };
        for q in policy {
            if !policies.contains(&q) {
                policies.push(q);
            }
        }
    }
    if policies.is_empty() {
        policies = scenario.all_policies();
    }
    scale_guard(
        path,
        scenario,
        policies.len(),
        size::Kept { summaries: policies.len(), ..size::Kept::ONE },
        opts.threads,
        opts.quiet,
    )?;
    if !opts.quiet {
        for warning in warnings(scenario) {
            eprintln!("warning: {}: {warning}", path.display());
        }
    }
    let started = Instant::now();
    if let Some(shard) = opts.shard {
        let runs: Vec<(&Scenario, Policy)> = policies.iter().map(|&p| (scenario, p)).collect();
        return merge::shard_replications(opts, shard, &runs, vec![opts.file()]);
    }
    let sim = &scenario.simulation;
    let bar = progress::bar(u64::from(sim.replications) * policies.len() as u64, "replications", opts.quiet);
    let summaries = experiment::compare(scenario, &policies, opts.source(), &|| bar.inc(1))?;
    bar.finish_and_clear();

    let runs: Vec<(String, &crate::stats::RunSummary)> =
        policies.iter().zip(&summaries).map(|(&p, r)| (scenario.policy_name(p).to_string(), r)).collect();
    let dir = &opts.out;
    let mut set = OutputSet::folder(dir);
    let per_policy =
        |f: &dyn Fn(&crate::stats::RunSummary) -> anyhow::Result<Vec<u8>>| -> anyhow::Result<Vec<(String, Vec<u8>)>> {
            runs.iter().map(|(p, r)| Ok((p.clone(), f(r)?))).collect()
        };
    let summary_csv = report::csv::with_leading_column("policy", &per_policy(&|r| report::csv::summary(&r.queues))?)?;
    let intervals_csv =
        report::csv::with_leading_column("policy", &per_policy(&|r| report::csv::intervals(scenario, &r.intervals))?)?;
    let waits_csv = report::csv::with_leading_column("policy", &per_policy(&|r| report::csv::waits(&r.wait_curves))?)?;
    let mut tables = vec!["summary.csv", "intervals.csv", "waits.csv"];
    if opts.workbook {
        let mut book = Book::new();
        book.table("Summary", "summary.csv", &summary_csv)?;
        book.table("Intervals", "intervals.csv", &intervals_csv)?;
        book.table("Waits", "waits.csv", &waits_csv)?;
        book.service_level_by_group("policy", "service level by queue and policy", rust_xlsxwriter::ChartType::Column);
        set.add(WORKBOOK, book.finish()?);
        tables.push(WORKBOOK);
    }
    set.add("summary.csv", summary_csv);
    set.add("intervals.csv", intervals_csv);
    set.add("waits.csv", waits_csv);
    let drawn = figures::compare_charts(scenario, &runs);
    let charts = add_charts(&mut set, &drawn, formats, size)?;
    let scores =
        report::table::rank(runs.iter().map(|(p, r)| report::table::PolicyScore::new(p, &r.queues)).collect(), rank_by);
    let below = sim.clear_below;
    // The desk's backlog starts above the threshold: when each policy brings
    // it down is the answer a crisis plan needs.
    let initial: u32 = scenario.queues.iter().filter_map(|q| q.initial_backlog).map(|b| b.tickets).sum();
    let show_clear = initial > below;
    let clock = report::table::ClearClock { start: sim.start, below };
    if opts.report {
        let beside = tables
            .iter()
            .map(|t| t.to_string())
            .chain(["run.json".to_string()])
            .chain(charts.iter().cloned())
            .collect();
        let sentences = report::table::ranking_sentences(&scores, rank_by);
        let page = pages::compare(opts, &scores, sentences, &runs, show_clear.then_some(clock), &drawn, beside)?;
        set.add_streamed(pages::REPORT, |w| page.write_to(w));
        tables.insert(0, pages::REPORT);
    }
    let wall = started.elapsed().as_secs_f64();
    set.add("run.json", report::json::to_bytes(&run_record(opts, &policies, wall))?);
    set.commit()?;

    if opts.json {
        let v = json!({
            "scenario": scenario.name,
            "replications": sim.replications,
            "seed": sim.seed,
            "output_dir": dir.display().to_string(),
            "workbook": opts.workbook.then_some(WORKBOOK),
            "ranking": scores.iter().map(|s| s.policy.clone()).collect::<Vec<_>>(),
            "rank_by": clap::ValueEnum::to_possible_value(&rank_by).map(|v| v.get_name().to_string()),
            "policies": runs.iter().map(|(p, r)| json!({
                "policy": p,
                "queues": r.queues.iter().map(report::json::queue_row).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        });
        out(&String::from_utf8(report::json::to_bytes(&v)?)?)?;
        return Ok(());
    }
    let mut text = format!(
        "{}: {} policies on the same tickets, {} replications of {} each, seed {}\n\n",
        scenario.name,
        policies.len(),
        sim.replications,
        format_duration(sim.horizon - sim.warmup),
        sim.seed
    );
    text.push_str(&report::table::comparison(&scores, report::table::use_color(), show_clear.then_some(clock)));
    text.push_str(&report::table::ranking_verdict(&scores, rank_by));
    text.push_str(&format!(
        "written to {}/ in {wall:.1} s: {} run.json\ncharts: {}\n",
        dir.display(),
        tables.join(" "),
        chart_list(&charts)
    ));
    out(&text)
}

fn check(path: &Path) -> anyhow::Result<()> {
    let s = Scenario::load(path)?;
    let sim = &s.simulation;
    let mut t = String::new();
    use std::fmt::Write as _;
    let _ = writeln!(t, "{} is valid: {}", path.display(), s.name);
    if !s.description.is_empty() {
        let _ = writeln!(t, "  {}", s.description);
    }
    let _ = writeln!(
        t,
        "simulation: starts {} (desk clock UTC{}), horizon {}, warm-up {}, interval {}, {} replications, seed {}",
        sim.date.map_or_else(|| units::format_week_time(sim.start), |d| d.format_short(0.0)),
        format_utc_offset(sim.utc_offset),
        format_duration(sim.horizon),
        format_duration(sim.warmup),
        format_duration(sim.interval),
        sim.replications,
        sim.seed
    );
    // The same estimate and limits as `run`: a scenario `run` would refuse
    // fails here too, with the same message.
    let size = size::guard(path, &s, 1, size::Kept::ONE, None, true)?;
    let _ = writeln!(t, "run size: {}", size.line(size::cores(None)));
    t.push_str(&outline(&s));
    out(&t)?;
    for warning in warnings(&s) {
        eprintln!("warning: {}: {warning}", path.display());
    }
    Ok(())
}

/// The desk a scenario describes, as `check` prints it and the report's
/// assumptions show it: the backlog policy, demand, uncertain inputs, each
/// queue and team, and the load against the capacity.
pub(crate) fn outline(s: &Scenario) -> String {
    let mut t = String::new();
    use std::fmt::Write as _;
    let _ = writeln!(t, "backlog policy: {}", s.policy_name(s.policy));
    for plan in &s.plans {
        let name = |p: Policy| s.policy_name(p).to_string();
        let _ = writeln!(t, "  plan {}: {}", plan.name, plan.rule.describe(name, "tickets wait at the desk"));
    }
    if let Some(d) = s.demand {
        let _ = writeln!(
            t,
            "demand: {:.0} customers x {:.3} contacts per customer per week = {:.0} contacts/week",
            d.customers,
            d.contacts_per_week,
            d.weekly_contacts()
        );
    }
    if !s.assumptions.is_empty() {
        let _ = writeln!(t, "uncertain inputs (the midpoint is used; `staff` samples the range):");
        for a in &s.assumptions {
            // In the units the scenario writes them: durations as "6m30s",
            // volumes per week, counts whole.
            let shown = |x: f64| match a.what {
                crate::scenario::Uncertain::HandleTime(_) | crate::scenario::Uncertain::Patience(_) => {
                    format_duration(x)
                }
                crate::scenario::Uncertain::Volume(_) => format!("{}/week", fmt_count(x)),
                crate::scenario::Uncertain::Customers => fmt_count(x),
                crate::scenario::Uncertain::ContactRate => format!("{x:.4}/week"),
            };
            let mid = (a.low + a.high) / 2.0;
            let _ = writeln!(t, "  {}: {}..{} (midpoint {})", a.label, shown(a.low), shown(a.high), shown(mid));
        }
    }
    let _ = writeln!(t, "\nqueues:");
    let mut work = 0.0;
    // Callback requests are work too: derived from the phone queues' missed calls.
    let workload = crate::staffing::Workload::of(s, units::HOUR);
    let volumes = s.contact_volumes();
    for (i, q) in s.queues.iter().enumerate() {
        let hours = workload.agent_hours(s, i);
        let derived = workload.callback_hours(s, i);
        work += hours;
        let _ = writeln!(
            t,
            "  {} ({}): {:.0} tickets/week{}, open {}",
            q.name,
            q.channel.name(),
            q.weekly_volume,
            q.share.map_or(String::new(), |sh| format!(" ({:.0}% of contacts)", sh * 100.0)),
            q.hours.describe()
        );
        let _ = writeln!(
            t,
            "    handle time {}{}; patience {}; SLA {}",
            q.handle_time.describe(),
            if (s.mean_handle_time(i) - q.handle_time.mean()).abs() > 1e-9 {
                format!(" (with the teams' speed factors: mean {})", format_duration(s.mean_handle_time(i)))
            } else {
                String::new()
            },
            q.patience.as_ref().map_or("endless (never abandons)".into(), |p| p.describe()),
            q.sla.text()
        );
        let _ = writeln!(
            t,
            "    concurrency {}, priority {}, discipline {}; work {:.1} agent-hours/week{}",
            q.concurrency,
            q.priority,
            q.discipline.describe(|d| d.name().to_string(), "tickets wait in the queue"),
            hours,
            if derived > 0.0 {
                format!(
                    " ({:.0} callback requests a week from missed calls, {derived:.1} agent-hours)",
                    workload.callbacks[i].iter().sum::<f64>()
                )
            } else {
                String::new()
            }
        );
        let mut extras = Vec::new();
        if q.sla_clock == crate::scenario::SlaClock::Business {
            extras.push("SLA clock runs in open hours only".to_string());
        }
        if let Some(b) = q.initial_backlog {
            extras.push(format!("initial backlog {} tickets up to {} old", b.tickets, format_duration(b.oldest)));
        }
        if let Some(st) = q.stale {
            extras.push(format!(
                "{:.0}% of tickets still waiting at {} are withdrawn",
                st.resolve * 100.0,
                format_duration(st.after)
            ));
        }
        if let Some(cb) = q.callback {
            extras.push(format!(
                "{:.0}% of missed calls are called back via \"{}\"",
                cb.share * 100.0,
                s.queues[cb.queue].name
            ));
        }
        for tr in &q.transfers {
            extras.push(format!(
                "{:.0}% of answers move on to \"{}\"{}",
                tr.share * 100.0,
                s.queues[tr.to].name,
                tr.after.as_ref().map_or(" at once".into(), |d| format!(" after {}", d.describe()))
            ));
        }
        if let Some(r) = &q.replies {
            let cap =
                if r.max_touches == u32::MAX { String::new() } else { format!(", at most {} touches", r.max_touches) };
            extras.push(format!(
                "the customer replies to {:.0}% of the other answers after {}; a follow-up touch takes {}{cap}",
                r.probability * 100.0,
                r.after.describe(),
                r.handle_time.describe()
            ));
        }
        let derived_flows: f64 = workload.flows[i].iter().sum();
        if derived_flows > 0.0 {
            let (contacts, replies) = volumes[i];
            extras.push(format!(
                "receives about {:.0} contacts a week with transfers and replies ({:.0} replies), \
                 included in its work",
                contacts, replies
            ));
        }
        if let Some(sc) = &q.scheduled_callbacks {
            extras.push(format!(
                "{:.0}% of callback requests ask for a time, on average {} after the call",
                sc.share * 100.0,
                format_duration(sc.after.mean())
            ));
        }
        if let Some(a) = q.after_hours_sla {
            extras.push(format!(
                "requests left while closed: SLA {:.0}% within {} of the opening",
                a.target.unwrap_or(0.0) * 100.0,
                format_duration(a.within)
            ));
        }
        if let Some(o) = q.outbound {
            extras.push(format!(
                "dialled in idle time: {:.0}% of attempts answered, at most {} attempt{} {} apart, {} per unanswered attempt",
                o.answer_rate * 100.0,
                o.attempts,
                if o.attempts == 1 { "" } else { "s" },
                format_duration(o.retry_after),
                format_duration(o.no_answer_time)
            ));
        }
        if !extras.is_empty() {
            let _ = writeln!(t, "    {}", extras.join("; "));
        }
    }
    let _ = writeln!(t, "\nteams:");
    let mut capacity = 0.0;
    for team in &s.teams {
        let hours = team.agent_hours_per_week();
        capacity += hours;
        let skills: Vec<&str> = team.skills.iter().map(|&q| s.queues[q].name.as_str()).collect();
        let _ = writeln!(
            t,
            "  {}: {} agents (UTC{}), skills {}; {:.0} agent-hours/week",
            team.name,
            team.agents(),
            format_utc_offset(team.utc_offset),
            skills.join(" > "),
            hours
        );
        let factors: Vec<String> = team
            .skills
            .iter()
            .filter(|&&q| team.speed_on(q) != 1.0)
            .map(|&q| {
                let f = team.speed_on(q);
                let mean = s.queues[q].handle_time.mean() * f;
                format!("{} x{f} (mean handle time {})", s.queues[q].name, format_duration(mean))
            })
            .collect();
        if !factors.is_empty() {
            let _ = writeln!(t, "    speed: {}", factors.join(", "));
        }
        for shift in &team.shifts {
            let _ = writeln!(
                t,
                "    {} agents, {}: on duty {} (desk clock){}",
                shift.agents,
                shift.label,
                shift.duty.describe(),
                if shift.outbound_only { ", outbound calls only" } else { "" }
            );
        }
    }
    if !s.events.is_empty() || s.simulation.clear_by.is_some() {
        let _ = writeln!(t, "\ndated events (desk clock):");
        for e in &s.events {
            let _ = writeln!(t, "  {e}");
        }
        if let (Some(by), Some(anchor)) = (s.simulation.clear_by, s.simulation.date) {
            let _ = writeln!(
                t,
                "  clear by {}: the backlog should be down to {} waiting (clear_below) by then",
                anchor.format_short(by),
                s.simulation.clear_below
            );
        }
    }
    let _ = writeln!(t, "\nload vs capacity (per week):");
    let _ = writeln!(t, "  offered work {work:.0} agent-hours; scheduled {capacity:.0} agent-hours");
    if capacity > 0.0 {
        let _ = writeln!(
            t,
            "  agents would be busy {:.0}% of scheduled time if every ticket were answered",
            100.0 * work / capacity
        );
    }
    t
}

/// Estimates the work of `variants` runs of `s` (see [`size`]); refuses what
/// could not finish in reasonable time or memory and announces what takes
/// more than half a minute. `staff` and `sweep` call it too.
pub(crate) fn scale_guard(
    path: &Path,
    s: &Scenario,
    variants: usize,
    kept: size::Kept,
    threads: Option<usize>,
    quiet: bool,
) -> Result<(), InputError> {
    size::guard(path, s, variants, kept, threads, quiet).map(|_| ())
}

/// Allowed but alarming facts about a scenario.
pub fn warnings(s: &Scenario) -> Vec<String> {
    let mut w = Vec::new();
    for (i, q) in s.queues.iter().enumerate() {
        if !s.teams.iter().any(|t| t.skills.contains(&i)) {
            w.push(format!("queue \"{}\" is served by no team; its tickets will only wait or abandon", q.name));
        }
    }
    let workload = crate::staffing::Workload::of(s, units::HOUR);
    let work: f64 = (0..s.queues.len()).map(|q| workload.agent_hours(s, q)).sum();
    let capacity: f64 = s.teams.iter().map(|t| t.agent_hours_per_week()).sum();
    if work > capacity {
        w.push(format!(
            "offered work ({work:.0} agent-hours/week) exceeds scheduled capacity ({capacity:.0}); the backlog will grow by about {:.0} tickets a week unless customers abandon",
            (work - capacity) / (work / s.queues.iter().map(|q| q.weekly_volume).sum::<f64>().max(1.0))
        ));
    }
    w
}

/// A count as a whole number when it is one, else with two decimals.
fn fmt_count(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 { format!("{x:.0}") } else { format!("{x:.2}") }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_panic_is_one_line_naming_the_place() {
        let payload: Box<dyn std::any::Any + Send> = Box::new(String::from("index out of bounds:\nthe len is 3"));
        let line = super::internal_error(payload.as_ref(), Some(("src/sim/mod.rs", 42)));
        assert_eq!(
            line,
            "internal error: index out of bounds: the len is 3 (at src/sim/mod.rs:42); this is a bug in staffsim, \
             not in your input: please report it with the scenario file"
        );
        let payload: Box<dyn std::any::Any + Send> = Box::new("capacity overflow");
        assert!(super::internal_error(payload.as_ref(), None).starts_with("internal error: capacity overflow; "));
    }
}
