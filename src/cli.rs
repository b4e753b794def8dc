//! The command line as clap derive types, and nothing else: raw flags, no
//! behaviour. `app` turns them into work.

use std::path::PathBuf;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

/// The version and the commit it was built from, when built from a git
/// checkout (see build.rs).
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), env!("STAFFSIM_BUILT_FROM"));

/// Discrete-event simulator for support desks: service level, waits,
/// abandonment, occupancy, backlog and the headcount they need.
#[derive(Debug, Parser)]
#[command(name = "staffsim", version = VERSION, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Colour in the terminal tables: auto (on a terminal, unless NO_COLOR is set or
    /// TERM=dumb), always, or never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

/// When the terminal tables are coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a commented starter scenario that runs as it is.
    #[command(after_help = "Examples:
  staffsim init                      # scenario.toml: the commented starter desk, runs as it is
  staffsim init --guided acme.toml   # answer questions in plain words instead of editing TOML")]
    Init {
        /// Where to write it.
        #[arg(default_value = "scenario.toml")]
        path: PathBuf,
        /// Overwrite the file if it exists.
        #[arg(long)]
        force: bool,
        /// Ask about the desk in plain words (volume, channels, hours, SLAs, teams) and
        /// write a commented scenario from the answers; needs a terminal.
        #[arg(long)]
        guided: bool,
    },
    /// Validate a scenario and print what was understood.
    #[command(after_help = "Examples:
  staffsim check scenarios/smb-saas.toml
  staffsim init desk.toml && staffsim check desk.toml
  cat desk.toml | staffsim check -")]
    Check {
        /// The scenario file (TOML), or - to read it from standard input.
        scenario: PathBuf,
    },
    /// Simulate a desk: service level, waits, abandonment, occupancy, backlog.
    #[command(after_help = "Examples:
  staffsim run scenarios/smb-saas.toml                      # report.html, CSV, charts in outputs/smb-saas/
  staffsim run desk.toml --policy lifo -r 50 --seed 3 -o outputs/lifo
  staffsim run desk.toml --format all --size 1200x700       # PNG, SVG, the report and the workbook
  staffsim run desk.toml --ticket-log tickets.csv && staffsim fit tickets.csv -o fitted.toml
  staffsim run desk.toml --json | jq '.queues[0]'")]
    Run {
        /// The scenario file (TOML), or - to read it from standard input.
        scenario: PathBuf,
        /// Backlog policy (overrides the scenario's [policy]): a built-in order, or the name of
        /// a plan in the scenario's [policies].
        #[arg(long, value_name = "P", value_parser = PolicyName { with_all: false })]
        policy: Option<String>,
        /// Also write one row per ticket of every replication to this CSV file
        /// (replication, queue, channel, origin, created, answered, wait_s,
        /// handle_time_s, abandoned, outcome), ready for `staffsim fit`.
        #[arg(long, value_name = "FILE.csv")]
        ticket_log: Option<PathBuf>,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Compare backlog policies on one scenario, or what-if variants against a base scenario,
    /// on the same arrivals (common random numbers).
    #[command(after_help = "Examples:
  staffsim compare scenarios/backlog-crisis.toml                      # every policy, ranked
  staffsim compare desk.toml --policies fifo,lifo --rank-by mean-wait
  staffsim compare desk.toml more-agents.toml longer-hours.toml       # what-if against the base")]
    Compare {
        /// The scenario file (TOML); with variants, the base they are compared against.
        scenario: PathBuf,
        /// What-if scenario files with the same queues, each compared with the base: the
        /// differences per queue with paired 95 % confidence intervals.
        #[arg(value_name = "VARIANT", conflicts_with = "policies")]
        variants: Vec<PathBuf>,
        /// Policies to compare, comma-separated: per-queue, fifo, lifo, priority, sla-first, the
        /// scenario's plans ([policies]), or all [default: all: the five, then the plans].
        #[arg(long, value_delimiter = ',', value_name = "LIST", value_parser = PolicyName { with_all: true })]
        policies: Vec<String>,
        /// What the ranking puts first (every objective counts the tickets still waiting)
        #[arg(long, value_enum, default_value_t = RankBy::Targets, value_name = "OBJECTIVE")]
        rank_by: RankBy,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Required agents per interval (analytic and simulated), FTE and a shift schedule.
    #[command(after_help = "Examples:
  staffsim staff scenarios/new-product.toml
  staffsim staff desk.toml --write-scenario staffed.toml && staffsim run staffed.toml
  staffsim staff desk.toml --samples 40 --plan-for p90    # ranges in the scenario: plan for the P90")]
    Staff {
        /// The scenario file (TOML), or - to read it from standard input.
        scenario: PathBuf,
        /// Write the scenario with the scheduled shifts to this file, ready for `run`.
        #[arg(long, value_name = "PATH")]
        write_scenario: Option<PathBuf>,
        /// Samples of the inputs given as ranges, for the P10-P90 band.
        #[arg(long, value_name = "N", default_value_t = 10)]
        samples: usize,
        /// Which quantile of the sampled requirement the roster covers (with ranges in the scenario).
        #[arg(long, value_enum, default_value_t = PlanFor::P80)]
        plan_for: PlanFor,
        /// Overwrite the --write-scenario file if it exists.
        #[arg(long)]
        force: bool,
        /// Backlog policy (overrides the scenario's [policy]): a built-in order, or the name of
        /// a plan in the scenario's [policies].
        #[arg(long, value_name = "P", value_parser = PolicyName { with_all: false })]
        policy: Option<String>,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// A capacity plan over months ([plan]): required FTE, headcount, leavers, hires to decide.
    #[command(after_help = "Examples:
  staffsim plan scenarios/launch-growth.toml
  staffsim plan desk.toml --samples 20 --plan-for p90")]
    Plan {
        /// The scenario file (TOML) with a [plan] section.
        scenario: PathBuf,
        /// Samples of the inputs given as ranges (as in `staff`).
        #[arg(long, value_name = "N", default_value_t = 10)]
        samples: usize,
        /// Which quantile of the sampled requirement each month is planned for (with ranges in the scenario).
        #[arg(long, value_enum, default_value_t = PlanFor::P80)]
        plan_for: PlanFor,
        /// Backlog policy (overrides the scenario's [policy]): a built-in order, or the name of
        /// a plan in the scenario's [policies].
        #[arg(long, value_name = "P", value_parser = PolicyName { with_all: false })]
        policy: Option<String>,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Service level, ASA, abandonment and occupancy against a team's headcount.
    #[command(after_help = "Examples:
  staffsim sweep scenarios/smb-saas.toml --team frontline --agents 6..14
  staffsim sweep desk.toml --team tier1 --agents 10..40:5 --format png,xlsx")]
    Sweep {
        /// The scenario file (TOML), or - to read it from standard input.
        scenario: PathBuf,
        /// The team whose headcount varies.
        #[arg(long)]
        team: String,
        /// Headcounts: FROM..TO, FROM..TO:STEP or a list such as 8,10,12.
        #[arg(long, value_name = "RANGE")]
        agents: String,
        /// Backlog policy (overrides the scenario's [policy]): a built-in order, or the name of
        /// a plan in the scenario's [policies].
        #[arg(long, value_name = "P", value_parser = PolicyName { with_all: false })]
        policy: Option<String>,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Measure simulated tickets per second and peak memory on fixed scenarios.
    Bench {
        /// A tenth of the size, for a quick look.
        #[arg(long)]
        quick: bool,
    },
    /// Estimate a scenario's queues from a ticket export (or a `run --ticket-log` file): volume,
    /// 24-hour profile, weekly weights, a handle-time distribution and patience.
    Fit(FitArgs),
    /// The analytic answer (Erlang C, or Erlang A with --patience), instantly.
    Erlang(ErlangArgs),
    /// Print a shell completion script: `source <(staffsim completions bash)`, or save it
    /// where the shell loads completions (e.g. ~/.local/share/bash-completion/completions/staffsim).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `staffsim man > staffsim.1 && man -l staffsim.1`.
    Man,
    #[command(after_help = "Examples:
  staffsim run desk.toml --shard 1/2 -o shards/1 & staffsim run desk.toml --shard 2/2 -o shards/2; wait
  staffsim merge shards/* -o outputs/desk")]
    /// Combine the shard folders of one command (written with --shard K/N) into the output
    /// folder one machine would have written, byte for byte.
    Merge {
        /// The shard folders, all N of them, in any order.
        #[arg(required = true, value_name = "DIR")]
        shards: Vec<PathBuf>,
        /// Output folder [default: the command's own, outputs/<scenario name>/...].
        #[arg(short, long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Worker threads for what merge simulates itself (staff's final checks).
        #[arg(long, value_name = "N")]
        threads: Option<usize>,
        /// Files to write besides the CSV tables, as for the command [default: the shards' --format].
        #[arg(long, value_enum, value_delimiter = ',', value_name = "LIST")]
        format: Option<Vec<ChartFormat>>,
        /// Chart size in pixels, WIDTHxHEIGHT [default: the shards' --size].
        #[arg(long, value_name = "WxH")]
        size: Option<String>,
        /// No progress or messages on stderr.
        #[arg(short, long)]
        quiet: bool,
    },
}

/// A backlog policy's name on the command line: a built-in order (listed in
/// `--help` and offered by shell completion) or a plan of the scenario's
/// `[policies]`, which only the scenario knows. The name is checked once the
/// scenario is read, with a did-you-mean among every known name.
#[derive(Debug, Clone, Copy)]
pub struct PolicyName {
    /// Whether `all` (every order and plan, for `--policies`) is offered too.
    pub with_all: bool,
}

impl TypedValueParser for PolicyName {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            [
                ("per-queue", "the highest-priority queue, and in it the ticket its discipline names (default)"),
                ("fifo", "the oldest ticket in any of the agent's queues"),
                ("lifo", "the freshest ticket in any of the agent's queues"),
                ("priority", "the highest-priority queues; among them the oldest ticket"),
                ("sla-first", "tickets that can still meet their SLA first, the least time left first"),
                ("all", "the five orders, then the scenario's plans"),
            ]
            .into_iter()
            .filter(|(name, _)| self.with_all || *name != "all")
            .map(|(name, help)| PossibleValue::new(name).help(help)),
        ))
    }
}

/// Options shared by the simulating commands.
#[derive(Debug, Args, Clone, Default)]
pub struct CommonArgs {
    /// Output folder [default: outputs/<scenario name>/].
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replications (overrides the scenario's).
    #[arg(short, long, value_name = "N")]
    pub replications: Option<u32>,
    /// Random seed (overrides the scenario's).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Print a machine-readable summary (JSON) on stdout instead of the table.
    #[arg(long)]
    pub json: bool,
    /// No progress or messages on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    /// Files to write besides the CSV tables, a comma list: png and svg
    /// charts, html the report report.html, xlsx the workbook
    /// staffsim.xlsx; both = png,svg; all = png,svg,html,xlsx.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "png,html")]
    pub format: Vec<ChartFormat>,
    /// Chart size in pixels, WIDTHxHEIGHT.
    #[arg(long, value_name = "WxH", default_value = "1600x900")]
    pub size: String,
    /// A backlog counts as cleared at this many waiting tickets or fewer
    /// (time_to_clear_h) [default: the scenario's clear_below, else 0].
    #[arg(long, value_name = "N")]
    pub clear_below: Option<u32>,
    /// Simulate only part K of N of the work (replications; staff: samples) and write it
    /// as a shard folder to -o DIR, for `staffsim merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<crate::shard::Shard>,
    /// Results read from shard folders by `merge` instead of simulated; set
    /// by `merge`, never on the command line.
    #[arg(skip)]
    pub merged: Option<std::sync::Arc<crate::shard::Merged>>,
}

/// What `compare` ranks policies by. None can be won by leaving tickets
/// behind: tickets still waiting count as misses in every service figure,
/// at their age so far in every wait, and the ties go to fewer tickets left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum RankBy {
    /// Most SLA targets met, then the share of all customers answered in time
    #[default]
    Targets,
    /// The share of all customers answered within their SLA
    InTime,
    /// The mean wait of all customers, the ones still waiting at their age so far
    MeanWait,
    /// The fewest tickets left waiting at the end, then the youngest oldest one
    Backlog,
    /// The earliest time the backlog falls to clear_below (never: last)
    Clear,
}

impl RankBy {
    /// The objective in words, for the table's last line.
    pub fn describe(self) -> &'static str {
        match self {
            RankBy::Targets => "most SLA targets met, then the share of all customers answered in time",
            RankBy::InTime => "the share of all customers answered in time",
            RankBy::MeanWait => "the mean wait of all customers (those still waiting at their age so far)",
            RankBy::Backlog => "the fewest tickets left waiting, then the youngest oldest ticket",
            RankBy::Clear => "the earliest time the backlog cleared",
        }
    }
}

/// The quantile of the uncertain requirement a roster is planned for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum PlanFor {
    P50,
    #[default]
    P80,
    P90,
}

/// Which files are written besides the CSV tables (`--format`, a comma list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ChartFormat {
    /// Charts as PNG images.
    Png,
    /// Charts as SVG images.
    Svg,
    /// Charts as PNG and SVG.
    Both,
    /// The report report.html: findings, key figures, charts and tables in
    /// one self-contained page.
    #[default]
    Html,
    /// The workbook staffsim.xlsx: every table as a sheet, with native charts.
    Xlsx,
    /// PNG, SVG, the report and the workbook.
    All,
}

/// `staffsim fit`'s input, output and column names. A column flag left out
/// uses the ticket log's name when the export has that column.
#[derive(Debug, Args, Clone)]
#[command(after_help = "Examples:
  staffsim run desk.toml --ticket-log tickets.csv && staffsim fit tickets.csv -o fitted.toml
  staffsim fit export.csv --created \"Created at\" --channel Channel --handle-time \"Handle time\" -o desk.toml
  staffsim check desk.toml && staffsim staff desk.toml")]
pub struct FitArgs {
    /// The export: a CSV file with a header row, one ticket per row.
    pub export: PathBuf,
    /// Where to write the fitted scenario.
    #[arg(short, long, value_name = "FILE.toml", default_value = "fitted.toml")]
    pub out: PathBuf,
    /// Overwrite the output file if it exists.
    #[arg(long)]
    pub force: bool,
    /// The scenario's name [default: the export's file name].
    #[arg(long)]
    pub name: Option<String>,
    /// Column of the created time [default: created].
    #[arg(long, value_name = "COLUMN")]
    pub created: Option<String>,
    /// Column that splits tickets into queues [default: queue, else the channel column].
    #[arg(long, value_name = "COLUMN")]
    pub queue: Option<String>,
    /// Column of the channel (email, chat, phone, ...) [default: channel].
    #[arg(long, value_name = "COLUMN")]
    pub channel: Option<String>,
    /// Column of the handle time, in seconds or as 5m, 1h30m, HH:MM:SS [default: handle_time_s].
    #[arg(long, value_name = "COLUMN")]
    pub handle_time: Option<String>,
    /// Column of the wait until the first response (or until giving up) [default: wait_s].
    #[arg(long, value_name = "COLUMN")]
    pub wait: Option<String>,
    /// Column of the first-response time, for the wait when there is no wait column [default: answered].
    #[arg(long, value_name = "COLUMN")]
    pub answered: Option<String>,
    /// Column of the abandoned flag (true/false, yes/no, 1/0) [default: abandoned].
    #[arg(long, value_name = "COLUMN")]
    pub abandoned: Option<String>,
    /// Column of the replication (a ticket log's copies of one period) [default: replication].
    #[arg(long, value_name = "COLUMN")]
    pub replication: Option<String>,
    /// Print nothing on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args, Clone)]
#[command(after_help = "Examples:
  staffsim erlang --volume 100/hour --aht 6m --sla \"80% in 20s\"
  staffsim erlang --volume 7000/month --hours \"mon-fri 09:00-18:00\" --aht 5m..8m --sla \"80% in 60s\" --concurrency 2
  staffsim erlang --volume 2000/week --aht 4m --average 30s --patience 3m --max-occupancy 0.85 --shrinkage 0.3
  staffsim erlang --intervals monday.csv --interval 30m --aht 6m --sla \"80% in 20s\" > monday-agents.csv")]
pub struct ErlangArgs {
    /// Arrivals, "COUNT/UNIT" with UNIT hour, day, week or month (30 days), e.g. 100/hour,
    /// or a range for a band, e.g. 6000..8000/month.
    #[arg(long, required_unless_present = "intervals", conflicts_with = "intervals")]
    pub volume: Option<String>,
    /// The desk's open hours, e.g. "mon-fri 09:00-18:00, sat 10:00-14:00": a day, week or
    /// month of volume arrives in these hours only [default: 24/7].
    #[arg(long, value_name = "HOURS", conflicts_with = "intervals")]
    pub hours: Option<String>,
    /// Average handle time, e.g. 6m, or a range for a band, e.g. 5m..8m.
    #[arg(long, required_unless_present = "intervals")]
    pub aht: Option<String>,
    /// Service level target, e.g. "80% in 20s".
    #[arg(long, required_unless_present = "average")]
    pub sla: Option<String>,
    /// Highest mean wait of answered customers (ASA), e.g. 10m; with --sla, both must hold.
    #[arg(long)]
    pub average: Option<String>,
    /// Mean patience (exponential), e.g. 3m: use Erlang A instead of Erlang C.
    #[arg(long)]
    pub patience: Option<String>,
    /// Contacts one agent works at once (chat, messengers); each agent counts as K servers.
    #[arg(long, value_name = "K", default_value_t = 1)]
    pub concurrency: u32,
    /// Highest share of agents' queue time spent busy, e.g. 0.85; adds agents when the
    /// target alone would run them hotter.
    #[arg(long, value_name = "SHARE")]
    pub max_occupancy: Option<f64>,
    /// Evaluate this many agents instead of finding the requirement.
    #[arg(long)]
    pub agents: Option<u32>,
    /// Shrinkage (breaks, meetings, absence) between 0 and 1, e.g. 0.3.
    #[arg(long)]
    pub shrinkage: Option<f64>,
    /// A CSV of interval volumes (a "volume" column; an optional "aht" column overrides
    /// --aht per row; - reads standard input): the same rows with the required agents, on stdout.
    #[arg(long, value_name = "FILE.csv")]
    pub intervals: Option<PathBuf>,
    /// The length of one --intervals row.
    #[arg(long, value_name = "DURATION", default_value = "30m")]
    pub interval: String,
    /// With --intervals: no summary line on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    /// Print one JSON object on stdout.
    #[arg(long, conflicts_with = "intervals")]
    pub json: bool,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        super::Cli::command().debug_assert();
    }
}
