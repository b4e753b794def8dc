//! Micro-benchmarks of the engine (divan): one replication of each fixed
//! scenario, smaller than `staffsim bench` so `cargo bench` stays quick.
//! `staffsim bench` is the whole-process measure reported in BENCHMARKS.md.

use staffsim::scenario::{Policy, Scenario};

fn main() {
    divan::main();
}

fn scenario(text: &str, weeks: u32) -> Scenario {
    let text = text
        .replace("horizon = \"300w\"", &format!("horizon = \"{weeks}w\""))
        .replace("horizon = \"100w\"", &format!("horizon = \"{weeks}w\""));
    Scenario::from_toml(&text, "bench.toml").expect("valid benchmark scenario")
}

/// (a) M/M/12, 10 weeks (~168 000 tickets).
#[divan::bench]
fn mmc_10_weeks(bencher: divan::Bencher) {
    let s = scenario(include_str!("scenarios/mmc.toml"), 10);
    bencher.bench(|| staffsim::sim::simulate(divan::black_box(&s), Policy::PerQueue, 0));
}

/// (b) M/M/10+M, 10 weeks.
#[divan::bench]
fn mmc_patience_10_weeks(bencher: divan::Bencher) {
    let s = scenario(include_str!("scenarios/mmcm.toml"), 10);
    bencher.bench(|| staffsim::sim::simulate(divan::black_box(&s), Policy::PerQueue, 0));
}

/// (c) four queues, two teams with shifts, chat concurrency, 10 weeks.
#[divan::bench]
fn multiskill_10_weeks(bencher: divan::Bencher) {
    let s = scenario(include_str!("scenarios/multiskill.toml"), 10);
    bencher.bench(|| staffsim::sim::simulate(divan::black_box(&s), Policy::PerQueue, 0));
}

/// (c) under the sla-first policy, which searches each queue on every pick.
#[divan::bench]
fn multiskill_sla_first_10_weeks(bencher: divan::Bencher) {
    let s = scenario(include_str!("scenarios/multiskill.toml"), 10);
    bencher.bench(|| staffsim::sim::simulate(divan::black_box(&s), Policy::SlaFirst, 0));
}
