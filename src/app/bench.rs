//! `staffsim bench`: the speed and memory of the engine on fixed scenarios,
//! each run as its own process (the numbers are whole-process numbers:
//! start-up, simulation, CSV and charts). Peak memory is read from Linux's
//! /proc (VmHWM) by the child itself.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, anyhow};

#[path = "../../benches/limit.rs"]
pub(super) mod limit;

const MMC: &str = include_str!("../../benches/scenarios/mmc.toml");
const MMCM: &str = include_str!("../../benches/scenarios/mmcm.toml");
const MULTISKILL: &str = include_str!("../../benches/scenarios/multiskill.toml");
const STAFF4: &str = include_str!("../../benches/scenarios/staff4.toml");
const STAFF1000: &str = include_str!("../../benches/scenarios/staff-1000.toml");

/// The environment variable that makes a staffsim process print its peak memory.
pub const PEAK_ENV: &str = "STAFFSIM_REPORT_PEAK_RSS";

/// Peak resident memory of this process in KiB (Linux), if known.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

struct Measured {
    seconds: f64,
    tickets: f64,
    peak_kib: Option<u64>,
}

/// Runs `staffsim ARGS` as a child and measures it.
fn measure(dir: &Path, args: &[&str]) -> anyhow::Result<Measured> {
    let exe = std::env::current_exe().context("could not find the staffsim executable")?;
    let started = Instant::now();
    let output = Command::new(exe)
        .args(args)
        .args(["--json", "-q", "--format", "svg", "-o"])
        .arg(dir.join("out"))
        .env(PEAK_ENV, "1")
        .output()
        .context("could not start a benchmark run")?;
    let seconds = started.elapsed().as_secs_f64();
    if !output.status.success() {
        return Err(anyhow!("benchmark run {args:?} failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let v: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    let reps = v["replications"].as_f64().unwrap_or(1.0);
    let tickets =
        v["queues"].as_array().and_then(|q| q.last()).and_then(|all| all["offered"].as_f64()).unwrap_or(0.0) * reps;
    let peak_kib = String::from_utf8_lossy(&output.stderr)
        .lines()
        .find_map(|l| l.strip_prefix("peak_rss_kib: ").and_then(|n| n.trim().parse().ok()));
    Ok(Measured { seconds, tickets, peak_kib })
}

/// The median of `n` runs (by time), to steady a shared machine's noise.
fn median(dir: &Path, args: &[&str], n: usize) -> anyhow::Result<Measured> {
    let mut runs = (0..n).map(|_| measure(dir, args)).collect::<anyhow::Result<Vec<_>>>()?;
    runs.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
    Ok(runs.swap_remove(n / 2))
}

fn mib(k: Option<u64>) -> String {
    k.map_or("-".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}

/// Runs the benchmarks and returns the report.
pub fn run(quick: bool) -> anyhow::Result<String> {
    if let Ok(filter) = std::env::var(super::scaling::ONLY_ENV) {
        return super::scaling::only(&filter, quick);
    }
    let tmp = std::env::temp_dir().join(format!("staffsim-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    let write = |name: &str, text: &str| -> anyhow::Result<String> {
        let p = tmp.join(name);
        std::fs::write(&p, text)?;
        Ok(p.display().to_string())
    };
    let scale = |text: &str, weeks: u32| text.replace("horizon = \"300w\"", &format!("horizon = \"{weeks}w\""));
    // One reporting interval for the whole run: what remains is the engine's own memory.
    let single =
        |text: &str, weeks: u32| scale(text, weeks).replace("interval = \"1w\"", &format!("interval = \"{weeks}w\""));
    let base_weeks = if quick { 30 } else { 300 };
    let mmc = write("mmc.toml", &scale(MMC, base_weeks))?;
    let mmc10 = write("mmc10.toml", &scale(MMC, base_weeks * 10))?;
    let flat1 = write("flat1.toml", &single(MMC, base_weeks))?;
    let flat10 = write("flat10.toml", &single(MMC, base_weeks * 10))?;
    let mmcm = write("mmcm.toml", &scale(MMCM, base_weeks))?;
    let multi = write("multiskill.toml", MULTISKILL)?;
    let staff4 = write("staff4.toml", STAFF4)?;
    // The quick run staffs the big desk on fewer replications.
    let staff1000 = write(
        "staff-1000.toml",
        &if quick { STAFF1000.replace("replications = 10", "replications = 2") } else { STAFF1000.to_string() },
    )?;
    let two_reps = write("mmc2.toml", &scale(MMC, base_weeks / 2).replace("replications = 1", "replications = 2"))?;

    let mut report = String::new();
    let _ = writeln!(report, "{:<58} {:>10} {:>14} {:>11}", "benchmark", "seconds", "tickets/s", "peak mem");
    let mut line = |label: &str, m: &Measured, rate: bool| {
        let per_s = if rate && m.seconds > 0.0 { format!("{:.2} M", m.tickets / m.seconds / 1e6) } else { "-".into() };
        let _ = writeln!(report, "{label:<58} {:>10.2} {per_s:>14} {:>11}", m.seconds, mib(m.peak_kib));
    };
    let a = median(&tmp, &["run", &mmc, "--threads", "1"], 3)?;
    line(&format!("(a) M/M/12, {:.1} M tickets, 1 thread", a.tickets / 1e6), &a, true);
    let a10 = measure(&tmp, &["run", &mmc10, "--threads", "1"])?;
    line(&format!("(a) same, 10x the horizon ({:.1} M tickets)", a10.tickets / 1e6), &a10, true);
    let f1 = measure(&tmp, &["run", &flat1, "--threads", "1"])?;
    line("(a) one reporting interval", &f1, true);
    let f10 = measure(&tmp, &["run", &flat10, "--threads", "1"])?;
    line("(a) one reporting interval, 10x the horizon", &f10, true);
    let b = median(&tmp, &["run", &mmcm, "--threads", "1"], 3)?;
    line("(b) M/M/10+M, patience 3 min, 1 thread", &b, true);
    let c = median(&tmp, &["run", &multi, "--threads", "1"], 3)?;
    line("(c) 4 queues, 2 teams, shifts, chat concurrency, 1 thread", &c, true);
    let d = median(&tmp, &["staff", &staff4, "--threads", "2"], 3)?;
    line("(d) staff: a week of 30-min intervals, 4 queues, 2 threads", &d, false);
    let e = measure(&tmp, &["staff", &staff1000, "--threads", "2"])?;
    line("(e) staff: 40 queues, 10 teams, ~970 FTE, 2 threads", &e, false);
    let r1 = median(&tmp, &["run", &two_reps, "--threads", "1"], 3)?;
    line("(a) as 2 replications, 1 thread", &r1, true);
    let r2 = median(&tmp, &["run", &two_reps, "--threads", "2"], 3)?;
    line("(a) as 2 replications, 2 threads", &r2, true);
    // The limit: the minimal M/M/12 loop on as many tickets as (a) at 10x,
    // in this process (no start-up, no outputs), best of three.
    let limit_seconds = (0..3)
        .map(|_| {
            let started = Instant::now();
            let r = limit::mmc(100.0, 360.0, 12, 20.0, a10.tickets.round() as u64, 1);
            (started.elapsed().as_secs_f64(), r)
        })
        .min_by(|x, y| x.0.total_cmp(&y.0));
    if let Some((seconds, r)) = limit_seconds {
        let rate = r.tickets as f64 / seconds.max(1e-9);
        let _ = writeln!(
            report,
            "{:<58} {seconds:>10.2} {:>14} {:>11}",
            "limit: minimal M/M/12 loop (benches/limit.rs), in process",
            format!("{:.2} M", rate / 1e6),
            "-"
        );
        let _ = writeln!(report);
        let _ = writeln!(
            report,
            "limit ratio: (a) at 10x the horizon runs at {:.2}x the minimal loop's time per ticket \
             (its ASA {:.1} s, answered within 20 s {:.1} %: Erlang C says 80.9 s and 59.8 %)",
            rate / (a10.tickets / a10.seconds.max(1e-9)),
            r.asa_s,
            r.service_level * 100.0
        );
    } else {
        let _ = writeln!(report);
    }
    if let (Some(p1), Some(p10)) = (f1.peak_kib, f10.peak_kib) {
        let _ = writeln!(
            report,
            "memory, one reporting interval: 10x the horizon costs {:.2}x the peak memory",
            p10 as f64 / p1 as f64
        );
    }
    if let (Some(p1), Some(p10)) = (a.peak_kib, a10.peak_kib) {
        let _ = writeln!(
            report,
            "memory, weekly reporting intervals: 10x the horizon costs {:.2}x (the per-interval tables grow with the intervals they report)",
            p10 as f64 / p1 as f64
        );
    }
    let _ = writeln!(
        report,
        "replications: 2 threads run {:.2}x as fast as 1 (median of 3)",
        r1.seconds / r2.seconds.max(1e-9)
    );
    let _ = writeln!(report);
    report.push_str(&super::scaling::table(quick)?);
    let _ = std::fs::remove_dir_all(&tmp);
    Ok(report)
}
