//! The compact terminal summary: one line per queue, fitting 100 columns.

use std::fmt::Write as _;

use crate::scenario::units::{format_duration, format_wait};
use crate::stats::QueueSummary;

fn pct(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{:.1}%", v * 100.0))
}

fn secs(x: Option<f64>) -> String {
    x.map_or("-".into(), format_wait)
}

/// Whether to colour terminal output: only on a terminal, and never with `NO_COLOR`.
pub fn use_color() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn paint(text: String, code: &str, color: bool) -> String {
    if color { format!("\x1b[{code}m{text}\x1b[0m") } else { text }
}

/// The summary table as text; `color` marks met targets green and missed ones red.
pub fn summary(rows: &[QueueSummary], color: bool) -> String {
    let width = rows.iter().map(|r| r.queue.chars().count()).max().unwrap_or(5).clamp(5, 20);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<width$} {:>9} {:>15} {:>14} {:>8} {:>8} {:>8} {:>7}",
        "queue", "offered", "service level", "target", "ASA", "p90 wait", "abandon", "occup."
    );
    for r in rows {
        let sl = match (r.service_level.mean, r.service_level.ci95) {
            (Some(m), Some(ci)) => format!("{:.1}% ±{:.1}", m * 100.0, ci * 100.0),
            (m, _) => pct(m),
        };
        let target = match (r.sla_target, r.sla_within_s, r.meets_target()) {
            (Some(t), Some(w), met) => {
                let mark = match met {
                    Some(true) => "met",
                    Some(false) => "MISSED",
                    None => "",
                };
                let text = format!("{:>14}", format!("{:.0}%/{} {mark}", t * 100.0, format_duration(w)));
                match met {
                    Some(true) => paint(text, "32", color),
                    Some(false) => paint(text, "1;31", color),
                    None => text,
                }
            }
            _ => format!("{:>14}", ""),
        };
        let name: String = r.queue.chars().take(width).collect();
        let _ = writeln!(
            out,
            "{:<width$} {:>9.0} {:>15} {} {:>8} {:>8} {:>8} {:>7}",
            name,
            r.offered,
            sl,
            target,
            secs(r.asa_s.mean),
            secs(r.wait_p90_s),
            pct(r.abandon_rate.mean),
            pct(r.occupancy.mean),
        );
    }
    out
}
