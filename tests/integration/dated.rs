//! Dated events against hand computations: a spike's span gets exactly its
//! expected arrivals (Poisson confidence interval) and the rest of the week
//! is unchanged; a holiday answers nothing and leaves λ × closed time waiting
//! at the reopening; temporary staff and dated overtime put exactly their
//! agents on duty in their spans; a deterministic backlog clears when the
//! hand count says, moved by a holiday and by temps. Through the CLI: the
//! same bytes for any thread count, `check` lists the events in words, and
//! the clear-by columns appear only with `clear_by`.

use std::path::Path;

use super::agree::{K, replicate};
use assert_cmd::Command;
use predicates::prelude::*;
use staffsim::scenario::{Policy, Scenario};
use staffsim::stats::{ReplicationStats, summarize};

const HOUR: f64 = 3600.0;

/// A one-queue desk starting Monday 7 Dec 2026 00:00, hourly intervals.
fn desk(simulation: &str, queue: &str, team: &str, events: &str) -> Scenario {
    let text = format!(
        "name = \"dated\"\n[simulation]\nstart = \"2026-12-07 00:00\"\ninterval = \"1h\"\nseed = 5\n{simulation}\n\n\
         [[queue]]\nname = \"email\"\nchannel = \"email\"\n{queue}\nsla = {{ within = \"4h\", target = 0.8 }}\n\n\
         [[team]]\nname = \"support\"\nskills = [\"email\"]\n{team}\n\n{events}"
    );
    Scenario::from_toml(&text, "dated.toml").unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// Mean over replications of a per-replication count, and its standard error.
fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

/// Tickets offered per replication in hourly intervals `hours` (queue 0).
fn offered_in(reps: &[ReplicationStats], hours: std::ops::Range<usize>) -> Vec<f64> {
    reps.iter().map(|r| hours.clone().map(|i| f64::from(r.interval_tickets[i].offered)).sum()).collect()
}

fn agrees(what: &str, xs: &[f64], expected: f64) {
    let (mean, se) = mean_se(xs);
    // The Poisson standard error of the mean, and the replications' own.
    let poisson = (expected / xs.len() as f64).sqrt();
    let tolerance = K * poisson.max(se);
    println!("{what:<44} simulated {mean:>9.2} ± {:>6.2} (95 %)   expected {expected:>9.2}", 1.96 * se);
    assert!((mean - expected).abs() <= tolerance, "{what}: {mean} vs {expected} (tolerance {tolerance})");
}

#[test]
fn a_spike_gets_its_expected_arrivals_and_the_rest_of_the_week_is_unchanged() {
    // 200 a day, evenly round the clock. Wednesday 9th +80 %; Friday 11th
    // 10:00-16:00 a burst of 300 extra tickets on top of its usual 50.
    let s = desk(
        "horizon = \"1w\"\nreplications = 40",
        "volume = \"1400/week\"\nhandle_time = { dist = \"exponential\", mean = \"5m\" }",
        "agents = 3",
        "[[event]]\nkind = \"spike\"\ndate = \"2026-12-09\"\nvolume = \"+80%\"\n\n\
         [[event]]\nkind = \"spike\"\nfrom = \"2026-12-11 10:00\"\nto = \"2026-12-11 16:00\"\nextra = 300\n",
    );
    let reps = replicate(&s, Policy::PerQueue);
    agrees("Wed 9 Dec (x1.8)", &offered_in(&reps, 48..72), 360.0);
    agrees("Fri 11 Dec 10:00-16:00 (+300)", &offered_in(&reps, 106..112), 350.0);
    agrees("Fri 11 Dec rest of the day", &offered_in(&reps, 96..106), 200.0 * 10.0 / 24.0);
    for (day, name) in [(0, "Mon"), (1, "Tue"), (3, "Thu"), (5, "Sat"), (6, "Sun")] {
        agrees(&format!("{name} (unchanged)"), &offered_in(&reps, day * 24..day * 24 + 24), 200.0);
    }
    // The same seed without the events: the days before the first spike
    // draw the very same tickets (the spike changes only its own span).
    let plain = desk(
        "horizon = \"1w\"\nreplications = 40",
        "volume = \"1400/week\"\nhandle_time = { dist = \"exponential\", mean = \"5m\" }",
        "agents = 3",
        "",
    );
    let base = replicate(&plain, Policy::PerQueue);
    assert_eq!(offered_in(&reps, 0..48), offered_in(&base, 0..48), "Mon and Tue: identical arrivals");
}

#[test]
fn a_holiday_answers_nothing_and_the_tickets_wait_for_the_reopening() {
    // 10 tickets an hour round the clock; 5 agents at 6 minutes each (one
    // agent's worth of work), so almost nothing waits on an open day. The
    // whole desk is closed on Wednesday 9th: every ticket of that day waits
    // until Thursday 00:00, λ × 24 h = 240 of them.
    let s = desk(
        "horizon = \"1w\"\nreplications = 40",
        "volume = \"10/hour\"\nhandle_time = { dist = \"exponential\", mean = \"6m\" }",
        "agents = 5",
        "[[event]]\nkind = \"holiday\"\nname = \"closed\"\ndate = \"2026-12-09\"\n",
    );
    let reps = replicate(&s, Policy::PerQueue);
    for r in &reps {
        let busy: f64 = (48..72).map(|i| r.interval_agents[i].busy).sum();
        let on_duty: f64 = (48..72).map(|i| r.interval_agents[i].on_duty).sum();
        // A ticket started before midnight may end after it: allow one
        // handle time's tail in the first hour only.
        let after_first_hour: f64 = (49..72).map(|i| r.interval_agents[i].busy).sum();
        assert_eq!(after_first_hour, 0.0, "no answers on the holiday");
        assert!(busy <= 5.0 * HOUR && on_duty <= 5.0 * HOUR, "only the tail of Tuesday's last tickets");
        // Nobody answered during the day: the backlog only grows (the last
        // snapshot, at the reopening, comes after the first answers).
        let backlog: Vec<u32> = (48..71).map(|i| r.interval_tickets[i].backlog).collect();
        assert!(backlog.windows(2).all(|w| w[1] >= w[0]), "{backlog:?}");
    }
    let at_reopening: Vec<f64> = reps.iter().map(|r| f64::from(r.interval_tickets[71].backlog)).collect();
    // The reopening at Thu 00:00 comes before that interval's snapshot (it
    // was scheduled earlier), so the 5 agents have just taken one each.
    agrees("waiting at Thu 00:00 (λ × 24 h - 5)", &at_reopening, 240.0 - 5.0);
    let after_hours: Vec<f64> = reps.iter().map(|r| r.after_hours[0].offered as f64).collect();
    agrees("arrived while closed", &after_hours, 240.0);
    // They are answered after the reopening, 40 an hour net (50 answered,
    // 10 arriving): about 6 hours, so by Thursday 10:00 the line is back to
    // a handful.
    for r in &reps {
        assert!(r.interval_tickets[81].backlog < 20, "cleared after the reopening: {}", r.interval_tickets[81].backlog);
    }
    let summary = summarize(&s, &reps);
    let answered: f64 = summary.queues[0].answered;
    let offered: f64 = summary.queues[0].offered;
    assert!(offered - answered < 5.0, "every ticket of the holiday was answered later: {offered} vs {answered}");
}

#[test]
fn temps_and_dated_overtime_put_exactly_their_agents_on_duty() {
    // No tickets, so on-duty time is the roster exactly. The team: 4 agents
    // Mon-Fri 09:00-17:00. Temps: 3 more on Wed 9th and Thu 10th; Thursday
    // is a short day for the team (09:00-13:00, temps included); Saturday
    // 12th 6 agents of overtime 10:00-16:00.
    let s = desk(
        "horizon = \"1w\"\nreplications = 2",
        "volume = \"0/week\"\nhandle_time = { dist = \"fixed\", mean = \"5m\" }",
        "shifts = [{ days = \"mon-fri\", start = \"09:00\", length = \"8h\", agents = 4 }]",
        "[[event]]\nkind = \"temps\"\nteam = \"support\"\nfrom = \"2026-12-09\"\nto = \"2026-12-10\"\n\
         hours = \"09:00-17:00\"\nagents = 3\n\n\
         [[event]]\nkind = \"holiday\"\ndate = \"2026-12-10\"\nhours = \"09:00-13:00\"\nteams = [\"support\"]\n\n\
         [[event]]\nkind = \"overtime\"\nteam = \"support\"\ndate = \"2026-12-12\"\nhours = \"10:00-16:00\"\nagents = 6\n",
    );
    let reps = replicate(&s, Policy::PerQueue);
    let hand = |i: usize| -> f64 {
        let (day, hour) = (i / 24, i % 24);
        let office = (9..17).contains(&hour);
        match day {
            0 | 1 | 4 if office => 4.0,
            2 if office => 7.0,
            3 if (9..13).contains(&hour) => 7.0,
            5 if (10..16).contains(&hour) => 6.0,
            _ => 0.0,
        }
    };
    for r in &reps {
        for i in 0..7 * 24 {
            let agents = r.interval_agents[i].on_duty / HOUR;
            assert!(
                (agents - hand(i)).abs() < 1e-9,
                "hour {i} (day {}, {}:00): {agents} on duty, by hand {}",
                i / 24,
                i % 24,
                hand(i)
            );
        }
    }
    let total: f64 = (0..7 * 24).map(hand).sum();
    println!("agent-hours on duty in the week: {total} (by hand), every hour equal");
    assert_eq!(total, 3.0 * 32.0 + 7.0 * 8.0 + 7.0 * 4.0 + 6.0 * 6.0);
}

/// A backlog of 100 tickets, fixed 1-hour handle times, no arrivals; 4
/// agents Mon-Fri 09:00-17:00 answer 32 a day. `events` moves the day.
fn clearing(events: &str, clear_by: &str) -> staffsim::stats::QueueSummary {
    let s = desk(
        &format!("horizon = \"2w\"\nreplications = 3\nclear_by = \"{clear_by}\""),
        "volume = \"0/week\"\nhandle_time = { dist = \"fixed\", mean = \"1h\" }\nbacklog = { tickets = 100 }",
        "shifts = [{ days = \"mon-fri\", start = \"09:00\", length = \"8h\", agents = 4 }]",
        events,
    );
    let summary = summarize(&s, &replicate(&s, Policy::PerQueue));
    summary.queues[0].clone()
}

#[test]
fn a_deterministic_backlog_clears_on_the_hand_computed_date() {
    // 100 tickets, 32 a day: Mon 32, Tue 64, Wed 96; the last 4 are taken
    // at Thursday 09:00, when the line is empty (the work itself ends at
    // 10:00: ceil(100 / 4) = 25 one-hour rounds).
    let plain = clearing("", "2026-12-09");
    assert_eq!(plain.time_to_clear_h.mean, Some(3.0 * 24.0 + 9.0));
    let c = plain.clear_by.expect("clear_by given");
    assert_eq!((c.share, c.expected.as_deref()), (0.0, Some("2026-12-10 09:00")));
    // Every run clears in the hour from 09:00: half and 9 in 10 by its end.
    assert_eq!((c.p50_by.as_deref(), c.p90_by.as_deref()), (Some("2026-12-10 10:00"), Some("2026-12-10 10:00")));
    // 4 temps on Tuesday: 32 + 64 = 96 by Tuesday evening, clear Wed 09:00.
    let temps = clearing(
        "[[event]]\nkind = \"temps\"\nteam = \"support\"\ndate = \"2026-12-08\"\nhours = \"09:00-17:00\"\nagents = 4\n",
        "2026-12-09",
    );
    let c = temps.clear_by.expect("clear_by given");
    assert_eq!((c.share, c.expected.as_deref()), (1.0, Some("2026-12-09 09:00")));
    // A holiday on Monday undoes the temps: 0 + 64 + 32 = 96, clear Thu 09:00.
    let holiday = clearing(
        "[[event]]\nkind = \"temps\"\nteam = \"support\"\ndate = \"2026-12-08\"\nhours = \"09:00-17:00\"\nagents = 4\n\n\
         [[event]]\nkind = \"holiday\"\ndate = \"2026-12-07\"\n",
        "2026-12-10 09:00",
    );
    let c = holiday.clear_by.expect("clear_by given");
    assert_eq!((c.share, c.expected.as_deref()), (1.0, Some("2026-12-10 09:00")), "a deadline at that minute is met");
    // Saturday overtime of 8 agents 09:00-17:00 after a week that leaves
    // some: 60 tickets a day too many for 1 agent (8 a day) clear on Sat 12th.
    let slow = desk(
        "horizon = \"2w\"\nreplications = 2\nclear_by = \"2026-12-12\"",
        "volume = \"0/week\"\nhandle_time = { dist = \"fixed\", mean = \"1h\" }\nbacklog = { tickets = 100 }",
        "shifts = [{ days = \"mon-fri\", start = \"09:00\", length = \"8h\", agents = 1 }]",
        "[[event]]\nkind = \"overtime\"\nteam = \"support\"\ndate = \"2026-12-12\"\nhours = \"09:00-17:00\"\nagents = 8\n",
    );
    // Mon-Fri: 40 answered, 60 left; Saturday 8 agents: 7 rounds of 8 = 56
    // by 15:00 leaves 4, taken at 16:00 (Sat 12th 16:00 = 5 d 16 h).
    let row = summarize(&slow, &replicate(&slow, Policy::PerQueue)).queues[0].clone();
    assert_eq!(row.time_to_clear_h.mean, Some(5.0 * 24.0 + 16.0));
    assert_eq!(row.clear_by.map(|c| c.share), Some(1.0));
}

fn staffsim() -> Command {
    Command::cargo_bin("staffsim").expect("binary built")
}

fn fixture() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dated.toml")
}

#[test]
fn dated_runs_give_the_same_bytes_for_any_thread_count_and_check_lists_the_events() {
    let tmp = tempfile::tempdir().unwrap();
    let mut bytes = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(threads);
        staffsim()
            .arg("run")
            .arg(fixture())
            .args(["-q", "--format", "svg", "--threads", threads, "-o"])
            .arg(&out)
            .assert()
            .success();
        bytes
            .push((std::fs::read(out.join("summary.csv")).unwrap(), std::fs::read(out.join("intervals.csv")).unwrap()));
    }
    assert!(bytes[0] == bytes[1], "summary.csv and intervals.csv identical for 1 and 2 threads");
    let summary = String::from_utf8(bytes[0].0.clone()).unwrap();
    let header = summary.lines().next().unwrap();
    assert!(header.ends_with(",cleared_by_date,clear_date,clear_p50_by,clear_p90_by"), "{header}");
    let all = summary.lines().find(|l| l.starts_with("all,")).unwrap();
    assert!(all.contains(",2026-12-"), "a clear date: {all}");
    staffsim()
        .arg("check")
        .arg(fixture())
        .assert()
        .success()
        .stdout(predicate::str::contains("starts Mon 7 Dec 2026 00:00"))
        .stdout(predicate::str::contains("dated events (desk clock):"))
        .stdout(predicate::str::contains("Wed 9 Dec 2026: spike \"release\", volume x1.8 (+80 %) on queues email"))
        .stdout(predicate::str::contains("Thu 24 Dec 2026: holiday \"Christmas Eve\", the whole desk open only"))
        .stdout(predicate::str::contains("3 extra agents of team support"))
        .stdout(predicate::str::contains("clear by Thu 24 Dec 2026 00:00"));
}

#[test]
fn a_dated_start_without_events_simulates_the_same_desk_as_its_weekday() {
    // 2026-12-10 is a Thursday: the same week time as "thu 08:00".
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small.toml")).unwrap();
    let at = |start: &str| text.replacen("[simulation]", &format!("[simulation]\nstart = \"{start}\""), 1);
    let weekday = Scenario::from_toml(&at("thu 08:00"), "small.toml").unwrap();
    let dated = Scenario::from_toml(&at("2026-12-10 08:00"), "small.toml").unwrap();
    assert_eq!(weekday.simulation.start, dated.simulation.start);
    let csv =
        |s: &Scenario| staffsim::report::csv::summary(&summarize(s, &replicate(s, Policy::PerQueue)).queues).unwrap();
    assert!(csv(&weekday) == csv(&dated), "identical summary.csv bytes");
}

#[test]
fn a_holiday_of_one_queue_keeps_the_team_on_duty_for_the_others() {
    let text = "name = \"two\"\n[simulation]\nstart = \"2026-12-07 00:00\"\nhorizon = \"1w\"\ninterval = \"1h\"\nreplications = 20\nseed = 9\n\n\
        [[queue]]\nname = \"email\"\nchannel = \"email\"\nvolume = \"5/hour\"\nhandle_time = { dist = \"exponential\", mean = \"6m\" }\n\
        sla = { within = \"4h\", target = 0.8 }\n\n\
        [[queue]]\nname = \"chat\"\nchannel = \"chat\"\nvolume = \"5/hour\"\nhandle_time = { dist = \"exponential\", mean = \"6m\" }\n\
        sla = { within = \"2m\", target = 0.8 }\n\n\
        [[team]]\nname = \"support\"\nskills = [\"chat\", \"email\"]\nagents = 4\n\n\
        [[event]]\nkind = \"holiday\"\ndate = \"2026-12-09\"\nqueues = [\"email\"]\n";
    let s = Scenario::from_toml(text, "two.toml").unwrap();
    let reps = replicate(&s, Policy::PerQueue);
    for r in &reps {
        for i in 48..72 {
            assert_eq!(r.interval_agents[i].on_duty, 4.0 * HOUR, "the team works the chats on the email holiday");
        }
    }
    let email_closed: Vec<f64> = reps.iter().map(|r| r.after_hours[0].offered as f64).collect();
    let chat_closed: Vec<f64> = reps.iter().map(|r| r.after_hours[1].offered as f64).collect();
    agrees("email arrived while closed (5/h × 24 h)", &email_closed, 120.0);
    assert!(chat_closed.iter().all(|&n| n == 0.0), "chat stayed open");
    // Email waiting at Wed 23:00: Wednesday's email, none answered.
    let waiting: Vec<f64> = reps.iter().map(|r| f64::from(r.interval_tickets[70 * 2].backlog)).collect();
    agrees("email waiting at Wed 23:00 (5/h × 23 h)", &waiting, 115.0);
}
