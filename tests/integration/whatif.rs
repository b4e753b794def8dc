//! `compare BASE VARIANT…`: what-if scenarios against a base, on the same
//! tickets, reported as paired differences.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn staffsim() -> Command {
    Command::cargo_bin("staffsim").expect("binary built")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r.records().map(|rec| rec.unwrap().iter().map(String::from).collect()).collect();
    (header, rows)
}

/// small.toml with `from` replaced by `to`, written into `dir` as `name`.
fn variant(dir: &Path, name: &str, from: &str, to: &str) -> PathBuf {
    let text = fs::read_to_string(fixture("small.toml")).unwrap();
    assert!(text.contains(from), "{from}");
    let path = dir.join(name);
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path
}

#[test]
fn an_identical_copy_differs_by_exactly_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let copy = variant(tmp.path(), "copy.toml", "name = \"small\"", "name = \"copy\"");
    let out = tmp.path().join("out");
    let assert = staffsim()
        .arg("compare")
        .arg(fixture("small.toml"))
        .arg(&copy)
        .args(["-q", "--format", "png,html", "--size", "800x450", "-o"])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(stdout.contains("copy against small") && stdout.contains("+0.0 pts ±0.0"), "{stdout}");
    let (h, rows) = read_csv(&out.join("differences.csv"));
    assert_eq!(h, ["variant", "queue", "metric", "base", "variant", "difference", "difference_ci95"]);
    // Two queues and the desk, five metrics each.
    assert_eq!(rows.len(), 3 * 5);
    for r in &rows {
        assert_eq!(r[0], "copy");
        assert_eq!(r[3], r[4], "{r:?}");
        if !r[5].is_empty() {
            assert_eq!(r[5].parse::<f64>().unwrap(), 0.0, "{r:?}");
            assert_eq!(r[6].parse::<f64>().unwrap(), 0.0, "{r:?}");
        }
    }
    assert!(rows.iter().any(|r| r[2] == "service_level" && !r[5].is_empty()));
    let (sh, srows) = read_csv(&out.join("summary.csv"));
    assert_eq!((sh[0].as_str(), sh[1].as_str()), ("scenario", "queue"));
    let names: Vec<&str> = srows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(names, ["small", "small", "small", "copy", "copy", "copy"]);
    for chart in ["differences", "differences_wait"] {
        assert!(out.join(format!("{chart}.png")).exists(), "{chart}");
    }
    let report = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("what-if, copy against it") && report.contains("copy: service level of chat"), "report");
    let run: serde_json::Value = serde_json::from_str(&fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["variants"][0]["label"], "copy");
}

#[test]
fn one_more_agent_raises_the_service_level_and_pairing_narrows_its_interval() {
    let tmp = tempfile::tempdir().unwrap();
    let more = variant(tmp.path(), "more.toml", "agents = 4,", "agents = 5,");
    let more = {
        let text = fs::read_to_string(&more).unwrap().replacen("name = \"small\"", "name = \"one-more\"", 1);
        fs::write(&more, text).unwrap();
        more
    };
    let out = tmp.path().join("out");
    staffsim()
        .arg("compare")
        .arg(fixture("small.toml"))
        .arg(&more)
        .args(["-q", "-r", "8", "--format", "png", "-o"])
        .arg(&out)
        .assert()
        .success();
    let (_, rows) = read_csv(&out.join("differences.csv"));
    let find = |q: &str, m: &str| rows.iter().find(|r| r[1] == q && r[2] == m).unwrap().clone();
    for q in ["chat", "all"] {
        let sl = find(q, "service_level");
        let (d, ci) = (sl[5].parse::<f64>().unwrap(), sl[6].parse::<f64>().unwrap());
        assert!(d > 0.0 && d > ci, "{q}: one more agent: {d} ± {ci}");
        let wait = find(q, "wait_all_mean_s");
        assert!(wait[5].parse::<f64>().unwrap() < 0.0, "{q}: {wait:?}");
    }
    // The same tickets: every queue offered the same in both.
    let (sh, srows) = read_csv(&out.join("summary.csv"));
    let offered = sh.iter().position(|c| c == "offered").unwrap();
    for q in 0..3 {
        assert_eq!(srows[q][offered], srows[q + 3][offered]);
    }
}

#[test]
fn scenarios_with_other_queues_are_refused_naming_both_files() {
    let tmp = tempfile::tempdir().unwrap();
    let renamed = variant(tmp.path(), "renamed.toml", "name = \"chat\"", "name = \"messenger\"");
    let renamed = {
        let text = fs::read_to_string(&renamed).unwrap().replace("[\"chat\", \"email\"]", "[\"messenger\", \"email\"]");
        fs::write(&renamed, text).unwrap();
        renamed
    };
    let out = tmp.path().join("out");
    staffsim()
        .arg("compare")
        .arg(fixture("small.toml"))
        .arg(&renamed)
        .args(["-q", "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("renamed.toml cannot be compared with")
                .and(predicate::str::contains("small.toml"))
                .and(predicate::str::contains("its queues are email, messenger, the base's are email, chat"))
                .and(predicate::str::contains("give"))
                .and(predicate::str::contains("the same queues as")),
        );
    assert!(!out.exists(), "nothing written");
    // Policies compare one scenario; variants and --policies do not mix.
    staffsim()
        .arg("compare")
        .arg(fixture("small.toml"))
        .arg(fixture("small.toml"))
        .args(["--policies", "fifo"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}

#[test]
fn the_shipped_pair_checks_and_compares() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (base, unified) = (root.join("scenarios/separate-teams.toml"), root.join("scenarios/unified-desk.toml"));
    staffsim()
        .arg("check")
        .arg(&unified)
        .assert()
        .success()
        .stdout(predicate::str::contains("speed: billing x0.8 (mean handle time 4m48s), product x1.2"));
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    staffsim()
        .arg("compare")
        .arg(&base)
        .arg(&unified)
        .args(["-q", "-r", "4", "--format", "png", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("unified-desk against separate-teams"));
}
