//! Input that passes the parser but would make staffsim run for hours, fill
//! memory, compute nonsense or write unsafe files: each gets a message and
//! exit code 2 (or runs correctly and quickly), through the real CLI.

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

/// A one-queue desk; `simulation`, `queue` and `team` add or replace lines.
fn desk(simulation: &str, queue: &str, team: &str) -> String {
    let replications = if simulation.contains("replications") { "" } else { "replications = 2\n" };
    format!(
        "name = \"guard\"\n[simulation]\n{replications}seed = 1\n{simulation}\n\n\
         [[queue]]\nname = \"email\"\nchannel = \"email\"\n{queue}\n\
         handle_time = {{ dist = \"exponential\", mean = \"8m\" }}\nsla = {{ within = \"4h\", target = 0.8 }}\n\n\
         [[team]]\nname = \"support\"\nskills = [\"email\"]\n{team}\n"
    )
}

fn write(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("desk.toml");
    fs::write(&path, text).unwrap();
    path
}

/// `staffsim ARGS… desk.toml` must exit 2 naming the file and every
/// `expected` text, writing nothing.
fn refused(text: &str, command: &[&str], expected: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let path = write(tmp.path(), text);
    let stderr = refused_in(tmp.path(), &path, command, false);
    assert!(stderr.starts_with("error: ") && stderr.contains("desk.toml"), "names the file: {stderr}");
    for e in expected {
        assert!(stderr.contains(e), "expected {e:?} in: {stderr}");
    }
}

/// Runs `staffsim ARGS… path -o DIR/out` (no `-o` for `check`), with
/// `--ticket-log DIR/tickets.csv` when `ticket_log`; expects exit code 2
/// with nothing written, and returns the error text.
fn refused_in(dir: &Path, path: &Path, command: &[&str], ticket_log: bool) -> String {
    let (out, log) = (dir.join("out"), dir.join("tickets.csv"));
    let mut cmd = staffsim();
    cmd.args(command).arg(path).timeout(secs(20));
    if command != ["check"] {
        cmd.arg("-o").arg(&out);
    }
    if ticket_log {
        cmd.arg("--ticket-log").arg(&log);
    }
    let assert = cmd.assert().code(2);
    assert!(!out.exists() && !log.exists(), "nothing written");
    String::from_utf8_lossy(&assert.get_output().stderr).to_string()
}

fn secs(n: u64) -> std::time::Duration {
    std::time::Duration::from_secs(n)
}

fn read_csv(path: &Path) -> Vec<csv::StringRecord> {
    csv::Reader::from_path(path).unwrap().records().map(|r| r.unwrap()).collect()
}

#[test]
fn weights_of_any_magnitude_simulate_the_volume() {
    let week = |w: &str| format!("profile = [{}]\nweekly = [{}]", [w; 24].join(", "), [w; 7].join(", "));
    for w in ["5e-324", "1e308"] {
        let tmp = tempfile::tempdir().unwrap();
        let shape = week(w);
        let path =
            write(tmp.path(), &desk("horizon = \"1w\"", &format!("volume = \"700/week\"\n{shape}"), "agents = 3"));
        staffsim().arg("check").arg(&path).assert().success().stdout(predicate::str::contains("700 tickets/week"));
        let out = tmp.path().join("out");
        staffsim()
            .arg("run")
            .arg(&path)
            .args(["-q", "--format", "svg", "-o"])
            .arg(&out)
            .timeout(secs(20))
            .assert()
            .success();
        let all = read_csv(&out.join("summary.csv")).into_iter().find(|r| &r[0] == "all").unwrap();
        let offered: f64 = all[1].parse().unwrap();
        assert!((offered - 700.0).abs() < 5.0 * 700f64.sqrt(), "{w}: {offered} tickets, expected about 700");
    }
}

#[test]
fn volumes_that_cannot_be_computed_are_refused() {
    refused(
        &desk("horizon = \"1w\"", "volume = \"1e-320/week\"", "agents = 3"),
        &["check"],
        &["queue \"email\": volume: \"1e-320/week\"", "\"0/week\""],
    );
    refused(
        &desk("horizon = \"1w\"", "volume = \"1e308/hour\"", "agents = 3"),
        &["run"],
        &["queue \"email\": volume: \"1e308/hour\"", "realistic volume"],
    );
}

/// Runs `queue`'s desk for `simulation` within 20 s and returns the desk's
/// tickets offered (summary.csv's `all` row).
fn runs_at_once(simulation: &str, queue: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let path = write(tmp.path(), &desk(simulation, queue, "agents = 3"));
    let out = tmp.path().join("out");
    staffsim()
        .arg("run")
        .arg(&path)
        .args(["-q", "--format", "svg", "-o"])
        .arg(&out)
        .timeout(secs(20))
        .assert()
        .success();
    let all = read_csv(&out.join("summary.csv")).into_iter().find(|r| &r[0] == "all").unwrap();
    all[1].to_string()
}

#[test]
fn a_queue_with_almost_no_tickets_runs_at_once() {
    assert_eq!(runs_at_once("horizon = \"10000w\"\ninterval = \"1w\"", "volume = \"1e-13/week\""), "0.00");
}

#[test]
fn a_volume_too_small_for_the_clock_runs_at_once() {
    // 3e-67 tickets a week, shaped: the next arrival lies too far ahead for
    // the clock to place (found by the coverage-guided fuzzer; it hung).
    let shaped = "volume = \"3e-67/week\"\nprofile = \"business-day\"\nweekly = \"weekend-light\"";
    assert_eq!(runs_at_once("horizon = \"4w\"", shaped), "0.00");
}

#[test]
fn a_long_warm_up_of_short_intervals_runs_at_once() {
    // 99 999 weeks of warm-up in 1-minute intervals: the warm-up's interval
    // ends are not simulated one by one.
    let tmp = tempfile::tempdir().unwrap();
    let path = write(
        tmp.path(),
        &desk("horizon = \"100000w\"\nwarmup = \"99999w\"\ninterval = \"1m\"", "volume = \"1/week\"", "agents = 3"),
    );
    let out = tmp.path().join("out");
    staffsim()
        .arg("run")
        .arg(&path)
        .args(["-q", "--format", "svg", "-o"])
        .arg(&out)
        .timeout(secs(20))
        .assert()
        .success();
    assert_eq!(read_csv(&out.join("intervals.csv")).len(), 7 * 24 * 60 * 2, "one week of minutes, queue and desk");
}

#[test]
fn runs_too_large_to_finish_are_refused_with_the_way_out() {
    // Tickets.
    refused(
        &desk("horizon = \"100000000000w\"\ninterval = \"100000w\"", "volume = \"700/week\"", "agents = 3"),
        &["run"],
        &["this would take about", "tickets", "shorten simulation.horizon"],
    );
    // `check` gives the same verdict as `run`.
    refused(
        &desk("horizon = \"100000000000w\"\ninterval = \"100000w\"", "volume = \"700/week\"", "agents = 3"),
        &["check"],
        &["this would take about", "tickets"],
    );
    // No tickets at all, but the opening hours repeat for 1e11 weeks.
    refused(
        &desk(
            "horizon = \"100000000000w\"\ninterval = \"100000w\"",
            "volume = \"0/week\"\nhours = \"mon-fri 09:00-18:00\"",
            "agents = 3",
        ),
        &["compare"],
        &["opening-hour and shift changes", "shorten simulation.horizon"],
    );
    // Shifts of 100 000 agents starting and ending every day for ten million weeks.
    refused(
        &desk(
            "horizon = \"10000000w\"\ninterval = \"10000w\"",
            "volume = \"0/week\"",
            "shifts = [{ days = \"daily\", start = \"09:00\", length = \"8h\", agents = 100000 }]",
        ),
        &["run"],
        &["agents starting or ending duty"],
    );
    // 1.9 million 1-minute intervals of 60 queues: tens of gigabytes of
    // tables for each replication in flight, whatever the replications.
    let mut more = String::from("agents = 1\n");
    for i in 1..60 {
        more += &format!(
            "\n[[queue]]\nname = \"q{i}\"\nchannel = \"email\"\nvolume = \"0/week\"\n\
             handle_time = {{ dist = \"exponential\", mean = \"8m\" }}\nsla = {{ within = \"4h\", target = 0.8 }}\n"
        );
    }
    let skills: Vec<String> = (1..60).map(|i| format!("\"q{i}\"")).collect();
    more += &format!("\n[[team]]\nname = \"others\"\nskills = [{}]\nagents = 1\n", skills.join(", "));
    refused(
        &desk("horizon = \"190w\"\ninterval = \"1m\"", "volume = \"0/week\"", &more),
        &["run"],
        &["of memory", "1.9 million intervals × (60 queues + 2 teams)", "longer simulation.interval"],
    );
    // A billion tickets a week for one agent: the backlog fills memory.
    refused(
        &desk("horizon = \"1w\"\ninterval = \"1d\"", "volume = \"1000000000/week\"", "agents = 1"),
        &["run"],
        &["of memory", "tickets pile up", "add agents"],
    );
}

#[test]
fn a_ticket_log_that_would_fill_memory_is_refused_before_any_simulating() {
    // Three billion tickets in a replication, none piling up: a run the
    // guard lets through (announced), but not with every ticket's record
    // held for the log.
    let tmp = tempfile::tempdir().unwrap();
    let path = write(
        tmp.path(),
        &desk(
            "horizon = \"3w\"\nwarmup = \"0s\"\ninterval = \"1w\"\nreplications = 1",
            "volume = \"1000000000/week\"\npatience = { dist = \"exponential\", mean = \"2m\" }",
            "agents = 3",
        ),
    );
    staffsim().arg("check").arg(&path).timeout(secs(20)).assert().success();
    let stderr = refused_in(tmp.path(), &path, &["run"], true);
    for e in ["desk.toml", "of memory", "--ticket-log keeps each replication's 3.0 billion ticket records"] {
        assert!(stderr.contains(e), "expected {e:?} in: {stderr}");
    }
    let left: Vec<_> = fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, vec![std::ffi::OsString::from("desk.toml")], "no temporary left");
}

#[test]
fn a_ticket_log_too_large_for_its_disk_is_refused_before_any_simulating() {
    // 19 billion tickets in all (a run the guard lets through, announced)
    // on a queue with a 1 000-character name: at least 20 TB of log, from
    // 99 % of the expected arrivals.
    let tmp = tempfile::tempdir().unwrap();
    let name = "q".repeat(1000);
    let text = desk(
        "horizon = \"1w\"\nwarmup = \"0s\"\ninterval = \"1d\"\nreplications = 1000",
        "volume = \"19000000/week\"\npatience = { dist = \"exponential\", mean = \"2m\" }",
        "agents = 3",
    )
    .replace("\"email\"", &format!("\"{name}\""))
    .replace(&format!("channel = \"{name}\""), "channel = \"email\"");
    let path = write(tmp.path(), &text);
    let stderr = refused_in(tmp.path(), &path, &["run"], true);
    for e in [
        "error: --ticket-log ",
        "tickets.csv: the log would take at least",
        "(18.8 billion rows)",
        "free;",
        "another disk",
    ] {
        assert!(stderr.contains(e), "expected {e:?} in: {stderr}");
    }
}

#[test]
fn absurd_command_line_numbers_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    staffsim()
        .args(["run"])
        .arg(fixture("small.toml"))
        .args(["--threads", "100000", "-o"])
        .arg(tmp.path().join("out"))
        .timeout(secs(20))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--threads 100000: give at most 1024"));
    let erlang = |extra: &[&str]| {
        let mut c = staffsim();
        c.args(["erlang", "--volume", "100/hour", "--aht", "6m", "--sla", "80% in 20s"]).args(extra).timeout(secs(20));
        c
    };
    erlang(&["--agents", "4294967295"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--agents 4294967295 must be at most 1000000"));
    erlang(&["--shrinkage", "0.9999999999"]).assert().code(2).stderr(predicate::str::contains("between 0 and 0.95"));
    erlang(&["--shrinkage", "0.95", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"agents_with_shrinkage\": 280"));
    staffsim()
        .args(["erlang", "--volume", "1e12/hour", "--aht", "6m", "--sla", "80% in 20s"])
        .timeout(secs(20))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Erlangs").and(predicate::str::contains("check the volume's unit")));
}

#[test]
fn erlang_with_no_customers_needs_nobody() {
    let out = staffsim()
        .args(["erlang", "--volume", "0/hour", "--aht", "6m", "--sla", "80% in 20s", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["required_agents"], 0);
    assert_eq!(v["occupancy"], 0.0);
    assert_eq!(v["p_wait"], 0.0);
    assert_eq!(v["service_level"], 1.0);
}

#[test]
fn names_that_cannot_be_written_are_refused_before_simulating() {
    let long = desk("horizon = \"1w\"", "volume = \"7/week\"", "agents = 1")
        .replace("name = \"guard\"", &format!("name = \"{}\"", "a".repeat(256)));
    refused(&long, &["check"], &["name: ", "256 characters", "at most 100"]);
    let control = desk("horizon = \"1w\"", "volume = \"7/week\"", "agents = 1")
        .replace("name = \"support\"", "name = \"tier\\u001b1\"");
    refused(&control, &["run"], &["team \"tier\\u{1b}1\": the name contains a control character"]);
}

#[test]
fn team_names_with_slashes_make_safe_chart_files() {
    let tmp = tempfile::tempdir().unwrap();
    let text = desk("horizon = \"1w\"\ninterval = \"1h\"", "volume = \"300/week\"", "agents = 2")
        + "\n[[team]]\nname = \"night/weekend\"\nskills = [\"email\"]\nagents = 1\n";
    let path = write(tmp.path(), &text);
    let out = tmp.path().join("out");
    staffsim()
        .arg("staff")
        .arg(&path)
        .args(["-q", "-r", "2", "--format", "svg", "-o"])
        .arg(&out)
        .timeout(secs(60))
        .assert()
        .success();
    assert!(out.join("staffing-night_weekend.svg").exists());
}

#[test]
fn names_that_look_like_formulas_are_text_in_every_csv_file() {
    let tmp = tempfile::tempdir().unwrap();
    let text = desk("horizon = \"1w\"\ninterval = \"1h\"", "volume = \"300/week\"", "agents = 2")
        .replace("name = \"email\"", "name = \"=HYPERLINK(\\\"http://x\\\")\"")
        .replace("[\"email\"]", "[\"=HYPERLINK(\\\"http://x\\\")\"]")
        .replace("name = \"support\"", "name = \"@SUM(A1)\"")
        + "\n[[queue]]\nname = \"-2+3\"\nchannel = \"chat\"\nvolume = \"100/week\"\n\
           handle_time = { dist = \"exponential\", mean = \"5m\" }\nsla = { within = \"1m\", target = 0.8 }\n\
           \n[[team]]\nname = \"+chat\"\nskills = [\"-2+3\"]\nagents = 1\n";
    let path = write(tmp.path(), &text);
    let run = tmp.path().join("run");
    staffsim().arg("run").arg(&path).args(["-q", "--format", "svg", "-o"]).arg(&run).assert().success();
    let staff = tmp.path().join("staff");
    staffsim()
        .arg("staff")
        .arg(&path)
        .args(["-q", "-r", "2", "--format", "svg", "-o"])
        .arg(&staff)
        .timeout(secs(60))
        .assert()
        .success();
    let mut files: Vec<PathBuf> =
        ["summary.csv", "intervals.csv", "teams.csv", "waits.csv"].iter().map(|f| run.join(f)).collect();
    files.extend(["staffing.csv", "schedule.csv", "promised.csv"].iter().map(|f| staff.join(f)));
    for file in files {
        let cells: Vec<String> =
            read_csv(&file).iter().flat_map(|r| r.iter().map(String::from).collect::<Vec<_>>()).collect();
        let formulas: Vec<&String> =
            cells.iter().filter(|c| c.starts_with(['=', '+', '-', '@']) && c.parse::<f64>().is_err()).collect();
        assert!(formulas.is_empty(), "{}: {formulas:?}", file.display());
        let quoted = ["'=HYPERLINK(\"http://x\")", "'-2+3", "'@SUM(A1)", "'+chat"];
        assert!(cells.iter().any(|c| quoted.contains(&c.as_str())), "{}: names kept as text", file.display());
    }
    // Numbers stay numbers.
    let summary = read_csv(&run.join("summary.csv"));
    assert_eq!(&summary[0][0], "'=HYPERLINK(\"http://x\")");
    assert!(summary[0][1].parse::<f64>().unwrap() > 0.0);
}

#[test]
fn the_wait_curve_never_goes_down_and_meets_the_service_level() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    staffsim()
        .arg("run")
        .arg(fixture("wait-curve.toml"))
        .args(["-q", "--format", "svg", "-o"])
        .arg(&out)
        .assert()
        .success();
    let summary = read_csv(&out.join("summary.csv"));
    let waits = read_csv(&out.join("waits.csv"));
    for queue in ["email", "chat", "all"] {
        let curve: Vec<(f64, f64)> =
            waits.iter().filter(|r| &r[0] == queue).map(|r| (r[1].parse().unwrap(), r[2].parse().unwrap())).collect();
        assert!(curve.len() > 100, "{queue}");
        for w in curve.windows(2) {
            assert!(w[1].1 >= w[0].1, "{queue}: {:?} then {:?}", w[0], w[1]);
        }
        if queue != "all" {
            let within = if queue == "chat" { 74.282 } else { 4.0 * 3600.0 };
            let at = curve.iter().find(|p| (p.0 - within).abs() < 1e-3).unwrap();
            let sl = &summary.iter().find(|r| &r[0] == queue).unwrap()[7];
            assert_eq!(format!("{:.4}", at.1), *sl, "{queue}: the curve passes through the service level");
        }
    }
}

#[test]
fn running_out_of_memory_ends_with_a_message_and_writes_nothing() {
    // Ten years of the 40-queue desk: its reporting tables alone need more
    // than the 200 MB of address space the shell allows the process.
    let tmp = tempfile::tempdir().unwrap();
    let big = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/scenarios/staff-1000.toml");
    let text = fs::read_to_string(big).unwrap().replace("horizon = \"3w\"", "horizon = \"520w\"");
    assert!(text.contains("520w"));
    let path = tmp.path().join("ten-years.toml");
    fs::write(&path, text).unwrap();
    let out = tmp.path().join("out");
    let bin = assert_cmd::cargo::cargo_bin("staffsim");
    let assert = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 200000 && exec \"$0\" \"$@\"")
        .arg(&bin)
        .args(["run", "-q", "-r", "1", "--threads", "1", "--format", "svg", "-o"])
        .arg(&out)
        .arg(&path)
        .timeout(secs(60))
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.starts_with("error: out of memory"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line, no backtrace: {stderr}");
    assert!(!out.exists(), "nothing written");
    let left: Vec<_> = fs::read_dir(tmp.path()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(left.len(), 1, "no temporary files: {left:?}");
}

#[test]
fn bad_dated_events_name_the_event_field_value_and_fix() {
    let dated = "start = \"2026-12-07 00:00\"\nhorizon = \"2w\"";
    let with = |event: &str| format!("{}\n[[event]]\n{event}\n", desk(dated, "volume = \"100/day\"", "agents = 3"));
    refused(
        &with("kind = \"holiday\"\ndate = \"2026-12-32\""),
        &["check"],
        &["event[1].date: \"2026-12-32\" is not a date: Dec 2026 has 31 days"],
    );
    refused(&with("kind = \"holiday\"\ndate = \"2026-02-29\""), &["check"], &["Feb 2026 has 28 days"]);
    refused(
        &with("kind = \"spike\"\nname = \"release\"\nfrom = \"2026-12-10\"\nto = \"2026-12-09\"\nvolume = 2"),
        &["check"],
        &["event[1] \"release\".to: \"2026-12-09\" is not after from = \"2026-12-10\""],
    );
    refused(
        &with("kind = \"holiday\"\ndate = \"2027-01-15\""),
        &["check"],
        &[
            "event[1]: Fri 15 Jan 2027 00:00 to Sat 16 Jan 2027 00:00 lies outside the simulation",
            "Mon 21 Dec 2026 00:00",
        ],
    );
    refused(
        &with("kind = \"spike\"\ndate = \"2026-12-09\"\nvolume = 1.5\nqueues = [\"emial\"]"),
        &["check"],
        &["event[1].queues: \"emial\" is not a queue; known queues: email; did you mean \"email\"?"],
    );
    refused(
        &with("kind = \"temps\"\nteam = \"suport\"\nfrom = \"2026-12-14\"\nhours = \"09:00-17:00\"\nagents = 3"),
        &["check"],
        &["event[1].team: \"suport\" is not a team", "did you mean \"support\"?"],
    );
    refused(
        &with("kind = \"spike\"\ndate = \"2026-12-09\"\nvolume = 0"),
        &["check"],
        &["event[1].volume: 0 gives a factor of 0, which must be more than zero"],
    );
    refused(
        &with("kind = \"spike\"\ndate = \"2026-12-09\"\nvolume = \"-100%\""),
        &["check"],
        &["must be more than zero", "kind = \"holiday\""],
    );
    refused(
        &with("kind = \"party\"\ndate = \"2026-12-09\""),
        &["check"],
        &["event[1].kind: \"party\" is not a kind of event; expected one of holiday, spike, staff"],
    );
    refused(
        &with("kind = \"holiday\"\ndate = \"2026-12-09\"\nvolume = 2"),
        &["check"],
        &["event[1].volume: does not apply to kind = \"holiday\""],
    );
    refused(
        &with("kind = \"holiday\"\ndate = \"2026-12-09\"\nqueue = [\"email\"]"),
        &["check"],
        &["unknown field `queue`", "did you mean `queues`"],
    );
    refused(
        &with("kind = \"temps\"\nteam = \"support\"\ndate = \"2026-12-09\"\nagents = 0\nhours = \"09:00-17:00\""),
        &["check"],
        &["event[1].agents: 0 must be between 1 and 100000"],
    );
    refused(
        &with("kind = \"temps\"\nteam = \"support\"\ndate = \"2026-12-09\"\nagents = 2"),
        &["check"],
        &["event[1].hours: missing"],
    );
    // A date needs a dated simulation; clear_by too.
    let weekly = desk("horizon = \"2w\"", "volume = \"100/day\"", "agents = 3");
    refused(
        &format!("{weekly}\n[[event]]\nkind = \"holiday\"\ndate = \"2026-12-24\"\n"),
        &["run"],
        &["event[1]: has a date but the simulation has none", "start = \"2026-12-07 00:00\""],
    );
    refused(
        &desk("horizon = \"2w\"\nclear_by = \"2026-12-24\"", "volume = \"100/day\"", "agents = 3"),
        &["check"],
        &["simulation.clear_by: \"2026-12-24\" is a date but the simulation has none"],
    );
    refused(
        &desk(&format!("{dated}\nclear_by = \"2027-02-01\""), "volume = \"100/day\"", "agents = 3"),
        &["check"],
        &["simulation.clear_by: \"2027-02-01\" is outside the simulation"],
    );
    refused(
        &desk("start = \"2026-13-07 00:00\"\nhorizon = \"2w\"", "volume = \"100/day\"", "agents = 3"),
        &["check"],
        &["simulation.start: \"2026-13-07\" is not a date"],
    );
    refused(
        &desk("start = \"someday\"\nhorizon = \"2w\"", "volume = \"100/day\"", "agents = 3"),
        &["check"],
        &["simulation.start:", "or a date and time like \"2026-12-07 00:00\""],
    );
}

#[test]
fn bad_callback_and_outbound_input_exits_2_naming_queue_field_value_and_fix() {
    let desk = |phone: &str, list: &str| {
        format!(
            r#"name = "d"
[simulation]
horizon = "1w"
[[queue]]
name = "phone"
channel = "phone"
volume = "100/day"
handle_time = {{ dist = "exponential", mean = "5m" }}
sla = {{ within = "30s", target = 0.8 }}
{phone}
[[queue]]
name = "callbacks"
channel = "callback"
volume = "0/day"
handle_time = {{ dist = "exponential", mean = "5m" }}
sla = {{ within = "30m", target = 0.8 }}
[[queue]]
name = "activation"
channel = "outbound"
volume = "50/day"
handle_time = {{ dist = "exponential", mean = "8m" }}
sla = {{ within = "1d", target = 0.8 }}
{list}
[[team]]
name = "t"
skills = ["phone", "callbacks", "activation"]
agents = 3
"#
        )
    };
    let list = r#"outbound = { answer_rate = 0.4, attempts = 3, retry_after = "2h", no_answer_time = "1m" }"#;
    refused(
        &desk(r#"callback = { queue = "callbacks", share = 1.5 }"#, list),
        &["run"],
        &["queue \"phone\": callback.share: 1.5 must be between 0 and 1"],
    );
    refused(
        &desk("", &list.replace("0.4", "0.0")),
        &["run"],
        &["queue \"activation\": outbound.answer_rate: 0 must be above 0", "nobody is ever reached"],
    );
    refused(
        &desk("", &list.replace("attempts = 3", "attempts = 0")),
        &["check"],
        &["queue \"activation\": outbound.attempts: 0 must be between 1 and 50"],
    );
    refused(
        &desk(r#"callback = { queue = "call-backs", share = 0.5 }"#, list),
        &["run"],
        &["queue \"phone\": callback.queue: \"call-backs\" is not a queue"],
    );
    refused(
        &desk(list, list),
        &["run"],
        &["queue \"phone\": outbound: only queues with channel = \"outbound\"", "set channel = \"outbound\""],
    );
}
