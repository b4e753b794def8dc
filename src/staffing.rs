//! How many agents each interval of the week needs, how sure that is, and
//! which shifts cover it.
//!
//! 1. **Analytic requirement** per queue and interval: Erlang C (Erlang A when
//!    the queue has a patience) on the interval's arrival rate; a chat agent at
//!    concurrency k counts as k servers. Queues with an SLA of an hour or more
//!    are *deferrable*: their work only has to be done within the SLA, so they
//!    need the load averaged over the SLA window, not Erlang C's peak cover.
//! 2. **Simulated requirement** per team and interval, with the simulation as
//!    the judge (an interval passes when the lower end of the 95 % confidence
//!    interval of its service level clears the target, so the staffing holds
//!    on random numbers it was not tuned on): each team's agents on duty
//!    follow a weekly staffing vector;
//!    the desk is simulated (1 week warm-up + 4 weeks, common random numbers)
//!    and every interval whose arriving customers miss a target of one of the
//!    team's queues gets an agent more, every interval that meets them is
//!    probed with one fewer (one agent at a time from the analytic start),
//!    keeping per interval the highest level known to fail and the lowest
//!    known to pass, until they meet. A few repair rounds
//!    then add agents wherever the final staffing still misses. This is an
//!    iterative staffing search in the spirit of Feldman, Mandelbaum, Massey &
//!    Whitt (2008), judged on service level rather than delay probability.
//! 3. **Uncertainty**: inputs given as ranges are sampled (Latin hypercube) and
//!    the search rerun per sample, giving P10/P50/P90 per interval.
//! 4. **Shifts**: an integer programme (pure-Rust `microlp`) chooses how many
//!    agents work each shift template so coverage meets the requirement with
//!    the fewest paid hours; a greedy cover gives a start and a fallback, and
//!    the LP relaxation bounds the gap.

use std::collections::HashMap;

use microlp::{ComparisonOp, OptimizationDirection, Problem, SolveOptions};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

use crate::erlang::Desk;
use crate::experiment::{self, Plan};
use crate::scenario::units::{DAY, HOUR, WEEK, WeeklySpans, format_clock, format_duration};
use crate::scenario::{Policy, Scenario, Shift, ShiftTemplate};
use crate::stats::{IntervalSummary, week_rows};

/// How to search.
#[derive(Debug, Clone, Copy)]
pub struct StaffOptions {
    pub policy: Policy,
    pub replications: u32,
    pub threads: Option<usize>,
    /// Samples of the uncertain inputs (0: none).
    pub samples: usize,
}

/// A queue in one interval of the week.
#[derive(Debug, Clone, Default)]
pub struct QueueSlot {
    /// Offered load in agents (Erlangs ÷ concurrency).
    pub load: f64,
    pub erlang_agents: u32,
    /// Service level of the customers arriving in the interval, with the
    /// simulated staffing and with the Erlang staffing.
    pub service_level: Option<f64>,
    pub erlang_service_level: Option<f64>,
    /// Whether staffing can affect this interval (the queue is open, customers arrive).
    pub judged: bool,
}

/// A team in one interval of the week.
#[derive(Debug, Clone, Default)]
pub struct TeamSlot {
    pub load: f64,
    pub erlang_agents: u32,
    pub required: u32,
    /// P10, P50, P90 of the requirement over the sampled assumptions.
    pub band: Option<(u32, u32, u32)>,
    /// Agents on duty under the shift schedule (mean over the interval).
    pub scheduled: f64,
}

/// How many agents of a template's start work.
#[derive(Debug, Clone)]
pub struct ScheduledShift {
    pub days_text: String,
    pub days: [bool; 7],
    /// Team clock, seconds after midnight.
    pub start: f64,
    pub length: f64,
    pub breaks: Vec<(f64, f64)>,
    pub agents: u32,
}

/// A team's shift schedule.
#[derive(Debug, Clone, Default)]
pub struct Schedule {
    pub shifts: Vec<ScheduledShift>,
    pub paid_hours: f64,
    /// The LP relaxation's paid hours: no schedule can pay less.
    pub lower_bound: f64,
    /// Whether the integer programme proved its schedule optimal.
    pub optimal: bool,
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
    pub iterations: usize,
    /// Judged (queue, interval) pairs meeting their target, with the
    /// simulated and with the Erlang staffing, both simulated again on fresh
    /// random numbers (the search tuned itself on its own).
    pub met: (usize, usize),
    pub erlang_met: (usize, usize),
    pub samples: usize,
}

impl Staffing {
    pub fn slots(&self) -> usize {
        self.teams.first().map_or(0, Vec::len)
    }

    /// Agent-hours per week of a staffing vector.
    pub fn agent_hours(&self, per_slot: impl Iterator<Item = f64>) -> f64 {
        per_slot.sum::<f64>() * self.slot_len / HOUR
    }
}

/// Whether a queue's work can wait for hours (email, forms): staffed by what
/// clears it within the SLA rather than by Erlang C.
pub fn deferrable(s: &Scenario, q: usize) -> bool {
    s.queues[q].sla.within >= HOUR
}

/// The team whose staffing answers for queue `q` at week time `w`: among
/// the teams serving it, those the scenario's roster has on duty at `w` come
/// first (so a night team in another time zone owns the night), then the one
/// listing the queue earliest in its skills (the team routing tries first),
/// then the first in the file.
pub fn primary_team(s: &Scenario, q: usize, w: f64) -> Option<usize> {
    s.teams
        .iter()
        .enumerate()
        .filter_map(|(t, team)| {
            let on_duty = team.shifts.iter().any(|x| !x.overtime && x.agents > 0 && x.duty.contains(w));
            team.skills.iter().position(|&x| x == q).map(|rank| (!on_duty, rank, t))
        })
        .min()
        .map(|(_, _, t)| t)
}

/// The analytic requirement of queue `q` in every slot of the week: (load in agents, agents).
pub fn analytic(s: &Scenario, q: usize, slot_len: f64) -> Vec<(f64, u32)> {
    let queue = &s.queues[q];
    let slots = (WEEK / slot_len).round() as usize;
    let k = f64::from(queue.concurrency);
    let aht = queue.handle_time.mean();
    let rates: Vec<f64> = (0..slots)
        .map(|i| queue.arrivals.expected_between(i as f64 * slot_len, (i + 1) as f64 * slot_len) / slot_len)
        .collect();
    let open: Vec<bool> = (0..slots).map(|i| queue.hours.contains((i as f64 + 0.5) * slot_len)).collect();
    let window = ((queue.sla.within / slot_len).ceil() as usize).max(1);
    // Work (in agent-slots) that arrives while the queue is closed, handed to
    // the first `window` open slots after each opening.
    let mut carried = vec![0.0; slots];
    if let Some(opening) = (0..slots).find(|&i| open[i] && !open[(i + slots - 1) % slots]) {
        let mut piled = 0.0;
        let mut left = 0usize;
        let mut share = 0.0;
        for step in 0..slots {
            let i = (opening + step) % slots;
            if !open[i] {
                piled += rates[i] * aht / k;
                continue;
            }
            if !open[(i + slots - 1) % slots] {
                // An opening: spread what piled up over the next open slots.
                let stretch = (0..slots).map(|j| (i + j) % slots).take_while(|&x| open[x]).count();
                left = window.min(stretch).max(1);
                share = piled / left as f64;
                piled = 0.0;
            }
            if left > 0 {
                carried[i] += share;
                left -= 1;
            }
        }
        // The closed stretch just before the first opening (the walk ends in it).
        if piled > 0.0 {
            let stretch = (0..slots).map(|j| (opening + j) % slots).take_while(|&x| open[x]).count();
            let n = window.min(stretch).max(1);
            for j in 0..n {
                carried[(opening + j) % slots] += piled / n as f64;
            }
        }
    }
    (0..slots)
        .map(|i| {
            let load = rates[i] * aht / k;
            if !open[i] {
                return (load, 0);
            }
            if deferrable(s, q) {
                // Work arriving while open over the last SLA window, spread
                // over that window's open slots; plus the work that piled up
                // while the queue was closed, spread over the first SLA window
                // after it opens.
                let idx = |j: usize| (i + slots - j) % slots;
                let open_in_window: Vec<usize> = (0..window).map(idx).filter(|&x| open[x]).collect();
                let work: f64 = open_in_window.iter().map(|&x| rates[x] * aht / k).sum();
                let need = work / open_in_window.len().max(1) as f64 + carried[i];
                return (load, (need - 1e-9).ceil().max(0.0) as u32);
            }
            if rates[i] <= 0.0 {
                return (load, 0);
            }
            let desk = Desk {
                arrival_rate: rates[i],
                aht_s: aht,
                patience_s: queue.patience.as_ref().map(|p| p.mean()),
                sla_within_s: queue.sla.within,
            };
            let servers = desk.required_agents(queue.sla.target);
            (load, (f64::from(servers) / k).ceil() as u32)
        })
        .collect()
}

/// Weeks the staffing simulation measures after its week of warm-up.
const MEASURED_WEEKS: u32 = 4;

/// The staffing simulation: the scenario on a Monday-00:00 clock, one week of
/// warm-up and `MEASURED_WEEKS` measured, no initial backlog or overtime, and each team's
/// agents on duty following `staffing[team][slot]`.
fn staffing_scenario(base: &Scenario, staffing: &[Vec<f64>], slot_len: f64, replications: u32) -> Scenario {
    let mut s = base.clone();
    s.simulation.start = 0.0;
    s.simulation.warmup = WEEK;
    s.simulation.horizon = (1 + MEASURED_WEEKS) as f64 * WEEK;
    s.simulation.interval = slot_len;
    s.simulation.replications = replications;
    for q in &mut s.queues {
        q.initial_backlog = None;
    }
    for (t, team) in s.teams.iter_mut().enumerate() {
        team.shifts = duty_levels(&staffing[t], slot_len);
    }
    s
}

/// Agents on duty per slot as shift groups: the i-th group works every slot
/// staffed with more than i agents (fractions become a shorter stretch).
fn duty_levels(per_slot: &[f64], slot_len: f64) -> Vec<Shift> {
    let top = per_slot.iter().cloned().fold(0.0, f64::max).ceil() as usize;
    (0..top)
        .map(|i| {
            let spans = per_slot.iter().enumerate().filter_map(|(k, &n)| {
                let share = (n - i as f64).clamp(0.0, 1.0);
                (share > 0.0).then_some((k as f64 * slot_len, (k as f64 + share) * slot_len))
            });
            Shift {
                label: format!("level {}", i + 1),
                agents: 1,
                duty: WeeklySpans::from_spans(spans),
                overtime: false,
            }
        })
        .collect()
}

/// Simulates `staffing` and returns the typical-week rows.
fn judge(
    base: &Scenario,
    staffing: &[Vec<f64>],
    slot_len: f64,
    options: StaffOptions,
) -> anyhow::Result<Vec<IntervalSummary>> {
    let s = staffing_scenario(base, staffing, slot_len, options.replications);
    let reps = experiment::replicate(&s, Plan { policy: options.policy, threads: options.threads }, &|| {})?;
    Ok(week_rows(&s, &reps).map(|(rows, _)| rows).unwrap_or_default())
}

/// Service level per queue and slot from typical-week rows.
fn service_levels(s: &Scenario, rows: &[IntervalSummary], slots: usize) -> Vec<Vec<Option<f64>>> {
    levels(s, rows, slots, |e| e.mean)
}

/// The lower end of each service level's 95 % confidence interval: the
/// search only accepts a staffing whose interval clears the target, so that
/// it still meets it on random numbers it has not seen.
fn cautious_levels(s: &Scenario, rows: &[IntervalSummary], slots: usize) -> Vec<Vec<Option<f64>>> {
    levels(s, rows, slots, |e| e.mean.map(|m| m - e.ci95.unwrap_or(0.0)))
}

fn levels(
    s: &Scenario,
    rows: &[IntervalSummary],
    slots: usize,
    pick: impl Fn(&crate::stats::Estimate) -> Option<f64>,
) -> Vec<Vec<Option<f64>>> {
    let nq = s.queues.len();
    let mut out = vec![vec![None; slots]; nq];
    for (k, chunk) in rows.chunks(nq + 1).enumerate().take(slots) {
        for q in 0..nq {
            out[q][k] = pick(&chunk[q].service_level);
        }
    }
    out
}

/// Agents per `[team][slot]`, the service levels they get per `[queue][slot]`,
/// and the simulation rounds used.
type SearchResult = (Vec<Vec<u32>>, Vec<Vec<Option<f64>>>, usize);

/// The iterative search for one scenario (a sample of the assumptions, or the
/// base). Returns the requirement `[team][slot]`, the service levels it gets
/// `[queue][slot]`, and the iterations used.
fn search(
    s: &Scenario,
    judged: &[Vec<bool>],
    primary: &[Vec<Option<usize>>],
    start: Vec<Vec<u32>>,
    slot_len: f64,
    options: StaffOptions,
) -> anyhow::Result<SearchResult> {
    let nt = s.teams.len();
    let slots = start.first().map_or(0, Vec::len);
    let mut staffing = start;
    let mut lo: Vec<Vec<i64>> = vec![vec![-1; slots]; nt];
    let mut hi: Vec<Vec<Option<u32>>> = vec![vec![None; slots]; nt];
    // A slot matters to a team when one of its queues is judged there.
    let matters: Vec<Vec<bool>> = (0..nt)
        .map(|t| (0..slots).map(|k| (0..s.queues.len()).any(|q| primary[q][k] == Some(t) && judged[q][k])).collect())
        .collect();
    for t in 0..nt {
        for k in 0..slots {
            if !matters[t][k] {
                staffing[t][k] = 0;
            }
        }
    }
    let feasible = |sl: &[Vec<Option<f64>>], t: usize, k: usize| {
        (0..s.queues.len())
            .filter(|&q| primary[q][k] == Some(t) && judged[q][k])
            .all(|q| sl[q][k].is_none_or(|v| v >= s.queues[q].sla.target - 1e-9))
    };
    let as_f64 =
        |st: &[Vec<u32>]| -> Vec<Vec<f64>> { st.iter().map(|v| v.iter().map(|&x| f64::from(x)).collect()).collect() };
    let mut iterations = 0;
    const SEARCH_ROUNDS: usize = 14;
    const REPAIR_ROUNDS: usize = 5;
    // Search: move each slot between the highest level known to fail and the
    // lowest known to pass.
    for _ in 0..SEARCH_ROUNDS {
        iterations += 1;
        let sl = cautious_levels(s, &judge(s, &as_f64(&staffing), slot_len, options)?, slots);
        let mut changed = false;
        for t in 0..nt {
            for k in (0..slots).filter(|&k| matters[t][k]) {
                let now = staffing[t][k];
                if feasible(&sl, t, k) {
                    hi[t][k] = Some(hi[t][k].map_or(now, |h| h.min(now)));
                    if lo[t][k] >= i64::from(now) {
                        lo[t][k] = i64::from(now) - 1;
                    }
                } else {
                    lo[t][k] = lo[t][k].max(i64::from(now));
                    if hi[t][k].is_some_and(|h| h <= now) {
                        hi[t][k] = None;
                    }
                }
                // One agent at a time from the analytic start: big jumps
                // would push a backlog onto the neighbouring slots and mislead
                // their search.
                let next = match hi[t][k] {
                    Some(h) if i64::from(h) - lo[t][k] <= 1 => h,
                    Some(h) if h == now => now - 1,
                    Some(h) => ((lo[t][k] + i64::from(h)) / 2).max(0) as u32,
                    None => now + 1,
                };
                if next != now {
                    changed = true;
                    staffing[t][k] = next;
                }
            }
        }
        if !changed {
            break;
        }
    }
    for t in 0..nt {
        for k in 0..slots {
            if let Some(h) = hi[t][k] {
                staffing[t][k] = h;
            }
        }
    }
    // Repair: slots interact (a backlog left in one is served in the next), so
    // add an agent wherever the staffing still misses, and check again.
    let repair = |staffing: &mut Vec<Vec<u32>>, iterations: &mut usize| -> anyhow::Result<Vec<Vec<Option<f64>>>> {
        let mut round = 0;
        loop {
            *iterations += 1;
            round += 1;
            let rows = judge(s, &as_f64(staffing), slot_len, options)?;
            let cautious = cautious_levels(s, &rows, slots);
            let missing: Vec<(usize, usize)> = (0..nt)
                .flat_map(|t| (0..slots).map(move |k| (t, k)))
                .filter(|&(t, k)| matters[t][k] && !feasible(&cautious, t, k))
                .collect();
            if missing.is_empty() || round > REPAIR_ROUNDS {
                return Ok(service_levels(s, &rows, slots));
            }
            for (t, k) in missing {
                staffing[t][k] += 1;
            }
        }
    };
    repair(&mut staffing, &mut iterations)?;
    // Trim: an interval pushed up while a neighbour was being probed may keep
    // an agent it no longer needs. Try one fewer in every other interval at
    // once (so no two neighbours drop together) and keep each drop that
    // leaves the interval and the next one meeting their targets.
    for parity in [0, 1, 0, 1] {
        let mut candidate = staffing.clone();
        let mut tried = Vec::new();
        for t in 0..nt {
            for k in (parity..slots).step_by(2).filter(|&k| matters[t][k] && staffing[t][k] > 0) {
                candidate[t][k] -= 1;
                tried.push((t, k));
            }
        }
        if tried.is_empty() {
            continue;
        }
        iterations += 1;
        let cautious = cautious_levels(s, &judge(s, &as_f64(&candidate), slot_len, options)?, slots);
        for (t, k) in tried {
            let next = (k + 1) % slots;
            if feasible(&cautious, t, k) && (!matters[t][next] || feasible(&cautious, t, next)) {
                staffing[t][k] -= 1;
            }
        }
    }
    let last_sl = repair(&mut staffing, &mut iterations)?;
    Ok((staffing, last_sl, iterations))
}

/// Runs the whole staffing analysis.
pub fn staff(s: &Scenario, options: StaffOptions, progress: &(dyn Fn(&str) + Sync)) -> anyhow::Result<Staffing> {
    let slot_len = s.simulation.interval;
    let slots = (WEEK / slot_len).round() as usize;
    let nq = s.queues.len();
    let nt = s.teams.len();
    let primary: Vec<Vec<Option<usize>>> =
        (0..nq).map(|q| (0..slots).map(|k| primary_team(s, q, (k as f64 + 0.5) * slot_len)).collect()).collect();

    let analytic_q: Vec<Vec<(f64, u32)>> = (0..nq).map(|q| analytic(s, q, slot_len)).collect();
    let judged: Vec<Vec<bool>> = (0..nq)
        .map(|q| {
            (0..slots)
                .map(|k| {
                    let queue = &s.queues[q];
                    primary[q][k].is_some()
                        && queue.hours.contains((k as f64 + 0.5) * slot_len)
                        && queue.arrivals.expected_between(k as f64 * slot_len, (k + 1) as f64 * slot_len) > 0.0
                })
                .collect()
        })
        .collect();
    let erlang_team: Vec<Vec<u32>> = (0..nt)
        .map(|t| {
            (0..slots)
                .map(|k| (0..nq).filter(|&q| primary[q][k] == Some(t)).map(|q| analytic_q[q][k].1).sum())
                .collect()
        })
        .collect();

    progress("searching");
    let (required, sl, iterations) = search(s, &judged, &primary, erlang_team.clone(), slot_len, options)?;
    // Judge both staffings on fresh random numbers: the search saw its own.
    progress("checking on fresh seeds");
    let mut fresh = s.clone();
    fresh.simulation.seed = s.simulation.seed ^ 0x0fe5_4c0f_fee5_5eed;
    let check_sl = service_levels(s, &judge(&fresh, &as_f64(&required), slot_len, options)?, slots);
    let erlang_sl = service_levels(s, &judge(&fresh, &as_f64(&erlang_team), slot_len, options)?, slots);

    // Uncertainty: the same search on sampled assumptions.
    let mut bands: Option<Vec<Vec<(u32, u32, u32)>>> = None;
    if !s.assumptions.is_empty() && options.samples > 0 {
        let n = options.samples;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(s.simulation.seed ^ 0x5eed_5a3f);
        // Latin hypercube: each assumption's range cut in n strata, visited in a random order.
        let columns: Vec<Vec<f64>> = s
            .assumptions
            .iter()
            .map(|a| {
                let mut strata: Vec<usize> = (0..n).collect();
                for i in (1..n).rev() {
                    let j = rng.random_range(0..=i);
                    strata.swap(i, j);
                }
                strata
                    .iter()
                    .map(|&st| a.low + (a.high - a.low) * (st as f64 + rng.random::<f64>()) / n as f64)
                    .collect()
            })
            .collect();
        let mut samples: Vec<Vec<Vec<u32>>> = Vec::with_capacity(n);
        for i in 0..n {
            progress(&format!("sample {}/{n}", i + 1));
            let values: Vec<f64> = columns.iter().map(|c| c[i]).collect();
            let variant = s.variant(&values);
            let (req, _, _) = search(&variant, &judged, &primary, required.clone(), slot_len, options)?;
            samples.push(req);
        }
        bands = Some(
            (0..nt)
                .map(|t| {
                    (0..slots)
                        .map(|k| {
                            let mut v: Vec<u32> = samples.iter().map(|r| r[t][k]).collect();
                            v.sort_unstable();
                            let at = |p: f64| v[((p * (v.len() - 1) as f64).round() as usize).min(v.len() - 1)];
                            (at(0.1), at(0.5), at(0.9))
                        })
                        .collect()
                })
                .collect(),
        );
    }

    progress("scheduling shifts");
    let schedules: Vec<Schedule> = (0..nt).map(|t| schedule(s, t, &required[t], slot_len)).collect();

    let count = |levels: &[Vec<Option<f64>>]| {
        let mut met = 0;
        let mut total = 0;
        for q in 0..nq {
            for k in 0..slots {
                if judged[q][k] {
                    total += 1;
                    if levels[q][k].is_none_or(|v| v >= s.queues[q].sla.target - 1e-9) {
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
                    load: analytic_q[q][k].0,
                    erlang_agents: analytic_q[q][k].1,
                    service_level: sl[q][k],
                    erlang_service_level: erlang_sl[q][k],
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
                    load: (0..nq).filter(|&q| primary[q][k] == Some(t)).map(|q| analytic_q[q][k].0).sum(),
                    erlang_agents: erlang_team[t][k],
                    required: required[t][k],
                    band: bands.as_ref().map(|b| b[t][k]),
                    scheduled: coverage[k],
                })
                .collect()
        })
        .collect();
    Ok(Staffing {
        slot_len,
        queues,
        teams,
        primary,
        schedules,
        iterations,
        met: count(&check_sl),
        erlang_met: count(&erlang_sl),
        samples: if bands.is_some() { options.samples } else { 0 },
    })
}

fn as_f64(st: &[Vec<u32>]) -> Vec<Vec<f64>> {
    st.iter().map(|v| v.iter().map(|&x| f64::from(x)).collect()).collect()
}

/// The shift templates of a team, or the default: 8- and 9-hour shifts and
/// 4-hour part-time shifts starting on any hour, each day on its own.
pub fn templates(s: &Scenario, t: usize) -> Vec<ShiftTemplate> {
    let team = &s.teams[t];
    if !team.templates.is_empty() {
        return team.templates.clone();
    }
    let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let mut out = Vec::new();
    for hours in [8.0, 9.0, 4.0] {
        for (d, name) in names.iter().enumerate() {
            let mut days = [false; 7];
            days[d] = true;
            out.push(ShiftTemplate {
                days_text: (*name).into(),
                days,
                starts: (0..24).map(|h| f64::from(h) * HOUR).collect(),
                length: hours * HOUR,
                breaks: Vec::new(),
            });
        }
    }
    out
}

impl ScheduledShift {
    /// On-duty spans on the desk's clock for a team `to_desk` seconds behind it.
    pub fn duty(&self, to_desk: f64) -> WeeklySpans {
        let mut on = Vec::new();
        let mut off = Vec::new();
        for (d, works) in self.days.iter().enumerate() {
            if *works {
                let s0 = d as f64 * DAY + self.start;
                on.push((s0, s0 + self.length));
                off.extend(self.breaks.iter().map(|&(o, l)| (s0 + o, s0 + o + l)));
            }
        }
        WeeklySpans::from_spans(on).minus(&WeeklySpans::from_spans(off)).shifted(to_desk)
    }

    /// The breaks as a scenario writes them: "13:00 1h" (team clock).
    pub fn break_texts(&self) -> Vec<String> {
        self.breaks.iter().map(|&(o, l)| format!("{} {}", format_clock(self.start + o), format_duration(l))).collect()
    }

    /// Paid hours per week of one agent on this shift (breaks included).
    pub fn paid_hours(&self) -> f64 {
        self.days.iter().filter(|d| **d).count() as f64 * self.length / HOUR
    }
}

impl Schedule {
    /// Agents on duty per slot (mean over the slot), on the desk's clock.
    pub fn coverage(&self, s: &Scenario, t: usize, slot_len: f64, slots: usize) -> Vec<f64> {
        let to_desk = s.simulation.utc_offset - s.teams[t].utc_offset;
        let mut cov = vec![0.0; slots];
        for shift in &self.shifts {
            let duty = shift.duty(to_desk);
            for (k, c) in cov.iter_mut().enumerate() {
                let a = k as f64 * slot_len;
                *c += f64::from(shift.agents) * duty.covered_between(a, a + slot_len) / slot_len;
            }
        }
        cov
    }
}

/// Chooses how many agents work each (template, start) so that coverage
/// meets `required` in every slot with the fewest paid hours.
fn schedule(s: &Scenario, t: usize, required: &[u32], slot_len: f64) -> Schedule {
    let slots = required.len();
    if required.iter().all(|&r| r == 0) {
        return Schedule { optimal: true, ..Schedule::default() };
    }
    let to_desk = s.simulation.utc_offset - s.teams[t].utc_offset;
    let mut columns: Vec<(ScheduledShift, Vec<f64>)> = Vec::new();
    for tpl in templates(s, t) {
        for &start in &tpl.starts {
            let shift = ScheduledShift {
                days_text: tpl.days_text.clone(),
                days: tpl.days,
                start,
                length: tpl.length,
                breaks: tpl.breaks.clone(),
                agents: 0,
            };
            let duty = shift.duty(to_desk);
            let cover: Vec<f64> = (0..slots)
                .map(|k| {
                    let a = k as f64 * slot_len;
                    duty.covered_between(a, a + slot_len) / slot_len
                })
                .collect();
            if cover.iter().zip(required).any(|(&c, &r)| c > 0.0 && r > 0) {
                columns.push((shift, cover));
            }
        }
    }
    // Coverage is counted in whole agents: a slot is covered by an agent on duty for most of it.
    let whole = |c: f64| if c >= 0.5 { 1.0 } else { 0.0 };
    let needed: Vec<usize> = (0..slots).filter(|&k| required[k] > 0).collect();
    // Slots no template covers for most of their length are left under-covered (reported).
    let coverable: Vec<usize> =
        needed.iter().copied().filter(|&k| columns.iter().any(|c| whole(c.1[k]) > 0.0)).collect();

    let greedy = greedy_cover(&columns, required, &coverable, whole);
    let build = |agents: &[u32]| -> Schedule {
        let shifts: Vec<ScheduledShift> = columns
            .iter()
            .zip(agents)
            .filter(|(_, n)| **n > 0)
            .map(|((shift, _), &n)| ScheduledShift { agents: n, ..shift.clone() })
            .collect();
        let paid_hours = shifts.iter().map(|x| f64::from(x.agents) * x.paid_hours()).sum();
        Schedule { shifts, paid_hours, lower_bound: 0.0, optimal: false }
    };
    let lp = |integer: bool, warm: Option<&[u32]>| -> Option<(Vec<f64>, f64, bool)> {
        let mut problem = Problem::new(OptimizationDirection::Minimize);
        let vars: Vec<_> = columns
            .iter()
            .map(|(shift, cover)| {
                // Paid hours, plus a hair for every slot covered that needs
                // nobody, so among equal schedules the one that fits the
                // opening hours wins.
                let idle = cover.iter().zip(required).filter(|(c, r)| **c > 0.0 && **r == 0).count();
                let cost = shift.paid_hours() + 1e-3 * idle as f64;
                if integer {
                    problem.add_integer_var(cost, (0, 100_000))
                } else {
                    problem.add_var(cost, (0.0, 100_000.0))
                }
            })
            .collect();
        for &k in &coverable {
            let terms: Vec<_> = columns
                .iter()
                .enumerate()
                .filter(|(_, c)| whole(c.1[k]) > 0.0)
                .map(|(j, c)| (vars[j], whole(c.1[k])))
                .collect();
            if terms.is_empty() {
                continue;
            }
            problem.add_constraint(terms.as_slice(), ComparisonOp::Ge, f64::from(required[k]));
        }
        // A node limit, not a time limit, so the schedule is the same on every machine.
        let mut options = SolveOptions::default();
        options.node_limit = Some(3000);
        options.mip_gap = 0.002;
        options.warm_start = warm.map(|w| vars.iter().zip(w).map(|(&v, &n)| (v, f64::from(n))).collect());
        let outcome = problem.solve_with(options).ok()?;
        let optimal = outcome.is_optimal();
        match outcome {
            microlp::SolveOutcome::Solution(sol) => {
                let values = vars.iter().map(|&v| sol.var_value(v)).collect();
                Some((values, sol.objective(), optimal))
            }
            microlp::SolveOutcome::Interrupted(_) => None,
        }
    };
    let mut best = build(&greedy);
    if let Some((values, _, optimal)) = lp(true, Some(&greedy)) {
        let agents: Vec<u32> = values.iter().map(|v| v.round().max(0.0) as u32).collect();
        let candidate = build(&agents);
        let covers = coverable.iter().all(|&k| {
            let c: f64 = columns.iter().zip(&agents).map(|(col, &n)| f64::from(n) * whole(col.1[k])).sum();
            c + 1e-6 >= f64::from(required[k])
        });
        if covers && candidate.paid_hours <= best.paid_hours + 1e-9 {
            best = Schedule { optimal, ..candidate };
        }
    }
    best.lower_bound = lp(false, None).map_or(0.0, |(_, objective, _)| objective);
    // The bound carries the tie-break hairs; paid hours are whole shifts.
    best.lower_bound = best.lower_bound.min(best.paid_hours);
    best
}

/// A cover built greedily (most uncovered agent-slots per paid hour first),
/// then trimmed of agents not needed.
fn greedy_cover(
    columns: &[(ScheduledShift, Vec<f64>)],
    required: &[u32],
    coverable: &[usize],
    whole: impl Fn(f64) -> f64,
) -> Vec<u32> {
    let mut agents = vec![0u32; columns.len()];
    let mut deficit: HashMap<usize, f64> = coverable.iter().map(|&k| (k, f64::from(required[k]))).collect();
    loop {
        let best = columns
            .iter()
            .enumerate()
            .map(|(j, (shift, cover))| {
                let gain: f64 = coverable.iter().map(|&k| whole(cover[k]).min(deficit[&k].max(0.0))).sum();
                let idle = cover.iter().zip(required).filter(|(c, r)| **c > 0.0 && **r == 0).count();
                (j, gain / (shift.paid_hours() + 1e-3 * idle as f64).max(1e-9))
            })
            .filter(|(_, score)| *score > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        let Some((j, _)) = best else { break };
        agents[j] += 1;
        for &k in coverable {
            if let Some(d) = deficit.get_mut(&k) {
                *d -= whole(columns[j].1[k]);
            }
        }
    }
    // Trim: drop an agent wherever every slot stays covered.
    for j in 0..columns.len() {
        while agents[j] > 0 {
            let still = coverable.iter().all(|&k| {
                let c: f64 = columns.iter().zip(&agents).map(|(col, &n)| f64::from(n) * whole(col.1[k])).sum();
                c - whole(columns[j].1[k]) + 1e-9 >= f64::from(required[k])
            });
            if !still {
                break;
            }
            agents[j] -= 1;
        }
    }
    agents
}

/// The schedule as `[[team]] shifts = [...]` TOML values (team clock).
pub fn shift_rows(schedule: &Schedule) -> Vec<toml::Value> {
    schedule
        .shifts
        .iter()
        .map(|x| {
            let mut row = toml::Table::new();
            row.insert("days".into(), toml::Value::String(x.days_text.clone()));
            row.insert("start".into(), toml::Value::String(format_clock(x.start)));
            row.insert("length".into(), toml::Value::String(format_duration(x.length)));
            row.insert("agents".into(), toml::Value::Integer(i64::from(x.agents)));
            if !x.breaks.is_empty() {
                row.insert(
                    "breaks".into(),
                    toml::Value::Array(x.break_texts().into_iter().map(toml::Value::String).collect()),
                );
            }
            toml::Value::Table(row)
        })
        .collect()
}

/// The scenario file `text` with every team's roster replaced by its schedule
/// (overtime blocks dropped): a scenario `run` can confirm.
pub fn write_scenario(text: &str, s: &Scenario, staffing: &Staffing) -> anyhow::Result<String> {
    let mut doc: toml::Table = toml::from_str(text)?;
    doc.remove("overtime");
    if let Some(toml::Value::Array(teams)) = doc.get_mut("team") {
        for team in teams.iter_mut() {
            let Some(table) = team.as_table_mut() else { continue };
            let Some(name) = table.get("name").and_then(|n| n.as_str()).map(String::from) else { continue };
            let Some(t) = s.team_index(&name) else { continue };
            table.remove("agents");
            table.remove("shifts");
            let rows = shift_rows(&staffing.schedules[t]);
            if rows.is_empty() {
                table.insert("agents".into(), toml::Value::Integer(0));
            } else {
                table.insert("shifts".into(), toml::Value::Array(rows));
            }
        }
    }
    let body = toml::to_string(&doc)?;
    Ok(format!(
        "# Written by `staffsim staff`: the shift schedule that covers the simulated\n# requirement of {}. Run it to confirm the service level.\n\n{body}",
        s.name
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duty_levels_follow_the_staffing() {
        let levels = duty_levels(&[2.0, 0.0, 1.0, 3.0], 1800.0);
        assert_eq!(levels.len(), 3);
        let on = |t: f64| levels.iter().filter(|l| l.duty.contains(t)).count();
        assert_eq!((on(900.0), on(2700.0), on(4500.0), on(6300.0)), (2, 0, 1, 3));
    }

    #[test]
    fn greedy_cover_is_a_cover() {
        let shift = |start: f64| ScheduledShift {
            days_text: "mon".into(),
            days: [true, false, false, false, false, false, false],
            start,
            length: 4.0 * HOUR,
            breaks: vec![],
            agents: 0,
        };
        // Four 1-hour slots, two shift starts covering slots 0-3 and 2-5 (of six).
        let columns = vec![
            (shift(0.0), vec![1.0, 1.0, 1.0, 1.0, 0.0, 0.0]),
            (shift(2.0 * HOUR), vec![0.0, 0.0, 1.0, 1.0, 1.0, 1.0]),
        ];
        let required = [2, 2, 3, 3, 1, 1];
        let coverable: Vec<usize> = (0..6).collect();
        let agents = greedy_cover(&columns, &required, &coverable, |c| c);
        for (k, &r) in required.iter().enumerate() {
            let c: f64 = columns.iter().zip(&agents).map(|(col, &n)| f64::from(n) * col.1[k]).sum();
            assert!(c >= f64::from(r), "slot {k}");
        }
        assert_eq!(agents, vec![2, 1]);
    }
}
