//! The real `staffsim` binary on small fixed-seed scenarios.

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

/// Runs `run` on a fixture into a fresh folder and returns it.
fn run_into(name: &str, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    staffsim().arg("run").arg(fixture(name)).arg("-o").arg(&out).args(["-q"]).args(extra).assert().success();
    (tmp, out)
}

/// Parses a CSV file into its header and rows.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r.records().map(|rec| rec.unwrap().iter().map(String::from).collect()).collect();
    (header, rows)
}

fn column(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))
}

#[test]
fn init_writes_a_starter_that_checks_and_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("desk.toml");
    staffsim().arg("init").arg(&path).assert().success();
    staffsim().arg("check").arg(&path).assert().success().stdout(
        predicate::str::contains("is valid: starter-desk")
            .and(predicate::str::contains("agent-hours"))
            .and(predicate::str::is_match("run size: about [0-9]+ thousand tickets; roughly .* of memory").unwrap()),
    );
    staffsim()
        .arg("run")
        .arg(&path)
        .args(["-q", "-r", "2", "-o"])
        .arg(tmp.path().join("out"))
        .assert()
        .success()
        .stdout(predicate::str::contains("chat"));
    // It will not overwrite a file by accident.
    staffsim().arg("init").arg(&path).assert().code(2).stderr(predicate::str::contains("already exists"));
    staffsim().arg("init").arg(&path).arg("--force").assert().success();
}

#[test]
fn check_reports_what_it_understood() {
    staffsim()
        .arg("check")
        .arg(fixture("timezones.toml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("8400 tickets/week"))
        .stdout(predicate::str::contains("sydney: 7 agents (UTC+10:00)"))
        .stdout(predicate::str::contains("on duty daily 02:00-11:00 (desk clock)"))
        .stdout(predicate::str::contains("offered work 700 agent-hours"));
}

#[test]
fn run_writes_tidy_csv_and_run_record() {
    let (_tmp, out) = run_into("small.toml", &[]);
    let (header, rows) = read_csv(&out.join("summary.csv"));
    for name in [
        "queue",
        "offered",
        "answered",
        "abandoned",
        "closed",
        "withdrawn",
        "waiting_at_end",
        "service_level",
        "service_level_ci95",
        "after_hours",
        "service_level_open",
        "service_level_open_ci95",
        "asa_s",
        "asa_s_ci95",
        "wait_p50_s",
        "wait_p90_s",
        "wait_p99_s",
        "abandon_rate",
        "occupancy",
    ] {
        column(&header, name);
    }
    let queues: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(queues, ["email", "chat", "all"]);
    // Conservation in every row: offered = answered + abandoned + closed + withdrawn + waiting.
    for r in &rows {
        let v = |name: &str| r[column(&header, name)].parse::<f64>().unwrap();
        let rest = v("answered") + v("abandoned") + v("closed") + v("withdrawn") + v("waiting_at_end");
        assert!((v("offered") - rest).abs() < 0.02, "{r:?}");
        let sl = v("service_level");
        assert!((0.0..=1.0).contains(&sl));
    }
    let (iheader, irows) = read_csv(&out.join("intervals.csv"));
    assert_eq!(iheader[..4], ["interval_start", "day", "t_s", "queue"]);
    assert_eq!(irows.len(), 6 * 48 * 3, "6 days after warm-up, 48 intervals, 2 queues + all");
    assert_eq!(irows[0][0], "Tue 00:00");
    let run: serde_json::Value = serde_json::from_slice(&fs::read(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["scenario"], "small");
    assert_eq!(run["replications"], 4);
    assert!(run["scenario_hash"].as_str().unwrap().starts_with("fnv1a64:"));
}

#[test]
fn after_hours_contacts_are_reported_apart_from_customers_who_gave_up() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let assert =
        staffsim().arg("run").arg(fixture("after-hours.toml")).arg("-q").arg("-o").arg(&out).assert().success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();

    let (h, rows) = read_csv(&out.join("summary.csv"));
    assert_eq!(column(&h, "closed"), column(&h, "abandoned") + 1, "closed right after abandoned");
    let open = column(&h, "service_level_open");
    assert_eq!(h[open - 1], "after_hours");
    assert_eq!(h[open + 1], "service_level_open_ci95");
    let value = |queue: &str, name: &str| -> f64 {
        let r = rows.iter().find(|r| r[0] == queue).unwrap();
        r[column(&h, name)].parse().unwrap_or_else(|_| panic!("{queue} {name}: {r:?}"))
    };
    // Round-the-clock calls to a line open 40 hours a week: most calls reach it closed.
    assert!(value("phone", "closed") > 3.0 * value("phone", "abandoned"));
    assert!(value("phone", "closed") >= value("phone", "after_hours"));
    assert!(value("phone", "abandon_rate") < 0.1, "abandonment is the customers who gave up");
    assert_eq!(value("email", "closed"), 0.0, "e-mail waits for the morning");
    assert!(value("email", "after_hours") > 0.0);
    for q in ["phone", "email", "all"] {
        assert!(value(q, "service_level_open") >= value(q, "service_level"), "{q}");
    }
    assert_eq!(value("all", "closed"), value("phone", "closed"));

    // intervals.csv and the typical week: closed after abandoned; the intervals add up to the summary.
    for file in ["intervals.csv", "week.csv"] {
        let (ih, irows) = read_csv(&out.join(file));
        let closed = column(&ih, "closed");
        assert_eq!(closed, column(&ih, "abandoned") + 1, "{file}");
        let queue = column(&ih, "queue");
        for r in &irows {
            let v = |name: &str| r[column(&ih, name)].parse::<f64>().unwrap();
            let outcomes = v("answered") + v("abandoned") + v("closed");
            assert!(outcomes <= v("offered") + 0.02, "{file}: {r:?}");
        }
        let phone: Vec<&Vec<String>> = irows.iter().filter(|r| r[queue] == "phone").collect();
        let total: f64 = phone.iter().map(|r| r[closed].parse::<f64>().unwrap()).sum();
        let weeks = if file == "week.csv" { 3.0 } else { 1.0 };
        let tolerance = 0.005 * weeks * phone.len() as f64 + 0.01;
        assert!((total * weeks - value("phone", "closed")).abs() <= tolerance, "{file}: {total}");
    }

    // The terminal table shows the closed count and says what it is, within 100 columns.
    let header = stdout.lines().find(|l| l.starts_with("queue")).unwrap();
    assert!(header.contains("abandon  closed  occup."), "{header}");
    assert!(stdout.contains("closed: calls and chats that reached a closed line"), "{stdout}");
    assert!(stdout.contains("arrived after hours"), "{stdout}");
    let table: Vec<&str> =
        stdout.lines().skip_while(|l| !l.starts_with("queue")).take_while(|l| !l.is_empty()).collect();
    assert_eq!(table.len(), 5, "{stdout}");
    assert!(table.iter().all(|l| l.chars().count() <= 100), "{stdout}");
    // A desk without closed-line contacts keeps the old table.
    let small = staffsim()
        .arg("run")
        .arg(fixture("peak.toml"))
        .arg("-q")
        .arg("-o")
        .arg(tmp.path().join("small"))
        .output()
        .unwrap();
    let small = String::from_utf8_lossy(&small.stdout).to_string();
    assert!(!small.contains("closed"), "{small}");

    // The JSON summary has the same fields.
    let output = staffsim()
        .arg("run")
        .arg(fixture("after-hours.toml"))
        .args(["--json", "-q", "-o"])
        .arg(tmp.path().join("json"))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let phone = &v["queues"][0];
    assert_eq!(phone["closed"].as_f64(), Some(value("phone", "closed")));
    assert_eq!(phone["after_hours"].as_f64(), Some(value("phone", "after_hours")));
    let sl_open = phone["service_level_open"].as_f64().unwrap();
    assert!((sl_open - value("phone", "service_level_open")).abs() < 1e-4);
    assert!(phone["service_level_open_ci95"].as_f64().is_some());

    // compare's summary.csv carries the new columns after its policy column.
    let cmp = tmp.path().join("cmp");
    staffsim()
        .arg("compare")
        .arg(fixture("after-hours.toml"))
        .args(["--policies", "fifo,lifo", "-q", "--format", "svg", "-o"])
        .arg(&cmp)
        .assert()
        .success();
    let (ch, _) = read_csv(&cmp.join("summary.csv"));
    assert_eq!(ch[0], "policy");
    assert_eq!(ch[1..], h[..]);
}

#[test]
fn json_summary_on_stdout() {
    let tmp = tempfile::tempdir().unwrap();
    let output =
        staffsim().arg("run").arg(fixture("small.toml")).args(["--json", "-q", "-o"]).arg(tmp.path()).output().unwrap();
    assert!(output.status.success());
    let v: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(v["queues"].as_array().unwrap().len(), 3);
    assert!(v["queues"][1]["service_level"].as_f64().unwrap() > 0.0);
}

#[test]
fn same_seed_same_bytes_for_any_thread_count() {
    for fixture in ["small.toml", "after-hours.toml"] {
        let (_a, one) = run_into(fixture, &["--threads", "1"]);
        let (_b, two) = run_into(fixture, &["--threads", "2"]);
        for file in ["summary.csv", "intervals.csv"] {
            assert_eq!(fs::read(one.join(file)).unwrap(), fs::read(two.join(file)).unwrap(), "{fixture}: {file}");
        }
    }
    let (_a, one) = run_into("small.toml", &[]);
    let (_c, other_seed) = run_into("small.toml", &["--seed", "12"]);
    assert_ne!(fs::read(one.join("summary.csv")).unwrap(), fs::read(other_seed.join("summary.csv")).unwrap());
}

#[test]
fn average_targets_give_the_same_bytes_for_any_thread_count() {
    let (_a, one) = run_into("average.toml", &["--threads", "1"]);
    let (_b, two) = run_into("average.toml", &["--threads", "2"]);
    for file in ["summary.csv", "intervals.csv"] {
        assert_eq!(fs::read(one.join(file)).unwrap(), fs::read(two.join(file)).unwrap(), "{file}");
    }
    let staff = |threads: &str| {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        staffsim()
            .arg("staff")
            .arg(fixture("average.toml"))
            .args(["-q", "--threads", threads, "-o"])
            .arg(&out)
            .assert()
            .success();
        ["staffing.csv", "drivers.csv", "promised.csv"].map(|f| fs::read(out.join(f)).unwrap())
    };
    let (one, two) = (staff("1"), staff("2"));
    assert_eq!(one, two, "staff: the same requirement, drivers and promise");
    let staffing = String::from_utf8(one[0].clone()).unwrap();
    assert!(staffing.lines().next().unwrap().ends_with(",asa_s,asa_s_ci95,erlang_asa_s"));
    let drivers = String::from_utf8(one[1].clone()).unwrap();
    assert!(drivers.starts_with(
        "team,peak_at,peak_length,peak_agents,day_median_agents,queue,sla_target,sla_within,sla_average,"
    ));
}

#[test]
fn many_replications_stream_in_little_memory_and_the_same_bytes() {
    let peak_of = |threads: &str| {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let assert = staffsim()
            .arg("run")
            .arg(fixture("small.toml"))
            .args(["-r", "2000", "--threads", threads, "-q", "--json", "--format", "svg", "-o"])
            .arg(&out)
            .env("STAFFSIM_REPORT_PEAK_RSS", "1")
            .assert()
            .success();
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
        let peak_kib: Option<u64> =
            stderr.lines().find_map(|l| l.strip_prefix("peak_rss_kib: ").and_then(|n| n.trim().parse().ok()));
        let json: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
        assert_eq!(json["replications"], 2000);
        (tmp, out, peak_kib)
    };
    let (_a, one, peak_one) = peak_of("1");
    let (_b, two, peak_two) = peak_of("2");
    for file in ["summary.csv", "intervals.csv", "teams.csv", "waits.csv"] {
        assert_eq!(fs::read(one.join(file)).unwrap(), fs::read(two.join(file)).unwrap(), "{file}");
    }
    // Holding every replication's tables took about 300 MiB here; streaming
    // keeps a few per thread (peak memory is known on Linux only).
    for peak in [peak_one, peak_two].into_iter().flatten() {
        assert!(peak < 64 * 1024, "peak memory {peak} KiB for 2000 replications of a small desk");
    }
}

#[test]
fn fifo_and_lifo_see_the_same_arrivals() {
    let (_a, fifo) = run_into("small.toml", &["--policy", "fifo"]);
    let (_b, lifo) = run_into("small.toml", &["--policy", "lifo"]);
    let offered = |dir: &Path| {
        let (h, rows) = read_csv(&dir.join("intervals.csv"));
        let c = column(&h, "offered");
        rows.iter().map(|r| r[c].clone()).collect::<Vec<_>>()
    };
    assert_eq!(offered(&fifo), offered(&lifo));
    assert_ne!(fs::read(fifo.join("summary.csv")).unwrap(), fs::read(lifo.join("summary.csv")).unwrap());
}

#[test]
fn a_two_hour_peak_shows_at_the_configured_rate() {
    let (_tmp, out) = run_into("peak.toml", &[]);
    let (h, rows) = read_csv(&out.join("intervals.csv"));
    let (start, queue, offered) = (column(&h, "interval_start"), column(&h, "queue"), column(&h, "offered"));
    // 1400/week = 200/day over weights summing to 32: 6.25/hour off-peak,
    // 31.25/hour in the peak → 15.625 and 3.125 per 30-minute interval.
    let mean_at = |clock: &str| {
        let xs: Vec<f64> = rows
            .iter()
            .filter(|r| r[queue] == "web" && r[start].ends_with(clock))
            .map(|r| r[offered].parse::<f64>().unwrap())
            .collect();
        (xs.iter().sum::<f64>() / xs.len() as f64, xs.len())
    };
    for (clock, expected) in
        [("10:00", 15.625), ("11:30", 15.625), ("09:30", 3.125), ("12:00", 3.125), ("03:00", 3.125)]
    {
        let (mean, days) = mean_at(clock);
        // Poisson: each day's count (averaged over 5 replications) has variance expected/5.
        let se = (expected / 5.0 / days as f64).sqrt();
        assert!((mean - expected).abs() < 4.0 * se, "{clock}: {mean} vs {expected} (se {se})");
    }
}

#[test]
fn a_team_abroad_covers_the_desk_night() {
    let (_tmp, out) = run_into("timezones.toml", &[]);
    let (h, rows) = read_csv(&out.join("intervals.csv"));
    let (start, queue, agents) = (column(&h, "interval_start"), column(&h, "queue"), column(&h, "agents_on_duty"));
    let on_duty = |label: &str| -> f64 {
        let r = rows.iter().find(|r| r[queue] == "all" && r[start] == label).unwrap();
        r[agents].parse().unwrap()
    };
    assert_eq!(on_duty("Tue 01:30"), 0.0, "nobody before the Sydney team starts");
    assert_eq!(on_duty("Tue 02:00"), 7.0, "Sydney's 09:00 is the desk's 02:00");
    assert_eq!(on_duty("Tue 10:30"), 7.0);
    let handover = on_duty("Tue 11:00");
    assert!((5.0..6.0).contains(&handover), "Moscow from 11:00, Sydney finishing its last chats: {handover}");
    assert_eq!(on_duty("Tue 12:00"), 5.0, "Sydney has left; Moscow's 5 remain");
    assert_eq!(on_duty("Tue 21:00"), 0.0);
}

#[test]
fn erlang_command_answers_instantly() {
    let output = staffsim()
        .args(["erlang", "--volume", "200/hour", "--aht", "3m", "--sla", "80% in 20s", "--shrinkage", "0.3", "--json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let v: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(v["agents"], 14);
    assert_eq!(v["agents_with_shrinkage"], 20);
    assert!((v["service_level"].as_f64().unwrap() - 0.8884).abs() < 1e-3);
    // Patient-less customers leave: Erlang A needs no more agents than Erlang C.
    let a = staffsim()
        .args(["erlang", "--volume", "200/hour", "--aht", "3m", "--sla", "80% in 20s", "--patience", "1m", "--json"])
        .output()
        .unwrap();
    let a: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    assert_eq!(a["model"], "erlang-a");
    assert!(a["agents"].as_u64().unwrap() <= 14);
    assert!(a["abandon_rate"].as_f64().unwrap() > 0.0);
    staffsim()
        .args(["erlang", "--volume", "200/hour", "--aht", "3m", "--sla", "80% in 20s", "--agents", "11"])
        .assert()
        .success()
        .stdout(predicate::str::contains("required agents: 14"));
}

/// An average-wait target: λ = 100/h, 6-minute calls (10 Erlangs). Erlang
/// C's ASA = C(c, a)/(cμ − λ) is 34.2 s on 13 agents and 15.7 s on 14, so
/// a 30 s average needs 14; with 80 % in 20 s as well still 14, and a 10 s
/// average 15 (7.3 s).
#[test]
fn erlang_takes_an_average_wait_target() {
    let json = |args: &[&str]| -> serde_json::Value {
        let mut all = vec!["erlang", "--volume", "100/hour", "--aht", "6m", "--json"];
        all.extend_from_slice(args);
        let output = staffsim().args(&all).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        serde_json::from_slice(&output.stdout).unwrap()
    };
    let v = json(&["--average", "30s"]);
    assert_eq!(v["required_agents"], 14);
    assert_eq!(v["asa_target_s"], 30.0);
    assert!(v["sla_target"].is_null());
    assert!((v["asa_s"].as_f64().unwrap() - 15.67).abs() < 0.01, "{v}");
    assert_eq!(v["meets_target"], true);
    assert_eq!(json(&["--average", "30s", "--agents", "13"])["meets_target"], false);
    assert_eq!(json(&["--average", "10m"])["required_agents"], 11);
    assert_eq!(json(&["--sla", "80% in 20s", "--average", "30s"])["required_agents"], 14);
    assert_eq!(json(&["--sla", "80% in 20s", "--average", "10s"])["required_agents"], 15);
    staffsim()
        .args(["erlang", "--volume", "100/hour", "--aht", "6m", "--average", "30s"])
        .assert()
        .success()
        .stdout(predicate::str::contains("target: mean wait (ASA) at most 30s"))
        .stdout(predicate::str::contains("required agents: 14"));
    for bad in ["-3m", "0s", "soon"] {
        staffsim()
            .args(["erlang", "--volume", "100/hour", "--aht", "6m", &format!("--average={bad}")])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--average"));
    }
    staffsim()
        .args(["erlang", "--volume", "100/hour", "--aht", "6m"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--sla").or(predicate::str::contains("--average")));
}

/// A desk judged on its mean wait: the summary, the terminal and the report
/// say whether the average is met.
#[test]
fn run_judges_an_average_target() {
    let text = small_with("sla = { within = \"4h\", target = 0.8 }", "sla = { average = \"3h\" }").replace(
        "sla = { within = \"2m\", target = 0.8 }",
        "sla = { within = \"2m\", target = 0.8, average = \"5s\" }",
    );
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("avg.toml");
    fs::write(&path, text).unwrap();
    let out = tmp.path().join("out");
    let assert = staffsim().arg("run").arg(&path).args(["-q", "-o"]).arg(&out).assert().success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    let (header, rows) = read_csv(&out.join("summary.csv"));
    let at = |q: &str, name: &str| rows.iter().find(|r| r[0] == q).unwrap()[column(&header, name)].clone();
    assert_eq!(at("email", "asa_target_s"), "10800.0");
    assert_eq!(at("email", "sla_target"), "", "an average-only SLA has no share target");
    assert_eq!(at("chat", "asa_target_s"), "5.0");
    assert_eq!(at("all", "asa_target_s"), "");
    let email_asa: f64 = at("email", "asa_s").parse().unwrap();
    let chat_asa: f64 = at("chat", "asa_s").parse().unwrap();
    let chat_sl: f64 = at("chat", "service_level").parse().unwrap();
    println!("email ASA {email_asa} s against 3h; chat ASA {chat_asa} s against 5 s, service level {chat_sl}");
    // The night's mail waits for the morning: about 1h50m on average.
    assert!(email_asa < 10800.0 && chat_asa > 5.0, "the fixture's email meets 3h on average; chat misses 5 s");
    let line = |q: &str| stdout.lines().find(|l| l.starts_with(q)).unwrap().to_string();
    assert!(line("email").contains("avg 3h met"), "{stdout}");
    assert!(line("chat").contains("80%/2m avg 5s MISSED"), "{stdout}");
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("email meets its 3h average: mean wait "), "email's finding");
    assert!(html.contains("chat misses its 80% within 2m and 5s average:"), "chat's finding");
    let json =
        staffsim().arg("run").arg(&path).args(["-q", "--json", "-o"]).arg(tmp.path().join("j")).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let queues = v["queues"].as_array().unwrap();
    assert_eq!(queues[0]["sla_met"], true);
    assert_eq!(queues[1]["sla_met"], false);
}

/// Writes `text` as a scenario and checks that `run` refuses it with exit
/// code 2, a message containing every `expected` piece, and no output.
fn refused(text: &str, expected: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("bad.toml");
    fs::write(&path, text).unwrap();
    let out = tmp.path().join("out");
    let assert = staffsim().arg("run").arg(&path).arg("-o").arg(&out).assert().code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("bad.toml"), "names the file: {stderr}");
    for e in expected {
        assert!(stderr.contains(e), "expected {e:?} in: {stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!out.exists(), "nothing written");
}

fn small_with(from: &str, to: &str) -> String {
    let text = fs::read_to_string(fixture("small.toml")).unwrap();
    assert!(text.contains(from), "fixture has {from}");
    text.replacen(from, to, 1)
}

#[test]
fn bad_scenarios_are_refused_clearly() {
    refused(&small_with("volume = \"700/week\"", "volme = \"700/week\""), &[":15:1: unknown field `volme`"]);
    refused(&small_with("horizon = \"1w\"", "horizon = \"1 fortnight\""), &["simulation.horizon", "1 fortnight"]);
    refused(
        &small_with("target = 0.8 }\n\n[[queue]]", "target = 1.3 }\n\n[[queue]]"),
        &["queue \"email\": sla.target", "1.3", "between 0 and 1"],
    );
    refused(
        &small_with("skills = [\"chat\", \"email\"]", "skills = [\"chat\", \"phone\"]"),
        &["team \"support\": skills", "\"phone\" is not a queue"],
    );
    refused(&small_with("warmup = \"1d\"", "warmup = \"2w\""), &["simulation.warmup", "shorter than the horizon"]);
    refused(
        &small_with("channel = \"chat\"", "channel = \"telegram\""),
        &["queue \"chat\": channel", "telegram", "messenger"],
    );
    refused(
        &small_with("profile = \"business-day\"", "profile = [1, 2, 3]"),
        &["queue \"email\": profile", "has 3 weights", "24"],
    );
    refused(&small_with("dist = \"gamma\"", "dist = \"weibull\""), &["handle_time.dist", "weibull", "lognormal"]);
    refused(&small_with("replications = 4", "replications = 0"), &["simulation.replications", "between 1"]);
    refused(
        &small_with("hours = \"mon-fri 09:00-18:00\"", "hours = \"mon-fri 9-18\""),
        &["queue \"email\": hours", "mon-fri 9-18"],
    );
    refused(&small_with("horizon = \"1w\"", "horizon = 7"), &["invalid type", "horizon"]);
    refused("", &["empty"]);
    // Several problems are reported at once.
    refused(
        &small_with("target = 0.8 }\n\n[[queue]]", "target = 1.3 }\n\n[[queue]]")
            .replace("concurrency = 2", "concurrency = 0"),
        &["sla.target", "concurrency"],
    );
}

#[test]
fn missing_files_and_bad_arguments_exit_2() {
    staffsim().args(["run", "no/such/desk.toml"]).assert().code(2).stderr(predicate::str::contains("no such file"));
    staffsim().arg("run").arg(fixture("")).assert().code(2).stderr(predicate::str::contains("directory"));
    staffsim().arg("run").arg(fixture("small.toml")).args(["--policy", "random"]).assert().code(2).stderr(
        predicate::str::contains("--policy: unknown policy \"random\"").and(predicate::str::contains("sla-first")),
    );
    // compare takes --policies, and offers no --policy that could only fail.
    staffsim().arg("compare").arg(fixture("small.toml")).args(["--policy", "fifo"]).assert().code(2);
    staffsim().args(["erlang", "--volume", "100", "--aht", "3m", "--sla", "80% in 20s"]).assert().code(2);
    staffsim().args(["erlang", "--volume", "100/hour", "--aht", "3m", "--sla", "80 in 20s"]).assert().code(2);
    staffsim().args(["frobnicate"]).assert().code(2);
}

/// Width and height of a PNG file.
fn png_size(path: &Path) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(path).unwrap()));
    let reader = decoder.read_info().unwrap();
    (reader.info().width, reader.info().height)
}

#[test]
fn run_draws_every_chart_as_png_and_svg() {
    let (_tmp, out) = run_into("small.toml", &["--size", "800x450", "--format", "both"]);
    for chart in ["service_level", "backlog", "waits", "occupancy", "arrivals"] {
        assert_eq!(png_size(&out.join(format!("{chart}.png"))), (800, 450), "{chart}");
        let svg = fs::read_to_string(out.join(format!("{chart}.svg"))).unwrap();
        assert!(svg.contains("<text") && svg.contains("small:"), "{chart}.svg has its title");
    }
    for table in ["teams.csv", "waits.csv"] {
        assert!(out.join(table).exists(), "{table}");
    }
    // No temporary files are left behind.
    assert!(fs::read_dir(&out).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().contains(".tmp")));
}

#[test]
fn format_and_size_options() {
    // The default: the report and PNG charts beside the CSV tables.
    let (_tmp, out) = run_into("small.toml", &[]);
    assert!(out.join("report.html").exists() && out.join("waits.png").exists() && !out.join("waits.svg").exists());
    let (_tmp, out) = run_into("small.toml", &["--format", "svg"]);
    assert!(out.join("waits.svg").exists() && !out.join("waits.png").exists());
    assert!(!out.join("report.html").exists(), "the report is asked for with html (or the default)");
    let (_tmp, out) = run_into("small.toml", &["--format", "png"]);
    assert_eq!(png_size(&out.join("waits.png")), (1600, 900), "default size");
    assert!(!out.join("waits.svg").exists());
    staffsim()
        .arg("run")
        .arg(fixture("small.toml"))
        .args(["--size", "big"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--size big"));
}

#[test]
fn no_progress_or_colour_off_a_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    // stderr and stdout are pipes here: no progress bar, no escape codes, even without --quiet.
    let output = staffsim().arg("run").arg(fixture("small.toml")).arg("-o").arg(tmp.path()).output().unwrap();
    assert!(output.status.success());
    assert!(output.stderr.is_empty(), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(!stdout.contains('\x1b'));
    assert!(stdout.contains("charts: service_level.png"));
    let quiet = staffsim().arg("run").arg(fixture("small.toml")).arg("-q").arg("-o").arg(tmp.path()).output().unwrap();
    assert!(quiet.stderr.is_empty());
}

#[test]
fn compare_ranks_policies_on_the_same_tickets() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cmp");
    let assert = staffsim()
        .arg("compare")
        .arg(fixture("small.toml"))
        .args(["--policies", "fifo,lifo,sla-first", "-q", "--size", "800x450", "--format", "both,html", "-o"])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(stdout.contains("ranked by most SLA targets met"), "{stdout}");
    assert!(stdout.contains("rank") && stdout.contains("sla-first"));
    let (h, rows) = read_csv(&out.join("summary.csv"));
    assert_eq!(h[0], "policy");
    assert_eq!(h[1], "queue");
    let policies: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(policies, ["fifo", "fifo", "fifo", "lifo", "lifo", "lifo", "sla-first", "sla-first", "sla-first"]);
    // The same tickets: identical offered counts per policy and queue.
    let offered = column(&h, "offered");
    for q in 0..3 {
        assert_eq!(rows[q][offered], rows[q + 3][offered]);
        assert_eq!(rows[q][offered], rows[q + 6][offered]);
    }
    let (ih, _) = read_csv(&out.join("intervals.csv"));
    assert_eq!(ih[0], "policy");
    for chart in ["comparison", "backlog", "waits"] {
        assert_eq!(png_size(&out.join(format!("{chart}.png"))), (800, 450));
        assert!(fs::read_to_string(out.join(format!("{chart}.svg"))).unwrap().contains("<text"));
    }
    staffsim().arg("compare").arg(fixture("small.toml")).args(["--policies", "fifo,random"]).assert().code(2);
}

#[test]
fn the_scenario_policy_section_matches_the_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("lifo.toml");
    let text = fs::read_to_string(fixture("small.toml")).unwrap() + "\n[policy]\norder = \"lifo\"\n";
    fs::write(&path, text).unwrap();
    let from_file = tmp.path().join("a");
    staffsim().arg("run").arg(&path).arg("-q").arg("-o").arg(&from_file).assert().success();
    let (_t, from_flag) = run_into("small.toml", &["--policy", "lifo"]);
    assert_eq!(fs::read(from_file.join("summary.csv")).unwrap(), fs::read(from_flag.join("summary.csv")).unwrap());
    let run: serde_json::Value = serde_json::from_slice(&fs::read(from_file.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["policy"], "lifo");
}

#[test]
fn staff_writes_requirements_schedule_and_a_runnable_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("staff");
    let written = tmp.path().join("staffed.toml");
    let output = staffsim()
        .arg("staff")
        .arg(fixture("small.toml"))
        .args(["--json", "-q", "--format", "png", "--size", "640x360", "-o"])
        .arg(&out)
        .arg("--write-scenario")
        .arg(&written)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let v: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let (h, rows) = read_csv(&out.join("staffing.csv"));
    for name in [
        "interval_start",
        "kind",
        "name",
        "load_erlangs",
        "erlang_agents",
        "required_agents",
        "required_p10",
        "required_p90",
        "scheduled_agents",
    ] {
        column(&h, name);
    }
    assert_eq!(rows.len(), 336 * 4, "a week of 30-minute intervals: two queues, one team, the desk");
    let (th, totals) = read_csv(&out.join("staffing_totals.csv"));
    let fte: f64 = totals[0][column(&th, "fte")].parse().unwrap();
    let hours: f64 = totals[0][column(&th, "agent_hours_per_week")].parse().unwrap();
    assert!((fte - hours / 40.0).abs() < 0.01, "FTE = agent-hours / 40 without shrinkage");
    assert!(out.join("schedule.csv").exists() && out.join("staffing.png").exists());
    // Running the written scenario gives the promised service level.
    let run_out = tmp.path().join("run");
    staffsim().arg("run").arg(&written).arg("-q").arg("-o").arg(&run_out).assert().success();
    let (sh, summary) = read_csv(&run_out.join("summary.csv"));
    let sl = column(&sh, "service_level");
    let ci = column(&sh, "service_level_ci95");
    for (q, promised) in v["promised"].as_array().unwrap().iter().enumerate() {
        let got: f64 = summary[q][sl].parse().unwrap();
        let half: f64 = summary[q][ci].parse().unwrap_or(0.0);
        let p = promised["service_level"].as_f64().unwrap();
        assert!((got - p).abs() <= half + 1e-9, "queue {q}: run {got} vs promised {p} ± {half}");
    }
}

#[test]
fn sweep_shows_what_headcount_buys() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sweep");
    let assert = staffsim()
        .arg("sweep")
        .arg(fixture("small.toml"))
        .args(["--team", "support", "--agents", "2..6:2", "-q", "--size", "640x360", "-o"])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(stdout.contains("agents"));
    let (h, rows) = read_csv(&out.join("summary.csv"));
    assert_eq!(h[0], "agents");
    let sl = column(&h, "service_level");
    let chat: Vec<f64> = rows.iter().filter(|r| r[1] == "chat").map(|r| r[sl].parse().unwrap()).collect();
    assert_eq!(chat.len(), 3);
    assert!(chat[0] < chat[1] && chat[1] <= chat[2], "more agents, better service: {chat:?}");
    for chart in ["sweep", "sweep_asa"] {
        assert_eq!(png_size(&out.join(format!("{chart}.png"))), (640, 360));
    }
    staffsim().arg("sweep").arg(fixture("small.toml")).args(["--team", "nobody", "--agents", "2..4"]).assert().code(2);
    staffsim()
        .arg("sweep")
        .arg(fixture("small.toml"))
        .args(["--team", "suport", "--agents", "2..4"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean \"support\"?"));
    staffsim().arg("sweep").arg(fixture("small.toml")).args(["--team", "support", "--agents", "9..2"]).assert().code(2);
}

#[test]
fn every_kind_of_bad_input_is_refused_with_the_field_and_value() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("volume = \"700/week\"", "volume = \"-5/week\"", &["queue \"email\": volume", "-5/week"]),
        ("volume = \"700/week\"", "volume = \"nan/week\"", &["queue \"email\": volume", "nan"]),
        ("volume = \"700/week\"", "volume = \"700/fortnight\"", &["volume", "fortnight", "hour, day, week, month"]),
        ("target = 0.8 }\n\n[[queue]]", "target = nan }\n\n[[queue]]", &["sla.target", "NaN"]),
        ("target = 0.8 }\n\n[[queue]]", "target = -0.5 }\n\n[[queue]]", &["sla.target", "-0.5"]),
        (
            "sla = { within = \"4h\", target = 0.8 }",
            "sla = { average = \"-3m\" }",
            &["queue \"email\": sla.average", "\"-3m\"", "longer than zero"],
        ),
        (
            "sla = { within = \"4h\", target = 0.8 }",
            "sla = { target = 0.8, average = \"10m\" }",
            &["queue \"email\": sla.within", "is missing", "target = 0.8", "drop target"],
        ),
        (
            "sla = { within = \"4h\", target = 0.8 }",
            "sla = { }",
            &["queue \"email\": sla", "no target is given", "average = \"10m\""],
        ),
        (
            "sla = { within = \"4h\", target = 0.8 }",
            "sla = { within = \"4h\", target = 0.8, average = \"10 minutes\" }",
            &["sla.average", "10 minutes", "unknown unit"],
        ),
        ("sla = { within = \"4h\", target = 0.8 }", "sla = { within = \"4h\" }", &["sla.target", "is missing"]),
        ("mean = \"8m\", cv = 0.8", "mean = \"0s\", cv = 0.8", &["handle_time.mean", "longer than zero"]),
        ("mean = \"8m\", cv = 0.8", "mean = \"8m\", cv = inf", &["handle_time.cv", "inf"]),
        ("mean = \"8m\", cv = 0.8", "mean = \"8m\"", &["handle_time.cv", "required"]),
        ("hours = \"mon-fri 09:00-18:00\"", "hours = \"mon-fri 09:00-25:00\"", &["hours", "25:00", "HH:MM"]),
        ("hours = \"mon-fri 09:00-18:00\"", "hours = \"mon-fryday 09:00-18:00\"", &["hours", "fryday", "mon, tue"]),
        ("start = \"09:00\"", "start = \"9am\"", &["shifts[1].start", "9am"]),
        ("days = \"mon-fri\"", "days = \"weekdays\"", &["shifts[1].days", "weekdays"]),
        ("breaks = [\"13:00 1h\"]", "breaks = [\"20:00 1h\"]", &["breaks", "outside the shift"]),
        (
            "profile = \"business-day\"",
            "profile = [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,-1]",
            &["profile", "weight 24", "zero or more"],
        ),
        (
            "profile = \"business-day\"",
            "profile = [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]",
            &["profile", "all weights are zero"],
        ),
        ("profile = \"business-day\"", "profile = \"lunchtime\"", &["profile", "lunchtime", "business-day"]),
        ("name = \"chat\"\nchannel", "name = \"email\"\nchannel", &["queue \"email\"", "unique"]),
        ("horizon = \"1w\"", "horizon = \"0s\"", &["simulation.horizon", "longer than zero"]),
        ("interval = \"30m\"", "interval = \"7m\"", &["whole number of intervals"]),
        ("seed = 11", "seed = -3", &["simulation.seed", "-3"]),
        ("agents = 4", "agents = -4", &["agents", "-4"]),
        ("channel = \"chat\"", "channel = \"chatt\"", &["channel", "chatt", "did you mean \"chat\""]),
        ("volume = \"700/week\"", "volumes = \"700/week\"", &["unknown field `volumes`", "did you mean `volume`"]),
        ("[simulation]", "[simulation]\ntimezone = \"+25:00\"", &["simulation.timezone", "+25:00"]),
    ];
    for (from, to, expected) in cases {
        refused(&small_with(from, to), expected);
    }
    // Binary garbage, and a file with only a comment.
    let tmp = tempfile::tempdir().unwrap();
    let garbage = tmp.path().join("garbage.toml");
    fs::write(&garbage, [0xff, 0xfe, 0x00, 0x9c, 0x80, 0x01]).unwrap();
    staffsim().arg("check").arg(&garbage).assert().code(2).stderr(predicate::str::contains("not UTF-8"));
    let comment = tmp.path().join("comment.toml");
    fs::write(&comment, "# nothing here\n").unwrap();
    staffsim().arg("check").arg(&comment).assert().code(2).stderr(predicate::str::contains("missing field `name`"));
}

/// `error:` heads a message once. Problems of a scenario are counted, then
/// listed one a line at their `file:line:col` (the key in the file, for an
/// editor to jump to); a syntax error points at its line and column and
/// shows the line under it.
#[test]
fn errors_say_error_once_and_place_each_problem_at_its_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("desk.toml");
    let file = path.display();
    let stderr_of = |text: &str| {
        fs::write(&path, text).unwrap();
        let assert = staffsim().arg("check").arg(&path).assert().code(2);
        String::from_utf8_lossy(&assert.get_output().stderr).to_string()
    };
    let target = small_with("within = \"4h\", target = 0.8", "within = \"4h\", target = 1.3");
    let email = "queue \"email\": sla.target: 1.3 must be between 0 and 1 (0.8 means 80 %)";
    assert_eq!(stderr_of(&target), format!("error: {file}:19:24: {email}\n"));
    let two = target.replace("length = \"9h\"", "length = \"30h\"");
    let shift = "team \"support\": shifts[1].length: \"30h\" must be longer than zero and at most 24h";
    assert_eq!(stderr_of(&two), format!("error: {file}: 2 problems\n{file}:19:24: {email}\n{file}:35:48: {shift}\n"));
    // A missing field is placed at the table it belongs in: the queue's header.
    let stderr = stderr_of(&small_with("volume = \"900/week\"\n", ""));
    assert!(stderr.starts_with(&format!("error: {file}:21:1: queue \"chat\": give volume")), "{stderr}");
    let unquoted = small_with("horizon = \"1w\"", "horizon = 1w");
    assert_eq!(
        stderr_of(&unquoted),
        format!(
            "error: {file}:6:11: string values must be quoted, expected literal string\n  |\n6 | horizon = 1w\n  |           ^^\n"
        )
    );
    // A hint follows the line the parser points at.
    let stderr = stderr_of(&small_with("seed = 11", "sed = 11"));
    assert!(stderr.starts_with(&format!("error: {file}:10:1: unknown field `sed`")), "{stderr}");
    assert!(stderr.ends_with("10 | sed = 11\n   | ^^^\ndid you mean `seed` instead of `sed`?\n"), "{stderr}");
    assert_eq!(stderr.matches("error:").count(), 1, "{stderr}");
}

#[test]
fn alarming_but_allowed_input_warns_and_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("alarm.toml");
    // A third queue nobody serves, and far too much email.
    let text = small_with("volume = \"700/week\"", "volume = \"7000/week\"")
        + "\n[[queue]]\nname = \"orphan\"\nchannel = \"form\"\nvolume = \"10/day\"\nhandle_time = { dist = \"exponential\", mean = \"5m\" }\nsla = { within = \"1d\", target = 0.8 }\n";
    fs::write(&path, text).unwrap();
    staffsim()
        .arg("run")
        .arg(&path)
        .arg("-o")
        .arg(tmp.path().join("out"))
        .assert()
        .success()
        .stderr(predicate::str::contains("queue \"orphan\" is served by no team"))
        .stderr(predicate::str::contains("exceeds scheduled capacity").and(predicate::str::contains("tickets a week")));
    // A run too large to finish is refused before it starts, with the way out.
    let huge = tmp.path().join("huge.toml");
    fs::write(
        &huge,
        small_with("horizon = \"1w\"", "horizon = \"5000w\"")
            .replace("replications = 4", "replications = 9000")
            .replace("interval = \"30m\"", "interval = \"1d\""),
    )
    .unwrap();
    staffsim()
        .arg("run")
        .arg(&huge)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("billion tickets").and(predicate::str::contains("shorten")));
}

#[test]
fn staff_warns_loudly_about_intervals_the_shifts_cannot_cover() {
    let tmp = tempfile::tempdir().unwrap();
    let output = staffsim()
        .arg("staff")
        .arg(fixture("weekend-holes.toml"))
        .args(["-r", "3", "--format", "png", "--size", "640x360", "-o"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let named = stderr.contains("team \"weekend\"") && stderr.contains("Sat 14:00");
    assert!(stderr.contains("warning") && named, "{stderr}");
    assert!(stdout.contains("WARNING") && stdout.contains("Sun 14:00 (0 of"), "{stdout}");
    let (h, rows) = read_csv(&tmp.path().join("staffing.csv"));
    let under = column(&h, "under_coverage");
    let at = column(&h, "interval_start");
    let hole = rows.iter().find(|r| r[at] == "Sat 14:00" && r[1] == "team").unwrap();
    assert!(hole[under].parse::<f64>().unwrap() > 0.0);
    assert!(tmp.path().join("drivers.csv").exists());
}

#[test]
fn output_folders_are_replaced_whole_and_checked_before_any_work() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("desk");
    // A run whose statistics cover three weeks writes a typical week...
    let long = tmp.path().join("long.toml");
    let text = fs::read_to_string(fixture("small.toml")).unwrap();
    let with_horizon = |h: &str| {
        let mut t = text.clone();
        let at = t.find("horizon = ").unwrap();
        let end = at + t[at..].find('\n').unwrap();
        t.replace_range(at..end, &format!("horizon = \"{h}\""));
        t
    };
    fs::write(&long, with_horizon("29d")).unwrap();
    staffsim().arg("run").arg(&long).args(["-q", "--format", "svg", "-o"]).arg(&out).assert().success();
    assert!(out.join("week.csv").exists());
    // ... a shorter run into the same folder leaves no stale week.csv beside its run.json.
    let short = tmp.path().join("short.toml");
    fs::write(&short, with_horizon("5d")).unwrap();
    staffsim().arg("run").arg(&short).args(["-q", "--format", "svg", "-o"]).arg(&out).assert().success();
    assert!(!out.join("week.csv").exists(), "the old typical week is gone");
    assert!(out.join("run.json").exists());
    let leftovers: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("staffsim-"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files or folders: {leftovers:?}");
    // What a killed process left beside the folder is removed by the next run.
    let dead = tmp.path().join(".desk.staffsim-tmp-4000000000");
    fs::create_dir(&dead).unwrap();
    fs::write(dead.join("summary.csv"), "partial").unwrap();
    staffsim().arg("run").arg(&short).args(["-q", "--format", "svg", "-o"]).arg(&out).assert().success();
    assert!(!dead.exists(), "a dead process's temporary folder is cleaned up");
    // Someone else's folder, a file, and a name too long are refused before simulating.
    let mine = tmp.path().join("mine");
    fs::create_dir(&mine).unwrap();
    fs::write(mine.join("notes.txt"), "keep me").unwrap();
    staffsim()
        .arg("run")
        .arg(fixture("small.toml"))
        .arg("-o")
        .arg(&mine)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did not write"));
    assert_eq!(fs::read_to_string(mine.join("notes.txt")).unwrap(), "keep me");
    staffsim().arg("run").arg(fixture("small.toml")).arg("-o").arg(mine.join("notes.txt")).assert().code(2);
    staffsim().arg("run").arg(fixture("small.toml")).arg("-o").arg(tmp.path().join("x".repeat(300))).assert().code(2);
    staffsim().arg("run").arg(fixture("small.toml")).args(["--threads", "100000"]).assert().code(2);
}

#[test]
fn written_scenarios_never_replace_the_input_or_a_device() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("desk.toml");
    fs::copy(fixture("small.toml"), &input).unwrap();
    let before = fs::read(&input).unwrap();
    let staff = |target: &Path, force: bool| {
        let mut c = staffsim();
        c.arg("staff").arg(&input).args(["-q", "-r", "2", "--format", "svg", "-o"]).arg(tmp.path().join("out"));
        c.arg("--write-scenario").arg(target);
        if force {
            c.arg("--force");
        }
        c.assert()
    };
    staff(&input, true).code(2).stderr(predicate::str::contains("the scenario being staffed"));
    assert_eq!(fs::read(&input).unwrap(), before, "the input is untouched");
    let other = tmp.path().join("staffed.toml");
    fs::write(&other, "old").unwrap();
    staff(&other, false).code(2).stderr(predicate::str::contains("--force"));
    staff(&other, true).success();
    assert!(fs::read_to_string(&other).unwrap().contains("Written by `staffsim staff`"));
    staffsim()
        .args(["init", "--force", "/dev/null"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a regular file"));
}

#[test]
fn an_interrupted_run_leaves_nothing_half_written() {
    // Interrupted at several moments: while simulating, while the files go
    // into the temporary folder one by one, while the folder is swapped in.
    for delay_ms in [150, 300, 450, 600, 750] {
        let tmp = tempfile::tempdir().unwrap();
        let slow = tmp.path().join("slow.toml");
        let text =
            fs::read_to_string(fixture("small.toml")).unwrap().replace("replications = ", "replications = 400 #");
        fs::write(&slow, text).unwrap();
        let out = tmp.path().join("out");
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("staffsim"))
            .arg("run")
            .arg(&slow)
            .args(["-q", "--format", "both", "-o"])
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status();
        let status = child.wait().unwrap();
        // Either it finished first (a whole folder) or it was stopped (nothing).
        if out.exists() {
            let files = fs::read_dir(&out).unwrap().count();
            assert!(out.join("run.json").exists() && files >= 15, "after {delay_ms} ms: {files} files");
        } else {
            assert_eq!(status.code(), Some(130), "{status:?}");
        }
        let leftovers: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains("staffsim-"))
            .collect();
        assert!(leftovers.is_empty(), "no temporary left after {delay_ms} ms: {leftovers:?}");
    }
}

#[test]
fn completions_load_in_bash_and_complete_the_commands() {
    for shell in ["bash", "zsh", "fish"] {
        let out = staffsim().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        for word in ["staffsim", "merge", "sweep", "--shard"] {
            assert!(script.contains(word), "{shell}: {word}");
        }
    }
    // Loaded in bash and asked, as bash asks on Tab, for `staffsim me`.
    let bin = assert_cmd::cargo::cargo_bin("staffsim");
    let probe = format!(
        "source <('{}' completions bash) && complete -p staffsim && COMP_WORDS=(staffsim me) COMP_CWORD=1 \
         COMP_LINE='staffsim me' COMP_POINT=11 && _staffsim staffsim me staffsim && printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        bin.display()
    );
    let out = std::process::Command::new("bash").args(["-c", &probe]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.lines().any(|l| l == "merge"), "{text}");
    staffsim().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn the_manual_page_and_the_version_name_what_was_built() {
    let out = staffsim().arg("man").output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains(".TH staffsim 1"), "{}", &page[..200.min(page.len())]);
    for command in ["run", "compare", "staff", "sweep", "merge", "erlang", "completions"] {
        assert!(page.contains(command), "{command}");
    }
    let version = String::from_utf8(staffsim().arg("--version").output().unwrap().stdout).unwrap();
    assert!(version.starts_with(&format!("staffsim {}", env!("CARGO_PKG_VERSION"))), "{version}");
    // Built from a git checkout: the commit is named.
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    if let Some(head) = head.ok().filter(|h| h.status.success()) {
        let commit = String::from_utf8_lossy(&head.stdout).trim().to_string();
        assert!(version.contains(&format!("({commit}")), "{version} against {commit}");
    }
}

#[test]
fn color_is_asked_for_or_refused_whatever_the_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = staffsim();
        cmd.arg("run").arg(fixture("small.toml")).args(["-q", "--format", "png", "-o"]).arg(tmp.path().join("o"));
        cmd.args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        String::from_utf8(cmd.output().unwrap().stdout).unwrap()
    };
    // Piped: auto means none; always paints met targets green even here.
    assert!(!run(&[], &[]).contains('\x1b'));
    let always = run(&["--color", "always"], &[("TERM", "dumb")]);
    assert!(always.contains("\x1b[1;31m") || always.contains("\x1b[1;32m") || always.contains("\x1b[32m"), "{always}");
    assert!(!run(&["--color", "never"], &[]).contains('\x1b'));
    // The flag goes anywhere on the line, and a wrong value is refused.
    let before = staffsim().args(["--color", "always", "check"]).arg(fixture("small.toml")).output().unwrap();
    assert!(before.status.success());
    staffsim().args(["--color", "sometimes", "check"]).arg(fixture("small.toml")).assert().code(2);
}

/// `-` reads the scenario from standard input, for `check` and every
/// simulating command; the results are those of the same file, and a
/// second `-` is refused instead of read as an empty scenario.
#[test]
fn a_scenario_can_come_from_standard_input() {
    let text = fs::read_to_string(fixture("small.toml")).unwrap();
    staffsim()
        .args(["check", "-"])
        .write_stdin(text.clone())
        .assert()
        .success()
        .stdout(predicate::str::contains("- is valid"));
    let dir = tempfile::tempdir().unwrap();
    let (piped, file) = (dir.path().join("piped"), dir.path().join("file"));
    staffsim()
        .args(["run", "-", "-q", "--format", "png", "-o", piped.to_str().unwrap()])
        .write_stdin(text.clone())
        .assert()
        .success();
    staffsim()
        .args(["run", fixture("small.toml").to_str().unwrap(), "-q", "--format", "png", "-o", file.to_str().unwrap()])
        .assert()
        .success();
    for name in ["summary.csv", "intervals.csv"] {
        assert_eq!(fs::read(piped.join(name)).unwrap(), fs::read(file.join(name)).unwrap(), "{name}");
    }
    staffsim()
        .args(["check", "-"])
        .write_stdin("[simulation\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("<stdin>"));
    staffsim()
        .args(["compare", "-", "-", "-q", "-o", dir.path().join("twice").to_str().unwrap()])
        .write_stdin(text)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("standard input (-) can hold one scenario"));
}

/// `--policy` lists the five built-in orders in `--help` and offers them to
/// shell completion, while a plan's name (known only to the scenario) is
/// still accepted and a wrong name gets a did-you-mean.
#[test]
fn policy_names_are_listed_completed_and_checked() {
    let help = staffsim().args(["run", "--help"]).output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    for name in ["per-queue", "fifo", "lifo", "priority", "sla-first"] {
        assert!(help.contains(&format!("- {name}:")), "{name} in\n{help}");
    }
    assert!(!help.contains("- all:  the five orders"), "all is for compare --policies only");
    let compare = String::from_utf8(staffsim().args(["compare", "--help"]).output().unwrap().stdout).unwrap();
    assert!(
        compare.contains("the five orders, then the scenario's plans") && !compare.contains("--policy <"),
        "{compare}"
    );
    let bash = String::from_utf8(staffsim().args(["completions", "bash"]).output().unwrap().stdout).unwrap();
    assert!(bash.contains("per-queue fifo lifo priority sla-first"), "completion offers the orders");
    staffsim()
        .args(["run", fixture("small.toml").to_str().unwrap(), "--policy", "lifp", "-q", "-o"])
        .arg(tempfile::tempdir().unwrap().path().join("x"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown policy \"lifp\"").and(predicate::str::contains("lifo")));
}
