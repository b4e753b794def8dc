//! Reading a help-desk ticket export: a CSV file with a header row, one
//! ticket per row, its columns named on the command line (the defaults are
//! the ticket log's own names, so `run --ticket-log` output reads as it is).
//! Every problem is bad input naming the file, the line, the column, the
//! value and what would be right.

use std::path::Path;

use crate::error::InputError;
use crate::scenario::dated::{civil_from_days, days_from_civil};
use crate::scenario::units;

/// Which export column holds what. `None`: the default name, used when the
/// file has it; a name given on the command line must be in the file.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    pub created: Option<String>,
    pub queue: Option<String>,
    pub channel: Option<String>,
    pub handle_time: Option<String>,
    pub wait: Option<String>,
    pub answered: Option<String>,
    pub abandoned: Option<String>,
    pub replication: Option<String>,
}

/// The default column names: the ticket log's.
pub mod defaults {
    pub const CREATED: &str = "created";
    pub const QUEUE: &str = "queue";
    pub const CHANNEL: &str = "channel";
    pub const HANDLE_TIME: &str = "handle_time_s";
    pub const WAIT: &str = "wait_s";
    pub const ANSWERED: &str = "answered";
    pub const ABANDONED: &str = "abandoned";
    pub const REPLICATION: &str = "replication";
}

/// One ticket of the export. Times are seconds since 1970-01-01 00:00 on
/// the export's own clock (an offset written with a time is ignored: the
/// clock time as written is what the daily profile is about).
#[derive(Debug, Clone, PartialEq)]
pub struct Ticket {
    pub queue: String,
    pub channel: Option<String>,
    pub created: f64,
    pub handle: Option<f64>,
    /// Seconds from creation to the first response, to giving up, or (still
    /// open) to the export: the `wait` column, else `answered - created`.
    pub wait: Option<f64>,
    pub abandoned: bool,
    /// The ticket log's replication: copies of the same period.
    pub replication: Option<String>,
}

/// An export as read: its tickets and which optional columns it has.
#[derive(Debug, Clone)]
pub struct Export {
    pub tickets: Vec<Ticket>,
    pub has_wait: bool,
    pub has_abandoned: bool,
    pub has_replication: bool,
    pub has_handle: bool,
    /// Which column names were used, for the written file's comments.
    pub columns: Vec<(String, String)>,
}

const DATE_TIME_FORMS: &str = "\"2026-03-02 14:05:00\", \"2026-03-02T14:05:00Z\", \"02.03.2026 14:05\", \
     \"03/02/2026 2:05 PM\" or Unix seconds";
const DURATION_FORMS: &str = "seconds (\"372.5\"), a duration (\"6m\", \"1h30m\") or \"HH:MM:SS\"";

/// Reads and checks an export.
pub fn read(path: &Path, mapping: &Mapping) -> Result<Export, InputError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        InputError::Argument(format!("{file}: could not read the export: {e}; give the path of a CSV file"))
    })?;
    parse(&file, &bytes, mapping)
}

/// [`read`] on bytes already in memory; `file` names them in messages.
pub fn parse(file: &str, bytes: &[u8], mapping: &Mapping) -> Result<Export, InputError> {
    let bad = |m: String| InputError::Argument(format!("{file}: {m}"));
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(bad(
            "the export is empty; expected a header row (e.g. created,queue,handle_time_s) and one row per ticket"
                .into(),
        ));
    }
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| bad(format!("cannot read the header row: {e}")))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let listed = header.iter().map(|h| format!("\"{h}\"")).collect::<Vec<_>>().join(", ");
    let find = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name.trim()));
    // A column: the given name must exist; a default name is used if present.
    let column = |given: &Option<String>, default: &str, flag: &str, what: &str, required: bool| {
        let name = given.as_deref().unwrap_or(default);
        match find(name) {
            Some(i) => Ok(Some((i, header[i].clone()))),
            None if given.is_some() || required => Err(bad(format!(
                "no column \"{name}\" for {what}; the columns are {listed}; name the right one with {flag} \"COLUMN\""
            ))),
            None => Ok(None),
        }
    };
    let created =
        column(&mapping.created, defaults::CREATED, "--created", "the created time", true)?.expect("a required column");
    let queue = column(&mapping.queue, defaults::QUEUE, "--queue", "the queue", false)?;
    let channel = column(&mapping.channel, defaults::CHANNEL, "--channel", "the channel", false)?;
    let queue = match (queue, &channel) {
        (Some(q), _) => q,
        (None, Some(c)) => c.clone(),
        (None, None) => {
            return Err(bad(format!(
                "no column \"{}\" or \"{}\" to split tickets into queues; the columns are {listed}; name one with --queue \"COLUMN\"",
                defaults::QUEUE,
                defaults::CHANNEL
            )));
        }
    };
    let handle = column(&mapping.handle_time, defaults::HANDLE_TIME, "--handle-time", "the handle time", false)?;
    let wait = column(&mapping.wait, defaults::WAIT, "--wait", "the wait", false)?;
    let answered = column(&mapping.answered, defaults::ANSWERED, "--answered", "the first-response time", false)?;
    let abandoned = column(&mapping.abandoned, defaults::ABANDONED, "--abandoned", "the abandoned flag", false)?;
    let replication = column(&mapping.replication, defaults::REPLICATION, "--replication", "the replication", false)?;
    if handle.is_none() {
        return Err(bad(format!(
            "no column \"{}\" for the handle time; the columns are {listed}; name it with --handle-time \"COLUMN\"",
            defaults::HANDLE_TIME
        )));
    }

    let mut rows: Vec<(u64, csv::StringRecord)> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| match e.position() {
            Some(p) => bad(format!("line {}: {e}; every row needs as many fields as the header", p.line())),
            None => bad(format!("{e}")),
        })?;
        let line = record.position().map_or(rows.len() as u64 + 2, |p| p.line());
        rows.push((line, record));
    }
    if rows.is_empty() {
        return Err(bad("the export has a header row but no tickets".into()));
    }
    // Slashed dates are month first (03/02/2026 = 2 March) unless some
    // date's first number is above 12, which makes the file day first.
    let day_first = rows.iter().any(|(_, r)| {
        [Some(&created), answered.as_ref()].into_iter().flatten().any(|(i, _)| {
            let v = r.get(*i).unwrap_or("");
            let first = v.split('/').next().unwrap_or("");
            v.contains('/') && first.len() != 4 && first.trim().parse::<u32>().is_ok_and(|a| a > 12)
        })
    });

    let value_error = |line: u64, col: &str, value: &str, expected: &str, flag: &str| {
        bad(format!(
            "line {line}, column \"{col}\": \"{value}\" is not {expected}; fix the value, or point {flag} at another column"
        ))
    };
    let mut tickets = Vec::with_capacity(rows.len());
    for (line, r) in &rows {
        let get = |c: &Option<(usize, String)>| c.as_ref().map(|(i, _)| r.get(*i).unwrap_or(""));
        let at = |(i, _): &(usize, String)| r.get(*i).unwrap_or("");
        let created_text = at(&created);
        let created_at = parse_date_time(created_text, day_first).ok_or_else(|| {
            value_error(
                *line,
                &created.1,
                created_text,
                &format!("a date-time; expected {DATE_TIME_FORMS}"),
                "--created",
            )
        })?;
        let queue_name = at(&queue);
        if queue_name.is_empty() {
            return Err(bad(format!(
                "line {line}, column \"{}\": the queue is empty; every ticket needs one (or point --queue at another column)",
                queue.1
            )));
        }
        let duration = |c: &Option<(usize, String)>, flag: &str| -> Result<Option<f64>, InputError> {
            match get(c) {
                None | Some("") => Ok(None),
                Some(text) => match parse_seconds(text) {
                    Some(v) => Ok(Some(v)),
                    None => Err(value_error(
                        *line,
                        &c.as_ref().map_or(String::new(), |c| c.1.clone()),
                        text,
                        &format!("a duration of zero or more; expected {DURATION_FORMS}"),
                        flag,
                    )),
                },
            }
        };
        let handle_s = duration(&handle, "--handle-time")?;
        let mut wait_s = duration(&wait, "--wait")?;
        if wait_s.is_none()
            && let Some(text) = get(&answered).filter(|t| !t.is_empty())
        {
            let a = parse_date_time(text, day_first).ok_or_else(|| {
                let col = answered.as_ref().map_or("", |c| c.1.as_str());
                value_error(*line, col, text, &format!("a date-time; expected {DATE_TIME_FORMS}"), "--answered")
            })?;
            if a < created_at {
                let col = answered.as_ref().map_or("", |c| c.1.as_str());
                return Err(bad(format!(
                    "line {line}, column \"{col}\": the first response {text} is before the ticket was created ({created_text})"
                )));
            }
            wait_s = Some(a - created_at);
        }
        let abandoned_flag = match get(&abandoned) {
            None => false,
            Some(text) => parse_flag(text).ok_or_else(|| {
                let col = abandoned.as_ref().map_or("", |c| c.1.as_str());
                value_error(*line, col, text, "a yes/no flag; expected true/false, yes/no, 1/0 or empty", "--abandoned")
            })?,
        };
        tickets.push(Ticket {
            queue: queue_name.to_string(),
            channel: get(&channel).filter(|c| !c.is_empty()).map(str::to_string),
            created: created_at,
            handle: handle_s,
            wait: wait_s,
            abandoned: abandoned_flag,
            replication: get(&replication).map(str::to_string),
        });
    }
    let mut columns = vec![("created".to_string(), created.1.clone()), ("queue".to_string(), queue.1.clone())];
    for (what, c) in [
        ("channel", &channel),
        ("handle time", &handle),
        ("wait", &wait),
        ("first response", &answered),
        ("abandoned", &abandoned),
        ("replication", &replication),
    ] {
        if let Some((_, name)) = c {
            columns.push((what.to_string(), name.clone()));
        }
    }
    Ok(Export {
        tickets,
        has_wait: wait.is_some() || answered.is_some(),
        has_abandoned: abandoned.is_some(),
        has_replication: replication.is_some(),
        has_handle: handle.is_some(),
        columns,
    })
}

/// A yes/no cell; empty is no.
pub fn parse_flag(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "false" | "no" | "n" | "0" | "f" => Some(false),
        "true" | "yes" | "y" | "1" | "t" => Some(true),
        _ => None,
    }
}

/// A duration cell: plain seconds, a duration such as "5m" or "1h30m", or
/// "HH:MM:SS" / "MM:SS". Negative values are refused.
pub fn parse_seconds(text: &str) -> Option<f64> {
    let t = text.trim();
    let value = if let Ok(v) = t.parse::<f64>() {
        v
    } else if t.contains(':') {
        let parts: Vec<&str> = t.split(':').collect();
        if parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
            return None;
        }
        let mut total = 0.0;
        for p in &parts {
            total = total * 60.0 + p.parse::<f64>().ok().filter(|v| *v >= 0.0)?;
        }
        total
    } else {
        units::parse_duration(t).ok()?
    };
    (value.is_finite() && value >= 0.0).then_some(value)
}

/// A date-time cell as seconds since 1970-01-01 on its own clock: ISO
/// ("2026-03-02 14:05:00", "2026-03-02T14:05:00.123Z", "2026/03/02 14:05"),
/// day first with dots ("02.03.2026 14:05"), slashed with the year last
/// (month first, or day first when `day_first`), an optional AM/PM, an
/// optional offset (ignored), a date alone (midnight), or Unix seconds.
pub fn parse_date_time(text: &str, day_first: bool) -> Option<f64> {
    let t = text.trim();
    if t.len() >= 9 && t.chars().all(|c| c.is_ascii_digit() || c == '.') {
        let v: f64 = t.parse().ok()?;
        // Thirteen digits are milliseconds.
        return Some(if v > 1e11 { v / 1000.0 } else { v });
    }
    let (date, rest) = match t.find(['T', ' ']) {
        Some(i) => (&t[..i], t[i + 1..].trim()),
        None => (t, ""),
    };
    let day = parse_date_part(date, day_first)?;
    let clock = if rest.is_empty() { 0.0 } else { parse_clock_part(rest)? };
    Some(day as f64 * 86_400.0 + clock)
}

fn parse_date_part(date: &str, day_first: bool) -> Option<i64> {
    let sep = ['-', '/', '.'].into_iter().find(|&c| date.contains(c))?;
    let parts: Vec<&str> = date.split(sep).collect();
    let [a, b, c] = parts[..] else { return None };
    let num = |s: &str| s.parse::<i64>().ok().filter(|_| !s.is_empty() && s.len() <= 4);
    let (y, m, d) = if a.len() == 4 {
        (num(a)?, num(b)?, num(c)?)
    } else if c.len() == 4 {
        match sep {
            '.' | '-' => (num(c)?, num(b)?, num(a)?),
            _ if day_first => (num(c)?, num(b)?, num(a)?),
            _ => (num(c)?, num(a)?, num(b)?),
        }
    } else {
        return None;
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let day = days_from_civil(y, m as u32, d as u32);
    (civil_from_days(day) == (y, m as u32, d as u32)).then_some(day)
}

fn parse_clock_part(rest: &str) -> Option<f64> {
    let mut s = rest.trim().to_ascii_uppercase();
    let mut pm = None;
    for (suffix, is_pm) in [("AM", false), ("PM", true)] {
        if let Some(x) = s.strip_suffix(suffix) {
            pm = Some(is_pm);
            s = x.trim().to_string();
        }
    }
    // An offset after the time is ignored: "Z", "+01:00", "-0500", " UTC".
    for zone in ["UTC", "GMT", "Z"] {
        if let Some(x) = s.strip_suffix(zone) {
            s = x.trim().to_string();
        }
    }
    if let Some(i) = s.find(['+', '-']) {
        s.truncate(i);
    }
    let parts: Vec<&str> = s.trim().split(':').collect();
    if parts.len() < 2 || parts.len() > 3 {
        return None;
    }
    let h: u32 = parts[0].parse().ok()?;
    let m: u32 = parts[1].parse().ok().filter(|&m| m < 60 && parts[1].len() == 2)?;
    let sec: f64 = match parts.get(2) {
        Some(p) => p.parse().ok().filter(|&v: &f64| (0.0..61.0).contains(&v))?,
        None => 0.0,
    };
    let h = match pm {
        Some(is_pm) if (1..=12).contains(&h) => h % 12 + if is_pm { 12 } else { 0 },
        Some(_) => return None,
        None if h <= 24 => h,
        None => return None,
    };
    Some(f64::from(h) * 3600.0 + f64::from(m) * 60.0 + sec)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> f64 {
        days_from_civil(y, mo, d) as f64 * 86_400.0 + f64::from(h * 3600 + mi * 60 + s)
    }

    #[test]
    fn common_date_time_forms() {
        let want = at(2026, 3, 2, 14, 5, 0);
        for text in [
            "2026-03-02 14:05:00",
            "2026-03-02 14:05",
            "2026-03-02T14:05:00",
            "2026-03-02T14:05:00Z",
            "2026-03-02T14:05:00.000+01:00",
            "2026/03/02 14:05",
            "02.03.2026 14:05",
            "03/02/2026 2:05 PM",
            "03/02/2026 14:05:00",
        ] {
            assert_eq!(parse_date_time(text, false), Some(want), "{text}");
        }
        assert_eq!(parse_date_time("02/03/2026 14:05", true), Some(want), "day first");
        assert_eq!(parse_date_time("2026-03-02", false), Some(at(2026, 3, 2, 0, 0, 0)));
        assert_eq!(parse_date_time("12/31/2026 12:30 AM", false), Some(at(2026, 12, 31, 0, 30, 0)));
        assert_eq!(parse_date_time("1772460300", false), Some(1_772_460_300.0));
        for bad in ["2026-02-30 10:00", "yesterday", "2026-03-02 25:00", "14:05", "2026-13-01"] {
            assert_eq!(parse_date_time(bad, false), None, "{bad}");
        }
    }

    #[test]
    fn durations_in_seconds_units_or_clock_form() {
        assert_eq!(parse_seconds("372.5"), Some(372.5));
        assert_eq!(parse_seconds("5m"), Some(300.0));
        assert_eq!(parse_seconds("1h30m"), Some(5400.0));
        assert_eq!(parse_seconds("00:06:12"), Some(372.0));
        assert_eq!(parse_seconds("6:12"), Some(372.0));
        assert_eq!(parse_seconds("-5"), None);
        assert_eq!(parse_seconds("soon"), None);
    }

    #[test]
    fn columns_are_mapped_and_bad_values_named() {
        let csv = "Created at,Channel,Handle time (s),Abandoned\n\
                   2026-03-02 09:00,chat,300,no\n\
                   2026-03-02 09:10,chat,,yes\n";
        let mapping = Mapping {
            created: Some("Created at".into()),
            queue: Some("Channel".into()),
            handle_time: Some("Handle time (s)".into()),
            abandoned: Some("Abandoned".into()),
            ..Mapping::default()
        };
        let e = parse("x.csv", csv.as_bytes(), &mapping).unwrap();
        assert_eq!(e.tickets.len(), 2);
        assert_eq!(e.tickets[0].queue, "chat");
        assert_eq!((e.tickets[0].handle, e.tickets[1].handle), (Some(300.0), None));
        assert!(e.tickets[1].abandoned && e.has_abandoned && !e.has_wait);

        let bad = csv.replace("2026-03-02 09:10", "2026-03-0x 09:10");
        let err = parse("x.csv", bad.as_bytes(), &mapping).unwrap_err().to_string();
        assert!(err.contains("x.csv: line 3, column \"Created at\": \"2026-03-0x 09:10\""), "{err}");
        let err = parse("x.csv", csv.as_bytes(), &Mapping::default()).unwrap_err().to_string();
        assert!(err.contains("no column \"created\"") && err.contains("--created"), "{err}");
        let err = parse("x.csv", b"", &mapping).unwrap_err().to_string();
        assert!(err.contains("x.csv: the export is empty"), "{err}");
        let err = parse("x.csv", b"Created at,Channel,Handle time (s)\n", &mapping).unwrap_err().to_string();
        assert!(err.contains("no column \"Abandoned\""), "{err}");
    }

    #[test]
    fn wait_comes_from_the_first_response_when_no_wait_column() {
        let csv = "created,queue,handle_time_s,answered\n2026-03-02 09:00:00,email,60,2026-03-02 09:30:00\n";
        let e = parse("x.csv", csv.as_bytes(), &Mapping::default()).unwrap();
        assert_eq!(e.tickets[0].wait, Some(1800.0));
    }
}
