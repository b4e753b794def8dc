//! The scenario file exactly as written: serde types with
//! `deny_unknown_fields`, strings left as strings. Nothing here is checked
//! beyond TOML types; `validate` turns these into a [`super::Scenario`].

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub simulation: SimulationFile,
    #[serde(default, rename = "queue")]
    pub queues: Vec<QueueFile>,
    #[serde(default, rename = "team")]
    pub teams: Vec<TeamFile>,
    #[serde(default)]
    pub policy: Option<PolicyFile>,
    /// Named plans, `[policies.NAME]`, usable wherever a policy name is.
    #[serde(default)]
    pub policies: std::collections::BTreeMap<String, PlanFile>,
    #[serde(default, rename = "overtime")]
    pub overtime: Vec<OvertimeFile>,
    /// Dated events: holidays, volume spikes, extra staff.
    #[serde(default, rename = "event")]
    pub events: Vec<EventFile>,
    #[serde(default)]
    pub demand: Option<DemandFile>,
    /// The months-ahead capacity plan read by `plan`.
    #[serde(default)]
    pub plan: Option<super::plan::PlanSectionFile>,
}

/// Volumes from business drivers instead of history.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemandFile {
    /// A number, or a range as text: "10000..14000".
    pub customers: toml::Value,
    /// "0.4/month", or a range "0.3..0.5/month".
    pub contacts_per_customer: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftTemplateFile {
    pub days: String,
    pub starts: Vec<String>,
    pub length: String,
    #[serde(default)]
    pub breaks: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    pub order: String,
}

/// A policy or discipline that changes over time: either by the desk clock
/// (`default` and `during`) or by a switch rule on the backlog (`order`,
/// `while_backlog_above`, optional `back_below`, `otherwise`). Which fields
/// belong together is checked by the validator.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    #[serde(default)]
    pub default: Option<String>,
    #[serde(default)]
    pub during: Option<Vec<DuringFile>>,
    #[serde(default)]
    pub order: Option<String>,
    #[serde(default)]
    pub while_backlog_above: Option<i64>,
    #[serde(default)]
    pub back_below: Option<i64>,
    #[serde(default)]
    pub otherwise: Option<String>,
}

/// One `during` entry: an order in force during some hours of the week.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DuringFile {
    pub hours: String,
    pub order: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OvertimeFile {
    pub team: String,
    pub days: String,
    pub from: String,
    pub to: String,
    pub agents: i64,
}

/// One `[[event]]`: what happens (`kind`), when (`date`, or `from`/`to`)
/// and to whom; which fields belong to which kind is checked by
/// `scenario::dated`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventFile {
    pub kind: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub hours: Option<String>,
    #[serde(default)]
    pub queues: Option<Vec<String>>,
    #[serde(default)]
    pub teams: Option<Vec<String>>,
    #[serde(default)]
    pub team: Option<String>,
    /// A factor (1.8) or a change as text ("+80%").
    #[serde(default)]
    pub volume: Option<toml::Value>,
    #[serde(default)]
    pub extra: Option<i64>,
    #[serde(default)]
    pub agents: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BacklogFile {
    pub tickets: i64,
    #[serde(default)]
    pub oldest: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaleFile {
    pub after: String,
    pub resolve: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallbackFile {
    pub queue: String,
    pub share: f64,
    #[serde(default)]
    pub scheduled: Option<ScheduledFile>,
}

/// `scheduled = { share = 0.3, after = { dist = "uniform", min = "1h", max = "4h" } }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledFile {
    pub share: f64,
    pub after: DistFile,
}

/// `outbound = { answer_rate = 0.4, attempts = 3, retry_after = "2h", no_answer_time = "1m" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboundFile {
    pub answer_rate: f64,
    #[serde(default)]
    pub attempts: Option<i64>,
    #[serde(default)]
    pub retry_after: Option<String>,
    #[serde(default)]
    pub no_answer_time: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationFile {
    #[serde(default)]
    pub start: Option<String>,
    pub horizon: String,
    #[serde(default)]
    pub warmup: Option<String>,
    #[serde(default)]
    pub interval: Option<String>,
    #[serde(default)]
    pub replications: Option<i64>,
    #[serde(default)]
    pub seed: Option<i64>,
    #[serde(default)]
    pub timezone: Option<String>,
    #[serde(default)]
    pub clear_below: Option<i64>,
    /// A date (end of that day) or date and time the backlog should be clear by.
    #[serde(default)]
    pub clear_by: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueFile {
    pub name: String,
    pub channel: String,
    #[serde(default)]
    pub volume: Option<String>,
    /// Share of the `[demand]` contacts, instead of a volume.
    #[serde(default)]
    pub share: Option<f64>,
    #[serde(default)]
    pub hours: Option<String>,
    /// 24 hourly weights or a preset name; checked by the validator so the
    /// message can say which.
    #[serde(default)]
    pub profile: Option<toml::Value>,
    /// 7 daily weights (Mon..Sun) or a preset name.
    #[serde(default)]
    pub weekly: Option<toml::Value>,
    pub handle_time: DistFile,
    #[serde(default)]
    pub patience: Option<DistFile>,
    pub sla: SlaFile,
    #[serde(default)]
    pub concurrency: Option<i64>,
    #[serde(default)]
    pub priority: Option<i64>,
    /// A discipline name, or a table in the form of a [`PlanFile`]; checked
    /// by the validator so the message can say which.
    #[serde(default)]
    pub discipline: Option<toml::Value>,
    #[serde(default)]
    pub sla_clock: Option<String>,
    #[serde(default)]
    pub backlog: Option<BacklogFile>,
    #[serde(default)]
    pub stale: Option<StaleFile>,
    #[serde(default)]
    pub callback: Option<CallbackFile>,
    /// Callback queues: `{ within = "1h", target = 0.8 }` for the requests
    /// created while the queue is closed.
    #[serde(default)]
    pub after_hours_sla: Option<SlaFile>,
    #[serde(default)]
    pub outbound: Option<OutboundFile>,
    #[serde(default)]
    pub replies: Option<RepliesFile>,
    #[serde(default)]
    pub transfers: Vec<TransferFile>,
}

/// `replies = { probability = 0.35, after = { dist = ..., mean = ... }, ... }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepliesFile {
    pub probability: f64,
    pub after: DistFile,
    #[serde(default)]
    pub handle_time: Option<DistFile>,
    #[serde(default)]
    pub max_touches: Option<i64>,
}

/// One entry of `transfers = [{ to = "tier2", share = 0.15, after = ... }]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferFile {
    pub to: String,
    pub share: f64,
    #[serde(default)]
    pub after: Option<DistFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistFile {
    pub dist: String,
    #[serde(default)]
    pub mean: Option<String>,
    #[serde(default)]
    pub cv: Option<f64>,
    #[serde(default)]
    pub min: Option<String>,
    #[serde(default)]
    pub max: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaFile {
    #[serde(default)]
    pub within: Option<String>,
    #[serde(default)]
    pub target: Option<f64>,
    /// Highest mean wait of answered customers, a duration.
    #[serde(default)]
    pub average: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamFile {
    pub name: String,
    pub skills: Vec<String>,
    #[serde(default)]
    pub agents: Option<i64>,
    #[serde(default)]
    pub timezone: Option<String>,
    #[serde(default)]
    pub shifts: Option<Vec<ShiftFile>>,
    #[serde(default)]
    pub shrinkage: Option<f64>,
    #[serde(default)]
    pub hours_per_week: Option<f64>,
    #[serde(default)]
    pub shift_templates: Option<Vec<ShiftTemplateFile>>,
    /// Queue name → factor on the handle time when this team answers it.
    #[serde(default)]
    pub speed: Option<std::collections::BTreeMap<String, f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftFile {
    pub days: String,
    pub start: String,
    pub length: String,
    pub agents: i64,
    #[serde(default)]
    pub breaks: Vec<String>,
    /// A reserved outbound block: these agents dial only.
    #[serde(default)]
    pub outbound_only: bool,
}
