//! `staffsim fit EXPORT.csv`: reads the export, fits every queue, writes the
//! scenario (through a temporary file, renamed into place) and prints the
//! fit's table.

use std::path::Path;

use crate::cli::FitArgs;
use crate::error::InputError;
use crate::fit::{self, Mapping};
use crate::report::OutputSet;
use crate::scenario::Scenario;

pub fn fit(args: &FitArgs) -> anyhow::Result<()> {
    let out = &args.out;
    if out.is_dir() {
        return Err(InputError::Argument(format!(
            "-o {}: is a folder; give the path of a .toml file such as fitted.toml",
            out.display()
        ))
        .into());
    }
    if out.exists() && !args.force {
        return Err(InputError::Exists(format!(
            "{} already exists; choose another path with -o or add --force to overwrite it",
            out.display()
        ))
        .into());
    }
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(InputError::Argument(format!(
            "-o {}: the folder {} does not exist; create it or choose another path",
            out.display(),
            parent.display()
        ))
        .into());
    }
    let file_name = out
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| InputError::Argument(format!("-o {}: not a file path", out.display())))?;
    let mapping = Mapping {
        created: args.created.clone(),
        queue: args.queue.clone(),
        channel: args.channel.clone(),
        handle_time: args.handle_time.clone(),
        wait: args.wait.clone(),
        answered: args.answered.clone(),
        abandoned: args.abandoned.clone(),
        replication: args.replication.clone(),
    };
    let export = fit::export::read(&args.export, &mapping)?;
    let fitted = fit::fit(&export)?;
    let source =
        args.export.file_name().map_or_else(|| args.export.display().to_string(), |n| n.to_string_lossy().into());
    let name = args.name.clone().unwrap_or_else(|| {
        args.export.file_stem().map_or_else(|| "fitted".to_string(), |s| s.to_string_lossy().into_owned())
    });
    let text = fit::scenario_toml(&fitted, &name, &source);
    // What is written must be a scenario staffsim accepts; anything else is
    // a bug here, not bad input.
    Scenario::from_toml(&text, &out.display().to_string())
        .map_err(|e| anyhow::anyhow!("the fitted scenario does not validate: {e}"))?;
    let mut set = OutputSet::new(parent);
    set.add(file_name, text.into_bytes());
    set.commit()?;
    super::out(&fit::table(&fitted))?;
    if !args.quiet {
        eprintln!("wrote {}; try: staffsim check {}", out.display(), out.display());
    }
    Ok(())
}
