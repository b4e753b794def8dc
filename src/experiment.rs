//! Replications in parallel. Each replication is an independent pure run of
//! the engine; rayon runs them on a pool of `threads`. For summaries, each
//! finished replication is folded into running sums as soon as every
//! replication before it has been folded (a small reorder buffer keeps the
//! order), so the output is identical for any thread count and memory holds
//! a few replications per thread, however many the run has.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::mpsc;

use rayon::prelude::*;

use crate::scenario::{Policy, Scenario};
use crate::shard::Merged;
use crate::sim;
use crate::stats::paired::{self, Figures};
use crate::stats::{ReplicationStats, RunSummary, RunningSummary};

/// Replications started ahead of the oldest one not yet folded, per thread.
/// One keeps every thread busy while replications take about as long as
/// each other (they simulate the same desk), and holds the least memory:
/// a year of a 40-queue desk is about 20 MB of tables per replication.
const AHEAD_PER_THREAD: usize = 1;

/// Where an experiment's replications come from.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// Simulated here on this many threads (`None`: one per core).
    Simulate(Option<usize>),
    /// Read in order from the shard folders `staffsim merge` combines: the
    /// same statistics, folded in the same order, so the same bytes.
    Shards(&'a Merged),
}

/// How to run an experiment.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub policy: Policy,
    /// `None`: one thread per core.
    pub threads: Option<usize>,
}

fn pool(threads: Option<usize>) -> anyhow::Result<rayon::ThreadPool> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        builder = builder.num_threads(n);
    }
    Ok(builder.build()?)
}

/// Runs every replication of `scenario` and returns their raw statistics in
/// replication order. `progress` is called once per finished replication.
/// Memory grows with the replications; summaries use [`run`].
pub fn replicate(
    scenario: &Scenario,
    plan: Plan,
    progress: &(dyn Fn() + Sync),
) -> anyhow::Result<Vec<ReplicationStats>> {
    Ok(pool(plan.threads)?.install(|| replicate_here(scenario, plan.policy, progress)))
}

/// Runs every replication of `scenario` on the current rayon pool (for
/// callers that already run inside one, like `staff`), in replication order.
pub fn replicate_here(scenario: &Scenario, policy: Policy, progress: &(dyn Fn() + Sync)) -> Vec<ReplicationStats> {
    reduce_here(scenario, policy, progress, |s| s)
}

/// Runs every replication on the current rayon pool and keeps of each only
/// what `reduce` makes of it, in replication order: a replication's tables
/// are dropped in the worker as soon as they are reduced.
pub fn reduce_here<T: Send>(
    scenario: &Scenario,
    policy: Policy,
    progress: &(dyn Fn() + Sync),
    reduce: impl Fn(ReplicationStats) -> T + Sync,
) -> Vec<T> {
    (0..scenario.simulation.replications)
        .into_par_iter()
        .map(|r| {
            let s = reduce(sim::simulate(scenario, policy, r));
            progress();
            s
        })
        .collect()
}

/// Runs and summarizes.
pub fn run(scenario: &Scenario, plan: Plan, progress: &(dyn Fn() + Sync)) -> anyhow::Result<RunSummary> {
    let mut summaries = variants(&[(scenario, plan.policy)], Source::Simulate(plan.threads), progress)?;
    summaries.pop().ok_or_else(|| anyhow::anyhow!("a run without its summary"))
}

/// Runs every replication of `scenario` under each policy, all in one
/// parallel pool; replication r of every policy uses the same random streams,
/// so the policies are compared on identical tickets. Returns one summary per
/// policy, in the order given.
pub fn compare(
    scenario: &Scenario,
    policies: &[Policy],
    source: Source,
    progress: &(dyn Fn() + Sync),
) -> anyhow::Result<Vec<RunSummary>> {
    let runs: Vec<(&Scenario, Policy)> = policies.iter().map(|&p| (scenario, p)).collect();
    variants(&runs, source, progress)
}

/// Runs several variants (a scenario and a policy each; e.g. one per
/// headcount of a sweep) in one parallel pool and summarizes each. Variants
/// of one scenario share its seeds, so they see the same tickets. The
/// replications of all variants form one queue of work, variant by variant,
/// and are folded in that order: only one variant's running sums are open
/// at a time.
pub fn variants(
    runs: &[(&Scenario, Policy)],
    source: Source,
    progress: &(dyn Fn() + Sync),
) -> anyhow::Result<Vec<RunSummary>> {
    variants_observed(runs, source, false, progress, |_, _, _| {})
}

/// [`variants`] simulated here, with every counted ticket's record handed
/// to `tickets` as (variant, replication, records), in replication order
/// whatever the thread count, before the replication is folded.
pub fn variants_logged(
    runs: &[(&Scenario, Policy)],
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
    mut tickets: impl FnMut(usize, u32, &[crate::stats::tickets::TicketRecord]),
) -> anyhow::Result<Vec<RunSummary>> {
    let mut replication = vec![0u32; runs.len()];
    variants_observed(runs, Source::Simulate(threads), true, progress, |v, _, stats| {
        tickets(v, replication[v], &stats.tickets);
        replication[v] += 1;
    })
}

/// Runs scenario variants on the same tickets and summarizes each, and
/// keeps every replication's compared figures for paired differences
/// (`stats::paired`): `[variant][replication]`. The scenarios are expected
/// to share their seed and replications (the caller checks that their
/// queues agree), so replication i of every variant draws the same tickets
/// wherever their arrivals agree.
pub fn scenario_variants(
    scenarios: &[&Scenario],
    policy_of: impl Fn(&Scenario) -> Policy,
    source: Source,
    progress: &(dyn Fn() + Sync),
) -> anyhow::Result<(Vec<RunSummary>, Vec<Vec<Figures>>)> {
    let runs: Vec<(&Scenario, Policy)> = scenarios.iter().map(|&s| (s, policy_of(s))).collect();
    let mut figures: Vec<Vec<Figures>> = scenarios.iter().map(|_| Vec::new()).collect();
    let summaries = variants_observed(&runs, source, false, progress, |v, s, stats| {
        figures[v].push(paired::replication_figures(s, stats));
    })?;
    Ok((summaries, figures))
}

/// The replications of every variant as one list of jobs, variant by
/// variant: (variant, replication). One machine folds them in this order,
/// and shards split it into contiguous parts.
fn jobs_of(runs: &[(&Scenario, Policy)]) -> Vec<(usize, u32)> {
    runs.iter().enumerate().flat_map(|(v, (s, _))| (0..s.simulation.replications).map(move |r| (v, r))).collect()
}

/// Simulates one job of [`jobs_of`]: replication `r` of variant `v`.
fn simulate_job(
    runs: &[(&Scenario, Policy)],
    (v, r): (usize, u32),
    log: bool,
    progress: &(dyn Fn() + Sync),
) -> ReplicationStats {
    let stats =
        if log { sim::simulate_logged(runs[v].0, runs[v].1, r) } else { sim::simulate(runs[v].0, runs[v].1, r) };
    progress();
    stats
}

/// Replications of every variant together: the work `--shard` splits.
pub fn total_jobs(runs: &[(&Scenario, Policy)]) -> usize {
    runs.iter().map(|(s, _)| s.simulation.replications as usize).sum()
}

/// [`variants`], handing each replication (variant index, its scenario, its
/// statistics) to `observe` in order before it is folded.
fn variants_observed(
    runs: &[(&Scenario, Policy)],
    source: Source,
    log: bool,
    progress: &(dyn Fn() + Sync),
    mut observe: impl FnMut(usize, &Scenario, &ReplicationStats),
) -> anyhow::Result<Vec<RunSummary>> {
    let jobs = jobs_of(runs);
    let mut done: Vec<Option<RunSummary>> = runs.iter().map(|_| None).collect();
    let mut open: Option<(usize, RunningSummary)> = None;
    let mut fold = |j: usize, stats: ReplicationStats| {
        let v = jobs[j].0;
        // Variants are contiguous in `jobs`: the first replication of the
        // next one closes the one before.
        if open.as_ref().is_none_or(|(u, _)| *u != v) {
            if let Some((u, summary)) = open.take() {
                done[u] = Some(summary.finish());
            }
            open = Some((v, RunningSummary::new(runs[v].0)));
        }
        observe(v, runs[v].0, &stats);
        if let Some((_, summary)) = &mut open {
            summary.add(&stats);
        }
    };
    match source {
        Source::Simulate(threads) => {
            let simulate = |j: usize| simulate_job(runs, jobs[j], log, progress);
            in_order(&pool(threads)?, jobs.len(), simulate, fold);
        }
        Source::Shards(merged) => {
            merged.check_work("replications", jobs.len())?;
            for (j, stats) in merged.items::<ReplicationStats>().enumerate() {
                let stats = stats?;
                check_shape(runs[jobs[j].0].0, &stats)?;
                fold(j, stats);
                progress();
            }
        }
    }
    if let Some((u, summary)) = open {
        done[u] = Some(summary.finish());
    }
    // Variants without replications get an empty summary.
    Ok(done.into_iter().zip(runs).map(|(d, (s, _))| d.unwrap_or_else(|| RunningSummary::new(s).finish())).collect())
}

/// A replication read from a shard must have the shape its scenario's
/// summary folds (queues, teams, intervals), or folding it would fail.
fn check_shape(s: &Scenario, stats: &ReplicationStats) -> anyhow::Result<()> {
    let (nq, nt) = (s.queues.len(), s.teams.len());
    let intervals = |n: usize, per: usize| per > 0 && n.is_multiple_of(per);
    if stats.queues.len() != nq
        || stats.teams.len() != nt
        || !intervals(stats.interval_tickets.len(), nq)
        || !intervals(stats.interval_agents.len(), nt)
        || stats.interval_tickets.len() / nq != stats.interval_agents.len() / nt.max(1)
    {
        anyhow::bail!(
            "a replication in the shards does not fit the scenario {} ({} queues, {} teams): the shard files were changed",
            s.name,
            nq,
            nt
        );
    }
    Ok(())
}

/// Simulates part `part` of the jobs of `runs` (see [`jobs_of`]) on
/// `threads` and hands each replication to `write`, in job order: a shard's
/// work. The first error of `write` stops the writing and is returned.
pub fn simulate_part(
    runs: &[(&Scenario, Policy)],
    part: std::ops::Range<usize>,
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
    mut write: impl FnMut(&ReplicationStats) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let jobs = jobs_of(runs);
    let mine = &jobs[part];
    let simulate = |j: usize| simulate_job(runs, mine[j], false, progress);
    let mut failed: Option<anyhow::Error> = None;
    in_order(&pool(threads)?, mine.len(), simulate, |_, stats| {
        if failed.is_none()
            && let Err(e) = write(&stats)
        {
            failed = Some(e);
        }
    });
    failed.map_or(Ok(()), Err)
}

/// Runs jobs `0..jobs` on `pool` and hands each result to `fold` in job
/// order, as soon as it and every job before it have finished. The calling
/// thread folds while the pool works; a job starts only when it is fewer
/// than [`AHEAD_PER_THREAD`] × threads ahead of the next to fold, so at most
/// that many results wait in memory. A panic in a job is raised here.
fn in_order<T: Send>(
    pool: &rayon::ThreadPool,
    jobs: usize,
    work: impl Fn(usize) -> T + Sync,
    mut fold: impl FnMut(usize, T),
) {
    let ahead = AHEAD_PER_THREAD * pool.current_num_threads().max(1);
    let (finished, results) = mpsc::channel::<(usize, std::thread::Result<T>)>();
    let work = &work;
    pool.in_place_scope(|scope| {
        let mut started = 0;
        let mut next = 0;
        let mut waiting: BTreeMap<usize, T> = BTreeMap::new();
        while next < jobs {
            while started < jobs && started < next + ahead {
                let (i, finished) = (started, finished.clone());
                scope.spawn(move |_| {
                    let result = catch_unwind(AssertUnwindSafe(|| work(i)));
                    // The receiver lives until every job has ended.
                    let _ = finished.send((i, result));
                });
                started += 1;
            }
            // Cannot fail: this thread holds a sender.
            let Ok((i, result)) = results.recv() else { break };
            match result {
                Ok(t) => {
                    waiting.insert(i, t);
                }
                Err(panic) => resume_unwind(panic),
            }
            while let Some(t) = waiting.remove(&next) {
                fold(next, t);
                next += 1;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_in_job_order_holding_few_results() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        for threads in [1, 2, 3] {
            let pool = pool(Some(threads)).unwrap();
            let (live, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
            let mut seen = Vec::new();
            // Early jobs take longest, so later ones finish first and must wait.
            in_order(
                &pool,
                60,
                |i| {
                    most.fetch_max(live.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_micros(((60 - i) * 50) as u64));
                    i * 10
                },
                |j, t| {
                    assert_eq!(t, j * 10);
                    seen.push(j);
                    live.fetch_sub(1, Ordering::SeqCst);
                },
            );
            assert_eq!(seen, (0..60).collect::<Vec<_>>(), "{threads} threads");
            let most = most.into_inner();
            assert!(most <= AHEAD_PER_THREAD * threads, "{most} results held with {threads} threads");
        }
    }

    #[test]
    fn each_variant_gets_its_own_replications() {
        let small = Scenario::from_toml(include_str!("../tests/fixtures/small.toml"), "small.toml").unwrap();
        let mut none = small.clone();
        none.simulation.replications = 0;
        let mut more = small.clone();
        more.simulation.replications = 7;
        let runs = [(&none, Policy::Fifo), (&small, Policy::Fifo), (&none, Policy::Lifo), (&more, Policy::Lifo)];
        for threads in [1, 2] {
            let streamed = variants(&runs, Source::Simulate(Some(threads)), &|| {}).unwrap();
            assert_eq!(streamed.len(), runs.len());
            for ((s, policy), got) in runs.iter().zip(&streamed) {
                let reps = replicate(s, Plan { policy: *policy, threads: Some(1) }, &|| {}).unwrap();
                let want = crate::stats::summarize(s, &reps);
                assert_eq!(got.replications, s.simulation.replications as usize);
                assert_eq!(format!("{got:?}"), format!("{want:?}"), "{policy:?}, {threads} threads");
            }
        }
    }

    #[test]
    fn a_panicking_job_is_raised_not_a_hang() {
        let pool = pool(Some(2)).unwrap();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            in_order(&pool, 20, |i| if i == 7 { panic!("replication 7") } else { i }, |_, _| {});
        }));
        assert!(outcome.is_err());
    }
}
