//! Everything a user reads: tidy CSV files (`csv`), the terminal table
//! (`table`), JSON (`json`), and writing an output folder safely (`OutputSet`).
//! Each format produces bytes, so it can be tested without files.

pub mod chart;
pub mod columns;
pub mod csv;
pub mod figures;
pub mod headline;
pub mod html;
pub mod json;
pub mod progress;
pub mod table;
pub mod tickets;
pub mod xlsx;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Context;

use crate::error::InputError;

/// Temporary paths to remove if the process is interrupted (SIGINT, SIGTERM).
static IN_FLIGHT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn track(path: &Path) {
    if let Ok(mut v) = IN_FLIGHT.lock() {
        v.push(path.to_path_buf());
    }
}

fn untrack(path: &Path) {
    if let Ok(mut v) = IN_FLIGHT.lock() {
        v.retain(|p| p != path);
    }
}

/// Held while a file is staged and while an output folder is swapped into
/// place, so an interruption either comes before the swap (the temporary
/// folder is removed, nothing is written) or after it (the new folder is
/// whole); never in the middle, removing files from a folder that is being
/// renamed or made.
static SWAP: Mutex<()> = Mutex::new(());

/// Set by the interrupt handler before it removes anything: whatever the
/// main thread then fails on (a staged file vanishing under it) is the
/// interruption, not an error of its own, so the exit code stays 130.
static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether SIGINT or SIGTERM has arrived (see [`remove_in_flight`]).
pub fn interrupted() -> bool {
    INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst)
}

/// Set once an output folder is in place.
static COMMITTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Removes every temporary file and folder still being written: called on
/// SIGINT and SIGTERM, before the process exits. Returns whether an output
/// folder had already been swapped into place (the interruption came too
/// late to stop it, and it is whole).
pub fn remove_in_flight() -> bool {
    INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst);
    let _swap = SWAP.lock();
    remove_in_flight_unlocked();
    COMMITTED.load(std::sync::atomic::Ordering::SeqCst)
}

/// [`remove_in_flight`] without waiting for a swap: for running out of
/// memory, which happens on the thread doing the swap (it cannot race with
/// itself).
pub fn remove_in_flight_unlocked() {
    if let Ok(v) = IN_FLIGHT.lock() {
        for p in v.iter() {
            if p.is_dir() {
                let _ = std::fs::remove_dir_all(p);
            } else {
                let _ = std::fs::remove_file(p);
            }
        }
    }
}

/// A temporary file beside an output folder, for a result written while it
/// is computed (a shard's replications), before the folder is staged: it
/// is removed when dropped, and on an interruption.
#[derive(Debug)]
pub struct Scratch {
    path: PathBuf,
}

impl Scratch {
    /// Creates the file beside `target` (making `target`'s parent folders).
    pub fn create(target: &Path) -> anyhow::Result<(Scratch, std::fs::File)> {
        let path = temp_name(target, "part");
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("could not create the folder of {}", target.display()))?;
        }
        track(&path);
        let scratch = Scratch { path };
        let file = std::fs::File::create(&scratch.path)
            .with_context(|| format!("could not write beside {}", target.display()))?;
        Ok((scratch, file))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        untrack(&self.path);
    }
}

/// The marker of a folder staffsim wrote: every command writes a `run.json`.
const MARKER: &str = "run.json";

/// Temporary names beside the target: `.NAME.staffsim-tmp-PID`.
fn temp_name(target: &Path, kind: &str) -> PathBuf {
    let name = target.file_name().map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    parent.join(format!(".{name}.staffsim-{kind}-{}", std::process::id()))
}

/// Removes temporaries left beside `target` by staffsim processes that no
/// longer run (killed with SIGKILL, or the machine went down).
fn remove_stale(target: &Path) {
    let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else { return };
    let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&format!(".{name}.staffsim-")) else { continue };
        let Some(pid) = rest.rsplit('-').next().and_then(|p| p.parse::<u32>().ok()) else { continue };
        let alive = Path::new("/proc").join(pid.to_string()).exists() || !Path::new("/proc/self").exists();
        if pid != std::process::id() && !alive {
            let p = e.path();
            let _ = if p.is_dir() { std::fs::remove_dir_all(&p) } else { std::fs::remove_file(&p) };
        }
    }
}

/// Checks, before any work, that an output folder can be written: not a
/// file, its parent writable, its name not too long, and not a folder of
/// someone else's files that replacing it would destroy.
pub fn check_output_folder(dir: &Path) -> Result<(), InputError> {
    let shown = dir.display();
    if dir.exists() && !dir.is_dir() {
        return Err(InputError::Argument(format!(
            "{shown} exists and is not a folder; give --out a folder path (it is created if missing)"
        )));
    }
    if dir.is_dir() {
        let foreign = std::fs::read_dir(dir)
            .map_err(|e| InputError::Argument(format!("{shown}: cannot read the output folder: {e}")))?
            .flatten()
            .any(|e| e.path().is_file() && !e.file_name().to_string_lossy().starts_with('.'));
        if foreign && !dir.join(MARKER).is_file() {
            return Err(InputError::Argument(format!(
                "{shown} holds files staffsim did not write (no {MARKER}); the output folder is replaced as a whole, so give --out a new or empty folder"
            )));
        }
    }
    // Try the temporary folder the results will be written to.
    let probe = temp_name(dir, "probe");
    let parent = probe.parent().unwrap_or(Path::new("."));
    if let Err(e) = std::fs::create_dir_all(parent).and_then(|_| std::fs::create_dir(&probe)) {
        let why = match e.raw_os_error() {
            Some(36) => "the name is too long".to_string(),
            _ => e.to_string(),
        };
        return Err(InputError::Argument(format!("{shown}: cannot write the output folder here: {why}")));
    }
    let _ = std::fs::remove_dir(&probe);
    Ok(())
}

/// Files to be written, all or nothing.
///
/// A *folder* set (`OutputSet::folder`) owns its folder: every file is
/// written into a temporary folder beside it, which then replaces the old
/// folder in one rename, so a result never mixes files of two runs and an
/// interrupted run leaves the previous result whole. Sub-folders of the old
/// folder (the outputs of other commands, like `compare/` inside a run's
/// folder) are carried over. A *file* set (`OutputSet::new`) writes single
/// files into a folder it does not own (a starter scenario, a written
/// scenario): each goes to a temporary file, renamed into place once all are
/// complete. CSV files are made safe to open in a spreadsheet on the way in.
#[derive(Debug)]
pub struct OutputSet {
    dir: PathBuf,
    /// File sets: the files, kept until committed.
    files: Vec<(String, Vec<u8>)>,
    /// Folder sets: the files written so far into the staging folder.
    written: Vec<String>,
    owns_folder: bool,
    /// Folder sets: the temporary folder beside `dir`, made at the first file.
    staging: Option<PathBuf>,
    /// The first failure while staging, reported by `commit`.
    failed: Option<anyhow::Error>,
}

impl OutputSet {
    /// Single files written into `dir`, which may hold other files.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        OutputSet {
            dir: dir.into(),
            files: Vec::new(),
            written: Vec::new(),
            owns_folder: false,
            staging: None,
            failed: None,
        }
    }

    /// A whole output folder, replaced by these files when committed. Each
    /// file goes to disk (in a temporary folder beside `dir`) as soon as it
    /// is added, so a run's output is never all in memory at once.
    pub fn folder(dir: impl Into<PathBuf>) -> Self {
        OutputSet {
            dir: dir.into(),
            files: Vec::new(),
            written: Vec::new(),
            owns_folder: true,
            staging: None,
            failed: None,
        }
    }

    /// Adds a file; a `.csv` file has its formula-like cells neutralised
    /// (see [`csv::neutralise_formulas`]), so no writer can forget it.
    pub fn add(&mut self, name: &str, bytes: Vec<u8>) {
        let bytes = if name.ends_with(".csv") { csv::neutralise_formulas(bytes) } else { bytes };
        if self.owns_folder {
            self.stage(name, |w| w.write_all(&bytes).map_err(anyhow::Error::from));
        } else {
            self.files.push((name.to_string(), bytes));
        }
    }

    /// Adds a file written by `write` straight to disk (a folder set) without
    /// holding its text in memory: for tables with hundreds of thousands of
    /// rows. Each line of a `.csv` file is neutralised as in [`add`](Self::add).
    pub fn add_streamed(&mut self, name: &str, write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>) {
        if !self.owns_folder {
            let mut bytes = Vec::new();
            match write(&mut bytes) {
                Ok(()) => self.add(name, bytes),
                Err(e) => self.failed = self.failed.take().or(Some(e)),
            }
            return;
        }
        if name.ends_with(".csv") {
            self.stage(name, |w| {
                let mut lines = csv::FormulaGuard::new(w);
                write(&mut lines)?;
                lines.finish()
            });
        } else {
            self.stage(name, write);
        }
    }

    /// Writes one file into the staging folder (made at the first file).
    fn stage(&mut self, name: &str, write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>) {
        if self.failed.is_some() {
            return;
        }
        // An interruption waits for this file (and the staging folder's
        // creation), then removes them: it never runs between the two.
        let _swap = SWAP.lock();
        let result = (|| -> anyhow::Result<()> {
            let staging = match &self.staging {
                Some(p) => p.clone(),
                None => {
                    remove_stale(&self.dir);
                    let staging = temp_name(&self.dir, "tmp");
                    if let Some(parent) = staging.parent() {
                        std::fs::create_dir_all(parent)
                            .with_context(|| format!("could not create the output folder {}", self.dir.display()))?;
                    }
                    track(&staging);
                    self.staging = Some(staging.clone());
                    std::fs::create_dir(&staging)
                        .with_context(|| format!("could not create the output folder {}", self.dir.display()))?;
                    staging
                }
            };
            let what = || format!("could not write {}", self.dir.join(name).display());
            let file = std::fs::File::create(staging.join(name)).with_context(what)?;
            let mut out = std::io::BufWriter::new(file);
            write(&mut out).with_context(what)?;
            out.into_inner().map_err(|e| e.into_error()).with_context(what)?.sync_data().ok();
            Ok(())
        })();
        match result {
            Ok(()) => self.written.push(name.to_string()),
            Err(e) => self.failed = Some(e),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes every file; returns their final paths.
    pub fn commit(mut self) -> anyhow::Result<Vec<PathBuf>> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        if self.owns_folder { self.commit_folder() } else { self.commit_files() }
    }

    fn commit_folder(&mut self) -> anyhow::Result<Vec<PathBuf>> {
        if self.staging.is_none() {
            // A folder with no files: still replaced whole.
            self.stage_empty()?;
        }
        let staging = self.staging.clone().expect("staged above");
        let fail = |e: std::io::Error, what: String| Err(anyhow::Error::new(e).context(what));
        let _swap = SWAP.lock();
        // Other commands' results inside the old folder stay.
        if let Ok(entries) = std::fs::read_dir(&self.dir) {
            for e in entries.flatten() {
                let keep = e.path().is_dir() && !e.file_name().to_string_lossy().starts_with('.');
                if keep && let Err(err) = std::fs::rename(e.path(), staging.join(e.file_name())) {
                    return fail(err, format!("could not carry {} over", e.path().display()));
                }
            }
        }
        let old = temp_name(&self.dir, "old");
        let had_old = self.dir.exists();
        if had_old {
            track(&old);
            if let Err(e) = std::fs::rename(&self.dir, &old) {
                untrack(&old);
                return fail(e, format!("could not replace {}", self.dir.display()));
            }
        }
        if let Err(e) = std::fs::rename(&staging, &self.dir) {
            if had_old {
                let _ = std::fs::rename(&old, &self.dir);
                untrack(&old);
            }
            return fail(e, format!("could not write {}", self.dir.display()));
        }
        untrack(&staging);
        self.staging = None;
        COMMITTED.store(true, std::sync::atomic::Ordering::SeqCst);
        if had_old {
            let _ = std::fs::remove_dir_all(&old);
            untrack(&old);
        }
        Ok(self.written.iter().map(|name| self.dir.join(name)).collect())
    }

    fn stage_empty(&mut self) -> anyhow::Result<()> {
        self.stage(".empty", |_| Ok(()));
        self.written.retain(|n| n != ".empty");
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        if let Some(staging) = &self.staging {
            let _ = std::fs::remove_file(staging.join(".empty"));
        }
        Ok(())
    }

    fn commit_files(&mut self) -> anyhow::Result<Vec<PathBuf>> {
        std::fs::create_dir_all(&self.dir)
            .with_context(|| format!("could not create the output folder {}", self.dir.display()))?;
        let mut staged: Vec<(PathBuf, PathBuf)> = Vec::with_capacity(self.files.len());
        let clean = |staged: &[(PathBuf, PathBuf)]| {
            for (t, _) in staged {
                let _ = std::fs::remove_file(t);
                untrack(t);
            }
        };
        for (name, bytes) in &self.files {
            let tmp = self.dir.join(format!(".{name}.staffsim-tmp-{}", std::process::id()));
            track(&tmp);
            if let Err(e) = std::fs::write(&tmp, bytes) {
                let _ = std::fs::remove_file(&tmp);
                untrack(&tmp);
                clean(&staged);
                return Err(e).with_context(|| format!("could not write {}", self.dir.join(name).display()));
            }
            staged.push((tmp, self.dir.join(name)));
        }
        let mut done = Vec::with_capacity(staged.len());
        for (i, (tmp, path)) in staged.iter().enumerate() {
            if let Err(e) = std::fs::rename(tmp, path) {
                clean(&staged[i..]);
                return Err(e).with_context(|| format!("could not write {}", path.display()));
            }
            untrack(tmp);
            done.push(path.clone());
        }
        Ok(done)
    }
}

/// A folder set dropped without being committed (an error on the way)
/// leaves nothing behind.
impl Drop for OutputSet {
    fn drop(&mut self) {
        if let Some(staging) = self.staging.take() {
            let _ = std::fs::remove_dir_all(&staging);
            untrack(&staging);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_replaced_whole_and_keeps_other_commands_results() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("desk");
        let mut first = OutputSet::folder(&dir);
        first.add("run.json", b"{}".to_vec());
        first.add("week.csv", b"old".to_vec());
        first.commit().unwrap();
        std::fs::create_dir(dir.join("compare")).unwrap();
        std::fs::write(dir.join("compare/run.json"), b"{}").unwrap();
        let mut second = OutputSet::folder(&dir);
        second.add("run.json", b"{\"new\": 1}".to_vec());
        second.commit().unwrap();
        assert!(!dir.join("week.csv").exists(), "a stale file does not survive");
        assert!(dir.join("compare/run.json").exists(), "another command's folder stays");
        let names: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["desk".to_string()], "no temporary left beside it");
    }

    #[test]
    fn someone_elses_folder_and_a_file_are_refused_before_any_work() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("notes.txt"), b"mine").unwrap();
        let err = check_output_folder(tmp.path()).unwrap_err().to_string();
        assert!(err.contains("did not write"), "{err}");
        let file = tmp.path().join("notes.txt");
        assert!(check_output_folder(&file).unwrap_err().to_string().contains("not a folder"));
        let long = tmp.path().join("x".repeat(300));
        assert!(check_output_folder(&long).unwrap_err().to_string().contains("too long"));
        assert!(check_output_folder(&tmp.path().join("new")).is_ok());
    }
}
