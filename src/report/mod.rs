//! Everything a user reads: tidy CSV files (`csv`), the terminal table
//! (`table`), JSON (`json`), and writing an output folder safely (`OutputSet`).
//! Each format produces bytes, so it can be tested without files.

pub mod chart;
pub mod csv;
pub mod figures;
pub mod json;
pub mod progress;
pub mod table;

use std::path::{Path, PathBuf};

use anyhow::Context;

/// Files to be written to one folder, all or nothing: each is written to a
/// temporary file first, and only when every one is complete are they renamed
/// into place, so an interrupted run never leaves half a result. CSV files
/// are made safe to open in a spreadsheet on the way in.
#[derive(Debug)]
pub struct OutputSet {
    dir: PathBuf,
    files: Vec<(String, Vec<u8>)>,
}

impl OutputSet {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        OutputSet { dir: dir.into(), files: Vec::new() }
    }

    /// Adds a file; a `.csv` file has its formula-like cells neutralised
    /// (see [`csv::neutralise_formulas`]), so no writer can forget it.
    pub fn add(&mut self, name: &str, bytes: Vec<u8>) {
        let bytes = if name.ends_with(".csv") { csv::neutralise_formulas(bytes) } else { bytes };
        self.files.push((name.to_string(), bytes));
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes every file; returns their final paths.
    pub fn commit(self) -> anyhow::Result<Vec<PathBuf>> {
        std::fs::create_dir_all(&self.dir)
            .with_context(|| format!("could not create the output folder {}", self.dir.display()))?;
        let mut staged = Vec::with_capacity(self.files.len());
        for (name, bytes) in &self.files {
            let tmp = self.dir.join(format!(".{name}.tmp-{}", std::process::id()));
            if let Err(e) = std::fs::write(&tmp, bytes) {
                let _ = std::fs::remove_file(&tmp);
                for (t, _) in &staged {
                    let _ = std::fs::remove_file(t);
                }
                return Err(e).with_context(|| format!("could not write {}", self.dir.join(name).display()));
            }
            staged.push((tmp, self.dir.join(name)));
        }
        let mut done = Vec::with_capacity(staged.len());
        for (tmp, path) in staged {
            std::fs::rename(&tmp, &path).with_context(|| format!("could not write {}", path.display()))?;
            done.push(path);
        }
        Ok(done)
    }
}
