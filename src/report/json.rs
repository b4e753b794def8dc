//! JSON for machines: the `--json` summary on stdout and `run.json`, the
//! record of how a run was made.

use serde_json::{Value, json};

use crate::stats::QueueSummary;

/// One summary row as a JSON object with the CSV's field names (from the
/// one column table), plus `sla_met`, which only machines need.
pub fn queue_row(r: &QueueSummary) -> Value {
    let columns = super::columns::summary_columns(std::slice::from_ref(r));
    let mut object = super::columns::json_object(&columns, r);
    object.insert("sla_met".into(), json!(r.meets_target()));
    Value::Object(object)
}

/// Pretty JSON bytes with a trailing newline.
pub fn to_bytes(v: &Value) -> anyhow::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(v)?;
    bytes.push(b'\n');
    Ok(bytes)
}
