//! The future event list: a binary heap ordered by (time, insertion sequence),
//! so events at equal times come out in the order they were scheduled.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Something that will happen. Indices refer to the engine's tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The next ticket of a queue arrives.
    Arrival { queue: u32 },
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

#[derive(Debug)]
struct Entry {
    time: f64,
    seq: u64,
    event: Event,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
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
    fn cmp(&self, other: &Self) -> Ordering {
        other.time.total_cmp(&self.time).then_with(|| other.seq.cmp(&self.seq))
    }
}

/// Min-heap of events by (time, seq).
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Entry>,
    seq: u64,
}

impl EventQueue {
    pub fn push(&mut self, time: f64, event: Event) {
        self.seq += 1;
        self.heap.push(Entry { time, seq: self.seq, event });
    }

    /// The time of the next event, if any.
    pub fn next_time(&self) -> Option<f64> {
        self.heap.peek().map(|e| e.time)
    }

    pub fn pop(&mut self) -> Option<(f64, Event)> {
        self.heap.pop().map(|e| (e.time, e.event))
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
        q.push(1.0, Event::Arrival { queue: 2 });
        q.push(1.0, Event::Arrival { queue: 1 });
        q.push(0.5, Event::Duty { group: 0 });
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(
            order,
            vec![
                (0.5, Event::Duty { group: 0 }),
                (1.0, Event::Arrival { queue: 2 }),
                (1.0, Event::Arrival { queue: 1 }),
                (5.0, Event::IntervalEnd)
            ]
        );
    }
}
