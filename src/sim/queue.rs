//! Waiting tickets. A [`TicketStore`] holds the tickets that are waiting (a
//! slab with generations, so stale abandonment and grooming timers are
//! recognised), and a [`WaitingLine`] per queue keeps them in arrival order.
//! The backlog policy decides which one is taken: the oldest (front), the
//! freshest (back), or the oldest that can still meet its SLA (found by binary
//! search on arrival time).
//!
//! A ticket that leaves from the middle by abandonment or grooming is only
//! marked, and skipped later (lazy deletion); a line compacts itself when dead
//! entries outnumber live ones, so memory stays bounded by the backlog. One
//! taken from the middle by `sla-first` is removed at once (it is near the back).

use std::collections::VecDeque;

use crate::stats::Origin;

/// What a waiting contact is: a new ticket, one transferred from another
/// queue, or a customer's reply on a ticket this queue answered before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contact {
    New,
    Transfer,
    Reply,
}

/// The conversation of a ticket that is not followed (no replies or transfers).
pub const NO_CONVERSATION: u32 = u32::MAX;

/// A ticket waiting for an agent.
#[derive(Debug, Clone, Copy)]
pub struct Ticket {
    pub arrival: f64,
    pub handle: f64,
    pub queue: u32,
    /// Whether it arrived in open hours, after hours, or was already waiting
    /// at t = 0; its outcome is counted under that.
    pub origin: Origin,
    /// Leaves a callback request if the customer gives up (drawn at arrival).
    pub callback: bool,
    pub contact: Contact,
    /// Its conversation in the engine's table, or [`NO_CONVERSATION`].
    pub conversation: u32,
    /// A missed call whose callback request asks for a time: the delay from
    /// the miss to that time, seconds (drawn at arrival); negative when not.
    pub scheduled: f32,
    /// Outbound tickets: attempts made so far.
    pub attempt: u8,
    /// Outbound tickets: the attempt that reaches the customer (drawn at
    /// arrival), 0 when none of the allowed attempts does.
    pub connect_on: u8,
    generation: u32,
    waiting: bool,
}

impl Ticket {
    /// A new ticket of `queue` (no callback request, not followed).
    pub fn new(arrival: f64, handle: f64, queue: u32, origin: Origin) -> Self {
        Ticket {
            arrival,
            handle,
            queue,
            origin,
            callback: false,
            contact: Contact::New,
            conversation: NO_CONVERSATION,
            scheduled: -1.0,
            attempt: 0,
            connect_on: 0,
            generation: 0,
            waiting: true,
        }
    }
}

/// Slab of waiting tickets, addressed by `u32` ids that are reused.
#[derive(Debug, Default)]
pub struct TicketStore {
    tickets: Vec<Ticket>,
    free: Vec<u32>,
}

impl TicketStore {
    /// Stores a waiting ticket; returns its id and generation.
    #[inline]
    pub fn insert(&mut self, ticket: Ticket) -> (u32, u32) {
        match self.free.pop() {
            Some(id) => {
                let t = &mut self.tickets[id as usize];
                let generation = t.generation;
                *t = Ticket { generation, waiting: true, ..ticket };
                (id, generation)
            }
            None => {
                self.tickets.push(Ticket { generation: 0, waiting: true, ..ticket });
                ((self.tickets.len() - 1) as u32, 0)
            }
        }
    }

    pub fn get(&self, id: u32) -> &Ticket {
        &self.tickets[id as usize]
    }

    /// Whether `id` still names the same ticket and it is still waiting.
    pub fn is_waiting(&self, id: u32, generation: u32) -> bool {
        let t = &self.tickets[id as usize];
        t.waiting && t.generation == generation
    }

    /// Marks a waiting ticket as gone; its line skips it later.
    pub fn mark_gone(&mut self, id: u32) {
        self.tickets[id as usize].waiting = false;
    }

    /// Frees the id for reuse; timers naming the old generation become stale.
    fn release(&mut self, id: u32) {
        let t = &mut self.tickets[id as usize];
        t.waiting = false;
        t.generation = t.generation.wrapping_add(1);
        self.free.push(id);
    }
}

/// The tickets waiting in one queue, in arrival order.
#[derive(Debug, Default)]
pub struct WaitingLine {
    ids: VecDeque<u32>,
    live: usize,
    dead: usize,
}

impl WaitingLine {
    /// Tickets actually waiting (gone ones excluded).
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Adds a ticket; tickets must be pushed in arrival order.
    pub fn push(&mut self, id: u32) {
        self.ids.push_back(id);
        self.live += 1;
    }

    /// Drops gone tickets from both ends, so the ends are live. With none
    /// gone (`dead` counts those still in the line) there is nothing to drop.
    #[inline(always)]
    fn trim(&mut self, store: &mut TicketStore) {
        if self.dead != 0 {
            self.drop_gone_ends(store);
        }
    }

    /// [`WaitingLine::trim`]'s work when some tickets are gone.
    #[inline(never)]
    fn drop_gone_ends(&mut self, store: &mut TicketStore) {
        while let Some(&id) = self.ids.front() {
            if store.get(id).waiting {
                break;
            }
            self.ids.pop_front();
            store.release(id);
            self.dead -= 1;
        }
        while let Some(&id) = self.ids.back() {
            if store.get(id).waiting {
                break;
            }
            self.ids.pop_back();
            store.release(id);
            self.dead -= 1;
        }
    }

    /// The oldest waiting ticket.
    pub fn oldest(&mut self, store: &mut TicketStore) -> Option<Ticket> {
        self.trim(store);
        self.ids.front().map(|&id| *store.get(id))
    }

    /// The freshest waiting ticket.
    pub fn newest(&mut self, store: &mut TicketStore) -> Option<Ticket> {
        self.trim(store);
        self.ids.back().map(|&id| *store.get(id))
    }

    /// The oldest waiting ticket for which `young(arrival)` holds, where
    /// `young` is false for older and true for younger tickets (e.g. "can
    /// still meet the SLA"). Returns its position and the ticket.
    pub fn oldest_where(&mut self, store: &mut TicketStore, young: impl Fn(f64) -> bool) -> Option<(usize, Ticket)> {
        self.trim(store);
        let start = self.ids.partition_point(|&id| !young(store.get(id).arrival));
        (start..self.ids.len()).map(|i| (i, *store.get(self.ids[i]))).find(|(_, t)| t.waiting)
    }

    /// Takes the oldest ticket (call after `oldest` returned one).
    #[inline]
    pub fn take_oldest(&mut self, store: &mut TicketStore) -> Option<Ticket> {
        self.trim(store);
        let id = self.ids.pop_front()?;
        Some(self.taken(id, store))
    }

    /// Takes the freshest ticket.
    pub fn take_newest(&mut self, store: &mut TicketStore) -> Option<Ticket> {
        self.trim(store);
        let id = self.ids.pop_back()?;
        Some(self.taken(id, store))
    }

    /// Takes the ticket at `position` (from `oldest_where`, with nothing
    /// changed in between). It is removed from the line at once: the tickets
    /// that can still meet their SLA are the freshest, near the back, so the
    /// removal shifts few entries, and no dead entry is left for later scans.
    pub fn take_at(&mut self, position: usize, store: &mut TicketStore) -> Option<Ticket> {
        let id = *self.ids.get(position)?;
        if !store.get(id).waiting {
            return None;
        }
        self.ids.remove(position);
        Some(self.taken(id, store))
    }

    #[inline]
    fn taken(&mut self, id: u32, store: &mut TicketStore) -> Ticket {
        let ticket = *store.get(id);
        store.release(id);
        self.live -= 1;
        ticket
    }

    /// Records that one of this line's tickets left (it was marked in the store).
    pub fn note_gone(&mut self, store: &mut TicketStore) {
        self.live -= 1;
        self.dead += 1;
        if self.dead > 64 && self.dead > self.live {
            self.ids.retain(|&id| {
                let keep = store.get(id).waiting;
                if !keep {
                    store.release(id);
                }
                keep
            });
            self.dead = 0;
        }
    }

    /// The tickets still waiting, oldest first.
    pub fn waiting<'a>(&'a self, store: &'a TicketStore) -> impl Iterator<Item = &'a Ticket> + 'a {
        self.ids.iter().map(|&id| store.get(id)).filter(|t| t.waiting)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_with(store: &mut TicketStore, n: usize) -> (WaitingLine, Vec<(u32, u32)>) {
        let mut line = WaitingLine::default();
        let ids = (0..n)
            .map(|i| {
                let (id, g) = store.insert(Ticket::new(i as f64, 1.0, 0, Origin::OpenHours));
                line.push(id);
                (id, g)
            })
            .collect();
        (line, ids)
    }

    #[test]
    fn both_ends_skip_gone_tickets() {
        let mut store = TicketStore::default();
        let (mut line, ids) = line_with(&mut store, 4);
        for k in [0, 3] {
            store.mark_gone(ids[k].0);
            line.note_gone(&mut store);
        }
        assert_eq!(line.len(), 2);
        assert_eq!(line.oldest(&mut store).unwrap().arrival, 1.0);
        assert_eq!(line.newest(&mut store).unwrap().arrival, 2.0);
        assert_eq!(line.take_newest(&mut store).unwrap().arrival, 2.0);
        assert_eq!(line.take_oldest(&mut store).unwrap().arrival, 1.0);
        assert!(line.is_empty() && line.take_oldest(&mut store).is_none());
    }

    #[test]
    fn oldest_where_finds_the_oldest_young_ticket() {
        let mut store = TicketStore::default();
        let (mut line, ids) = line_with(&mut store, 10);
        store.mark_gone(ids[6].0);
        line.note_gone(&mut store);
        // "Young" means arrived after 5.5: tickets 6.. , of which 6 is gone.
        let (pos, t) = line.oldest_where(&mut store, |a| a > 5.5).unwrap();
        assert_eq!(t.arrival, 7.0);
        assert_eq!(line.take_at(pos, &mut store).unwrap().arrival, 7.0);
        assert_eq!(line.len(), 8);
        assert!(line.oldest_where(&mut store, |a| a > 100.0).is_none());
        let order: Vec<f64> = line.waiting(&store).map(|t| t.arrival).collect();
        assert_eq!(order, vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 8.0, 9.0]);
    }

    #[test]
    fn stale_timers_are_recognised_after_reuse() {
        let mut store = TicketStore::default();
        let (mut line, ids) = line_with(&mut store, 1);
        line.take_oldest(&mut store);
        let (id2, g2) = store.insert(Ticket::new(9.0, 1.0, 0, Origin::OpenHours));
        assert_eq!(id2, ids[0].0);
        assert!(!store.is_waiting(ids[0].0, ids[0].1));
        assert!(store.is_waiting(id2, g2));
    }

    #[test]
    fn compaction_keeps_live_tickets_in_order() {
        let mut store = TicketStore::default();
        let (mut line, ids) = line_with(&mut store, 300);
        for &(id, _) in ids.iter().filter(|(id, _)| id % 3 != 0) {
            store.mark_gone(id);
            line.note_gone(&mut store);
        }
        assert_eq!(line.len(), 100);
        assert!(line.ids.len() < 300, "compaction ran");
        let arrivals: Vec<f64> = line.waiting(&store).map(|t| t.arrival).collect();
        assert_eq!(arrivals, (0..100).map(|i| (i * 3) as f64).collect::<Vec<_>>());
    }
}
