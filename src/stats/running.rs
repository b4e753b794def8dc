//! Running sums for figures reported "over replications": each replication's
//! value is folded in as it arrives, in replication order, so a run's memory
//! does not depend on how many replications it has.
//!
//! The means are computed exactly as a batch of the same values would be
//! (a sum in index order, divided once at the end), so they are the same to
//! the last bit. The spread behind a confidence half-width is folded with
//! Welford's update, which is as stable as the two-pass formula but needs
//! no second pass; the two may differ in the last bits of the half-width
//! (about 1e-16 relative), far below any decimal the reports print.

use super::summary::{Estimate, t_975};

/// The mean of one value per replication, or of the values a replication
/// defines (`add_defined`); 0 (or `None`) when there are none.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RunningMean {
    sum: f64,
    n: u32,
}

impl RunningMean {
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.sum += x;
        self.n += 1;
    }

    #[inline]
    pub fn add_defined(&mut self, x: Option<f64>) {
        if let Some(x) = x {
            self.add(x);
        }
    }

    pub fn mean(&self) -> f64 {
        self.defined_mean().unwrap_or(0.0)
    }

    /// The mean, or `None` when no value was added.
    pub fn defined_mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum / f64::from(self.n))
    }
}

/// The mean of the finite values among those a replication may leave
/// undefined (a service level with no tickets), for columns that show no
/// half-width.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleMean {
    /// Starts at −0, the exact neutral element of floating-point addition,
    /// as the standard library's `Sum` does, so the sum is that of a batch.
    sum: f64,
    n: u32,
}

impl Default for SampleMean {
    fn default() -> Self {
        SampleMean { sum: -0.0, n: 0 }
    }
}

impl SampleMean {
    /// Adds `x` if it is defined and finite; returns it if so.
    #[inline]
    pub fn add(&mut self, x: Option<f64>) -> Option<f64> {
        add_sample(&mut self.sum, &mut self.n, x)
    }

    pub fn mean(&self) -> Option<f64> {
        sample_mean(self.sum, self.n)
    }
}

/// [`SampleMean::add`] on its two parts kept apart, for tables of many
/// sums that pack their counts together (no padding after each count).
/// The sum must start at −0, as [`SampleMean`]'s does.
#[inline]
pub fn add_sample(sum: &mut f64, n: &mut u32, x: Option<f64>) -> Option<f64> {
    let x = x.filter(|x| x.is_finite())?;
    *sum += x;
    *n += 1;
    Some(x)
}

/// [`SampleMean::mean`] of the two parts.
pub fn sample_mean(sum: f64, n: u32) -> Option<f64> {
    (n > 0).then(|| sum / f64::from(n))
}

/// [`RunningEstimate::add`] on its parts kept apart (see [`add_sample`]).
#[inline]
pub fn add_welford(sum: &mut f64, n: &mut u32, centre: &mut f64, squares: &mut f64, x: Option<f64>) {
    let Some(x) = add_sample(sum, n, x) else { return };
    let delta = x - *centre;
    *centre += delta / f64::from(*n);
    *squares += delta * (x - *centre);
}

/// [`RunningEstimate::estimate`] of its parts.
pub fn welford_estimate(sum: f64, n: u32, squares: f64) -> Estimate {
    let count = n as usize;
    let ci95 = (count >= 2).then(|| {
        let var = squares.max(0.0) / (count - 1) as f64;
        t_975(count - 1) * (var / count as f64).sqrt()
    });
    Estimate { mean: sample_mean(sum, n), ci95 }
}

/// Mean and 95 % confidence half-width (Student t) of the finite values
/// among those a replication may leave undefined.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RunningEstimate {
    values: SampleMean,
    /// Welford's running mean and sum of squared deviations from it.
    centre: f64,
    squares: f64,
}

impl RunningEstimate {
    #[inline]
    pub fn add(&mut self, x: Option<f64>) {
        let SampleMean { sum, n } = &mut self.values;
        add_welford(sum, n, &mut self.centre, &mut self.squares, x);
    }

    pub fn estimate(&self) -> Estimate {
        welford_estimate(self.values.sum, self.values.n, self.squares)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::estimate;

    #[test]
    fn running_estimate_matches_the_batch_estimate() {
        let samples: Vec<Option<f64>> = (0..500)
            .map(|i| {
                let x = (i as f64 * 0.618_033_988_7).fract();
                (i % 7 != 3).then_some(0.9 + 0.05 * x)
            })
            .chain([Some(f64::NAN), None, Some(f64::INFINITY)])
            .collect();
        let mut running = RunningEstimate::default();
        for &x in &samples {
            running.add(x);
        }
        let (batch, streamed) = (estimate(samples.iter().copied()), running.estimate());
        assert_eq!(batch.mean, streamed.mean, "means are the same sum divided once");
        let (a, b) = (batch.ci95.unwrap(), streamed.ci95.unwrap());
        assert!((a - b).abs() <= 1e-13 * a, "{a} vs {b}");
    }

    #[test]
    fn few_or_no_values() {
        let mut one = RunningEstimate::default();
        assert_eq!(one.estimate(), Estimate::default());
        one.add(Some(0.5));
        one.add(None);
        assert_eq!(one.estimate(), Estimate { mean: Some(0.5), ci95: None });
        let mut same = RunningEstimate::default();
        for _ in 0..10 {
            same.add(Some(0.1));
        }
        assert_eq!(same.estimate().ci95, Some(0.0), "identical values have no spread");
        assert_eq!(RunningMean::default().mean(), 0.0);
        let mut quantiles = RunningMean::default();
        assert_eq!(quantiles.defined_mean(), None);
        quantiles.add_defined(None);
        quantiles.add_defined(Some(3.0));
        assert_eq!(quantiles.defined_mean(), Some(3.0));
    }
}
