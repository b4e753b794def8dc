//! Paired differences between scenario variants run on the same tickets
//! (common random numbers): replication i of a variant against replication
//! i of the base. What the two share (arrivals, handle-time and patience
//! draws) cancels in each difference, so the interval of the mean
//! difference is far narrower than the two runs' intervals side by side.

use super::recorder::{EveryoneWaits, ReplicationStats};
use super::summary::{EveryoneFigures, serving, t_975, team_total, total};
use crate::scenario::Scenario;

/// The figures a what-if compares, in their table order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    ServiceLevel,
    Asa,
    MeanWaitAll,
    AbandonRate,
    Occupancy,
}

impl Metric {
    pub const ALL: [Metric; 5] =
        [Metric::ServiceLevel, Metric::Asa, Metric::MeanWaitAll, Metric::AbandonRate, Metric::Occupancy];

    /// The column name of `summary.csv` the metric is.
    pub fn name(self) -> &'static str {
        match self {
            Metric::ServiceLevel => "service_level",
            Metric::Asa => "asa_s",
            Metric::MeanWaitAll => "wait_all_mean_s",
            Metric::AbandonRate => "abandon_rate",
            Metric::Occupancy => "occupancy",
        }
    }

    /// In words, for tables and the report.
    pub fn label(self) -> &'static str {
        match self {
            Metric::ServiceLevel => "service level",
            Metric::Asa => "ASA",
            Metric::MeanWaitAll => "mean wait of all customers",
            Metric::AbandonRate => "abandonment",
            Metric::Occupancy => "occupancy",
        }
    }

    /// A share (shown in percentage points) rather than seconds.
    pub fn is_share(self) -> bool {
        matches!(self, Metric::ServiceLevel | Metric::AbandonRate | Metric::Occupancy)
    }

    /// Whether more is better for customers (occupancy is neither: `None`).
    pub fn higher_is_better(self) -> Option<bool> {
        match self {
            Metric::ServiceLevel => Some(true),
            Metric::Asa | Metric::MeanWaitAll | Metric::AbandonRate => Some(false),
            Metric::Occupancy => None,
        }
    }
}

/// One replication's compared figures: `[row][metric]`, a row per queue and
/// then the desk ("all"), with the same definitions as `summary.csv`.
pub type Figures = Vec<[Option<f64>; 5]>;

/// The compared figures of one replication of `scenario`.
pub fn replication_figures(scenario: &Scenario, r: &ReplicationStats) -> Figures {
    let nq = scenario.queues.len();
    let serving = serving(scenario);
    let desk_everyone = EveryoneWaits::total(&r.everyone);
    (0..=nq)
        .map(|q| {
            let is_all = q == nq;
            let counts = if is_all { total(&r.queues) } else { r.queues[q] };
            let everyone = if is_all { &desk_everyone } else { &r.everyone[q] };
            let time = team_total(serving[q].iter().map(|&t| r.teams[t]));
            [
                counts.service_level(),
                counts.asa(),
                EveryoneFigures::of(everyone, &counts).mean_s,
                counts.abandon_rate(),
                time.occupancy(),
            ]
        })
        .collect()
}

/// One row of `differences.csv`: a variant's figure against the base's.
#[derive(Debug, Clone)]
pub struct Difference {
    pub variant: String,
    pub queue: String,
    pub metric: &'static str,
    /// Means over the replications where both have the figure.
    pub base: Option<f64>,
    pub variant_value: Option<f64>,
    /// Mean of the paired differences, variant minus base.
    pub difference: Option<f64>,
    /// 95 % half-width of the mean paired difference (Student t).
    pub difference_ci95: Option<f64>,
    /// The half-width the same difference would have from two independent
    /// runs (the two runs' half-widths combined), for how much pairing saves.
    pub unpaired_ci95: Option<f64>,
    pub kind: Metric,
}

/// Mean and 95 % half-width of `xs` (half-width `None` below two values).
fn mean_ci(xs: &[f64]) -> (Option<f64>, Option<f64>) {
    let n = xs.len();
    if n == 0 {
        return (None, None);
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    let ci = (n >= 2).then(|| {
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        t_975(n - 1) * (var / n as f64).sqrt()
    });
    (Some(mean), ci)
}

/// The paired differences of `variant` against `base`, replication by
/// replication (both in replication order, as many of each); `queues`
/// names the rows (the queues, then "all").
pub fn differences(variant_name: &str, queues: &[String], base: &[Figures], variant: &[Figures]) -> Vec<Difference> {
    let mut rows = Vec::new();
    for (q, queue) in queues.iter().enumerate() {
        for (m, metric) in Metric::ALL.into_iter().enumerate() {
            let pairs: Vec<(f64, f64)> = base
                .iter()
                .zip(variant)
                .filter_map(|(b, v)| match (b[q][m], v[q][m]) {
                    (Some(x), Some(y)) if x.is_finite() && y.is_finite() => Some((x, y)),
                    _ => None,
                })
                .collect();
            let xs: Vec<f64> = pairs.iter().map(|p| p.0).collect();
            let ys: Vec<f64> = pairs.iter().map(|p| p.1).collect();
            let ds: Vec<f64> = pairs.iter().map(|p| p.1 - p.0).collect();
            let (b, bc) = mean_ci(&xs);
            let (v, vc) = mean_ci(&ys);
            let (d, dc) = mean_ci(&ds);
            rows.push(Difference {
                variant: variant_name.to_string(),
                queue: queue.clone(),
                metric: metric.name(),
                base: b,
                variant_value: v,
                difference: d,
                difference_ci95: dc,
                unpaired_ci95: bc.zip(vc).map(|(x, y)| x.hypot(y)),
                kind: metric,
            });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(sl: f64) -> Figures {
        vec![[Some(sl), Some(10.0 * sl), None, Some(0.0), Some(0.5)]]
    }

    #[test]
    fn identical_runs_differ_by_exactly_zero() {
        let base: Vec<Figures> = [0.7, 0.8, 0.9].map(figures).to_vec();
        let rows = differences("copy", &["all".into()], &base, &base);
        let sl = &rows[0];
        assert_eq!((sl.metric, sl.difference, sl.difference_ci95), ("service_level", Some(0.0), Some(0.0)));
        assert!(sl.unpaired_ci95.unwrap() > 0.1, "the runs themselves vary");
        // A figure missing in every replication has no difference.
        assert_eq!(rows[2].difference, None);
    }

    #[test]
    fn pairing_cancels_what_replications_share() {
        // The variant is the base plus 0.05 ± a little: a wide spread between
        // replications, a narrow one in their difference.
        let base: Vec<Figures> = [0.6, 0.9, 0.7, 0.8].map(figures).to_vec();
        let variant: Vec<Figures> = [0.66, 0.94, 0.75, 0.85].map(figures).to_vec();
        let rows = differences("more", &["all".into()], &base, &variant);
        let d = &rows[0];
        assert!((d.difference.unwrap() - 0.05).abs() < 1e-9);
        assert!(d.difference_ci95.unwrap() < d.unpaired_ci95.unwrap() / 5.0, "{d:?}");
        assert!((d.variant_value.unwrap() - d.base.unwrap() - d.difference.unwrap()).abs() < 1e-9);
    }
}
