//! Stage 2: the simulated requirement per team and interval, with the
//! simulation as the judge.
//!
//! Each team's agents on duty follow a weekly staffing vector; the desk is
//! simulated (one week of warm-up, then [`measured_weeks`] measured, common
//! random numbers) and the staffing is moved until it meets every target.
//!
//! The search does not judge intervals one by one. It judges **blocks**:
//! runs of consecutive slots in which nothing changes for the team (the same
//! queues, open or closed alike, at the same arrival rate) are one block, so
//! a stationary stretch is judged on all its customers together instead of
//! on each half hour's noise; a deferrable queue (SLA of an hour or more) is
//! judged in blocks of its SLA window, counted from each opening, so the
//! backlog that lands at opening is spread over the window the SLA allows,
//! as the analytic side does; and the first SLA window after an opening is a
//! block of its own, as is the first interval after any change for an
//! interactive queue (it inherits the previous stretch's backlog). A
//! block's customers are the tickets *decided* there: those arriving in it,
//! and, for a business-hours SLA clock, those that arrived while the queue
//! was closed and wait for this opening. A block passes when each of its
//! queues meets every target of its SLA: the service level reaches the
//! share, and the mean wait of the answered customers (pooled over the
//! block within each replication) stays within the average.
//!
//! Per block, a [`Bracket`] keeps the most agents known to fail and the
//! fewest known to pass; from the analytic start the level steps down one
//! agent at a time while it passes, climbs in doubling steps while it fails,
//! and bisects once both ends are known. Repair rounds then judge the
//! whole staffing again and raise every block that still misses. (An iterative staffing search in
//! the spirit of Feldman, Mandelbaum, Massey & Whitt, 2008, judged on
//! service level.)

use super::Context;
use super::analytic::Workload;
use crate::experiment;
use crate::scenario::units::{WEEK, WeeklySpans};
use crate::scenario::{Scenario, Shift, SlaClock};
use crate::stats::{Estimate, estimate};

/// Weeks the staffing simulation measures after its week of warm-up: four
/// for a desk of up to 50 000 tickets a week, three up to 200 000, two
/// above. A big desk's intervals hold enough customers to be judged on fewer
/// weeks, and the search's cost grows with the tickets it simulates.
pub fn measured_weeks(s: &Scenario) -> u32 {
    let weekly: f64 = s.queues.iter().map(|q| q.weekly_volume).sum();
    if weekly > 200_000.0 {
        2
    } else if weekly > 50_000.0 {
        3
    } else {
        4
    }
}
const SEARCH_ROUNDS: usize = 14;
const REPAIR_ROUNDS: usize = 5;

/// Simulation rounds one search takes at most (for progress and size guards).
pub const MAX_ROUNDS: usize = SEARCH_ROUNDS + REPAIR_ROUNDS + 1;

/// What the search knows about one block's requirement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bracket {
    /// The most agents known to miss the target.
    fails: Option<u32>,
    /// The fewest agents known to meet it.
    passes: Option<u32>,
    /// Misses in a row with no passing level known: the climb doubles its
    /// step with each (1, 2, 4, … agents), so a block that starts far below
    /// its requirement (a night's backlog at opening) gets there in a few
    /// rounds instead of one agent per round.
    climb: u32,
    /// Passes in a row with no failing level known: the descent doubles
    /// its step the same way.
    descend: u32,
}

impl Bracket {
    /// Records that `agents` passed or failed. Blocks interact (a backlog
    /// left in one is served in the next), so a later verdict that
    /// contradicts an earlier one wins.
    pub fn record(&mut self, agents: u32, passed: bool) {
        if passed {
            self.passes = Some(self.passes.map_or(agents, |p| p.min(agents)));
            if self.fails.is_some_and(|f| f >= agents) {
                self.fails = agents.checked_sub(1);
            }
            self.climb = 0;
            if self.fails.is_none() {
                self.descend += 1;
            }
        } else {
            self.descend = 0;
            self.fails = Some(self.fails.map_or(agents, |f| f.max(agents)));
            if self.passes.is_some_and(|p| p <= agents) {
                self.passes = None;
            }
            if self.passes.is_none() {
                self.climb += 1;
            }
        }
    }

    /// The level to try next from `now`: climbing while no passing level is
    /// known, descending while no failing level is known (both in doubling
    /// steps: 1, 2, 4, … agents), and halfway once both ends are known.
    pub fn next(&self, now: u32) -> u32 {
        match (self.fails, self.passes) {
            (_, Some(0)) => 0,
            (Some(f), Some(p)) if p - f <= 1 => p,
            (Some(f), Some(p)) => f + (p - f) / 2,
            (None, Some(p)) => p - p.min(1 << self.descend.saturating_sub(1).min(6)),
            (_, None) => now.saturating_add(1 << self.climb.saturating_sub(1).min(6)),
        }
    }

    /// The fewest agents known to pass.
    pub fn passing(&self) -> Option<u32> {
        self.passes
    }
}

/// Slots of the week judged together and staffed alike for one team.
#[derive(Debug, Clone)]
pub struct Block {
    pub team: usize,
    /// Consecutive slots (may wrap past the end of the week).
    pub slots: Vec<usize>,
    /// The queues the team answers for here, each with the arrival slots of
    /// the tickets decided in this block.
    pub queues: Vec<(usize, Vec<usize>)>,
}

/// The slot in which a ticket arriving in `[queue][slot]` is decided: the
/// slot itself while the queue is open; for a closed queue whose SLA runs on
/// business hours, its next opening (the customers wait for it and the SLA
/// clock starts there). Closed-hours tickets on a wall clock, and calls that
/// reach a closed phone line, are not decided by staffing. Nor is an
/// outbound list: it is dialled with the capacity the inbound targets leave
/// (and in reserved blocks), and its reach depends on customers answering,
/// which no headcount buys; its work is in the first guess all the same.
pub fn decided_in(s: &Scenario, work: &Workload) -> Vec<Vec<Option<usize>>> {
    let slots = work.slots();
    (0..s.queues.len())
        .map(|q| {
            let queue = &s.queues[q];
            (0..slots)
                .map(|k| {
                    if work.tickets[q][k] <= 0.0 || queue.outbound.is_some() {
                        return None;
                    }
                    if work.open[q][k] {
                        return Some(k);
                    }
                    if queue.sla_clock != SlaClock::Business || queue.callback.is_some() {
                        return None;
                    }
                    (1..=slots).map(|j| (k + j) % slots).find(|&j| work.open[q][j])
                })
                .collect()
        })
        .collect()
}

/// Each team's blocks, in week order.
pub fn blocks(
    s: &Scenario,
    work: &Workload,
    primary: &[Vec<Option<usize>>],
    decided: &[Vec<Option<usize>>],
) -> Vec<Block> {
    let slots = work.slots();
    let nq = s.queues.len();
    let window = |q: usize| ((s.queues[q].sla.within / work.slot_len).ceil() as usize).max(1);
    // Slots since the queue last opened (None when closed).
    let since_opening: Vec<Vec<Option<usize>>> = (0..nq)
        .map(|q| {
            (0..slots)
                .map(|k| {
                    if !work.open[q][k] {
                        return None;
                    }
                    let back = (0..slots).take_while(|&j| work.open[q][(k + slots - j) % slots]).count();
                    Some(if back >= slots { usize::MAX } else { back - 1 })
                })
                .collect()
        })
        .collect();
    // Tickets decided per (queue, slot).
    let mut decided_here: Vec<Vec<Vec<usize>>> = vec![vec![Vec::new(); slots]; nq];
    for (q, row) in decided.iter().enumerate() {
        for (k, at) in row.iter().enumerate() {
            if let Some(j) = *at {
                decided_here[q][j].push(k);
            }
        }
    }
    let mut out = Vec::new();
    for t in 0..s.teams.len() {
        // What the team answers for in slot k; equal signatures in a row form a block.
        let signature = |k: usize| -> Vec<(usize, u64, u64)> {
            (0..nq)
                .filter(|&q| primary[q][k] == Some(t) && !decided_here[q][k].is_empty())
                .map(|q| {
                    let w = window(q);
                    let is_deferrable = super::analytic::deferrable(s, q);
                    let phase = match since_opening[q][k] {
                        // Always open and deferrable: SLA windows from the week's start.
                        Some(usize::MAX) if is_deferrable => (k / w) as u64,
                        // Always open: only the rate matters.
                        Some(usize::MAX) => u64::MAX,
                        // The first SLA window after opening is a block of its own.
                        Some(n) if n < w => n as u64 / w as u64,
                        // Deferrable queues: one block per SLA window.
                        Some(n) if is_deferrable => (n / w) as u64,
                        Some(_) => u64::MAX - 1,
                        None => u64::MAX - 2,
                    };
                    let rate = if is_deferrable { 0 } else { work.tickets[q][k].to_bits() };
                    (q, phase, rate)
                })
                .collect()
        };
        let sigs: Vec<_> = (0..slots).map(signature).collect();
        // Start at a change of signature so a block never straddles the week's end.
        let start = (0..slots).find(|&k| sigs[k] != sigs[(k + slots - 1) % slots]);
        let order: Vec<usize> = match start {
            Some(st) => (0..slots).map(|j| (st + j) % slots).collect(),
            None => (0..slots).collect(),
        };
        let mut current: Option<Block> = None;
        // Whether the current block is the first slot after a change for an
        // interactive queue: it carries the previous stretch's backlog, so
        // it is judged on its own and the rest of the stretch after it.
        let mut lead = false;
        for &k in &order {
            if sigs[k].is_empty() {
                out.extend(current.take());
                continue;
            }
            let same = !lead && current.as_ref().is_some_and(|b| sigs[*b.slots.last().unwrap_or(&k)] == sigs[k]);
            if !same {
                // Only a change for an interactive queue makes a lead slot
                // (a deferrable queue's windows change the signature too).
                let interactive = |j: usize| -> Vec<(usize, u64, u64)> {
                    sigs[j].iter().copied().filter(|&(q, _, _)| !super::analytic::deferrable(s, q)).collect()
                };
                let now = interactive(k);
                lead = !now.is_empty() && interactive((k + slots - 1) % slots) != now;
                out.extend(current.take());
                current = Some(Block {
                    team: t,
                    slots: Vec::new(),
                    queues: sigs[k].iter().map(|&(q, _, _)| (q, Vec::new())).collect(),
                });
            }
            if let Some(b) = current.as_mut() {
                b.slots.push(k);
                for (q, arrivals) in b.queues.iter_mut() {
                    arrivals.extend_from_slice(&decided_here[*q][k]);
                }
            }
        }
        out.extend(current);
    }
    out
}

/// The staffing simulation: the scenario on a Monday-00:00 clock, one week of
/// warm-up and [`measured_weeks`] measured, no initial backlog or overtime, and each team's
/// agents on duty following `staffing[team][slot]`.
pub fn staffing_scenario(base: &Scenario, staffing: &[Vec<u32>], slot_len: f64, replications: u32) -> Scenario {
    let mut s = base.clone();
    s.simulation.start = 0.0;
    s.simulation.warmup = WEEK;
    s.simulation.horizon = f64::from(1 + measured_weeks(base)) * WEEK;
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
/// staffed with more than i agents.
pub fn duty_levels(per_slot: &[u32], slot_len: f64) -> Vec<Shift> {
    let top = per_slot.iter().copied().max().unwrap_or(0) as usize;
    (0..top)
        .map(|i| {
            let spans = per_slot
                .iter()
                .enumerate()
                .filter(|&(_, &n)| n as usize > i)
                .map(|(k, _)| (k as f64 * slot_len, (k + 1) as f64 * slot_len));
            let duty = WeeklySpans::from_spans(spans);
            Shift {
                label: format!("level {}", i + 1),
                agents: 1,
                attendance: duty.clone(),
                duty,
                overtime: false,
                dated: None,
                temporary: false,
                outbound_only: false,
            }
        })
        .collect()
}

/// One queue's customers of one slot of the week, pooled over the measured weeks.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    in_time: u64,
    judged: u64,
    answered: u64,
    /// Waits of the answered customers summed, seconds.
    wait_sum: f64,
}

/// What a staffing achieves for some customers: the service level and the
/// mean wait of the answered ones, each over the replications.
#[derive(Debug, Clone, Copy, Default)]
pub struct Achieved {
    pub service_level: Estimate,
    pub asa_s: Estimate,
}

impl Achieved {
    /// Whether the SLA's targets are met: by the estimates themselves, or
    /// (`lenient`) unless significantly missed — the service level's upper
    /// end of its 95 % interval reaches the share, the mean wait's lower
    /// end stays within the average. No customers: nothing to miss.
    pub fn meets(&self, sla: &crate::scenario::Sla, lenient: bool) -> bool {
        let margin = |e: &Estimate| if lenient { e.ci95.unwrap_or(0.0) } else { 0.0 };
        let share = sla
            .target
            .is_none_or(|t| self.service_level.mean.is_none_or(|v| v + margin(&self.service_level) >= t - 1e-9));
        let average = sla.average.is_none_or(|a| self.asa_s.mean.is_none_or(|v| v - margin(&self.asa_s) <= a + 1e-9));
        share && average
    }
}

/// One simulation of a staffing: per replication, queue and slot of the
/// week, the customers answered in time, those judged, those answered and
/// their waits, pooled over the measured weeks (all the search reads; each
/// replication's tables are reduced to this in its worker, a few hundred
/// kilobytes at most).
pub struct Verdict {
    /// Replication-major, then queue, then slot.
    reps: Vec<Vec<Tally>>,
    queues: usize,
    slots: usize,
}

impl Verdict {
    /// Simulates `staffing` (on the current rayon pool).
    pub fn of(base: &Scenario, staffing: &[Vec<u32>], ctx: &Context) -> Verdict {
        Self::with_replications(base, staffing, ctx, ctx.options.replications)
    }

    /// Simulates `staffing` with the first `replications` replications.
    pub fn with_replications(base: &Scenario, staffing: &[Vec<u32>], ctx: &Context, replications: u32) -> Verdict {
        let s = staffing_scenario(base, staffing, ctx.slot_len, replications);
        let weeks = measured_weeks(base) as usize;
        let (queues, slots) = (s.queues.len(), (WEEK / ctx.slot_len).round() as usize);
        let reps = experiment::reduce_here(&s, ctx.options.policy, ctx.tick, |r| {
            let mut cells = vec![Tally::default(); queues * slots];
            for w in 0..weeks {
                for k in 0..slots {
                    for q in 0..queues {
                        if let Some(c) = r.interval_tickets.get((w * slots + k) * queues + q) {
                            let cell = &mut cells[q * slots + k];
                            cell.in_time += u64::from(c.answered_in_sla);
                            cell.judged += u64::from(c.offered - c.waiting_in_sla);
                            cell.answered += u64::from(c.answered);
                            cell.wait_sum += c.wait_sum;
                        }
                    }
                }
            }
            cells
        });
        Verdict { reps, queues, slots }
    }

    /// Service level of the tickets of queue `q` arriving in the given slots
    /// of the week, pooled over the measured weeks within each replication.
    pub fn service_level(&self, q: usize, arrival_slots: &[usize]) -> Estimate {
        estimate(self.reps.iter().map(|cells| {
            let (mut hit, mut judged) = (0u64, 0u64);
            for &k in arrival_slots {
                let c = &cells[q * self.slots + k];
                hit += c.in_time;
                judged += c.judged;
            }
            (judged > 0).then(|| hit as f64 / judged as f64)
        }))
    }

    /// Mean wait of the answered tickets of queue `q` arriving in the given
    /// slots, pooled over the measured weeks within each replication.
    pub fn asa(&self, q: usize, arrival_slots: &[usize]) -> Estimate {
        estimate(self.reps.iter().map(|cells| {
            let (mut answered, mut waits) = (0u64, 0.0);
            for &k in arrival_slots {
                let c = &cells[q * self.slots + k];
                answered += c.answered;
                waits += c.wait_sum;
            }
            (answered > 0).then(|| waits / answered as f64)
        }))
    }

    /// What the customers of queue `q` arriving in the given slots get.
    pub fn achieved(&self, q: usize, arrival_slots: &[usize]) -> Achieved {
        Achieved { service_level: self.service_level(q, arrival_slots), asa_s: self.asa(q, arrival_slots) }
    }

    /// Service level and mean wait per `[queue][slot]` of the customers arriving there.
    pub fn by_slot(&self) -> Vec<Vec<Achieved>> {
        (0..self.queues).map(|q| (0..self.slots).map(|k| self.achieved(q, &[k])).collect()).collect()
    }

    /// Whether every queue of the block reaches its target. The estimate
    /// itself is the judge (not the lower end of its confidence interval,
    /// which would bias every requirement upwards by the noise): blocks
    /// pool whole stationary stretches, so their estimates are tight where
    /// it matters, and the fresh-seed check reports any interval that falls
    /// significantly below.
    pub fn passes(&self, s: &Scenario, block: &Block) -> bool {
        block.queues.iter().all(|(q, arrivals)| self.achieved(*q, arrivals).meets(&s.queues[*q].sla, false))
    }
}

/// Traces the search on stderr when `STAFFSIM_DEBUG` is set (for tuning it).
pub(super) fn debug(line: &str) {
    if std::env::var_os("STAFFSIM_DEBUG").is_some() {
        eprintln!("{line}");
    }
}

/// The search's answer for one scenario (serializable: a `staff --samples`
/// shard holds its samples' answers and the base's).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Found {
    /// Agents per `[team][slot]`.
    pub staffing: Vec<Vec<u32>>,
    pub rounds: usize,
}

/// Spreads block levels over `[team][slot]`.
pub fn spread(blocks: &[Block], levels: &[u32], teams: usize, slots: usize) -> Vec<Vec<u32>> {
    let mut x = vec![vec![0u32; slots]; teams];
    for (b, &n) in blocks.iter().zip(levels) {
        for &k in &b.slots {
            x[b.team][k] = n;
        }
    }
    x
}

/// The iterative search for one scenario (a sample of the assumptions, or
/// the base), starting from `start` agents per block.
pub fn search(s: &Scenario, blocks: &[Block], start: Vec<u32>, ctx: &Context) -> Found {
    let nt = s.teams.len();
    let slots = (WEEK / ctx.slot_len).round() as usize;
    let mut levels = start;
    let mut brackets = vec![Bracket::default(); blocks.len()];
    let mut rounds = 0;
    // The search rounds run on half the replications: they only need to
    // find the neighbourhood; the repair rounds judge on all.
    let coarse = (ctx.options.replications / 2).max(3).min(ctx.options.replications);
    for _ in 0..SEARCH_ROUNDS {
        rounds += 1;
        let verdict = Verdict::with_replications(s, &spread(blocks, &levels, nt, slots), ctx, coarse);
        let mut moving = 0;
        for (b, block) in blocks.iter().enumerate() {
            brackets[b].record(levels[b], verdict.passes(s, block));
            let next = brackets[b].next(levels[b]);
            if next != levels[b] {
                moving += 1;
                levels[b] = next;
            }
        }
        debug(&format!("search round {rounds}: {moving} blocks moving"));
        // A few blocks nudged back and forth by their neighbours are left to
        // the repair rounds.
        if moving <= blocks.len() / 50 {
            break;
        }
    }
    for (b, bracket) in brackets.iter().enumerate() {
        if let Some(p) = bracket.passing() {
            levels[b] = p;
        }
    }
    // Repair: blocks interact, so the settled staffing is simulated again
    // and every block that still misses climbs (its bracket learns it
    // fails), until none misses.
    let repair = |levels: &mut Vec<u32>, brackets: &mut Vec<Bracket>, rounds: &mut usize| {
        for _ in 0..=REPAIR_ROUNDS {
            *rounds += 1;
            let verdict = Verdict::of(s, &spread(blocks, levels, nt, slots), ctx);
            let missing: Vec<usize> = (0..blocks.len()).filter(|&b| !verdict.passes(s, &blocks[b])).collect();
            debug(&format!("repair round {rounds}: {} blocks missing", missing.len()));
            if missing.is_empty() {
                return;
            }
            for b in missing {
                brackets[b].record(levels[b], false);
                levels[b] = brackets[b].next(levels[b]).max(levels[b] + 1);
            }
        }
    };
    repair(&mut levels, &mut brackets, &mut rounds);
    Found { staffing: spread(blocks, &levels, nt, slots), rounds }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plays the search against a block whose true requirement is `need`.
    fn settle(need: u32, start: u32) -> (u32, usize) {
        let mut b = Bracket::default();
        let mut now = start;
        for round in 1..=40 {
            b.record(now, now >= need);
            let next = b.next(now);
            if next == now {
                return (now, round);
            }
            now = next;
        }
        (now, 40)
    }

    #[test]
    fn a_bracket_converges_on_the_requirement_from_either_side() {
        for need in [0, 1, 5, 13] {
            for start in [0, 3, 13, 20] {
                let (found, rounds) = settle(need, start);
                assert_eq!(found, need, "need {need}, start {start}");
                assert!(rounds <= 22, "need {need}, start {start}: {rounds} rounds");
            }
        }
    }

    #[test]
    fn a_bracket_steps_one_agent_at_a_time_until_both_ends_are_known() {
        let mut b = Bracket::default();
        b.record(10, false);
        assert_eq!(b.next(10), 11);
        let mut b = Bracket::default();
        b.record(10, true);
        assert_eq!(b.next(10), 9);
        b.record(9, false);
        assert_eq!(b.next(9), 10, "9 fails, 10 passes: settled at 10");
        assert_eq!(b.passing(), Some(10));
    }

    #[test]
    fn a_later_contradiction_wins() {
        let mut b = Bracket::default();
        b.record(8, true);
        b.record(8, false);
        assert_eq!(b.passing(), None);
        assert_eq!(b.next(8), 9);
        b.record(9, true);
        b.record(7, true);
        assert_eq!(b.passing(), Some(7));
    }

    #[test]
    fn duty_levels_follow_the_staffing() {
        let levels = duty_levels(&[2, 0, 1, 3], 1800.0);
        assert_eq!(levels.len(), 3);
        let on = |t: f64| levels.iter().filter(|l| l.duty.contains(t)).count();
        assert_eq!((on(900.0), on(2700.0), on(4500.0), on(6300.0)), (2, 0, 1, 3));
    }
}
