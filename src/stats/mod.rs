//! Statistics: streaming collectors for one replication (`recorder`) and the
//! merge of replications into means with confidence intervals (`summary`).
//! Every metric is defined once here, exactly as DESIGN.md states it.

pub mod recorder;
pub mod summary;

pub use recorder::{AgentTime, Origin, Recorder, ReplicationStats, TicketCounts};
pub use summary::{
    Estimate, IntervalSummary, QueueSummary, RunSummary, TeamInterval, WaitCurve, estimate, summarize, week_rows,
};
