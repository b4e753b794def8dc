//! Walking a weekly calendar forward in simulated time: the next moment a
//! queue opens or closes, or a group of agents starts or ends duty. Only the
//! next transition is ever scheduled, so memory does not grow with the horizon.
//!
//! Dated events (holidays, temporary staff) come as a [`DatedMask`] over
//! simulated time: the state is on when the weekly calendar *and* the mask
//! are on, and the cursor walks both at once.

use crate::scenario::WeeklySpans;
use crate::scenario::dated::DatedMask;
use crate::scenario::units::WEEK;

/// The position of the simulation in a repeating weekly calendar.
#[derive(Debug, Clone)]
pub struct CalendarCursor {
    transitions: Vec<(f64, bool)>,
    index: usize,
    /// Simulated time at which week time 0 falls in the current cycle.
    cycle_start: f64,
    /// With dated events: the mask and the merged walk's position.
    dated: Option<Box<DatedWalk>>,
}

/// Where the walk of a weekly calendar combined with a dated mask stands.
#[derive(Debug, Clone)]
struct DatedWalk {
    changes: Vec<(f64, bool)>,
    next: usize,
    weekly_on: bool,
    mask_on: bool,
    /// The combined state after `pending`.
    state: bool,
    /// The next change of the combined state.
    pending: Option<(f64, bool)>,
}

/// Changes closer than this (seconds) are one moment: a dated change and a
/// weekly one computed by different sums of the same times.
const SAME_MOMENT: f64 = 1e-6;

impl CalendarCursor {
    /// A cursor for `spans` when simulated time 0 is week time `start`.
    /// Returns it with the state at time 0.
    pub fn new(spans: &WeeklySpans, start: f64) -> (Self, bool) {
        let transitions = spans.transitions();
        let mut index = transitions.partition_point(|&(w, _)| w <= start);
        let mut cycle_start = -start;
        if index == transitions.len() {
            index = 0;
            cycle_start += WEEK;
        }
        (CalendarCursor { transitions, index, cycle_start, dated: None }, spans.contains(start))
    }

    /// A cursor for `spans` combined with dated events `mask` (on only when
    /// both are); without a mask, exactly [`CalendarCursor::new`].
    pub fn dated(spans: &WeeklySpans, start: f64, mask: Option<&DatedMask>) -> (Self, bool) {
        let (mut cursor, weekly_on) = Self::new(spans, start);
        let Some(mask) = mask else { return (cursor, weekly_on) };
        let state = weekly_on && mask.initial;
        cursor.dated = Some(Box::new(DatedWalk {
            changes: mask.changes.clone(),
            next: 0,
            weekly_on,
            mask_on: mask.initial,
            state,
            pending: None,
        }));
        cursor.find_next();
        (cursor, state)
    }

    /// The next change after the current position: (simulated time, state after).
    pub fn peek(&self) -> Option<(f64, bool)> {
        match &self.dated {
            Some(walk) => walk.pending,
            None => self.weekly_peek(),
        }
    }

    /// Moves past the change returned by `peek`.
    pub fn advance(&mut self) {
        if self.dated.is_some() {
            self.find_next();
        } else {
            self.weekly_advance();
        }
    }

    fn weekly_peek(&self) -> Option<(f64, bool)> {
        self.transitions.get(self.index).map(|&(w, on)| (self.cycle_start + w, on))
    }

    /// Finds the next moment the combined state changes: every change of
    /// the weekly calendar and of the mask at one moment is applied before
    /// the state is compared. Once the mask has no more changes and is off,
    /// nothing changes again.
    fn find_next(&mut self) {
        loop {
            let Some(walk) = self.dated.as_deref() else { return };
            let mask_next = walk.changes.get(walk.next).map(|c| c.0);
            let exhausted_off = mask_next.is_none() && !walk.mask_on;
            let weekly_next = if exhausted_off { None } else { self.weekly_peek().map(|c| c.0) };
            let t = match (weekly_next, mask_next) {
                (None, None) => {
                    if let Some(walk) = self.dated.as_deref_mut() {
                        walk.pending = None;
                    }
                    return;
                }
                (Some(a), Some(b)) => a.min(b),
                (Some(a), None) => a,
                (None, Some(b)) => b,
            };
            while let Some((w, on)) = self.weekly_peek().filter(|c| c.0 - t <= SAME_MOMENT) {
                debug_assert!(w >= t - SAME_MOMENT);
                if let Some(walk) = self.dated.as_deref_mut() {
                    walk.weekly_on = on;
                }
                self.weekly_advance();
                if self.transitions.is_empty() {
                    break;
                }
            }
            let Some(walk) = self.dated.as_deref_mut() else { return };
            while let Some(&(_, on)) = walk.changes.get(walk.next).filter(|c| c.0 - t <= SAME_MOMENT) {
                walk.mask_on = on;
                walk.next += 1;
            }
            let state = walk.weekly_on && walk.mask_on;
            if state != walk.state {
                walk.state = state;
                walk.pending = Some((t, state));
                return;
            }
        }
    }

    fn weekly_advance(&mut self) {
        if self.transitions.is_empty() {
            return;
        }
        self.index += 1;
        if self.index == self.transitions.len() {
            self.index = 0;
            self.cycle_start += WEEK;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::dated::DatedMask;
    use crate::scenario::units::{DAY, HOUR, parse_hours};

    #[test]
    fn walks_transitions_across_weeks() {
        let hours = parse_hours("mon-fri 10:00-19:00").unwrap();
        // Start on Friday 12:00: open now, closes at 19:00, reopens Monday 10:00.
        let (mut c, open) = CalendarCursor::new(&hours, 4.0 * DAY + 12.0 * HOUR);
        assert!(open);
        assert_eq!(c.peek(), Some((7.0 * HOUR, false)));
        c.advance();
        assert_eq!(c.peek(), Some((2.0 * DAY + 22.0 * HOUR, true)));
        for _ in 0..10 {
            c.advance();
        }
        assert_eq!(c.peek(), Some((WEEK + 2.0 * DAY + 22.0 * HOUR, true)));
        let (always, open) = CalendarCursor::new(&WeeklySpans::always(), 0.0);
        assert!(open && always.peek().is_none());
    }

    #[test]
    fn a_holiday_closes_the_weekly_hours_and_a_window_bounds_a_group() {
        let hours = parse_hours("mon-fri 10:00-19:00").unwrap();
        // Tuesday closed all day (t = 0 is Monday 00:00).
        let mask = DatedMask { initial: true, changes: vec![(DAY, false), (2.0 * DAY, true)] };
        let (mut c, open) = CalendarCursor::dated(&hours, 0.0, Some(&mask));
        assert!(!open);
        let mut seen = Vec::new();
        while let Some((t, on)) = c.peek() {
            if t > 3.0 * DAY {
                break;
            }
            seen.push((t / HOUR, on));
            c.advance();
        }
        assert_eq!(seen, vec![(10.0, true), (19.0, false), (58.0, true), (67.0, false)]);
        // A group on duty every day 09:00-17:00, only from day 1 to day 2.
        let duty = parse_hours("09:00-17:00").unwrap();
        let window = DatedMask { initial: false, changes: vec![(DAY, true), (2.0 * DAY, false)] };
        let (mut c, on) = CalendarCursor::dated(&duty, 0.0, Some(&window));
        assert!(!on);
        assert_eq!(c.peek(), Some((DAY + 9.0 * HOUR, true)));
        c.advance();
        assert_eq!(c.peek(), Some((DAY + 17.0 * HOUR, false)));
        c.advance();
        assert_eq!(c.peek(), None, "nothing after the window");
        // A window that opens inside the weekly hours switches on at its start.
        let late = DatedMask { initial: false, changes: vec![(12.0 * HOUR, true)] };
        let (c, on) = CalendarCursor::dated(&duty, 0.0, Some(&late));
        assert!(!on);
        assert_eq!(c.peek(), Some((12.0 * HOUR, true)));
    }
}
