//! Named demand shapes for desks without history: intraday profiles (24 hourly
//! weights, 00:00 first) and weekly patterns (7 daily weights, Monday first).
//! Weights are relative; a queue's `volume` fixes the total (see the README's
//! volume rule), so only their proportions matter.

/// Intraday profiles by name.
pub const PROFILES: &[(&str, [f64; 24])] = &[
    ("flat", [1.0; 24]),
    // Office workers writing in: quiet night, ramp from 08:00, late-morning and
    // mid-afternoon peaks, tail into the evening.
    (
        "business-day",
        [
            0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 1.5, 2.5, 3.0, 3.0, 2.6, 2.8, 3.0, 2.8, 2.4, 1.8, 1.2, 0.9, 0.7,
            0.5, 0.4, 0.3,
        ],
    ),
    // Consumers writing after work: low morning, peak 19:00-22:00.
    (
        "evening-peak",
        [
            0.4, 0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.7, 0.9, 1.0, 1.1, 1.2, 1.2, 1.2, 1.2, 1.3, 1.5, 1.9, 2.3, 2.5,
            2.4, 1.8, 1.0,
        ],
    ),
];

/// Weekly patterns by name.
pub const WEEKLY: &[(&str, [f64; 7])] = &[
    ("flat", [1.0; 7]),
    ("weekdays", [1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0]),
    ("weekend-light", [1.0, 1.0, 1.0, 1.0, 0.95, 0.35, 0.25]),
];

pub fn profile(name: &str) -> Option<[f64; 24]> {
    PROFILES.iter().find(|(n, _)| *n == name).map(|(_, w)| *w)
}

pub fn weekly(name: &str) -> Option<[f64; 7]> {
    WEEKLY.iter().find(|(n, _)| *n == name).map(|(_, w)| *w)
}

pub fn profile_names() -> String {
    PROFILES.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
}

pub fn weekly_names() -> String {
    WEEKLY.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
}
