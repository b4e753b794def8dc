//! `compare BASE VARIANT…`: what-if scenarios against a base. Every
//! scenario runs with the base's seed and replications, so replication i of
//! each draws the same tickets wherever their queues' arrivals agree
//! (common random numbers); each variant's figures are then reported as
//! paired differences from the base, replication by replication.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::json;

use super::{Options, WORKBOOK, add_charts, chart_list, out, pages, run_record, scale_guard, size, warnings};
use crate::cli::CommonArgs;
use crate::error::InputError;
use crate::experiment;
use crate::report::xlsx::Book;
use crate::report::{self, OutputSet, figures, progress};
use crate::scenario::units::{format_duration, format_wait};
use crate::stats::RunSummary;
use crate::stats::paired::{self, Difference, Metric};

/// A difference as people read it: "+6.1 pts ±1.2", "−35s ±4.0s".
pub(crate) fn difference_text(d: &Difference) -> String {
    let Some(x) = d.difference else { return "-".into() };
    let sign = if x < 0.0 { "\u{2212}" } else { "+" };
    if d.kind.is_share() {
        let ci = d.difference_ci95.map_or(String::new(), |c| format!(" \u{b1}{:.1}", c * 100.0));
        format!("{sign}{:.1} pts{ci}", x.abs() * 100.0)
    } else {
        let ci = d.difference_ci95.map_or(String::new(), |c| format!(" \u{b1}{}", format_wait(c)));
        format!("{sign}{}{ci}", format_wait(x.abs()))
    }
}

/// A figure as people read it: "81.0%", "2m05s".
pub(crate) fn value_text(kind: Metric, x: Option<f64>) -> String {
    match x {
        None => "-".into(),
        Some(v) if kind.is_share() => format!("{:.1}%", v * 100.0),
        Some(v) => format_wait(v),
    }
}

/// Whether the difference is clear (its interval excludes zero) and good
/// for customers (`Some(true)`), clear and bad (`Some(false)`), or neither.
pub(crate) fn judged(d: &Difference) -> Option<bool> {
    let (x, ci) = (d.difference?, d.difference_ci95.unwrap_or(0.0));
    let better = d.kind.higher_is_better()?;
    if x.abs() <= ci || x == 0.0 {
        return None;
    }
    Some((x > 0.0) == better)
}

/// The scenarios of a what-if, read and checked.
pub(crate) struct WhatIf {
    pub base: Options,
    pub variants: Vec<Options>,
    /// How each scenario is called in the outputs (the base first).
    pub labels: Vec<String>,
}

/// Reads the base and the variants; the variants take the base's seed and
/// replications. Variants whose queues differ from the base's are refused.
fn read(base_path: &Path, variant_paths: &[PathBuf], common: &CommonArgs) -> anyhow::Result<WhatIf> {
    let base = Options::new(base_path, common, None, Some("whatif"))?;
    let mut same_out = common.clone();
    same_out.out = Some(base.out.clone());
    let mut variants = Vec::new();
    let base_queues: Vec<&str> = base.scenario.queues.iter().map(|q| q.name.as_str()).collect();
    for path in variant_paths {
        let mut v = Options::new(path, &same_out, None, None)?;
        let queues: Vec<&str> = v.scenario.queues.iter().map(|q| q.name.as_str()).collect();
        if queues != base_queues {
            let mut sorted = (queues.clone(), base_queues.clone());
            sorted.0.sort_unstable();
            sorted.1.sort_unstable();
            let fix = if sorted.0 == sorted.1 {
                format!("list the queues of {} in the same order as in {}", path.display(), base_path.display())
            } else {
                format!(
                    "give {} the same queues as {} (a queue one desk does not have can be kept with volume = \"0/week\")",
                    path.display(),
                    base_path.display()
                )
            };
            return Err(InputError::Argument(format!(
                "{} cannot be compared with {}: its queues are {}, the base's are {}; a what-if compares the same \
                 queues, whose tickets come from the same random streams in file order: {fix}",
                path.display(),
                base_path.display(),
                queues.join(", "),
                base_queues.join(", ")
            ))
            .into());
        }
        let (bs, vs) = (&base.scenario.simulation, &mut v.scenario.simulation);
        if (vs.seed, vs.replications) != (bs.seed, bs.replications) && !base.quiet {
            eprintln!(
                "note: {}: seed {} and {} replications replaced by the base's (seed {}, {} replications), so \
                 replication i of every scenario sees the same tickets",
                path.display(),
                vs.seed,
                vs.replications,
                bs.seed,
                bs.replications
            );
        }
        vs.seed = bs.seed;
        vs.replications = bs.replications;
        variants.push(v);
    }
    let names: Vec<String> =
        std::iter::once(&base).chain(&variants).map(|o| o.scenario.name.clone()).collect::<Vec<_>>();
    let distinct = names.iter().enumerate().all(|(i, n)| !names[..i].contains(n));
    let labels = if distinct {
        names
    } else {
        // Two scenarios of one name: the files tell them apart.
        std::iter::once(&base).chain(&variants).map(|o| o.path.display().to_string()).collect()
    };
    Ok(WhatIf { base, variants, labels })
}

/// The what-if compare.
pub fn compare(base_path: &Path, variant_paths: &[PathBuf], common: &CommonArgs) -> anyhow::Result<()> {
    let w = read(base_path, variant_paths, common)?;
    let opts = &w.base;
    let all: Vec<&Options> = std::iter::once(&w.base).chain(&w.variants).collect();
    for o in &all {
        scale_guard(
            &o.path,
            &o.scenario,
            all.len(),
            size::Kept { summaries: all.len(), ..size::Kept::ONE },
            o.threads,
            o.quiet,
        )?;
        if !o.quiet {
            for warning in warnings(&o.scenario) {
                eprintln!("warning: {}: {warning}", o.path.display());
            }
        }
    }
    let started = Instant::now();
    let sim = &opts.scenario.simulation;
    let scenarios: Vec<&crate::scenario::Scenario> = all.iter().map(|o| &o.scenario).collect();
    if let Some(shard) = opts.shard {
        let runs: Vec<(&crate::scenario::Scenario, crate::scenario::Policy)> =
            scenarios.iter().map(|&s| (s, s.policy)).collect();
        let files = all.iter().map(|o| o.file()).collect();
        return super::merge::shard_replications(opts, shard, &runs, files);
    }
    let bar = progress::bar(u64::from(sim.replications) * all.len() as u64, "replications", opts.quiet);
    let (summaries, figures) = experiment::scenario_variants(&scenarios, |s| s.policy, opts.source(), &|| bar.inc(1))?;
    bar.finish_and_clear();

    let mut queues: Vec<String> = opts.scenario.queues.iter().map(|q| q.name.clone()).collect();
    queues.push("all".into());
    let diffs: Vec<Difference> =
        (1..all.len()).flat_map(|v| paired::differences(&w.labels[v], &queues, &figures[0], &figures[v])).collect();

    let runs: Vec<(String, &RunSummary)> = w.labels.iter().cloned().zip(&summaries).collect();
    let dir = &opts.out;
    let mut set = OutputSet::folder(dir);
    let parts: Vec<(String, Vec<u8>)> =
        runs.iter().map(|(l, r)| Ok((l.clone(), report::csv::summary(&r.queues)?))).collect::<anyhow::Result<_>>()?;
    let summary_csv = report::csv::with_leading_column("scenario", &parts)?;
    let differences_csv = report::csv::differences(&diffs)?;
    let mut tables = vec!["summary.csv", "differences.csv"];
    if opts.workbook {
        let mut book = Book::new();
        book.table("Summary", "summary.csv", &summary_csv)?;
        book.table("Differences", "differences.csv", &differences_csv)?;
        book.service_level_by_group(
            "scenario",
            "service level by queue and scenario",
            rust_xlsxwriter::ChartType::Column,
        );
        set.add(WORKBOOK, book.finish()?);
        tables.push(WORKBOOK);
    }
    set.add("summary.csv", summary_csv);
    set.add("differences.csv", differences_csv);
    let drawn = figures::whatif_charts(&w.labels[0], &w.labels[1..], &diffs);
    let charts = add_charts(&mut set, &drawn, &opts.formats, opts.size)?;
    tables.push("run.json");
    if opts.report {
        let beside = tables.iter().map(|t| t.to_string()).chain(charts.iter().cloned()).collect();
        let page = pages::whatif(&w, &runs, &diffs, &drawn, beside)?;
        set.add_streamed(pages::REPORT, |wr| page.write_to(wr));
        tables.insert(0, pages::REPORT);
    }
    let wall = started.elapsed().as_secs_f64();
    let mut record = run_record(opts, &[opts.scenario.policy], wall);
    record["variants"] = json!(
        w.variants
            .iter()
            .zip(&w.labels[1..])
            .map(|(v, l)| json!({
                "label": l,
                "scenario": v.scenario.name,
                "scenario_file": v.path.display().to_string(),
                "scenario_hash": format!("fnv1a64:{:016x}", v.hash),
                "policy": v.scenario.policy_name(v.scenario.policy),
            }))
            .collect::<Vec<_>>()
    );
    set.add("run.json", report::json::to_bytes(&record)?);
    set.commit()?;

    if opts.json {
        let v = json!({
            "base": w.labels[0],
            "replications": sim.replications,
            "seed": sim.seed,
            "output_dir": dir.display().to_string(),
            "charts": charts,
            "scenarios": runs.iter().map(|(l, r)| json!({
                "scenario": l,
                "queues": r.queues.iter().map(report::json::queue_row).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "differences": diffs.iter().map(|d| json!({
                "variant": d.variant,
                "queue": d.queue,
                "metric": d.metric,
                "base": d.base,
                "value": d.variant_value,
                "difference": d.difference,
                "difference_ci95": d.difference_ci95,
            })).collect::<Vec<_>>(),
        });
        return out(&String::from_utf8(report::json::to_bytes(&v)?)?);
    }
    let mut text = format!(
        "what-if against {}: {} scenarios on the same tickets, {} paired replications of {} each, seed {}\n",
        w.labels[0],
        all.len(),
        sim.replications,
        format_duration(sim.horizon - sim.warmup),
        sim.seed
    );
    for label in &w.labels[1..] {
        text.push('\n');
        text.push_str(&table(label, &w.labels[0], &diffs));
    }
    text.push_str(&format!(
        "\nservice level: {} \u{2192} the variant; \u{394}: the variant minus {}, the mean of the paired differences \
         over the replications \u{b1} 95 % confidence half-width; pts = percentage points; mean wait (all) counts \
         every customer, ASA only the answered\nwritten to {}/ in {wall:.1} s: {}\ncharts: {}\n",
        w.labels[0],
        w.labels[0],
        dir.display(),
        tables.join(" "),
        chart_list(&charts)
    ));
    out(&text)
}

/// The terminal table of one variant: a row per queue and the desk.
fn table(variant: &str, base: &str, diffs: &[Difference]) -> String {
    use std::fmt::Write as _;
    let rows: Vec<&Difference> = diffs.iter().filter(|d| d.variant == variant).collect();
    let mut queues: Vec<&str> = Vec::new();
    for d in &rows {
        if !queues.contains(&d.queue.as_str()) {
            queues.push(&d.queue);
        }
    }
    let width = queues.iter().map(|q| q.chars().count()).max().unwrap_or(5).clamp(5, 24);
    let mut t = String::new();
    let _ = writeln!(t, "{variant} against {base}:");
    let _ = write!(t, "{:<width$} {:>24}", "queue", "service level");
    for m in &Metric::ALL {
        let short = match m {
            Metric::MeanWaitAll => "mean wait (all)",
            Metric::AbandonRate => "abandoned",
            _ => m.label(),
        };
        let _ = write!(t, " {:>17}", format!("\u{394} {short}"));
    }
    t.push('\n');
    for q in queues {
        let of = |m: Metric| rows.iter().find(|d| d.queue == q && d.kind == m);
        let sl = of(Metric::ServiceLevel);
        let change = sl.map_or("-".to_string(), |d| {
            format!(
                "{} \u{2192} {}",
                value_text(Metric::ServiceLevel, d.base),
                value_text(Metric::ServiceLevel, d.variant_value)
            )
        });
        let _ = write!(t, "{:<width$} {:>24}", q.chars().take(width).collect::<String>(), change);
        for m in Metric::ALL {
            let _ = write!(t, " {:>17}", of(m).map_or("-".into(), |d| difference_text(d)));
        }
        t.push('\n');
    }
    t
}
