//! What one replication measures, streamed as the simulation runs: totals per
//! queue (its waits in constant-memory histogram buckets, [`super::waits`]),
//! ticket outcomes per queue and arrival interval, and agent time per team and
//! interval. Only tickets that arrive inside the statistics window
//! `[warmup, horizon)` are counted.
//!
//! Every ticket ends in exactly one outcome — answered, abandoned, closed,
//! withdrawn or still waiting at the horizon — so `offered` is always their sum.
//! `closed` is kept apart from `abandoned` because a call that reached a
//! closed line is a planning fact (after-hours demand), not a customer who
//! gave up.

use serde::{Deserialize, Serialize};

use super::tickets::{TicketOutcome, TicketRecord};
use super::waits::{WaitCounts, Waits, millis};

/// When a ticket arrived, as the statistics split it: the initial backlog
/// apart (its own service level), and arrivals while the queue was closed
/// apart (the service level of open hours leaves them out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Arrived while its queue was open.
    OpenHours,
    /// Arrived while its queue was closed: an e-mail at night that waits for
    /// the morning, a call that reaches a closed line.
    AfterHours,
    /// Already waiting at t = 0; never after hours, whatever the queue's hours.
    InitialBacklog,
    /// A callback ticket whose request was left while the callback queue was
    /// closed: it enters at the opening and is judged against the queue's
    /// after-hours target (its `after_hours_sla`, else its `sla`), counted
    /// from the opening. Otherwise counted like an open-hours ticket.
    AfterHoursCallback,
}

/// A queue's callback figures beyond the ticket counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct CallbackCounts {
    /// Callback queues: the tickets of requests left while the queue was
    /// closed ([`Origin::AfterHoursCallback`]), judged against the
    /// after-hours target.
    pub after_hours: TicketCounts,
    /// Phone queues: callback requests for a customer-chosen time, by the
    /// missed call's arrival, and the sum of their requested delays, seconds.
    pub scheduled: u64,
    pub scheduled_delay_sum: f64,
}

impl CallbackCounts {
    pub fn add(&mut self, o: &CallbackCounts) {
        self.after_hours.add(&o.after_hours);
        self.scheduled += o.scheduled;
        self.scheduled_delay_sum += o.scheduled_delay_sum;
    }
}

/// An outbound queue's dialling, by the list entries' arrival.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct OutboundCounts {
    /// Attempts started.
    pub attempts: u64,
    /// Customers reached (also the queue's `answered`).
    pub reached: u64,
    /// Customers never reached after the last attempt (the queue's `abandoned`).
    pub unreached: u64,
    /// Attempts made on the reached and unreached customers.
    pub settled_attempts: u64,
}

impl OutboundCounts {
    pub fn add(&mut self, o: &OutboundCounts) {
        self.attempts += o.attempts;
        self.reached += o.reached;
        self.unreached += o.unreached;
        self.settled_attempts += o.settled_attempts;
    }

    /// Share of settled customers who were reached.
    pub fn reach_rate(&self) -> Option<f64> {
        let settled = self.reached + self.unreached;
        (settled > 0).then(|| self.reached as f64 / settled as f64)
    }

    /// Attempts per settled customer.
    pub fn attempts_per_customer(&self) -> Option<f64> {
        let settled = self.reached + self.unreached;
        (settled > 0).then(|| self.settled_attempts as f64 / settled as f64)
    }
}

/// Ticket outcomes for one queue over one stretch (the run, or one interval).
/// Counts refer to tickets that *arrived* in that stretch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct TicketCounts {
    pub offered: u64,
    pub answered: u64,
    /// Answered with wait ≤ the queue's `sla.within`.
    pub answered_in_sla: u64,
    /// Customers who gave up waiting.
    pub abandoned: u64,
    /// Missed because their line was closed: calls that reached a closed
    /// phone line with callbacks, and callers still waiting when it closed.
    pub closed: u64,
    pub withdrawn: u64,
    pub waiting_at_end: u64,
    /// Still waiting at the horizon with age ≤ `sla.within`: they can still
    /// make it, so they leave the service-level denominator.
    pub waiting_in_sla: u64,
    /// Sum of waits of answered tickets, seconds.
    pub wait_sum: f64,
    /// Missed calls that left a callback request (phone queues).
    pub callbacks_created: u64,
}

impl TicketCounts {
    pub fn add(&mut self, o: &TicketCounts) {
        self.offered += o.offered;
        self.answered += o.answered;
        self.answered_in_sla += o.answered_in_sla;
        self.abandoned += o.abandoned;
        self.closed += o.closed;
        self.withdrawn += o.withdrawn;
        self.waiting_at_end += o.waiting_at_end;
        self.waiting_in_sla += o.waiting_in_sla;
        self.wait_sum += o.wait_sum;
        self.callbacks_created += o.callbacks_created;
    }

    /// The counts of `self` less those of `o` (a subset of the same tickets).
    pub fn minus(&self, o: &TicketCounts) -> TicketCounts {
        TicketCounts {
            offered: self.offered - o.offered,
            answered: self.answered - o.answered,
            answered_in_sla: self.answered_in_sla - o.answered_in_sla,
            abandoned: self.abandoned - o.abandoned,
            closed: self.closed - o.closed,
            withdrawn: self.withdrawn - o.withdrawn,
            waiting_at_end: self.waiting_at_end - o.waiting_at_end,
            waiting_in_sla: self.waiting_in_sla - o.waiting_in_sla,
            wait_sum: self.wait_sum - o.wait_sum,
            callbacks_created: self.callbacks_created - o.callbacks_created,
        }
    }

    /// DESIGN.md's service level; `None` when no ticket can be judged.
    /// Abandoned and closed tickets are misses.
    pub fn service_level(&self) -> Option<f64> {
        let judged = self.offered - self.waiting_in_sla;
        (judged > 0).then(|| self.answered_in_sla as f64 / judged as f64)
    }

    /// Mean wait of answered tickets, seconds.
    pub fn asa(&self) -> Option<f64> {
        (self.answered > 0).then(|| self.wait_sum / self.answered as f64)
    }

    /// Customers who gave up, of all offered; calls that reached a closed
    /// line are not in it.
    pub fn abandon_rate(&self) -> Option<f64> {
        (self.offered > 0).then(|| self.abandoned as f64 / self.offered as f64)
    }
}

/// Adds one outcome to a set of counts whose counters are `$int`;
/// `$callback` counts a callback request (or not: per interval they are not
/// kept).
macro_rules! count_outcome {
    ($counts:expr, $outcome:expr, $int:ty, $callback:expr) => {{
        let c = $counts;
        match $outcome {
            Outcome::Offered => c.offered += 1,
            Outcome::Answered { in_sla, wait } => {
                c.answered += 1;
                c.answered_in_sla += <$int>::from(in_sla);
                c.wait_sum += wait;
            }
            Outcome::Abandoned => c.abandoned += 1,
            Outcome::Closed => c.closed += 1,
            Outcome::Withdrawn => c.withdrawn += 1,
            Outcome::CallbackCreated => ($callback)(c),
            Outcome::WaitingAtEnd { in_sla } => {
                c.waiting_at_end += 1;
                c.waiting_in_sla += <$int>::from(in_sla);
            }
        }
    }};
}

/// One queue's outcomes in one reporting interval: the fields of
/// [`TicketCounts`] in 32-bit counters, which halves the per-interval tables
/// every replication holds until it is folded into the summary (the size
/// guard refuses a run whose interval could count 4 billion tickets).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct IntervalCounts {
    pub offered: u32,
    pub answered: u32,
    pub answered_in_sla: u32,
    pub abandoned: u32,
    pub closed: u32,
    pub withdrawn: u32,
    pub waiting_at_end: u32,
    pub waiting_in_sla: u32,
    /// Tickets waiting at the interval's end, and of them those in the first
    /// three age bands (see [`age_band`]; the fourth is the rest): a snapshot
    /// of the interval's end, unlike the counts above (which follow the
    /// tickets that arrived in it).
    pub backlog: u32,
    pub ages: [u32; 3],
    /// Sum of waits of answered tickets, seconds.
    pub wait_sum: f64,
}

impl IntervalCounts {
    /// The same counts as [`TicketCounts`], for its ratios and sums.
    /// Callback requests are counted per queue only, not per interval
    /// (`callbacks_created` is 0 here).
    #[inline]
    pub fn widen(&self) -> TicketCounts {
        TicketCounts {
            offered: self.offered.into(),
            answered: self.answered.into(),
            answered_in_sla: self.answered_in_sla.into(),
            abandoned: self.abandoned.into(),
            closed: self.closed.into(),
            withdrawn: self.withdrawn.into(),
            waiting_at_end: self.waiting_at_end.into(),
            waiting_in_sla: self.waiting_in_sla.into(),
            wait_sum: self.wait_sum,
            callbacks_created: 0,
        }
    }

    #[inline(always)]
    fn count(&mut self, o: Outcome) {
        count_outcome!(self, o, u32, |_| {});
    }
}

/// What happened to a ticket, as the counts record it.
#[derive(Debug, Clone, Copy)]
enum Outcome {
    Offered,
    Answered {
        in_sla: bool,
        wait: f64,
    },
    Abandoned,
    Closed,
    Withdrawn,
    CallbackCreated,
    /// Still waiting at the horizon; `in_sla`: it can still make it.
    WaitingAtEnd {
        in_sla: bool,
    },
}

impl TicketCounts {
    #[inline(always)]
    fn count(&mut self, o: Outcome) {
        count_outcome!(self, o, u64, |c: &mut Self| c.callbacks_created += 1);
    }
}

/// Wall-clock age limits of the backlog's age bands after the SLA one:
/// breached but under a day, one to three days, three days or more.
pub const AGE_BAND_LIMITS: [f64; 2] = [86_400.0, 3.0 * 86_400.0];

/// Tickets waiting at one moment by age: still within their SLA (on the
/// queue's SLA clock), then breached and waiting (wall clock) under a day,
/// one to three days, three days or more.
pub type AgeBands = [u32; 4];

/// The band of a waiting ticket: 0 while it can still make its SLA, then by
/// its wall-clock age (see [`AGE_BAND_LIMITS`]).
#[inline]
pub fn age_band(in_sla: bool, wall_age: f64) -> usize {
    if in_sla {
        0
    } else if wall_age < AGE_BAND_LIMITS[0] {
        1
    } else if wall_age < AGE_BAND_LIMITS[1] {
        2
    } else {
        3
    }
}

/// How long every customer of a queue waited, answered or not: an answered
/// ticket its wait (SLA clock), one that gave up, was groomed away or reached
/// a closed line the time it waited until then (wall clock), one still
/// waiting at the horizon its age so far (SLA clock; a censored wait, the
/// least it will wait).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EveryoneWaits {
    /// Milliseconds.
    pub waits: Waits,
    /// Seconds.
    pub sum: f64,
    pub count: u64,
    /// Customers who waited (or, still waiting, have waited) more than a week.
    pub over_week: u64,
    /// Tickets still waiting at the horizon, by age band.
    pub left: [u64; 4],
    /// Wall-clock age of the oldest ticket still waiting at the horizon.
    pub oldest_left: Option<f64>,
}

impl EveryoneWaits {
    fn new() -> Self {
        EveryoneWaits { waits: Waits::default(), sum: 0.0, count: 0, over_week: 0, left: [0; 4], oldest_left: None }
    }

    /// The desk's: every queue's customers together.
    pub fn total(queues: &[EveryoneWaits]) -> EveryoneWaits {
        let mut t = EveryoneWaits::default();
        for q in queues {
            t.add_figures(q);
        }
        t.waits = Waits::sum(queues.iter().map(|q| &q.waits));
        t
    }

    /// Adds another queue's figures, but for its waits.
    fn add_figures(&mut self, o: &EveryoneWaits) {
        self.sum += o.sum;
        self.count += o.count;
        self.over_week += o.over_week;
        for (a, b) in self.left.iter_mut().zip(o.left) {
            *a += b;
        }
        self.oldest_left = match (self.oldest_left, o.oldest_left) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }

    /// Mean wait of every customer (censored), seconds.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / self.count as f64)
    }

    /// Share of customers who waited more than a week.
    pub fn over_week_share(&self) -> Option<f64> {
        (self.count > 0).then(|| self.over_week as f64 / self.count as f64)
    }

    pub fn quantile(&self, q: f64) -> Option<f64> {
        (!self.waits.is_empty()).then(|| self.waits.value_at_quantile(q) as f64 / 1000.0)
    }
}

impl Default for EveryoneWaits {
    fn default() -> Self {
        EveryoneWaits::new()
    }
}

/// A queue's conversations: tickets that can be touched more than once
/// (customers reply) or move between queues (transfers). Counted only in
/// scenarios with replies or transfers.
///
/// Two views, each with its own clock:
/// - of the tickets that *first arrived* in this queue (by that arrival,
///   like every ticket count): `opened`, and how each ended — `resolved`
///   (with its end-to-end time, touches and transfers), `lost` (it gave up,
///   reached a closed line or was groomed away at some step), or
///   `open_at_end` (still in a line, in service, waiting for the customer's
///   reply or for another department at the horizon). So `opened = resolved +
///   lost + open_at_end`.
/// - of the contacts this queue *handled* (by the time they reached it):
///   customers' replies (`replies`, answered ones and their waits) and
///   transfers in and out. A transferred ticket is also one of the
///   receiving queue's `offered` tickets (its wait runs from the transfer);
///   a reply is not (the first-response figures stay first responses).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct FlowCounts {
    pub opened: u64,
    pub resolved: u64,
    /// Sum of resolution times (first arrival to the last touch's end), seconds.
    pub resolution_sum: f64,
    /// Agent touches of the resolved tickets, in every queue.
    pub touches_sum: u64,
    /// Transfers of the resolved tickets.
    pub transfers_sum: u64,
    pub lost: u64,
    pub open_at_end: u64,
    pub replies: u64,
    pub replies_answered: u64,
    /// Sum of replies' waits for the next answer (queue's SLA clock), seconds.
    pub reply_wait_sum: f64,
    pub transfers_in: u64,
    pub transfers_out: u64,
}

impl FlowCounts {
    pub fn add(&mut self, o: &FlowCounts) {
        self.opened += o.opened;
        self.resolved += o.resolved;
        self.resolution_sum += o.resolution_sum;
        self.touches_sum += o.touches_sum;
        self.transfers_sum += o.transfers_sum;
        self.lost += o.lost;
        self.open_at_end += o.open_at_end;
        self.replies += o.replies;
        self.replies_answered += o.replies_answered;
        self.reply_wait_sum += o.reply_wait_sum;
        self.transfers_in += o.transfers_in;
        self.transfers_out += o.transfers_out;
    }

    /// Mean resolution time of resolved tickets, seconds.
    pub fn resolution_mean(&self) -> Option<f64> {
        (self.resolved > 0).then(|| self.resolution_sum / self.resolved as f64)
    }

    /// Agent touches per resolved ticket.
    pub fn touches_per_ticket(&self) -> Option<f64> {
        (self.resolved > 0).then(|| self.touches_sum as f64 / self.resolved as f64)
    }

    /// Mean wait of answered replies, seconds.
    pub fn reply_wait_mean(&self) -> Option<f64> {
        (self.replies_answered > 0).then(|| self.reply_wait_sum / self.replies_answered as f64)
    }
}

/// Agent time of one team over one stretch, agent-seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct AgentTime {
    /// Busy time; a chat agent holding 2 of 3 slots counts 2/3.
    pub busy: f64,
    /// Time on duty, including finishing a ticket after the shift ended.
    pub on_duty: f64,
}

impl AgentTime {
    pub fn add(&mut self, o: &AgentTime) {
        self.busy += o.busy;
        self.on_duty += o.on_duty;
    }

    pub fn occupancy(&self) -> Option<f64> {
        (self.on_duty > 0.0).then(|| (self.busy / self.on_duty).min(1.0))
    }
}

/// Everything one replication measured.
/// Serializable for shard files (`--shard`, `staffsim merge`), exactly:
/// what a shard writes, `merge` folds as if it had just been simulated.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReplicationStats {
    /// Per queue, over the whole window (initial backlog included).
    pub queues: Vec<TicketCounts>,
    /// Per queue, the tickets of the initial backlog only.
    pub initial: Vec<TicketCounts>,
    /// Per queue, the tickets that arrived while the queue was closed.
    pub after_hours: Vec<TicketCounts>,
    /// Per queue and then for the whole desk: when the backlog first fell to
    /// `clear_below` tickets or fewer, seconds from the start.
    pub time_to_clear: Vec<Option<f64>>,
    /// Waits of answered tickets per queue, milliseconds.
    pub waits: Vec<Waits>,
    /// Per queue: how long every customer waited, answered or not.
    pub everyone: Vec<EveryoneWaits>,
    /// Per team, over the whole window.
    pub teams: Vec<AgentTime>,
    /// Per interval × queue (row-major by interval).
    pub interval_tickets: Vec<IntervalCounts>,
    /// Per interval × team.
    pub interval_agents: Vec<AgentTime>,
    /// Tickets started by an agent whose team lacks the queue's skill; an
    /// invariant the tests hold at zero.
    pub served_without_skill: u64,
    /// Per queue: its conversations (all zero without replies or transfers).
    pub flows: Vec<FlowCounts>,
    /// Per queue: resolution times of the resolved tickets that first
    /// arrived in it, milliseconds; empty unless conversations are followed
    /// ([`Recorder::follow_conversations`]), which a 400-queue desk would
    /// otherwise pay for in memory it never uses.
    pub resolution: Vec<Waits>,
    /// Per queue: after-hours callbacks and scheduled callback requests.
    pub callbacks: Vec<CallbackCounts>,
    /// Per queue: outbound dialling (all zero for inbound queues).
    pub outbound: Vec<OutboundCounts>,
    /// Every counted ticket, in the order they ended; empty unless asked
    /// for ([`Recorder::log_tickets`]). Never written to shard files.
    #[serde(skip)]
    pub tickets: Vec<TicketRecord>,
}

/// The sum, count and week-long count of a queue's customers' waits
/// ([`EveryoneWaits`]'s figures but its histogram) while the replication runs.
#[derive(Debug, Clone, Copy, Default)]
struct WaitFigures {
    sum: f64,
    count: u64,
    over_week: u64,
}

impl WaitFigures {
    /// A customer's wait, seconds.
    #[inline]
    fn count_wait(&mut self, wait: f64) {
        let wait = wait.max(0.0);
        self.sum += wait;
        self.count += 1;
        self.over_week += u64::from(wait > 7.0 * 86_400.0);
    }
}

/// One queue's running record: its SLA thresholds and everything a ticket's
/// outcome adds to, side by side, so a ticket's count touches one record
/// (one bounds check, a few cache lines) instead of five tables. Moved into
/// [`ReplicationStats`] when the replication ends.
#[derive(Debug, Clone)]
#[repr(C)]
struct QueueTally {
    within: f64,
    /// The SLA threshold of after-hours callback tickets.
    after_hours_within: f64,
    /// The queue's totals (`stats.queues`).
    counts: TicketCounts,
    /// Every customer's waits: figures (`stats.everyone`).
    everyone: WaitFigures,
    /// The answered waits (`stats.waits`).
    answered: WaitCounts,
    /// The waits of every other customer (abandoned, closed, groomed, still
    /// waiting), added to the answered ones for `stats.everyone`.
    unanswered: WaitCounts,
}

impl QueueTally {
    fn new(within: f64) -> Self {
        QueueTally {
            within,
            after_hours_within: within,
            counts: TicketCounts::default(),
            everyone: WaitFigures::default(),
            answered: WaitCounts::default(),
            unanswered: WaitCounts::default(),
        }
    }
}

/// Streams one replication's observations into [`ReplicationStats`].
#[derive(Debug)]
pub struct Recorder {
    warmup: f64,
    horizon: f64,
    interval: f64,
    /// 1 / interval: a multiplication on the hot path instead of a division.
    per_interval: f64,
    intervals: usize,
    queue_count: usize,
    team_count: usize,
    /// One record per counted ticket, when a ticket log was asked for.
    tickets: Option<Vec<TicketRecord>>,
    /// Per queue: what every ticket's outcome updates, in one record.
    tallies: Vec<QueueTally>,
    /// Per queue, when conversations are followed: resolution times,
    /// turned into `stats.resolution` at the end.
    resolution_times: Vec<WaitCounts>,
    stats: ReplicationStats,
}

impl Recorder {
    pub fn new(warmup: f64, horizon: f64, interval: f64, sla_within: Vec<f64>, team_count: usize) -> Self {
        let intervals = ((horizon - warmup) / interval).round() as usize;
        let queue_count = sla_within.len();
        Recorder {
            warmup,
            horizon,
            interval,
            per_interval: 1.0 / interval,
            intervals,
            queue_count,
            team_count,
            tallies: sla_within.iter().map(|&within| QueueTally::new(within)).collect(),
            resolution_times: Vec::new(),
            stats: ReplicationStats {
                queues: vec![TicketCounts::default(); queue_count],
                initial: vec![TicketCounts::default(); queue_count],
                after_hours: vec![TicketCounts::default(); queue_count],
                time_to_clear: vec![None; queue_count + 1],
                waits: Vec::new(),
                everyone: vec![EveryoneWaits::new(); queue_count],
                teams: vec![AgentTime::default(); team_count],
                interval_tickets: vec![IntervalCounts::default(); intervals * queue_count],
                interval_agents: vec![AgentTime::default(); intervals * team_count],
                served_without_skill: 0,
                flows: vec![FlowCounts::default(); queue_count],
                resolution: Vec::new(),
                callbacks: vec![CallbackCounts::default(); queue_count],
                outbound: vec![OutboundCounts::default(); queue_count],
                tickets: Vec::new(),
            },
            tickets: None,
        }
    }

    /// Keep a record of every counted ticket (`run --ticket-log`).
    pub fn log_tickets(&mut self) {
        self.tickets = Some(Vec::new());
    }

    /// Whether ticket records are kept.
    #[inline]
    pub fn logs_tickets(&self) -> bool {
        self.tickets.is_some()
    }

    #[inline]
    fn log(&mut self, queue: usize, arrival: f64, origin: Origin, outcome: TicketOutcome, wait: f64) {
        if let Some(log) = &mut self.tickets {
            log.push(TicketRecord { queue: queue as u32, origin, outcome, arrival, wait, handle: f64::NAN });
        }
    }

    /// A counted ticket's answer, for the ticket log only: `wait` on the
    /// wall clock, `handle` the agent time it takes. The counts come from
    /// [`Recorder::answered`].
    #[inline]
    pub fn log_answered(&mut self, queue: usize, arrival: f64, origin: Origin, wait: f64, handle: f64) {
        if self.tickets.is_some()
            && self.followed(arrival, origin)
            && let Some(log) = &mut self.tickets
        {
            let outcome = TicketOutcome::Answered;
            log.push(TicketRecord { queue: queue as u32, origin, outcome, arrival, wait, handle });
        }
    }

    /// The SLA thresholds after-hours callback tickets are judged against,
    /// per queue (by default each queue's `sla.within`).
    pub fn with_after_hours_within(mut self, within: Vec<f64>) -> Self {
        for (t, w) in self.tallies.iter_mut().zip(within) {
            t.after_hours_within = w;
        }
        self
    }

    #[inline]
    fn within(&self, queue: usize, origin: Origin) -> f64 {
        let t = &self.tallies[queue];
        if origin == Origin::AfterHoursCallback { t.after_hours_within } else { t.within }
    }

    /// The reporting interval a ticket arriving at `arrival` belongs to, or
    /// `None` before the warm-up ends.
    #[inline]
    fn cohort(&self, arrival: f64) -> Option<usize> {
        if arrival < self.warmup || arrival >= self.horizon {
            return None;
        }
        // Not negative here, so the signed conversion (one instruction)
        // gives what the unsigned one would.
        Some((((arrival - self.warmup) * self.per_interval) as i64 as usize).min(self.intervals - 1))
    }

    /// Applies `f` to every count the ticket belongs to: the queue's total and
    /// its arrival interval (and the after-hours counts when it arrived while
    /// the queue was closed), or — for the initial backlog, which is counted
    /// whatever the warm-up — the total and the initial-backlog counts.
    /// Returns whether the ticket is counted at all.
    /// Always inlined: each caller passes one outcome, so the outcome's
    /// match is settled at compile time instead of by an indirect jump per
    /// count (a jump whose target alternates, mispredicted most of the time).
    #[inline(always)]
    fn each(&mut self, queue: usize, arrival: f64, origin: Origin, o: Outcome) -> bool {
        if origin == Origin::InitialBacklog {
            self.tallies[queue].counts.count(o);
            self.stats.initial[queue].count(o);
            return true;
        }
        let Some(c) = self.cohort(arrival) else { return false };
        self.tallies[queue].counts.count(o);
        self.stats.interval_tickets[c * self.queue_count + queue].count(o);
        match origin {
            Origin::AfterHours => self.stats.after_hours[queue].count(o),
            Origin::AfterHoursCallback => self.stats.callbacks[queue].after_hours.count(o),
            _ => {}
        }
        true
    }

    #[inline(always)]
    pub fn offered(&mut self, queue: usize, arrival: f64, origin: Origin) {
        self.each(queue, arrival, origin, Outcome::Offered);
    }

    /// A ticket answered after `wait` seconds (on the queue's SLA clock).
    #[inline(always)]
    pub fn answered(&mut self, queue: usize, arrival: f64, wait: f64, origin: Origin) {
        let in_sla = wait <= self.within(queue, origin);
        let counted = self.each(queue, arrival, origin, Outcome::Answered { in_sla, wait });
        if counted {
            let t = &mut self.tallies[queue];
            t.answered.record(millis(wait));
            // Everyone's waits get the answered ones all at once at the end
            // (`finish`): one record per ticket, not two.
            t.everyone.count_wait(wait);
        }
    }

    /// A customer not answered (gave up, reached a closed line, groomed
    /// away) after waiting `waited` seconds.
    #[inline]
    fn unanswered(&mut self, queue: usize, waited: f64) {
        let waited = waited.max(0.0);
        let t = &mut self.tallies[queue];
        t.everyone.count_wait(waited);
        t.unanswered.record(millis(waited));
    }

    /// A customer who gave up after waiting `waited` seconds.
    #[inline]
    pub fn abandoned(&mut self, queue: usize, arrival: f64, waited: f64, origin: Origin) {
        if self.each(queue, arrival, origin, Outcome::Abandoned) {
            self.unanswered(queue, waited);
            self.log(queue, arrival, origin, TicketOutcome::Abandoned, waited);
        }
    }

    /// A ticket missed because its line was closed (a call reaching a closed
    /// phone line, or a caller still waiting when it closed).
    /// `waited`: seconds from arrival until the line closed on it (0 for a
    /// call that reached a closed line).
    #[inline]
    pub fn closed(&mut self, queue: usize, arrival: f64, waited: f64, origin: Origin) {
        if self.each(queue, arrival, origin, Outcome::Closed) {
            self.unanswered(queue, waited);
            self.log(queue, arrival, origin, TicketOutcome::Closed, waited);
        }
    }

    /// A ticket groomed away after waiting `waited` seconds.
    #[inline]
    pub fn withdrawn(&mut self, queue: usize, arrival: f64, waited: f64, origin: Origin) {
        if self.each(queue, arrival, origin, Outcome::Withdrawn) {
            self.unanswered(queue, waited);
            self.log(queue, arrival, origin, TicketOutcome::Withdrawn, waited);
        }
    }

    /// A missed call of `queue` that left a callback request.
    #[inline]
    pub fn callback_created(&mut self, queue: usize, arrival: f64, origin: Origin) {
        self.each(queue, arrival, origin, Outcome::CallbackCreated);
    }

    /// A missed call of `queue` whose callback request asks to be called
    /// `delay` seconds after the miss.
    pub fn callback_scheduled(&mut self, queue: usize, arrival: f64, origin: Origin, delay: f64) {
        if self.followed(arrival, origin) {
            let c = &mut self.stats.callbacks[queue];
            c.scheduled += 1;
            c.scheduled_delay_sum += delay;
        }
    }

    /// An outbound attempt started on a list entry of `queue`.
    pub fn outbound_attempt(&mut self, queue: usize, arrival: f64, origin: Origin) {
        if self.followed(arrival, origin) {
            self.stats.outbound[queue].attempts += 1;
        }
    }

    /// An outbound list entry settled after `attempts` attempts: reached,
    /// or never reached after the last one.
    pub fn outbound_settled(&mut self, queue: usize, arrival: f64, origin: Origin, attempts: u8, reached: bool) {
        if self.followed(arrival, origin) {
            let o = &mut self.stats.outbound[queue];
            if reached {
                o.reached += 1;
            } else {
                o.unreached += 1;
            }
            o.settled_attempts += u64::from(attempts);
        }
    }

    /// Conversations will be reported: keep their resolution times.
    pub fn follow_conversations(&mut self) {
        self.resolution_times = vec![WaitCounts::default(); self.queue_count];
    }

    /// Whether a ticket first arriving at `arrival` (with `origin`) is one
    /// the statistics follow.
    #[inline]
    fn followed(&self, arrival: f64, origin: Origin) -> bool {
        origin == Origin::InitialBacklog || self.cohort(arrival).is_some()
    }

    /// A ticket that can be touched again or transferred entered `home`,
    /// its first queue.
    pub fn conversation_opened(&mut self, home: usize, arrival: f64, origin: Origin) {
        if self.followed(arrival, origin) {
            self.stats.flows[home].opened += 1;
        }
    }

    /// A ticket that first arrived in `home` at `arrival` was resolved after
    /// `time` seconds, `touches` answers and `transfers` transfers.
    pub fn resolved(&mut self, home: usize, arrival: f64, origin: Origin, time: f64, touches: u32, transfers: u32) {
        if self.followed(arrival, origin) {
            let f = &mut self.stats.flows[home];
            f.resolved += 1;
            f.resolution_sum += time;
            f.touches_sum += u64::from(touches);
            f.transfers_sum += u64::from(transfers);
            self.resolution_times[home].record(millis(time.max(0.0)));
        }
    }

    /// A ticket of `home` ended unresolved: abandoned, closed or groomed at some step.
    pub fn conversation_lost(&mut self, home: usize, arrival: f64, origin: Origin) {
        if self.followed(arrival, origin) {
            self.stats.flows[home].lost += 1;
        }
    }

    /// A ticket of `home` still unresolved at the horizon.
    pub fn conversation_open_at_end(&mut self, home: usize, arrival: f64, origin: Origin) {
        if self.followed(arrival, origin) {
            self.stats.flows[home].open_at_end += 1;
        }
    }

    /// A customer's reply reached `queue` at `time`.
    pub fn reply(&mut self, queue: usize, time: f64) {
        if self.cohort(time).is_some() {
            self.stats.flows[queue].replies += 1;
        }
    }

    /// A reply that reached `queue` at `time` was answered after `wait` seconds.
    pub fn reply_answered(&mut self, queue: usize, time: f64, wait: f64) {
        if self.cohort(time).is_some() {
            let f = &mut self.stats.flows[queue];
            f.replies_answered += 1;
            f.reply_wait_sum += wait;
        }
    }

    /// A ticket left `from` for `to` at `time` (it reaches `to` later when delayed).
    pub fn transfer_out(&mut self, from: usize, time: f64) {
        if self.cohort(time).is_some() {
            self.stats.flows[from].transfers_out += 1;
        }
    }

    /// A transferred ticket reached `to` at `time`.
    pub fn transfer_in(&mut self, to: usize, time: f64) {
        if self.cohort(time).is_some() {
            self.stats.flows[to].transfers_in += 1;
        }
    }

    /// A ticket still waiting when the horizon is reached, `age` seconds old
    /// on the queue's SLA clock and `wall_age` on the wall clock.
    pub fn waiting_at_end(&mut self, queue: usize, arrival: f64, age: f64, wall_age: f64, origin: Origin) {
        let in_sla = age <= self.within(queue, origin);
        if self.each(queue, arrival, origin, Outcome::WaitingAtEnd { in_sla }) {
            self.unanswered(queue, age);
            let e = &mut self.stats.everyone[queue];
            e.left[age_band(in_sla, wall_age)] += 1;
            e.oldest_left = Some(e.oldest_left.map_or(wall_age, |o| o.max(wall_age)));
            self.log(queue, arrival, origin, TicketOutcome::Waiting, wall_age);
        }
    }

    /// Whether the end of reporting interval `index` (counted from t = 0)
    /// is recorded: the engine counts the backlog's ages only then.
    pub fn records_interval(&self, index: usize) -> bool {
        let warm = (self.warmup / self.interval).round() as usize;
        index.checked_sub(warm).is_some_and(|k| k < self.intervals)
    }

    /// A ticket was started by an agent without the queue's skill (a bug).
    pub fn served_without_skill(&mut self) {
        self.stats.served_without_skill += 1;
    }

    /// The backlog of `queue` (or, with `queue == None`, of the desk) fell
    /// to the clearing threshold at `time`; only the first time counts.
    pub fn cleared(&mut self, queue: Option<usize>, time: f64) {
        let slot = &mut self.stats.time_to_clear[queue.unwrap_or(self.queue_count)];
        if slot.is_none() {
            *slot = Some(time);
        }
    }

    /// Closes reporting interval `index` (counted from t = 0, warm-up included).
    /// `backlog`: per queue, the tickets waiting and those of them in the
    /// first three age bands.
    pub fn interval_end(
        &mut self,
        index: usize,
        backlog: impl Iterator<Item = (usize, [u32; 3])>,
        agents: impl Iterator<Item = AgentTime>,
    ) {
        let warm = (self.warmup / self.interval).round() as usize;
        let Some(k) = index.checked_sub(warm).filter(|&k| k < self.intervals) else {
            return;
        };
        for (q, (n, ages)) in backlog.enumerate() {
            let cell = &mut self.stats.interval_tickets[k * self.queue_count + q];
            cell.backlog = n as u32;
            cell.ages = ages;
        }
        for (t, time) in agents.enumerate() {
            self.stats.interval_agents[k * self.team_count + t] = time;
            self.stats.teams[t].add(&time);
        }
    }

    pub fn finish(mut self) -> ReplicationStats {
        self.stats.tickets = self.tickets.take().unwrap_or_default();
        self.stats.waits = self.tallies.iter().map(|t| t.answered.waits()).collect();
        for (((e, counts), answered), t) in
            self.stats.everyone.iter_mut().zip(&mut self.stats.queues).zip(&self.stats.waits).zip(&self.tallies)
        {
            *counts = t.counts;
            (e.sum, e.count, e.over_week) = (t.everyone.sum, t.everyone.count, t.everyone.over_week);
            e.waits = t.unanswered.waits();
            e.waits.add(answered);
        }
        self.stats.resolution = self.resolution_times.iter().map(WaitCounts::waits).collect();
        self.stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Origin::*;

    #[test]
    fn counts_by_arrival_interval_after_warmup() {
        let mut r = Recorder::new(100.0, 400.0, 100.0, vec![10.0], 1);
        r.offered(0, 50.0, OpenHours); // warm-up: ignored
        r.offered(0, 150.0, OpenHours);
        r.answered(0, 150.0, 5.0, OpenHours);
        r.offered(0, 250.0, OpenHours);
        r.answered(0, 250.0, 50.0, OpenHours);
        r.offered(0, 395.0, OpenHours);
        r.waiting_at_end(0, 395.0, 5.0, 5.0, OpenHours); // 5 s old at the horizon: can still make it
        r.offered(0, 300.0, OpenHours);
        r.abandoned(0, 300.0, 40.0, OpenHours);
        r.offered(0, -20.0, InitialBacklog); // initial backlog: counted whatever the warm-up
        r.withdrawn(0, -20.0, 420.0, InitialBacklog);
        let s = r.finish();
        let q = s.queues[0];
        assert_eq!(
            (q.offered, q.answered, q.answered_in_sla, q.abandoned, q.waiting_at_end, q.waiting_in_sla),
            (5, 2, 1, 1, 1, 1)
        );
        assert_eq!(q.withdrawn, 1);
        assert_eq!(s.initial[0].offered, 1);
        // New arrivals only: 1 of 3 judged tickets in time.
        assert_eq!(q.minus(&s.initial[0]).service_level(), Some(1.0 / 3.0));
        assert_eq!(q.service_level(), Some(1.0 / 4.0));
        assert_eq!(q.asa(), Some(27.5));
        assert_eq!(s.interval_tickets[0].offered, 1);
        assert_eq!(s.interval_tickets[2].offered, 2);
        assert_eq!(s.waits[0].len(), 2);
        // Every customer: answered 5 s and 50 s, 5 s old at the horizon,
        // gave up after 40 s, groomed away after 420 s.
        let e = &s.everyone[0];
        assert_eq!((e.count, e.sum, e.mean()), (5, 520.0, Some(104.0)));
        assert_eq!((e.left, e.oldest_left, e.over_week), ([1, 0, 0, 0], Some(5.0), 0));
        assert!((e.quantile(1.0).unwrap() - 420.0).abs() < 0.01 * 420.0, "to the histogram's 1 %");
    }

    #[test]
    fn age_bands_follow_the_sla_then_the_wall_clock() {
        assert_eq!(age_band(true, 10.0 * 86_400.0), 0, "still within a business-hours SLA");
        assert_eq!(age_band(false, 3600.0), 1);
        assert_eq!(age_band(false, 86_400.0), 2, "a day old is in 1-3 days");
        assert_eq!(age_band(false, 3.0 * 86_400.0 - 1.0), 2);
        assert_eq!(age_band(false, 3.0 * 86_400.0), 3);
    }

    #[test]
    fn closed_lines_and_after_hours_arrivals_are_counted_apart() {
        // One queue, SLA 10 s, statistics window [0, 200), intervals of 100 s.
        let mut r = Recorder::new(0.0, 200.0, 100.0, vec![10.0], 1);
        // Open hours: one answered in time, one caller who gave up, one caller
        // still waiting when the line closed.
        for t in [10.0, 20.0, 30.0] {
            r.offered(0, t, OpenHours);
        }
        r.answered(0, 10.0, 5.0, OpenHours);
        r.abandoned(0, 20.0, 15.0, OpenHours);
        r.closed(0, 30.0, 170.0, OpenHours);
        // After hours: two calls reach the closed line, one e-mail-like ticket
        // waits for the morning and is answered late, one is still waiting.
        for t in [110.0, 120.0, 130.0, 140.0] {
            r.offered(0, t, AfterHours);
        }
        r.closed(0, 110.0, 0.0, AfterHours);
        r.closed(0, 120.0, 0.0, AfterHours);
        r.answered(0, 130.0, 50.0, AfterHours);
        r.waiting_at_end(0, 140.0, 60.0, 60.0, AfterHours);
        // The initial backlog is never after hours, even when its line is closed.
        r.offered(0, -5.0, InitialBacklog);
        r.closed(0, -5.0, 0.0, InitialBacklog);
        let s = r.finish();

        let q = s.queues[0];
        assert_eq!((q.offered, q.answered, q.abandoned, q.closed, q.waiting_at_end), (8, 2, 1, 4, 1));
        assert_eq!(q.offered, q.answered + q.abandoned + q.closed + q.withdrawn + q.waiting_at_end);
        assert_eq!(q.abandon_rate(), Some(1.0 / 8.0), "only the customer who gave up");
        // Closed tickets are misses: 1 in time of 8 judged.
        assert_eq!(q.service_level(), Some(1.0 / 8.0));

        let night = s.after_hours[0];
        assert_eq!((night.offered, night.closed, night.answered, night.waiting_at_end), (4, 2, 1, 1));
        assert_eq!(night.abandoned, 0);
        assert_eq!(s.initial[0].closed, 1);
        // Open hours (total less after hours, the initial backlog included):
        // 1 in time of 4 judged.
        assert_eq!(q.minus(&night).service_level(), Some(1.0 / 4.0));

        // Per interval: the outcome, by arrival interval; the backlog is in no interval.
        let (day, evening) = (s.interval_tickets[0], s.interval_tickets[1]);
        assert_eq!((day.offered, day.abandoned, day.closed), (3, 1, 1));
        assert_eq!((evening.offered, evening.closed), (4, 2));
        assert_eq!(u64::from(day.closed + evening.closed) + s.initial[0].closed, q.closed);
    }
}
