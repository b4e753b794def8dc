//! Tidy CSV: one observation per row, a header always, numbers with fixed
//! decimals so identical results give identical bytes. Missing values (a
//! service level with no tickets, a confidence interval from one replication)
//! are empty cells.

use crate::scenario::Scenario;
use crate::scenario::units::{DAY, format_week_time};
use crate::stats::{IntervalSummary, QueueSummary};

/// A number with `decimals` decimals, or empty.
pub fn num(x: Option<f64>, decimals: usize) -> String {
    match x {
        Some(v) if v.is_finite() => format!("{v:.decimals$}"),
        _ => String::new(),
    }
}

pub const SUMMARY_HEADER: [&str; 18] = [
    "queue",
    "offered",
    "answered",
    "abandoned",
    "withdrawn",
    "waiting_at_end",
    "service_level",
    "service_level_ci95",
    "sla_target",
    "asa_s",
    "asa_s_ci95",
    "wait_p50_s",
    "wait_p90_s",
    "wait_p99_s",
    "abandon_rate",
    "abandon_rate_ci95",
    "occupancy",
    "occupancy_ci95",
];

/// The fields of one summary row, in `SUMMARY_HEADER` order.
pub fn summary_fields(r: &QueueSummary) -> Vec<String> {
    vec![
        r.queue.clone(),
        num(Some(r.offered), 2),
        num(Some(r.answered), 2),
        num(Some(r.abandoned), 2),
        num(Some(r.withdrawn), 2),
        num(Some(r.waiting_at_end), 2),
        num(r.service_level.mean, 4),
        num(r.service_level.ci95, 4),
        num(r.sla_target, 4),
        num(r.asa_s.mean, 1),
        num(r.asa_s.ci95, 1),
        num(r.wait_p50_s, 1),
        num(r.wait_p90_s, 1),
        num(r.wait_p99_s, 1),
        num(r.abandon_rate.mean, 4),
        num(r.abandon_rate.ci95, 4),
        num(r.occupancy.mean, 4),
        num(r.occupancy.ci95, 4),
    ]
}

fn write_rows(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> anyhow::Result<Vec<u8>> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(header)?;
    for row in rows {
        w.write_record(&row)?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

/// `summary.csv`: one row per queue plus `queue = "all"`.
pub fn summary(rows: &[QueueSummary]) -> anyhow::Result<Vec<u8>> {
    write_rows(&SUMMARY_HEADER, rows.iter().map(summary_fields))
}

pub const INTERVALS_HEADER: [&str; 13] = [
    "interval_start",
    "day",
    "t_s",
    "queue",
    "offered",
    "answered",
    "abandoned",
    "service_level",
    "service_level_ci95",
    "asa_s",
    "backlog",
    "agents_on_duty",
    "occupancy",
];

/// `intervals.csv`: one row per reporting interval and queue (plus "all").
pub fn intervals(scenario: &Scenario, rows: &[IntervalSummary]) -> anyhow::Result<Vec<u8>> {
    let start = scenario.simulation.start;
    write_rows(
        &INTERVALS_HEADER,
        rows.iter().map(|r| {
            vec![
                format_week_time(start + r.t_s),
                format!("{}", (r.t_s / DAY).floor() as u64 + 1),
                format!("{:.0}", r.t_s),
                r.queue.clone(),
                num(Some(r.offered), 2),
                num(Some(r.answered), 2),
                num(Some(r.abandoned), 2),
                num(r.service_level.mean, 4),
                num(r.service_level.ci95, 4),
                num(r.asa_s, 1),
                num(Some(r.backlog), 2),
                num(Some(r.agents_on_duty), 2),
                num(r.occupancy, 4),
            ]
        }),
    )
}
