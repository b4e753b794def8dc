//! `plan`: the months-ahead capacity plan against `staff`, the flow of
//! people, and the messages for a bad `[plan]`.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn staffsim() -> Command {
    Command::cargo_bin("staffsim").expect("binary built")
}

/// A one-queue desk with a `[plan]` section (`plan` is its body).
fn desk(plan: &str) -> String {
    format!(
        r#"
name = "flat-plan"
[simulation]
horizon = "2w"
warmup = "1w"
interval = "1h"
replications = 4
seed = 11
[[queue]]
name = "chat"
channel = "chat"
volume = "600/week"
hours = "mon-fri 09:00-17:00"
weekly = "weekdays"
handle_time = {{ dist = "exponential", mean = "8m" }}
patience = {{ dist = "exponential", mean = "5m" }}
sla = {{ within = "2m", target = 0.8 }}
[[team]]
name = "support"
skills = ["chat"]
agents = 3
hours_per_week = 40
shrinkage = 0.2
shift_templates = [{{ days = "mon-fri", starts = ["09:00"], length = "8h" }}]
[plan]
{plan}
"#
    )
}

fn rows(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).expect("csv");
    let header: Vec<String> = r.headers().expect("header").iter().map(str::to_string).collect();
    r.records().map(|rec| header.iter().cloned().zip(rec.expect("row").iter().map(str::to_string)).collect()).collect()
}

#[test]
fn flat_demand_needs_staffs_fte_every_month_and_no_hires() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("flat.toml");
    std::fs::write(&file, desk("months = 6\nstart = \"2027-01\"\nheadcount = { support = 20 }")).unwrap();
    staffsim()
        .args(["staff", "-q", "--format", "png"])
        .arg(&file)
        .arg("-o")
        .arg(dir.path().join("staff"))
        .assert()
        .success();
    staffsim()
        .args(["plan", "-q", "--format", "png"])
        .arg(&file)
        .arg("-o")
        .arg(dir.path().join("plan"))
        .assert()
        .success();
    let totals = rows(&dir.path().join("staff/staffing_totals.csv"));
    let fte = &totals[0]["scheduled_fte"];
    let months = rows(&dir.path().join("plan/plan.csv"));
    assert_eq!(months.len(), 6);
    for m in &months {
        assert_eq!(&m["required_fte"], fte, "{m:?}");
        assert_eq!(m["volume_factor"], "1.0000");
        assert_eq!(m["hires_decide"], "0");
        assert_eq!(m["hires_start"], "0");
        assert_eq!(m["leavers"], "0");
        assert_eq!(m["headcount_start"], "20");
        assert_eq!(m["gap_fte"], "0.00");
    }
    assert!(dir.path().join("plan/plan_fte.png").is_file());
    assert!(dir.path().join("plan/plan_hires.png").is_file());
}

#[test]
fn the_flow_of_people_holds_every_month_of_the_shipped_launch() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/launch-growth.toml");
    staffsim().args(["plan", "-q", "--format", "png,html"]).arg(&scenario).arg("-o").arg(dir.path()).assert().success();
    let months = rows(&dir.path().join("plan.csv"));
    assert_eq!(months.len(), 12);
    let n = |m: &std::collections::HashMap<String, String>, k: &str| m[k].parse::<i64>().expect(k);
    for w in months.windows(2) {
        assert_eq!(
            n(&w[0], "headcount_start") + n(&w[0], "hires_start") - n(&w[0], "leavers"),
            n(&w[1], "headcount_start")
        );
        // A decision starts people a month later (hiring_lead = "1 month").
        assert_eq!(n(&w[0], "hires_decide"), n(&w[1], "hires_start"));
    }
    assert!(months.iter().map(|m| n(m, "leavers")).sum::<i64>() > 0);
    assert!(months.iter().map(|m| n(m, "hires_decide")).sum::<i64>() > 0);
    let factor: Vec<f64> = months.iter().map(|m| m["volume_factor"].parse().unwrap()).collect();
    // 8 % a month, and 1.3 times from July (the EU region).
    assert!((factor[1] - 1.08).abs() < 1e-4 && (factor[6] - 1.08f64.powi(6) * 1.3).abs() < 1e-4);
    let page = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(page.contains("EU region joins") && page.contains("hire "));
    // Nothing uncertain: no band on the hires.
    assert!(months.iter().all(|m| m["hires_decide_p10"].is_empty() && m["hires_decide_p90"].is_empty()));
}

#[test]
fn uncertain_inputs_give_a_band_on_the_hires_around_the_plan() {
    // The launch with a range on chat's volume: the plan covers P80 of the
    // sampled requirement, the band the hires at its P10 and P90.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/launch-growth.toml"))
        .unwrap()
        .replace("volume = \"900/week\"", "volume = \"700..1100/week\"");
    assert!(text.contains("700..1100"));
    let scenario = dir.path().join("uncertain.toml");
    std::fs::write(&scenario, text).unwrap();
    let out = dir.path().join("out");
    let assert = staffsim()
        .args(["plan", "-q", "--samples", "6", "-r", "3", "--format", "html"])
        .arg(&scenario)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    let months = rows(&out.join("plan.csv"));
    let total = |k: &str| months.iter().map(|m| m[k].parse::<i64>().expect(k)).sum::<i64>();
    let (lo, plan, hi) = (total("hires_decide_p10"), total("hires_decide"), total("hires_decide_p90"));
    assert!(lo <= plan && plan <= hi && lo < hi, "P10 {lo}, plan {plan}, P90 {hi}");
    assert!(stdout.contains(&format!("{lo} to {hi} hires over the plan")), "{stdout}");
}

#[test]
fn a_bad_plan_names_file_field_value_and_fix() {
    let dir = tempfile::tempdir().unwrap();
    for (plan, field, value, fix) in [
        ("months = 12\nstart = \"2027-01\"\ngrowth = \"5%/week\"", "plan.growth", "5%/week", "\"5%/month\""),
        ("months = 12\nstart = \"Jan 2027\"", "plan.start", "Jan 2027", "\"YYYY-MM\""),
        ("months = 0\nstart = \"2027-01\"", "plan.months", "0", "between 1 and 120"),
        ("months = 12\nstart = \"2027-01\"\nattrition = \"120%/month\"", "plan.attrition", "120%/month", "below 100%"),
        ("months = 12\nstart = \"2027-01\"\nramp = [0.5, 1.5]", "plan.ramp", "1.5", "at most 1"),
        (
            "months = 12\nstart = \"2027-01\"\nheadcount = { tier9 = 3 }",
            "plan.headcount.tier9",
            "tier9",
            "teams: support",
        ),
        (
            "months = 12\nstart = \"2027-01\"\nsteps = [{ from = \"2028-03\", factor = 1.2 }]",
            "plan.steps[0].from",
            "2028-03",
            "within it",
        ),
        (
            "months = 3\nstart = \"2027-01\"\nvolume_by_month = [1.0, 1.1]",
            "plan.volume_by_month",
            "2 multipliers",
            "one per month",
        ),
        ("months = 12\nstart = \"2027-01\"\nhiring_lead = \"soon\"", "plan.hiring_lead", "soon", "\"1 month\""),
    ] {
        let file = dir.path().join("bad.toml");
        std::fs::write(&file, desk(plan)).unwrap();
        staffsim()
            .arg("plan")
            .arg(&file)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("bad.toml"))
            .stderr(predicate::str::contains(field))
            .stderr(predicate::str::contains(value))
            .stderr(predicate::str::contains(fix));
    }
    // No [plan] at all: said so, with a section to start from.
    let file = dir.path().join("none.toml");
    let text = desk("months = 1\nstart = \"2027-01\"");
    std::fs::write(&file, &text[..text.find("[plan]").unwrap()]).unwrap();
    staffsim().arg("plan").arg(&file).assert().code(2).stderr(predicate::str::contains("no [plan] section"));
}
