//! The months-ahead hiring plan of one team: from the FTE each month
//! requires (the staffing search run at that month's volume), the starting
//! headcount, attrition, the hiring lead time, training and ramp-up, which
//! hires to decide each month and what is on the floor as a result.
//!
//! The arithmetic, so a planner can redo it by hand:
//! - a month is [`WEEKS_PER_MONTH`] weeks; hires start on the first day of a
//!   month, and a decision made in month `d` starts people in month
//!   `d + lead_months`;
//! - a hire is paid from the start date but works at 0 during training, then
//!   at `ramp[i]` of full speed in the i-th week after training, then at 1;
//!   in a month they count by their mean share over that month's weeks;
//! - leavers are counted at the end of a month: `attrition` × (the
//!   headcount at its start + the hires starting in it), in whole people, the
//!   fractions carried to the next month; they leave every cohort alike;
//! - so: headcount at the start of next month = headcount at the start +
//!   hires starting − leavers, exactly;
//! - hires for month `m` start in the latest month from which they work at
//!   least [`READY_SHARE`] of full speed in `m` (after training, most of
//!   the ramp done), and enough of them that the productive FTE of `m`
//!   reaches its requirement; earlier starts would pay for idle months,
//!   later ones for more people. When the lead time makes that too late,
//!   they start as early as it allows, as many as the headcount lacks, and
//!   the month stays short (its `gap`) while they train.

use crate::scenario::plan::{CapacityPlan, WEEKS_PER_MONTH};

/// Mean share of full speed over weeks `a..b` after the start date.
pub fn mean_share(training_weeks: f64, ramp: &[f64], a: f64, b: f64) -> f64 {
    if b <= a {
        return 0.0;
    }
    // The share is a step function: 0 until training ends, ramp[i] in the
    // i-th week after it, 1 from then on.
    let mut pieces: Vec<(f64, f64, f64)> = vec![(f64::NEG_INFINITY, training_weeks, 0.0)];
    for (i, &r) in ramp.iter().enumerate() {
        pieces.push((training_weeks + i as f64, training_weeks + i as f64 + 1.0, r));
    }
    pieces.push((training_weeks + ramp.len() as f64, f64::INFINITY, 1.0));
    let area: f64 = pieces.iter().map(|&(lo, hi, share)| share * (hi.min(b) - lo.max(a)).max(0.0)).sum();
    area / (b - a)
}

/// A hire's mean share of full speed in the `k`-th month after the start
/// date (0 = the month they start).
pub fn month_share(plan: &CapacityPlan, k: usize) -> f64 {
    let w = WEEKS_PER_MONTH;
    mean_share(plan.training_weeks, &plan.ramp, k as f64 * w, (k + 1) as f64 * w)
}

/// The share of full speed from which a hire counts as ready for a month.
pub const READY_SHARE: f64 = 0.75;

/// Whole months from a start date until a hire works at full speed for the
/// whole month.
pub fn ramp_months(plan: &CapacityPlan) -> usize {
    (0..10_000).find(|&k| month_share(plan, k) >= 1.0 - 1e-12).unwrap_or(10_000)
}

/// Whole months from a start date until a hire works at least
/// [`READY_SHARE`] of full speed over a month.
pub fn ready_months(plan: &CapacityPlan) -> usize {
    (0..10_000).find(|&k| month_share(plan, k) >= READY_SHARE - 1e-12).unwrap_or(10_000)
}

/// One team in one month.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamMonth {
    pub required_fte: f64,
    /// On the payroll on the first day, before this month's hires start.
    pub headcount_start: u32,
    /// Leaving by the end of the month.
    pub leavers: u32,
    /// Starting on the first day.
    pub hires_start: u32,
    /// To decide this month (they start `lead_months` later).
    pub hires_decide: u32,
    /// Headcount weighted by each one's share of full speed this month.
    pub productive_fte: f64,
    /// For a month with hires to decide: the first month they are needed.
    pub needed_for: Option<usize>,
}

impl TeamMonth {
    /// FTE short of the requirement (0 when it is covered).
    pub fn gap_fte(&self) -> f64 {
        (self.required_fte - self.productive_fte).max(0.0)
    }

    /// People paid this month (leavers leave at its end).
    pub fn paid(&self) -> u32 {
        self.headcount_start + self.hires_start
    }
}

/// The months that follow from a starting headcount and the hires starting
/// each month (`hires_decide` is left at 0).
pub fn project(plan: &CapacityPlan, required: &[f64], start_headcount: u32, hires_start: &[u32]) -> Vec<TeamMonth> {
    // (month the cohort started, or None for the starting headcount; people)
    let mut cohorts: Vec<(Option<usize>, f64)> = vec![(None, f64::from(start_headcount))];
    let mut headcount = start_headcount;
    let mut owed = 0.0;
    let mut rows = Vec::with_capacity(required.len());
    for (m, &req) in required.iter().enumerate() {
        let hires = hires_start.get(m).copied().unwrap_or(0);
        if hires > 0 {
            cohorts.push((Some(m), f64::from(hires)));
        }
        let paid = headcount + hires;
        let productive: f64 = cohorts.iter().map(|&(s, n)| n * s.map_or(1.0, |s| month_share(plan, m - s))).sum();
        owed += plan.attrition * f64::from(paid);
        let leavers = (owed.round().max(0.0) as u32).min(paid);
        owed -= f64::from(leavers);
        if paid > 0 {
            let keep = f64::from(paid - leavers) / f64::from(paid);
            for c in &mut cohorts {
                c.1 *= keep;
            }
        }
        rows.push(TeamMonth {
            required_fte: req,
            headcount_start: headcount,
            leavers,
            hires_start: hires,
            hires_decide: 0,
            productive_fte: productive,
            needed_for: None,
        });
        headcount = paid - leavers;
    }
    rows
}

/// The plan of one team: the hires to decide each month so that the
/// productive FTE meets `required` as soon as the lead time and the ramp
/// allow, and the months that follow.
pub fn plan_team(plan: &CapacityPlan, required: &[f64], start_headcount: u32) -> Vec<TeamMonth> {
    let months = required.len();
    let lead = plan.lead_months;
    let ready = ready_months(plan);
    let mut hires = vec![0u32; months];
    let mut needed_for = vec![None; months];
    for m in lead..months {
        let in_time = m >= lead + ready;
        let start = if in_time { m - ready } else { lead };
        // One hire at a time: whole people, and attrition on the way.
        for _ in 0..100_000 {
            let rows = project(plan, required, start_headcount, &hires);
            let covered = if in_time { rows[m].productive_fte } else { f64::from(rows[m].paid()) };
            if covered >= required[m] - 1e-9 {
                break;
            }
            hires[start] += 1;
            needed_for[start] = needed_for[start].or(Some(m));
        }
    }
    let mut rows = project(plan, required, start_headcount, &hires);
    for (d, row) in rows.iter_mut().enumerate() {
        row.hires_decide = hires.get(d + lead).copied().unwrap_or(0);
        row.needed_for = needed_for.get(d + lead).copied().flatten();
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::plan::{Growth, YearMonth};

    fn plan(attrition: f64, lead: usize, training_weeks: f64, ramp: Vec<f64>) -> CapacityPlan {
        CapacityPlan {
            months: 12,
            start: YearMonth::parse("2027-01").unwrap(),
            growth: Growth::Rate(0.0),
            steps: Vec::new(),
            attrition,
            lead_months: lead,
            lead_text: format!("{lead} months"),
            training_weeks,
            ramp,
            headcount: Default::default(),
            hourly_cost: None,
        }
    }

    #[test]
    fn a_known_ramp_gives_the_hand_computed_productive_fte() {
        // Training 2 weeks, then 0.5, 0.75, 0.9 of full speed in weeks 3, 4
        // and 5, then 1. A month is W = 365.25 / 12 / 7 = 4.348214 weeks.
        // Month 0 (weeks 0..W): 2 weeks at 0, 1 at 0.5, 1 at 0.75, then
        //   W - 4 = 0.348214 weeks at 0.9:
        //   (0.5 + 0.75 + 0.9 * 0.348214) / 4.348214 = 1.563393 / 4.348214 = 0.359548.
        // Month 1 (weeks W..2W): 5 - W = 0.651786 weeks at 0.9, then
        //   2W - 5 = 3.696429 weeks at 1:
        //   (0.586607 + 3.696429) / 4.348214 = 4.283036 / 4.348214 = 0.985010.
        // Month 2 on: 1.
        // Four hires starting in month 1 beside 10 agents: month 1 has
        // 10 + 4 * 0.359548 = 11.438193 productive FTE, month 2
        // 10 + 4 * 0.985010 = 13.940041, month 3 14.
        let p = plan(0.0, 1, 2.0, vec![0.5, 0.75, 0.9]);
        let w = 365.25 / 12.0 / 7.0;
        assert!((month_share(&p, 0) - (0.5 + 0.75 + 0.9 * (w - 4.0)) / w).abs() < 1e-12);
        assert!((month_share(&p, 0) - 0.359548).abs() < 1e-6);
        assert!((month_share(&p, 1) - 0.985010).abs() < 1e-6);
        assert_eq!(month_share(&p, 2), 1.0);
        assert_eq!(ramp_months(&p), 2);
        let rows = project(&p, &[10.0; 4], 10, &[0, 4, 0, 0]);
        let productive: Vec<f64> = rows.iter().map(|r| r.productive_fte).collect();
        assert!((productive[0] - 10.0).abs() < 1e-9);
        assert!((productive[1] - 11.438193).abs() < 1e-5, "{productive:?}");
        assert!((productive[2] - 13.940041).abs() < 1e-5, "{productive:?}");
        assert!((productive[3] - 14.0).abs() < 1e-9);
    }

    #[test]
    fn the_flow_of_people_holds_every_month() {
        let p = plan(0.03, 1, 2.0, vec![0.5, 0.75]);
        let required: Vec<f64> = (0..24).map(|m| 8.0 * 1.08f64.powi(m)).collect();
        let rows = plan_team(&p, &required, 6);
        for w in rows.windows(2) {
            assert_eq!(w[0].headcount_start + w[0].hires_start - w[0].leavers, w[1].headcount_start);
        }
        assert!(rows.iter().map(|r| r.leavers).sum::<u32>() > 0);
        // Hires decided in month d start in month d + 1.
        for d in 0..rows.len() - 1 {
            assert_eq!(rows[d].hires_decide, rows[d + 1].hires_start);
        }
        // From the first month the lead time and training can reach, the team is covered.
        for r in &rows[1 + ready_months(&p)..] {
            assert!(r.gap_fte() < 1e-9, "{r:?}");
        }
    }

    #[test]
    fn no_growth_no_attrition_and_instant_ramp_hire_nobody_when_covered() {
        let p = plan(0.0, 1, 0.0, Vec::new());
        let rows = plan_team(&p, &[7.4; 12], 8);
        assert!(rows.iter().all(|r| r.hires_decide == 0 && r.headcount_start == 8 && r.productive_fte == 8.0));
        // Short by one from month 3: decided in month 2, on the floor in month 3.
        let mut req = vec![7.4; 12];
        for r in &mut req[3..] {
            *r = 8.5;
        }
        let rows = plan_team(&p, &req, 8);
        assert_eq!(rows[2].hires_decide, 1);
        assert_eq!(rows.iter().map(|r| r.hires_decide).sum::<u32>(), 1);
        assert!(rows.iter().all(|r| r.gap_fte() == 0.0));
    }
}
