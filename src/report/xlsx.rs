//! `staffsim.xlsx`: the tables of a command as one workbook a manager opens
//! in Excel or LibreOffice, beside the CSV files. Each table becomes a sheet
//! with a frozen, filtered header row, number formats read from the column
//! names (shares as percentages, waits as `[h]:mm:ss`), green and red cells
//! where a target is met or missed, and native charts on a first "Charts"
//! sheet (they stay live: a manager can restyle them or copy them into a
//! deck).
//!
//! The sheets are built from the very CSV bytes written beside them, so a
//! number in the workbook is the number in the CSV (a wait is the CSV's
//! seconds divided by 86 400, the spreadsheet's unit for durations). Text is
//! always written as text, never as a formula.

use crate::report::headline::{MAX_SHOWN_QUEUES, SHOWN_RULE, pick_queues};
use rust_xlsxwriter::{
    Chart, ChartFormat, ChartLegendPosition, ChartLine, ChartLineDashType, ChartMarker, ChartMarkerType,
    ChartSolidFill, ChartType, Color, ConditionalFormatFormula, Format, FormatAlign, FormatBorder, Note, Workbook,
    Worksheet,
};

/// Rows of one sheet at most: beyond this a table stays in its CSV file
/// only (a year of a large desk's intervals would make a workbook too big to
/// open, and would all be held in memory while it is built).
pub const MAX_SHEET_ROWS: usize = 20_000;

/// The first sheet: charts.
const CHARTS: &str = "Charts";
/// The last sheet: the wide tables the charts draw from.
const CHART_DATA: &str = "Chart data";

/// A CSV table read back: header and rows of text.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Parses CSV bytes (a header and rows).
    pub fn parse(bytes: &[u8]) -> anyhow::Result<Table> {
        let mut r = ::csv::Reader::from_reader(bytes);
        let header = r.headers()?.iter().map(String::from).collect();
        let rows = r.records().map(|rec| Ok(rec?.iter().map(String::from).collect())).collect::<anyhow::Result<_>>()?;
        Ok(Table { header, rows })
    }

    /// A table too long for a sheet: only its header and a pointer to the file.
    fn too_long(header: &[&str]) -> Table {
        Table { header: header.iter().map(|h| h.to_string()).collect(), rows: Vec::new() }
    }

    pub fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    fn number(&self, row: usize, col: usize) -> Option<f64> {
        self.rows.get(row)?.get(col)?.parse::<f64>().ok().filter(|x| x.is_finite())
    }
}

/// How a column is shown, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Text,
    Share,
    Duration,
    Decimal,
    Whole,
}

/// How a CSV column reads, from its name (and, for numbers, whether the
/// sample has decimals): the workbook's formats and the report's cells.
pub(crate) fn style(name: &str, sample: &[&str]) -> Style {
    let base = name.strip_suffix("_ci95").unwrap_or(name);
    let text = ["queue", "team", "policy", "name", "kind", "interval_start", "shift", "days", "start", "driver"];
    if text.contains(&base) {
        return Style::Text;
    }
    let shares = ["service_level", "abandon_rate", "occupancy", "answered_in_time", "waited_over_week"];
    if shares.iter().any(|s| base.starts_with(s) || base.ends_with(s))
        || matches!(base, "sla_target" | "answered_within" | "shrinkage" | "target")
        || base.ends_with("_share")
    {
        return Style::Share;
    }
    if base.ends_with("_s") && base != "t_s" {
        return Style::Duration;
    }
    if sample.iter().all(|v| !v.contains('.')) { Style::Whole } else { Style::Decimal }
}

/// A column's header on the sheet: what it holds, in the words of the
/// person reading the sheet (the CSV's name is in the header cell's note).
fn label(name: &str) -> String {
    if name.ends_with("_ci95") {
        return "± 95 %".to_string();
    }
    let known = match name {
        "queue" => "Queue",
        "team" => "Team",
        "policy" => "Policy",
        "agents" => "Agents",
        "interval_start" => "Interval start",
        "day" => "Day",
        "t_s" => "Seconds from start",
        "kind" => "Row for",
        "name" => "Queue or team",
        "offered" => "Tickets offered",
        "answered" => "Answered",
        "abandoned" => "Gave up",
        "closed" => "Missed: line closed",
        "withdrawn" => "Withdrawn by grooming",
        "waiting_at_end" => "Still waiting at the end",
        "service_level" => "Service level",
        "sla_target" => "SLA target",
        "asa_target_s" => "Average wait target (ASA)",
        "asa_s" => "Average wait of the answered (ASA)",
        "wait_p50_s" => "Half of the answered waited at most",
        "wait_p90_s" => "90 % of the answered waited at most",
        "wait_p99_s" => "99 % of the answered waited at most",
        "abandon_rate" => "Gave up (share of offered)",
        "occupancy" => "Occupancy",
        "callbacks_created" => "Callbacks created",
        "service_level_backlog" => "Service level of the initial backlog",
        "service_level_new" => "Service level of new tickets",
        "after_hours" => "Arrived while closed",
        "service_level_open" => "Service level of open-hours customers",
        "time_to_clear_h" => "Backlog cleared after (hours)",
        "never_cleared" => "Replications never cleared",
        "cleared_by_date" => "Cleared by the clear-by date (share of runs)",
        "clear_date" => "Expected clear date (mean of the runs that cleared)",
        "clear_p50_by" => "Half of the runs cleared by",
        "clear_p90_by" => "9 in 10 runs cleared by",
        "wait_all_mean_s" => "Mean wait of all customers",
        "wait_all_p50_s" => "Half of all customers waited at most",
        "wait_all_p90_s" => "90 % of all customers waited at most",
        "answered_in_time_all" => "All customers answered in time",
        "waited_over_week" => "Waited over a week",
        "left_in_sla" => "Left waiting, within SLA",
        "left_under_1d" => "Left waiting, late under 1 day",
        "left_1d_to_3d" => "Left waiting, 1 to 3 days",
        "left_over_3d" => "Left waiting, over 3 days",
        "oldest_left_h" => "Oldest left waiting (hours)",
        "resolved" => "Tickets resolved",
        "touches_per_ticket" => "Touches per resolved ticket",
        "resolution_mean_h" => "Mean time to resolution (hours)",
        "resolution_p50_h" => "Half resolved within (hours)",
        "resolution_p90_h" => "90 % resolved within (hours)",
        "unresolved_lost" => "Lost before resolution",
        "unresolved_at_end" => "Unresolved at the end",
        "replies" => "Customer replies",
        "reply_wait_mean_s" => "Mean wait for the next answer",
        "transfers_in" => "Transferred in",
        "transfers_out" => "Transferred out",
        "after_hours_callbacks" => "Callbacks left while closed",
        "service_level_daytime_callbacks" => "Service level of daytime callbacks",
        "service_level_after_hours_callbacks" => "Service level of after-hours callbacks",
        "after_hours_sla_target" => "After-hours callback target",
        "callbacks_scheduled" => "Callbacks at a chosen time",
        "scheduled_after_mean_h" => "Chosen time after the call (hours)",
        "outbound_attempts" => "Outbound attempts",
        "outbound_reached" => "Customers reached",
        "outbound_never_reached" => "Never reached after the last attempt",
        "outbound_backlog" => "Still on the call list at the end",
        "reach_rate" => "Reached (share of settled)",
        "attempts_per_customer" => "Attempts per customer",
        "backlog" => "Waiting at interval end",
        "backlog_in_sla" => "Waiting, within SLA",
        "backlog_under_1d" => "Waiting, late under 1 day",
        "backlog_1d_to_3d" => "Waiting, 1 to 3 days",
        "backlog_over_3d" => "Waiting, over 3 days",
        "agents_on_duty" => "Agents on duty",
        "agents_busy" => "Agents busy",
        "wait_s" => "Wait",
        "answered_within" => "Answered within this wait",
        "load_erlangs" => "Workload (Erlangs)",
        "callbacks" => "Callbacks expected",
        "erlang_agents" => "Agents by Erlang C",
        "erlang_service_level" => "Service level by Erlang C",
        "erlang_asa_s" => "Average wait by Erlang C staffing",
        "required_agents" => "Agents required",
        "planned_agents" => "Agents planned",
        "scheduled_agents" => "Agents scheduled",
        "over_coverage" => "Scheduled over plan",
        "under_coverage" => "Scheduled short of plan",
        "days" => "Days",
        "start" => "Starts at",
        "length" => "Shift length",
        "breaks" => "Breaks",
        "paid_hours_per_week" => "Paid hours a week",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    // Any other column: its words, a unit spelled out.
    let (base, unit) = match name {
        n if n.ends_with("_s") => (&n[..n.len() - 2], ""),
        n if n.ends_with("_h") => (&n[..n.len() - 2], " (hours)"),
        n => (n, ""),
    };
    let words = base.replace('_', " ").replace(" p", " P");
    let mut chars = words.chars();
    let first = chars.next().map(|c| c.to_uppercase().to_string()).unwrap_or_default();
    format!("{first}{}{unit}", chars.as_str())
}

/// The columns a wide table shows first, in this order (the ones a table
/// has): who or what the row is, then the service level against its target,
/// then volumes and waits. A wide table's other columns follow, folded away
/// in an outline group (a click on its "+" opens them), so the sheet opens
/// and prints at a readable size.
const FIRST: &[&str] = &[
    "policy",
    "agents",
    "interval_start",
    "day",
    "queue",
    "team",
    "service_level",
    "service_level_ci95",
    "sla_target",
    "service_level_open",
    "offered",
    "answered",
    "abandoned",
    "abandon_rate",
    "asa_s",
    "asa_target_s",
    "wait_p90_s",
    "wait_all_p90_s",
    "occupancy",
    "waiting_at_end",
    "backlog",
    "agents_on_duty",
];

/// A table with more columns than this is wide: it shows [`FIRST`] and
/// folds the rest. The interval and staffing tables (under twenty columns)
/// print legibly one page wide; the summary's forty do not.
const WIDE: usize = 24;

/// The sheet's column order, as indices into the table's columns, and how
/// many of them are shown unfolded.
fn layout(header: &[String]) -> (Vec<usize>, usize) {
    let all: Vec<usize> = (0..header.len()).collect();
    if header.len() <= WIDE {
        return (all, header.len());
    }
    let mut order: Vec<usize> = FIRST.iter().filter_map(|name| header.iter().position(|h| h == name)).collect();
    let shown = order.len();
    let rest: Vec<usize> = all.into_iter().filter(|c| !order.contains(c)).collect();
    order.extend(rest);
    (order, shown)
}

/// The cell formats of a workbook, made once.
struct Formats {
    header: Format,
    share: Format,
    share_ci: Format,
    duration: Format,
    duration_ci: Format,
    decimal: Format,
    whole: Format,
    met: Format,
    missed: Format,
    note: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(Color::RGB(0x1F4E79))
                .set_font_color(Color::White)
                .set_border_bottom(FormatBorder::Thin),
            share: Format::new().set_num_format("0.0%"),
            share_ci: Format::new().set_num_format("\"± \"0.0%"),
            duration: Format::new().set_num_format("[h]:mm:ss"),
            duration_ci: Format::new().set_num_format("\"± \"[h]:mm:ss"),
            decimal: Format::new().set_num_format("#,##0.0"),
            whole: Format::new().set_num_format("#,##0"),
            met: Format::new().set_background_color(Color::RGB(0xC6EFCE)).set_font_color(Color::RGB(0x006100)),
            missed: Format::new().set_background_color(Color::RGB(0xFFC7CE)).set_font_color(Color::RGB(0x9C0006)),
            note: Format::new().set_italic().set_font_color(Color::RGB(0x595959)),
        }
    }
}

/// A column's letter, `A` for 0.
fn letter(col: usize) -> String {
    rust_xlsxwriter::column_number_to_name(col as u16)
}

/// Print setup shared by every sheet: landscape, one page wide (as many
/// pages down as it takes), the sheet's name and the page number on each
/// page.
fn print_setup(ws: &mut Worksheet) {
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_header("&L&A&R&F");
    ws.set_footer("&L&A&RPage &P of &N");
}

/// A sheet written: its name, its table (in the CSV's column order) and
/// where each column went.
struct Sheet {
    name: String,
    table: Table,
    /// The sheet's columns as indices into the table's.
    order: Vec<usize>,
}

impl Sheet {
    /// The sheet column of the table's column `name`.
    fn col(&self, name: &str) -> Option<usize> {
        let c = self.table.col(name)?;
        self.order.iter().position(|&o| o == c)
    }
}

/// A workbook being built: data sheets in order, then charts and their data.
pub struct Book {
    workbook: Workbook,
    formats: Formats,
    /// The sheets written, by name, with their tables (for charts).
    sheets: Vec<Sheet>,
    /// Charts of the whole desk, placed first.
    charts: Vec<Chart>,
    /// Charts of one queue each, after them.
    queue_charts: Vec<Chart>,
    /// Lines under the charts: what they leave out, where the rest is.
    notes: Vec<String>,
    /// Wide tables for the charts: name, header, rows of numbers or labels.
    data: Vec<(String, Vec<String>, Vec<Vec<Datum>>)>,
}

#[derive(Debug, Clone)]
enum Datum {
    Label(String),
    /// A share (service level, target).
    Number(Option<f64>),
    /// A count of agents.
    Agents(Option<f64>),
}

impl Default for Book {
    fn default() -> Self {
        Self::new()
    }
}

impl Book {
    pub fn new() -> Book {
        let mut workbook = Workbook::new();
        // A fixed creation time instead of the clock's: the same seed gives
        // the same bytes, and merged shards the bytes of one machine.
        if let Ok(epoch) = rust_xlsxwriter::ExcelDateTime::from_ymd(2000, 1, 1) {
            workbook.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&epoch));
        }
        // The charts sheet first: it is what opens.
        let _ = workbook.add_worksheet().set_name(CHARTS);
        Book {
            workbook,
            formats: Formats::new(),
            sheets: Vec::new(),
            charts: Vec::new(),
            queue_charts: Vec::new(),
            notes: Vec::new(),
            data: Vec::new(),
        }
    }

    /// Adds a sheet holding the CSV table `csv` (`file` is its name in the
    /// folder, shown when the table is too long for a sheet).
    pub fn table(&mut self, sheet: &str, file: &str, csv: &[u8]) -> anyhow::Result<()> {
        // Counted before parsing: a long table is not read into cells at all.
        let lines = csv.iter().filter(|&&b| b == b'\n').count();
        if lines > MAX_SHEET_ROWS + 1 {
            let end = csv.iter().position(|&b| b == b'\n').unwrap_or(csv.len());
            let header = Table::parse(&csv[..end])?.header;
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            return self.long_table(sheet, file, &header, lines - 1);
        }
        let table = Table::parse(csv)?;
        self.write_sheet(sheet, file, table, None)
    }

    /// A sheet for a table of `rows` rows, too long to hold: its header and a
    /// note pointing to the CSV file.
    pub fn long_table(&mut self, sheet: &str, file: &str, header: &[&str], rows: usize) -> anyhow::Result<()> {
        let note =
            format!("{rows} rows: more than a sheet here holds ({MAX_SHEET_ROWS}); the whole table is in {file}");
        self.write_sheet(sheet, file, Table::too_long(header), Some(note))
    }

    fn write_sheet(&mut self, sheet: &str, file: &str, table: Table, note: Option<String>) -> anyhow::Result<()> {
        let f = &self.formats;
        let ws = self.workbook.add_worksheet();
        ws.set_name(sheet)?;
        let styles: Vec<Style> = (0..table.header.len())
            .map(|c| {
                let sample: Vec<&str> = table
                    .rows
                    .iter()
                    .take(2000)
                    .filter_map(|r| r.get(c).map(String::as_str))
                    .filter(|v| !v.is_empty())
                    .collect();
                style(&table.header[c], &sample)
            })
            .collect();
        let (order, shown) = layout(&table.header);
        // The header speaks the reader's language; each cell's note names
        // the CSV column, so a figure can be found in the file (and a
        // formula or script written against it).
        let mut widths = Vec::with_capacity(order.len());
        let mut lines = 1;
        for (sc, &c) in order.iter().enumerate() {
            let name = &table.header[c];
            let text = label(name);
            ws.write_string_with_format(0, sc as u16, &text, &f.header)?;
            let csv_name = Note::new(format!("{file}: {name}")).set_author("staffsim").add_author_prefix(false);
            ws.insert_note(0, sc as u16, &csv_name)?;
            let widest = table.rows.iter().take(2000).filter_map(|r| r.get(c)).map(|v| v.chars().count()).max();
            let body = match styles[c] {
                Style::Duration => 10,
                Style::Share => 8,
                _ => widest.unwrap_or(0),
            };
            // The header wraps: the column is as wide as its longest word
            // (and the filter button, about two characters) or its values.
            let word = text.split(' ').map(|w| w.chars().count()).max().unwrap_or(0);
            let width = (word + 3).max(body + 2).clamp(9, 40);
            // Room for the words on as few lines as the width allows.
            let room = width.saturating_sub(3).max(1);
            lines = lines.max(text.chars().count().div_ceil(room).min(4));
            widths.push(width);
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (sc, &c) in order.iter().enumerate() {
                let Some(v) = row.get(c).filter(|v| !v.is_empty()) else { continue };
                let c16 = sc as u16;
                let ci = table.header[c].ends_with("_ci95");
                let number = v.parse::<f64>().ok().filter(|x| x.is_finite());
                match (styles[c], number) {
                    (Style::Text, _) | (_, None) => ws.write_string(r, c16, v)?,
                    (Style::Share, Some(x)) => {
                        ws.write_number_with_format(r, c16, x, if ci { &f.share_ci } else { &f.share })?
                    }
                    (Style::Duration, Some(x)) => ws.write_number_with_format(
                        r,
                        c16,
                        x / 86_400.0,
                        if ci { &f.duration_ci } else { &f.duration },
                    )?,
                    (Style::Decimal, Some(x)) => ws.write_number_with_format(r, c16, x, &f.decimal)?,
                    (Style::Whole, Some(x)) => ws.write_number_with_format(r, c16, x, &f.whole)?,
                };
            }
        }
        let cols = table.header.len().max(1) as u16;
        let last = table.rows.len() as u32;
        ws.set_freeze_panes(1, 0)?;
        ws.autofilter(0, 0, last.max(1), cols - 1)?;
        ws.set_row_height(0, 15.0 * lines as f64 + 3.0)?;
        for (sc, width) in widths.iter().enumerate() {
            ws.set_column_width(sc as u16, *width as f64)?;
        }
        if shown < order.len() {
            // Folded, not left out: a hidden column is neither shown nor
            // printed until its group is opened.
            ws.group_columns_collapsed(shown as u16, order.len() as u16 - 1)?;
        }
        if let Some(note) = note {
            ws.write_string_with_format(1, 0, &note, &f.note)?;
        }
        print_setup(ws);
        ws.set_print_gridlines(true);
        ws.set_repeat_rows(0, 0)?;
        let sheet = Sheet { name: sheet.to_string(), table, order };
        Self::colour(ws, f, &sheet)?;
        self.sheets.push(sheet);
        Ok(())
    }

    /// Green where a target is met, red where it is missed: the service level
    /// against the queue's SLA target, the mean wait against the average
    /// target, scheduled against required agents.
    fn colour(ws: &mut Worksheet, f: &Formats, sheet: &Sheet) -> anyhow::Result<()> {
        let last = sheet.table.rows.len() as u32;
        if last == 0 {
            return Ok(());
        }
        let mut pair = |value: usize, against: usize, met: &str, missed: &str| -> anyhow::Result<()> {
            let (v, t) = (letter(value), letter(against));
            let rule = |op: &str| format!("=AND(ISNUMBER(${v}2),ISNUMBER(${t}2),${v}2{op}${t}2)");
            let c = value as u16;
            ws.add_conditional_format(
                1,
                c,
                last,
                c,
                &ConditionalFormatFormula::new().set_rule(rule(met).as_str()).set_format(&f.met),
            )?;
            ws.add_conditional_format(
                1,
                c,
                last,
                c,
                &ConditionalFormatFormula::new().set_rule(rule(missed).as_str()).set_format(&f.missed),
            )?;
            Ok(())
        };
        if let Some(target) = sheet.col("sla_target") {
            for name in ["service_level", "service_level_open"] {
                if let Some(sl) = sheet.col(name) {
                    pair(sl, target, ">=", "<")?;
                }
            }
        }
        if let (Some(asa), Some(target)) = (sheet.col("asa_s"), sheet.col("asa_target_s")) {
            pair(asa, target, "<=", ">")?;
        }
        if let (Some(scheduled), Some(required)) = (sheet.col("scheduled_agents"), sheet.col("required_agents")) {
            // Over coverage green, under coverage red; exactly covered stays plain.
            pair(scheduled, required, ">", "<")?;
        }
        for (name, fmt) in [("under_coverage", &f.missed), ("over_coverage", &f.met)] {
            if let Some(c) = sheet.col(name) {
                let rule = format!("=AND(ISNUMBER(${0}2),${0}2>0)", letter(c));
                let c = c as u16;
                ws.add_conditional_format(
                    1,
                    c,
                    last,
                    c,
                    &ConditionalFormatFormula::new().set_rule(rule.as_str()).set_format(fmt),
                )?;
            }
        }
        Ok(())
    }

    fn sheet(&self, name: &str) -> Option<&Sheet> {
        self.sheets.iter().find(|s| s.name == name)
    }

    /// Adds a wide table to the chart data sheet; returns its first row there
    /// (the header's).
    fn add_data(&mut self, title: &str, header: Vec<String>, rows: Vec<Vec<Datum>>) -> u32 {
        let first: u32 = self.data.iter().map(|(_, _, r)| r.len() as u32 + 3).sum();
        self.data.push((title.to_string(), header, rows));
        first + 1
    }

    /// Line charts of the service level interval by interval, one per queue
    /// (at most [`QUEUE_CHARTS`] of them, picked by [`shown_rows`]), each with its SLA target as a
    /// dashed line: from the sheet `sheet` (Week or Intervals) and the
    /// targets of `Summary`. `title` names the set ("…, by queue"); each
    /// chart is titled with its queue.
    pub fn service_level_over_time(&mut self, sheet: &str, title: &str) {
        let (Some(t), Some(summary)) = (self.sheet(sheet), self.sheet("Summary")) else { return };
        let (t, summary) = (&t.table, &summary.table);
        let (Some(tc), Some(qc), Some(sc)) = (t.col("interval_start"), t.col("queue"), t.col("service_level")) else {
            return;
        };
        let dc = t.col("day");
        let targets = queue_targets(summary);
        let queues: Vec<String> = targets.iter().map(|(q, _)| q.clone()).collect();
        if queues.is_empty() || t.rows.is_empty() {
            return;
        }
        // One row per interval, a column per queue (then one per target).
        let mut rows: Vec<Vec<Datum>> = Vec::new();
        let mut labels: Vec<String> = Vec::new();
        for (i, row) in t.rows.iter().enumerate() {
            let label = match dc {
                Some(d) => format!("day {} {}", row[d], row[tc]),
                None => row[tc].clone(),
            };
            if labels.last() != Some(&label) {
                labels.push(label.clone());
                let mut r = vec![Datum::Label(label)];
                r.extend(std::iter::repeat_n(Datum::Number(None), queues.len()));
                r.extend(targets.iter().map(|(_, x)| Datum::Number(*x)));
                rows.push(r);
            }
            if let Some(q) = queues.iter().position(|q| *q == row[qc])
                && let Some(r) = rows.last_mut()
            {
                r[1 + q] = Datum::Number(t.number(i, sc));
            }
        }
        let charted = shown_rows(summary, &queues, QUEUE_CHARTS);
        let n = rows.len() as u32;
        let mut header = vec![label("interval_start")];
        header.extend(queues.iter().map(|q| format!("{q} service level")));
        header.extend(queues.iter().map(|q| format!("{q} SLA target")));
        let first = self.add_data(title, header, rows);
        let base = title.strip_suffix(", by queue").unwrap_or(title);
        let cats = (CHART_DATA, first + 1, 0u16, first + n, 0u16);
        for &k in &charted {
            let (q, target) = &targets[k];
            let mut chart = Chart::new(ChartType::Line);
            chart
                .add_series()
                .set_name("service level")
                .set_categories(cats)
                .set_values((CHART_DATA, first + 1, 1 + k as u16, first + n, 1 + k as u16))
                .set_format(ChartFormat::new().set_line(ChartLine::new().set_color(PALETTE[0]).set_width(1.5)))
                .set_marker(&point_marker(n, PALETTE[0]));
            if let Some(x) = target {
                let c = 1 + (queues.len() + k) as u16;
                chart
                    .add_series()
                    .set_name(format!("SLA target {:.0} %", x * 100.0).as_str())
                    .set_categories(cats)
                    .set_values((CHART_DATA, first + 1, c, first + n, c))
                    .set_format(ChartFormat::new().set_line(
                        ChartLine::new().set_color(TARGET).set_width(2.0).set_dash_type(ChartLineDashType::Dash),
                    ))
                    .set_marker(&point_marker(n, TARGET));
            }
            chart.title().set_name(format!("{q}: {base}").as_str());
            // A label a day for a week of half hours; about eight otherwise.
            let per_label = if n.is_multiple_of(7) && n >= 7 * 24 { n / 7 } else { (n / 8).max(1) } as u16;
            chart.x_axis().set_label_interval(per_label).set_tick_interval(per_label);
            chart.y_axis().set_num_format("0%").set_min(0.0).set_max(1.0);
            chart.legend().set_position(ChartLegendPosition::Bottom);
            self.queue_charts.push(chart);
        }
        if charted.len() < queues.len() {
            self.notes.push(charted_note(base, charted.len(), queues.len(), sheet));
        }
    }

    /// A column chart of each queue's service level beside its target, from
    /// the summary table on `sheet`.
    pub fn service_level_by_queue(&mut self, sheet: &str, title: &str) {
        let Some(summary) = self.sheet(sheet) else { return };
        let (Some(qc), Some(sc), Some(tc)) =
            (summary.col("queue"), summary.col("service_level"), summary.col("sla_target"))
        else {
            return;
        };
        let t = &summary.table;
        let mut n = t.rows.len() as u32;
        if n == 0 {
            return;
        }
        // On a desk of many queues, the columns of those the report shows
        // one by one (and the desk's), from a block of the chart data sheet.
        let queues: Vec<String> = queue_targets(t).into_iter().map(|(q, _)| q).collect();
        let shown = shown_rows(t, &queues, MAX_SHOWN_QUEUES);
        let (data, first, (qc, sc, tc)) = if shown.len() < queues.len() {
            // The table's own columns (the sheet's may be in another order).
            let (Some(qc), Some(sc), Some(tc)) = (t.col("queue"), t.col("service_level"), t.col("sla_target")) else {
                return;
            };
            let rows: Vec<Vec<Datum>> = t
                .rows
                .iter()
                .enumerate()
                .filter(|(_, r)| {
                    r[qc] == "all"
                        || queues.iter().position(|q| *q == r[qc]).is_some_and(|k| shown.binary_search(&k).is_ok())
                })
                .map(|(i, r)| {
                    vec![Datum::Label(r[qc].clone()), Datum::Number(t.number(i, sc)), Datum::Number(t.number(i, tc))]
                })
                .collect();
            n = rows.len() as u32;
            let header = ["queue", "service level", "SLA target"].map(String::from).to_vec();
            let first = self.add_data(title, header, rows);
            self.notes.push(charted_note(title, shown.len(), queues.len(), sheet));
            (CHART_DATA, first, (0u16, 1u16, 2u16))
        } else {
            (sheet, 0, (qc as u16, sc as u16, tc as u16))
        };
        let mut chart = Chart::new(ChartType::Column);
        let cats = (data, first + 1, qc, first + n, qc);
        chart
            .add_series()
            .set_name("service level")
            .set_categories(cats)
            .set_values((data, first + 1, sc, first + n, sc))
            .set_format(ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(PALETTE[0])));
        chart
            .add_series()
            .set_name("SLA target")
            .set_categories(cats)
            .set_values((data, first + 1, tc, first + n, tc))
            .set_format(ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(Color::RGB(0xA6A6A6))));
        chart.title().set_name(title);
        chart.y_axis().set_num_format("0%").set_min(0.0).set_max(1.0);
        chart.legend().set_position(ChartLegendPosition::Bottom);
        self.charts.push(chart);
    }

    /// A clustered column chart of each queue's service level by `group`
    /// (policy, agents), with the targets, from the Summary sheet.
    pub fn service_level_by_group(&mut self, group: &str, title: &str, chart_type: ChartType) {
        let Some(summary) = self.sheet("Summary").map(|s| &s.table) else { return };
        let (Some(gc), Some(qc), Some(sc)) = (summary.col(group), summary.col("queue"), summary.col("service_level"))
        else {
            return;
        };
        let targets = queue_targets(summary);
        let mut groups: Vec<String> = Vec::new();
        for row in &summary.rows {
            if !groups.contains(&row[gc]) {
                groups.push(row[gc].clone());
            }
        }
        if targets.is_empty() || groups.is_empty() {
            return;
        }
        let by_queue = chart_type == ChartType::Column;
        let shared = targets[0].1.filter(|&x| targets.iter().all(|(_, t)| *t == Some(x)));
        let mut header = vec![if by_queue { "queue".to_string() } else { group.to_string() }];
        let rows: Vec<Vec<Datum>> = if by_queue {
            header.extend(groups.iter().cloned());
            header.push("SLA target".into());
            targets
                .iter()
                .map(|(q, target)| {
                    let mut r = vec![Datum::Label(q.clone())];
                    r.extend(groups.iter().map(|g| Datum::Number(lookup(summary, gc, g, qc, q, sc))));
                    r.push(Datum::Number(*target));
                    r
                })
                .collect()
        } else {
            header.extend(targets.iter().map(|(q, _)| q.clone()));
            // One dashed target line where every queue has the same target
            // (one per queue would double the lines).
            if let Some(x) = shared {
                header.push(format!("SLA target {:.0} %", x * 100.0));
            }
            groups
                .iter()
                .map(|g| {
                    let mut r = vec![Datum::Label(g.clone())];
                    r.extend(targets.iter().map(|(q, _)| Datum::Number(lookup(summary, gc, g, qc, q, sc))));
                    r.extend(shared.map(|x| Datum::Number(Some(x))));
                    r
                })
                .collect()
        };
        let series: Vec<String> = header[1..].to_vec();
        let n = rows.len() as u32;
        let first = self.add_data(title, header, rows);
        let mut chart = Chart::new(chart_type);
        let cats = (CHART_DATA, first + 1, 0u16, first + n, 0u16);
        for (k, name) in series.iter().enumerate() {
            let c = 1 + k as u16;
            let colour =
                if by_queue && k == series.len() - 1 { Color::RGB(0xA6A6A6) } else { PALETTE[k % PALETTE.len()] };
            let s = chart.add_series();
            s.set_name(name.as_str()).set_categories(cats).set_values((CHART_DATA, first + 1, c, first + n, c));
            if by_queue {
                s.set_format(ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(colour)));
            } else if shared.is_some() && k == series.len() - 1 {
                s.set_format(ChartFormat::new().set_line(
                    ChartLine::new().set_color(TARGET).set_width(2.0).set_dash_type(ChartLineDashType::Dash),
                ))
                .set_marker(&point_marker(n, TARGET));
            } else {
                s.set_format(ChartFormat::new().set_line(ChartLine::new().set_color(colour).set_width(2.0)))
                    .set_marker(&point_marker(n, colour));
            }
        }
        chart.title().set_name(title);
        chart.x_axis().set_name(if by_queue { "queue" } else { group });
        chart.y_axis().set_name("service level").set_num_format("0%").set_min(0.0).set_max(1.0);
        chart.legend().set_position(ChartLegendPosition::Bottom);
        self.charts.push(chart);
    }

    /// A line chart of required against scheduled agents per interval (the
    /// staffing sheet's `all` rows).
    pub fn required_vs_scheduled(&mut self, title: &str) {
        let Some(t) = self.sheet("Staffing").map(|s| &s.table) else { return };
        let (Some(tc), Some(kc), Some(rc), Some(sc)) =
            (t.col("interval_start"), t.col("kind"), t.col("required_agents"), t.col("scheduled_agents"))
        else {
            return;
        };
        let ec = t.col("erlang_agents");
        let rows: Vec<Vec<Datum>> = t
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r[kc] == "all")
            .map(|(i, r)| {
                let mut d =
                    vec![Datum::Label(r[tc].clone()), Datum::Agents(t.number(i, rc)), Datum::Agents(t.number(i, sc))];
                if let Some(e) = ec {
                    d.push(Datum::Agents(t.number(i, e)));
                }
                d
            })
            .collect();
        if rows.is_empty() {
            return;
        }
        let n = rows.len() as u32;
        let mut header = vec![label("interval_start"), "required agents".into(), "scheduled agents".into()];
        if ec.is_some() {
            header.push("Erlang agents".into());
        }
        let series = header.len() - 1;
        let first = self.add_data(title, header.clone(), rows);
        let mut chart = Chart::new(ChartType::Line);
        let cats = (CHART_DATA, first + 1, 0u16, first + n, 0u16);
        let colours = [Color::RGB(0xC00000), Color::RGB(0x2E75B6), Color::RGB(0xA6A6A6)];
        for k in 0..series {
            let c = 1 + k as u16;
            let mut line = ChartLine::new();
            line.set_color(colours[k % 3]).set_width(if k == 2 { 1.0 } else { 2.0 });
            if k == 2 {
                line.set_dash_type(ChartLineDashType::Dash);
            }
            chart
                .add_series()
                .set_name(header[1 + k].as_str())
                .set_categories(cats)
                .set_values((CHART_DATA, first + 1, c, first + n, c))
                .set_format(ChartFormat::new().set_line(&line))
                .set_marker(&point_marker(n, colours[k % 3]));
        }
        chart.title().set_name(title);
        let per_label = if n.is_multiple_of(7) && n >= 7 * 24 { n / 7 } else { (n / 8).max(1) } as u16;
        chart.x_axis().set_label_interval(per_label).set_tick_interval(per_label);
        chart.y_axis().set_name("agents").set_num_format("0").set_min(0.0);
        chart.legend().set_position(ChartLegendPosition::Bottom);
        self.charts.push(chart);
    }

    /// The workbook's bytes: the charts placed on the first sheet one under
    /// another, their data on the last.
    pub fn finish(mut self) -> anyhow::Result<Vec<u8>> {
        let f = &self.formats;
        if !self.data.is_empty() {
            let ws = self.workbook.add_worksheet();
            ws.set_name(CHART_DATA)?;
            let mut row = 0u32;
            for (title, header, rows) in &self.data {
                ws.write_string_with_format(row, 0, title, &f.note)?;
                row += 1;
                for (c, h) in header.iter().enumerate() {
                    ws.write_string_with_format(row, c as u16, h, &f.header)?;
                }
                for r in rows {
                    row += 1;
                    for (c, d) in r.iter().enumerate() {
                        match d {
                            Datum::Label(s) => {
                                ws.write_string(row, c as u16, s)?;
                            }
                            Datum::Number(Some(x)) => {
                                ws.write_number_with_format(row, c as u16, *x, &f.share)?;
                            }
                            Datum::Agents(Some(x)) => {
                                ws.write_number_with_format(row, c as u16, *x, &f.decimal)?;
                            }
                            Datum::Number(None) | Datum::Agents(None) => {}
                        }
                    }
                }
                row += 2;
            }
            let widest = self.data.iter().map(|(_, h, _)| h.len()).max().unwrap_or(1);
            ws.set_column_width(0, 16)?;
            for c in 1..widest {
                ws.set_column_width(c as u16, 18)?;
            }
            print_setup(ws);
        }
        let charts = self.workbook.worksheet_from_name(CHARTS)?;
        charts.write_string_with_format(
            0,
            1,
            "Charts first; every table follows on a sheet of its own. A header's note names the column in the CSV file.",
            &f.note,
        )?;
        if self.charts.is_empty() && self.queue_charts.is_empty() {
            charts.write_string_with_format(1, 1, "no chart: the tables are on the other sheets", &f.note)?;
        }
        // The desk's charts across the page, then the queues' two abreast;
        // a page break before a row of charts that would not fit on the
        // page whole (about 38 rows of 20 pixels to a landscape page, A4
        // or Letter, once it is scaled to the page's width).
        let mut row = 1u32;
        let mut page = 0u32;
        let mut breaks = Vec::new();
        let mut place = |rows: u32| {
            if page + rows > PAGE_ROWS && page > 0 {
                breaks.push(row);
                page = 0;
            }
            let at = row;
            row += rows;
            page += rows;
            at
        };
        for chart in &mut self.charts {
            chart.set_width(WIDE_CHART.0).set_height(WIDE_CHART.1);
            let at = place(WIDE_CHART.1 / 20 + 1);
            charts.insert_chart(at, 1, chart)?;
        }
        for pair in self.queue_charts.chunks_mut(2) {
            let at = place(SMALL_CHART.1 / 20 + 1);
            for (k, chart) in pair.iter_mut().enumerate() {
                chart.set_width(SMALL_CHART.0).set_height(SMALL_CHART.1);
                charts.insert_chart_with_offset(at, 1, chart, k as u32 * (SMALL_CHART.0 + 20), 0)?;
            }
        }
        if !self.charts.is_empty() || !self.queue_charts.is_empty() {
            // Cells below the last chart: a printout covers what is above
            // the last cell written, so the last chart is printed whole.
            self.notes.push(
                "The charts draw from the other sheets of this workbook (the tables) and from \"Chart data\"."
                    .to_string(),
            );
            for note in &self.notes {
                charts.write_string_with_format(row, 1, note, &f.note)?;
                row += 1;
            }
        }
        charts.set_page_breaks(&breaks)?;
        print_setup(charts);
        charts.set_active(true);
        Ok(self.workbook.save_to_buffer()?)
    }
}

/// Queues charted over time at most, one chart each (picked by [`shown_rows`]).
const QUEUE_CHARTS: usize = 8;

/// A chart of the whole desk and one of a queue, in pixels.
const WIDE_CHART: (u32, u32) = (1140, 360);
const SMALL_CHART: (u32, u32) = (560, 320);
/// Rows of the charts sheet a printed page holds.
const PAGE_ROWS: u32 = 38;

/// The SLA target's dashed line.
const TARGET: Color = Color::RGB(0xC00000);

/// Line and column colours: distinct on a projector and in grey print.
const PALETTE: [Color; 8] = [
    Color::RGB(0x1F77B4),
    Color::RGB(0xFF7F0E),
    Color::RGB(0x2CA02C),
    Color::RGB(0xD62728),
    Color::RGB(0x9467BD),
    Color::RGB(0x8C564B),
    Color::RGB(0xE377C2),
    Color::RGB(0x17BECF),
];

/// The queues of a summary table (not "all"), in order, with their SLA
/// targets.
/// The marker of a line series of `points` points: none (the line shows
/// them), but a dot in the line's colour when there is a single point,
/// which a line chart would otherwise not draw at all (a desk reported in
/// one interval, a sweep of one variant).
fn point_marker(points: u32, colour: Color) -> ChartMarker {
    let mut marker = ChartMarker::new();
    if points == 1 {
        marker.set_type(ChartMarkerType::Circle).set_size(7).set_format(
            ChartFormat::new()
                .set_solid_fill(ChartSolidFill::new().set_color(colour))
                .set_border(ChartLine::new().set_color(colour)),
        );
    } else {
        marker.set_none();
    }
    marker
}

fn queue_targets(summary: &Table) -> Vec<(String, Option<f64>)> {
    let (Some(qc), tc) = (summary.col("queue"), summary.col("sla_target")) else { return Vec::new() };
    let mut out: Vec<(String, Option<f64>)> = Vec::new();
    for (i, row) in summary.rows.iter().enumerate() {
        let q = &row[qc];
        if q != "all" && !out.iter().any(|(n, _)| n == q) {
            out.push((q.clone(), tc.and_then(|c| summary.number(i, c))));
        }
    }
    out
}

/// Of the summary table's `queues` (in its order), at most `most` by the
/// report's rule ([`pick_queues`]): furthest below target, then busiest.
fn shown_rows(summary: &Table, queues: &[String], most: usize) -> Vec<usize> {
    // Each queue's row found once, and its figures read once, not at every
    // comparison of the ranking.
    let rows: Vec<Option<usize>> = queues
        .iter()
        .map(|q| summary.col("queue").and_then(|c| summary.rows.iter().position(|r| r[c] == *q)))
        .collect();
    let column = |name: &str| -> Vec<Option<f64>> {
        rows.iter().map(|row| row.zip(summary.col(name)).and_then(|(r, c)| summary.number(r, c))).collect()
    };
    let (level, target, offered) = (column("service_level"), column("sla_target"), column("offered"));
    pick_queues(queues.len(), most, |k| level[k], |k| target[k], |k| offered[k].unwrap_or(0.0))
}

/// The note beside a chart of `title` that draws `shown` of `total` queues.
fn charted_note(title: &str, shown: usize, total: usize, sheet: &str) -> String {
    format!(
        "{title}: {shown} of the {total} queues are charted, {SHOWN_RULE}; every queue's figures are on the {sheet} sheet."
    )
}

/// The value in column `vc` of the row whose `gc` is `g` and `qc` is `q`.
fn lookup(t: &Table, gc: usize, g: &str, qc: usize, q: &str, vc: usize) -> Option<f64> {
    t.rows.iter().position(|r| r[gc] == g && r[qc] == q).and_then(|i| t.number(i, vc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names_choose_the_format() {
        assert_eq!(style("service_level", &["0.8"]), Style::Share);
        assert_eq!(style("service_level_ci95", &["0.01"]), Style::Share);
        assert_eq!(style("sla_target", &["0.8"]), Style::Share);
        assert_eq!(style("asa_s", &["12.5"]), Style::Duration);
        assert_eq!(style("wait_p90_s", &["12.5"]), Style::Duration);
        assert_eq!(style("t_s", &["1800"]), Style::Whole);
        assert_eq!(style("offered", &["12.50"]), Style::Decimal);
        assert_eq!(style("queue", &["12"]), Style::Text);
        assert_eq!(letter(0), "A");
        assert_eq!(letter(27), "AB");
    }

    #[test]
    fn headers_speak_plainly_and_wide_tables_lead_with_the_service_level() {
        assert_eq!(label("service_level"), "Service level");
        assert_eq!(label("service_level_ci95"), "± 95 %");
        assert_eq!(label("wait_all_p90_s"), "90 % of all customers waited at most");
        assert_eq!(label("required_p80"), "Required P80");
        assert_eq!(label("peak_length"), "Peak length");
        let narrow: Vec<String> = ["queue", "wait_s", "answered_within"].map(String::from).to_vec();
        assert_eq!(layout(&narrow), (vec![0, 1, 2], 3), "a narrow table keeps the CSV's order");
        let summary: Vec<String> =
            crate::report::columns::header(crate::report::columns::SUMMARY).into_iter().map(String::from).collect();
        let (order, shown) = layout(&summary);
        let names: Vec<&str> = order.iter().map(|&c| summary[c].as_str()).collect();
        assert_eq!(names[..4], ["queue", "service_level", "service_level_ci95", "sla_target"]);
        assert!(shown <= 16 && shown > 8, "{shown} columns shown");
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..summary.len()).collect::<Vec<_>>(), "every column once");
    }

    #[test]
    fn a_table_too_long_for_a_sheet_points_to_its_file() {
        let mut csv = b"queue,offered\n".to_vec();
        for _ in 0..=MAX_SHEET_ROWS {
            csv.extend_from_slice(b"chat,1\n");
        }
        let mut book = Book::new();
        book.table("Intervals", "intervals.csv", &csv).unwrap();
        let t = &book.sheets[0].table;
        assert_eq!(t.header, ["queue", "offered"]);
        assert!(t.rows.is_empty(), "no row is held");
        assert!(book.finish().is_ok());
    }

    #[test]
    fn a_desk_of_many_queues_charts_the_queues_the_report_shows() {
        // 30 queues; q{i} offers 100 + i, all at 90 % but q3, at 50 %. The
        // table is wide, as the real summary is: its sheet puts the service
        // level first, so the sheet's columns are not the table's.
        let extra: Vec<String> = (0..30).map(|k| format!("x{k}")).collect();
        let mut csv = format!("queue,offered,service_level,sla_target,{}\n", extra.join(","));
        let zeros = vec!["0"; 30].join(",");
        for i in 0..30 {
            let level = if i == 3 { 0.5 } else { 0.9 };
            csv.push_str(&format!("q{i},{},{level},0.8,{zeros}\n", 100 + i));
        }
        csv.push_str(&format!("all,3435,0.89,,{zeros}\n"));
        let mut book = Book::new();
        book.table("Summary", "summary.csv", csv.as_bytes()).unwrap();
        let t = &book.sheets[0].table;
        let queues: Vec<String> = (0..30).map(|i| format!("q{i}")).collect();
        let shown = shown_rows(t, &queues, 24);
        // q3 for its miss, then the 23 busiest of the rest: q7..q29.
        assert_eq!(shown, std::iter::once(3).chain(7..30).collect::<Vec<_>>());
        book.service_level_by_queue("Summary", "service level by queue");
        let (_, header, rows) = book.data.last().unwrap();
        assert_eq!(header, &["queue", "service level", "SLA target"]);
        let labels: Vec<String> =
            rows.iter().map(|r| if let Datum::Label(l) = &r[0] { l.clone() } else { String::new() }).collect();
        let want: Vec<String> = shown.iter().map(|&k| queues[k].clone()).chain(["all".to_string()]).collect();
        assert_eq!(labels, want, "the shown queues and the desk, charted");
        assert!(
            matches!(rows[0][1..], [Datum::Number(Some(l)), Datum::Number(Some(t))] if l == 0.5 && t == 0.8),
            "{:?}",
            rows[0]
        );
        assert!(book.notes.iter().any(|n| n.contains("24 of the 30 queues are charted")), "{:?}", book.notes);
        assert!(book.finish().is_ok());
    }

    #[test]
    fn a_workbook_is_a_zip_with_the_sheets() {
        let mut book = Book::new();
        let csv = b"queue,offered,service_level,sla_target,asa_s\nchat,10.00,0.9000,0.8000,12.0\nmail,5.00,0.5000,0.8000,600.0\nall,15.00,0.7667,,208.0\n";
        book.table("Summary", "summary.csv", csv).unwrap();
        book.service_level_by_queue("Summary", "service level by queue");
        let bytes = book.finish().unwrap();
        assert_eq!(&bytes[..2], b"PK", "an xlsx file is a zip archive");
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("xl/worksheets/sheet2.xml"));
        assert!(text.contains("xl/charts/chart1.xml"));
    }
}
