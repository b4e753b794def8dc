//! `--shard K/N` and `staffsim merge`: a command's work split over machines
//! (see [`crate::shard`]). A shard writes its part of the results into a
//! shard folder; `merge` reads the N folders and runs the command itself,
//! its results read from them instead of simulated.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Parser;
use serde_json::json;

use super::{Options, out};
use crate::cli::{ChartFormat, Cli, Command};
use crate::error::InputError;
use crate::experiment;
use crate::report::{OutputSet, Scratch, progress};
use crate::scenario::{Policy, Scenario};
use crate::shard::{DATA, Frames, HEADER, Header, Merged, Shard};

/// Writes the shard folder `opts.out`: `header`, and the results `fill`
/// writes (streamed to a temporary file first, so memory holds one result
/// at a time), then a closing line on stdout.
pub(super) fn write_shard(
    opts: &Options,
    header: Header,
    fill: impl FnOnce(&mut Frames<std::io::BufWriter<std::fs::File>>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let (scratch, file) = Scratch::create(&opts.out)?;
    let mut frames = Frames::new(std::io::BufWriter::new(file));
    fill(&mut frames)?;
    let written = frames.written;
    frames.finish()?.into_inner().map_err(|e| e.into_error())?.sync_data().ok();
    if written != header.count {
        anyhow::bail!("shard {}/{}: {written} results written of {}", header.k, header.n, header.count);
    }
    let mut set = OutputSet::folder(&opts.out);
    set.add(HEADER, serde_json::to_vec_pretty(&header)?);
    set.add_streamed(DATA, |w| {
        std::io::copy(&mut std::fs::File::open(scratch.path())?, w)?;
        Ok(())
    });
    // The marker every staffsim folder has, so the next shard run may
    // replace this folder.
    let record = json!({
        "shard": format!("{}/{}", header.k, header.n),
        "unit": header.unit,
        "first": header.first,
        "count": header.count,
        "total": header.total,
        "scenario": opts.scenario.name,
        "scenario_file": opts.path.display().to_string(),
        "version": env!("CARGO_PKG_VERSION"),
    });
    set.add("run.json", serde_json::to_vec_pretty(&record)?);
    set.commit()?;
    drop(scratch);
    let text = if opts.json {
        format!("{}\n", serde_json::to_string(&record)?)
    } else {
        let (from, to) = (header.first + 1, header.first + header.count);
        format!(
            "shard {}/{}: {} {from}-{to} of {} written to {}\ncombine the {} shard folders with: staffsim merge DIR... -o OUT\n",
            header.k,
            header.n,
            header.unit,
            header.total,
            opts.out.display(),
            header.n
        )
    };
    out(&text)
}

/// A shard of `run`, `compare` or `sweep`: its part of the replications of
/// every variant in `runs`; `files` are the scenario files the command read.
pub(super) fn shard_replications(
    opts: &Options,
    shard: Shard,
    runs: &[(&Scenario, Policy)],
    files: Vec<(String, String)>,
) -> anyhow::Result<()> {
    let total = experiment::total_jobs(runs);
    shard.check(total, "replications")?;
    let part = shard.range(total);
    let header = Header::new(shard, "replications", total, files);
    let bar = progress::bar(part.len() as u64, "replications", opts.quiet);
    let result = write_shard(opts, header, |frames| {
        experiment::simulate_part(runs, part, opts.threads, &|| bar.inc(1), |stats| frames.write(stats))
    });
    bar.finish_and_clear();
    result
}

/// What `merge` may set besides the shards' command line: where the output
/// goes and how it is drawn, never what is simulated.
pub(super) struct Overrides {
    pub out: Option<PathBuf>,
    pub threads: Option<usize>,
    pub format: Option<Vec<ChartFormat>>,
    pub size: Option<String>,
    pub quiet: bool,
}

/// `staffsim merge DIR… [-o OUT]`: checks the shard folders, then runs their
/// command with its results read from them.
pub(super) fn merge(shards: &[PathBuf], set: Overrides) -> anyhow::Result<()> {
    let merged = Arc::new(Merged::read(shards)?);
    let args = std::iter::once("staffsim".to_string()).chain(merged.header.args.iter().cloned());
    let mut cli = Cli::try_parse_from(args).map_err(|e| {
        InputError::Argument(format!(
            "the shards' command line (`{}`) is not one this staffsim reads: {}",
            merged.header.args.join(" "),
            e.to_string().lines().next().unwrap_or_default()
        ))
    })?;
    let common = match &mut cli.command {
        Command::Run { common, .. }
        | Command::Compare { common, .. }
        | Command::Staff { common, .. }
        | Command::Sweep { common, .. } => common,
        _ => {
            return Err(InputError::Argument(format!(
                "the shards' command (`{}`) is not one that shards: run, compare, staff --samples or sweep",
                merged.header.args.join(" ")
            ))
            .into());
        }
    };
    // The shards' own folder was theirs: the merged output goes where merge
    // is told, or to the command's default folder.
    common.out = set.out;
    common.shard = None;
    common.threads = set.threads;
    common.quiet |= set.quiet;
    if let Some(format) = set.format {
        common.format = format;
    }
    if let Some(size) = set.size {
        common.size = size;
    }
    common.merged = Some(merged);
    super::dispatch(cli)
}

/// Refuses `--shard` where a command has no independent parts to split.
pub(super) fn refuse_shard(opts: &Options, why: &str) -> Result<(), InputError> {
    match opts.shard {
        Some(shard) => Err(InputError::Argument(format!("--shard {shard}: {why}"))),
        None => Ok(()),
    }
}
