//! The desk being simulated. A scenario file (`file`, raw serde types) is read
//! and checked by `validate` into a [`Scenario`]: seconds as numbers,
//! distributions built, names resolved to indices. Only this validated form
//! reaches the engine, so the engine never re-checks input.

pub mod dated;
pub mod dist;
pub mod file;
mod locate;
pub mod plan;
pub mod shapes;
pub mod suggest;
pub mod units;
mod validate;

use std::path::Path;
use std::str::FromStr;

pub use dist::{Dist, DistKind};
pub use units::WeeklySpans;
pub use validate::MAX_SHRINKAGE;

use crate::error::InputError;
use units::WEEK;

/// A validated desk: what arrives, who serves it, and how long to simulate.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub simulation: Simulation,
    pub queues: Vec<Queue>,
    pub teams: Vec<Team>,
    /// How agents order the backlog unless `--policy` overrides it.
    pub policy: Policy,
    /// The named plans of `[policies]`, in name order; `Policy::Plan(i)` is `plans[i]`.
    pub plans: Vec<PolicyPlan>,
    /// Volumes derived from business drivers, when given.
    pub demand: Option<Demand>,
    /// Inputs given as ranges (`"1800..2600/week"`); the scenario itself uses
    /// their midpoints, `staff` samples them.
    pub assumptions: Vec<Assumption>,
    /// The `[plan]` section: growth, attrition and hiring over months.
    pub capacity_plan: Option<plan::CapacityPlan>,
    /// The `[[event]]` tables in words, with their dates (for `check`).
    pub events: Vec<String>,
}

/// Business drivers of demand: active customers and how often each writes.
#[derive(Debug, Clone, Copy)]
pub struct Demand {
    pub customers: f64,
    /// Contacts per customer per week.
    pub contacts_per_week: f64,
}

impl Demand {
    /// Contacts per week from every customer.
    pub fn weekly_contacts(&self) -> f64 {
        self.customers * self.contacts_per_week
    }
}

/// What an uncertain input describes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Uncertain {
    /// A queue's weekly volume.
    Volume(usize),
    /// A queue's mean handle time, seconds.
    HandleTime(usize),
    /// A queue's mean patience, seconds.
    Patience(usize),
    /// `[demand] customers`.
    Customers,
    /// `[demand] contacts_per_customer`, per week.
    ContactRate,
}

/// An input known only as a range.
#[derive(Debug, Clone)]
pub struct Assumption {
    pub what: Uncertain,
    pub low: f64,
    pub high: f64,
    /// For messages: `queue "chat": volume`.
    pub label: String,
}

impl Scenario {
    /// Whether any ticket can be touched more than once (replies) or move
    /// between queues (transfers): then the engine follows each ticket from
    /// its first arrival to its resolution.
    pub fn has_flows(&self) -> bool {
        self.queues.iter().any(|q| q.replies.is_some() || !q.transfers.is_empty())
    }

    /// Expected contacts per week entering each queue, from the traffic
    /// equations of the network the queues form: a queue's own arrivals,
    /// plus the transfers it receives, plus its customers' replies (counted
    /// in follow-up touches, whose handle time may differ). Every contact is
    /// assumed answered (no abandonment) and `max_touches` is ignored, so
    /// these are upper bounds where customers give up or touches are capped.
    /// Returns `(contacts, of which replies)` per queue.
    pub fn contact_volumes(&self) -> Vec<(f64, f64)> {
        let n = self.queues.len();
        let mut contacts: Vec<f64> = self.queues.iter().map(|q| q.weekly_volume).collect();
        let mut replies = vec![0.0; n];
        // Fixed-point iteration of λ = γ + λ·P; it converges because every
        // queue can resolve its tickets (validation refuses closed loops).
        for _ in 0..10_000 {
            let mut next: Vec<f64> = self.queues.iter().map(|q| q.weekly_volume).collect();
            let mut next_replies = vec![0.0; n];
            for (i, q) in self.queues.iter().enumerate() {
                let moved: f64 = q.transfers.iter().map(|t| t.share).sum();
                for t in &q.transfers {
                    next[t.to] += contacts[i] * t.share;
                }
                if let Some(r) = &q.replies {
                    let back = contacts[i] * (1.0 - moved) * r.probability;
                    next[i] += back;
                    next_replies[i] += back;
                }
            }
            let change = next.iter().zip(&contacts).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
            contacts = next;
            replies = next_replies;
            if change <= 1e-12 * contacts.iter().fold(1.0, |m: f64, &c| m.max(c)) {
                break;
            }
        }
        contacts.into_iter().zip(replies).collect()
    }

    /// Queue `q`'s mean handle time as the desk works it: the queue's mean
    /// times the serving teams' speed factors on it, averaged with each
    /// team's scheduled agent-hours as its weight (a team with more people
    /// on duty answers more of the tickets). With no speed factors, or no
    /// team serving the queue, the queue's own mean.
    pub fn mean_handle_time(&self, q: usize) -> f64 {
        let base = self.queues[q].handle_time.mean();
        let (mut weighted, mut hours) = (0.0, 0.0);
        for team in self.teams.iter().filter(|t| t.skills.contains(&q)) {
            let h = team.agent_hours_per_week();
            weighted += h * team.speed_on(q);
            hours += h;
        }
        if hours > 0.0 { base * weighted / hours } else { base }
    }

    /// This scenario with each assumption set to the given value (one per
    /// entry of `assumptions`, in order).
    pub fn variant(&self, values: &[f64]) -> Scenario {
        let mut s = self.clone();
        let mut customers = self.demand.map(|d| d.customers);
        let mut rate = self.demand.map(|d| d.contacts_per_week);
        for (a, &v) in self.assumptions.iter().zip(values) {
            match a.what {
                Uncertain::Volume(q) => s.queues[q].set_weekly_volume(v),
                Uncertain::HandleTime(q) => s.queues[q].handle_time = s.queues[q].handle_time.with_mean(v),
                Uncertain::Patience(q) => {
                    if let Some(p) = &s.queues[q].patience {
                        s.queues[q].patience = Some(p.with_mean(v));
                    }
                }
                Uncertain::Customers => customers = Some(v),
                Uncertain::ContactRate => rate = Some(v),
            }
        }
        if let (Some(d), Some(c), Some(r)) = (self.demand, customers, rate) {
            let factor = if d.weekly_contacts() > 0.0 { c * r / d.weekly_contacts() } else { 1.0 };
            for q in s.queues.iter_mut().filter(|q| q.share.is_some()) {
                let v = q.weekly_volume * factor;
                q.set_weekly_volume(v);
            }
            s.demand = Some(Demand { customers: c, contacts_per_week: r });
        }
        s
    }
}

/// The simulated time span and its statistics window.
#[derive(Debug, Clone)]
pub struct Simulation {
    /// Week time (seconds after Monday 00:00, desk clock) at t = 0.
    pub start: f64,
    /// Simulated seconds; statistics cover `[warmup, horizon)`.
    pub horizon: f64,
    pub warmup: f64,
    /// Reporting interval in seconds; warmup and horizon are whole multiples.
    pub interval: f64,
    pub replications: u32,
    pub seed: u64,
    /// UTC offset of the desk's clock, seconds.
    pub utc_offset: f64,
    /// A queue counts as cleared when at most this many tickets wait (`time_to_clear_h`).
    pub clear_below: u32,
    /// The calendar date at t = 0, when `start` is a date.
    pub date: Option<dated::Anchor>,
    /// `clear_by`: the simulated time the backlog should be clear by.
    pub clear_by: Option<f64>,
}

impl Simulation {
    /// Number of reporting intervals in the statistics window.
    pub fn intervals(&self) -> usize {
        ((self.horizon - self.warmup) / self.interval).round() as usize
    }

    /// Week time (desk clock) of simulated time `t`.
    pub fn week_time(&self, t: f64) -> f64 {
        (self.start + t).rem_euclid(WEEK)
    }
}

/// How customers reach the desk. Closed set: matched exhaustively.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Email,
    Form,
    Chat,
    Messenger,
    Phone,
    Callback,
    /// Calls the desk makes (activation, renewals): a list worked in idle
    /// time or reserved blocks, with retries when nobody answers.
    Outbound,
}

impl Channel {
    pub const NAMES: &'static str = "email, form, chat, messenger, phone, callback, outbound";

    pub fn name(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Form => "form",
            Channel::Chat => "chat",
            Channel::Messenger => "messenger",
            Channel::Phone => "phone",
            Channel::Callback => "callback",
            Channel::Outbound => "outbound",
        }
    }
}

impl FromStr for Channel {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "email" => Channel::Email,
            "form" | "web form" | "webform" => Channel::Form,
            "chat" => Channel::Chat,
            "messenger" => Channel::Messenger,
            "phone" => Channel::Phone,
            "callback" => Channel::Callback,
            "outbound" => Channel::Outbound,
            _ => return Err(()),
        })
    }
}

/// The order in which one queue's waiting tickets are taken (under the
/// `per-queue` policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Discipline {
    /// Oldest first.
    Fifo,
    /// Freshest first.
    Lifo,
    /// Tickets that can still meet the SLA first (least time left first),
    /// then the breached ones, oldest first.
    SlaFirst,
}

impl Discipline {
    pub const NAMES: &'static str = "fifo, lifo, sla-first";

    pub fn name(self) -> &'static str {
        match self {
            Discipline::Fifo => "fifo",
            Discipline::Lifo => "lifo",
            Discipline::SlaFirst => "sla-first",
        }
    }
}

impl FromStr for Discipline {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fifo" => Ok(Discipline::Fifo),
            "lifo" => Ok(Discipline::Lifo),
            "sla-first" | "sla_first" | "edf" => Ok(Discipline::SlaFirst),
            _ => Err(()),
        }
    }
}

/// How the whole desk orders its backlog: which ticket an agent with spare
/// capacity takes next among the queues it can serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Highest queue priority first, then the team's skill order; within the
    /// queue, its own `discipline`.
    PerQueue,
    /// The oldest ticket in any of the agent's queues.
    Fifo,
    /// The freshest ticket in any of the agent's queues.
    Lifo,
    /// Highest queue priority first; within it, the oldest ticket.
    Priority,
    /// Tickets that can still meet their SLA first, least time left first;
    /// then breached tickets, oldest first. Priorities are ignored.
    SlaFirst,
    /// A plan of the scenario's `[policies]` (an index into
    /// [`Scenario::plans`]): one of the orders above, chosen by the desk
    /// clock or by a switch rule on the backlog. A plan's orders are never
    /// plans themselves (validation refuses it).
    Plan(u32),
}

impl Policy {
    pub const NAMES: &'static str = "per-queue, fifo, lifo, priority, sla-first";
    /// The built-in orders, in the order `compare` shows them.
    pub const ALL: [Policy; 5] = [Policy::PerQueue, Policy::Fifo, Policy::Lifo, Policy::Priority, Policy::SlaFirst];

    /// The name of a built-in order; `None` for a plan, whose name only the
    /// scenario knows ([`Scenario::policy_name`]).
    pub fn builtin_name(self) -> Option<&'static str> {
        Some(match self {
            Policy::PerQueue => "per-queue",
            Policy::Fifo => "fifo",
            Policy::Lifo => "lifo",
            Policy::Priority => "priority",
            Policy::SlaFirst => "sla-first",
            Policy::Plan(_) => return None,
        })
    }
}

impl FromStr for Policy {
    type Err = String;
    /// A built-in order by name (plans are looked up by [`Scenario::policy_named`]).
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "per-queue" | "perqueue" | "per_queue" => Ok(Policy::PerQueue),
            "fifo" => Ok(Policy::Fifo),
            "lifo" => Ok(Policy::Lifo),
            "priority" => Ok(Policy::Priority),
            "sla-first" | "sla_first" | "edf" => Ok(Policy::SlaFirst),
            other => Err(format!("unknown policy \"{other}\"; expected one of {}", Policy::NAMES)),
        }
    }
}

/// A named policy plan from the scenario's `[policies.NAME]`.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyPlan {
    pub name: String,
    /// Which built-in order is in force; its backlog is the desk's (tickets
    /// waiting in all queues).
    pub rule: Switching<Policy>,
}

/// A policy or discipline that may change while the desk runs. It is looked
/// at only when an agent picks its next ticket, and the value in force at
/// that moment is used.
#[derive(Debug, Clone, PartialEq)]
pub enum Switching<T> {
    /// The same at all times.
    Fixed(T),
    /// By the desk clock: `(start, end, value)` pieces of the week, sorted,
    /// contiguous and covering `[0, WEEK)`, so finding the one in force is a
    /// step forward from the last, never a search.
    Hours(Vec<(f64, f64, T)>),
    /// A switch rule on the backlog: `order` once more than `above` tickets
    /// wait, until the backlog falls to `back_below` or fewer; `otherwise`
    /// before and after. With `back_below == above` it is simply "`order`
    /// while more than `above` wait".
    Backlog { order: T, above: u32, back_below: u32, otherwise: T },
}

impl<T: Copy + PartialEq> Switching<T> {
    /// The value when it never changes.
    pub fn fixed(&self) -> Option<T> {
        match self {
            Switching::Fixed(v) => Some(*v),
            _ => None,
        }
    }

    /// Every value it can take.
    pub fn values(&self) -> Vec<T> {
        let mut out = Vec::new();
        let mut add = |v: T| {
            if !out.contains(&v) {
                out.push(v);
            }
        };
        match self {
            Switching::Fixed(v) => add(*v),
            Switching::Hours(pieces) => pieces.iter().for_each(|p| add(p.2)),
            Switching::Backlog { order, otherwise, .. } => {
                add(*order);
                add(*otherwise);
            }
        }
        out
    }

    /// A readable description, e.g. "lifo Mon 08:00-18:00, ...; fifo otherwise";
    /// `backlog` names what is counted ("tickets waiting at the desk").
    pub fn describe(&self, name: impl Fn(T) -> String, backlog: &str) -> String {
        match self {
            Switching::Fixed(v) => name(*v),
            Switching::Hours(pieces) => {
                let spans = |v: T| WeeklySpans::from_spans(pieces.iter().filter(|p| p.2 == v).map(|p| (p.0, p.1)));
                // The value in force longest is named last, as "at other times".
                let mut values: Vec<(T, WeeklySpans)> = self.values().into_iter().map(|v| (v, spans(v))).collect();
                let longest = (0..values.len()).max_by(|&a, &b| values[a].1.total().total_cmp(&values[b].1.total()));
                let rest = longest.map(|i| values.remove(i));
                let mut parts: Vec<String> =
                    values.iter().map(|(v, hours)| format!("{} {}", name(*v), hours.describe())).collect();
                if let Some((v, _)) = rest {
                    parts.push(if parts.is_empty() { name(v) } else { format!("{} at other times", name(v)) });
                }
                parts.join("; ")
            }
            Switching::Backlog { order, above, back_below, otherwise } => {
                let back =
                    if back_below == above { String::new() } else { format!(", until {back_below} or fewer wait") };
                format!("{} once more than {above} {backlog}{back}; {} otherwise", name(*order), name(*otherwise))
            }
        }
    }
}

/// Which clock the SLA runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaClock {
    /// Every second counts, open or not.
    Wall,
    /// Only the queue's open hours count.
    Business,
}

/// Tickets already waiting when the simulation starts.
#[derive(Debug, Clone, Copy)]
pub struct InitialBacklog {
    pub tickets: u32,
    /// Age of the oldest; ages are spread evenly between 0 and this.
    pub oldest: f64,
}

/// Backlog grooming: a ticket still waiting at age `after` is withdrawn with
/// probability `resolve` (the customer solved it or no longer cares).
#[derive(Debug, Clone, Copy)]
pub struct Stale {
    pub after: f64,
    pub resolve: f64,
}

/// Missed calls that become callback tickets in another queue.
#[derive(Debug, Clone, Copy)]
pub struct Callback {
    /// Index of the queue (channel `callback`) that receives them.
    pub queue: usize,
    /// Share of missed calls that leave a callback request.
    pub share: f64,
}

/// Callback requests for a customer-chosen time: a share of a phone
/// queue's requests ask to be called `after` the missed call (drawn at the
/// call's arrival); the ticket enters the callback queue at that time and
/// its SLA counts from it.
#[derive(Debug, Clone)]
pub struct ScheduledCallbacks {
    pub share: f64,
    pub after: Dist,
}

/// An outbound call list's dialling rules.
#[derive(Debug, Clone, Copy)]
pub struct Outbound {
    /// Share of attempts that reach the customer.
    pub answer_rate: f64,
    /// Most attempts per customer (at least 1).
    pub attempts: u32,
    /// Time from an unanswered attempt's end to the next attempt, seconds.
    pub retry_after: f64,
    /// Agent time of an unanswered attempt, seconds.
    pub no_answer_time: f64,
}

/// Customers who reply to an answer: the ticket comes back to the queue it
/// was answered in for another touch, after the customer's delay.
#[derive(Debug, Clone)]
pub struct Replies {
    /// Chance that the customer replies after a touch that neither transfers
    /// the ticket nor is its last allowed one.
    pub probability: f64,
    /// Time from the agent's answer to the customer's reply.
    pub after: Dist,
    /// Handle time of a follow-up touch (the queue's own when not given).
    pub handle_time: Dist,
    /// Most touches a ticket gets in all (the answer that reaches it resolves
    /// the ticket); `u32::MAX` when unlimited.
    pub max_touches: u32,
}

/// A share of a queue's answered tickets that moves on to another queue
/// (tier 1 to tier 2, support to finance), after an optional delay.
#[derive(Debug, Clone)]
pub struct Transfer {
    /// Index of the receiving queue.
    pub to: usize,
    /// Share of this queue's touches that end in this transfer.
    pub share: f64,
    /// Time between the answer and the ticket entering `to`; at once when `None`.
    pub after: Option<Dist>,
}

/// The service level agreement of a queue: a share `target` answered within
/// `within` seconds, a mean wait of answered customers (ASA) of at most
/// `average` seconds, or both (then both must hold).
///
/// `within` is always set, because more than the target needs a deadline:
/// the `service_level` column, the age bands of the backlog, the `sla-first`
/// policy and the SLA windows of deferrable staffing. For an average-only
/// SLA it is the average itself (a ticket older than the mean wait the desk
/// promises is late), and `target` is `None`: the share answered within it
/// is reported but judged against nothing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sla {
    pub within: f64,
    /// Share answered within `within`; `None` for an average-only SLA.
    pub target: Option<f64>,
    /// Highest mean wait of answered customers, seconds.
    pub average: Option<f64>,
}

impl Sla {
    /// A share-only SLA: `target` answered within `within` seconds.
    pub fn share(within: f64, target: f64) -> Sla {
        Sla { within, target: Some(target), average: None }
    }

    /// Whether a service level and a mean wait meet every target there is;
    /// `None` when a figure a target needs is missing (no customers).
    pub fn met(&self, service_level: Option<f64>, asa_s: Option<f64>) -> Option<bool> {
        let share = match self.target {
            Some(t) => Some(service_level? >= t - 1e-12),
            None => None,
        };
        let average = match self.average {
            Some(a) => Some(asa_s? <= a + 1e-9),
            None => None,
        };
        match (share, average) {
            (None, None) => None,
            (x, y) => Some(x.unwrap_or(true) && y.unwrap_or(true)),
        }
    }

    /// The SLA as a support manager writes it: "80% within 2m", "10m
    /// average", "80% within 1h and 10m average".
    pub fn text(&self) -> String {
        let share = self.target.map(|t| format!("{:.0}% within {}", t * 100.0, units::format_duration(self.within)));
        let average = self.average.map(|a| format!("{} average", units::format_duration(a)));
        match (share, average) {
            (Some(s), Some(a)) => format!("{s} and {a}"),
            (Some(s), None) => s,
            (None, Some(a)) => a,
            (None, None) => format!("answered within {}", units::format_duration(self.within)),
        }
    }

    /// The SLA with every threshold one published step longer (for the
    /// what-if of a peak's cost).
    pub fn relaxed(&self, step: impl Fn(f64) -> f64) -> Sla {
        Sla { within: step(self.within), target: self.target, average: self.average.map(&step) }
    }
}

/// One topic queue of one channel.
#[derive(Debug, Clone)]
pub struct Queue {
    pub name: String,
    pub channel: Channel,
    /// Expected arrivals per week.
    pub weekly_volume: f64,
    /// Arrival rate across the week.
    pub arrivals: RateSchedule,
    /// When agents may serve it (desk clock).
    pub hours: WeeklySpans,
    pub handle_time: Dist,
    /// `None`: customers never abandon.
    pub patience: Option<Dist>,
    pub sla: Sla,
    /// Tickets one agent holds at once.
    pub concurrency: u32,
    /// Higher is served first by agents holding several skills.
    pub priority: i32,
    /// Under `per-queue`: which of its tickets is taken; its backlog is the
    /// queue's own (tickets waiting in it).
    pub discipline: Switching<Discipline>,
    pub sla_clock: SlaClock,
    pub initial_backlog: Option<InitialBacklog>,
    pub stale: Option<Stale>,
    /// Phone queues: where missed calls are called back.
    pub callback: Option<Callback>,
    /// Phone queues with callbacks: requests for a customer-chosen time.
    pub scheduled_callbacks: Option<ScheduledCallbacks>,
    /// Callback queues: the target of requests created while the queue is
    /// closed (the night's missed calls), counted from its opening; `None`
    /// judges them by `sla` like the daytime ones.
    pub after_hours_sla: Option<Sla>,
    /// Outbound queues: how the list is dialled.
    pub outbound: Option<Outbound>,
    /// Share of the `[demand]` contacts, when the volume comes from drivers.
    pub share: Option<f64>,
    /// Customers reply and the ticket returns for another touch.
    pub replies: Option<Replies>,
    /// Where answered tickets move on to; shares add up to at most 1.
    pub transfers: Vec<Transfer>,
    /// A live channel (phone, chat): a contact that arrives while the queue
    /// is closed cannot wait for it and is missed as `closed` (an
    /// after-hours contact, never a customer who gave up).
    pub live: bool,
    /// Holidays: when the queue is closed (or on reduced hours) on dates;
    /// `None` without any.
    pub dated_hours: Option<dated::DatedMask>,
    /// Dated volume spikes, sorted and disjoint.
    pub dated_volume: Vec<dated::VolumePiece>,
}

impl Queue {
    /// Changes the weekly volume, keeping the shape of the week.
    pub fn set_weekly_volume(&mut self, volume: f64) {
        let factor = if self.weekly_volume > 0.0 { volume / self.weekly_volume } else { 0.0 };
        self.arrivals = self.arrivals.scaled(factor);
        self.weekly_volume = volume;
    }

    /// Seconds of `[a, b)` (simulated time) in which the queue is open, its
    /// holidays included; `start` is the week time at t = 0.
    pub fn open_between(&self, start: f64, a: f64, b: f64) -> f64 {
        match &self.dated_hours {
            None => self.hours.covered_between(start + a, start + b),
            Some(mask) => mask.covered(&self.hours, start, a, b),
        }
    }

    /// Expected arrivals the dated spikes add in `[a, b)` (simulated time)
    /// to the weekly schedule's; `start` is the week time at t = 0.
    pub fn dated_extra_arrivals(&self, start: f64, a: f64, b: f64) -> f64 {
        let mut total = 0.0;
        for p in &self.dated_volume {
            let (x, y) = (p.from.max(a), p.to.min(b));
            if y > x {
                total += (p.factor - 1.0) * self.arrivals.expected_between(start + x, start + y) + p.extra * (y - x);
            }
        }
        total
    }

    /// The spans of `[t0, t1)` (simulated time) in which the queue is open,
    /// its holidays included; `start` is the week time at t = 0.
    pub fn open_spans(&self, start: f64, (t0, t1): (f64, f64)) -> Vec<(f64, f64)> {
        let mut out = Vec::new();
        let first_week = ((start + t0) / WEEK).floor() as i64;
        let last_week = ((start + t1) / WEEK).ceil() as i64;
        for week in first_week..=last_week {
            for &(a, b) in self.hours.spans() {
                let (a, b) = ((week as f64 * WEEK + a - start).max(t0), (week as f64 * WEEK + b - start).min(t1));
                if b > a {
                    out.push((a, b));
                }
            }
        }
        let Some(mask) = &self.dated_hours else { return out };
        // Cut each span where the holidays close the queue.
        let mut cut = Vec::new();
        for (a, b) in out {
            let mut from = a;
            let mut on = mask.at(a);
            for &(c, state) in mask.changes.iter().filter(|c| c.0 > a && c.0 < b) {
                if on && c > from {
                    cut.push((from, c));
                }
                from = c;
                on = state;
            }
            if on && b > from {
                cut.push((from, b));
            }
        }
        cut
    }

    /// Offered load in agents (Erlangs) averaged over the week.
    pub fn mean_load(&self) -> f64 {
        self.weekly_volume / WEEK * self.handle_time.mean() / f64::from(self.concurrency)
    }
}

/// A team of agents sharing skills and a roster.
#[derive(Debug, Clone)]
pub struct Team {
    pub name: String,
    /// Queue indices in the team's order of preference.
    pub skills: Vec<usize>,
    /// UTC offset of the team's clock, seconds.
    pub utc_offset: f64,
    /// Groups of agents working the same hours.
    pub shifts: Vec<Shift>,
    /// Share of paid time away from the queues (breaks not in the roster,
    /// meetings, training, absence); 0 by default.
    pub shrinkage: f64,
    /// Paid hours of one full-time agent per week (default 40).
    pub hours_per_week: f64,
    /// The shifts `staff` may schedule for this team.
    pub templates: Vec<ShiftTemplate>,
    /// Factor on the sampled handle time when one of this team's agents
    /// answers each queue, by queue index (1 where the file gives none): a
    /// specialist at 0.8 takes four fifths of the time, a generalist at 1.2
    /// a fifth longer.
    pub speed: Vec<f64>,
}

/// A kind of shift `staff` may use: the same start on each of `days`.
#[derive(Debug, Clone)]
pub struct ShiftTemplate {
    /// As written, for messages and written scenarios: "mon-fri".
    pub days_text: String,
    pub days: [bool; 7],
    /// Allowed start clocks (team's local time), seconds after midnight.
    pub starts: Vec<f64>,
    pub length: f64,
    /// Breaks `staff` places inside their windows.
    pub breaks: Vec<BreakRule>,
}

/// A break of a shift template: `length` seconds starting somewhere between
/// `earliest` and `latest` seconds after the shift start (`"+3h..+5h 30m"`;
/// `"+4h 30m"` fixes it). `staff` chooses where, per group of agents, so
/// breaks are staggered and never leave a slot uncovered when a placement
/// exists that avoids it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BreakRule {
    pub earliest: f64,
    pub latest: f64,
    pub length: f64,
}

/// Largest handle-time factor a team may have on a queue.
pub const MAX_SPEED_FACTOR: f64 = 10.0;

impl Team {
    /// The factor on queue `q`'s handle time when this team answers it.
    pub fn speed_on(&self, q: usize) -> f64 {
        self.speed.get(q).copied().unwrap_or(1.0)
    }

    /// Agents of the weekly roster (temporary groups left out).
    pub fn agents(&self) -> u32 {
        self.shifts.iter().filter(|s| !s.temporary).map(|s| s.agents).sum()
    }

    /// Scheduled agent-hours per week of the weekly roster.
    pub fn agent_hours_per_week(&self) -> f64 {
        self.shifts.iter().filter(|s| !s.temporary).map(|s| f64::from(s.agents) * s.duty.total() / 3600.0).sum()
    }
}

/// Agents who work the same weekly hours.
#[derive(Debug, Clone)]
pub struct Shift {
    /// As written, for messages: "mon-fri 10:00 9h" or "always".
    pub label: String,
    pub agents: u32,
    /// On-duty spans of the week in the desk's clock, breaks removed.
    pub duty: WeeklySpans,
    /// The shifts' whole spans, breaks included (desk clock): who is *at
    /// work*, which a 30-minute lunch does not change.
    pub attendance: WeeklySpans,
    /// Added by an `[[overtime]]` block.
    pub overtime: bool,
    /// When dated events override `duty` (holidays of the team, or the
    /// window of a temporary group); `None` without any.
    pub dated: Option<dated::DatedMask>,
    /// A temporary group from a dated `staff` event: not part of the
    /// weekly roster (head count, weekly hours, staffing).
    pub temporary: bool,
    /// A reserved outbound block: these agents work only outbound queues
    /// while on duty.
    pub outbound_only: bool,
}

/// A piecewise-constant arrival rate over one week (desk clock), repeated
/// every week. Segments are contiguous and cover `[0, WEEK)`.
#[derive(Debug, Clone, PartialEq)]
pub struct RateSchedule {
    segments: Vec<RateSegment>,
}

/// Arrivals per second during `[start, end)` of the week.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateSegment {
    pub start: f64,
    pub end: f64,
    pub rate: f64,
}

impl RateSchedule {
    /// Scales `weights` (one per `(start, end)` piece of the week, contiguous
    /// and covering it) so that the week holds `weekly_volume` expected arrivals.
    /// All-zero weights give no arrivals.
    ///
    /// Weights are relative, so they are divided by the largest first: the
    /// sums and products below then stay in range whatever their magnitude
    /// (24 weights of `5e-324` or of `1e308` give the same flat day as 24
    /// ones). [`RateSchedule::check`] says whether the result is usable.
    pub fn from_weights(pieces: &[(f64, f64, f64)], weekly_volume: f64) -> Self {
        let top = pieces.iter().map(|p| p.2).fold(0.0, f64::max);
        let relative = |w: f64| if top > 0.0 { w / top } else { 0.0 };
        let mass: f64 = pieces.iter().map(|&(s, e, w)| (e - s) * relative(w)).sum();
        let scale = if mass > 0.0 { weekly_volume / mass } else { 0.0 };
        let mut segments: Vec<RateSegment> = Vec::with_capacity(pieces.len());
        for &(start, end, w) in pieces {
            let rate = relative(w) * scale;
            match segments.last_mut() {
                Some(last) if last.rate == rate => last.end = end,
                _ => segments.push(RateSegment { start, end, rate }),
            }
        }
        RateSchedule { segments }
    }

    /// Whether the schedule really delivers `weekly_volume` arrivals a week:
    /// every rate finite and not negative, and the week's total finite and
    /// equal to the volume (up to rounding). A volume too close to zero or to
    /// the largest number fails here instead of simulating nothing, or
    /// filling memory, with a promise that `check` printed.
    pub fn check(&self, weekly_volume: f64) -> Result<(), String> {
        if let Some(bad) = self.segments.iter().find(|s| !(s.rate.is_finite() && s.rate >= 0.0)) {
            return Err(format!("gives an arrival rate of {} per second, which cannot be simulated", bad.rate));
        }
        let total = self.weekly_total();
        let consistent = if weekly_volume > 0.0 {
            total.is_finite() && total > 0.0 && ((total - weekly_volume) / weekly_volume).abs() <= 1e-9
        } else {
            total == 0.0
        };
        if consistent {
            Ok(())
        } else {
            Err(format!("gives {total:e} expected arrivals a week instead of {weekly_volume:e}"))
        }
    }

    /// The same shape with every rate multiplied by `factor`.
    pub fn scaled(&self, factor: f64) -> Self {
        RateSchedule { segments: self.segments.iter().map(|s| RateSegment { rate: s.rate * factor, ..*s }).collect() }
    }

    pub fn segments(&self) -> &[RateSegment] {
        &self.segments
    }

    /// Expected arrivals in one week.
    pub fn weekly_total(&self) -> f64 {
        self.segments.iter().map(|s| (s.end - s.start) * s.rate).sum()
    }

    /// Expected arrivals between week times `a` and `b` (`a <= b`, may exceed a week).
    pub fn expected_between(&self, a: f64, b: f64) -> f64 {
        let cumulative = |x: f64| {
            let weeks = (x / WEEK).floor();
            let w = x - weeks * WEEK;
            let mut acc = weeks * self.weekly_total();
            for s in &self.segments {
                if w <= s.start {
                    break;
                }
                acc += (w.min(s.end) - s.start) * s.rate;
            }
            acc
        };
        cumulative(b) - cumulative(a)
    }
}

impl Scenario {
    /// Reads and validates a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, InputError> {
        Self::read(path).map(|(s, _)| s)
    }

    /// Reads and validates a scenario file once, returning its text too (to
    /// fingerprint and to edit exactly what was simulated).
    /// The path `-` reads the scenario from standard input, once.
    pub fn read(path: &Path) -> Result<(Scenario, String), InputError> {
        if path.as_os_str() == "-" {
            let text = read_stdin_once()?;
            return Self::from_toml(&text, STDIN_NAME).map(|s| (s, text));
        }
        let file = path.display().to_string();
        let text = match std::fs::read(path) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|_| InputError::Unreadable {
                file: file.clone(),
                reason: "it is not UTF-8 text; a scenario is a TOML text file".into(),
            })?,
            Err(e) => {
                let reason = if path.is_dir() {
                    "it is a directory; give the path of a .toml scenario file".to_string()
                } else if e.kind() == std::io::ErrorKind::NotFound {
                    "no such file; `staffsim init` writes a starter scenario".to_string()
                } else {
                    e.to_string()
                };
                return Err(InputError::Unreadable { file, reason });
            }
        };
        Self::from_toml(&text, &file).map(|s| (s, text))
    }

    /// Validates scenario text; `file` names it in messages, each problem
    /// at its line and column in `text`.
    pub fn from_toml(text: &str, file: &str) -> Result<Scenario, InputError> {
        if text.trim().is_empty() {
            return Err(InputError::Syntax {
                file: file.into(),
                at: None,
                message: "the file is empty; `staffsim init` writes a starter scenario to start from".into(),
            });
        }
        let raw: file::ScenarioFile = toml::from_str(text).map_err(|e| {
            let short = e.message().trim_end().to_string();
            let at = e.span().map(|span| locate::line_col(text, span.start));
            let mut message = match e.span() {
                Some(span) => format!("{short}\n{}", locate::snippet(text, span)),
                None => e.to_string().trim_end().to_string(),
            };
            if short.contains("unknown field `") && short.contains("expected `order`") {
                // `[policy.NAME]` for a plan: the plans have their own table.
                message.push_str(
                    "\n[policy] holds only order = \"...\"; a plan that changes the order over time is its own table, [policies.NAME]",
                );
            } else if let Some(hint) = suggest::unknown_field_hint(&short) {
                message.push('\n');
                message.push_str(&hint);
            } else if short.contains("expected a string") {
                message.push_str("\ndurations, volumes, clock times and days are quoted text, e.g. horizon = \"2w\", volume = \"100/day\"");
            }
            InputError::Syntax { file: file.into(), at, message }
        })?;
        validate::validate(raw).map_err(|problems| {
            let locator = locate::Locator::new(text);
            let problems = problems
                .into_iter()
                .map(|p| crate::error::Problem { at: locator.find(&p.at), text: p.text() })
                .collect();
            InputError::Invalid { file: file.into(), problems }
        })
    }

    pub fn queue_index(&self, name: &str) -> Option<usize> {
        self.queues.iter().position(|q| q.name == name)
    }

    pub fn team_index(&self, name: &str) -> Option<usize> {
        self.teams.iter().position(|t| t.name == name)
    }

    /// The name a policy is shown by: a built-in order's, or the plan's.
    pub fn policy_name(&self, policy: Policy) -> &str {
        match policy {
            Policy::Plan(i) => self.plans.get(i as usize).map_or("unknown plan", |p| p.name.as_str()),
            builtin => builtin.builtin_name().unwrap_or_default(),
        }
    }

    /// Every policy this scenario can run: the built-in orders, then its plans.
    pub fn all_policies(&self) -> Vec<Policy> {
        Policy::ALL.into_iter().chain((0..self.plans.len()).map(|i| Policy::Plan(i as u32))).collect()
    }

    /// A built-in order or one of the scenario's plans, by name; the error
    /// lists every known name.
    pub fn policy_named(&self, name: &str) -> Result<Policy, String> {
        find_policy(name, &self.plans.iter().map(|p| p.name.as_str()).collect::<Vec<_>>())
    }
}

/// How messages name a scenario read from standard input (the path `-`).
pub const STDIN_NAME: &str = "<stdin>";

/// Reads standard input to its end; a second read (two scenarios given as
/// `-`) is refused rather than taken as an empty file.
fn read_stdin_once() -> Result<String, InputError> {
    static TAKEN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if TAKEN.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return Err(InputError::Argument("standard input (-) can hold one scenario; give the others as files".into()));
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
        .map_err(|e| InputError::Unreadable { file: STDIN_NAME.into(), reason: e.to_string() })?;
    String::from_utf8(bytes).map_err(|_| InputError::Unreadable {
        file: STDIN_NAME.into(),
        reason: "it is not UTF-8 text; a scenario is a TOML text file".into(),
    })
}

/// A built-in order (any spelling) or the plan of that exact name among `plans`.
fn find_policy(name: &str, plans: &[&str]) -> Result<Policy, String> {
    if let Ok(p) = name.parse::<Policy>() {
        return Ok(p);
    }
    if let Some(i) = plans.iter().position(|p| *p == name.trim()) {
        return Ok(Policy::Plan(i as u32));
    }
    let known: Vec<&str> = Policy::NAMES.split(", ").chain(plans.iter().copied()).collect();
    let hint = if plans.is_empty() { "; a scenario defines more as [policies.NAME]" } else { "" };
    Err(format!(
        "unknown policy \"{}\"; known policies: {}{hint}{}",
        name.trim(),
        known.join(", "),
        suggest::did_you_mean(name.trim(), known.iter().copied())
    ))
}

/// A stable 64-bit FNV-1a hash, used to fingerprint scenario files in `run.json`.
pub fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}
