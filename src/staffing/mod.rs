//! How many agents each interval of the week needs, how sure that is, what
//! drives the peaks, and which shifts cover it. One file per stage:
//!
//! 1. `analytic`: the work reaching each queue (callbacks included) and the
//!    Erlang C / Erlang A / deferrable requirement per queue and interval;
//! 2. `search`: the simulated requirement per team, judged on blocks of
//!    intervals by the simulation itself;
//! 3. `uncertainty`: the same search on sampled assumptions, a P10–P90 band,
//!    and the quantile the roster is planned for;
//! 4. `schedule`: shifts (with their breaks placed) covering the plan at the
//!    fewest paid hours, and what stays uncovered;
//! 5. `drivers`: which queue and target sets each peak, and what relaxing
//!    it would save;
//! 6. `write`: the schedule written back into the user's scenario file.

pub mod analytic;
pub mod drivers;
pub mod plan;
pub mod schedule;
pub mod search;
pub mod uncertainty;
mod write;

use rayon::prelude::*;

pub use analytic::{Workload, analytic, deferrable};
pub use drivers::Driver;
pub use schedule::{Schedule, ScheduledShift, Shortfall, templates};
pub use uncertainty::{Band, PlanLevel};
pub use write::write_scenario;

use crate::scenario::units::{HOUR, WEEK};
use crate::scenario::{Policy, Scenario};
use crate::shard::Merged;
use crate::stats::Estimate;

/// How to search.
#[derive(Debug, Clone, Copy)]
pub struct StaffOptions {
    pub policy: Policy,
    pub replications: u32,
    pub threads: Option<usize>,
    /// Samples of the uncertain inputs (0: none).
    pub samples: usize,
    /// The quantile of the sampled requirement the roster covers.
    pub plan_for: PlanLevel,
}

/// Where `staff` reports how far it is: a stage name, and a tick per
/// simulated replication.
pub struct Progress<'a> {
    pub stage: &'a (dyn Fn(&str) + Sync),
    pub tick: &'a (dyn Fn() + Sync),
}

impl Progress<'_> {
    /// Reports nothing.
    pub fn none() -> Progress<'static> {
        Progress { stage: &|_| {}, tick: &|| {} }
    }
}

/// What every stage of the search shares.
pub struct Context<'a> {
    pub options: StaffOptions,
    pub slot_len: f64,
    pub tick: &'a (dyn Fn() + Sync),
}

/// Replications `staff` simulates at most: an upper bound for the progress
/// bar and the size guard.
pub fn max_replications(s: &Scenario, options: &StaffOptions) -> u64 {
    let searches = 1 + if s.assumptions.is_empty() { 0 } else { options.samples };
    (search::MAX_ROUNDS * searches + 2) as u64 * u64::from(options.replications)
}

/// A queue in one interval of the week.
#[derive(Debug, Clone, Default)]
pub struct QueueSlot {
    /// Offered load in agents (Erlangs ÷ concurrency), derived callbacks included.
    pub load: f64,
    pub erlang_agents: u32,
    /// Expected callback requests entering the queue in the interval.
    pub callbacks: f64,
    /// Service level of the customers arriving in the interval, with the
    /// planned staffing and with the Erlang staffing (fresh random numbers),
    /// with 95 % confidence half-widths.
    pub service_level: Estimate,
    pub erlang_service_level: Estimate,
    /// Mean wait of the interval's answered customers, seconds, with the
    /// same two staffings.
    pub asa_s: Estimate,
    pub erlang_asa_s: Estimate,
    /// Whether staffing decides this interval's customers (the queue is
    /// open, or they wait for a business-hours opening, and tickets arrive).
    pub judged: bool,
}

/// A team in one interval of the week.
#[derive(Debug, Clone, Default)]
pub struct TeamSlot {
    pub load: f64,
    pub erlang_agents: u32,
    /// The simulated requirement at the assumptions' midpoints.
    pub required: u32,
    /// P10, P50, P80, P90 of the requirement over the sampled assumptions.
    pub band: Option<Band>,
    /// What the roster is built to cover: the `plan_for` quantile of the
    /// band, or the requirement when nothing is uncertain.
    pub planned: u32,
    /// Agents on duty under the shift schedule (mean over the interval).
    pub scheduled: f64,
}

/// Everything `staff` found.
#[derive(Debug, Clone)]
pub struct Staffing {
    pub slot_len: f64,
    /// `[queue][slot]`.
    pub queues: Vec<Vec<QueueSlot>>,
    /// `[team][slot]`.
    pub teams: Vec<Vec<TeamSlot>>,
    /// The team whose staffing answers for each queue, `[queue][slot]`.
    pub primary: Vec<Vec<Option<usize>>>,
    pub schedules: Vec<Schedule>,
    /// The peaks and what they cost.
    pub drivers: Vec<Driver>,
    /// Blocks of intervals the search judged together.
    pub blocks: usize,
    pub iterations: usize,
    /// Judged (queue, interval) pairs meeting their target, with the
    /// planned and with the Erlang staffing, both simulated again on fresh
    /// random numbers (the search tuned itself on its own). An interval
    /// meets it unless its service level is significantly below (the upper
    /// end of its 95 % confidence interval under the target), or its mean
    /// wait significantly above an average target (the lower end over it):
    /// a single half hour's figure is noisy, and a desk at exactly its
    /// requirement would otherwise "miss" about one interval in six by chance.
    pub met: (usize, usize),
    pub erlang_met: (usize, usize),
    /// The same counts with the point estimate as the judge (an interval
    /// meets its target when its estimated service level reaches it).
    pub met_estimate: (usize, usize),
    pub erlang_met_estimate: (usize, usize),
    pub samples: usize,
    pub plan_for: PlanLevel,
    pub work: Workload,
}

impl Staffing {
    pub fn slots(&self) -> usize {
        self.teams.first().map_or(0, Vec::len)
    }

    /// Agent-hours per week of a staffing vector.
    pub fn agent_hours(&self, per_slot: impl Iterator<Item = f64>) -> f64 {
        per_slot.sum::<f64>() * self.slot_len / HOUR
    }

    /// "planned for P80 of 10 samples", or "planned for the requirement".
    pub fn plan_for_text(&self) -> String {
        if self.samples > 0 {
            format!(
                "planned for {} of {} samples of the assumptions",
                self.plan_for.name().to_uppercase(),
                self.samples
            )
        } else {
            "planned for the simulated requirement".into()
        }
    }
}

/// The team whose staffing answers for queue `q` at week time `w`: among
/// the teams serving it, those the scenario's roster has *at work* at `w`
/// (inside a shift, breaks included, so a lunch break never hands a queue
/// to another office) come first — a night team in another time zone owns
/// the night — then the one listing the queue earliest in its skills (the
/// team routing tries first), then the first in the file.
pub fn primary_team(s: &Scenario, q: usize, w: f64) -> Option<usize> {
    s.teams
        .iter()
        .enumerate()
        .filter_map(|(t, team)| {
            let at_work = team.shifts.iter().any(|x| !x.overtime && x.agents > 0 && x.attendance.contains(w));
            team.skills.iter().position(|&x| x == q).map(|rank| (!at_work, rank, t))
        })
        .min()
        .map(|(_, _, t)| t)
}

/// Which searches on sampled inputs the analysis does.
#[derive(Debug, Clone)]
pub enum SampleWork<'a> {
    /// Every sample, here.
    All,
    /// Only these samples (a `--shard`): the analysis stops after them and
    /// answers [`Answer::Part`].
    Part(std::ops::Range<usize>),
    /// The base's and the samples' answers read from the shard folders
    /// `merge` combines (the base's is in their description).
    Shards(&'a Merged),
}

/// What the analysis answers.
pub enum Answer {
    Whole(Box<Staffing>),
    /// A shard's part: the base search's answer and its samples' answers.
    Part {
        base: search::Found,
        samples: Vec<search::Found>,
    },
}

/// Runs the whole staffing analysis.
pub fn staff(s: &Scenario, options: StaffOptions, progress: &Progress) -> anyhow::Result<Staffing> {
    match staff_with(s, options, SampleWork::All, progress)? {
        Answer::Whole(st) => Ok(*st),
        Answer::Part { .. } => anyhow::bail!("a whole analysis answered a part"),
    }
}

/// The staffing analysis with its samples done as `work` says.
pub fn staff_with(
    s: &Scenario,
    options: StaffOptions,
    work: SampleWork,
    progress: &Progress,
) -> anyhow::Result<Answer> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = options.threads {
        builder = builder.num_threads(n);
    }
    let pool = builder.build()?;
    pool.install(|| staff_here(s, options, work, progress))
}

fn staff_here(
    s: &Scenario,
    options: StaffOptions,
    sample_work: SampleWork,
    progress: &Progress,
) -> anyhow::Result<Answer> {
    let slot_len = s.simulation.interval;
    let slots = (WEEK / slot_len).round() as usize;
    let nq = s.queues.len();
    let nt = s.teams.len();
    let ctx = Context { options, slot_len, tick: progress.tick };
    let started = std::time::Instant::now();
    let stage = |what: &str| {
        search::debug(&format!("{:>7.2} s  {what}", started.elapsed().as_secs_f64()));
        (progress.stage)(what);
    };
    stage("analytic requirement");
    let work = Workload::of(s, slot_len);
    let primary: Vec<Vec<Option<usize>>> = (0..nq)
        .into_par_iter()
        .map(|q| (0..slots).map(|k| primary_team(s, q, (k as f64 + 0.5) * slot_len)).collect())
        .collect();
    let erlang_q = analytic::all(s, &work);
    let decided = search::decided_in(s, &work);
    let judged: Vec<Vec<bool>> =
        (0..nq).map(|q| (0..slots).map(|k| decided[q][k].is_some_and(|j| primary[q][j].is_some())).collect()).collect();
    let erlang_team: Vec<Vec<u32>> = (0..nt)
        .map(|t| {
            (0..slots).map(|k| (0..nq).filter(|&q| primary[q][k] == Some(t)).map(|q| erlang_q[q][k].1).sum()).collect()
        })
        .collect();
    let blocks = search::blocks(s, &work, &primary, &decided);
    let start: Vec<u32> =
        blocks.iter().map(|b| b.slots.iter().map(|&k| erlang_team[b.team][k]).max().unwrap_or(0)).collect();

    stage("searching");
    let found = match &sample_work {
        SampleWork::Shards(m) => serde_json::from_value(m.header.context.clone())
            .map_err(|e| anyhow::anyhow!("the shards' base search is unreadable ({e}): write the shards again"))?,
        _ => search::search(s, &blocks, start, &ctx),
    };
    if found.staffing.len() != nt || found.staffing.iter().any(|t| t.len() != slots) {
        anyhow::bail!(
            "the shards' base search does not fit this scenario's teams and intervals: write the shards again"
        );
    }
    let mut iterations = found.rounds;
    let base = found.clone();
    let required = found.staffing;

    // Uncertainty: the same search on sampled assumptions, from the base's answer.
    let mut bands: Option<Vec<Vec<Band>>> = None;
    if !s.assumptions.is_empty() && options.samples > 0 {
        stage(&format!("{} samples of the assumptions", options.samples));
        let from: Vec<u32> = blocks.iter().map(|b| required[b.team][b.slots[0]]).collect();
        let variants = uncertainty::samples(s, options.samples);
        let sampled: Vec<search::Found> = match &sample_work {
            SampleWork::All => variants.par_iter().map(|v| search::search(v, &blocks, from.clone(), &ctx)).collect(),
            SampleWork::Part(part) => {
                let samples =
                    variants[part.clone()].par_iter().map(|v| search::search(v, &blocks, from.clone(), &ctx)).collect();
                return Ok(Answer::Part { base, samples });
            }
            SampleWork::Shards(m) => {
                m.check_work("samples", options.samples)?;
                let read: Vec<search::Found> = m.items().collect::<anyhow::Result<_>>()?;
                if read.iter().any(|f| f.staffing.len() != nt || f.staffing.iter().any(|t| t.len() != slots)) {
                    anyhow::bail!("a sample in the shards does not fit this scenario: write the shards again");
                }
                read
            }
        };
        iterations += sampled.iter().map(|f| f.rounds).sum::<usize>();
        let staffings: Vec<Vec<Vec<u32>>> = sampled.into_iter().map(|f| f.staffing).collect();
        bands = Some(uncertainty::bands(&staffings, nt, slots));
    }
    let planned: Vec<Vec<u32>> = match &bands {
        Some(b) => b.iter().map(|team| team.iter().map(|x| x.at(options.plan_for)).collect()).collect(),
        None => required.clone(),
    };

    // Judge both staffings on fresh random numbers: the search saw its own.
    stage("checking on fresh seeds");
    let mut fresh = s.clone();
    fresh.simulation.seed = s.simulation.seed ^ 0x0fe5_4c0f_fee5_5eed;
    let check_sl = search::Verdict::of(&fresh, &planned, &ctx).by_slot();
    let erlang_sl = search::Verdict::of(&fresh, &erlang_team, &ctx).by_slot();

    stage("scheduling shifts");
    let schedules: Vec<Schedule> =
        (0..nt).into_par_iter().map(|t| schedule::schedule(s, t, &planned[t], &work)).collect();
    stage("pricing the peaks");
    let drivers = drivers::peaks(s, &work, &planned, &primary, &erlang_q, &schedules);
    stage("done");

    let count = |levels: &[Vec<search::Achieved>], lenient: bool| {
        let mut met = 0;
        let mut total = 0;
        for q in 0..nq {
            for k in 0..slots {
                if judged[q][k] {
                    total += 1;
                    if levels[q][k].meets(&s.queues[q].sla, lenient) {
                        met += 1;
                    }
                }
            }
        }
        (met, total)
    };
    let queues = (0..nq)
        .map(|q| {
            (0..slots)
                .map(|k| QueueSlot {
                    load: erlang_q[q][k].0,
                    erlang_agents: erlang_q[q][k].1,
                    callbacks: work.callbacks[q][k],
                    service_level: check_sl[q][k].service_level,
                    erlang_service_level: erlang_sl[q][k].service_level,
                    asa_s: check_sl[q][k].asa_s,
                    erlang_asa_s: erlang_sl[q][k].asa_s,
                    judged: judged[q][k],
                })
                .collect()
        })
        .collect();
    let teams = (0..nt)
        .map(|t| {
            let coverage = schedules[t].coverage(s, t, slot_len, slots);
            (0..slots)
                .map(|k| TeamSlot {
                    load: (0..nq).filter(|&q| primary[q][k] == Some(t)).map(|q| erlang_q[q][k].0).sum(),
                    erlang_agents: erlang_team[t][k],
                    required: required[t][k],
                    band: bands.as_ref().map(|b| b[t][k]),
                    planned: planned[t][k],
                    scheduled: coverage[k],
                })
                .collect()
        })
        .collect();
    Ok(Answer::Whole(Box::new(Staffing {
        slot_len,
        queues,
        teams,
        primary,
        schedules,
        drivers,
        blocks: blocks.len(),
        iterations,
        met: count(&check_sl, true),
        erlang_met: count(&erlang_sl, true),
        met_estimate: count(&check_sl, false),
        erlang_met_estimate: count(&erlang_sl, false),
        samples: if bands.is_some() { options.samples } else { 0 },
        plan_for: options.plan_for,
        work,
    })))
}
