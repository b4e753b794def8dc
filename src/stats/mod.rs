//! Statistics: streaming collectors for one replication (`recorder`), running
//! sums over replications (`running`) and the merge of replications into
//! means with confidence intervals (`summary`). Every metric is defined once
//! here, exactly as DESIGN.md states it.

#[cfg(test)]
mod batch;
pub mod dialling;
pub mod paired;
pub mod recorder;
pub mod running;
pub mod summary;
pub mod tickets;
pub mod waits;

pub use recorder::{AgentTime, Origin, Recorder, ReplicationStats, TicketCounts};
pub use summary::{
    ClearBy, Estimate, IntervalSummary, QueueSummary, RunSummary, RunningSummary, TeamInterval, WaitCurve, estimate,
    summarize, week_rows,
};
