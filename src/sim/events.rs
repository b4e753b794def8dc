//! The future event list: a binary heap ordered by (time, insertion sequence),
//! so events at equal times come out in the order they were scheduled.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Something that will happen. Indices refer to the engine's tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// An agent finishes a ticket of a queue.
    Finish { agent: u32, queue: u32 },
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
}

/// A scheduled event. Event times are never negative, so the bit pattern of
/// the time orders like the time itself and (time, seq) compares as integers.
#[derive(Debug)]
struct Entry {
    time_bits: u64,
    seq: u64,
    event: Event,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        (self.time_bits, self.seq) == (other.time_bits, other.seq)
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    /// Reversed, so the max-heap pops the earliest (time, seq) first.
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time_bits, other.seq).cmp(&(self.time_bits, self.seq))
    }
}

/// Min-heap of events by (time, seq).
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Entry>,
    seq: u64,
}

impl EventQueue {
    /// Schedules `event` at `time` (≥ 0; earlier times are clamped to 0).
    #[inline]
    pub fn push(&mut self, time: f64, event: Event) {
        self.seq += 1;
        // `max` also maps -0.0 to 0.0, whose bits sort first.
        let time_bits = time.max(0.0).to_bits();
        self.heap.push(Entry { time_bits, seq: self.seq, event });
    }

    /// The time of the next event, if any.
    #[inline]
    pub fn next_time(&self) -> Option<f64> {
        self.heap.peek().map(|e| f64::from_bits(e.time_bits))
    }

    #[inline]
    pub fn pop(&mut self) -> Option<(f64, Event)> {
        self.heap.pop().map(|e| (f64::from_bits(e.time_bits), e.event))
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
