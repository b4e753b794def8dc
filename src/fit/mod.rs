//! `staffsim fit`: a scenario's queues estimated from a help-desk ticket
//! export (or a `run --ticket-log` file). Per queue: the weekly volume, the
//! 24-hour profile and the weekly weights from the created times (the
//! maximum-likelihood estimates of the scenario's `weekly[day] ×
//! profile[hour]` arrival rate), a handle-time distribution fitted by
//! moments (lognormal or gamma, the one with the higher log-likelihood), and
//! the mean patience when the export says who abandoned and how long
//! everyone waited. The written file is a complete scenario: its
//! `[simulation]`, SLAs and team are marked as placeholders to edit.

pub mod export;
pub mod moments;

use std::fmt::Write as _;

use crate::error::InputError;
use crate::scenario::Channel;
use crate::scenario::dated::{civil_from_days, weekday};
use crate::scenario::units::{DAY_NAMES, format_duration};
pub use export::{Export, Mapping, Ticket};
pub use moments::HandleFit;

/// Abandonment of one queue: every customer's wait is exposure, every
/// abandon an observed patience.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Patience {
    /// Customers with a known wait.
    pub customers: u64,
    pub abandons: u64,
    /// Their waits added up, seconds.
    pub total_wait: f64,
}

impl Patience {
    /// `total_wait / abandons`, the exponential's MLE with censoring.
    pub fn mean(&self) -> Option<f64> {
        moments::patience_mean(self.total_wait, self.abandons)
    }

    /// About `mean / sqrt(abandons)`.
    pub fn standard_error(&self) -> Option<f64> {
        self.mean().map(|m| m / (self.abandons as f64).sqrt())
    }
}

/// What was estimated for one queue.
#[derive(Debug, Clone)]
pub struct QueueFit {
    pub name: String,
    pub channel: Channel,
    /// How the channel was decided, when not read plainly from the export.
    pub channel_note: Option<String>,
    /// Tickets in the export (all copies).
    pub tickets: usize,
    /// Expected tickets per week, and its standard error (Poisson counts).
    pub weekly_volume: f64,
    pub weekly_volume_se: f64,
    /// Share of tickets created in each hour of the day, 00:00 first (sums to 1).
    pub profile: [f64; 24],
    /// Each weekday's share of the daily rates, Monday first (sums to 1):
    /// tickets on that weekday over the number of such days in the period.
    pub weekly: [f64; 7],
    pub handle: Option<HandleFit>,
    /// Tickets without a handle time (never handled).
    pub unhandled: usize,
    /// `None` when the export has no abandoned flag or no waits.
    pub patience: Option<Patience>,
}

/// A whole export's fit.
#[derive(Debug, Clone)]
pub struct Fit {
    pub queues: Vec<QueueFit>,
    /// Days since 1970-01-01 of the first and last day with tickets.
    pub first_day: i64,
    pub last_day: i64,
    /// Copies of the period (the ticket log's replications; 1 for an export).
    pub copies: usize,
    /// Days of each weekday in the period, Monday first.
    pub weekday_days: [u32; 7],
    pub has_wait: bool,
    pub has_abandoned: bool,
    pub columns: Vec<(String, String)>,
}

impl Fit {
    pub fn days(&self) -> i64 {
        self.last_day - self.first_day + 1
    }
}

/// A channel from an export's text: the scenario's names and common others.
pub fn channel_of(text: &str) -> Option<Channel> {
    let t = text.trim().to_ascii_lowercase();
    let t = t.replace(['-', '_'], " ");
    Some(match t.as_str() {
        "email" | "e mail" | "mail" => Channel::Email,
        "form" | "web" | "web form" | "webform" | "portal" | "ticket" => Channel::Form,
        "chat" | "live chat" | "livechat" | "web chat" | "webchat" => Channel::Chat,
        "messenger" | "whatsapp" | "telegram" | "sms" | "social" | "messaging" => Channel::Messenger,
        "phone" | "call" | "calls" | "voice" | "telephone" | "callback" => Channel::Phone,
        _ => return None,
    })
}

/// Estimates every queue of `export`. The period is the whole days from the
/// first ticket's day to the last one's; with a replication column each
/// replication is one copy of that period.
pub fn fit(export: &Export) -> Result<Fit, InputError> {
    let tickets = &export.tickets;
    let day_of = |t: &Ticket| (t.created / 86_400.0).floor() as i64;
    let first_day = tickets.iter().map(day_of).min().unwrap_or(0);
    let last_day = tickets.iter().map(day_of).max().unwrap_or(0);
    let mut copies: Vec<&str> = tickets.iter().filter_map(|t| t.replication.as_deref()).collect();
    copies.sort_unstable();
    copies.dedup();
    let copies = copies.len().max(1);
    let mut weekday_days = [0u32; 7];
    for d in first_day..=last_day {
        weekday_days[weekday(d)] += 1;
    }

    let mut names: Vec<&str> = Vec::new();
    for t in tickets {
        if !names.contains(&t.queue.as_str()) {
            names.push(&t.queue);
        }
    }
    let mut queues = Vec::new();
    for name in names {
        let mine: Vec<&Ticket> = tickets.iter().filter(|t| t.queue == name).collect();
        let mut hours = [0u64; 24];
        let mut days = [0u64; 7];
        for t in &mine {
            let seconds = t.created.rem_euclid(86_400.0);
            hours[((seconds / 3600.0) as usize).min(23)] += 1;
            days[weekday(day_of(t))] += 1;
        }
        let n = mine.len() as f64;
        let profile = hours.map(|h| h as f64 / n);
        let per_copy = copies as f64;
        // A weekday's rate: its tickets per day of that weekday per copy.
        let rates: Vec<f64> = (0..7)
            .map(|d| if weekday_days[d] > 0 { days[d] as f64 / f64::from(weekday_days[d]) / per_copy } else { 0.0 })
            .collect();
        let weekly_volume: f64 = rates.iter().sum();
        let variance: f64 = (0..7)
            .filter(|&d| weekday_days[d] > 0)
            .map(|d| days[d] as f64 / (f64::from(weekday_days[d]) * per_copy).powi(2))
            .sum();
        let weekly = std::array::from_fn(|d| if weekly_volume > 0.0 { rates[d] / weekly_volume } else { 0.0 });

        let handles: Vec<f64> = mine.iter().filter_map(|t| t.handle).collect();
        let handle = HandleFit::of(&handles);
        let patience = (export.has_abandoned && export.has_wait).then(|| {
            let known: Vec<&&Ticket> = mine.iter().filter(|t| t.wait.is_some()).collect();
            Patience {
                customers: known.len() as u64,
                abandons: known.iter().filter(|t| t.abandoned).count() as u64,
                total_wait: known.iter().filter_map(|t| t.wait).sum(),
            }
        });
        let given = mine.iter().find_map(|t| t.channel.as_deref());
        let (channel, channel_note) = match given.and_then(channel_of).or_else(|| channel_of(name)) {
            Some(c) if given.is_some_and(|g| g.eq_ignore_ascii_case(c.name())) => (c, None),
            Some(c) => (c, Some(format!("channel {} from \"{}\"", c.name(), given.unwrap_or(name)))),
            None => (
                Channel::Email,
                Some(format!(
                    "channel email assumed: \"{}\" is not a channel staffsim knows; change it if customers wait in line (chat, phone)",
                    given.unwrap_or(name)
                )),
            ),
        };
        queues.push(QueueFit {
            name: name.to_string(),
            channel,
            channel_note,
            tickets: mine.len(),
            weekly_volume,
            weekly_volume_se: variance.sqrt(),
            profile,
            weekly,
            unhandled: mine.len() - handles.len(),
            handle,
            patience,
        });
    }
    Ok(Fit {
        queues,
        first_day,
        last_day,
        copies,
        weekday_days,
        has_wait: export.has_wait,
        has_abandoned: export.has_abandoned,
        columns: export.columns.clone(),
    })
}

fn date(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y}-{m:02}-{d:02}")
}

/// A number without trailing noise: `digits` decimals, trailing zeros dropped.
fn num(x: f64, digits: usize) -> String {
    let s = format!("{x:.digits$}");
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}

fn weights<const N: usize>(shares: &[f64; N]) -> String {
    shares.iter().map(|s| num(s * N as f64, 4)).collect::<Vec<_>>().join(", ")
}

/// A typical first-response target per channel, as a placeholder.
fn placeholder_sla(c: Channel) -> &'static str {
    match c {
        Channel::Chat | Channel::Messenger => "{ within = \"2m\", target = 0.8 }",
        Channel::Phone => "{ within = \"30s\", target = 0.8 }",
        Channel::Callback => "{ within = \"30m\", target = 0.8 }",
        Channel::Email | Channel::Form | Channel::Outbound => "{ within = \"1h\", target = 0.8 }",
    }
}

/// A TOML basic string.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// Agents to start from: the busiest hour of the week's load (arrivals ×
/// mean handle time, all queues) at 80 % occupancy, rounded up, plus one.
pub fn starting_agents(fit: &Fit) -> u32 {
    let mut peak: f64 = 0.0;
    for d in 0..7 {
        for h in 0..24 {
            let load: f64 = fit
                .queues
                .iter()
                .map(|q| {
                    let per_hour = q.weekly_volume * q.weekly[d] * q.profile[h];
                    per_hour * q.handle.map_or(300.0, |f| f.mean) / 3600.0
                })
                .sum();
            peak = peak.max(load);
        }
    }
    ((peak / 0.8).ceil() as u32).saturating_add(1)
}

/// The scenario file: the fitted queues, each estimate shown in comments,
/// around a minimal desk that `staffsim check` accepts.
pub fn scenario_toml(fit: &Fit, name: &str, source: &str) -> String {
    let mut t = String::new();
    let days = fit.days();
    let total: usize = fit.queues.iter().map(|q| q.tickets).sum();
    let _ = writeln!(t, "# Fitted by `staffsim fit` from {source}:");
    let _ = writeln!(
        t,
        "# {total} tickets created from {} to {} ({days} days){}.",
        date(fit.first_day),
        date(fit.last_day),
        if fit.copies > 1 { format!(", {} replications of that period", fit.copies) } else { String::new() }
    );
    let cols = fit.columns.iter().map(|(w, c)| format!("{w} = \"{c}\"")).collect::<Vec<_>>().join(", ");
    let _ = writeln!(t, "# Columns read: {cols}.");
    let _ = writeln!(t, "# The [[queue]] volumes, profiles, weekly weights, handle times and patience are");
    let _ = writeln!(t, "# estimated from the export; [simulation], the SLAs and the [[team]] are");
    let _ = writeln!(t, "# placeholders to replace with the desk's own.");
    let _ = writeln!(t, "name = {}", quoted(name));
    let _ = writeln!(t, "description = {}", quoted(&format!("fitted from {source}")));
    let _ = writeln!(t);
    let _ = writeln!(t, "[simulation]");
    let _ = writeln!(t, "start = \"mon 00:00\"");
    let _ = writeln!(t, "horizon = \"2w\"");
    let _ = writeln!(t, "warmup = \"1d\"");
    let _ = writeln!(t, "interval = \"30m\"");
    let _ = writeln!(t, "replications = 10");
    let _ = writeln!(t, "seed = 1");
    for q in &fit.queues {
        let _ = writeln!(t);
        let _ = writeln!(t, "[[queue]]");
        let _ = writeln!(t, "name = {}", quoted(&q.name));
        if let Some(note) = &q.channel_note {
            let _ = writeln!(t, "# {note}");
        }
        let _ = writeln!(t, "channel = \"{}\"", q.channel.name());
        let _ = writeln!(
            t,
            "# volume: {} tickets; per weekday, tickets / days of that weekday{}, added over the week",
            q.tickets,
            if fit.copies > 1 { " / replications" } else { "" }
        );
        let _ = writeln!(t, "#   = {:.1} a week (± {:.1}, one standard error)", q.weekly_volume, q.weekly_volume_se);
        let _ = writeln!(t, "volume = \"{}/week\"", num(q.weekly_volume, 1));
        let _ = writeln!(t, "# profile: share of tickets created in each hour (00:00 first), times 24");
        let _ = writeln!(t, "profile = [{}]", weights(&q.profile));
        let days_note: Vec<String> =
            (0..7).map(|d| format!("{} {}", DAY_NAMES[d], fit.weekday_days[d])).collect::<Vec<_>>();
        let _ =
            writeln!(t, "# weekly: tickets per day of each weekday (days in the period: {}),", days_note.join(", "));
        let _ = writeln!(t, "#   as shares times 7, Monday first");
        let _ = writeln!(t, "weekly = [{}]", weights(&q.weekly));
        match &q.handle {
            Some(h) => {
                let _ = writeln!(
                    t,
                    "# handle time of {} handled tickets{}: mean {} ({:.1} s), cv {:.3}",
                    h.n,
                    if q.unhandled > 0 { format!(" ({} never handled)", q.unhandled) } else { String::new() },
                    format_duration(h.mean),
                    h.mean,
                    h.cv
                );
                let _ = writeln!(
                    t,
                    "#   lognormal by moments: mu = {:.4}, sigma = {:.4}, log-likelihood {:.1}",
                    h.lognormal.mu, h.lognormal.sigma, h.lognormal.log_likelihood
                );
                let _ = writeln!(
                    t,
                    "#   gamma by moments: shape = {:.4}, scale = {:.1} s, log-likelihood {:.1}",
                    h.gamma.shape, h.gamma.scale, h.gamma.log_likelihood
                );
                let _ = writeln!(t, "#   kept: {}, the higher log-likelihood (both have two parameters)", h.chosen());
                let _ = writeln!(
                    t,
                    "handle_time = {{ dist = \"{}\", mean = \"{}s\", cv = {} }}",
                    h.chosen(),
                    num(h.mean, 1),
                    num(h.cv, 3)
                );
            }
            None => {
                let _ = writeln!(t, "# handle time: fewer than two handled tickets with a spread; a placeholder");
                let _ = writeln!(t, "handle_time = {{ dist = \"exponential\", mean = \"5m\" }}");
            }
        }
        match (q.patience, q.patience.and_then(|p| p.mean())) {
            (Some(p), Some(mean)) => {
                let _ = writeln!(
                    t,
                    "# patience: {} of {} customers abandoned; total waiting time of all customers",
                    p.abandons, p.customers
                );
                let _ = writeln!(
                    t,
                    "#   {:.0} s / {} abandons = mean {} (the exponential MLE with censoring; ± {:.1} s)",
                    p.total_wait,
                    p.abandons,
                    format_duration(mean),
                    p.standard_error().unwrap_or(0.0)
                );
                let _ = writeln!(t, "patience = {{ dist = \"exponential\", mean = \"{}s\" }}", num(mean, 1));
            }
            (Some(p), None) => {
                let _ =
                    writeln!(t, "# patience: none of {} customers abandoned; omitted (never abandons)", p.customers);
            }
            (None, _) if fit.has_abandoned => {
                let _ = writeln!(t, "# patience: the export has abandoned flags but no waits (--wait); omitted");
            }
            (None, _) => {
                let _ = writeln!(t, "# patience: the export has no abandoned flag (--abandoned); omitted");
            }
        }
        let _ = writeln!(t, "# sla: a placeholder typical of the channel; set the desk's own target");
        let _ = writeln!(t, "sla = {}", placeholder_sla(q.channel));
    }
    let _ = writeln!(t);
    let _ = writeln!(t, "[[team]]");
    let _ = writeln!(t, "name = \"desk\"");
    let skills = fit.queues.iter().map(|q| quoted(&q.name)).collect::<Vec<_>>().join(", ");
    let _ = writeln!(t, "skills = [{skills}]");
    let _ = writeln!(t, "# agents: a starting point, on duty around the clock: the busiest hour's load at");
    let _ = writeln!(t, "#   80 % occupancy, plus one; size the desk with `staffsim staff`");
    let _ = writeln!(t, "agents = {}", starting_agents(fit));
    t
}

/// The table printed on stdout: per queue, the volume and the handle-time
/// fit with both candidates and the criterion, and the patience.
pub fn table(fit: &Fit) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{:<16} {:>8} {:>11} {:>9} {:>6} {:>23} {:>23} {:>10} {:>9} {:>9}",
        "queue",
        "tickets",
        "volume/wk",
        "mean",
        "cv",
        "lognormal mu,sigma: LL",
        "gamma k,theta: LL",
        "kept",
        "abandons",
        "patience"
    );
    for q in &fit.queues {
        let (mean, cv, ln, g, kept) = match &q.handle {
            Some(h) => (
                format_duration(h.mean),
                format!("{:.3}", h.cv),
                format!("{:.2},{:.3}: {:.0}", h.lognormal.mu, h.lognormal.sigma, h.lognormal.log_likelihood),
                format!("{:.2},{:.0}s: {:.0}", h.gamma.shape, h.gamma.scale, h.gamma.log_likelihood),
                h.chosen().to_string(),
            ),
            None => ("-".into(), "-".into(), "-".into(), "-".into(), "-".into()),
        };
        let (abandons, patience) = match q.patience {
            Some(p) => (p.abandons.to_string(), p.mean().map_or("-".into(), format_duration)),
            None => ("-".into(), "-".into()),
        };
        let name: String = q.name.chars().take(16).collect();
        let _ = writeln!(
            t,
            "{name:<16} {:>8} {:>11.1} {mean:>9} {cv:>6} {ln:>23} {g:>23} {kept:>10} {abandons:>9} {patience:>9}",
            q.tickets, q.weekly_volume
        );
    }
    let _ = writeln!(
        t,
        "\nhandle time: moments fits, kept by the higher log-likelihood (LL); patience: total wait / abandons"
    );
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket(queue: &str, day: i64, hour: f64, replication: &str) -> Ticket {
        Ticket {
            queue: queue.into(),
            channel: None,
            created: day as f64 * 86_400.0 + hour * 3600.0,
            handle: Some(60.0 * (1.0 + hour)),
            wait: Some(10.0),
            abandoned: hour > 12.0,
            replication: Some(replication.into()),
        }
    }

    #[test]
    fn rates_are_per_day_of_each_weekday_and_per_replication() {
        // 2024-01-01 is a Monday: eight days, Monday to the next Monday, so
        // Monday occurs twice and every other weekday once.
        let monday = crate::scenario::dated::days_from_civil(2024, 1, 1);
        let mut tickets = Vec::new();
        for rep in ["0", "1"] {
            tickets.push(ticket("chat", monday, 9.0, rep));
            tickets.push(ticket("chat", monday + 7, 9.0, rep));
            tickets.push(ticket("chat", monday + 2, 15.0, rep));
        }
        let export = Export {
            tickets,
            has_wait: true,
            has_abandoned: true,
            has_replication: true,
            has_handle: true,
            columns: Vec::new(),
        };
        let f = fit(&export).unwrap();
        assert_eq!((f.days(), f.copies, f.weekday_days), (8, 2, [2, 1, 1, 1, 1, 1, 1]));
        let q = &f.queues[0];
        // Monday: 4 tickets / 2 Mondays / 2 replications = 1 a Monday; Wednesday 2 / 1 / 2 = 1.
        assert!((q.weekly_volume - 2.0).abs() < 1e-12, "{}", q.weekly_volume);
        assert_eq!((q.weekly[0], q.weekly[2]), (0.5, 0.5));
        assert!((q.profile[9] - 4.0 / 6.0).abs() < 1e-12 && (q.profile[15] - 2.0 / 6.0).abs() < 1e-12);
        let p = q.patience.unwrap();
        assert_eq!((p.customers, p.abandons, p.total_wait, p.mean()), (6, 2, 60.0, Some(30.0)));
        assert_eq!(q.channel, Channel::Chat, "from the queue's name");
        let text = scenario_toml(&f, "t", "t.csv");
        crate::scenario::Scenario::from_toml(&text, "t.toml").unwrap();
        assert!(text.contains("60 s / 2 abandons = mean 30s"), "{text}");
    }

    #[test]
    fn channels_from_common_names() {
        assert_eq!(channel_of("E-mail"), Some(Channel::Email));
        assert_eq!(channel_of("Live chat"), Some(Channel::Chat));
        assert_eq!(channel_of("WhatsApp"), Some(Channel::Messenger));
        assert_eq!(channel_of("Voice"), Some(Channel::Phone));
        assert_eq!(channel_of("billing"), None);
    }
}
