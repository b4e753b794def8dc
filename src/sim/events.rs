//! The future event list: a min-heap ordered by (time, insertion sequence),
//! so events at equal times come out in the order they were scheduled. It
//! is a 4-ary heap: half the levels of a binary one, and the four children
//! of a node share a cache line or two, which matters once thousands of
//! agents have a ticket in hand.

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

/// A scheduled event. Event times are never negative, so the bit pattern of
/// the time orders like the time itself and (time, seq) compares as integers.
#[derive(Debug)]
struct Entry {
    time_bits: u64,
    seq: u64,
    event: Event,
}

impl Entry {
    /// (time, seq) as one integer: one comparison, not two.
    #[inline]
    fn key(&self) -> u128 {
        (u128::from(self.time_bits) << 64) | u128::from(self.seq)
    }
}

/// Children per node.
const ARITY: usize = 4;

/// Min-heap of events by (time, seq).
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: Vec<Entry>,
    seq: u64,
}

impl EventQueue {
    /// Schedules `event` at `time` (≥ 0; earlier times are clamped to 0).
    #[inline]
    pub fn push(&mut self, time: f64, event: Event) {
        self.seq += 1;
        // Negative times, -0.0 and NaN become +0.0, whose bits sort first.
        debug_assert!(!time.is_nan(), "an event time is NaN");
        let time_bits = if time > 0.0 { time } else { 0.0 }.to_bits();
        let entry = Entry { time_bits, seq: self.seq, event };
        let key = entry.key();
        let mut i = self.heap.len();
        self.heap.push(entry);
        // Sift up: move parents down until the new entry's place is found.
        while i > 0 {
            let parent = (i - 1) / ARITY;
            if self.heap[parent].key() <= key {
                break;
            }
            self.heap.swap(i, parent);
            i = parent;
        }
    }

    /// The time of the next event, if any.
    #[inline]
    pub fn next_time(&self) -> Option<f64> {
        self.heap.first().map(|e| f64::from_bits(e.time_bits))
    }

    #[inline]
    pub fn pop(&mut self) -> Option<(f64, Event)> {
        let last = self.heap.pop()?;
        let top = if self.heap.is_empty() {
            last
        } else {
            let top = std::mem::replace(&mut self.heap[0], last);
            self.sift_down();
            top
        };
        Some((f64::from_bits(top.time_bits), top.event))
    }

    /// Restores the heap order from the root down. A node with all four
    /// children picks the least of them by index arithmetic, without a
    /// branch on the keys: which child is least is a coin toss, and a
    /// mispredicted branch per level was most of the cost of a pop.
    #[inline]
    fn sift_down(&mut self) {
        let n = self.heap.len();
        let mut i = 0;
        let key = self.heap[0].key();
        loop {
            let first = ARITY * i + 1;
            let (best, best_key) = if first + ARITY <= n {
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
                let (pick, kpick) = if kcd < kab { (cd, kcd) } else { (ab, kab) };
                (first + pick, kpick)
            } else if first < n {
                let mut best = first;
                let mut best_key = self.heap[first].key();
                for c in first + 1..n {
                    let k = self.heap[c].key();
                    if k < best_key {
                        best = c;
                        best_key = k;
                    }
                }
                (best, best_key)
            } else {
                return;
            };
            if best_key >= key {
                return;
            }
            self.heap.swap(i, best);
            i = best;
        }
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
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

    #[test]
    fn earliest_first_and_ties_in_scheduling_order() {
        let mut q = EventQueue::default();
        q.push(5.0, Event::IntervalEnd);
        q.push(1.0, Event::QueueHours { queue: 2 });
        q.push(1.0, Event::QueueHours { queue: 1 });
        q.push(0.5, Event::Duty { group: 0 });
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
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
