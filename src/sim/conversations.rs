//! Tickets followed from their first arrival to their resolution: in a desk
//! where customers reply (the ticket comes back for another touch) or answers
//! move tickets on to another queue (escalations, transfers), a ticket is
//! one conversation of several contacts.
//!
//! Each conversation carries its own random stream, seeded by one draw from
//! its first queue's stream when it arrives; every later draw of the ticket
//! (whether it moves on, when the customer replies, the next touch's handle
//! time, the receiving queue's patience) comes from it. So a ticket's whole
//! story is fixed at its arrival, whatever the policy or the staffing, and
//! the queues' own streams are never disturbed by other queues' traffic.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

use crate::scenario::Queue;
use crate::stats::Origin;

/// One ticket's journey through the desk.
#[derive(Debug, Clone)]
pub struct Conversation {
    /// When it first arrived (negative for the initial backlog).
    pub first_arrival: f64,
    /// The queue it first arrived in: its resolution is counted there.
    pub home: u32,
    pub origin: Origin,
    /// Agent touches so far, in every queue.
    pub touches: u32,
    pub transfers: u32,
    pub rng: Xoshiro256PlusPlus,
    live: bool,
}

/// What happens to a ticket after an agent's touch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Next {
    /// It moves on to queue `to`, reaching it `after` seconds later.
    Transfer { to: usize, after: f64 },
    /// The customer replies `after` seconds later; it returns to the same queue.
    Reply { after: f64 },
    /// Done: the touch resolved it.
    Resolved,
}

impl Conversation {
    /// Decides the step after a touch in `queue` (the touch already counted):
    /// first whether it transfers (one uniform draw against the shares in
    /// order), otherwise whether the customer replies (unless the touch
    /// limit is reached), otherwise it is resolved.
    pub fn next(&mut self, queue: &Queue) -> Next {
        let u: f64 = self.rng.random();
        let mut cumulative = 0.0;
        for t in &queue.transfers {
            cumulative += t.share;
            if u < cumulative {
                let after = t.after.as_ref().map_or(0.0, |d| d.sample(&mut self.rng));
                return Next::Transfer { to: t.to, after };
            }
        }
        if let Some(r) = &queue.replies
            && self.touches < r.max_touches
            && self.rng.random::<f64>() < r.probability
        {
            return Next::Reply { after: r.after.sample(&mut self.rng) };
        }
        Next::Resolved
    }
}

/// The conversations in progress: a slab whose ids are reused.
#[derive(Debug, Default)]
pub struct Conversations {
    table: Vec<Conversation>,
    free: Vec<u32>,
}

impl Conversations {
    /// Starts a conversation; `seed` is the one draw from its queue's stream.
    pub fn open(&mut self, first_arrival: f64, home: usize, origin: Origin, seed: u64) -> u32 {
        let c = Conversation {
            first_arrival,
            home: home as u32,
            origin,
            touches: 0,
            transfers: 0,
            rng: Xoshiro256PlusPlus::seed_from_u64(seed),
            live: true,
        };
        match self.free.pop() {
            Some(id) => {
                self.table[id as usize] = c;
                id
            }
            None => {
                self.table.push(c);
                (self.table.len() - 1) as u32
            }
        }
    }

    pub fn get(&self, id: u32) -> &Conversation {
        &self.table[id as usize]
    }

    pub fn get_mut(&mut self, id: u32) -> &mut Conversation {
        &mut self.table[id as usize]
    }

    /// Ends a conversation and shows it one last time; its id may be reused.
    pub fn close(&mut self, id: u32) -> &Conversation {
        self.free.push(id);
        let c = &mut self.table[id as usize];
        debug_assert!(c.live, "a conversation ends once");
        c.live = false;
        c
    }

    /// The conversations still in progress.
    pub fn in_progress(&self) -> impl Iterator<Item = &Conversation> {
        self.table.iter().filter(|c| c.live)
    }
}
