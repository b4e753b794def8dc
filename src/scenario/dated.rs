//! Dated events: holidays, volume spikes and extra staff pinned to calendar
//! dates, on top of the weekly calendar that repeats every week.
//!
//! The simulation is anchored to a date (`[simulation] start = "2026-12-07
//! 00:00"`), and every `[[event]]` becomes, once validated, something the
//! engine already knows how to follow:
//! - a **holiday** is a [`DatedMask`] on a queue's hours or a team's duty
//!   (closed, or open only within reduced hours on those dates);
//! - a **spike** is a list of [`VolumePiece`]s multiplying (and adding to) a
//!   queue's arrival rate over a dated span, integrated exactly;
//! - **staff** is an extra duty group of a team whose weekly hours only count
//!   inside a dated window (a [`DatedMask`] again).
//!
//! Dates are civil dates of the desk's clock, counted as days since
//! 1970-01-01. An end date without a clock time means the end of that day
//! (`to = "2026-12-26"` includes the 26th).

use super::file::EventFile;
use super::suggest;
use super::units::{self, DAY, DAY_NAMES, WEEK, WeeklySpans};

const MONTH_NAMES: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

/// Monday = 0 .. Sunday = 6.
pub fn weekday(day: i64) -> usize {
    (day + 3).rem_euclid(7) as usize
}

/// Parses `"2026-12-24"` into days since 1970-01-01.
pub fn parse_date(text: &str) -> Result<i64, String> {
    let bad = || format!("\"{text}\" is not a date; expected YYYY-MM-DD such as \"2026-12-24\"");
    let mut parts = text.trim().split('-');
    let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    if y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
        return Err(bad());
    }
    let (y, m, d): (i64, u32, u32) =
        (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
    if !(1..=12).contains(&m) || d == 0 {
        return Err(bad());
    }
    let day = days_from_civil(y, m, d);
    if civil_from_days(day) != (y, m, d) {
        let (_, _, last) = civil_from_days(days_from_civil(y, m % 12 + 1, 1) - 1);
        return Err(format!("\"{text}\" is not a date: {} {y} has {last} days", MONTH_NAMES[m as usize - 1]));
    }
    Ok(day)
}

/// Parses `"2026-12-24"` or `"2026-12-24 10:00"`: the day, and the clock
/// time when one is given.
pub fn parse_date_time(text: &str) -> Result<(i64, Option<f64>), String> {
    let mut parts = text.split_whitespace();
    match (parts.next(), parts.next(), parts.next()) {
        (Some(d), None, None) => Ok((parse_date(d)?, None)),
        (Some(d), Some(c), None) => Ok((parse_date(d)?, Some(units::parse_clock(c, true)?))),
        _ => Err(format!("\"{text}\" is not a date; expected \"2026-12-24\" or \"2026-12-24 10:00\"")),
    }
}

/// Whether a `start` text is a date (and not a weekday).
pub fn looks_like_date(text: &str) -> bool {
    text.trim().starts_with(|c: char| c.is_ascii_digit())
}

/// The calendar date of simulated time 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Anchor {
    /// Days since 1970-01-01 of the start date.
    pub day: i64,
    /// Desk clock time at t = 0, seconds after midnight.
    pub clock: f64,
}

impl Anchor {
    /// Simulated time of `clock` on `day`.
    pub fn time_of(&self, day: i64, clock: f64) -> f64 {
        (day - self.day) as f64 * DAY + clock - self.clock
    }

    /// The day and clock time of simulated time `t`, rounded to the minute.
    fn date_at(&self, t: f64) -> (i64, u32) {
        let minutes = ((self.clock + t) / 60.0).round() as i64;
        (self.day + minutes.div_euclid(24 * 60), minutes.rem_euclid(24 * 60) as u32)
    }

    /// `"2026-12-21 14:30"`, for tables and CSV.
    pub fn format(&self, t: f64) -> String {
        let (day, m) = self.date_at(t);
        let (y, mo, d) = civil_from_days(day);
        format!("{y}-{mo:02}-{d:02} {:02}:{:02}", m / 60, m % 60)
    }

    /// `"Mon 21 Dec 14:30"`, for sentences.
    pub fn format_short(&self, t: f64) -> String {
        let (day, m) = self.date_at(t);
        format!("{} {:02}:{:02}", day_label(day), m / 60, m % 60)
    }
}

/// `"Mon 21 Dec 2026"`.
pub fn day_label(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{} {d} {} {y}", DAY_NAMES[weekday(day)], MONTH_NAMES[m as usize - 1])
}

/// A yes/no state over simulated time that changes at dated moments: on
/// (true) unless a dated event says otherwise. The engine combines it with
/// a weekly calendar: a queue is open, an agent on duty, when both are on.
#[derive(Debug, Clone, PartialEq)]
pub struct DatedMask {
    /// The state at t = 0.
    pub initial: bool,
    /// Later changes (simulated time, state after), sorted, each a real change.
    pub changes: Vec<(f64, bool)>,
}

impl DatedMask {
    /// The state at simulated time `t`.
    pub fn at(&self, t: f64) -> bool {
        let i = self.changes.partition_point(|&(c, _)| c <= t);
        if i == 0 { self.initial } else { self.changes[i - 1].1 }
    }

    /// Seconds in `[a, b)` (simulated time) that are inside both this mask
    /// and `hours` (a weekly calendar; simulated time 0 is week time `start`).
    pub fn covered(&self, hours: &WeeklySpans, start: f64, a: f64, b: f64) -> f64 {
        let mut total = 0.0;
        let mut from = a;
        let mut on = self.at(a);
        let first = self.changes.partition_point(|&(c, _)| c <= a);
        for &(c, state) in &self.changes[first..] {
            if c >= b {
                break;
            }
            if on {
                total += hours.covered_between(start + from, start + c);
            }
            from = c;
            on = state;
        }
        if on && b > from {
            total += hours.covered_between(start + from, start + b);
        }
        total
    }

    /// The mask that is on exactly where every rule allows; `None` when that
    /// is always (so a desk without events keeps its plain weekly calendar).
    /// `start` is the week time at t = 0; changes after `horizon` are dropped.
    fn build(rules: &[Rule], start: f64, horizon: f64) -> Option<DatedMask> {
        if rules.is_empty() {
            return None;
        }
        let mut points: Vec<f64> = Vec::new();
        for r in rules {
            points.push(r.from);
            points.push(r.to);
            if let Some(hours) = &r.hours {
                for (w, _) in hours.transitions() {
                    // Every week's copy of this change inside the span.
                    let mut t = w - start + ((r.from + start - w) / WEEK).floor() * WEEK;
                    while t < r.to {
                        if t > r.from {
                            points.push(t);
                        }
                        t += WEEK;
                    }
                }
            }
        }
        points.retain(|&t| t > 0.0 && t < horizon);
        points.sort_by(f64::total_cmp);
        points.dedup();
        let state = |t: f64| rules.iter().all(|r| r.allows(t, start));
        let initial = state(0.0);
        let mut changes = Vec::new();
        let mut last = initial;
        for t in points {
            let s = state(t);
            if s != last {
                changes.push((t, s));
                last = s;
            }
        }
        (!(initial && changes.is_empty())).then_some(DatedMask { initial, changes })
    }
}

/// One dated constraint on a queue's hours or a duty group.
#[derive(Debug, Clone)]
struct Rule {
    from: f64,
    to: f64,
    /// Inside `[from, to)`: on only within these weekly hours (`None`: off).
    hours: Option<WeeklySpans>,
    /// Off outside `[from, to)` (a temporary group), instead of on.
    only_inside: bool,
}

impl Rule {
    fn allows(&self, t: f64, start: f64) -> bool {
        let inside = self.from <= t && t < self.to;
        if self.only_inside {
            inside && self.hours.as_ref().is_none_or(|h| h.contains(start + t))
        } else {
            !inside || self.hours.as_ref().is_some_and(|h| h.contains(start + t))
        }
    }
}

/// A dated change of a queue's arrival rate: during `[from, to)` the rate
/// is `factor` times the weekly rate plus `extra` tickets per second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VolumePiece {
    pub from: f64,
    pub to: f64,
    pub factor: f64,
    pub extra: f64,
}

/// Extra agents of a team inside a dated window, from a `staff` event.
#[derive(Debug, Clone)]
pub struct DatedStaff {
    pub team: usize,
    pub label: String,
    pub agents: u32,
    /// Weekly on-duty hours (desk clock) that count inside the window.
    pub duty: WeeklySpans,
    pub from: f64,
    pub to: f64,
}

/// What the `[[event]]` tables add to a desk, per queue and team.
#[derive(Debug, Clone, Default)]
pub struct DatedPlan {
    /// Per queue: when its hours are overridden by holidays.
    pub queue_masks: Vec<Option<DatedMask>>,
    /// Per queue: its dated volume changes, sorted and disjoint.
    pub queue_volume: Vec<Vec<VolumePiece>>,
    /// Per team: the holidays of its agents, as rules for every duty group.
    team_rules: Vec<Vec<Rule>>,
    pub staff: Vec<DatedStaff>,
    /// One line per event in words, with its dates, for `check`.
    pub descriptions: Vec<String>,
}

impl DatedPlan {
    /// The dated mask of a duty group of team `team`: its team's holidays,
    /// and for a temporary group its window too.
    pub fn duty_mask(&self, team: usize, window: Option<(f64, f64)>, start: f64, horizon: f64) -> Option<DatedMask> {
        let mut rules = self.team_rules.get(team).cloned().unwrap_or_default();
        if let Some((from, to)) = window {
            rules.push(Rule { from, to, hours: None, only_inside: true });
        }
        DatedMask::build(&rules, start, horizon)
    }
}

/// What the events need to know about the desk.
pub struct Desk<'a> {
    pub anchor: Option<Anchor>,
    /// Week time at t = 0.
    pub start: f64,
    pub horizon: f64,
    pub queue_names: &'a [&'a str],
    pub team_names: &'a [&'a str],
    /// Expected arrivals of queue q in `[a, b)` (simulated time) without events.
    pub expected: &'a dyn Fn(usize, f64, f64) -> f64,
}

/// The kinds of event, as a manager names them.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Holiday,
    Spike,
    Staff,
}

const KINDS: &str = "holiday, spike, staff";

fn kind(text: &str) -> Option<Kind> {
    Some(match text.trim().to_ascii_lowercase().as_str() {
        "holiday" | "closed" | "closure" => Kind::Holiday,
        "spike" | "volume" | "release" | "campaign" => Kind::Spike,
        "staff" | "overtime" | "temps" | "temp" => Kind::Staff,
        _ => return None,
    })
}

/// Parses a volume factor: `1.8`, `"x1.8"`, `"+80%"`, `"-20%"`.
fn factor(value: &toml::Value) -> Result<f64, String> {
    let bad = |shown: String| {
        format!("{shown} is not a volume change; write a factor such as 1.8, or a change such as \"+80%\" or \"-20%\"")
    };
    let f = match value {
        toml::Value::Float(f) => *f,
        toml::Value::Integer(i) => *i as f64,
        toml::Value::String(s) => {
            let t = s.trim();
            if let Some(p) = t.strip_suffix('%') {
                let p = p.trim();
                if !p.starts_with(['+', '-']) {
                    return Err(bad(format!("\"{s}\"")));
                }
                1.0 + p.parse::<f64>().map_err(|_| bad(format!("\"{s}\"")))? / 100.0
            } else {
                let t = t.strip_prefix(['x', '×']).or_else(|| t.strip_suffix(['x', '×'])).unwrap_or(t);
                t.trim().parse::<f64>().map_err(|_| bad(format!("\"{s}\"")))?
            }
        }
        other => return Err(bad(other.to_string())),
    };
    if !f.is_finite() || f <= 0.0 {
        return Err(format!(
            "{value} gives a factor of {f}, which must be more than zero (1 is unchanged, 1.8 is +80 %); to close a queue use kind = \"holiday\""
        ));
    }
    Ok(f)
}

/// Resolves names to indices, with a did-you-mean for a typo.
fn resolve(names: &[String], known: &[&str], what: &str, at: &str, problems: &mut Vec<String>) -> Vec<usize> {
    let mut out = Vec::new();
    for n in names {
        match known.iter().position(|k| k == n) {
            Some(i) => out.push(i),
            None => problems.push(format!(
                "{at}: \"{}\" is not a {what}; known {what}s: {}{}",
                n.escape_debug(),
                known.join(", "),
                suggest::did_you_mean(n, known.iter().copied())
            )),
        }
    }
    out
}

/// Validates the `[[event]]` tables against the desk. Problems are sentences
/// naming the event, the field, the value and a fix.
pub fn plan(events: &[EventFile], desk: &Desk<'_>, problems: &mut Vec<String>) -> DatedPlan {
    let nq = desk.queue_names.len();
    let mut out = DatedPlan {
        queue_masks: vec![None; nq],
        queue_volume: vec![Vec::new(); nq],
        team_rules: vec![Vec::new(); desk.team_names.len()],
        ..DatedPlan::default()
    };
    let mut queue_rules: Vec<Vec<Rule>> = vec![Vec::new(); nq];
    // Per queue: (from, to, factor, extra) of each spike, combined below.
    let mut spikes: Vec<Vec<VolumePiece>> = vec![Vec::new(); nq];
    for (k, e) in events.iter().enumerate() {
        let at = match &e.name {
            Some(n) => format!("event[{}] \"{}\"", k + 1, n.escape_debug()),
            None => format!("event[{}]", k + 1),
        };
        let before = problems.len();
        let Some(kind) = kind(&e.kind) else {
            problems.push(format!(
                "{at}.kind: \"{}\" is not a kind of event; expected one of {KINDS}{}",
                e.kind.escape_debug(),
                suggest::did_you_mean(&e.kind, KINDS.split(", "))
            ));
            continue;
        };
        let kind_name = match kind {
            Kind::Holiday => "holiday",
            Kind::Spike => "spike",
            Kind::Staff => "staff",
        };
        let mut not_for = |field: &str, given: bool, fix: &str| {
            if given {
                problems.push(format!("{at}.{field}: does not apply to kind = \"{kind_name}\"; {fix}"));
            }
        };
        match kind {
            Kind::Holiday => {
                not_for("volume", e.volume.is_some(), "a volume change is an event of kind = \"spike\"");
                not_for("extra", e.extra.is_some(), "a burst of tickets is an event of kind = \"spike\"");
                not_for("team", e.team.is_some(), "list the teams that are off as teams = [...]");
                not_for("agents", e.agents.is_some(), "extra agents are an event of kind = \"staff\"");
            }
            Kind::Spike => {
                not_for("hours", e.hours.is_some(), "a spike covers its whole span; give from/to with times");
                not_for("teams", e.teams.is_some(), "a spike changes arrivals; list queues = [...]");
                not_for("team", e.team.is_some(), "a spike changes arrivals; list queues = [...]");
                not_for("agents", e.agents.is_some(), "extra agents are an event of kind = \"staff\"");
            }
            Kind::Staff => {
                not_for("volume", e.volume.is_some(), "a volume change is an event of kind = \"spike\"");
                not_for("extra", e.extra.is_some(), "a burst of tickets is an event of kind = \"spike\"");
                not_for("queues", e.queues.is_some(), "agents serve their team's skills");
                not_for("teams", e.teams.is_some(), "name one team as team = \"...\"");
            }
        }

        // The span.
        let Some(anchor) = desk.anchor else {
            problems.push(format!(
                "{at}: has a date but the simulation has none; set [simulation] start to a date, e.g. start = \"2026-12-07 00:00\" (a Monday)"
            ));
            continue;
        };
        let span = match (&e.date, &e.from, &e.to) {
            (Some(d), None, None) => match parse_date(d) {
                Ok(day) => Some((anchor.time_of(day, 0.0), anchor.time_of(day + 1, 0.0))),
                Err(why) => {
                    let hint = if parse_date_time(d).is_ok() { "; for times use from/to" } else { "" };
                    problems.push(format!("{at}.date: {why}{hint}"));
                    None
                }
            },
            (Some(_), _, _) => {
                problems.push(format!("{at}: give either date (one day) or from/to (a span), not both"));
                None
            }
            (None, None, _) => {
                problems.push(format!(
                    "{at}: has no date; give date = \"2026-12-24\" for one day, or from = \"2026-12-14\" (and to = \"2027-01-08\") for a span"
                ));
                None
            }
            (None, Some(f), t) => {
                let from = match parse_date_time(f) {
                    Ok((day, clock)) => Some(anchor.time_of(day, clock.unwrap_or(0.0))),
                    Err(why) => {
                        problems.push(format!("{at}.from: {why}"));
                        None
                    }
                };
                let to = match t {
                    None => Some(desk.horizon),
                    Some(t) => match parse_date_time(t) {
                        // A bare end date includes that day.
                        Ok((day, None)) => Some(anchor.time_of(day + 1, 0.0)),
                        Ok((day, Some(clock))) => Some(anchor.time_of(day, clock)),
                        Err(why) => {
                            problems.push(format!("{at}.to: {why}"));
                            None
                        }
                    },
                };
                match (from, to) {
                    (Some(a), Some(b)) if b <= a => {
                        problems.push(format!(
                            "{at}.to: \"{}\" is not after from = \"{f}\"; the span must end after it starts (a date without a time includes the whole day)",
                            t.as_deref().unwrap_or_default()
                        ));
                        None
                    }
                    (Some(a), Some(b)) => Some((a, b)),
                    _ => None,
                }
            }
        };
        let hours = match &e.hours {
            None => None,
            Some(h) => match units::parse_hours(h) {
                Ok(spans) => Some(spans),
                Err(why) => {
                    problems.push(format!("{at}.hours: {why}"));
                    None
                }
            },
        };
        let queues =
            e.queues.as_ref().map(|names| resolve(names, desk.queue_names, "queue", &format!("{at}.queues"), problems));
        let teams =
            e.teams.as_ref().map(|names| resolve(names, desk.team_names, "team", &format!("{at}.teams"), problems));
        if let Some((a, b)) = span
            && (b <= 0.0 || a >= desk.horizon)
        {
            problems.push(format!(
                "{at}: {} to {} lies outside the simulation, which runs from {} to {}; move the event or change start/horizon",
                anchor.format_short(a),
                anchor.format_short(b),
                anchor.format_short(0.0),
                anchor.format_short(desk.horizon)
            ));
            continue;
        }
        let what = match (kind, &e.volume, e.extra, &e.team, e.agents) {
            (Kind::Spike, None, None, ..) => {
                problems.push(format!(
                    "{at}: a spike needs volume = 1.8 (or \"+80%\") and/or extra = N tickets spread over its span"
                ));
                None
            }
            (Kind::Spike, volume, extra, ..) => {
                let f = match volume {
                    None => Some(1.0),
                    Some(v) => match factor(v) {
                        Ok(f) => Some(f),
                        Err(why) => {
                            problems.push(format!("{at}.volume: {why}"));
                            None
                        }
                    },
                };
                if let Some(n) = extra
                    && !(0..=100_000_000).contains(&n)
                {
                    problems.push(format!("{at}.extra: {n} tickets must be between 0 and 100000000"));
                }
                f.map(|f| (f, extra.unwrap_or(0).max(0) as f64, 0usize, 0u32))
            }
            (Kind::Staff, _, _, team, agents) => {
                let t = match team {
                    None => {
                        problems.push(format!("{at}.team: missing; name the team that gets the extra agents"));
                        None
                    }
                    Some(name) => {
                        resolve(std::slice::from_ref(name), desk.team_names, "team", &format!("{at}.team"), problems)
                            .first()
                            .copied()
                    }
                };
                let n = match agents {
                    None => {
                        problems
                            .push(format!("{at}.agents: missing; how many extra agents are on duty, e.g. agents = 3"));
                        None
                    }
                    Some(n) if !(1..=100_000).contains(&n) => {
                        problems.push(format!("{at}.agents: {n} must be between 1 and 100000"));
                        None
                    }
                    Some(n) => Some(n as u32),
                };
                if e.hours.is_none() {
                    problems.push(format!(
                        "{at}.hours: missing; when the extra agents work, e.g. hours = \"10:00-16:00\" or \"mon-fri 09:00-17:00\""
                    ));
                }
                t.zip(n).map(|(t, n)| (1.0, 0.0, t, n))
            }
            (Kind::Holiday, ..) => Some((1.0, 0.0, 0, 0)),
        };
        if problems.len() > before {
            continue;
        }
        let (Some((a, b)), Some((factor, extra, team, agents))) = (span, what) else { continue };
        let clipped = b > desk.horizon;
        let (a, b) = (a.max(0.0), b.min(desk.horizon));
        let when = describe_span(&anchor, a, b);
        let label = e.name.as_ref().map_or(String::new(), |n| format!(" \"{n}\""));
        match kind {
            Kind::Holiday => {
                let rule = Rule { from: a, to: b, hours: hours.clone(), only_inside: false };
                let how = hours.as_ref().map_or("closed".to_string(), |h| {
                    let d = h.describe();
                    format!("open only {}", d.strip_prefix("daily ").unwrap_or(&d))
                });
                let (qs, ts): (Vec<usize>, Vec<usize>) = match (&queues, &teams) {
                    (None, None) => ((0..nq).collect(), (0..desk.team_names.len()).collect()),
                    (q, t) => (q.clone().unwrap_or_default(), t.clone().unwrap_or_default()),
                };
                for &q in &qs {
                    queue_rules[q].push(rule.clone());
                }
                for &t in &ts {
                    out.team_rules[t].push(rule.clone());
                }
                let whom = match (&queues, &teams) {
                    (None, None) => "the whole desk".to_string(),
                    _ => {
                        let mut parts = Vec::new();
                        if !qs.is_empty() {
                            parts.push(format!("queues {}", names(&qs, desk.queue_names)));
                        }
                        if !ts.is_empty() {
                            parts.push(format!("teams {} (off duty)", names(&ts, desk.team_names)));
                        }
                        parts.join(" and ")
                    }
                };
                out.descriptions.push(format!("{when}: holiday{label}, {whom} {how}"));
            }
            Kind::Spike => {
                let qs = queues.clone().unwrap_or_else(|| (0..nq).collect());
                // A burst is spread over the listed queues in proportion to
                // their usual arrivals in the span (so it follows their
                // shape); with none usually, evenly over the span.
                let mass: f64 = qs.iter().map(|&q| (desk.expected)(q, a, b)).sum();
                for &q in &qs {
                    let (f, x) = if extra == 0.0 {
                        (factor, 0.0)
                    } else if mass > 0.0 {
                        (factor + extra / mass, 0.0)
                    } else {
                        (factor, extra / qs.len() as f64 / (b - a))
                    };
                    spikes[q].push(VolumePiece { from: a, to: b, factor: f, extra: x });
                }
                let mut parts = Vec::new();
                if factor != 1.0 {
                    parts.push(format!("volume x{factor} ({:+.0} %)", (factor - 1.0) * 100.0));
                }
                if extra > 0.0 {
                    parts.push(format!("{extra:.0} extra tickets"));
                }
                let whom = if queues.is_some() {
                    format!("queues {}", names(&qs, desk.queue_names))
                } else {
                    "every queue".into()
                };
                out.descriptions.push(format!("{when}: spike{label}, {} on {whom}", parts.join(" and ")));
            }
            Kind::Staff => {
                let duty = hours.clone().unwrap_or_else(WeeklySpans::always);
                let word = e.kind.trim().to_ascii_lowercase();
                let hours = duty.describe();
                out.descriptions.push(format!(
                    "{when}: {word}{label}, {agents} extra agents of team {} on duty {} (desk clock){}",
                    desk.team_names[team],
                    hours.strip_prefix("daily ").unwrap_or(&hours),
                    if clipped { "; the simulation ends before the event does" } else { "" }
                ));
                out.staff.push(DatedStaff {
                    team,
                    label: format!("{word}{label} {when}"),
                    agents,
                    duty,
                    from: a,
                    to: b,
                });
            }
        }
    }
    for q in 0..nq {
        out.queue_masks[q] = DatedMask::build(&queue_rules[q], desk.start, desk.horizon);
        out.queue_volume[q] = combine(&spikes[q]);
    }
    out
}

fn names(indices: &[usize], known: &[&str]) -> String {
    indices.iter().map(|&i| known[i]).collect::<Vec<_>>().join(", ")
}

/// "Thu 24 Dec 2026" for one whole day, else "Mon 14 Dec 2026 00:00 to Fri 8 Jan 2027 24:00".
fn describe_span(anchor: &Anchor, a: f64, b: f64) -> String {
    let day_start = |t: f64| ((anchor.clock + t) / DAY).fract().abs() < 1e-9;
    let first = (anchor.day as f64 + ((anchor.clock + a) / DAY).floor()) as i64;
    if day_start(a) && day_start(b) {
        let last = (anchor.day as f64 + ((anchor.clock + b) / DAY).round()) as i64 - 1;
        if last == first {
            return day_label(first);
        }
        return format!("{} to {}", day_label(first), day_label(last));
    }
    format!("{} to {}", anchor.format_short(a), anchor.format_short(b))
}

/// Overlapping spikes of one queue as disjoint pieces: factors multiply
/// (their burst parts add), extra rates add.
fn combine(spikes: &[VolumePiece]) -> Vec<VolumePiece> {
    let mut points: Vec<f64> = spikes.iter().flat_map(|s| [s.from, s.to]).collect();
    points.sort_by(f64::total_cmp);
    points.dedup();
    let mut out: Vec<VolumePiece> = Vec::new();
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        let covering: Vec<&VolumePiece> = spikes.iter().filter(|s| s.from <= a && b <= s.to).collect();
        if covering.is_empty() {
            continue;
        }
        let factor = covering.iter().map(|s| s.factor).product();
        let extra = covering.iter().map(|s| s.extra).sum();
        out.push(VolumePiece { from: a, to: b, factor, extra });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::units::HOUR;

    #[test]
    fn dates_round_trip_and_know_their_weekday() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        let d = parse_date("2026-12-14").unwrap();
        assert_eq!(civil_from_days(d), (2026, 12, 14));
        assert_eq!(DAY_NAMES[weekday(d)], "Mon");
        assert_eq!(DAY_NAMES[weekday(parse_date("2024-02-29").unwrap())], "Thu");
        assert!(parse_date("2026-02-29").unwrap_err().contains("Feb 2026 has 28 days"));
        assert!(parse_date("2026-13-01").is_err());
        assert!(parse_date("14.12.2026").is_err());
        assert_eq!(parse_date_time("2026-12-14 10:30").unwrap(), (d, Some(10.5 * HOUR)));
        let anchor = Anchor { day: d, clock: 0.0 };
        assert_eq!(anchor.format(DAY + 14.5 * HOUR), "2026-12-15 14:30");
        assert_eq!(anchor.format_short(DAY + 14.5 * HOUR), "Tue 15 Dec 2026 14:30");
    }

    #[test]
    fn factors_read_as_a_manager_writes_them() {
        assert_eq!(factor(&toml::Value::Float(1.8)).unwrap(), 1.8);
        assert!((factor(&toml::Value::String("+80%".into())).unwrap() - 1.8).abs() < 1e-12);
        assert!((factor(&toml::Value::String("-20%".into())).unwrap() - 0.8).abs() < 1e-12);
        assert!(factor(&toml::Value::Integer(0)).unwrap_err().contains("more than zero"));
        assert!(factor(&toml::Value::String("-100%".into())).is_err());
        assert!(factor(&toml::Value::String("80%".into())).is_err());
    }

    #[test]
    fn masks_combine_holidays_and_windows() {
        // Week time 0 at t = 0; a holiday on day 2 open only 10:00-14:00.
        let hours = units::parse_hours("10:00-14:00").unwrap();
        let rules = [Rule { from: 2.0 * DAY, to: 3.0 * DAY, hours: Some(hours), only_inside: false }];
        let m = DatedMask::build(&rules, 0.0, WEEK).unwrap();
        assert!(m.initial);
        assert_eq!(
            m.changes,
            vec![
                (2.0 * DAY, false),
                (2.0 * DAY + 10.0 * HOUR, true),
                (2.0 * DAY + 14.0 * HOUR, false),
                (3.0 * DAY, true)
            ]
        );
        let always = WeeklySpans::always();
        assert_eq!(m.covered(&always, 0.0, 0.0, WEEK), WEEK - 20.0 * HOUR);
        // A temporary group: off outside its window.
        let w = [Rule { from: DAY, to: 2.0 * DAY, hours: None, only_inside: true }];
        let m = DatedMask::build(&w, 0.0, WEEK).unwrap();
        assert_eq!((m.initial, m.changes.clone()), (false, vec![(DAY, true), (2.0 * DAY, false)]));
        assert!(DatedMask::build(&[], 0.0, WEEK).is_none());
    }

    #[test]
    fn overlapping_spikes_multiply() {
        let s = [
            VolumePiece { from: 0.0, to: 10.0, factor: 2.0, extra: 0.0 },
            VolumePiece { from: 5.0, to: 20.0, factor: 1.5, extra: 1.0 },
        ];
        let c = combine(&s);
        assert_eq!(c.len(), 3);
        assert_eq!((c[1].from, c[1].to, c[1].factor, c[1].extra), (5.0, 10.0, 3.0, 1.0));
    }
}
