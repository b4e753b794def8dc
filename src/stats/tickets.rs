//! One row per ticket, for `run --ticket-log`: what happened to each ticket
//! the statistics count, kept only when asked for (the recorder holds an
//! `Option` of these and checks it once per ticket outcome), so a normal run
//! pays nothing and keeps its constant memory.

use super::recorder::Origin;

/// How a ticket ended, as the ticket log's `outcome` column names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketOutcome {
    Answered,
    Abandoned,
    /// Its line was closed (a live channel outside its hours).
    Closed,
    /// Groomed away as stale.
    Withdrawn,
    /// Still waiting at the horizon.
    Waiting,
}

impl TicketOutcome {
    pub fn name(self) -> &'static str {
        match self {
            TicketOutcome::Answered => "answered",
            TicketOutcome::Abandoned => "abandoned",
            TicketOutcome::Closed => "closed",
            TicketOutcome::Withdrawn => "withdrawn",
            TicketOutcome::Waiting => "waiting",
        }
    }
}

/// One ticket's record. Times are simulated seconds from t = 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TicketRecord {
    pub queue: u32,
    pub origin: Origin,
    pub outcome: TicketOutcome,
    /// When it entered its queue.
    pub arrival: f64,
    /// Wall-clock seconds from arrival to its answer, to giving up or being
    /// removed, or (still waiting) to the horizon.
    pub wait: f64,
    /// The agent time it took, seconds (answered tickets; NaN otherwise).
    pub handle: f64,
}

impl Origin {
    /// The ticket log's `origin` column.
    pub fn name(self) -> &'static str {
        match self {
            Origin::OpenHours => "open_hours",
            Origin::AfterHours => "after_hours",
            Origin::InitialBacklog => "initial_backlog",
            Origin::AfterHoursCallback => "after_hours_callback",
        }
    }
}
