//! Replications in parallel. Each replication is an independent pure run of
//! the engine; rayon runs them on a pool of `threads`, results are collected in
//! replication order and reduced sequentially, so the output is identical for
//! any thread count.

use rayon::prelude::*;

use crate::scenario::{Policy, Scenario};
use crate::sim;
use crate::stats::{self, ReplicationStats, RunSummary};

/// How to run an experiment.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub policy: Policy,
    /// `None`: one thread per core.
    pub threads: Option<usize>,
}

/// Runs every replication of `scenario` and returns their raw statistics in
/// replication order. `progress` is called once per finished replication.
pub fn replicate(
    scenario: &Scenario,
    plan: Plan,
    progress: &(dyn Fn() + Sync),
) -> anyhow::Result<Vec<ReplicationStats>> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = plan.threads {
        builder = builder.num_threads(n);
    }
    let pool = builder.build()?;
    let reps = scenario.simulation.replications;
    Ok(pool.install(|| {
        (0..reps)
            .into_par_iter()
            .map(|r| {
                let s = sim::simulate(scenario, plan.policy, r);
                progress();
                s
            })
            .collect()
    }))
}

/// Runs and summarizes.
pub fn run(scenario: &Scenario, plan: Plan, progress: &(dyn Fn() + Sync)) -> anyhow::Result<RunSummary> {
    let reps = replicate(scenario, plan, progress)?;
    Ok(stats::summarize(scenario, &reps))
}
