//! Handle-time distributions fitted by moments: a lognormal and a gamma with
//! the sample's mean and coefficient of variation, compared by their
//! log-likelihood on the same sample (both have two parameters, so this is
//! also the AIC's choice).

use statrs::function::gamma::ln_gamma;

/// The sample's mean and coefficient of variation (sample standard
/// deviation, n - 1, over the mean).
pub fn mean_cv(xs: &[f64]) -> Option<(f64, f64)> {
    if xs.len() < 2 {
        return None;
    }
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean > 0.0).then(|| (mean, var.sqrt() / mean))
}

/// A lognormal by moments: `sigma² = ln(1 + cv²)`, `mu = ln(mean) - sigma²/2`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogNormalFit {
    pub mu: f64,
    pub sigma: f64,
    pub log_likelihood: f64,
}

/// A gamma by moments: shape `k = 1/cv²`, scale `theta = mean/k`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GammaFit {
    pub shape: f64,
    pub scale: f64,
    pub log_likelihood: f64,
}

/// Both candidates for one sample, and which is kept.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HandleFit {
    pub n: usize,
    pub mean: f64,
    pub cv: f64,
    pub lognormal: LogNormalFit,
    pub gamma: GammaFit,
}

impl HandleFit {
    /// Fits both to the positive values of `xs` (a zero handle time has no
    /// lognormal density); `None` with fewer than two of them or no spread.
    pub fn of(xs: &[f64]) -> Option<HandleFit> {
        let xs: Vec<f64> = xs.iter().copied().filter(|&x| x > 0.0 && x.is_finite()).collect();
        let (mean, cv) = mean_cv(&xs)?;
        if cv <= 0.0 {
            return None;
        }
        let s2 = (1.0 + cv * cv).ln();
        let (mu, sigma) = (mean.ln() - s2 / 2.0, s2.sqrt());
        let (shape, scale) = (1.0 / (cv * cv), mean * cv * cv);
        let half_ln_2pi = 0.5 * (2.0 * std::f64::consts::PI).ln();
        let (mut ll_ln, mut ll_g) = (0.0, 0.0);
        let ln_gamma_k = ln_gamma(shape);
        for &x in &xs {
            let lx = x.ln();
            ll_ln += -lx - sigma.ln() - half_ln_2pi - (lx - mu).powi(2) / (2.0 * s2);
            ll_g += (shape - 1.0) * lx - x / scale - shape * scale.ln() - ln_gamma_k;
        }
        Some(HandleFit {
            n: xs.len(),
            mean,
            cv,
            lognormal: LogNormalFit { mu, sigma, log_likelihood: ll_ln },
            gamma: GammaFit { shape, scale, log_likelihood: ll_g },
        })
    }

    /// The candidate with the higher log-likelihood: "lognormal" or "gamma".
    pub fn chosen(&self) -> &'static str {
        if self.lognormal.log_likelihood >= self.gamma.log_likelihood { "lognormal" } else { "gamma" }
    }
}

/// Mean patience from waits with abandonment: every customer's wait is
/// exposure to giving up, and each abandon is an observed patience, so the
/// exponential's maximum-likelihood mean with censoring is
/// `total waiting time of all customers / abandons`. Its standard error is
/// about `mean / sqrt(abandons)`.
pub fn patience_mean(total_wait: f64, abandons: u64) -> Option<f64> {
    (abandons > 0).then(|| total_wait / abandons as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;
    use rand_distr::{Distribution, Gamma, LogNormal};

    #[test]
    fn mean_and_cv_of_a_small_sample() {
        let (m, cv) = mean_cv(&[1.0, 2.0, 3.0]).unwrap();
        assert_eq!(m, 2.0);
        assert!((cv - 0.5).abs() < 1e-12, "sd 1 over mean 2");
        assert_eq!(mean_cv(&[4.0]), None);
    }

    #[test]
    fn moment_parameters_reproduce_mean_and_cv() {
        let f = HandleFit::of(&[60.0, 120.0, 300.0, 90.0, 600.0]).unwrap();
        let ln_mean = (f.lognormal.mu + f.lognormal.sigma.powi(2) / 2.0).exp();
        let ln_cv = (f.lognormal.sigma.powi(2).exp() - 1.0).sqrt();
        assert!((ln_mean / f.mean - 1.0).abs() < 1e-12 && (ln_cv / f.cv - 1.0).abs() < 1e-12);
        assert!((f.gamma.shape * f.gamma.scale / f.mean - 1.0).abs() < 1e-12);
        assert!((1.0 / f.gamma.shape.sqrt() / f.cv - 1.0).abs() < 1e-12);
    }

    #[test]
    fn the_likelihood_picks_the_family_that_made_the_sample() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        let ln = LogNormal::from_mean_cv(360.0, 0.8).unwrap();
        let xs: Vec<f64> = (0..20_000).map(|_| ln.sample(&mut rng)).collect();
        assert_eq!(HandleFit::of(&xs).unwrap().chosen(), "lognormal");
        let g = Gamma::new(1.0 / 0.49, 360.0 * 0.49).unwrap();
        let xs: Vec<f64> = (0..20_000).map(|_| g.sample(&mut rng)).collect();
        assert_eq!(HandleFit::of(&xs).unwrap().chosen(), "gamma");
    }

    #[test]
    fn patience_is_exposure_over_abandons() {
        assert_eq!(patience_mean(900.0, 3), Some(300.0));
        assert_eq!(patience_mean(900.0, 0), None);
    }
}
