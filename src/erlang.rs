//! The classic analytic answers, instantly: Erlang C (M/M/n, customers never
//! leave) and Erlang A (M/M/n+M, exponential patience).
//!
//! Both are computed without factorials or powers, so they stay exact for
//! thousands of agents: Erlang B by its recurrence, Erlang C from B, and
//! Erlang A from the closed forms of Mandelbaum & Zeltyn ("The M/M/n+G queue:
//! summary of performance measures"), whose integrals are taken numerically in
//! a scaled (log) form:
//!
//! - `E = Σ_{j<n} a^j/j! ÷ a^(n-1)/(n-1)! = 1 / B(n-1, a)`,
//! - `J = ∫₀^∞ exp(λH(x) − nμx) dx` with `H(x) = (1 − e^(−θx))/θ`,
//! - the offered wait V has `P(V = 0) = E/(E + λJ)` and density
//!   `λ exp(λH(x) − nμx)/(E + λJ)` for x > 0; a customer is served if its
//!   patience exceeds V.

/// The most agents the formulas are asked about: each evaluation walks the
/// Erlang B recurrence once per agent, so this keeps every answer instant.
/// A desk of a million agents on one queue is beyond any real contact centre.
pub const MAX_AGENTS: u32 = 1_000_000;

/// Performance of a desk with `agents` agents in steady state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Performance {
    pub agents: u32,
    /// Offered load a = λ × AHT, Erlangs.
    pub load: f64,
    /// Probability that an arriving customer has to wait.
    pub p_wait: f64,
    /// Share of all arrivals answered within the SLA threshold (abandoned = missed).
    pub service_level: f64,
    /// Mean wait of answered customers, seconds (infinite when unstable).
    pub asa_s: f64,
    /// Share of arrivals that abandon.
    pub abandon_rate: f64,
    /// Busy share of agent time.
    pub occupancy: f64,
}

/// The question asked of the formulas.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Desk {
    /// Arrivals per second.
    pub arrival_rate: f64,
    /// Mean handle time, seconds.
    pub aht_s: f64,
    /// Mean patience, seconds; `None` = customers never abandon (Erlang C).
    pub patience_s: Option<f64>,
    /// SLA threshold, seconds.
    pub sla_within_s: f64,
}

impl Desk {
    pub fn load(&self) -> f64 {
        self.arrival_rate * self.aht_s
    }

    /// Erlang C or Erlang A, depending on whether customers have a patience.
    pub fn performance(&self, agents: u32) -> Performance {
        match self.patience_s {
            None => erlang_c(self, agents),
            Some(p) => erlang_a(self, agents, p, Figures::All),
        }
    }

    /// The service level alone (for Erlang A, half the integrals of `performance`).
    pub fn service_level(&self, agents: u32) -> f64 {
        match self.patience_s {
            None => erlang_c(self, agents).service_level,
            Some(p) => erlang_a(self, agents, p, Figures::ServiceLevel).service_level,
        }
    }

    /// The fewest agents whose service level reaches `target` (at most [`MAX_AGENTS`]).
    pub fn required_agents(&self, target: f64) -> u32 {
        self.required_for(Goal { service_level: Some(target), asa_s: None })
    }

    /// Whether `agents` agents meet every part of `goal`.
    pub fn meets(&self, agents: u32, goal: Goal) -> bool {
        let average_ok = || goal.asa_s.is_none_or(|limit| self.performance(agents).asa_s <= limit + 1e-9);
        match goal.service_level {
            Some(target) => self.service_level(agents) >= target - 1e-12 && average_ok(),
            None => average_ok(),
        }
    }

    /// The fewest agents meeting every part of `goal` (at most [`MAX_AGENTS`]):
    /// a service level, a mean wait of answered customers, or both. The
    /// service level and the mean wait both improve with every agent added,
    /// so the answer is bracketed and bisected.
    pub fn required_for(&self, goal: Goal) -> u32 {
        let a = self.load();
        let wants_share = goal.service_level.is_some_and(|t| t > 0.0);
        if a <= 0.0 || (!wants_share && goal.asa_s.is_none()) {
            return 0;
        }
        let goal = Goal { service_level: goal.service_level.filter(|_| wants_share), ..goal };
        if a >= 1e6 {
            return 1_000_000;
        }
        let meets = |n: u32| self.meets(n, goal);
        // Erlang C needs more than the load; Erlang A starts from Erlang C's
        // answer (abandonment usually lowers the requirement a little), so
        // only a few of its costly evaluations are made.
        let guess = match self.patience_s {
            None => a.floor() as u32 + 1,
            Some(_) => Desk { patience_s: None, ..*self }.required_for(goal).clamp(1, MAX_AGENTS),
        };
        let floor = match self.patience_s {
            None => guess,
            Some(_) => 1,
        };
        // Bracket the answer in doubling steps from the guess, then bisect.
        let (mut lo, mut hi) = if meets(guess) {
            let mut hi = guess;
            let mut step = 1u32;
            loop {
                if hi <= floor {
                    break (floor - 1, floor);
                }
                let probe = hi.saturating_sub(step).max(floor);
                if !meets(probe) {
                    break (probe, hi);
                }
                hi = probe;
                step = step.saturating_mul(2);
            }
        } else {
            let mut lo = guess;
            let mut step = 1u32;
            loop {
                let probe = lo.saturating_add(step);
                if probe >= MAX_AGENTS {
                    return MAX_AGENTS;
                }
                if meets(probe) {
                    break (lo, probe);
                }
                lo = probe;
                step = step.saturating_mul(2);
            }
        };
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if meets(mid) { hi = mid } else { lo = mid }
        }
        hi
    }
}

/// What a desk must achieve: a share answered within the desk's
/// `sla_within_s`, a highest mean wait of answered customers, or both.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Goal {
    pub service_level: Option<f64>,
    /// Seconds.
    pub asa_s: Option<f64>,
}

/// Which Erlang A figures to compute.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Figures {
    All,
    /// The service level only (the others come out as NaN).
    ServiceLevel,
}

/// Erlang B blocking probability B(n, a) by the stable recurrence
/// `B(k) = a B(k−1) / (k + a B(k−1))`.
pub fn erlang_b(agents: u32, load: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=agents {
        b = load * b / (f64::from(k) + load * b);
    }
    b
}

/// ln(1/B(n, a)) by the recurrence `1/B(k) = 1 + (k/a)/B(k−1)`, kept in logs so
/// it cannot overflow when n is far above a.
fn ln_inverse_erlang_b(agents: u32, load: f64) -> f64 {
    let mut lr: f64 = 0.0;
    for k in 1..=agents {
        let x = (f64::from(k) / load).ln() + lr;
        lr = if x > 0.0 { x + (-x).exp().ln_1p() } else { x.exp().ln_1p() };
    }
    lr
}

/// Erlang C probability of waiting C(n, a); 1 when a ≥ n.
pub fn erlang_c_wait_probability(agents: u32, load: f64) -> f64 {
    let n = f64::from(agents);
    if load >= n {
        return 1.0;
    }
    let b = erlang_b(agents, load);
    n * b / (n - load * (1.0 - b))
}

fn erlang_c(desk: &Desk, agents: u32) -> Performance {
    let a = desk.load();
    let n = f64::from(agents);
    if a <= 0.0 {
        // No customers: nobody waits and nobody is busy, with any number of agents.
        return Performance {
            agents,
            load: 0.0,
            p_wait: 0.0,
            service_level: 1.0,
            asa_s: 0.0,
            abandon_rate: 0.0,
            occupancy: 0.0,
        };
    }
    if a >= n || agents == 0 {
        return Performance {
            agents,
            load: a,
            p_wait: 1.0,
            service_level: 0.0,
            asa_s: f64::INFINITY,
            abandon_rate: 0.0,
            occupancy: 1.0_f64.min(if n > 0.0 { a / n } else { 1.0 }),
        };
    }
    let c = erlang_c_wait_probability(agents, a);
    let rate = (n - a) / desk.aht_s;
    Performance {
        agents,
        load: a,
        p_wait: c,
        service_level: 1.0 - c * (-rate * desk.sla_within_s).exp(),
        asa_s: c / rate,
        abandon_rate: 0.0,
        occupancy: a / n,
    }
}

/// ln(e^x + e^y) without overflow.
fn ln_add_exp(x: f64, y: f64) -> f64 {
    let (hi, lo) = if x > y { (x, y) } else { (y, x) };
    if lo == f64::NEG_INFINITY { hi } else { hi + (lo - hi).exp().ln_1p() }
}

/// Composite Simpson's rule of `f` over `[a, b]` with `panels` (even) panels.
fn simpson(f: &dyn Fn(f64) -> f64, a: f64, b: f64, panels: usize) -> f64 {
    if b <= a {
        return 0.0;
    }
    let h = (b - a) / panels as f64;
    let mut sum = f(a) + f(b);
    for i in 1..panels {
        let w = if i % 2 == 1 { 4.0 } else { 2.0 };
        sum += w * f(a + i as f64 * h);
    }
    sum * h / 3.0
}

fn erlang_a(desk: &Desk, agents: u32, patience_s: f64, figures: Figures) -> Performance {
    let lambda = desk.arrival_rate;
    let mu = 1.0 / desk.aht_s;
    let theta = 1.0 / patience_s;
    let a = desk.load();
    let n = f64::from(agents);
    if lambda <= 0.0 {
        return Performance {
            agents,
            load: 0.0,
            p_wait: 0.0,
            service_level: 1.0,
            asa_s: 0.0,
            abandon_rate: 0.0,
            occupancy: 0.0,
        };
    }
    if agents == 0 {
        return Performance {
            agents,
            load: a,
            p_wait: 1.0,
            service_level: 0.0,
            asa_s: f64::INFINITY,
            abandon_rate: 1.0,
            occupancy: 1.0,
        };
    }
    let g = |x: f64| lambda * (-(theta * x)).exp_m1() / -theta - n * mu * x;
    // The exponent peaks where λe^(−θx) = nμ (at 0 when the desk is stable).
    let peak = if lambda > n * mu { (lambda / (n * mu)).ln() / theta } else { 0.0 };
    let g_max = g(peak);
    // Integrate only where exp(g − g_max) > e^−45: find both ends by doubling.
    let negligible = |x: f64| g(x) - g_max < -45.0;
    let mut step = (1.0 / (n * mu)).min(1.0 / theta);
    while !negligible(peak + step) {
        step *= 2.0;
    }
    let end = peak + step;
    let start = if peak > 0.0 && negligible(0.0) {
        let mut back = (1.0 / (n * mu)).min(1.0 / theta).min(peak);
        while !negligible(peak - back) {
            back = (2.0 * back).min(peak);
        }
        peak - back
    } else {
        0.0
    };
    let panels = 2000;
    let scaled = |x: f64| (g(x) - g_max).exp();
    let integral = |f: &dyn Fn(f64) -> f64, upto: f64| {
        let upto = upto.min(end);
        if upto <= start {
            return 0.0;
        }
        simpson(f, start, peak.min(upto), panels) + simpson(f, peak, upto, panels)
    };
    let j = integral(&scaled, end);
    let served_density = |x: f64| (-(theta * x)).exp() * scaled(x);
    let all = figures == Figures::All;
    let served_all = if all { integral(&served_density, end) } else { f64::NAN };
    let served_within = integral(&served_density, desk.sla_within_s);
    let wait_sum = if all { integral(&|x: f64| x * served_density(x), end) } else { f64::NAN };

    // Everything below is divided by D = E + λJ, kept in logs (λJ scaled by e^g_max).
    let ln_e = ln_inverse_erlang_b(agents - 1, a);
    let ln_scale = lambda.ln() + g_max; // multiplies the scaled integrals
    let ln_d = ln_add_exp(ln_e, ln_scale + j.ln());
    let share = |integral: f64| {
        if integral > 0.0 { (ln_scale + integral.ln() - ln_d).exp() } else { 0.0 }
    };
    let p_no_wait = (ln_e - ln_d).exp();
    let p_served_waiting = share(served_all);
    let p_served = (p_no_wait + p_served_waiting).min(1.0);
    let abandon_rate = (1.0 - p_served).max(0.0);
    Performance {
        agents,
        load: a,
        p_wait: 1.0 - p_no_wait,
        service_level: (p_no_wait + share(served_within)).min(1.0),
        asa_s: if p_served > 0.0 { share(wait_sum) / p_served } else { f64::INFINITY },
        abandon_rate,
        occupancy: (a * p_served / n).min(1.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desk(per_hour: f64, aht: f64, patience: Option<f64>, within: f64) -> Desk {
        Desk { arrival_rate: per_hour / 3600.0, aht_s: aht, patience_s: patience, sla_within_s: within }
    }

    /// The widely published worked example: 100 calls per 30 minutes, AHT 3 min,
    /// 80 % in 20 s → 10 Erlangs; 11 agents give P(wait) 68.21 % and ASA
    /// 122.8 s; 14 agents are needed.
    #[test]
    fn erlang_c_published_example() {
        let d = desk(200.0, 180.0, None, 20.0);
        let p = d.performance(11);
        assert!((p.load - 10.0).abs() < 1e-12);
        assert!((p.p_wait - 0.6821).abs() < 5e-5, "{}", p.p_wait);
        assert!((p.service_level - (1.0 - 0.6821 * (-20.0f64 / 180.0).exp())).abs() < 1e-4, "{}", p.service_level);
        assert!((p.asa_s - 122.8).abs() < 0.05, "{}", p.asa_s);
        assert_eq!(d.required_agents(0.8), 14);
    }

    /// The Westbay example: 360 calls per half hour, AHT 240 s (48 Erlangs),
    /// 55 agents: P(wait) 23.87 %, 86.7 % within 20 s, ASA 8.18 s; 54 agents
    /// are the fewest meeting 80/20.
    #[test]
    fn erlang_c_westbay_example() {
        let d = desk(720.0, 240.0, None, 20.0);
        let p = d.performance(55);
        assert!((p.p_wait - 0.2387).abs() < 5e-5, "{}", p.p_wait);
        assert!((p.service_level - 0.8668).abs() < 5e-4, "{}", p.service_level);
        assert!((p.asa_s - 8.184).abs() < 0.005, "{}", p.asa_s);
        assert!((p.occupancy - 48.0 / 55.0).abs() < 1e-12);
        assert_eq!(d.required_agents(0.8), 54);
    }

    /// λ = 100/h, 6-minute calls: a = 10 Erlangs, μ = 1/360 s. By hand,
    /// C(c, a) = (a^c/c! · c/(c−a)) / (Σ_{k<c} a^k/k! + a^c/c! · c/(c−a)) and
    /// ASA = C(c, a)/(cμ − λ) = 360 C/(c − 10) s: 245.6 s on 11 agents,
    /// 80.9 s on 12, 34.2 s on 13, 15.7 s on 14, 7.3 s on 15, 3.4 s on 16.
    #[test]
    fn an_average_target_takes_the_fewest_agents_whose_asa_is_within_it() {
        let d = desk(100.0, 360.0, None, 20.0);
        let a: f64 = 10.0;
        let by_hand = |c: u32| {
            let fact = |n: u32| (1..=n).map(f64::from).product::<f64>();
            let top = a.powi(c as i32) / fact(c) * f64::from(c) / (f64::from(c) - a);
            let sum: f64 = (0..c).map(|k| a.powi(k as i32) / fact(k)).sum();
            let wait_probability = top / (sum + top);
            wait_probability / (f64::from(c) / 360.0 - 100.0 / 3600.0)
        };
        for (c, asa) in [(11, 245.56), (12, 80.89), (13, 34.23), (14, 15.67), (15, 7.347), (16, 3.440)] {
            let p = d.performance(c);
            assert!((p.asa_s - by_hand(c)).abs() < 1e-9 * by_hand(c), "{c}: {} vs {}", p.asa_s, by_hand(c));
            assert!((p.asa_s - asa).abs() < 0.01, "{c}: {}", p.asa_s);
        }
        let average = |s: f64| Goal { service_level: None, asa_s: Some(s) };
        for (target, agents) in [(600.0, 11), (245.0, 12), (120.0, 12), (60.0, 13), (34.0, 14), (30.0, 14), (15.0, 15)]
        {
            assert_eq!(d.required_for(average(target)), agents, "ASA at most {target} s");
            assert!(d.performance(agents).asa_s <= target && d.performance(agents - 1).asa_s > target);
        }
        // Both targets: the stricter sets it (80/20 needs 14, a 10 s mean wait 15).
        assert_eq!(d.required_for(Goal { service_level: Some(0.8), asa_s: Some(60.0) }), 14);
        assert_eq!(d.required_for(Goal { service_level: Some(0.8), asa_s: Some(10.0) }), 15);
        assert_eq!(d.required_for(Goal::default()), 0, "no target, no agents");
        assert_eq!(desk(0.0, 360.0, None, 20.0).required_for(average(30.0)), 0);
    }

    /// Erlang A with an average target: the fewest agents whose answered
    /// customers' mean wait is within it, found by walking every level.
    #[test]
    fn an_average_target_with_abandonment_is_the_first_level_meeting_it() {
        for (per_hour, aht, patience, target) in
            [(100.0, 360.0, 180.0, 20.0), (300.0, 240.0, 60.0, 5.0), (60.0, 600.0, 900.0, 60.0)]
        {
            let d = desk(per_hour, aht, Some(patience), 20.0);
            let walked = (1..200).find(|&n| d.performance(n).asa_s <= target).unwrap();
            assert_eq!(d.required_for(Goal { service_level: None, asa_s: Some(target) }), walked, "{per_hour}/h");
        }
    }

    #[test]
    fn erlang_b_known_value() {
        // B(5, 3) = 0.1101 (standard table).
        assert!((erlang_b(5, 3.0) - 0.110_054).abs() < 1e-5);
    }

    #[test]
    fn stable_for_thousands_of_agents() {
        let d = desk(36_000.0, 360.0, None, 20.0); // 3600 Erlangs
        let n = d.required_agents(0.8);
        let p = d.performance(n);
        assert!(n > 3600 && n < 3700, "{n}");
        assert!(p.service_level.is_finite() && p.service_level >= 0.8);
        let a = desk(36_000.0, 360.0, Some(180.0), 20.0).performance(n);
        assert!(a.service_level.is_finite() && a.abandon_rate.is_finite() && a.abandon_rate < 0.05);
    }

    /// Erlang A against an independent computation: the birth–death chain of
    /// M/M/n+M, where P(abandon) = θ E[queue] / λ and P(wait) = P(N ≥ n).
    #[test]
    fn erlang_a_matches_the_birth_death_chain() {
        for (per_hour, aht, patience, n) in
            [(100.0, 360.0, 180.0, 10u32), (300.0, 240.0, 60.0, 15), (60.0, 600.0, 900.0, 8)]
        {
            let d = desk(per_hour, aht, Some(patience), 20.0);
            let p = d.performance(n);
            let (lambda, mu, theta) = (per_hour / 3600.0, 1.0 / aht, 1.0 / patience);
            let mut pi = vec![1.0f64];
            for k in 1..2000usize {
                let death = (k.min(n as usize) as f64) * mu + (k.saturating_sub(n as usize) as f64) * theta;
                let next = pi[k - 1] * lambda / death;
                pi.push(next);
            }
            let total: f64 = pi.iter().sum();
            let queue: f64 =
                pi.iter().enumerate().map(|(k, x)| k.saturating_sub(n as usize) as f64 * x).sum::<f64>() / total;
            let p_wait: f64 = pi[n as usize..].iter().sum::<f64>() / total;
            assert!((p.abandon_rate - theta * queue / lambda).abs() < 1e-6, "{p:?}");
            assert!((p.p_wait - p_wait).abs() < 1e-6, "{p:?}");
        }
    }

    #[test]
    fn erlang_a_tends_to_erlang_c_with_endless_patience() {
        let c = desk(100.0, 360.0, None, 20.0).performance(12);
        let a = desk(100.0, 360.0, Some(1e9), 20.0).performance(12);
        assert!((a.service_level - c.service_level).abs() < 1e-4);
        assert!((a.asa_s - c.asa_s).abs() / c.asa_s < 1e-3);
    }

    #[test]
    fn no_customers_need_no_agents_and_keep_nobody_busy() {
        for patience in [None, Some(180.0)] {
            let d = desk(0.0, 360.0, patience, 20.0);
            assert_eq!(d.required_agents(0.8), 0);
            for n in [0, 1, 5] {
                let p = d.performance(n);
                assert_eq!((p.p_wait, p.service_level, p.occupancy, p.abandon_rate), (0.0, 1.0, 0.0, 0.0), "{p:?}");
            }
        }
    }

    #[test]
    fn erlang_a_handles_overload() {
        // 20 Erlangs on 10 agents: about half abandon, yet nothing diverges.
        let p = desk(200.0, 360.0, Some(180.0), 20.0).performance(10);
        assert!(p.abandon_rate > 0.4 && p.abandon_rate < 0.6, "{p:?}");
        assert!(p.asa_s.is_finite() && p.occupancy > 0.95);
    }
}
