//! The command line as clap derive types, and nothing else: raw flags, no
//! behaviour. `app` turns them into work.

use std::path::PathBuf;

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
    Check {
        /// The scenario file (TOML).
        scenario: PathBuf,
    },
    /// Simulate a desk: service level, waits, abandonment, occupancy, backlog.
    Run {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// Backlog policy (overrides the scenario's [policy]): per-queue, fifo, lifo, priority,
        /// sla-first, or a plan of the scenario's [policies].
        #[arg(long, value_name = "P")]
        policy: Option<String>,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Compare backlog policies on one scenario, or what-if variants against a base scenario,
    /// on the same arrivals (common random numbers).
    Compare {
        /// The scenario file (TOML); with variants, the base they are compared against.
        scenario: PathBuf,
        /// What-if scenario files with the same queues, each compared with the base: the
        /// differences per queue with paired 95 % confidence intervals.
        #[arg(value_name = "VARIANT", conflicts_with = "policies")]
        variants: Vec<PathBuf>,
        /// Policies to compare, comma-separated: per-queue, fifo, lifo, priority, sla-first, the
        /// scenario's plans ([policies]), or all [default: all: the five, then the plans].
        #[arg(long, value_delimiter = ',', value_name = "LIST")]
        policies: Vec<String>,
        /// What the ranking puts first (every objective counts the tickets still waiting)
        #[arg(long, value_enum, default_value_t = RankBy::Targets, value_name = "OBJECTIVE")]
        rank_by: RankBy,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Required agents per interval (analytic and simulated), FTE and a shift schedule.
    Staff {
        /// The scenario file (TOML).
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
        /// Backlog policy (overrides the scenario's [policy]): per-queue, fifo, lifo, priority,
        /// sla-first, or a plan of the scenario's [policies].
        #[arg(long, value_name = "P")]
        policy: Option<String>,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// A capacity plan over months ([plan]): required FTE, headcount, leavers, hires to decide.
    Plan {
        /// The scenario file (TOML) with a [plan] section.
        scenario: PathBuf,
        /// Samples of the inputs given as ranges (as in `staff`).
        #[arg(long, value_name = "N", default_value_t = 10)]
        samples: usize,
        /// Which quantile of the sampled requirement each month is planned for (with ranges in the scenario).
        #[arg(long, value_enum, default_value_t = PlanFor::P80)]
        plan_for: PlanFor,
        /// Backlog policy (overrides the scenario's [policy]): per-queue, fifo, lifo, priority,
        /// sla-first, or a plan of the scenario's [policies].
        #[arg(long, value_name = "P")]
        policy: Option<String>,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Service level, ASA, abandonment and occupancy against a team's headcount.
    Sweep {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// The team whose headcount varies.
        #[arg(long)]
        team: String,
        /// Headcounts: FROM..TO, FROM..TO:STEP or a list such as 8,10,12.
        #[arg(long, value_name = "RANGE")]
        agents: String,
        /// Backlog policy (overrides the scenario's [policy]): per-queue, fifo, lifo, priority,
        /// sla-first, or a plan of the scenario's [policies].
        #[arg(long, value_name = "P")]
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

#[derive(Debug, Args, Clone)]
pub struct ErlangArgs {
    /// Arrivals, "COUNT/UNIT" with UNIT hour, day, week or month, e.g. 100/hour.
    #[arg(long)]
    pub volume: String,
    /// Average handle time, e.g. 6m.
    #[arg(long)]
    pub aht: String,
    /// Service level target, e.g. "80% in 20s".
    #[arg(long, required_unless_present = "average")]
    pub sla: Option<String>,
    /// Highest mean wait of answered customers (ASA), e.g. 10m; with --sla, both must hold.
    #[arg(long)]
    pub average: Option<String>,
    /// Mean patience (exponential), e.g. 3m: use Erlang A instead of Erlang C.
    #[arg(long)]
    pub patience: Option<String>,
    /// Evaluate this many agents instead of finding the requirement.
    #[arg(long)]
    pub agents: Option<u32>,
    /// Shrinkage (breaks, meetings, absence) between 0 and 1, e.g. 0.3.
    #[arg(long)]
    pub shrinkage: Option<f64>,
    /// Print one JSON object on stdout.
    #[arg(long)]
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
