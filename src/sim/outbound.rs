//! Outbound call lists (activation calls, renewals): tickets the desk makes
//! rather than receives. A list entry is a ticket of a queue with channel
//! `outbound`; agents dial it only when no inbound ticket of their skills
//! waits (lowest priority, never interrupting a ticket in hand), or in a
//! reserved block (`outbound_only` shift rows), when they dial nothing else.
//!
//! Which attempt reaches the customer is drawn when the entry joins the list
//! (one uniform per allowed attempt, from the queue's own stream), so every
//! policy dials the same customers with the same luck. An unanswered attempt
//! takes `no_answer_time` of the agent; the entry rejoins the back of the
//! list `retry_after` later, until the last attempt. Outcomes map onto the
//! ticket outcomes every queue has, so conservation holds as everywhere:
//! `answered` = reached (its wait runs from joining the list to the
//! connected attempt), `abandoned` = never reached after the last attempt,
//! `waiting_at_end` = still in the list or between attempts at the horizon.

use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;

use super::queue::Ticket;
use crate::scenario::Outbound;

/// The attempt (1-based) that reaches the customer, 0 when none does: all
/// `attempts` uniforms are drawn whatever the outcome, so the stream stays
/// aligned with the list entries.
pub fn connect_on(rng: &mut Xoshiro256PlusPlus, rules: &Outbound) -> u8 {
    let mut reached = 0;
    for k in 1..=rules.attempts {
        let answered = rng.random::<f64>() < rules.answer_rate;
        if answered && reached == 0 {
            reached = k as u8;
        }
    }
    reached
}

/// What an attempt that has just started comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// The customer answers: a call of the queue's handle time.
    Reached,
    /// Nobody answers and attempts remain: the entry is dialled again later.
    Retry,
    /// Nobody answers on the last attempt: the customer is never reached.
    Unreached,
}

/// Counts the attempt on `ticket` and says what it comes to.
pub fn attempt(ticket: &mut Ticket, rules: &Outbound) -> Attempt {
    ticket.attempt = ticket.attempt.saturating_add(1);
    if ticket.attempt == ticket.connect_on {
        Attempt::Reached
    } else if u32::from(ticket.attempt) >= rules.attempts {
        Attempt::Unreached
    } else {
        Attempt::Retry
    }
}

/// List entries between attempts (being dialled unanswered, or waiting for
/// the retry): a slab addressed by `u32` slots that are reused, so memory is
/// bounded by the entries in flight.
#[derive(Debug, Default)]
pub struct Retries {
    slots: Vec<Option<Ticket>>,
    free: Vec<u32>,
}

impl Retries {
    pub fn insert(&mut self, ticket: Ticket) -> u32 {
        match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = Some(ticket);
                i
            }
            None => {
                self.slots.push(Some(ticket));
                (self.slots.len() - 1) as u32
            }
        }
    }

    pub fn take(&mut self, slot: u32) -> Option<Ticket> {
        let t = self.slots.get_mut(slot as usize)?.take();
        if t.is_some() {
            self.free.push(slot);
        }
        t
    }

    /// The entries still between attempts (at the horizon).
    pub fn pending(&self) -> impl Iterator<Item = &Ticket> {
        self.slots.iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Origin;
    use rand::SeedableRng;

    fn rules(attempts: u32, answer_rate: f64) -> Outbound {
        Outbound { answer_rate, attempts, retry_after: 3600.0, no_answer_time: 30.0 }
    }

    #[test]
    fn attempts_end_at_the_connecting_one_or_the_last() {
        let r = rules(3, 0.5);
        let mut t = Ticket::new(0.0, 60.0, 0, Origin::OpenHours);
        t.connect_on = 2;
        assert_eq!(attempt(&mut t, &r), Attempt::Retry);
        assert_eq!(attempt(&mut t, &r), Attempt::Reached);
        let mut never = Ticket::new(0.0, 60.0, 0, Origin::OpenHours);
        assert_eq!(attempt(&mut never, &r), Attempt::Retry);
        assert_eq!(attempt(&mut never, &r), Attempt::Retry);
        assert_eq!(attempt(&mut never, &r), Attempt::Unreached);
    }

    #[test]
    fn the_connecting_attempt_is_geometric_and_capped() {
        let r = rules(3, 0.4);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let n = 200_000;
        let mut by = [0u32; 4];
        for _ in 0..n {
            by[connect_on(&mut rng, &r) as usize] += 1;
        }
        let share = |k: usize| f64::from(by[k]) / f64::from(n);
        // P(first answer on attempt k) = 0.6^(k-1) × 0.4; never = 0.6^3.
        for (k, want) in [(1, 0.4), (2, 0.24), (3, 0.144), (0, 0.216)] {
            assert!((share(k) - want).abs() < 0.005, "attempt {k}: {} vs {want}", share(k));
        }
    }

    #[test]
    fn slots_are_reused() {
        let mut r = Retries::default();
        let a = r.insert(Ticket::new(1.0, 1.0, 0, Origin::OpenHours));
        let b = r.insert(Ticket::new(2.0, 1.0, 0, Origin::OpenHours));
        assert_eq!(r.take(a).map(|t| t.arrival), Some(1.0));
        assert!(r.take(a).is_none());
        assert_eq!(r.insert(Ticket::new(3.0, 1.0, 0, Origin::OpenHours)), a);
        assert_eq!(r.pending().count(), 2);
        assert_eq!(r.take(b).map(|t| t.arrival), Some(2.0));
    }
}
