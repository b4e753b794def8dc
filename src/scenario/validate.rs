//! Raw scenario file → validated [`Scenario`]. Every problem is collected (not
//! just the first) as a sentence naming the field path, the value and what
//! would be right: `queue "chat": sla.target = 1.3 must be between 0 and 1`.

use std::collections::HashSet;

use super::dated;
use super::file::{
    DemandFile, DistFile, OvertimeFile, PlanFile, QueueFile, ScenarioFile, ShiftFile, ShiftTemplateFile,
    SimulationFile, TeamFile,
};
use super::units::{self, DAY, HOUR, WEEK, WeeklySpans};
use super::{
    Assumption, BreakRule, Callback, Channel, Demand, Discipline, Dist, DistKind, InitialBacklog, MAX_SPEED_FACTOR,
    Policy, PolicyPlan, Queue, RateSchedule, Replies, Scenario, Shift, ShiftTemplate, Simulation, Sla, SlaClock, Stale,
    Switching, Team, Transfer, Uncertain, shapes,
};
use super::{Outbound, ScheduledCallbacks};

/// One problem found: the field path it is at (empty when no one field is to
/// blame) and the sentence saying what is wrong and what would be right.
pub(super) struct Problem {
    pub at: String,
    pub message: String,
}

impl Problem {
    /// A sentence `PATH: message` from the dated-event and capacity-plan
    /// checks, which name their path first, split into the two.
    fn from_sentence(sentence: String) -> Problem {
        match path_end(&sentence) {
            Some(end) => Problem { at: sentence[..end].to_string(), message: sentence[end + 2..].to_string() },
            None => Problem { at: String::new(), message: sentence },
        }
    }

    /// The problem as the user reads it: `PATH: message`.
    pub fn text(&self) -> String {
        if self.at.is_empty() { self.message.clone() } else { format!("{}: {}", self.at, self.message) }
    }
}

/// Where the path of `event[2] "launch".date: message` or
/// `plan.start: message` ends: at the first `": "` outside quotes.
fn path_end(sentence: &str) -> Option<usize> {
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in sentence.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            ':' if !quoted && sentence[i + 1..].starts_with(' ') => return Some(i),
            ' ' if !quoted && !sentence[i + 1..].starts_with('"') => return None,
            _ => {}
        }
    }
    None
}

/// Collects problems with their field paths.
#[derive(Default)]
struct Problems(Vec<Problem>);

impl Problems {
    fn add(&mut self, at: &str, message: impl AsRef<str>) {
        self.0.push(Problem { at: at.to_string(), message: message.as_ref().to_string() });
    }

    /// Adds sentences that start with their path (see [`Problem::from_sentence`]).
    fn extend_sentences(&mut self, sentences: Vec<String>) {
        self.0.extend(sentences.into_iter().map(Problem::from_sentence));
    }

    /// Runs a parser, records its error at `at`, and returns the value if any.
    fn take<T>(&mut self, at: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(at, e);
                None
            }
        }
    }
}

/// Highest team shrinkage accepted (`erlang --shrinkage` has the same bound).
pub const MAX_SHRINKAGE: f64 = 0.95;

/// Longest scenario name, in bytes (it names the output folder).
const MAX_SCENARIO_NAME: usize = 100;

/// A name as messages show it: control characters (and quotes) escaped, so
/// a message never carries a terminal escape sequence or a raw newline.
fn shown(name: &str) -> String {
    name.escape_debug().to_string()
}

/// A queue's SLA: `within` and `target` together (a share answered in
/// time), `average` (a mean wait of answered customers), or all three.
/// An average-only SLA takes its average as the deadline `within`.
fn sla(f: &super::file::SlaFile, at: &str, p: &mut Problems) -> Option<Sla> {
    let fix = "give { within = \"1h\", target = 0.8 } (80 % answered within an hour), \
               { average = \"10m\" } (a mean wait of at most 10 minutes), or both";
    let average = f.average.as_deref().and_then(|text| {
        let value = p.take(
            &format!("{at}: sla.average"),
            units::parse_duration(text).map_err(|e| {
                if text.trim().starts_with('-') {
                    format!("\"{text}\" must be longer than zero (a mean wait such as \"10m\")")
                } else {
                    e
                }
            }),
        )?;
        if value <= 0.0 {
            p.add(
                &format!("{at}: sla.average"),
                format!("\"{text}\" must be longer than zero (a mean wait such as \"10m\")"),
            );
            return None;
        }
        Some(value)
    });
    let within = f.within.as_deref().and_then(|text| p.take(&format!("{at}: sla.within"), units::parse_duration(text)));
    if let Some(t) = f.target
        && !(0.0..=1.0).contains(&t)
    {
        p.add(&format!("{at}: sla.target"), format!("{t} must be between 0 and 1 (0.8 means 80 %)"));
    }
    match (&f.within, f.target, &f.average) {
        (None, None, None) => {
            p.add(&format!("{at}: sla"), format!("no target is given; {fix}"));
            None
        }
        (Some(w), None, _) => {
            p.add(
                &format!("{at}: sla.target"),
                format!(
                    "is missing: sla.within = \"{w}\" needs the share to answer within it (target = 0.8 means 80 %)"
                ),
            );
            None
        }
        (None, Some(t), _) => {
            let also = if f.average.is_some() { "; or drop target to judge the average alone" } else { "" };
            p.add(
                &format!("{at}: sla.within"),
                format!("is missing: sla.target = {t} needs the time to answer within (such as within = \"1h\"){also}"),
            );
            None
        }
        (None, None, Some(_)) => Some(Sla { within: average?, target: None, average: Some(average?) }),
        (Some(_), Some(t), a) => {
            let average = match a {
                Some(_) => Some(average?),
                None => None,
            };
            Some(Sla { within: within?, target: Some(t), average })
        }
    }
}

/// Refuses a queue or team name with control characters: they break the
/// SVG charts (XML forbids most of them) and the terminal table, and a
/// tab or newline in a name is always a typing accident.
fn printable_name(name: &str, at: &str, p: &mut Problems) {
    if name.chars().any(char::is_control) {
        p.add(at, "the name contains a control character (such as a tab, a newline or an escape); use printable text");
    }
}

pub(super) fn validate(raw: ScenarioFile) -> Result<Scenario, Vec<Problem>> {
    let mut p = Problems::default();
    let name = raw.name.trim().to_string();
    if name.is_empty()
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        || name.starts_with('.')
    {
        p.add(
            "name",
            format!(
                "\"{}\" cannot name the output folder; use letters, digits, '-', '_' or '.', e.g. \"smb-desk\"",
                shown(&raw.name)
            ),
        );
    } else if name.len() > MAX_SCENARIO_NAME {
        // The name becomes a folder name, and file systems stop at 255 bytes;
        // found after simulating, that would waste the whole run.
        p.add(
            "name",
            format!(
                "\"{}…\" is {} characters long; it names the output folder, so keep it to at most {MAX_SCENARIO_NAME}",
                &name[..20],
                name.len()
            ),
        );
    }
    let simulation = simulation(&raw.simulation, &mut p);
    let desk_offset = simulation.as_ref().map_or(0.0, |s| s.utc_offset);

    if raw.queues.is_empty() {
        p.add("", "no [[queue]] is defined; a desk needs at least one queue");
    }
    let mut seen = HashSet::new();
    for q in &raw.queues {
        if !seen.insert(q.name.as_str()) {
            p.add(
                &format!("queue \"{}\"", shown(&q.name)),
                "the name is used by another queue; queue names must be unique",
            );
        }
    }
    let mut assumptions = Vec::new();
    let demand = raw.demand.as_ref().and_then(|d| demand(d, &mut p, &mut assumptions));
    let queues: Vec<Option<Queue>> =
        raw.queues.iter().enumerate().map(|(i, q)| queue(q, i, demand, &mut p, &mut assumptions)).collect();
    if demand.is_some() {
        let total: f64 = raw.queues.iter().filter_map(|q| q.share).sum();
        if raw.queues.iter().any(|q| q.share.is_some()) && (total - 1.0).abs() > 0.01 && total > 1.0 {
            p.add(
                "queue shares",
                format!("add up to {total:.2}; the shares of the [demand] contacts can add up to at most 1"),
            );
        }
    }

    let mut seen = HashSet::new();
    for t in &raw.teams {
        if !seen.insert(t.name.as_str()) {
            p.add(
                &format!("team \"{}\"", shown(&t.name)),
                "the name is used by another team; team names must be unique",
            );
        }
    }
    let queue_names: Vec<&str> = raw.queues.iter().map(|q| q.name.as_str()).collect();
    let mut queues = queues;
    for (i, q) in raw.queues.iter().enumerate() {
        let Some(cb) = &q.callback else { continue };
        let at = format!("queue \"{}\": callback.queue", shown(&q.name));
        match raw.queues.iter().position(|r| r.name == cb.queue) {
            None => p.add(
                &at,
                format!(
                    "\"{}\" is not a queue; add a [[queue]] with channel = \"callback\" to receive the callbacks",
                    shown(&cb.queue)
                ),
            ),
            Some(j) if !raw.queues[j].channel.trim().eq_ignore_ascii_case("callback") => p.add(
                &at,
                format!(
                    "\"{}\" has channel {}; callbacks go to a queue with channel = \"callback\"",
                    cb.queue, raw.queues[j].channel
                ),
            ),
            Some(j) => {
                if let Some(Some(queue)) = queues.get_mut(i) {
                    queue.callback = Some(Callback { queue: j, share: cb.share });
                }
            }
        }
    }
    for (i, q) in raw.queues.iter().enumerate() {
        for (k, t) in q.transfers.iter().enumerate() {
            let at = format!("queue \"{}\": transfers[{}].to", shown(&q.name), k + 1);
            match raw.queues.iter().position(|r| r.name == t.to) {
                None => p.add(
                    &at,
                    format!(
                        "\"{}\" is not a queue; known queues: {}{}",
                        shown(&t.to),
                        queue_names.join(", "),
                        super::suggest::did_you_mean(&t.to, queue_names.iter().copied())
                    ),
                ),
                Some(j) if j == i => {
                    p.add(&at, "a queue cannot transfer to itself; a customer who writes again is `replies`")
                }
                Some(j) if raw.queues[j].channel.trim().eq_ignore_ascii_case("outbound") => p.add(
                    &at,
                    format!(
                        "\"{}\" is an outbound call list; tickets are transferred to queues customers wait in",
                        shown(&t.to)
                    ),
                ),
                Some(j) => {
                    if let Some(Some(queue)) = queues.get_mut(i) {
                        queue.transfers[k].to = j;
                    }
                }
            }
        }
    }
    if p.0.is_empty() {
        endless_transfers(&raw, &queues, &mut p);
    }
    let mut teams: Vec<Option<Team>> = raw.teams.iter().map(|t| team(t, &queue_names, desk_offset, &mut p)).collect();
    for (t, team) in raw.teams.iter().zip(&teams) {
        let Some(team) = team else { continue };
        let dials = team.skills.iter().any(|&q| raw.queues[q].channel.trim().eq_ignore_ascii_case("outbound"));
        let reserved = t.shifts.iter().flatten().position(|s| s.outbound_only);
        if let (Some(k), false) = (reserved, dials) {
            p.add(
                &format!("team \"{}\": shifts[{}].outbound_only", shown(&t.name), k + 1),
                "the team has no outbound queue among its skills, so a reserved outbound block would leave \
                 these agents idle; add an outbound queue to skills or remove outbound_only",
            );
        }
    }
    for (k, o) in raw.overtime.iter().enumerate() {
        let at = format!("overtime[{}]", k + 1);
        match raw.teams.iter().position(|t| t.name == o.team) {
            None => {
                let names: Vec<&str> = raw.teams.iter().map(|t| t.name.as_str()).collect();
                p.add(
                    &format!("{at}.team"),
                    format!("\"{}\" is not a team; known teams: {}", shown(&o.team), names.join(", ")),
                );
            }
            Some(t) => {
                let tz = raw.teams[t].timezone.as_deref().map(units::parse_utc_offset);
                let team_offset = match tz {
                    Some(Ok(off)) => off,
                    _ => desk_offset,
                };
                if let Some(shift) = overtime(o, &at, desk_offset - team_offset, &mut p)
                    && let Some(Some(team)) = teams.get_mut(t)
                {
                    team.shifts.push(shift);
                }
            }
        }
    }
    let events = dated_events(&raw, simulation.as_ref(), &mut queues, &mut teams, &mut p);
    let plans = plans(&raw, &mut p);
    let plan_names: Vec<&str> = raw.policies.keys().map(String::as_str).collect();
    let policy = match &raw.policy {
        None => Policy::PerQueue,
        Some(pf) => match super::find_policy(&pf.order, &plan_names) {
            Ok(policy) => policy,
            Err(e) => {
                p.add("policy.order", e);
                Policy::PerQueue
            }
        },
    };
    let team_names: Vec<&str> = raw.teams.iter().map(|t| t.name.as_str()).collect();
    let capacity_plan = raw.plan.as_ref().and_then(|section| {
        let (plan, problems) = super::plan::validate(section, &team_names);
        p.extend_sentences(problems);
        plan
    });

    if !p.0.is_empty() {
        return Err(p.0);
    }
    // No problems were recorded, so every part was built.
    let (Some(simulation), Some(queues), Some(teams)) =
        (simulation, queues.into_iter().collect::<Option<Vec<_>>>(), teams.into_iter().collect::<Option<Vec<_>>>())
    else {
        let message = "internal: a part failed validation without a message".into();
        return Err(vec![Problem { at: String::new(), message }]);
    };
    Ok(Scenario {
        name,
        description: raw.description.unwrap_or_default().trim().to_string(),
        simulation,
        queues,
        teams,
        policy,
        plans,
        demand,
        assumptions,
        capacity_plan,
        events,
    })
}

/// Refuses transfers in which some ticket can never be resolved: a set of
/// queues that send every answered ticket on to each other (shares adding up
/// to 1 all round) would pass tickets between them for ever.
fn endless_transfers(raw: &ScenarioFile, queues: &[Option<Queue>], p: &mut Problems) {
    let built: Option<Vec<&Queue>> = queues.iter().map(Option::as_ref).collect();
    let Some(queues) = built else { return };
    // A queue resolves tickets if some answers stay there, or if it moves
    // some to a queue that does: a fixed point over the transfer graph.
    let mut resolves: Vec<bool> =
        queues.iter().map(|q| q.transfers.iter().map(|t| t.share).sum::<f64>() < 1.0 - 1e-9).collect();
    loop {
        let mut changed = false;
        for (i, q) in queues.iter().enumerate() {
            if !resolves[i] && q.transfers.iter().any(|t| resolves[t.to]) {
                resolves[i] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let stuck: Vec<&str> =
        raw.queues.iter().zip(&resolves).filter(|(_, r)| !**r).map(|(q, _)| q.name.as_str()).collect();
    if !stuck.is_empty() {
        p.add(
            &format!("queue \"{}\": transfers", shown(stuck[0])),
            format!(
                "tickets of {} are transferred on for ever (every answer moves on, shares adding up to 1, \
                 and none reaches a queue that keeps some); lower a share so some tickets are resolved",
                stuck.join(", ")
            ),
        );
    }
}

/// Reads the `[[event]]` tables (see [`dated`]) and applies them: holidays
/// to the queues' hours and the teams' duty, spikes to the arrivals, extra
/// staff as temporary duty groups. Returns the events in words.
fn dated_events(
    raw: &ScenarioFile,
    simulation: Option<&Simulation>,
    queues: &mut [Option<Queue>],
    teams: &mut [Option<Team>],
    p: &mut Problems,
) -> Vec<String> {
    if raw.events.is_empty() {
        return Vec::new();
    }
    // Without a valid [simulation] its problem is already reported.
    let Some(sim) = simulation else { return Vec::new() };
    let queue_names: Vec<&str> = raw.queues.iter().map(|q| q.name.as_str()).collect();
    let team_names: Vec<&str> = raw.teams.iter().map(|t| t.name.as_str()).collect();
    let expected = |q: usize, a: f64, b: f64| {
        queues
            .get(q)
            .and_then(Option::as_ref)
            .map_or(0.0, |queue| queue.arrivals.expected_between(sim.start + a, sim.start + b))
    };
    let desk = dated::Desk {
        anchor: sim.date,
        start: sim.start,
        horizon: sim.horizon,
        queue_names: &queue_names,
        team_names: &team_names,
        expected: &expected,
    };
    let mut sentences = Vec::new();
    let plan = dated::plan(&raw.events, &desk, &mut sentences);
    p.extend_sentences(sentences);
    for (q, queue) in queues.iter_mut().enumerate() {
        if let Some(queue) = queue {
            queue.dated_hours = plan.queue_masks[q].clone();
            queue.dated_volume = plan.queue_volume[q].clone();
        }
    }
    for (t, team) in teams.iter_mut().enumerate() {
        let Some(team) = team else { continue };
        for shift in &mut team.shifts {
            shift.dated = plan.duty_mask(t, None, sim.start, sim.horizon);
        }
        for x in plan.staff.iter().filter(|x| x.team == t) {
            team.shifts.push(Shift {
                label: x.label.clone(),
                agents: x.agents,
                attendance: x.duty.clone(),
                duty: x.duty.clone(),
                overtime: true,
                dated: plan.duty_mask(t, Some((x.from, x.to)), sim.start, sim.horizon),
                temporary: true,
                outbound_only: false,
            });
        }
    }
    plan.descriptions
}

/// Longest plan name: it labels a row of `compare`'s tables.
const MAX_PLAN_NAME: usize = 24;

/// The `[policies.NAME]` plans, in name order (the index of `Policy::Plan`).
fn plans(raw: &ScenarioFile, p: &mut Problems) -> Vec<PolicyPlan> {
    let names: Vec<&str> = raw.policies.keys().map(String::as_str).collect();
    let mut out = Vec::new();
    for (name, plan) in &raw.policies {
        let at = format!("policies.{}", shown(name));
        if name.parse::<Policy>().is_ok() {
            p.add(
                &at,
                format!(
                    "\"{}\" is the name of a built-in order ({}); name the plan something else, e.g. \"{}-nights\"",
                    shown(name),
                    Policy::NAMES,
                    shown(name)
                ),
            );
        } else if name.eq_ignore_ascii_case("all") {
            p.add(&at, "\"all\" is reserved (compare --policies all); name the plan something else");
        } else if name.trim().is_empty() || name.trim() != name || name.chars().any(|c| c.is_control() || c == ',') {
            p.add(
                &at,
                format!(
                    "\"{}\" cannot name a plan: use printable text without commas or surrounding spaces \
                     (compare --policies is a comma-separated list), e.g. \"office-lifo\"",
                    shown(name)
                ),
            );
        } else if name.chars().count() > MAX_PLAN_NAME {
            p.add(
                &at,
                format!("the name is {} characters long; keep it to at most {MAX_PLAN_NAME}", name.chars().count()),
            );
        }
        let order = |text: &str| -> Result<Policy, String> {
            match text.parse::<Policy>() {
                Ok(policy) => Ok(policy),
                Err(_) if names.contains(&text.trim()) => Err(format!(
                    "\"{}\" is a plan; a plan's orders must be built-in orders ({}), as plans cannot refer to plans: \
                     copy that plan's hours or rule here instead",
                    shown(text),
                    Policy::NAMES
                )),
                Err(_) => Err(format!(
                    "\"{}\" is not an order; expected one of {}{}",
                    shown(text),
                    Policy::NAMES,
                    super::suggest::did_you_mean(text, Policy::NAMES.split(", "))
                )),
            }
        };
        if let Some(rule) = switching(plan, &at, &order, p) {
            out.push(PolicyPlan { name: name.clone(), rule });
        }
    }
    out
}

/// A queue's `discipline`: a name, or a table in the form of a plan whose
/// orders are disciplines.
fn discipline(value: &toml::Value, at: &str, p: &mut Problems) -> Option<Switching<Discipline>> {
    let name = |d: &str| -> Result<Discipline, String> {
        d.parse::<Discipline>().map_err(|_| {
            format!(
                "\"{}\" is not a discipline; expected one of {}{}",
                shown(d),
                Discipline::NAMES,
                super::suggest::did_you_mean(d, Discipline::NAMES.split(", "))
            )
        })
    };
    match value {
        toml::Value::String(d) => p.take(at, name(d)).map(Switching::Fixed),
        toml::Value::Table(_) => match value.clone().try_into::<PlanFile>() {
            Ok(plan) => switching(&plan, at, &name, p),
            Err(e) => {
                p.add(
                    at,
                    format!(
                        "{}; a discipline that changes is {{ default = \"fifo\", during = [{{ hours = \"...\", order = \"lifo\" }}] }} \
                         or {{ order = \"lifo\", while_backlog_above = 50, otherwise = \"fifo\" }}",
                        e.to_string().trim_end()
                    ),
                );
                None
            }
        },
        other => {
            p.add(at, format!("{other} is neither a discipline name ({}) nor a table", Discipline::NAMES));
            None
        }
    }
}

/// A plan table as a [`Switching`]: by the desk clock (`default`, `during`)
/// or a switch rule on the backlog (`order`, `while_backlog_above`,
/// `back_below`, `otherwise`). `value` reads one order name.
fn switching<T: Copy + PartialEq>(
    f: &PlanFile,
    at: &str,
    value: &dyn Fn(&str) -> Result<T, String>,
    p: &mut Problems,
) -> Option<Switching<T>> {
    let before = p.0.len();
    let by_hours = f.default.is_some() || f.during.is_some();
    let by_backlog =
        f.order.is_some() || f.while_backlog_above.is_some() || f.back_below.is_some() || f.otherwise.is_some();
    let forms = "give default and during (an order by the desk clock), or order, while_backlog_above and otherwise \
                 (a switch rule on the backlog)";
    match (by_hours, by_backlog) {
        (true, true) => {
            p.add(at, format!("mixes the two forms of a plan; {forms}, not both"));
            None
        }
        (false, false) => {
            p.add(
                at,
                format!(
                    "is empty; {forms}, e.g. default = \"fifo\", during = [{{ hours = \"mon-fri 08:00-18:00\", order = \"lifo\" }}]"
                ),
            );
            None
        }
        (true, false) => {
            let default = match &f.default {
                Some(d) => p.take(&format!("{at}.default"), value(d)),
                None => {
                    p.add(
                        &format!("{at}.default"),
                        "is missing: the order outside the during hours, e.g. default = \"fifo\"",
                    );
                    None
                }
            };
            let during = f.during.as_deref().unwrap_or_default();
            if f.during.is_none() {
                p.add(
                    &format!("{at}.during"),
                    "is missing: the hours with another order, e.g. during = [{ hours = \"mon-fri 08:00-18:00\", order = \"lifo\" }]",
                );
            }
            let mut entries: Vec<(WeeklySpans, T)> = Vec::new();
            for (i, d) in during.iter().enumerate() {
                let here = format!("{at}.during[{}]", i + 1);
                let hours = p.take(&format!("{here}.hours"), units::parse_hours(&d.hours));
                let order = p.take(&format!("{here}.order"), value(&d.order));
                let Some(hours) = hours else { continue };
                if hours.is_never() {
                    p.add(&format!("{here}.hours"), format!("\"{}\" covers no time; give at least one span", d.hours));
                    continue;
                }
                for (k, (earlier, _)) in entries.iter().enumerate() {
                    let both = hours.minus(&hours.minus(earlier));
                    if !both.is_never() {
                        p.add(
                            &format!("{here}.hours"),
                            format!(
                                "\"{}\" overlaps during[{}] (\"{}\") on {}; each hour can have only one order, \
                                 so split the hours so that they do not overlap",
                                d.hours,
                                k + 1,
                                during[k].hours,
                                both.describe()
                            ),
                        );
                    }
                }
                if let Some(order) = order {
                    entries.push((hours, order));
                }
            }
            if p.0.len() > before {
                return None;
            }
            let default = default?;
            let mut cuts: Vec<f64> = vec![0.0, WEEK];
            for (hours, _) in &entries {
                for &(s, e) in hours.spans() {
                    cuts.extend([s, e]);
                }
            }
            cuts.sort_by(f64::total_cmp);
            cuts.dedup();
            // Each piece remembers which entry it came from (None: the
            // default), so the pieces of one entry that touch are one piece.
            let mut pieces: Vec<(f64, f64, T, Option<usize>)> = Vec::new();
            for w in cuts.windows(2) {
                let mid = (w[0] + w[1]) / 2.0;
                let source = entries.iter().position(|(hours, _)| hours.contains(mid));
                let v = source.map_or(default, |k| entries[k].1);
                match pieces.last_mut() {
                    Some(last) if last.3 == source => last.1 = w[1],
                    _ => pieces.push((w[0], w[1], v, source)),
                }
            }
            Some(Switching::Hours(pieces.into_iter().map(|(s, e, v, _)| (s, e, v)).collect()))
        }
        (false, true) => {
            let required = |field: &str, text: &Option<String>, example: &str, p: &mut Problems| match text {
                Some(t) => p.take(&format!("{at}.{field}"), value(t)),
                None => {
                    p.add(&format!("{at}.{field}"), format!("is missing, e.g. {field} = \"{example}\""));
                    None
                }
            };
            let order = required("order", &f.order, "lifo", p);
            let otherwise = required("otherwise", &f.otherwise, "fifo", p);
            const MAX: i64 = 10_000_000;
            let above = match f.while_backlog_above {
                None => {
                    p.add(
                        &format!("{at}.while_backlog_above"),
                        "is missing: the order applies once more tickets than this wait, e.g. while_backlog_above = 200",
                    );
                    None
                }
                Some(n) if !(0..=MAX).contains(&n) => {
                    p.add(
                        &format!("{at}.while_backlog_above"),
                        format!("{n} must be between 0 and {MAX} (tickets waiting)"),
                    );
                    None
                }
                Some(n) => Some(n),
            };
            let back_below = f.back_below.or(above);
            if let (Some(b), Some(a)) = (back_below, above)
                && !(0..=a).contains(&b)
            {
                p.add(
                    &format!("{at}.back_below"),
                    format!(
                        "{b} must be zero or more and at most while_backlog_above ({a}): the rule switches back \
                         once the backlog has fallen to back_below tickets or fewer"
                    ),
                );
            }
            if let (None, Some(b)) = (above, f.back_below)
                && b < 0
            {
                p.add(&format!("{at}.back_below"), format!("{b} must be zero or more"));
            }
            if p.0.len() > before {
                return None;
            }
            Some(Switching::Backlog {
                order: order?,
                above: above? as u32,
                back_below: back_below? as u32,
                otherwise: otherwise?,
            })
        }
    }
}

fn demand(d: &DemandFile, p: &mut Problems, assumptions: &mut Vec<Assumption>) -> Option<Demand> {
    let customers = match &d.customers {
        toml::Value::Integer(n) => Some((*n as f64, *n as f64)),
        toml::Value::Float(x) => Some((*x, *x)),
        toml::Value::String(text) => {
            let (a, b) = units::split_range(text);
            match (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
                (Ok(lo), Ok(hi)) if lo <= hi => Some((lo, hi)),
                _ => {
                    p.add("demand.customers", format!("\"{text}\" is not a number or a range like \"10000..14000\""));
                    None
                }
            }
        }
        other => {
            p.add("demand.customers", format!("{other} is not a number or a range like \"10000..14000\""));
            None
        }
    };
    if let Some((lo, _)) = customers
        && !(lo.is_finite() && lo >= 0.0)
    {
        p.add("demand.customers", "must be zero or more");
        return None;
    }
    let rate = p.take("demand.contacts_per_customer", units::parse_volume_range(&d.contacts_per_customer));
    let ((c_lo, c_hi), (r_lo, r_hi)) = (customers?, rate?);
    let (r_lo, r_hi) = (r_lo.per_week(), r_hi.per_week());
    if c_hi > c_lo {
        assumptions.push(Assumption {
            what: Uncertain::Customers,
            low: c_lo,
            high: c_hi,
            label: "demand: customers".into(),
        });
    }
    if r_hi > r_lo {
        assumptions.push(Assumption {
            what: Uncertain::ContactRate,
            low: r_lo,
            high: r_hi,
            label: "demand: contacts_per_customer".into(),
        });
    }
    Some(Demand { customers: (c_lo + c_hi) / 2.0, contacts_per_week: (r_lo + r_hi) / 2.0 })
}

fn simulation(s: &SimulationFile, p: &mut Problems) -> Option<Simulation> {
    let start_text = s.start.as_deref().unwrap_or("mon 00:00");
    let (start, date) = if dated::looks_like_date(start_text) {
        match dated::parse_date_time(start_text) {
            Ok((day, clock)) if clock.unwrap_or(0.0) < DAY => {
                let clock = clock.unwrap_or(0.0);
                (Some(dated::weekday(day) as f64 * DAY + clock), Some(dated::Anchor { day, clock }))
            }
            Ok(_) => {
                p.add("simulation.start", format!("\"{start_text}\": a start clock time is at most 23:59"));
                (None, None)
            }
            Err(why) => {
                p.add("simulation.start", why);
                (None, None)
            }
        }
    } else {
        let parsed = units::parse_start(start_text)
            .map_err(|e| format!("{e}, or a date and time like \"2026-12-07 00:00\" (for dated events)"));
        (p.take("simulation.start", parsed), None)
    };
    let horizon = p.take("simulation.horizon", units::parse_duration(&s.horizon));
    let warmup = p.take("simulation.warmup", units::parse_duration(s.warmup.as_deref().unwrap_or("0s")));
    let interval = p.take("simulation.interval", units::parse_duration(s.interval.as_deref().unwrap_or("30m")));
    let utc_offset = p.take("simulation.timezone", units::parse_utc_offset(s.timezone.as_deref().unwrap_or("+00:00")));
    let replications = s.replications.unwrap_or(10);
    if !(1..=100_000).contains(&replications) {
        p.add("simulation.replications", format!("{replications} must be between 1 and 100000"));
    }
    let seed = s.seed.unwrap_or(1);
    let clear_below = s.clear_below.unwrap_or(0);
    if !(0..=10_000_000).contains(&clear_below) {
        p.add("simulation.clear_below", format!("{clear_below} must be between 0 and 10000000"));
    }
    if seed < 0 {
        p.add("simulation.seed", format!("{seed} must be zero or more"));
    }
    let (Some(start), Some(horizon), Some(warmup), Some(interval), Some(utc_offset)) =
        (start, horizon, warmup, interval, utc_offset)
    else {
        return None;
    };
    let mut ok = true;
    if horizon <= 0.0 {
        p.add("simulation.horizon", format!("\"{}\" must be longer than zero", s.horizon));
        ok = false;
    }
    if interval <= 0.0 {
        p.add("simulation.interval", "must be longer than zero, e.g. \"30m\"");
        ok = false;
    }
    if ok && warmup >= horizon {
        p.add(
            "simulation.warmup",
            format!(
                "\"{}\" must be shorter than the horizon \"{}\" (statistics cover the time after warm-up)",
                units::format_duration(warmup),
                units::format_duration(horizon)
            ),
        );
        ok = false;
    }
    let whole = |x: f64| (x / interval - (x / interval).round()).abs() < 1e-9;
    if ok && !whole(horizon) {
        p.add(
            "simulation.horizon",
            format!(
                "\"{}\" must be a whole number of intervals (interval = \"{}\")",
                s.horizon,
                units::format_duration(interval)
            ),
        );
        ok = false;
    }
    if ok && !whole(warmup) {
        p.add(
            "simulation.warmup",
            format!(
                "\"{}\" must be a whole number of intervals (interval = \"{}\")",
                units::format_duration(warmup),
                units::format_duration(interval)
            ),
        );
        ok = false;
    }
    if ok && (horizon - warmup) / interval > 2_000_000.0 {
        p.add("simulation.interval", "gives more than 2 million reporting intervals; use a longer interval");
        ok = false;
    }
    let clear_by = match (&s.clear_by, date) {
        (None, _) => None,
        (Some(text), None) => {
            p.add(
                "simulation.clear_by",
                format!(
                    "\"{text}\" is a date but the simulation has none; set start to a date too, e.g. start = \"2026-12-07 00:00\""
                ),
            );
            ok = false;
            None
        }
        (Some(text), Some(anchor)) => match dated::parse_date_time(text) {
            Err(why) => {
                p.add("simulation.clear_by", why);
                ok = false;
                None
            }
            Ok((day, clock)) => {
                // A bare date means by the end of that day.
                let t = clock.map_or_else(|| anchor.time_of(day + 1, 0.0), |c| anchor.time_of(day, c));
                if ok && (t <= 0.0 || t > horizon) {
                    p.add(
                        "simulation.clear_by",
                        format!(
                            "\"{text}\" is outside the simulation, which runs from {} to {}; pick a date inside it or lengthen the horizon",
                            anchor.format_short(0.0),
                            anchor.format_short(horizon)
                        ),
                    );
                    ok = false;
                }
                Some(t)
            }
        },
    };
    (ok && (1..=100_000).contains(&replications) && seed >= 0 && (0..=10_000_000).contains(&clear_below)).then_some(
        Simulation {
            start,
            horizon,
            warmup,
            interval,
            replications: replications as u32,
            clear_below: clear_below as u32,
            seed: seed as u64,
            utc_offset,
            date,
            clear_by,
        },
    )
}

fn queue(
    q: &QueueFile,
    index: usize,
    demand: Option<Demand>,
    p: &mut Problems,
    assumptions: &mut Vec<Assumption>,
) -> Option<Queue> {
    let at = format!("queue \"{}\"", shown(&q.name));
    let before = p.0.len();
    if q.name.trim().is_empty() || q.name == "all" {
        p.add(&at, "a queue needs a name, and \"all\" is reserved for the desk's totals");
    }
    printable_name(&q.name, &at, p);
    let channel = q.channel.parse::<Channel>().ok();
    if channel.is_none() {
        p.add(
            &format!("{at}: channel"),
            format!(
                "\"{}\" is not a channel; expected one of {}{}",
                q.channel,
                Channel::NAMES,
                super::suggest::did_you_mean(&q.channel, Channel::NAMES.split(", "))
            ),
        );
    }
    let volume: Option<f64> = match (&q.volume, q.share) {
        (Some(_), Some(_)) => {
            p.add(&at, "give either volume or share (of the [demand] contacts), not both");
            None
        }
        (None, None) => {
            p.add(&at, "give volume = \"COUNT/UNIT\" (e.g. \"2000/week\") or share = 0.3 with a [demand] section");
            None
        }
        (Some(v), None) => p.take(&format!("{at}: volume"), units::parse_volume_range(v)).map(|(lo, hi)| {
            let (lo, hi) = (lo.per_week(), hi.per_week());
            if hi > lo {
                assumptions.push(Assumption {
                    what: Uncertain::Volume(index),
                    low: lo,
                    high: hi,
                    label: format!("{at}: volume"),
                });
            }
            (lo + hi) / 2.0
        }),
        (None, Some(share)) => match demand {
            _ if !(share > 0.0 && share <= 1.0) => {
                p.add(
                    &format!("{at}: share"),
                    format!("{share} must be above 0 and at most 1 (0.35 = 35 % of all contacts)"),
                );
                None
            }
            None => {
                p.add(&format!("{at}: share"), "needs a [demand] section with customers and contacts_per_customer");
                None
            }
            Some(d) => Some(d.weekly_contacts() * share),
        },
    };
    // A count near the largest number becomes infinite once turned into a
    // weekly volume ("1e308/hour"), as can customers × contacts.
    let volume = volume.filter(|v| {
        if !v.is_finite() {
            let (field, given) = match &q.volume {
                Some(text) => ("volume", format!("\"{text}\"")),
                None => ("share", "the [demand] contacts times this share".to_string()),
            };
            p.add(
                &format!("{at}: {field}"),
                format!(
                    "{given} is more tickets a week than can be counted; give a realistic volume such as \"2000/week\""
                ),
            );
        }
        v.is_finite()
    });
    let hours = match &q.hours {
        Some(h) => p.take(&format!("{at}: hours"), units::parse_hours(h)),
        None => Some(WeeklySpans::always()),
    };
    if hours.as_ref().is_some_and(WeeklySpans::is_never) {
        p.add(&format!("{at}: hours"), "the queue is never open; give at least one opening span");
    }
    let profile = q.profile.as_ref().and_then(|v| {
        weights::<24>(v, &format!("{at}: profile"), "hourly", shapes::profile, &shapes::profile_names(), p)
    });
    let weekly = match &q.weekly {
        Some(v) => {
            weights::<7>(v, &format!("{at}: weekly"), "daily (Mon..Sun)", shapes::weekly, &shapes::weekly_names(), p)
        }
        None => Some([1.0; 7]),
    };
    let mut handle_range = None;
    let mut patience_range = None;
    let handle_time = dist(&q.handle_time, &format!("{at}: handle_time"), p, &mut handle_range);
    let patience = q.patience.as_ref().map(|d| dist(d, &format!("{at}: patience"), p, &mut patience_range));
    if let Some((low, high)) = handle_range {
        assumptions.push(Assumption {
            what: Uncertain::HandleTime(index),
            low,
            high,
            label: format!("{at}: handle_time.mean"),
        });
    }
    if let Some((low, high)) = patience_range {
        assumptions.push(Assumption {
            what: Uncertain::Patience(index),
            low,
            high,
            label: format!("{at}: patience.mean"),
        });
    }
    let sla = sla(&q.sla, &at, p);
    let concurrency = q.concurrency.unwrap_or(1);
    if !(1..=32).contains(&concurrency) {
        p.add(
            &format!("{at}: concurrency"),
            format!("{concurrency} must be between 1 and 32 (tickets one agent holds at once)"),
        );
    }
    let priority = q.priority.unwrap_or(0);
    if i32::try_from(priority).is_err() {
        p.add(&format!("{at}: priority"), format!("{priority} is out of range"));
    }
    let discipline = match &q.discipline {
        None => Some(Switching::Fixed(Discipline::Fifo)),
        Some(d) => discipline(d, &format!("{at}: discipline"), p),
    };
    let sla_clock = match q.sla_clock.as_deref().map(|c| c.trim().to_ascii_lowercase()) {
        None => Some(SlaClock::Wall),
        Some(c) if c == "wall" => Some(SlaClock::Wall),
        Some(c) if c == "business" => Some(SlaClock::Business),
        Some(c) => {
            p.add(
                &format!("{at}: sla_clock"),
                format!("\"{c}\" is not a clock; expected wall (every second counts) or business (open hours only)"),
            );
            None
        }
    };
    let initial_backlog = q.backlog.as_ref().and_then(|b| {
        if !(0..=10_000_000).contains(&b.tickets) {
            p.add(&format!("{at}: backlog.tickets"), format!("{} must be between 0 and 10000000", b.tickets));
        }
        let oldest =
            p.take(&format!("{at}: backlog.oldest"), units::parse_duration(b.oldest.as_deref().unwrap_or("0s")))?;
        (0..=10_000_000).contains(&b.tickets).then_some(InitialBacklog { tickets: b.tickets as u32, oldest })
    });
    let stale = q.stale.as_ref().and_then(|st| {
        let after = p.take(&format!("{at}: stale.after"), units::parse_duration(&st.after));
        if !(0.0..=1.0).contains(&st.resolve) {
            p.add(
                &format!("{at}: stale.resolve"),
                format!("{} must be between 0 and 1 (0.3 = 30 % of stale tickets are withdrawn)", st.resolve),
            );
            return None;
        }
        match after {
            Some(a) if a <= 0.0 => {
                p.add(&format!("{at}: stale.after"), "must be longer than zero, e.g. \"2d\"");
                None
            }
            Some(after) => Some(Stale { after, resolve: st.resolve }),
            None => None,
        }
    });
    if let Some(cb) = &q.callback {
        if !(0.0..=1.0).contains(&cb.share) {
            p.add(
                &format!("{at}: callback.share"),
                format!("{} must be between 0 and 1 (0.6 = 60 % of missed calls leave a callback request)", cb.share),
            );
        }
        if channel.is_some_and(|c| c != Channel::Phone) {
            p.add(
                &format!("{at}: callback"),
                format!("only phone queues have callbacks; this queue's channel is {}", q.channel),
            );
        }
    }
    let scheduled_callbacks = q.callback.as_ref().and_then(|cb| cb.scheduled.as_ref()).and_then(|sc| {
        let at = format!("{at}: callback.scheduled");
        if !(0.0..=1.0).contains(&sc.share) {
            p.add(
                &format!("{at}.share"),
                format!("{} must be between 0 and 1 (0.3 = 30 % of callback requests ask for a time)", sc.share),
            );
        }
        let after = dist(&sc.after, &format!("{at}.after"), p, &mut None)?;
        (0.0..=1.0).contains(&sc.share).then_some(ScheduledCallbacks { share: sc.share, after })
    });
    let after_hours_sla = q.after_hours_sla.as_ref().and_then(|s| {
        let at = format!("{at}: after_hours_sla");
        if channel.is_some_and(|c| c != Channel::Callback) {
            p.add(
                &at,
                format!(
                    "only callback queues have an after-hours target (for the requests left while they are closed);                      this queue's channel is {}",
                    q.channel
                ),
            );
        }
        if s.average.is_some() {
            p.add(
                &format!("{at}.average"),
                "an after-hours target is a share within a time from the opening; give within and target only",
            );
        }
        let (Some(within), Some(target)) = (&s.within, s.target) else {
            p.add(&at, "give within and target, e.g. { within = \"1h\", target = 0.8 } (80 % within the first hour)");
            return None;
        };
        if !(0.0..=1.0).contains(&target) {
            p.add(&format!("{at}.target"), format!("{target} must be between 0 and 1 (0.8 means 80 %)"));
        }
        let within = p.take(&format!("{at}.within"), units::parse_duration(within))?;
        ((0.0..=1.0).contains(&target) && s.average.is_none()).then_some(Sla::share(within, target))
    });
    let outbound = match (&q.outbound, channel) {
        (Some(_), Some(c)) if c != Channel::Outbound => {
            p.add(
                &format!("{at}: outbound"),
                format!(
                    "only queues with channel = \"outbound\" have dialling rules; this queue's channel is {}; \
                     set channel = \"outbound\" or remove the outbound table",
                    q.channel
                ),
            );
            None
        }
        (None, Some(Channel::Outbound)) => {
            p.add(
                &at,
                "an outbound queue needs outbound = { answer_rate = 0.4, attempts = 3, retry_after = \"2h\", \
                 no_answer_time = \"1m\" }",
            );
            None
        }
        (Some(o), _) => outbound_rules(o, &at, p),
        (None, _) => None,
    };
    if channel == Some(Channel::Outbound) {
        for (field, given) in [
            ("patience", q.patience.is_some()),
            ("stale", q.stale.is_some()),
            ("replies", q.replies.is_some()),
            ("transfers", !q.transfers.is_empty()),
        ] {
            if given {
                p.add(
                    &format!("{at}: {field}"),
                    format!(
                        "an outbound queue is a call list the desk dials; {field} is for queues customers contact; \
                         remove it (unanswered calls are the outbound table's attempts)"
                    ),
                );
            }
        }
        if concurrency != 1 {
            p.add(&format!("{at}: concurrency"), "an agent makes one outbound call at a time; remove concurrency");
        }
    }

    let replies = q.replies.as_ref().and_then(|r| {
        let at = format!("{at}: replies");
        if !(0.0..1.0).contains(&r.probability) {
            p.add(
                &format!("{at}.probability"),
                format!(
                    "{} must be at least 0 and below 1 (0.3 = the customer replies after 30 % of answers)",
                    r.probability
                ),
            );
        }
        if let Some(c) = channel.filter(|c| matches!(c, Channel::Phone | Channel::Chat | Channel::Callback)) {
            p.add(
                &at,
                format!(
                    "a {} ticket does not come back to the queue: its back-and-forth is its handle time; \
                     replies are for email, form and messenger queues",
                    c.name()
                ),
            );
        }
        let max_touches = match r.max_touches {
            None => Some(u32::MAX),
            Some(m) if (1..=1000).contains(&m) => Some(m as u32),
            Some(m) => {
                p.add(
                    &format!("{at}.max_touches"),
                    format!("{m} must be between 1 and 1000 (the answer that reaches it resolves the ticket)"),
                );
                None
            }
        };
        let after = dist(&r.after, &format!("{at}.after"), p, &mut None);
        let follow_up = match &r.handle_time {
            Some(d) => dist(d, &format!("{at}.handle_time"), p, &mut None),
            None => handle_time.clone(),
        };
        Some(Replies { probability: r.probability, after: after?, handle_time: follow_up?, max_touches: max_touches? })
    });
    // The receiving queues are resolved to indices once every queue is known.
    let mut transfers = Vec::new();
    for (k, t) in q.transfers.iter().enumerate() {
        let at = format!("{at}: transfers[{}]", k + 1);
        if !(t.share > 0.0 && t.share <= 1.0) {
            p.add(
                &format!("{at}.share"),
                format!("{} must be above 0 and at most 1 (0.15 = 15 % of this queue's answers move on)", t.share),
            );
        }
        let after = t.after.as_ref().map(|d| dist(d, &format!("{at}.after"), p, &mut None));
        if let Some(None) = after {
            continue;
        }
        transfers.push(Transfer { to: usize::MAX, share: t.share, after: after.flatten() });
    }
    let moved: f64 = q.transfers.iter().map(|t| t.share).sum();
    if moved > 1.0 + 1e-9 {
        p.add(
            &format!("{at}: transfers"),
            format!("the shares add up to {moved:.3}; at most all of a queue's answers (1) can move on"),
        );
    }

    if p.0.len() > before {
        return None;
    }
    let sla_clock = sla_clock?;
    let (Some(channel), Some(volume), Some(hours), Some(weekly), Some(handle_time), Some(sla), Some(discipline)) =
        (channel, volume, hours, weekly, handle_time, sla, discipline)
    else {
        return None;
    };
    let patience = match patience {
        Some(Some(d)) => Some(d),
        Some(None) => return None,
        None => None,
    };
    let weekly_volume = volume;
    let arrivals = arrival_shape(&hours, profile.as_ref(), &weekly, weekly_volume);
    let shaped = || arrival_shape(&hours, profile.as_ref(), &weekly, 1.0).weekly_total() > 0.0;
    if weekly_volume > 0.0 && !shaped() {
        p.add(
            &at,
            "the profile and weekly weights leave no time with arrivals; give some positive weights or set volume = \"0/week\"",
        );
        return None;
    }
    if let Err(why) = arrivals.check(weekly_volume) {
        let given =
            q.volume.as_deref().map_or_else(|| format!("share = {}", q.share.unwrap_or(0.0)), |v| format!("\"{v}\""));
        p.add(
            &format!("{at}: volume"),
            format!(
                "{given} {why} (the number is too close to zero or too large to compute with); \
                 give a volume such as \"1/month\" or more, or \"0/week\" for a queue without arrivals"
            ),
        );
        return None;
    }
    Some(Queue {
        name: q.name.clone(),
        channel,
        weekly_volume,
        arrivals,
        hours,
        handle_time,
        patience,
        sla,
        concurrency: concurrency as u32,
        priority: priority as i32,
        discipline,
        sla_clock,
        initial_backlog,
        stale,
        // Resolved to an index once every queue is known.
        callback: None,
        scheduled_callbacks,
        after_hours_sla,
        outbound,
        share: q.share,
        replies,
        transfers,
        live: matches!(channel, Channel::Phone | Channel::Chat),
        // Set once the events are read.
        dated_hours: None,
        dated_volume: Vec::new(),
    })
}

/// An outbound queue's dialling rules.
fn outbound_rules(o: &super::file::OutboundFile, at: &str, p: &mut Problems) -> Option<Outbound> {
    let at = format!("{at}: outbound");
    let before = p.0.len();
    if !(o.answer_rate > 0.0 && o.answer_rate <= 1.0) {
        p.add(
            &format!("{at}.answer_rate"),
            format!(
                "{} must be above 0 and at most 1 (0.4 = 40 % of attempts reach the customer; \
                 at 0 nobody is ever reached)",
                o.answer_rate
            ),
        );
    }
    let attempts = o.attempts.unwrap_or(1);
    if !(1..=50).contains(&attempts) {
        p.add(
            &format!("{at}.attempts"),
            format!("{attempts} must be between 1 and 50 (the most times one customer is called, the first included)"),
        );
    }
    let retry_after =
        p.take(&format!("{at}.retry_after"), units::parse_duration(o.retry_after.as_deref().unwrap_or("0s")));
    if attempts > 1 && o.retry_after.is_none() {
        p.add(
            &format!("{at}.retry_after"),
            "is needed with more than one attempt: the time between attempts, e.g. \"2h\"",
        );
    }
    let no_answer_time =
        p.take(&format!("{at}.no_answer_time"), units::parse_duration(o.no_answer_time.as_deref().unwrap_or("0s")));
    if o.no_answer_time.is_none() && o.answer_rate < 1.0 {
        p.add(&format!("{at}.no_answer_time"), "is needed: the agent time an unanswered attempt takes, e.g. \"1m\"");
    }
    if p.0.len() > before {
        return None;
    }
    Some(Outbound {
        answer_rate: o.answer_rate,
        attempts: attempts as u32,
        retry_after: retry_after?,
        no_answer_time: no_answer_time?,
    })
}

/// The arrival rate across the week. With a `profile`, arrivals follow
/// `weekly[day] × profile[hour]` round the clock (tickets also arrive while the
/// queue is closed). Without one, they are spread evenly over the open hours,
/// weighted by `weekly[day]`.
fn arrival_shape(
    hours: &WeeklySpans,
    profile: Option<&[f64; 24]>,
    weekly: &[f64; 7],
    weekly_volume: f64,
) -> RateSchedule {
    let mut pieces = Vec::new();
    match profile {
        Some(profile) => {
            for (d, wd) in weekly.iter().enumerate() {
                for (h, wh) in profile.iter().enumerate() {
                    let s = d as f64 * DAY + h as f64 * HOUR;
                    pieces.push((s, s + HOUR, wd * wh));
                }
            }
        }
        None => {
            let mut cuts: Vec<f64> = (0..=7).map(|d| d as f64 * DAY).collect();
            for &(s, e) in hours.spans() {
                cuts.extend([s, e]);
            }
            cuts.sort_by(f64::total_cmp);
            cuts.dedup();
            for w in cuts.windows(2) {
                let mid = (w[0] + w[1]) / 2.0;
                let weight = if hours.contains(mid) { weekly[(mid / DAY) as usize % 7] } else { 0.0 };
                pieces.push((w[0], w[1], weight));
            }
        }
    }
    RateSchedule::from_weights(&pieces, weekly_volume)
}

/// Reads N weights or a preset name.
fn weights<const N: usize>(
    value: &toml::Value,
    at: &str,
    what: &str,
    preset: fn(&str) -> Option<[f64; N]>,
    names: &str,
    p: &mut Problems,
) -> Option<[f64; N]> {
    match value {
        toml::Value::String(name) => {
            let found = preset(name);
            if found.is_none() {
                p.add(
                    at,
                    format!(
                        "\"{name}\" is not a known shape; expected one of {names}, or a list of {N} {what} weights"
                    ),
                );
            }
            found
        }
        toml::Value::Array(items) => {
            if items.len() != N {
                p.add(at, format!("has {} weights; expected {N} {what} weights or one of {names}", items.len()));
                return None;
            }
            let mut out = [0.0; N];
            for (i, item) in items.iter().enumerate() {
                let x = match item {
                    toml::Value::Integer(i) => *i as f64,
                    toml::Value::Float(f) => *f,
                    other => {
                        p.add(at, format!("weight {} is {other}; weights are numbers", i + 1));
                        return None;
                    }
                };
                if !x.is_finite() || x < 0.0 {
                    p.add(at, format!("weight {} is {x}; weights must be zero or more", i + 1));
                    return None;
                }
                out[i] = x;
            }
            if out.iter().all(|&x| x == 0.0) {
                p.add(at, "all weights are zero; at least one must be positive");
                return None;
            }
            // Relative to the largest, so a day's and an hour's weights can be
            // multiplied without overflow (1e308 × 1e308) or underflow.
            let top = out.iter().copied().fold(0.0, f64::max);
            Some(out.map(|x| x / top))
        }
        other => {
            p.add(at, format!("{other} is neither a list of {N} {what} weights nor a shape name ({names})"));
            None
        }
    }
}

/// A distribution; a `mean` given as a range (`"5m..7m"`) uses its midpoint
/// and is reported in `mean_range`.
fn dist(d: &DistFile, at: &str, p: &mut Problems, mean_range: &mut Option<(f64, f64)>) -> Option<Dist> {
    let Some(kind) = DistKind::parse(&d.dist) else {
        p.add(
            &format!("{at}.dist"),
            format!(
                "\"{}\" is not a distribution; expected one of {}{}",
                d.dist,
                DistKind::NAMES,
                super::suggest::did_you_mean(&d.dist, DistKind::NAMES.split(", "))
            ),
        );
        return None;
    };
    let before = p.0.len();
    let mut duration = |field: &str, v: &Option<String>, p: &mut Problems| -> Option<f64> {
        match v {
            None => {
                p.add(&format!("{at}.{field}"), format!("is required for a {} distribution", d.dist));
                None
            }
            Some(text) if field == "mean" => {
                let (lo, hi) = p.take(&format!("{at}.mean"), units::parse_duration_range(text))?;
                if hi > lo {
                    *mean_range = Some((lo, hi));
                }
                Some((lo + hi) / 2.0)
            }
            Some(text) => p.take(&format!("{at}.{field}"), units::parse_duration(text)),
        }
    };
    let unused = |field: &str, given: bool, p: &mut Problems| {
        if given {
            p.add(&format!("{at}.{field}"), format!("is not used by a {} distribution; remove it", d.dist));
        }
    };
    let positive_mean = |mean: Option<f64>, p: &mut Problems| {
        if let Some(m) = mean
            && m <= 0.0
        {
            p.add(&format!("{at}.mean"), "must be longer than zero");
        }
        mean.filter(|&m| m > 0.0)
    };
    let built = match kind {
        DistKind::Exponential | DistKind::Fixed => {
            unused("cv", d.cv.is_some(), p);
            unused("min", d.min.is_some(), p);
            unused("max", d.max.is_some(), p);
            let mean = positive_mean(duration("mean", &d.mean, p), p);
            mean.map(|m| if kind == DistKind::Fixed { Ok(Dist::fixed(m)) } else { Dist::exponential(m) })
        }
        DistKind::LogNormal | DistKind::Gamma => {
            unused("min", d.min.is_some(), p);
            unused("max", d.max.is_some(), p);
            let mean = positive_mean(duration("mean", &d.mean, p), p);
            let cv = match d.cv {
                None => {
                    p.add(&format!("{at}.cv"), format!("is required for a {} distribution (e.g. cv = 0.8)", d.dist));
                    None
                }
                Some(cv) if !cv.is_finite() || cv <= 0.0 || cv > 10.0 => {
                    p.add(&format!("{at}.cv"), format!("{cv} must be above 0 and at most 10"));
                    None
                }
                Some(cv) => Some(cv),
            };
            match (mean, cv) {
                (Some(m), Some(cv)) => {
                    Some(if kind == DistKind::Gamma { Dist::gamma(m, cv) } else { Dist::lognormal(m, cv) })
                }
                _ => None,
            }
        }
        DistKind::Uniform => {
            unused("mean", d.mean.is_some(), p);
            unused("cv", d.cv.is_some(), p);
            let min = duration("min", &d.min, p);
            let max = duration("max", &d.max, p);
            match (min, max) {
                (Some(lo), Some(hi)) if hi < lo || hi <= 0.0 => {
                    p.add(at, "uniform needs min <= max and max longer than zero");
                    None
                }
                (Some(lo), Some(hi)) => Some(Dist::uniform(lo, hi)),
                _ => None,
            }
        }
    };
    match built {
        Some(Ok(dist)) if p.0.len() == before => Some(dist),
        Some(Err(e)) => {
            p.add(at, e);
            None
        }
        _ => None,
    }
}

fn team(t: &TeamFile, queue_names: &[&str], desk_offset: f64, p: &mut Problems) -> Option<Team> {
    let at = format!("team \"{}\"", shown(&t.name));
    let before = p.0.len();
    if t.name.trim().is_empty() {
        p.add(&at, "a team needs a name");
    }
    printable_name(&t.name, &at, p);
    if t.skills.is_empty() {
        p.add(
            &format!("{at}: skills"),
            format!("is empty; list the queues this team serves, from: {}", queue_names.join(", ")),
        );
    }
    let mut skills = Vec::new();
    for s in &t.skills {
        match queue_names.iter().position(|q| q == s) {
            Some(i) if skills.contains(&i) => {
                p.add(&format!("{at}: skills"), format!("\"{}\" is listed twice", shown(s)))
            }
            Some(i) => skills.push(i),
            None => p.add(
                &format!("{at}: skills"),
                format!(
                    "\"{}\" is not a queue; known queues: {}{}",
                    shown(s),
                    queue_names.join(", "),
                    super::suggest::did_you_mean(s, queue_names.iter().copied())
                ),
            ),
        }
    }
    let utc_offset = match &t.timezone {
        Some(tz) => p.take(&format!("{at}: timezone"), units::parse_utc_offset(tz)),
        None => Some(desk_offset),
    };
    let shifts = match (&t.agents, &t.shifts) {
        (Some(_), Some(_)) => {
            p.add(&at, "give either agents (always on duty) or shifts, not both");
            None
        }
        (None, None) => {
            p.add(&at, "give agents = N (always on duty) or shifts = [...]");
            None
        }
        (Some(n), None) => {
            if !(0..=100_000).contains(n) {
                p.add(&format!("{at}: agents"), format!("{n} must be between 0 and 100000"));
                None
            } else {
                Some(vec![Shift {
                    label: "always".into(),
                    agents: *n as u32,
                    duty: WeeklySpans::always(),
                    attendance: WeeklySpans::always(),
                    overtime: false,
                    dated: None,
                    temporary: false,
                    outbound_only: false,
                }])
            }
        }
        (None, Some(list)) => {
            if list.is_empty() {
                p.add(&format!("{at}: shifts"), "is empty; give at least one shift or use agents = N");
            }
            let shift_offset = desk_offset - utc_offset.unwrap_or(desk_offset);
            list.iter()
                .enumerate()
                .map(|(i, s)| shift(s, &format!("{at}: shifts[{}]", i + 1), shift_offset, p))
                .collect::<Option<Vec<_>>>()
        }
    };
    if p.0.len() > before {
        return None;
    }
    let shrinkage = t.shrinkage.unwrap_or(0.0);
    if !(0.0..=MAX_SHRINKAGE).contains(&shrinkage) {
        p.add(
            &format!("{at}: shrinkage"),
            format!(
                "{shrinkage} must be between 0 and {MAX_SHRINKAGE} (0.3 = 30 % of paid time away from queues; \
                 above {MAX_SHRINKAGE} the FTE needed, 1 / (1 - shrinkage) per agent, grows without bound)"
            ),
        );
    }
    let hours_per_week = t.hours_per_week.unwrap_or(40.0);
    if !(hours_per_week > 0.0 && hours_per_week <= 168.0) {
        p.add(&format!("{at}: hours_per_week"), format!("{hours_per_week} must be above 0 and at most 168"));
    }
    let templates: Vec<ShiftTemplate> = t
        .shift_templates
        .iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, tpl)| template(tpl, &format!("{at}: shift_templates[{}]", i + 1), p))
        .collect();
    let speed = speed(t, &at, &skills, queue_names, p);
    if p.0.len() > before {
        return None;
    }
    Some(Team {
        name: t.name.clone(),
        speed,
        skills,
        utc_offset: utc_offset?,
        shifts: shifts?,
        shrinkage,
        hours_per_week,
        templates,
    })
}

/// A team's `speed = { "queue" = factor }`, as one factor per queue (1
/// where none is given). A factor is for a queue the team serves, above 0
/// and at most [`MAX_SPEED_FACTOR`].
fn speed(t: &TeamFile, at: &str, skills: &[usize], queue_names: &[&str], p: &mut Problems) -> Vec<f64> {
    let mut factors = vec![1.0; queue_names.len()];
    for (name, &f) in t.speed.iter().flatten() {
        let field = format!("{at}: speed.\"{}\"", shown(name));
        let Some(q) = queue_names.iter().position(|x| x == name) else {
            p.add(
                &field,
                format!(
                    "\"{}\" is not a queue; known queues: {}{}",
                    shown(name),
                    queue_names.join(", "),
                    super::suggest::did_you_mean(name, queue_names.iter().copied())
                ),
            );
            continue;
        };
        if !skills.contains(&q) {
            let served: Vec<&str> = skills.iter().map(|&i| queue_names[i]).collect();
            p.add(
                &field,
                format!(
                    "the team does not serve \"{}\" (its skills: {}); add it to skills or remove the factor",
                    shown(name),
                    served.join(", ")
                ),
            );
            continue;
        }
        if !(f > 0.0 && f <= MAX_SPEED_FACTOR) {
            p.add(
                &field,
                format!(
                    "{f} must be above 0 and at most {MAX_SPEED_FACTOR} (a factor on the handle time: 0.8 = a fifth \
                     faster, 1.2 = a fifth slower, 1 = as the queue's handle_time)"
                ),
            );
            continue;
        }
        factors[q] = f;
    }
    factors
}

/// A template break: `"+4h 30m"` (fixed) or `"+3h..+5h 30m"` (starting
/// anywhere from 3 to 5 hours into the shift), inside a shift of `length`.
fn template_break(text: &str, length: Option<f64>) -> Result<BreakRule, String> {
    let bad = || {
        format!(
            "\"{text}\" is not a break; expected an offset from the shift start and a length, like \"+4h 1h\", \
             or a window for its start, like \"+3h..+5h 30m\""
        )
    };
    let (window, len) = text.trim().split_once(' ').ok_or_else(bad)?;
    let offset = |x: &str| x.trim().strip_prefix('+').and_then(|d| units::parse_duration(d.trim()).ok());
    let (earliest, latest) = match window.split_once("..") {
        Some((a, b)) => (offset(a).ok_or_else(bad)?, offset(b).ok_or_else(bad)?),
        None => {
            let at = offset(window).ok_or_else(bad)?;
            (at, at)
        }
    };
    let length_s = units::parse_duration(len.trim()).map_err(|_| bad())?;
    if length_s <= 0.0 {
        return Err(bad());
    }
    if latest < earliest {
        return Err(format!(
            "\"{text}\": the window's end comes before its start; write \"+EARLIEST..+LATEST LENGTH\""
        ));
    }
    if let Some(l) = length
        && latest + length_s > l
    {
        return Err(format!("\"{text}\": the break must end inside the shift ({})", units::format_duration(l)));
    }
    Ok(BreakRule { earliest, latest, length: length_s })
}

fn template(t: &ShiftTemplateFile, at: &str, p: &mut Problems) -> Option<ShiftTemplate> {
    let before = p.0.len();
    let days = p.take(&format!("{at}.days"), units::parse_days(&t.days));
    let starts: Vec<f64> =
        t.starts.iter().filter_map(|s| p.take(&format!("{at}.starts"), units::parse_clock(s, false))).collect();
    if t.starts.is_empty() {
        p.add(&format!("{at}.starts"), "is empty; list the allowed start times, e.g. [\"08:00\", \"09:00\"]");
    }
    let length = p.take(&format!("{at}.length"), units::parse_duration(&t.length));
    if let Some(l) = length
        && (l <= 0.0 || l > DAY)
    {
        p.add(&format!("{at}.length"), format!("\"{}\" must be longer than zero and at most 24h", t.length));
    }
    let mut breaks = Vec::new();
    for b in &t.breaks {
        match template_break(b, length) {
            Ok(rule) => breaks.push(rule),
            Err(why) => p.add(&format!("{at}.breaks"), why),
        }
    }
    if p.0.len() > before {
        return None;
    }
    Some(ShiftTemplate { days_text: t.days.clone(), days: days?, starts, length: length?, breaks })
}

/// One shift row; `to_desk` converts the team's clock to the desk's.
fn shift(s: &ShiftFile, at: &str, to_desk: f64, p: &mut Problems) -> Option<Shift> {
    let before = p.0.len();
    let days = p.take(&format!("{at}.days"), units::parse_days(&s.days));
    let start = p.take(&format!("{at}.start"), units::parse_clock(&s.start, false));
    let length = p.take(&format!("{at}.length"), units::parse_duration(&s.length));
    if let Some(l) = length
        && (l <= 0.0 || l > DAY)
    {
        p.add(&format!("{at}.length"), format!("\"{}\" must be longer than zero and at most 24h", s.length));
    }
    if !(0..=100_000).contains(&s.agents) {
        p.add(&format!("{at}.agents"), format!("{} must be between 0 and 100000", s.agents));
    }
    let mut breaks = Vec::new();
    for b in &s.breaks {
        let bad = || format!("\"{b}\" is not a break; expected a clock time and a duration like \"13:00 1h\"");
        let Some((clock, dur)) = b.trim().split_once(' ') else {
            p.add(&format!("{at}.breaks"), bad());
            continue;
        };
        match (units::parse_clock(clock, false), units::parse_duration(dur)) {
            (Ok(c), Ok(d)) if d > 0.0 => breaks.push((b.clone(), c, d)),
            _ => p.add(&format!("{at}.breaks"), bad()),
        }
    }
    if p.0.len() > before {
        return None;
    }
    let (days, start, length) = (days?, start?, length?);
    let mut on = Vec::new();
    let mut off = Vec::new();
    for (d, works) in days.iter().enumerate() {
        if !works {
            continue;
        }
        let s0 = d as f64 * DAY + start;
        on.push((s0, s0 + length));
        for (text, clock, dur) in &breaks {
            // A break clock earlier than the shift start belongs to the next day (night shifts).
            let b0 = d as f64 * DAY + clock + if *clock < start { DAY } else { 0.0 };
            if b0 < s0 || b0 + dur > s0 + length {
                if d == days.iter().position(|&x| x).unwrap_or(0) {
                    p.add(
                        &format!("{at}.breaks"),
                        format!("\"{text}\" is outside the shift {} + {}", s.start, s.length),
                    );
                }
                continue;
            }
            off.push((b0, b0 + dur));
        }
    }
    if p.0.len() > before {
        return None;
    }
    let attendance = WeeklySpans::from_spans(on);
    let duty = attendance.minus(&WeeklySpans::from_spans(off)).shifted(to_desk);
    Some(Shift {
        label: format!("{} {} {}", s.days, s.start, s.length),
        agents: s.agents as u32,
        duty,
        attendance: attendance.shifted(to_desk),
        overtime: false,
        dated: None,
        temporary: false,
        outbound_only: s.outbound_only,
    })
}

/// An `[[overtime]]` block as extra agents of a team; `to_desk` converts the
/// team's clock to the desk's.
fn overtime(o: &OvertimeFile, at: &str, to_desk: f64, p: &mut Problems) -> Option<Shift> {
    let before = p.0.len();
    let days = p.take(&format!("{at}.days"), units::parse_days(&o.days));
    let from = p.take(&format!("{at}.from"), units::parse_clock(&o.from, false));
    let to = p.take(&format!("{at}.to"), units::parse_clock(&o.to, true));
    if !(0..=100_000).contains(&o.agents) {
        p.add(&format!("{at}.agents"), format!("{} must be between 0 and 100000", o.agents));
    }
    if p.0.len() > before {
        return None;
    }
    let (days, from, to) = (days?, from?, to?);
    let length = if to > from { to - from } else { to + DAY - from };
    let spans = days.iter().enumerate().filter(|(_, on)| **on).map(|(d, _)| {
        let s0 = d as f64 * DAY + from;
        (s0, s0 + length)
    });
    let duty = WeeklySpans::from_spans(spans).shifted(to_desk);
    Some(Shift {
        label: format!("overtime {} {}-{}", o.days, o.from, o.to),
        agents: o.agents as u32,
        attendance: duty.clone(),
        duty,
        overtime: true,
        dated: None,
        temporary: false,
        outbound_only: false,
    })
}

#[cfg(test)]
mod tests {
    use crate::scenario::Scenario;

    fn dated_desk(simulation: &str, events: &str) -> String {
        format!(
            "name = \"d\"\n[simulation]\nstart = \"2026-12-07 09:30\"\nhorizon = \"2w\"\n{simulation}\n\n\
             [[queue]]\nname = \"email\"\nchannel = \"email\"\nvolume = \"100/day\"\n\
             handle_time = {{ dist = \"exponential\", mean = \"8m\" }}\nsla = {{ within = \"4h\", target = 0.8 }}\n\n\
             [[team]]\nname = \"tier1\"\nskills = [\"email\"]\nagents = 3\n\n{events}"
        )
    }

    #[test]
    fn sentences_of_the_dated_and_plan_checks_keep_their_path() {
        let split = |s: &str| {
            let p = super::Problem::from_sentence(s.to_string());
            (p.at, p.message)
        };
        assert_eq!(split("event[2] \"a: \\\"b\\\"\".date: no"), ("event[2] \"a: \\\"b\\\"\".date".into(), "no".into()));
        assert_eq!(split("plan.start: \"x\" is not a month"), ("plan.start".into(), "\"x\" is not a month".into()));
        assert_eq!(split("no events: none"), (String::new(), "no events: none".into()));
        // An event's problem is placed at its field in the file.
        let text = dated_desk("", "[[event]]\nname = \"x: y\"\nkind = \"holiday\"\ndate = \"2026-13-01\"\n");
        let line = text[..text.find("date = ").unwrap()].matches('\n').count() + 1;
        let got = problems(&text);
        assert!(got.starts_with(&format!("desk.toml:{line}:1: event[1] \"x: y\".date: ")), "{got}");
    }

    #[test]
    fn a_dated_start_gives_its_weekday_and_events_their_simulated_times() {
        let s = Scenario::from_toml(
            &dated_desk(
                "clear_by = \"2026-12-11 12:00\"",
                "[[event]]\nkind = \"overtime\"\nteam = \"tier1\"\ndate = \"2026-12-12\"\nhours = \"10:00-16:00\"\nagents = 6\n",
            ),
            "d.toml",
        )
        .unwrap();
        let sim = &s.simulation;
        assert_eq!(sim.start, 9.5 * super::HOUR, "Monday 09:30");
        assert_eq!(sim.clear_by, Some(4.0 * super::DAY + 2.5 * super::HOUR));
        let temp = s.teams[0].shifts.last().unwrap();
        assert!(temp.temporary && temp.agents == 6);
        let window = temp.dated.as_ref().unwrap();
        assert!(!window.initial);
        assert_eq!(window.changes[0], (5.0 * super::DAY - 9.5 * super::HOUR, true), "Sat 12 Dec 00:00");
        assert_eq!(s.teams[0].agents(), 3, "temporary agents are not the roster");
        assert!(s.events[0].starts_with("Sat 12 Dec 2026: overtime, 6 extra agents of team tier1"), "{:?}", s.events);
    }

    #[test]
    fn bad_dates_and_spans_are_explained() {
        let err = problems(&dated_desk("", "[[event]]\nkind = \"holiday\"\ndate = \"24.12.2026\"\n"));
        assert!(err.contains("event[1].date: \"24.12.2026\" is not a date; expected YYYY-MM-DD"), "{err}");
        let err = problems(&dated_desk("", "[[event]]\nkind = \"holiday\"\ndate = \"2026-12-24 10:00\"\n"));
        assert!(err.contains("for times use from/to"), "{err}");
        let err =
            problems(&dated_desk("", "[[event]]\nkind = \"holiday\"\ndate = \"2026-12-24\"\nfrom = \"2026-12-24\"\n"));
        assert!(err.contains("give either date (one day) or from/to (a span), not both"), "{err}");
        let err = problems(&dated_desk("", "[[event]]\nkind = \"spike\"\ndate = \"2026-12-09\"\n"));
        assert!(err.contains("a spike needs volume = 1.8"), "{err}");
        let err =
            problems(&dated_desk("", "[[event]]\nkind = \"holiday\"\nteams = [\"tier2\"]\ndate = \"2026-12-09\"\n"));
        assert!(
            err.contains("event[1].teams: \"tier2\" is not a team; known teams: tier1; did you mean \"tier1\"?"),
            "{err}"
        );
        let err =
            problems(&dated_desk("", "[[event]]\nkind = \"holiday\"\nfrom = \"2026-12-01\"\nto = \"2026-12-06\"\n"));
        assert!(err.contains("lies outside the simulation, which runs from Mon 7 Dec 2026 09:30"), "{err}");
    }

    fn desk(name: &str, queue: &str, team: &str, volume: &str, shape: &str) -> String {
        format!(
            "name = \"{name}\"\n[simulation]\nhorizon = \"1w\"\n\n[[queue]]\nname = \"{queue}\"\nchannel = \"email\"\n\
             volume = \"{volume}\"\n{shape}\nhandle_time = {{ dist = \"exponential\", mean = \"8m\" }}\n\
             sla = {{ within = \"4h\", target = 0.8 }}\n\n[[team]]\nname = \"{team}\"\nskills = [\"{queue}\"]\nagents = 3\n"
        )
    }

    fn problems(text: &str) -> String {
        Scenario::from_toml(text, "desk.toml").map(|_| String::new()).unwrap_or_else(|e| e.to_string())
    }

    /// A phone line with callbacks and an outbound list; `phone`, `callbacks`
    /// and `list` are extra lines for each queue, `team` for the team.
    fn dialling_desk(phone: &str, callbacks: &str, list: &str, team: &str) -> String {
        format!(
            "name = \"d\"\n[simulation]\nhorizon = \"1w\"\n\
             [[queue]]\nname = \"phone\"\nchannel = \"phone\"\nvolume = \"100/day\"\n\
             handle_time = {{ dist = \"exponential\", mean = \"5m\" }}\nsla = {{ within = \"30s\", target = 0.8 }}\n{phone}\n\
             [[queue]]\nname = \"callbacks\"\nchannel = \"callback\"\nvolume = \"0/day\"\n\
             handle_time = {{ dist = \"exponential\", mean = \"5m\" }}\nsla = {{ within = \"30m\", target = 0.8 }}\n{callbacks}\n\
             [[queue]]\nname = \"list\"\nchannel = \"outbound\"\nvolume = \"50/day\"\n\
             handle_time = {{ dist = \"exponential\", mean = \"8m\" }}\nsla = {{ within = \"1d\", target = 0.8 }}\n{list}\n\
             [[team]]\nname = \"t\"\nskills = [\"phone\", \"callbacks\", \"list\"]\n{team}\n"
        )
    }

    #[test]
    fn callbacks_and_outbound_are_refused_with_the_field_and_the_fix() {
        let good_list = "outbound = { answer_rate = 0.4, attempts = 3, retry_after = \"2h\", no_answer_time = \"1m\" }";
        let scheduled = "callback = { queue = \"callbacks\", share = 0.6, scheduled = { share = 0.3, after = { dist = \"uniform\", min = \"1h\", max = \"4h\" } } }";
        let ok =
            dialling_desk(scheduled, "after_hours_sla = { within = \"1h\", target = 0.8 }", good_list, "agents = 3");
        assert_eq!(problems(&ok), "");
        // The problem is placed at its key: the line and column of `share = 1.3`.
        let bad_share = dialling_desk(&scheduled.replace("share = 0.3", "share = 1.3"), "", good_list, "agents = 3");
        let offset = bad_share.find("share = 1.3").unwrap();
        let line_start = bad_share[..offset].rfind('\n').map_or(0, |i| i + 1);
        let (line, column) = (bad_share[..offset].matches('\n').count() + 1, offset - line_start + 1);
        let want = format!(
            "desk.toml:{line}:{column}: queue \"phone\": callback.scheduled.share: 1.3 must be between 0 and 1"
        );
        assert!(problems(&bad_share).contains(&want), "expected {want:?} in:\n{}", problems(&bad_share));
        let cases = [
            (
                dialling_desk("callback = { queue = \"callbacks\", share = -0.1 }", "", good_list, "agents = 3"),
                "queue \"phone\": callback.share: -0.1 must be between 0 and 1",
            ),
            (
                dialling_desk("callback = { queue = \"callback\", share = 0.5 }", "", good_list, "agents = 3"),
                "queue \"phone\": callback.queue: \"callback\" is not a queue",
            ),
            (
                dialling_desk("", "", &good_list.replace("0.4", "0"), "agents = 3"),
                "queue \"list\": outbound.answer_rate: 0 must be above 0 and at most 1",
            ),
            (
                dialling_desk("", "", &good_list.replace("attempts = 3", "attempts = 0"), "agents = 3"),
                "queue \"list\": outbound.attempts: 0 must be between 1 and 50",
            ),
            (
                dialling_desk(good_list, "", good_list, "agents = 3"),
                "queue \"phone\": outbound: only queues with channel = \"outbound\" have dialling rules; this queue's channel is phone",
            ),
            (dialling_desk("", "", "", "agents = 3"), "queue \"list\": an outbound queue needs outbound = {"),
            (
                dialling_desk("after_hours_sla = { within = \"1h\", target = 0.8 }", "", good_list, "agents = 3"),
                "queue \"phone\": after_hours_sla: only callback queues have an after-hours target",
            ),
            (
                dialling_desk("", "after_hours_sla = { within = \"1h\", target = 8 }", good_list, "agents = 3"),
                "queue \"callbacks\": after_hours_sla.target: 8 must be between 0 and 1",
            ),
            (
                dialling_desk(
                    "",
                    "",
                    &format!("{good_list}\npatience = {{ dist = \"exponential\", mean = \"2m\" }}"),
                    "agents = 3",
                ),
                "queue \"list\": patience: an outbound queue is a call list the desk dials",
            ),
        ];
        for (text, want) in cases {
            let got = problems(&text);
            assert!(got.contains(want), "expected {want:?} in:\n{got}");
        }
        let reserved =
            "shifts = [{ days = \"mon-fri\", start = \"09:00\", length = \"2h\", agents = 2, outbound_only = true }]";
        let no_list = dialling_desk("", "", good_list, reserved).replace("\"callbacks\", \"list\"]", "\"callbacks\"]");
        assert!(
            problems(&no_list).contains("team \"t\": shifts[1].outbound_only: the team has no outbound queue"),
            "{}",
            problems(&no_list)
        );
    }

    #[test]
    fn weights_of_any_magnitude_give_the_volume() {
        let flat = Scenario::from_toml(&desk("d", "email", "t", "700/week", ""), "f").unwrap();
        let profile = |w: &str| format!("profile = [{}]\nweekly = [{}]", [w; 24].join(", "), [w; 7].join(", "));
        for w in ["5e-324", "1e-300", "1e308", "1.7976931348623157e308"] {
            let s = Scenario::from_toml(&desk("d", "email", "t", "700/week", &profile(w)), "f").unwrap();
            let a = &s.queues[0].arrivals;
            assert!((a.weekly_total() - 700.0).abs() < 1e-9, "{w}: {}", a.weekly_total());
            assert_eq!(a.segments().len(), 1, "{w}: a flat week is one segment");
            let rate = flat.queues[0].arrivals.segments()[0].rate;
            assert!((a.segments()[0].rate - rate).abs() <= rate * 1e-12, "{w}");
        }
    }

    #[test]
    fn volumes_that_cannot_be_computed_are_refused() {
        let tiny = problems(&desk("d", "email", "t", "1e-320/week", ""));
        assert!(tiny.contains("queue \"email\": volume: \"1e-320/week\"") && tiny.contains("\"0/week\""), "{tiny}");
        let huge = problems(&desk("d", "email", "t", "1e308/hour", ""));
        assert!(huge.contains("volume: \"1e308/hour\"") && huge.contains("realistic volume"), "{huge}");
        // Small but representable volumes are a legitimate (quiet) queue.
        assert_eq!(problems(&desk("d", "email", "t", "1e-13/week", "")), "");
        assert_eq!(problems(&desk("d", "email", "t", "0/week", "")), "");
    }

    #[test]
    fn an_average_target_stands_alone_or_beside_the_share() {
        let with =
            |sla: &str| desk("d", "email", "t", "700/week", "").replace("{ within = \"4h\", target = 0.8 }", sla);
        let s = Scenario::from_toml(&with("{ average = \"10m\" }"), "f").unwrap();
        let sla = s.queues[0].sla;
        assert_eq!((sla.within, sla.target, sla.average), (600.0, None, Some(600.0)), "the average is the deadline");
        let s = Scenario::from_toml(&with("{ within = \"1h\", target = 0.8, average = \"10m\" }"), "f").unwrap();
        let sla = s.queues[0].sla;
        assert_eq!((sla.within, sla.target, sla.average), (3600.0, Some(0.8), Some(600.0)));
        assert_eq!(sla.text(), "80% within 1h and 10m average");
        assert_eq!(sla.met(Some(0.85), Some(500.0)), Some(true));
        assert_eq!(sla.met(Some(0.85), Some(700.0)), Some(false), "both must hold");
        assert_eq!(sla.met(Some(0.75), Some(500.0)), Some(false));
        assert_eq!(sla.met(None, None), None);

        let negative = problems(&with("{ average = \"-3m\" }"));
        assert!(negative.contains("queue \"email\": sla.average: \"-3m\" must be longer than zero"), "{negative}");
        let zero = problems(&with("{ average = \"0s\" }"));
        assert!(zero.contains("sla.average: \"0s\" must be longer than zero"), "{zero}");
        let no_within = problems(&with("{ target = 0.8, average = \"10m\" }"));
        assert!(
            no_within.contains("queue \"email\": sla.within: is missing: sla.target = 0.8")
                && no_within.contains("drop target"),
            "{no_within}"
        );
        let nothing = problems(&with("{}"));
        assert!(
            nothing.contains("queue \"email\": sla: no target is given") && nothing.contains("average"),
            "{nothing}"
        );
        let no_target = problems(&with("{ within = \"1h\" }"));
        assert!(no_target.contains("sla.target: is missing: sla.within = \"1h\""), "{no_target}");
        let bad = problems(&with("{ average = \"ten minutes\" }"));
        assert!(bad.contains("sla.average: \"ten minutes\""), "{bad}");
    }

    #[test]
    fn the_scenario_name_must_fit_a_folder_name() {
        assert_eq!(problems(&desk(&"a".repeat(100), "email", "t", "7/week", "")), "");
        let long = problems(&desk(&"a".repeat(256), "email", "t", "7/week", ""));
        assert!(long.contains("name: ") && long.contains("256 characters") && long.contains("at most 100"), "{long}");
    }

    #[test]
    fn names_with_control_characters_are_refused() {
        let q = problems(&desk("d", "bad\\u0001queue", "t", "7/week", ""));
        assert!(q.contains("queue \"bad\\u{1}queue\": the name contains a control character"), "{q}");
        let t = problems(&desk("d", "email", "tier\\t1", "7/week", ""));
        assert!(t.contains("team \"tier\\t1\": the name contains a control character"), "{t}");
        // Markup and formula characters are ordinary text here; outputs escape them.
        assert_eq!(problems(&desk("d", "a<b&c", "=SUM(A1)", "7/week", "")), "");
    }

    /// Two queues, one team serving only `billing`, with `speed` as given.
    fn two_queues(speed: &str) -> String {
        let queue = |name: &str| {
            format!(
                "[[queue]]\nname = \"{name}\"\nchannel = \"email\"\nvolume = \"70/week\"\n\
                 handle_time = {{ dist = \"exponential\", mean = \"10m\" }}\nsla = {{ within = \"4h\", target = 0.8 }}\n"
            )
        };
        format!(
            "name = \"d\"\n[simulation]\nhorizon = \"1w\"\n\n{}\n{}\n[[team]]\nname = \"t\"\n\
             skills = [\"billing\"]\nagents = 3\n{speed}\n\n[[team]]\nname = \"u\"\nskills = [\"billing\", \"media-plan\"]\nagents = 1\n",
            queue("media-plan"),
            queue("billing")
        )
    }

    #[test]
    fn speed_factors_are_read_per_queue_and_default_to_one() {
        let s = Scenario::from_toml(&two_queues("speed = { \"billing\" = 0.8 }"), "d").unwrap();
        assert_eq!(s.teams[0].speed, vec![1.0, 0.8]);
        assert_eq!(s.teams[0].speed_on(1), 0.8);
        assert_eq!(s.teams[1].speed, vec![1.0, 1.0]);
        // Billing's worked mean: 3 agents at 0.8 and 1 at 1.0, by agent-hours.
        assert!((s.mean_handle_time(1) - 600.0 * (3.0 * 0.8 + 1.0) / 4.0).abs() < 1e-9);
        assert_eq!(s.mean_handle_time(0), 600.0);
        let plain = Scenario::from_toml(&two_queues(""), "d").unwrap();
        assert_eq!(plain.teams[0].speed, vec![1.0, 1.0]);
        assert_eq!(problems(&two_queues("speed = { \"billing\" = 10 }")), "");
    }

    #[test]
    fn bad_speed_factors_name_the_team_queue_and_fix() {
        let unknown = problems(&two_queues("speed = { \"biling\" = 0.8 }"));
        assert!(
            unknown
                .contains("team \"t\": speed.\"biling\": \"biling\" is not a queue; known queues: media-plan, billing")
                && unknown.contains("billing"),
            "{unknown}"
        );
        let unserved = problems(&two_queues("speed = { \"media-plan\" = 0.8 }"));
        assert!(
            unserved.contains("team \"t\": speed.\"media-plan\": the team does not serve \"media-plan\" (its skills: billing); add it to skills or remove the factor"),
            "{unserved}"
        );
        for bad in ["0", "-1", "10.5", "nan", "inf"] {
            let text = problems(&two_queues(&format!("speed = {{ \"billing\" = {bad} }}")));
            assert!(
                text.contains("team \"t\": speed.\"billing\": ") && text.contains("must be above 0 and at most 10"),
                "{bad}: {text}"
            );
        }
        let typed = problems(&two_queues("speed = { \"billing\" = \"fast\" }"));
        assert!(typed.contains("desk.toml") && typed.contains("speed"), "{typed}");
    }
}
