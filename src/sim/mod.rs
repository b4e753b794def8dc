//! The engine: one replication of a desk as a pure function of (scenario,
//! policy, replication index). No printing, no files, no clock.
//!
//! Rules it keeps:
//! - Each queue has its own random streams for arrivals, handle times,
//!   patience, grooming and callback requests; everything that describes a
//!   ticket is drawn when it arrives. So every policy sees the same tickets
//!   (common random numbers).
//! - A ticket arriving when an agent is free is answered at once: by the team
//!   that lists the queue earliest in its skills (then the team first in the
//!   file), by its agent with the least spare capacity that fits (chats are
//!   packed, so whole agents stay free for calls and emails).
//! - An agent with spare capacity takes the next ticket by the backlog policy
//!   (`choose`); see the README for each policy's rule.
//! - Abandonment and grooming timers are cancelled lazily; an agent whose
//!   shift ends finishes the tickets in hand, then leaves.
//! - A ticket is after hours if its queue is closed when it arrives (decided
//!   once, at arrival); a phone line with callbacks cannot hold calls while
//!   closed, so they end as `closed`, never as `abandoned`.

pub mod agents;
pub mod arrivals;
pub mod calendar;
pub mod conversations;
pub mod events;
pub mod outbound;
pub mod queue;
pub mod switching;

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, Exp1};

use crate::scenario::{Discipline, Policy, Scenario, SlaClock, Switching};
use crate::stats::recorder::age_band;
use crate::stats::{Origin, Recorder, ReplicationStats};
use agents::Floor;
use arrivals::{ArrivalClock, NextArrivals};
use calendar::CalendarCursor;
use conversations::{Conversations, Next};
use events::{Event, EventQueue};
use queue::{Contact, NO_CONVERSATION, Ticket, TicketStore, WaitingLine};
use switching::SwitchState;

/// What a random stream is used for; part of its seed.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub enum Purpose {
    Arrivals = 1,
    HandleTime = 2,
    Patience = 3,
    Grooming = 4,
    Callback = 5,
    /// Seeds of the conversations (replies, transfers) of a queue's tickets.
    Flows = 6,
    /// Whether a callback request asks for a time, and which.
    Scheduled = 7,
    /// Which attempt of an outbound list entry reaches the customer.
    Dialling = 8,
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

/// [`simulate`], also keeping a record of every counted ticket
/// (`ReplicationStats::tickets`), for `run --ticket-log`.
pub fn simulate_logged(scenario: &Scenario, policy: Policy, replication: u32) -> ReplicationStats {
    let mut engine = Engine::new(scenario, policy, replication);
    engine.recorder.log_tickets();
    engine.run()
}

/// A callback request's delay to the customer's chosen time, seconds, or -1
/// when it asks for none. Both draws are made either way, so the stream
/// stays aligned with the calls.
fn scheduled_delay(sc: &crate::scenario::ScheduledCallbacks, rng: &mut Xoshiro256PlusPlus) -> f32 {
    let asks = rng.random::<f64>() < sc.share;
    let delay = sc.after.sample(rng).max(0.0);
    if asks { delay as f32 } else { -1.0 }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// A queue's state in the engine. The fields are laid out in this order
/// (`repr(C)`), those every ticket touches first: with hundreds of queues,
/// a ticket's arrival, answer and pick then read a few cache lines of its
/// queue instead of fields strewn over the whole struct.
#[repr(C, align(64))]
struct QueueRuntime {
    arrival_rng: Xoshiro256PlusPlus,
    arrivals: ArrivalClock,
    handle_rng: Xoshiro256PlusPlus,
    line: WaitingLine,
    /// Teams that serve this queue, in routing order.
    teams: Vec<u32>,
    /// Capacity units one ticket uses.
    units: agents::Units,
    open: bool,
    /// An outbound call list: dialled only when no inbound ticket waits.
    outbound: bool,
    /// The backlog has fallen to the clearing threshold at least once.
    cleared: bool,
    /// Which discipline is in force (a discipline that changes over time).
    discipline: SwitchState,
    hours: CalendarCursor,
    patience_rng: Xoshiro256PlusPlus,
    grooming_rng: Xoshiro256PlusPlus,
    callback_rng: Xoshiro256PlusPlus,
    flow_rng: Xoshiro256PlusPlus,
    scheduled_rng: Xoshiro256PlusPlus,
    dialling_rng: Xoshiro256PlusPlus,
    /// Callback requests left while the initial backlog was loading.
    pending_callbacks: u32,
    /// Callback requests left while this (callback) queue was closed: they
    /// become after-hours callback tickets at its opening.
    pending_after_hours: u32,
}

/// The positions of the set bits of a bitset, in ascending order.
#[derive(Clone)]
struct SetBits<'a> {
    words: &'a [u64],
    word: usize,
    rest: u64,
}

impl<'a> SetBits<'a> {
    fn new(words: &'a [u64]) -> Self {
        SetBits { words, word: 0, rest: words.first().copied().unwrap_or(0) }
    }
}

impl Iterator for SetBits<'_> {
    type Item = usize;
    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.rest == 0 {
            self.word += 1;
            self.rest = *self.words.get(self.word)?;
        }
        let b = self.rest.trailing_zeros() as usize;
        self.rest &= self.rest - 1;
        Some(self.word * 64 + b)
    }
}

/// A team's skill on a queue, as a start reads it.
#[derive(Debug, Clone, Copy)]
struct SkillCell {
    /// The factor on the queue's handle time ([`crate::scenario::Team::speed_on`]).
    speed: f64,
    /// The team has the skill.
    has: bool,
}

/// Which ticket of a queue to take.
#[derive(Debug, Clone, Copy)]
enum Take {
    Oldest,
    Newest,
    /// A position found by `WaitingLine::oldest_where`.
    At(usize),
}

struct Engine<'a> {
    scenario: &'a Scenario,
    policy: Policy,
    /// The plan's rule when `policy` is a plan, and its state.
    plan: Option<&'a Switching<Policy>>,
    plan_state: SwitchState,
    now: f64,
    horizon: f64,
    events: EventQueue,
    store: TicketStore,
    queues: Vec<QueueRuntime>,
    floor: Floor,
    /// Per team: its queues in the order an agent looks at them.
    pick_order: Vec<Vec<u32>>,
    /// Per team: a bit per position of `pick_order`, set for every queue
    /// that is open with tickets waiting (and, lazily, for some that no
    /// longer are: a pick clears those it meets). So picking walks the
    /// queues that have work, never every skill of the team.
    ready: Vec<Vec<u64>>,
    /// Per queue: (team, position in that team's `pick_order`).
    skill_positions: Vec<Vec<(u32, u32)>>,
    duty: Vec<CalendarCursor>,
    interval_index: usize,
    /// Tickets waiting in all queues.
    waiting: usize,
    /// Each queue's next arrival (infinite when none before the horizon).
    next_arrival: NextArrivals,
    /// `[team * queues + queue]`: whether the team has the skill (checked
    /// on every start) and its speed factor on the queue, side by side, so
    /// a start reads one cell instead of two tables of the scenario.
    skills: Vec<SkillCell>,
    /// True while the initial backlog enters the lines at t = 0.
    loading: bool,
    all_cleared: bool,
    /// Tickets are followed to their resolution (the desk has replies or transfers).
    flows: bool,
    conversations: Conversations,
    /// Outbound list entries between attempts.
    retries: outbound::Retries,
    recorder: Recorder,
}

impl<'a> Engine<'a> {
    fn new(scenario: &'a Scenario, policy: Policy, replication: u32) -> Self {
        let sim = &scenario.simulation;
        let capacity: agents::Units = scenario
            .queues
            .iter()
            .fold(1, |acc, q| acc / gcd(acc, u64::from(q.concurrency)) * u64::from(q.concurrency));
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
                let (hours, open) = CalendarCursor::dated(&q.hours, sim.start, q.dated_hours.as_ref());
                let rng = |purpose| stream(sim.seed, replication, i, purpose);
                QueueRuntime {
                    line: WaitingLine::default(),
                    open,
                    hours,
                    arrivals: ArrivalClock::new(&q.arrivals, sim.start).with_dated(&q.dated_volume),
                    arrival_rng: rng(Purpose::Arrivals),
                    handle_rng: rng(Purpose::HandleTime),
                    patience_rng: rng(Purpose::Patience),
                    grooming_rng: rng(Purpose::Grooming),
                    callback_rng: rng(Purpose::Callback),
                    flow_rng: rng(Purpose::Flows),
                    scheduled_rng: rng(Purpose::Scheduled),
                    dialling_rng: rng(Purpose::Dialling),
                    outbound: q.outbound.is_some(),
                    units: capacity / u64::from(q.concurrency),
                    teams: teams.into_iter().map(|(_, t)| t as u32).collect(),
                    pending_callbacks: 0,
                    pending_after_hours: 0,
                    cleared: false,
                    discipline: SwitchState::new(&q.discipline, sim.start),
                }
            })
            .collect();
        let pick_order: Vec<Vec<u32>> = scenario
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
        let mut recorder = Recorder::new(
            sim.warmup,
            sim.horizon,
            sim.interval,
            scenario.queues.iter().map(|q| q.sla.within).collect(),
            scenario.teams.len(),
        )
        .with_after_hours_within(
            scenario.queues.iter().map(|q| q.after_hours_sla.map_or(q.sla.within, |s| s.within)).collect(),
        );
        let flows = scenario.has_flows();
        if flows {
            recorder.follow_conversations();
        }
        let plan = match policy {
            Policy::Plan(i) => scenario.plans.get(i as usize).map(|p| &p.rule),
            _ => None,
        };
        Engine {
            scenario,
            policy,
            plan,
            plan_state: plan
                .map_or_else(|| SwitchState::new(&Switching::Fixed(()), 0.0), |r| SwitchState::new(r, sim.start)),
            now: 0.0,
            horizon: sim.horizon,
            events: EventQueue::default(),
            store: TicketStore::default(),
            queues,
            floor: Floor::new(scenario, capacity),
            ready: pick_order.iter().map(|o: &Vec<u32>| vec![0; o.len().div_ceil(64)]).collect(),
            skill_positions: {
                let mut at = vec![Vec::new(); scenario.queues.len()];
                for (t, order) in pick_order.iter().enumerate() {
                    for (pos, &q) in order.iter().enumerate() {
                        at[q as usize].push((t as u32, pos as u32));
                    }
                }
                at
            },
            pick_order,
            duty: Vec::new(),
            interval_index: 0,
            waiting: 0,
            next_arrival: NextArrivals::new(scenario.queues.len()),
            loading: true,
            skills: scenario
                .teams
                .iter()
                .flat_map(|t| {
                    (0..scenario.queues.len()).map(|q| SkillCell { speed: t.speed_on(q), has: t.skills.contains(&q) })
                })
                .collect(),
            all_cleared: false,
            flows,
            conversations: Conversations::default(),
            retries: outbound::Retries::default(),
            recorder,
        }
    }

    #[inline]
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
            let (cursor, on) = CalendarCursor::dated(&shift.duty, sim.start, shift.dated.as_ref());
            if on {
                self.floor.set_duty(g, true, 0.0);
            }
            if let Some((t, _)) = cursor.peek() {
                self.schedule(t, Event::Duty { group: g as u32 });
            }
            self.duty.push(cursor);
        }
        // Interval ends inside the warm-up would only reset the agents' time
        // meters: the first one scheduled closes the warm-up (a year of
        // warm-up in 1-minute intervals is half a million events fewer).
        self.interval_index = ((sim.warmup / sim.interval).round() as usize).saturating_sub(1);
        self.schedule((self.interval_index + 1) as f64 * sim.interval, Event::IntervalEnd);
        // The initial backlog enters the lines first; then the agents on duty
        // pick from it by the policy, as they would from any backlog.
        for q in 0..self.queues.len() {
            if let Some(b) = self.scenario.queues[q].initial_backlog {
                for i in 0..b.tickets {
                    let age = if b.tickets > 1 {
                        b.oldest * f64::from(b.tickets - 1 - i) / f64::from(b.tickets - 1)
                    } else {
                        b.oldest
                    };
                    self.admit(q, -age, true, false);
                }
            }
        }
        self.loading = false;
        for q in 0..self.queues.len() {
            for _ in 0..std::mem::take(&mut self.queues[q].pending_callbacks) {
                self.admit(q, 0.0, false, false);
            }
        }
        self.dispatch_all((0..self.floor.teams.len()).collect());
        for q in 0..self.queues.len() {
            self.check_cleared(q);
        }

        loop {
            let (q, arrival) = self.next_arrival.earliest();
            let next = self.events.next_time();
            if arrival.min(next) >= self.horizon {
                break;
            }
            // At equal times the heap's events go first: they were scheduled earlier.
            if arrival < next {
                self.now = arrival;
                self.arrival(q);
                continue;
            }
            let Some((time, event)) = self.events.pop() else { break };
            self.now = time;
            match event {
                Event::Finish { agent, queue, conversation } => self.finish(agent, queue as usize, conversation),
                Event::Reply { conversation, queue } => {
                    self.enter(queue as usize, self.now, Contact::Reply, conversation);
                }
                Event::Transfer { conversation, queue } => {
                    self.enter(queue as usize, self.now, Contact::Transfer, conversation);
                }
                Event::Abandon { ticket, generation } => self.leave(ticket, generation, false),
                Event::Withdraw { ticket, generation } => self.leave(ticket, generation, true),
                Event::QueueHours { queue } => self.queue_hours(queue as usize),
                Event::Duty { group } => self.duty_change(group as usize),
                Event::IntervalEnd => self.interval_end(),
                Event::AttemptEnd { agent, queue, slot } => self.attempt_end(agent, queue as usize, slot),
                Event::Retry { slot } => self.retry(slot),
                Event::CallbackDue { queue } => self.request_callback(queue as usize),
            }
        }
        self.now = self.horizon;
        self.interval_end();
        for q in 0..self.queues.len() {
            // A reply still waiting is part of its ticket's conversation,
            // not one of the queue's offered tickets.
            let left: Vec<(f64, Origin)> = self.queues[q]
                .line
                .waiting(&self.store)
                .filter(|t| t.contact != Contact::Reply)
                .map(|t| (t.arrival, t.origin))
                .collect();
            for (arrival, origin) in left {
                let age = self.age(q, arrival);
                self.recorder.waiting_at_end(q, arrival, age, self.now - arrival, origin);
            }
        }
        // Outbound entries between attempts are still on their list.
        let between: Vec<(usize, f64, Origin)> =
            self.retries.pending().map(|t| (t.queue as usize, t.arrival, t.origin)).collect();
        for (q, arrival, origin) in between {
            let age = self.age(q, arrival);
            self.recorder.waiting_at_end(q, arrival, age, self.now - arrival, origin);
        }
        for c in self.conversations.in_progress() {
            self.recorder.conversation_open_at_end(c.home as usize, c.first_arrival, c.origin);
        }
        self.recorder.finish()
    }

    /// The tickets waiting in queue `q` now in the first three age bands
    /// (see [`crate::stats::recorder::age_band`]): one pass over its line,
    /// with the SLA clock consulted only for tickets older than the SLA on
    /// the wall clock (a business-hours age is never longer).
    fn age_bands(&self, q: usize) -> [u32; 3] {
        let mut bands = [0u32; 4];
        if self.queues[q].line.is_empty() {
            return [0; 3];
        }
        let within = self.scenario.queues[q].sla.within;
        for t in self.queues[q].line.waiting(&self.store) {
            let wall = self.now - t.arrival;
            let in_sla = wall <= within || self.age(q, t.arrival) <= within;
            bands[age_band(in_sla, wall)] += 1;
        }
        [bands[0], bands[1], bands[2]]
    }

    /// Time since `arrival` on the queue's SLA clock.
    fn age(&self, q: usize, arrival: f64) -> f64 {
        let queue = &self.scenario.queues[q];
        match queue.sla_clock {
            SlaClock::Wall => self.now - arrival,
            SlaClock::Business => queue.open_between(self.scenario.simulation.start, arrival, self.now),
        }
    }

    /// Draws the queue's next arrival. Arrivals stay out of the event heap:
    /// each queue keeps only its next one, and the main loop takes the
    /// earliest of those and the heap's first event (half the heap traffic).
    fn schedule_arrival(&mut self, q: usize) {
        let rt = &mut self.queues[q];
        let e: f64 = Exp1.sample(&mut rt.arrival_rng);
        let next = rt.arrivals.next(self.now, e).filter(|&t| t < self.horizon).unwrap_or(f64::INFINITY);
        self.next_arrival.set(q, next);
    }

    fn arrival(&mut self, q: usize) {
        self.schedule_arrival(q);
        self.admit(q, self.now, false, true);
    }

    /// A new ticket enters queue `q`: its handle time, patience, grooming,
    /// callback and conversation draws are made now, whatever happens to it.
    /// Whether it came after hours is settled here too, from the queue's
    /// state at arrival.
    fn admit(&mut self, q: usize, arrival: f64, initial: bool, may_start: bool) {
        let origin = match (initial, self.queues[q].open) {
            (true, _) => Origin::InitialBacklog,
            (false, true) => Origin::OpenHours,
            (false, false) => Origin::AfterHours,
        };
        self.admit_as(q, arrival, origin, may_start);
    }

    /// [`Engine::admit`] with the ticket's origin given.
    fn admit_as(&mut self, q: usize, arrival: f64, origin: Origin, may_start: bool) {
        let queue = &self.scenario.queues[q];
        let rt = &mut self.queues[q];
        let handle = queue.handle_time.sample(&mut rt.handle_rng);
        let patience = queue.patience.as_ref().map(|d| d.sample(&mut rt.patience_rng));
        let stale = queue.stale.filter(|st| rt.grooming_rng.random::<f64>() < st.resolve);
        let callback = queue.callback.is_some_and(|cb| rt.callback_rng.random::<f64>() < cb.share);
        let conversation = if self.flows {
            let seed = rt.flow_rng.random::<u64>();
            self.recorder.conversation_opened(q, arrival, origin);
            self.conversations.open(arrival, q, origin, seed)
        } else {
            NO_CONVERSATION
        };
        self.recorder.offered(q, arrival, origin);
        let mut ticket = Ticket::new(arrival, handle, q as u32, origin);
        ticket.callback = callback;
        ticket.conversation = conversation;
        // Streams used only by the newer features are drawn only when the
        // queue has them, so other scenarios keep their results.
        let rt = &mut self.queues[q];
        if let Some(sc) = &queue.scheduled_callbacks {
            ticket.scheduled = scheduled_delay(sc, &mut rt.scheduled_rng);
        }
        if let Some(rules) = &queue.outbound {
            ticket.connect_on = outbound::connect_on(&mut rt.dialling_rng, rules);
        }
        self.place(ticket, patience, stale, may_start);
    }

    /// A ticket already in the desk enters queue `q` at `now`: transferred
    /// from another queue, or the customer's reply to this queue's answer.
    /// Its draws come from its conversation's stream.
    fn enter(&mut self, q: usize, now: f64, contact: Contact, conversation: u32) {
        let queue = &self.scenario.queues[q];
        let origin = if self.queues[q].open { Origin::OpenHours } else { Origin::AfterHours };
        let rng = &mut self.conversations.get_mut(conversation).rng;
        let (handle, patience, callback) = match contact {
            Contact::Reply => {
                let replies = queue.replies.as_ref().expect("only queues with replies get replies");
                (replies.handle_time.sample(rng), None, false)
            }
            _ => {
                let handle = queue.handle_time.sample(rng);
                let patience = queue.patience.as_ref().map(|d| d.sample(rng));
                let callback = queue.callback.is_some_and(|cb| rng.random::<f64>() < cb.share);
                (handle, patience, callback)
            }
        };
        let scheduled = match (&queue.scheduled_callbacks, contact) {
            (Some(sc), Contact::Transfer | Contact::New) => scheduled_delay(sc, rng),
            _ => -1.0,
        };
        match contact {
            Contact::Reply => self.recorder.reply(q, now),
            _ => {
                self.recorder.transfer_in(q, now);
                self.recorder.offered(q, now, origin);
            }
        }
        let mut ticket = Ticket::new(now, handle, q as u32, origin);
        ticket.callback = callback;
        ticket.contact = contact;
        ticket.conversation = conversation;
        ticket.scheduled = scheduled;
        self.place(ticket, patience, None, true);
    }

    /// A contact that entered queue `ticket.queue` (and was counted there)
    /// is missed at once, answered at once, or waits.
    fn place(&mut self, ticket: Ticket, patience: Option<f64>, stale: Option<crate::scenario::Stale>, may_start: bool) {
        let q = ticket.queue as usize;
        let queue = &self.scenario.queues[q];
        let arrival = ticket.arrival;
        if queue.live && !self.queues[q].open {
            // A closed phone line or chat cannot hold the contact: it is
            // missed (closed, not abandoned: the customer did not give up),
            // and a call may leave a callback request.
            self.recorder.closed(q, arrival, self.now - arrival, ticket.origin);
            self.missed(ticket);
            return;
        }
        if let Some(st) = stale
            && arrival + st.after <= self.now
        {
            // Already stale when it enters (old initial backlog): groomed at once.
            self.recorder.withdrawn(q, arrival, self.now - arrival, ticket.origin);
            self.end_unresolved(ticket.conversation);
            return;
        }
        if may_start && self.queues[q].open && self.floor.anyone_available() {
            let units = self.queues[q].units;
            let outbound = self.queues[q].outbound;
            let agent = self.queues[q].teams.iter().find_map(|&t| self.floor.find(t as usize, units, outbound));
            if let Some(agent) = agent {
                self.start(agent, &ticket);
                return;
            }
        }
        let (id, generation) = self.store.insert(ticket);
        let line = &mut self.queues[q].line;
        let was_empty = line.is_empty();
        line.push(id);
        // An open queue with tickets waiting keeps its bits (a pick clears
        // only those of queues it finds empty or closed, and an opening sets
        // them again), so only a line that was empty needs them set.
        if was_empty {
            self.mark_ready(q);
        }
        self.waiting += 1;
        if let Some(p) = patience {
            // A customer who wrote while the queue was closed starts to lose
            // patience when it opens: nobody gives up on a desk for being
            // closed at night.
            let from = match ticket.origin {
                Origin::AfterHours => self.queues[q].hours.peek().map_or(self.now, |(t, _)| t.max(self.now)),
                _ => self.now,
            };
            self.schedule(from + p, Event::Abandon { ticket: id, generation });
        }
        if let Some(st) = stale {
            self.schedule(arrival + st.after, Event::Withdraw { ticket: id, generation });
        }
    }

    /// A ticket of a live channel missed because its line was closed (already
    /// counted as closed): its callback request, if it leaves one, and the end
    /// of its conversation.
    fn missed(&mut self, ticket: Ticket) {
        let q = ticket.queue as usize;
        if ticket.callback
            && let Some(cb) = self.scenario.queues[q].callback
        {
            self.recorder.callback_created(q, ticket.arrival, ticket.origin);
            if ticket.scheduled >= 0.0 {
                let delay = f64::from(ticket.scheduled);
                self.recorder.callback_scheduled(q, ticket.arrival, ticket.origin, delay);
                self.schedule(self.now + delay, Event::CallbackDue { queue: cb.queue as u32 });
            } else {
                self.request_callback(cb.queue);
            }
        }
        self.end_unresolved(ticket.conversation);
    }

    /// A followed ticket ended without being resolved.
    fn end_unresolved(&mut self, conversation: u32) {
        if conversation != NO_CONVERSATION {
            let c = self.conversations.close(conversation);
            self.recorder.conversation_lost(c.home as usize, c.first_arrival, c.origin);
        }
    }

    /// A callback ticket for queue `cbq`: now if it is open, else at its opening.
    /// While the initial backlog is loading, requests wait so that every
    /// line stays in arrival order.
    /// A request left while the queue is closed (or for a time when it is
    /// closed) becomes an after-hours callback ticket at the opening.
    fn request_callback(&mut self, cbq: usize) {
        match (self.queues[cbq].open, self.loading) {
            (true, false) => self.admit(cbq, self.now, false, true),
            (true, true) => self.queues[cbq].pending_callbacks += 1,
            (false, _) => self.queues[cbq].pending_after_hours += 1,
        }
    }

    /// Agent `agent` answers `ticket`, whose handle time was drawn when it
    /// entered the queue: the answering team's speed factor on the queue
    /// scales it now, so the same ticket takes a specialist less time than a
    /// generalist (and the draws stay those of the ticket).
    fn start(&mut self, agent: u32, ticket: &Ticket) {
        let q = ticket.queue as usize;
        let units = self.queues[q].units;
        let team = self.floor.agents[agent as usize].team as usize;
        let skill = self.skills[team * self.queues.len() + q];
        if !skill.has {
            self.recorder.served_without_skill();
        }
        let speed = skill.speed;
        if let Some(rules) = &self.scenario.queues[q].outbound {
            self.dial(agent, *ticket, rules, speed);
            return;
        }
        let handle = ticket.handle * speed;
        let wait = self.age(q, ticket.arrival);
        match ticket.contact {
            Contact::Reply => self.recorder.reply_answered(q, ticket.arrival, wait),
            _ => {
                self.recorder.answered(q, ticket.arrival, wait, ticket.origin);
                self.recorder.log_answered(q, ticket.arrival, ticket.origin, self.now - ticket.arrival, handle);
            }
        }
        self.floor.take(agent, units, self.now);
        let finish = Event::Finish { agent, queue: q as u32, conversation: ticket.conversation };
        self.schedule(self.now + handle, finish);
    }

    /// Agent `agent` makes an attempt on outbound list entry `ticket`: a
    /// call of its handle time when the customer answers, otherwise the
    /// no-answer time, after which the entry waits for its next attempt (or,
    /// after the last one, counts as never reached).
    fn dial(&mut self, agent: u32, mut ticket: Ticket, rules: &crate::scenario::Outbound, speed: f64) {
        let q = ticket.queue as usize;
        let units = self.queues[q].units;
        let (arrival, origin) = (ticket.arrival, ticket.origin);
        self.recorder.outbound_attempt(q, arrival, origin);
        self.floor.take(agent, units, self.now);
        match outbound::attempt(&mut ticket, rules) {
            outbound::Attempt::Reached => {
                let wait = self.age(q, arrival);
                self.recorder.answered(q, arrival, wait, origin);
                self.recorder.log_answered(q, arrival, origin, self.now - arrival, ticket.handle * speed);
                self.recorder.outbound_settled(q, arrival, origin, ticket.attempt, true);
                let finish = Event::Finish { agent, queue: q as u32, conversation: NO_CONVERSATION };
                self.schedule(self.now + ticket.handle * speed, finish);
            }
            outbound::Attempt::Unreached => {
                self.recorder.abandoned(q, arrival, self.now - arrival, origin);
                self.recorder.outbound_settled(q, arrival, origin, ticket.attempt, false);
                let finish = Event::Finish { agent, queue: q as u32, conversation: NO_CONVERSATION };
                self.schedule(self.now + rules.no_answer_time * speed, finish);
            }
            outbound::Attempt::Retry => {
                let slot = self.retries.insert(ticket);
                let end = Event::AttemptEnd { agent, queue: q as u32, slot };
                self.schedule(self.now + rules.no_answer_time * speed, end);
            }
        }
    }

    /// An unanswered outbound attempt ends: the agent is free, and the entry
    /// rejoins its list `retry_after` later (at the horizon it is still on
    /// the list, waiting).
    fn attempt_end(&mut self, agent: u32, q: usize, slot: u32) {
        let retry_after = self.scenario.queues[q].outbound.map_or(0.0, |o| o.retry_after);
        self.schedule(self.now + retry_after, Event::Retry { slot });
        self.finish(agent, q, NO_CONVERSATION);
    }

    /// An outbound entry's retry is due: it joins the back of its list.
    fn retry(&mut self, slot: u32) {
        if let Some(ticket) = self.retries.take(slot) {
            self.place(ticket, None, None, true);
        }
    }

    /// The step after an agent's touch on a followed ticket in queue `q`.
    fn follow_up(&mut self, conversation: u32, q: usize) {
        let queue = &self.scenario.queues[q];
        let c = self.conversations.get_mut(conversation);
        c.touches += 1;
        match c.next(queue) {
            Next::Transfer { to, after } => {
                c.transfers += 1;
                self.recorder.transfer_out(q, self.now);
                if after > 0.0 {
                    self.schedule(self.now + after, Event::Transfer { conversation, queue: to as u32 });
                } else {
                    self.enter(to, self.now, Contact::Transfer, conversation);
                }
            }
            // A reply after the horizon is never scheduled: the ticket is
            // then still open at the end.
            Next::Reply { after } => self.schedule(self.now + after, Event::Reply { conversation, queue: q as u32 }),
            Next::Resolved => {
                let c = self.conversations.close(conversation);
                let time = self.now - c.first_arrival;
                self.recorder.resolved(c.home as usize, c.first_arrival, c.origin, time, c.touches, c.transfers);
            }
        }
    }

    /// Records clearing times once a backlog falls to the threshold.
    #[inline(always)]
    fn check_cleared(&mut self, q: usize) {
        let below = self.scenario.simulation.clear_below as usize;
        if !self.queues[q].cleared && self.queues[q].line.len() <= below {
            self.queues[q].cleared = true;
            self.recorder.cleared(Some(q), self.now);
        }
        if !self.all_cleared && self.waiting <= below {
            self.all_cleared = true;
            self.recorder.cleared(None, self.now);
        }
    }

    /// The next ticket for an agent of `team` with `spare` capacity units,
    /// by the backlog policy: its queue and which ticket of it.
    fn choose(&mut self, team: usize, spare: agents::Units, outbound_only: bool) -> Option<(usize, Take)> {
        let Engine { scenario, queues, store, pick_order, ready, now, policy, plan, plan_state, waiting, .. } = self;
        // A plan's order in force now; its backlog is the desk's.
        let policy = match plan {
            Some(rule) => plan_state.current(rule, *now, *waiting),
            None => *policy,
        };
        // Inbound tickets only: an outbound list is dialled when none of
        // them fits (below), and an agent in a reserved outbound block dials only.
        let is_eligible = |queues: &[QueueRuntime], q: usize| {
            let rt = &queues[q];
            rt.open && !rt.line.is_empty() && rt.units <= spare && !rt.outbound && !outbound_only
        };
        let order = &pick_order[team];
        // The team's queues with work, in its order. The walk to the first
        // eligible one clears the stale bits it meets (queues emptied or
        // closed since), so a pick costs the queues it looks at, not the team's.
        let bits = &mut ready[team];
        let mut found = None;
        'walk: for (w, word) in bits.iter_mut().enumerate() {
            let mut rest = *word;
            while rest != 0 {
                let b = rest.trailing_zeros();
                rest &= rest - 1;
                let q = order[w * 64 + b as usize] as usize;
                let rt = &queues[q];
                if !rt.open || rt.line.is_empty() {
                    *word &= !(1u64 << b);
                } else if is_eligible(queues, q) {
                    found = Some(q);
                    break 'walk;
                }
            }
        }
        let with_work = SetBits::new(bits).map(|pos| order[pos] as usize);
        let Some(first) = found else {
            let dialable = |q: usize| {
                let rt = &queues[q];
                rt.outbound && rt.open && !rt.line.is_empty() && rt.units <= spare
            };
            return with_work.clone().find(|&q| dialable(q)).map(|q| (q, Take::Oldest));
        };
        let discipline = match policy {
            Policy::PerQueue => {
                let rt = &mut queues[first];
                // The queue's own backlog decides a discipline's switch rule.
                let backlog = rt.line.len();
                rt.discipline.current(&scenario.queues[first].discipline, *now, backlog)
            }
            _ => Discipline::Fifo,
        };
        // Most decisions end here: no allocation on the hot path.
        if policy == Policy::PerQueue && discipline != Discipline::SlaFirst {
            let take = if discipline == Discipline::Lifo { Take::Newest } else { Take::Oldest };
            return Some((first, take));
        }
        let start = scenario.simulation.start;
        // The sla-first choice within one queue: (take, class, key), smaller first.
        let sla_first = |queues: &mut [QueueRuntime], store: &mut TicketStore, q: usize| -> Option<(Take, u8, f64)> {
            let queue = &scenario.queues[q];
            let age = |arrival: f64| match queue.sla_clock {
                SlaClock::Wall => *now - arrival,
                SlaClock::Business => queue.open_between(start, arrival, *now),
            };
            let within = queue.sla.within;
            let line = &mut queues[q].line;
            if let Some((pos, t)) = line.oldest_where(store, |a| age(a) <= within) {
                return Some((Take::At(pos), 0, within - age(t.arrival)));
            }
            line.oldest(store).map(|t| (Take::Oldest, 1, t.arrival))
        };
        // The agent's eligible queues are walked in its order, not collected:
        // looking at one line never changes whether another is eligible, and
        // a pick allocates nothing. Ties go to the queue met first.
        let mut best: Option<(usize, Take, u8, f64)> = None;
        match policy {
            // A plan's orders are built-in orders (validation refuses a plan
            // inside a plan), so `Plan` never comes out of `current`.
            Policy::PerQueue | Policy::Plan(_) => {
                let take = match discipline {
                    Discipline::Fifo => Take::Oldest,
                    Discipline::Lifo => Take::Newest,
                    Discipline::SlaFirst => sla_first(queues, store, first)?.0,
                };
                return Some((first, take));
            }
            Policy::Fifo | Policy::Priority => {
                let top = scenario.queues[first].priority;
                for q in with_work {
                    if !is_eligible(queues, q) || (policy == Policy::Priority && scenario.queues[q].priority != top) {
                        continue;
                    }
                    if let Some(t) = queues[q].line.oldest(store)
                        && best.is_none_or(|b| t.arrival.total_cmp(&b.3).is_lt())
                    {
                        best = Some((q, Take::Oldest, 0, t.arrival));
                    }
                }
            }
            Policy::Lifo => {
                for q in with_work {
                    if !is_eligible(queues, q) {
                        continue;
                    }
                    if let Some(t) = queues[q].line.newest(store)
                        && best.is_none_or(|b| t.arrival.total_cmp(&b.3).is_gt())
                    {
                        best = Some((q, Take::Newest, 0, t.arrival));
                    }
                }
            }
            Policy::SlaFirst => {
                for q in with_work {
                    if !is_eligible(queues, q) {
                        continue;
                    }
                    if let Some((take, class, key)) = sla_first(queues, store, q)
                        && best.is_none_or(|b| (class, key) < (b.2, b.3))
                    {
                        best = Some((q, take, class, key));
                    }
                }
            }
        }
        best.map(|(q, take, _, _)| (q, take))
    }

    /// Queue `q` may have work now (a ticket entered its empty line, or it
    /// opened): its bit is set for every team with the skill.
    #[inline]
    fn mark_ready(&mut self, q: usize) {
        for &(t, pos) in &self.skill_positions[q] {
            self.ready[t as usize][pos as usize / 64] |= 1u64 << (pos % 64);
        }
    }

    /// Lets an agent with spare capacity take waiting tickets until none fits.
    fn dispatch(&mut self, agent: u32) {
        let team = self.floor.agents[agent as usize].team as usize;
        let outbound_only = self.floor.agents[agent as usize].outbound_only;
        loop {
            let spare = self.floor.spare(agent);
            if spare == 0 {
                return;
            }
            let Some((q, take)) = self.choose(team, spare, outbound_only) else { return };
            let line = &mut self.queues[q].line;
            let ticket = match take {
                Take::Oldest => line.take_oldest(&mut self.store),
                Take::Newest => line.take_newest(&mut self.store),
                Take::At(pos) => line.take_at(pos, &mut self.store),
            };
            let Some(ticket) = ticket else { return };
            self.waiting -= 1;
            self.check_cleared(q);
            self.start(agent, &ticket);
        }
    }

    /// Every available agent of `teams` looks for work.
    fn dispatch_all(&mut self, teams: Vec<usize>) {
        for t in teams {
            for agent in self.floor.teams[t].available.clone() {
                self.dispatch(agent);
            }
        }
    }

    fn finish(&mut self, agent: u32, q: usize, conversation: u32) {
        let units = self.queues[q].units;
        if conversation == NO_CONVERSATION {
            // Nothing happens between the release and the agent's look for
            // work, so the agent is filed as available only after it.
            if self.floor.release_unfiled(agent, units, self.now) {
                self.dispatch(agent);
                self.floor.file(agent);
            }
            return;
        }
        let available = self.floor.release(agent, units, self.now);
        if conversation != NO_CONVERSATION {
            self.follow_up(conversation, q);
        }
        if available {
            self.dispatch(agent);
        }
    }

    /// A waiting ticket abandons (or, `withdrawn`, is groomed away).
    fn leave(&mut self, ticket: u32, generation: u32, withdrawn: bool) {
        if !self.store.is_waiting(ticket, generation) {
            return; // served or gone already: the timer is stale
        }
        let t = *self.store.get(ticket);
        let q = t.queue as usize;
        self.store.mark_gone(ticket);
        self.queues[q].line.note_gone(&mut self.store);
        self.waiting -= 1;
        let waited = self.now - t.arrival;
        debug_assert!(t.contact != Contact::Reply, "replies neither abandon nor go stale");
        if withdrawn {
            self.recorder.withdrawn(q, t.arrival, waited, t.origin);
            self.end_unresolved(t.conversation);
        } else {
            self.recorder.abandoned(q, t.arrival, waited, t.origin);
            self.missed(t);
        }
        self.check_cleared(q);
    }

    fn queue_hours(&mut self, q: usize) {
        let rt = &mut self.queues[q];
        let Some((_, open)) = rt.hours.peek() else { return };
        rt.hours.advance();
        rt.open = open;
        if let Some((t, _)) = rt.hours.peek() {
            self.schedule(t, Event::QueueHours { queue: q as u32 });
        }
        if !open && self.scenario.queues[q].live {
            // A phone line or chat that closes cannot hold its customers:
            // they are missed as closed (they did not give up), and callers
            // may leave a callback request, like calls arriving while it is
            // closed.
            while let Some(t) = self.queues[q].line.take_oldest(&mut self.store) {
                self.waiting -= 1;
                self.recorder.closed(q, t.arrival, self.now - t.arrival, t.origin);
                self.missed(t);
            }
            self.check_cleared(q);
        }
        if open {
            self.mark_ready(q);
            // Callback requests from while it was closed become tickets now,
            // judged against the after-hours target from this opening.
            for _ in 0..std::mem::take(&mut self.queues[q].pending_after_hours) {
                self.admit_as(q, self.now, Origin::AfterHoursCallback, false);
            }
            let teams = self.queues[q].teams.iter().map(|&t| t as usize).collect();
            self.dispatch_all(teams);
        }
    }

    fn duty_change(&mut self, g: usize) {
        let Some((_, on)) = self.duty[g].peek() else { return };
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
        let backlog: Vec<(usize, [u32; 3])> = if self.recorder.records_interval(index) {
            (0..self.queues.len()).map(|q| (self.queues[q].line.len(), self.age_bands(q))).collect()
        } else {
            Vec::new()
        };
        let times: Vec<_> = (0..self.floor.teams.len()).map(|t| self.floor.take_time(t, now)).collect();
        self.recorder.interval_end(index, backlog.into_iter(), times.into_iter());
        let next = (index + 2) as f64 * self.scenario.simulation.interval;
        if now < self.horizon {
            self.schedule(next, Event::IntervalEnd);
        }
    }
}

#[cfg(test)]
mod set_bits_tests {
    use super::SetBits;

    #[test]
    fn set_bits_come_out_in_order_across_words() {
        let words = [0b1001u64, 0, 1 << 63, 0b10];
        let got: Vec<usize> = SetBits::new(&words).collect();
        assert_eq!(got, vec![0, 3, 191, 193]);
        assert_eq!(SetBits::new(&[]).count(), 0);
        assert_eq!(SetBits::new(&[0, 0]).count(), 0);
    }
}
