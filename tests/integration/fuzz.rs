//! A mutation fuzzer for the scenario parser, validator and engine: it takes
//! the shipped scenarios and test fixtures, damages them the ways a
//! hand-edited file gets damaged (deleted keys, misspelt keys, values of the
//! wrong type or absurd size, NaN and infinities, truncation, stray bytes),
//! and checks that staffsim never panics — it either refuses the file with a
//! message or simulates it (capped to a short run) keeping its invariants.
//!
//! The test binary runs a bounded number of cases; the long run is
//! `cargo run --release --example fuzz -- SECONDS` (same code).

use std::panic::{AssertUnwindSafe, catch_unwind};

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use staffsim::scenario::{Policy, Scenario};

/// The documents mutated.
pub const SEEDS: [&str; 8] = [
    include_str!("../../scenarios/smb-saas.toml"),
    include_str!("../../scenarios/advertiser-desk.toml"),
    include_str!("../../scenarios/tech-24x7.toml"),
    include_str!("../../scenarios/backlog-crisis.toml"),
    include_str!("../../scenarios/new-product.toml"),
    include_str!("../fixtures/small.toml"),
    include_str!("../fixtures/peak.toml"),
    include_str!("../fixtures/timezones.toml"),
];

const STRINGS: [&str; 24] = [
    "",
    " ",
    "nan",
    "-1",
    "0",
    "1e309",
    "∞",
    "6",
    "6x",
    "0s",
    "-5m",
    "99999999w",
    "1h30",
    "mon-sun 25:00-26:00",
    "fri-mon 23:59-00:00",
    "24/7",
    "/week",
    "1..0/day",
    "5m..1m",
    "abc/month",
    "+99:00",
    "chat",
    "lifo",
    "\u{0}",
];

fn random_value(rng: &mut Xoshiro256PlusPlus, depth: u32) -> toml::Value {
    match rng.random_range(0..9) {
        0 | 1 => toml::Value::String(STRINGS[rng.random_range(0..STRINGS.len())].to_string()),
        2 => toml::Value::Integer([-1, 0, 1, 2, 7, 24, 100_000, 1 << 40, i64::MIN, i64::MAX][rng.random_range(0..10)]),
        3 => toml::Value::Float(
            [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0, 0.5, 1.3, 1e308, -2.5][rng.random_range(0..8)],
        ),
        4 => toml::Value::Boolean(rng.random()),
        5 if depth < 2 => {
            toml::Value::Array((0..rng.random_range(0..30)).map(|_| random_value(rng, depth + 1)).collect())
        }
        6 if depth < 2 => {
            let mut t = toml::Table::new();
            for k in ["dist", "mean", "cv", "within", "target", "tickets", "queue", "share"] {
                if rng.random_bool(0.4) {
                    t.insert(k.into(), random_value(rng, depth + 1));
                }
            }
            toml::Value::Table(t)
        }
        _ => toml::Value::String((0..rng.random_range(0..12)).map(|_| rng.random_range(32u8..127) as char).collect()),
    }
}

/// Applies one structural mutation somewhere in `value`.
fn mutate(value: &mut toml::Value, rng: &mut Xoshiro256PlusPlus) {
    match value {
        toml::Value::Table(table) if !table.is_empty() => {
            let keys: Vec<String> = table.keys().cloned().collect();
            let key = keys[rng.random_range(0..keys.len())].clone();
            match rng.random_range(0..6) {
                0 => {
                    table.remove(&key);
                }
                1 => {
                    let v = random_value(rng, 0);
                    table.insert(key, v);
                }
                2 => {
                    // Misspell the key.
                    if let Some(v) = table.remove(&key) {
                        let mut chars: Vec<char> = key.chars().collect();
                        if chars.len() > 1 {
                            let i = rng.random_range(0..chars.len() - 1);
                            chars.swap(i, i + 1);
                        }
                        table.insert(chars.into_iter().collect(), v);
                    }
                }
                _ => {
                    if let Some(v) = table.get_mut(&key) {
                        mutate(v, rng);
                    }
                }
            }
        }
        toml::Value::Array(items) if !items.is_empty() => {
            let i = rng.random_range(0..items.len());
            match rng.random_range(0..4) {
                0 => {
                    items.remove(i);
                }
                1 => {
                    let copy = items[i].clone();
                    items.push(copy);
                }
                _ => mutate(&mut items[i], rng),
            }
        }
        other => *other = random_value(rng, 0),
    }
}

/// One damaged scenario text.
pub fn damaged(rng: &mut Xoshiro256PlusPlus) -> String {
    let seed = SEEDS[rng.random_range(0..SEEDS.len())];
    let mut text = match toml::from_str::<toml::Value>(seed) {
        Ok(mut doc) => {
            for _ in 0..rng.random_range(1..5) {
                mutate(&mut doc, rng);
            }
            toml::to_string(&doc).unwrap_or_else(|_| seed.to_string())
        }
        Err(_) => seed.to_string(),
    };
    if rng.random_bool(0.25) && !text.is_empty() {
        // Raw damage: truncate, or overwrite a stretch with stray characters.
        let mut chars: Vec<char> = text.chars().collect();
        let at = rng.random_range(0..chars.len());
        if rng.random_bool(0.5) {
            chars.truncate(at);
        } else {
            for c in chars.iter_mut().skip(at).take(rng.random_range(1..8)) {
                *c = ['"', '[', ']', '=', '\n', '{', ',', 'é', '\u{7f}', '#'][rng.random_range(0..10)];
            }
        }
        text = chars.into_iter().collect();
    }
    text
}

/// What happened to one case.
pub enum Outcome {
    Refused,
    Simulated,
}

/// Parses and, when valid, simulates a short run of `text`. Panics inside are
/// caught and returned as errors with the input.
pub fn check(text: &str) -> Result<Outcome, String> {
    let result = catch_unwind(AssertUnwindSafe(|| -> Result<Outcome, String> {
        let mut s = match Scenario::from_toml(text, "fuzz.toml") {
            Err(e) => {
                let message = e.to_string();
                if message.is_empty() {
                    return Err("an error without a message".into());
                }
                return Ok(Outcome::Refused);
            }
            Ok(s) => s,
        };
        // Keep the run short: at most 48 intervals, one replication, and a
        // bounded number of tickets.
        let sim = &mut s.simulation;
        let intervals = sim.intervals().min(48);
        sim.horizon = sim.warmup + intervals as f64 * sim.interval;
        let weeks = sim.horizon / (7.0 * 86_400.0);
        let tickets: f64 = s.queues.iter().map(|q| q.weekly_volume * weeks).sum::<f64>()
            + s.queues.iter().filter_map(|q| q.initial_backlog).map(|b| f64::from(b.tickets)).sum::<f64>();
        let agents: u32 = s.teams.iter().map(|t| t.agents()).sum();
        if tickets > 200_000.0 || agents > 20_000 {
            return Ok(Outcome::Simulated);
        }
        let r = staffsim::sim::simulate(&s, Policy::PerQueue, 0);
        let cells: Vec<_> = r.interval_tickets.iter().map(|c| c.widen()).collect();
        for c in r.queues.iter().chain(&r.after_hours).chain(&cells) {
            if c.offered != c.answered + c.abandoned + c.closed + c.withdrawn + c.waiting_at_end {
                return Err(format!("tickets not accounted for: {c:?}"));
            }
        }
        if r.served_without_skill > 0 {
            return Err("a ticket served without the skill".into());
        }
        Ok(Outcome::Simulated)
    }));
    match result {
        Ok(r) => r.map_err(|e| format!("{e}\n--- input ---\n{text}")),
        Err(_) => Err(format!("panic\n--- input ---\n{text}")),
    }
}

/// Runs `cases` damaged scenarios from `seed`; returns (refused, simulated).
pub fn run(seed: u64, cases: usize) -> Result<(usize, usize), String> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let (mut refused, mut simulated) = (0, 0);
    for _ in 0..cases {
        match check(&damaged(&mut rng))? {
            Outcome::Refused => refused += 1,
            Outcome::Simulated => simulated += 1,
        }
    }
    Ok((refused, simulated))
}

#[test]
fn damaged_scenarios_never_panic() {
    let (refused, simulated) = run(2026, 3000).unwrap_or_else(|e| panic!("{e}"));
    println!("3000 damaged scenarios: {refused} refused with a message, {simulated} simulated");
    assert!(refused > 0 && simulated > 0, "the mutations reach both outcomes");
}
