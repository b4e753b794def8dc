//! The batch merge that `RunningSummary` replaced, kept as a test oracle:
//! it holds every replication and reduces them at the end, figure by
//! figure, with the two-pass variance. The streaming summary must give the
//! same bytes in every table.

use super::recorder::{AgentTime, EveryoneWaits, ReplicationStats, TicketCounts};
use super::summary::{
    ClearBy, ClearHours, EveryoneFigures, IntervalSummary, QueueSummary, RunSummary, TeamInterval, WaitCurve, estimate,
    slot_ages, team_total, total, total_of, typical_week,
};
use super::waits::Waits;
use crate::scenario::Scenario;

fn quantile(h: &Waits, q: f64) -> Option<f64> {
    (!h.is_empty()).then(|| h.value_at_quantile(q) as f64 / 1000.0)
}

/// The mean of the defined values, `None` when there are none.
fn defined_mean(xs: impl IntoIterator<Item = Option<f64>>) -> Option<f64> {
    let v: Vec<f64> = xs.into_iter().flatten().collect();
    (!v.is_empty()).then(|| mean(v))
}

fn mean(xs: impl IntoIterator<Item = f64>) -> f64 {
    let (sum, n) = xs.into_iter().fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    if n == 0 { 0.0 } else { sum / n as f64 }
}

/// Merges replications (in order) into the run's figures.
#[allow(clippy::needless_range_loop)] // q == nq is the desk total, not an index
pub fn summarize_batch(scenario: &Scenario, reps: &[ReplicationStats]) -> RunSummary {
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
        let waits: Vec<Waits> = reps.iter().map(|r| waits_of(r, (!is_all).then_some(q))).collect();
        let teams = if is_all { &all_teams } else { &serving[q] };
        let time: Vec<AgentTime> = reps.iter().map(|r| team_total(teams.iter().map(|&t| r.teams[t]))).collect();
        let sla = (!is_all).then(|| scenario.queues[q].sla);
        let everyone: Vec<EveryoneFigures> = reps
            .iter()
            .zip(&counts)
            .map(|(r, c)| {
                let e = if is_all { EveryoneWaits::total(&r.everyone) } else { r.everyone[q].clone() };
                EveryoneFigures::of(&e, c)
            })
            .collect();
        let quant = |p: f64| {
            let v: Vec<f64> = waits.iter().filter_map(|h| quantile(h, p)).collect();
            (!v.is_empty()).then(|| mean(v))
        };
        queues.push(QueueSummary {
            queue: if is_all { "all".into() } else { scenario.queues[q].name.as_str().into() },
            offered: mean(counts.iter().map(|c| c.offered as f64)),
            answered: mean(counts.iter().map(|c| c.answered as f64)),
            abandoned: mean(counts.iter().map(|c| c.abandoned as f64)),
            closed: mean(counts.iter().map(|c| c.closed as f64)),
            withdrawn: mean(counts.iter().map(|c| c.withdrawn as f64)),
            waiting_at_end: mean(counts.iter().map(|c| c.waiting_at_end as f64)),
            service_level: estimate(counts.iter().map(TicketCounts::service_level)),
            sla_target: sla.and_then(|s| s.target),
            asa_target_s: sla.and_then(|s| s.average),
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
            wait_all_mean_s: estimate(everyone.iter().map(|f| f.mean_s)),
            wait_all_p50_s: defined_mean(everyone.iter().map(|f| f.p50_s)),
            wait_all_p90_s: defined_mean(everyone.iter().map(|f| f.p90_s)),
            answered_in_time_all: estimate(everyone.iter().map(|f| f.in_time)),
            waited_over_week: estimate(everyone.iter().map(|f| f.over_week)),
            left_by_age: std::array::from_fn(|b| mean(everyone.iter().map(|f| f.left[b]))),
            oldest_left_h: estimate(everyone.iter().map(|f| f.oldest_left_h)),
            // Conversations are folded by one tally only; their counts are
            // checked by the conservation tests instead. Callbacks and
            // outbound dialling share the streaming tally too.
            flow: None,
            clear_by: ClearBy::of(
                scenario,
                reps.iter().filter(|r| ClearBy::in_time(scenario, r.time_to_clear[q])).count(),
                reps.len(),
                estimate(clear.iter().copied()).mean,
                &{
                    let mut hours = ClearHours::new(scenario);
                    reps.iter().for_each(|r| hours.add(r.time_to_clear[q]));
                    hours
                },
            ),
            dialling: {
                let mut tally = super::dialling::DiallingTally::default();
                reps.iter().for_each(|r| tally.add(scenario, r, q));
                tally.finish(scenario, q)
            },
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
                        c.add(&if is_all { total_of(row) } else { row[q].widen() });
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
                        let row = &r.interval_tickets[k * nq..(k + 1) * nq];
                        if is_all { row.iter().map(|c| f64::from(c.backlog)).sum() } else { f64::from(row[q].backlog) }
                    })
                    .sum();
                waiting / n
            }));
            rows.push(IntervalSummary {
                t_s,
                queue: if is_all { "all".into() } else { scenario.queues[q].name.as_str().into() },
                offered: mean(counts.iter().map(|c| c.offered as f64 / n)),
                answered: mean(counts.iter().map(|c| c.answered as f64 / n)),
                abandoned: mean(counts.iter().map(|c| c.abandoned as f64 / n)),
                closed: mean(counts.iter().map(|c| c.closed as f64 / n)),
                service_level: estimate(counts.iter().map(TicketCounts::service_level)),
                asa_s: estimate(counts.iter().map(TicketCounts::asa)).mean,
                backlog,
                // The teams' means, added: the streaming summary keeps no
                // separate sum for a queue's agents.
                agents_on_duty: teams
                    .iter()
                    .map(|&t| {
                        reps.iter()
                            .map(|r| {
                                team_total(slot.iter().map(|&k| r.interval_agents[k * nt + t])).on_duty
                                    / sim.interval
                                    / n
                            })
                            .fold(0.0, |a, b| a + b)
                    })
                    .fold(0.0, |a, b| a + b)
                    / reps.len().max(1) as f64,
                occupancy: estimate(time.iter().map(AgentTime::occupancy)).mean,
                backlog_by_age: {
                    let band =
                        |b: usize| mean(reps.iter().map(|r| slot_ages(r, slot, nq, (!is_all).then_some(q))[b] / n));
                    let (a, b, c) = (band(0), band(1), band(2));
                    [a, b, c, (backlog - a - b - c).max(0.0)]
                },
            });
        }
        for (t, team) in scenario.teams.iter().enumerate() {
            let time: Vec<AgentTime> =
                reps.iter().map(|r| team_total(slot.iter().map(|&k| r.interval_agents[k * nt + t]))).collect();
            team_rows.push(TeamInterval {
                t_s,
                team: team.name.as_str().into(),
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
fn wait_curve(scenario: &Scenario, reps: &[ReplicationStats], q: usize) -> WaitCurve {
    let nq = scenario.queues.len();
    let is_all = q == nq;
    let within = if is_all { f64::NAN } else { scenario.queues[q].sla.within };
    let longest_sla = scenario.queues.iter().map(|x| x.sla.within).fold(0.0, f64::max);
    let histograms: Vec<Waits> = reps.iter().map(|r| waits_of(r, (!is_all).then_some(q))).collect();
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
            for (top, n) in h.iter() {
                count += n;
                cumulative.push((top, count));
            }
            Some(
                grid.iter()
                    .map(|&x| {
                        // At the threshold itself, the exact count the service level uses
                        // (the histogram's buckets are 1 % wide).
                        // Before it at most, past it at least that share: never down.
                        let exact = c.answered_in_sla as f64 / judged as f64;
                        let ms = (x * 1000.0).round() as u64;
                        let i = cumulative.partition_point(|&(v, _)| v <= ms);
                        let counted = if i == 0 { 0 } else { cumulative[i - 1].1 } as f64 / judged as f64;
                        match () {
                            _ if is_all => counted,
                            _ if x == within => exact,
                            _ if x > within => counted.max(exact),
                            _ => counted.min(exact),
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
fn waits_of(r: &ReplicationStats, queue: Option<usize>) -> Waits {
    match queue {
        Some(q) => r.waits[q].clone(),
        None => Waits::sum(&r.waits),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::csv;
    use crate::sim;
    use crate::stats::{Estimate, RunningSummary};

    const DESKS: [(&str, &str, u32); 13] = [
        ("small", include_str!("../../tests/fixtures/small.toml"), 40),
        ("after-hours", include_str!("../../tests/fixtures/after-hours.toml"), 6),
        ("callback-order", include_str!("../../tests/fixtures/callback-order.toml"), 6),
        ("peak", include_str!("../../tests/fixtures/peak.toml"), 6),
        ("timezones", include_str!("../../tests/fixtures/timezones.toml"), 6),
        ("weekend-holes", include_str!("../../tests/fixtures/weekend-holes.toml"), 6),
        ("smb-saas", include_str!("../../scenarios/smb-saas.toml"), 5),
        ("tech-24x7", include_str!("../../scenarios/tech-24x7.toml"), 5),
        ("backlog-crisis", include_str!("../../scenarios/backlog-crisis.toml"), 5),
        ("new-product", include_str!("../../scenarios/new-product.toml"), 4),
        ("advertiser-desk", include_str!("../../scenarios/advertiser-desk.toml"), 4),
        ("dated", include_str!("../../tests/fixtures/dated.toml"), 6),
        ("holiday-recovery", include_str!("../../scenarios/holiday-recovery.toml"), 5),
    ];

    fn tables(s: &Scenario, r: &RunSummary) -> Vec<(&'static str, Vec<u8>)> {
        vec![
            ("summary.csv", csv::summary(&r.queues).unwrap()),
            ("intervals.csv", csv::intervals(s, &r.intervals).unwrap()),
            ("teams.csv", csv::teams(s, &r.teams).unwrap()),
            ("waits.csv", csv::waits(&r.wait_curves).unwrap()),
            ("week.csv", csv::week(s, &r.week).unwrap()),
            ("week_teams.csv", csv::week_teams(s, &r.week_teams).unwrap()),
        ]
    }

    /// Means to the last bit; half-widths to rounding (Welford against two-pass).
    fn same_estimate(a: &Estimate, b: &Estimate, what: &str) {
        assert_eq!(a.mean.map(f64::to_bits), b.mean.map(f64::to_bits), "{what}: mean");
        match (a.ci95, b.ci95) {
            (Some(x), Some(y)) => assert!((x - y).abs() <= 1e-12 * x.abs().max(y.abs()) + 1e-15, "{what}: {x} vs {y}"),
            (x, y) => assert_eq!(x, y, "{what}: half-width"),
        }
    }

    fn same_queue_rows(a: &[QueueSummary], b: &[QueueSummary], desk: &str) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            let what = format!("{desk}: {}", x.queue);
            let bits = |v: &[f64]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
            assert_eq!(
                bits(&[x.offered, x.answered, x.abandoned, x.closed, x.withdrawn, x.waiting_at_end]),
                bits(&[y.offered, y.answered, y.abandoned, y.closed, y.withdrawn, y.waiting_at_end]),
                "{what}: counts"
            );
            assert_eq!(
                bits(&[x.callbacks_created, x.after_hours]),
                bits(&[y.callbacks_created, y.after_hours]),
                "{what}"
            );
            let quantiles = |r: &QueueSummary| [r.wait_p50_s, r.wait_p90_s, r.wait_p99_s].map(|q| q.map(f64::to_bits));
            assert_eq!(quantiles(x), quantiles(y), "{what}: wait quantiles");
            for (e, f, name) in [
                (&x.service_level, &y.service_level, "service_level"),
                (&x.asa_s, &y.asa_s, "asa_s"),
                (&x.abandon_rate, &y.abandon_rate, "abandon_rate"),
                (&x.occupancy, &y.occupancy, "occupancy"),
                (&x.service_level_backlog, &y.service_level_backlog, "service_level_backlog"),
                (&x.service_level_new, &y.service_level_new, "service_level_new"),
                (&x.service_level_open, &y.service_level_open, "service_level_open"),
                (&x.time_to_clear_h, &y.time_to_clear_h, "time_to_clear_h"),
                (&x.wait_all_mean_s, &y.wait_all_mean_s, "wait_all_mean_s"),
                (&x.answered_in_time_all, &y.answered_in_time_all, "answered_in_time_all"),
                (&x.waited_over_week, &y.waited_over_week, "waited_over_week"),
                (&x.oldest_left_h, &y.oldest_left_h, "oldest_left_h"),
            ] {
                same_estimate(e, f, &format!("{what}: {name}"));
            }
            assert_eq!(x.never_cleared, y.never_cleared, "{what}: never_cleared");
            assert_eq!(x.clear_by, y.clear_by, "{what}: clear_by");
        }
    }

    #[test]
    fn streaming_summary_equals_batch_summary() {
        for (desk, text, replications) in DESKS {
            let s = Scenario::from_toml(text, desk).expect("shipped scenarios are valid");
            let reps: Vec<ReplicationStats> = (0..replications).map(|r| sim::simulate(&s, s.policy, r)).collect();
            let batch = summarize_batch(&s, &reps);
            let mut running = RunningSummary::new(&s);
            for r in &reps {
                running.add(r);
            }
            let streamed = running.finish();
            assert_eq!(batch.replications, streamed.replications);
            for ((name, a), (_, b)) in tables(&s, &batch).into_iter().zip(tables(&s, &streamed)) {
                assert!(a == b, "{desk}: {name} differs");
            }
            same_queue_rows(&batch.queues, &streamed.queues, desk);
            for (x, y) in batch.intervals.iter().chain(&batch.week).zip(streamed.intervals.iter().chain(&streamed.week))
            {
                same_estimate(&x.service_level, &y.service_level, &format!("{desk}: {} at {}", x.queue, x.t_s));
                assert_eq!(x.asa_s.map(f64::to_bits), y.asa_s.map(f64::to_bits));
                assert_eq!(x.occupancy.map(f64::to_bits), y.occupancy.map(f64::to_bits));
                assert_eq!(x.backlog.to_bits(), y.backlog.to_bits());
                assert_eq!(x.backlog_by_age.map(f64::to_bits), y.backlog_by_age.map(f64::to_bits));
            }
            for (x, y) in batch.wait_curves.iter().zip(&streamed.wait_curves) {
                assert_eq!(x.points, y.points, "{desk}: wait curve of {}", x.queue);
            }
            if desk == "small" {
                let empty = RunningSummary::new(&s).finish();
                let none = summarize_batch(&s, &[]);
                for ((name, a), (_, b)) in tables(&s, &empty).into_iter().zip(tables(&s, &none)) {
                    let (a, b) = (String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap());
                    let first = a.lines().zip(b.lines()).find(|(x, y)| x != y);
                    assert!(a == b, "no replications: {name} differs first at {first:?}");
                }
            }
        }
    }
}
