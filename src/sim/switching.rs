//! Which policy or discipline is in force when an agent picks its next
//! ticket. A [`Switching`] is looked at only then: by the desk clock, a
//! cursor steps forward through the week's pieces (simulated time only moves
//! forward, so this is amortised constant time, never a search); by a switch
//! rule, one comparison of the backlog with the thresholds updates its state.
//! Nothing here allocates.

use crate::scenario::Switching;
use crate::scenario::units::WEEK;

/// The running state of one [`Switching`].
#[derive(Debug, Clone)]
pub struct SwitchState {
    /// Index of the piece of the week in force (`Hours`).
    piece: usize,
    /// Simulated time at which week time 0 falls in the current cycle.
    cycle_start: f64,
    /// Simulated time at which the piece in force ends.
    next_change: f64,
    /// A switch rule's order is in force (`Backlog`).
    on: bool,
}

impl SwitchState {
    /// The state at simulated time 0, which is week time `start`.
    pub fn new<T>(rule: &Switching<T>, start: f64) -> Self {
        let mut state = SwitchState { piece: 0, cycle_start: -start, next_change: f64::INFINITY, on: false };
        if let Switching::Hours(pieces) = rule
            && !pieces.is_empty()
        {
            let w = start.rem_euclid(WEEK);
            state.piece = pieces.partition_point(|p| p.1 <= w).min(pieces.len() - 1);
            state.next_change =
                if pieces.len() > 1 { state.cycle_start + pieces[state.piece].1 } else { f64::INFINITY };
        }
        state
    }

    /// The value in force at simulated time `now` (never earlier than the
    /// last call) with `backlog` tickets waiting in what the rule watches.
    #[inline]
    pub fn current<T: Copy>(&mut self, rule: &Switching<T>, now: f64, backlog: usize) -> T {
        match rule {
            Switching::Fixed(v) => *v,
            Switching::Hours(pieces) => {
                while now >= self.next_change {
                    self.piece += 1;
                    if self.piece == pieces.len() {
                        self.piece = 0;
                        self.cycle_start += WEEK;
                    }
                    self.next_change = self.cycle_start + pieces[self.piece].1;
                }
                pieces[self.piece].2
            }
            Switching::Backlog { order, above, back_below, otherwise } => {
                if !self.on && backlog > *above as usize {
                    self.on = true;
                } else if self.on && backlog <= *back_below as usize {
                    self.on = false;
                }
                if self.on { *order } else { *otherwise }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::units::{DAY, HOUR};

    #[test]
    fn hours_step_through_the_week_and_wrap() {
        // lifo Mon 08:00-18:00, fifo otherwise; simulated time 0 is Monday 12:00.
        let rule =
            Switching::Hours(vec![(0.0, 8.0 * HOUR, 'f'), (8.0 * HOUR, 18.0 * HOUR, 'l'), (18.0 * HOUR, WEEK, 'f')]);
        let mut s = SwitchState::new(&rule, 12.0 * HOUR);
        assert_eq!(s.current(&rule, 0.0, 0), 'l');
        assert_eq!(s.current(&rule, 6.0 * HOUR - 1.0, 0), 'l');
        // 18:00 itself belongs to the next piece, as a queue opens at its hour.
        assert_eq!(s.current(&rule, 6.0 * HOUR, 0), 'f');
        // A jump of several weeks lands on the right piece.
        assert_eq!(s.current(&rule, 3.0 * WEEK - 12.0 * HOUR + 9.0 * HOUR, 0), 'l');
        assert_eq!(s.current(&rule, 3.0 * WEEK + DAY, 0), 'f');
    }

    #[test]
    fn a_switch_rule_keeps_its_order_until_the_backlog_falls_back() {
        let rule = Switching::Backlog { order: 'l', above: 10, back_below: 4, otherwise: 'f' };
        let mut s = SwitchState::new(&rule, 0.0);
        let seen: String = [3, 10, 11, 8, 5, 4, 9, 11].iter().map(|&b| s.current(&rule, 0.0, b)).collect();
        assert_eq!(seen, "fflllffl");
    }
}
