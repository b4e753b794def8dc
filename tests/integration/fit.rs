//! `run --ticket-log` and `fit`: the log leaves every other output as it was
//! and does not depend on the thread count; `fit` of a simulated desk's log
//! recovers the desk's volume, profiles, handle times and patience within
//! confidence intervals computed from the sample sizes; bad exports are
//! exit-2 errors naming the file, line, column and value.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use staffsim::scenario::Scenario;
use staffsim::scenario::shapes;

fn staffsim() -> Command {
    Command::cargo_bin("staffsim").expect("binary built")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn csv_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    names.sort();
    names
}

#[test]
fn the_ticket_log_changes_no_other_output_and_not_with_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let (plain, logged, other) = (tmp.path().join("plain"), tmp.path().join("logged"), tmp.path().join("other"));
    let (log1, log2) = (tmp.path().join("t1.csv"), tmp.path().join("t2.csv"));
    let run = |out: &Path, extra: &[&std::ffi::OsStr]| {
        staffsim()
            .arg("run")
            .arg(fixture("small.toml"))
            .args(["-q", "--format", "png", "-o"])
            .arg(out)
            .args(extra)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    let a = run(&plain, &["--threads".as_ref(), "2".as_ref()]);
    let b = run(&logged, &["--threads".as_ref(), "1".as_ref(), "--ticket-log".as_ref(), log1.as_os_str()]);
    run(&other, &["--threads".as_ref(), "2".as_ref(), "--ticket-log".as_ref(), log2.as_os_str()]);
    let strip_time =
        |s: &[u8]| String::from_utf8_lossy(s).lines().filter(|l| !l.contains(" in ")).collect::<Vec<_>>().join("\n");
    assert_eq!(strip_time(&a), strip_time(&b), "the table on stdout");
    let names = csv_files(&plain);
    assert!(names.contains(&"summary.csv".to_string()));
    assert_eq!(names, csv_files(&logged));
    for n in &names {
        assert_eq!(fs::read(plain.join(n)).unwrap(), fs::read(logged.join(n)).unwrap(), "{n} with and without the log");
    }
    let (t1, t2) = (fs::read(&log1).unwrap(), fs::read(&log2).unwrap());
    assert_eq!(t1, t2, "the ticket log with 1 and 2 threads");
    let leftovers: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    // One row per offered ticket of every replication, in replication order.
    let mut r = csv::Reader::from_path(&log1).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "replication",
            "queue",
            "channel",
            "origin",
            "created",
            "answered",
            "wait_s",
            "handle_time_s",
            "abandoned",
            "outcome"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    let reps: Vec<u32> = rows.iter().map(|x| x[0].parse().unwrap()).collect();
    assert!(reps.windows(2).all(|w| w[0] <= w[1]) && reps.last() == Some(&3), "replications 0..3 in order");
    let mut s = csv::Reader::from_path(plain.join("summary.csv")).unwrap();
    for rec in s.records().map(|x| x.unwrap()) {
        if &rec[0] == "all" {
            continue;
        }
        let offered: f64 = rec[1].parse().unwrap();
        let logged = rows.iter().filter(|x| x[1] == rec[0]).count();
        assert_eq!(logged as f64, offered * 4.0, "queue {}: rows = offered × replications", &rec[0]);
    }
    for x in &rows {
        assert_eq!(x[4].len(), "2024-01-02 09:00:00".len(), "created {}", &x[4]);
        let answered = &x[9] == "answered";
        assert_eq!(!x[5].is_empty(), answered, "an answer time only for answered tickets");
        assert_eq!(!x[7].is_empty(), answered, "a handle time only for answered tickets");
        assert_eq!(&x[8] == "true", &x[9] == "abandoned");
    }
}

#[test]
fn a_bad_ticket_log_path_is_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    for (path, says) in
        [(tmp.path().join("missing/t.csv"), "does not exist"), (tmp.path().to_path_buf(), "is a folder")]
    {
        staffsim()
            .arg("run")
            .arg(fixture("small.toml"))
            .args(["-q", "-o"])
            .arg(&out)
            .arg("--ticket-log")
            .arg(&path)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--ticket-log").and(predicate::str::contains(says)));
    }
    assert!(!out.exists(), "nothing simulated or written");
}

/// Reads `key = [..]` of a queue in a scenario file as numbers.
fn weights(v: &toml::Value, key: &str) -> Vec<f64> {
    v[key].as_array().unwrap().iter().map(|x| x.as_float().or(x.as_integer().map(|i| i as f64)).unwrap()).collect()
}

fn shares(w: &[f64]) -> Vec<f64> {
    let total: f64 = w.iter().sum();
    w.iter().map(|x| x / total).collect()
}

/// Raw moments E[X^k] of a lognormal with this mean and cv.
fn lognormal_moment(mean: f64, cv: f64, k: i32) -> f64 {
    let s2 = (1.0 + cv * cv).ln();
    let mu = mean.ln() - s2 / 2.0;
    (f64::from(k) * mu + f64::from(k * k) * s2 / 2.0).exp()
}

/// Standard error of the sample cv of `n` draws (delta method on the mean
/// and the variance, with the distribution's own central moments).
fn cv_standard_error(mean: f64, cv: f64, n: f64) -> f64 {
    let m = |k| lognormal_moment(mean, cv, k);
    let (m1, m2, m3, m4) = (m(1), m(2), m(3), m(4));
    let c2 = m2 - m1 * m1;
    let c3 = m3 - 3.0 * m1 * m2 + 2.0 * m1.powi(3);
    let c4 = m4 - 4.0 * m1 * m3 + 6.0 * m1 * m1 * m2 - 3.0 * m1.powi(4);
    // cv = sqrt(c2) / m1: d cv / d c2 = cv / (2 c2), d cv / d m1 = -cv / m1.
    let var = cv * cv * ((c4 - c2 * c2) / (4.0 * c2 * c2) + c2 / (m1 * m1) - c3 / (c2 * m1)) / n;
    var.sqrt()
}

/// The round trip: simulate a known desk, log its tickets, fit the log.
///
/// Every estimate is checked against the truth within 4 standard errors
/// computed from the sample sizes, so a correct fit fails a check with
/// probability about 6e-5 (normal tails), about 0.4 % over the 70 checks
/// here, and the seed is fixed; a biased estimate (a wrong period, a
/// weekday off by one, a wait measured from the wrong time) is off by far
/// more. The standard errors:
/// - volume: the tickets are Poisson, so the weekly volume estimated from
///   N tickets over W weeks × R replications has SE sqrt(volume / (W R));
/// - profile and weekly shares: given N tickets, each hour's (weekday's)
///   count is binomial, SE sqrt(p (1 - p) / N) (every weekday occurs 8
///   times in the 56 days, so its share of the rates is its share of N);
/// - handle-time mean: SE sd / sqrt(n) over the n answered tickets;
/// - handle-time cv: the delta method with the lognormal's moments;
/// - patience: the censored exponential MLE has SE mean / sqrt(abandons).
///
/// The written numbers are rounded (volume to 0.1, mean to 0.1 s, cv to
/// 0.001, weights to 4 decimals), which adds that much to each tolerance.
#[test]
fn fit_recovers_a_simulated_desk() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("tickets.csv");
    let fitted = tmp.path().join("fitted.toml");
    let truth_path = fixture("roundtrip.toml");
    staffsim()
        .arg("run")
        .arg(&truth_path)
        .args(["-q", "--format", "png", "-o"])
        .arg(tmp.path().join("out"))
        .arg("--ticket-log")
        .arg(&log)
        .assert()
        .success();
    let table = staffsim().arg("fit").arg(&log).arg("-o").arg(&fitted).assert().success().get_output().stdout.clone();
    let table = String::from_utf8(table).unwrap();
    assert!(table.contains("lognormal mu,sigma: LL") && table.contains("gamma k,theta: LL"), "{table}");
    staffsim().arg("check").arg(&fitted).assert().success().stdout(predicate::str::contains("is valid"));

    let truth = Scenario::from_toml(&fs::read_to_string(&truth_path).unwrap(), "roundtrip.toml").unwrap();
    let text = fs::read_to_string(&fitted).unwrap();
    let got = Scenario::from_toml(&text, "fitted.toml").unwrap();
    let raw: toml::Value = toml::from_str(&text).unwrap();
    let raw_queues = raw["queue"].as_array().unwrap();
    let (weeks, reps) = (8.0, 4.0);
    // Answered tickets per queue, from the log, for the handle-time errors.
    let mut reader = csv::Reader::from_path(&log).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();

    let mut report =
        vec![format!("{:<8} {:<18} {:>10} {:>10} {:>9} {:>7}", "queue", "figure", "true", "recovered", "4 SE", "z")];
    let mut failures = Vec::new();
    let mut check = |queue: &str, what: &str, want: f64, have: f64, se: f64, rounding: f64| {
        let z = (have - want) / se;
        report.push(format!("{queue:<8} {what:<18} {want:>10.4} {have:>10.4} {:>9.4} {z:>7.2}", 4.0 * se));
        if (have - want).abs() > 4.0 * se + rounding {
            failures.push(format!("{queue} {what}: true {want}, recovered {have}, 4 SE {}", 4.0 * se));
        }
    };
    for tq in &truth.queues {
        let gq = got.queues.iter().find(|q| q.name == tq.name).expect("every queue fitted");
        let rq = raw_queues.iter().find(|q| q["name"].as_str() == Some(tq.name.as_str())).unwrap();
        let name = tq.name.as_str();
        assert_eq!(gq.channel, tq.channel, "{name}: channel");
        let v = tq.weekly_volume;
        check(name, "volume/week", v, gq.weekly_volume, (v / (weeks * reps)).sqrt(), 0.05);

        let n = v * weeks * reps;
        let preset = |key: &str| truth_raw_weights(&truth_path, name, key);
        let (true_profile, true_weekly) = (shares(&preset("profile")), shares(&preset("weekly")));
        for (h, (&p, &q)) in true_profile.iter().zip(&shares(&weights(rq, "profile"))).enumerate() {
            check(name, &format!("profile {h:02}h"), p, q, (p * (1.0 - p) / n).sqrt(), 1e-5);
        }
        for (d, (&p, &q)) in true_weekly.iter().zip(&shares(&weights(rq, "weekly"))).enumerate() {
            let day = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][d];
            check(name, &format!("weekly {day}"), p, q, (p * (1.0 - p) / n).sqrt(), 1e-5);
        }

        let answered = rows.iter().filter(|r| &r[1] == name && &r[9] == "answered").count() as f64;
        let (mean, cv) = (tq.handle_time.mean(), tq.handle_time.cv());
        assert_eq!(gq.handle_time.kind(), tq.handle_time.kind(), "{name}: the lognormal is kept");
        check(name, "handle mean (s)", mean, gq.handle_time.mean(), mean * cv / answered.sqrt(), 0.05);
        check(name, "handle cv", cv, gq.handle_time.cv(), cv_standard_error(mean, cv, answered), 5e-4);

        match (&tq.patience, &gq.patience) {
            (Some(t), Some(g)) => {
                let abandons = rows.iter().filter(|r| &r[1] == name && &r[8] == "true").count() as f64;
                check(name, "patience mean (s)", t.mean(), g.mean(), t.mean() / abandons.sqrt(), 0.05);
            }
            (None, None) => {}
            (t, g) => panic!("{name}: patience true {t:?}, fitted {g:?}"),
        }
    }
    println!("{}", report.join("\n"));
    assert!(failures.is_empty(), "outside 4 standard errors:\n{}\n\n{}", failures.join("\n"), report.join("\n"));
}

/// The true weights of a queue in the fixture: its array, or its preset's.
fn truth_raw_weights(path: &Path, queue: &str, key: &str) -> Vec<f64> {
    let v: toml::Value = toml::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    let q = v["queue"].as_array().unwrap().iter().find(|q| q["name"].as_str() == Some(queue)).unwrap();
    match &q[key] {
        toml::Value::String(preset) if key == "profile" => shapes::profile(preset).unwrap().to_vec(),
        toml::Value::String(preset) => shapes::weekly(preset).unwrap().to_vec(),
        _ => weights(q, key),
    }
}

fn fit_export(csv: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    let tmp = tempfile::tempdir().unwrap();
    let export = tmp.path().join("export.csv");
    fs::write(&export, csv).unwrap();
    let out = tmp.path().join("f.toml");
    let assert = staffsim().arg("fit").arg(&export).arg("-o").arg(&out).args(extra).assert();
    assert!(!out.exists() || assert.get_output().status.success(), "no scenario from a bad export");
    assert
}

#[test]
fn a_foreign_export_is_read_through_the_column_flags() {
    let csv = "Ticket,Created at,Channel,Handle time,Abandoned,Wait\n\
               1,2026-03-02T09:00:00Z,Chat,5m,no,30\n\
               2,2026-03-02T09:20:00Z,Chat,1h30m,No,00:01:00\n\
               3,2026-03-03T10:00:00Z,Chat,,yes,90\n\
               4,2026-03-03T11:00:00Z,E-mail,372.5,,\n\
               5,2026-03-04T11:30:00Z,E-mail,600,,\n";
    let flags = [
        "--created",
        "Created at",
        "--queue",
        "Channel",
        "--handle-time",
        "Handle time",
        "--abandoned",
        "Abandoned",
        "--wait",
        "Wait",
    ];
    fit_export(csv, &flags).success().stdout(
        predicate::str::contains("Chat").and(predicate::str::contains("E-mail")).and(predicate::str::contains("kept")),
    );
}

#[test]
fn bad_exports_are_bad_input_naming_file_line_column_and_value() {
    let good = "created,queue,handle_time_s\n2026-03-02 09:00,email,300\n2026-03-02 10:00,email,200\n";
    fit_export(good, &[]).success();
    fit_export("", &[]).code(2).stderr(predicate::str::contains("export.csv: the export is empty"));
    fit_export("created,queue,handle_time_s\n", &[]).code(2).stderr(predicate::str::contains("no tickets"));
    fit_export(good, &["--created", "Opened"]).code(2).stderr(
        predicate::str::contains("no column \"Opened\"")
            .and(predicate::str::contains("\"created\", \"queue\", \"handle_time_s\""))
            .and(predicate::str::contains("--created")),
    );
    fit_export("when,queue,handle_time_s\n2026-03-02 09:00,email,300\n", &[])
        .code(2)
        .stderr(predicate::str::contains("no column \"created\""));
    let bad_time = good.replace("2026-03-02 10:00", "2026-03-32 10:00");
    fit_export(&bad_time, &[]).code(2).stderr(
        predicate::str::contains("export.csv: line 3, column \"created\": \"2026-03-32 10:00\" is not a date-time")
            .and(predicate::str::contains("2026-03-02 14:05:00")),
    );
    let bad_handle = good.replace(",200", ",ten minutes");
    fit_export(&bad_handle, &[]).code(2).stderr(
        predicate::str::contains("line 3, column \"handle_time_s\": \"ten minutes\" is not a duration")
            .and(predicate::str::contains("1h30m")),
    );
    let bad_flag = "created,queue,handle_time_s,abandoned\n2026-03-02 09:00,chat,300,maybe\n";
    fit_export(bad_flag, &[]).code(2).stderr(predicate::str::contains("line 2, column \"abandoned\": \"maybe\""));
    let ragged = "created,queue,handle_time_s\n2026-03-02 09:00,email\n";
    fit_export(ragged, &[]).code(2).stderr(predicate::str::contains("line 2"));
    staffsim()
        .args(["fit", "/no/such/export.csv", "-o"])
        .arg(tempfile::tempdir().unwrap().path().join("f.toml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/no/such/export.csv: could not read the export"));
}

#[test]
fn fit_will_not_overwrite_by_accident() {
    let tmp = tempfile::tempdir().unwrap();
    let export = tmp.path().join("export.csv");
    fs::write(&export, "created,queue,handle_time_s\n2026-03-02 09:00,email,300\n2026-03-02 10:00,email,200\n")
        .unwrap();
    let out = tmp.path().join("f.toml");
    fs::write(&out, "keep me").unwrap();
    staffsim().arg("fit").arg(&export).arg("-o").arg(&out).assert().code(2).stderr(predicate::str::contains("--force"));
    assert_eq!(fs::read_to_string(&out).unwrap(), "keep me");
    staffsim().arg("fit").arg(&export).arg("-o").arg(&out).arg("--force").assert().success();
    staffsim().arg("check").arg(&out).assert().success();
}
