//! Walking a weekly calendar forward in simulated time: the next moment a
//! queue opens or closes, or a group of agents starts or ends duty. Only the
//! next transition is ever scheduled, so memory does not grow with the horizon.

use crate::scenario::WeeklySpans;
use crate::scenario::units::WEEK;

/// The position of the simulation in a repeating weekly calendar.
#[derive(Debug, Clone)]
pub struct CalendarCursor {
    transitions: Vec<(f64, bool)>,
    index: usize,
    /// Simulated time at which week time 0 falls in the current cycle.
    cycle_start: f64,
}

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
        (CalendarCursor { transitions, index, cycle_start }, spans.contains(start))
    }

    /// The next change after the current position: (simulated time, state after).
    pub fn peek(&self) -> Option<(f64, bool)> {
        self.transitions.get(self.index).map(|&(w, on)| (self.cycle_start + w, on))
    }

    /// Moves past the change returned by `peek`.
    pub fn advance(&mut self) {
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
}
