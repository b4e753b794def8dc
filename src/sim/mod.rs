//! The engine: one replication of a desk as a pure function of (scenario,
//! policy, replication index). No printing, no files, no clock.
//!
//! Rules it keeps:
//! - Each queue has its own random streams for arrivals, handle times and
//!   patience; a ticket's handle time and patience are drawn when it arrives.
//!   So every policy sees the same tickets (common random numbers).
//! - An agent with spare capacity picks, among its skills' queues that are
//!   open and have a ticket that fits, the one with the highest `priority`,
//!   then the earliest in the team's skill list; within the queue the
//!   discipline (FIFO or LIFO) picks the ticket.
//! - A ticket arriving when an agent is free goes to the first team in
//!   the team that lists the queue earliest in its skills (then the team
//!   first in the file), to its agent with the least spare capacity that fits
//!   (chats are packed, so whole agents stay free for calls and emails).
//! - Abandonment timers are cancelled lazily; an agent whose shift ends
//!   finishes the tickets in hand, then leaves.

pub mod agents;
pub mod arrivals;
pub mod calendar;
pub mod events;
pub mod queue;

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use rand_distr::{Distribution, Exp1};

use crate::scenario::{Policy, Scenario};
use crate::stats::{Recorder, ReplicationStats};
use agents::Floor;
use arrivals::ArrivalClock;
use calendar::CalendarCursor;
use events::{Event, EventQueue};
use queue::{TicketStore, WaitingLine};

/// What a random stream is used for; part of its seed.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub enum Purpose {
    Arrivals = 1,
    HandleTime = 2,
    Patience = 3,
}

/// The random stream for one (replication, queue, purpose): a portable
/// generator seeded from a SplitMix64 mix of the four numbers, so streams are
/// independent of each other, of the thread count and of the policy.
pub fn stream(seed: u64, replication: u32, queue: usize, purpose: Purpose) -> Xoshiro256PlusPlus {
    let mut x = seed;
    for part in [u64::from(replication), queue as u64, purpose as u64] {
        x = splitmix64(x ^ splitmix64(part.wrapping_add(0x9e37_79b9_7f4a_7c15)));
    }
    Xoshiro256PlusPlus::seed_from_u64(x)
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Runs replication `replication` of `scenario` under `policy`.
pub fn simulate(scenario: &Scenario, policy: Policy, replication: u32) -> ReplicationStats {
    Engine::new(scenario, policy, replication).run()
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}

struct QueueRuntime {
    line: WaitingLine,
    open: bool,
    hours: CalendarCursor,
    arrivals: ArrivalClock,
    arrival_rng: Xoshiro256PlusPlus,
    handle_rng: Xoshiro256PlusPlus,
    patience_rng: Xoshiro256PlusPlus,
    /// Capacity units one ticket uses.
    units: u32,
    /// Teams that serve this queue, in routing order.
    teams: Vec<u32>,
}

struct Engine<'a> {
    scenario: &'a Scenario,
    now: f64,
    horizon: f64,
    events: EventQueue,
    store: TicketStore,
    queues: Vec<QueueRuntime>,
    floor: Floor,
    /// Per team: its queues in the order an agent looks at them.
    pick_order: Vec<Vec<u32>>,
    duty: Vec<CalendarCursor>,
    interval_index: usize,
    recorder: Recorder,
}

impl<'a> Engine<'a> {
    fn new(scenario: &'a Scenario, policy: Policy, replication: u32) -> Self {
        let sim = &scenario.simulation;
        let capacity = scenario.queues.iter().fold(1, |acc, q| acc / gcd(acc, q.concurrency) * q.concurrency);
        let queues = scenario
            .queues
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let mut teams: Vec<(usize, usize)> = scenario
                    .teams
                    .iter()
                    .enumerate()
                    .filter_map(|(t, team)| team.skills.iter().position(|&s| s == i).map(|rank| (rank, t)))
                    .collect();
                teams.sort();
                let (hours, open) = CalendarCursor::new(&q.hours, sim.start);
                QueueRuntime {
                    line: WaitingLine::new(policy.discipline_for(q.discipline)),
                    open,
                    hours,
                    arrivals: ArrivalClock::new(&q.arrivals, sim.start),
                    arrival_rng: stream(sim.seed, replication, i, Purpose::Arrivals),
                    handle_rng: stream(sim.seed, replication, i, Purpose::HandleTime),
                    patience_rng: stream(sim.seed, replication, i, Purpose::Patience),
                    units: capacity / q.concurrency,
                    teams: teams.into_iter().map(|(_, t)| t as u32).collect(),
                }
            })
            .collect();
        let pick_order = scenario
            .teams
            .iter()
            .map(|team| {
                let mut order: Vec<(i32, usize, u32)> = team
                    .skills
                    .iter()
                    .enumerate()
                    .map(|(rank, &q)| (-scenario.queues[q].priority, rank, q as u32))
                    .collect();
                order.sort();
                order.into_iter().map(|(_, _, q)| q).collect()
            })
            .collect();
        let recorder = Recorder::new(
            sim.warmup,
            sim.horizon,
            sim.interval,
            scenario.queues.iter().map(|q| q.sla.within).collect(),
            scenario.teams.len(),
        );
        Engine {
            scenario,
            now: 0.0,
            horizon: sim.horizon,
            events: EventQueue::default(),
            store: TicketStore::default(),
            queues,
            floor: Floor::new(scenario, capacity),
            pick_order,
            duty: Vec::new(),
            interval_index: 0,
            recorder,
        }
    }

    fn schedule(&mut self, time: f64, event: Event) {
        if time < self.horizon {
            self.events.push(time, event);
        }
    }

    fn run(mut self) -> ReplicationStats {
        let sim = &self.scenario.simulation;
        for q in 0..self.queues.len() {
            if let Some((t, _)) = self.queues[q].hours.peek() {
                self.schedule(t, Event::QueueHours { queue: q as u32 });
            }
            self.schedule_arrival(q);
        }
        let shifts = self.scenario.teams.iter().flat_map(|t| t.shifts.iter());
        for (g, shift) in shifts.enumerate() {
            let (cursor, on) = CalendarCursor::new(&shift.duty, sim.start);
            if on {
                self.floor.set_duty(g, true, 0.0);
            }
            if let Some((t, _)) = cursor.peek() {
                self.schedule(t, Event::Duty { group: g as u32 });
            }
            self.duty.push(cursor);
        }
        self.schedule(sim.interval, Event::IntervalEnd);

        while let Some(t) = self.events.next_time() {
            if t >= self.horizon {
                break;
            }
            let Some((time, event)) = self.events.pop() else {
                break;
            };
            self.now = time;
            match event {
                Event::Arrival { queue } => self.arrival(queue as usize),
                Event::Finish { agent, queue } => self.finish(agent, queue as usize),
                Event::Abandon { ticket, generation } => self.abandon(ticket, generation),
                Event::QueueHours { queue } => self.queue_hours(queue as usize),
                Event::Duty { group } => self.duty_change(group as usize),
                Event::IntervalEnd => self.interval_end(),
            }
        }
        self.now = self.horizon;
        self.interval_end();
        for q in 0..self.queues.len() {
            let arrivals: Vec<f64> = self.queues[q].line.waiting(&self.store).map(|t| t.arrival).collect();
            for arrival in arrivals {
                self.recorder.waiting_at_end(q, arrival);
            }
        }
        self.recorder.finish()
    }

    fn schedule_arrival(&mut self, q: usize) {
        let rt = &mut self.queues[q];
        let e: f64 = Exp1.sample(&mut rt.arrival_rng);
        if let Some(t) = rt.arrivals.next(self.now, e) {
            self.schedule(t, Event::Arrival { queue: q as u32 });
        }
    }

    fn arrival(&mut self, q: usize) {
        let queue = &self.scenario.queues[q];
        let rt = &mut self.queues[q];
        let handle = queue.handle_time.sample(&mut rt.handle_rng);
        let patience = queue.patience.as_ref().map(|d| d.sample(&mut rt.patience_rng));
        let now = self.now;
        self.schedule_arrival(q);
        self.recorder.offered(q, now);

        let rt = &self.queues[q];
        if rt.open {
            let units = rt.units;
            let agent = rt.teams.iter().find_map(|&t| self.floor.find(t as usize, units));
            if let Some(agent) = agent {
                self.start(agent, q, now, handle);
                return;
            }
        }
        let (id, generation) = self.store.insert(now, handle, q as u32);
        self.queues[q].line.push(id);
        if let Some(p) = patience {
            self.schedule(now + p, Event::Abandon { ticket: id, generation });
        }
    }

    fn start(&mut self, agent: u32, q: usize, arrival: f64, handle: f64) {
        let units = self.queues[q].units;
        self.recorder.answered(q, arrival, self.now - arrival);
        self.floor.take(agent, units, self.now);
        self.schedule(self.now + handle, Event::Finish { agent, queue: q as u32 });
    }

    /// Lets an agent with spare capacity take waiting tickets until none fits.
    fn dispatch(&mut self, agent: u32) {
        let team = self.floor.agents[agent as usize].team as usize;
        loop {
            let spare = self.floor.spare(agent);
            if spare == 0 {
                return;
            }
            let next = self.pick_order[team].iter().map(|&q| q as usize).find(|&q| {
                let rt = &self.queues[q];
                rt.open && !rt.line.is_empty() && rt.units <= spare
            });
            let Some(q) = next else { return };
            let Some(ticket) = self.queues[q].line.pop(&mut self.store) else {
                return;
            };
            self.start(agent, q, ticket.arrival, ticket.handle);
        }
    }

    fn finish(&mut self, agent: u32, q: usize) {
        let units = self.queues[q].units;
        if self.floor.release(agent, units, self.now) {
            self.dispatch(agent);
        }
    }

    fn abandon(&mut self, ticket: u32, generation: u32) {
        if !self.store.is_waiting(ticket, generation) {
            return; // served already: the timer is stale
        }
        let t = *self.store.get(ticket);
        self.store.mark_gone(ticket);
        self.queues[t.queue as usize].line.note_gone(&mut self.store);
        self.recorder.abandoned(t.queue as usize, t.arrival);
    }

    fn queue_hours(&mut self, q: usize) {
        let rt = &mut self.queues[q];
        let Some((_, open)) = rt.hours.peek() else {
            return;
        };
        rt.hours.advance();
        rt.open = open;
        if let Some((t, _)) = rt.hours.peek() {
            self.schedule(t, Event::QueueHours { queue: q as u32 });
        }
        if open {
            for t in self.queues[q].teams.clone() {
                for agent in self.floor.teams[t as usize].available.clone() {
                    self.dispatch(agent);
                }
            }
        }
    }

    fn duty_change(&mut self, g: usize) {
        let Some((_, on)) = self.duty[g].peek() else {
            return;
        };
        self.duty[g].advance();
        if let Some((t, _)) = self.duty[g].peek() {
            self.schedule(t, Event::Duty { group: g as u32 });
        }
        self.floor.set_duty(g, on, self.now);
        if on {
            let group = self.floor.groups[g].clone();
            for agent in group.first..group.first + group.count {
                self.dispatch(agent);
            }
        }
    }

    fn interval_end(&mut self) {
        let index = self.interval_index;
        self.interval_index += 1;
        let now = self.now;
        let backlog: Vec<usize> = self.queues.iter().map(|rt| rt.line.len()).collect();
        let times: Vec<_> = (0..self.floor.teams.len()).map(|t| self.floor.take_time(t, now)).collect();
        self.recorder.interval_end(index, backlog.into_iter(), times.into_iter());
        let next = (index + 2) as f64 * self.scenario.simulation.interval;
        if now < self.horizon {
            self.schedule(next, Event::IntervalEnd);
        }
    }
}
