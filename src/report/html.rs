//! `report.html`: one self-contained page per command for a planning
//! meeting — the findings in words first, the key figures with their
//! confidence intervals, the charts (inline SVG; hovering a chart shows its
//! values), the tables, and what the run assumed (scenario, seed,
//! replications, version, the scenario file itself).
//!
//! The page loads nothing: no network, no external script, font or image
//! (its Content-Security-Policy forbids them), so it opens from an email
//! attachment. It prints on landscape pages (A4 or Letter, whichever the
//! printer holds), a chart per page. Its bytes depend only on the results:
//! no clock time, so the same seed gives the same page.

use std::fmt::Write as _;

use super::chart::{self, Chart, ImageFormat};
use super::headline::{Finding, Verdict};
use crate::scenario::units::format_wait;

/// A figure of the key-figures strip: "phone — 80.8 % ± 0.7 answered in time".
#[derive(Debug, Clone)]
pub struct KeyFigure {
    pub label: String,
    pub value: String,
    /// The confidence interval and what the figure counts, under the value.
    pub detail: String,
    pub verdict: Verdict,
}

/// A cell of a table; a verdict colours it green (met) or red (missed).
#[derive(Debug, Clone)]
pub struct Cell {
    pub text: String,
    pub verdict: Option<Verdict>,
    pub numeric: bool,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), verdict: None, numeric: false }
    }

    pub fn number(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), verdict: None, numeric: true }
    }

    pub fn judged(self, verdict: Option<Verdict>) -> Cell {
        Cell { verdict, ..self }
    }
}

/// A table with its caption and a note under it.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub note: String,
}

/// One block of the page, in order.
#[derive(Debug, Clone)]
enum Block<'a> {
    Heading(String),
    Paragraph(String),
    /// Drawn when the page is written.
    Chart {
        caption: String,
        chart: &'a Chart,
    },
    Table(Table),
    /// A long table, folded away (and not printed) unless opened.
    Folded(Table),
}

/// A report page being put together.
#[derive(Debug, Clone, Default)]
pub struct Report<'a> {
    title: String,
    subtitle: String,
    meta: String,
    findings: Vec<Finding>,
    figures: Vec<KeyFigure>,
    blocks: Vec<Block<'a>>,
    assumptions: Vec<(String, String)>,
    outline: String,
    scenario_text: String,
    files: Vec<String>,
}

/// Size the report's charts are drawn at (their text is sized for it);
/// the page scales them to its width.
pub const CHART_SIZE: (u32, u32) = (1600, 900);

impl<'a> Report<'a> {
    /// A page titled `title` (the scenario and the command), with the
    /// scenario's description and a line of how it was made.
    pub fn new(title: &str, subtitle: &str, meta: &str) -> Report<'a> {
        Report { title: title.into(), subtitle: subtitle.into(), meta: meta.into(), ..Report::default() }
    }

    pub fn findings(&mut self, findings: impl IntoIterator<Item = Finding>) {
        self.findings.extend(findings);
    }

    pub fn figure(&mut self, figure: KeyFigure) {
        self.figures.push(figure);
    }

    pub fn heading(&mut self, text: &str) {
        self.blocks.push(Block::Heading(text.into()));
    }

    pub fn paragraph(&mut self, text: &str) {
        self.blocks.push(Block::Paragraph(text.into()));
    }

    /// Adds `charts`, each with a line on how to read it; they are drawn
    /// as SVG while the page is written, one at a time, so a page of many
    /// large charts never holds more than one of them.
    pub fn charts(&mut self, charts: &'a [Chart]) {
        for c in charts {
            self.blocks.push(Block::Chart { caption: how_to_read(&c.name).to_string(), chart: c });
        }
    }

    pub fn table(&mut self, table: Table) {
        self.blocks.push(Block::Table(table));
    }

    pub fn folded(&mut self, table: Table) {
        self.blocks.push(Block::Folded(table));
    }

    pub fn assumption(&mut self, what: &str, value: impl Into<String>) {
        self.assumptions.push((what.into(), value.into()));
    }

    /// The desk in words (as `check` prints it) and the scenario file's text.
    pub fn scenario(&mut self, outline: &str, text: &str) {
        self.outline = outline.into();
        self.scenario_text = text.into();
    }

    /// The files written beside the report.
    pub fn files(&mut self, files: impl IntoIterator<Item = String>) {
        self.files.extend(files);
    }

    /// The page's bytes.
    pub fn finish(&self) -> anyhow::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        self.write_to(&mut bytes)?;
        Ok(bytes)
    }

    /// Writes the page, drawing each chart as it comes.
    pub fn write_to(&self, w: &mut dyn std::io::Write) -> anyhow::Result<()> {
        let mut h = String::with_capacity(1 << 16);
        let _ = write!(
            h,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; \
             script-src 'unsafe-inline'; img-src data:\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"staffsim {}\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
            env!("CARGO_PKG_VERSION"),
            esc(&self.title)
        );
        let _ = write!(h, "<header>\n<h1>{}</h1>\n", esc(&self.title));
        if !self.subtitle.is_empty() {
            let _ = writeln!(h, "<p class=\"sub\">{}</p>", esc(&self.subtitle));
        }
        let _ = writeln!(h, "<p class=\"meta\">{}</p>\n</header>", esc(&self.meta));

        if !self.findings.is_empty() {
            h.push_str("<section class=\"findings\" aria-label=\"findings\">\n<ul>\n");
            for f in &self.findings {
                let (class, mark) = verdict_style(f.verdict);
                let _ = writeln!(h, "<li class=\"{class}\"><span class=\"mark\">{mark}</span> {}</li>", esc(&f.text));
            }
            h.push_str("</ul>\n</section>\n");
        }
        if !self.figures.is_empty() {
            h.push_str("<section class=\"figures\" aria-label=\"key figures\">\n");
            for f in &self.figures {
                let (class, _) = verdict_style(f.verdict);
                let _ = writeln!(
                    h,
                    "<div class=\"figure {class}\"><div class=\"label\">{}</div><div class=\"value\">{}</div>\
                     <div class=\"detail\">{}</div></div>",
                    esc(&f.label),
                    esc(&f.value),
                    esc(&f.detail)
                );
            }
            h.push_str("</section>\n");
        }
        h.push_str("<main>\n");
        for b in &self.blocks {
            match b {
                Block::Heading(t) => {
                    let _ = writeln!(h, "<h2>{}</h2>", esc(t));
                }
                Block::Paragraph(t) => {
                    let _ = writeln!(h, "<p>{}</p>", esc(t));
                }
                Block::Chart { caption, chart } => {
                    let svg = String::from_utf8(chart::render(chart, ImageFormat::Svg, CHART_SIZE)?)?;
                    h.push_str("<figure class=\"chart\">\n");
                    w.write_all(h.as_bytes())?;
                    h.clear();
                    w.write_all(inline_svg(&svg).as_bytes())?;
                    if !caption.is_empty() {
                        let _ = write!(h, "\n<figcaption>{}</figcaption>", esc(caption));
                    }
                    h.push_str("\n</figure>\n");
                }
                Block::Table(t) => table_html(&mut h, t, false),
                Block::Folded(t) => table_html(&mut h, t, true),
            }
        }
        h.push_str("</main>\n<section class=\"assumptions\">\n<h2>What this assumes</h2>\n<dl>\n");
        for (k, v) in &self.assumptions {
            let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(v));
        }
        h.push_str("</dl>\n");
        if !self.outline.is_empty() {
            let _ = writeln!(h, "<h3>The desk</h3>\n<pre class=\"outline\">{}</pre>", esc(&self.outline));
        }
        if !self.scenario_text.is_empty() {
            let _ = writeln!(
                h,
                "<details><summary>The scenario file</summary>\n<pre class=\"toml\">{}</pre>\n</details>",
                esc(&self.scenario_text)
            );
        }
        h.push_str("</section>\n");
        if !self.files.is_empty() {
            let _ = writeln!(
                h,
                "<footer>Beside this report: {}. Made by staffsim {}.</footer>",
                esc(&self.files.join(", ")),
                env!("CARGO_PKG_VERSION")
            );
        }
        let _ = write!(h, "<div id=\"tip\" role=\"tooltip\"></div>\n<script>{SCRIPT}</script>\n</body>\n</html>\n");
        w.write_all(h.as_bytes())?;
        Ok(())
    }
}

/// A line under a chart saying how to read it, by the chart's file name.
fn how_to_read(name: &str) -> &'static str {
    const HINTS: [(&str, &str); 15] = [
        (
            "resolution",
            "For the tickets that first arrived in each queue: the mean wait for the first answer beside the time to resolution (first contact to the end of the last touch, the customer's replies and transfers to other queues included), mean and 90th percentile.",
        ),
        (
            "heatmap_service_level",
            "Service level by weekday and hour of arrival: red below the queue's target, blue above, grey where no customers arrive. Hover a cell for its value.",
        ),
        ("heatmap_backlog", "Tickets waiting by weekday and hour, darker is more. Hover a cell for its value."),
        (
            "heatmap_staffing",
            "Scheduled minus required agents by weekday and hour: red is short, blue is over. Hover a cell for its value.",
        ),
        (
            "service_level",
            "Share of each interval's customers answered within the SLA, by the time they arrived; the band is the 95 % confidence interval and the dashed line the target. Hover for the values.",
        ),
        (
            "backlog_ages",
            "Tickets waiting at each interval's end, by how long they have waited: within the SLA, then breached for under a day, one to three days, three days or more.",
        ),
        ("backlog", "Tickets waiting at the end of each interval. Hover for the values."),
        ("waits_by_policy", "Share of all customers answered within each wait (log scale), one curve per policy."),
        (
            "waits",
            "Share of customers answered within each wait (log scale); each SLA is marked where it meets its curve.",
        ),
        ("occupancy", "How busy each team's agents on duty are. Hover for the values."),
        (
            "arrivals",
            "Tickets offered per interval (solid) against what the scenario's volume and shape imply (dashed).",
        ),
        (
            "staffing",
            "Agents required per interval of the week and the scheduled coverage; the band is the P10\u{2013}P90 range of the uncertain inputs.",
        ),
        ("sweep_asa", "Average wait of the answered as the team's headcount varies."),
        (
            "sweep",
            "Each queue's service level as the team's headcount varies, with 95 % whiskers; the dashed lines are the targets.",
        ),
        (
            "comparison",
            "Each queue's service level under each policy, with 95 % whiskers; the dashed line is the target.",
        ),
    ];
    HINTS.iter().find(|(prefix, _)| name.starts_with(prefix)).map_or("", |h| h.1)
}

fn verdict_style(v: Verdict) -> (&'static str, &'static str) {
    match v {
        Verdict::Met => ("met", "\u{2713}"),
        Verdict::Missed => ("missed", "\u{2717}"),
        Verdict::Note => ("note", "!"),
    }
}

fn table_html(h: &mut String, t: &Table, folded: bool) {
    if folded {
        let _ = writeln!(h, "<details class=\"table\"><summary>{}</summary>", esc(&t.caption));
    }
    h.push_str("<div class=\"scroll\"><table>\n");
    if !folded && !t.caption.is_empty() {
        let _ = writeln!(h, "<caption>{}</caption>", esc(&t.caption));
    }
    h.push_str("<thead><tr>");
    for c in &t.header {
        let _ = write!(h, "<th>{}</th>", esc(c));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        h.push_str("<tr>");
        for c in row {
            let mut class = Vec::new();
            if c.numeric {
                class.push("num");
            }
            match c.verdict {
                Some(Verdict::Met) => class.push("met"),
                Some(Verdict::Missed) => class.push("missed"),
                Some(Verdict::Note) => class.push("note"),
                None => {}
            }
            if class.is_empty() {
                let _ = write!(h, "<td>{}</td>", esc(&c.text));
            } else {
                let _ = write!(h, "<td class=\"{}\">{}</td>", class.join(" "), esc(&c.text));
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table></div>\n");
    if !t.note.is_empty() {
        let _ = writeln!(h, "<p class=\"note\">{}</p>", esc(&t.note));
    }
    if folded {
        h.push_str("</details>\n");
    }
}

/// An SVG document made fit to sit in the page: no XML declaration, its
/// width the page's (the view box keeps the proportions).
fn inline_svg(svg: &str) -> String {
    let svg = svg.trim_start();
    let svg = match svg.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or(rest, |(_, after)| after).trim_start(),
        None => svg,
    };
    let Some(end) = svg.find('>') else { return svg.to_string() };
    let (open, rest) = svg.split_at(end);
    let open = drop_attribute(&drop_attribute(open, "width"), "height");
    format!("{open} role=\"img\"{rest}")
}

/// `tag` without its attribute `name="…"`.
fn drop_attribute(tag: &str, name: &str) -> String {
    let key = format!(" {name}=\"");
    let Some(at) = tag.find(&key) else { return tag.to_string() };
    let after = &tag[at + key.len()..];
    let Some(close) = after.find('"') else { return tag.to_string() };
    format!("{}{}", &tag[..at], &after[close + 1..])
}

/// Text escaped for HTML content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Rows of a table the page holds at most: a longer one (a year of
/// intervals) stays in its CSV file, and the page says so.
pub const MAX_TABLE_ROWS: usize = 2_000;

/// A table read from CSV bytes, each cell written the way its column
/// reads best: shares as percentages, waits in s/m/h, counts without
/// trailing decimals. Columns whose names `keep` rejects are left out.
/// Beyond [`MAX_TABLE_ROWS`] rows only a note is kept.
pub fn csv_table(caption: &str, bytes: &[u8], keep: &dyn Fn(&str) -> bool) -> anyhow::Result<Table> {
    let mut r = ::csv::Reader::from_reader(bytes);
    let header: Vec<String> = r.headers()?.iter().map(String::from).collect();
    let cols: Vec<usize> = (0..header.len()).filter(|&i| keep(&header[i])).collect();
    let mut rows = Vec::new();
    let mut count = 0usize;
    for rec in r.records() {
        let rec = rec?;
        count += 1;
        if count <= MAX_TABLE_ROWS {
            rows.push(cols.iter().map(|&i| cell_for(&header[i], rec.get(i).unwrap_or(""))).collect());
        }
    }
    let note = if count > MAX_TABLE_ROWS {
        rows.clear();
        format!("{count} rows: too many for this page; the CSV file beside it holds them")
    } else {
        String::new()
    };
    Ok(Table { caption: caption.into(), header: cols.iter().map(|&i| header[i].clone()).collect(), rows, note })
}

/// How a CSV column's value reads, from the column's name, as the
/// workbook formats it (`xlsx::style`): shares as percentages, waits in
/// s/m/h (and `_h` hours too), counts without trailing decimals.
pub fn cell_for(column: &str, text: &str) -> Cell {
    use super::xlsx::{Style, style};
    let Ok(x) = text.parse::<f64>() else { return Cell::text(text.trim_start_matches('\'')) };
    if !x.is_finite() {
        return Cell::text(text);
    }
    let base = column.strip_suffix("_ci95").unwrap_or(column);
    let value = match style(column, &[text]) {
        Style::Share => format!("{:.1}%", x * 100.0),
        Style::Duration => format_wait(x),
        _ if base.ends_with("_h") => format_wait(x * 3600.0),
        _ if x.fract() == 0.0 || x.abs() >= 100.0 => format!("{x:.0}"),
        _ => format!("{x:.2}"),
    };
    let value = if column.ends_with("_ci95") { format!("\u{b1}{value}") } else { value };
    Cell::number(value)
}

const STYLE: &str = r#"
:root { --ink:#1d232b; --mute:#5b6673; --line:#d9dee4; --met:#1a7f37; --met-bg:#e6f4ea; --miss:#b42318;
  --miss-bg:#fdecea; --note:#9a6700; --note-bg:#fff4d6; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1280px; padding: 24px 32px 48px; color: var(--ink);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 20px 0 6px; }
.sub { margin: 0; color: var(--ink); }
.meta { margin: 4px 0 16px; color: var(--mute); font-size: 13px; }
.findings ul { list-style: none; padding: 0; margin: 0 0 16px; }
.findings li { padding: 10px 14px; margin: 6px 0; border-left: 5px solid; border-radius: 4px; font-size: 16px; }
.findings li.met { border-color: var(--met); background: var(--met-bg); }
.findings li.missed { border-color: var(--miss); background: var(--miss-bg); }
.findings li.note { border-color: var(--note); background: var(--note-bg); }
.mark { font-weight: bold; display: inline-block; width: 1.2em; }
.met .mark { color: var(--met); } .missed .mark { color: var(--miss); } .note .mark { color: var(--note); }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 10px; margin: 8px 0 8px; }
.figure { border: 1px solid var(--line); border-top: 4px solid var(--mute); border-radius: 4px; padding: 8px 12px; }
.figure.met { border-top-color: var(--met); } .figure.missed { border-top-color: var(--miss); }
.figure.note { border-top-color: var(--note); }
.figure .label { color: var(--mute); font-size: 13px; }
.figure .value { font-size: 24px; font-weight: 600; }
.figure .detail { color: var(--mute); font-size: 12px; }
figure.chart { margin: 16px 0 24px; }
figure.chart svg { width: 100%; height: auto; display: block; border: 1px solid var(--line); border-radius: 4px; }
figcaption { color: var(--mute); font-size: 13px; margin-top: 4px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left; white-space: nowrap; }
th { background: #f3f5f7; position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.met { background: var(--met-bg); color: var(--met); font-weight: 600; }
td.missed { background: var(--miss-bg); color: var(--miss); font-weight: 600; }
td.note { background: var(--note-bg); }
p.note { color: var(--mute); font-size: 13px; margin: 2px 0 12px; }
details { margin: 8px 0; } summary { cursor: pointer; color: var(--mute); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
dt { color: var(--mute); } dd { margin: 0; }
pre { background: #f6f8fa; border: 1px solid var(--line); border-radius: 4px; padding: 10px; font-size: 12px;
  overflow-x: auto; white-space: pre; }
footer { margin-top: 32px; color: var(--mute); font-size: 12px; }
svg [data-tip]:hover { fill: #000; fill-opacity: 0.06; }
#tip { position: fixed; display: none; pointer-events: none; background: rgba(29,35,43,.94); color: #fff;
  padding: 6px 9px; border-radius: 4px; font-size: 13px; white-space: pre; z-index: 10; max-width: 480px; }
@page { size: landscape; margin: 10mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  #tip, details:not([open]) { display: none; }
  h2 { break-after: avoid; }
  .findings, .figures, table, tr { break-inside: avoid; }
  .findings li { padding: 5px 10px; margin: 4px 0; font-size: 10.5pt; }
  .figures { grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); gap: 6px; }
  .figure .value { font-size: 16pt; }
  figure.chart { break-inside: avoid; margin: 0 0 6mm; }
  figure.chart svg { width: 100%; max-height: 160mm; border: none; }
  th { position: static; }
  .scroll { overflow: visible; }
  table { font-size: 8.5pt; }
  th, td { padding: 2px 6px; }
}
"#;

/// Hovering a chart: the value labels the SVG carries as `<title>`
/// elements are shown at once beside the pointer (a browser's own tooltip
/// waits a second).
const SCRIPT: &str = r#"
(function () {
  var tip = document.getElementById('tip');
  var titles = document.querySelectorAll('svg title');
  for (var i = 0; i < titles.length; i++) {
    var t = titles[i], el = t.parentNode;
    if (el && el.tagName.toLowerCase() !== 'svg') {
      el.setAttribute('data-tip', t.textContent);
      el.removeChild(t);
    }
  }
  document.addEventListener('mousemove', function (e) {
    var el = e.target && e.target.closest ? e.target.closest('[data-tip]') : null;
    if (!el) { tip.style.display = 'none'; return; }
    tip.textContent = el.getAttribute('data-tip');
    tip.style.display = 'block';
    var x = e.clientX + 14, y = e.clientY + 14;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    if (x + w > window.innerWidth - 8) { x = e.clientX - w - 14; }
    if (y + h > window.innerHeight - 8) { y = e.clientY - h - 14; }
    tip.style.left = x + 'px';
    tip.style.top = y + 'px';
  });
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_everywhere() {
        let mut r = Report::new("<desk> & \"co\"", "it's", "seed 1");
        r.findings([Finding { verdict: Verdict::Missed, text: "<script>alert(1)</script>".into() }]);
        r.table(Table {
            caption: "t".into(),
            header: vec!["<th>".into()],
            rows: vec![vec![Cell::text("=A1<b>")]],
            note: String::new(),
        });
        let page = String::from_utf8(r.finish().unwrap()).unwrap();
        assert!(!page.contains("<script>alert"));
        assert!(page.contains("&lt;desk&gt; &amp; &quot;co&quot;"));
        assert!(page.contains("=A1&lt;b&gt;"));
        // The only script is the page's own.
        assert_eq!(page.matches("<script>").count(), 1);
    }

    #[test]
    fn inline_svg_takes_the_page_width() {
        let svg = "<svg width=\"1600\" height=\"900\" viewBox=\"0 0 1600 900\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect/></svg>";
        let inlined = inline_svg(svg);
        assert!(inlined.starts_with("<svg viewBox=\"0 0 1600 900\""), "{inlined}");
        assert!(!inlined.contains("width=\"1600\""));
        assert!(inlined.contains("role=\"img\""));
    }

    #[test]
    fn a_long_table_stays_in_its_file() {
        let mut csv = String::from("queue,offered\n");
        for i in 0..=MAX_TABLE_ROWS {
            csv.push_str(&format!("q{i},1\n"));
        }
        let t = csv_table("long", csv.as_bytes(), &|_| true).unwrap();
        assert!(t.rows.is_empty() && t.note.contains("2001 rows"), "{}", t.note);
        let t = csv_table("short", b"queue,offered\nphone,2.50\n", &|c| c != "offered").unwrap();
        assert_eq!((t.header.len(), t.rows.len()), (1, 1));
    }

    #[test]
    fn csv_cells_read_by_their_column() {
        assert_eq!(cell_for("service_level", "0.8081").text, "80.8%");
        assert_eq!(cell_for("service_level_ci95", "0.007").text, "\u{b1}0.7%");
        assert_eq!(cell_for("asa_s", "90").text, "1m30s");
        assert_eq!(cell_for("offered", "751.00").text, "751");
        assert_eq!(cell_for("queue", "'=cmd").text, "=cmd");
    }
}
