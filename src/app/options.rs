//! The one options layer between clap's raw flags and the commands: the
//! scenario read and validated once (its text and hash kept, so `run.json`
//! fingerprints exactly what was simulated and `--write-scenario` edits
//! exactly that text), every override applied once, the chart options
//! parsed, and the output folder checked before any simulation starts.

use std::path::{Path, PathBuf};

use crate::cli::{ChartFormat, CommonArgs};
use crate::error::InputError;
use crate::experiment::Source;
use crate::report::chart::ImageFormat;
use crate::scenario::{Scenario, fingerprint};
use crate::shard::{Merged, Shard};
use std::sync::Arc;

/// Most worker threads accepted: more than any machine staffsim runs on.
pub const MAX_THREADS: usize = 1024;

/// Everything a simulating command needs, checked.
#[derive(Debug, Clone)]
pub struct Options {
    /// The scenario file as given.
    pub path: PathBuf,
    /// Validated, with the command line's overrides applied.
    pub scenario: Scenario,
    /// The file's text as it was read, and its FNV-1a hash.
    pub text: String,
    pub hash: u64,
    pub formats: Vec<ImageFormat>,
    /// Whether to write the workbook `staffsim.xlsx`.
    pub workbook: bool,
    /// Whether to write the report `report.html`.
    pub report: bool,
    pub size: (u32, u32),
    pub threads: Option<usize>,
    pub json: bool,
    pub quiet: bool,
    /// Whether `--replications` was given (`staff` caps the scenario's own).
    pub replications_given: bool,
    /// The output folder, checked writable.
    pub out: PathBuf,
    /// `--shard K/N`: simulate only that part and write a shard folder.
    pub shard: Option<Shard>,
    /// `merge`: the results come from these shard folders.
    pub merged: Option<Arc<Merged>>,
}

impl Options {
    /// Reads `path`, applies `common` and `policy` (a built-in order or one of
    /// the scenario's plans, by name), and checks the output
    /// folder: `--out`, or `outputs/<scenario name>/` plus `subfolder`
    /// (`compare`, `staff`, `sweep`; none for `run`).
    pub fn new(
        path: &Path,
        common: &CommonArgs,
        policy: Option<&str>,
        subfolder: Option<&str>,
    ) -> anyhow::Result<Options> {
        // Merged, the scenario is the text the shards read, wherever it is now.
        let (mut scenario, text) = match common.merged.as_ref().and_then(|m| m.text_of(path)) {
            Some(text) => (Scenario::from_toml(text, &path.display().to_string())?, text.to_string()),
            None => Scenario::read(path)?,
        };
        if let Some(r) = common.replications {
            if r == 0 || r > 100_000 {
                return Err(InputError::Argument(format!("--replications {r} must be between 1 and 100000")).into());
            }
            scenario.simulation.replications = r;
        }
        if let Some(seed) = common.seed {
            scenario.simulation.seed = seed;
        }
        if let Some(p) = policy {
            scenario.policy = scenario.policy_named(p).map_err(|e| InputError::Argument(format!("--policy: {e}")))?;
        }
        if let Some(n) = common.clear_below {
            scenario.simulation.clear_below = n;
        }
        match common.threads {
            Some(0) => {
                return Err(InputError::Argument(
                    "--threads 0: give at least 1 thread, or leave it out to use every core".into(),
                )
                .into());
            }
            Some(n) if n > MAX_THREADS => {
                // Each thread reserves a stack; a hundred thousand of them
                // exhaust the machine before the first replication starts.
                return Err(InputError::Argument(format!(
                    "--threads {n}: give at most {MAX_THREADS}, or leave it out to use every core ({}); results do not depend on it",
                    super::size::cores(None)
                ))
                .into());
            }
            _ => {}
        }
        let (formats, size) = chart_options(common)?;
        let workbook = common.format.iter().any(|f| matches!(f, ChartFormat::Xlsx | ChartFormat::All));
        let report = common.format.iter().any(|f| matches!(f, ChartFormat::Html | ChartFormat::All));
        let out = common.out.clone().unwrap_or_else(|| {
            let base = Path::new("outputs").join(&scenario.name);
            subfolder.map_or(base.clone(), |s| base.join(s))
        });
        crate::report::check_output_folder(&out)?;
        let hash = fingerprint(text.as_bytes());
        Ok(Options {
            path: path.to_path_buf(),
            scenario,
            text,
            hash,
            formats,
            workbook,
            report,
            size,
            threads: common.threads,
            json: common.json,
            quiet: common.quiet,
            replications_given: common.replications.is_some(),
            out,
            shard: common.shard,
            merged: common.merged.clone(),
        })
    }
}

impl Options {
    /// Where the replications come from: simulated here, or read from the
    /// shards `merge` combines.
    pub fn source(&self) -> Source<'_> {
        match &self.merged {
            Some(m) => Source::Shards(m),
            None => Source::Simulate(self.threads),
        }
    }

    /// The scenario file as the shards record it: its path as given, and text.
    pub fn file(&self) -> (String, String) {
        (self.path.display().to_string(), self.text.clone())
    }
}

/// Chart formats and size from the command line.
pub(crate) fn chart_options(common: &CommonArgs) -> Result<(Vec<ImageFormat>, (u32, u32)), InputError> {
    let mut formats = Vec::new();
    for f in &common.format {
        let images: &[ImageFormat] = match f {
            ChartFormat::Png => &[ImageFormat::Png],
            ChartFormat::Svg => &[ImageFormat::Svg],
            ChartFormat::Both | ChartFormat::All => &[ImageFormat::Png, ImageFormat::Svg],
            ChartFormat::Xlsx | ChartFormat::Html => &[],
        };
        for &i in images {
            if !formats.contains(&i) {
                formats.push(i);
            }
        }
    }
    let bad = || {
        InputError::Argument(format!(
            "--size {}: expected WIDTHxHEIGHT in pixels between 320 and 8000, e.g. 1600x900",
            common.size
        ))
    };
    let (w, h) = common
        .size
        .to_ascii_lowercase()
        .split_once('x')
        .map(|(w, h)| (w.trim().parse::<u32>(), h.trim().parse::<u32>()))
        .ok_or_else(bad)?;
    let (w, h) = (w.map_err(|_| bad())?, h.map_err(|_| bad())?);
    if !(320..=8000).contains(&w) || !(320..=8000).contains(&h) {
        return Err(bad());
    }
    Ok((formats, (w, h)))
}
