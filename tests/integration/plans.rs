//! Policies that change over time (`[policies.NAME]` plans and queue
//! disciplines given as tables): equal to the built-in order they reduce to,
//! right against queueing theory, switching exactly when and where they say,
//! usable by name on the command line, and refused clearly when malformed.

use std::fs;
use std::path::Path;

use super::agree::{K, replicate};
use assert_cmd::Command;
use staffsim::erlang::Desk;
use staffsim::scenario::{Policy, Scenario};
use staffsim::stats::{ReplicationStats, estimate, summarize};

fn staffsim() -> Command {
    Command::cargo_bin("staffsim").expect("binary built")
}

fn scenario(text: &str) -> Scenario {
    Scenario::from_toml(text, "plans.toml").unwrap_or_else(|e| panic!("valid test scenario: {e}"))
}

fn plan(s: &Scenario, name: &str) -> Policy {
    s.policy_named(name).expect("a plan of the scenario")
}

/// The backlog crisis desk, shorter, with plans that reduce to one order.
fn crisis_with(extra: &str) -> String {
    let text = include_str!("../../scenarios/backlog-crisis.toml").replace("replications = 20", "replications = 3");
    format!("{text}\n{extra}\n")
}

const SAME_AS_BUILT_INS: &str = r#"
[policies.lifo-all-week]         # every piece of the week says lifo
default = "lifo"
during = [
  { hours = "mon-fri 09:00-12:00", order = "lifo" },
  { hours = "mon-fri 12:00-18:00", order = "lifo" },
  { hours = "sat,sun 10:00-16:00", order = "lifo" },
]

[policies.never-switches]        # the threshold is never reached
order = "fifo"
while_backlog_above = 10000000
otherwise = "sla-first"
"#;

#[test]
fn plans_that_never_change_equal_their_built_in_order() {
    let s = scenario(&crisis_with(SAME_AS_BUILT_INS));
    for (name, builtin) in [("lifo-all-week", Policy::Lifo), ("never-switches", Policy::SlaFirst)] {
        let a = replicate(&s, plan(&s, name));
        let b = replicate(&s, builtin);
        assert_eq!(format!("{a:?}"), format!("{b:?}"), "{name} vs {builtin:?}");
    }
    // A different order does give different results: the check can fail.
    let fifo = replicate(&s, Policy::Fifo);
    assert_ne!(format!("{fifo:?}"), format!("{:?}", replicate(&s, Policy::Lifo)));

    // A queue discipline given as a table that never switches equals the plain name.
    let plain = scenario(&crisis_with(""));
    let table = scenario(&crisis_with("").replace(
        "discipline = \"lifo\"      #",
        "discipline = { order = \"fifo\", while_backlog_above = 10000000, otherwise = \"lifo\" } #",
    ));
    assert!(table.queues[4].discipline.fixed().is_none(), "the table form was used");
    assert_eq!(
        format!("{:?}", replicate(&table, Policy::PerQueue)),
        format!("{:?}", replicate(&plain, Policy::PerQueue))
    );
}

/// M/M/12 at 10 Erlangs, no abandonment, with two switching plans.
fn mmc_with_plans(reps: u32) -> Scenario {
    scenario(&format!(
        r#"
name = "theory"
[simulation]
horizon = "4w"
warmup = "1d"
interval = "1h"
replications = {reps}
seed = 2024
[policy]
order = "fifo"
[policies.office-lifo]
default = "fifo"
during = [ {{ hours = "mon-fri 08:00-18:00", order = "lifo" }} ]
[policies.backlog-lifo]
order = "lifo"
while_backlog_above = 6
back_below = 2
otherwise = "fifo"
[[queue]]
name = "q"
channel = "phone"
volume = "100/hour"
handle_time = {{ dist = "exponential", mean = "6m" }}
sla = {{ within = "20s", target = 0.8 }}
[[team]]
name = "agents"
skills = ["q"]
agents = 12
"#
    ))
}

#[test]
fn switching_plans_keep_erlang_c_mean_wait_but_not_its_spread() {
    // Every work-conserving, non-preemptive order that does not look at
    // service times has the same mean number waiting, hence (Little) the
    // same mean wait; only the spread of the waits changes.
    let s = mmc_with_plans(20);
    let theory =
        Desk { arrival_rate: 100.0 / 3600.0, aht_s: 360.0, patience_s: None, sla_within_s: 20.0 }.performance(12);
    let fifo = replicate(&s, Policy::Fifo);
    let sd = |reps: &[ReplicationStats]| estimate(reps.iter().map(|r| Some(r.waits[0].histogram().stdev() / 1000.0)));
    let fifo_sd = sd(&fifo);
    for name in ["office-lifo", "backlog-lifo"] {
        let reps = replicate(&s, plan(&s, name));
        let q = summarize(&s, &reps).queues[0].clone();
        let (mean, ci) = (q.asa_s.mean.unwrap(), q.asa_s.ci95.unwrap());
        let tolerance = K * ci / 1.96;
        println!("{name}: ASA {mean:.3} s ± {ci:.3} (95 %), Erlang C {:.3} s", theory.asa_s);
        assert!((mean - theory.asa_s).abs() <= tolerance, "{name}: ASA {mean} vs Erlang C {}", theory.asa_s);
        let (plan_sd, fifo_sd_mean) = (sd(&reps), fifo_sd.mean.unwrap());
        let gap = plan_sd.mean.unwrap() - fifo_sd_mean;
        let se = ((plan_sd.ci95.unwrap() / 1.96).powi(2) + (fifo_sd.ci95.unwrap() / 1.96).powi(2)).sqrt();
        println!(
            "{name}: wait s.d. {:.3} s vs FIFO {fifo_sd_mean:.3} s (gap {gap:.3} ± {:.3})",
            plan_sd.mean.unwrap(),
            K * se
        );
        assert!(gap > K * se, "{name}: the waits spread more than FIFO's ({gap} vs {})", K * se);
    }
}

/// One agent, ten tickets waiting at Monday 00:00 (arrived 9 h, 8 h, ... 0 h
/// before), each taking exactly an hour, none arriving later.
fn ten_tickets(discipline_or_plan: &str) -> Scenario {
    scenario(&format!(
        r#"
name = "switch"
[simulation]
start = "mon 00:00"
horizon = "1d"
interval = "1h"
replications = 1
{discipline_or_plan}
[[queue]]
name = "q"
channel = "email"
volume = "0/week"
handle_time = {{ dist = "fixed", mean = "1h" }}
sla = {{ within = "1d", target = 0.8 }}
backlog = {{ tickets = 10, oldest = "9h" }}
[[team]]
name = "one"
skills = ["q"]
agents = 1
"#
    ))
}

/// The waits answered, in hours, from the histogram (one replication).
fn waits_h(s: &Scenario, policy: Policy) -> Vec<f64> {
    let r = &replicate(s, policy)[0];
    let mut out: Vec<f64> =
        r.waits[0].iter().flat_map(|(top, n)| std::iter::repeat_n((top as f64 / 3.6e6).round(), n as usize)).collect();
    out.sort_by(f64::total_cmp);
    out
}

#[test]
fn the_switch_happens_at_the_hour_and_the_threshold_it_names() {
    // Picks at 0 h, 1 h, ... 9 h. LIFO answers the freshest: waits 0, 2, 4, ...
    // FIFO the oldest: ticket arrived at -9 h is answered at t, waiting t + 9 h.
    let s = ten_tickets(
        "[policies.night]\ndefault = \"fifo\"\nduring = [{ hours = \"mon 00:00-03:00\", order = \"lifo\" }]",
    );
    let lifo: Vec<f64> = (0..10).map(|k| f64::from(2 * k)).collect();
    assert_eq!(waits_h(&s, Policy::Lifo), lifo);
    assert_eq!(waits_h(&s, Policy::Fifo), vec![9.0; 10]);
    // LIFO at 0, 1, 2 h (the -0, -1, -2 h tickets), then FIFO from 03:00: the
    // oldest (-9 h … -3 h), each answered after waiting 12 h.
    let mut want = vec![0.0, 2.0, 4.0];
    want.extend([12.0; 7]);
    assert_eq!(waits_h(&s, plan(&s, "night")), want);

    // The switch rule counts the tickets waiting at each pick: 10, 9, 8, …
    // Without hysteresis: LIFO while more than 6 wait (10, 9, 8, 7), then
    // FIFO: the six oldest, answered at 4 h … 9 h, each having waited 13 h.
    let rule = "order = \"lifo\"\nwhile_backlog_above = 6\notherwise = \"fifo\"";
    let s = ten_tickets(&format!("[policies.rule]\n{rule}"));
    let mut want = vec![0.0, 2.0, 4.0, 6.0];
    want.extend([13.0; 6]);
    assert_eq!(waits_h(&s, plan(&s, "rule")), want);
    // With back_below = 3, LIFO holds until 3 or fewer wait (the pick at 7 h).
    let s = ten_tickets(&format!("[policies.rule]\n{rule}\nback_below = 3"));
    let mut want: Vec<f64> = (0..7).map(|k| f64::from(2 * k)).collect();
    want.extend([16.0; 3]);
    want.sort_by(f64::total_cmp);
    assert_eq!(waits_h(&s, plan(&s, "rule")), want);

    // The same rule as the queue's own discipline under per-queue.
    let s = ten_tickets("");
    let q = scenario(&toml_queue_discipline("{ order = \"lifo\", while_backlog_above = 6, otherwise = \"fifo\" }"));
    let mut want = vec![0.0, 2.0, 4.0, 6.0];
    want.extend([13.0; 6]);
    assert_eq!(waits_h(&q, Policy::PerQueue), want);
    assert_eq!(waits_h(&s, Policy::PerQueue), vec![9.0; 10], "fifo by default");
}

fn toml_queue_discipline(discipline: &str) -> String {
    format!(
        r#"
name = "switch"
[simulation]
horizon = "1d"
interval = "1h"
replications = 1
[[queue]]
name = "q"
channel = "email"
volume = "0/week"
handle_time = {{ dist = "fixed", mean = "1h" }}
sla = {{ within = "1d", target = 0.8 }}
backlog = {{ tickets = 10, oldest = "9h" }}
discipline = {discipline}
[[team]]
name = "one"
skills = ["q"]
agents = 1
"#
    )
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    csv::Reader::from_path(path).unwrap().records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
}

#[test]
fn compare_and_run_take_plan_names() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("desk.toml");
    let small = include_str!("../fixtures/small.toml");
    fs::write(
        &path,
        format!(
            "{small}\n[policies.lifo-all-week]\ndefault = \"lifo\"\nduring = [{{ hours = \"mon-fri 09:00-13:00\", order = \"lifo\" }}]\n\n\
             [policies.alternate]\ndefault = \"fifo\"\nduring = [{{ hours = \"mon-fri 09:00-13:00\", order = \"lifo\" }}]\n"
        ),
    )
    .unwrap();
    let out = tmp.path().join("cmp");
    let assert = staffsim()
        .arg("compare")
        .arg(&path)
        .args(["--policies", "fifo,lifo,alternate,lifo-all-week", "-q", "--format", "svg", "-o"])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(stdout.contains("4 policies on the same tickets"), "{stdout}");
    assert!(stdout.lines().any(|l| l.contains(" lifo-all-week ")), "labelled by name: {stdout}");
    assert!(stdout.lines().any(|l| l.starts_with("alternate ")), "{stdout}");
    let rows = read_csv(&out.join("summary.csv"));
    let by = |policy: &str| -> Vec<Vec<String>> {
        rows.iter().filter(|r| r[0] == policy).map(|r| r[1..].to_vec()).collect()
    };
    assert_eq!(by("alternate").len(), 3, "two queues and the desk");
    // Byte-identical figures for a plan that is LIFO at every hour.
    assert_eq!(by("lifo-all-week"), by("lifo"));
    assert_ne!(by("alternate"), by("lifo"));
    let record: serde_json::Value = serde_json::from_slice(&fs::read(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(record["policy"], "fifo,lifo,alternate,lifo-all-week");

    // `all`: the built-in orders, then the plans (in name order).
    let all = tmp.path().join("all");
    staffsim()
        .arg("compare")
        .arg(&path)
        .args(["--policies", "all", "-q", "--format", "svg", "-r", "1", "-o"])
        .arg(&all)
        .assert()
        .success();
    let mut order: Vec<String> = read_csv(&all.join("summary.csv")).into_iter().map(|r| r[0].clone()).collect();
    order.dedup();
    assert_eq!(order, ["per-queue", "fifo", "lifo", "priority", "sla-first", "alternate", "lifo-all-week"]);

    // run --policy NAME, labelled by name.
    let run = tmp.path().join("run");
    staffsim()
        .arg("run")
        .arg(&path)
        .args(["--policy", "alternate", "-q", "--format", "svg", "-o"])
        .arg(&run)
        .assert()
        .success()
        .stdout(predicates::str::contains("policy alternate"));
    let record: serde_json::Value = serde_json::from_slice(&fs::read(run.join("run.json")).unwrap()).unwrap();
    assert_eq!(record["policy"], "alternate");

    // Unknown names exit 2, listing what is known.
    for args in [["compare", "--policies"], ["run", "--policy"]] {
        let bad = staffsim()
            .arg(args[0])
            .arg(&path)
            .args([args[1], "alternat", "-q", "-o"])
            .arg(tmp.path().join("bad"))
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&bad.get_output().stderr).to_string();
        assert!(
            stderr.contains("unknown policy \"alternat\"")
                && stderr.contains("per-queue, fifo, lifo, priority, sla-first, alternate, lifo-all-week")
                && stderr.contains("did you mean \"alternate\""),
            "{stderr}"
        );
        assert!(!tmp.path().join("bad").exists());
    }
}

/// A scenario with `extra` appended (plans) or a queue discipline; must be
/// refused with exit 2 naming the file and each expected text.
#[test]
fn malformed_plans_are_refused_naming_field_value_and_fix() {
    let base = |extra: &str, discipline: &str| {
        format!(
            "name = \"guard\"\n[simulation]\nhorizon = \"1w\"\nreplications = 1\n{extra}\n\
             [[queue]]\nname = \"email\"\nchannel = \"email\"\nvolume = \"100/week\"\n{discipline}\n\
             handle_time = {{ dist = \"exponential\", mean = \"8m\" }}\nsla = {{ within = \"4h\", target = 0.8 }}\n\n\
             [[team]]\nname = \"support\"\nskills = [\"email\"]\nagents = 1\n"
        )
    };
    let plan = |body: &str| base(&format!("[policy]\norder = \"p\"\n[policies.p]\n{body}"), "");
    let cases: Vec<(String, Vec<&str>)> = vec![
        (
            plan("default = \"fifo\"\nduring = [{ hours = \"mon-fri 08:00-18:00\", order = \"lifoo\" }]"),
            vec!["policies.p.during[1].order: \"lifoo\" is not an order", "did you mean \"lifo\""],
        ),
        (plan("default = \"newest\"\nduring = []"), vec!["policies.p.default: \"newest\" is not an order"]),
        (
            plan(
                "default = \"fifo\"\nduring = [{ hours = \"mon-fri 08:00-18:00\", order = \"lifo\" },\n\
                 { hours = \"fri 17:00-20:00\", order = \"sla-first\" }]",
            ),
            vec!["policies.p.during[2].hours: \"fri 17:00-20:00\" overlaps during[1]", "split the hours"],
        ),
        (
            plan("default = \"fifo\"\nduring = [{ hours = \"mon-fri 25:00-26:00\", order = \"lifo\" }]"),
            vec!["policies.p.during[1].hours"],
        ),
        (
            plan("order = \"lifo\"\nwhile_backlog_above = -5\notherwise = \"fifo\""),
            vec!["policies.p.while_backlog_above: -5 must be between 0 and"],
        ),
        (
            plan("order = \"lifo\"\nwhile_backlog_above = 100\nback_below = 200\notherwise = \"fifo\""),
            vec!["policies.p.back_below: 200 must be zero or more and at most while_backlog_above (100)"],
        ),
        (
            plan("order = \"lifo\"\nwhile_backlog_above = 100\nback_below = -1\notherwise = \"fifo\""),
            vec!["policies.p.back_below: -1 must be zero or more"],
        ),
        (plan("order = \"lifo\"\nwhile_backlog_above = 100"), vec!["policies.p.otherwise: is missing"]),
        (
            plan("order = \"lifo\"\nwhile_backlog_above = 9\notherwise = \"fifo\"\ndefault = \"fifo\""),
            vec!["policies.p: mixes the two forms of a plan"],
        ),
        (plan(""), vec!["policies.p: is empty"]),
        (
            base(
                "[policies.a]\ndefault = \"fifo\"\nduring = [{ hours = \"24/7\", order = \"b\" }]\n\
                 [policies.b]\norder = \"lifo\"\nwhile_backlog_above = 9\notherwise = \"fifo\"",
                "",
            ),
            vec!["policies.a.during[1].order: \"b\" is a plan", "plans cannot refer to plans"],
        ),
        (
            base("[policies.lifo]\norder = \"lifo\"\nwhile_backlog_above = 9\notherwise = \"fifo\"", ""),
            vec!["policies.lifo: \"lifo\" is the name of a built-in order", "name the plan something else"],
        ),
        (
            base("[policies.all]\norder = \"lifo\"\nwhile_backlog_above = 9\notherwise = \"fifo\"", ""),
            vec!["policies.all: \"all\" is reserved"],
        ),
        (
            base("[policies.\"a,b\"]\norder = \"lifo\"\nwhile_backlog_above = 9\notherwise = \"fifo\"", ""),
            vec!["without commas"],
        ),
        (base("[policy]\norder = \"crisis\"", ""), vec!["policy.order: unknown policy \"crisis\"", "[policies.NAME]"]),
        (
            base("", "discipline = { order = \"lifo\", while_backlog_above = 9, otherwise = \"priority\" }"),
            vec!["queue \"email\": discipline.otherwise: \"priority\" is not a discipline", "fifo, lifo, sla-first"],
        ),
        (
            base("", "discipline = { lifo_while_backlog_above = 9, otherwise = \"fifo\" }"),
            vec!["queue \"email\": discipline: unknown field `lifo_while_backlog_above`", "while_backlog_above = 50"],
        ),
        (base("", "discipline = 3"), vec!["queue \"email\": discipline: 3 is neither a discipline name"]),
        (
            base("[policy]\norder = \"p\"\n[policy.p]\norder = \"lifo\"", ""),
            vec!["unknown field `p`", "its own table, [policies.NAME]"],
        ),
    ];
    for (text, expected) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("desk.toml");
        fs::write(&path, &text).unwrap();
        let assert = staffsim().arg("check").arg(&path).assert().code(2);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
        assert!(stderr.starts_with("error: ") && stderr.contains("desk.toml:"), "names the file: {stderr}");
        assert_eq!(stderr.matches("error:").count(), 1, "error: heads the message once: {stderr}");
        for e in expected {
            assert!(stderr.contains(e), "expected {e:?} in: {stderr}\n--- scenario:\n{text}");
        }
    }
}
