//! The charts of a run, built from the same [`RunSummary`] the CSV files are
//! written from: service level, backlog and its age, waits, occupancy and
//! arrivals, and the weekday × hour heatmaps of service level, backlog and
//! staffing. Each function returns a [`Chart`] description; `chart` draws it.

use std::collections::HashMap;

use super::chart::{
    AGES, Area, Band, Bar, Body, CellFormat, Chart, Heatmap, Line, Marker, Panel, RefLine, Scale, TARGET, YFormat,
    color,
};
use crate::scenario::units::{DAY, DAY_NAMES, HOUR, WEEK, format_duration};
use crate::scenario::{Scenario, SlaClock};
use crate::stats::paired::Difference;
use crate::stats::{IntervalSummary, RunSummary, TeamInterval};

/// Tick positions and labels for a time axis covering `[t0, t1)` seconds of
/// simulated time, aligned to the desk's clock: "Tue 10:00" within eight
/// days, "Tue 9" (weekday and the CSV's `day`) beyond.
pub fn time_ticks(start: f64, t0: f64, t1: f64) -> Vec<(f64, String)> {
    time_ticks_at_most(start, t0, t1, 12.0)
}

/// [`time_ticks`] with about `most` ticks at most instead of a dozen, for
/// the narrow plots of small multiples.
fn time_ticks_at_most(start: f64, t0: f64, t1: f64, most: f64) -> Vec<(f64, String)> {
    let span = t1 - t0;
    let steps = [HOUR, 2.0 * HOUR, 3.0 * HOUR, 6.0 * HOUR, 12.0 * HOUR, DAY, 2.0 * DAY, WEEK];
    // Beyond `most` weeks, whole weeks: never more than about `most` ticks.
    let step = steps.iter().copied().find(|s| span / s <= most).unwrap_or_else(|| (span / WEEK / most).ceil() * WEEK);
    let long = span > 8.0 * DAY;
    let mut ticks = Vec::new();
    // First tick: the first multiple of `step` on the desk clock at or after t0.
    let mut t = ((start + t0) / step).ceil() * step - start;
    while t <= t1 + 1e-6 {
        let w = (start + t).rem_euclid(WEEK);
        let day = DAY_NAMES[(w / DAY).floor() as usize % 7];
        let label = if long {
            format!("{day} {}", (t / DAY).floor() as u64 + 1)
        } else {
            let m = ((w % DAY) / 60.0).round() as u64;
            format!("{day} {:02}:{:02}", m / 60, m % 60)
        };
        ticks.push((t, label));
        t += step;
    }
    ticks
}

fn window(s: &Scenario) -> (f64, f64) {
    (s.simulation.warmup, s.simulation.horizon)
}

/// The rows a per-interval chart shows: the typical week for long runs
/// (with its x range and a title note), otherwise every interval; a run
/// that starts with a backlog shows every interval, since how the backlog
/// goes down is the point.
fn chart_rows<'a>(s: &Scenario, r: &'a RunSummary) -> (&'a [IntervalSummary], &'a [TeamInterval], (f64, f64), String) {
    // Dated events happen in one particular week: no typical week either.
    if r.week.is_empty() || s.queues.iter().any(|q| q.initial_backlog.is_some()) || !s.events.is_empty() {
        (&r.intervals, &r.teams, window(s), String::new())
    } else {
        let weeks = ((s.simulation.horizon - s.simulation.warmup) / WEEK).round();
        let t0 = s.simulation.warmup;
        (&r.week, &r.week_teams, (t0, t0 + WEEK), format!(", typical week (mean of {weeks:.0})"))
    }
}

/// Beyond this many weeks a chart's closed hours are thinner than a pixel
/// and are not shaded (a horizon of a billion weeks would otherwise be
/// walked week by week).
const MAX_SHADED_WEEKS: f64 = 104.0;

/// Spans of the statistics window when every queue is closed; none for
/// windows longer than [`MAX_SHADED_WEEKS`].
pub fn closed_spans(s: &Scenario, (t0, t1): (f64, f64)) -> Vec<(f64, f64)> {
    if (t1 - t0) / WEEK > MAX_SHADED_WEEKS {
        return Vec::new();
    }
    if s.queues.iter().any(|q| q.dated_hours.is_some()) {
        return dated_closed_spans(s, (t0, t1));
    }
    // The desk is open when any queue is; walk that calendar's weeks.
    let open = crate::scenario::WeeklySpans::from_spans(s.queues.iter().flat_map(|q| q.hours.spans().iter().copied()));
    let start = s.simulation.start;
    let mut spans: Vec<(f64, f64)> = Vec::new();
    let first_week = ((start + t0) / WEEK).floor() as i64;
    let last_week = ((start + t1) / WEEK).ceil() as i64;
    let mut cursor = t0;
    for week in first_week..=last_week {
        for &(a, b) in open.spans() {
            let (a, b) = (week as f64 * WEEK + a - start, week as f64 * WEEK + b - start);
            if b <= cursor || a >= t1 {
                continue;
            }
            if a > cursor {
                spans.push((cursor, a.min(t1)));
            }
            cursor = cursor.max(b);
        }
    }
    if cursor < t1 {
        spans.push((cursor, t1));
    }
    // Merge touching pieces (a span that ends at a week's end and the next week's start).
    let mut merged: Vec<(f64, f64)> = Vec::new();
    for (a, b) in spans {
        match merged.last_mut() {
            Some(last) if (a - last.1).abs() < 1e-6 => last.1 = b,
            _ => merged.push((a, b)),
        }
    }
    merged
}

/// [`closed_spans`] with holidays: the desk is open when any queue is, on
/// its dated calendar.
fn dated_closed_spans(s: &Scenario, (t0, t1): (f64, f64)) -> Vec<(f64, f64)> {
    let mut open: Vec<(f64, f64)> = s.queues.iter().flat_map(|q| q.open_spans(s.simulation.start, (t0, t1))).collect();
    open.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut closed = Vec::new();
    let mut cursor = t0;
    for (a, b) in open {
        if a > cursor + 1e-6 {
            closed.push((cursor, a));
        }
        cursor = cursor.max(b);
    }
    if cursor < t1 - 1e-6 {
        closed.push((cursor, t1));
    }
    closed
}

/// Closed spans of the desk longer than this are cut out of time axes;
/// shorter ones (a lunch hour) stay, shaded.
pub const OMIT_CLOSED_OVER: f64 = 2.0 * HOUR;

/// A time chart's x axis: where its ticks go, which closed spans are cut
/// out and which are shaded, and what each point is called.
#[derive(Debug, Clone)]
struct TimeAxis {
    ticks: Vec<(f64, String)>,
    omitted: Vec<(f64, f64)>,
    shaded: Vec<(f64, f64)>,
    names: Vec<(f64, String)>,
}

/// "Tue 13:00" on the desk clock for `t` seconds after the start.
fn clock(start: f64, t: f64) -> String {
    let w = (start + t).rem_euclid(WEEK);
    let day = DAY_NAMES[(w / DAY).floor() as usize % 7];
    let m = ((w % DAY) / 60.0).round() as u64;
    format!("{day} {:02}:{:02}", (m / 60) % 24, m % 60)
}

/// The time of day of [`clock`] ("13:00").
fn time_of_day(start: f64, t: f64) -> String {
    let c = clock(start, t);
    c.split_once(' ').map_or(c.clone(), |c| c.1.to_string())
}

impl TimeAxis {
    /// The axis of `window` on the desk clock, cutting the desk's closed spans
    /// (`closed`) longer than [`OMIT_CLOSED_OVER`]; about `most` ticks when
    /// nothing is cut.
    fn new(start: f64, (t0, t1): (f64, f64), closed: Vec<(f64, f64)>, most: f64) -> Self {
        let (omitted, shaded): (Vec<_>, Vec<_>) = closed.into_iter().partition(|(a, b)| b - a > OMIT_CLOSED_OVER);
        let ticks = if omitted.is_empty() {
            time_ticks_at_most(start, t0, t1, most)
        } else {
            broken_ticks(start, (t0, t1), &omitted)
        };
        TimeAxis { ticks, omitted, shaded, names: Vec::new() }
    }

    /// The axis of a run chart over `window`, from the scenario's hours.
    fn of(s: &Scenario, window: (f64, f64)) -> Self {
        TimeAxis::new(s.simulation.start, window, closed_spans(s, window), 12.0).dated(s)
    }

    /// With a dated start, days of the run ("Wed 3") become dates ("Wed 9
    /// Dec") in the ticks and the point names.
    fn dated(mut self, s: &Scenario) -> Self {
        let Some(anchor) = s.simulation.date else { return self };
        let date = |t: f64| {
            let label = crate::scenario::dated::day_label(anchor.day + ((anchor.clock + t) / DAY).floor() as i64);
            // "Wed 9 Dec 2026" without the year.
            label.rsplit_once(' ').map_or(label.clone(), |(d, _)| d.to_string())
        };
        for (t, label) in &mut self.ticks {
            if let Some((day, n)) = label.split_once(' ')
                && DAY_NAMES.contains(&day)
                && n.parse::<u64>().is_ok()
            {
                *label = date(*t);
            }
        }
        for (t, name) in &mut self.names {
            if let Some((head, _)) = name.split_once(" (day ") {
                let d = date(*t);
                let short = d.split_once(' ').map_or(d.clone(), |(_, rest)| rest.to_string());
                *name = format!("{head} ({short})");
            }
        }
        self
    }

    /// Names the points of intervals starting at `starts`: the interval
    /// ("Tue 13:00–13:30") for points at its middle, or its end ("Tue
    /// 13:30") for points there (`at_end`); with the day of the run when
    /// the intervals span more than eight days.
    fn named(mut self, s: &Scenario, starts: impl Iterator<Item = f64>, at_end: bool) -> Self {
        let (start, len) = (s.simulation.start, s.simulation.interval);
        let starts: Vec<f64> = starts.collect();
        // A typical week is no particular week: its days go unnumbered.
        let long = starts.last().zip(starts.first()).is_some_and(|(b, a)| b - a > 8.0 * DAY);
        self.names = starts
            .into_iter()
            .map(|t| {
                let day = if long { format!(" (day {})", (t / DAY).floor() as u64 + 1) } else { String::new() };
                if at_end {
                    (t + len, format!("{}{day}", clock(start, t + len)))
                } else {
                    (t + len / 2.0, format!("{}–{}{day}", clock(start, t), time_of_day(start, t + len)))
                }
            })
            .collect();
        self.dated(s)
    }

    /// The subtitle's line about the axis; empty when nothing is cut.
    fn note(&self) -> String {
        if self.omitted.is_empty() {
            String::new()
        } else {
            let hours = format_duration(OMIT_CLOSED_OVER);
            format!("Open hours only: the desk's closed spans over {hours} are cut from the time axis (grey bars)")
        }
    }

    /// Fills `chart`'s x axis from this one, its note first in the subtitle.
    fn apply(self, chart: Chart) -> Chart {
        let subtitle: Vec<String> =
            [self.note(), chart.subtitle.clone()].into_iter().filter(|l| !l.is_empty()).collect();
        Chart {
            x_ticks: self.ticks,
            x_omitted: self.omitted,
            x_names: self.names,
            subtitle: subtitle.join("\n"),
            ..chart
        }
    }
}

/// Ticks for a time axis with the spans `omitted` cut out: at each open
/// stretch's start ("Mon 10:00"; "Wed 3", the day of the run, beyond eight
/// days) and within it every three hours ("13:00"; midnight with its day),
/// or every twelve in a stretch of more than a day. The chart keeps those
/// that fit.
fn broken_ticks(start: f64, (t0, t1): (f64, f64), omitted: &[(f64, f64)]) -> Vec<(f64, String)> {
    let long = t1 - t0 > 8.0 * DAY;
    let mut open: Vec<(f64, f64)> = Vec::new();
    let mut cursor = t0;
    for &(a, b) in omitted {
        if a > cursor {
            open.push((cursor, a.min(t1)));
        }
        cursor = cursor.max(b);
    }
    if cursor < t1 {
        open.push((cursor, t1));
    }
    let day_of = |t: f64| {
        let w = (start + t).rem_euclid(WEEK);
        format!("{} {}", DAY_NAMES[(w / DAY).floor() as usize % 7], (t / DAY).floor() as u64 + 1)
    };
    let mut ticks = Vec::new();
    for (a, b) in open {
        ticks.push((a, if long { day_of(a) } else { clock(start, a) }));
        let step = if b - a > DAY { 12.0 * HOUR } else { 3.0 * HOUR };
        let mut t = ((start + a) / step).floor() * step + step - start;
        while t < b - 1e-6 {
            let midnight = (start + t).rem_euclid(DAY) < 1.0;
            if midnight {
                ticks.push((t, if long { day_of(t) } else { clock(start, t) }));
            } else if !long {
                ticks.push((t, time_of_day(start, t)));
            }
            t += step;
        }
    }
    ticks
}

/// Lines over desk time, short closures shaded.
fn time_body(axis: &TimeAxis, lines: Vec<Line>, bands: Vec<Band>, hlines: Vec<RefLine>) -> Body {
    Body::Lines {
        lines,
        bands,
        hlines,
        vlines: Vec::new(),
        markers: Vec::new(),
        shaded: axis.shaded.clone(),
        shaded_label: "desk closed".into(),
    }
}

/// The subtitle's line naming, per queue, the arrivals made while it was
/// closed, which the charts leave out; empty when there were none.
fn after_hours_note(s: &Scenario, r: &RunSummary) -> String {
    let queues: Vec<String> = s
        .queues
        .iter()
        .zip(&r.queues)
        .filter(|(_, q)| q.after_hours >= 0.5)
        .map(|(queue, q)| format!("{} {:.0}", queue.name, q.after_hours))
        .collect();
    if queues.is_empty() {
        String::new()
    } else {
        format!(
            "Not drawn, arrived while their queue was closed: {} (the summary gives their open-hours service level)",
            queues.join(", ")
        )
    }
}

/// Each queue's rows, in queue order, then the desk's ("all"), gathered in
/// one pass: filtering every row once per queue is quadratic, and a desk of
/// thousands of queues spent minutes here.
fn rows_by_queue<'a>(s: &Scenario, rows: &'a [IntervalSummary]) -> Vec<Vec<&'a IntervalSummary>> {
    let index: HashMap<&str, usize> = s.queues.iter().enumerate().map(|(i, q)| (q.name.as_str(), i)).collect();
    let desk = s.queues.len();
    let mut out = vec![Vec::with_capacity(rows.len() / (desk + 1)); desk + 1];
    for r in rows {
        // "all" is reserved: no queue carries that name.
        let at = if *r.queue == *"all" { Some(desk) } else { index.get(&*r.queue).copied() };
        if let Some(i) = at {
            out[i].push(r);
        }
    }
    out
}

/// Each team's rows, in team order, gathered in one pass (see [`rows_by_queue`]).
fn rows_by_team<'a>(s: &Scenario, rows: &'a [TeamInterval]) -> Vec<Vec<&'a TeamInterval>> {
    let index: HashMap<&str, usize> = s.teams.iter().enumerate().map(|(i, t)| (t.name.as_str(), i)).collect();
    let mut out = vec![Vec::with_capacity(rows.len() / s.teams.len().max(1)); s.teams.len()];
    for r in rows {
        if let Some(&i) = index.get(&*r.team) {
            out[i].push(r);
        }
    }
    out
}

/// Below this share of a queue's busiest shown interval, an interval has
/// essentially no customers and its service level is not drawn.
const FEW_OFFERED: f64 = 0.02;

/// Beyond this many queues the service level is drawn one panel per queue.
const MAX_QUEUES_IN_ONE_PLOT: usize = 3;

/// Service level per interval and queue with its 95 % band and SLA target,
/// only where the queue is open and customers arrive; one panel per queue
/// beyond three queues.
pub fn service_level(s: &Scenario, r: &RunSummary) -> Chart {
    let half = s.simulation.interval / 2.0;
    let (rows, _, (t0, t1), note) = chart_rows(s, r);
    let by_queue = rows_by_queue(s, rows);
    let mut lines = Vec::new();
    let mut bands = Vec::new();
    for (i, (queue, rows)) in s.queues.iter().zip(&by_queue).enumerate() {
        let busiest = rows.iter().map(|x| x.offered).fold(0.0, f64::max);
        let judged = |x: &IntervalSummary| {
            x.offered > 0.0
                && x.offered >= FEW_OFFERED * busiest
                && queue.hours.contains(s.simulation.start + x.t_s + half)
        };
        lines.push(Line {
            label: queue.name.clone(),
            color: color(i),
            dashed: false,
            points: rows.iter().map(|x| (x.t_s + half, x.service_level.mean.filter(|_| judged(x)))).collect(),
        });
        bands.push(Band {
            color: color(i),
            label: String::new(),
            points: rows
                .iter()
                .map(|x| {
                    let band = x
                        .service_level
                        .mean
                        .zip(x.service_level.ci95)
                        .filter(|_| judged(x))
                        .map(|(m, ci)| ((m - ci).max(0.0), (m + ci).min(1.0)));
                    (x.t_s + half, band)
                })
                .collect(),
        });
    }
    let panels = s.queues.len() > MAX_QUEUES_IN_ONE_PLOT;
    let most = if panels { 6.0 } else { 12.0 };
    let axis = TimeAxis::new(s.simulation.start, (t0, t1), closed_spans(s, (t0, t1)), most);
    let axis = axis.named(s, by_queue.last().map_or(&[][..], |d| d.as_slice()).iter().map(|x| x.t_s), false);
    let body = if panels {
        Body::Panels(
            s.queues
                .iter()
                .zip(lines.into_iter().zip(bands))
                .map(|(queue, (line, band))| Panel {
                    title: queue.name.clone(),
                    body: time_body(&axis, vec![line], vec![band], target_line(queue, false).into_iter().collect()),
                })
                .collect(),
        )
    } else {
        time_body(&axis, lines, bands, target_lines(s))
    };
    let chart = Chart {
        name: "service_level".into(),
        title: format!("{}: service level by interval of arrival{note}", s.name),
        x_label: "desk time (band: 95% confidence)".into(),
        y_label: "answered within SLA".into(),
        x_range: (t0, t1),
        y_range: (0.0, 1.0),
        x_ticks: Vec::new(),
        y_format: YFormat::Percent,
        body,
        subtitle: after_hours_note(s, r),
        x_omitted: Vec::new(),
        x_names: Vec::new(),
    };
    axis.apply(chart)
}

/// A queue's SLA target as a line: "target 80% in 30s", the clock named
/// when it counts business hours only, and the queue (`named`); `None` for
/// an average-only SLA (its target is a wait, drawn on the wait charts).
fn target_line(q: &crate::scenario::Queue, named: bool) -> Option<RefLine> {
    let target = q.sla.target?;
    let clock = if q.sla_clock == SlaClock::Business { " (business-hours clock)" } else { "" };
    let who = if named { format!(": {}", q.name) } else { String::new() };
    Some(RefLine {
        label: format!("target {:.0}% in {}{clock}{who}", target * 100.0, format_duration(q.sla.within)),
        value: target,
        color: TARGET,
    })
}

/// One dashed grey line per distinct average target, in minutes, naming
/// its queues when the queues do not all share it: "target 10m average".
fn average_lines(s: &Scenario) -> Vec<RefLine> {
    let mut targets: Vec<(f64, Vec<&str>)> = Vec::new();
    for q in &s.queues {
        let Some(a) = q.sla.average else { continue };
        match targets.iter_mut().find(|t| (t.0 - a).abs() < 1e-9) {
            Some(t) => t.1.push(&q.name),
            None => targets.push((a, vec![&q.name])),
        }
    }
    let all = targets.len() == 1 && targets[0].1.len() == s.queues.len();
    targets
        .into_iter()
        .map(|(a, queues)| RefLine {
            label: if all {
                format!("target {} average", format_duration(a))
            } else {
                format!("target {} average: {}", format_duration(a), queues.join(", "))
            },
            value: a / 60.0,
            color: TARGET,
        })
        .collect()
}

/// One dashed grey line per distinct SLA target (share, time and clock),
/// naming its queues when the queues do not all share it.
fn target_lines(s: &Scenario) -> Vec<RefLine> {
    let mut targets: Vec<(RefLine, Vec<&str>)> = Vec::new();
    for q in &s.queues {
        let Some(line) = target_line(q, false) else { continue };
        match targets.iter_mut().find(|t| t.0.label == line.label) {
            Some(t) => t.1.push(&q.name),
            None => targets.push((line, vec![&q.name])),
        }
    }
    let shared = targets.len() == 1;
    targets
        .into_iter()
        .map(
            |(line, queues)| {
                if shared { line } else { RefLine { label: format!("{}: {}", line.label, queues.join(", ")), ..line } }
            },
        )
        .collect()
}

fn upper(values: impl Iterator<Item = f64>) -> f64 {
    let m = values.fold(0.0f64, f64::max);
    if m <= 0.0 { 1.0 } else { m * 1.08 }
}

/// Tickets waiting at each interval's end, with the desk's closed hours shaded.
pub fn backlog(s: &Scenario, r: &RunSummary) -> Chart {
    let end = s.simulation.interval;
    let lines: Vec<Line> = s
        .queues
        .iter()
        .zip(rows_by_queue(s, &r.intervals))
        .enumerate()
        .map(|(i, (queue, rows))| Line {
            label: queue.name.clone(),
            color: color(i),
            dashed: false,
            points: rows.iter().map(|x| (x.t_s + end, Some(x.backlog))).collect(),
        })
        .collect();
    let top = upper(r.intervals.iter().filter(|x| *x.queue != *"all").map(|x| x.backlog));
    let (t0, t1) = window(s);
    let axis = TimeAxis::of(s, (t0, t1)).named(s, desk_starts(&r.intervals), true);
    let chart = Chart {
        name: "backlog".into(),
        title: format!("{}: backlog (tickets waiting at the end of each interval)", s.name),
        x_label: "desk time".into(),
        y_label: "tickets waiting".into(),
        x_range: (t0, t1),
        y_range: (0.0, top),
        x_ticks: Vec::new(),
        y_format: YFormat::Number,
        body: time_body(&axis, lines, Vec::new(), Vec::new()),
        subtitle: String::new(),
        x_omitted: Vec::new(),
        x_names: Vec::new(),
    };
    axis.apply(chart)
}

/// The start of each interval of `rows`, from the desk's ("all") rows.
fn desk_starts(rows: &[IntervalSummary]) -> impl Iterator<Item = f64> + '_ {
    rows.iter().filter(|x| *x.queue == *"all").map(|x| x.t_s)
}

/// Wait ticks (seconds) offered on the logarithmic wait axis.
const WAIT_TICKS: [f64; 10] = [1.0, 10.0, 60.0, 300.0, 900.0, 3600.0, 14_400.0, 86_400.0, 604_800.0, 2_419_200.0];

/// The share of customers answered within each wait (log axis), one curve per
/// queue, each SLA threshold marked where it meets its curve.
pub fn waits(s: &Scenario, r: &RunSummary) -> Chart {
    let mut lines = Vec::new();
    let mut vlines = Vec::new();
    let mut markers = Vec::new();
    for (i, curve) in r.wait_curves.iter().take(s.queues.len()).enumerate() {
        lines.push(wait_line(curve.queue.clone(), color(i), &curve.points));
        let within = curve.sla_within_s.max(1.0);
        let sla = s.queues[i].sla;
        // An average target is drawn at the wait it allows, its label
        // carrying the mean wait achieved; for an average-only SLA that
        // wait is the deadline too.
        let average_label = |a: f64| {
            let achieved = r.queues.get(i).and_then(|q| q.asa_s.mean);
            let achieved = achieved.map_or(String::new(), |m| format!(" (mean wait {})", format_duration(m)));
            format!("{} target {} average{achieved}", curve.queue, format_duration(a))
        };
        let label = match (sla.target, sla.average) {
            (None, Some(a)) => average_label(a),
            _ => format!("{} SLA {}", curve.queue, format_duration(curve.sla_within_s)),
        };
        vlines.push(RefLine { label, value: within.log10(), color: color(i) });
        if let (Some(_), Some(a)) = (sla.target, sla.average) {
            vlines.push(RefLine { label: average_label(a), value: a.max(1.0).log10(), color: color(i) });
        }
        if let Some(&(_, y)) = curve.points.iter().find(|p| p.0 == curve.sla_within_s) {
            markers.push(Marker { x: within.log10(), y, color: color(i) });
        }
    }
    let title = format!("{}: how long customers wait (share answered within a given wait)", s.name);
    wait_chart(title, lines, vlines, markers)
}

/// A wait curve on the logarithmic wait axis (waits under a second sit at 1 s).
fn wait_line(label: String, color: plotters::style::RGBColor, points: &[(f64, f64)]) -> Line {
    Line {
        label,
        color,
        dashed: false,
        points: points.iter().filter(|p| p.0 >= 1.0).map(|&(x, y)| (x.log10(), Some(y))).collect(),
    }
}

/// The share answered within each wait, on a logarithmic axis long enough
/// for every curve (at least a minute).
fn wait_chart(title: String, lines: Vec<Line>, vlines: Vec<RefLine>, markers: Vec<Marker>) -> Chart {
    let x1 = lines.iter().filter_map(|l| l.points.last().map(|p| p.0)).fold(60f64.log10(), f64::max);
    let ticks =
        WAIT_TICKS.iter().filter(|&&t| t.log10() <= x1 + 1e-9).map(|&t| (t.log10(), format_duration(t))).collect();
    Chart {
        name: "waits".into(),
        title,
        x_label: "wait (logarithmic scale)".into(),
        y_label: "customers answered within the wait".into(),
        x_range: (0.0, x1),
        y_range: (0.0, 1.0),
        x_ticks: ticks,
        y_format: YFormat::Percent,
        x_names: {
            // Sorted by x, as the hover text's bisection needs.
            let mut xs: Vec<f64> = lines.iter().flat_map(|l| l.points.iter().map(|p| p.0)).collect();
            xs.sort_by(f64::total_cmp);
            xs.dedup();
            xs.into_iter().map(|x| (x, format!("within {}", format_duration(10f64.powf(x).round())))).collect()
        },
        body: Body::Lines {
            lines,
            bands: Vec::new(),
            hlines: Vec::new(),
            vlines,
            markers,
            shaded: Vec::new(),
            shaded_label: String::new(),
        },
        subtitle: String::new(),
        x_omitted: Vec::new(),
    }
}

/// Occupancy is drawn where at least this many of a team's agents are on
/// duty on average: in an interval a shift barely touches, an agent
/// finishing the ticket in hand after the shift's end reads as 100 % busy.
const MIN_ON_DUTY: f64 = 0.5;

/// Each team's occupancy (busy agent time ÷ agent time on duty) per
/// interval, in percent, only where the team is on duty.
pub fn occupancy(s: &Scenario, r: &RunSummary) -> Chart {
    let half = s.simulation.interval / 2.0;
    let (rows, team_rows, (t0, t1), note) = chart_rows(s, r);
    let mut lines = Vec::new();
    for (i, (team, rows)) in s.teams.iter().zip(rows_by_team(s, team_rows)).enumerate() {
        lines.push(Line {
            label: team.name.clone(),
            color: color(i),
            dashed: false,
            points: rows
                .iter()
                .map(|x| {
                    let share = x.agents_busy / x.agents_on_duty;
                    let shown = x.agents_on_duty >= MIN_ON_DUTY && share.is_finite();
                    (x.t_s + half, shown.then(|| share.clamp(0.0, 1.0)))
                })
                .collect(),
        });
    }
    let axis = TimeAxis::of(s, (t0, t1)).named(s, desk_starts(rows), false);
    let chart = Chart {
        name: "occupancy".into(),
        title: format!("{}: occupancy per team (busy ÷ on duty){note}", s.name),
        x_label: "desk time".into(),
        y_label: "occupancy (agents' time busy)".into(),
        x_range: (t0, t1),
        // A little room above 100%, so a team busy all the time shows.
        y_range: (0.0, 1.04),
        x_ticks: Vec::new(),
        y_format: YFormat::Percent,
        body: time_body(&axis, lines, Vec::new(), Vec::new()),
        subtitle: format!("Drawn only where at least {MIN_ON_DUTY} agents of the team are on duty on average"),
        x_omitted: Vec::new(),
        x_names: Vec::new(),
    };
    axis.apply(chart)
}

/// Expected arrivals of queue `q` in each of the first `count` reporting
/// intervals, from the scenario.
pub fn expected_arrivals(s: &Scenario, q: usize, count: usize) -> Vec<(f64, f64)> {
    let sim = &s.simulation;
    (0..sim.intervals().min(count))
        .map(|k| {
            let t = sim.warmup + k as f64 * sim.interval;
            let a = sim.start + t;
            let queue = &s.queues[q];
            let dated = queue.dated_extra_arrivals(sim.start, t, t + sim.interval);
            (t, queue.arrivals.expected_between(a, a + sim.interval) + dated)
        })
        .collect()
}

/// Offered tickets per interval and queue (solid) against what the scenario's
/// volume and shape imply (dashed).
pub fn arrivals(s: &Scenario, r: &RunSummary) -> Chart {
    let half = s.simulation.interval / 2.0;
    let (rows, _, (t0, t1), note) = chart_rows(s, r);
    let mut lines = Vec::new();
    let mut top: f64 = 0.0;
    for (i, (queue, rows)) in s.queues.iter().zip(rows_by_queue(s, rows)).enumerate() {
        let name = &queue.name;
        let offered: Vec<(f64, Option<f64>)> = rows.iter().map(|x| (x.t_s + half, Some(x.offered))).collect();
        let expected: Vec<(f64, Option<f64>)> =
            expected_arrivals(s, i, offered.len()).into_iter().map(|(t, e)| (t + half, Some(e))).collect();
        top = top.max(offered.iter().chain(&expected).filter_map(|p| p.1).fold(0.0, f64::max));
        lines.push(Line { label: name.to_string(), color: color(i), dashed: false, points: offered });
        lines.push(Line { label: format!("{name} expected"), color: color(i), dashed: true, points: expected });
    }
    let per = format_duration(s.simulation.interval);
    let axis = TimeAxis::of(s, (t0, t1)).named(s, desk_starts(rows), false);
    let chart = Chart {
        name: "arrivals".into(),
        title: format!("{}: tickets arriving per {per}, simulated and expected{note}", s.name),
        x_label: "desk time".into(),
        y_label: format!("tickets per {per}"),
        x_range: (t0, t1),
        y_range: (0.0, if top > 0.0 { top * 1.08 } else { 1.0 }),
        x_ticks: Vec::new(),
        y_format: YFormat::Number,
        body: time_body(&axis, lines, Vec::new(), Vec::new()),
        subtitle: after_hours_note(s, r),
        x_omitted: Vec::new(),
        x_names: Vec::new(),
    };
    axis.apply(chart)
}

/// Service level per queue (and the desk) by policy: bars with 95 % whiskers.
pub fn comparison(s: &Scenario, runs: &[(String, &RunSummary)]) -> Chart {
    let mut bars = Vec::new();
    for (k, (policy, r)) in runs.iter().enumerate() {
        for q in &r.queues {
            bars.push(Bar {
                group: q.queue.clone(),
                label: policy.clone(),
                color: color(k),
                value: q.service_level.mean.unwrap_or(0.0),
                ci95: q.service_level.ci95,
            });
        }
    }
    Chart {
        name: "comparison".into(),
        title: format!("{}: service level by backlog policy (same tickets for every policy)", s.name),
        x_label: "queue (whiskers: 95% confidence)".into(),
        y_label: "answered within SLA".into(),
        x_range: (0.0, 1.0),
        y_range: (0.0, 1.0),
        x_ticks: Vec::new(),
        y_format: YFormat::Percent,
        body: Body::Bars { bars, hlines: target_lines(s) },
        subtitle: String::new(),
        x_omitted: Vec::new(),
        x_names: Vec::new(),
    }
}

/// The desk's total backlog over the run, one line per policy.
pub fn backlog_by_policy(s: &Scenario, runs: &[(String, &RunSummary)]) -> Chart {
    let end = s.simulation.interval;
    let lines: Vec<Line> = runs
        .iter()
        .enumerate()
        .map(|(k, (policy, r))| Line {
            label: policy.clone(),
            color: color(k),
            dashed: false,
            points: r.intervals.iter().filter(|x| *x.queue == *"all").map(|x| (x.t_s + end, Some(x.backlog))).collect(),
        })
        .collect();
    let top =
        upper(runs.iter().flat_map(|(_, r)| r.intervals.iter().filter(|x| *x.queue == *"all").map(|x| x.backlog)));
    let (t0, t1) = window(s);
    let first = runs.first().map_or(&[][..], |r| r.1.intervals.as_slice());
    let axis = TimeAxis::of(s, (t0, t1)).named(s, desk_starts(first), true);
    let chart = Chart {
        name: "backlog".into(),
        title: format!("{}: tickets waiting (all queues) by backlog policy", s.name),
        x_label: "desk time".into(),
        y_label: "tickets waiting".into(),
        x_range: (t0, t1),
        y_range: (0.0, top),
        x_ticks: Vec::new(),
        y_format: YFormat::Number,
        body: time_body(&axis, lines, Vec::new(), Vec::new()),
        subtitle: String::new(),
        x_omitted: Vec::new(),
        x_names: Vec::new(),
    };
    axis.apply(chart)
}

/// The legend's words for the age bands of `IntervalSummary::backlog_by_age`,
/// bottom of the stack first; no-break spaces keep "< 1 day" on one line of
/// a narrow legend.
pub const AGE_BANDS: [&str; 4] =
    ["within SLA", "breached, waiting <\u{a0}1\u{a0}day", "waiting 1–3\u{a0}days", "waiting 3+\u{a0}days"];

/// The desk's waiting tickets at each interval's end ("all" rows, the whole
/// run), stacked by age band: each layer runs from the sum of the bands
/// below it to that sum plus its own.
fn age_areas(s: &Scenario, r: &RunSummary) -> Vec<Area> {
    let end = s.simulation.interval;
    let desk: Vec<&IntervalSummary> = r.intervals.iter().filter(|x| *x.queue == *"all").collect();
    (0..AGE_BANDS.len())
        .map(|k| Area {
            label: AGE_BANDS[k].into(),
            color: AGES[k],
            points: desk
                .iter()
                .map(|x| {
                    let lo: f64 = x.backlog_by_age[..k].iter().sum();
                    (x.t_s + end, (lo, lo + x.backlog_by_age[k]))
                })
                .collect(),
        })
        .collect()
}

/// A chart of the desk's backlog by age over the whole run, on the scale
/// `top`, its points named from the intervals of `rows`.
fn ages_chart(s: &Scenario, rows: &[IntervalSummary], title: String, top: f64, axis: TimeAxis, body: Body) -> Chart {
    let chart = Chart {
        name: "backlog_ages".into(),
        title,
        x_label: "desk time".into(),
        y_label: "tickets waiting, all queues".into(),
        x_range: window(s),
        y_range: (0.0, top),
        x_ticks: Vec::new(),
        y_format: YFormat::Number,
        body,
        subtitle: String::new(),
        x_omitted: Vec::new(),
        x_names: Vec::new(),
    };
    axis.named(s, desk_starts(rows), true).apply(chart)
}

/// Stacked areas over the run, short closures shaded.
fn stacked(axis: &TimeAxis, areas: Vec<Area>) -> Body {
    Body::Stacked { areas, shaded: axis.shaded.clone(), shaded_label: "desk closed".into() }
}

/// How old the desk's backlog is: tickets waiting at each interval's end,
/// stacked by age band (within the SLA, then breached for under a day,
/// one to three days, three days or more).
pub fn backlog_ages(s: &Scenario, r: &RunSummary) -> Chart {
    let top = upper(r.intervals.iter().filter(|x| *x.queue == *"all").map(|x| x.backlog_by_age.iter().sum()));
    let title = format!("{}: how old the backlog is (tickets waiting at each interval's end)", s.name);
    let axis = TimeAxis::of(s, window(s));
    let body = stacked(&axis, age_areas(s, r));
    ages_chart(s, &r.intervals, title, top, axis, body)
}

/// [`backlog_ages`] for every policy, one panel each on the same scale.
pub fn backlog_ages_by_policy(s: &Scenario, runs: &[(String, &RunSummary)]) -> Chart {
    let top =
        upper(runs.iter().flat_map(|(_, r)| {
            r.intervals.iter().filter(|x| *x.queue == *"all").map(|x| x.backlog_by_age.iter().sum())
        }));
    let window = window(s);
    let axis = TimeAxis::new(s.simulation.start, window, closed_spans(s, window), 6.0);
    let panels =
        runs.iter().map(|(policy, r)| Panel { title: policy.clone(), body: stacked(&axis, age_areas(s, r)) }).collect();
    let title = format!("{}: how old the backlog is, by backlog policy (tickets waiting)", s.name);
    let first = runs.first().map_or(&[][..], |r| r.1.intervals.as_slice());
    ages_chart(s, first, title, top, axis, Body::Panels(panels))
}

/// The share of all customers answered within each wait, one curve per policy.
pub fn waits_by_policy(s: &Scenario, runs: &[(String, &RunSummary)]) -> Chart {
    let lines = runs
        .iter()
        .enumerate()
        .map(|(k, (policy, r))| {
            wait_line(policy.clone(), color(k), r.wait_curves.last().map(|c| c.points.as_slice()).unwrap_or_default())
        })
        .collect();
    let title = format!("{}: how long customers wait, by backlog policy (all queues)", s.name);
    wait_chart(title, lines, Vec::new(), Vec::new())
}

/// Every chart of `compare`.
pub fn compare_charts(s: &Scenario, runs: &[(String, &RunSummary)]) -> Vec<Chart> {
    vec![comparison(s, runs), backlog_by_policy(s, runs), backlog_ages_by_policy(s, runs), waits_by_policy(s, runs)]
}

/// A step line over the week: each slot's value held across the slot.
fn steps(values: impl Iterator<Item = f64>, slot_len: f64) -> Vec<(f64, Option<f64>)> {
    values
        .enumerate()
        .flat_map(|(k, v)| [(k as f64 * slot_len, Some(v)), ((k + 1) as f64 * slot_len, Some(v))])
        .collect()
}

/// Agents required per interval of the week — simulated, analytic, the
/// P10-P90 band of the sampled assumptions — and the scheduled coverage; for
/// one team, or (`team = None`) the whole desk.
pub fn staffing(s: &Scenario, st: &crate::staffing::Staffing, team: Option<usize>) -> Chart {
    let slot = st.slot_len;
    let teams: Vec<usize> = team.map_or_else(|| (0..s.teams.len()).collect(), |t| vec![t]);
    let sum = |f: &dyn Fn(&crate::staffing::TeamSlot) -> f64| -> Vec<f64> {
        (0..st.slots()).map(|k| teams.iter().map(|&t| f(&st.teams[t][k])).sum()).collect()
    };
    let required = sum(&|x| f64::from(x.required));
    let erlang = sum(&|x| f64::from(x.erlang_agents));
    let scheduled = sum(&|x| x.scheduled);
    let mut lines = vec![
        Line {
            label: "required (simulated)".into(),
            color: color(0),
            dashed: false,
            points: steps(required.iter().copied(), slot),
        },
        Line {
            label: "Erlang per interval".into(),
            color: color(1),
            dashed: true,
            points: steps(erlang.iter().copied(), slot),
        },
    ];
    if st.samples > 0 {
        lines[0].label = "required at the midpoints".into();
        lines.push(Line {
            label: format!("planned ({})", st.plan_for.name().to_uppercase()),
            color: color(3),
            dashed: false,
            points: steps(sum(&|x| f64::from(x.planned)).into_iter(), slot),
        });
    }
    if st.schedules.iter().any(|x| !x.shifts.is_empty()) {
        lines.push(Line {
            label: "scheduled shifts".into(),
            color: color(2),
            dashed: false,
            points: steps(scheduled.iter().copied(), slot),
        });
    }
    let mut bands = Vec::new();
    if st.samples > 0 {
        let lo = sum(&|x| x.band.map_or(0.0, |b| f64::from(b.p10)));
        let hi = sum(&|x| x.band.map_or(0.0, |b| f64::from(b.p90)));
        let points = lo
            .iter()
            .zip(&hi)
            .enumerate()
            .flat_map(|(k, (&l, &h))| [(k as f64 * slot, Some((l, h))), ((k + 1) as f64 * slot, Some((l, h)))]);
        bands.push(Band {
            color: color(0),
            points: points.collect(),
            label: format!("P10-P90 ({} samples)", st.samples),
        });
    }
    let planned = sum(&|x| f64::from(x.planned));
    let top = required.iter().chain(&erlang).chain(&scheduled).chain(&planned).cloned().fold(1.0, f64::max) * 1.1;
    let top = if st.samples > 0 {
        top.max(sum(&|x| x.band.map_or(0.0, |b| f64::from(b.p90))).into_iter().fold(0.0, f64::max) * 1.05)
    } else {
        top
    };
    let who = team.map_or("desk".to_string(), |t| format!("team {}", s.teams[t].name));
    let mut shaded: Vec<(f64, f64)> = Vec::new();
    for k in 0..st.slots() {
        let w = (k as f64 + 0.5) * slot;
        if !s.queues.iter().any(|q| q.hours.contains(w)) {
            match shaded.last_mut() {
                Some((_, e)) if (*e - k as f64 * slot).abs() < 1e-6 => *e = (k + 1) as f64 * slot,
                _ => shaded.push((k as f64 * slot, (k + 1) as f64 * slot)),
            }
        }
    }
    let mut axis = TimeAxis::new(0.0, (0.0, WEEK), shaded, 12.0);
    // A step's two ends are the same slot.
    axis.names = (0..st.slots())
        .flat_map(|k| {
            let (a, b) = (k as f64 * slot, (k + 1) as f64 * slot);
            let name = format!("{}–{}", clock(0.0, a), time_of_day(0.0, b));
            [(a, name.clone()), (b, name)]
        })
        .collect();
    let chart = Chart {
        name: team.map_or("staffing".to_string(), |t| format!("staffing-{}", team_file_stem(s, t))),
        title: format!("{}: agents needed on duty, {who}", s.name),
        x_label: "desk time (typical week)".into(),
        y_label: "agents on duty".into(),
        x_range: (0.0, WEEK),
        y_range: (0.0, top),
        x_ticks: Vec::new(),
        y_format: YFormat::Number,
        body: time_body(&axis, lines, bands, Vec::new()),
        subtitle: String::new(),
        x_omitted: Vec::new(),
        x_names: Vec::new(),
    };
    axis.apply(chart)
}

/// Team `t`'s name as part of a file name: letters, digits, '-', '_' and '.'
/// kept, anything else (a '/', a space) as '_', at most 80 bytes, and the
/// team's number added when that makes two teams' files the same.
pub fn team_file_stem(s: &Scenario, t: usize) -> String {
    let names: Vec<&str> = s.teams.iter().map(|t| t.name.as_str()).collect();
    file_stem(&names, t)
}

/// Queue `q`'s name as part of a file name, as [`team_file_stem`] makes a team's.
pub fn queue_file_stem(s: &Scenario, q: usize) -> String {
    let names: Vec<&str> = s.queues.iter().map(|q| q.name.as_str()).collect();
    file_stem(&names, q)
}

/// `names[i]` as part of a file name (see [`team_file_stem`]).
fn file_stem(names: &[&str], i: usize) -> String {
    let stem = |name: &str| {
        let mut out = String::new();
        for c in name.chars() {
            let c = if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' };
            if out.len() + c.len_utf8() > 80 {
                break;
            }
            out.push(c);
        }
        if out.starts_with('.') { out.replacen('.', "_", 1) } else { out }
    };
    let mine = stem(names[i]);
    if names[..i].iter().any(|other| stem(other) == mine) { format!("{mine}-{}", i + 1) } else { mine }
}

/// The hours of the week a span of week time `[a, a + len)` overlaps, as
/// (day, hour, share of the span in that hour): a reporting interval of an
/// hour or less falls in one hour, a longer one is shared out.
fn hours_of(a: f64, len: f64) -> Vec<(usize, usize, f64)> {
    let a = a.rem_euclid(WEEK);
    let len = len.max(1e-9);
    let first = (a / HOUR + 1e-9).floor() as i64;
    let last = ((a + len) / HOUR - 1e-9).ceil() as i64;
    (first..last.max(first + 1))
        .map(|k| {
            let (h0, h1) = (k as f64 * HOUR, (k + 1) as f64 * HOUR);
            let share = ((a + len).min(h1) - a.max(h0)).max(0.0) / len;
            let k = k.rem_euclid(7 * 24) as usize;
            (k / 24, k % 24, share)
        })
        .filter(|h| h.2 > 1e-12)
        .collect()
}

/// Sums of weighted values for each weekday (Mon first) and hour of day.
#[derive(Debug, Clone)]
struct WeekHours {
    sum: Vec<[f64; 24]>,
    weight: Vec<[f64; 24]>,
}

impl WeekHours {
    fn new() -> Self {
        WeekHours { sum: vec![[0.0; 24]; 7], weight: vec![[0.0; 24]; 7] }
    }

    /// Adds `value` with `weight` over the hours of `[a, a + len)` of week time.
    fn add(&mut self, a: f64, len: f64, value: f64, weight: f64) {
        for (d, h, share) in hours_of(a, len) {
            self.sum[d][h] += share * weight * value;
            self.weight[d][h] += share * weight;
        }
    }

    /// The weighted means; `None` where nothing was added.
    fn cells(&self) -> Vec<Vec<Option<f64>>> {
        self.sum
            .iter()
            .zip(&self.weight)
            .map(|(s, w)| (0..24).map(|h| (w[h] > 1e-12).then(|| s[h] / w[h])).collect())
            .collect()
    }
}

/// The rows the weekday-hour heatmaps pool: the typical week of a long
/// run, or every interval of a run of two weeks or less (each day of the
/// run pooled into its weekday's hours: a one-week run shows each weekday
/// once), with a note saying which.
fn heatmap_rows<'a>(s: &Scenario, r: &'a RunSummary) -> (&'a [IntervalSummary], String) {
    if r.week.is_empty() {
        let days = (s.simulation.horizon - s.simulation.warmup) / DAY;
        (&r.intervals, format!("each cell pools the hour's intervals over the run's {days:.0} days"))
    } else {
        let weeks = ((s.simulation.horizon - s.simulation.warmup) / WEEK).round();
        (&r.week, format!("each cell pools the hour's intervals of the typical week (mean of {weeks:.0} weeks)"))
    }
}

/// Service level by weekday and hour of arrival for `rows` (one queue's):
/// the tickets of the hour's intervals added up — each interval's service
/// level weighs by its offered tickets — rather than its ratios averaged.
/// Hours without customers are `None`.
pub fn service_level_cells(s: &Scenario, rows: &[&IntervalSummary]) -> Vec<Vec<Option<f64>>> {
    let mut hours = WeekHours::new();
    for x in rows {
        if let Some(sl) = x.service_level.mean.filter(|_| x.offered > 0.0) {
            hours.add(s.simulation.start + x.t_s, s.simulation.interval, sl, x.offered);
        }
    }
    hours.cells()
}

/// Tickets waiting by weekday and hour: the mean over the ends of the
/// hour's reporting intervals of `rows`.
pub fn backlog_cells(s: &Scenario, rows: &[&IntervalSummary]) -> Vec<Vec<Option<f64>>> {
    let mut hours = WeekHours::new();
    for x in rows {
        hours.add(s.simulation.start + x.t_s, s.simulation.interval, x.backlog, 1.0);
    }
    hours.cells()
}

fn heatmap_chart(name: String, title: String, note: String, map: Heatmap) -> Chart {
    Chart {
        name,
        title,
        x_label: "hour of day (desk clock)".into(),
        y_label: note,
        x_range: (0.0, 24.0),
        y_range: (0.0, 7.0),
        x_ticks: Vec::new(),
        y_format: YFormat::Number,
        body: Body::Heatmap(map),
        subtitle: String::new(),
        x_omitted: Vec::new(),
        x_names: Vec::new(),
    }
}

fn week_heatmap(cells: Vec<Vec<Option<f64>>>, scale: Scale, format: CellFormat, unit: String) -> Heatmap {
    Heatmap {
        rows: DAY_NAMES.iter().map(|d| d.to_string()).collect(),
        cols: (0..24).map(|h| format!("{h:02}")).collect(),
        cells,
        scale,
        format,
        unit,
        centre_label: String::new(),
        empty_label: String::new(),
    }
}

/// One service-level heatmap per queue (weekday × hour of arrival),
/// coloured against the queue's SLA target: red below, white at, blue
/// above; on a desk of many queues, for those a report shows one by one
/// ([`crate::report::headline::shown_queues`]).
pub fn service_level_heatmaps(s: &Scenario, r: &RunSummary) -> Vec<Chart> {
    let (rows, note) = heatmap_rows(s, r);
    let drawn = crate::report::headline::shown_queues(s, r);
    let left_out = if drawn.len() < s.queues.len() {
        format!(
            "One of {} of the {} queues drawn: {}; intervals.csv has every queue",
            drawn.len(),
            s.queues.len(),
            crate::report::headline::SHOWN_RULE
        )
    } else {
        String::new()
    };
    s.queues
        .iter()
        .zip(rows_by_queue(s, rows))
        .enumerate()
        .filter(|(q, _)| drawn.binary_search(q).is_ok())
        .map(|(q, (queue, rows))| {
            // As far below the target as it can go above (at least 15 points):
            // a cell that far short is fully red. An average-only SLA has
            // no share to centre on: its cells shade from none to all.
            let scale = match queue.sla.target {
                Some(target) => {
                    let reach = (1.0 - target).max(0.15);
                    Scale::Diverging { lo: (target - reach).max(0.0), centre: target, hi: 1.0 }
                }
                None => Scale::Sequential { lo: 0.0, hi: 1.0 },
            };
            let unit = format!("answered within {} (%)", format_duration(queue.sla.within));
            let mut map = week_heatmap(service_level_cells(s, &rows), scale, CellFormat::Percent, unit);
            map.centre_label = match (queue.sla.target, queue.sla.average) {
                (Some(target), _) => format!("target {:.0}%", target * 100.0),
                (None, Some(a)) => format!("no share target (target: {} average)", format_duration(a)),
                (None, None) => String::new(),
            };
            map.empty_label = "closed / no customers".into();
            let stem = if s.queues.len() > 1 {
                format!("heatmap_service_level-{}", queue_file_stem(s, q))
            } else {
                "heatmap_service_level".into()
            };
            let title = format!("{}: service level of queue {} by weekday and hour of arrival", s.name, queue.name);
            Chart { subtitle: left_out.clone(), ..heatmap_chart(stem, title, note.clone(), map) }
        })
        .collect()
}

/// The desk's backlog (all queues) by weekday and hour.
pub fn backlog_heatmap(s: &Scenario, r: &RunSummary) -> Chart {
    let (rows, note) = heatmap_rows(s, r);
    let desk: Vec<&IntervalSummary> = rows.iter().filter(|x| *x.queue == *"all").collect();
    let cells = backlog_cells(s, &desk);
    let top = cells.iter().flatten().flatten().copied().fold(0.0, f64::max).max(1.0);
    let mut map = week_heatmap(cells, Scale::Sequential { lo: 0.0, hi: top }, CellFormat::Number, String::new());
    map.unit = "tickets waiting, all queues (mean at the hour's interval ends)".into();
    map.empty_label = "no data".into();
    let title = format!("{}: backlog by weekday and hour of day", s.name);
    heatmap_chart("heatmap_backlog".into(), title, note, map)
}

/// Scheduled minus planned agents on duty by weekday and hour, for one
/// team or (`team = None`) the desk: each cell the mean over the hour's
/// slots; `None` where nobody is planned or scheduled in any of them.
pub fn staffing_gap_cells(s: &Scenario, st: &crate::staffing::Staffing, team: Option<usize>) -> Vec<Vec<Option<f64>>> {
    let teams: Vec<usize> = team.map_or_else(|| (0..s.teams.len()).collect(), |t| vec![t]);
    let slots = (0..st.slots()).map(|k| {
        let planned: f64 = teams.iter().map(|&t| f64::from(st.teams[t][k].planned)).sum();
        let scheduled: f64 = teams.iter().map(|&t| st.teams[t][k].scheduled).sum();
        (planned, scheduled)
    });
    gap_cells(st.slot_len, slots)
}

/// Scheduled − planned by weekday and hour from each slot's (planned,
/// scheduled) agents, slot 0 at Monday 00:00.
fn gap_cells(slot_len: f64, slots: impl Iterator<Item = (f64, f64)>) -> Vec<Vec<Option<f64>>> {
    // The mean over all of the hour's slots, shown where any of them has
    // somebody planned or scheduled.
    let (mut hours, mut staffed) = (WeekHours::new(), WeekHours::new());
    for (k, (planned, scheduled)) in slots.enumerate() {
        hours.add(k as f64 * slot_len, slot_len, scheduled - planned, 1.0);
        if planned > 0.0 || scheduled > 1e-9 {
            staffed.add(k as f64 * slot_len, slot_len, 1.0, 1.0);
        }
    }
    let mask = staffed.cells();
    let mut cells = hours.cells();
    for (row, seen) in cells.iter_mut().zip(&mask) {
        for (cell, seen) in row.iter_mut().zip(seen) {
            if seen.is_none() {
                *cell = None;
            }
        }
    }
    cells
}

/// Agents scheduled against those planned, by weekday and hour: red where
/// the schedule is short, blue where it is over.
pub fn staffing_heatmap(s: &Scenario, st: &crate::staffing::Staffing, team: Option<usize>) -> Chart {
    let cells = staffing_gap_cells(s, st, team);
    let reach = cells.iter().flatten().flatten().fold(1.0f64, |m, v| m.max(v.abs()));
    let scale = Scale::Diverging { lo: -reach, centre: 0.0, hi: reach };
    let level = if st.samples > 0 { st.plan_for.name().to_uppercase() } else { "required".into() };
    let unit = format!("agents scheduled − planned ({level})");
    let mut map = week_heatmap(cells, scale, CellFormat::Signed, unit);
    map.centre_label = "as planned".into();
    map.empty_label = "nobody planned or scheduled".into();
    let who = team.map_or("desk".to_string(), |t| format!("team {}", s.teams[t].name));
    let name = team.map_or("heatmap_staffing".to_string(), |t| format!("heatmap_staffing-{}", team_file_stem(s, t)));
    let title = format!("{}: scheduled against planned agents, {who}", s.name);
    let note = "each cell: mean over the hour's intervals of the typical week; red short, blue over".to_string();
    heatmap_chart(name, title, note, map)
}

/// Service level per queue, abandonment and occupancy against headcount.
pub fn sweep(s: &Scenario, team: &str, runs: &[(u32, &RunSummary)]) -> Chart {
    let x = |n: u32| f64::from(n);
    let mut lines: Vec<Line> = (0..s.queues.len())
        .map(|q| Line {
            label: format!("{} service level", s.queues[q].name),
            color: color(q),
            dashed: false,
            points: runs.iter().map(|(n, r)| (x(*n), r.queues[q].service_level.mean)).collect(),
        })
        .collect();
    let desk = |f: &dyn Fn(&crate::stats::QueueSummary) -> Option<f64>| -> Vec<(f64, Option<f64>)> {
        runs.iter().map(|(n, r)| (x(*n), r.queues.last().and_then(f))).collect()
    };
    lines.push(Line {
        label: "abandoned (desk)".into(),
        color: color(6),
        dashed: true,
        points: desk(&|q| q.abandon_rate.mean),
    });
    lines.push(Line {
        label: "occupancy (desk)".into(),
        color: color(5),
        dashed: true,
        points: desk(&|q| q.occupancy.mean),
    });
    let (lo, hi) = (runs.first().map_or(0, |r| r.0), runs.last().map_or(1, |r| r.0));
    let ticks = runs.iter().map(|(n, _)| (x(*n), n.to_string())).collect();
    Chart {
        name: "sweep".into(),
        title: format!("{}: service level against headcount of team {team}", s.name),
        x_label: format!("agents in team {team}"),
        y_label: "share".into(),
        x_range: (x(lo), x(hi.max(lo + 1))),
        y_range: (0.0, 1.0),
        x_ticks: ticks,
        y_format: YFormat::Percent,
        body: Body::Lines {
            lines,
            bands: Vec::new(),
            hlines: target_lines(s),
            vlines: Vec::new(),
            markers: Vec::new(),
            shaded: Vec::new(),
            shaded_label: String::new(),
        },
        subtitle: String::new(),
        x_omitted: Vec::new(),
        x_names: Vec::new(),
    }
}

/// Mean wait against headcount, one line per queue.
pub fn sweep_asa(s: &Scenario, team: &str, runs: &[(u32, &RunSummary)]) -> Chart {
    let x = |n: u32| f64::from(n);
    let lines: Vec<Line> = (0..s.queues.len())
        .map(|q| Line {
            label: s.queues[q].name.clone(),
            color: color(q),
            dashed: false,
            points: runs.iter().map(|(n, r)| (x(*n), r.queues[q].asa_s.mean.map(|v| v / 60.0))).collect(),
        })
        .collect();
    let targets = average_lines(s);
    let top = upper(
        runs.iter()
            .flat_map(|(_, r)| r.queues.iter().filter_map(|q| q.asa_s.mean.map(|v| v / 60.0)))
            .chain(targets.iter().map(|t| t.value)),
    );
    let (lo, hi) = (runs.first().map_or(0, |r| r.0), runs.last().map_or(1, |r| r.0));
    Chart {
        name: "sweep_asa".into(),
        title: format!("{}: mean wait (ASA) against headcount of team {team}", s.name),
        x_label: format!("agents in team {team}"),
        y_label: "mean wait of answered customers (minutes)".into(),
        x_range: (x(lo), x(hi.max(lo + 1))),
        y_range: (0.0, top),
        x_ticks: runs.iter().map(|(n, _)| (x(*n), n.to_string())).collect(),
        y_format: YFormat::Number,
        body: match Body::lines(lines) {
            Body::Lines { lines, bands, vlines, markers, shaded, shaded_label, .. } => {
                Body::Lines { lines, bands, hlines: targets, vlines, markers, shaded, shaded_label }
            }
            other => other,
        },
        subtitle: String::new(),
        x_omitted: Vec::new(),
        x_names: Vec::new(),
    }
}

/// Every chart of `run`, in the order they are listed to the user.
pub fn run_charts(s: &Scenario, r: &RunSummary) -> Vec<Chart> {
    let mut charts =
        vec![service_level(s, r), backlog(s, r), backlog_ages(s, r), waits(s, r), occupancy(s, r), arrivals(s, r)];
    charts.extend(service_level_heatmaps(s, r));
    charts.push(backlog_heatmap(s, r));
    if s.has_flows() {
        charts.push(resolution(s, r));
    }
    charts
}

/// First response against resolution, per queue where tickets first
/// arrive: what the desk publishes (the mean wait for the first answer)
/// beside what the customer lives through (first contact to the last
/// touch's end, mean and 90th percentile), in hours or minutes.
pub fn resolution(s: &Scenario, r: &RunSummary) -> Chart {
    let rows: Vec<_> =
        r.queues.iter().take(s.queues.len()).filter(|q| q.flow.as_ref().is_some_and(|f| f.resolved >= 0.5)).collect();
    let longest = rows
        .iter()
        .filter_map(|q| q.flow.as_ref())
        .flat_map(|f| [f.resolution_p90_h, f.resolution_h.mean])
        .flatten()
        .fold(0.0, f64::max);
    let (per_hour, unit) = if longest >= 3.0 { (1.0, "hours") } else { (60.0, "minutes") };
    let mut bars = Vec::new();
    for q in &rows {
        let f = q.flow.as_ref().expect("filtered");
        let scaled = |h: Option<f64>| h.map(|h| h * per_hour);
        let first = q.asa_s.mean.map(|s| s / 3600.0);
        let ci = |e: Option<f64>| e.map(|c| c * per_hour);
        for (k, label, value, ci95) in [
            (0, "first response (mean wait)", scaled(first), ci(q.asa_s.ci95.map(|c| c / 3600.0))),
            (1, "resolution (mean)", scaled(f.resolution_h.mean), ci(f.resolution_h.ci95)),
            (2, "resolution (90% within)", scaled(f.resolution_p90_h), None),
        ] {
            if let Some(value) = value {
                bars.push(Bar { group: q.queue.clone(), label: label.into(), color: color(k), value, ci95 });
            }
        }
    }
    let top = bars.iter().map(|b| b.value + b.ci95.unwrap_or(0.0)).fold(0.0, f64::max);
    Chart {
        name: "resolution".into(),
        title: format!("{}: first response and resolution, by the queue tickets first arrive in", s.name),
        x_label: "queue (whiskers: 95% confidence)".into(),
        y_label: unit.into(),
        x_range: (0.0, 1.0),
        y_range: (0.0, (top * 1.1).max(1.0)),
        x_ticks: Vec::new(),
        y_format: YFormat::Number,
        body: Body::Bars { bars, hlines: Vec::new() },
        subtitle: "resolution: first contact to the end of the last touch, replies and transfers included".into(),
        x_omitted: Vec::new(),
        x_names: Vec::new(),
    }
}

/// The what-if charts: each variant's paired differences from the base per
/// queue, with their 95 % whiskers — the shares (service level,
/// abandonment, occupancy) in percentage points, the waits in one chart
/// of their own.
pub fn whatif_charts(base: &str, variants: &[String], diffs: &[Difference]) -> Vec<Chart> {
    use crate::stats::paired::Metric;
    let group = |q: &str| if q == "all" { "whole desk".to_string() } else { q.to_string() };
    let panels_of = |metrics: &[Metric], scale: f64| -> (Vec<Panel>, f64, f64) {
        let (mut lo, mut hi) = (0.0f64, 0.0f64);
        let panels = metrics
            .iter()
            .map(|&m| {
                let bars: Vec<Bar> = diffs
                    .iter()
                    .filter(|d| d.kind == m)
                    .filter_map(|d| {
                        let k = variants.iter().position(|v| *v == d.variant).unwrap_or(0);
                        let value = d.difference? * scale;
                        let ci = d.difference_ci95.map(|c| c * scale);
                        lo = lo.min(value - ci.unwrap_or(0.0));
                        hi = hi.max(value + ci.unwrap_or(0.0));
                        Some(Bar {
                            group: group(&d.queue),
                            label: d.variant.clone(),
                            color: color(k + 1),
                            value,
                            ci95: ci,
                        })
                    })
                    .collect();
                let zero = RefLine { label: format!("no difference from {base}"), value: 0.0, color: TARGET };
                let better = match m.higher_is_better() {
                    Some(true) => " (up is better)",
                    Some(false) => " (down is better)",
                    None => "",
                };
                Panel { title: format!("{}{better}", m.label()), body: Body::Bars { bars, hlines: vec![zero] } }
            })
            .collect();
        let pad = ((hi - lo) * 0.1).max(if scale == 100.0 { 0.5 } else { 1.0 });
        (panels, lo - pad, hi + pad)
    };
    let (shares, lo, hi) = panels_of(&[Metric::ServiceLevel, Metric::AbandonRate, Metric::Occupancy], 100.0);
    let longest = diffs
        .iter()
        .filter(|d| !d.kind.is_share())
        .filter_map(|d| Some(d.difference?.abs() + d.difference_ci95.unwrap_or(0.0)))
        .fold(0.0, f64::max);
    let (per, unit) = if longest >= 180.0 { (1.0 / 60.0, "minutes") } else { (1.0, "seconds") };
    let (waits, wlo, whi) = panels_of(&[Metric::Asa, Metric::MeanWaitAll], per);
    let chart = |name: &str, title: String, y_label: String, range: (f64, f64), body: Body| Chart {
        name: name.into(),
        title,
        x_label: "queue (whiskers: 95% confidence of the paired difference)".into(),
        y_label,
        x_range: (0.0, 1.0),
        y_range: range,
        x_ticks: Vec::new(),
        y_format: YFormat::Number,
        body,
        subtitle: String::new(),
        x_omitted: Vec::new(),
        x_names: Vec::new(),
    };
    let who = match variants {
        [one] => one.clone(),
        _ => "each variant".into(),
    };
    vec![
        chart(
            "differences",
            format!("{who} against {base}: service level, abandonment, occupancy"),
            "difference, percentage points".into(),
            (lo, hi),
            Body::Panels(shares),
        ),
        chart(
            "differences_wait",
            format!("{who} against {base}: waits"),
            format!("difference, {unit}"),
            (wlo, whi),
            Body::Panels(waits),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::{self, Plan};
    use crate::scenario::Policy;

    fn small() -> (Scenario, RunSummary) {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/small.toml")).unwrap();
        let s = Scenario::from_toml(&text, "small.toml").unwrap();
        let r = experiment::run(&s, Plan { policy: Policy::PerQueue, threads: Some(1) }, &|| {}).unwrap();
        (s, r)
    }

    #[test]
    fn an_average_target_is_drawn_on_the_wait_charts_not_the_service_level() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/small.toml")).unwrap();
        let text = text.replace("sla = { within = \"4h\", target = 0.8 }", "sla = { average = \"3h\" }").replace(
            "sla = { within = \"2m\", target = 0.8 }",
            "sla = { within = \"2m\", target = 0.8, average = \"30s\" }",
        );
        let s = Scenario::from_toml(&text, "avg.toml").unwrap();
        let r = experiment::run(&s, Plan { policy: Policy::PerQueue, threads: Some(1) }, &|| {}).unwrap();
        let Body::Lines { hlines, .. } = &service_level(&s, &r).body else { panic!("lines") };
        let labels: Vec<&str> = hlines.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(labels, ["target 80% in 2m"], "only the share target is a service level");
        let Body::Lines { vlines, .. } = &waits(&s, &r).body else { panic!("lines") };
        let email_asa = format_duration(r.queues[0].asa_s.mean.unwrap());
        let want = format!("email target 3h average (mean wait {email_asa})");
        assert!(vlines.iter().any(|l| l.label == want && (l.value - 10800f64.log10()).abs() < 1e-12), "{want}");
        assert!(vlines.iter().any(|l| l.label == "chat SLA 2m"));
        assert!(vlines.iter().any(|l| l.label.starts_with("chat target 30s average (mean wait ")));
        let runs = [(4, &r)];
        let Body::Lines { hlines, .. } = &sweep_asa(&s, "support", &runs).body else { panic!("lines") };
        let drawn: Vec<(&str, f64)> = hlines.iter().map(|l| (l.label.as_str(), l.value)).collect();
        assert_eq!(drawn, [("target 3h average: email", 180.0), ("target 30s average: chat", 0.5)], "minutes");
    }

    fn lines(c: &Chart) -> &[Line] {
        match &c.body {
            Body::Lines { lines, .. } => lines,
            _ => panic!("not a line chart"),
        }
    }

    #[test]
    fn service_level_plots_the_interval_rows() {
        let (s, r) = small();
        let c = service_level(&s, &r);
        let chat: Vec<&IntervalSummary> = r.intervals.iter().filter(|x| *x.queue == *"chat").collect();
        let line = lines(&c).iter().find(|l| l.label == "chat").unwrap();
        assert_eq!(line.points.len(), chat.len());
        for (p, x) in line.points.iter().zip(&chat) {
            assert!(p.1.is_none() || p.1 == x.service_level.mean, "a drawn point is the CSV's");
            if x.offered == 0.0 {
                assert_eq!(p.1, None, "no customers at {}, no point", x.t_s);
            }
        }
        assert!(line.points.iter().filter(|p| p.1.is_some()).count() > chat.len() / 5);
        let Body::Lines { hlines, .. } = &c.body else { unreachable!() };
        let labels: Vec<&str> = hlines.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(labels, ["target 80% in 4h: email", "target 80% in 2m: chat"], "targets differ in time");
        assert!(hlines.iter().all(|l| l.value == 0.8));
        assert!(!c.x_omitted.is_empty(), "nights and the weekend are cut out");
    }

    fn scenario(file: &str) -> Scenario {
        let path = format!("{}/scenarios/{file}", env!("CARGO_MANIFEST_DIR"));
        let mut s = Scenario::from_toml(&std::fs::read_to_string(path).unwrap(), file).unwrap();
        s.simulation.replications = 2;
        s
    }

    #[test]
    fn a_weekday_desk_has_its_nights_and_weekend_cut_out() {
        let s = scenario("smb-saas.toml");
        let t0 = s.simulation.warmup;
        let axis = TimeAxis::of(&s, (t0, t0 + WEEK));
        let h = |d: f64, hh: f64| t0 + d * DAY + hh * HOUR;
        let mut want = vec![(t0, h(0.0, 10.0))];
        want.extend((0..4).map(|d| (h(d as f64, 19.0), h(d as f64 + 1.0, 10.0))));
        want.push((h(4.0, 19.0), t0 + WEEK));
        assert_eq!(axis.omitted, want, "Mon–Fri 10:00–19:00 open, the rest cut");
        assert!(axis.shaded.is_empty());
        let labels: Vec<&str> = axis.ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(&labels[..4], ["Mon 10:00", "12:00", "15:00", "18:00"]);
        assert!(labels.contains(&"Fri 10:00"));
        assert!(axis.ticks.iter().all(|t| !axis.omitted.iter().any(|o| o.0 < t.0 && t.0 < o.1)), "no tick in a cut");
        // A short closure stays on the axis, shaded.
        let lunch = TimeAxis::new(0.0, (0.0, DAY), vec![(0.0, 9.0 * HOUR), (13.0 * HOUR, 14.0 * HOUR)], 12.0);
        assert_eq!((lunch.omitted, lunch.shaded), (vec![(0.0, 9.0 * HOUR)], vec![(13.0 * HOUR, 14.0 * HOUR)]));
    }

    #[test]
    fn a_desk_open_around_the_clock_keeps_its_whole_axis() {
        let s = scenario("tech-24x7.toml");
        let axis = TimeAxis::of(&s, window(&s));
        assert!(axis.omitted.is_empty() && axis.note().is_empty());
        let (t0, t1) = window(&s);
        assert_eq!(axis.ticks, time_ticks(s.simulation.start, t0, t1), "ticks as before");
    }

    #[test]
    fn many_queues_get_a_panel_each_with_their_own_target() {
        let mut s = scenario("smb-saas.toml");
        s.queues[3].sla_clock = SlaClock::Business;
        let r = experiment::run(&s, Plan { policy: Policy::PerQueue, threads: Some(1) }, &|| {}).unwrap();
        let c = service_level(&s, &r);
        let Body::Panels(panels) = &c.body else { panic!("four queues, not panels") };
        assert_eq!(panels.len(), 4);
        for (queue, panel) in s.queues.iter().zip(panels) {
            assert_eq!(panel.title, queue.name);
            let Body::Lines { lines, hlines, .. } = &panel.body else { panic!("not lines") };
            assert_eq!(lines.len(), 1);
            assert_eq!(hlines.len(), 1);
            assert_eq!(Some(hlines[0].value), queue.sla.target);
            let want =
                format!("target {:.0}% in {}", queue.sla.target.unwrap() * 100.0, format_duration(queue.sla.within));
            assert!(hlines[0].label.starts_with(&want), "{} vs {want}", hlines[0].label);
            assert_eq!(hlines[0].label.contains("(business-hours clock)"), queue.sla_clock == SlaClock::Business);
        }
        assert_eq!(panels.iter().filter(|p| p.title == "email").count(), 1);
        assert!(c.subtitle.contains("email 487") || c.subtitle.contains("email "), "{}", c.subtitle);
        // No point where the queue is closed or has (essentially) no customers.
        let half = s.simulation.interval / 2.0;
        for (queue, panel) in s.queues.iter().zip(panels) {
            let Body::Lines { lines, .. } = &panel.body else { unreachable!() };
            let rows: Vec<&IntervalSummary> = r.week.iter().filter(|x| *x.queue == *queue.name).collect();
            for (p, x) in lines[0].points.iter().zip(&rows) {
                if x.offered == 0.0 || !queue.hours.contains(s.simulation.start + x.t_s + half) {
                    assert_eq!(p.1, None, "{} at {}", queue.name, x.t_s);
                }
            }
        }
        // Three queues share one plot, their targets named.
        s.queues.truncate(3);
        s.queues[2].sla_clock = SlaClock::Business;
        let Body::Lines { hlines, .. } = service_level(&s, &r).body else { panic!("one plot") };
        let labels: Vec<&str> = hlines.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "target 80% in 30s: phone",
                "target 80% in 2m: chat",
                "target 80% in 2m (business-hours clock): messengers"
            ]
        );
    }

    #[test]
    fn a_run_that_starts_with_a_backlog_is_charted_whole() {
        let mut s = scenario("smb-saas.toml");
        let r = experiment::run(&s, Plan { policy: Policy::PerQueue, threads: Some(1) }, &|| {}).unwrap();
        assert_eq!(service_level(&s, &r).x_range.1 - service_level(&s, &r).x_range.0, WEEK, "the typical week");
        s.queues[3].initial_backlog = Some(crate::scenario::InitialBacklog { tickets: 200, oldest: DAY });
        let r = experiment::run(&s, Plan { policy: Policy::PerQueue, threads: Some(1) }, &|| {}).unwrap();
        assert!(!r.week.is_empty());
        for c in [service_level(&s, &r), occupancy(&s, &r), arrivals(&s, &r)] {
            assert_eq!(c.x_range, window(&s), "{}", c.name);
            assert!(!c.title.contains("typical week"), "{}", c.title);
        }
        let Body::Panels(panels) = service_level(&s, &r).body else { panic!("panels") };
        let Body::Lines { lines, .. } = &panels[3].body else { panic!("lines") };
        assert_eq!(lines[0].points.len(), s.simulation.intervals());
    }

    #[test]
    fn time_points_are_named_by_their_interval() {
        let (s, r) = small();
        let c = service_level(&s, &r);
        let half = s.simulation.interval / 2.0;
        assert_eq!(c.x_names.len(), s.simulation.intervals());
        let first = &c.x_names[0];
        assert_eq!(first.0, s.simulation.warmup + half);
        assert!(first.1.contains('–'), "{}", first.1);
        let b = backlog(&s, &r);
        assert!(!b.x_names[0].1.contains('–'), "a backlog is at the interval's end: {}", b.x_names[0].1);
    }

    #[test]
    fn backlog_occupancy_and_arrivals_plot_the_csv_numbers() {
        let (s, r) = small();
        let email_backlog: Vec<f64> = r.intervals.iter().filter(|x| *x.queue == *"email").map(|x| x.backlog).collect();
        let b = backlog(&s, &r);
        assert_eq!(lines(&b)[0].points.iter().map(|p| p.1.unwrap()).collect::<Vec<_>>(), email_backlog);
        let o = occupancy(&s, &r);
        assert_eq!(o.y_format, YFormat::Percent);
        assert!(o.y_range.0 == 0.0 && (1.0..1.1).contains(&o.y_range.1));
        let points = &lines(&o)[0].points;
        assert_eq!(points.len(), r.teams.len());
        for (p, x) in points.iter().zip(&r.teams) {
            match p.1 {
                Some(v) => {
                    assert!(x.agents_on_duty >= MIN_ON_DUTY && (0.0..=1.0).contains(&v));
                    assert!((v - x.agents_busy / x.agents_on_duty).abs() < 1e-12, "busy ÷ on duty");
                }
                None => assert!(x.agents_on_duty < MIN_ON_DUTY, "a point wherever the team is on duty"),
            }
        }
        assert!(points.iter().any(|p| p.1.is_none()) && points.iter().any(|p| p.1.is_some_and(|v| v > 0.0)));
        let a = arrivals(&s, &r);
        let offered: Vec<f64> = r.intervals.iter().filter(|x| *x.queue == *"chat").map(|x| x.offered).collect();
        let chat = lines(&a).iter().find(|l| l.label == "chat").unwrap();
        assert_eq!(chat.points.iter().map(|p| p.1.unwrap()).collect::<Vec<_>>(), offered);
        // Expected arrivals over the window add up to the volume: 6 days of 900/week.
        let expected: f64 = expected_arrivals(&s, 1, usize::MAX).iter().map(|p| p.1).sum();
        let days = s.simulation.intervals() as f64 * s.simulation.interval / DAY;
        assert!(expected > 0.0 && expected <= 900.0 * days / 7.0 * 1.5);
    }

    #[test]
    fn wait_curve_meets_the_service_level_at_the_threshold() {
        let (s, r) = small();
        let w = waits(&s, &r);
        let Body::Lines { markers, .. } = &w.body else { unreachable!() };
        for (q, m) in markers.iter().enumerate() {
            let sl = r.queues[q].service_level.mean.unwrap();
            // At the threshold the curve uses the service level's own counts.
            assert!((m.y - sl).abs() < 1e-12, "queue {q}: curve {} vs service level {sl}", m.y);
        }
    }

    #[test]
    fn rows_are_found_per_queue_and_team_in_one_pass() {
        let (s, r) = small();
        let by_queue = rows_by_queue(&s, &r.intervals);
        for (q, rows) in s.queues.iter().zip(&by_queue) {
            let filtered: Vec<f64> = r.intervals.iter().filter(|x| *x.queue == *q.name).map(|x| x.t_s).collect();
            assert_eq!(rows.iter().map(|x| x.t_s).collect::<Vec<_>>(), filtered);
        }
        assert_eq!(by_queue.last().unwrap().len(), s.simulation.intervals(), "the desk's rows come last");
        let by_team = rows_by_team(&s, &r.teams);
        assert_eq!(by_team[0].len(), r.teams.len());
    }

    #[test]
    fn very_long_windows_are_not_shaded_week_by_week() {
        let (s, _) = small();
        assert!(!closed_spans(&s, (0.0, 4.0 * WEEK)).is_empty());
        assert!(closed_spans(&s, (0.0, 1e11 * WEEK)).is_empty());
    }

    #[test]
    fn team_names_become_safe_distinct_file_names() {
        let (mut s, _) = small();
        let mut other = s.teams[0].clone();
        s.teams[0].name = "tier 1/night".into();
        other.name = "tier_1_night".into();
        s.teams.push(other.clone());
        other.name = "ö".repeat(300);
        s.teams.push(other);
        assert_eq!(team_file_stem(&s, 0), "tier_1_night");
        assert_eq!(team_file_stem(&s, 1), "tier_1_night-2");
        let long = team_file_stem(&s, 2);
        assert!(long.len() <= 80 && long.starts_with('ö'), "{long}");
    }

    #[test]
    fn time_ticks_follow_the_desk_clock() {
        let ticks = time_ticks(0.0, DAY, 2.0 * DAY);
        assert_eq!(ticks.first().unwrap(), &(DAY, "Tue 00:00".to_string()));
        assert!(ticks.len() <= 13);
        let long = time_ticks(0.0, 0.0, 21.0 * DAY);
        assert_eq!(long[1].1, "Wed 3");
        assert!(time_ticks(0.0, 0.0, 3000.0 * WEEK).len() <= 13, "years of weeks: still a dozen ticks");
    }

    #[test]
    fn every_run_chart_renders() {
        let (s, r) = small();
        for c in run_charts(&s, &r) {
            let svg = super::super::chart::render(&c, super::super::chart::ImageFormat::Svg, (1600, 900)).unwrap();
            assert!(String::from_utf8(svg).unwrap().contains(&s.name), "{}", c.name);
        }
    }

    /// The backlog-crisis scenario (1800 old emails at the start) with few replications.
    fn crisis() -> Scenario {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/backlog-crisis.toml");
        let mut s = Scenario::from_toml(&std::fs::read_to_string(path).unwrap(), "backlog-crisis.toml").unwrap();
        s.simulation.replications = 2;
        s
    }

    fn areas(body: &Body) -> &[Area] {
        match body {
            Body::Stacked { areas, .. } => areas,
            _ => panic!("not a stacked chart"),
        }
    }

    /// Checks that `areas` stack the age bands of the desk's rows of `r`:
    /// layer k runs from the sum of the bands below it to the sum up to it,
    /// and the top is the backlog the CSV shows.
    fn assert_stacks_the_age_bands(s: &Scenario, r: &RunSummary, areas: &[Area]) {
        let desk: Vec<&IntervalSummary> = r.intervals.iter().filter(|x| *x.queue == *"all").collect();
        assert_eq!(desk.len(), s.simulation.intervals(), "one point per interval of the run");
        assert_eq!(areas.iter().map(|a| a.label.as_str()).collect::<Vec<_>>(), AGE_BANDS, "bottom to top");
        assert_eq!(areas.iter().map(|a| a.color).collect::<Vec<_>>(), AGES);
        for (k, area) in areas.iter().enumerate() {
            assert_eq!(area.points.len(), desk.len(), "{}", area.label);
            for (&(x, (lo, hi)), row) in area.points.iter().zip(&desk) {
                assert_eq!(x, row.t_s + s.simulation.interval, "at the interval's end");
                let below = if k == 0 { 0.0 } else { areas[k - 1].points.iter().find(|p| p.0 == x).unwrap().1.1 };
                assert_eq!(lo, below, "{} starts where the layer below ends", area.label);
                let running: f64 = row.backlog_by_age.iter().take(k + 1).fold(0.0, |a, b| a + b);
                assert!((hi - running).abs() <= 1e-9 * running.max(1.0), "{} at {x}: {hi} vs {running}", area.label);
            }
        }
        for (&(x, (_, top)), row) in areas[3].points.iter().zip(&desk) {
            assert!(
                (top - row.backlog).abs() <= 1e-9 * row.backlog.max(1.0),
                "top {top} vs backlog {} at {x}",
                row.backlog
            );
        }
    }

    #[test]
    fn backlog_ages_stack_the_age_bands_of_the_csv_rows() {
        let s = crisis();
        let r = experiment::run(&s, Plan { policy: Policy::Fifo, threads: Some(1) }, &|| {}).unwrap();
        let c = backlog_ages(&s, &r);
        assert_eq!(c.name, "backlog_ages");
        assert_stacks_the_age_bands(&s, &r, areas(&c.body));
        // The crisis shows: old tickets at the start, and the scale holds the whole stack.
        let old = &areas(&c.body)[3];
        assert!(old.points[0].1.1 - old.points[0].1.0 > 100.0, "the initial backlog is days old");
        let top = old.points.iter().map(|p| p.1.1).fold(0.0, f64::max);
        assert!(c.y_range.1 >= top && top > 1000.0);
        assert!(!c.x_omitted.is_empty(), "nights are cut out");
        assert!(run_charts(&s, &r).iter().any(|c| c.name == "backlog_ages"));
    }

    #[test]
    fn backlog_ages_by_policy_has_one_panel_per_policy_on_one_scale() {
        let s = crisis();
        let policies = [Policy::Fifo, Policy::Lifo];
        let summaries = experiment::compare(&s, &policies, experiment::Source::Simulate(Some(1)), &|| {}).unwrap();
        let runs: Vec<(String, &RunSummary)> =
            policies.iter().zip(&summaries).map(|(&p, r)| (s.policy_name(p).to_string(), r)).collect();
        let c = backlog_ages_by_policy(&s, &runs);
        assert_eq!(c.name, "backlog_ages");
        let Body::Panels(panels) = &c.body else { panic!("not panels") };
        assert_eq!(panels.iter().map(|p| p.title.as_str()).collect::<Vec<_>>(), ["fifo", "lifo"]);
        let mut tops = Vec::new();
        for (panel, (_, r)) in panels.iter().zip(&runs) {
            assert_stacks_the_age_bands(&s, r, areas(&panel.body));
            tops.push(areas(&panel.body)[3].points.iter().map(|p| p.1.1).fold(0.0, f64::max));
        }
        assert!(tops.iter().all(|&t| t <= c.y_range.1), "one scale holds every panel");
        // Freshest first leaves more tickets waiting three days or more at the end.
        let last_old = |p: &Panel| areas(&p.body)[3].points.last().map(|q| q.1.1 - q.1.0).unwrap();
        assert!(last_old(&panels[1]) > last_old(&panels[0]), "lifo ages the backlog more than fifo");
        assert!(compare_charts(&s, &runs).iter().any(|c| c.name == "backlog_ages"));
    }

    #[test]
    fn backlog_age_charts_render_as_svg() {
        use super::super::chart::{ImageFormat, render};
        let s = crisis();
        let policies = [Policy::Fifo, Policy::Lifo];
        let summaries = experiment::compare(&s, &policies, experiment::Source::Simulate(Some(1)), &|| {}).unwrap();
        let runs: Vec<(String, &RunSummary)> =
            policies.iter().zip(&summaries).map(|(&p, r)| (s.policy_name(p).to_string(), r)).collect();
        for c in [backlog_ages(&s, &summaries[0]), backlog_ages_by_policy(&s, &runs)] {
            let svg = String::from_utf8(render(&c, ImageFormat::Svg, (1600, 900)).unwrap()).unwrap();
            assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{}", c.name);
            assert!(svg.contains("<polygon") && svg.contains("how old the backlog is"));
            // The legend lists the layers as they are stacked: the oldest on top.
            let at = |t: &str| svg.find(t).unwrap_or_else(|| panic!("{}: no {t:?}", c.name));
            assert!(at("waiting 3+\u{a0}days") < at("waiting 1–3\u{a0}days"));
            assert!(at("waiting 1–3\u{a0}days") < at("within SLA"));
            assert!(at("within SLA") < at("closed hours omitted"));
            let png = render(&c, ImageFormat::Png, (800, 450)).unwrap();
            assert!(png.starts_with(b"\x89PNG"));
        }
        let svg = String::from_utf8(render(&backlog_ages_by_policy(&s, &runs), ImageFormat::Svg, (1600, 900)).unwrap())
            .unwrap();
        assert!(svg.contains("\nfifo\n") && svg.contains("\nlifo\n"), "each panel has its policy as title");
    }
    /// The rows of `queue` whose interval starts in weekday `day`, hour `hour`.
    fn in_hour<'a>(
        s: &Scenario,
        rows: &'a [IntervalSummary],
        queue: &str,
        day: usize,
        hour: usize,
    ) -> Vec<&'a IntervalSummary> {
        rows.iter()
            .filter(|x| *x.queue == *queue)
            .filter(|x| {
                let w = (s.simulation.start + x.t_s).rem_euclid(WEEK);
                (w / DAY).floor() as usize == day && ((w % DAY) / HOUR).floor() as usize == hour
            })
            .collect()
    }

    /// Checks every cell of the service-level and backlog heatmaps against
    /// the CSV rows (`rows`) recomputed by hand: tickets added, not ratios averaged.
    fn assert_heatmaps_pool(s: &Scenario, r: &RunSummary, rows: &[IntervalSummary], per_hour: usize) {
        let charts = service_level_heatmaps(s, r);
        assert_eq!(charts.len(), s.queues.len());
        let mut closed = 0;
        for (queue, chart) in s.queues.iter().zip(&charts) {
            let Body::Heatmap(map) = &chart.body else { panic!("not a heatmap") };
            assert_eq!((map.rows.len(), map.cols.len()), (7, 24));
            assert_eq!(map.rows[0], "Mon");
            let Scale::Diverging { centre, .. } = map.scale else { panic!("not diverging") };
            assert_eq!(Some(centre), queue.sla.target);
            assert!(map.centre_label.contains(&format!("{:.0}%", queue.sla.target.unwrap() * 100.0)));
            for day in 0..7 {
                for hour in 0..24 {
                    let here = in_hour(s, rows, &queue.name, day, hour);
                    assert!(here.len() <= per_hour, "{} {day} {hour}: {} rows", queue.name, here.len());
                    let judged: f64 = here.iter().filter(|x| x.service_level.mean.is_some()).map(|x| x.offered).sum();
                    let within: f64 = here.iter().filter_map(|x| x.service_level.mean.map(|sl| sl * x.offered)).sum();
                    let cell = map.cells[day][hour];
                    if judged > 0.0 {
                        let want = within / judged;
                        let got = cell.unwrap_or_else(|| panic!("{} {day} {hour}: no cell for {want}", queue.name));
                        assert!((got - want).abs() < 1e-9, "{} {day} {hour}: {got} vs {want}", queue.name);
                    } else {
                        assert_eq!(cell, None, "{} {day} {hour}: no customers, no colour", queue.name);
                        closed += 1;
                    }
                }
            }
        }
        assert!(closed > 0, "closed hours are empty cells");
        let b = backlog_heatmap(s, r);
        let Body::Heatmap(map) = &b.body else { panic!("not a heatmap") };
        for (day, hour) in (0..7).flat_map(|d| (0..24).map(move |h| (d, h))) {
            let here = in_hour(s, rows, "all", day, hour);
            if here.is_empty() {
                assert_eq!(map.cells[day][hour], None, "backlog {day} {hour}: outside the window");
                continue;
            }
            let want = here.iter().map(|x| x.backlog).sum::<f64>() / here.len() as f64;
            let got = map.cells[day][hour].unwrap();
            assert!((got - want).abs() <= 1e-9 * want.max(1.0), "backlog {day} {hour}: {got} vs {want}");
        }
    }

    #[test]
    fn heatmaps_of_a_short_run_pool_its_days() {
        let (s, r) = small();
        assert!(r.week.is_empty(), "no typical week for a short run");
        let per_hour = (HOUR / s.simulation.interval).ceil() as usize;
        let days = ((s.simulation.horizon - s.simulation.warmup) / DAY).ceil() as usize;
        assert_heatmaps_pool(&s, &r, &r.intervals, per_hour * days.div_ceil(7));
        let c = backlog_heatmap(&s, &r);
        assert!(c.y_label.contains("days"), "{}", c.y_label);
    }

    #[test]
    fn heatmaps_of_a_long_run_pool_the_typical_week() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/smb-saas.toml");
        let mut s = Scenario::from_toml(&std::fs::read_to_string(path).unwrap(), "smb-saas.toml").unwrap();
        s.simulation.replications = 2;
        let r = experiment::run(&s, Plan { policy: Policy::PerQueue, threads: Some(1) }, &|| {}).unwrap();
        assert!(!r.week.is_empty());
        assert_eq!(s.simulation.interval, 1800.0, "two half hours make a cell");
        assert_heatmaps_pool(&s, &r, &r.week, 2);
        let chat = service_level_heatmaps(&s, &r).into_iter().find(|c| c.name == "heatmap_service_level-chat").unwrap();
        let Body::Heatmap(map) = &chat.body else { unreachable!() };
        assert_eq!(map.cells[6][3], None, "chat is closed on Sunday night");
        let names: Vec<String> = run_charts(&s, &r).into_iter().map(|c| c.name).collect();
        assert!(
            names.iter().any(|n| n == "heatmap_backlog") && names.iter().any(|n| n == "heatmap_service_level-email")
        );
    }

    #[test]
    fn a_long_interval_is_shared_out_over_its_hours() {
        assert_eq!(hours_of(9.0 * HOUR, 1800.0), vec![(0, 9, 1.0)]);
        assert_eq!(hours_of(DAY + 9.5 * HOUR, 2.0 * HOUR), vec![(1, 9, 0.25), (1, 10, 0.5), (1, 11, 0.25)]);
        assert_eq!(hours_of(WEEK - HOUR, 2.0 * HOUR), vec![(6, 23, 0.5), (0, 0, 0.5)], "Sunday night wraps to Monday");
    }

    #[test]
    fn staffing_gaps_are_scheduled_minus_planned() {
        let slot = 1800.0;
        let mut slots = vec![(0.0, 0.0); (WEEK / slot) as usize];
        slots[18] = (3.0, 1.0); // Mon 09:00
        slots[19] = (3.0, 2.0); // Mon 09:30
        slots[48 + 20] = (2.0, 4.0); // Tue 10:00
        slots[48 + 21] = (2.0, 4.0);
        slots[48 * 6 + 47] = (0.0, 1.0); // Sun 23:30, nobody needed
        let cells = gap_cells(slot, slots.into_iter());
        assert_eq!(cells[0][9], Some(-1.5), "short on Monday at nine");
        assert_eq!(cells[1][10], Some(2.0), "over on Tuesday at ten");
        assert_eq!(cells[6][23], Some(0.5));
        assert_eq!(cells[0][10], None, "nobody planned or scheduled");
        assert_eq!(cells.iter().flatten().filter(|c| c.is_some()).count(), 3);
        let scale = Scale::Diverging { lo: -2.0, centre: 0.0, hi: 2.0 };
        let (short, over, even) = (scale.color(-1.5), scale.color(2.0), scale.color(0.0));
        assert!(short.0 > short.2 + 60, "short is red: {short:?}");
        assert!(over.2 > over.0 + 60, "over is blue: {over:?}");
        assert!(even.0 > 240 && even.1 > 240 && even.2 > 240, "as planned is white: {even:?}");
        assert_eq!(CellFormat::Signed.text(-1.5), "\u{2212}1.5");
        assert_eq!(CellFormat::Signed.text(2.0), "+2");
    }

    #[test]
    fn a_desk_of_many_queues_gets_the_heatmaps_of_its_worst_then_busiest_queues() {
        // Queue i gets (i % 10 + 1) tickets an hour, so the busiest 24 of
        // the 30 are those with i % 10 >= 2 — unless a queue misses its
        // target: queue 0's SLA of 1 s does, and is drawn first of all.
        let (s, r) = crate::report::headline::tests::many_queues(1);
        let charts = service_level_heatmaps(&s, &r);
        let names: Vec<String> = charts.iter().map(|c| c.name.clone()).collect();
        assert!(r.queues[0].service_level.mean.unwrap() < 0.8, "queue 0 misses its target");
        // Queue 0 first; then the busiest 23 of the others: all 24 of
        // i % 10 >= 2 but the last of the least busy among them (rate 3:
        // queues 2, 12, 22), chosen by their offered counts.
        assert_eq!(names.len(), 24);
        assert_eq!(names[0], "heatmap_service_level-q0");
        let drawn: Vec<usize> = names.iter().map(|n| n["heatmap_service_level-q".len()..].parse().unwrap()).collect();
        assert!(drawn.windows(2).all(|w| w[0] < w[1]), "in file order: {drawn:?}");
        assert!(drawn.iter().all(|&i| i == 0 || i % 10 >= 2), "only the busiest: {drawn:?}");
        assert_eq!(drawn.iter().filter(|&&i| i % 10 == 2).count(), 2, "one rate-3 queue left out: {drawn:?}");
        assert!(charts.iter().all(|c| c.subtitle.contains("24 of the 30 queues drawn")), "{}", charts[0].subtitle);
        assert!(run_charts(&s, &r).iter().filter(|c| c.name.starts_with("heatmap_service_level")).count() == 24);
        // A desk of no more queues than that draws every one, without the note.
        let (s, r) = small();
        let charts = service_level_heatmaps(&s, &r);
        assert_eq!(charts.len(), s.queues.len());
        assert!(charts.iter().all(|c| c.subtitle.is_empty()));
    }

    #[test]
    fn heatmaps_render_with_their_legend() {
        use super::super::chart::{ImageFormat, render};
        let (s, r) = small();
        for c in service_level_heatmaps(&s, &r).into_iter().chain([backlog_heatmap(&s, &r)]) {
            let svg = String::from_utf8(render(&c, ImageFormat::Svg, (1600, 900)).unwrap()).unwrap();
            assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{}", c.name);
            assert!(svg.contains(">Mon<") || svg.contains("\nMon\n"), "{}: day names", c.name);
            assert!(svg.contains("23"), "{}: hours", c.name);
            assert!(svg.matches("<rect").count() >= 7 * 24, "{}: a cell per hour", c.name);
            if c.name.starts_with("heatmap_service_level") {
                assert!(svg.contains("target 80%") && svg.contains("closed / no"), "{}: the legend", c.name);
            }
            assert!(render(&c, ImageFormat::Png, (800, 450)).unwrap().starts_with(b"\x89PNG"));
        }
        assert_eq!(service_level_heatmaps(&s, &r)[0].name, "heatmap_service_level-email");
        let mut slots = vec![(2.0, 2.0); (WEEK / 1800.0) as usize];
        slots[20] = (4.0, 1.0);
        let scale = Scale::Diverging { lo: -3.0, centre: 0.0, hi: 3.0 };
        let mut map = week_heatmap(gap_cells(1800.0, slots.into_iter()), scale, CellFormat::Signed, "agents".into());
        map.centre_label = "as planned".into();
        let c = heatmap_chart("heatmap_staffing".into(), "a desk".into(), String::new(), map);
        let svg = String::from_utf8(render(&c, ImageFormat::Svg, (1600, 900)).unwrap()).unwrap();
        assert!(svg.contains("\u{2212}1.5") && svg.contains("as planned"), "the gap is written in its cell");
    }
}
