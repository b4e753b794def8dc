//! The `report.html` of each command: what goes on the page, in which
//! order, from the results the command already has (`report::html` lays it
//! out). Every page opens with its findings in words and ends with what the
//! run assumed, the scenario file included.

use super::Options;
use crate::report::chart::Chart;
use crate::report::headline::{self, Finding, Verdict};
use crate::report::html::{self, Cell, KeyFigure, Report, Table};
use crate::report::table::{ClearClock, PolicyScore, cleared_cell, left_cell, pct, secs};
use crate::scenario::Scenario;
use crate::scenario::units::format_duration;
use crate::staffing::Staffing;
use crate::stats::paired::{Difference, Metric};
use crate::stats::{Estimate, QueueSummary, RunSummary};

/// The report's file name.
pub const REPORT: &str = "report.html";

/// "80.8% ±0.7".
fn with_ci(e: &Estimate) -> String {
    match (e.mean, e.ci95) {
        (Some(m), Some(c)) => format!("{} \u{b1}{:.1}", pct(Some(m)), c * 100.0),
        (m, _) => pct(m),
    }
}

fn verdict(row: &QueueSummary) -> Option<Verdict> {
    match row.meets_target() {
        Some(true) => Some(Verdict::Met),
        Some(false) => Some(Verdict::Missed),
        None => None,
    }
}

/// A page with the command's title, the scenario's description and a line
/// saying how the results were made.
fn page<'a>(opts: &Options, command: &str, how: String) -> Report<'a> {
    let s = &opts.scenario;
    let mut r = Report::new(&format!("{}: {command}", s.name), &s.description, &how);
    let sim = &s.simulation;
    r.assumption("scenario file", opts.path.display().to_string());
    r.assumption("scenario fingerprint", format!("fnv1a64:{:016x}", opts.hash));
    r.assumption(
        "simulated",
        format!(
            "{} replications of {} after {} of warm-up, reporting every {}",
            sim.replications,
            format_duration(sim.horizon - sim.warmup),
            format_duration(sim.warmup),
            format_duration(sim.interval)
        ),
    );
    r.assumption("seed", sim.seed.to_string());
    r.assumption("backlog policy", s.policy_name(s.policy).to_string());
    r.assumption("made by", format!("staffsim {}", env!("CARGO_PKG_VERSION")));
    r.assumption(
        "confidence",
        "± figures are 95 % confidence half-widths over the replications (Student t)".to_string(),
    );
    r.scenario(&super::outline(s), &opts.text);
    r
}

fn run_line(s: &Scenario, what: &str) -> String {
    let sim = &s.simulation;
    format!(
        "{what}: {} replications of {} after a {} warm-up, policy {}, seed {}",
        sim.replications,
        format_duration(sim.horizon - sim.warmup),
        format_duration(sim.warmup),
        s.policy_name(s.policy),
        sim.seed
    )
}

/// One key figure per queue shown one by one (its service level against
/// its target; see [`headline::shown_queues`]) and one for the desk (all
/// customers answered in time).
fn queue_figures(report: &mut Report, s: &Scenario, summary: &RunSummary) {
    let rows = &summary.queues;
    for q in headline::shown_queues(s, summary) {
        let row = &rows[q];
        report.figure(KeyFigure {
            label: format!("{} \u{b7} {}", row.queue, headline::target_phrase(s, q)),
            value: pct(row.service_level.mean),
            detail: format!(
                "{}answered in time; ASA {}, {} gave up",
                row.service_level.ci95.map_or(String::new(), |c| format!("\u{b1}{:.1} ", c * 100.0)),
                secs(row.asa_s.mean),
                pct(row.abandon_rate.mean)
            ),
            verdict: verdict(row).unwrap_or(Verdict::Note),
        });
    }
    if let Some(desk) = rows.last().filter(|_| rows.len() > s.queues.len()) {
        let all_met = rows[..s.queues.len()].iter().all(|r| r.meets_target() != Some(false));
        report.figure(KeyFigure {
            label: "all customers answered in time".into(),
            value: pct(desk.answered_in_time_all.mean),
            detail: format!(
                "{}of every queue's customers; mean wait {}; {:.0} left waiting at the end",
                desk.answered_in_time_all.ci95.map_or(String::new(), |c| format!("\u{b1}{:.1} ", c * 100.0)),
                secs(desk.wait_all_mean_s.mean),
                desk.waiting_at_end
            ),
            verdict: if all_met { Verdict::Met } else { Verdict::Missed },
        });
    }
}

/// The queues' table: what a manager reads first, coloured by target.
fn queue_table(caption: &str, rows: &[QueueSummary]) -> Table {
    let header = [
        "queue",
        "offered",
        "service level",
        "target",
        "ASA",
        "mean wait (all)",
        "90 % waited at most",
        "gave up",
        "occupancy",
        "left waiting",
    ];
    Table {
        caption: caption.into(),
        header: header.iter().map(|h| h.to_string()).collect(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::text(&r.queue),
                    Cell::number(format!("{:.0}", r.offered)),
                    Cell::number(with_ci(&r.service_level)).judged(verdict(r)),
                    Cell::number(
                        r.target_text(|t, w| format!("{:.0}% in {}", t * 100.0, format_duration(w)), ", ")
                            .unwrap_or_default(),
                    ),
                    Cell::number(secs(r.asa_s.mean)),
                    Cell::number(secs(r.wait_all_mean_s.mean)),
                    Cell::number(secs(r.wait_all_p90_s)),
                    Cell::number(pct(r.abandon_rate.mean)),
                    Cell::number(pct(r.occupancy.mean)),
                    Cell::number(left_cell(r)),
                ]
            })
            .collect(),
        note: "service level: mean over replications \u{b1} 95 % confidence half-width; mean wait and the 90th \
               percentile count every customer, those still waiting at their age so far; ASA counts only the \
               answered"
            .into(),
    }
}

/// Notes under the findings: backlog, after-hours arrivals, warnings.
fn notes(s: &Scenario, rows: &[QueueSummary]) -> Vec<Finding> {
    let mut out: Vec<Finding> = crate::report::table::backlog_notes(s, rows)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| Finding { verdict: Verdict::Note, text: l.to_string() })
        .collect();
    out.extend(super::warnings(s).into_iter().map(|w| Finding { verdict: Verdict::Note, text: w }));
    out
}

/// `run`'s page.
pub fn run<'a>(
    opts: &Options,
    summary: &RunSummary,
    summary_csv: &[u8],
    charts: &'a [Chart],
    files: Vec<String>,
) -> anyhow::Result<Report<'a>> {
    let s = &opts.scenario;
    let mut r = page(opts, "simulated desk", run_line(s, "staffsim run"));
    r.findings(headline::run_findings(s, summary));
    r.findings(notes(s, &summary.queues));
    queue_figures(&mut r, s, summary);
    r.heading("Queues");
    r.table(queue_table("each queue and the desk (all)", &summary.queues));
    r.heading("Charts");
    r.charts(charts);
    r.heading("Tables");
    // A typical week's agent time when the run has one (a year of intervals
    // would not fit a page).
    if summary.week_teams.is_empty() {
        let teams = crate::report::csv::teams(s, &summary.teams)?;
        r.folded(html::csv_table("agent time per team and interval (teams.csv)", &teams, &|c| c != "t_s")?);
    } else {
        let week = crate::report::csv::week_teams(s, &summary.week_teams)?;
        r.folded(html::csv_table("agent time per team over the typical week (week_teams.csv)", &week, &|_| true)?);
    }
    r.folded(html::csv_table("every column of summary.csv", summary_csv, &|_| true)?);
    r.files(files);
    Ok(r)
}

/// `compare`'s page: the ranking first, then each policy's queues.
pub fn compare<'a>(
    opts: &Options,
    scores: &[PolicyScore],
    verdict_sentences: Vec<String>,
    runs: &[(String, &RunSummary)],
    clear: Option<ClearClock>,
    charts: &'a [Chart],
    files: Vec<String>,
) -> anyhow::Result<Report<'a>> {
    let s = &opts.scenario;
    let sim = &s.simulation;
    let how = format!(
        "staffsim compare: {} policies on the same tickets, {} replications of {} each, seed {}",
        runs.len(),
        sim.replications,
        format_duration(sim.horizon - sim.warmup),
        sim.seed
    );
    let mut r = page(opts, "backlog policies compared", how);
    r.findings(verdict_sentences.into_iter().map(|text| Finding { verdict: Verdict::Note, text }));
    r.findings(target_findings(scores));
    for score in scores {
        r.figure(KeyFigure {
            label: score.policy.clone(),
            value: format!("{} of {}", score.targets_met, score.targets),
            detail: format!(
                "targets met; {} of all customers in time, {:.0} left waiting",
                pct(score.desk.answered_in_time_all.mean),
                score.desk.waiting_at_end
            ),
            verdict: if score.targets_met == score.targets { Verdict::Met } else { Verdict::Missed },
        });
    }
    r.heading("Ranking");
    let mut header: Vec<String> = [
        "rank",
        "policy",
        "targets met",
        "desk service level",
        "in time (all)",
        "mean wait (all)",
        "ASA",
        "left (oldest)",
        "waited > 1 week",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    if clear.is_some() {
        header.push("backlog cleared".into());
    }
    let rows = scores
        .iter()
        .enumerate()
        .map(|(i, sc)| {
            let d = &sc.desk;
            let mut row = vec![
                Cell::number((i + 1).to_string()),
                Cell::text(&sc.policy),
                Cell::number(format!("{} of {}", sc.targets_met, sc.targets))
                    .judged(Some(if sc.targets_met == sc.targets { Verdict::Met } else { Verdict::Missed })),
                Cell::number(with_ci(&d.service_level)),
                Cell::number(pct(d.answered_in_time_all.mean)),
                Cell::number(secs(d.wait_all_mean_s.mean)),
                Cell::number(secs(d.asa_s.mean)),
                Cell::number(left_cell(d)),
                Cell::number(pct(d.waited_over_week.mean)),
            ];
            if let Some(c) = clear {
                row.push(Cell::number(cleared_cell(d, c)));
            }
            row
        })
        .collect();
    r.table(Table {
        caption: "policies, best first".into(),
        header,
        rows,
        note: "in time: share of all customers answered within their SLA; mean wait: of all customers, those still \
               waiting at their age so far; left: tickets waiting at the end (the oldest's age)"
            .into(),
    });
    let names: Vec<String> = scores.first().map_or(Vec::new(), |f| f.queues.iter().map(|q| q.0.clone()).collect());
    let mut header = vec!["policy".to_string()];
    header.extend(names);
    r.table(Table {
        caption: "each queue's service level by policy".into(),
        header,
        rows: scores
            .iter()
            .map(|sc| {
                let mut row = vec![Cell::text(&sc.policy)];
                row.extend(sc.queues.iter().map(|(_, sl, met)| {
                    Cell::number(pct(*sl)).judged(met.map(|m| if m { Verdict::Met } else { Verdict::Missed }))
                }));
                row
            })
            .collect(),
        note: "green meets the queue's target, red misses it".into(),
    });
    r.heading("Charts");
    r.charts(charts);
    r.heading("Each policy's queues");
    for (policy, run) in runs {
        r.folded(queue_table(&format!("{policy}: each queue and the desk"), &run.queues));
    }
    r.files(files);
    Ok(r)
}

/// Which targets the policies meet: one finding for the queues no policy
/// brings to target, one for those only some do (and which).
fn target_findings(scores: &[PolicyScore]) -> Vec<Finding> {
    let Some(first) = scores.first() else { return Vec::new() };
    let mut out = Vec::new();
    let mut never = Vec::new();
    let mut some = Vec::new();
    for (k, (queue, _, _)) in first.queues.iter().enumerate() {
        let meeting: Vec<&str> =
            scores.iter().filter(|s| s.queues[k].2 == Some(true)).map(|s| s.policy.as_str()).collect();
        if meeting.is_empty() {
            never.push(queue.as_str());
        } else if meeting.len() < scores.len() {
            some.push(format!("{queue} only with {}", headline::list(&meeting)));
        }
    }
    if scores.iter().any(|s| s.targets_met == s.targets) {
        let all: Vec<&str> = scores.iter().filter(|s| s.targets_met == s.targets).map(|s| s.policy.as_str()).collect();
        out.push(Finding { verdict: Verdict::Met, text: format!("every target is met with {}", headline::list(&all)) });
    } else if !never.is_empty() {
        out.push(Finding {
            verdict: Verdict::Missed,
            text: format!(
                "no policy meets the target of {}: the order of the backlog cannot make up for the capacity",
                headline::list(&never)
            ),
        });
    }
    if !some.is_empty() {
        out.push(Finding { verdict: Verdict::Note, text: format!("the policy decides the rest: {}", some.join("; ")) });
    }
    out
}

/// `staff`'s page: the headcount, what drives the peaks, and what the
/// schedule promises when it is simulated.
pub fn staff<'a>(
    opts: &Options,
    st: &Staffing,
    promised: &RunSummary,
    shortfalls: &[String],
    charts: &'a [Chart],
    tables: &[(&str, &str, Vec<u8>)],
    files: Vec<String>,
) -> anyhow::Result<Report<'a>> {
    let s = &opts.scenario;
    let how = format!(
        "staffsim staff: staffing for a typical week in {} intervals, {} simulation rounds, {} replications, seed {}",
        format_duration(st.slot_len),
        st.iterations,
        s.simulation.replications,
        s.simulation.seed
    );
    let mut r = page(opts, "staffing", how);
    let mut total_fte = 0.0;
    let mut parts = Vec::new();
    for (i, team) in s.teams.iter().enumerate() {
        let sch = &st.schedules[i];
        let fte = sch.paid_hours / (team.hours_per_week * (1.0 - team.shrinkage));
        total_fte += fte;
        parts.push(format!("{} {fte:.1}", team.name));
        let peak = st.teams[i].iter().map(|x| x.planned).max().unwrap_or(0);
        r.figure(KeyFigure {
            label: team.name.clone(),
            value: format!("{fte:.1} FTE"),
            detail: format!("{:.0} paid shift hours a week; peak {peak} agents at once", sch.paid_hours),
            verdict: Verdict::Note,
        });
    }
    let level =
        if st.samples > 0 { format!(" (planned for {})", st.plan_for.name().to_uppercase()) } else { String::new() };
    r.findings([Finding {
        verdict: if shortfalls.is_empty() { Verdict::Met } else { Verdict::Missed },
        text: format!("The schedule needs {total_fte:.1} FTE{level}: {}", parts.join(", ")),
    }]);
    r.findings(shortfalls.iter().map(|l| Finding { verdict: Verdict::Missed, text: l.clone() }));
    r.findings(headline::run_findings(s, promised));
    r.findings(super::staff::driver_lines(s, st).into_iter().map(|text| Finding { verdict: Verdict::Note, text }));
    r.heading("What the schedule promises");
    r.table(queue_table("a typical week with the scheduled shifts, simulated (promised.csv)", &promised.queues));
    r.heading("Charts");
    r.charts(charts);
    r.heading("Tables");
    for (_, file, bytes) in tables {
        let skip = |c: &str| c != "t_s";
        r.folded(html::csv_table(file, bytes, &skip)?);
    }
    r.files(files);
    Ok(r)
}

/// `sweep`'s page: service level as one team's headcount varies.
pub fn sweep<'a>(
    opts: &Options,
    team: &str,
    pairs: &[(u32, &RunSummary)],
    first_ok: Option<u32>,
    charts: &'a [Chart],
    files: Vec<String>,
) -> anyhow::Result<Report<'a>> {
    let s = &opts.scenario;
    let mut r = page(opts, &format!("{team}'s headcount swept"), run_line(s, "staffsim sweep"));
    r.findings([match first_ok {
        Some(n) => Finding {
            verdict: Verdict::Met,
            text: format!("{n} agents in {team} is the smallest headcount tried that meets every target"),
        },
        None => Finding { verdict: Verdict::Missed, text: format!("no headcount of {team} tried meets every target") },
    }]);
    let names: Vec<String> =
        pairs.first().map_or(Vec::new(), |(_, r)| r.queues.iter().map(|q| q.queue.clone()).collect());
    let mut header = vec![format!("{team} agents")];
    header.extend(names.iter().cloned());
    let rows = pairs
        .iter()
        .map(|(n, run)| {
            let mut row = vec![Cell::number(n.to_string())];
            row.extend(run.queues.iter().map(|q| Cell::number(with_ci(&q.service_level)).judged(verdict(q))));
            row
        })
        .collect();
    r.heading("Service level by headcount");
    r.table(Table {
        caption: "each queue's service level for each headcount".into(),
        header,
        rows,
        note: "mean over replications \u{b1} 95 % confidence half-width; green meets the queue's target".into(),
    });
    r.heading("Charts");
    r.charts(charts);
    r.files(files);
    Ok(r)
}

/// The what-if page: each variant's differences from the base in words,
/// key figures for the desk, a table per variant, the charts, and every
/// scenario's queues.
pub(super) fn whatif<'a>(
    w: &super::whatif::WhatIf,
    runs: &[(String, &RunSummary)],
    diffs: &[Difference],
    charts: &'a [Chart],
    files: Vec<String>,
) -> anyhow::Result<Report<'a>> {
    use super::whatif::{difference_text, judged, value_text};
    let opts = &w.base;
    let s = &opts.scenario;
    let sim = &s.simulation;
    let base = &w.labels[0];
    let how = format!(
        "staffsim compare: {} against the base {base} on the same tickets, {} paired replications of {} each, seed {}",
        headline::list(&w.labels[1..].iter().map(String::as_str).collect::<Vec<_>>()),
        sim.replications,
        format_duration(sim.horizon - sim.warmup),
        sim.seed
    );
    let variants = headline::list(&w.labels[1..].iter().map(String::as_str).collect::<Vec<_>>());
    let mut r = page(opts, &format!("what-if, {variants} against it"), how);
    let verdict_of = |d: &Difference| match judged(d) {
        Some(true) => Verdict::Met,
        Some(false) => Verdict::Missed,
        None => Verdict::Note,
    };
    let find = |v: &str, q: &str, m: Metric| diffs.iter().find(|d| d.variant == v && d.queue == q && d.kind == m);
    let mut queues: Vec<String> = s.queues.iter().map(|q| q.name.clone()).collect();
    queues.push("all".into());
    let place = |q: &str| if q == "all" { "the whole desk".to_string() } else { q.to_string() };
    let mut findings = Vec::new();
    for v in &w.labels[1..] {
        for q in &queues {
            let (Some(sl), Some(wait)) = (find(v, q, Metric::ServiceLevel), find(v, q, Metric::MeanWaitAll)) else {
                continue;
            };
            let clear = match judged(sl) {
                Some(_) => "",
                None => " (no clear difference: the interval includes zero)",
            };
            findings.push(Finding {
                verdict: verdict_of(sl),
                text: format!(
                    "{v}: service level of {} {} points against {base} ({} \u{2192} {}){clear}; mean wait of all its \
                     customers {}",
                    place(q),
                    difference_text(sl).replace(" pts", ""),
                    value_text(Metric::ServiceLevel, sl.base),
                    value_text(Metric::ServiceLevel, sl.variant_value),
                    difference_text(wait)
                ),
            });
        }
    }
    // What the change costs or saves in agent time: occupancy moves with the
    // work the same tickets bring (handle times at the answering team's
    // speed) and with the agents on duty.
    for v in &w.labels[1..] {
        let Some(d) = find(v, "all", Metric::Occupancy) else { continue };
        let Some(x) = d.difference else { continue };
        findings.push(Finding {
            verdict: Verdict::Note,
            text: format!(
                "{v}: agents are busy {} of their time instead of {} ({}){}",
                value_text(Metric::Occupancy, d.variant_value),
                value_text(Metric::Occupancy, d.base),
                difference_text(d),
                if x > 0.0 {
                    ": the same tickets take more agent time (slower hands on some of them, or fewer agents), \
                     leaving less slack for peaks"
                } else {
                    ": the same tickets take less agent time (faster hands, or more agents)"
                }
            ),
        });
    }
    r.findings(findings);
    for v in &w.labels[1..] {
        for m in [Metric::ServiceLevel, Metric::MeanWaitAll, Metric::Occupancy] {
            let Some(d) = find(v, "all", m) else { continue };
            r.figure(KeyFigure {
                label: format!("{v}: desk {}", m.label()),
                value: difference_text(d),
                detail: format!(
                    "against {base}: {} \u{2192} {}",
                    value_text(m, d.base),
                    value_text(m, d.variant_value)
                ),
                verdict: verdict_of(d),
            });
        }
    }
    let narrower: Vec<f64> = diffs
        .iter()
        .filter(|d| d.kind == Metric::ServiceLevel)
        .filter_map(|d| match (d.difference_ci95, d.unpaired_ci95) {
            (Some(p), Some(u)) if p > 0.0 => Some(u / p),
            _ => None,
        })
        .collect();
    r.heading("Differences");
    if !narrower.is_empty() {
        let mean = narrower.iter().sum::<f64>() / narrower.len() as f64;
        r.paragraph(&format!(
            "Every scenario ran on the same tickets (same seed, replication by replication), and each difference is \
             the mean of the {} paired differences. Pairing cancels what the replications share: the service level \
             intervals are on average {mean:.1} times narrower than those of two independent runs.",
            sim.replications
        ));
    }
    for v in &w.labels[1..] {
        let mut header = vec!["queue".to_string(), "service level, then \u{2192} now".to_string()];
        header.extend(Metric::ALL.iter().map(|m| {
            match m {
                Metric::MeanWaitAll => "mean wait (all)",
                Metric::AbandonRate => "abandoned",
                _ => m.label(),
            }
            .to_string()
        }));
        let rows = queues
            .iter()
            .map(|q| {
                let mut row = vec![Cell::text(place(q))];
                row.push(Cell::number(find(v, q, Metric::ServiceLevel).map_or("-".into(), |d| {
                    format!(
                        "{} \u{2192} {}",
                        value_text(Metric::ServiceLevel, d.base),
                        value_text(Metric::ServiceLevel, d.variant_value)
                    )
                })));
                row.extend(Metric::ALL.iter().map(|&m| {
                    match find(v, q, m) {
                        Some(d) => Cell::number(difference_text(d))
                            .judged(judged(d).map(|good| if good { Verdict::Met } else { Verdict::Missed })),
                        None => Cell::number("-"),
                    }
                }));
                row
            })
            .collect();
        r.table(Table {
            caption: format!("what changes from {base} (then) to {v} (now), per queue"),
            header,
            rows,
            note: format!(
                "each change is {v} minus {base}: the mean of the paired differences \u{b1} 95 % confidence \
                 half-width; pts = percentage points; mean wait (all) counts every customer, ASA only the answered; \
                 green: clearly better for customers, red: clearly worse (occupancy is neither)"
            ),
        });
    }
    r.heading("Charts");
    r.charts(charts);
    r.heading("Each scenario's queues");
    for (label, run) in runs {
        r.folded(queue_table(&format!("{label}: each queue and the desk"), &run.queues));
    }
    for (v, label) in w.variants.iter().zip(&w.labels[1..]) {
        r.assumption(&format!("variant {label}"), v.path.display().to_string());
        r.assumption(&format!("variant {label} fingerprint"), format!("fnv1a64:{:016x}", v.hash));
    }
    r.files(files);
    Ok(r)
}

/// `plan`'s page: what to decide month by month, where the desk stays
/// short, the monthly table and the assumptions behind it.
pub fn plan<'a>(
    opts: &Options,
    cp: &crate::scenario::plan::CapacityPlan,
    result: &super::plan::PlanResult,
    findings: &[String],
    charts: &'a [Chart],
    csv: &[u8],
    files: Vec<String>,
) -> anyhow::Result<Report<'a>> {
    use crate::scenario::plan::{Growth, WEEKS_PER_MONTH};
    let s = &opts.scenario;
    let how = format!(
        "staffsim plan: {} months from {}, {} staffing runs (one per distinct volume), {} replications, seed {}",
        cp.months,
        cp.start.name(),
        result.levels.len(),
        s.simulation.replications,
        s.simulation.seed
    );
    let mut r = page(opts, "capacity plan", how);
    r.findings(findings.iter().map(|text| Finding {
        verdict: if text.contains("short by") { Verdict::Missed } else { Verdict::Note },
        text: text.clone(),
    }));
    for (t, team) in s.teams.iter().enumerate() {
        let rows = &result.teams[t];
        let hires: u32 = rows.iter().map(|x| x.hires_decide).sum();
        let peak = rows.iter().map(|x| x.required_fte).fold(0.0, f64::max);
        let short = rows.iter().filter(|x| x.gap_fte() > 0.05).count();
        r.figure(KeyFigure {
            label: format!("{}: hires to decide", team.name),
            value: hires.to_string(),
            detail: format!(
                "over {} months; {} agents today, {} leave; requirement up to {peak:.1} FTE",
                cp.months,
                result.starting[t],
                rows.iter().map(|x| x.leavers).sum::<u32>()
            ),
            verdict: Verdict::Note,
        });
        r.figure(KeyFigure {
            label: format!("{}: months short", team.name),
            value: format!("{short} of {}", cp.months),
            detail: "productive FTE below the requirement (lead time and ramp)".into(),
            verdict: if short == 0 { Verdict::Met } else { Verdict::Missed },
        });
    }
    if cp.hourly_cost.is_some() {
        let total: f64 = result.cost.iter().flatten().flatten().sum();
        r.figure(KeyFigure {
            label: "payroll over the plan".into(),
            value: super::plan::money(total),
            detail: "paid hours (trainees included) \u{d7} hourly cost".into(),
            verdict: Verdict::Note,
        });
    }
    r.heading("Month by month");
    let header = [
        "month",
        "team",
        "volume",
        "required FTE",
        "headcount",
        "leavers",
        "hires start",
        "hires to decide",
        "productive FTE",
        "short (FTE)",
        "lowest service level",
    ];
    let mut rows = Vec::new();
    for m in 0..cp.months {
        for (t, team) in s.teams.iter().enumerate() {
            let x = &result.teams[t][m];
            let short = x.gap_fte() > 0.05;
            rows.push(vec![
                Cell::text(cp.month(m).label()),
                Cell::text(&team.name),
                Cell::number(format!("\u{d7}{:.2}", result.levels[result.level_of[m]].factor)),
                Cell::number(format!("{:.1}", x.required_fte)),
                Cell::number(x.headcount_start.to_string()),
                Cell::number(x.leavers.to_string()),
                Cell::number(x.hires_start.to_string()),
                Cell::number(x.hires_decide.to_string()),
                Cell::number(format!("{:.1}", x.productive_fte)).judged(Some(if short {
                    Verdict::Missed
                } else {
                    Verdict::Met
                })),
                Cell::number(if short { format!("{:.1}", x.gap_fte()) } else { "-".into() }),
                Cell::number(format!(
                    "{}{}",
                    result.service_level[m].as_ref().map_or("-".into(), |(v, q)| format!("{q} {}", pct(Some(*v)))),
                    if result.simulated_short[m] { " *" } else { "" }
                )),
            ]);
        }
    }
    r.table(Table {
        caption: "each month and team (plan.csv)".into(),
        header: header.iter().map(|h| h.to_string()).collect(),
        rows,
        note:
            "volume: the scenario's volume times this factor; headcount (on the 1st, before the month's hires) + hires start \u{2212} leavers = \
               next month's headcount; productive FTE: red when below the requirement; lowest service level: the queue \
               furthest from its target, simulated; * = with the short month's headcount"
                .into(),
    });
    r.heading("Charts");
    r.charts(charts);
    r.heading("Tables");
    r.folded(html::csv_table("every column of plan.csv", csv, &|_| true)?);
    let growth = match &cp.growth {
        Growth::Rate(g) => format!("{:.1} % a month, compounded", g * 100.0),
        Growth::ByMonth(v) => {
            format!("by month: {}", v.iter().map(|x| format!("{x:.2}")).collect::<Vec<_>>().join(", "))
        }
    };
    r.assumption("plan horizon", format!("{} months from {}", cp.months, cp.start.name()));
    r.assumption("demand growth", growth);
    for st in &cp.steps {
        r.assumption(
            "demand step",
            format!(
                "\u{d7}{} from {}{}",
                st.factor,
                cp.month(st.month).name(),
                if st.note.is_empty() { String::new() } else { format!(": {}", st.note) }
            ),
        );
    }
    r.assumption(
        "attrition",
        format!(
            "{:.1} % of the agents leave each month, counted at its end in whole people (fractions carried over)",
            cp.attrition * 100.0
        ),
    );
    r.assumption(
        "hiring lead time",
        format!(
            "{} = {} month(s): a decision in one month starts people on the first day of the month {} later",
            cp.lead_text, cp.lead_months, cp.lead_months
        ),
    );
    r.assumption(
        "training and ramp",
        format!(
            "{:.1} weeks off the floor, then {} of full speed week by week, then 100 %; {WEEKS_PER_MONTH:.3} weeks a month; a hire counts by the mean share over the month's weeks",
            cp.training_weeks,
            if cp.ramp.is_empty() {
                "no ramp".to_string()
            } else {
                cp.ramp.iter().map(|x| format!("{:.0} %", x * 100.0)).collect::<Vec<_>>().join(", ")
            }
        ),
    );
    r.assumption(
        "required FTE",
        "the paid hours of the shifts `staff` schedules for the month's volume \u{f7} (hours_per_week \u{d7} (1 \u{2212} shrinkage)); months of equal volume share one run".to_string(),
    );
    r.assumption(
        "hiring rule",
        "hires for a month start early enough to be at full speed all through it (or as early as the lead time allows), enough of them that the headcount reaches the requirement; agents are never let go".to_string(),
    );
    r.assumption(
        "service level",
        "the service level of the queue furthest from its target, simulated on the month's scheduled shifts (as `staff` promises it); in a month short of the requirement, the shifts are thinned to the productive share and simulated again".to_string(),
    );
    if let Some(c) = cp.hourly_cost {
        r.assumption("cost", format!("{c} per paid hour; paid hours = people on the payroll \u{d7} hours_per_week \u{d7} {WEEKS_PER_MONTH:.3}"));
    }
    r.files(files);
    Ok(r)
}
