//! Tidy CSV: one observation per row, a header always, numbers with fixed
//! decimals so identical results give identical bytes. Missing values (a
//! service level with no tickets, a confidence interval from one replication)
//! are empty cells.
//!
//! Queue and team names are the user's text, and a spreadsheet runs a cell
//! that starts with `=`, `+`, `-` or `@` as a formula (CSV injection). Every
//! CSV file staffsim writes passes through [`neutralise_formulas`] on its way
//! into an output folder ([`super::OutputSet`]), whichever writer made it.

use std::borrow::Cow;

use crate::scenario::Scenario;
use crate::scenario::units::{DAY, format_week_time};
use crate::stats::{IntervalSummary, QueueSummary, TeamInterval, WaitCurve};

/// A number with `decimals` decimals, or empty.
pub fn num(x: Option<f64>, decimals: usize) -> String {
    match x {
        Some(v) if v.is_finite() => format!("{v:.decimals$}"),
        _ => String::new(),
    }
}

fn write_rows(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    stream_rows(&mut bytes, header, rows)?;
    Ok(bytes)
}

/// Writes the header and rows to `out` as they come.
fn stream_rows(
    out: &mut dyn std::io::Write,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> anyhow::Result<()> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(header)?;
    for row in rows {
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}

/// `differences.csv`: each variant's figures against the base's, per queue
/// (and `all`) and metric, with the 95 % half-width of the paired difference.
pub fn differences(rows: &[crate::stats::paired::Difference]) -> anyhow::Result<Vec<u8>> {
    let header = ["variant", "queue", "metric", "base", "variant", "difference", "difference_ci95"];
    write_rows(
        &header,
        rows.iter().map(|r| {
            let d = if r.kind.is_share() { 4 } else { 1 };
            vec![
                r.variant.clone(),
                r.queue.clone(),
                r.metric.to_string(),
                num(r.base, d),
                num(r.variant_value, d),
                num(r.difference, d),
                num(r.difference_ci95, d),
            ]
        }),
    )
}

/// `summary.csv`: one row per queue plus `queue = "all"`.
pub fn summary(rows: &[QueueSummary]) -> anyhow::Result<Vec<u8>> {
    let columns = super::columns::summary_columns(rows);
    write_rows(&super::columns::header(&columns), rows.iter().map(|r| super::columns::csv_fields(&columns, r)))
}

pub const INTERVALS_HEADER: [&str; 18] = [
    "interval_start",
    "day",
    "t_s",
    "queue",
    "offered",
    "answered",
    "abandoned",
    "closed",
    "service_level",
    "service_level_ci95",
    "asa_s",
    "backlog",
    "backlog_in_sla",
    "backlog_under_1d",
    "backlog_1d_to_3d",
    "backlog_over_3d",
    "agents_on_duty",
    "occupancy",
];

fn interval_fields(r: &IntervalSummary) -> Vec<String> {
    vec![
        r.queue.to_string(),
        num(Some(r.offered), 2),
        num(Some(r.answered), 2),
        num(Some(r.abandoned), 2),
        num(Some(r.closed), 2),
        num(r.service_level.mean, 4),
        num(r.service_level.ci95, 4),
        num(r.asa_s, 1),
        num(Some(r.backlog), 2),
        num(Some(r.backlog_by_age[0]), 2),
        num(Some(r.backlog_by_age[1]), 2),
        num(Some(r.backlog_by_age[2]), 2),
        num(Some(r.backlog_by_age[3]), 2),
        num(Some(r.agents_on_duty), 2),
        num(r.occupancy, 4),
    ]
}

/// The leading time columns: desk clock label, day of the run, seconds.
fn time_fields(scenario: &Scenario, t_s: f64) -> Vec<String> {
    vec![
        format_week_time(scenario.simulation.start + t_s),
        format!("{}", (t_s / DAY).floor() as u64 + 1),
        format!("{t_s:.0}"),
    ]
}

/// `intervals.csv`: one row per reporting interval and queue (plus "all").
pub fn intervals(scenario: &Scenario, rows: &[IntervalSummary]) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    write_intervals(&mut bytes, scenario, rows)?;
    Ok(bytes)
}

/// `intervals.csv`, streamed to `out`.
pub fn write_intervals(
    out: &mut dyn std::io::Write,
    scenario: &Scenario,
    rows: &[IntervalSummary],
) -> anyhow::Result<()> {
    stream_rows(
        out,
        &INTERVALS_HEADER,
        rows.iter().map(|r| {
            let mut f = time_fields(scenario, r.t_s);
            f.extend(interval_fields(r));
            f
        }),
    )
}

/// `week.csv`: the typical week, the columns of `intervals.csv` without
/// `day` and `t_s` (each row pools its interval of the week over all weeks).
pub fn week(scenario: &Scenario, rows: &[IntervalSummary]) -> anyhow::Result<Vec<u8>> {
    let header: Vec<&str> = INTERVALS_HEADER.iter().copied().filter(|h| !matches!(*h, "day" | "t_s")).collect();
    write_rows(
        &header,
        rows.iter().map(|r| {
            let mut f = vec![format_week_time(scenario.simulation.start + r.t_s)];
            f.extend(interval_fields(r));
            f
        }),
    )
}

pub const TEAMS_HEADER: [&str; 7] =
    ["interval_start", "day", "t_s", "team", "agents_on_duty", "agents_busy", "occupancy"];

fn team_fields(r: &TeamInterval) -> Vec<String> {
    vec![r.team.to_string(), num(Some(r.agents_on_duty), 2), num(Some(r.agents_busy), 2), num(r.occupancy, 4)]
}

/// `teams.csv`: agents on duty and busy per reporting interval and team.
pub fn teams(scenario: &Scenario, rows: &[TeamInterval]) -> anyhow::Result<Vec<u8>> {
    write_rows(
        &TEAMS_HEADER,
        rows.iter().map(|r| {
            let mut f = time_fields(scenario, r.t_s);
            f.extend(team_fields(r));
            f
        }),
    )
}

/// `week_teams.csv`: the typical week of `teams.csv`, without `day` and `t_s`.
pub fn week_teams(scenario: &Scenario, rows: &[TeamInterval]) -> anyhow::Result<Vec<u8>> {
    let header: Vec<&str> = TEAMS_HEADER.iter().copied().filter(|h| !matches!(*h, "day" | "t_s")).collect();
    write_rows(
        &header,
        rows.iter().map(|r| {
            let mut f = vec![format_week_time(scenario.simulation.start + r.t_s)];
            f.extend(team_fields(r));
            f
        }),
    )
}

pub const WAITS_HEADER: [&str; 3] = ["queue", "wait_s", "answered_within"];

/// `waits.csv`: the share of each queue's customers answered within each wait.
pub fn waits(curves: &[WaitCurve]) -> anyhow::Result<Vec<u8>> {
    write_rows(
        &WAITS_HEADER,
        curves
            .iter()
            .flat_map(|c| c.points.iter().map(|&(x, y)| vec![c.queue.clone(), format!("{x:.3}"), format!("{y:.4}")])),
    )
}

/// Prefixes every row of a CSV table (with its header) with a leading column;
/// used by `compare` (policy) and `sweep` (agents).
pub fn with_leading_column(name: &str, parts: &[(String, Vec<u8>)]) -> anyhow::Result<Vec<u8>> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let mut header_written = false;
    for (value, bytes) in parts {
        let mut r = ::csv::Reader::from_reader(bytes.as_slice());
        if !header_written {
            let mut header = vec![name.to_string()];
            header.extend(r.headers()?.iter().map(String::from));
            w.write_record(&header)?;
            header_written = true;
        }
        for record in r.records() {
            let mut row = vec![value.clone()];
            row.extend(record?.iter().map(String::from));
            w.write_record(&row)?;
        }
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

/// Whether a cell would be run as a formula by a spreadsheet: it starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return (the OWASP list) and is not
/// a plain number (`-0.5` and `+3e2` stay numbers).
fn is_formula(cell: &[u8]) -> bool {
    let number = |c: &[u8]| {
        c.iter().all(|b| b.is_ascii_digit() || b"+-.eE".contains(b))
            && std::str::from_utf8(c).is_ok_and(|t| t.parse::<f64>().is_ok())
    };
    matches!(cell.first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')) && !number(cell)
}

/// Whether any cell of a CSV text could start with a formula character: a
/// quick scan, so most files are passed through without being parsed.
fn may_hold_formulas(bytes: &[u8]) -> bool {
    let starts = std::iter::once(0)
        .chain(bytes.iter().enumerate().filter(|(_, b)| matches!(b, b',' | b'\n')).map(|(i, _)| i + 1));
    starts.into_iter().any(|i| {
        let at = if bytes.get(i) == Some(&b'"') { i + 1 } else { i };
        matches!(bytes.get(at), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'))
    })
}

/// The CSV text with a single quote put before every cell a spreadsheet
/// would run as a formula (the OWASP rule: `=HYPERLINK(…)` becomes
/// `'=HYPERLINK(…)`, shown as text). Numbers, and files without such
/// cells, are left byte for byte as they were.
pub fn neutralise_formulas(bytes: Vec<u8>) -> Vec<u8> {
    if !may_hold_formulas(&bytes) {
        return bytes;
    }
    // Text that is not CSV (never written by staffsim) is left as it is.
    rewrite_formulas(&bytes).unwrap_or(bytes)
}

/// A writer that neutralises formulas line by line (every record staffsim
/// writes is one line: names hold no line breaks), for CSV files streamed
/// to disk; the bytes are those [`neutralise_formulas`] gives the whole file.
pub struct FormulaGuard<'a> {
    out: &'a mut dyn std::io::Write,
    line: Vec<u8>,
}

impl<'a> FormulaGuard<'a> {
    pub fn new(out: &'a mut dyn std::io::Write) -> Self {
        FormulaGuard { out, line: Vec::with_capacity(256) }
    }

    /// Writes the last line if it has no line break.
    pub fn finish(mut self) -> anyhow::Result<()> {
        let rest = std::mem::take(&mut self.line);
        self.out.write_all(&neutralise_formulas(rest))?;
        Ok(self.out.flush()?)
    }
}

impl std::io::Write for FormulaGuard<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut rest = buf;
        while let Some(i) = rest.iter().position(|&b| b == b'\n') {
            self.line.extend_from_slice(&rest[..=i]);
            let line = std::mem::replace(&mut self.line, Vec::with_capacity(256));
            self.out.write_all(&neutralise_formulas(line))?;
            rest = &rest[i + 1..];
        }
        self.line.extend_from_slice(rest);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

fn rewrite_formulas(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut reader = ::csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut w = ::csv::WriterBuilder::new().flexible(true).from_writer(Vec::with_capacity(bytes.len() + 64));
    let mut record = ::csv::ByteRecord::new();
    while reader.read_byte_record(&mut record).ok()? {
        let cells =
            record.iter().map(|c| if is_formula(c) { Cow::Owned([b"'", c].concat()) } else { Cow::Borrowed(c) });
        w.write_record(cells).ok()?;
    }
    w.into_inner().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_run_are_quoted_and_numbers_stay_numbers() {
        let text = "queue,offered,t_s\n\"=HYPERLINK(\"\"http://x\"\")\",-0.50,+3e2\n@SUM(A1),1.00,-2\n-2+3,\"\t=1\",0\nchat,2.00,5\n";
        let safe = String::from_utf8(neutralise_formulas(text.as_bytes().to_vec())).unwrap();
        assert_eq!(
            safe,
            "queue,offered,t_s\n\"'=HYPERLINK(\"\"http://x\"\")\",-0.50,+3e2\n'@SUM(A1),1.00,-2\n'-2+3,'\t=1,0\nchat,2.00,5\n"
        );
        // Applying the rule twice changes nothing more.
        assert_eq!(String::from_utf8(neutralise_formulas(safe.clone().into_bytes())).unwrap(), safe);
        // A file with nothing to neutralise is returned as it was.
        let plain = b"queue,offered\nchat,-1.5\n\"a, b\",2\n".to_vec();
        assert_eq!(neutralise_formulas(plain.clone()), plain);
    }

    #[test]
    fn a_streamed_file_is_neutralised_as_the_whole_file_is() {
        use std::io::Write;
        let text = b"queue,offered\n=HYPERLINK(\"x\"),1\nchat,-1.5\n\"@a, b\",2\n+3,4\n-cmd,5".to_vec();
        let mut streamed = Vec::new();
        let mut guard = FormulaGuard::new(&mut streamed);
        // Written in pieces that cut lines and cells anywhere.
        for piece in text.chunks(7) {
            guard.write_all(piece).unwrap();
        }
        guard.finish().unwrap();
        assert_eq!(String::from_utf8(streamed).unwrap(), String::from_utf8(neutralise_formulas(text)).unwrap());
    }
}
