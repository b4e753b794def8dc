//! JSON for machines: the `--json` summary on stdout and `run.json`, the
//! record of how a run was made.

use serde_json::{Value, json};

use crate::stats::{Estimate, QueueSummary};

fn opt(x: Option<f64>) -> Value {
    match x {
        Some(v) if v.is_finite() => json!(v),
        _ => Value::Null,
    }
}

fn est(e: &Estimate) -> (Value, Value) {
    (opt(e.mean), opt(e.ci95))
}

/// One summary row as a JSON object with the CSV's field names.
pub fn queue_row(r: &QueueSummary) -> Value {
    let (sl, sl_ci) = est(&r.service_level);
    let (asa, asa_ci) = est(&r.asa_s);
    let (ab, ab_ci) = est(&r.abandon_rate);
    let (occ, occ_ci) = est(&r.occupancy);
    let (open, open_ci) = est(&r.service_level_open);
    json!({
        "queue": r.queue,
        "offered": r.offered,
        "answered": r.answered,
        "abandoned": r.abandoned,
        "closed": r.closed,
        "withdrawn": r.withdrawn,
        "waiting_at_end": r.waiting_at_end,
        "service_level": sl,
        "service_level_ci95": sl_ci,
        "sla_target": opt(r.sla_target),
        "sla_met": r.meets_target(),
        "asa_s": asa,
        "asa_s_ci95": asa_ci,
        "wait_p50_s": opt(r.wait_p50_s),
        "wait_p90_s": opt(r.wait_p90_s),
        "wait_p99_s": opt(r.wait_p99_s),
        "abandon_rate": ab,
        "abandon_rate_ci95": ab_ci,
        "occupancy": occ,
        "occupancy_ci95": occ_ci,
        "callbacks_created": r.callbacks_created,
        "service_level_backlog": opt(r.service_level_backlog.mean),
        "service_level_new": opt(r.service_level_new.mean),
        "after_hours": r.after_hours,
        "service_level_open": open,
        "service_level_open_ci95": open_ci,
        "time_to_clear_h": opt(r.time_to_clear_h.mean),
        "never_cleared": r.never_cleared,
    })
}

/// Pretty JSON bytes with a trailing newline.
pub fn to_bytes(v: &Value) -> anyhow::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(v)?;
    bytes.push(b'\n');
    Ok(bytes)
}
