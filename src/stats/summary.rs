//! Merging replications into the figures every output shows: each figure is
//! the mean over replications with a 95 % confidence half-width (Student t).
//! Replications are reduced in their index order, so the result does not
//! depend on how many threads produced them.

use hdrhistogram::Histogram;
use statrs::distribution::{ContinuousCDF, StudentsT};

use super::recorder::{AgentTime, ReplicationStats, TicketCounts};
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
#[derive(Debug, Clone)]
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
    /// The queue's SLA target; `None` for the desk total.
    pub sla_target: Option<f64>,
    pub sla_within_s: Option<f64>,
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
}

impl QueueSummary {
    /// Whether the mean service level reaches the target.
    pub fn meets_target(&self) -> Option<bool> {
        Some(self.service_level.mean? >= self.sla_target? - 1e-12)
    }
}

/// One row of `intervals.csv`: a queue (or "all") in one reporting interval.
#[derive(Debug, Clone)]
pub struct IntervalSummary {
    /// Seconds from the start of the simulation to the interval's start.
    pub t_s: f64,
    pub queue: String,
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
}

/// Agent time of one team in one reporting interval.
#[derive(Debug, Clone)]
pub struct TeamInterval {
    pub t_s: f64,
    pub team: String,
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

fn quantile(h: &Histogram<u64>, q: f64) -> Option<f64> {
    (!h.is_empty()).then(|| h.value_at_quantile(q) as f64 / 1000.0)
}

fn mean(xs: impl IntoIterator<Item = f64>) -> f64 {
    let (sum, n) = xs.into_iter().fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    if n == 0 { 0.0 } else { sum / n as f64 }
}

/// Merges replications (in order) into the run's figures.
#[allow(clippy::needless_range_loop)] // q == nq is the desk total, not an index
pub fn summarize(scenario: &Scenario, reps: &[ReplicationStats]) -> RunSummary {
    let nq = scenario.queues.len();
    let nt = scenario.teams.len();
    // Which teams serve each queue; the desk total uses every team.
    let serving: Vec<Vec<usize>> =
        (0..nq).map(|q| (0..nt).filter(|&t| scenario.teams[t].skills.contains(&q)).collect()).collect();
    let all_teams: Vec<usize> = (0..nt).collect();

    let mut queues = Vec::with_capacity(nq + 1);
    for q in 0..=nq {
        let is_all = q == nq;
        let counts: Vec<TicketCounts> =
            reps.iter().map(|r| if is_all { total(&r.queues) } else { r.queues[q] }).collect();
        let initial: Vec<TicketCounts> =
            reps.iter().map(|r| if is_all { total(&r.initial) } else { r.initial[q] }).collect();
        let after_hours: Vec<TicketCounts> =
            reps.iter().map(|r| if is_all { total(&r.after_hours) } else { r.after_hours[q] }).collect();
        let clear: Vec<Option<f64>> = reps.iter().map(|r| r.time_to_clear[q].map(|t| t / 3600.0)).collect();
        let waits: Vec<Histogram<u64>> = reps.iter().map(|r| waits_of(r, (!is_all).then_some(q))).collect();
        let teams = if is_all { &all_teams } else { &serving[q] };
        let time: Vec<AgentTime> = reps.iter().map(|r| team_total(teams.iter().map(|&t| r.teams[t]))).collect();
        let sla = (!is_all).then(|| scenario.queues[q].sla);
        let quant = |p: f64| {
            let v: Vec<f64> = waits.iter().filter_map(|h| quantile(h, p)).collect();
            (!v.is_empty()).then(|| mean(v))
        };
        queues.push(QueueSummary {
            queue: if is_all { "all".into() } else { scenario.queues[q].name.clone() },
            offered: mean(counts.iter().map(|c| c.offered as f64)),
            answered: mean(counts.iter().map(|c| c.answered as f64)),
            abandoned: mean(counts.iter().map(|c| c.abandoned as f64)),
            closed: mean(counts.iter().map(|c| c.closed as f64)),
            withdrawn: mean(counts.iter().map(|c| c.withdrawn as f64)),
            waiting_at_end: mean(counts.iter().map(|c| c.waiting_at_end as f64)),
            service_level: estimate(counts.iter().map(TicketCounts::service_level)),
            sla_target: sla.map(|s| s.target),
            sla_within_s: sla.map(|s| s.within),
            asa_s: estimate(counts.iter().map(TicketCounts::asa)),
            wait_p50_s: quant(0.5),
            wait_p90_s: quant(0.9),
            wait_p99_s: quant(0.99),
            abandon_rate: estimate(counts.iter().map(TicketCounts::abandon_rate)),
            occupancy: estimate(time.iter().map(AgentTime::occupancy)),
            callbacks_created: mean(counts.iter().map(|c| c.callbacks_created as f64)),
            service_level_backlog: estimate(initial.iter().map(TicketCounts::service_level)),
            service_level_new: estimate(counts.iter().zip(&initial).map(|(c, i)| c.minus(i).service_level())),
            after_hours: mean(after_hours.iter().map(|c| c.offered as f64)),
            service_level_open: estimate(counts.iter().zip(&after_hours).map(|(c, a)| c.minus(a).service_level())),
            time_to_clear_h: estimate(clear.iter().copied()),
            never_cleared: clear.iter().filter(|c| c.is_none()).count(),
        });
    }

    let sim = &scenario.simulation;
    let every: Vec<Vec<usize>> = (0..sim.intervals()).map(|k| vec![k]).collect();
    let (intervals, teams) = pooled_rows(scenario, reps, &every, &serving);
    let (week, week_teams) = match typical_week(scenario) {
        Some(slots) => pooled_rows(scenario, reps, &slots, &serving),
        None => (Vec::new(), Vec::new()),
    };
    let wait_curves = (0..=nq).map(|q| wait_curve(scenario, reps, q)).collect();
    RunSummary { replications: reps.len(), queues, intervals, teams, week, week_teams, wait_curves }
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
    let nq = scenario.queues.len();
    let serving: Vec<Vec<usize>> = (0..nq)
        .map(|q| (0..scenario.teams.len()).filter(|&t| scenario.teams[t].skills.contains(&q)).collect())
        .collect();
    week_slots(scenario).map(|slots| pooled_rows(scenario, reps, &slots, &serving))
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

/// One row per slot and queue (plus "all"), and per slot and team, pooling
/// the reporting intervals listed in each slot: ticket counts are added
/// within a replication before the ratios are taken, so a slot's service
/// level is that of all its customers; backlog and agents are averaged.
fn pooled_rows(
    scenario: &Scenario,
    reps: &[ReplicationStats],
    slots: &[Vec<usize>],
    serving: &[Vec<usize>],
) -> (Vec<IntervalSummary>, Vec<TeamInterval>) {
    let sim = &scenario.simulation;
    let nq = scenario.queues.len();
    let nt = scenario.teams.len();
    let all_teams: Vec<usize> = (0..nt).collect();
    let mut rows = Vec::with_capacity(slots.len() * (nq + 1));
    let mut team_rows = Vec::with_capacity(slots.len() * nt);
    for slot in slots {
        let t_s = sim.warmup + slot[0] as f64 * sim.interval;
        let n = slot.len() as f64;
        for q in 0..=nq {
            let is_all = q == nq;
            let counts: Vec<TicketCounts> = reps
                .iter()
                .map(|r| {
                    let mut c = TicketCounts::default();
                    for &k in slot {
                        let row = &r.interval_tickets[k * nq..(k + 1) * nq];
                        c.add(&if is_all { total(row) } else { row[q] });
                    }
                    c
                })
                .collect();
            let teams = if is_all { &all_teams } else { &serving[q] };
            let time: Vec<AgentTime> = reps
                .iter()
                .map(|r| {
                    team_total(slot.iter().flat_map(|&k| teams.iter().map(move |&t| r.interval_agents[k * nt + t])))
                })
                .collect();
            let backlog = mean(reps.iter().map(|r| {
                let waiting: f64 = slot
                    .iter()
                    .map(|&k| {
                        let row = &r.interval_backlog[k * nq..(k + 1) * nq];
                        if is_all { row.iter().map(|&b| f64::from(b)).sum() } else { f64::from(row[q]) }
                    })
                    .sum();
                waiting / n
            }));
            rows.push(IntervalSummary {
                t_s,
                queue: if is_all { "all".into() } else { scenario.queues[q].name.clone() },
                offered: mean(counts.iter().map(|c| c.offered as f64 / n)),
                answered: mean(counts.iter().map(|c| c.answered as f64 / n)),
                abandoned: mean(counts.iter().map(|c| c.abandoned as f64 / n)),
                closed: mean(counts.iter().map(|c| c.closed as f64 / n)),
                service_level: estimate(counts.iter().map(TicketCounts::service_level)),
                asa_s: estimate(counts.iter().map(TicketCounts::asa)).mean,
                backlog,
                agents_on_duty: mean(time.iter().map(|t| t.on_duty / sim.interval / n)),
                occupancy: estimate(time.iter().map(AgentTime::occupancy)).mean,
            });
        }
        for (t, team) in scenario.teams.iter().enumerate() {
            let time: Vec<AgentTime> =
                reps.iter().map(|r| team_total(slot.iter().map(|&k| r.interval_agents[k * nt + t]))).collect();
            team_rows.push(TeamInterval {
                t_s,
                team: team.name.clone(),
                agents_on_duty: mean(time.iter().map(|x| x.on_duty / sim.interval / n)),
                agents_busy: mean(time.iter().map(|x| x.busy / sim.interval / n)),
                occupancy: estimate(time.iter().map(AgentTime::occupancy)).mean,
            });
        }
    }
    (rows, team_rows)
}

/// Points of the wait curve: 0, then a logarithmic grid from 1 s to the
/// longest wait (at least four times the SLA threshold), with the threshold
/// itself included so the curve passes exactly through the service level.
///
/// The curve never goes down. At the threshold it uses the service level's
/// exact count; elsewhere the histogram's, whose buckets are about 1 % wide
/// and are counted only once a point passes their top, so a bucket holding
/// waits on both sides of the threshold would put the next points below the
/// exact count. Points past the threshold are therefore at least that
/// count, and points before it at most.
fn wait_curve(scenario: &Scenario, reps: &[ReplicationStats], q: usize) -> WaitCurve {
    let nq = scenario.queues.len();
    let is_all = q == nq;
    let within = if is_all { f64::NAN } else { scenario.queues[q].sla.within };
    let longest_sla = scenario.queues.iter().map(|x| x.sla.within).fold(0.0, f64::max);
    let histograms: Vec<Histogram<u64>> = reps.iter().map(|r| waits_of(r, (!is_all).then_some(q))).collect();
    let longest = histograms.iter().map(|h| h.max() as f64 / 1000.0).fold(0.0, f64::max);
    let top = longest.max(4.0 * if is_all { longest_sla } else { within }).max(10.0);
    let steps = 160;
    let mut grid: Vec<f64> = (0..=steps).map(|i| top.powf(i as f64 / steps as f64)).collect();
    grid.insert(0, 0.0);
    if !is_all {
        grid.push(within);
    }
    grid.sort_by(f64::total_cmp);
    grid.dedup();
    // Per replication: cumulative counts at each recorded value, then the share at each grid point.
    let per_rep: Vec<Vec<f64>> = reps
        .iter()
        .zip(&histograms)
        .filter_map(|(r, h)| {
            let c = if is_all { total(&r.queues) } else { r.queues[q] };
            let judged = c.offered - c.waiting_in_sla;
            if judged == 0 {
                return None;
            }
            let mut cumulative = Vec::new();
            let mut count = 0u64;
            for v in h.iter_recorded() {
                count += v.count_at_value();
                cumulative.push((v.value_iterated_to(), count));
            }
            let exact = (!is_all).then(|| c.answered_in_sla as f64 / judged as f64);
            Some(
                grid.iter()
                    .map(|&x| {
                        let ms = (x * 1000.0).round() as u64;
                        let i = cumulative.partition_point(|&(v, _)| v <= ms);
                        let counted = if i == 0 { 0 } else { cumulative[i - 1].1 } as f64 / judged as f64;
                        match exact {
                            Some(e) if x == within => e,
                            Some(e) if x > within => counted.max(e),
                            Some(e) => counted.min(e),
                            None => counted,
                        }
                    })
                    .collect(),
            )
        })
        .collect();
    let points = if per_rep.is_empty() {
        Vec::new()
    } else {
        grid.iter().enumerate().map(|(i, &x)| (x, mean(per_rep.iter().map(|r| r[i])))).collect()
    };
    let queue = if is_all { "all".to_string() } else { scenario.queues[q].name.clone() };
    WaitCurve { queue, sla_within_s: within, points }
}

/// The waits of one queue, or (`None`) of every queue merged.
fn waits_of(r: &ReplicationStats, queue: Option<usize>) -> Histogram<u64> {
    match queue {
        Some(q) => r.waits[q].clone(),
        None => {
            let mut h = r.waits[0].clone();
            for other in &r.waits[1..] {
                // Same bounds everywhere, so adding cannot fail.
                let _ = h.add(other);
            }
            h
        }
    }
}

fn total(rows: &[TicketCounts]) -> TicketCounts {
    let mut t = TicketCounts::default();
    for r in rows {
        t.add(r);
    }
    t
}

fn team_total(times: impl Iterator<Item = AgentTime>) -> AgentTime {
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
        let curve = wait_curve(&s, &[r.finish()], 0);
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
