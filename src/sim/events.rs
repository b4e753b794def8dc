//! The future event list: a min-heap ordered by (time, insertion sequence),
//! so events at equal times come out in the order they were scheduled. It
//! is a 4-ary heap of 16-byte entries (time, sequence number, payload
//! slot): half the levels of a binary one, and the four children of a node
//! fit in 64 bytes, which matters once thousands of agents have a ticket in
//! hand. The events themselves wait in a slab beside the heap.

/// Something that will happen. Indices refer to the engine's tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// An agent finishes a ticket of a queue; `conversation` is the
    /// ticket's, or `NO_CONVERSATION` when it is not followed.
    Finish { agent: u32, queue: u32, conversation: u32 },
    /// A customer's reply reaches the queue that answered them.
    Reply { conversation: u32, queue: u32 },
    /// A delayed transfer reaches its queue.
    Transfer { conversation: u32, queue: u32 },
    /// A waiting ticket's patience runs out (ignored if it was served: lazy deletion).
    Abandon { ticket: u32, generation: u32 },
    /// A waiting ticket has gone stale and is withdrawn by grooming (ignored if served).
    Withdraw { ticket: u32, generation: u32 },
    /// A queue opens or closes.
    QueueHours { queue: u32 },
    /// A group of agents starts or ends a stretch of duty (shift or break).
    Duty { group: u32 },
    /// A reporting interval ends.
    IntervalEnd,
    /// An agent ends an unanswered outbound attempt; the list entry waits
    /// in `slot` of the engine's retries for its next attempt.
    AttemptEnd { agent: u32, queue: u32, slot: u32 },
    /// An outbound list entry between attempts rejoins its list.
    Retry { slot: u32 },
    /// A callback request for a customer-chosen time reaches its time.
    CallbackDue { queue: u32 },
}

/// A scheduled event in the heap: 16 bytes, so a node's four children
/// share one or two cache lines, which matters once thousands of tickets
/// are in service. Event times are never negative, so the bit pattern of
/// the time orders like the time itself. `order` holds the scheduling
/// sequence number in its high half and, in its low half, the slot of the
/// event's payload in [`EventQueue::events`]: (time, order) compares as
/// one integer and sequence numbers are unique, so ties at equal times go
/// to the event scheduled first.
#[derive(Debug, Clone, Copy)]
struct Entry {
    time_bits: u64,
    order: u64,
}

impl Entry {
    /// What fills the heap's storage past its last event: later than any
    /// event (events are scheduled before a finite horizon), so it is never
    /// the least of a node's children while a real one is there.
    const PAST_THE_END: Entry = Entry { time_bits: f64::INFINITY.to_bits(), order: u64::MAX };

    /// (time, sequence) as one integer: one comparison, not two.
    #[inline(always)]
    fn key(&self) -> u128 {
        (u128::from(self.time_bits) << 64) | u128::from(self.order)
    }

    #[inline(always)]
    fn slot(&self) -> usize {
        (self.order & u64::from(u32::MAX)) as usize
    }
}

/// Children per node.
const ARITY: usize = 4;

/// Sequence numbers fit in the high half of [`Entry::order`]; once they
/// reach this, the events waiting are numbered afresh from 1 in their
/// order (a few thousand events, once every four billion).
const SEQUENCE_LIMIT: u64 = 1 << 32;

/// Min-heap of events by (time, seq).
///
/// The storage always holds `ARITY` entries more than the heap: positions
/// from `len` on are [`Entry::PAST_THE_END`]. So every node with a first
/// child has four (the least is picked without looking at how many there
/// are), and the first position always holds the next event's time
/// (infinite when there is none).
#[derive(Debug)]
pub struct EventQueue {
    heap: Vec<Entry>,
    len: usize,
    seq: u64,
    /// Where sequence numbers start afresh ([`SEQUENCE_LIMIT`]; smaller in tests).
    sequence_limit: u64,
    /// The events' payloads, by slot; `free` lists the slots not in use.
    events: Vec<Event>,
    free: Vec<u32>,
}

impl Default for EventQueue {
    fn default() -> Self {
        EventQueue {
            heap: vec![Entry::PAST_THE_END; ARITY + 1],
            len: 0,
            seq: 0,
            sequence_limit: SEQUENCE_LIMIT,
            events: Vec::new(),
            free: Vec::new(),
        }
    }
}

impl EventQueue {
    /// Schedules `event` at `time` (≥ 0; earlier times are clamped to 0).
    #[inline(always)]
    pub fn push(&mut self, time: f64, event: Event) {
        if self.seq + 1 >= self.sequence_limit {
            self.renumber();
        }
        self.seq += 1;
        // Negative times, -0.0 and NaN become +0.0, whose bits sort first.
        debug_assert!(!time.is_nan(), "an event time is NaN");
        debug_assert!(time < f64::INFINITY, "an event at an infinite time");
        let time_bits = if time > 0.0 { time } else { 0.0 }.to_bits();
        let slot = match self.free.pop() {
            Some(slot) => {
                self.events[slot as usize] = event;
                slot
            }
            None => {
                self.events.push(event);
                (self.events.len() - 1) as u32
            }
        };
        let hole = self.len;
        self.len += 1;
        if self.heap.len() < self.len + ARITY {
            self.heap.push(Entry::PAST_THE_END);
        }
        self.fill_up(hole, Entry { time_bits, order: (self.seq << 32) | u64::from(slot) });
    }

    /// Numbers the waiting events afresh from 1, in their (time, sequence)
    /// order, so that later events get numbers above them again. A change
    /// that keeps the order keeps the heap a heap.
    #[cold]
    fn renumber(&mut self) {
        let mut by_order: Vec<usize> = (0..self.len).collect();
        by_order.sort_unstable_by_key(|&i| self.heap[i].key());
        for (rank, &i) in by_order.iter().enumerate() {
            let e = &mut self.heap[i];
            e.order = ((rank as u64 + 1) << 32) | e.slot() as u64;
        }
        self.seq = self.len as u64;
    }

    /// Puts `entry` into the hole at `i` or above it: parents later than the
    /// entry move down into the hole until its place is found.
    #[inline]
    fn fill_up(&mut self, mut i: usize, entry: Entry) {
        let key = entry.key();
        while i > 0 {
            let parent = (i - 1) / ARITY;
            if self.heap[parent].key() <= key {
                break;
            }
            self.heap[i] = self.heap[parent];
            i = parent;
        }
        self.heap[i] = entry;
    }

    /// The time of the next event, infinite when there is none.
    #[inline]
    pub fn next_time(&self) -> f64 {
        f64::from_bits(self.heap[0].time_bits)
    }

    /// Takes the next event out. The hole it leaves goes down the path of
    /// least children to the bottom, and the last entry fills it from there
    /// (sifting up, usually not at all: the last entry is among the latest).
    /// Going all the way down needs no comparison with the last entry on
    /// the way, a branch that was a coin toss at every level.
    #[inline]
    pub fn pop(&mut self) -> Option<(f64, Event)> {
        if self.len == 0 {
            return None;
        }
        let top = self.heap[0];
        self.len -= 1;
        let n = self.len;
        let last = std::mem::replace(&mut self.heap[n], Entry::PAST_THE_END);
        if n > 0 {
            let mut i = 0;
            loop {
                let first = ARITY * i + 1;
                if first >= n {
                    break;
                }
                let k = [
                    self.heap[first].key(),
                    self.heap[first + 1].key(),
                    self.heap[first + 2].key(),
                    self.heap[first + 3].key(),
                ];
                // Selects of values, not indexing into `k`: an array indexed
                // by a computed position lives on the stack.
                let (ab, kab) = if k[1] < k[0] { (1, k[1]) } else { (0, k[0]) };
                let (cd, kcd) = if k[3] < k[2] { (3, k[3]) } else { (2, k[2]) };
                let pick = if kcd < kab { cd } else { ab };
                self.heap[i] = self.heap[first + pick];
                i = first + pick;
            }
            self.fill_up(i, last);
        }
        let slot = top.slot();
        self.free.push(slot as u32);
        Some((f64::from_bits(top.time_bits), self.events[slot]))
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thousand_random_events_come_out_sorted() {
        let mut q = EventQueue::default();
        let mut x = 12345u64;
        let mut pushed = Vec::new();
        for i in 0..1000u32 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let t = (x >> 40) as f64 % 97.0;
            q.push(t, Event::Duty { group: i });
            pushed.push((t, i));
            if i % 3 == 0 {
                let popped = q.pop().unwrap();
                let best = pushed.iter().copied().min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))).unwrap();
                assert_eq!(popped, (best.0, Event::Duty { group: best.1 }));
                pushed.retain(|&p| p != best);
            }
        }
        let mut last = (f64::NEG_INFINITY, 0);
        while let Some((t, Event::Duty { group })) = q.pop() {
            assert!(t > last.0 || (t == last.0 && group > last.1), "{t} {group} after {last:?}");
            last = (t, group);
        }
    }

    /// Pushes and pops with many equal times against a plain list ordered
    /// by (time, push count), with sequence numbers starting afresh every
    /// `limit` pushes.
    fn ties_keep_scheduling_order_with(limit: u64) {
        let mut q = EventQueue { sequence_limit: limit, ..EventQueue::default() };
        let mut pending: Vec<(f64, u32)> = Vec::new();
        let mut x = 99u64;
        for i in 0..20_000u32 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            if pending.len() < 40 && (pending.is_empty() || (x >> 60) < 9) {
                let t = ((x >> 40) % 8) as f64 + pending.first().map_or(0.0, |p| p.0);
                q.push(t, Event::Duty { group: i });
                pending.push((t, i));
            } else {
                let best = pending.iter().copied().min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))).unwrap();
                assert_eq!(q.pop(), Some((best.0, Event::Duty { group: best.1 })), "pop {i}, limit {limit}");
                pending.retain(|&p| p != best);
                pending.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            }
            assert_eq!(q.len(), pending.len());
        }
    }

    #[test]
    fn ties_keep_scheduling_order_when_sequence_numbers_start_afresh() {
        ties_keep_scheduling_order_with(64);
        ties_keep_scheduling_order_with(SEQUENCE_LIMIT);
        // The payload slots are reused, not grown with every push.
        let mut q = EventQueue::default();
        for i in 0..1000 {
            q.push(f64::from(i), Event::IntervalEnd);
            q.pop();
        }
        assert_eq!(q.events.len(), 1);
    }

    #[test]
    fn earliest_first_and_ties_in_scheduling_order() {
        let mut q = EventQueue::default();
        q.push(5.0, Event::IntervalEnd);
        q.push(1.0, Event::QueueHours { queue: 2 });
        q.push(1.0, Event::QueueHours { queue: 1 });
        q.push(0.5, Event::Duty { group: 0 });
        assert_eq!(q.next_time(), 0.5);
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(q.next_time(), f64::INFINITY, "an empty heap's next time is infinite");
        assert_eq!(
            order,
            vec![
                (0.5, Event::Duty { group: 0 }),
                (1.0, Event::QueueHours { queue: 2 }),
                (1.0, Event::QueueHours { queue: 1 }),
                (5.0, Event::IntervalEnd)
            ]
        );
    }
}
