//! What a run will cost, estimated before it starts, so that input which
//! would run for hours or exhaust memory is refused at once with the way
//! out, instead of failing after the wait (or never finishing).
//!
//! Every kind of work the engine and the report layer do is counted, because
//! each one alone can make a small desk absurdly large: tickets (volume ×
//! horizon), calendar events (opening hours and shift changes repeat every
//! week of the horizon, and a shift change touches each of its agents),
//! interval ends (each writes a row per queue and team), the tables held in
//! memory (intervals × queues per replication) and the rows written.
//! The costs per item were measured on this engine (see BENCHMARKS.md for
//! tickets); they are rough, and meant to be.

use std::path::Path;

use crate::error::InputError;
use crate::scenario::Scenario;
use crate::scenario::units::{WEEK, format_wait};

/// Simulated tickets per second per core, for estimates (see BENCHMARKS.md).
const TICKETS_PER_CORE_SECOND: f64 = 5.0e6;
/// A queue opening or closing, or a shift starting or ending, seconds.
const CALENDAR_EVENT_S: f64 = 1.0e-7;
/// One agent starting or ending duty (and looking for work), seconds.
const AGENT_CHANGE_S: f64 = 2.0e-8;
/// One queue or team row at an interval's end: recorded, then pooled into
/// the summary, seconds.
const INTERVAL_CELL_S: f64 = 5.0e-8;
/// One row of a per-interval table formatted as CSV and drawn, seconds.
const OUTPUT_ROW_S: f64 = 4.0e-6;
/// More work than this (core-seconds, about 20 billion tickets) would take
/// hours: refused, with the way out.
const MAX_CORE_SECONDS: f64 = 2.0e10 / TICKETS_PER_CORE_SECOND;
/// A run announces its estimate when it will take longer than this.
const ANNOUNCE_S: f64 = 30.0;

/// Bytes of one queue's cell in one interval of a replication (32-bit ticket
/// counts, the backlog and its age bands, the wait sum).
const QUEUE_CELL_BYTES: f64 = 56.0;
/// Bytes of one team's agent time in one interval.
const TEAM_CELL_BYTES: f64 = 16.0;
/// Bytes of one queue's wait histogram (2 significant digits up to two years).
const HISTOGRAM_BYTES: f64 = 31_000.0;
/// Bytes of one reported row's running sums over replications.
const SUM_ROW_BYTES: f64 = 120.0;
/// Bytes of one row of a summarised table with its chart points (CSV text
/// is streamed to disk).
const ROW_BYTES: f64 = 200.0;
/// Replications a run starts ahead of the one being folded, per thread
/// (`experiment::AHEAD_PER_THREAD`).
const IN_FLIGHT_PER_CORE: f64 = 1.0;
/// Bytes of one agent in the engine.
const AGENT_BYTES: f64 = 24.0;
/// Bytes of one waiting ticket (the ticket, its place in line, its timers).
const WAITING_TICKET_BYTES: f64 = 64.0;
/// Bytes of one ticket's record for `--ticket-log`, held until its
/// replication is written (32 bytes, with the list's room to grow).
const TICKET_RECORD_BYTES: f64 = 48.0;
/// Bytes of one answered ticket's row of the ticket log besides its
/// queue's and channel's names (measured: 91 bytes a row for queue "q" on
/// the phone); an unanswered ticket's row is about 25 bytes shorter.
const TICKET_ROW_BYTES: f64 = 85.0;
/// Bytes of an unanswered ticket's row (no answer time, no handle time)
/// besides the names: a little under the 59 measured for queue "email".
const UNANSWERED_ROW_BYTES: f64 = 58.0;
/// The share of the expected arrivals a log is sure to hold: arrivals are
/// random, but a log large enough to matter (millions of rows) is within
/// a fraction of a percent of its expectation.
const LEAST_ROWS_SHARE: f64 = 0.99;
/// A ticket log larger than this is announced before the run.
const ANNOUNCE_LOG_BYTES: f64 = 1e9;

/// The estimated size of simulating a scenario's replications `variants`
/// times (policies of `compare`, headcounts of `sweep`, rounds of `staff`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunSize {
    pub tickets: f64,
    /// Queue openings and closings, shift starts and ends.
    pub calendar_events: f64,
    /// Agents starting or ending duty.
    pub agent_changes: f64,
    /// Queue and team rows recorded at interval ends.
    pub interval_cells: f64,
    /// Rows of the per-interval tables written (CSV and charts).
    pub output_rows: f64,
    /// Peak memory, bytes: the tables of the replications in flight (or kept,
    /// by `staff`), the running sums, the summaries kept and the engines in
    /// flight (agents, a growing backlog).
    pub memory_bytes: f64,
    memory_tables: f64,
    memory_agents: f64,
    memory_backlog: f64,
    /// The ticket records of `--ticket-log` for the replications in flight.
    memory_log: f64,
    /// Tickets a replication records for `--ticket-log` (0 without it).
    logged_tickets: f64,
    /// Rows of the ticket log over every replication, at most (0 without
    /// a log), and at least.
    pub log_rows: f64,
    pub log_rows_least: f64,
    /// The ticket log's size on disk, bytes, if every ticket is answered.
    pub log_bytes: f64,
    /// The ticket log's size on disk if none is: the least it can take.
    pub log_bytes_least: f64,
    /// Replications simulated at once.
    in_flight: f64,
    /// Tickets a growing backlog reaches by the horizon, per replication.
    backlog_tickets: f64,
    agents: f64,
    /// Replications whose tables are in memory at once.
    tables_held: f64,
    /// Work that runs in parallel over replications, core-seconds.
    pub parallel_s: f64,
    /// Work done once, on one core (formatting and drawing), seconds.
    pub serial_s: f64,
}

impl RunSize {
    /// The size of `variants` runs of `s` on `cores` worker threads, keeping
    /// `kept.summaries` finished summaries (the policies of `compare`) and
    /// the tables of `kept.replications` replications at once (a round of
    /// `staff`; others keep only those in flight).
    pub fn of(s: &Scenario, variants: usize, kept: Kept, cores: usize) -> RunSize {
        let sim = &s.simulation;
        let runs = f64::from(sim.replications) * variants as f64;
        let weeks = sim.horizon / WEEK;
        let (nq, nt) = (s.queues.len() as f64, s.teams.len() as f64);

        let callbacks: f64 = s.queues.iter().filter_map(|q| q.callback.map(|cb| q.weekly_volume * cb.share)).sum();
        let initial: f64 = s.queues.iter().filter_map(|q| q.initial_backlog).map(|b| f64::from(b.tickets)).sum();
        // Contacts, not tickets, cost events: transfers and replies count
        // (the traffic equations' upper bound).
        let contacts: f64 = if s.has_flows() {
            s.contact_volumes().iter().map(|c| c.0).sum()
        } else {
            s.queues.iter().map(|q| q.weekly_volume).sum()
        };
        let tickets = (contacts + callbacks) * weeks + initial;

        let queue_hours: f64 = s.queues.iter().map(|q| q.hours.transitions().len() as f64).sum();
        let shifts = s.teams.iter().flat_map(|t| t.shifts.iter());
        let duty: f64 = shifts.clone().map(|sh| sh.duty.transitions().len() as f64).sum();
        let agent_changes_per_week: f64 =
            shifts.clone().map(|sh| sh.duty.transitions().len() as f64 * f64::from(sh.agents)).sum();
        let agents: f64 = shifts.map(|sh| f64::from(sh.agents)).sum();
        let calendar_events = (queue_hours + duty) * weeks;
        let agent_changes = agent_changes_per_week * weeks;

        let intervals = sim.intervals() as f64;
        let skills: f64 = s.teams.iter().map(|t| t.skills.len() as f64).sum();
        let interval_cells = (intervals + 1.0) * (nq + nt + skills);
        // intervals.csv (a row per queue and the desk) and teams.csv, and the
        // typical week's copies, per variant kept.
        let rows = intervals * (nq + 1.0 + nt);
        let week =
            if crate::stats::summary::typical_week(s).is_some() { WEEK / (sim.horizon - sim.warmup) } else { 0.0 };
        let output_rows = rows * (1.0 + week) * kept.summaries as f64;

        // A replication's tables live until it is folded into the running
        // sums; a few are in flight at once (all of a round, for `staff`).
        let tables = intervals * (nq * QUEUE_CELL_BYTES + nt * TEAM_CELL_BYTES) + nq * HISTOGRAM_BYTES;
        let in_flight = (cores as f64 * IN_FLIGHT_PER_CORE).min(runs).max(1.0);
        let tables_held = in_flight.max(kept.replications as f64);
        let held_tables = tables * tables_held + rows * (1.0 + week) * SUM_ROW_BYTES;
        // The engine of each replication in flight: agents and, when offered
        // work outgrows the roster, the backlog it accumulates.
        let backlog_tickets = tickets * backlog_share(s) + initial;
        let memory_agents = in_flight * (agents * AGENT_BYTES + nt * nq);
        let memory_backlog = in_flight * backlog_tickets * WAITING_TICKET_BYTES;
        // `--ticket-log`: every ticket counted (after the warm-up) is a
        // record until its replication is written, a row on disk after. At
        // most: every contact but the customers' replies (which are part of
        // their ticket's row), every callback requested; at least: the
        // queues' own arrivals, each of which ends in one row.
        let (logged_tickets, least_tickets, names) = if kept.ticket_log {
            let counted_weeks = (sim.horizon - sim.warmup).max(0.0) / WEEK;
            let replies: f64 = if s.has_flows() { s.contact_volumes().iter().map(|c| c.1).sum() } else { 0.0 };
            let own: f64 = s.queues.iter().map(|q| q.weekly_volume).sum();
            let names: f64 =
                s.queues.iter().map(|q| (q.name.len() + q.channel.name().len()) as f64).sum::<f64>() / nq.max(1.0);
            ((contacts - replies + callbacks) * counted_weeks + initial, own * counted_weeks + initial, names)
        } else {
            (0.0, 0.0, 0.0)
        };
        let log_rows = logged_tickets * runs;
        let memory_log = in_flight * logged_tickets * TICKET_RECORD_BYTES;
        let memory_bytes = held_tables + memory_agents + memory_backlog + memory_log + output_rows * ROW_BYTES;

        let per_run = tickets / TICKETS_PER_CORE_SECOND
            + calendar_events * CALENDAR_EVENT_S
            + (agent_changes + agents) * AGENT_CHANGE_S
            + interval_cells * INTERVAL_CELL_S;
        RunSize {
            tickets: tickets * runs,
            calendar_events: calendar_events * runs,
            agent_changes: agent_changes * runs,
            interval_cells: interval_cells * runs,
            output_rows,
            memory_bytes,
            memory_tables: held_tables + output_rows * ROW_BYTES,
            memory_agents,
            memory_backlog,
            memory_log,
            logged_tickets,
            log_rows,
            log_bytes: log_rows * (TICKET_ROW_BYTES + names),
            log_rows_least: least_tickets * runs * LEAST_ROWS_SHARE,
            log_bytes_least: least_tickets * runs * LEAST_ROWS_SHARE * (UNANSWERED_ROW_BYTES + names),
            in_flight,
            backlog_tickets,
            agents,
            tables_held,
            parallel_s: per_run * runs,
            serial_s: output_rows * OUTPUT_ROW_S,
        }
    }

    /// One line for `check`: "about 1.9 million tickets; roughly 4 s on 2
    /// cores and 60 MB of memory".
    pub fn line(&self, cores: usize) -> String {
        format!(
            "about {} tickets; roughly {} on {cores} core{} and {} of memory",
            count(self.tickets),
            format_wait(self.seconds(cores).max(0.1)),
            if cores == 1 { "" } else { "s" },
            bytes(self.memory_bytes)
        )
    }

    /// Wall-clock seconds on `cores` cores.
    pub fn seconds(&self, cores: usize) -> f64 {
        self.parallel_s / cores.max(1) as f64 + self.serial_s
    }

    /// The biggest kinds of work, for messages: "12 billion tickets, 3.0
    /// million interval rows".
    fn describe(&self) -> String {
        let mut parts: Vec<(f64, String)> = vec![
            (self.tickets / TICKETS_PER_CORE_SECOND, format!("{} tickets", count(self.tickets))),
            (
                self.calendar_events * CALENDAR_EVENT_S,
                format!("{} opening-hour and shift changes", count(self.calendar_events)),
            ),
            (
                self.agent_changes * AGENT_CHANGE_S,
                format!("{} agents starting or ending duty", count(self.agent_changes)),
            ),
            (self.interval_cells * INTERVAL_CELL_S, format!("{} interval rows recorded", count(self.interval_cells))),
            (self.serial_s, format!("{} table rows written", count(self.output_rows))),
        ];
        parts.sort_by(|a, b| b.0.total_cmp(&a.0));
        let total: f64 = parts.iter().map(|p| p.0).sum();
        let shown: Vec<String> =
            parts.into_iter().filter(|p| p.0 >= total * 0.1 && p.0 > 0.0).map(|p| p.1).take(3).collect();
        shown.join(", ")
    }

    /// What fills memory, and which input to change.
    fn memory_cause(&self, s: &Scenario, kept: Kept) -> String {
        let sim = &s.simulation;
        let largest = self.memory_tables.max(self.memory_agents).max(self.memory_backlog);
        if self.memory_log >= largest {
            let (held, threads) = if self.in_flight > 1.0 {
                (
                    format!("{:.0} replications at once", self.in_flight),
                    "run with --threads 1 (one replication at a time), ",
                )
            } else {
                ("one replication at a time".to_string(), "")
            };
            return format!(
                "--ticket-log keeps each replication's {} ticket records in memory until they are written, {held}; \
                 {threads}shorten simulation.horizon, or leave out --ticket-log",
                count(self.logged_tickets),
            );
        }
        if self.memory_backlog >= self.memory_tables && self.memory_backlog >= self.memory_agents {
            format!(
                "offered work outgrows the roster, so about {} tickets pile up in each replication; add agents, lower the volumes or shorten simulation.horizon",
                count(self.backlog_tickets)
            )
        } else if self.memory_agents >= self.memory_tables {
            format!("{} agents on the floor of each replication; give fewer agents", count(self.agents))
        } else {
            let held = if kept.replications > 1 {
                format!("the {:.0} replications of a round", self.tables_held)
            } else {
                format!(
                    "{:.0} replication{} in flight",
                    self.tables_held,
                    if self.tables_held == 1.0 { "" } else { "s" }
                )
            };
            format!(
                "{} intervals × ({} queue{} + {} team{}) per replication, for {held}, the running sums and {} summar{}; use a longer simulation.interval or a shorter simulation.horizon",
                count(sim.intervals() as f64),
                s.queues.len(),
                if s.queues.len() == 1 { "" } else { "s" },
                s.teams.len(),
                if s.teams.len() == 1 { "" } else { "s" },
                kept.summaries,
                if kept.summaries == 1 { "y" } else { "ies" },
            )
        }
    }

    /// The inputs the work scales with: "a horizon of 1.0e11 weeks, 2 replications".
    fn inputs(s: &Scenario, variants: usize) -> String {
        let sim = &s.simulation;
        let weeks = sim.horizon / WEEK;
        format!(
            "simulation.horizon {} weeks, interval {}, {} replications{}",
            if weeks < 1e4 { format!("{weeks:.1}") } else { format!("{weeks:.1e}") },
            crate::scenario::units::format_duration(sim.interval),
            sim.replications,
            if variants > 1 { format!(" × {variants} runs") } else { String::new() }
        )
    }

    /// Which input to change, for the work that dominates.
    fn way_out(&self) -> &'static str {
        let tickets = self.tickets / TICKETS_PER_CORE_SECOND;
        let calendar = self.calendar_events * CALENDAR_EVENT_S + self.agent_changes * AGENT_CHANGE_S;
        let intervals = self.interval_cells * INTERVAL_CELL_S + self.serial_s;
        if tickets >= calendar && tickets >= intervals {
            "shorten simulation.horizon, lower simulation.replications (or -r) or the volumes"
        } else if calendar >= intervals {
            "shorten simulation.horizon (opening hours and shifts repeat every week of it) or lower simulation.replications (or -r)"
        } else {
            "use a longer simulation.interval, a shorter simulation.horizon or fewer replications (-r)"
        }
    }
}

/// The queue whose busiest reporting interval would count more tickets than
/// the per-interval tables' 32-bit counters hold, with that count (callbacks
/// and initial backlogs are counted elsewhere, or are far smaller).
fn busiest_interval(s: &Scenario) -> Option<(String, f64)> {
    let interval = s.simulation.interval.min(s.simulation.horizon - s.simulation.warmup);
    s.queues
        .iter()
        .map(|q| {
            let peak = q.arrivals.segments().iter().map(|seg| seg.rate).fold(0.0, f64::max);
            (q.name.clone(), peak * interval)
        })
        .find(|(_, n)| *n > 0.9 * f64::from(u32::MAX))
}

/// The share of offered tickets left waiting when offered work exceeds the
/// scheduled capacity and customers do not abandon (0 otherwise).
fn backlog_share(s: &Scenario) -> f64 {
    let patient: Vec<usize> = (0..s.queues.len()).filter(|&q| s.queues[q].patience.is_none()).collect();
    let work: f64 = s.queues.iter().map(|q| q.mean_load()).sum::<f64>() * WEEK / 3600.0;
    let capacity: f64 = s.teams.iter().map(|t| t.agent_hours_per_week()).sum();
    if patient.is_empty() || work <= capacity || work <= 0.0 { 0.0 } else { (work - capacity) / work }
}

/// A count for people: "950", "12 thousand", "3.4 million", "2.0e15".
fn count(x: f64) -> String {
    match x {
        _ if x < 1e4 => format!("{x:.0}"),
        _ if x < 1e6 => format!("{:.0} thousand", x / 1e3),
        _ if x < 1e9 => format!("{:.1} million", x / 1e6),
        _ if x < 1e12 => format!("{:.1} billion", x / 1e9),
        _ => format!("{x:.1e}"),
    }
}

/// Bytes for people: "3.2 GB".
fn bytes(x: f64) -> String {
    if x < 1e9 { format!("{:.0} MB", x / 1e6) } else { format!("{:.1} GB", x / 1e9) }
}

/// Refuses a ticket log that cannot fit the free space of the folder it
/// goes to, before anything is simulated. The test is the least the log
/// can take (every row an unanswered ticket's), so a log refused here
/// could never have been written.
fn check_log_room(target: &Path, size: &RunSize) -> Result<(), InputError> {
    let folder = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let Some(free) = free_bytes(folder) else { return Ok(()) };
    if size.log_bytes_least <= free {
        return Ok(());
    }
    Err(InputError::Argument(format!(
        "--ticket-log {}: the log would take at least {} ({} rows) and {} has {} free; \
         free some room, write the log to another disk, or log fewer tickets (a shorter simulation.horizon, fewer replications with -r)",
        target.display(),
        bytes(size.log_bytes_least),
        count(size.log_rows_least),
        folder.display(),
        bytes(free)
    )))
}

/// Bytes an unprivileged writer may still use on the file system holding
/// `dir`; `None` where that cannot be read.
fn free_bytes(dir: &Path) -> Option<f64> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
        let mut st = std::mem::MaybeUninit::<libc::statvfs>::uninit();
        // SAFETY: `path` is a NUL-terminated string and `st` a writable
        // `statvfs`, which the call fills when it returns 0.
        let st = unsafe {
            if libc::statvfs(path.as_ptr(), st.as_mut_ptr()) != 0 {
                return None;
            }
            st.assume_init()
        };
        #[allow(clippy::unnecessary_cast)] // the fields' types differ between platforms
        Some(st.f_bavail as f64 * st.f_frsize as f64)
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

/// Physical memory of this machine, bytes (Linux; 16 GB where unknown).
fn physical_memory() -> f64 {
    let kib = std::fs::read_to_string("/proc/meminfo").ok().and_then(|text| {
        let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
        line.split_whitespace().nth(1)?.parse::<f64>().ok()
    });
    kib.map_or(16e9, |k| k * 1024.0)
}

/// Worker threads a run will use.
pub fn cores(threads: Option<usize>) -> usize {
    let available = std::thread::available_parallelism().map_or(1, |n| n.get());
    threads.map_or(available, |t| t.min(available)).max(1)
}

/// What a command keeps in memory besides the replications in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kept {
    /// Finished summaries held together (the policies of `compare`, the
    /// headcounts of `sweep`; 1 for `run`).
    pub summaries: usize,
    /// Replications whose tables are held together (a round of `staff`; 0
    /// when each is folded as it finishes).
    pub replications: usize,
    /// Every counted ticket is recorded for `run --ticket-log`.
    pub ticket_log: bool,
}

impl Kept {
    /// One summary, replications folded as they finish (`run`).
    pub const ONE: Kept = Kept { summaries: 1, replications: 0, ticket_log: false };
}

/// Refuses a run of `variants` × the scenario's replications that would take
/// hours or more memory than the machine has, naming the work and the way
/// out; announces one that takes more than half a minute.
pub fn guard(
    path: &Path,
    s: &Scenario,
    variants: usize,
    kept: Kept,
    threads: Option<usize>,
    quiet: bool,
) -> Result<RunSize, InputError> {
    guard_for(path, s, variants, kept, threads, quiet, None)
}

/// [`guard`] for `run --ticket-log target`: the log's records count in
/// memory, and a log that cannot fit its disk is refused too
/// ([`check_log_room`]); a large one is announced.
pub fn guard_logged(
    path: &Path,
    s: &Scenario,
    threads: Option<usize>,
    quiet: bool,
    target: &Path,
) -> Result<RunSize, InputError> {
    guard_for(path, s, 1, Kept { ticket_log: true, ..Kept::ONE }, threads, quiet, Some(target))
}

fn guard_for(
    path: &Path,
    s: &Scenario,
    variants: usize,
    kept: Kept,
    threads: Option<usize>,
    quiet: bool,
    log: Option<&Path>,
) -> Result<RunSize, InputError> {
    let cores = cores(threads);
    let size = RunSize::of(s, variants, kept, cores);
    let seconds = size.seconds(cores);
    if size.parallel_s + size.serial_s > MAX_CORE_SECONDS {
        return Err(InputError::Argument(format!(
            "{}: this would take about {} on {cores} core{}: {} ({}); {}",
            path.display(),
            format_wait(seconds),
            if cores == 1 { "" } else { "s" },
            size.describe(),
            RunSize::inputs(s, variants),
            size.way_out()
        )));
    }
    // Wait histograms count in 32 bits per replication (half their memory).
    let per_replication = size.tickets / (f64::from(s.simulation.replications) * variants as f64).max(1.0);
    if per_replication > 0.9 * f64::from(u32::MAX) {
        return Err(InputError::Argument(format!(
            "{}: one replication would simulate about {} tickets, more than a replication can count (4.29 billion); shorten simulation.horizon (and run more replications instead)",
            path.display(),
            count(per_replication),
        )));
    }
    if let Some((queue, tickets)) = busiest_interval(s) {
        return Err(InputError::Argument(format!(
            "{}: queue \"{queue}\" would receive about {} tickets in one reporting interval of {}, more than an interval can count (4.29 billion); use a shorter simulation.interval",
            path.display(),
            count(tickets),
            crate::scenario::units::format_duration(s.simulation.interval),
        )));
    }
    let memory = physical_memory();
    if size.memory_bytes > 0.8 * memory {
        return Err(InputError::Argument(format!(
            "{}: this would need about {} of memory and the machine has {}: {}",
            path.display(),
            bytes(size.memory_bytes),
            bytes(memory),
            size.memory_cause(s, kept)
        )));
    }
    if let Some(target) = log {
        check_log_room(target, &size)?;
    }
    if size.log_bytes > ANNOUNCE_LOG_BYTES && !quiet {
        eprintln!(
            "note: {}: the ticket log will take up to about {} ({} rows); make sure its folder has the room",
            path.display(),
            bytes(size.log_bytes),
            count(size.log_rows),
        );
    }
    if seconds > ANNOUNCE_S && !quiet {
        eprintln!(
            "note: {}: {}: roughly {} on {cores} core{}",
            path.display(),
            size.describe(),
            format_wait(seconds),
            if cores == 1 { "" } else { "s" }
        );
    }
    Ok(size)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desk(extra_sim: &str, queue: &str, team: &str) -> Scenario {
        let text = format!(
            "name = \"d\"\n[simulation]\n{extra_sim}\n\n[[queue]]\nname = \"email\"\nchannel = \"email\"\n{queue}\n\
             handle_time = {{ dist = \"exponential\", mean = \"8m\" }}\nsla = {{ within = \"4h\", target = 0.8 }}\n\n\
             [[team]]\nname = \"t\"\nskills = [\"email\"]\n{team}\n"
        );
        Scenario::from_toml(&text, "d.toml").unwrap()
    }

    #[test]
    fn every_kind_of_work_is_counted() {
        let s = desk(
            "horizon = \"10w\"\ninterval = \"1h\"\nreplications = 2",
            "volume = \"700/week\"\nhours = \"mon-fri 09:00-18:00\"",
            "shifts = [{ days = \"mon-fri\", start = \"09:00\", length = \"9h\", agents = 4 }]",
        );
        let size = RunSize::of(&s, 3, Kept::ONE, 2);
        // 700 a week for 10 weeks, 2 replications, 3 variants.
        assert!((size.tickets - 700.0 * 10.0 * 6.0).abs() < 1e-6);
        // 10 openings and closings a week for the queue, 10 for the shift.
        assert!((size.calendar_events - 20.0 * 10.0 * 6.0).abs() < 1e-6);
        assert!((size.agent_changes - 10.0 * 4.0 * 10.0 * 6.0).abs() < 1e-6);
        // 1680 intervals (+ the last), each a row for the queue, the team and its skill.
        assert!((size.interval_cells - 1681.0 * 3.0 * 6.0).abs() < 1e-6);
        // intervals.csv (queue + desk) and teams.csv, plus the typical week.
        assert!(size.output_rows > 1680.0 * 3.0 && size.output_rows < 1680.0 * 3.0 * 1.2);
        assert!(size.memory_bytes > 0.0 && size.parallel_s > 0.0);
    }

    #[test]
    fn absurd_runs_are_refused_with_the_way_out() {
        let refused =
            |s: &Scenario| guard(Path::new("d.toml"), s, 1, Kept::ONE, Some(1), true).unwrap_err().to_string();
        // Tickets.
        let e = refused(&desk(
            "horizon = \"100000000000w\"\ninterval = \"100000w\"",
            "volume = \"700/week\"",
            "agents = 3",
        ));
        assert!(
            e.starts_with("d.toml: this would take about") && e.contains("tickets") && e.contains("horizon"),
            "{e}"
        );
        // Calendar events with no tickets at all.
        let e = refused(&desk(
            "horizon = \"100000000000w\"\ninterval = \"100000w\"",
            "volume = \"0/week\"\nhours = \"mon-fri 09:00-18:00\"",
            "agents = 3",
        ));
        assert!(e.contains("opening-hour and shift changes") && e.contains("repeat every week"), "{e}");
        // Agents starting and ending duty.
        let e = refused(&desk(
            "horizon = \"10000000w\"\ninterval = \"10000w\"",
            "volume = \"0/week\"",
            "shifts = [{ days = \"daily\", start = \"09:00\", length = \"8h\", agents = 100000 }]",
        ));
        assert!(e.contains("agents starting or ending duty"), "{e}");
        // Five billion tickets in one replication: more than its 32-bit
        // wait histograms count.
        let e = refused(&desk(
            "horizon = \"5w\"\nwarmup = \"0s\"\ninterval = \"1w\"\nreplications = 1",
            "volume = \"1000000000/week\"",
            "agents = 3",
        ));
        assert!(e.contains("one replication would simulate about 5.0 billion tickets"), "{e}");
        // Memory: 1.9 million 1-minute intervals of 60 queues.
        let mut s =
            desk("horizon = \"190w\"\ninterval = \"1m\"\nreplications = 2", "volume = \"0/week\"", "agents = 1");
        for i in 1..60 {
            let mut q = s.queues[0].clone();
            q.name = format!("q{i}");
            s.queues.push(q);
        }
        let e = refused(&s);
        assert!(e.contains("of memory") && e.contains("intervals × (60 queues + 1 team)"), "{e}");
        assert!(e.contains("longer simulation.interval"), "{e}");
    }

    #[test]
    fn a_ticket_log_is_counted_in_memory_and_on_disk() {
        // Three billion tickets in one replication, none piling up (the
        // customers give up): fine to simulate, but not to keep every
        // ticket's record in memory until the replication is written.
        let s = desk(
            "horizon = \"3w\"\nwarmup = \"0s\"\ninterval = \"1w\"\nreplications = 1",
            "volume = \"1000000000/week\"\npatience = { dist = \"exponential\", mean = \"2m\" }",
            "agents = 3",
        );
        let logged = Kept { ticket_log: true, ..Kept::ONE };
        let plain = RunSize::of(&s, 1, Kept::ONE, 2);
        let log = RunSize::of(&s, 1, logged, 2);
        assert_eq!(plain.log_bytes, 0.0);
        // Its one replication in flight (of two cores), 48 bytes a record.
        assert!((log.memory_bytes - plain.memory_bytes - 3e9 * TICKET_RECORD_BYTES).abs() < 1e6, "{log:?}");
        // About 85 bytes a row plus the names ("email", "email").
        assert!((log.log_bytes - 3e9 * (TICKET_ROW_BYTES + 10.0)).abs() < 1e6, "{log:?}");
        assert!(guard(Path::new("d.toml"), &s, 1, Kept::ONE, Some(2), true).is_ok());
        let e = guard(Path::new("d.toml"), &s, 1, logged, Some(2), true).unwrap_err().to_string();
        assert!(e.contains("of memory") && e.contains("--ticket-log keeps each replication's 3.0 billion"), "{e}");
        assert!(e.contains("one replication at a time") && !e.contains("--threads 1"), "{e}");
        assert!(e.contains("leave out --ticket-log"), "{e}");
        // Two replications on two cores: one thread would hold half.
        let mut two = s.clone();
        two.simulation.replications = 2;
        let cause = RunSize::of(&two, 1, logged, 2).memory_cause(&two, logged);
        assert!(cause.contains("2 replications at once; run with --threads 1"), "{cause}");
        // The warm-up's tickets are not logged.
        let warm = desk(
            "horizon = \"3w\"\nwarmup = \"2w\"\ninterval = \"1w\"\nreplications = 1",
            "volume = \"1000/week\"",
            "agents = 3",
        );
        assert!((RunSize::of(&warm, 1, logged, 1).logged_tickets - 1000.0).abs() < 1e-6);
    }

    #[test]
    fn a_ticket_log_needs_room_on_its_disk() {
        let s = desk("horizon = \"2w\"\nwarmup = \"1w\"\nreplications = 2", "volume = \"700/week\"", "agents = 3");
        let mut size = RunSize::of(&s, 1, Kept { ticket_log: true, ..Kept::ONE }, 1);
        // 700 a week, the first week a warm-up, 2 replications: 1400 rows of
        // 85 bytes at most and 58 at least (99 % of the rows sure to come),
        // with the names ("email", "email").
        assert!((size.log_rows - 1400.0).abs() < 1e-6, "{size:?}");
        assert!(
            (size.log_bytes_least - 0.99 * 1400.0 * 68.0).abs() < 1e-6 && (size.log_bytes - 1400.0 * 95.0).abs() < 1e-6
        );
        let here = Path::new("tickets.csv");
        assert!(check_log_room(here, &size).is_ok());
        assert!(free_bytes(Path::new(".")).is_some_and(|b| b > 0.0), "the free space is read here");
        size.log_bytes_least = 1e20; // a hundred exabytes: no disk has them free
        let e = check_log_room(here, &size).unwrap_err().to_string();
        assert!(e.starts_with("--ticket-log tickets.csv: the log would take at least 100000000000.0 GB"), "{e}");
        assert!(
            e.contains("and . has") && e.contains("another disk") && e.contains("shorter simulation.horizon"),
            "{e}"
        );
    }

    #[test]
    fn the_ticket_logs_estimates_bracket_the_shipped_desks_logs() {
        // Replies (not rows of their own), transfers, callbacks, outbound
        // lists, abandonment and tickets still waiting at the end.
        for (name, text) in [
            ("smb-saas", include_str!("../../scenarios/smb-saas.toml")),
            ("tiered-24x7", include_str!("../../scenarios/tiered-24x7.toml")),
            ("callback-desk", include_str!("../../scenarios/callback-desk.toml")),
        ] {
            let mut s = Scenario::from_toml(text, name).unwrap();
            // Long enough that the arrivals are close to their expectation
            // (tens of thousands of rows), which is all the upper figure is.
            s.simulation.replications = 2;
            s.simulation.horizon += 8.0 * WEEK;
            let size = RunSize::of(&s, 1, Kept { ticket_log: true, ..Kept::ONE }, 1);
            let mut text = Vec::new();
            let mut rows = 0;
            for r in 0..2 {
                let tickets = crate::sim::simulate_logged(&s, s.policy, r).tickets;
                crate::report::tickets::rows(&mut text, &s, r, &tickets);
                rows += tickets.len();
            }
            let (rows, bytes) = (rows as f64, text.len() as f64);
            assert!(size.log_rows_least <= rows && rows <= 1.02 * size.log_rows, "{name}: {rows} rows, {size:?}");
            assert!(size.log_bytes_least <= bytes && bytes <= 1.02 * size.log_bytes, "{name}: {bytes} bytes, {size:?}");
        }
    }

    #[test]
    fn ordinary_runs_pass() {
        let s = desk("horizon = \"4w\"\nreplications = 20", "volume = \"2000/week\"", "agents = 10");
        let size = guard(Path::new("d.toml"), &s, 5, Kept { summaries: 5, ..Kept::ONE }, None, true).unwrap();
        assert!(size.seconds(1) < 5.0, "{size:?}");
    }

    #[test]
    fn counts_read_well() {
        assert_eq!(count(950.0), "950");
        assert_eq!(count(12_345.0), "12 thousand");
        assert_eq!(count(3.44e6), "3.4 million");
        assert_eq!(count(2e15), "2.0e15");
    }
}
