//! The ticket log of `run --ticket-log FILE.csv`: one row per counted ticket
//! of every replication, in replication order, written to a temporary file
//! beside the target as replications finish and renamed into place only
//! once the run has succeeded, so the file is never half-written.
//!
//! Times are the desk clock's date and time. A scenario whose `start` is a
//! date uses that calendar; one that starts on a weekday ("mon 00:00") is
//! placed in the week of Monday 2024-01-01 ([`EPOCH_DAY`]), so weekdays and
//! clock times stay right and the file still has real dates.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::error::InputError;
use crate::scenario::dated::{civil_from_days, days_from_civil};
use crate::scenario::{Scenario, Simulation};
use crate::stats::tickets::{TicketOutcome, TicketRecord};

use super::Scratch;

/// The ticket log's columns.
pub const HEADER: &str = "replication,queue,channel,origin,created,answered,wait_s,handle_time_s,abandoned,outcome";

/// Days since 1970-01-01 of Monday 2024-01-01: the date of week time 0 for
/// scenarios whose start is a weekday, not a date.
pub fn epoch_day() -> i64 {
    days_from_civil(2024, 1, 1)
}

/// Rows of the ticket log formatted before they are written.
const ROWS_AT_ONCE: usize = 8192;

/// Monday 2024-01-01, the ticket log's calendar for undated scenarios.
pub const EPOCH_DAY: &str = "2024-01-01";

/// Simulated time `t` as "YYYY-MM-DD HH:MM:SS" on the desk's clock, rounded
/// to the second.
pub fn date_time(sim: &Simulation, t: f64) -> String {
    let (day, clock) = match sim.date {
        Some(anchor) => (anchor.day, anchor.clock),
        None => (epoch_day(), sim.start),
    };
    let seconds = (clock + t).round() as i64;
    let (y, m, d) = civil_from_days(day + seconds.div_euclid(86_400));
    let s = seconds.rem_euclid(86_400);
    format!("{y}-{m:02}-{d:02} {:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// Appends one replication's rows to `out`.
pub fn rows(out: &mut Vec<u8>, scenario: &Scenario, replication: u32, records: &[TicketRecord]) {
    let sim = &scenario.simulation;
    for r in records {
        let queue = &scenario.queues[r.queue as usize];
        let answered = r.outcome == TicketOutcome::Answered;
        let _ = write!(
            out,
            "{replication},{},{},{},{},",
            quoted(&queue.name),
            queue.channel.name(),
            r.origin.name(),
            date_time(sim, r.arrival)
        );
        if answered {
            let _ = write!(out, "{}", date_time(sim, r.arrival + r.wait));
        }
        let _ = write!(out, ",{:.3},", r.wait.max(0.0));
        if answered && r.handle.is_finite() {
            let _ = write!(out, "{:.3}", r.handle);
        }
        let _ = writeln!(out, ",{},{}", r.outcome == TicketOutcome::Abandoned, r.outcome.name());
    }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn quoted(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_string() }
}

/// A ticket log being written: rows go to a temporary file beside the
/// target, renamed into place by [`TicketLog::commit`].
#[derive(Debug)]
pub struct TicketLog {
    target: PathBuf,
    scratch: Scratch,
    out: std::io::BufWriter<std::fs::File>,
    rows: u64,
    failed: Option<anyhow::Error>,
}

impl TicketLog {
    /// Checks the path and opens the temporary file; a path that cannot be
    /// written is bad input (`--ticket-log`), found before any simulating.
    pub fn create(target: &Path) -> Result<TicketLog, InputError> {
        let shown = target.display();
        let bad = |why: String| InputError::Argument(format!("--ticket-log {shown}: {why}"));
        if target.as_os_str().is_empty() || target.file_name().is_none() {
            return Err(bad("not a file path; give one such as tickets.csv".into()));
        }
        if target.is_dir() {
            return Err(bad("is a folder; give the path of a file such as tickets.csv".into()));
        }
        let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if !parent.is_dir() {
            return Err(bad(format!(
                "the folder {} does not exist; create it or choose another path",
                parent.display()
            )));
        }
        let (scratch, file) = Scratch::create(target).map_err(|e| bad(format!("cannot be written: {e:#}")))?;
        let mut out = std::io::BufWriter::new(file);
        writeln!(out, "{HEADER}").map_err(|e| bad(format!("cannot be written: {e}")))?;
        Ok(TicketLog { target: target.to_path_buf(), scratch, out, rows: 0, failed: None })
    }

    /// Appends one replication's tickets; the first failure is kept for
    /// [`TicketLog::commit`]. The rows are formatted [`ROWS_AT_ONCE`] at a
    /// time, so a replication of a hundred million tickets needs the
    /// memory of its records, not of its text as well (about 90 bytes a
    /// row). Rows are whole lines, so neutralising formulas chunk by chunk
    /// gives the bytes it gives the whole text.
    pub fn write(&mut self, scenario: &Scenario, replication: u32, records: &[TicketRecord]) {
        let mut text = Vec::with_capacity(ROWS_AT_ONCE.min(records.len()) * 96);
        for chunk in records.chunks(ROWS_AT_ONCE) {
            if self.failed.is_some() {
                return;
            }
            rows(&mut text, scenario, replication, chunk);
            // Usually the same buffer back (no field starts like a formula).
            text = super::csv::neutralise_formulas(std::mem::take(&mut text));
            match self.out.write_all(&text) {
                Ok(()) => self.rows += chunk.len() as u64,
                Err(e) => self.failed = Some(anyhow::Error::new(e)),
            }
            text.clear();
        }
    }

    /// Flushes the file and renames it into place; returns the rows written.
    pub fn commit(self) -> anyhow::Result<u64> {
        let what = || format!("could not write the ticket log {}", self.target.display());
        if let Some(e) = self.failed {
            return Err(e).with_context(what);
        }
        let file = self.out.into_inner().map_err(|e| e.into_error()).with_context(what)?;
        file.sync_data().ok();
        drop(file);
        std::fs::rename(self.scratch.path(), &self.target).with_context(what)?;
        Ok(self.rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undated_scenarios_start_in_the_epoch_week() {
        let s = Scenario::from_toml(include_str!("../../tests/fixtures/small.toml"), "small.toml").unwrap();
        let mut sim = s.simulation.clone();
        sim.start = 2.0 * 86_400.0 + 9.0 * 3600.0; // wed 09:00
        sim.date = None;
        assert_eq!(date_time(&sim, 0.0), "2024-01-03 09:00:00");
        assert_eq!(date_time(&sim, 15.0 * 3600.0 + 61.4), "2024-01-04 00:01:01");
        assert_eq!(crate::scenario::dated::weekday(epoch_day()), 0, "the epoch is a Monday");
    }

    #[test]
    fn rows_leave_missing_times_empty() {
        let s = Scenario::from_toml(include_str!("../../tests/fixtures/small.toml"), "small.toml").unwrap();
        let records = [
            TicketRecord {
                queue: 0,
                origin: crate::stats::Origin::OpenHours,
                outcome: TicketOutcome::Answered,
                arrival: 60.0,
                wait: 30.0,
                handle: 300.0,
            },
            TicketRecord {
                queue: 0,
                origin: crate::stats::Origin::OpenHours,
                outcome: TicketOutcome::Abandoned,
                arrival: 120.0,
                wait: 45.5,
                handle: f64::NAN,
            },
        ];
        let mut out = Vec::new();
        rows(&mut out, &s, 3, &records);
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].ends_with(",30.000,300.000,false,answered"), "{}", lines[0]);
        assert!(lines[1].ends_with(",,45.500,,true,abandoned"), "{}", lines[1]);
        assert!(lines[0].starts_with("3,"));
    }

    #[test]
    fn a_replication_written_in_chunks_is_the_text_written_at_once() {
        // A queue whose name a spreadsheet would run as a formula, so every
        // chunk is rewritten; more records than one chunk holds.
        let mut s = Scenario::from_toml(include_str!("../../tests/fixtures/small.toml"), "small.toml").unwrap();
        s.queues[0].name = "=HYPERLINK(1)".into();
        let records: Vec<TicketRecord> = (0..ROWS_AT_ONCE * 2 + 17)
            .map(|i| TicketRecord {
                queue: 0,
                origin: crate::stats::Origin::OpenHours,
                outcome: if i % 3 == 0 { TicketOutcome::Abandoned } else { TicketOutcome::Answered },
                arrival: i as f64 * 7.5,
                wait: (i % 100) as f64,
                handle: if i % 3 == 0 { f64::NAN } else { 240.0 + i as f64 },
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("tickets.csv");
        let mut log = TicketLog::create(&target).unwrap();
        log.write(&s, 0, &records);
        log.write(&s, 1, &records[..5]);
        assert_eq!(log.commit().unwrap(), records.len() as u64 + 5);
        let mut whole = format!("{HEADER}\n").into_bytes();
        let mut text = Vec::new();
        rows(&mut text, &s, 0, &records);
        rows(&mut text, &s, 1, &records[..5]);
        whole.extend(super::super::csv::neutralise_formulas(text));
        let written = std::fs::read(&target).unwrap();
        assert!(String::from_utf8_lossy(&written).contains(",'=HYPERLINK(1),"), "the names are neutralised");
        assert!(written == whole, "chunked text differs from the whole");
    }
}
