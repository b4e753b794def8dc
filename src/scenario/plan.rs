//! The `[plan]` section: how demand grows over the coming months, how many
//! agents leave, and how long a hire takes to decide, train and ramp up.
//! Read raw here (serde), validated into a [`CapacityPlan`]; the monthly
//! arithmetic lives in `staffing::plan`.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::units::{self, WEEK};

/// Weeks in an average month (365.25 days / 12 / 7): how training and ramp
/// weeks map onto months, and the paid weeks of a month's cost.
pub const WEEKS_PER_MONTH: f64 = 365.25 / 12.0 / 7.0;

/// Longest horizon accepted (ten years).
pub const MAX_MONTHS: i64 = 120;

/// `[plan]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanSectionFile {
    pub months: i64,
    pub start: String,
    #[serde(default)]
    pub growth: Option<String>,
    #[serde(default)]
    pub volume_by_month: Option<Vec<f64>>,
    #[serde(default)]
    pub steps: Vec<StepFile>,
    #[serde(default)]
    pub attrition: Option<String>,
    #[serde(default)]
    pub hiring_lead: Option<String>,
    #[serde(default)]
    pub training: Option<String>,
    #[serde(default)]
    pub ramp: Vec<f64>,
    #[serde(default)]
    pub headcount: BTreeMap<String, i64>,
    #[serde(default)]
    pub hourly_cost: Option<f64>,
}

/// One dated step in demand, `{ from = "2027-07", factor = 1.3, note = "…" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepFile {
    pub from: String,
    pub factor: f64,
    #[serde(default)]
    pub note: Option<String>,
}

/// A calendar month, counted from year 0 (`year * 12 + month - 1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct YearMonth(pub i64);

impl YearMonth {
    /// "2027-01".
    pub fn parse(text: &str) -> Result<YearMonth, String> {
        let bad = || format!("\"{text}\" is not a month; write it as \"YYYY-MM\", e.g. \"2027-01\"");
        let (y, m) = text.trim().split_once('-').ok_or_else(bad)?;
        let year: i64 = y.parse().map_err(|_| bad())?;
        let month: i64 = m.parse().map_err(|_| bad())?;
        if !(1900..=9999).contains(&year) || !(1..=12).contains(&month) || y.len() != 4 {
            return Err(bad());
        }
        Ok(YearMonth(year * 12 + month - 1))
    }

    /// `n` months later.
    pub fn plus(self, n: usize) -> YearMonth {
        YearMonth(self.0 + n as i64)
    }

    /// "2027-03".
    pub fn label(self) -> String {
        format!("{:04}-{:02}", self.0 / 12, self.0 % 12 + 1)
    }

    /// "Mar 27", for chart axes.
    pub fn short(self) -> String {
        let name = self.name();
        format!("{} {:02}", &name[..3], (self.0 / 12) % 100)
    }

    /// "March 2027".
    pub fn name(self) -> String {
        const NAMES: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        format!("{} {}", NAMES[(self.0 % 12) as usize], self.0 / 12)
    }
}

/// A dated change in demand.
#[derive(Debug, Clone)]
pub struct Step {
    /// Months after the plan's start.
    pub month: usize,
    pub factor: f64,
    pub note: String,
}

/// How demand moves month by month.
#[derive(Debug, Clone)]
pub enum Growth {
    /// Compound growth per month (0.05 = 5 %).
    Rate(f64),
    /// A multiplier of the scenario's volume for each month.
    ByMonth(Vec<f64>),
}

/// The validated `[plan]`.
#[derive(Debug, Clone)]
pub struct CapacityPlan {
    pub months: usize,
    pub start: YearMonth,
    pub growth: Growth,
    pub steps: Vec<Step>,
    /// Share of agents leaving each month.
    pub attrition: f64,
    /// Whole months from the decision to hire to the start date.
    pub lead_months: usize,
    /// The lead as written, for the report.
    pub lead_text: String,
    /// Weeks off the floor after the start date.
    pub training_weeks: f64,
    /// Share of full speed in each week after training, then 1.
    pub ramp: Vec<f64>,
    /// Starting headcount per team name, overriding the scenario's agents.
    pub headcount: BTreeMap<String, u32>,
    pub hourly_cost: Option<f64>,
}

impl CapacityPlan {
    /// The multiplier of the scenario's volume in month `m` (0 = the start).
    pub fn volume_factor(&self, m: usize) -> f64 {
        let base = match &self.growth {
            Growth::Rate(g) => (1.0 + g).powi(m as i32),
            Growth::ByMonth(v) => v[m],
        };
        self.steps.iter().filter(|s| s.month <= m).fold(base, |f, s| f * s.factor)
    }

    /// The month `m` months after the start.
    pub fn month(&self, m: usize) -> YearMonth {
        self.start.plus(m)
    }
}

/// A monthly rate: "5%/month" or "0.05/month".
fn parse_rate(text: &str) -> Result<f64, String> {
    let bad = || format!("\"{text}\" is not a monthly rate; write it like \"5%/month\" (or \"0.05/month\")");
    let (value, unit) = text.trim().split_once('/').ok_or_else(bad)?;
    if unit.trim() != "month" {
        return Err(bad());
    }
    let value = value.trim();
    let v = match value.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().map_err(|_| bad())? / 100.0,
        None => value.parse::<f64>().map_err(|_| bad())?,
    };
    if v.is_finite() { Ok(v) } else { Err(bad()) }
}

/// A lead time in months: "1 month", "2 months", or a duration ("6w", "45d"),
/// rounded up to whole months (a hire starts on the first of a month).
fn parse_lead(text: &str) -> Result<usize, String> {
    let t = text.trim();
    let months = if let Some(n) = t.strip_suffix("months").or_else(|| t.strip_suffix("month")) {
        n.trim()
            .parse::<f64>()
            .map_err(|_| format!("\"{text}\" is not a lead time; write it like \"1 month\", \"2 months\" or \"6w\""))?
    } else if t == "0" {
        0.0
    } else {
        units::parse_duration(t)
            .map_err(|_| format!("\"{text}\" is not a lead time; write it like \"1 month\", \"2 months\" or \"6w\""))?
            / (WEEKS_PER_MONTH * WEEK)
    };
    if !(0.0..=MAX_MONTHS as f64).contains(&months) {
        return Err(format!("\"{text}\" must be between 0 and {MAX_MONTHS} months"));
    }
    Ok((months - 1e-9).ceil().max(0.0) as usize)
}

/// Validates `[plan]`; returns the plan (when nothing is wrong) and every
/// problem found, each naming the field, the value and what would be right.
pub fn validate(raw: &PlanSectionFile, teams: &[&str]) -> (Option<CapacityPlan>, Vec<String>) {
    let mut problems = Vec::new();
    let mut add = |field: &str, message: String| problems.push(format!("plan.{field}: {message}"));
    if !(1..=MAX_MONTHS).contains(&raw.months) {
        add("months", format!("{} must be between 1 and {MAX_MONTHS} (the horizon in months, e.g. 12)", raw.months));
    }
    let months = raw.months.clamp(1, MAX_MONTHS) as usize;
    let start = YearMonth::parse(&raw.start).map_err(|e| add("start", e)).ok();
    let growth = match (&raw.growth, &raw.volume_by_month) {
        (Some(_), Some(_)) => {
            add(
                "growth",
                "give either growth (a rate such as \"5%/month\") or volume_by_month (one multiplier a month), not both"
                    .into(),
            );
            None
        }
        (Some(g), None) => match parse_rate(g) {
            Ok(r) if r > -1.0 && r <= 10.0 => Some(Growth::Rate(r)),
            Ok(_) => {
                add("growth", format!("\"{g}\" must be above -100%/month and at most 1000%/month"));
                None
            }
            Err(e) => {
                add("growth", e);
                None
            }
        },
        (None, Some(v)) => {
            if v.len() != months {
                add(
                    "volume_by_month",
                    format!(
                        "has {} multipliers for a plan of {months} months; give one per month (1.0 = the scenario's volume)",
                        v.len()
                    ),
                );
                None
            } else if let Some((i, x)) = v.iter().enumerate().find(|(_, x)| !(x.is_finite() && **x >= 0.0)) {
                add(
                    "volume_by_month",
                    format!("entry {} = {x} must be zero or more (1.0 = the scenario's volume)", i + 1),
                );
                None
            } else {
                Some(Growth::ByMonth(v.clone()))
            }
        }
        (None, None) => Some(Growth::Rate(0.0)),
    };
    let mut steps = Vec::new();
    for (i, st) in raw.steps.iter().enumerate() {
        let at = format!("steps[{i}]");
        if !(st.factor.is_finite() && st.factor >= 0.0 && st.factor <= 100.0) {
            add(&format!("{at}.factor"), format!("{} must be between 0 and 100 (1.3 = 30 % more volume)", st.factor));
        }
        match (YearMonth::parse(&st.from), start) {
            (Ok(from), Some(start)) => {
                let last = start.plus(months - 1);
                if from < start || from > last {
                    add(
                        &format!("{at}.from"),
                        format!(
                            "\"{}\" is outside the plan ({} to {}); give a month within it",
                            st.from,
                            start.label(),
                            last.label()
                        ),
                    );
                } else {
                    steps.push(Step {
                        month: (from.0 - start.0) as usize,
                        factor: st.factor,
                        note: st.note.clone().unwrap_or_default().trim().to_string(),
                    });
                }
            }
            (Err(e), _) => add(&format!("{at}.from"), e),
            (Ok(_), None) => {}
        }
    }
    let attrition = match &raw.attrition {
        None => 0.0,
        Some(a) => match parse_rate(a) {
            Ok(r) if (0.0..1.0).contains(&r) => r,
            Ok(_) => {
                add("attrition", format!("\"{a}\" must be at least 0%/month and below 100%/month"));
                0.0
            }
            Err(e) => {
                add("attrition", e);
                0.0
            }
        },
    };
    let lead_text = raw.hiring_lead.clone().unwrap_or_else(|| "0".into());
    let lead_months = parse_lead(&lead_text).map_err(|e| add("hiring_lead", e)).unwrap_or(0);
    let training_weeks = match &raw.training {
        None => 0.0,
        Some(t) if t.trim() == "0" => 0.0,
        Some(t) => match units::parse_duration(t) {
            Ok(s) if s <= 52.0 * WEEK => s / WEEK,
            Ok(_) => {
                add("training", format!("\"{t}\" is longer than a year; give the weeks off the floor, e.g. \"2w\""));
                0.0
            }
            Err(e) => {
                add("training", e);
                0.0
            }
        },
    };
    if raw.ramp.len() > 104 {
        add("ramp", format!("has {} weeks; give at most 104 (two years)", raw.ramp.len()));
    }
    if let Some((i, x)) = raw.ramp.iter().enumerate().find(|(_, x)| !(x.is_finite() && **x > 0.0 && **x <= 1.0)) {
        add(
            "ramp",
            format!(
                "week {} = {x} must be above 0 and at most 1 (the share of full speed, e.g. [0.5, 0.75, 0.9])",
                i + 1
            ),
        );
    }
    let mut headcount = BTreeMap::new();
    for (team, &n) in &raw.headcount {
        if !teams.contains(&team.as_str()) {
            add(
                &format!("headcount.{team}"),
                format!(
                    "\"{team}\" is not a team of the scenario; teams: {}{}",
                    teams.join(", "),
                    super::suggest::did_you_mean(team, teams.iter().copied())
                ),
            );
        } else if !(0..=100_000).contains(&n) {
            add(&format!("headcount.{team}"), format!("{n} must be between 0 and 100000 agents"));
        } else {
            headcount.insert(team.clone(), n as u32);
        }
    }
    if let Some(c) = raw.hourly_cost
        && !(c.is_finite() && c >= 0.0)
    {
        add("hourly_cost", format!("{c} must be zero or more (the cost of one paid hour, e.g. 25)"));
    }
    let ok = problems.is_empty();
    let plan = match (ok, start, growth) {
        (true, Some(start), Some(growth)) => Some(CapacityPlan {
            months,
            start,
            growth,
            steps,
            attrition,
            lead_months,
            lead_text,
            training_weeks,
            ramp: raw.ramp.clone(),
            headcount,
            hourly_cost: raw.hourly_cost,
        }),
        _ => None,
    };
    (plan, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_rates() {
        let m = YearMonth::parse("2027-01").unwrap();
        assert_eq!(m.plus(13).label(), "2028-02");
        assert_eq!(m.plus(2).name(), "March 2027");
        assert_eq!(m.plus(2).short(), "Mar 27");
        assert!(YearMonth::parse("2027-13").is_err());
        assert!(YearMonth::parse("27-01").is_err());
        assert_eq!(parse_rate("5%/month").unwrap(), 0.05);
        assert_eq!(parse_rate("0.03/month").unwrap(), 0.03);
        assert!(parse_rate("5%/week").is_err());
        assert_eq!(parse_lead("1 month").unwrap(), 1);
        assert_eq!(parse_lead("2 months").unwrap(), 2);
        assert_eq!(parse_lead("6w").unwrap(), 2);
        assert_eq!(parse_lead("4w").unwrap(), 1);
        assert_eq!(parse_lead("0").unwrap(), 0);
    }
}
