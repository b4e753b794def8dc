//! `--shard K/N` and `staffsim merge`: a command split over machines gives,
//! merged, the output folder one machine writes, byte for byte (but for the
//! measured wall time in `run.json`); and shard folders that do not make
//! one whole command are refused with the reason.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn staffsim() -> Command {
    Command::cargo_bin("staffsim").expect("binary built")
}

fn file(relative: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative).display().to_string()
}

/// Every file of `dir`, by name, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// Asserts that two output folders hold the same files with the same
/// bytes; `run.json` is compared without its measured `wall_time_s`.
fn assert_same_folder(one: &Path, merged: &Path, what: &str) {
    assert_eq!(files(one), files(merged), "{what}: the same files");
    for name in files(one) {
        let (a, b) = (fs::read(one.join(&name)).unwrap(), fs::read(merged.join(&name)).unwrap());
        if name == "run.json" {
            let strip = |bytes: &[u8]| {
                let mut v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
                v.as_object_mut().unwrap().remove("wall_time_s");
                v
            };
            assert_eq!(strip(&a), strip(&b), "{what}: run.json");
        } else {
            assert!(a == b, "{what}: {name} differs ({} against {} bytes)", a.len(), b.len());
        }
    }
}

/// Runs `args` on one machine and as `n` shards (alternating 1 and 2
/// threads), merges the shards given in reverse order, and returns both
/// folders.
fn single_and_merged(args: &[String], n: u32, tmp: &Path) -> (PathBuf, PathBuf) {
    let one = tmp.join("one");
    staffsim().args(args).args(["-q", "-o"]).arg(&one).assert().success();
    let mut shards = Vec::new();
    for k in 1..=n {
        let dir = tmp.join(format!("shard-{k}"));
        let threads = if k % 2 == 0 { "2" } else { "1" };
        staffsim()
            .args(args)
            .args(["-q", "--threads", threads, "--shard", &format!("{k}/{n}"), "-o"])
            .arg(&dir)
            .assert()
            .success()
            .stdout(predicate::str::contains(format!("shard {k}/{n}")));
        assert!(dir.join("shard.json").exists() && dir.join("shard.bin").exists());
        shards.push(dir);
    }
    shards.reverse();
    let merged = tmp.join("merged");
    staffsim().arg("merge").args(&shards).args(["-q", "-o"]).arg(&merged).assert().success();
    (one, merged)
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

#[test]
fn merged_shards_write_the_bytes_of_one_machine_for_every_command_that_shards() {
    let smb = file("scenarios/smb-saas.toml");
    let crisis = file("scenarios/backlog-crisis.toml");
    let cases: Vec<(&str, Vec<String>, u32)> = vec![
        // Every output kind: CSV, PNG, SVG, the report and the workbook.
        ("run", strings(&["run", &smb, "-r", "5", "--format", "all"]), 3),
        ("compare policies", strings(&["compare", &crisis, "-r", "2", "--policies", "fifo,lifo,priority"]), 4),
        (
            "what-if",
            strings(&[
                "compare",
                &file("scenarios/separate-teams.toml"),
                &file("scenarios/unified-desk.toml"),
                "-r",
                "3",
            ]),
            2,
        ),
        ("sweep", strings(&["sweep", &smb, "--team", "frontline", "--agents", "3..5", "-r", "2"]), 5),
        ("staff --samples", strings(&["staff", &file("scenarios/new-product.toml"), "--samples", "5", "-r", "2"]), 3),
    ];
    for (what, args, n) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let (one, merged) = single_and_merged(&args, n, tmp.path());
        assert!(files(&one).len() >= 5, "{what}: {:?}", files(&one));
        assert_same_folder(&one, &merged, what);
    }
}

#[test]
fn shards_that_are_not_one_whole_command_are_refused_with_the_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let smb = file("scenarios/smb-saas.toml");
    let shard = |k: u32, n: u32, reps: &str, dir: &str| {
        staffsim()
            .args(["run", &smb, "-q", "-r", reps, "--format", "png", "--shard", &format!("{k}/{n}"), "-o"])
            .arg(t.join(dir))
            .assert()
            .success();
    };
    shard(1, 3, "3", "a1");
    shard(2, 3, "3", "a2");
    shard(3, 3, "3", "a3");
    shard(2, 3, "6", "b2");
    let merge = |dirs: &[&str]| {
        let mut cmd = staffsim();
        cmd.arg("merge").args(dirs.iter().map(|d| t.join(d))).arg("-o").arg(t.join("out"));
        cmd.assert().code(2)
    };
    merge(&["a1", "a2"]).stderr(predicate::str::contains("shard 3/3 is missing"));
    merge(&["a1", "a2", "a2", "a3"]).stderr(predicate::str::contains("shard 2/3 is given twice"));
    merge(&["a1", "b2", "a3"]).stderr(predicate::str::contains("shards of different commands"));
    fs::create_dir(t.join("plain")).unwrap();
    merge(&["a1", "plain"]).stderr(predicate::str::contains("is not a shard folder"));
    // A damaged shard: an error naming it, exit 2, and no output folder.
    let bin = t.join("a2/shard.bin");
    let bytes = fs::read(&bin).unwrap();
    fs::write(&bin, &bytes[..bytes.len() / 2]).unwrap();
    merge(&["a1", "a2", "a3"]).stderr(predicate::str::contains("cut short or damaged"));
    assert!(!t.join("out").exists(), "nothing half-written");
    // More shards than work, and commands without parts to split.
    staffsim()
        .args(["run", &smb, "-r", "2", "--shard", "3/3", "-o"])
        .arg(t.join("x"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("give at most 2 shards"));
    staffsim()
        .args(["staff", &smb, "--shard", "1/2", "-o"])
        .arg(t.join("x"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("staff shards its samples"));
    staffsim().args(["run", &smb, "--shard", "4/3"]).assert().code(2).stderr(predicate::str::contains("expected K/N"));
}

/// The Slurm array job shipped in deploy/slurm, run task by task as Slurm
/// would (its environment variables set), then its merge job: the same
/// folder as one machine.
#[test]
fn the_slurm_array_job_and_its_merge_give_one_machines_output() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("staffsim");
    let smb = file("scenarios/smb-saas.toml");
    let one = tmp.path().join("one");
    staffsim().args(["run", &smb, "-q", "-r", "3", "--format", "png", "-o"]).arg(&one).assert().success();
    let shards = tmp.path().join("shards");
    for k in 1..=3 {
        let status = std::process::Command::new("bash")
            .arg(file("deploy/slurm/shards.sbatch"))
            .env("SLURM_ARRAY_TASK_ID", k.to_string())
            .env("SLURM_ARRAY_TASK_COUNT", "3")
            .env("SLURM_CPUS_PER_TASK", "1")
            .env("STAFFSIM", &bin)
            .env("SHARDS", &shards)
            .env("COMMAND", format!("run {smb} -r 3 --format png"))
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "task {k}");
    }
    let merged = tmp.path().join("merged");
    let status = std::process::Command::new("bash")
        .arg(file("deploy/slurm/merge.sbatch"))
        .env("STAFFSIM", &bin)
        .env("SHARDS", &shards)
        .env("OUT", &merged)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert_same_folder(&one, &merged, "slurm");
}

/// The shell lines of a Job's container in deploy/kubernetes (the folded
/// `args` block), with the image's paths mapped onto this machine.
fn job_script(yaml: &str, scenarios: &str, data: &Path, bin: &Path) -> String {
    let text = fs::read_to_string(file(&format!("deploy/kubernetes/{yaml}"))).unwrap();
    let args = text.split("args:").nth(1).expect("an args block");
    let lines: Vec<&str> = args
        .lines()
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with("resources:"))
        .map(|l| l.trim().trim_start_matches("- >-").trim_start_matches("- "))
        .filter(|l| !l.is_empty())
        .collect();
    lines
        .join(" ")
        .replace("staffsim ", &format!("{} ", bin.display()))
        .replace("/scenarios/", &format!("{scenarios}/"))
        .replace("/data/", &format!("{}/", data.display()))
}

/// The Kubernetes Indexed Job shipped in deploy/kubernetes, its pods' shell
/// lines run index by index (JOB_COMPLETION_INDEX as Kubernetes sets it),
/// then the merge Job's: the same folder as one machine. Fewer samples and
/// replications than the sample job, for time.
#[test]
fn the_kubernetes_indexed_job_and_its_merge_give_one_machines_output() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("staffsim");
    let scenarios = file("scenarios");
    let shards_yaml = fs::read_to_string(file("deploy/kubernetes/shards.yaml")).unwrap();
    assert!(shards_yaml.contains("completionMode: Indexed") && shards_yaml.contains("completions: 8"));
    let small = |script: String| script.replace("--samples 200", "--samples 4 -r 2");
    let shard = small(job_script("shards.yaml", &scenarios, tmp.path(), &bin));
    assert!(shard.contains("--shard \"$((JOB_COMPLETION_INDEX + 1))/$SHARDS\""), "{shard}");
    for index in 0..4 {
        let status = std::process::Command::new("sh")
            .args(["-c", &shard])
            .env("JOB_COMPLETION_INDEX", index.to_string())
            .env("SHARDS", "4")
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "index {index}: {shard}");
    }
    let merge = job_script("merge.yaml", &scenarios, tmp.path(), &bin);
    let status = std::process::Command::new("sh").args(["-c", &merge]).status().unwrap();
    assert!(status.success(), "{merge}");
    let one = tmp.path().join("one");
    staffsim()
        .args(["staff", &format!("{scenarios}/new-product.toml"), "--samples", "4", "-r", "2", "-q", "-o"])
        .arg(&one)
        .assert()
        .success();
    assert_same_folder(&one, &tmp.path().join("outputs/merged"), "kubernetes");
}

/// `merge --format/--size` draws the merged results in other files than the
/// shards were asked for: the folder of one machine run with those.
#[test]
fn merge_may_draw_the_results_in_other_formats() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let smb = file("scenarios/smb-saas.toml");
    for k in 1..=2 {
        staffsim()
            .args(["run", &smb, "-q", "-r", "2", "--format", "png", "--shard", &format!("{k}/2"), "-o"])
            .arg(t.join(format!("s{k}")))
            .assert()
            .success();
    }
    staffsim()
        .args(["merge", "-q", "--format", "svg,xlsx", "--size", "800x450", "-o"])
        .arg(t.join("merged"))
        .arg(t.join("s2"))
        .arg(t.join("s1"))
        .assert()
        .success();
    let one = t.join("one");
    staffsim()
        .args(["run", &smb, "-q", "-r", "2", "--format", "svg,xlsx", "--size", "800x450", "-o"])
        .arg(&one)
        .assert()
        .success();
    assert!(one.join("staffsim.xlsx").exists() && one.join("service_level.svg").exists());
    assert_same_folder(&one, &t.join("merged"), "merge --format");
}
