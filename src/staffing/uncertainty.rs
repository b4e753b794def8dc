//! Stage 3: how sure the requirement is. Inputs given as ranges are sampled
//! by Latin hypercube (each range cut in n strata, each stratum used once)
//! and the search is rerun per sample; the spread of the answers gives
//! P10/P50/P80/P90 per interval. The roster is then planned for the chosen
//! quantile (`--plan-for`), so a range in the assumptions buys cover for the
//! likely high side, not only the midpoint.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

use crate::scenario::Scenario;

/// Which quantile of the sampled requirement the roster covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PlanLevel {
    P50,
    #[default]
    P80,
    P90,
}

impl PlanLevel {
    pub fn quantile(self) -> f64 {
        match self {
            PlanLevel::P50 => 0.5,
            PlanLevel::P80 => 0.8,
            PlanLevel::P90 => 0.9,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            PlanLevel::P50 => "p50",
            PlanLevel::P80 => "p80",
            PlanLevel::P90 => "p90",
        }
    }
}

/// Quantiles of one interval's requirement over the samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Band {
    pub p10: u32,
    pub p50: u32,
    pub p80: u32,
    pub p90: u32,
}

impl Band {
    /// The quantiles of `values`: the sorted value at rank round(p × (n − 1)),
    /// so P10 ≤ P50 ≤ P80 ≤ P90 always.
    pub fn of(values: &mut [u32]) -> Band {
        values.sort_unstable();
        let n = values.len();
        if n == 0 {
            return Band::default();
        }
        let at = |p: f64| values[((p * (n - 1) as f64).round() as usize).min(n - 1)];
        Band { p10: at(0.1), p50: at(0.5), p80: at(0.8), p90: at(0.9) }
    }

    pub fn at(&self, level: PlanLevel) -> u32 {
        match level {
            PlanLevel::P50 => self.p50,
            PlanLevel::P80 => self.p80,
            PlanLevel::P90 => self.p90,
        }
    }
}

/// `n` scenarios with the assumptions drawn by Latin hypercube from the
/// scenario's seed.
pub fn samples(s: &Scenario, n: usize) -> Vec<Scenario> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(s.simulation.seed ^ 0x5eed_5a3f);
    let columns: Vec<Vec<f64>> = s
        .assumptions
        .iter()
        .map(|a| {
            let mut strata: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                let j = rng.random_range(0..=i);
                strata.swap(i, j);
            }
            strata.iter().map(|&st| a.low + (a.high - a.low) * (st as f64 + rng.random::<f64>()) / n as f64).collect()
        })
        .collect();
    (0..n)
        .map(|i| {
            let values: Vec<f64> = columns.iter().map(|c| c[i]).collect();
            s.variant(&values)
        })
        .collect()
}

/// Per `[team][slot]`, the band of the sampled requirements `[sample][team][slot]`.
pub fn bands(sampled: &[Vec<Vec<u32>>], teams: usize, slots: usize) -> Vec<Vec<Band>> {
    (0..teams)
        .map(|t| {
            (0..slots)
                .map(|k| {
                    let mut v: Vec<u32> = sampled.iter().map(|r| r[t][k]).collect();
                    Band::of(&mut v)
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_quantiles_are_ordered_and_nearest_rank() {
        let mut v = vec![9, 1, 5, 3, 7, 2, 8, 4, 6, 10];
        let b = Band::of(&mut v);
        assert_eq!((b.p10, b.p50, b.p80, b.p90), (2, 6, 8, 9));
        assert_eq!(b.at(PlanLevel::P80), 8);
        assert_eq!(Band::of(&mut []), Band::default());
    }
}
