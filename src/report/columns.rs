//! The columns of the summary table, once: a name, how to read the value
//! from a row, and how many decimals. The CSV writer and the JSON summary
//! both take their fields from this list, so they cannot drift apart.

use serde_json::{Value, json};

use crate::stats::QueueSummary;
use crate::stats::summary::FlowSummary;

/// One cell's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A measured number with its decimals in CSV; `None` (or not finite)
    /// is an empty cell and JSON `null`.
    Number(Option<f64>, usize),
    Count(u64),
}

impl Cell {
    /// The CSV text of the cell.
    pub fn csv(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Number(x, d) => super::csv::num(*x, *d),
            Cell::Count(n) => n.to_string(),
        }
    }

    /// The JSON value of the cell (numbers at full precision).
    pub fn json(&self) -> Value {
        match self {
            Cell::Text(t) => json!(t),
            Cell::Number(Some(v), _) if v.is_finite() => json!(v),
            Cell::Number(..) => Value::Null,
            Cell::Count(n) => json!(n),
        }
    }
}

/// A column of a table of rows `R`.
pub struct Column<R> {
    pub name: &'static str,
    pub value: fn(&R) -> Cell,
}

impl<R> Clone for Column<R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for Column<R> {}

fn n(x: f64, d: usize) -> Cell {
    Cell::Number(Some(x), d)
}

/// The number `summary.csv` prints in column `name` for `row`, read back as
/// a reader of the file reads it (rounded to the column's decimals); `None`
/// for an empty cell or an unknown column. What is chosen from these figures
/// is what a tool choosing from the file would choose (the workbook does).
pub fn summary_figure(row: &QueueSummary, name: &str) -> Option<f64> {
    let column = SUMMARY.iter().find(|c| c.name == name)?;
    (column.value)(row).csv().parse::<f64>().ok().filter(|x| x.is_finite())
}

/// `summary.csv`'s columns, in order (DESIGN.md's, then the additions the
/// README lists).
pub const SUMMARY: &[Column<QueueSummary>] = &[
    Column { name: "queue", value: |r| Cell::Text(r.queue.clone()) },
    Column { name: "offered", value: |r| n(r.offered, 2) },
    Column { name: "answered", value: |r| n(r.answered, 2) },
    Column { name: "abandoned", value: |r| n(r.abandoned, 2) },
    Column { name: "closed", value: |r| n(r.closed, 2) },
    Column { name: "withdrawn", value: |r| n(r.withdrawn, 2) },
    Column { name: "waiting_at_end", value: |r| n(r.waiting_at_end, 2) },
    Column { name: "service_level", value: |r| Cell::Number(r.service_level.mean, 4) },
    Column { name: "service_level_ci95", value: |r| Cell::Number(r.service_level.ci95, 4) },
    Column { name: "sla_target", value: |r| Cell::Number(r.sla_target, 4) },
    Column { name: "asa_s", value: |r| Cell::Number(r.asa_s.mean, 1) },
    Column { name: "asa_s_ci95", value: |r| Cell::Number(r.asa_s.ci95, 1) },
    Column { name: "asa_target_s", value: |r| Cell::Number(r.asa_target_s, 1) },
    Column { name: "wait_p50_s", value: |r| Cell::Number(r.wait_p50_s, 1) },
    Column { name: "wait_p90_s", value: |r| Cell::Number(r.wait_p90_s, 1) },
    Column { name: "wait_p99_s", value: |r| Cell::Number(r.wait_p99_s, 1) },
    Column { name: "abandon_rate", value: |r| Cell::Number(r.abandon_rate.mean, 4) },
    Column { name: "abandon_rate_ci95", value: |r| Cell::Number(r.abandon_rate.ci95, 4) },
    Column { name: "occupancy", value: |r| Cell::Number(r.occupancy.mean, 4) },
    Column { name: "occupancy_ci95", value: |r| Cell::Number(r.occupancy.ci95, 4) },
    Column { name: "callbacks_created", value: |r| n(r.callbacks_created, 2) },
    Column { name: "service_level_backlog", value: |r| Cell::Number(r.service_level_backlog.mean, 4) },
    Column { name: "service_level_new", value: |r| Cell::Number(r.service_level_new.mean, 4) },
    Column { name: "after_hours", value: |r| n(r.after_hours, 2) },
    Column { name: "service_level_open", value: |r| Cell::Number(r.service_level_open.mean, 4) },
    Column { name: "service_level_open_ci95", value: |r| Cell::Number(r.service_level_open.ci95, 4) },
    Column { name: "time_to_clear_h", value: |r| Cell::Number(r.time_to_clear_h.mean, 2) },
    Column { name: "time_to_clear_h_ci95", value: |r| Cell::Number(r.time_to_clear_h.ci95, 2) },
    Column { name: "never_cleared", value: |r| Cell::Count(r.never_cleared as u64) },
    Column { name: "wait_all_mean_s", value: |r| Cell::Number(r.wait_all_mean_s.mean, 1) },
    Column { name: "wait_all_mean_s_ci95", value: |r| Cell::Number(r.wait_all_mean_s.ci95, 1) },
    Column { name: "wait_all_p50_s", value: |r| Cell::Number(r.wait_all_p50_s, 1) },
    Column { name: "wait_all_p90_s", value: |r| Cell::Number(r.wait_all_p90_s, 1) },
    Column { name: "answered_in_time_all", value: |r| Cell::Number(r.answered_in_time_all.mean, 4) },
    Column { name: "answered_in_time_all_ci95", value: |r| Cell::Number(r.answered_in_time_all.ci95, 4) },
    Column { name: "waited_over_week", value: |r| Cell::Number(r.waited_over_week.mean, 4) },
    Column { name: "waited_over_week_ci95", value: |r| Cell::Number(r.waited_over_week.ci95, 4) },
    Column { name: "left_in_sla", value: |r| n(r.left_by_age[0], 2) },
    Column { name: "left_under_1d", value: |r| n(r.left_by_age[1], 2) },
    Column { name: "left_1d_to_3d", value: |r| n(r.left_by_age[2], 2) },
    Column { name: "left_over_3d", value: |r| n(r.left_by_age[3], 2) },
    Column { name: "oldest_left_h", value: |r| Cell::Number(r.oldest_left_h.mean, 2) },
    Column { name: "oldest_left_h_ci95", value: |r| Cell::Number(r.oldest_left_h.ci95, 2) },
    Column { name: "resolved", value: |r| Cell::Number(r.flow.as_ref().map(|f| f.resolved), 2) },
    Column { name: "touches_per_ticket", value: |r| flow_estimate(r, |f| f.touches_per_ticket.mean, 3) },
    Column { name: "touches_per_ticket_ci95", value: |r| flow_estimate(r, |f| f.touches_per_ticket.ci95, 3) },
    Column { name: "resolution_mean_h", value: |r| flow_estimate(r, |f| f.resolution_h.mean, 3) },
    Column { name: "resolution_mean_h_ci95", value: |r| flow_estimate(r, |f| f.resolution_h.ci95, 3) },
    Column { name: "resolution_p50_h", value: |r| flow_estimate(r, |f| f.resolution_p50_h, 3) },
    Column { name: "resolution_p90_h", value: |r| flow_estimate(r, |f| f.resolution_p90_h, 3) },
    Column { name: "unresolved_lost", value: |r| Cell::Number(r.flow.as_ref().map(|f| f.lost), 2) },
    Column { name: "unresolved_at_end", value: |r| Cell::Number(r.flow.as_ref().map(|f| f.open_at_end), 2) },
    Column { name: "replies", value: |r| Cell::Number(r.flow.as_ref().map(|f| f.replies), 2) },
    Column { name: "reply_wait_mean_s", value: |r| flow_estimate(r, |f| f.reply_wait_s.mean, 1) },
    Column { name: "reply_wait_mean_s_ci95", value: |r| flow_estimate(r, |f| f.reply_wait_s.ci95, 1) },
    Column { name: "transfers_in", value: |r| Cell::Number(r.flow.as_ref().map(|f| f.transfers_in), 2) },
    Column { name: "transfers_out", value: |r| Cell::Number(r.flow.as_ref().map(|f| f.transfers_out), 2) },
    Column { name: "after_hours_callbacks", value: |r| Cell::Number(r.dialling.after_hours_callbacks, 2) },
    Column {
        name: "service_level_daytime_callbacks",
        value: |r| Cell::Number(r.dialling.service_level_daytime.mean, 4),
    },
    Column {
        name: "service_level_daytime_callbacks_ci95",
        value: |r| Cell::Number(r.dialling.service_level_daytime.ci95, 4),
    },
    Column {
        name: "service_level_after_hours_callbacks",
        value: |r| Cell::Number(r.dialling.service_level_after_hours.mean, 4),
    },
    Column {
        name: "service_level_after_hours_callbacks_ci95",
        value: |r| Cell::Number(r.dialling.service_level_after_hours.ci95, 4),
    },
    Column { name: "after_hours_sla_target", value: |r| Cell::Number(r.dialling.after_hours_target, 4) },
    Column { name: "callbacks_scheduled", value: |r| Cell::Number(r.dialling.callbacks_scheduled, 2) },
    Column { name: "scheduled_after_mean_h", value: |r| Cell::Number(r.dialling.scheduled_after_h.mean, 3) },
    Column { name: "outbound_attempts", value: |r| Cell::Number(r.dialling.attempts, 2) },
    Column { name: "outbound_reached", value: |r| Cell::Number(r.dialling.reached, 2) },
    Column { name: "outbound_never_reached", value: |r| Cell::Number(r.dialling.unreached, 2) },
    Column { name: "outbound_backlog", value: |r| Cell::Number(r.dialling.backlog, 2) },
    Column { name: "reach_rate", value: |r| Cell::Number(r.dialling.reach_rate.mean, 4) },
    Column { name: "reach_rate_ci95", value: |r| Cell::Number(r.dialling.reach_rate.ci95, 4) },
    Column { name: "attempts_per_customer", value: |r| Cell::Number(r.dialling.attempts_per_customer.mean, 3) },
    Column { name: "attempts_per_customer_ci95", value: |r| Cell::Number(r.dialling.attempts_per_customer.ci95, 3) },
];

/// A conversation figure (empty in a desk without replies or transfers).
fn flow_estimate(r: &QueueSummary, pick: fn(&FlowSummary) -> Option<f64>, decimals: usize) -> Cell {
    Cell::Number(r.flow.as_ref().and_then(pick), decimals)
}

/// The columns a scenario with `[simulation] clear_by` adds to the summary,
/// after [`SUMMARY`]'s (a scenario without one keeps exactly those).
pub const CLEAR_BY: &[Column<QueueSummary>] = &[
    Column { name: "cleared_by_date", value: |r| Cell::Number(r.clear_by.as_ref().map(|c| c.share), 4) },
    Column {
        name: "clear_date",
        value: |r| Cell::Text(r.clear_by.as_ref().and_then(|c| c.expected.clone()).unwrap_or_default()),
    },
    Column {
        name: "clear_p50_by",
        value: |r| Cell::Text(r.clear_by.as_ref().and_then(|c| c.p50_by.clone()).unwrap_or_default()),
    },
    Column {
        name: "clear_p90_by",
        value: |r| Cell::Text(r.clear_by.as_ref().and_then(|c| c.p90_by.clone()).unwrap_or_default()),
    },
];

/// The summary's columns for these rows: [`SUMMARY`], and [`CLEAR_BY`]
/// when the rows carry a clear-by date.
pub fn summary_columns(rows: &[QueueSummary]) -> Vec<Column<QueueSummary>> {
    let mut columns = SUMMARY.to_vec();
    if rows.iter().any(|r| r.clear_by.is_some()) {
        columns.extend_from_slice(CLEAR_BY);
    }
    columns
}

/// The header of a table.
pub fn header<R>(columns: &[Column<R>]) -> Vec<&'static str> {
    columns.iter().map(|c| c.name).collect()
}

/// One row as CSV fields.
pub fn csv_fields<R>(columns: &[Column<R>], row: &R) -> Vec<String> {
    columns.iter().map(|c| (c.value)(row).csv()).collect()
}

/// One row as a JSON object with the CSV's names.
pub fn json_object<R>(columns: &[Column<R>], row: &R) -> serde_json::Map<String, Value> {
    columns.iter().map(|c| (c.name.to_string(), (c.value)(row).json())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_and_json_have_the_same_fields() {
        let row = QueueSummary { queue: "chat".into(), offered: 3.0, ..QueueSummary::default() };
        let object = json_object(SUMMARY, &row);
        let names: Vec<&str> = object.keys().map(String::as_str).collect();
        let mut header = header(SUMMARY);
        header.sort_unstable();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, header);
        assert!(object.contains_key("time_to_clear_h_ci95"));
        assert_eq!(csv_fields(SUMMARY, &row).len(), SUMMARY.len());
    }
}
