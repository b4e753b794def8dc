//! Duration distributions for handle times and patience, built once at
//! validation so the engine only samples. Lognormal and gamma are given by mean
//! and coefficient of variation, the way support managers think about them
//! ("6 minutes on average, quite variable").

use rand::Rng;
use rand_distr::{Distribution, Exp, Gamma, LogNormal, Uniform};

/// A validated, ready-to-sample duration distribution (seconds).
#[derive(Debug, Clone)]
pub enum Dist {
    Exponential { mean: f64, exp: Exp<f64> },
    LogNormal { mean: f64, cv: f64, inner: LogNormal<f64> },
    Gamma { mean: f64, cv: f64, inner: Gamma<f64> },
    Fixed { value: f64 },
    Uniform { min: f64, max: f64, inner: Uniform<f64> },
}

/// The kind of a distribution, as written in a scenario's `dist` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DistKind {
    Exponential,
    LogNormal,
    Gamma,
    Fixed,
    Uniform,
}

impl DistKind {
    pub const NAMES: &'static str = "exponential, lognormal, gamma, fixed, uniform";

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text.trim().to_ascii_lowercase().as_str() {
            "exponential" | "exp" => DistKind::Exponential,
            "lognormal" => DistKind::LogNormal,
            "gamma" => DistKind::Gamma,
            "fixed" | "constant" => DistKind::Fixed,
            "uniform" => DistKind::Uniform,
            _ => return None,
        })
    }
}

impl Dist {
    /// An exponential distribution with the given mean (seconds, > 0).
    pub fn exponential(mean: f64) -> Result<Self, String> {
        let exp = Exp::new(1.0 / mean).map_err(|e| format!("mean {mean}: {e}"))?;
        Ok(Dist::Exponential { mean, exp })
    }

    pub fn lognormal(mean: f64, cv: f64) -> Result<Self, String> {
        let inner = LogNormal::from_mean_cv(mean, cv).map_err(|e| format!("mean {mean}, cv {cv}: {e}"))?;
        Ok(Dist::LogNormal { mean, cv, inner })
    }

    pub fn gamma(mean: f64, cv: f64) -> Result<Self, String> {
        let shape = 1.0 / (cv * cv);
        let inner = Gamma::new(shape, mean / shape).map_err(|e| format!("mean {mean}, cv {cv}: {e}"))?;
        Ok(Dist::Gamma { mean, cv, inner })
    }

    pub fn fixed(value: f64) -> Self {
        Dist::Fixed { value }
    }

    pub fn uniform(min: f64, max: f64) -> Result<Self, String> {
        let inner = Uniform::new_inclusive(min, max).map_err(|e| format!("min {min}, max {max}: {e}"))?;
        Ok(Dist::Uniform { min, max, inner })
    }

    /// The same kind and spread with another mean (uniform: scaled).
    pub fn with_mean(&self, mean: f64) -> Dist {
        let built = match self {
            Dist::Exponential { .. } => Dist::exponential(mean),
            Dist::LogNormal { cv, .. } => Dist::lognormal(mean, *cv),
            Dist::Gamma { cv, .. } => Dist::gamma(mean, *cv),
            Dist::Fixed { .. } => Ok(Dist::fixed(mean)),
            Dist::Uniform { min, max, .. } => {
                let f = mean / ((min + max) / 2.0);
                Dist::uniform(min * f, max * f)
            }
        };
        built.unwrap_or_else(|_| self.clone())
    }

    /// Draws one duration in seconds.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Dist::Exponential { exp, .. } => exp.sample(rng),
            Dist::LogNormal { inner, .. } => inner.sample(rng),
            Dist::Gamma { inner, .. } => inner.sample(rng),
            Dist::Fixed { value } => *value,
            Dist::Uniform { inner, .. } => inner.sample(rng),
        }
    }

    pub fn mean(&self) -> f64 {
        match self {
            Dist::Exponential { mean, .. } | Dist::LogNormal { mean, .. } | Dist::Gamma { mean, .. } => *mean,
            Dist::Fixed { value } => *value,
            Dist::Uniform { min, max, .. } => (min + max) / 2.0,
        }
    }

    /// Coefficient of variation (standard deviation / mean).
    pub fn cv(&self) -> f64 {
        match self {
            Dist::Exponential { .. } => 1.0,
            Dist::LogNormal { cv, .. } | Dist::Gamma { cv, .. } => *cv,
            Dist::Fixed { .. } => 0.0,
            Dist::Uniform { min, max, .. } => {
                let mean = (min + max) / 2.0;
                if mean > 0.0 { (max - min) / 12f64.sqrt() / mean } else { 0.0 }
            }
        }
    }

    pub fn kind(&self) -> DistKind {
        match self {
            Dist::Exponential { .. } => DistKind::Exponential,
            Dist::LogNormal { .. } => DistKind::LogNormal,
            Dist::Gamma { .. } => DistKind::Gamma,
            Dist::Fixed { .. } => DistKind::Fixed,
            Dist::Uniform { .. } => DistKind::Uniform,
        }
    }

    /// A short description such as "lognormal, mean 6m, cv 0.8".
    pub fn describe(&self) -> String {
        use super::units::format_duration as d;
        match self {
            Dist::Exponential { mean, .. } => format!("exponential, mean {}", d(*mean)),
            Dist::LogNormal { mean, cv, .. } => format!("lognormal, mean {}, cv {cv}", d(*mean)),
            Dist::Gamma { mean, cv, .. } => format!("gamma, mean {}, cv {cv}", d(*mean)),
            Dist::Fixed { value } => format!("fixed {}", d(*value)),
            Dist::Uniform { min, max, .. } => format!("uniform {}..{}", d(*min), d(*max)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;

    fn sample_mean_cv(d: &Dist) -> (f64, f64) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (mean, var.sqrt() / mean)
    }

    #[test]
    fn means_and_cvs_match_their_parameters() {
        for d in [
            Dist::exponential(360.0).unwrap(),
            Dist::lognormal(360.0, 0.8).unwrap(),
            Dist::gamma(360.0, 0.5).unwrap(),
            Dist::uniform(60.0, 180.0).unwrap(),
        ] {
            let (mean, cv) = sample_mean_cv(&d);
            assert!((mean / d.mean() - 1.0).abs() < 0.01, "{d:?}: mean {mean}");
            assert!((cv - d.cv()).abs() < 0.02, "{d:?}: cv {cv}");
        }
        assert_eq!(Dist::fixed(5.0).sample(&mut Xoshiro256PlusPlus::seed_from_u64(0)), 5.0);
    }
}
