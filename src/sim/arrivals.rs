//! Time-varying Poisson arrivals. The rate is piecewise constant over the week,
//! so the next arrival is found exactly by inverting the cumulative rate with
//! one unit-exponential draw: no thinning, no rejected draws.
//!
//! Dated spikes ([`VolumePiece`]) multiply the weekly rate (and add to it)
//! over spans of simulated time; the walk cuts the week's segments at their
//! edges, so the rate stays piecewise constant and the inversion exact.

use crate::scenario::dated::VolumePiece;
use crate::scenario::units::WEEK;
use crate::scenario::{RateSchedule, RateSegment};

/// The arrival process of one queue, positioned at the last arrival.
///
/// The segment in force is kept inline (its rate and its end in simulated
/// time), first in the struct with the flags the walk checks: an arrival
/// inside the current segment, the usual case, reads one cache line of the
/// queue and not the segment table.
#[derive(Debug, Clone)]
#[repr(C)]
pub struct ArrivalClock {
    /// Rate of the segment in force, arrivals per second.
    rate: f64,
    /// End of the segment in force, simulated time (`cycle_start` plus the
    /// segment's end in the week).
    end: f64,
    /// The queue gets arrivals at all.
    any: bool,
    /// Dated spikes lie ahead (`piece < pieces.len()`).
    dated: bool,
    segments: Vec<RateSegment>,
    index: usize,
    /// Simulated time at which week time 0 falls in the current cycle.
    cycle_start: f64,
    /// Expected arrivals in one whole week.
    weekly_total: f64,
    /// Dated spikes, sorted and disjoint, and the first not yet passed.
    pieces: Vec<VolumePiece>,
    piece: usize,
}

impl ArrivalClock {
    /// Arrivals following `schedule` when simulated time 0 is week time `start`.
    pub fn new(schedule: &RateSchedule, start: f64) -> Self {
        let segments = schedule.segments().to_vec();
        let index = segments.iter().position(|s| start < s.end).unwrap_or(0);
        let any = segments.iter().any(|s| s.rate > 0.0);
        let mut clock = ArrivalClock {
            rate: 0.0,
            end: 0.0,
            any,
            dated: false,
            segments,
            index,
            cycle_start: -start,
            weekly_total: schedule.weekly_total(),
            pieces: Vec::new(),
            piece: 0,
        };
        clock.enter_segment();
        clock
    }

    /// Loads the segment at `index` of the cycle at `cycle_start` as the one
    /// in force.
    #[inline]
    fn enter_segment(&mut self) {
        let seg = self.segments[self.index];
        self.rate = seg.rate;
        self.end = self.cycle_start + seg.end;
    }

    /// Moves to the next segment of the week, into the next cycle after the
    /// last one.
    #[inline]
    fn next_segment(&mut self) -> bool {
        self.index += 1;
        let wrapped = self.index == self.segments.len();
        if wrapped {
            self.index = 0;
            self.cycle_start += WEEK;
        }
        wrapped
    }

    /// The same arrivals changed by dated spikes (sorted, disjoint pieces).
    pub fn with_dated(mut self, pieces: &[VolumePiece]) -> Self {
        self.any |= pieces.iter().any(|p| p.extra > 0.0);
        self.pieces = pieces.to_vec();
        self.dated = !self.pieces.is_empty();
        self
    }

    /// The next arrival while dated spikes lie ahead: the week's segments
    /// are cut at the spikes' edges and each stretch's rate is
    /// `factor × weekly rate + extra`. Returns `Err(e)` with the draw left
    /// once the last spike is passed (the plain walk goes on from there).
    fn next_dated(&mut self, t: &mut f64, mut e: f64) -> Result<f64, f64> {
        while let Some(p) = self.pieces.get(self.piece).copied() {
            let end = self.end;
            let (factor, extra, bound) = if *t >= p.from { (p.factor, p.extra, p.to) } else { (1.0, 0.0, p.from) };
            let stop = end.min(bound);
            let rate = self.rate * factor + extra;
            if rate > 0.0 {
                let mass = rate * (stop - *t);
                if mass > e {
                    return Ok(*t + e / rate);
                }
                e -= mass;
            }
            *t = stop;
            if *t >= p.to {
                self.piece += 1;
                self.dated = self.piece < self.pieces.len();
            }
            if *t >= end {
                self.next_segment();
                self.enter_segment();
            }
        }
        Err(e)
    }

    /// The arrival after time `now`, given a unit-exponential draw `e`; `None`
    /// when the queue gets no arrivals at all.
    #[inline]
    pub fn next(&mut self, now: f64, mut e: f64) -> Option<f64> {
        if !self.any {
            return None;
        }
        let mut t = now;
        if self.dated {
            match self.next_dated(&mut t, e) {
                Ok(arrival) => return Some(arrival),
                Err(rest) => e = rest,
            }
            if self.weekly_total <= 0.0 {
                self.any = false;
                return None;
            }
        }
        // Weeks walked in this call: after the skip below fewer than one
        // week's worth is left, so exact arithmetic returns within the next
        // whole week; more wraps than a few mean the clock is so far ahead
        // (1e-67 tickets a week) that a segment's length no longer changes it.
        let mut wraps = 0;
        loop {
            let (rate, end) = (self.rate, self.end);
            if rate > 0.0 {
                let mass = rate * (end - t);
                if mass > e {
                    return Some(t + e / rate);
                }
                e -= mass;
            }
            t = end;
            if self.next_segment() {
                // Whole weeks without an arrival are skipped in one step: a
                // queue of 1e-13 tickets a week would otherwise walk some
                // 1e13 weeks, segment by segment, to find its next ticket.
                if e >= self.weekly_total {
                    let weeks = (e / self.weekly_total).floor();
                    e = (e - weeks * self.weekly_total).max(0.0);
                    self.cycle_start += weeks * WEEK;
                    t = self.cycle_start;
                }
                wraps += 1;
                if wraps > 4 {
                    // No arrival is representable that late: never.
                    self.any = false;
                    return None;
                }
            }
            self.enter_segment();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::units::{DAY, HOUR};
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;
    use rand_distr::{Distribution, Exp1};

    #[test]
    fn counts_follow_the_schedule() {
        // 1000/week, all of it on Mondays 10:00-12:00.
        let pieces = [(0.0, 10.0 * HOUR, 0.0), (10.0 * HOUR, 12.0 * HOUR, 1.0), (12.0 * HOUR, WEEK, 0.0)];
        let schedule = RateSchedule::from_weights(&pieces, 1000.0);
        let mut clock = ArrivalClock::new(&schedule, 3.0 * DAY); // start on Thursday
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let mut t = 0.0;
        let mut count = 0;
        let weeks = 20.0;
        while let Some(next) = clock.next(t, Exp1.sample(&mut rng)) {
            if next >= weeks * WEEK {
                break;
            }
            let w = (next + 3.0 * DAY).rem_euclid(WEEK);
            assert!((10.0 * HOUR..12.0 * HOUR).contains(&w), "arrival at week time {w}");
            count += 1;
            t = next;
        }
        // Poisson(20000): standard deviation ~141.
        assert!((count as f64 - 20_000.0).abs() < 4.0 * 141.5, "{count}");
    }

    #[test]
    fn a_spike_multiplies_its_span_exactly_and_leaves_the_rest() {
        // 700/week flat; days 2-3 at x3, plus a burst of 50 a second on a
        // 2-second span of an otherwise empty queue below.
        let flat = [(0.0, WEEK, 1.0)];
        let schedule = RateSchedule::from_weights(&flat, 700.0);
        let spike = [VolumePiece { from: 2.0 * DAY, to: 3.0 * DAY, factor: 3.0, extra: 0.0 }];
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        let (mut inside, mut outside) = (0u32, 0u32);
        let weeks = 400;
        for _ in 0..weeks {
            let mut clock = ArrivalClock::new(&schedule, 0.0).with_dated(&spike);
            let mut t = 0.0;
            while let Some(next) = clock.next(t, Exp1.sample(&mut rng)) {
                if next >= WEEK {
                    break;
                }
                if (2.0 * DAY..3.0 * DAY).contains(&next) {
                    inside += 1
                } else {
                    outside += 1
                }
                t = next;
            }
        }
        // Expected 300 and 600 a week: Poisson(120 000) and Poisson(240 000).
        let n = f64::from(weeks);
        assert!((f64::from(inside) - 300.0 * n).abs() < 4.0 * (300.0 * n).sqrt(), "{inside}");
        assert!((f64::from(outside) - 600.0 * n).abs() < 4.0 * (600.0 * n).sqrt(), "{outside}");
        let none = RateSchedule::from_weights(&flat, 0.0);
        let burst = [VolumePiece { from: 10.0, to: 12.0, factor: 1.0, extra: 50.0 }];
        let mut clock = ArrivalClock::new(&none, 0.0).with_dated(&burst);
        let mut t = 0.0;
        let mut count = 0;
        while let Some(next) = clock.next(t, Exp1.sample(&mut rng)) {
            assert!((10.0..12.0).contains(&next), "{next}");
            count += 1;
            t = next;
        }
        assert!((60..=140).contains(&count), "Poisson(100): {count}");
    }

    #[test]
    fn a_rare_queue_jumps_to_its_next_arrival() {
        // 1e-13 tickets a week on Mondays 10:00-12:00: the next arrival lies
        // some 1e13 weeks ahead and is found without walking them.
        let pieces = [(0.0, 10.0 * HOUR, 0.0), (10.0 * HOUR, 12.0 * HOUR, 1.0), (12.0 * HOUR, WEEK, 0.0)];
        let schedule = RateSchedule::from_weights(&pieces, 1e-13);
        let mut clock = ArrivalClock::new(&schedule, 0.0);
        let next = clock.next(0.0, 1.0).unwrap();
        assert!((next / WEEK / 1e13 - 1.0).abs() < 1e-9, "{next}");
        // At 1e-7 a week, time is still precise enough to see the segment.
        let mut clock = ArrivalClock::new(&RateSchedule::from_weights(&pieces, 1e-7), 0.0);
        // 9 999 999.5 weeks' worth of arrivals: halfway through the segment of week 9 999 999.
        let next = clock.next(0.0, 9_999_999.5e-7).unwrap();
        let weeks = (next / WEEK).floor();
        assert_eq!(weeks, 9_999_999.0);
        let w = next - weeks * WEEK;
        assert!((w - 11.0 * HOUR).abs() < 0.01, "halfway through the open segment: {w}");
        // The jump is the walk's answer: 2.5 weeks' worth lands in the third week's segment, halfway.
        let weekly = RateSchedule::from_weights(&pieces, 1.0);
        let mut walk = ArrivalClock::new(&weekly, 0.0);
        let t = walk.next(0.0, 2.5).unwrap();
        assert!((t - (2.0 * WEEK + 11.0 * HOUR)).abs() < 1e-6, "{t}");
    }
}

/// Each queue's next arrival, and the earliest of them in O(1): a tournament
/// tree over the queues (a leaf per queue, each inner node the earlier of
/// its two children), so updating one queue costs O(log queues) instead of
/// a scan of every queue per event.
///
/// A node is an [`ArrivalKey`], the time's bits and the queue's index (times
/// are never negative, so their bits order like the times): the least key
/// is the earliest time, and of equal times the lower queue. An update
/// walks up taking the earlier of a node and its sibling at each level, by
/// one comparison of the times (which side wins a tie follows from the
/// position) and a select, never a branch on the times (with branches every
/// level was a coin toss for the predictor). The levels are one chain of
/// dependent steps, nine with 400 queues, so each step is kept short. The
/// root then names the winner, so there is no walk back down.
#[derive(Debug, Clone)]
pub struct NextArrivals {
    /// Number of leaves (a power of two ≥ the number of queues).
    leaves: usize,
    /// `keys[1]` is the root; leaves start at `leaves`.
    keys: Vec<ArrivalKey>,
}

/// A tree node's key: the arrival time's bits (a non-negative time's bits
/// order like the time), then the queue, so ties go to the lower queue.
#[derive(Debug, Clone, Copy)]
struct ArrivalKey {
    time: u64,
    queue: u64,
}

impl ArrivalKey {
    #[inline]
    fn new(time: f64, q: usize) -> Self {
        ArrivalKey { time: time.to_bits(), queue: q as u64 }
    }

    /// Whether `self` comes before `other`, computed without a branch.
    #[inline]
    fn before(self, other: Self) -> bool {
        (self.time < other.time) | ((self.time == other.time) & (self.queue < other.queue))
    }

    /// The earlier of the two. Which sibling is earlier is a coin toss near
    /// the root, so this is a select of each half, not a branch the
    /// processor would guess wrong half the time.
    #[inline]
    fn earlier(self, other: Self) -> Self {
        let first = self.before(other);
        ArrivalKey {
            time: std::hint::select_unpredictable(first, self.time, other.time),
            queue: std::hint::select_unpredictable(first, self.queue, other.queue),
        }
    }
}

impl NextArrivals {
    /// No arrivals yet for `queues` queues.
    pub fn new(queues: usize) -> Self {
        let leaves = queues.max(1).next_power_of_two();
        let mut keys = vec![ArrivalKey::new(f64::INFINITY, 0); 2 * leaves];
        for q in 0..leaves {
            keys[leaves + q] = ArrivalKey::new(f64::INFINITY, q);
        }
        for i in (1..leaves).rev() {
            keys[i] = keys[2 * i].earlier(keys[2 * i + 1]);
        }
        NextArrivals { leaves, keys }
    }

    /// Sets queue `q`'s next arrival (infinite: none).
    #[inline]
    pub fn set(&mut self, q: usize, time: f64) {
        debug_assert!(time >= 0.0, "an arrival time is negative or NaN: {time}");
        // -0.0 becomes +0.0: every time then has one bit pattern.
        let time = if time > 0.0 { time } else { 0.0 };
        let mut i = self.leaves + q;
        let mut best = ArrivalKey::new(time, q);
        self.keys[i] = best;
        while i > 1 {
            // The left subtree holds the lower queues, so of equal times the
            // left one wins: a sibling on the left (`i` odd) wins a tie, one
            // on the right does not. On the integers `a <= b` is
            // `a < b + 1`, so that is one comparison, not the full key's two.
            let sibling = self.keys[i ^ 1];
            let sibling_first = sibling.time < best.time + (i & 1) as u64;
            best = ArrivalKey {
                time: std::hint::select_unpredictable(sibling_first, sibling.time, best.time),
                queue: std::hint::select_unpredictable(sibling_first, sibling.queue, best.queue),
            };
            i /= 2;
            self.keys[i] = best;
        }
    }

    /// The earliest next arrival: (queue, time); time is infinite when none.
    #[inline]
    pub fn earliest(&self) -> (usize, f64) {
        let root = self.keys[1];
        (root.queue as usize, f64::from_bits(root.time))
    }
}

#[cfg(test)]
mod next_arrival_tests {
    use super::NextArrivals;

    #[test]
    fn the_earliest_queue_wins_and_ties_go_to_the_lower_index() {
        let mut n = NextArrivals::new(5);
        assert_eq!(n.earliest().1, f64::INFINITY);
        n.set(3, 7.0);
        n.set(1, 9.0);
        assert_eq!(n.earliest(), (3, 7.0));
        n.set(4, 7.0);
        n.set(2, 7.0);
        assert_eq!(n.earliest(), (2, 7.0));
        n.set(2, f64::INFINITY);
        n.set(3, 8.0);
        assert_eq!(n.earliest(), (4, 7.0));
        let mut one = NextArrivals::new(1);
        one.set(0, 2.5);
        assert_eq!(one.earliest(), (0, 2.5));
    }

    #[test]
    fn the_earliest_is_what_a_scan_finds() {
        for queues in [1, 2, 3, 64, 100, 600] {
            let mut n = NextArrivals::new(queues);
            let mut times = vec![f64::INFINITY; queues];
            let mut x = 99u64;
            for _ in 0..5000 {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let q = (x >> 33) as usize % queues;
                // Few distinct times, so ties are common; now and then none.
                let t = if (x >> 20).is_multiple_of(11) { f64::INFINITY } else { ((x >> 40) % 7) as f64 * 0.5 };
                times[q] = t;
                n.set(q, t);
                let (mut bq, mut bt) = (0, times[0]);
                for (i, &ti) in times.iter().enumerate() {
                    if ti < bt {
                        (bq, bt) = (i, ti);
                    }
                }
                assert_eq!(n.earliest(), (bq, bt));
            }
        }
    }
}
