//! The limit `staffsim bench` measures itself against: the least an M/M/c
//! simulation must do — Poisson arrivals, exponential handle times, one
//! first-come-first-served line, a heap of finish times, the waits summed
//! and counted against the SLA — with nothing else (no reporting intervals,
//! no outcomes, no shifts, no skills). It draws from the same generator and
//! distributions as the engine, so the difference is the engine's own work.
//! Compiled into `staffsim bench` from here (`src/app/bench.rs`).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use rand_distr::{Distribution, Exp1};

/// What the minimal loop measured.
#[derive(Debug, Clone, Copy)]
pub struct LimitRun {
    pub tickets: u64,
    /// Mean wait of the answered, seconds.
    pub asa_s: f64,
    /// Share answered within the SLA.
    pub service_level: f64,
}

/// Simulates `tickets` arrivals of an M/M/`agents` desk: `per_hour`
/// arrivals an hour, `mean_s` seconds of handle time, SLA `within_s`.
pub fn mmc(per_hour: f64, mean_s: f64, agents: u32, within_s: f64, tickets: u64, seed: u64) -> LimitRun {
    let mut arrivals = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut services = Xoshiro256PlusPlus::seed_from_u64(seed ^ 0x9e37_79b9_7f4a_7c15);
    let gap = 3600.0 / per_hour;
    let mut next_arrival: f64 = gap * Distribution::<f64>::sample(&Exp1, &mut arrivals);
    // Finish times are positive, so their bits order like the times.
    let mut finishes: BinaryHeap<Reverse<u64>> = BinaryHeap::with_capacity(agents as usize);
    let mut line: VecDeque<f64> = VecDeque::new();
    let mut free = agents;
    let (mut arrived, mut answered, mut in_sla, mut wait_sum) = (0u64, 0u64, 0u64, 0.0f64);
    let mut answer = |wait: f64, now: f64, finishes: &mut BinaryHeap<Reverse<u64>>| {
        let service: f64 = mean_s * Distribution::<f64>::sample(&Exp1, &mut services);
        finishes.push(Reverse((now + service).to_bits()));
        answered += 1;
        in_sla += u64::from(wait <= within_s);
        wait_sum += wait;
    };
    while arrived < tickets {
        let finish = finishes.peek().map_or(f64::INFINITY, |r| f64::from_bits(r.0));
        if next_arrival < finish {
            let now = next_arrival;
            arrived += 1;
            if free > 0 {
                free -= 1;
                answer(0.0, now, &mut finishes);
            } else {
                line.push_back(now);
            }
            next_arrival = now + gap * Distribution::<f64>::sample(&Exp1, &mut arrivals);
        } else {
            finishes.pop();
            match line.pop_front() {
                Some(arrival) => answer(finish - arrival, finish, &mut finishes),
                None => free += 1,
            }
        }
    }
    LimitRun {
        tickets: arrived,
        asa_s: wait_sum / answered.max(1) as f64,
        service_level: in_sla as f64 / answered.max(1) as f64,
    }
}
