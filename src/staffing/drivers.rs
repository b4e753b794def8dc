//! What drives the peaks of a roster, and what relaxing the target would
//! save. A *peak* is a run of intervals where a team needs clearly more
//! agents than on the rest of that day (more than one and a half times the
//! day's median requirement); its *driver* is the queue with the largest
//! analytic requirement in its highest interval, and the target that sets
//! it. The peak's cost is the full-time equivalents (paid shift hours ÷
//! hours per FTE) the schedule pays for it: the schedule of the requirement
//! as planned against the schedule with the peak cut down to the day's
//! median. The relaxed cost is the same with the driver's SLA threshold one
//! step longer (30 s → 1 min, 1 h → 2 h, …), the analytic difference taken
//! off the peak.

use rayon::prelude::*;

use super::analytic::{self, Workload};
use super::schedule;
use crate::scenario::units::{DAY, HOUR, MINUTE};
use crate::scenario::{Scenario, Sla};

/// Peaks reported per team at most.
const PEAKS_PER_TEAM: usize = 3;

/// A peak of a team's requirement and what it costs.
#[derive(Debug, Clone)]
pub struct Driver {
    pub team: usize,
    /// The peak's intervals; `slot` is the highest.
    pub slots: Vec<usize>,
    pub slot: usize,
    pub peak: u32,
    /// The day's median requirement (over intervals needing anyone).
    pub base: u32,
    pub queue: usize,
    /// The driver's SLA, and the one with every threshold a step longer
    /// (the deadline and the average alike) that the what-if uses.
    pub sla: Sla,
    pub relaxed: Sla,
    /// FTE the peak costs in the schedule, as it is and with the relaxed SLA.
    pub cost_fte: f64,
    pub relaxed_cost_fte: f64,
    /// The peak is the closed hours' backlog of a first-come-first-served,
    /// wall-clock queue: new tickets wait behind tickets that have already
    /// missed the SLA, so the order, not only the target, sets it.
    pub waits_behind_closed_hours: bool,
}

/// A peak costing less than this many FTE is not reported.
const WORTH_REPORTING_FTE: f64 = 0.05;

/// The next longer SLA threshold a desk would publish.
pub fn relaxed(within: f64) -> f64 {
    const LADDER: [f64; 14] = [
        20.0,
        30.0,
        MINUTE,
        2.0 * MINUTE,
        5.0 * MINUTE,
        10.0 * MINUTE,
        15.0 * MINUTE,
        30.0 * MINUTE,
        HOUR,
        2.0 * HOUR,
        4.0 * HOUR,
        8.0 * HOUR,
        DAY,
        2.0 * DAY,
    ];
    LADDER.iter().copied().find(|&x| x > within + 1e-9).unwrap_or(within * 2.0)
}

fn median(mut v: Vec<u32>) -> u32 {
    v.sort_unstable();
    if v.is_empty() { 0 } else { v[v.len() / 2] }
}

/// The peaks of every team's `planned` requirement `[team][slot]`.
pub fn peaks(
    s: &Scenario,
    work: &Workload,
    planned: &[Vec<u32>],
    primary: &[Vec<Option<usize>>],
    erlang: &[Vec<(f64, u32)>],
    schedules: &[schedule::Schedule],
) -> Vec<Driver> {
    let slot_len = work.slot_len;
    let slots = work.slots();
    // The slots of each day of the week (an interval need not divide a day).
    let day_start = |d: usize| ((d as f64 * DAY / slot_len - 1e-9).ceil().max(0.0) as usize).min(slots);
    let mut found = Vec::new();
    for (t, req) in planned.iter().enumerate() {
        let mut candidates = Vec::new();
        for day in 0..7 {
            let range = day_start(day)..day_start(day + 1);
            if range.is_empty() {
                continue;
            }
            let base = median(req[range.clone()].iter().copied().filter(|&n| n > 0).collect());
            let Some(top) = range.clone().max_by_key(|&k| (req[k], std::cmp::Reverse(k))) else { continue };
            if base == 0 || f64::from(req[top]) <= 1.5 * f64::from(base) || req[top] < base + 2 {
                continue;
            }
            let threshold = (req[top] + base).div_ceil(2);
            let mut run = vec![top];
            let mut k = top;
            while k > range.start && req[k - 1] >= threshold {
                k -= 1;
                run.insert(0, k);
            }
            let mut k = top;
            while k + 1 < range.end && req[k + 1] >= threshold {
                k += 1;
                run.push(k);
            }
            let Some(queue) =
                (0..s.queues.len()).filter(|&q| primary[q][top] == Some(t)).max_by_key(|&q| erlang[q][top].1)
            else {
                continue;
            };
            candidates.push((req[top] - base, top, run, base, queue));
        }
        candidates.sort_by_key(|c| (std::cmp::Reverse(c.0), c.1));
        for (_, top, run, base, queue) in candidates.into_iter().take(PEAKS_PER_TEAM) {
            let sla = s.queues[queue].sla;
            found.push(Driver {
                team: t,
                slots: run,
                slot: top,
                peak: req[top],
                base,
                queue,
                sla,
                relaxed: sla.relaxed(relaxed),
                cost_fte: 0.0,
                relaxed_cost_fte: 0.0,
                waits_behind_closed_hours: closed_hours_ahead(s, work, queue, top),
            });
        }
    }
    let priced: Vec<Driver> =
        found.into_par_iter().map(|d| priced(s, work, &planned[d.team], &schedules[d.team], d)).collect();
    priced.into_iter().filter(|d| d.cost_fte >= WORTH_REPORTING_FTE).collect()
}

/// Whether, at `slot`, queue `q` holds tickets from its closed hours ahead
/// of new ones: it opened within one SLA window, tickets arrive while it is
/// closed, it serves oldest first, and its SLA clock runs in wall time.
fn closed_hours_ahead(s: &Scenario, work: &Workload, q: usize, slot: usize) -> bool {
    use crate::scenario::{Discipline, SlaClock};
    let queue = &s.queues[q];
    let slots = work.slots();
    let window = ((queue.sla.within / work.slot_len).ceil() as usize).max(1);
    let opened_recently = (1..=window).any(|j| !work.open[q][(slot + slots - j) % slots]);
    let night_tickets = (0..slots).any(|k| !work.open[q][k] && work.tickets[q][k] > 0.0);
    opened_recently
        && night_tickets
        && queue.discipline.fixed() == Some(Discipline::Fifo)
        && s.policy == crate::scenario::Policy::PerQueue
        && queue.sla_clock == SlaClock::Wall
        && queue.callback.is_none()
}

/// Fills in what a peak costs, from the team's schedule and two more.
fn priced(s: &Scenario, work: &Workload, planned: &[u32], full: &schedule::Schedule, mut d: Driver) -> Driver {
    let team = &s.teams[d.team];
    let fte = |req: &[u32]| {
        schedule::schedule(s, d.team, req, work).paid_hours / (team.hours_per_week * (1.0 - team.shrinkage))
    };
    let mut flat = planned.to_vec();
    for &k in &d.slots {
        flat[k] = flat[k].min(d.base);
    }
    let now = analytic::requirement(s, d.queue, work, d.sla);
    let loose = analytic::requirement(s, d.queue, work, d.relaxed);
    let mut relaxed = planned.to_vec();
    for &k in &d.slots {
        let saved = now[k].1.saturating_sub(loose[k].1);
        relaxed[k] = relaxed[k].saturating_sub(saved).max(flat[k]);
    }
    let (full, flat_fte) = (full.paid_hours / (team.hours_per_week * (1.0 - team.shrinkage)), fte(&flat));
    d.cost_fte = (full - flat_fte).max(0.0);
    d.relaxed_cost_fte = (fte(&relaxed) - flat_fte).clamp(0.0, d.cost_fte);
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relaxing_a_target_takes_the_next_published_step() {
        assert_eq!(relaxed(20.0), 30.0);
        assert_eq!(relaxed(30.0), 60.0);
        assert_eq!(relaxed(HOUR), 2.0 * HOUR);
        assert_eq!(relaxed(45.0 * MINUTE), HOUR);
        assert_eq!(relaxed(5.0 * DAY), 10.0 * DAY);
    }
}
