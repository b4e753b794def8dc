//! The figures of callbacks and outbound lists over the replications: the
//! service levels of daytime and after-hours callback requests (each judged
//! against its own target), the requests for a customer-chosen time, and an
//! outbound list's attempts, reached and never-reached customers and backlog.
//! Empty (`None`) on rows where a figure does not apply.

use super::recorder::{CallbackCounts, OutboundCounts, ReplicationStats, TicketCounts};
use super::running::{RunningEstimate, RunningMean};
use super::summary::Estimate;
use crate::scenario::{Channel, Scenario};

/// A row's callback and outbound figures (means over replications).
#[derive(Debug, Clone, Default)]
pub struct DiallingSummary {
    /// Callback queues: tickets of requests left while the queue was closed.
    pub after_hours_callbacks: Option<f64>,
    /// Callback queues: service level of the requests left while it was
    /// open (by the queue's `sla`), and of those left while it was closed
    /// (by its `after_hours_sla`, counted from the opening).
    pub service_level_daytime: Estimate,
    pub service_level_after_hours: Estimate,
    /// The after-hours target (the queue's `sla` target without one).
    pub after_hours_target: Option<f64>,
    /// Phone queues: callback requests for a customer-chosen time, and their
    /// mean requested delay after the missed call, hours.
    pub callbacks_scheduled: Option<f64>,
    pub scheduled_after_h: Estimate,
    /// Outbound queues: attempts, customers reached, customers never reached
    /// after the last attempt, entries still on the list at the horizon.
    pub attempts: Option<f64>,
    pub reached: Option<f64>,
    pub unreached: Option<f64>,
    pub backlog: Option<f64>,
    /// Reached ÷ settled (reached + never reached), attempts per settled customer.
    pub reach_rate: Estimate,
    pub attempts_per_customer: Estimate,
}

/// Running sums behind a [`DiallingSummary`] for one row.
#[derive(Debug, Clone, Default)]
pub struct DiallingTally {
    after_hours_callbacks: RunningMean,
    service_level_daytime: RunningEstimate,
    service_level_after_hours: RunningEstimate,
    callbacks_scheduled: RunningMean,
    scheduled_after_h: RunningEstimate,
    attempts: RunningMean,
    reached: RunningMean,
    unreached: RunningMean,
    backlog: RunningMean,
    reach_rate: RunningEstimate,
    attempts_per_customer: RunningEstimate,
}

/// Which figures apply to a row: (callback queue, phone with scheduled
/// callbacks, outbound list); the desk total has those of any of its queues.
fn applies(s: &Scenario, q: usize) -> (bool, bool, bool) {
    let one = |q: usize| {
        let queue = &s.queues[q];
        (queue.channel == Channel::Callback, queue.scheduled_callbacks.is_some(), queue.outbound.is_some())
    };
    if q < s.queues.len() {
        one(q)
    } else {
        (0..s.queues.len()).map(one).fold((false, false, false), |a, b| (a.0 || b.0, a.1 || b.1, a.2 || b.2))
    }
}

impl DiallingTally {
    /// Adds row `q` (`q == queues.len()`: the desk) of one replication.
    pub fn add(&mut self, s: &Scenario, r: &ReplicationStats, q: usize) {
        let nq = r.queues.len();
        let rows = if q < nq { q..q + 1 } else { 0..nq };
        let mut cb = CallbackCounts::default();
        let mut out = OutboundCounts::default();
        // The callback queues' tickets: all, the initial backlog's, and
        // those that arrived by volume while the queue was closed.
        let (mut all, mut initial, mut after_hours) = Default::default();
        let mut outbound_left = 0;
        for i in rows {
            cb.add(&r.callbacks[i]);
            out.add(&r.outbound[i]);
            if s.queues[i].channel == Channel::Callback {
                TicketCounts::add(&mut all, &r.queues[i]);
                TicketCounts::add(&mut initial, &r.initial[i]);
                TicketCounts::add(&mut after_hours, &r.after_hours[i]);
            }
            if s.queues[i].outbound.is_some() {
                outbound_left += r.queues[i].waiting_at_end;
            }
        }
        let all: TicketCounts = all;
        let daytime = all.minus(&cb.after_hours).minus(&initial).minus(&after_hours);
        self.after_hours_callbacks.add(cb.after_hours.offered as f64);
        self.service_level_daytime.add(daytime.service_level());
        self.service_level_after_hours.add(cb.after_hours.service_level());
        self.callbacks_scheduled.add(cb.scheduled as f64);
        self.scheduled_after_h.add((cb.scheduled > 0).then(|| cb.scheduled_delay_sum / cb.scheduled as f64 / 3600.0));
        self.attempts.add(out.attempts as f64);
        self.reached.add(out.reached as f64);
        self.unreached.add(out.unreached as f64);
        self.backlog.add(outbound_left as f64);
        self.reach_rate.add(out.reach_rate());
        self.attempts_per_customer.add(out.attempts_per_customer());
    }

    pub fn finish(&self, s: &Scenario, q: usize) -> DiallingSummary {
        let (callback, scheduled, outbound) = applies(s, q);
        let when = |on: bool, m: &RunningMean| on.then(|| m.mean());
        let est = |on: bool, e: &RunningEstimate| if on { e.estimate() } else { Estimate::default() };
        let after_hours_target = (callback && q < s.queues.len())
            .then(|| s.queues[q].after_hours_sla.map_or(s.queues[q].sla.target, |a| a.target))
            .flatten();
        DiallingSummary {
            after_hours_callbacks: when(callback, &self.after_hours_callbacks),
            service_level_daytime: est(callback, &self.service_level_daytime),
            service_level_after_hours: est(callback, &self.service_level_after_hours),
            after_hours_target,
            callbacks_scheduled: when(scheduled, &self.callbacks_scheduled),
            scheduled_after_h: est(scheduled, &self.scheduled_after_h),
            attempts: when(outbound, &self.attempts),
            reached: when(outbound, &self.reached),
            unreached: when(outbound, &self.unreached),
            backlog: when(outbound, &self.backlog),
            reach_rate: est(outbound, &self.reach_rate),
            attempts_per_customer: est(outbound, &self.attempts_per_customer),
        }
    }
}
