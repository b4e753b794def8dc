//! Stage 1: the analytic requirement per queue and interval of the week.
//!
//! The work a queue receives is its own arrivals plus *derived* work: the
//! callback requests its phone queues' missed calls leave (a call reaching a
//! closed line, or a caller who gave up), landing when the callback queue
//! is open. Interactive queues are staffed by Erlang C (Erlang A when
//! customers have a patience) on each interval's rate; a chat agent at
//! concurrency k counts as k servers, and the requirement is the fewest
//! agents meeting every target of the SLA: the share answered in time, the
//! mean wait (ASA; Erlang C's is C(n, a) / (nμ − λ)), or both. Queues whose
//! SLA is an hour or more (its deadline and its average alike) are
//! *deferrable* (email, forms): they need the work of each SLA window done
//! within that window, not Erlang C's cover of every burst. Work that piled up
//! while a queue was closed is spread over the first SLA window after it
//! opens (for interactive queues, only when customers never give up: with a
//! patience most of the night's contacts are gone by morning).
//!
//! Callback requests for a customer-chosen time land at their mean
//! requested delay after the call. An outbound list's entries count as the
//! work of their expected attempts (connected calls and unanswered ones);
//! with an SLA of an hour or more it is deferrable work like email's.
//!
//! The handle time is the one the desk works: the queue's mean times the
//! speed factors of the teams serving it, weighted by their scheduled
//! agent-hours ([`Scenario::mean_handle_time`]). Erlang treats the servers
//! as alike; with a specialist team at 0.8 beside generalists at 1.2 on one
//! queue the truth depends on who answers first, which the simulation (and
//! `staff`'s search on it) settles.

use rayon::prelude::*;

use crate::erlang::{Desk, Goal};
use crate::scenario::units::{HOUR, WEEK};
use crate::scenario::{Scenario, Sla};

/// What reaches each queue in each slot of a typical week.
#[derive(Debug, Clone)]
pub struct Workload {
    pub slot_len: f64,
    /// Expected tickets entering `[queue][slot]`: arrivals plus derived callbacks.
    pub tickets: Vec<Vec<f64>>,
    /// The derived part: callback requests entering `[queue][slot]`.
    pub callbacks: Vec<Vec<f64>>,
    /// The derived part: transfers and customers' replies entering
    /// `[queue][slot]`, replies counted in tickets of the queue's mean
    /// handle time (a reply of a 4-minute touch on a 10-minute queue is 0.4).
    pub flows: Vec<Vec<f64>>,
    /// Whether the queue is open at the slot's middle, `[queue][slot]`.
    pub open: Vec<Vec<bool>>,
}

impl Workload {
    /// The typical week of `s` in slots of `slot_len` seconds.
    pub fn of(s: &Scenario, slot_len: f64) -> Workload {
        let slots = (WEEK / slot_len).round() as usize;
        let nq = s.queues.len();
        let open: Vec<Vec<bool>> = s
            .queues
            .iter()
            .map(|q| (0..slots).map(|k| q.hours.contains((k as f64 + 0.5) * slot_len)).collect())
            .collect();
        let mut tickets: Vec<Vec<f64>> = s
            .queues
            .iter()
            .map(|q| {
                (0..slots)
                    .map(|k| q.arrivals.expected_between(k as f64 * slot_len, (k + 1) as f64 * slot_len))
                    .collect()
            })
            .collect();
        let mut callbacks = vec![vec![0.0; slots]; nq];
        let mut work =
            Workload { slot_len, tickets: tickets.clone(), callbacks: callbacks.clone(), flows: Vec::new(), open };
        for (p, queue) in s.queues.iter().enumerate() {
            let Some(cb) = queue.callback else { continue };
            // Abandonment of the phone queue at its own analytic staffing.
            let staffed = requirement(s, p, &work, queue.sla);
            for (k, &(_, agents)) in staffed.iter().enumerate() {
                let calls = work.tickets[p][k];
                if calls <= 0.0 {
                    continue;
                }
                let missed = if !work.open[p][k] {
                    calls
                } else {
                    let desk = desk(s, p, calls / slot_len, queue.sla.within);
                    let servers = agents * s.queues[p].concurrency;
                    calls * desk.performance(servers).abandon_rate.clamp(0.0, 1.0)
                };
                let requests = missed * cb.share;
                // Requests for a chosen time land that long after the call
                // (at its mean delay); all wait for the callback queue to open.
                let (later, delay) = queue
                    .scheduled_callbacks
                    .as_ref()
                    .map_or((0.0, 0), |sc| (sc.share, (sc.after.mean() / slot_len).round() as usize));
                for (share, from) in [(1.0 - later, k), (later, k + delay)] {
                    let land = (0..slots).map(|j| (from + j) % slots).find(|&j| work.open[cb.queue][j]);
                    if let (Some(j), true) = (land, share > 0.0) {
                        callbacks[cb.queue][j] += requests * share;
                    }
                }
            }
        }
        for q in 0..nq {
            for k in 0..slots {
                tickets[q][k] += callbacks[q][k];
            }
            // An outbound list entry costs its attempts: a connected call
            // with probability 1 − (1 − r)^k, and (1 − (1 − r)^k)/r attempts
            // in all, the rest unanswered; counted as entries of the
            // queue's handle time doing that much work.
            if let Some(o) = s.queues[q].outbound {
                let aht = s.mean_handle_time(q);
                let reached = 1.0 - (1.0 - o.answer_rate).powi(o.attempts as i32);
                let attempts = reached / o.answer_rate;
                let work_per_entry = reached * aht + (attempts - reached) * o.no_answer_time;
                let factor = if aht > 0.0 { work_per_entry / aht } else { 0.0 };
                tickets[q].iter_mut().for_each(|n| *n *= factor);
            }
        }
        let flows = conversation_work(s, &tickets, &work.open, slot_len);
        for q in 0..nq {
            for k in 0..slots {
                tickets[q][k] += flows[q][k];
            }
        }
        work.tickets = tickets;
        work.callbacks = callbacks;
        work.flows = flows;
        work
    }

    pub fn slots(&self) -> usize {
        self.open.first().map_or(0, Vec::len)
    }

    /// Agent-hours per week the queue's tickets bring (handle time ÷ concurrency).
    pub fn agent_hours(&self, s: &Scenario, q: usize) -> f64 {
        let queue = &s.queues[q];
        self.tickets[q].iter().sum::<f64>() * s.mean_handle_time(q) / f64::from(queue.concurrency) / HOUR
    }

    /// Agent-hours per week of derived callback work in queue `q`.
    pub fn callback_hours(&self, s: &Scenario, q: usize) -> f64 {
        let queue = &s.queues[q];
        self.callbacks[q].iter().sum::<f64>() * s.mean_handle_time(q) / f64::from(queue.concurrency) / HOUR
    }
}

/// The work that transfers and replies add, per `[queue][slot]`: each
/// queue's tickets send their shares on (transfers to the receiving queue,
/// replies back to the same one) the mean delay later, held until the
/// receiving queue opens (a live channel's contacts that would reach it
/// closed are missed, so they add nothing). The network's loops are
/// followed pass by pass until what is left is negligible. Every contact is
/// taken as answered and `max_touches` is ignored: an upper bound where
/// customers give up or touches are capped (the simulation settles it).
fn conversation_work(s: &Scenario, tickets: &[Vec<f64>], open: &[Vec<bool>], slot_len: f64) -> Vec<Vec<f64>> {
    let nq = s.queues.len();
    let slots = tickets.first().map_or(0, Vec::len);
    let mut flows = vec![vec![0.0; slots]; nq];
    if !s.has_flows() || slots == 0 {
        return flows;
    }
    let total: f64 = tickets.iter().flatten().sum();
    let mut wave = tickets.to_vec();
    for _ in 0..1000 {
        let mut next = vec![vec![0.0; slots]; nq];
        let mut sent = 0.0;
        for (i, q) in s.queues.iter().enumerate() {
            let moved: f64 = q.transfers.iter().map(|t| t.share).sum();
            let mut steps: Vec<(usize, f64, f64, f64)> =
                q.transfers.iter().map(|t| (t.to, t.share, t.after.as_ref().map_or(0.0, |d| d.mean()), 1.0)).collect();
            if let Some(r) = &q.replies {
                let weight = r.handle_time.mean() / q.handle_time.mean();
                steps.push((i, (1.0 - moved) * r.probability, r.after.mean(), weight));
            }
            for (to, share, delay, weight) in steps {
                let shift = (delay / slot_len).round() as usize;
                for (k, &w) in wave[i].iter().enumerate() {
                    let n = w * share;
                    if n <= 0.0 {
                        continue;
                    }
                    let at = (k + shift) % slots;
                    let land = if s.queues[to].live {
                        open[to][at].then_some(at)
                    } else {
                        (0..slots).map(|j| (at + j) % slots).find(|&j| open[to][j])
                    };
                    if let Some(j) = land {
                        next[to][j] += n;
                        flows[to][j] += n * weight;
                        sent += n;
                    }
                }
            }
        }
        wave = next;
        if sent <= 1e-9 * total {
            break;
        }
    }
    flows
}

/// Whether a queue's work can wait for hours (email, forms): staffed by what
/// clears it within the SLA rather than by Erlang C. An average target under
/// an hour makes it interactive whatever its deadline.
pub fn deferrable(s: &Scenario, q: usize) -> bool {
    is_deferrable(&s.queues[q].sla)
}

fn is_deferrable(sla: &Sla) -> bool {
    sla.within >= HOUR && sla.average.is_none_or(|a| a >= HOUR)
}

fn desk(s: &Scenario, q: usize, arrival_rate: f64, within: f64) -> Desk {
    let queue = &s.queues[q];
    Desk {
        arrival_rate,
        aht_s: s.mean_handle_time(q),
        patience_s: queue.patience.as_ref().map(|p| p.mean()),
        sla_within_s: within,
    }
}

/// The analytic requirement of every queue, in parallel: `[queue][slot]` of
/// (load in agents, agents).
pub fn all(s: &Scenario, work: &Workload) -> Vec<Vec<(f64, u32)>> {
    (0..s.queues.len()).into_par_iter().map(|q| requirement(s, q, work, s.queues[q].sla)).collect()
}

/// The analytic requirement of queue `q` in every slot of the week, with the
/// SLA `sla` (the queue's own, or a relaxed one for a what-if):
/// (load in agents, agents).
pub fn requirement(s: &Scenario, q: usize, work: &Workload, sla: Sla) -> Vec<(f64, u32)> {
    let within = sla.within;
    let queue = &s.queues[q];
    let slot_len = work.slot_len;
    let slots = work.slots();
    let k = f64::from(queue.concurrency);
    let aht = s.mean_handle_time(q);
    let rates: Vec<f64> = work.tickets[q].iter().map(|n| n / slot_len).collect();
    let open = &work.open[q];
    let window = ((within / slot_len).ceil() as usize).max(1);
    let is_deferrable = is_deferrable(&sla);
    // Work (in agent-slots) that arrives while the queue is closed, handed to
    // the first `window` open slots after each opening.
    let mut carried = vec![0.0; slots];
    if let Some(opening) = (0..slots).find(|&i| open[i] && !open[(i + slots - 1) % slots]) {
        let mut piled = 0.0;
        let mut left = 0usize;
        let mut share = 0.0;
        for step in 0..slots {
            let i = (opening + step) % slots;
            if !open[i] {
                piled += rates[i] * aht / k;
                continue;
            }
            if !open[(i + slots - 1) % slots] {
                // An opening: spread what piled up over the next open slots.
                let stretch = (0..slots).map(|j| (i + j) % slots).take_while(|&x| open[x]).count();
                left = window.min(stretch).max(1);
                share = piled / left as f64;
                piled = 0.0;
            }
            if left > 0 {
                carried[i] += share;
                left -= 1;
            }
        }
        // The closed stretch just before the first opening (the walk ends in it).
        if piled > 0.0 {
            let stretch = (0..slots).map(|j| (opening + j) % slots).take_while(|&x| open[x]).count();
            let n = window.min(stretch).max(1);
            for j in 0..n {
                carried[(opening + j) % slots] += piled / n as f64;
            }
        }
    }
    let goal = Goal { service_level: sla.target, asa_s: sla.average };
    // Erlang's answer per distinct rate: most slots of a week share a few rates.
    let mut erlang: std::collections::HashMap<u64, u32> = std::collections::HashMap::new();
    (0..slots)
        .map(|i| {
            let load = rates[i] * aht / k;
            if !open[i] {
                return (load, 0);
            }
            if is_deferrable {
                // Work arriving while open over the last SLA window, spread
                // over that window's open slots; plus the work that piled up
                // while the queue was closed, spread over the first SLA window
                // after it opens.
                let idx = |j: usize| (i + slots - j) % slots;
                let open_in_window: Vec<usize> = (0..window).map(idx).filter(|&x| open[x]).collect();
                let work: f64 = open_in_window.iter().map(|&x| rates[x] * aht / k).sum();
                let need = work / open_in_window.len().max(1) as f64 + carried[i];
                return (load, (need - 1e-9).ceil().max(0.0) as u32);
            }
            if rates[i] <= 0.0 {
                return (load, 0);
            }
            let servers =
                *erlang.entry(rates[i].to_bits()).or_insert_with(|| desk(s, q, rates[i], within).required_for(goal));
            // Customers who never give up wait through the closed hours: their
            // work lands on the first SLA window after opening.
            // (A phone line with callbacks holds no calls while closed: they
            // are callback requests, counted in the callback queue.)
            let waits_overnight = queue.patience.is_none() && queue.callback.is_none();
            let backlog = if waits_overnight { (carried[i] - 1e-9).ceil().max(0.0) } else { 0.0 };
            (load, (f64::from(servers) / k).ceil() as u32 + backlog as u32)
        })
        .collect()
}

/// The analytic requirement of queue `q` with its own SLA (derived callback
/// work included): (load in agents, agents) per slot.
pub fn analytic(s: &Scenario, q: usize, slot_len: f64) -> Vec<(f64, u32)> {
    requirement(s, q, &Workload::of(s, slot_len), s.queues[q].sla)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desk(extra_phone: &str) -> Scenario {
        let text = format!(
            "name = \"w\"\n[simulation]\nhorizon = \"1w\"\n\
             [[queue]]\nname = \"phone\"\nchannel = \"phone\"\nvolume = \"70/week\"\nprofile = \"flat\"\n\
             hours = \"mon-fri 09:00-18:00\"\nhandle_time = {{ dist = \"exponential\", mean = \"5m\" }}\n\
             sla = {{ within = \"30s\", target = 0.8 }}\n{extra_phone}\n\
             [[queue]]\nname = \"callbacks\"\nchannel = \"callback\"\nvolume = \"0/week\"\nhours = \"mon-fri 09:00-18:00\"\n\
             handle_time = {{ dist = \"exponential\", mean = \"5m\" }}\nsla = {{ within = \"30m\", target = 0.8 }}\n\
             [[queue]]\nname = \"list\"\nchannel = \"outbound\"\nvolume = \"100/week\"\n\
             handle_time = {{ dist = \"fixed\", mean = \"10m\" }}\nsla = {{ within = \"1d\", target = 0.8 }}\n\
             outbound = {{ answer_rate = 0.5, attempts = 2, retry_after = \"2h\", no_answer_time = \"1m\" }}\n\
             [[team]]\nname = \"t\"\nskills = [\"phone\", \"callbacks\", \"list\"]\nagents = 3\n"
        );
        Scenario::from_toml(&text, "w.toml").unwrap()
    }

    #[test]
    fn outbound_entries_count_their_expected_attempts() {
        // r = 0.5, k = 2: reached 0.75, attempts 1.5, so 0.75 × 10 min +
        // 0.75 × 1 min = 8.25 min of work per entry: 100 entries a week are
        // 82.5 entries of 10 minutes.
        let s = desk("callback = { queue = \"callbacks\", share = 1.0 }");
        let work = Workload::of(&s, HOUR);
        let total: f64 = work.tickets[2].iter().sum();
        assert!((total - 82.5).abs() < 1e-6, "{total}");
    }

    #[test]
    fn scheduled_callbacks_land_at_their_requested_delay() {
        // Calls round the clock, a line open 45 h a week: every call from
        // 18:00 is missed. Requested 2 hours later, the evening's requests
        // still land at the next opening, but a call missed at 07:00 (the
        // line is closed) lands at 09:00 either way; the total is unchanged
        // and none lands while the queue is closed.
        let now = Workload::of(&s_with(""), HOUR);
        let later =
            Workload::of(&s_with(", scheduled = { share = 1.0, after = { dist = \"fixed\", mean = \"2h\" } }"), HOUR);
        let sum = |w: &Workload| w.callbacks[1].iter().sum::<f64>();
        assert!((sum(&now) - sum(&later)).abs() < 1e-9);
        for (k, &n) in later.callbacks[1].iter().enumerate() {
            assert!(n == 0.0 || later.open[1][k]);
        }
        assert_ne!(now.callbacks[1], later.callbacks[1], "the requests move");
    }

    fn s_with(scheduled: &str) -> Scenario {
        desk(&format!("callback = {{ queue = \"callbacks\", share = 1.0{scheduled} }}"))
    }
}
