//! Work split over machines. `--shard K/N` makes a command simulate only the
//! K-th of N contiguous parts of its work — `run`, `compare` and `sweep`
//! their replications (of every variant, in the order one machine folds
//! them), `staff --samples` its samples of the uncertain inputs — and write
//! a *shard folder*: `shard.json` (the command line, the scenario files as
//! read, which part this is) and `shard.bin` (each result of the part, in
//! order). `staffsim merge` checks that the folders are the N parts of one
//! command, then runs that command with its results read from them instead
//! of simulated: they are folded in the same order, so the output folder
//! has the same bytes a single machine writes.
//!
//! `shard.bin` is a sequence of frames, each a little-endian `u64` length and
//! a postcard encoding of one result (postcard keeps every `f64` bit for bit),
//! so `merge` holds one result at a time, however large the run.

use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::InputError;

/// The description of a shard folder.
pub const HEADER: &str = "shard.json";
/// The results of a shard folder.
pub const DATA: &str = "shard.bin";
/// Version of the shard folders' layout; `merge` refuses others.
const LAYOUT: u32 = 1;
/// Most shards of one command.
pub const MAX_SHARDS: u32 = 100_000;

/// Which part of the work a process does: the `k`-th of `n` (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub k: u32,
    pub n: u32,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let bad = || format!("\"{text}\": expected K/N, shard K of N with 1 <= K <= N <= {MAX_SHARDS}, e.g. 2/8");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let (k, n) = (k.trim().parse::<u32>().map_err(|_| bad())?, n.trim().parse::<u32>().map_err(|_| bad())?);
        if k == 0 || n == 0 || k > n || n > MAX_SHARDS {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

impl Shard {
    /// This shard's part of `total` jobs: the `k`-th of `n` contiguous
    /// stretches, whose sizes differ by at most one.
    pub fn range(self, total: usize) -> std::ops::Range<usize> {
        let (k, n) = (self.k as usize - 1, self.n as usize);
        k * total / n..(k + 1) * total / n
    }

    /// Refuses more shards than jobs (a shard with nothing to do is a
    /// mistake in the job file, not a plan).
    pub fn check(self, total: usize, unit: &str) -> Result<(), InputError> {
        if self.n as usize > total {
            return Err(InputError::Argument(format!(
                "--shard {self}: the work is {total} {unit}, fewer than {} shards; give at most {total} shards \
                 (--shard K/{total}) or more {unit}",
                self.n
            )));
        }
        Ok(())
    }
}

/// What `shard.json` says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// [`LAYOUT`].
    pub layout: u32,
    /// The staffsim version that wrote it: results are only comparable
    /// within one version.
    pub version: String,
    /// The command line after `staffsim`, as the shard was given it.
    pub args: Vec<String>,
    pub k: u32,
    pub n: u32,
    /// What the work is made of: "replications" or "samples".
    pub unit: String,
    /// Jobs of the whole command, and this shard's first and count.
    pub total: usize,
    pub first: usize,
    pub count: usize,
    /// Every scenario file the command read: its path as given, and its text.
    pub files: Vec<(String, String)>,
    /// What every shard computed before its part and `merge` needs too
    /// (`staff`: the base search's answer); null for replications.
    #[serde(default)]
    pub context: serde_json::Value,
}

impl Header {
    pub fn new(shard: Shard, unit: &str, total: usize, files: Vec<(String, String)>) -> Header {
        let range = shard.range(total);
        Header {
            layout: LAYOUT,
            version: env!("CARGO_PKG_VERSION").to_string(),
            // `args()` would panic on a path that is not UTF-8; clap takes it.
            args: std::env::args_os().skip(1).map(|a| a.to_string_lossy().into_owned()).collect(),
            k: shard.k,
            n: shard.n,
            unit: unit.to_string(),
            total,
            first: range.start,
            count: range.len(),
            files,
            context: serde_json::Value::Null,
        }
    }
}

/// Writes results as frames (see the module's note).
pub struct Frames<W: Write> {
    out: W,
    pub written: usize,
}

impl<W: Write> Frames<W> {
    pub fn new(out: W) -> Self {
        Frames { out, written: 0 }
    }

    pub fn write<T: Serialize>(&mut self, item: &T) -> anyhow::Result<()> {
        let bytes = postcard::to_stdvec(item)?;
        self.out.write_all(&(bytes.len() as u64).to_le_bytes())?;
        self.out.write_all(&bytes)?;
        self.written += 1;
        Ok(())
    }

    pub fn finish(mut self) -> anyhow::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// The shard folders of one command, checked, in shard order.
#[derive(Debug)]
pub struct Merged {
    /// Shard 1's description (every shard's agrees but for its part).
    pub header: Header,
    /// Each shard's folder and how many results it holds, in shard order.
    parts: Vec<(PathBuf, usize)>,
}

impl Merged {
    /// Reads the folders' descriptions and checks that they are the `n`
    /// parts, each once, of one command of this version.
    pub fn read(folders: &[PathBuf]) -> Result<Merged, InputError> {
        let mut shards: Vec<(Header, PathBuf)> = Vec::new();
        for dir in folders {
            let file = dir.join(HEADER);
            let text = std::fs::read_to_string(&file).map_err(|e| {
                InputError::Argument(if dir.is_dir() {
                    format!(
                        "{} is not a shard folder: it has no readable {HEADER} ({e}); write one with --shard K/N -o DIR",
                        dir.display()
                    )
                } else {
                    format!("{}: no such folder; give the folders that --shard K/N -o DIR wrote", dir.display())
                })
            })?;
            let header: Header = serde_json::from_str(&text).map_err(|e| {
                InputError::Argument(format!(
                    "{} is not a shard description ({e}); it was changed, or not written by --shard",
                    file.display()
                ))
            })?;
            if header.layout != LAYOUT || header.version != env!("CARGO_PKG_VERSION") {
                return Err(InputError::Argument(format!(
                    "{} was written by staffsim {} (shard layout {}); this is staffsim {} (layout {LAYOUT}): \
                     run every shard and the merge with one version",
                    dir.display(),
                    header.version,
                    header.layout,
                    env!("CARGO_PKG_VERSION")
                )));
            }
            shards.push((header, dir.clone()));
        }
        let Some((first, first_dir)) = shards.first().cloned() else {
            return Err(InputError::Argument(
                "merge needs the shard folders to combine, e.g. staffsim merge shards/* -o outputs/merged".into(),
            ));
        };
        for (h, dir) in &shards[1..] {
            let same_work = (h.n, &h.unit, h.total, &h.files, &h.context)
                == (first.n, &first.unit, first.total, &first.files, &first.context);
            if !same_work || without_shard(&h.args) != without_shard(&first.args) {
                return Err(InputError::Argument(format!(
                    "{} and {} are shards of different commands ({} and {}, {} of {} {} and {} of {} {}): \
                     merge the shards of one command, run with the same options and scenario files",
                    first_dir.display(),
                    dir.display(),
                    first.args.join(" "),
                    h.args.join(" "),
                    first.n,
                    first.total,
                    first.unit,
                    h.n,
                    h.total,
                    h.unit
                )));
            }
        }
        shards.sort_by_key(|(h, _)| h.k);
        for pair in shards.windows(2) {
            if pair[0].0.k == pair[1].0.k {
                return Err(InputError::Argument(format!(
                    "shard {}/{} is given twice: {} and {}; give each shard's folder once",
                    pair[0].0.k,
                    first.n,
                    pair[0].1.display(),
                    pair[1].1.display()
                )));
            }
        }
        let have: Vec<u32> = shards.iter().map(|(h, _)| h.k).collect();
        let missing: Vec<String> =
            (1..=first.n).filter(|k| !have.contains(k)).map(|k| format!("{k}/{}", first.n)).collect();
        if !missing.is_empty() {
            return Err(InputError::Argument(format!(
                "shard{} {} missing: merge needs all {} shards of the command (`{}`); run the missing ones or give \
                 their folders",
                if missing.len() > 1 { "s" } else { "" },
                missing.join(", ") + if missing.len() > 1 { " are" } else { " is" },
                first.n,
                without_shard(&first.args).join(" ")
            )));
        }
        let mut next = 0;
        for (h, dir) in &shards {
            if h.first != next || h.count != (Shard { k: h.k, n: h.n }).range(h.total).len() {
                return Err(InputError::Argument(format!(
                    "{}: its part ({} from {}) does not follow the shards before it; it was changed",
                    dir.join(HEADER).display(),
                    h.count,
                    h.first
                )));
            }
            next += h.count;
        }
        let header = shards[0].0.clone();
        Ok(Merged { header, parts: shards.into_iter().map(|(h, d)| (d, h.count)).collect() })
    }

    /// The text of a scenario file as the shards read it, by the path the
    /// command line gave.
    pub fn text_of(&self, path: &Path) -> Option<&str> {
        let path = path.display().to_string();
        self.header.files.iter().find(|(p, _)| *p == path).map(|(_, t)| t.as_str())
    }

    /// Checks that the command, as merge runs it, has the work the shards
    /// did (the same number of jobs, of the same kind).
    pub fn check_work(&self, unit: &str, total: usize) -> Result<(), InputError> {
        if (self.header.unit.as_str(), self.header.total) != (unit, total) {
            return Err(InputError::Argument(format!(
                "the shards hold {} {}, but the command needs {total} {unit}: they were not written by this command",
                self.header.total, self.header.unit
            )));
        }
        Ok(())
    }

    /// Every result of every shard, in order, read one at a time.
    pub fn items<'a, T: DeserializeOwned + 'a>(&'a self) -> impl Iterator<Item = anyhow::Result<T>> + 'a {
        self.parts.iter().flat_map(|(dir, count)| FrameReader::open(&dir.join(DATA), *count))
    }
}

/// The command line without `--shard` (and its value) and without the
/// output folder: what every shard of one command shares.
fn without_shard(args: &[String]) -> Vec<String> {
    let mut kept = Vec::new();
    let mut skip = false;
    for a in args {
        if skip {
            skip = false;
            continue;
        }
        match a.as_str() {
            "--shard" | "-o" | "--out" | "--threads" => skip = true,
            _ if a.starts_with("--shard=") || a.starts_with("--out=") || a.starts_with("--threads=") => {}
            "-q" | "--quiet" => {}
            _ => kept.push(a.clone()),
        }
    }
    kept
}

/// Reads the frames of `T` from one `shard.bin`: `left` of them, the
/// count its `shard.json` gives; a file that cannot be opened yields its
/// error once.
struct FrameReader<T> {
    file: PathBuf,
    reader: Result<BufReader<std::fs::File>, Option<std::io::Error>>,
    left: usize,
    _item: std::marker::PhantomData<T>,
}

impl<T> FrameReader<T> {
    fn open(file: &Path, left: usize) -> Self {
        let reader = std::fs::File::open(file).map(BufReader::new).map_err(Some);
        FrameReader { file: file.to_path_buf(), reader, left, _item: std::marker::PhantomData }
    }
}

impl<T: DeserializeOwned> Iterator for FrameReader<T> {
    type Item = anyhow::Result<T>;

    fn next(&mut self) -> Option<anyhow::Result<T>> {
        let reader = match &mut self.reader {
            Ok(r) => r,
            Err(e) => {
                let e = e.take()?;
                let e = InputError::Argument(format!("could not read {}: {e}", self.file.display()));
                return Some(Err(e.into()));
            }
        };
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let mut read = || -> anyhow::Result<T> {
            let mut len = [0u8; 8];
            reader.read_exact(&mut len)?;
            let len = usize::try_from(u64::from_le_bytes(len))?;
            let mut bytes = vec![0u8; len.min(1 << 34)];
            reader.read_exact(&mut bytes)?;
            Ok(postcard::from_bytes(&bytes)?)
        };
        Some(read().map_err(|e| {
            let e = format!("{} is cut short or damaged ({e}); write that shard again", self.file.display());
            InputError::Argument(e).into()
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_the_work_into_contiguous_parts_of_nearly_equal_size() {
        for total in [1usize, 7, 20, 101] {
            for n in 1..=total.min(9) as u32 {
                let parts: Vec<_> = (1..=n).map(|k| Shard { k, n }.range(total)).collect();
                assert_eq!(parts[0].start, 0);
                assert_eq!(parts.last().unwrap().end, total);
                for w in parts.windows(2) {
                    assert_eq!(w[0].end, w[1].start);
                }
                let sizes: Vec<usize> = parts.iter().map(|r| r.len()).collect();
                assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1, "{total} in {n}: {sizes:?}");
            }
        }
    }

    #[test]
    fn shard_flags_read_k_of_n() {
        assert_eq!("3/8".parse::<Shard>(), Ok(Shard { k: 3, n: 8 }));
        for bad in ["0/4", "5/4", "3", "a/b", "1/0", "-1/4"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn frames_give_back_every_bit() {
        let mut frames = Frames::new(Vec::new());
        let items = vec![(0.1f64 + 0.2, u64::MAX), (f64::NAN, 0), (-0.0, 7)];
        for x in &items {
            frames.write(x).unwrap();
        }
        let bytes = frames.finish().unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(DATA), &bytes).unwrap();
        let back: Vec<(f64, u64)> =
            FrameReader::open(&dir.path().join(DATA), items.len()).collect::<anyhow::Result<_>>().unwrap();
        for (a, b) in items.iter().zip(&back) {
            assert_eq!((a.0.to_bits(), a.1), (b.0.to_bits(), b.1));
        }
        // Cut short: an error naming the file, not a panic.
        std::fs::write(dir.path().join(DATA), &bytes[..bytes.len() - 3]).unwrap();
        let cut: Vec<anyhow::Result<(f64, u64)>> = FrameReader::open(&dir.path().join(DATA), items.len()).collect();
        assert!(cut.last().unwrap().as_ref().is_err_and(|e| e.to_string().contains("cut short")));
    }
}
