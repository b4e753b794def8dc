//! Waiting tickets. A [`TicketStore`] holds the tickets that are waiting (a
//! slab with generations, so stale abandonment timers are recognised), and a
//! [`WaitingLine`] per queue orders them by discipline. Abandonment marks a
//! ticket and the line skips it later (lazy deletion); a line compacts itself
//! when dead entries outnumber live ones, so memory stays bounded by the backlog.

use std::collections::VecDeque;

use crate::scenario::Discipline;

/// A ticket waiting for an agent.
#[derive(Debug, Clone, Copy)]
pub struct Ticket {
    pub arrival: f64,
    pub handle: f64,
    pub queue: u32,
    generation: u32,
    waiting: bool,
}

/// Slab of waiting tickets, addressed by `u32` ids that are reused.
#[derive(Debug, Default)]
pub struct TicketStore {
    tickets: Vec<Ticket>,
    free: Vec<u32>,
}

impl TicketStore {
    /// Stores a waiting ticket; returns its id and generation.
    pub fn insert(&mut self, arrival: f64, handle: f64, queue: u32) -> (u32, u32) {
        match self.free.pop() {
            Some(id) => {
                let t = &mut self.tickets[id as usize];
                t.arrival = arrival;
                t.handle = handle;
                t.queue = queue;
                t.waiting = true;
                (id, t.generation)
            }
            None => {
                self.tickets.push(Ticket { arrival, handle, queue, generation: 0, waiting: true });
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

    /// Marks a waiting ticket as gone (abandoned); its line skips it later.
    pub fn mark_gone(&mut self, id: u32) {
        self.tickets[id as usize].waiting = false;
    }

    /// Frees the id for reuse; timers naming the old generation become stale.
    pub fn release(&mut self, id: u32) {
        let t = &mut self.tickets[id as usize];
        t.waiting = false;
        t.generation = t.generation.wrapping_add(1);
        self.free.push(id);
    }
}

/// The tickets waiting in one queue, in arrival order; the discipline decides
/// which end is served.
#[derive(Debug)]
pub struct WaitingLine {
    discipline: Discipline,
    ids: VecDeque<u32>,
    live: usize,
    dead: usize,
}

impl WaitingLine {
    pub fn new(discipline: Discipline) -> Self {
        WaitingLine { discipline, ids: VecDeque::new(), live: 0, dead: 0 }
    }

    /// Tickets actually waiting (abandoned ones excluded).
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    pub fn push(&mut self, id: u32) {
        self.ids.push_back(id);
        self.live += 1;
    }

    /// Takes the next ticket by discipline, releasing abandoned ones on the way.
    /// The returned ticket's id is released too; its data is returned by value.
    pub fn pop(&mut self, store: &mut TicketStore) -> Option<Ticket> {
        while self.live > 0 {
            let id = match self.discipline {
                Discipline::Fifo => self.ids.pop_front(),
                Discipline::Lifo => self.ids.pop_back(),
            }?;
            let ticket = *store.get(id);
            store.release(id);
            if ticket.waiting {
                self.live -= 1;
                return Some(ticket);
            }
            self.dead -= 1;
        }
        None
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

    fn line_with(discipline: Discipline, store: &mut TicketStore, n: usize) -> (WaitingLine, Vec<(u32, u32)>) {
        let mut line = WaitingLine::new(discipline);
        let ids = (0..n)
            .map(|i| {
                let (id, g) = store.insert(i as f64, 1.0, 0);
                line.push(id);
                (id, g)
            })
            .collect();
        (line, ids)
    }

    #[test]
    fn fifo_and_lifo_skip_abandoned_tickets() {
        for (discipline, expected) in [(Discipline::Fifo, [0.0, 2.0, 3.0]), (Discipline::Lifo, [3.0, 2.0, 0.0])] {
            let mut store = TicketStore::default();
            let (mut line, ids) = line_with(discipline, &mut store, 4);
            store.mark_gone(ids[1].0);
            line.note_gone(&mut store);
            assert_eq!(line.len(), 3);
            let order: Vec<f64> = std::iter::from_fn(|| line.pop(&mut store)).map(|t| t.arrival).collect();
            assert_eq!(order, expected);
            assert!(line.is_empty());
        }
    }

    #[test]
    fn stale_timers_are_recognised_after_reuse() {
        let mut store = TicketStore::default();
        let (mut line, ids) = line_with(Discipline::Fifo, &mut store, 1);
        line.pop(&mut store);
        let (id2, g2) = store.insert(9.0, 1.0, 0);
        assert_eq!(id2, ids[0].0);
        assert!(!store.is_waiting(ids[0].0, ids[0].1));
        assert!(store.is_waiting(id2, g2));
    }

    #[test]
    fn compaction_keeps_live_tickets_in_order() {
        let mut store = TicketStore::default();
        let (mut line, ids) = line_with(Discipline::Fifo, &mut store, 300);
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
