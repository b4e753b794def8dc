//! The compact terminal summary: one line per queue, fitting 100 columns.

use std::fmt::Write as _;

use std::cmp::Ordering;

use crate::cli::RankBy;
use crate::scenario::units::{format_duration, format_wait, format_week_time};
use crate::stats::QueueSummary;

pub fn pct(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{:.1}%", v * 100.0))
}

/// A service level with its 95 % half-width: "83.1% ±1.2" (or "-").
pub fn service_level_cell(e: &crate::stats::Estimate) -> String {
    match (e.mean, e.ci95) {
        (Some(m), Some(ci)) => format!("{:.1}% ±{:.1}", m * 100.0, ci * 100.0),
        (m, _) => pct(m),
    }
}

pub fn secs(x: Option<f64>) -> String {
    x.map_or("-".into(), format_wait)
}

/// `--color`, set once by the command line (auto until then).
static COLOR: std::sync::OnceLock<crate::cli::ColorChoice> = std::sync::OnceLock::new();

/// Sets `--color` for the process.
pub fn set_color(choice: crate::cli::ColorChoice) {
    let _ = COLOR.set(choice);
}

/// Whether to colour terminal output: `--color always` or `never` as said;
/// `auto` only on a terminal, never with `NO_COLOR` set or `TERM=dumb`.
pub fn use_color() -> bool {
    use crate::cli::ColorChoice;
    use std::io::IsTerminal;
    match COLOR.get().copied().unwrap_or_default() {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
        }
    }
}

fn paint(text: String, code: &str, color: bool) -> String {
    if color { format!("\x1b[{code}m{text}\x1b[0m") } else { text }
}

/// Whether any row has calls that reached a closed line, so the table shows
/// a `closed` column (and its footnote) only for desks that have them.
fn shows_closed(rows: &[QueueSummary]) -> bool {
    rows.iter().any(|r| r.closed > 0.0)
}

/// The summary table as text; `color` marks met targets green and missed ones red.
/// A `closed` column follows `abandon` when some queue has closed-line calls;
/// queue names are then cut shorter so a line still fits 100 columns.
pub fn summary(rows: &[QueueSummary], color: bool) -> String {
    let closed = shows_closed(rows);
    let widest = if closed { 16 } else { 20 };
    let width = rows.iter().map(|r| r.queue.chars().count()).max().unwrap_or(5).clamp(5, widest);
    let closed_cell = |text: String| if closed { format!(" {text:>7}") } else { String::new() };
    let target_of = |r: &QueueSummary| {
        let mark = match r.meets_target() {
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "",
        };
        r.target_text(|t, w| format!("{:.0}%/{}", t * 100.0, format_duration(w)), " ").map(|t| format!("{t} {mark}"))
    };
    // Wide enough for a share and an average target together.
    let tw = rows.iter().filter_map(|r| target_of(r).map(|t| t.chars().count())).max().unwrap_or(0).max(14);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<width$} {:>9} {:>15} {:>tw$} {:>8} {:>8} {:>8}{} {:>7}",
        "queue",
        "offered",
        "service level",
        "target",
        "ASA",
        "p90 wait",
        "abandon",
        closed_cell("closed".into()),
        "occup."
    );
    for r in rows {
        let sl = service_level_cell(&r.service_level);
        let target = match target_of(r) {
            Some(text) => {
                let text = format!("{text:>tw$}");
                match r.meets_target() {
                    Some(true) => paint(text, "32", color),
                    Some(false) => paint(text, "1;31", color),
                    None => text,
                }
            }
            None => format!("{:>tw$}", ""),
        };
        let name: String = r.queue.chars().take(width).collect();
        let _ = writeln!(
            out,
            "{:<width$} {:>9.0} {:>15} {} {:>8} {:>8} {:>8}{} {:>7}",
            name,
            r.offered,
            sl,
            target,
            secs(r.asa_s.mean),
            secs(r.wait_p90_s),
            pct(r.abandon_rate.mean),
            closed_cell(format!("{:.0}", r.closed)),
            pct(r.occupancy.mean),
        );
    }
    out
}

/// The footnote that goes with the `closed` column, or nothing when the
/// table has none.
pub fn closed_footnote(rows: &[QueueSummary]) -> &'static str {
    if shows_closed(rows) {
        "closed: calls and chats that reached a closed line or were still waiting when it closed (not\n\
         customers who gave up, whom `abandon` counts); closed contacts are service-level misses\n"
    } else {
        ""
    }
}

/// For queues with an initial backlog: its service level against the new
/// arrivals', when it cleared, and what grooming and callbacks did; for
/// queues with after-hours arrivals, how many and the open-hours service level.
pub fn backlog_notes(scenario: &crate::scenario::Scenario, rows: &[QueueSummary]) -> String {
    let mut out = String::new();
    for (q, r) in scenario.queues.iter().zip(rows) {
        let mut parts = Vec::new();
        if let Some(b) = q.initial_backlog.filter(|b| b.tickets > 0) {
            parts.push(format!(
                "initial backlog of {} answered within SLA {} (new arrivals {})",
                b.tickets,
                pct(r.service_level_backlog.mean),
                pct(r.service_level_new.mean)
            ));
            parts.push(match r.time_to_clear_h.mean {
                None => "never cleared".to_string(),
                Some(h) if r.never_cleared > 0 => {
                    format!("cleared after {} in some runs, never in {}", format_wait(h * 3600.0), r.never_cleared)
                }
                Some(h) => format!("cleared after {}", format_wait(h * 3600.0)),
            });
        }
        if r.withdrawn > 0.0 {
            parts.push(format!("{:.0} stale tickets withdrawn", r.withdrawn));
        }
        if r.waiting_at_end >= 0.5 {
            // ASA counts only the answered: say what the tickets left change.
            parts.push(format!(
                "{:.0} left waiting at the end (oldest {}); mean wait of all customers {} against ASA {}",
                r.waiting_at_end,
                r.oldest_left_h.mean.map_or("-".into(), |h| format_wait(h * 3600.0)),
                secs(r.wait_all_mean_s.mean),
                secs(r.asa_s.mean),
            ));
        }
        if r.callbacks_created > 0.0 {
            parts.push(format!("{:.0} callbacks requested", r.callbacks_created));
        }
        if let Some(f) = &r.flow {
            parts.extend(conversation_notes(f));
        }
        let d = &r.dialling;
        if let Some(n) = d.callbacks_scheduled.filter(|&n| n > 0.0 && r.queue != "all") {
            let after = d.scheduled_after_h.mean.map_or("-".into(), |h| format_wait(h * 3600.0));
            parts.push(format!("{n:.0} of them for a time the customer chose (on average {after} after the call)"));
        }
        if let Some(n) = d.after_hours_callbacks.filter(|&n| n > 0.0 && r.queue != "all") {
            parts.push(format!(
                "daytime requests {} in time; {n:.0} left while closed, {} in time for the after-hours target",
                pct(d.service_level_daytime.mean),
                pct(d.service_level_after_hours.mean)
            ));
        }
        if let Some(attempts) = d.attempts.filter(|&n| n > 0.0 && r.queue != "all") {
            parts.push(format!(
                "{attempts:.0} attempts, {:.0} customers reached, {:.0} never reached after the last attempt, \
                 {:.0} still on the list at the end",
                d.reached.unwrap_or(0.0),
                d.unreached.unwrap_or(0.0),
                d.backlog.unwrap_or(0.0)
            ));
        }
        if r.after_hours > 0.0 {
            parts.push(format!(
                "{:.0} arrived after hours (service level of open-hours arrivals {})",
                r.after_hours,
                pct(r.service_level_open.mean)
            ));
        }
        if !parts.is_empty() {
            let _ = writeln!(out, "{}: {}", r.queue, parts.join("; "));
        }
    }
    out.push_str(&clear_by_notes(scenario, rows));
    if !out.is_empty() {
        out.insert(0, '\n');
    }
    out
}

/// What a queue's conversations did: how its tickets were resolved, its
/// customers' replies, the transfers in and out.
fn conversation_notes(f: &crate::stats::summary::FlowSummary) -> Vec<String> {
    let mut parts = Vec::new();
    let hours = |h: Option<f64>| h.map_or("-".into(), |h| format_wait(h * 3600.0));
    if f.resolved >= 0.5 {
        parts.push(format!(
            "{:.0} tickets resolved in {} on average (half within {}, 90% within {}), {:.2} touches each",
            f.resolved,
            hours(f.resolution_h.mean),
            hours(f.resolution_p50_h),
            hours(f.resolution_p90_h),
            f.touches_per_ticket.mean.unwrap_or(0.0)
        ));
    }
    if f.lost >= 0.5 {
        parts.push(format!("{:.0} lost before resolution (gave up, closed or groomed at some step)", f.lost));
    }
    if f.open_at_end >= 0.5 {
        parts.push(format!("{:.0} unresolved at the end", f.open_at_end));
    }
    if f.replies >= 0.5 {
        parts.push(format!(
            "{:.0} customer replies, answered after {} on average",
            f.replies,
            secs(f.reply_wait_s.mean)
        ));
    }
    match (f.transfers_in >= 0.5, f.transfers_out >= 0.5) {
        (true, true) => parts.push(format!("{:.0} transferred in, {:.0} out", f.transfers_in, f.transfers_out)),
        (true, false) => parts.push(format!("{:.0} transferred in", f.transfers_in)),
        (false, true) => parts.push(format!("{:.0} transferred out", f.transfers_out)),
        (false, false) => {}
    }
    parts
}

/// With `[simulation] clear_by`: per queue that had a backlog, and for the
/// desk, the share of runs cleared by the date and the expected clear date.
fn clear_by_notes(scenario: &crate::scenario::Scenario, rows: &[QueueSummary]) -> String {
    let sim = &scenario.simulation;
    let (Some(deadline), Some(anchor)) = (sim.clear_by, sim.date) else { return String::new() };
    let mut out = String::new();
    let had_backlog = |i: usize| {
        scenario.queues.get(i).is_none_or(|q| q.initial_backlog.is_some_and(|b| b.tickets > sim.clear_below))
    };
    for (i, r) in rows.iter().enumerate() {
        let Some(c) = &r.clear_by else { continue };
        if !had_backlog(i) {
            continue;
        }
        let mut expected = match (&c.expected_short, r.never_cleared) {
            (None, _) => "it never cleared".to_string(),
            (Some(d), 0) => format!("mean clear time {d}"),
            (Some(d), n) => format!("mean clear time {d} in the runs that cleared, never in {n}"),
        };
        if let Some(p50) = &c.p50_by_short {
            expected.push_str(&format!("; half of the runs cleared by {p50}"));
            if let Some(p90) = &c.p90_by_short {
                expected.push_str(&format!(", 9 in 10 by {p90}"));
            }
        }
        let _ = writeln!(
            out,
            "{}: backlog clear (at most {} waiting) by {} in {} of runs; {expected}",
            r.queue,
            sim.clear_below,
            anchor.format_short(deadline),
            pct(Some(c.share))
        );
    }
    out
}

/// How well one policy did, for ranking.
#[derive(Debug, Clone)]
pub struct PolicyScore {
    pub policy: String,
    pub targets_met: usize,
    pub targets: usize,
    pub desk: QueueSummary,
    /// Service level per queue.
    pub queues: Vec<(String, Option<f64>, Option<bool>)>,
}

impl PolicyScore {
    pub fn new(policy: &str, rows: &[QueueSummary]) -> Self {
        let queue_rows = &rows[..rows.len().saturating_sub(1)];
        PolicyScore {
            policy: policy.to_string(),
            targets_met: queue_rows.iter().filter(|r| r.meets_target() == Some(true)).count(),
            targets: queue_rows.len(),
            desk: rows.last().cloned().unwrap_or_else(|| rows[0].clone()),
            queues: queue_rows.iter().map(|r| (r.queue.clone(), r.service_level.mean, r.meets_target())).collect(),
        }
    }
}

/// Orders two policies by `rank_by`; ties go on to the share of all
/// customers answered in time, then fewer tickets left, then a younger
/// oldest ticket left, so no objective is won by leaving tickets behind.
fn by(rank_by: RankBy, a: &PolicyScore, b: &PolicyScore) -> Ordering {
    let (x, y) = (&a.desk, &b.desk);
    // Higher is better for shares; lower for waits, tickets and ages.
    let high = |f: fn(&QueueSummary) -> Option<f64>| {
        f(y).unwrap_or(f64::NEG_INFINITY).total_cmp(&f(x).unwrap_or(f64::NEG_INFINITY))
    };
    let low =
        |f: fn(&QueueSummary) -> Option<f64>| f(x).unwrap_or(f64::INFINITY).total_cmp(&f(y).unwrap_or(f64::INFINITY));
    let in_time = || high(|d| d.answered_in_time_all.mean);
    let left = || low(|d| Some(d.waiting_at_end)).then_with(|| low(|d| d.oldest_left_h.mean.or(Some(0.0))));
    let first = match rank_by {
        RankBy::Targets => b.targets_met.cmp(&a.targets_met),
        RankBy::InTime => in_time(),
        RankBy::MeanWait => low(|d| d.wait_all_mean_s.mean),
        RankBy::Backlog => left(),
        RankBy::Clear => low(|d| if d.never_cleared > 0 { None } else { d.time_to_clear_h.mean }),
    };
    first.then_with(in_time).then_with(left)
}

/// Ranks policies by `rank_by` (see [`RankBy`]).
pub fn rank(mut scores: Vec<PolicyScore>, rank_by: RankBy) -> Vec<PolicyScore> {
    scores.sort_by(|a, b| by(rank_by, a, b));
    scores
}

/// How to show when a backlog cleared: the run's start on the desk clock and
/// the threshold.
#[derive(Debug, Clone, Copy)]
pub struct ClearClock {
    pub start: f64,
    pub below: u32,
}

/// "day 3 Wed 13:00 ±5h", "never", or with `*` when some replications never cleared.
pub fn cleared_cell(d: &QueueSummary, clock: ClearClock) -> String {
    let Some(h) = d.time_to_clear_h.mean else { return "never".into() };
    let t = h * 3600.0;
    let day = (t / 86_400.0).floor() as u64 + 1;
    let ci =
        d.time_to_clear_h.ci95.filter(|&c| c > 0.0).map_or(String::new(), |c| format!(" ±{}", format_wait(c * 3600.0)));
    let mark = if d.never_cleared > 0 { "*" } else { "" };
    format!("day {day} {}{ci}{mark}", format_week_time(clock.start + t))
}

/// "2103 (20d00h)": tickets left waiting at the end and the oldest one's age.
pub fn left_cell(d: &QueueSummary) -> String {
    match d.oldest_left_h.mean {
        Some(h) if d.waiting_at_end > 0.0 => format!("{:.0} ({})", d.waiting_at_end, format_wait(h * 3600.0)),
        _ => format!("{:.0}", d.waiting_at_end),
    }
}

/// The ranking table of `compare` and its per-queue service levels;
/// `clear` adds when the backlog first cleared (runs with an initial backlog).
pub fn comparison(scores: &[PolicyScore], color: bool, clear: Option<ClearClock>) -> String {
    let mut out = String::new();
    // Plans of the scenario may have longer names than the built-in orders.
    let label = scores.iter().map(|s| s.policy.chars().count()).max().unwrap_or(0).max(10);
    let _ = writeln!(
        out,
        "{:>4} {:<label$} {:>7} {:>13} {:>8} {:>9} {:>8} {:>14} {:>7}  {}",
        "rank",
        "policy",
        "targets",
        "desk service",
        "in time",
        "mean wait",
        "ASA",
        "left (oldest)",
        ">1 week",
        if clear.is_some() { "cleared" } else { "" }
    );
    for (i, s) in scores.iter().enumerate() {
        let d = &s.desk;
        let met = format!("{:>7}", format!("{} of {}", s.targets_met, s.targets));
        let met = if s.targets_met == s.targets { paint(met, "32", color) } else { met };
        let _ = writeln!(
            out,
            "{:>4} {:<label$} {} {:>13} {:>8} {:>9} {:>8} {:>14} {:>7}  {}",
            i + 1,
            s.policy,
            met,
            service_level_cell(&d.service_level),
            pct(d.answered_in_time_all.mean),
            secs(d.wait_all_mean_s.mean),
            secs(d.asa_s.mean),
            left_cell(d),
            pct(d.waited_over_week.mean),
            clear.map_or(String::new(), |c| cleared_cell(d, c)),
        );
    }
    let _ = writeln!(
        out,
        "in time: share of all customers answered within their SLA; mean wait: of all customers, those still\n\
         waiting at their age so far (ASA counts only the answered); left: tickets waiting at the end (the oldest's\n\
         age); >1 week: customers who waited, or have waited, more than a week"
    );
    if let Some(c) = clear {
        let _ = writeln!(
            out,
            "cleared: when the backlog first fell to {} tickets or fewer, mean ± 95 % confidence over the replications",
            c.below
        );
    }
    let _ = writeln!(out);
    let Some(first) = scores.first() else { return out };
    let names: Vec<&str> = first.queues.iter().map(|q| q.0.as_str()).collect();
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(6).clamp(7, 14);
    let shown = names.len().min((100 - label - 2) / (width + 1));
    let _ = write!(out, "{:<w$}", "policy", w = label + 1);
    for n in &names[..shown] {
        let n: String = n.chars().take(width).collect();
        let _ = write!(out, " {n:>width$}");
    }
    let _ = writeln!(out);
    for s in scores {
        let _ = write!(out, "{:<w$}", s.policy, w = label + 1);
        for (_, sl, met) in s.queues.iter().take(shown) {
            let cell = format!("{:>width$}", pct(*sl));
            let cell = match met {
                Some(true) => paint(cell, "32", color),
                Some(false) => paint(cell, "1;31", color),
                None => cell,
            };
            let _ = write!(out, " {cell}");
        }
        let _ = writeln!(out);
    }
    if shown < names.len() {
        let _ = writeln!(out, "({} more queues in summary.csv)", names.len() - shown);
    }
    if clear.is_some() && scores.iter().any(|s| s.desk.never_cleared > 0 && s.desk.time_to_clear_h.mean.is_some()) {
        let _ = writeln!(out, "* some replications never cleared the backlog; the time is the mean of those that did");
    }
    out
}

/// The sentence under the ranking: who leads by the stated objective, and
/// the trade-off a faster average hides (a policy that answers its answered
/// customers sooner while leaving more of them waiting).
pub fn ranking_verdict(scores: &[PolicyScore], rank_by: RankBy) -> String {
    let sentences = ranking_sentences(scores, rank_by);
    if sentences.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n");
    for sentence in sentences {
        out.push_str(&wrap_words(&sentence, 100));
    }
    out
}

/// The sentences of [`ranking_verdict`], unwrapped (the report sets them
/// as paragraphs).
pub fn ranking_sentences(scores: &[PolicyScore], rank_by: RankBy) -> Vec<String> {
    let Some(best) = scores.first() else { return Vec::new() };
    let d = &best.desk;
    let mut text = format!("ranked by {}: {} first", rank_by.describe(), best.policy);
    if rank_by == RankBy::Targets {
        let _ = write!(text, " ({} of {} targets met)", best.targets_met, best.targets);
    }
    text.push('.');
    let mut sentences = vec![text];
    if let Some(other) = scores.iter().skip(1).find(|o| {
        o.desk.asa_s.mean.zip(d.asa_s.mean).is_some_and(|(fast, slow)| fast < slow)
            && o.desk.waiting_at_end > d.waiting_at_end
    }) {
        let o = &other.desk;
        sentences.push(format!(
            "{} answers faster on average (ASA {} against {}) but leaves {:.0} tickets waiting against {:.0} and \
             answers {} of all customers in time against {}: its ASA leaves out the customers still waiting.",
            other.policy,
            secs(o.asa_s.mean),
            secs(d.asa_s.mean),
            o.waiting_at_end,
            d.waiting_at_end,
            pct(o.answered_in_time_all.mean),
            pct(d.answered_in_time_all.mean),
        ));
    }
    // The oldest-first trade-off: the lowest mean wait of all customers and
    // the youngest backlog, at the price of answering fewer in time.
    let calm = scores.iter().min_by(|a, b| {
        let w = |s: &PolicyScore| s.desk.wait_all_mean_s.mean.unwrap_or(f64::INFINITY);
        w(a).total_cmp(&w(b))
    });
    if let Some(c) = calm.filter(|c| c.policy != best.policy) {
        let o = &c.desk;
        sentences.push(format!(
            "{} gives the lowest mean wait of all customers ({} against {}), the oldest ticket left {}, but answers \
             {} in time.",
            c.policy,
            secs(o.wait_all_mean_s.mean),
            secs(d.wait_all_mean_s.mean),
            o.oldest_left_h.mean.map_or("none".into(), |h| format_wait(h * 3600.0)),
            pct(o.answered_in_time_all.mean),
        ));
    }
    sentences
}

/// Text broken at spaces into lines of at most `width` characters.
fn wrap_words(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}
