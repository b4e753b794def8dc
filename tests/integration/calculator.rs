//! `staffsim erlang` as a calculator: open hours, concurrency, an
//! occupancy cap, ranges (a band) and a CSV of intervals. Each answer is
//! checked against Erlang C computed another way (the same formula on the
//! arrival rate worked out by hand, or the textbook bound).

use assert_cmd::Command;
use predicates::prelude::*;

fn staffsim() -> Command {
    Command::cargo_bin("staffsim").expect("binary built")
}

fn json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["erlang", "--json"];
    all.extend_from_slice(args);
    let output = staffsim().args(&all).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// 7000 a month (30 days) over Mon-Fri 09:00-18:00 (45 h a week) is
/// 7000 × 7/30 ÷ 45 = 36.30 an open hour; spread over all 168 hours it
/// would be 9.72, and Erlang C's requirement more than halves — the
/// understaffing `--hours` exists to prevent.
#[test]
fn a_volume_is_spread_over_the_open_hours_only() {
    let open =
        json(&["--volume", "7000/month", "--hours", "mon-fri 09:00-18:00", "--aht", "6m", "--sla", "80% in 20s"]);
    let rate = 7000.0 * 7.0 / 30.0 / 45.0;
    assert!((open["arrivals_per_hour"].as_f64().unwrap() - rate).abs() < 1e-9, "{open}");
    assert_eq!(open["open_hours_per_week"], 45.0);
    let by_hand = json(&["--volume", &format!("{rate}/hour"), "--aht", "6m", "--sla", "80% in 20s"]);
    assert_eq!(open["required_agents"], by_hand["required_agents"]);
    assert_eq!(open["required_agents"], 6);
    let all_week = json(&["--volume", "7000/month", "--aht", "6m", "--sla", "80% in 20s"]);
    assert_eq!(all_week["required_agents"], 3);
    // An hour's volume is an open hour's, whatever the hours.
    let hourly =
        json(&["--volume", "100/hour", "--hours", "mon-fri 09:00-18:00", "--aht", "6m", "--sla", "80% in 20s"]);
    assert_eq!(hourly["arrivals_per_hour"], 100.0);
    // The text says how the volume was spread, and warns when it was 24/7.
    staffsim()
        .args([
            "erlang",
            "--volume",
            "7000/month",
            "--hours",
            "mon-fri 09:00-18:00",
            "--aht",
            "6m",
            "--sla",
            "80% in 20s",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("spread over the open hours only (mon-fri 09:00-18:00: 45 h a week)"));
    staffsim()
        .args(["erlang", "--volume", "7000/month", "--aht", "6m", "--sla", "80% in 20s"])
        .assert()
        .success()
        .stdout(predicate::str::contains("spread over every hour of the week (24/7)"))
        .stdout(predicate::str::contains("--hours"));
    staffsim()
        .args([
            "erlang",
            "--volume",
            "7000/month",
            "--hours",
            "mon-fri 25:00-18:00",
            "--aht",
            "6m",
            "--sla",
            "80% in 20s",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("error: --hours"));
}

/// 100 chats an hour of 6 minutes (10 Erlangs) need 14 servers for 80 %
/// in 20 s (Erlang C); at concurrency 3 that is ⌈14/3⌉ = 5 agents, whose
/// 15 slots are evaluated as 15 servers.
#[test]
fn concurrency_counts_each_agent_as_k_servers() {
    let one = json(&["--volume", "100/hour", "--aht", "6m", "--sla", "80% in 20s"]);
    assert_eq!(one["required_agents"], 14);
    let three = json(&["--volume", "100/hour", "--aht", "6m", "--sla", "80% in 20s", "--concurrency", "3"]);
    assert_eq!(three["required_agents"], 5);
    assert_eq!(three["concurrency"], 3);
    let fifteen = json(&["--volume", "100/hour", "--aht", "6m", "--sla", "80% in 20s", "--agents", "15"]);
    assert!((three["service_level"].as_f64().unwrap() - fifteen["service_level"].as_f64().unwrap()).abs() < 1e-12);
    assert!((three["occupancy"].as_f64().unwrap() - 10.0 / 15.0).abs() < 1e-9);
    for bad in ["0", "51"] {
        staffsim()
            .args(["erlang", "--volume", "100/hour", "--aht", "6m", "--sla", "80% in 20s", "--concurrency", bad])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--concurrency"));
    }
}

/// Erlang C's occupancy is load ÷ agents: 10 Erlangs under a 70 % cap need
/// ⌈10/0.7⌉ = 15 agents (14 would be 71.4 %), one more than 80 % in 20 s
/// alone; under an 85 % cap the target binds (14 agents, 71.4 %).
#[test]
fn an_occupancy_cap_adds_agents_only_when_it_binds() {
    let capped = json(&["--volume", "100/hour", "--aht", "6m", "--sla", "80% in 20s", "--max-occupancy", "0.7"]);
    assert_eq!(capped["required_agents"], 15);
    assert_eq!(capped["required_for_target"], 14);
    assert!(capped["occupancy"].as_f64().unwrap() <= 0.7);
    let loose = json(&["--volume", "100/hour", "--aht", "6m", "--sla", "80% in 20s", "--max-occupancy", "0.85"]);
    assert_eq!(loose["required_agents"], 14);
    // With patience (Erlang A) occupancy counts only the answered: the cap
    // never needs more than the Erlang C bound.
    let a = json(&[
        "--volume",
        "100/hour",
        "--aht",
        "6m",
        "--average",
        "30s",
        "--patience",
        "2m",
        "--max-occupancy",
        "0.7",
    ]);
    assert!(a["occupancy"].as_f64().unwrap() <= 0.7);
    assert!(a["required_agents"].as_u64().unwrap() <= 15);
    staffsim()
        .args(["erlang", "--volume", "100/hour", "--aht", "6m", "--sla", "80% in 20s", "--max-occupancy", "0.7"])
        .assert()
        .success()
        .stdout(predicate::str::contains("the service target alone needs 14; the occupancy cap of 70% needs 15"));
    for bad in ["0", "1.2", "-0.5"] {
        staffsim()
            .args([
                "erlang",
                "--volume",
                "100/hour",
                "--aht",
                "6m",
                "--sla",
                "80% in 20s",
                &format!("--max-occupancy={bad}"),
            ])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--max-occupancy"));
    }
}

/// Ranges give a band whose ends are the single answers at the ranges'
/// ends, and whose middle is the answer at their midpoints.
#[test]
fn ranges_give_a_band_bounded_by_the_ends() {
    let band = json(&[
        "--volume",
        "150..250/hour",
        "--aht",
        "5m..8m",
        "--sla",
        "80% in 20s",
        "--agents",
        "30",
        "--shrinkage",
        "0.3",
    ]);
    let ends = band["band"].as_array().unwrap();
    assert_eq!(ends.len(), 3);
    for (end, volume, aht) in [(0, "150/hour", "5m"), (1, "200/hour", "6m30s"), (2, "250/hour", "8m")] {
        let single =
            json(&["--volume", volume, "--aht", aht, "--sla", "80% in 20s", "--agents", "30", "--shrinkage", "0.3"]);
        assert_eq!(ends[end]["required_agents"], single["required_agents"], "{end}");
        assert_eq!(
            ends[end]["agents_with_shrinkage"].as_u64(),
            single["required_agents"].as_u64().map(|n| (n as f64 / 0.7 - 1e-9).ceil() as u64)
        );
        assert!(
            (ends[end]["service_level"].as_f64().unwrap() - single["service_level"].as_f64().unwrap()).abs() < 1e-12
        );
    }
    assert_eq!(band["required_agents"], ends[2]["required_agents"]);
    staffsim()
        .args(["erlang", "--volume", "150..250/hour", "--aht", "5m..8m", "--sla", "80% in 20s"])
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"required agents: \d+\.\.\d+ \(middle \d+\)").unwrap());
    staffsim()
        .args(["erlang", "--volume", "100/hour", "--aht", "8m..5m", "--sla", "80% in 20s"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("low to high"));
}

/// A CSV of interval volumes in, the same rows with the requirement out:
/// each row's answer is the single calculation on volume ÷ interval.
#[test]
fn intervals_in_required_agents_out() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("monday.csv");
    std::fs::write(&file, "interval,volume,aht\n09:00,40,\n09:30,55,5m\n10:00,80,\n10:30,0,\n").unwrap();
    let output = staffsim()
        .args([
            "erlang",
            "--intervals",
            file.to_str().unwrap(),
            "--aht",
            "6m",
            "--sla",
            "80% in 20s",
            "--shrinkage",
            "0.3",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let mut rows = csv::Reader::from_reader(output.stdout.as_slice());
    let headers = rows.headers().unwrap().clone();
    assert_eq!(headers.iter().take(3).collect::<Vec<_>>(), ["interval", "volume", "aht"]);
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    for (row, (volume, aht)) in rows.iter().zip([(40, "6m"), (55, "5m"), (80, "6m"), (0, "6m")]) {
        let single = json(&["--volume", &format!("{}/hour", volume * 2), "--aht", aht, "--sla", "80% in 20s"]);
        assert_eq!(row[col("required_agents")].parse::<u64>().unwrap(), single["required_agents"].as_u64().unwrap());
        let scheduled = (single["required_agents"].as_f64().unwrap() / 0.7 - 1e-9).ceil().max(0.0) as u64;
        assert_eq!(row[col("scheduled_agents")].parse::<u64>().unwrap(), scheduled);
    }
    assert_eq!(&rows[3][col("service_level")], "", "no contacts, no service level");
    let summary = String::from_utf8_lossy(&output.stderr);
    assert!(
        summary.contains("4 intervals of 30m, 175 contacts") && summary.contains("peak 21 agents (row 4, 10:00)"),
        "{summary}"
    );
    // Standard input, another interval length, a column named "calls".
    staffsim()
        .args(["erlang", "--intervals", "-", "--interval", "1h", "--aht", "6m", "--sla", "80% in 20s", "-q"])
        .write_stdin("calls\n100\n")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("calls,arrivals_per_hour")
                .and(predicate::str::contains("\n100,100.0000,10.0000,14,")),
        )
        .stderr("");
    // Bad rows name the file, row, column and value.
    std::fs::write(&file, "interval,volume\n09:00,40\n09:30,lots\n").unwrap();
    staffsim()
        .args(["erlang", "--intervals", file.to_str().unwrap(), "--aht", "6m", "--sla", "80% in 20s"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("monday.csv: row 3, column \"volume\": \"lots\" is not a volume"));
    std::fs::write(&file, "interval,volume\n09:00,40\n").unwrap();
    staffsim()
        .args(["erlang", "--intervals", file.to_str().unwrap(), "--sla", "80% in 20s"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("give --aht 6m, or an \"aht\" column"));
}
