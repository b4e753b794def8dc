//! `staffsim init --guided`: asks a support manager about the desk in plain
//! words and writes a commented scenario. Asking (`ask`) and writing
//! (`scenario_text`) are separate, so the text is tested without a terminal.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::Path;

use inquire::validator::Validation;
use inquire::{Confirm, InquireError, MultiSelect, Select, Text};

use crate::error::InputError;
use crate::scenario::Scenario;
use crate::scenario::units::{self, parse_clock, parse_days, parse_duration_range, parse_utc_offset};

/// How the volume is known.
#[derive(Debug, Clone, PartialEq)]
pub enum Volume {
    /// Customers (a number or a range "10000..14000") and contacts per
    /// customer per month ("0.4" or "0.3..0.5").
    Customers { customers: String, contacts: String },
    /// Tickets per `unit` (month, week or day).
    Tickets { count: u64, unit: &'static str },
}

/// One channel of the desk and its answers.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelAnswer {
    /// email, form, chat, messenger or phone (also the queue name).
    pub channel: &'static str,
    /// Share of all tickets, in %.
    pub share_pct: f64,
    /// A duration or a range, "5m..8m".
    pub handle_time: String,
    /// Service level target between 0 and 1, and the time it is within.
    pub sla_target: f64,
    pub sla_within: String,
}

/// One team: name, headcount, the channels it answers.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamAnswer {
    pub name: String,
    pub agents: u32,
    pub channels: Vec<&'static str>,
}

/// Everything the guided questions ask.
#[derive(Debug, Clone, PartialEq)]
pub struct Answers {
    pub name: String,
    pub volume: Volume,
    pub channels: Vec<ChannelAnswer>,
    /// Open days ("mon-fri") and times ("09:00", "18:00").
    pub days: String,
    pub open: String,
    pub close: String,
    pub timezone: String,
    pub teams: Vec<TeamAnswer>,
}

/// The channels offered, with their defaults: handle time, SLA target and
/// time, patience, chats held at once, priority, and a plain description.
struct ChannelDefaults {
    channel: &'static str,
    label: &'static str,
    handle_time: &'static str,
    sla: &'static str,
    patience: Option<&'static str>,
    concurrency: u32,
    priority: u32,
}

const CHANNELS: [ChannelDefaults; 5] = [
    ChannelDefaults {
        channel: "email",
        label: "email",
        handle_time: "6m..10m",
        sla: "90% in 8h",
        patience: None,
        concurrency: 1,
        priority: 0,
    },
    ChannelDefaults {
        channel: "form",
        label: "web form",
        handle_time: "6m..10m",
        sla: "90% in 8h",
        patience: None,
        concurrency: 1,
        priority: 0,
    },
    ChannelDefaults {
        channel: "chat",
        label: "chat",
        handle_time: "5m..8m",
        sla: "80% in 60s",
        patience: Some("3m"),
        concurrency: 2,
        priority: 2,
    },
    ChannelDefaults {
        channel: "messenger",
        label: "messengers (WhatsApp, Telegram, ...)",
        handle_time: "5m..10m",
        sla: "80% in 15m",
        patience: None,
        concurrency: 3,
        priority: 1,
    },
    ChannelDefaults {
        channel: "phone",
        label: "phone",
        handle_time: "4m..6m",
        sla: "80% in 20s",
        patience: Some("1m30s"),
        concurrency: 1,
        priority: 3,
    },
];

fn defaults(channel: &str) -> &'static ChannelDefaults {
    CHANNELS.iter().find(|c| c.channel == channel).unwrap_or(&CHANNELS[0])
}

/// The hours string of the scenario format, or None when open around the clock.
fn hours(a: &Answers) -> Option<String> {
    let all_days = parse_days(&a.days).is_ok_and(|d| d == [true; 7]);
    if all_days && a.open == "00:00" && a.close == "24:00" {
        None
    } else {
        Some(format!("{} {}-{}", a.days, a.open, a.close))
    }
}

fn number(x: f64) -> String {
    let r = (x * 1000.0).round() / 1000.0;
    format!("{r}")
}

/// The commented scenario the answers describe.
pub fn scenario_text(a: &Answers) -> String {
    let mut t = String::new();
    let hours = hours(a);
    let _ = writeln!(t, "# A staffsim scenario written by `staffsim init --guided`.");
    let _ = writeln!(t, "# Check it: staffsim check FILE   (prints what staffsim understood)");
    let _ = writeln!(t, "# Staff it: staffsim staff FILE   (agents needed per half hour, FTE, shifts)");
    let _ = writeln!(t, "# Run it:   staffsim run FILE     (service level, waits, backlog with today's teams)");
    let _ = writeln!(t, "#");
    let _ = writeln!(t, "# Durations are \"45s\", \"6m\", \"1h30m\", \"3d\", \"2w\"; \"5m..8m\" is a range you");
    let _ = writeln!(t, "# are not sure of: `staff` tries values across it and shows a P10-P90 band.\n");
    let _ = writeln!(t, "name = {:?}                 # also the output folder: outputs/{}/", a.name, a.name);
    let _ = writeln!(t, "description = \"Written by staffsim init --guided\"\n");
    let _ = writeln!(t, "# How long to simulate and how often to report.");
    let _ = writeln!(t, "[simulation]");
    let _ = writeln!(t, "start = \"mon 00:00\"                # weekday and desk clock time at the start");
    let _ = writeln!(t, "horizon = \"2w\"                     # simulated time");
    let _ = writeln!(t, "warmup = \"1d\"                      # the first day is left out of the figures");
    let _ = writeln!(t, "interval = \"30m\"                   # figures per half hour");
    let _ = writeln!(t, "replications = 10                  # independent runs; figures get 95 % intervals");
    let _ = writeln!(t, "seed = 7                           # same seed, same results");
    let _ = writeln!(t, "timezone = {:?}                # the desk's time zone as a UTC offset\n", a.timezone);
    let ticket_total = match &a.volume {
        Volume::Customers { customers, contacts } => {
            let _ = writeln!(t, "# Where the tickets come from: customers x contacts per customer. Each");
            let _ = writeln!(t, "# channel below takes its share of all contacts.");
            let _ = writeln!(t, "[demand]");
            let c = if customers.contains("..") { format!("{customers:?}") } else { customers.clone() };
            let _ = writeln!(t, "customers = {c}");
            let _ = writeln!(t, "contacts_per_customer = \"{contacts}/month\"\n");
            None
        }
        Volume::Tickets { count, unit } => Some((*count as f64, *unit)),
    };
    for c in &a.channels {
        let d = defaults(c.channel);
        let _ = writeln!(t, "# {}: {} % of all tickets.", d.label, number(c.share_pct));
        let _ = writeln!(t, "[[queue]]");
        let _ = writeln!(t, "name = {:?}", c.channel);
        let _ = writeln!(t, "channel = {:?}", c.channel);
        match ticket_total {
            Some((total, unit)) => {
                let _ = writeln!(
                    t,
                    "volume = \"{}/{unit}\"              # tickets expected",
                    number(total * c.share_pct / 100.0)
                );
            }
            None => {
                let _ = writeln!(
                    t,
                    "share = {}                       # share of all contacts",
                    number(c.share_pct / 100.0)
                );
            }
        }
        match &hours {
            Some(h) => {
                let _ = writeln!(t, "hours = {h:?}   # when agents answer; tickets arrive in these hours");
            }
            None => {
                let _ = writeln!(t, "# open around the clock");
            }
        }
        let _ = writeln!(
            t,
            "handle_time = {{ dist = \"lognormal\", mean = {:?}, cv = 0.8 }}   # time an agent spends on one ticket",
            c.handle_time
        );
        if let Some(p) = d.patience {
            let _ = writeln!(
                t,
                "patience = {{ dist = \"exponential\", mean = {p:?} }}   # customers leave after waiting about this long"
            );
        }
        let _ = writeln!(
            t,
            "sla = {{ within = {:?}, target = {} }}   # {} % answered within {}",
            c.sla_within,
            number(c.sla_target),
            number(c.sla_target * 100.0),
            c.sla_within
        );
        if d.concurrency > 1 {
            let _ = writeln!(
                t,
                "concurrency = {}                    # conversations one agent holds at once",
                d.concurrency
            );
        }
        let _ = writeln!(
            t,
            "priority = {}                       # higher is answered first by agents with several channels\n",
            d.priority
        );
    }
    for team in &a.teams {
        let _ = writeln!(t, "# The team {}: {} agents answering {}.", team.name, team.agents, team.channels.join(", "));
        let _ = writeln!(t, "[[team]]");
        let _ = writeln!(t, "name = {:?}", team.name);
        let skills: Vec<String> = team.channels.iter().map(|c| format!("{c:?}")).collect();
        let _ = writeln!(t, "skills = [{}]   # channels answered, first preferred", skills.join(", "));
        let _ = writeln!(t, "timezone = {:?}                # shifts are in this local time", a.timezone);
        match &hours {
            Some(_) => {
                let length = parse_clock(&a.close, true).unwrap_or(0.0) - parse_clock(&a.open, false).unwrap_or(0.0);
                let _ = writeln!(t, "# Everybody works the opening hours; `staff` suggests better shifts.");
                let _ = writeln!(
                    t,
                    "shifts = [{{ days = {:?}, start = {:?}, length = {:?}, agents = {} }}]",
                    a.days,
                    a.open,
                    units::format_duration(length),
                    team.agents
                );
            }
            None => {
                let _ = writeln!(t, "agents = {}                         # on duty around the clock", team.agents);
            }
        }
        let _ = writeln!(
            t,
            "shrinkage = 0.3                    # share of paid time away from tickets (breaks, meetings, absence)\n"
        );
    }
    t
}

fn interrupted() -> ! {
    eprintln!("error: interrupted; nothing was written");
    std::process::exit(130);
}

fn answer<T>(r: Result<T, InquireError>) -> anyhow::Result<T> {
    match r {
        Ok(v) => Ok(v),
        Err(InquireError::OperationCanceled | InquireError::OperationInterrupted) => interrupted(),
        Err(e) => Err(e.into()),
    }
}

/// One text question with its default; `valid` says why an answer cannot
/// be taken, and the question is asked again with that reason.
fn ask_text(
    question: &str,
    default: &str,
    valid: impl Fn(&str) -> Result<(), String> + Clone + 'static,
) -> anyhow::Result<String> {
    answer(Text::new(question).with_default(default).with_validator(check_with(valid)).prompt())
}

/// A multiple choice of channels, at least one ticked.
fn ask_channels<'a>(question: &str, options: Vec<&'a str>, default: &[usize]) -> anyhow::Result<Vec<&'a str>> {
    answer(
        MultiSelect::new(question, options)
            .with_default(default)
            .with_validator(|l: &[inquire::list_option::ListOption<&&str>]| {
                Ok(if l.is_empty() {
                    Validation::Invalid("tick at least one channel".into())
                } else {
                    Validation::Valid
                })
            })
            .prompt(),
    )
}

fn check_with(f: impl Fn(&str) -> Result<(), String> + Clone + 'static) -> impl inquire::validator::StringValidator {
    move |s: &str| {
        Ok(match f(s.trim()) {
            Ok(()) => Validation::Valid,
            Err(e) => Validation::Invalid(e.into()),
        })
    }
}

fn positive_number(s: &str) -> Result<f64, String> {
    match s.trim().replace(['_', ','], "").parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(format!("\"{s}\" is not a number above 0")),
    }
}

fn number_or_range(s: &str) -> Result<(), String> {
    let (a, b) = units::split_range(s);
    let (a, b) = (positive_number(a)?, positive_number(b)?);
    if b < a { Err("a range goes from low to high, e.g. 10000..14000".into()) } else { Ok(()) }
}

fn sla(text: &str) -> Result<(f64, String), String> {
    let (target, _) = super::calculator::parse_sla(text)?;
    Ok((target, text.split_once(" in ").map(|(_, w)| w.trim().to_string()).unwrap_or_default()))
}

/// Asks the questions on the terminal.
fn ask(default_name: &str) -> anyhow::Result<Answers> {
    let name = ask_text("Name of the desk:", default_name, |s| {
        if !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
            Ok(())
        } else {
            Err("letters, digits, - and _ only (it names the output folder)".into())
        }
    })?;
    let ways = vec!["customers x contacts per customer", "tickets per month", "tickets per week", "tickets per day"];
    let way = answer(Select::new("How do you know your volume?", ways.clone()).prompt())?;
    let volume = if way == ways[0] {
        let customers = ask_text(
            "How many customers? (a number, or a range if unsure, e.g. 10000..14000)",
            "10000",
            number_or_range,
        )?;
        let contacts = ask_text("Contacts per customer per month? (e.g. 0.4, or 0.3..0.5)", "0.4", number_or_range)?;
        Volume::Customers { customers: customers.trim().replace(['_', ','], ""), contacts: contacts.trim().to_string() }
    } else {
        let unit = way.rsplit(' ').next().unwrap_or("month");
        let unit: &'static str = match unit {
            "week" => "week",
            "day" => "day",
            _ => "month",
        };
        let default = match unit {
            "week" => "1500",
            "day" => "250",
            _ => "6000",
        };
        let count = ask_text(&format!("How many tickets per {unit}?"), default, |s| {
            s.replace(['_', ','], "")
                .parse::<u64>()
                .ok()
                .filter(|&n| n > 0)
                .map(|_| ())
                .ok_or_else(|| format!("\"{s}\" is not a whole number above 0"))
        })?;
        Volume::Tickets { count: count.replace(['_', ','], "").parse().unwrap_or(1), unit }
    };
    let labels: Vec<&str> = CHANNELS.iter().map(|c| c.label).collect();
    let picked = ask_channels("Which channels? (space to tick, enter to go on)", labels.clone(), &[0, 2])?;
    let picked: Vec<&'static ChannelDefaults> =
        picked.iter().filter_map(|l| CHANNELS.iter().find(|c| c.label == *l)).collect();
    let mut channels = Vec::new();
    let mut left = 100.0;
    for (i, d) in picked.iter().enumerate() {
        let rest = picked.len() - i;
        let share =
            if rest == 1 {
                println!("{}: {} % (the rest)", d.label, number(left));
                left
            } else {
                let default = number((left / rest as f64).round());
                let max = left;
                let s = ask_text(&format!("Share of {} in % of all tickets:", d.label), &default, move |s| {
                    match positive_number(s.trim_end_matches('%')) {
                        Ok(x) if x < max => Ok(()),
                        Ok(_) => Err(format!("below {} %, so the other channels get some", number(max))),
                        Err(e) => Err(e),
                    }
                })?;
                positive_number(s.trim_end_matches('%')).unwrap_or(1.0)
            };
        left -= share;
        let handle_time = ask_text(
            &format!("Handle time of one {} ticket (a range if unsure, e.g. {}):", d.label, d.handle_time),
            d.handle_time,
            |s| match parse_duration_range(s) {
                Ok((lo, _)) if lo > 0.0 => Ok(()),
                Ok(_) => Err("a handle time above 0".into()),
                Err(e) => Err(e),
            },
        )?;
        let target = ask_text(&format!("Service level for {} (share answered in a time):", d.label), d.sla, |s| {
            sla(s).map(|_| ())
        })?;
        let (sla_target, sla_within) = sla(&target).map_err(InputError::Argument)?;
        channels.push(ChannelAnswer {
            channel: d.channel,
            share_pct: share,
            handle_time: handle_time.trim().to_string(),
            sla_target,
            sla_within,
        });
    }
    let days =
        ask_text("Open on which days? (mon-fri, daily, mon-sat, ...)", "mon-fri", |s| parse_days(s).map(|_| ()))?;
    let open = ask_text("Opening time (24:00 clock; 00:00 with closing 24:00 is around the clock):", "09:00", |s| {
        parse_clock(s, false).map(|_| ())
    })?;
    let open_s = parse_clock(&open, false).unwrap_or(0.0);
    let close = ask_text("Closing time:", "18:00", move |s| match parse_clock(s, true) {
        Ok(c) if c > open_s => Ok(()),
        Ok(_) => Err("closing comes after opening on the same day (use 24:00 for midnight)".into()),
        Err(e) => Err(e),
    })?;
    let timezone =
        ask_text("Time zone as a UTC offset (e.g. +01:00, -05:00):", "+00:00", |s| parse_utc_offset(s).map(|_| ()))?;
    let mut teams: Vec<TeamAnswer> = Vec::new();
    let names: Vec<&str> = picked.iter().map(|d| d.label).collect();
    loop {
        let n = teams.len() + 1;
        let taken: Vec<String> = teams.iter().map(|t| t.name.clone()).collect();
        let name = ask_text(&format!("Name of team {n}:"), if n == 1 { "support" } else { "team" }, move |s| {
            if s.is_empty() {
                Err("give the team a name".into())
            } else if taken.iter().any(|t| t == s) {
                Err("another team has this name".into())
            } else {
                Ok(())
            }
        })?;
        let agents = ask_text(&format!("Agents in {} today:", name.trim()), "5", |s| {
            s.parse::<u32>()
                .ok()
                .filter(|&n| (1..=10_000).contains(&n))
                .map(|_| ())
                .ok_or_else(|| format!("\"{s}\" is not a whole number from 1 to 10000"))
        })?;
        let all: Vec<usize> = (0..names.len()).collect();
        let served = ask_channels(&format!("Which channels does {} answer?", name.trim()), names.clone(), &all)?;
        teams.push(TeamAnswer {
            name: name.trim().to_string(),
            agents: agents.trim().parse().unwrap_or(1),
            channels: served.iter().filter_map(|l| picked.iter().find(|d| d.label == *l).map(|d| d.channel)).collect(),
        });
        let uncovered: Vec<&str> =
            picked.iter().filter(|d| !teams.iter().any(|t| t.channels.contains(&d.channel))).map(|d| d.label).collect();
        if !uncovered.is_empty() {
            println!("Nobody answers {} yet; add a team for it.", uncovered.join(", "));
            continue;
        }
        if !answer(Confirm::new("Add another team?").with_default(false).prompt())? {
            break;
        }
    }
    Ok(Answers {
        name: name.trim().to_string(),
        volume,
        channels,
        days: days.trim().to_string(),
        open: open.trim().to_string(),
        close: close.trim().to_string(),
        timezone: timezone.trim().to_string(),
        teams,
    })
}

/// `staffsim init --guided PATH`.
pub fn init(path: &Path, force: bool) -> anyhow::Result<()> {
    if !std::io::stdin().is_terminal() {
        return Err(InputError::Argument(
            "init --guided asks questions and needs a terminal on stdin; run it in a terminal, or use `staffsim init` for the commented starter file".into(),
        )
        .into());
    }
    super::refuse_overwrite(path, force)?;
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("my-desk");
    let stem: String = stem.chars().filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_').collect();
    let answers = ask(if stem.is_empty() || stem == "scenario" { "my-desk" } else { &stem })?;
    let text = scenario_text(&answers);
    Scenario::from_toml(&text, &path.display().to_string())?;
    // Checked again: the file may have appeared while the questions were asked.
    super::refuse_overwrite(path, force)?;
    super::write_text(path, &text)?;
    eprintln!("wrote {}", path.display());
    if answer(Confirm::new(&format!("Check it now (staffsim check {})?", path.display())).with_default(true).prompt())?
    {
        super::check(path)?;
    }
    if answer(
        Confirm::new(&format!("Work out the staffing now (staffsim staff {})?", path.display()))
            .with_default(false)
            .prompt(),
    )? {
        let cli = <crate::cli::Cli as clap::Parser>::try_parse_from([
            std::ffi::OsStr::new("staffsim"),
            "staff".as_ref(),
            path.as_os_str(),
        ])?;
        super::dispatch(cli)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers() -> Answers {
        Answers {
            name: "desk".into(),
            volume: Volume::Tickets { count: 6000, unit: "month" },
            channels: vec![
                ChannelAnswer {
                    channel: "email",
                    share_pct: 60.0,
                    handle_time: "6m..10m".into(),
                    sla_target: 0.9,
                    sla_within: "8h".into(),
                },
                ChannelAnswer {
                    channel: "chat",
                    share_pct: 40.0,
                    handle_time: "5m".into(),
                    sla_target: 0.8,
                    sla_within: "60s".into(),
                },
            ],
            days: "mon-fri".into(),
            open: "09:00".into(),
            close: "18:00".into(),
            timezone: "+01:00".into(),
            teams: vec![TeamAnswer { name: "support".into(), agents: 7, channels: vec!["email", "chat"] }],
        }
    }

    #[test]
    fn tickets_per_month_become_queue_volumes() {
        let text = scenario_text(&answers());
        let s = Scenario::from_toml(&text, "guided.toml").unwrap();
        assert_eq!(s.queues.len(), 2);
        assert!(text.contains("volume = \"3600/month\""), "{text}");
        assert!(text.contains("agents = 7"), "{text}");
        assert!(text.contains("mean = \"6m..10m\""), "{text}");
    }

    #[test]
    fn every_variant_validates() {
        for volume in [
            Volume::Tickets { count: 300, unit: "day" },
            Volume::Tickets { count: 1500, unit: "week" },
            Volume::Customers { customers: "10000..14000".into(), contacts: "0.3..0.5".into() },
            Volume::Customers { customers: "12000".into(), contacts: "0.4".into() },
        ] {
            for (days, open, close) in
                [("mon-fri", "09:00", "18:00"), ("daily", "00:00", "24:00"), ("mon-sat", "05:00", "24:00")]
            {
                let mut a = answers();
                a.volume = volume.clone();
                a.days = days.into();
                a.open = open.into();
                a.close = close.into();
                a.channels = CHANNELS
                    .iter()
                    .map(|d| {
                        let (sla_target, sla_within) = sla(d.sla).unwrap();
                        ChannelAnswer {
                            channel: d.channel,
                            share_pct: 20.0,
                            handle_time: d.handle_time.into(),
                            sla_target,
                            sla_within,
                        }
                    })
                    .collect();
                a.teams = vec![
                    TeamAnswer { name: "voice".into(), agents: 3, channels: vec!["phone"] },
                    TeamAnswer {
                        name: "written".into(),
                        agents: 9,
                        channels: vec!["email", "form", "chat", "messenger"],
                    },
                ];
                let text = scenario_text(&a);
                if let Err(e) = Scenario::from_toml(&text, "guided.toml") {
                    panic!("{e}\n{text}");
                }
            }
        }
    }
}
