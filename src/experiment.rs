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

/// Runs every replication of `scenario` on the current rayon pool (for
/// callers that already run inside one, like `staff`), in replication order.
pub fn replicate_here(scenario: &Scenario, policy: Policy, progress: &(dyn Fn() + Sync)) -> Vec<ReplicationStats> {
    (0..scenario.simulation.replications)
        .into_par_iter()
        .map(|r| {
            let s = sim::simulate(scenario, policy, r);
            progress();
            s
        })
        .collect()
}

/// Runs and summarizes.
pub fn run(scenario: &Scenario, plan: Plan, progress: &(dyn Fn() + Sync)) -> anyhow::Result<RunSummary> {
    let reps = replicate(scenario, plan, progress)?;
    Ok(stats::summarize(scenario, &reps))
}

/// Runs every replication of `scenario` under each policy, all in one
/// parallel pool; replication r of every policy uses the same random streams,
/// so the policies are compared on identical tickets. Returns one summary per
/// policy, in the order given.
pub fn compare(
    scenario: &Scenario,
    policies: &[Policy],
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
) -> anyhow::Result<Vec<RunSummary>> {
    let runs: Vec<(&Scenario, Policy)> = policies.iter().map(|&p| (scenario, p)).collect();
    variants(&runs, threads, progress)
}

/// Runs several variants (a scenario and a policy each; e.g. one per
/// headcount of a sweep) in one parallel pool and summarizes each. Variants
/// of one scenario share its seeds, so they see the same tickets.
pub fn variants(
    runs: &[(&Scenario, Policy)],
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
) -> anyhow::Result<Vec<RunSummary>> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        builder = builder.num_threads(n);
    }
    let pool = builder.build()?;
    let jobs: Vec<(usize, u32)> =
        runs.iter().enumerate().flat_map(|(v, (s, _))| (0..s.simulation.replications).map(move |r| (v, r))).collect();
    let results: Vec<ReplicationStats> = pool.install(|| {
        jobs.par_iter()
            .map(|&(v, r)| {
                let stats = sim::simulate(runs[v].0, runs[v].1, r);
                progress();
                stats
            })
            .collect()
    });
    let mut out = Vec::with_capacity(runs.len());
    let mut rest = results.as_slice();
    for (s, _) in runs {
        let (mine, tail) = rest.split_at(s.simulation.replications as usize);
        out.push(stats::summarize(s, mine));
        rest = tail;
    }
    Ok(out)
}
