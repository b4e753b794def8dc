//! The findings a report opens with, in words: for each queue whether it
//! meets its SLA target and, where it does not, *when* in the week it falls
//! short and what sets that time apart from the rest of the open day.
//!
//! A queue's tickets are pooled by weekday and hour of arrival over the
//! whole statistics window (each interval's service level weighs by its
//! offered tickets, as the heatmaps do). An hour of a weekday *misses* when
//! it holds a fair share of the queue's tickets and its service level lies
//! clearly below the target. Consecutive missing hours form a *window*; the
//! windows are ranked by the answers in time they lose (offered × the gap to
//! the target), and the worst are named with their days ("on weekdays
//! 13:00–15:00"). A window's *reasons* compare it with the queue's open day:
//! fewer agents on duty (and whether breaks take them off the floor), more
//! arrivals per hour, tickets that arrived while the queue was closed
//! waiting at opening, or other queues' tickets served first by priority.
//!
//! An average target (`sla.average`) is judged the same way on the mean
//! wait: an hour misses when its answered customers waited clearly longer
//! on average than the target, and the finding quotes the mean wait with
//! its confidence half-width.

use crate::report::columns::summary_figure;
use crate::report::table::pct;
use crate::scenario::Scenario;
use crate::scenario::units::{DAY, HOUR, WEEK, format_duration};
use crate::stats::{IntervalSummary, QueueSummary, RunSummary};

/// How a finding reads at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Met,
    Missed,
    /// A fact worth knowing that is neither (a backlog note, a warning).
    Note,
}

/// One sentence of the headline.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub verdict: Verdict,
    pub text: String,
}

/// An hour of a weekday, pooled over the run.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    offered: f64,
    /// Offered × service level: the tickets answered in time.
    in_time: f64,
    /// Hours of intervals in the slot, and agent-hours on duty in them.
    hours: f64,
    agent_hours: f64,
    /// Customers answered, and their waits summed (seconds).
    answered: f64,
    wait_sum: f64,
}

impl Slot {
    fn service_level(&self) -> Option<f64> {
        (self.offered > 0.0).then(|| self.in_time / self.offered)
    }

    fn asa(&self) -> Option<f64> {
        (self.answered > 0.0).then(|| self.wait_sum / self.answered)
    }

    fn add(&mut self, o: &Slot) {
        self.offered += o.offered;
        self.in_time += o.in_time;
        self.hours += o.hours;
        self.agent_hours += o.agent_hours;
        self.answered += o.answered;
        self.wait_sum += o.wait_sum;
    }
}

/// A weekday-hour grid of one queue.
struct Week {
    slots: [[Slot; 24]; 7],
}

impl Week {
    fn of(s: &Scenario, rows: &[&IntervalSummary]) -> Week {
        let mut slots = [[Slot::default(); 24]; 7];
        let len = s.simulation.interval;
        for r in rows {
            // An interval longer than an hour is shared out over its hours.
            let mut a = (s.simulation.start + r.t_s).rem_euclid(WEEK);
            let mut left = len;
            while left > 1e-9 {
                let hour_end = ((a / HOUR).floor() + 1.0) * HOUR;
                let piece = (hour_end - a).min(left);
                let share = piece / len;
                let (d, h) = (((a / DAY) as usize).min(6), (((a % DAY) / HOUR) as usize).min(23));
                let slot = &mut slots[d][h];
                slot.offered += r.offered * share;
                slot.in_time += r.offered * share * r.service_level.mean.unwrap_or(0.0);
                slot.hours += piece / HOUR;
                slot.agent_hours += r.agents_on_duty * piece / HOUR;
                if let Some(asa) = r.asa_s {
                    slot.answered += r.answered * share;
                    slot.wait_sum += r.answered * share * asa;
                }
                a = (a + piece).rem_euclid(WEEK);
                left -= piece;
            }
        }
        Week { slots }
    }

    fn offered(&self) -> f64 {
        self.slots.iter().flatten().map(|s| s.offered).sum()
    }

    /// Pooled figures over the slots of `days` (bit d = weekday d) and `hours`.
    fn pool(&self, days: u8, hours: std::ops::Range<usize>) -> Slot {
        let mut total = Slot::default();
        for (_, row) in self.slots.iter().enumerate().filter(|(d, _)| days & (1 << d) != 0) {
            for slot in &row[hours.clone()] {
                total.add(slot);
            }
        }
        total
    }

    /// The open day: every slot with agents on duty and customers.
    fn open(&self) -> Slot {
        let mut total = Slot::default();
        for slot in self.slots.iter().flatten().filter(|s| s.agent_hours > 0.0 && s.offered > 0.0) {
            total.add(slot);
        }
        total
    }
}

/// A run of hours on some weekdays where a queue falls short of its target.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    /// Bit d set for weekday d (Monday = 0).
    pub days: u8,
    pub hours: std::ops::Range<usize>,
    pub service_level: f64,
    /// Mean wait of the window's answered customers, seconds.
    pub asa_s: Option<f64>,
    /// Answers in time lost against the target, per run (for an average
    /// target: the answered customers times their excess mean wait in
    /// multiples of the target), to rank the windows.
    pub lost: f64,
    pub reasons: Vec<String>,
}

/// A slot misses when its service level is this far below the target, or
/// its mean wait this share above the average target...
const MISS_MARGIN: f64 = 0.05;
const AVERAGE_MISS_MARGIN: f64 = 0.25;
/// ...and it holds at least this share of the queue's tickets (a stray
/// ticket at 06:00 is not a finding).
const MIN_SHARE: f64 = 0.002;
/// At most this many windows are named per queue.
const WINDOWS_NAMED: usize = 2;

/// The windows where queue `q` misses its target, worst first.
pub fn windows(s: &Scenario, r: &RunSummary, q: usize) -> Vec<Window> {
    let name = s.queues[q].name.as_str();
    let rows: Vec<&IntervalSummary> = r.intervals.iter().filter(|i| &*i.queue == name).collect();
    let week = Week::of(s, &rows);
    let sla = s.queues[q].sla;
    let total = week.offered();
    if total <= 0.0 {
        return Vec::new();
    }
    // Only hours the queue is open (at least half of them): what arrives
    // while it is closed is reported as after-hours arrivals, not a window.
    let hours = &s.queues[q].hours;
    let open = |d: usize, h: usize| {
        let a = d as f64 * DAY + h as f64 * HOUR;
        hours.covered_between(a, a + HOUR) >= HOUR / 2.0
    };
    let missed = |d: usize, h: usize| {
        let slot = &week.slots[d][h];
        let short = sla.target.is_some_and(|t| slot.service_level().is_some_and(|sl| sl < t - MISS_MARGIN));
        let slow = sla.average.is_some_and(|a| slot.asa().is_some_and(|w| w > a * (1.0 + AVERAGE_MISS_MARGIN)));
        open(d, h) && slot.offered >= MIN_SHARE * total && (short || slow)
    };
    // Runs of hours in which some weekday misses.
    let mut found = Vec::new();
    let mut h = 0;
    while h < 24 {
        if !(0..7).any(|d| missed(d, h)) {
            h += 1;
            continue;
        }
        let start = h;
        while h < 24 && (0..7).any(|d| missed(d, h)) {
            h += 1;
        }
        // The days that miss in at least half of the run's hours.
        let span = h - start;
        let mut days = 0u8;
        for d in 0..7 {
            if 2 * (start..h).filter(|&hh| missed(d, hh)).count() >= span {
                days |= 1 << d;
            }
        }
        if days == 0 {
            continue;
        }
        let lost: f64 = (0..7)
            .flat_map(|d| (start..h).map(move |hh| (d, hh)))
            .filter(|&(d, hh)| missed(d, hh))
            .map(|(d, hh)| {
                let slot = &week.slots[d][hh];
                let share = sla.target.map_or(0.0, |t| (t * slot.offered - slot.in_time).max(0.0));
                let average = match (sla.average, slot.asa()) {
                    (Some(a), Some(w)) => slot.answered * ((w - a) / a).max(0.0),
                    _ => 0.0,
                };
                share + average
            })
            .sum();
        let pooled = week.pool(days, start..h);
        found.push(Window {
            days,
            hours: start..h,
            service_level: pooled.service_level().unwrap_or(0.0),
            asa_s: pooled.asa(),
            lost,
            reasons: Vec::new(),
        });
    }
    found.sort_by(|a, b| b.lost.total_cmp(&a.lost));
    found.truncate(WINDOWS_NAMED);
    for w in &mut found {
        w.reasons = reasons(s, r, q, &week, w);
    }
    found
}

/// What sets window `w` of queue `q` apart from the queue's open day.
fn reasons(s: &Scenario, r: &RunSummary, q: usize, week: &Week, w: &Window) -> Vec<String> {
    let mut out = Vec::new();
    let open = week.open();
    let here = week.pool(w.days, w.hours.clone());
    let agents = |slot: &Slot| if slot.hours > 0.0 { slot.agent_hours / slot.hours } else { 0.0 };
    let rate = |slot: &Slot| if slot.hours > 0.0 { slot.offered / slot.hours } else { 0.0 };
    let (a_here, a_open) = (agents(&here), agents(&open));
    let on_break = agents_on_break(s, q, w);
    if a_open > 0.0 && a_here <= 0.85 * a_open {
        let mut text = format!("fewer agents on duty ({a_here:.1} against {a_open:.1} over the open day)");
        if on_break >= 0.5 {
            text.push_str(&format!(": breaks overlap, {on_break:.1} agents away at a time"));
        }
        out.push(text);
    } else if on_break >= 1.0 && a_here <= 0.95 * a_open {
        out.push(format!("breaks overlap: {on_break:.1} agents away at a time"));
    }
    let (r_here, r_open) = (rate(&here), rate(&open));
    if r_open > 0.0 && r_here >= 1.25 * r_open {
        out.push(format!("more arrivals ({} an hour against {} over the open day)", count(r_here), count(r_open)));
    }
    let queue = &s.queues[q];
    let after_hours = r.queues.get(q).map_or(0.0, |row| row.after_hours);
    let opens_here = (0..7).filter(|d| w.days & (1 << d) != 0).any(|d| {
        let t = d as f64 * DAY + w.hours.start as f64 * HOUR;
        queue.hours.contains(t) && !queue.hours.contains((t - 1.0).rem_euclid(WEEK))
    });
    if opens_here && after_hours > 0.0 {
        out.push("tickets that arrived while the queue was closed wait at opening".to_string());
    }
    // Other queues the same agents answer first.
    let first: Vec<&str> = s
        .queues
        .iter()
        .enumerate()
        .filter(|&(o, other)| {
            o != q
                && other.priority > queue.priority
                && s.teams.iter().any(|t| t.skills.contains(&q) && t.skills.contains(&o))
        })
        .map(|(_, other)| other.name.as_str())
        .collect();
    if out.is_empty() && !first.is_empty() {
        out.push(format!("the same agents answer {} first", list(&first)));
    }
    if out.is_empty() {
        out.push(format!("the agents on duty ({a_here:.1}) cannot answer this load in time"));
    }
    out
}

/// Mean agents of the teams serving queue `q` who are at work but on a
/// break during window `w` (desk clock).
fn agents_on_break(s: &Scenario, q: usize, w: &Window) -> f64 {
    let mut agent_seconds = 0.0;
    let mut seconds = 0.0;
    for d in (0..7).filter(|d| w.days & (1 << d) != 0) {
        let a = d as f64 * DAY + w.hours.start as f64 * HOUR;
        let b = d as f64 * DAY + w.hours.end as f64 * HOUR;
        seconds += b - a;
        for team in s.teams.iter().filter(|t| t.skills.contains(&q)) {
            for shift in &team.shifts {
                let away = shift.attendance.covered_between(a, b) - shift.duty.covered_between(a, b);
                agent_seconds += f64::from(shift.agents) * away.max(0.0);
            }
        }
    }
    if seconds > 0.0 { agent_seconds / seconds } else { 0.0 }
}

fn count(x: f64) -> String {
    if x >= 10.0 { format!("{x:.0}") } else { format!("{x:.1}") }
}

/// "a", "a and b", "a, b and c".
pub fn list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// The weekdays of a bit set in words: "on weekdays", "every day",
/// "at weekends", "on Tuesdays", "on Mon, Wed and Fri".
pub fn days_phrase(days: u8) -> String {
    match days & 0x7f {
        0x7f => "every day".to_string(),
        0x1f => "on weekdays".to_string(),
        0x60 => "at weekends".to_string(),
        d if d.count_ones() == 1 => {
            let full = ["Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"];
            format!("on {}", full[d.trailing_zeros() as usize])
        }
        d => {
            let names: Vec<&str> = (0..7).filter(|i| d & (1 << i) != 0).map(|i| DAYS[i]).collect();
            format!("on {}", list(&names))
        }
    }
}

/// "13:00–15:00".
pub fn hours_phrase(hours: &std::ops::Range<usize>) -> String {
    format!("{:02}:00\u{2013}{:02}:00", hours.start, hours.end)
}

/// "80% within 30s", "10m average", "80% within 1h of open hours and 10m average".
pub fn target_phrase(s: &Scenario, q: usize) -> String {
    let sla = &s.queues[q].sla;
    let clock = if s.queues[q].sla_clock == crate::scenario::SlaClock::Business { " of open hours" } else { "" };
    let share = sla.target.map(|t| format!("{:.0}% within {}{clock}", t * 100.0, format_duration(sla.within)));
    let average = sla.average.map(|a| format!("{} average", format_duration(a)));
    match (share, average) {
        (Some(x), Some(y)) => format!("{x} and {y}"),
        (Some(x), None) => x,
        (None, Some(y)) => y,
        (None, None) => String::new(),
    }
}

/// "7m12s ±0m20s": a mean wait with its 95 % half-width in the same units.
pub fn wait_with_ci(e: &crate::stats::Estimate) -> String {
    let Some(m) = e.mean else { return "-".into() };
    match e.ci95 {
        Some(c) if m >= 60.0 => {
            let c = c.round() as u64;
            format!("{} \u{b1}{}m{:02}s", format_duration(m), c / 60, c % 60)
        }
        Some(c) => format!("{} \u{b1}{:.1}s", format_duration(m), c),
        None => format_duration(m),
    }
}

/// At most this many queues are shown one by one (a finding, a key figure
/// and a service-level heatmap each): a planning meeting reads a couple of
/// dozen, not 400. The tables and CSV files have every queue.
pub const MAX_SHOWN_QUEUES: usize = 24;

/// Which queues [`pick_queues`] shows, in words, for the notes beside what
/// shows only some.
pub const SHOWN_RULE: &str = "those furthest below their target, then the busiest";

/// The queues a report shows one by one, in file order: every queue, or on
/// a desk of more than [`MAX_SHOWN_QUEUES`] those furthest below their
/// service-level target, then the busiest (most customers offered), then
/// the earliest in the file ([`pick_queues`]).
pub fn shown_queues(s: &Scenario, r: &RunSummary) -> Vec<usize> {
    // The figures as summary.csv prints them, from which the workbook picks
    // its queues: two queues whose offered counts differ only past the
    // printed decimals then rank the same way in the report and the workbook.
    let column = |name: &str| -> Vec<Option<f64>> {
        (0..s.queues.len()).map(|q| r.queues.get(q).and_then(|x| summary_figure(x, name))).collect()
    };
    let (level, target, offered) = (column("service_level"), column("sla_target"), column("offered"));
    pick_queues(s.queues.len(), MAX_SHOWN_QUEUES, |q| level[q], |q| target[q], |q| offered[q].unwrap_or(0.0))
}

/// Of `n` queues, at most `most`, in file order: all of them when they
/// fit, else those furthest below their target (`level` against
/// `target`), then the busiest (`offered`), then the earliest. The one
/// rule for every place that shows some queues of a large desk (report,
/// charts, workbook), from whatever table it has.
pub fn pick_queues(
    n: usize,
    most: usize,
    level: impl Fn(usize) -> Option<f64>,
    target: impl Fn(usize) -> Option<f64>,
    offered: impl Fn(usize) -> f64,
) -> Vec<usize> {
    let mut queues: Vec<usize> = (0..n).collect();
    if n > most {
        let shortfall = |q: usize| match (target(q), level(q)) {
            (Some(target), Some(level)) => (target - level).max(0.0),
            _ => 0.0,
        };
        queues.sort_by(|&a, &b| {
            shortfall(b).total_cmp(&shortfall(a)).then(offered(b).total_cmp(&offered(a))).then(a.cmp(&b))
        });
        queues.truncate(most);
        queues.sort_unstable();
    }
    queues
}

/// One finding per queue: its service level against the target, with
/// the windows where it falls short and why. On a desk of many queues,
/// for those shown one by one ([`shown_queues`]), then one line for the
/// rest.
pub fn run_findings(s: &Scenario, r: &RunSummary) -> Vec<Finding> {
    let shown = shown_queues(s, r);
    let mut out: Vec<Finding> = shown.iter().map(|&q| queue_finding(s, r, q, &r.queues[q])).collect();
    let rest: Vec<&QueueSummary> =
        (0..s.queues.len()).filter(|q| shown.binary_search(q).is_err()).filter_map(|q| r.queues.get(q)).collect();
    if !rest.is_empty() {
        let missed = rest.iter().filter(|row| row.meets_target() == Some(false)).count();
        let text = if missed == 0 {
            format!("the other {} queues meet their targets (summary.csv has every queue)", rest.len())
        } else {
            format!(
                "of the other {} queues, {missed} miss their targets too, not listed here (summary.csv has every queue)",
                rest.len()
            )
        };
        out.push(Finding { verdict: if missed == 0 { Verdict::Met } else { Verdict::Missed }, text });
    }
    out
}

fn queue_finding(s: &Scenario, r: &RunSummary, q: usize, row: &QueueSummary) -> Finding {
    let name = &s.queues[q].name;
    let target = target_phrase(s, q);
    let Some(sl) = row.service_level.mean else {
        return Finding { verdict: Verdict::Note, text: format!("{name}: no customers in the run") };
    };
    let ci = row.service_level.ci95.map_or(String::new(), |c| format!(" \u{b1}{:.1}", c * 100.0));
    let met = row.meets_target() == Some(true);
    let sla = s.queues[q].sla;
    let verb = if met { "meets" } else { "misses" };
    let mut figures = Vec::new();
    if sla.target.is_some() {
        figures.push(format!("{}{ci} answered in time", pct(Some(sl))));
    }
    if sla.average.is_some() {
        let gap = match row.meets_average() {
            Some(false) if sla.target.is_some() && row.meets_share() == Some(true) => " (the average misses)",
            Some(true) if sla.target.is_some() && row.meets_share() == Some(false) => " (the average is met)",
            _ => "",
        };
        figures.push(format!("mean wait {}{gap}", wait_with_ci(&row.asa_s)));
    }
    let mut text = format!("{name} {verb} its {target}: {}", figures.join(", "));
    if sla.target.is_some() && sla.average.is_none() {
        // The share-only wording the reports have always used.
        text = format!("{name} {verb} {target}: {}", figures.join(", "));
    }
    let windows = windows(s, r, q);
    for (k, w) in windows.iter().enumerate() {
        let lead = match (k, met) {
            (0, true) => "; but",
            (0, false) => "; worst",
            _ => "; and",
        };
        let figure = match (sla.target, sla.average, w.asa_s) {
            (Some(_), Some(_), Some(a)) => format!("{}, mean wait {}", pct(Some(w.service_level)), format_duration(a)),
            (None, Some(_), Some(a)) => format!("mean wait {}", format_duration(a)),
            _ => pct(Some(w.service_level)),
        };
        text.push_str(&format!(
            "{lead} {} {} ({figure}): {}",
            days_phrase(w.days),
            hours_phrase(&w.hours),
            w.reasons.join("; ")
        ));
    }
    if !met && windows.is_empty() {
        // No open hour falls short: the misses are customers who arrived
        // while the queue was closed, or the backlog it started with.
        let mut why = Vec::new();
        if row.after_hours >= 0.5 {
            why.push(format!(
                "{:.0} of its {:.0} tickets arrived while it was closed (those that arrived while open: {})",
                row.after_hours,
                row.offered,
                pct(row.service_level_open.mean)
            ));
        }
        if let Some(b) = s.queues[q].initial_backlog.filter(|b| b.tickets > 0) {
            why.push(format!("its initial backlog of {} tickets counts among its customers", b.tickets));
        }
        if !why.is_empty() {
            text.push_str(&format!("; no open hour falls clearly short: {}", why.join("; ")));
        }
    }
    let verdict = if met && windows.is_empty() { Verdict::Met } else { Verdict::Missed };
    Finding { verdict: if met && !windows.is_empty() { Verdict::Note } else { verdict }, text }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn days_read_as_a_manager_says_them() {
        assert_eq!(days_phrase(0x1f), "on weekdays");
        assert_eq!(days_phrase(0x7f), "every day");
        assert_eq!(days_phrase(0x60), "at weekends");
        assert_eq!(days_phrase(0b10), "on Tuesdays");
        assert_eq!(days_phrase(0b10101), "on Mon, Wed and Fri");
        assert_eq!(hours_phrase(&(13..15)), "13:00\u{2013}15:00");
        assert_eq!(list(&["a", "b"]), "a and b");
    }

    #[test]
    fn a_mean_wait_reads_with_its_half_width() {
        use crate::stats::Estimate;
        assert_eq!(wait_with_ci(&Estimate { mean: Some(432.0), ci95: Some(20.4) }), "7m12s \u{b1}0m20s");
        assert_eq!(wait_with_ci(&Estimate { mean: Some(15.04), ci95: Some(0.68) }), "15s \u{b1}0.7s");
        assert_eq!(wait_with_ci(&Estimate { mean: Some(90.0), ci95: None }), "1m30s");
        assert_eq!(wait_with_ci(&Estimate::default()), "-");
    }

    fn shipped(name: &str, replications: u32) -> (Scenario, RunSummary) {
        let path = format!("{}/scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
        let mut s = Scenario::from_toml(&std::fs::read_to_string(&path).unwrap(), &path).unwrap();
        s.simulation.replications = replications;
        let plan = crate::experiment::Plan { policy: s.policy, threads: Some(2) };
        let r = crate::experiment::run(&s, plan, &|| {}).unwrap();
        (s, r)
    }

    /// 30 email queues on 8 agents; queue i gets (i % 10 + 1) tickets an
    /// hour, and the first `strict` have an SLA of 1 s, which they miss
    /// (also the heatmaps' test desk).
    pub(crate) fn many_queues(strict: usize) -> (Scenario, RunSummary) {
        let mut text = String::from(
            "name = \"many\"\n[simulation]\nhorizon = \"2w\"\ninterval = \"1h\"\nreplications = 2\nseed = 3\n",
        );
        for i in 0..30 {
            text.push_str(&format!(
                "[[queue]]\nname = \"q{i}\"\nchannel = \"email\"\nvolume = \"{}/hour\"\n\
                 handle_time = {{ dist = \"exponential\", mean = \"2m\" }}\nsla = {{ within = \"{}\", target = 0.8 }}\n",
                i % 10 + 1,
                if i < strict { "1s" } else { "1h" }
            ));
        }
        let skills: Vec<String> = (0..30).map(|i| format!("\"q{i}\"")).collect();
        text.push_str(&format!("[[team]]\nname = \"t\"\nskills = [{}]\nagents = 8\n", skills.join(", ")));
        let s = Scenario::from_toml(&text, "many.toml").unwrap();
        let r =
            crate::experiment::run(&s, crate::experiment::Plan { policy: s.policy, threads: Some(1) }, &|| {}).unwrap();
        (s, r)
    }

    #[test]
    fn queues_are_picked_by_the_figures_summary_csv_prints() {
        // 30 queues all meeting their targets, so the 24 busiest are shown.
        // q5 and q20 tie as summary.csv prints them (100.00 tickets) and
        // q20 is the busier past the printed decimals: the report takes the
        // earlier in the file, as the workbook does reading the file.
        let (s, mut r) = many_queues(0);
        for (q, row) in r.queues.iter_mut().enumerate().take(30) {
            row.service_level.mean = Some(0.9);
            row.offered = match q {
                5 => 100.001,
                20 => 100.004,
                _ if q < 25 => 200.0 + q as f64,
                _ => 1.0,
            };
        }
        let shown = shown_queues(&s, &r);
        assert_eq!(shown.len(), MAX_SHOWN_QUEUES);
        assert!(shown.contains(&5) && !shown.contains(&20), "{shown:?}");
        assert_eq!(summary_figure(&r.queues[20], "offered"), Some(100.0));
    }

    #[test]
    fn a_desk_of_many_queues_names_the_worst_and_sums_up_the_rest() {
        let (s, r) = many_queues(1);
        let found = run_findings(&s, &r);
        assert_eq!(found.len(), MAX_SHOWN_QUEUES + 1);
        assert!(found[0].text.starts_with("q0 misses"), "{}", found[0].text);
        assert_eq!(found[0].verdict, Verdict::Missed);
        let last = found.last().unwrap();
        assert_eq!(last.text, "the other 6 queues meet their targets (summary.csv has every queue)");
        assert_eq!(last.verdict, Verdict::Met);
        // More queues miss than are shown: the rest's misses are counted.
        let (s, r) = many_queues(26);
        let found = run_findings(&s, &r);
        assert!(found[..MAX_SHOWN_QUEUES].iter().all(|f| f.text.contains(" misses ")), "{found:?}");
        let last = found.last().unwrap();
        assert!(last.text.starts_with("of the other 6 queues, 2 miss their targets too"), "{}", last.text);
        assert_eq!(last.verdict, Verdict::Missed);
        // A small desk lists every queue and nothing more.
        let (s, r) = shipped("smb-saas", 2);
        assert_eq!(run_findings(&s, &r).len(), s.queues.len());
    }

    #[test]
    fn lunch_breaks_explain_the_phones_afternoon() {
        // smb-saas staggers two lunch hours over 13:00-15:00: half the
        // frontline is away, and the phones' service level drops.
        let (s, r) = shipped("smb-saas", 6);
        let found = run_findings(&s, &r);
        for f in &found {
            eprintln!("{:?}: {}", f.verdict, f.text);
        }
        let phone = windows(&s, &r, 0);
        let w = &phone[0];
        assert_eq!(w.days, 0x1f, "{phone:?}");
        assert_eq!(w.hours, 13..15, "{phone:?}");
        assert!(w.service_level < 0.75, "{phone:?}");
        assert!(w.reasons[0].starts_with("fewer agents on duty"), "{phone:?}");
        assert!(w.reasons[0].contains("breaks overlap"), "{phone:?}");
        // Email misses overall, worst in the morning behind the night's mail.
        let email = windows(&s, &r, 3);
        assert!(
            email.iter().any(|w| w.hours.start == 10 && w.reasons.iter().any(|r| r.contains("closed"))),
            "{email:?}"
        );
        assert_eq!(found[3].verdict, Verdict::Missed);
    }

    #[test]
    fn a_miss_with_no_short_hour_is_put_down_to_closed_hours_and_the_backlog() {
        // backlog-crisis' payments queue answers its open hours in time; it
        // misses on the forms sent at night and the backlog it starts with.
        let (s, r) = shipped("backlog-crisis", 3);
        let q = s.queues.iter().position(|q| q.name == "payments").unwrap();
        assert!(windows(&s, &r, q).is_empty());
        let text = &run_findings(&s, &r)[q].text;
        assert!(text.contains("misses") && text.contains("arrived while it was closed"), "{text}");
        assert!(text.contains("initial backlog of 60"), "{text}");
    }
}
