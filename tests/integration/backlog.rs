//! Backlog strategies compared honestly: every customer counted (the tickets
//! still waiting at their age so far), the backlog's ages at every interval's
//! end, and a ranking that cannot be won by leaving tickets behind — checked
//! by hand on a deterministic desk, against Little's law on an overloaded
//! one, and through the CLI.

use super::agree::{K, replicate};
use assert_cmd::Command;
use predicates::prelude::*;
use staffsim::scenario::{Policy, Scenario};
use staffsim::sim;
use staffsim::stats::{Estimate, ReplicationStats, estimate, summarize};

const H: f64 = 3600.0;

/// One agent, ten tickets already waiting (aged 90 h, 80 h, … 0 h), each
/// taking exactly 50 minutes, nothing new arriving, a 2-hour SLA, five hours.
const HAND: &str = r#"
name = "by-hand"
[simulation]
horizon = "5h"
warmup = "0s"
interval = "1h"
replications = 2
seed = 1
[[queue]]
name = "email"
channel = "email"
volume = "0/week"
backlog = { tickets = 10, oldest = "90h" }
handle_time = { dist = "fixed", mean = "50m" }
sla = { within = "2h", target = 0.8 }
[[team]]
name = "one"
skills = ["email"]
agents = 1
"#;

fn bands(r: &ReplicationStats, k: usize) -> [u32; 4] {
    let [a, b, c] = r.interval_tickets[k].ages;
    [a, b, c, r.interval_tickets[k].backlog - a - b - c]
}

#[test]
fn censored_waits_and_age_bands_match_a_hand_computation() {
    let s = Scenario::from_toml(HAND, "hand.toml").unwrap();
    // FIFO starts the tickets aged 90, 80, 70, 60, 50 and 40 h at 0, 50,
    // 100, 150, 200 and 250 minutes: they waited 402.5 h in all. The four
    // left at 5 h are 35, 25, 15 and 5 h old: 80 h. Mean of all ten: 48.25 h.
    let fifo = sim::simulate(&s, Policy::Fifo, 0);
    let e = &fifo.everyone[0];
    assert_eq!((e.count, e.sum), (10, 482.5 * H));
    assert_eq!(e.mean(), Some(48.25 * H));
    assert_eq!((e.left, e.oldest_left, e.over_week), ([0, 2, 2, 0], Some(35.0 * H), 0));
    assert_eq!(fifo.queues[0].answered, 6);
    // At each hour's end: [within 2 h, breached < 1 day, 1-3 days, 3+ days].
    // At 1 h eight wait, aged 71, 61, 51, 41, 31, 21, 11 and 1 h; at 2 h a
    // ticket exactly 2 h old is still within the SLA; 24 h is "1-3 days".
    let want = [[1, 2, 5, 0], [1, 2, 4, 0], [0, 3, 3, 0], [0, 2, 3, 0], [0, 2, 2, 0]];
    for (k, w) in want.iter().enumerate() {
        assert_eq!(bands(&fifo, k), *w, "FIFO, end of hour {}", k + 1);
    }
    // LIFO serves the youngest: waits 0, 10 h 50 m, 21 h 40 m, 32 h 30 m,
    // 43 h 20 m and 54 h 10 m (162.5 h); left 65, 75, 85 and 95 h old (320 h):
    // the same 482.5 h in all, since one agent clears one ticket every 50
    // minutes whatever the order (Little's law), but far older tickets left.
    let lifo = sim::simulate(&s, Policy::Lifo, 0);
    let e = &lifo.everyone[0];
    assert_eq!((e.count, e.sum), (10, 482.5 * H));
    assert_eq!((e.left, e.oldest_left), ([0, 0, 1, 3], Some(95.0 * H)));
    let want = [[0, 1, 5, 2], [0, 0, 4, 3], [0, 0, 3, 3], [0, 0, 2, 3], [0, 0, 1, 3]];
    for (k, w) in want.iter().enumerate() {
        assert_eq!(bands(&lifo, k), *w, "LIFO, end of hour {}", k + 1);
    }
    // The summary reports the same, and ASA alone would hide it: LIFO's
    // answered customers waited 27 h on average, FIFO's 67 h.
    let (f, l) = (summarize(&s, &[fifo]), summarize(&s, &[lifo]));
    let (f, l) = (&f.queues[0], &l.queues[0]);
    assert_eq!(f.wait_all_mean_s.mean, l.wait_all_mean_s.mean);
    assert_eq!((f.left_by_age, l.left_by_age), ([0.0, 2.0, 2.0, 0.0], [0.0, 0.0, 1.0, 3.0]));
    assert_eq!((f.oldest_left_h.mean, l.oldest_left_h.mean), (Some(35.0), Some(95.0)));
    assert!((f.asa_s.mean.unwrap() / H - 402.5 / 6.0).abs() < 1e-9);
    assert!((l.asa_s.mean.unwrap() / H - 162.5 / 6.0).abs() < 1e-9);
    assert_eq!(f.answered_in_time_all.mean, Some(0.0));
    assert_eq!(l.answered_in_time_all.mean, Some(0.1), "the fresh ticket answered at once");
}

/// An overloaded desk: 40 an hour of 10-minute tickets on 5 agents
/// (6.7 Erlangs), exponential patience of 4 hours, starting empty; one-minute
/// intervals so the snapshots of the number waiting average it over time.
fn overloaded() -> Scenario {
    let text = r#"
name = "overloaded"
[simulation]
horizon = "3d"
warmup = "0s"
interval = "1m"
replications = 20
seed = 77
[[queue]]
name = "q"
channel = "email"
volume = "40/hour"
handle_time = { dist = "exponential", mean = "10m" }
patience = { dist = "exponential", mean = "4h" }
sla = { within = "1h", target = 0.8 }
[[team]]
name = "agents"
skills = ["q"]
agents = 5
"#;
    Scenario::from_toml(text, "overloaded.toml").unwrap()
}

/// Time-average number waiting, from the snapshot at every minute's end.
fn mean_waiting(r: &ReplicationStats) -> f64 {
    r.interval_tickets.iter().map(|c| f64::from(c.backlog)).sum::<f64>() / r.interval_tickets.len() as f64
}

/// Within K standard errors plus `slack` (for a discretisation, not noise).
fn agrees(what: &str, e: Estimate, want: f64, slack: f64) {
    let (mean, se) = (e.mean.unwrap(), e.ci95.unwrap() / 1.96);
    println!("{what:<52} {mean:>9.5} ± {:>8.5}   expected {want:>9.5}", e.ci95.unwrap());
    assert!((mean - want).abs() <= K * se + slack, "{what}: {mean} vs {want}");
}

#[test]
fn with_every_customer_counted_little_law_holds_for_fifo_and_lifo() {
    let s = overloaded();
    let window = s.simulation.horizon;
    let mut wall = Vec::new();
    for policy in [Policy::Fifo, Policy::Lifo] {
        let reps = replicate(&s, policy);
        // L = λ W on every run from empty: the time-average number waiting is
        // the customers' total waiting time (the ones still waiting up to the
        // horizon) over the window. Snapshots every minute: a relative
        // discretisation error well under 1 %.
        let ratio = estimate(reps.iter().map(|r| Some(r.everyone[0].sum / window / mean_waiting(r))));
        agrees(&format!("{policy:?}: λW (everyone) / mean number waiting"), ratio, 1.0, 0.005);
        // Answered customers alone break it under LIFO: the old tickets left
        // waiting are exactly the ones missing from ASA.
        let answered = estimate(reps.iter().map(|r| {
            let c = r.queues[0];
            Some(c.offered as f64 / window * c.asa().unwrap() / mean_waiting(r))
        }));
        println!("{policy:?}: λ·ASA / mean number waiting {:.3}", answered.mean.unwrap());
        if policy == Policy::Lifo {
            assert!(answered.mean.unwrap() < 0.6, "ASA hides LIFO's old tickets: {answered:?}");
        }
        wall.push(estimate(reps.iter().map(|r| r.everyone[0].mean())));
    }
    // With exponential patience the number waiting does not depend on the
    // order, so neither does the mean wait of all customers.
    let (f, l) = (wall[0], wall[1]);
    let se = ((f.ci95.unwrap() / 1.96).powi(2) + (l.ci95.unwrap() / 1.96).powi(2)).sqrt();
    println!(
        "mean wait of everyone: fifo {:.0} s, lifo {:.0} s (tolerance {:.0})",
        f.mean.unwrap(),
        l.mean.unwrap(),
        K * se
    );
    assert!((f.mean.unwrap() - l.mean.unwrap()).abs() <= K * se);
}

fn staffsim() -> Command {
    Command::cargo_bin("staffsim").expect("binary built")
}

#[test]
fn compare_ranks_by_a_stated_objective_that_counts_the_tickets_left() {
    let tmp = tempfile::tempdir().unwrap();
    let crisis = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/backlog-crisis.toml");
    let run = |rank_by: &str| -> String {
        let out = staffsim()
            .args(["compare", crisis, "-q", "-r", "4", "--format", "svg", "--policies", "fifo,lifo,sla-first"])
            .args(["--rank-by", rank_by, "-o"])
            .arg(tmp.path().join(rank_by))
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    // The rows of the ranking table: (policy, tickets left).
    let ranking = |text: &str| -> Vec<(String, f64)> {
        text.lines()
            .skip_while(|l| !l.starts_with("rank policy"))
            .skip(1)
            .take_while(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit()))
            .map(|l| {
                let cells: Vec<&str> = l.split_whitespace().collect();
                let left = l.split(" (").next().unwrap().split_whitespace().last().unwrap().parse().unwrap();
                (cells[1].to_string(), left)
            })
            .collect()
    };
    let backlog = run("backlog");
    let words = backlog.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("ranked by the fewest tickets left waiting"), "{backlog}");
    let rows = ranking(&backlog);
    assert_eq!(rows.len(), 3, "{backlog}");
    assert!(rows.windows(2).all(|w| w[0].1 <= w[1].1), "fewest left first: {rows:?}");
    assert_eq!(rows[0].0, "fifo", "oldest first leaves the fewest: {rows:?}");
    let targets = run("targets");
    assert!(targets.split_whitespace().collect::<Vec<_>>().join(" ").contains("ranked by most SLA targets met"));
    assert_ne!(ranking(&targets)[0].0, "fifo");
    // The trade-off a faster average hides is said in words.
    let words = targets.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("its ASA leaves out the customers still waiting"), "{targets}");
    assert!(words.contains("fifo gives the lowest mean wait of all customers"), "{targets}");
    // The summary has every customer's figures beside the answered-only ones.
    let summary = std::fs::read_to_string(tmp.path().join("targets/summary.csv")).unwrap();
    let header = summary.lines().next().unwrap();
    for column in ["wait_all_mean_s", "answered_in_time_all", "waited_over_week", "left_over_3d", "oldest_left_h"] {
        assert!(header.contains(column), "{header}");
    }
    // The JSON summary names the objective as the flag does.
    let json = staffsim()
        .args(["compare", crisis, "-q", "-r", "2", "--format", "svg", "--policies", "fifo,lifo", "--json"])
        .args(["--rank-by", "mean-wait", "-o"])
        .arg(tmp.path().join("json"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(v["rank_by"], "mean-wait");
    assert_eq!(v["ranking"].as_array().map(Vec::len), Some(2));
    staffsim()
        .args(["compare", crisis, "--rank-by", "fastest"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("in-time").and(predicate::str::contains("mean-wait")));
}
