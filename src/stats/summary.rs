//! Merging replications into the figures every output shows: each figure is
//! the mean over replications with a 95 % confidence half-width (Student t).
//! Replications are folded into running sums one at a time, in their index
//! order ([`RunningSummary`]), so the result does not depend on how many
//! threads produced them, and a run's memory does not depend on how many
//! replications it has.

use std::sync::Arc;

use statrs::distribution::{ContinuousCDF, StudentsT};

use super::recorder::{AgentTime, EveryoneWaits, FlowCounts, IntervalCounts, ReplicationStats, TicketCounts};
use super::running::{
    RunningEstimate, RunningMean, SampleMean, add_sample, add_welford, sample_mean, welford_estimate,
};
use super::waits::Waits;
use crate::scenario::Scenario;
use crate::scenario::units::WEEK;

/// A mean over replications and its 95 % confidence half-width.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Estimate {
    /// `None` when no replication defined the figure (e.g. no tickets).
    pub mean: Option<f64>,
    /// `None` with fewer than two replications defining the figure.
    pub ci95: Option<f64>,
}

/// Mean and Student-t 95 % half-width of the defined samples.
pub fn estimate(samples: impl IntoIterator<Item = Option<f64>>) -> Estimate {
    let xs: Vec<f64> = samples.into_iter().flatten().filter(|x| x.is_finite()).collect();
    let n = xs.len();
    if n == 0 {
        return Estimate::default();
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    let ci95 = (n >= 2).then(|| {
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        t_975(n - 1) * (var / n as f64).sqrt()
    });
    Estimate { mean: Some(mean), ci95 }
}

/// The 97.5 % quantile of Student's t with `df` degrees of freedom. The
/// inverse distribution function is costly and every table row needs it,
/// so the first thousand are computed once.
pub fn t_975(df: usize) -> f64 {
    static TABLE: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    let compute = |df: usize| StudentsT::new(0.0, 1.0, df as f64).map_or(1.959_964, |t| t.inverse_cdf(0.975));
    let table = TABLE.get_or_init(|| (0..=1024).map(compute).collect());
    table.get(df).copied().unwrap_or_else(|| compute(df))
}

/// One row of `summary.csv`: a queue, or the whole desk (`queue = "all"`).
#[derive(Debug, Clone, Default)]
pub struct QueueSummary {
    pub queue: String,
    pub offered: f64,
    pub answered: f64,
    /// Customers who gave up.
    pub abandoned: f64,
    /// Missed because their line was closed (phone lines with callbacks).
    pub closed: f64,
    pub withdrawn: f64,
    pub waiting_at_end: f64,
    pub service_level: Estimate,
    /// The queue's SLA target (a share); `None` for the desk total and for
    /// an average-only SLA.
    pub sla_target: Option<f64>,
    pub sla_within_s: Option<f64>,
    /// The queue's target on the mean wait of answered customers, seconds;
    /// `None` for the desk total and when the SLA has none.
    pub asa_target_s: Option<f64>,
    pub asa_s: Estimate,
    pub wait_p50_s: Option<f64>,
    pub wait_p90_s: Option<f64>,
    pub wait_p99_s: Option<f64>,
    pub abandon_rate: Estimate,
    /// Occupancy of the agents who can serve the queue.
    pub occupancy: Estimate,
    /// Missed calls that left a callback request.
    pub callbacks_created: f64,
    /// Service level of the tickets of the initial backlog, and of new arrivals.
    pub service_level_backlog: Estimate,
    pub service_level_new: Estimate,
    /// Tickets that arrived while their queue was closed (any channel).
    pub after_hours: f64,
    /// Service level of every ticket but the after-hours ones: what the desk
    /// achieves for customers who contact it while it is open.
    pub service_level_open: Estimate,
    /// Hours from the start until the backlog first fell to the clearing
    /// threshold, over the replications where it did.
    pub time_to_clear_h: Estimate,
    /// Replications in which it never did.
    pub never_cleared: usize,
    /// Every customer counted (see [`EveryoneWaits`]): the mean wait of all
    /// customers, answered or not, with the tickets still waiting at the
    /// horizon counted at their age so far (a censored wait, so a lower
    /// bound), seconds.
    pub wait_all_mean_s: Estimate,
    pub wait_all_p50_s: Option<f64>,
    pub wait_all_p90_s: Option<f64>,
    /// Share of all customers answered within the SLA (answered in time ÷
    /// offered: tickets left waiting count against it).
    pub answered_in_time_all: Estimate,
    /// Share of all customers who waited (or have waited) more than a week.
    pub waited_over_week: Estimate,
    /// Tickets still waiting at the horizon by age band (within the SLA,
    /// breached under a day, one to three days, three days or more).
    pub left_by_age: [f64; 4],
    /// Wall-clock age of the oldest ticket left, hours, over the
    /// replications that left any.
    pub oldest_left_h: Estimate,
    /// Replies and transfers (see [`FlowCounts`]); `None` in a desk without them.
    pub flow: Option<FlowSummary>,
    /// With `[simulation] clear_by`: whether and when the backlog cleared
    /// against that date.
    pub clear_by: Option<ClearBy>,
    /// Callbacks (daytime and after hours, scheduled) and outbound lists.
    pub dialling: super::dialling::DiallingSummary,
}

/// A queue's conversations over the replications: of the tickets that first
/// arrived in it, how they were resolved; of the contacts it handled, its
/// customers' replies and the transfers in and out (see [`FlowCounts`]).
#[derive(Debug, Clone, Default)]
pub struct FlowSummary {
    /// Tickets that first arrived here (new and initial backlog).
    pub opened: f64,
    pub resolved: f64,
    /// Ended unresolved: the customer gave up, reached a closed line or the
    /// ticket was groomed away, at any step.
    pub lost: f64,
    /// Not resolved at the horizon.
    pub open_at_end: f64,
    /// Agent touches per resolved ticket.
    pub touches_per_ticket: Estimate,
    /// First arrival to the end of the last touch, hours.
    pub resolution_h: Estimate,
    pub resolution_p50_h: Option<f64>,
    pub resolution_p90_h: Option<f64>,
    /// Customers' replies that reached this queue.
    pub replies: f64,
    /// Mean wait of a reply for the next answer (the queue's SLA clock), seconds.
    pub reply_wait_s: Estimate,
    pub transfers_in: f64,
    pub transfers_out: f64,
}

/// Running sums behind a [`FlowSummary`].
#[derive(Debug, Clone, Default)]
struct FlowTally {
    opened: RunningMean,
    resolved: RunningMean,
    lost: RunningMean,
    open_at_end: RunningMean,
    touches_per_ticket: RunningEstimate,
    resolution_h: RunningEstimate,
    resolution_p50_h: RunningMean,
    resolution_p90_h: RunningMean,
    replies: RunningMean,
    reply_wait_s: RunningEstimate,
    transfers_in: RunningMean,
    transfers_out: RunningMean,
}

impl FlowTally {
    fn add(&mut self, f: &FlowCounts, resolution: &Waits) {
        let hours = |x: Option<f64>| x.map(|s| s / 3600.0);
        self.opened.add(f.opened as f64);
        self.resolved.add(f.resolved as f64);
        self.lost.add(f.lost as f64);
        self.open_at_end.add(f.open_at_end as f64);
        self.touches_per_ticket.add(f.touches_per_ticket());
        self.resolution_h.add(hours(f.resolution_mean()));
        self.resolution_p50_h.add_defined(hours(quantile(resolution, 0.5)));
        self.resolution_p90_h.add_defined(hours(quantile(resolution, 0.9)));
        self.replies.add(f.replies as f64);
        self.reply_wait_s.add(f.reply_wait_mean());
        self.transfers_in.add(f.transfers_in as f64);
        self.transfers_out.add(f.transfers_out as f64);
    }

    fn finish(&self) -> FlowSummary {
        FlowSummary {
            opened: self.opened.mean(),
            resolved: self.resolved.mean(),
            lost: self.lost.mean(),
            open_at_end: self.open_at_end.mean(),
            touches_per_ticket: self.touches_per_ticket.estimate(),
            resolution_h: self.resolution_h.estimate(),
            resolution_p50_h: self.resolution_p50_h.defined_mean(),
            resolution_p90_h: self.resolution_p90_h.defined_mean(),
            replies: self.replies.mean(),
            reply_wait_s: self.reply_wait_s.estimate(),
            transfers_in: self.transfers_in.mean(),
            transfers_out: self.transfers_out.mean(),
        }
    }
}

/// The backlog against the `clear_by` date.
#[derive(Debug, Clone, PartialEq)]
pub struct ClearBy {
    /// Share of replications whose backlog had cleared by the date.
    pub share: f64,
    /// The mean clearing time (over the replications that cleared) as a
    /// desk-clock date, "2026-12-21 14:30".
    pub expected: Option<String>,
    /// The same, for sentences: "Mon 21 Dec 2026 14:30".
    pub expected_short: Option<String>,
    /// By when half of the replications, and nine in ten, had cleared: the
    /// end of the hour in which they did ("2026-12-21 15:00"); `None` when
    /// fewer had cleared by the horizon.
    pub p50_by: Option<String>,
    pub p90_by: Option<String>,
    /// The same two, for sentences ("Wed 23 Dec 2026 16:00").
    pub p50_by_short: Option<String>,
    pub p90_by_short: Option<String>,
}

/// In how many replications the backlog cleared in each hour from the
/// start: a fixed-size tally (the horizon in hours), so memory does not
/// depend on the number of replications; kept only with `clear_by`.
#[derive(Debug, Clone, Default)]
pub(super) struct ClearHours(Vec<u32>);

impl ClearHours {
    pub(super) fn new(scenario: &Scenario) -> Self {
        let sim = &scenario.simulation;
        let hours = if sim.clear_by.is_some() { (sim.horizon / 3600.0).ceil() as usize + 1 } else { 0 };
        ClearHours(vec![0; hours])
    }

    pub(super) fn add(&mut self, cleared: Option<f64>) {
        if let Some(t) = cleared
            && !self.0.is_empty()
        {
            let i = ((t / 3600.0).floor().max(0.0) as usize).min(self.0.len() - 1);
            self.0[i] += 1;
        }
    }

    /// The end of the hour by which a share `p` of `replications` had cleared.
    fn by(&self, p: f64, replications: usize) -> Option<f64> {
        let need = (p * replications as f64).ceil().max(1.0) as u64;
        let mut sum = 0u64;
        for (i, &n) in self.0.iter().enumerate() {
            sum += u64::from(n);
            if sum >= need {
                return Some((i + 1) as f64 * 3600.0);
            }
        }
        None
    }
}

impl ClearBy {
    /// From each replication's clearing time (seconds; `None`: never) and
    /// their mean in hours; `None` unless the scenario has a `clear_by`.
    pub(super) fn of(
        scenario: &Scenario,
        cleared_in_time: usize,
        replications: usize,
        mean_h: Option<f64>,
        hours: &ClearHours,
    ) -> Option<Self> {
        let sim = &scenario.simulation;
        let (Some(_), Some(anchor)) = (sim.clear_by, sim.date) else { return None };
        let at = mean_h.map(|h| h * 3600.0);
        let by_time = |p: f64| hours.by(p, replications).map(|t| t.min(sim.horizon));
        let by = |p: f64| by_time(p).map(|t| anchor.format(t));
        let by_short = |p: f64| by_time(p).map(|t| anchor.format_short(t));
        Some(ClearBy {
            share: if replications > 0 { cleared_in_time as f64 / replications as f64 } else { 0.0 },
            expected: at.map(|t| anchor.format(t)),
            expected_short: at.map(|t| anchor.format_short(t)),
            p50_by: by(0.5),
            p90_by: by(0.9),
            p50_by_short: by_short(0.5),
            p90_by_short: by_short(0.9),
        })
    }

    /// Whether a replication's clearing time (seconds) meets the date.
    pub(super) fn in_time(scenario: &Scenario, cleared: Option<f64>) -> bool {
        matches!((scenario.simulation.clear_by, cleared), (Some(d), Some(t)) if t <= d)
    }
}

impl QueueSummary {
    /// Whether the mean service level reaches its target and the mean wait
    /// stays within its own (each where the SLA has it); `None` without a
    /// target or without the figures.
    pub fn meets_target(&self) -> Option<bool> {
        let sla =
            crate::scenario::Sla { within: self.sla_within_s?, target: self.sla_target, average: self.asa_target_s };
        sla.met(self.service_level.mean, self.asa_s.mean)
    }

    /// The targets in short, joined by `sep`: `share` formats the share
    /// target with its threshold ("80%/2m"), the average reads "avg 10m";
    /// `None` without a target (the desk total).
    pub fn target_text(&self, share: impl Fn(f64, f64) -> String, sep: &str) -> Option<String> {
        let mut parts = Vec::new();
        if let (Some(t), Some(w)) = (self.sla_target, self.sla_within_s) {
            parts.push(share(t, w));
        }
        if let Some(a) = self.asa_target_s {
            parts.push(format!("avg {}", crate::scenario::units::format_duration(a)));
        }
        (!parts.is_empty()).then(|| parts.join(sep))
    }

    /// Whether the mean wait stays within the average target; `None` without one.
    pub fn meets_average(&self) -> Option<bool> {
        Some(self.asa_s.mean? <= self.asa_target_s? + 1e-9)
    }

    /// Whether the service level reaches the share target; `None` without one.
    pub fn meets_share(&self) -> Option<bool> {
        Some(self.service_level.mean? >= self.sla_target? - 1e-12)
    }
}

/// One row of `intervals.csv`: a queue (or "all") in one reporting interval.
#[derive(Debug, Clone)]
pub struct IntervalSummary {
    /// Seconds from the start of the simulation to the interval's start.
    pub t_s: f64,
    /// Shared by every row of the queue: a year of hourly rows is hundreds
    /// of thousands of them.
    pub queue: Arc<str>,
    pub offered: f64,
    pub answered: f64,
    pub abandoned: f64,
    /// Missed because their line was closed.
    pub closed: f64,
    pub service_level: Estimate,
    pub asa_s: Option<f64>,
    /// Tickets waiting at the interval's end.
    pub backlog: f64,
    /// Mean agents on duty during the interval (of the teams serving the queue).
    pub agents_on_duty: f64,
    pub occupancy: Option<f64>,
    /// The backlog at the interval's end by age band (within the SLA,
    /// breached under a day, one to three days, three days or more).
    pub backlog_by_age: [f64; 4],
}

/// Agent time of one team in one reporting interval.
#[derive(Debug, Clone)]
pub struct TeamInterval {
    pub t_s: f64,
    pub team: Arc<str>,
    /// Mean agents on duty during the interval.
    pub agents_on_duty: f64,
    /// Mean agents busy (busy agent-time ÷ interval length).
    pub agents_busy: f64,
    pub occupancy: Option<f64>,
}

/// The share of a queue's customers answered within each wait: the curve
/// whose height at `sla_within_s` is the service level.
#[derive(Debug, Clone)]
pub struct WaitCurve {
    pub queue: String,
    pub sla_within_s: f64,
    /// (wait in seconds, share answered within it), mean over replications.
    /// The share is of the same denominator as the service level.
    pub points: Vec<(f64, f64)>,
}

/// Everything a run reports.
#[derive(Debug, Clone)]
pub struct RunSummary {
    pub replications: usize,
    /// One per queue, then the desk total.
    pub queues: Vec<QueueSummary>,
    /// Interval-major, each interval holding every queue then "all".
    pub intervals: Vec<IntervalSummary>,
    /// Interval-major, each interval holding every team.
    pub teams: Vec<TeamInterval>,
    /// A typical week (see [`typical_week`]): each interval of the week pooled
    /// over the weeks of the run, same columns as `intervals`; empty for runs
    /// of two weeks or less.
    pub week: Vec<IntervalSummary>,
    pub week_teams: Vec<TeamInterval>,
    /// One per queue, then the whole desk (each ticket judged against its
    /// own queue's SLA; `sla_within_s` is NaN there).
    pub wait_curves: Vec<WaitCurve>,
}

fn quantile(h: &Waits, q: f64) -> Option<f64> {
    (!h.is_empty()).then(|| h.value_at_quantile(q) as f64 / 1000.0)
}

/// A run's figures built one replication at a time: [`add`](Self::add) each
/// replication in index order as soon as it has finished, then
/// [`finish`](Self::finish). Memory holds running sums for every reported
/// row, never the replications, so it does not grow with their number.
///
/// Every figure is computed with the arithmetic a batch over all
/// replications would use (see [`super::running`]): counts are added within a
/// replication before ratios are taken, then each replication's figure is
/// added to the running sum in order.
#[derive(Debug, Clone)]
pub struct RunningSummary<'a> {
    scenario: &'a Scenario,
    /// The teams serving each queue, then every team (for the desk total).
    serving: Vec<Vec<usize>>,
    /// The wait histograms' bucket tops, milliseconds, in order.
    bucket_tops: Vec<u64>,
    replications: usize,
    /// One per queue, then the desk total.
    queues: Vec<QueueTally>,
    intervals: PooledTally,
    week: Option<PooledTally>,
    /// One per queue, then the desk total.
    waits: Vec<WaitTally>,
    /// One per queue, then the desk total; empty without replies or transfers.
    flows: Vec<FlowTally>,
    /// One per queue, then the desk total.
    dialling: Vec<super::dialling::DiallingTally>,
}

impl<'a> RunningSummary<'a> {
    pub fn new(scenario: &'a Scenario) -> Self {
        let nq = scenario.queues.len();
        let bucket_tops = Waits::bucket_tops();
        let every: Vec<Vec<usize>> = (0..scenario.simulation.intervals()).map(|k| vec![k]).collect();
        RunningSummary {
            scenario,
            serving: serving(scenario),
            replications: 0,
            queues: vec![QueueTally { clear_hours: ClearHours::new(scenario), ..QueueTally::default() }; nq + 1],
            intervals: PooledTally::new(scenario, every),
            week: typical_week(scenario).map(|slots| PooledTally::new(scenario, slots)),
            waits: vec![WaitTally::new(); nq + 1],
            bucket_tops,
            flows: if scenario.has_flows() { vec![FlowTally::default(); nq + 1] } else { Vec::new() },
            dialling: vec![super::dialling::DiallingTally::default(); nq + 1],
        }
    }

    /// Folds in the next replication (they must come in index order for
    /// the result not to depend on the thread count).
    #[allow(clippy::needless_range_loop)] // q == nq is the desk total, not an index
    pub fn add(&mut self, r: &ReplicationStats) {
        let nq = self.scenario.queues.len();
        let desk_waits = Waits::sum(&r.waits);
        let desk_everyone = EveryoneWaits::total(&r.everyone);
        for q in 0..=nq {
            let is_all = q == nq;
            let pick = |rows: &[TicketCounts]| if is_all { total(rows) } else { rows[q] };
            let counts = pick(&r.queues);
            let waits = if is_all { &desk_waits } else { &r.waits[q] };
            let time = team_total(self.serving[q].iter().map(|&t| r.teams[t]));
            let clear = r.time_to_clear[q].map(|t| t / 3600.0);
            self.queues[q].add(&counts, &pick(&r.initial), &pick(&r.after_hours), clear, waits, &time);
            self.queues[q].cleared_in_time += usize::from(ClearBy::in_time(self.scenario, r.time_to_clear[q]));
            self.queues[q].clear_hours.add(r.time_to_clear[q]);
            let everyone = if is_all { &desk_everyone } else { &r.everyone[q] };
            self.queues[q].add_everyone(&EveryoneFigures::of(everyone, &counts));
            self.waits[q].add(waits, &counts, &self.bucket_tops);
            self.dialling[q].add(self.scenario, r, q);
        }
        if !self.flows.is_empty() {
            for q in 0..nq {
                self.flows[q].add(&r.flows[q], &r.resolution[q]);
            }
            let mut desk = FlowCounts::default();
            r.flows.iter().for_each(|f| desk.add(f));
            self.flows[nq].add(&desk, &Waits::sum(&r.resolution));
        }
        self.intervals.add(self.scenario, r, &self.serving);
        if let Some(week) = &mut self.week {
            week.add(self.scenario, r, &self.serving);
        }
        self.replications += 1;
    }

    /// The run's figures over the replications added so far.
    pub fn finish(self) -> RunSummary {
        let s = self.scenario;
        let nq = s.queues.len();
        let queues = (0..=nq)
            .map(|q| {
                let sla = (q < nq).then(|| s.queues[q].sla);
                let mut row = self.queues[q].finish(queue_name(s, q), sla);
                row.flow = self.flows.get(q).map(FlowTally::finish);
                let tally = &self.queues[q];
                row.clear_by = ClearBy::of(
                    s,
                    tally.cleared_in_time,
                    self.replications,
                    row.time_to_clear_h.mean,
                    &tally.clear_hours,
                );
                row.dialling = self.dialling[q].finish(s, q);
                row
            })
            .collect();
        let (intervals, teams) = self.intervals.finish(s, self.replications);
        let (week, week_teams) = match self.week {
            Some(w) => w.finish(s, self.replications),
            None => (Vec::new(), Vec::new()),
        };
        let wait_curves = (0..=nq).map(|q| self.waits[q].finish(s, q, &self.bucket_tops)).collect();
        RunSummary { replications: self.replications, queues, intervals, teams, week, week_teams, wait_curves }
    }
}

/// Merges replications (in order) into the run's figures.
pub fn summarize(scenario: &Scenario, reps: &[ReplicationStats]) -> RunSummary {
    let mut summary = RunningSummary::new(scenario);
    for r in reps {
        summary.add(r);
    }
    summary.finish()
}

fn queue_name(scenario: &Scenario, q: usize) -> String {
    scenario.queues.get(q).map_or_else(|| "all".to_string(), |x| x.name.clone())
}

/// Which teams serve each queue; then every team, for the desk total.
pub(super) fn serving(scenario: &Scenario) -> Vec<Vec<usize>> {
    let nt = scenario.teams.len();
    let mut serving: Vec<Vec<usize>> = (0..scenario.queues.len())
        .map(|q| (0..nt).filter(|&t| scenario.teams[t].skills.contains(&q)).collect())
        .collect();
    serving.push((0..nt).collect());
    serving
}

/// Running sums behind one row of `summary.csv`.
#[derive(Debug, Clone, Default)]
struct QueueTally {
    offered: RunningMean,
    answered: RunningMean,
    abandoned: RunningMean,
    closed: RunningMean,
    withdrawn: RunningMean,
    waiting_at_end: RunningMean,
    service_level: RunningEstimate,
    asa_s: RunningEstimate,
    /// Means of each replication's quantile, over the replications with waits.
    wait_p50_s: RunningMean,
    wait_p90_s: RunningMean,
    wait_p99_s: RunningMean,
    abandon_rate: RunningEstimate,
    occupancy: RunningEstimate,
    callbacks_created: RunningMean,
    service_level_backlog: RunningEstimate,
    service_level_new: RunningEstimate,
    after_hours: RunningMean,
    service_level_open: RunningEstimate,
    time_to_clear_h: RunningEstimate,
    never_cleared: usize,
    wait_all_mean_s: RunningEstimate,
    wait_all_p50_s: RunningMean,
    wait_all_p90_s: RunningMean,
    answered_in_time_all: RunningEstimate,
    waited_over_week: RunningEstimate,
    left_by_age: [RunningMean; 4],
    oldest_left_h: RunningEstimate,
    /// Replications cleared by `clear_by`, and in which hour each cleared.
    cleared_in_time: usize,
    clear_hours: ClearHours,
}

/// One replication's figures over every customer of a queue (or the desk).
#[derive(Debug, Clone, Copy)]
pub(super) struct EveryoneFigures {
    pub mean_s: Option<f64>,
    pub p50_s: Option<f64>,
    pub p90_s: Option<f64>,
    pub in_time: Option<f64>,
    pub over_week: Option<f64>,
    pub left: [f64; 4],
    pub oldest_left_h: Option<f64>,
}

impl EveryoneFigures {
    pub(super) fn of(e: &EveryoneWaits, c: &TicketCounts) -> Self {
        EveryoneFigures {
            mean_s: e.mean(),
            p50_s: e.quantile(0.5),
            p90_s: e.quantile(0.9),
            in_time: (c.offered > 0).then(|| c.answered_in_sla as f64 / c.offered as f64),
            over_week: e.over_week_share(),
            left: e.left.map(|n| n as f64),
            oldest_left_h: e.oldest_left.map(|a| a / 3600.0),
        }
    }
}

impl QueueTally {
    fn add_everyone(&mut self, f: &EveryoneFigures) {
        self.wait_all_mean_s.add(f.mean_s);
        self.wait_all_p50_s.add_defined(f.p50_s);
        self.wait_all_p90_s.add_defined(f.p90_s);
        self.answered_in_time_all.add(f.in_time);
        self.waited_over_week.add(f.over_week);
        for (m, x) in self.left_by_age.iter_mut().zip(f.left) {
            m.add(x);
        }
        self.oldest_left_h.add(f.oldest_left_h);
    }

    fn add(
        &mut self,
        c: &TicketCounts,
        initial: &TicketCounts,
        after_hours: &TicketCounts,
        clear_h: Option<f64>,
        waits: &Waits,
        time: &AgentTime,
    ) {
        self.offered.add(c.offered as f64);
        self.answered.add(c.answered as f64);
        self.abandoned.add(c.abandoned as f64);
        self.closed.add(c.closed as f64);
        self.withdrawn.add(c.withdrawn as f64);
        self.waiting_at_end.add(c.waiting_at_end as f64);
        self.service_level.add(c.service_level());
        self.asa_s.add(c.asa());
        self.wait_p50_s.add_defined(quantile(waits, 0.5));
        self.wait_p90_s.add_defined(quantile(waits, 0.9));
        self.wait_p99_s.add_defined(quantile(waits, 0.99));
        self.abandon_rate.add(c.abandon_rate());
        self.occupancy.add(time.occupancy());
        self.callbacks_created.add(c.callbacks_created as f64);
        self.service_level_backlog.add(initial.service_level());
        self.service_level_new.add(c.minus(initial).service_level());
        self.after_hours.add(after_hours.offered as f64);
        self.service_level_open.add(c.minus(after_hours).service_level());
        self.time_to_clear_h.add(clear_h);
        self.never_cleared += usize::from(clear_h.is_none());
    }

    fn finish(&self, queue: String, sla: Option<crate::scenario::Sla>) -> QueueSummary {
        QueueSummary {
            queue,
            offered: self.offered.mean(),
            answered: self.answered.mean(),
            abandoned: self.abandoned.mean(),
            closed: self.closed.mean(),
            withdrawn: self.withdrawn.mean(),
            waiting_at_end: self.waiting_at_end.mean(),
            service_level: self.service_level.estimate(),
            sla_target: sla.and_then(|s| s.target),
            asa_target_s: sla.and_then(|s| s.average),
            sla_within_s: sla.map(|s| s.within),
            asa_s: self.asa_s.estimate(),
            wait_p50_s: self.wait_p50_s.defined_mean(),
            wait_p90_s: self.wait_p90_s.defined_mean(),
            wait_p99_s: self.wait_p99_s.defined_mean(),
            abandon_rate: self.abandon_rate.estimate(),
            occupancy: self.occupancy.estimate(),
            callbacks_created: self.callbacks_created.mean(),
            service_level_backlog: self.service_level_backlog.estimate(),
            service_level_new: self.service_level_new.estimate(),
            after_hours: self.after_hours.mean(),
            service_level_open: self.service_level_open.estimate(),
            time_to_clear_h: self.time_to_clear_h.estimate(),
            never_cleared: self.never_cleared,
            wait_all_mean_s: self.wait_all_mean_s.estimate(),
            wait_all_p50_s: self.wait_all_p50_s.defined_mean(),
            wait_all_p90_s: self.wait_all_p90_s.defined_mean(),
            answered_in_time_all: self.answered_in_time_all.estimate(),
            waited_over_week: self.waited_over_week.estimate(),
            left_by_age: self.left_by_age.map(|m| m.mean()),
            oldest_left_h: self.oldest_left_h.estimate(),
            flow: None,
            clear_by: None,
            dialling: Default::default(),
        }
    }
}

/// For runs whose statistics window is longer than two weeks and made of
/// whole weeks: for each interval of the week, the intervals of every week
/// that fall on it.
pub fn typical_week(scenario: &Scenario) -> Option<Vec<Vec<usize>>> {
    let sim = &scenario.simulation;
    if sim.horizon - sim.warmup <= 2.0 * WEEK {
        return None;
    }
    week_slots(scenario)
}

/// Pools the replications' intervals into one typical week (see
/// [`typical_week`]) for any window of whole weeks; `None` otherwise.
pub fn week_rows(scenario: &Scenario, reps: &[ReplicationStats]) -> Option<(Vec<IntervalSummary>, Vec<TeamInterval>)> {
    let mut week = PooledTally::new(scenario, week_slots(scenario)?);
    let serving = serving(scenario);
    for r in reps {
        week.add(scenario, r, &serving);
    }
    Some(week.finish(scenario, reps.len()))
}

fn week_slots(scenario: &Scenario) -> Option<Vec<Vec<usize>>> {
    let sim = &scenario.simulation;
    let window = sim.horizon - sim.warmup;
    let per_week = WEEK / sim.interval;
    let whole = |x: f64| (x - x.round()).abs() < 1e-9;
    if window < WEEK || !whole(window / WEEK) || !whole(per_week) {
        return None;
    }
    let per_week = per_week.round() as usize;
    Some((0..per_week).map(|j| (j..sim.intervals()).step_by(per_week).collect()).collect())
}

/// Running sums behind the rows of `intervals.csv` and `teams.csv` (one
/// reporting interval per slot) or of the typical week (each slot pooling
/// its interval of every week): ticket counts are added within a
/// replication before the ratios are taken, so a slot's service level is
/// that of all its customers; backlog and agents are averaged.
#[derive(Debug, Clone)]
struct PooledTally {
    /// The reporting intervals each slot pools.
    slots: Vec<Vec<usize>>,
    /// Slot-major: every queue, then the desk total.
    rows: Vec<SlotTally>,
    /// Slot-major: every team.
    team_rows: Vec<TeamSlotTally>,
}

/// Sums of one value per replication (divided by the replications at the
/// end), and the figures a replication may leave undefined: the service
/// level (mean and Welford's spread), ASA and occupancy, their counts packed
/// together at the end (a year of a 40-queue desk holds 351 000 of these).
#[derive(Debug, Clone)]
struct SlotTally {
    offered: f64,
    answered: f64,
    abandoned: f64,
    closed: f64,
    backlog: f64,
    /// Sums of the backlog's first three age bands (the fourth is the rest
    /// of `backlog`). A queue's agents on duty are its teams' rows' sum, so
    /// they are not kept here.
    backlog_by_age: [f64; 3],
    service_level_sum: f64,
    service_level_centre: f64,
    service_level_squares: f64,
    asa_sum: f64,
    occupancy_sum: f64,
    service_level_n: u32,
    asa_n: u32,
    occupancy_n: u32,
}

impl Default for SlotTally {
    fn default() -> Self {
        // The sums of figures a replication may leave undefined start at
        // −0, as `SampleMean`'s do, so they equal a batch's sums.
        SlotTally {
            offered: 0.0,
            answered: 0.0,
            abandoned: 0.0,
            closed: 0.0,
            backlog: 0.0,
            backlog_by_age: [0.0; 3],
            service_level_sum: -0.0,
            service_level_centre: 0.0,
            service_level_squares: 0.0,
            asa_sum: -0.0,
            occupancy_sum: -0.0,
            service_level_n: 0,
            asa_n: 0,
            occupancy_n: 0,
        }
    }
}

#[derive(Debug, Clone, Default)]
struct TeamSlotTally {
    agents_on_duty: f64,
    agents_busy: f64,
    occupancy: SampleMean,
}

impl PooledTally {
    fn new(scenario: &Scenario, slots: Vec<Vec<usize>>) -> Self {
        let rows = vec![SlotTally::default(); slots.len() * (scenario.queues.len() + 1)];
        let team_rows = vec![TeamSlotTally::default(); slots.len() * scenario.teams.len()];
        PooledTally { slots, rows, team_rows }
    }

    #[allow(clippy::needless_range_loop)] // q == nq is the desk total, not an index
    fn add(&mut self, scenario: &Scenario, r: &ReplicationStats, serving: &[Vec<usize>]) {
        let interval = scenario.simulation.interval;
        let nq = scenario.queues.len();
        let nt = scenario.teams.len();
        for (s, slot) in self.slots.iter().enumerate() {
            let n = slot.len() as f64;
            for q in 0..=nq {
                let is_all = q == nq;
                let mut c = TicketCounts::default();
                for &k in slot {
                    let row = &r.interval_tickets[k * nq..(k + 1) * nq];
                    c.add(&if is_all { total_of(row) } else { row[q].widen() });
                }
                let time = team_total(
                    slot.iter().flat_map(|&k| serving[q].iter().map(move |&t| r.interval_agents[k * nt + t])),
                );
                let waiting: f64 = slot
                    .iter()
                    .map(|&k| {
                        let row = &r.interval_tickets[k * nq..(k + 1) * nq];
                        if is_all { row.iter().map(|c| f64::from(c.backlog)).sum() } else { f64::from(row[q].backlog) }
                    })
                    .sum();
                let ages = slot_ages(r, slot, nq, (!is_all).then_some(q));
                let row = &mut self.rows[s * (nq + 1) + q];
                for (sum, a) in row.backlog_by_age.iter_mut().zip(ages) {
                    *sum += a / n;
                }
                row.offered += c.offered as f64 / n;
                row.answered += c.answered as f64 / n;
                row.abandoned += c.abandoned as f64 / n;
                row.closed += c.closed as f64 / n;
                row.backlog += waiting / n;
                add_welford(
                    &mut row.service_level_sum,
                    &mut row.service_level_n,
                    &mut row.service_level_centre,
                    &mut row.service_level_squares,
                    c.service_level(),
                );
                add_sample(&mut row.asa_sum, &mut row.asa_n, c.asa());
                add_sample(&mut row.occupancy_sum, &mut row.occupancy_n, time.occupancy());
            }
            for t in 0..nt {
                let time = team_total(slot.iter().map(|&k| r.interval_agents[k * nt + t]));
                let row = &mut self.team_rows[s * nt + t];
                row.agents_on_duty += time.on_duty / interval / n;
                row.agents_busy += time.busy / interval / n;
                row.occupancy.add(time.occupancy());
            }
        }
    }

    /// The rows, consuming the sums: they are turned into rows from the last
    /// slot back and released as they go, so a long run never holds both
    /// tables whole (a year of a 40-queue desk: 40 MB of sums, 50 MB of rows).
    fn finish(mut self, scenario: &Scenario, replications: usize) -> (Vec<IntervalSummary>, Vec<TeamInterval>) {
        /// Slots turned into rows between two releases of the sums.
        const RELEASE_EVERY: usize = 512;
        let sim = &scenario.simulation;
        let nq = scenario.queues.len();
        let nt = scenario.teams.len();
        let mean = |sum: f64| if replications == 0 { 0.0 } else { sum / replications as f64 };
        let names: Vec<Arc<str>> = (0..=nq).map(|q| queue_name(scenario, q).into()).collect();
        let teams: Vec<Arc<str>> = scenario.teams.iter().map(|t| t.name.as_str().into()).collect();
        let serving = serving(scenario);
        let mut rows = Vec::with_capacity(self.rows.len());
        let mut team_rows = Vec::with_capacity(self.team_rows.len());
        for s in (0..self.slots.len()).rev() {
            let t_s = sim.warmup + self.slots[s].first().map_or(0, |&k| k) as f64 * sim.interval;
            for t in (0..nt).rev() {
                let row = &self.team_rows[s * nt + t];
                team_rows.push(TeamInterval {
                    t_s,
                    team: teams[t].clone(),
                    agents_on_duty: mean(row.agents_on_duty),
                    agents_busy: mean(row.agents_busy),
                    occupancy: row.occupancy.mean(),
                });
            }
            for q in (0..=nq).rev() {
                let row = &self.rows[s * (nq + 1) + q];
                // From 0.0, not `sum()`'s -0.0: a queue no team serves has 0.00 agents.
                let on_duty = serving[q].iter().fold(0.0, |a, &t| a + self.team_rows[s * nt + t].agents_on_duty);
                let [a, b, c] = row.backlog_by_age.map(mean);
                let backlog = mean(row.backlog);
                rows.push(IntervalSummary {
                    t_s,
                    queue: names[q].clone(),
                    offered: mean(row.offered),
                    answered: mean(row.answered),
                    abandoned: mean(row.abandoned),
                    closed: mean(row.closed),
                    service_level: welford_estimate(
                        row.service_level_sum,
                        row.service_level_n,
                        row.service_level_squares,
                    ),
                    asa_s: sample_mean(row.asa_sum, row.asa_n),
                    backlog,
                    agents_on_duty: mean(on_duty),
                    occupancy: sample_mean(row.occupancy_sum, row.occupancy_n),
                    backlog_by_age: [a, b, c, (backlog - a - b - c).max(0.0)],
                });
            }
            if s % RELEASE_EVERY == 0 {
                self.rows.truncate(s * (nq + 1));
                self.rows.shrink_to_fit();
                self.team_rows.truncate(s * nt);
                self.team_rows.shrink_to_fit();
            }
        }
        rows.reverse();
        team_rows.reverse();
        (rows, team_rows)
    }
}

/// Running sums behind one wait curve (a queue's, or the desk's). A
/// replication's share answered within a wait depends only on which
/// histogram bucket the wait falls in, so the sum of shares is kept per
/// bucket and the grid of the curve, which depends on the longest wait of
/// any replication, is laid at the end.
#[derive(Debug, Clone)]
struct WaitTally {
    /// Longest wait recorded in any replication, seconds.
    longest: f64,
    /// Replications with at least one ticket judged against the SLA.
    judged_replications: u32,
    /// Sum over those replications of the share answered within the SLA
    /// (the service level's own count, not the histogram's).
    at_threshold: f64,
    /// Per bucket, three sums over those replications: of the share
    /// answered within the bucket's top; and of the same share capped at,
    /// and raised to, the replication's exact service level (a point
    /// before the threshold is at most it, a point past it at least it, so
    /// the curve never goes down: a 1 %-wide bucket can hold waits on both
    /// sides of the threshold). Kept only up to the highest bucket any
    /// replication has recorded a wait in: past it, every replication added
    /// its whole share, in the same order, so every later bucket holds the
    /// same sums, `tail` (a queue's waits fill a few hundred of the 3 968
    /// buckets; a desk of 400 queues would otherwise add 400 × 3 968 × 3
    /// sums per replication).
    sums: Vec<[f64; 3]>,
    tail: [f64; 3],
}

impl WaitTally {
    fn new() -> Self {
        WaitTally { longest: 0.0, judged_replications: 0, at_threshold: 0.0, sums: Vec::new(), tail: [0.0; 3] }
    }

    /// A bucket's three sums.
    fn at(&self, bucket: usize) -> [f64; 3] {
        self.sums.get(bucket).copied().unwrap_or(self.tail)
    }

    fn add(&mut self, waits: &Waits, c: &TicketCounts, bucket_tops: &[u64]) {
        self.longest = f64::max(self.longest, waits.max() as f64 / 1000.0);
        let judged = c.offered - c.waiting_in_sla;
        if judged == 0 {
            return;
        }
        self.judged_replications += 1;
        let exact = c.answered_in_sla as f64 / judged as f64;
        self.at_threshold += exact;
        // The buckets up to the one holding the longest wait are kept from
        // now on; those newly kept start from the tail's sums.
        let last = (!waits.is_empty()).then(|| bucket_tops.partition_point(|&top| top < waits.max()));
        let kept = last.map_or(0, |l| (l + 1).min(bucket_tops.len())).max(self.sums.len());
        self.sums.resize(kept, self.tail);
        let mut recorded = waits.iter().peekable();
        let (mut count, mut share) = (0u64, 0.0);
        let shares = |share: f64| [share, share.min(exact), share.max(exact)];
        for (sums, &top) in self.sums.iter_mut().zip(bucket_tops) {
            let before = count;
            while let Some((_, n)) = recorded.next_if(|&(v, _)| v <= top) {
                count += n;
            }
            if count != before {
                share = count as f64 / judged as f64;
            }
            for (sum, add) in sums.iter_mut().zip(shares(share)) {
                *sum += add;
            }
        }
        // Every wait is at or below the last kept bucket's top: past it,
        // the share stays where it ended.
        debug_assert!(recorded.peek().is_none(), "a wait past the last kept bucket");
        for (sum, add) in self.tail.iter_mut().zip(shares(share)) {
            *sum += add;
        }
    }

    /// Points of the wait curve: 0, then a logarithmic grid from 1 s to the
    /// longest wait (at least four times the SLA threshold), with the
    /// threshold itself included so the curve passes exactly through the
    /// service level.
    fn finish(&self, scenario: &Scenario, q: usize, bucket_tops: &[u64]) -> WaitCurve {
        let is_all = q == scenario.queues.len();
        let within = if is_all { f64::NAN } else { scenario.queues[q].sla.within };
        let longest_sla = scenario.queues.iter().map(|x| x.sla.within).fold(0.0, f64::max);
        let top = self.longest.max(4.0 * if is_all { longest_sla } else { within }).max(10.0);
        let steps = 160;
        let mut grid: Vec<f64> = (0..=steps).map(|i| top.powf(i as f64 / steps as f64)).collect();
        grid.insert(0, 0.0);
        if !is_all {
            grid.push(within);
        }
        grid.sort_by(f64::total_cmp);
        grid.dedup();
        let n = f64::from(self.judged_replications);
        let points = if self.judged_replications == 0 {
            Vec::new()
        } else {
            grid.iter()
                .map(|&x| {
                    // At the threshold itself, the exact count the service level uses
                    // (the histogram's buckets are 1 % wide).
                    let ms = (x * 1000.0).round() as u64;
                    let bucket = bucket_tops.partition_point(|&v| v <= ms).checked_sub(1);
                    let from = |k: usize| bucket.map_or(0.0, |i| self.at(i)[k]);
                    let sum = if is_all {
                        from(0)
                    } else if x == within {
                        self.at_threshold
                    } else if x > within {
                        from(2)
                    } else {
                        from(1)
                    };
                    (x, sum / n)
                })
                .collect()
        };
        WaitCurve { queue: queue_name(scenario, q), sla_within_s: within, points }
    }
}

pub(super) fn total(rows: &[TicketCounts]) -> TicketCounts {
    let mut t = TicketCounts::default();
    for r in rows {
        t.add(r);
    }
    t
}

/// One replication's backlog by age band, summed over the intervals of a
/// slot, for one queue (or, `None`, the desk).
pub(super) fn slot_ages(r: &ReplicationStats, slot: &[usize], nq: usize, queue: Option<usize>) -> [f64; 4] {
    let mut bands = [0.0; 4];
    for &k in slot {
        let cells = k * nq..(k + 1) * nq;
        let queues = match queue {
            Some(q) => k * nq + q..k * nq + q + 1,
            None => cells,
        };
        for i in queues {
            let [a, b, c] = r.interval_tickets[i].ages;
            let rest = r.interval_tickets[i].backlog - a - b - c;
            for (sum, x) in bands.iter_mut().zip([a, b, c, rest]) {
                *sum += f64::from(x);
            }
        }
    }
    bands
}

/// The desk's counts in one interval: every queue's, summed.
pub(super) fn total_of(rows: &[IntervalCounts]) -> TicketCounts {
    let mut t = TicketCounts::default();
    for r in rows {
        t.add(&r.widen());
    }
    t
}

pub(super) fn team_total(times: impl Iterator<Item = AgentTime>) -> AgentTime {
    let mut t = AgentTime::default();
    for x in times {
        t.add(&x);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Origin;

    /// Every bucket's three sums, as a tally over all buckets would add them.
    fn full_sums(replications: &[(Waits, TicketCounts)], tops: &[u64]) -> Vec<[f64; 3]> {
        let mut sums = vec![[0.0; 3]; tops.len()];
        for (waits, c) in replications {
            let judged = c.offered - c.waiting_in_sla;
            if judged == 0 {
                continue;
            }
            let exact = c.answered_in_sla as f64 / judged as f64;
            for (i, &top) in tops.iter().enumerate() {
                let count: u64 = waits.iter().filter(|&(v, _)| v <= top).map(|(_, n)| n).sum();
                let share = if count == 0 { 0.0 } else { count as f64 / judged as f64 };
                let s = &mut sums[i];
                s[0] += share;
                s[1] += share.min(exact);
                s[2] += share.max(exact);
            }
        }
        sums
    }

    #[test]
    fn the_wait_tally_keeps_only_the_buckets_waits_reach_and_sums_as_a_full_one() {
        let tops = Waits::bucket_tops();
        let mut x = 3u64;
        let mut replications = Vec::new();
        // Longest waits that grow, shrink and grow again; one replication
        // with no waits and one with no ticket judged.
        for (r, longest_ms) in
            [5_000u64, 40_000, 0, 2_000, 3_600_000, 90_000, 7_200_000_000, 1_000].into_iter().enumerate()
        {
            let mut counts = crate::stats::waits::WaitCounts::default();
            let n = if longest_ms == 0 { 0 } else { 50 + r as u64 * 7 };
            for _ in 0..n {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                counts.record((x >> 20) % (longest_ms + 1));
            }
            let waits = counts.waits();
            let judged = if r == 5 { 0 } else { n + 13 };
            let c = TicketCounts { offered: judged, answered: n, answered_in_sla: n / 2, ..TicketCounts::default() };
            replications.push((waits, c));
        }
        let mut tally = WaitTally::new();
        for (k, (waits, c)) in replications.iter().enumerate() {
            tally.add(waits, c, &tops);
            let full = full_sums(&replications[..=k], &tops);
            assert!(tally.sums.len() < tops.len(), "every bucket kept after {k}");
            for (i, want) in full.iter().enumerate() {
                assert_eq!(tally.at(i).map(f64::to_bits), want.map(f64::to_bits), "bucket {i} after replication {k}");
            }
        }
    }

    #[test]
    fn the_wait_curve_never_goes_down_past_the_threshold() {
        // SLA 9597 s. Its histogram bucket runs from 9568.3 s to 9633.8 s and
        // the curve's grid has a point at 9605.5 s inside it: waits of 9580 s
        // (in time) and 9620 s (late) share that bucket.
        let text = "name = \"w\"\n[simulation]\nhorizon = \"1w\"\ninterval = \"1d\"\n[[queue]]\nname = \"email\"\n\
                    channel = \"email\"\nvolume = \"0/week\"\nhandle_time = { dist = \"fixed\", mean = \"1m\" }\n\
                    sla = { within = \"9597s\", target = 0.8 }\n[[team]]\nname = \"t\"\nskills = [\"email\"]\nagents = 1\n";
        let s = Scenario::from_toml(text, "w.toml").unwrap();
        let sim = &s.simulation;
        let mut r = crate::stats::Recorder::new(sim.warmup, sim.horizon, sim.interval, vec![9597.0], 1);
        for (wait, n) in [(100.0, 10), (9580.0, 10), (9620.0, 5)] {
            for _ in 0..n {
                r.offered(0, 10.0, Origin::OpenHours);
                r.answered(0, 10.0, wait, Origin::OpenHours);
            }
        }
        let curve = summarize(&s, &[r.finish()]).wait_curves.swap_remove(0);
        assert!(curve.points.iter().any(|p| p.0 > 9597.0 && p.0 < 9633.0), "the grid has a point in the bucket");
        let at = curve.points.iter().find(|p| p.0 == 9597.0).unwrap();
        assert_eq!(at.1, 20.0 / 25.0, "exact at the threshold");
        for w in curve.points.windows(2) {
            assert!(w[1].1 >= w[0].1, "goes down from {:?} to {:?}", w[0], w[1]);
        }
        assert_eq!(curve.points.last().unwrap().1, 1.0);
    }

    #[test]
    fn student_t_half_width() {
        // Samples 1..=5: mean 3, s = 1.5811, t(4) = 2.7764 → 1.9632.
        let e = estimate((1..=5).map(|x| Some(x as f64)));
        assert_eq!(e.mean, Some(3.0));
        assert!((e.ci95.unwrap() - 1.963_2).abs() < 1e-3);
        assert_eq!(estimate([Some(2.0), None]).ci95, None);
        assert_eq!(estimate([None]).mean, None);
        assert!((t_975(9) - 2.262_157).abs() < 1e-5);
    }
}
