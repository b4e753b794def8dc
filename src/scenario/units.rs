//! The human units of a scenario file and their parsers: durations ("1h30m"),
//! volumes ("2000/week"), clock times ("10:00"), day sets ("mon-fri"), opening
//! hours ("mon-fri 10:00-19:00, sat 11:00-16:00") and UTC offsets ("+03:00").
//!
//! Everything inside staffsim is seconds as `f64`; these functions are the only
//! place where text becomes seconds and back. Errors are plain sentences saying
//! what was expected, so the validator can prefix them with file and field.

use std::fmt::Write as _;

/// Seconds in a minute, hour, day and week.
pub const MINUTE: f64 = 60.0;
pub const HOUR: f64 = 3600.0;
pub const DAY: f64 = 86_400.0;
pub const WEEK: f64 = 7.0 * DAY;
/// A month in volumes is 30 days, as DESIGN.md fixes it.
pub const MONTH: f64 = 30.0 * DAY;

/// Short day names, Monday first: week time 0 is Monday 00:00.
pub const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Parses a duration such as `"45s"`, `"6m"`, `"1h30m"`, `"1.5h"`, `"3d"`, `"2w"`.
pub fn parse_duration(text: &str) -> Result<f64, String> {
    let s = text.trim();
    let expected = "expected a duration like \"45s\", \"6m\", \"1h30m\", \"3d\" or \"2w\"";
    if s.is_empty() {
        return Err(format!("empty duration; {expected}"));
    }
    let mut total = 0.0;
    let mut number = String::new();
    let mut saw_unit = false;
    for c in s.chars() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        if c.is_whitespace() {
            continue;
        }
        let unit = match c {
            's' => 1.0,
            'm' => MINUTE,
            'h' => HOUR,
            'd' => DAY,
            'w' => WEEK,
            _ => return Err(format!("\"{text}\" has an unknown unit '{c}'; {expected}")),
        };
        let value: f64 = number.parse().map_err(|_| format!("\"{text}\" is not a duration; {expected}"))?;
        total += value * unit;
        number.clear();
        saw_unit = true;
    }
    if !number.is_empty() {
        return Err(if saw_unit {
            format!("\"{text}\" ends with a number without a unit; {expected}")
        } else {
            format!("\"{text}\" has no unit; {expected}")
        });
    }
    if !total.is_finite() {
        return Err(format!("\"{text}\" is too large; {expected}"));
    }
    Ok(total)
}

/// Formats seconds the way a scenario would write them: `"1h30m"`, `"45s"`, `"2d"`.
pub fn format_duration(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "never".into();
    }
    if seconds < 60.0 {
        let rounded = (seconds * 10.0).round() / 10.0;
        return if rounded.fract() == 0.0 { format!("{rounded:.0}s") } else { format!("{rounded:.1}s") };
    }
    let mut rest = seconds.round() as u64;
    let mut out = String::new();
    for (unit, name) in [(86_400, "d"), (3600, "h"), (60, "m"), (1, "s")] {
        if rest >= unit {
            let _ = write!(out, "{}{name}", rest / unit);
            rest %= unit;
        }
    }
    out
}

/// Formats a wait for people reading a table: two units at most, e.g.
/// `"4.6s"`, `"23s"`, `"2m12s"`, `"5h29m"`, `"3d14h"`.
pub fn format_wait(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "-".into();
    }
    if seconds < 9.95 {
        return format!("{seconds:.1}s");
    }
    let s = seconds.round() as u64;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        3600..86_400 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        _ => format!("{}d{:02}h", s / 86_400, (s % 86_400) / 3600),
    }
}

/// A volume `"COUNT/UNIT"`: the expected number of arrivals per period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Volume {
    pub count: f64,
    pub period_s: f64,
}

impl Volume {
    /// The expected arrivals in one week.
    pub fn per_week(&self) -> f64 {
        self.count * WEEK / self.period_s
    }
}

/// Parses `"2000/week"`, `"100/hour"`, `"300/day"`, `"7000/month"` (month = 30 days).
pub fn parse_volume(text: &str) -> Result<Volume, String> {
    let expected = "expected \"COUNT/UNIT\" with UNIT one of hour, day, week, month, e.g. \"2000/week\"";
    let Some((count, unit)) = text.split_once('/') else {
        return Err(format!("\"{text}\" has no '/'; {expected}"));
    };
    let count: f64 =
        count.trim().parse().map_err(|_| format!("\"{text}\": \"{}\" is not a number; {expected}", count.trim()))?;
    if !count.is_finite() || count < 0.0 {
        return Err(format!("\"{text}\": the count must be zero or more; {expected}"));
    }
    let period_s = match unit.trim().to_ascii_lowercase().as_str() {
        "h" | "hour" | "hours" => HOUR,
        "d" | "day" | "days" => DAY,
        "w" | "week" | "weeks" => WEEK,
        "month" | "months" => MONTH,
        other => return Err(format!("\"{text}\": unknown unit \"{other}\"; {expected}")),
    };
    Ok(Volume { count, period_s })
}

/// Splits `"A..B"` into its ends; a text without `..` is both ends.
pub fn split_range(text: &str) -> (&str, &str) {
    text.split_once("..").map_or((text, text), |(a, b)| (a.trim(), b.trim()))
}

/// Parses a duration or a range of durations (`"5m..7m"`) into (low, high).
pub fn parse_duration_range(text: &str) -> Result<(f64, f64), String> {
    let (a, b) = split_range(text);
    let (lo, hi) = (parse_duration(a)?, parse_duration(b)?);
    if hi < lo {
        return Err(format!("\"{text}\": the range must go from low to high"));
    }
    Ok((lo, hi))
}

/// Parses a volume or a range of volumes (`"1800..2600/week"`) into low and high.
pub fn parse_volume_range(text: &str) -> Result<(Volume, Volume), String> {
    let Some((count, unit)) = text.rsplit_once('/') else {
        return parse_volume(text).map(|v| (v, v));
    };
    let (a, b) = split_range(count);
    let lo = parse_volume(&format!("{a}/{unit}"))?;
    let hi = parse_volume(&format!("{b}/{unit}"))?;
    if hi.count < lo.count {
        return Err(format!("\"{text}\": the range must go from low to high"));
    }
    Ok((lo, hi))
}

/// Parses a clock time `"HH:MM"` into seconds after midnight; `"24:00"` is allowed
/// when `allow_24` (the end of a day).
pub fn parse_clock(text: &str, allow_24: bool) -> Result<f64, String> {
    let bad = || format!("\"{text}\" is not a clock time; expected \"HH:MM\" such as \"09:30\"");
    let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
    let h: u32 = h.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    if m >= 60 || h > 24 || (h == 24 && (m != 0 || !allow_24)) {
        return Err(bad());
    }
    Ok(f64::from(h) * HOUR + f64::from(m) * MINUTE)
}

fn parse_day(text: &str) -> Result<usize, String> {
    let t = text.trim().to_ascii_lowercase();
    let names = [
        ["mon", "monday"],
        ["tue", "tuesday"],
        ["wed", "wednesday"],
        ["thu", "thursday"],
        ["fri", "friday"],
        ["sat", "saturday"],
        ["sun", "sunday"],
    ];
    names
        .iter()
        .position(|n| n.contains(&t.as_str()))
        .ok_or_else(|| format!("\"{text}\" is not a day; expected mon, tue, wed, thu, fri, sat or sun"))
}

/// Parses a set of days: `"mon-fri"`, `"sat"`, `"fri-mon"` (wraps), `"mon,wed"`,
/// `"daily"`. Returns a flag per day, Monday first.
pub fn parse_days(text: &str) -> Result<[bool; 7], String> {
    let mut days = [false; 7];
    let t = text.trim().to_ascii_lowercase();
    if matches!(t.as_str(), "daily" | "every day" | "all" | "mon-sun") {
        return Ok([true; 7]);
    }
    if t.is_empty() {
        return Err("empty day list; expected days like \"mon-fri\" or \"sat,sun\"".into());
    }
    for part in t.split([',', ' ']).filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (parse_day(a)?, parse_day(b)?);
                let mut d = a;
                loop {
                    days[d] = true;
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => days[parse_day(part)?] = true,
        }
    }
    Ok(days)
}

/// Parses the desk's starting point `"mon 00:00"` into week time (seconds after Monday 00:00).
pub fn parse_start(text: &str) -> Result<f64, String> {
    let mut parts = text.split_whitespace();
    let (Some(day), Some(clock), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(format!("\"{text}\" is not a start; expected a day and a clock time like \"mon 00:00\""));
    };
    Ok(parse_day(day)? as f64 * DAY + parse_clock(clock, false)?)
}

/// Parses a UTC offset `"+03:00"`, `"-05:30"`, `"+3"`, `"UTC"`, `"UTC+10"` into seconds.
pub fn parse_utc_offset(text: &str) -> Result<f64, String> {
    let bad = || format!("\"{text}\" is not a UTC offset; expected e.g. \"+03:00\", \"-05:00\" or \"UTC\"");
    let t = text.trim().to_ascii_uppercase();
    let t = t.strip_prefix("UTC").unwrap_or(&t).trim();
    if t.is_empty() || t == "Z" {
        return Ok(0.0);
    }
    let (sign, rest) = match t.as_bytes()[0] {
        b'+' => (1.0, &t[1..]),
        b'-' => (-1.0, &t[1..]),
        _ => return Err(bad()),
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let h: u32 = h.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    if h > 14 || m >= 60 {
        return Err(bad());
    }
    Ok(sign * (f64::from(h) * HOUR + f64::from(m) * MINUTE))
}

/// Formats a UTC offset in seconds as `"+03:00"`.
pub fn format_utc_offset(seconds: f64) -> String {
    let sign = if seconds < 0.0 { '-' } else { '+' };
    let minutes = (seconds.abs() / 60.0).round() as u64;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A weekly calendar: the spans of the week (in seconds after Monday 00:00 of the
/// desk's clock) during which something holds — a queue is open, a shift is on
/// duty. Spans are sorted, disjoint, merged and inside `[0, WEEK)`.
#[derive(Debug, Clone, PartialEq)]
pub struct WeeklySpans {
    spans: Vec<(f64, f64)>,
}

impl WeeklySpans {
    /// The whole week.
    pub fn always() -> Self {
        WeeklySpans { spans: vec![(0.0, WEEK)] }
    }

    /// Builds a calendar from spans that may overlap, lie outside one week or wrap
    /// past Sunday midnight; everything is folded into one week and merged.
    pub fn from_spans(raw: impl IntoIterator<Item = (f64, f64)>) -> Self {
        let mut pieces = Vec::new();
        for (start, end) in raw {
            if end - start >= WEEK {
                return Self::always();
            }
            if end <= start {
                continue;
            }
            let s = start.rem_euclid(WEEK);
            let e = s + (end - start);
            if e <= WEEK {
                pieces.push((s, e));
            } else {
                pieces.push((s, WEEK));
                pieces.push((0.0, e - WEEK));
            }
        }
        pieces.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut spans: Vec<(f64, f64)> = Vec::with_capacity(pieces.len());
        for (s, e) in pieces {
            match spans.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => spans.push((s, e)),
            }
        }
        WeeklySpans { spans }
    }

    /// Shifts every span by `seconds` (e.g. from a team's clock to the desk's).
    pub fn shifted(&self, seconds: f64) -> Self {
        Self::from_spans(self.spans.iter().map(|&(s, e)| (s + seconds, e + seconds)))
    }

    /// Removes the given spans (breaks) from this calendar.
    pub fn minus(&self, holes: &WeeklySpans) -> Self {
        let mut out = Vec::new();
        for &(s, e) in &self.spans {
            let mut cursor = s;
            for &(hs, he) in &holes.spans {
                if he <= cursor || hs >= e {
                    continue;
                }
                if hs > cursor {
                    out.push((cursor, hs));
                }
                cursor = cursor.max(he);
            }
            if cursor < e {
                out.push((cursor, e));
            }
        }
        Self::from_spans(out)
    }

    pub fn spans(&self) -> &[(f64, f64)] {
        &self.spans
    }

    pub fn is_always(&self) -> bool {
        self.spans.len() == 1 && self.spans[0] == (0.0, WEEK)
    }

    pub fn is_never(&self) -> bool {
        self.spans.is_empty()
    }

    /// Seconds per week covered.
    pub fn total(&self) -> f64 {
        self.spans.iter().map(|(s, e)| e - s).sum()
    }

    /// Seconds covered between week times `a` and `b` (`a <= b`; any real
    /// numbers, the calendar repeating every week).
    pub fn covered_between(&self, a: f64, b: f64) -> f64 {
        self.covered_until(b) - self.covered_until(a)
    }

    /// Seconds covered from week time 0 of week 0 up to `x`.
    fn covered_until(&self, x: f64) -> f64 {
        let weeks = (x / WEEK).floor();
        let w = x - weeks * WEEK;
        let mut acc = weeks * self.total();
        for &(s, e) in &self.spans {
            if w <= s {
                break;
            }
            acc += w.min(e) - s;
        }
        acc
    }

    /// Whether week time `w` (any real number; folded into the week) is inside.
    pub fn contains(&self, w: f64) -> bool {
        let w = w.rem_euclid(WEEK);
        let i = self.spans.partition_point(|&(s, _)| s <= w);
        i > 0 && w < self.spans[i - 1].1
    }

    /// The moments in the week at which the state changes, with the state after
    /// the change. A span that runs into Sunday midnight and one that starts at
    /// Monday 00:00 are one stretch, so no change is listed there.
    pub fn transitions(&self) -> Vec<(f64, bool)> {
        if self.is_always() {
            return Vec::new();
        }
        let mut out = Vec::with_capacity(self.spans.len() * 2);
        let wraps = self.spans.first().is_some_and(|s| s.0 == 0.0) && self.spans.last().is_some_and(|s| s.1 == WEEK);
        for (i, &(s, e)) in self.spans.iter().enumerate() {
            if !(wraps && i == 0) {
                out.push((s, true));
            }
            if !(wraps && i == self.spans.len() - 1) {
                out.push((e, false));
            }
        }
        out.sort_by(|a, b| a.0.total_cmp(&b.0));
        out
    }

    /// A readable description such as "Mon-Fri 10:00-19:00".
    pub fn describe(&self) -> String {
        if self.is_always() {
            return "always (24/7)".into();
        }
        if self.is_never() {
            return "never".into();
        }
        let parts: Vec<String> =
            self.spans.iter().map(|&(s, e)| format!("{}-{}", format_week_time(s), format_week_time_end(e))).collect();
        // Group identical daily spans to keep the common case short.
        let daily: Vec<(usize, f64, f64)> = self
            .spans
            .iter()
            .filter_map(|&(s, e)| {
                let d = (s / DAY).floor() as usize;
                (e <= (d as f64 + 1.0) * DAY).then_some((d, s - d as f64 * DAY, e - d as f64 * DAY))
            })
            .collect();
        if daily.len() == self.spans.len() {
            let mut groups: Vec<(Vec<usize>, f64, f64)> = Vec::new();
            for (d, s, e) in daily {
                match groups.iter_mut().find(|g| g.1 == s && g.2 == e) {
                    Some(g) => g.0.push(d),
                    None => groups.push((vec![d], s, e)),
                }
            }
            return groups
                .iter()
                .map(|(days, s, e)| format!("{} {}-{}", describe_days(days), format_clock(*s), clock_end(*e)))
                .collect::<Vec<_>>()
                .join(", ");
        }
        parts.join(", ")
    }
}

/// The end of a span within a day: midnight at the end reads "24:00".
fn clock_end(seconds_of_day: f64) -> String {
    if seconds_of_day >= DAY - 30.0 { "24:00".into() } else { format_clock(seconds_of_day) }
}

fn describe_days(days: &[usize]) -> String {
    let contiguous = days.windows(2).all(|w| w[1] == w[0] + 1);
    if days.len() == 7 {
        "daily".into()
    } else if days.len() > 2 && contiguous {
        format!("{}-{}", DAY_NAMES[days[0]], DAY_NAMES[*days.last().unwrap_or(&0)])
    } else {
        days.iter().map(|&d| DAY_NAMES[d]).collect::<Vec<_>>().join(",")
    }
}

/// Formats a time of day (seconds, folded into one day) as "HH:MM".
pub fn format_clock(seconds: f64) -> String {
    let m = (seconds.rem_euclid(DAY) / 60.0).round() as u64 % (24 * 60);
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// Formats a week time as "Mon 10:30".
pub fn format_week_time(w: f64) -> String {
    let w = w.rem_euclid(WEEK);
    let m = (w / 60.0).round() as u64 % (7 * 24 * 60);
    let day = (m / (24 * 60)) as usize;
    format!("{} {}", DAY_NAMES[day], format_clock((m % (24 * 60)) as f64 * 60.0))
}

fn format_week_time_end(w: f64) -> String {
    if (w % DAY).abs() < 1e-9 && w > 0.0 {
        let d = ((w / DAY).round() as usize + 6) % 7;
        format!("{} 24:00", DAY_NAMES[d])
    } else {
        format_week_time(w)
    }
}

/// Parses opening hours: a comma-separated list of `[DAYS] HH:MM-HH:MM`, e.g.
/// `"mon-fri 10:00-19:00, sat 11:00-16:00"`, `"00:00-24:00"` (every day),
/// `"mon-fri 22:00-06:00"` (overnight), `"24/7"` or `"always"`. A list item with
/// days but no times lends its days to the next item (`"mon,wed 10:00-12:00"`).
pub fn parse_hours(text: &str) -> Result<WeeklySpans, String> {
    let t = text.trim().to_ascii_lowercase();
    if matches!(t.as_str(), "24/7" | "always") {
        return Ok(WeeklySpans::always());
    }
    let expected = "expected e.g. \"mon-fri 10:00-19:00, sat 11:00-16:00\", \"00:00-24:00\" or \"24/7\"";
    let mut spans = Vec::new();
    let mut pending_days: Option<[bool; 7]> = None;
    for item in t.split(',').map(str::trim) {
        if item.is_empty() {
            return Err(format!("\"{text}\" has an empty item; {expected}"));
        }
        let (days_text, range) = match item.rsplit_once(' ') {
            Some((d, r)) if r.contains(':') => (Some(d.trim()), r),
            _ if item.contains(':') => (None, item),
            _ => {
                let days = parse_days(item).map_err(|e| format!("\"{text}\": {e}"))?;
                let merged = pending_days.unwrap_or([false; 7]);
                pending_days = Some(std::array::from_fn(|i| merged[i] || days[i]));
                continue;
            }
        };
        let mut days = match days_text {
            Some(d) => parse_days(d).map_err(|e| format!("\"{text}\": {e}"))?,
            None if pending_days.is_some() => [false; 7],
            None => [true; 7],
        };
        if let Some(p) = pending_days.take() {
            days = std::array::from_fn(|i| days[i] || p[i]);
        }
        let (from, to) =
            range.split_once('-').ok_or_else(|| format!("\"{text}\": \"{range}\" is not a time range; {expected}"))?;
        let from = parse_clock(from, false).map_err(|e| format!("\"{text}\": {e}"))?;
        let to = parse_clock(to, true).map_err(|e| format!("\"{text}\": {e}"))?;
        let length = if to > from { to - from } else { to + DAY - from };
        for (d, on) in days.iter().enumerate() {
            if *on {
                let s = d as f64 * DAY + from;
                spans.push((s, s + length));
            }
        }
    }
    if pending_days.is_some() {
        return Err(format!("\"{text}\" ends with days but no times; {expected}"));
    }
    Ok(WeeklySpans::from_spans(spans))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("45s").unwrap(), 45.0);
        assert_eq!(parse_duration("6m").unwrap(), 360.0);
        assert_eq!(parse_duration("1h30m").unwrap(), 5400.0);
        assert_eq!(parse_duration("1.5h").unwrap(), 5400.0);
        assert_eq!(parse_duration("2w").unwrap(), 14.0 * DAY);
        assert!(parse_duration("6").is_err());
        assert!(parse_duration("6x").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("1h30").is_err());
        assert_eq!(format_duration(5400.0), "1h30m");
        assert_eq!(format_duration(45.0), "45s");
        assert_eq!(format_duration(2.5), "2.5s");
        assert_eq!(format_wait(4.64), "4.6s");
        assert_eq!(format_wait(23.4), "23s");
        assert_eq!(format_wait(132.0), "2m12s");
        assert_eq!(format_wait(5.0 * 3600.0 + 29.0 * 60.0 + 40.0), "5h29m");
        assert_eq!(format_wait(3.0 * DAY + 14.5 * HOUR), "3d14h");
    }

    #[test]
    fn volumes() {
        let v = parse_volume("2000/week").unwrap();
        assert_eq!(v.per_week(), 2000.0);
        assert!((parse_volume("100/hour").unwrap().per_week() - 16_800.0).abs() < 1e-9);
        assert!((parse_volume("3000/month").unwrap().per_week() - 700.0).abs() < 1e-9);
        assert!(parse_volume("100/fortnight").is_err());
        assert!(parse_volume("-1/day").is_err());
        assert!(parse_volume("100").is_err());
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_duration_range("5m..7m").unwrap(), (300.0, 420.0));
        assert_eq!(parse_duration_range("6m").unwrap(), (360.0, 360.0));
        assert!(parse_duration_range("7m..5m").is_err());
        let (lo, hi) = parse_volume_range("1800..2600/week").unwrap();
        assert_eq!((lo.per_week(), hi.per_week()), (1800.0, 2600.0));
        assert!(parse_volume_range("2600..1800/week").is_err());
    }

    #[test]
    fn clocks_days_offsets() {
        assert_eq!(parse_clock("10:30", false).unwrap(), 37_800.0);
        assert!(parse_clock("24:00", false).is_err());
        assert_eq!(parse_clock("24:00", true).unwrap(), DAY);
        assert!(parse_clock("10:60", false).is_err());
        assert_eq!(parse_days("mon-fri").unwrap(), [true, true, true, true, true, false, false]);
        assert_eq!(parse_days("fri-mon").unwrap(), [true, false, false, false, true, true, true]);
        assert_eq!(parse_days("sat,sun").unwrap(), [false, false, false, false, false, true, true]);
        assert!(parse_days("funday").is_err());
        assert_eq!(parse_start("tue 08:00").unwrap(), DAY + 8.0 * HOUR);
        assert_eq!(parse_utc_offset("+03:00").unwrap(), 3.0 * HOUR);
        assert_eq!(parse_utc_offset("-05:30").unwrap(), -5.5 * HOUR);
        assert_eq!(parse_utc_offset("UTC").unwrap(), 0.0);
        assert!(parse_utc_offset("3").is_err());
        assert_eq!(format_utc_offset(-5.5 * HOUR), "-05:30");
    }

    #[test]
    fn hours() {
        let h = parse_hours("mon-fri 10:00-19:00, sat 11:00-16:00").unwrap();
        assert_eq!(h.total(), 5.0 * 9.0 * HOUR + 5.0 * HOUR);
        assert!(h.contains(10.0 * HOUR));
        assert!(!h.contains(9.0 * HOUR));
        assert!(h.contains(5.0 * DAY + 12.0 * HOUR));
        assert!(!h.contains(6.0 * DAY + 12.0 * HOUR));
        assert_eq!(h.describe(), "Mon-Fri 10:00-19:00, Sat 11:00-16:00");
        assert!(parse_hours("00:00-24:00").unwrap().is_always());
        assert!(parse_hours("24/7").unwrap().is_always());
        let night = parse_hours("mon-fri 22:00-06:00").unwrap();
        assert!(night.contains(DAY + 2.0 * HOUR));
        assert!(night.contains(5.0 * DAY + 2.0 * HOUR)); // Friday's night runs into Saturday
        assert!(!night.contains(2.0 * HOUR)); // Monday 02:00 follows Sunday, which is closed
        let split = parse_hours("mon,wed 10:00-12:00").unwrap();
        assert_eq!(split.total(), 4.0 * HOUR);
        assert!(parse_hours("mon-fri").is_err());
        assert!(parse_hours("mon-fri 10-19").is_err());
    }

    #[test]
    fn covered_time_between_moments() {
        let h = parse_hours("mon-fri 10:00-19:00").unwrap();
        // Friday 18:00 to Monday 11:00: one hour on Friday, one on Monday.
        assert_eq!(h.covered_between(4.0 * DAY + 18.0 * HOUR, 7.0 * DAY + 11.0 * HOUR), 2.0 * HOUR);
        assert_eq!(h.covered_between(-WEEK, 0.0), 45.0 * HOUR);
        assert_eq!(WeeklySpans::always().covered_between(5.0, 65.0), 60.0);
    }

    #[test]
    fn transitions_skip_the_week_joint() {
        let h = parse_hours("sun 20:00-24:00, mon 00:00-04:00").unwrap();
        assert_eq!(h.transitions(), vec![(4.0 * HOUR, false), (6.0 * DAY + 20.0 * HOUR, true)]);
        assert!(WeeklySpans::always().transitions().is_empty());
    }

    #[test]
    fn shifting_and_breaks() {
        let day = parse_hours("mon 09:00-18:00").unwrap();
        let desk = day.shifted(-7.0 * HOUR); // a +10:00 team seen from a +03:00 desk
        assert!(desk.contains(2.0 * HOUR));
        let lunch = parse_hours("mon 13:00-14:00").unwrap();
        assert_eq!(day.minus(&lunch).total(), 8.0 * HOUR);
        let sunday_night = parse_hours("mon 01:00-03:00").unwrap().shifted(-2.0 * HOUR);
        assert!(sunday_night.contains(WEEK - 0.5 * HOUR));
        assert!(sunday_night.contains(0.5 * HOUR));
    }
}
