//! After-hours contacts are their own count, never customers who gave up: a
//! live channel (phone, chat) cannot hold a contact while closed, so it is
//! missed as `closed`; a written ticket waits for the opening, and its
//! customer's patience starts only then.

use staffsim::scenario::{Policy, Scenario};
use staffsim::sim;

fn desk() -> Scenario {
    let text = r#"
name = "nights"
[simulation]
horizon = "2w"
warmup = "0s"
interval = "1h"
replications = 1
seed = 8
[[queue]]
name = "chat"
channel = "chat"
volume = "10/hour"
profile = "flat"
hours = "mon-fri 09:00-17:00"
handle_time = { dist = "exponential", mean = "5m" }
patience = { dist = "exponential", mean = "3m" }
sla = { within = "1m", target = 0.8 }
[[queue]]
name = "messenger"
channel = "messenger"
volume = "4/hour"
profile = "flat"
hours = "mon-fri 09:00-17:00"
handle_time = { dist = "exponential", mean = "1m" }
patience = { dist = "fixed", mean = "30m" }
sla = { within = "1h", target = 0.8 }
[[team]]
name = "desk"
skills = ["chat", "messenger"]
agents = 40
"#;
    Scenario::from_toml(text, "nights.toml").unwrap()
}

#[test]
fn after_hours_contacts_are_missed_or_wait_but_never_give_up() {
    let s = desk();
    for rep in 0..3 {
        let r = sim::simulate(&s, Policy::PerQueue, rep);
        let (chat, night_chat) = (r.queues[0], r.after_hours[0]);
        // A closed chat turns every contact away: all of them, and only them, are closed.
        assert_eq!(night_chat.closed, night_chat.offered, "every night chat is missed");
        assert_eq!(night_chat.abandoned, 0, "nobody gave up on a closed chat");
        assert_eq!(chat.closed, night_chat.closed, "40 agents leave nobody waiting at closing");
        // 128 of the week's 168 hours are closed: Poisson(10/h × 2 weeks × 128 h).
        let expected = 10.0 * 2.0 * 128.0;
        assert!((night_chat.offered as f64 - expected).abs() < 4.0 * expected.sqrt(), "{}", night_chat.offered);
        // Messages written at night wait for the morning; with patience of 2 h
        // counted from the opening and 40 agents, every one is answered at opening.
        let night_messages = r.after_hours[1];
        assert!(night_messages.offered > 0);
        assert_eq!(night_messages.abandoned, 0, "patience starts when the queue opens");
        assert_eq!(night_messages.answered + night_messages.waiting_at_end, night_messages.offered);
    }
}
