//! The schedule written back into the user's scenario file: every team's
//! roster replaced by its scheduled shifts and the overtime blocks dropped,
//! edited with `toml_edit` so the rest of the file — comments, key order,
//! blank lines — stays as the user wrote it.

use toml_edit::{Array, DocumentMut, InlineTable, Item, Value};

use super::Staffing;
use super::schedule::Schedule;
use crate::scenario::Scenario;
use crate::scenario::units::{format_clock, format_duration};

/// The schedule as the `shifts` array of a `[[team]]`, one shift per line.
fn shifts_value(schedule: &Schedule) -> Array {
    let mut rows = Array::new();
    for x in &schedule.shifts {
        let mut row = InlineTable::new();
        row.insert("days", Value::from(x.days_text.as_str()));
        row.insert("start", Value::from(format_clock(x.start)));
        row.insert("length", Value::from(format_duration(x.length)));
        row.insert("agents", Value::from(i64::from(x.agents)));
        if !x.breaks.is_empty() {
            row.insert("breaks", Value::Array(x.break_texts().into_iter().map(Value::from).collect()));
        }
        rows.push_formatted(Value::InlineTable(row).decorated("\n  ", ""));
    }
    rows.set_trailing("\n");
    rows.set_trailing_comma(true);
    rows
}

/// The scenario file `text` with every team's roster replaced by its
/// schedule (overtime blocks dropped): a scenario `run` can confirm.
pub fn write_scenario(text: &str, s: &Scenario, staffing: &Staffing) -> anyhow::Result<String> {
    let mut doc: DocumentMut = text.parse()?;
    doc.remove("overtime");
    if let Some(teams) = doc.get_mut("team").and_then(Item::as_array_of_tables_mut) {
        for table in teams.iter_mut() {
            let Some(name) = table.get("name").and_then(Item::as_str).map(String::from) else { continue };
            let Some(t) = s.team_index(&name) else { continue };
            let schedule = &staffing.schedules[t];
            if schedule.shifts.is_empty() {
                table.remove("shifts");
                table["agents"] = toml_edit::value(0);
            } else {
                table.remove("agents");
                table["shifts"] = Item::Value(Value::Array(shifts_value(schedule)));
            }
        }
    }
    Ok(format!(
        "# Written by `staffsim staff`: the shift schedule that covers the simulated\n# requirement of {} ({}). Run it to confirm the service level.\n\n{doc}",
        s.name,
        staffing.plan_for_text()
    ))
}
