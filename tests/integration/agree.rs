//! What the long fixed-seed checks against theory share: running the
//! replications, and the rule by which a simulated figure agrees with
//! theory — within `K` standard errors of the replications' own spread
//! (K = 3.3 leaves a 1-in-1000 chance of failing by bad luck on a correct
//! engine), plus a small absolute slack for discretisation.

use staffsim::experiment::{self, Plan};
use staffsim::scenario::{Policy, Scenario};
use staffsim::stats::{Estimate, ReplicationStats};

pub const K: f64 = 3.3;

/// Every replication of `s` under `policy`, on all cores.
pub fn replicate(s: &Scenario, policy: Policy) -> Vec<ReplicationStats> {
    replicate_on(s, policy, None)
}

/// The same on `threads` threads (`None`: one per core).
pub fn replicate_on(s: &Scenario, policy: Policy, threads: Option<usize>) -> Vec<ReplicationStats> {
    experiment::replicate(s, Plan { policy, threads }, &|| {}).expect("runs")
}

/// Asserts theory lies within K standard errors (+ `slack`) of the estimate,
/// and prints both.
pub fn assert_agrees(what: &str, e: Estimate, theory: f64, slack: f64) {
    let mean = e.mean.expect("defined");
    let se = e.ci95.expect("several replications") / 1.96;
    let tolerance = K * se + slack;
    println!("{what:<44} simulated {mean:>10.5} ± {:>8.5} (95 %)   theory {theory:>10.5}", e.ci95.unwrap_or(0.0));
    assert!((mean - theory).abs() <= tolerance, "{what}: simulated {mean} vs theory {theory} (tolerance {tolerance})");
}
