//! Agents: who is on duty, how much of each agent's capacity is in use, and
//! which agents could take a ticket right now.
//!
//! Capacity is counted in integer *units* so chat concurrency stays exact: an
//! agent has `capacity` units and a ticket of a queue with concurrency k uses
//! `capacity / k` of them (capacity is a common multiple of all concurrencies).
//! So an agent holds one email, or up to three chats of a concurrency-3 queue.

use crate::scenario::Scenario;
use crate::stats::AgentTime;

/// One agent.
#[derive(Debug, Clone)]
pub struct Agent {
    pub team: u32,
    /// Within a shift and not on a break.
    pub on_shift: bool,
    /// Capacity units in use.
    pub used: Units,
    /// In a reserved outbound block: dials only.
    pub outbound_only: bool,
    /// Position in the team's `available` list, or `NOT_AVAILABLE`.
    slot: u32,
    /// Position in its bucket of the team's [`SpareIndex`] while available.
    bucket_slot: u32,
}

const NOT_AVAILABLE: u32 = u32::MAX;

/// Capacity units: a common multiple of every concurrency (at most lcm(1..=32) ≈ 1.4e14).
pub type Units = u64;

/// Available agents by spare capacity: one bucket per spare level, levels
/// sorted. Finding the agent with the least spare capacity that fits a
/// ticket looks at the levels, never at the agents, so it costs the same
/// with 10 agents or 100 000. There are few levels: a level is a
/// capacity minus some tickets' units (one level with concurrency 1 only;
/// six with concurrencies 1, 2 and 3).
#[derive(Debug, Clone, Default)]
struct SpareIndex {
    levels: Vec<(Units, Vec<u32>)>,
}

impl SpareIndex {
    /// Adds `agent` with `spare` units free; returns its position in the bucket.
    #[inline]
    fn insert(&mut self, spare: Units, agent: u32) -> u32 {
        let i = match self.levels.binary_search_by_key(&spare, |l| l.0) {
            Ok(i) => i,
            Err(i) => {
                self.levels.insert(i, (spare, Vec::new()));
                i
            }
        };
        let bucket = &mut self.levels[i].1;
        bucket.push(agent);
        (bucket.len() - 1) as u32
    }

    /// Removes the agent at `position` of the `spare` bucket; returns the
    /// agent moved into that position, if any (its position changed).
    #[inline]
    fn remove(&mut self, spare: Units, position: u32) -> Option<u32> {
        let i = self.levels.binary_search_by_key(&spare, |l| l.0).expect("an indexed agent's level exists");
        let bucket = &mut self.levels[i].1;
        bucket.swap_remove(position as usize);
        bucket.get(position as usize).copied()
    }

    /// The first agent of the lowest non-empty level with at least `units` spare.
    #[inline]
    fn least_fitting(&self, units: Units) -> Option<(Units, u32)> {
        let from = self.levels.partition_point(|l| l.0 < units);
        self.levels[from..].iter().find_map(|(spare, bucket)| bucket.first().map(|&a| (*spare, a)))
    }
}

/// The agents of one team and the time they spend.
#[derive(Debug, Clone, Default)]
pub struct TeamFloor {
    /// Agents on shift with spare capacity (unordered).
    pub available: Vec<u32>,
    /// The available agents by spare capacity: those who take any ticket,
    /// and those in a reserved outbound block.
    inbound: SpareIndex,
    reserved: SpareIndex,
    /// Whether the spare-capacity index is kept. A team whose agents all
    /// have capacity 1 and none of them a reserved outbound block has one
    /// level, whose bucket would be `available` itself, in the same order
    /// (both are pushed and swap-removed together): so it is not kept, and
    /// the first available agent is the one the index would give.
    indexed: bool,
    meter_time: f64,
    busy_units: u64,
    present: u32,
    busy_area: f64,
    present_area: f64,
}

/// A group of agents that start and end duty together (one shift row).
#[derive(Debug, Clone)]
pub struct DutyGroup {
    pub first: u32,
    pub count: u32,
}

/// All agents of the desk.
#[derive(Debug, Clone)]
pub struct Floor {
    pub capacity: Units,
    pub agents: Vec<Agent>,
    pub teams: Vec<TeamFloor>,
    pub groups: Vec<DutyGroup>,
    /// Agents in every team's `available` list together: on a busy desk
    /// none, and a new ticket then waits without a look at its teams.
    available_agents: usize,
}

impl Floor {
    /// Creates every agent off duty; `groups[g]` matches the scenario's shifts in order.
    pub fn new(scenario: &Scenario, capacity: Units) -> Self {
        let mut agents = Vec::new();
        let mut groups = Vec::new();
        for (t, team) in scenario.teams.iter().enumerate() {
            for shift in &team.shifts {
                groups.push(DutyGroup { first: agents.len() as u32, count: shift.agents });
                for _ in 0..shift.agents {
                    agents.push(Agent {
                        team: t as u32,
                        on_shift: false,
                        used: 0,
                        outbound_only: shift.outbound_only,
                        slot: NOT_AVAILABLE,
                        bucket_slot: NOT_AVAILABLE,
                    });
                }
            }
        }
        let teams = (0..scenario.teams.len())
            .map(|t| TeamFloor {
                indexed: capacity > 1 || agents.iter().any(|a| a.team == t as u32 && a.outbound_only),
                ..TeamFloor::default()
            })
            .collect();
        Floor { capacity, agents, teams, groups, available_agents: 0 }
    }

    /// Brings the team's time meters up to `now`; call before any change.
    #[inline]
    fn meter(&mut self, team: usize, now: f64) {
        let f = &mut self.teams[team];
        let dt = now - f.meter_time;
        if dt > 0.0 {
            f.busy_area += f.busy_units as f64 * dt;
            f.present_area += f64::from(f.present) * dt;
            f.meter_time = now;
        }
    }

    #[inline]
    fn make_available(&mut self, agent: u32) {
        let a = &mut self.agents[agent as usize];
        if a.slot == NOT_AVAILABLE && a.on_shift && a.used < self.capacity {
            let list = &mut self.teams[a.team as usize].available;
            a.slot = list.len() as u32;
            list.push(agent);
            self.available_agents += 1;
            self.index(agent);
        }
    }

    #[inline(always)]
    fn make_unavailable(&mut self, agent: u32) {
        let (team, slot) = {
            let a = &self.agents[agent as usize];
            (a.team as usize, a.slot)
        };
        if slot == NOT_AVAILABLE {
            return;
        }
        self.unindex(agent);
        let list = &mut self.teams[team].available;
        list.swap_remove(slot as usize);
        self.available_agents -= 1;
        if let Some(&moved) = list.get(slot as usize) {
            self.agents[moved as usize].slot = slot;
        }
        self.agents[agent as usize].slot = NOT_AVAILABLE;
    }

    /// Whether the agent's team keeps a spare-capacity index.
    #[inline(always)]
    fn indexed(&self, agent: u32) -> bool {
        self.teams[self.agents[agent as usize].team as usize].indexed
    }

    /// Files an available agent under its spare capacity (when its team
    /// keeps the index).
    #[inline(always)]
    fn index(&mut self, agent: u32) {
        if self.indexed(agent) {
            self.file_spare(agent);
        }
    }

    /// [`Floor::index`]'s filing.
    #[inline(never)]
    fn file_spare(&mut self, agent: u32) {
        let a = &self.agents[agent as usize];
        let spare = self.capacity - a.used;
        let f = &mut self.teams[a.team as usize];
        let index = if a.outbound_only { &mut f.reserved } else { &mut f.inbound };
        let position = index.insert(spare, agent);
        self.agents[agent as usize].bucket_slot = position;
    }

    /// Takes an available agent out of the spare-capacity index (before its
    /// capacity in use changes).
    #[inline(always)]
    fn unindex(&mut self, agent: u32) {
        if self.indexed(agent) {
            self.unfile_spare(agent);
        }
    }

    /// [`Floor::unindex`]'s removal.
    #[inline(never)]
    fn unfile_spare(&mut self, agent: u32) {
        let a = &self.agents[agent as usize];
        let (spare, position) = (self.capacity - a.used, a.bucket_slot);
        let f = &mut self.teams[a.team as usize];
        let index = if a.outbound_only { &mut f.reserved } else { &mut f.inbound };
        if let Some(moved) = index.remove(spare, position) {
            self.agents[moved as usize].bucket_slot = position;
        }
        self.agents[agent as usize].bucket_slot = NOT_AVAILABLE;
    }

    /// Spare capacity units of an agent.
    #[inline]
    pub fn spare(&self, agent: u32) -> Units {
        self.capacity - self.agents[agent as usize].used
    }

    /// Whether any agent of any team is available.
    #[inline(always)]
    pub fn anyone_available(&self) -> bool {
        self.available_agents > 0
    }

    /// In `team`, the available agent with the *least* spare capacity that still
    /// fits `units` (the first such on a tie). Packing chats onto agents who
    /// already hold some keeps other agents wholly free for a call or an email.
    /// Agents in a reserved outbound block take only `outbound` tickets.
    #[inline]
    pub fn find(&self, team: usize, units: Units, outbound: bool) -> Option<u32> {
        let f = &self.teams[team];
        // The usual answer on a busy desk, without a look at the levels.
        if f.available.is_empty() {
            return None;
        }
        if !f.indexed {
            // Capacity 1, no reserved block: every available agent fits.
            return f.available.first().copied();
        }
        let inbound = f.inbound.least_fitting(units);
        if !outbound {
            return inbound.map(|(_, a)| a);
        }
        match (inbound, f.reserved.least_fitting(units)) {
            (Some((s, a)), Some((r, b))) => Some(if r < s { b } else { a }),
            (a, b) => a.or(b).map(|(_, agent)| agent),
        }
    }

    /// The agent takes a ticket needing `units`.
    #[inline(always)]
    pub fn take(&mut self, agent: u32, units: Units, now: f64) {
        let team = self.agents[agent as usize].team as usize;
        self.meter(team, now);
        self.teams[team].busy_units += units;
        if self.agents[agent as usize].used + units >= self.capacity {
            self.make_unavailable(agent);
            self.agents[agent as usize].used += units;
        } else {
            let indexed = self.agents[agent as usize].slot != NOT_AVAILABLE;
            if indexed {
                self.unindex(agent);
            }
            self.agents[agent as usize].used += units;
            if indexed {
                self.index(agent);
            }
        }
    }

    /// The agent finishes a ticket that needed `units`. Returns whether the
    /// agent is still on shift (and so should look for more work).
    #[inline]
    pub fn release(&mut self, agent: u32, units: Units, now: f64) -> bool {
        let team = self.agents[agent as usize].team as usize;
        self.meter(team, now);
        self.teams[team].busy_units -= units;
        let indexed = self.agents[agent as usize].slot != NOT_AVAILABLE;
        if indexed {
            self.unindex(agent);
        }
        let a = &mut self.agents[agent as usize];
        a.used -= units;
        if a.on_shift {
            if indexed {
                self.index(agent);
            } else {
                self.make_available(agent);
            }
            true
        } else {
            if a.used == 0 {
                self.teams[team].present -= 1; // finished the last ticket after the shift
            }
            false
        }
    }

    /// [`Floor::release`] for an agent who goes straight on to look for
    /// work: one who was fully busy is not filed as available yet, so the
    /// ticket it takes at once does not file it and take it out again (the
    /// caller files it with [`Floor::file`] when it has looked). Filing an
    /// agent and taking it out again leaves the lists as they were (it is
    /// pushed onto their ends and popped), so the outcome is `release`'s.
    /// Returns whether the agent is still on shift.
    #[inline]
    pub fn release_unfiled(&mut self, agent: u32, units: Units, now: f64) -> bool {
        let a = &self.agents[agent as usize];
        if a.slot != NOT_AVAILABLE || !a.on_shift {
            return self.release(agent, units, now);
        }
        let team = a.team as usize;
        self.meter(team, now);
        self.teams[team].busy_units -= units;
        self.agents[agent as usize].used -= units;
        true
    }

    /// Files an agent on shift with spare capacity as available, if it is
    /// not already (after [`Floor::release_unfiled`]).
    #[inline]
    pub fn file(&mut self, agent: u32) {
        self.make_available(agent);
    }

    /// Starts or ends duty for a group of agents.
    pub fn set_duty(&mut self, group: usize, on: bool, now: f64) {
        let DutyGroup { first, count } = self.groups[group];
        for agent in first..first + count {
            let team = self.agents[agent as usize].team as usize;
            self.meter(team, now);
            let a = &mut self.agents[agent as usize];
            if a.on_shift == on {
                continue;
            }
            a.on_shift = on;
            let idle = a.used == 0;
            if on {
                if idle {
                    self.teams[team].present += 1;
                }
                self.make_available(agent);
            } else {
                if idle {
                    self.teams[team].present -= 1;
                }
                self.make_unavailable(agent);
            }
        }
    }

    /// The team's agent time since the last call (agent-seconds), resetting it.
    pub fn take_time(&mut self, team: usize, now: f64) -> AgentTime {
        self.meter(team, now);
        let capacity = self.capacity as f64;
        let f = &mut self.teams[team];
        let time = AgentTime { busy: f.busy_area / capacity, on_duty: f.present_area };
        f.busy_area = 0.0;
        f.present_area = 0.0;
        time
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A floor of `n` agents in one team, all on duty, capacity 6 (tickets of
    /// 1, 2, 3 or 6 units: concurrencies 6, 3, 2 and 1); the last `reserved`
    /// in a reserved outbound block.
    fn floor(n: u32, reserved: u32) -> Floor {
        floor_of(6, n, reserved, true)
    }

    /// A floor of `n` agents of `capacity` units; `indexed`: whether the
    /// team keeps its spare-capacity index.
    fn floor_of(capacity: Units, n: u32, reserved: u32, indexed: bool) -> Floor {
        let agents = (0..n)
            .map(|i| Agent {
                team: 0,
                on_shift: false,
                used: 0,
                outbound_only: i >= n - reserved,
                slot: NOT_AVAILABLE,
                bucket_slot: NOT_AVAILABLE,
            })
            .collect();
        let mut f = Floor {
            capacity,
            agents,
            teams: vec![TeamFloor { indexed, ..TeamFloor::default() }],
            groups: vec![DutyGroup { first: 0, count: n }],
            available_agents: 0,
        };
        f.set_duty(0, true, 0.0);
        f
    }

    #[test]
    fn a_capacity_one_team_without_its_index_finds_the_agent_the_index_would() {
        let (mut with, mut without) = (floor_of(1, 30, 0, true), floor_of(1, 30, 0, false));
        let mut held: Vec<u32> = Vec::new();
        let mut x = 11u64;
        for step in 0..20_000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let found = with.find(0, 1, false);
            assert_eq!(without.find(0, 1, false), found, "step {step}");
            for f in [&with, &without] {
                assert_eq!(f.anyone_available(), !f.teams[0].available.is_empty(), "step {step}");
            }
            if let (Some(a), true) = (found, !(x >> 50).is_multiple_of(3)) {
                with.take(a, 1, step as f64);
                without.take(a, 1, step as f64);
                held.push(a);
            } else if !held.is_empty() {
                let a = held.swap_remove((x >> 20) as usize % held.len());
                assert_eq!(with.release(a, 1, step as f64), without.release(a, 1, step as f64));
            }
            if step % 5000 == 4999 {
                for f in [&mut with, &mut without] {
                    f.set_duty(0, false, step as f64);
                    f.set_duty(0, true, step as f64);
                }
            }
        }
        assert_eq!(with.teams[0].available, without.teams[0].available);
    }

    /// The least spare capacity that fits, by looking at every agent.
    fn least_fitting_by_scan(f: &Floor, units: Units, outbound: bool) -> Option<Units> {
        f.teams[0]
            .available
            .iter()
            .filter(|&&a| outbound || !f.agents[a as usize].outbound_only)
            .map(|&a| f.spare(a))
            .filter(|&s| s >= units)
            .min()
    }

    #[test]
    fn find_gives_the_least_spare_capacity_that_fits_as_a_scan_would() {
        let mut f = floor(40, 6);
        let mut held: Vec<(u32, Units)> = Vec::new();
        let mut x = 7u64;
        for step in 0..20_000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let units = [1, 2, 3, 6][(x >> 33) as usize % 4];
            let outbound = (x >> 40).is_multiple_of(5);
            let found = f.find(0, units, outbound);
            assert_eq!(found.map(|a| f.spare(a)), least_fitting_by_scan(&f, units, outbound), "step {step}");
            assert_eq!(f.anyone_available(), !f.teams[0].available.is_empty(), "step {step}");
            if let Some(a) = found {
                assert!(outbound || !f.agents[a as usize].outbound_only, "a reserved agent took an inbound ticket");
            }
            // Take the ticket, or let someone finish one; now and then a duty change.
            if let (Some(a), true) = (found, !(x >> 50).is_multiple_of(3)) {
                f.take(a, units, step as f64);
                held.push((a, units));
            } else if !held.is_empty() {
                let (a, u) = held.swap_remove((x >> 20) as usize % held.len());
                f.release(a, u, step as f64);
            }
            if step % 5000 == 4999 {
                f.set_duty(0, false, step as f64);
                f.set_duty(0, true, step as f64);
            }
        }
    }
}
