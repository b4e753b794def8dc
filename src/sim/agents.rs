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
}

const NOT_AVAILABLE: u32 = u32::MAX;

/// Capacity units: a common multiple of every concurrency (at most lcm(1..=32) ≈ 1.4e14).
pub type Units = u64;

/// The agents of one team and the time they spend.
#[derive(Debug, Clone, Default)]
pub struct TeamFloor {
    /// Agents on shift with spare capacity (unordered).
    pub available: Vec<u32>,
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
                    });
                }
            }
        }
        Floor { capacity, agents, teams: vec![TeamFloor::default(); scenario.teams.len()], groups }
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

    fn make_available(&mut self, agent: u32) {
        let a = &mut self.agents[agent as usize];
        if a.slot == NOT_AVAILABLE && a.on_shift && a.used < self.capacity {
            let list = &mut self.teams[a.team as usize].available;
            a.slot = list.len() as u32;
            list.push(agent);
        }
    }

    fn make_unavailable(&mut self, agent: u32) {
        let (team, slot) = {
            let a = &self.agents[agent as usize];
            (a.team as usize, a.slot)
        };
        if slot == NOT_AVAILABLE {
            return;
        }
        let list = &mut self.teams[team].available;
        list.swap_remove(slot as usize);
        if let Some(&moved) = list.get(slot as usize) {
            self.agents[moved as usize].slot = slot;
        }
        self.agents[agent as usize].slot = NOT_AVAILABLE;
    }

    /// Spare capacity units of an agent.
    #[inline]
    pub fn spare(&self, agent: u32) -> Units {
        self.capacity - self.agents[agent as usize].used
    }

    /// In `team`, the available agent with the *least* spare capacity that still
    /// fits `units` (the first such on a tie). Packing chats onto agents who
    /// already hold some keeps other agents wholly free for a call or an email.
    /// Agents in a reserved outbound block take only `outbound` tickets.
    #[inline]
    pub fn find(&self, team: usize, units: Units, outbound: bool) -> Option<u32> {
        let mut best: Option<(u32, Units)> = None;
        for &a in &self.teams[team].available {
            if !outbound && self.agents[a as usize].outbound_only {
                continue;
            }
            let spare = self.spare(a);
            if spare == units {
                return Some(a);
            }
            if spare > units && best.is_none_or(|(_, s)| spare < s) {
                best = Some((a, spare));
            }
        }
        best.map(|(a, _)| a)
    }

    /// The agent takes a ticket needing `units`.
    #[inline]
    pub fn take(&mut self, agent: u32, units: Units, now: f64) {
        let team = self.agents[agent as usize].team as usize;
        self.meter(team, now);
        self.teams[team].busy_units += units;
        let a = &mut self.agents[agent as usize];
        a.used += units;
        if a.used >= self.capacity {
            self.make_unavailable(agent);
        }
    }

    /// The agent finishes a ticket that needed `units`. Returns whether the
    /// agent is still on shift (and so should look for more work).
    #[inline]
    pub fn release(&mut self, agent: u32, units: Units, now: f64) -> bool {
        let team = self.agents[agent as usize].team as usize;
        self.meter(team, now);
        self.teams[team].busy_units -= units;
        let a = &mut self.agents[agent as usize];
        a.used -= units;
        if a.on_shift {
            self.make_available(agent);
            true
        } else {
            if a.used == 0 {
                self.teams[team].present -= 1; // finished the last ticket after the shift
            }
            false
        }
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
