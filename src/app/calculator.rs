//! `staffsim erlang`: the analytic calculator support managers already know
//! from spreadsheets, instantly. One volume and handle time (or ranges of
//! them, giving a band), spread over the desk's open hours; a service level,
//! an average wait, or both; chat concurrency; an occupancy cap; and a CSV
//! of interval volumes in, a column of required agents out.
//!
//! Every answer is Erlang C (Erlang A with a patience) on the arrival rate
//! while the desk is open: a month's volume handled in 45 open hours a week
//! arrives 3.7 times as fast as the same volume spread over all 168 hours.
//! A chat agent at concurrency k counts as k servers, as `staff` counts them.

use std::fmt::Write as _;

use serde_json::json;

use super::{fmt_count, out};
use crate::cli::ErlangArgs;
use crate::erlang::{Desk, Goal, MAX_AGENTS, Performance};
use crate::error::InputError;
use crate::report;
use crate::scenario::MAX_SHRINKAGE;
use crate::scenario::units::{self, HOUR, Volume, WeeklySpans, format_duration};

/// The most contacts one agent works at once.
const MAX_CONCURRENCY: u32 = 50;

/// Parses "80% in 20s" (or "0.8 in 20s") into (target, seconds).
pub(super) fn parse_sla(text: &str) -> Result<(f64, f64), String> {
    let bad = || format!("--sla \"{text}\": expected a target and a time like \"80% in 20s\"");
    let (target, within) = text.split_once(" in ").ok_or_else(bad)?;
    let target = target.trim();
    let value = match target.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().map_err(|_| bad())? / 100.0,
        None => target.parse::<f64>().map_err(|_| bad())?,
    };
    if !(value > 0.0 && value < 1.0) {
        return Err(format!("--sla \"{text}\": the target must be above 0% and below 100%"));
    }
    let within = units::parse_duration(within).map_err(|e| format!("--sla \"{text}\": {e}"))?;
    Ok((value, within))
}

/// What every answer of one `erlang` call shares: the model, the target and
/// the desk's rules; the arrival rate and handle time vary (band ends,
/// intervals).
struct Calculator {
    patience_s: Option<f64>,
    within_s: f64,
    goal: Goal,
    concurrency: u32,
    max_occupancy: Option<f64>,
    shrinkage: Option<f64>,
}

/// The requirement at one arrival rate and handle time.
#[derive(Debug, Clone, Copy)]
struct Requirement {
    /// Agents needed for every target and the occupancy cap.
    agents: u32,
    /// Agents the service target alone needs.
    for_target: u32,
}

impl Calculator {
    fn desk(&self, rate_per_s: f64, aht_s: f64) -> Desk {
        Desk { arrival_rate: rate_per_s, aht_s, patience_s: self.patience_s, sla_within_s: self.within_s }
    }

    /// The desk's figures with `agents` agents (each `concurrency` servers).
    fn performance(&self, desk: &Desk, agents: u32) -> Performance {
        desk.performance(agents.saturating_mul(self.concurrency).min(MAX_AGENTS))
    }

    fn occupancy_ok(&self, desk: &Desk, agents: u32) -> bool {
        self.max_occupancy.is_none_or(|cap| agents > 0 && self.performance(desk, agents).occupancy <= cap + 1e-12)
    }

    fn required(&self, desk: &Desk) -> Requirement {
        let servers = desk.required_for(self.goal);
        let for_target = servers.div_ceil(self.concurrency);
        if desk.load() <= 0.0 || self.occupancy_ok(desk, for_target) {
            return Requirement { agents: for_target, for_target };
        }
        // Occupancy falls with every agent added and is at most load ÷
        // servers (abandonment only lowers it): bisect between the two.
        let cap = self.max_occupancy.unwrap_or(1.0);
        let mut hi = ((desk.load() / (cap * f64::from(self.concurrency))).ceil() as u32).max(for_target + 1);
        let mut lo = for_target;
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if self.occupancy_ok(desk, mid) { hi = mid } else { lo = mid }
        }
        Requirement { agents: hi, for_target }
    }

    fn meets(&self, desk: &Desk, agents: u32) -> bool {
        desk.meets(agents.saturating_mul(self.concurrency).min(MAX_AGENTS), self.goal)
            && self.occupancy_ok(desk, agents)
    }

    /// Agents to schedule so that `agents` are on the queues after shrinkage.
    fn scheduled(&self, agents: u32) -> Option<u32> {
        // At most MAX_AGENTS / (1 - MAX_SHRINKAGE) = 20 million: no overflow.
        self.shrinkage.map(|s| (f64::from(agents) / (1.0 - s) - 1e-9).ceil().max(0.0) as u32)
    }

    fn model(&self) -> &'static str {
        if self.patience_s.is_some() { "Erlang A (M/M/n+M)" } else { "Erlang C (M/M/n)" }
    }

    fn check_computable(&self, desk: &Desk, what: impl FnOnce() -> String) -> Result<(), InputError> {
        // The requirement is searched up to MAX_AGENTS servers, each
        // evaluation walking every server: a larger load would not be
        // instant, nor real.
        if desk.load().is_finite() && desk.load() <= f64::from(MAX_AGENTS) / 2.0 {
            return Ok(());
        }
        Err(InputError::Argument(format!(
            "{} is a load of {:.3e} Erlangs (agents busy at once); at most {} can be computed: check the volume's unit and the handle time",
            what(),
            desk.load(),
            MAX_AGENTS / 2
        )))
    }
}

fn arg(e: String) -> InputError {
    InputError::Argument(e)
}

fn positive_duration(flag: &str, text: &str, example: &str) -> Result<f64, InputError> {
    let v = units::parse_duration(text).map_err(|e| arg(format!("{flag}: {e}")))?;
    if v <= 0.0 {
        return Err(arg(format!("{flag} {text} must be longer than zero (e.g. {flag} {example})")));
    }
    Ok(v)
}

/// How a volume becomes an arrival rate: over every hour of the week, or
/// over the desk's open hours only.
struct Spread {
    hours: Option<(String, WeeklySpans)>,
}

impl Spread {
    /// Arrivals per second while the desk is open.
    fn rate(&self, v: &Volume) -> f64 {
        match &self.hours {
            // "100/hour" is an open hour's arrivals, whatever the hours.
            Some(_) if v.period_s <= HOUR => v.count / v.period_s,
            Some((_, spans)) => v.per_week() / spans.total(),
            None => v.count / v.period_s,
        }
    }

    /// The sentence saying how the volume was spread.
    fn describe(&self, volume_text: &str, v: &Volume) -> String {
        match &self.hours {
            Some(_) if v.period_s <= HOUR => {
                format!("volume: {volume_text}, the arrivals of each open hour")
            }
            Some((text, spans)) => format!(
                "volume: {volume_text} spread over the open hours only ({text}: {} h a week)",
                fmt_count(spans.total() / HOUR)
            ),
            None if v.period_s > HOUR => format!(
                "volume: {volume_text} spread over every hour of the week (24/7); a desk open fewer hours \
                 gets the same volume faster: give its hours, e.g. --hours \"mon-fri 09:00-18:00\""
            ),
            None => format!("volume: {volume_text}"),
        }
    }
}

pub(super) fn erlang(args: &ErlangArgs) -> anyhow::Result<()> {
    let average = args.average.as_deref().map(|t| positive_duration("--average", t, "10m")).transpose()?;
    // An average-only target takes the average as the threshold of the
    // service level column, as a scenario's average-only SLA does.
    let (target, within) = match (&args.sla, average) {
        (Some(text), _) => {
            let (t, w) = parse_sla(text).map_err(arg)?;
            (Some(t), w)
        }
        (None, Some(a)) => (None, a),
        (None, None) => return Err(arg("give --sla \"80% in 20s\", --average 10m, or both".into()).into()),
    };
    let patience = args.patience.as_deref().map(|t| positive_duration("--patience", t, "3m")).transpose()?;
    if let Some(s) = args.shrinkage
        && !(0.0..=MAX_SHRINKAGE).contains(&s)
    {
        return Err(arg(format!(
            "--shrinkage {s} must be between 0 and {MAX_SHRINKAGE} (0.3 = 30 % of paid time away from queues; \
             above {MAX_SHRINKAGE} almost nobody is ever on the queues)"
        ))
        .into());
    }
    if let Some(n) = args.agents
        && n > MAX_AGENTS
    {
        return Err(arg(format!("--agents {n} must be at most {MAX_AGENTS}")).into());
    }
    if !(1..=MAX_CONCURRENCY).contains(&args.concurrency) {
        return Err(arg(format!(
            "--concurrency {} must be between 1 and {MAX_CONCURRENCY} (contacts one agent works at once; 1 for phone)",
            args.concurrency
        ))
        .into());
    }
    if let Some(cap) = args.max_occupancy
        && !(cap > 0.0 && cap <= 1.0)
    {
        return Err(arg(format!(
            "--max-occupancy {cap} must be above 0 and at most 1 (0.85 = agents busy at most 85 % of their time on the queues)"
        ))
        .into());
    }
    let calc = Calculator {
        patience_s: patience,
        within_s: within,
        goal: Goal { service_level: target, asa_s: average },
        concurrency: args.concurrency,
        max_occupancy: args.max_occupancy,
        shrinkage: args.shrinkage,
    };
    let mut targets = Vec::new();
    if let Some(t) = target {
        targets.push(format!("{:.0}% answered within {}", t * 100.0, format_duration(within)));
    }
    if let Some(a) = average {
        targets.push(format!("mean wait (ASA) at most {}", format_duration(a)));
    }
    if let Some(cap) = args.max_occupancy {
        targets.push(format!("occupancy at most {:.0}%", cap * 100.0));
    }
    let targets = targets.join(", and ");
    if let Some(path) = &args.intervals {
        return intervals(args, &calc, path, &targets);
    }
    let (Some(volume_text), Some(aht_text)) = (&args.volume, &args.aht) else {
        return Err(
            arg("give --volume and --aht (e.g. --volume 7000/month --aht 6m), or --intervals FILE.csv".into()).into()
        );
    };
    let hours = match &args.hours {
        Some(text) => {
            let spans = units::parse_hours(text).map_err(|e| arg(format!("--hours: {e}")))?;
            if spans.is_never() || spans.total() <= 0.0 {
                return Err(arg(format!("--hours \"{text}\" opens the desk for no time in the week")).into());
            }
            Some((text.clone(), spans))
        }
        None => None,
    };
    let spread = Spread { hours };
    let (v_lo, v_hi) = units::parse_volume_range(volume_text).map_err(|e| arg(format!("--volume: {e}")))?;
    let (a_lo, a_hi) = units::parse_duration_range(aht_text).map_err(|e| arg(format!("--aht: {e}")))?;
    if a_lo <= 0.0 {
        return Err(arg("--aht must be longer than zero (e.g. --aht 6m, or a range --aht 5m..8m)".into()).into());
    }
    let what = || format!("--volume {volume_text} with --aht {aht_text}");
    calc.check_computable(&calc.desk(spread.rate(&v_hi), a_hi), what)?;
    let spread_line = spread.describe(volume_text, &v_lo);
    if v_lo != v_hi || a_lo != a_hi {
        let mid = Volume { count: (v_lo.count + v_hi.count) / 2.0, period_s: v_lo.period_s };
        let ends = [("low", v_lo, a_lo), ("middle", mid, (a_lo + a_hi) / 2.0), ("high", v_hi, a_hi)];
        let points: Vec<(&str, Desk)> = ends.iter().map(|&(n, v, a)| (n, calc.desk(spread.rate(&v), a))).collect();
        return band(args, &calc, &points, &spread_line, &targets);
    }
    let desk = calc.desk(spread.rate(&v_lo), a_lo);
    single(args, &calc, &desk, &spread_line, &targets)
}

fn finite(x: f64) -> serde_json::Value {
    if x.is_finite() { json!(x) } else { serde_json::Value::Null }
}

fn concurrency_line(calc: &Calculator) -> Option<String> {
    (calc.concurrency > 1).then(|| {
        format!(
            "concurrency {}: each agent works {} contacts at once (counted as {} servers); occupancy is the busy share of those slots",
            calc.concurrency, calc.concurrency, calc.concurrency
        )
    })
}

fn single(args: &ErlangArgs, calc: &Calculator, desk: &Desk, spread_line: &str, targets: &str) -> anyhow::Result<()> {
    let need = calc.required(desk);
    let required = need.agents;
    let agents = args.agents.unwrap_or(required);
    let p = calc.performance(desk, agents);
    let with_shrinkage = calc.scheduled(agents);
    if args.json {
        let mut v = json!({
            "model": if calc.patience_s.is_some() { "erlang-a" } else { "erlang-c" },
            "arrivals_per_hour": desk.arrival_rate * HOUR,
            "open_hours_per_week": args.hours.as_ref().map(|_| hours_per_week(args)),
            "load_erlangs": p.load,
            "concurrency": calc.concurrency,
            "agents": agents,
            "required_agents": required,
            "required_for_target": need.for_target,
            "sla_target": calc.goal.service_level,
            "sla_within_s": calc.within_s,
            "asa_target_s": calc.goal.asa_s,
            "max_occupancy": calc.max_occupancy,
            "meets_target": calc.meets(desk, agents),
            "service_level": p.service_level,
            "p_wait": p.p_wait,
            "asa_s": finite(p.asa_s),
            "abandon_rate": p.abandon_rate,
            "occupancy": p.occupancy,
        });
        if let Some(n) = with_shrinkage {
            v["agents_with_shrinkage"] = json!(n);
            v["shrinkage"] = json!(calc.shrinkage);
        }
        return out(&String::from_utf8(report::json::to_bytes(&v)?)?);
    }
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{}: {} arrivals/hour, AHT {}, load {:.2} Erlangs{}",
        calc.model(),
        fmt_count(desk.arrival_rate * HOUR),
        format_duration(desk.aht_s),
        p.load,
        calc.patience_s.map_or(String::new(), |x| format!(", mean patience {}", format_duration(x)))
    );
    let _ = writeln!(t, "{spread_line}");
    if let Some(line) = concurrency_line(calc) {
        let _ = writeln!(t, "{line}");
    }
    let _ = writeln!(t, "target: {targets}");
    let _ = writeln!(t, "required agents: {required}");
    if need.agents > need.for_target {
        let _ = writeln!(
            t,
            "  the service target alone needs {}; the occupancy cap of {:.0}% needs {}",
            need.for_target,
            calc.max_occupancy.unwrap_or(1.0) * 100.0,
            need.agents
        );
    }
    if let Some(n) = with_shrinkage {
        let _ = writeln!(t, "with {:.0}% shrinkage: {n} agents scheduled", calc.shrinkage.unwrap_or(0.0) * 100.0);
    }
    let _ = writeln!(
        t,
        "\n{:>7} {:>14} {:>8} {:>8} {:>8} {:>10}",
        "agents", "service level", "P(wait)", "ASA", "abandon", "occupancy"
    );
    let lo = agents.min(required).saturating_sub(2).max(1);
    let hi = agents.max(required).saturating_add(2).min(lo + 15);
    for n in lo..=hi {
        let q = calc.performance(desk, n);
        let _ = writeln!(
            t,
            "{:>7} {:>14} {:>8} {:>8} {:>8} {:>10}{}",
            n,
            format!("{:.1}%", q.service_level * 100.0),
            format!("{:.1}%", q.p_wait * 100.0),
            if q.asa_s.is_finite() { format_duration(q.asa_s) } else { "-".into() },
            format!("{:.1}%", q.abandon_rate * 100.0),
            format!("{:.1}%", q.occupancy * 100.0),
            match (n == required, args.agents == Some(n)) {
                (true, _) => "  <- required",
                (false, true) => "  <- asked",
                _ => "",
            }
        );
    }
    out(&t)
}

fn hours_per_week(args: &ErlangArgs) -> Option<f64> {
    args.hours.as_deref().and_then(|h| units::parse_hours(h).ok()).map(|s| s.total() / HOUR)
}

/// Ranges of volume or handle time: the requirement at the low end, the
/// middle and the high end (it grows with both, so the ends bound it).
fn band(
    args: &ErlangArgs,
    calc: &Calculator,
    points: &[(&str, Desk)],
    spread_line: &str,
    targets: &str,
) -> anyhow::Result<()> {
    let rows: Vec<(&str, &Desk, Requirement, Option<Performance>)> = points
        .iter()
        .map(|(name, desk)| (*name, desk, calc.required(desk), args.agents.map(|n| calc.performance(desk, n))))
        .collect();
    if args.json {
        let band: Vec<serde_json::Value> = rows
            .iter()
            .map(|(name, desk, need, asked)| {
                let mut v = json!({
                    "end": name,
                    "arrivals_per_hour": desk.arrival_rate * HOUR,
                    "aht_s": desk.aht_s,
                    "load_erlangs": desk.load(),
                    "required_agents": need.agents,
                    "required_for_target": need.for_target,
                });
                if let Some(n) = calc.scheduled(need.agents) {
                    v["agents_with_shrinkage"] = json!(n);
                }
                if let (Some(p), Some(n)) = (asked, args.agents) {
                    v["agents"] = json!(n);
                    v["meets_target"] = json!(calc.meets(desk, n));
                    v["service_level"] = json!(p.service_level);
                    v["asa_s"] = finite(p.asa_s);
                    v["abandon_rate"] = json!(p.abandon_rate);
                    v["occupancy"] = json!(p.occupancy);
                }
                v
            })
            .collect();
        let v = json!({
            "model": if calc.patience_s.is_some() { "erlang-a" } else { "erlang-c" },
            "open_hours_per_week": hours_per_week(args),
            "concurrency": calc.concurrency,
            "sla_target": calc.goal.service_level,
            "sla_within_s": calc.within_s,
            "asa_target_s": calc.goal.asa_s,
            "max_occupancy": calc.max_occupancy,
            "shrinkage": calc.shrinkage,
            "required_agents": rows.last().map(|r| r.2.agents),
            "band": band,
        });
        return out(&String::from_utf8(report::json::to_bytes(&v)?)?);
    }
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{}, a band from ranges: --volume {} --aht {}{}",
        calc.model(),
        args.volume.as_deref().unwrap_or_default(),
        args.aht.as_deref().unwrap_or_default(),
        calc.patience_s.map_or(String::new(), |x| format!(", mean patience {}", format_duration(x)))
    );
    let _ = writeln!(t, "{spread_line}");
    if let Some(line) = concurrency_line(calc) {
        let _ = writeln!(t, "{line}");
    }
    let _ = writeln!(t, "target: {targets}");
    let (lo, hi) = (rows[0].2.agents, rows[rows.len() - 1].2.agents);
    let _ = writeln!(t, "required agents: {lo}..{hi} (middle {})", rows[1].2.agents);
    let _ = write!(t, "\n{:<8} {:>14} {:>8} {:>8} {:>9}", "end", "arrivals/hour", "AHT", "load", "required");
    if let Some(s) = calc.shrinkage {
        let _ = write!(t, " {:>16}", format!("scheduled ({:.0}%)", s * 100.0));
    }
    if let Some(n) = args.agents {
        let _ = write!(t, " {:>18} {:>8}", format!("SL with {n} agents"), "ASA");
    }
    let _ = writeln!(t);
    for (name, desk, need, asked) in &rows {
        let _ = write!(
            t,
            "{:<8} {:>14} {:>8} {:>8.2} {:>9}",
            name,
            fmt_count(desk.arrival_rate * HOUR),
            format_duration(desk.aht_s),
            desk.load(),
            need.agents
        );
        if let Some(n) = calc.scheduled(need.agents) {
            let _ = write!(t, " {n:>16}");
        }
        if let Some(p) = asked {
            let asa = if p.asa_s.is_finite() { format_duration(p.asa_s) } else { "-".into() };
            let _ = write!(t, " {:>18} {:>8}", format!("{:.1}%", p.service_level * 100.0), asa);
        }
        let _ = writeln!(t);
    }
    let _ = writeln!(
        t,
        "\n{hi} agents meet the target anywhere in the ranges; {lo} only at their low end (the requirement grows with volume and handle time)."
    );
    out(&t)
}

/// The volume column's usual names in calculators and exports.
const VOLUME_COLUMNS: [&str; 9] =
    ["volume", "calls", "contacts", "tickets", "offered", "arrivals", "chats", "emails", "count"];
/// The handle-time column's usual names.
const AHT_COLUMNS: [&str; 4] = ["aht", "handle_time", "handle time", "aht_s"];

/// `--intervals FILE.csv`: a volume per interval in (and optionally a
/// handle time per interval), the same rows with the requirement out.
fn intervals(args: &ErlangArgs, calc: &Calculator, path: &std::path::Path, targets: &str) -> anyhow::Result<()> {
    let file = if path.as_os_str() == "-" { "standard input".to_string() } else { path.display().to_string() };
    let length = positive_duration("--interval", &args.interval, "30m")?;
    let text = if path.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| arg(format!("--intervals -: could not read standard input: {e}")))?
    } else {
        std::fs::read_to_string(path).map_err(|e| arg(format!("--intervals {file}: could not read it: {e}")))?
    };
    let mut reader = csv::ReaderBuilder::new().flexible(false).trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| arg(format!("{file}: not a CSV file: {e}")))?.clone();
    let mut records = Vec::new();
    for (i, r) in reader.records().enumerate() {
        records.push(r.map_err(|e| arg(format!("{file}: row {}: {e}", i + 2)))?);
    }
    if records.is_empty() {
        return Err(arg(format!(
            "{file}: no rows; give a header line and one row per interval, e.g. \"interval,volume\""
        ))
        .into());
    }
    let find = |names: &[&str]| headers.iter().position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)));
    let numeric = |c: usize| records.iter().all(|r| r.get(c).is_some_and(|v| v.parse::<f64>().is_ok()));
    let volume_col = find(&VOLUME_COLUMNS).or_else(|| {
        let numeric: Vec<usize> = (0..headers.len()).filter(|&c| numeric(c)).collect();
        (numeric.len() == 1).then(|| numeric[0])
    });
    let Some(volume_col) = volume_col else {
        return Err(arg(format!(
            "{file}: no volume column among {:?}; name it \"volume\" (the contacts arriving in each {} interval)",
            headers.iter().collect::<Vec<_>>(),
            format_duration(length)
        ))
        .into());
    };
    let aht_col = find(&AHT_COLUMNS);
    let flag_aht = match &args.aht {
        Some(t) => Some(positive_duration("--aht", t, "6m")?),
        None => None,
    };
    if aht_col.is_none() && flag_aht.is_none() {
        return Err(
            arg(format!("{file}: no handle time: give --aht 6m, or an \"aht\" column (seconds or e.g. 6m)")).into()
        );
    }
    let mut rows = Vec::with_capacity(records.len());
    for (i, r) in records.iter().enumerate() {
        let line = i + 2;
        let cell = r.get(volume_col).unwrap_or_default();
        let volume: f64 = cell.parse().ok().filter(|v: &f64| v.is_finite() && *v >= 0.0).ok_or_else(|| {
            arg(format!(
                "{file}: row {line}, column \"{}\": \"{cell}\" is not a volume (zero or more contacts)",
                &headers[volume_col]
            ))
        })?;
        let aht = match aht_col.map(|c| r.get(c).unwrap_or_default()) {
            Some(cell) if !cell.is_empty() => {
                let v = cell.parse::<f64>().or_else(|_| units::parse_duration(cell)).ok().filter(|v| *v > 0.0);
                v.ok_or_else(|| {
                    arg(format!(
                        "{file}: row {line}, column \"{}\": \"{cell}\" is not a handle time (seconds, or e.g. 6m)",
                        &headers[aht_col.unwrap_or_default()]
                    ))
                })?
            }
            _ => flag_aht.ok_or_else(|| {
                arg(format!("{file}: row {line}: the handle time is empty and no --aht is given for it"))
            })?,
        };
        let desk = calc.desk(volume / length, aht);
        calc.check_computable(&desk, || {
            format!("{file}: row {line}: {volume} contacts in {}", format_duration(length))
        })?;
        rows.push(desk);
    }
    let needs: Vec<Requirement> = rows.iter().map(|d| calc.required(d)).collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = headers.iter().map(String::from).collect();
    header.extend(["arrivals_per_hour", "load_erlangs", "required_agents"].map(String::from));
    if calc.shrinkage.is_some() {
        header.push("scheduled_agents".into());
    }
    header.extend(["service_level", "asa_s", "abandon_rate", "occupancy"].map(String::from));
    w.write_record(&header)?;
    for ((r, desk), need) in records.iter().zip(&rows).zip(&needs) {
        let p = calc.performance(desk, need.agents);
        let mut row: Vec<String> = r.iter().map(String::from).collect();
        row.push(format!("{:.4}", desk.arrival_rate * HOUR));
        row.push(format!("{:.4}", desk.load()));
        row.push(need.agents.to_string());
        if let Some(n) = calc.scheduled(need.agents) {
            row.push(n.to_string());
        }
        // An interval without contacts has no service level or wait to report.
        let contacts = desk.arrival_rate > 0.0;
        let asa = if contacts && p.asa_s.is_finite() { format!("{:.2}", p.asa_s) } else { String::new() };
        let sl = if contacts { format!("{:.4}", p.service_level) } else { String::new() };
        row.extend([sl, asa, format!("{:.4}", p.abandon_rate), format!("{:.4}", p.occupancy)]);
        w.write_record(&row)?;
    }
    let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    out(&String::from_utf8(bytes)?)?;
    // The summary goes to stderr, so stdout stays one CSV table.
    let (peak_row, peak) = needs
        .iter()
        .enumerate()
        .max_by_key(|(i, n)| (n.agents, std::cmp::Reverse(*i)))
        .map_or((0, 0), |(i, n)| (i, n.agents));
    let agent_hours: f64 = needs.iter().map(|n| f64::from(n.agents)).sum::<f64>() * length / HOUR;
    let volume: f64 = rows.iter().map(|d| d.arrival_rate * length).sum();
    if !args.quiet {
        eprintln!(
            "{}: {} intervals of {}, {} contacts; target: {targets}; peak {peak} agents (row {}{}), {} agent-hours on the queues{}",
            calc.model(),
            rows.len(),
            format_duration(length),
            fmt_count(volume),
            peak_row + 2,
            records[peak_row].get(0).filter(|_| volume_col != 0).map_or(String::new(), |l| format!(", {l}")),
            fmt_count((agent_hours * 10.0).round() / 10.0),
            calc.shrinkage.map_or(String::new(), |s| format!(
                ", {} paid with {:.0}% shrinkage",
                fmt_count((agent_hours / (1.0 - s) * 10.0).round() / 10.0),
                s * 100.0
            )),
        );
    }
    Ok(())
}
