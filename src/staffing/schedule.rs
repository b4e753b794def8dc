//! Stage 4: which shifts cover the requirement.
//!
//! For each team an integer programme chooses how many agents work each
//! *column*: a (template, start, break placement). A template break given as
//! a window (`"+3h..+5h 30m"`) is placed at every slot step inside it, so
//! the optimiser staggers the breaks of one start over several columns and a
//! slot is never left uncovered because everyone's break falls there, when
//! some placement avoids it. Columns on duty where every queue of the team
//! is closed are not used (unless no other column can cover a slot that
//! needs agents). Coverage is counted in whole agents over the whole slot:
//! where a shift starts, ends or breaks inside a slot, the slot is cut into
//! pieces and every piece needs the slot's agents. Paid hours are minimised with the
//! pure-Rust `microlp`, branch and bound capped at a node count (not a
//! time), so the answer is the same on every machine; a greedy cover is its
//! start and fallback, and the LP relaxation bounds the gap. Whatever stays
//! uncovered is returned as [`Shortfall`]s for a loud warning.

use microlp::{ComparisonOp, OptimizationDirection, Problem, SolveOptions};

use super::analytic::Workload;
use crate::scenario::units::{DAY, HOUR, WeeklySpans, format_clock, format_duration};
use crate::scenario::{BreakRule, Scenario, ShiftTemplate};

/// Most break placements tried per (template, start).
const MAX_PLACEMENTS: usize = 64;

/// How many agents of a template's start, with one placement of its breaks, work.
#[derive(Debug, Clone)]
pub struct ScheduledShift {
    pub days_text: String,
    pub days: [bool; 7],
    /// Team clock, seconds after midnight.
    pub start: f64,
    pub length: f64,
    /// (offset from the start, length), seconds.
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
    /// Slots the schedule leaves short of the requirement.
    pub shortfalls: Vec<Shortfall>,
}

/// A slot where the schedule has fewer agents than required.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shortfall {
    pub slot: usize,
    pub required: u32,
    /// Agents the schedule has on duty for most of the slot.
    pub covered: u32,
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

/// Every placement of a template's breaks: each break starts at a slot step
/// inside its window (at most `MAX_PLACEMENTS` combinations, evenly spread).
fn placements(rules: &[BreakRule], step: f64) -> Vec<Vec<(f64, f64)>> {
    let mut combos: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for rule in rules {
        let span = rule.latest - rule.earliest;
        let steps = (span / step + 1e-9).floor() as usize;
        let n = steps.min(MAX_PLACEMENTS - 1) + 1;
        let mut next = Vec::with_capacity(combos.len() * n);
        for c in &combos {
            for i in 0..n {
                let at = if steps < MAX_PLACEMENTS {
                    rule.earliest + step * i as f64
                } else {
                    rule.earliest + span * i as f64 / (n - 1) as f64
                };
                let mut v = c.clone();
                v.push((at, rule.length));
                next.push(v);
            }
        }
        combos = next;
    }
    if combos.len() > MAX_PLACEMENTS {
        let n = combos.len();
        combos = (0..MAX_PLACEMENTS).map(|i| combos[i * n / MAX_PLACEMENTS].clone()).collect();
    }
    combos
}

/// A column of the programme: a shift and the coverage rows it fills.
struct Column {
    shift: ScheduledShift,
    /// Coverage rows (pieces of slots, see `Rows`) this shift is on duty
    /// for the whole of.
    covers: Vec<usize>,
    /// Slots it is on duty in (any part) where the team is idle by design
    /// (nobody required): the tie-break between equal schedules.
    idle: usize,
    /// On duty in a slot in which every queue of the team is closed.
    closed: bool,
}

/// The rows coverage is counted on. A slot is one row unless some shift
/// starts, ends or breaks inside it: then it is cut at those moments into
/// pieces, and each piece must have the slot's required agents on duty for
/// the whole of it — so a 30-minute break inside an hour-long interval is
/// seen, and breaks are staggered rather than stacked.
struct Rows {
    /// (slot, from, to), desk week time in seconds.
    pieces: Vec<(usize, f64, f64)>,
    /// The rows of each slot.
    of_slot: Vec<Vec<usize>>,
}

impl Rows {
    fn new(slots: usize, slot_len: f64, duties: &[WeeklySpans]) -> Rows {
        let mut cuts: Vec<Vec<f64>> = vec![Vec::new(); slots];
        for duty in duties {
            for &(from, to) in duty.spans() {
                for t in [from, to] {
                    let k = (t / slot_len).floor() as usize;
                    let inside = t - k as f64 * slot_len;
                    if k < slots && inside > 1e-6 && slot_len - inside > 1e-6 {
                        cuts[k].push(t);
                    }
                }
            }
        }
        let mut pieces = Vec::new();
        let mut of_slot = vec![Vec::new(); slots];
        for (k, c) in cuts.iter_mut().enumerate() {
            c.sort_by(f64::total_cmp);
            c.dedup_by(|a, b| (*a - *b).abs() < 1e-6);
            let a = k as f64 * slot_len;
            let mut from = a;
            for &t in c.iter().chain(std::iter::once(&(a + slot_len))) {
                of_slot[k].push(pieces.len());
                pieces.push((k, from, t));
                from = t;
            }
        }
        Rows { pieces, of_slot }
    }
}

/// Chooses how many agents work each column so that coverage meets
/// `required` in every slot with the fewest paid hours.
pub fn schedule(s: &Scenario, t: usize, required: &[u32], work: &Workload) -> Schedule {
    let slots = required.len();
    let slot_len = work.slot_len;
    if required.iter().all(|&r| r == 0) {
        return Schedule { optimal: true, ..Schedule::default() };
    }
    let team_open: Vec<bool> = (0..slots).map(|k| s.teams[t].skills.iter().any(|&q| work.open[q][k])).collect();
    let to_desk = s.simulation.utc_offset - s.teams[t].utc_offset;
    let mut shifts: Vec<(ScheduledShift, WeeklySpans)> = Vec::new();
    for tpl in templates(s, t) {
        for &start in &tpl.starts {
            for breaks in placements(&tpl.breaks, slot_len) {
                let shift = ScheduledShift {
                    days_text: tpl.days_text.clone(),
                    days: tpl.days,
                    start,
                    length: tpl.length,
                    breaks,
                    agents: 0,
                };
                let duty = shift.duty(to_desk);
                shifts.push((shift, duty));
            }
        }
    }
    let duties: Vec<WeeklySpans> = shifts.iter().map(|(_, d)| d.clone()).collect();
    let rows = Rows::new(slots, slot_len, &duties);
    let mut all: Vec<Column> = Vec::new();
    for (shift, duty) in shifts {
        let mut covers = Vec::new();
        let mut idle = 0;
        let mut closed = false;
        for k in 0..slots {
            let a = k as f64 * slot_len;
            if duty.covered_between(a, a + slot_len) <= 1e-6 {
                continue;
            }
            if required[k] == 0 {
                idle += 1;
            }
            for &r in &rows.of_slot[k] {
                let (_, from, to) = rows.pieces[r];
                if duty.covered_between(from, to) >= to - from - 1e-6 {
                    covers.push(r);
                    closed |= !team_open[k];
                }
            }
        }
        if !covers.iter().any(|&r| required[rows.pieces[r].0] > 0) {
            continue;
        }
        all.push(Column { shift, covers, idle, closed });
    }
    let need = |r: usize| required[rows.pieces[r].0];
    // Columns on duty while the team's queues are all closed are kept only
    // for rows no other column can cover.
    let mut coverable_open = vec![false; rows.pieces.len()];
    for c in all.iter().filter(|c| !c.closed) {
        for &r in &c.covers {
            coverable_open[r] = true;
        }
    }
    let columns: Vec<Column> =
        all.into_iter().filter(|c| !c.closed || c.covers.iter().any(|&r| need(r) > 0 && !coverable_open[r])).collect();
    let mut on_row: Vec<Vec<usize>> = vec![Vec::new(); rows.pieces.len()];
    for (j, c) in columns.iter().enumerate() {
        for &r in &c.covers {
            on_row[r].push(j);
        }
    }
    // One constraint per distinct set of columns in a slot.
    let mut needed: Vec<usize> = Vec::new();
    for k in (0..slots).filter(|&k| required[k] > 0) {
        let mut seen: Vec<&Vec<usize>> = Vec::new();
        for &r in &rows.of_slot[k] {
            if !on_row[r].is_empty() && !seen.contains(&&on_row[r]) {
                seen.push(&on_row[r]);
                needed.push(r);
            }
        }
    }
    let row_required: Vec<u32> = (0..rows.pieces.len()).map(need).collect();

    let cost = |c: &Column| c.shift.paid_hours() + 1e-3 * c.idle as f64 + if c.closed { 1.0 } else { 0.0 };
    let greedy = greedy_cover(&columns, &row_required, cost);
    let build = |agents: &[u32]| -> Schedule {
        let shifts: Vec<ScheduledShift> = columns
            .iter()
            .zip(agents)
            .filter(|(_, n)| **n > 0)
            .map(|(c, &n)| ScheduledShift { agents: n, ..c.shift.clone() })
            .collect();
        let paid_hours = shifts.iter().map(|x| f64::from(x.agents) * x.paid_hours()).sum();
        let mut cover = vec![0u32; rows.pieces.len()];
        for (c, &n) in columns.iter().zip(agents) {
            for &r in &c.covers {
                cover[r] += n;
            }
        }
        // A slot is as covered as its least covered piece.
        let shortfalls = (0..slots)
            .filter_map(|k| {
                let covered = rows.of_slot[k].iter().map(|&r| cover[r]).min().unwrap_or(0);
                (covered < required[k]).then_some(Shortfall { slot: k, required: required[k], covered })
            })
            .collect();
        Schedule { shifts, paid_hours, lower_bound: 0.0, optimal: false, shortfalls }
    };
    let lp = |integer: bool, warm: Option<&[u32]>| -> Option<(Vec<f64>, f64, bool)> {
        let mut problem = Problem::new(OptimizationDirection::Minimize);
        let vars: Vec<_> = columns
            .iter()
            .map(|c| {
                if integer {
                    problem.add_integer_var(cost(c), (0, 100_000))
                } else {
                    problem.add_var(cost(c), (0.0, 100_000.0))
                }
            })
            .collect();
        for &r in &needed {
            let terms: Vec<(microlp::Variable, f64)> = on_row[r].iter().map(|&j| (vars[j], 1.0)).collect();
            problem.add_constraint(terms.as_slice(), ComparisonOp::Ge, f64::from(row_required[r]));
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
        if candidate.shortfalls.len() <= best.shortfalls.len() && candidate.paid_hours <= best.paid_hours + 1e-9 {
            best = Schedule { optimal, ..candidate };
        }
    }
    best.lower_bound = lp(false, None).map_or(0.0, |(_, objective, _)| objective);
    // The bound carries the tie-break hairs; paid hours are whole shifts.
    best.lower_bound = best.lower_bound.min(best.paid_hours);
    best
}

/// A cover built greedily (most uncovered agent-slots per unit of cost
/// first), then trimmed of agents not needed.
fn greedy_cover(columns: &[Column], required: &[u32], cost: impl Fn(&Column) -> f64) -> Vec<u32> {
    let mut agents = vec![0u32; columns.len()];
    let mut deficit: Vec<u32> = required.to_vec();
    loop {
        let best = columns
            .iter()
            .enumerate()
            .map(|(j, c)| {
                let gain = c.covers.iter().filter(|&&k| deficit[k] > 0).count() as f64;
                (j, gain / cost(c).max(1e-9))
            })
            .filter(|(_, score)| *score > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        let Some((j, _)) = best else { break };
        agents[j] += 1;
        for &k in &columns[j].covers {
            deficit[k] = deficit[k].saturating_sub(1);
        }
    }
    // Trim: drop an agent wherever every slot stays covered.
    let mut cover = vec![0u32; required.len()];
    for (c, &n) in columns.iter().zip(&agents) {
        for &k in &c.covers {
            cover[k] += n;
        }
    }
    for (j, c) in columns.iter().enumerate() {
        while agents[j] > 0 && c.covers.iter().all(|&k| cover[k] > required[k]) {
            agents[j] -= 1;
            for &k in &c.covers {
                cover[k] -= 1;
            }
        }
    }
    agents
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(covers: Vec<usize>) -> Column {
        Column {
            shift: ScheduledShift {
                days_text: "mon".into(),
                days: [true, false, false, false, false, false, false],
                start: 0.0,
                length: 4.0 * HOUR,
                breaks: vec![],
                agents: 0,
            },
            covers,
            idle: 0,
            closed: false,
        }
    }

    #[test]
    fn greedy_cover_is_a_cover() {
        // Six 1-hour slots, two shift starts covering slots 0-3 and 2-5.
        let columns = vec![column(vec![0, 1, 2, 3]), column(vec![2, 3, 4, 5])];
        let required = [2, 2, 3, 3, 1, 1];
        let agents = greedy_cover(&columns, &required, |c| c.shift.paid_hours());
        for (k, &r) in required.iter().enumerate() {
            let c: u32 = columns.iter().zip(&agents).filter(|(col, _)| col.covers.contains(&k)).map(|(_, &n)| n).sum();
            assert!(c >= r, "slot {k}");
        }
        assert_eq!(agents, vec![2, 1]);
    }

    #[test]
    fn a_break_window_gives_a_placement_per_slot_step() {
        let rule = BreakRule { earliest: 3.0 * HOUR, latest: 5.0 * HOUR, length: 1800.0 };
        let p = placements(&[rule], 1800.0);
        let starts: Vec<f64> = p.iter().map(|v| v[0].0 / HOUR).collect();
        assert_eq!(starts, vec![3.0, 3.5, 4.0, 4.5, 5.0]);
        let fixed = BreakRule { earliest: 4.0 * HOUR, latest: 4.0 * HOUR, length: 1800.0 };
        assert_eq!(placements(&[fixed], 1800.0), vec![vec![(4.0 * HOUR, 1800.0)]]);
        assert_eq!(placements(&[], 1800.0), vec![Vec::<(f64, f64)>::new()]);
    }
}
