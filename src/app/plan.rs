//! The `plan` command: a capacity plan over the months of the scenario's
//! `[plan]`: the FTE each month requires (the `staff` search run at that
//! month's volume), the headcount, leavers, hires to decide and start,
//! productive FTE, the service level to expect and the cost.

use std::fmt::Write as _;
use std::time::Instant;

use serde_json::json;

use super::{Options, add_charts, out, run_record, scale_guard, size};
use crate::cli::PlanFor;
use crate::error::InputError;
use crate::experiment;
use crate::report::chart::{self, Bar, Body, Chart, Line, YFormat};
use crate::report::{self, OutputSet, csv::num, progress};
use crate::scenario::plan::{CapacityPlan, WEEKS_PER_MONTH};
use crate::scenario::{Scenario, Uncertain};
use crate::staffing::plan::{READY_SHARE, TeamMonth, plan_team, ready_months};
use crate::staffing::{self, Progress, StaffOptions};

/// The staffing of one distinct volume factor.
pub struct Level {
    pub factor: f64,
    /// Required FTE per team: the scheduled shifts' paid hours over
    /// hours_per_week × (1 − shrinkage), as `staff` reports it.
    pub fte: Vec<f64>,
    /// Required FTE per team at P10 and P90 of the sampled assumptions:
    /// the scheduled FTE times the ratio of the P10 (P90) requirement's
    /// agent-hours to the planned requirement's; `None` when nothing in the
    /// scenario is uncertain.
    pub fte_band: Vec<Option<(f64, f64)>>,
    /// What the schedule covers: "P80" or "the requirement".
    pub level_name: String,
    /// Agents on the scheduled shifts, per team.
    pub agents: Vec<u32>,
    /// The service level of the queue furthest from its target with the
    /// scheduled shifts (simulated), and that queue.
    pub service_level: Option<(f64, String)>,
    scheduled: Scenario,
}

/// Everything the plan found, per team and month.
pub struct PlanResult {
    /// Index into `levels` for each month.
    pub level_of: Vec<usize>,
    pub levels: Vec<Level>,
    /// `[team][month]`.
    pub teams: Vec<Vec<TeamMonth>>,
    /// The expected service level each month of the queue furthest from
    /// its target, and that queue.
    pub service_level: Vec<Option<(f64, String)>>,
    /// Whether that month's figure was simulated with the short headcount.
    pub simulated_short: Vec<bool>,
    /// Cost per team and month, with `hourly_cost`.
    pub cost: Vec<Vec<Option<f64>>>,
    pub starting: Vec<u32>,
    /// Per team, with uncertain inputs: the hires to decide each month if
    /// the requirement were its P10 and its P90 (the same hiring rule on
    /// those requirements), `[team][month]`.
    pub hires_band: Vec<Option<Vec<(u32, u32)>>>,
}

/// The scenario with every volume (and volume range) times `f`.
pub fn scaled(s: &Scenario, f: f64) -> Scenario {
    let mut v = s.clone();
    for q in &mut v.queues {
        let w = q.weekly_volume * f;
        q.set_weekly_volume(w);
    }
    if let Some(d) = &mut v.demand {
        d.customers *= f;
    }
    for a in &mut v.assumptions {
        if matches!(a.what, Uncertain::Volume(_) | Uncertain::Customers) {
            a.low *= f;
            a.high *= f;
        }
    }
    v
}

pub(super) fn plan(opts: Options, samples: usize, plan_for: PlanFor) -> anyhow::Result<()> {
    super::merge::refuse_shard(
        &opts,
        "plan runs its months one after another and does not shard; shard `staff --samples` or `sweep` instead",
    )?;
    let path = opts.path.as_path();
    let mut scenario = opts.scenario.clone();
    let Some(cp) = scenario.capacity_plan.clone() else {
        return Err(InputError::Argument(format!(
            "{}: has no [plan] section; add one, e.g.\n[plan]\nmonths = 12\nstart = \"2027-01\"\ngrowth = \"5%/month\"\nattrition = \"3%/month\"\nhiring_lead = \"1 month\"",
            path.display()
        ))
        .into());
    };
    let options = super::staff::staffing_options(&opts, &mut scenario, samples, plan_for)?;
    // Months of equal volume share one staffing run.
    let mut factors: Vec<f64> = Vec::new();
    let mut level_of = Vec::new();
    for m in 0..cp.months {
        let f = cp.volume_factor(m);
        let i = factors.iter().position(|&g| (g - f).abs() < 1e-9).unwrap_or_else(|| {
            factors.push(f);
            factors.len() - 1
        });
        level_of.push(i);
    }
    let biggest = factors.iter().copied().fold(0.0, f64::max);
    let per_run = staffing::max_replications(&scenario, &options);
    let trial = staffing::search::staffing_scenario(
        &scaled(&scenario, biggest),
        &vec![Vec::new(); scenario.teams.len()],
        scenario.simulation.interval,
        1,
    );
    let round = size::Kept { replications: scenario.simulation.replications as usize, ..size::Kept::ONE };
    scale_guard(path, &trial, per_run as usize * factors.len(), round, opts.threads, opts.quiet)?;
    let started = Instant::now();
    let bar = progress::bar(per_run * factors.len() as u64, "staffing each month's volume", opts.quiet);
    let tick = || bar.inc(1);
    let mut levels = Vec::new();
    for (k, &f) in factors.iter().enumerate() {
        let v = scaled(&scenario, f);
        let message = format!("volume x{f:.2} ({} of {})", k + 1, factors.len());
        bar.set_message(message);
        levels.push(level(&opts, &scenario, &v, f, options, &tick)?);
    }
    bar.finish_and_clear();
    let result = compute(&opts, &scenario, &cp, level_of, levels)?;

    let dir = &opts.out;
    let mut set = OutputSet::folder(dir);
    let csv = plan_csv(&scenario, &cp, &result)?;
    set.add("plan.csv", csv.clone());
    let charts = vec![fte_chart(&scenario, &cp, &result), hires_chart(&scenario, &cp, &result)];
    let chart_files = add_charts(&mut set, &charts, &opts.formats, opts.size)?;
    if opts.report {
        let mut beside = vec!["plan.csv".to_string(), "run.json".to_string()];
        beside.extend(chart_files.iter().cloned());
        let page = super::pages::plan(&opts, &cp, &result, &findings(&scenario, &cp, &result), &charts, &csv, beside)?;
        set.add_streamed(super::pages::REPORT, |w| page.write_to(w));
    }
    let wall = started.elapsed().as_secs_f64();
    set.add("run.json", report::json::to_bytes(&run_record(&opts, &[scenario.policy], wall))?);
    set.commit()?;

    if opts.json {
        let teams: Vec<_> = scenario
            .teams
            .iter()
            .enumerate()
            .map(|(t, team)| {
                json!({
                    "team": team.name,
                    "hires": result.teams[t].iter().map(|r| r.hires_decide).sum::<u32>(),
                    "months": result.teams[t].iter().enumerate().map(|(m, r)| json!({
                        "month": cp.month(m).label(),
                        "volume_factor": result.levels[result.level_of[m]].factor,
                        "required_fte": r.required_fte,
                        "headcount_start": r.headcount_start,
                        "leavers": r.leavers,
                        "hires_start": r.hires_start,
                        "hires_decide": r.hires_decide,
                        "productive_fte": r.productive_fte,
                        "gap_fte": r.gap_fte(),
                        "service_level": result.service_level[m].as_ref().map(|x| x.0),
                        "service_level_queue": result.service_level[m].as_ref().map(|x| x.1.clone()),
                        "cost": result.cost[t][m],
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let v = json!({
            "scenario": scenario.name,
            "start": cp.start.label(),
            "months": cp.months,
            "staffing_runs": result.levels.len(),
            "findings": findings(&scenario, &cp, &result),
            "teams": teams,
            "output_dir": dir.display().to_string(),
        });
        return out(&String::from_utf8(report::json::to_bytes(&v)?)?);
    }
    let mut t = format!(
        "{}: capacity plan for {} months from {} ({} staffing runs, one per distinct volume)\n\n",
        scenario.name,
        cp.months,
        cp.start.name(),
        result.levels.len()
    );
    t.push_str(&table(&scenario, &cp, &result));
    let _ = writeln!(t);
    for line in findings(&scenario, &cp, &result) {
        let _ = writeln!(t, "- {line}");
    }
    let _ = writeln!(
        t,
        "\nrequired: FTE of the shifts `staff` schedules at the month's volume; productive: headcount weighted by \
         training and ramp ({WEEKS_PER_MONTH:.3} weeks a month); lowest SL: the queue furthest from its target, simulated"
    );
    let _ = writeln!(
        t,
        "written to {}/: {}plan.csv run.json\ncharts: {}",
        dir.display(),
        if opts.report { "report.html " } else { "" },
        super::chart_list(&chart_files)
    );
    out(&t)
}

/// Staffs the scenario at volume factor `f` as `staff` does, and simulates
/// its schedule for the service level it promises.
fn level(
    opts: &Options,
    base: &Scenario,
    v: &Scenario,
    f: f64,
    options: StaffOptions,
    tick: &(dyn Fn() + Sync),
) -> anyhow::Result<Level> {
    let st = staffing::staff(v, options, &Progress { stage: &|_| {}, tick })?;
    let fte: Vec<f64> = v
        .teams
        .iter()
        .zip(&st.schedules)
        .map(|(team, sch)| sch.paid_hours / (team.hours_per_week * (1.0 - team.shrinkage)))
        .collect();
    let fte_band: Vec<Option<(f64, f64)>> = st
        .teams
        .iter()
        .zip(&fte)
        .map(|(slots, &f)| {
            let planned = st.agent_hours(slots.iter().map(|x| f64::from(x.planned)));
            let at = |q: fn(&staffing::uncertainty::Band) -> u32| {
                st.agent_hours(slots.iter().map(|x| x.band.map_or(f64::from(x.planned), |b| f64::from(q(&b)))))
            };
            let banded = st.samples > 0 && slots.iter().any(|x| x.band.is_some());
            (banded && planned > 0.0).then(|| (f * at(|b| b.p10) / planned, f * at(|b| b.p90) / planned))
        })
        .collect();
    let agents: Vec<u32> = st.schedules.iter().map(|sch| sch.shifts.iter().map(|x| x.agents).sum()).collect();
    let body = staffing::write_scenario(&opts.text, v, &st)?;
    let parsed = Scenario::from_toml(&body, "the scheduled scenario")?;
    let mut scheduled = scaled(&parsed, f);
    scheduled.simulation.replications = base.simulation.replications;
    scheduled.simulation.seed = base.simulation.seed;
    scheduled.simulation.clear_below = base.simulation.clear_below;
    scheduled.policy = base.policy;
    // A typical month: no initial backlog.
    for q in &mut scheduled.queues {
        q.initial_backlog = None;
    }
    let service_level = weakest_queue(&scheduled, opts)?;
    let level_name = if st.samples > 0 { st.plan_for.name().to_uppercase() } else { "the requirement".to_string() };
    Ok(Level { factor: f, fte, fte_band, level_name, agents, service_level, scheduled })
}

/// Simulates `s`; the service level of the queue furthest below (or
/// least above) its SLA target.
fn weakest_queue(s: &Scenario, opts: &Options) -> anyhow::Result<Option<(f64, String)>> {
    let plan = experiment::Plan { policy: s.policy, threads: opts.threads };
    let summary = experiment::run(s, plan, &|| {})?;
    // Queues with only an average target have no share to fall short of:
    // they are ranked only when no queue has one.
    let queues = &summary.queues[..s.queues.len()];
    let shared = queues.iter().any(|q| q.sla_target.is_some());
    Ok(queues
        .iter()
        .filter(|q| !shared || q.sla_target.is_some())
        .filter_map(|q| Some((q.service_level.mean?, q.sla_target.unwrap_or(0.0), q.queue.clone())))
        .min_by(|a, b| (a.0 - a.1).total_cmp(&(b.0 - b.1)))
        .map(|(sl, _, name)| (sl, name)))
}

/// A short month's simulation: the volume level and each team's agents.
type ShortKey = (usize, Vec<u32>);

fn compute(
    opts: &Options,
    s: &Scenario,
    cp: &CapacityPlan,
    level_of: Vec<usize>,
    levels: Vec<Level>,
) -> anyhow::Result<PlanResult> {
    let mut teams = Vec::new();
    let mut starting = Vec::new();
    let mut hires_band = Vec::new();
    for (t, team) in s.teams.iter().enumerate() {
        let required: Vec<f64> = level_of.iter().map(|&i| levels[i].fte[t]).collect();
        let start = cp.headcount.get(&team.name).copied().unwrap_or_else(|| team.agents());
        starting.push(start);
        let rows = plan_team(cp, &required, start);
        teams.push(rows);
        let band: Option<Vec<(f64, f64)>> = level_of.iter().map(|&i| levels[i].fte_band[t]).collect();
        hires_band.push(band.map(|b| {
            let low: Vec<f64> = b.iter().map(|x| x.0).collect();
            let high: Vec<f64> = b.iter().map(|x| x.1).collect();
            let (lo, hi) = (plan_team(cp, &low, start), plan_team(cp, &high, start));
            lo.iter().zip(&hi).map(|(a, b)| (a.hires_decide, b.hires_decide)).collect()
        }));
    }
    let mut service_level = Vec::new();
    let mut simulated_short = Vec::new();
    let mut cache: Vec<(ShortKey, Option<(f64, String)>)> = Vec::new();
    for (m, &i) in level_of.iter().enumerate() {
        let lv = &levels[i];
        let short = (0..s.teams.len()).any(|t| teams[t][m].gap_fte() > 1e-9);
        if !short {
            service_level.push(lv.service_level.clone());
            simulated_short.push(false);
            continue;
        }
        // The schedule's shifts thinned to the productive share of the requirement.
        let counts: Vec<u32> = (0..s.teams.len())
            .map(|t| {
                let r = &teams[t][m];
                let share = if r.required_fte > 0.0 { (r.productive_fte / r.required_fte).min(1.0) } else { 1.0 };
                (f64::from(lv.agents[t]) * share).round() as u32
            })
            .collect();
        let key = (i, counts.clone());
        let sl = match cache.iter().find(|(k, _)| *k == key) {
            Some((_, sl)) => sl.clone(),
            None => {
                let mut v = lv.scheduled.clone();
                for (t, &n) in counts.iter().enumerate() {
                    v = super::staff::with_headcount(&v, t, n);
                }
                let sl = weakest_queue(&v, opts)?;
                cache.push((key, sl.clone()));
                sl
            }
        };
        service_level.push(sl);
        simulated_short.push(true);
    }
    let cost = s
        .teams
        .iter()
        .enumerate()
        .map(|(t, team)| {
            teams[t]
                .iter()
                .map(|r| cp.hourly_cost.map(|c| f64::from(r.paid()) * team.hours_per_week * WEEKS_PER_MONTH * c))
                .collect()
        })
        .collect();
    Ok(PlanResult { level_of, levels, teams, service_level, simulated_short, cost, starting, hires_band })
}

/// "913,125".
pub fn money(x: f64) -> String {
    let whole = format!("{:.0}", x.round());
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 && c != '-' {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The plan in sentences: what to decide when, where the desk stays short,
/// and what it costs.
pub fn findings(s: &Scenario, cp: &CapacityPlan, r: &PlanResult) -> Vec<String> {
    let mut out = Vec::new();
    let note_of =
        |m: usize| cp.steps.iter().find(|st| st.month == m && !st.note.is_empty()).map(|st| format!(" ({})", st.note));
    for (t, team) in s.teams.iter().enumerate() {
        let rows = &r.teams[t];
        let hires: u32 = rows.iter().map(|x| x.hires_decide).sum();
        let leavers: u32 = rows.iter().map(|x| x.leavers).sum();
        let last = rows.last().map_or(0, |x| x.headcount_start + x.hires_start);
        let first_req = rows.first().map_or(0.0, |x| x.required_fte);
        let last_req = rows.last().map_or(0.0, |x| x.required_fte);
        if hires == 0 {
            out.push(format!(
                "{}: no hires needed; {} agents cover {:.1} FTE in {} to {:.1} FTE in {} ({leavers} leave on the way)",
                team.name,
                r.starting[t],
                first_req,
                cp.month(0).name(),
                last_req,
                cp.month(rows.len() - 1).name()
            ));
        } else {
            out.push(format!(
                "{}: hire {hires} agents over the {} months: the requirement grows from {first_req:.1} to {last_req:.1} FTE and {leavers} agents leave; headcount {} \u{2192} {last}",
                team.name, cp.months, r.starting[t]
            ));
        }
        if let Some(band) = &r.hires_band[t] {
            let (lo, hi): (u32, u32) = band.iter().fold((0, 0), |(a, b), x| (a + x.0, b + x.1));
            out.push(format!(
                "{}: with the scenario's uncertain inputs, {lo} to {hi} hires over the plan (if the requirement is its P10 or its P90; the plan above covers {})",
                team.name,
                r.levels.first().map_or("the requirement".to_string(), |l| l.level_name.clone())
            ));
        }
        let mut shown = 0;
        for (d, row) in rows.iter().enumerate() {
            if row.hires_decide == 0 {
                continue;
            }
            if shown == 6 {
                out.push(format!("{}: further hiring decisions month by month in plan.csv (hires_decide)", team.name));
                break;
            }
            shown += 1;
            let start = d + cp.lead_months;
            let for_month = row.needed_for.unwrap_or(start);
            let ready = start + ready_months(cp);
            let why = if for_month >= ready {
                format!(
                    ", so that {}'s volume{} is covered",
                    cp.month(for_month).name(),
                    note_of(for_month).unwrap_or_default()
                )
            } else {
                format!(
                    ", as early as the lead time allows: {} is short until they are up to speed in {}",
                    cp.month(for_month).name(),
                    cp.month(ready.min(cp.months.max(1) - 1)).name()
                )
            };
            out.push(format!(
                "hire {} agent{} for {} by {} (they start in {}){why}",
                row.hires_decide,
                if row.hires_decide == 1 { "" } else { "s" },
                team.name,
                cp.month(d).name(),
                cp.month(start).name()
            ));
        }
        let short: Vec<usize> = (0..rows.len()).filter(|&m| rows[m].gap_fte() > 0.05).collect();
        if let (Some(&a), Some(&b)) = (short.first(), short.last()) {
            let worst = short.iter().map(|&m| rows[m].gap_fte()).fold(0.0, f64::max);
            let span =
                if a == b { cp.month(a).name() } else { format!("{} to {}", cp.month(a).name(), cp.month(b).name()) };
            let low = short.iter().filter_map(|&m| r.service_level[m].clone()).min_by(|a, b| a.0.total_cmp(&b.0));
            let ready = (cp.lead_months + ready_months(cp)).min(cp.months.max(1) - 1);
            out.push(format!(
                "{}: short by up to {worst:.1} FTE in {span} ({} month{}): the first hires start in {} ({} lead time) and work at {:.0}% of full speed or more from {}{}",
                team.name,
                short.len(),
                if short.len() == 1 { "" } else { "s" },
                cp.month(cp.lead_months.min(cp.months.max(1) - 1)).name(),
                cp.lead_text,
                READY_SHARE * 100.0,
                cp.month(ready).name(),
                low.map_or(String::new(), |(sl, q)| format!(
                    "; {q}'s service level falls to {:.0}% then (a week's average: the requirement has every hour meet its target, the short months miss it in the busiest hours)",
                    sl * 100.0
                ))
            ));
        }
    }
    if cp.hourly_cost.is_some() {
        let total: f64 = r.cost.iter().flatten().flatten().sum();
        out.push(format!(
            "the plan's payroll over {} months: {} (paid hours \u{d7} hourly cost)",
            cp.months,
            money(total)
        ));
    }
    out
}

/// `plan.csv`: a row per month and team.
pub fn plan_csv(s: &Scenario, cp: &CapacityPlan, r: &PlanResult) -> anyhow::Result<Vec<u8>> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record([
        "month",
        "team",
        "volume_factor",
        "required_fte",
        "headcount_start",
        "leavers",
        "hires_start",
        "hires_decide",
        "hires_decide_p10",
        "hires_decide_p90",
        "productive_fte",
        "gap_fte",
        "service_level",
        "service_level_queue",
        "cost",
    ])?;
    for m in 0..cp.months {
        for (t, team) in s.teams.iter().enumerate() {
            let x = &r.teams[t][m];
            w.write_record([
                cp.month(m).label(),
                team.name.clone(),
                num(Some(r.levels[r.level_of[m]].factor), 4),
                num(Some(x.required_fte), 2),
                x.headcount_start.to_string(),
                x.leavers.to_string(),
                x.hires_start.to_string(),
                x.hires_decide.to_string(),
                r.hires_band[t].as_ref().map_or(String::new(), |b| b[m].0.to_string()),
                r.hires_band[t].as_ref().map_or(String::new(), |b| b[m].1.to_string()),
                num(Some(x.productive_fte), 2),
                num(Some(x.gap_fte()), 2),
                num(r.service_level[m].as_ref().map(|x| x.0), 4),
                r.service_level[m].as_ref().map_or(String::new(), |x| x.1.clone()),
                num(r.cost[t][m], 0),
            ])?;
        }
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

/// The terminal table.
fn table(s: &Scenario, cp: &CapacityPlan, r: &PlanResult) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{:<8} {:<12} {:>6} {:>9} {:>6} {:>7} {:>6} {:>7} {:>10} {:>5} {:>12}{}",
        "month",
        "team",
        "volume",
        "required",
        "start",
        "leavers",
        "starts",
        "decide",
        "productive",
        "gap",
        "lowest SL",
        if cp.hourly_cost.is_some() { format!(" {:>10}", "cost") } else { String::new() }
    );
    for m in 0..cp.months {
        for (k, team) in s.teams.iter().enumerate() {
            let x = &r.teams[k][m];
            let name: String = team.name.chars().take(12).collect();
            let _ = writeln!(
                t,
                "{:<8} {:<12} {:>6} {:>9.1} {:>6} {:>7} {:>6} {:>7} {:>10.1} {:>5} {:>12}{}",
                cp.month(m).label(),
                name,
                format!("x{:.2}", r.levels[r.level_of[m]].factor),
                x.required_fte,
                x.headcount_start,
                x.leavers,
                x.hires_start,
                x.hires_decide,
                x.productive_fte,
                if x.gap_fte() > 0.05 { format!("{:.1}", x.gap_fte()) } else { "-".into() },
                r.service_level[m].as_ref().map_or("-".into(), |(v, q)| format!("{q} {:.0}%", v * 100.0)),
                r.cost[k][m].map_or(String::new(), |c| format!(" {:>10}", money(c)))
            );
        }
    }
    t
}

fn month_ticks(cp: &CapacityPlan) -> Vec<(f64, String)> {
    (0..cp.months).map(|m| (m as f64, cp.month(m).short())).collect()
}

/// Required against productive FTE, a pair of lines per team.
pub fn fte_chart(s: &Scenario, cp: &CapacityPlan, r: &PlanResult) -> Chart {
    let mut lines = Vec::new();
    let mut top: f64 = 1.0;
    for (t, team) in s.teams.iter().enumerate() {
        let rows = &r.teams[t];
        top = rows.iter().map(|x| x.required_fte.max(x.productive_fte)).fold(top, f64::max);
        lines.push(Line {
            label: format!("{}: required FTE", team.name),
            color: chart::color(t),
            dashed: true,
            points: rows.iter().enumerate().map(|(m, x)| (m as f64, Some(x.required_fte))).collect(),
        });
        lines.push(Line {
            label: format!("{}: productive FTE (plan followed)", team.name),
            color: chart::color(t),
            dashed: false,
            points: rows.iter().enumerate().map(|(m, x)| (m as f64, Some(x.productive_fte))).collect(),
        });
    }
    Chart {
        name: "plan_fte".into(),
        title: format!("{}: required and productive FTE by month", s.name),
        x_label: "month".into(),
        y_label: "FTE".into(),
        x_range: (0.0, (cp.months.max(2) - 1) as f64),
        y_range: (0.0, top * 1.1),
        x_ticks: month_ticks(cp),
        y_format: YFormat::Number,
        subtitle: String::new(),
        x_omitted: Vec::new(),
        x_names: month_ticks(cp),
        body: Body::lines(lines),
    }
}

/// Hires to decide each month, a bar per team.
pub fn hires_chart(s: &Scenario, cp: &CapacityPlan, r: &PlanResult) -> Chart {
    let mut bars = Vec::new();
    let mut top: f64 = 1.0;
    for m in 0..cp.months {
        for (t, team) in s.teams.iter().enumerate() {
            let n = f64::from(r.teams[t][m].hires_decide);
            top = top.max(n);
            bars.push(Bar {
                group: cp.month(m).short(),
                label: format!("{}: hires to decide", team.name),
                color: chart::color(t),
                value: n,
                ci95: None,
            });
        }
    }
    Chart {
        name: "plan_hires".into(),
        title: format!("{}: hires to decide each month (they start {} later)", s.name, cp.lead_text),
        x_label: "month of the decision".into(),
        y_label: "agents to hire".into(),
        x_range: (0.0, cp.months as f64),
        y_range: (0.0, top.ceil() + 1.0),
        x_ticks: Vec::new(),
        y_format: YFormat::Number,
        subtitle: String::new(),
        x_omitted: Vec::new(),
        x_names: Vec::new(),
        body: Body::Bars { bars, hlines: Vec::new() },
    }
}
