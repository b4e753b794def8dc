//! Drawing charts. Every chart staffsim makes is described as a [`Chart`] —
//! lines, confidence bands, reference lines, shaded spans, bars with error
//! whiskers, stacked areas, or a heatmap with its colour bar — and drawn here, once, into PNG or SVG bytes. Figures are built
//! elsewhere (`figures`); this module knows about pixels, fonts and colours
//! and nothing about desks.
//!
//! No system library is needed: text is laid out with an embedded DejaVu Sans
//! (`assets/fonts`, licence beside it) through plotters' `ab_glyph` feature,
//! and bitmaps are encoded with the `png` crate.

use std::sync::Once;

use anyhow::{Context, anyhow};
use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");
const FONT: &str = "sans-serif";

/// The Okabe–Ito palette, distinguishable with the common colour-vision
/// deficiencies; yellow (hard to see on white) is last.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(230, 159, 0),   // orange
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(0, 0, 0),       // black
    RGBColor(240, 228, 66),  // yellow
];

/// A colour of the palette by index (wrapping).
pub fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Target lines are drawn in a neutral dark red-grey so they read as
/// "the goal", not as another series.
pub const TARGET: RGBColor = RGBColor(90, 90, 90);

/// Colours for ages of waiting tickets, from fine to worst: Okabe–Ito bluish
/// green, yellow and orange, then a dark red. They differ in lightness as
/// well as hue, so they stay apart for the common colour-vision
/// deficiencies and in print.
pub const AGES: [RGBColor; 4] = [
    RGBColor(0, 158, 115),  // bluish green
    RGBColor(240, 228, 66), // yellow
    RGBColor(230, 159, 0),  // orange
    RGBColor(150, 20, 20),  // dark red
];

/// Image formats a chart can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Png,
    Svg,
}

impl ImageFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Svg => "svg",
        }
    }
}

/// How the y axis labels its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YFormat {
    /// 0..1 shown as "80%".
    Percent,
    /// Plain numbers, as few decimals as the range needs.
    Number,
}

/// A line of a chart. `None` values break the line (e.g. an interval with no tickets).
#[derive(Debug, Clone)]
pub struct Line {
    pub label: String,
    pub color: RGBColor,
    pub dashed: bool,
    pub points: Vec<(f64, Option<f64>)>,
}

/// A shaded band between `lo` and `hi` (a confidence interval); `None` breaks it.
/// A band with a label gets a legend entry.
#[derive(Debug, Clone)]
pub struct Band {
    pub color: RGBColor,
    pub points: Vec<(f64, Option<(f64, f64)>)>,
    pub label: String,
}

/// A horizontal or vertical reference line, e.g. an SLA target.
#[derive(Debug, Clone)]
pub struct RefLine {
    pub label: String,
    pub value: f64,
    pub color: RGBColor,
}

/// A point marked on the plot, e.g. where an SLA threshold meets a curve.
#[derive(Debug, Clone)]
pub struct Marker {
    pub x: f64,
    pub y: f64,
    pub color: RGBColor,
}

/// One bar with an optional 95 % whisker.
#[derive(Debug, Clone)]
pub struct Bar {
    pub group: String,
    pub label: String,
    pub color: RGBColor,
    pub value: f64,
    pub ci95: Option<f64>,
}

/// One layer of a stacked area chart, filled from `lo` to `hi` at each x;
/// the layer above starts where this one ends.
#[derive(Debug, Clone)]
pub struct Area {
    pub label: String,
    pub color: RGBColor,
    pub points: Vec<(f64, (f64, f64))>,
}

/// One of a chart's small multiples: its own title over its own plot, on the
/// chart's axes and scales so panels compare at a glance.
#[derive(Debug, Clone)]
pub struct Panel {
    pub title: String,
    /// Lines, stacked areas or bars; panels within a panel are not drawn.
    pub body: Body,
}

/// What is drawn in the plot area.
#[derive(Debug, Clone)]
pub enum Body {
    /// Lines over a numeric x axis.
    Lines {
        lines: Vec<Line>,
        bands: Vec<Band>,
        hlines: Vec<RefLine>,
        vlines: Vec<RefLine>,
        markers: Vec<Marker>,
        /// Shaded x spans and what they mean (e.g. "desk closed").
        shaded: Vec<(f64, f64)>,
        shaded_label: String,
    },
    /// Groups of bars (e.g. one group per queue, one bar per policy).
    Bars { bars: Vec<Bar>, hlines: Vec<RefLine> },
    /// Opaque areas stacked over a numeric x axis, the first at the bottom;
    /// the legend lists them top first, as they appear.
    Stacked {
        areas: Vec<Area>,
        /// Shaded x spans and what they mean (e.g. "desk closed").
        shaded: Vec<(f64, f64)>,
        shaded_label: String,
    },
    /// Small multiples in a grid, one legend for all of them in a cell of its own.
    Panels(Vec<Panel>),
    /// A grid of coloured cells (weekday × hour of day) with a colour bar;
    /// drawn on its own (not within panels), the chart's axes unused.
    Heatmap(Heatmap),
}

impl Body {
    /// Lines alone: no bands, reference lines, markers or shading.
    pub fn lines(lines: Vec<Line>) -> Body {
        Body::Lines {
            lines,
            bands: Vec::new(),
            hlines: Vec::new(),
            vlines: Vec::new(),
            markers: Vec::new(),
            shaded: Vec::new(),
            shaded_label: String::new(),
        }
    }
}

/// How a heatmap's colours follow its values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// White at `lo`, dark blue at `hi` (more is darker).
    Sequential { lo: f64, hi: f64 },
    /// Red at `lo`, white at `centre`, blue at `hi`: below and above a goal.
    Diverging { lo: f64, centre: f64, hi: f64 },
}

/// How a heatmap writes a value in its cell and on its colour bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellFormat {
    /// 0..1 written as whole percent ("85").
    Percent,
    /// A count, with a decimal below ten ("3.5", "12").
    Number,
    /// A difference with its sign ("+2", "−1.5").
    Signed,
}

/// A heatmap: `cells[row][col]`, `None` painted grey and named by `empty_label`.
#[derive(Debug, Clone)]
pub struct Heatmap {
    /// Row names, top first (e.g. "Mon".."Sun").
    pub rows: Vec<String>,
    /// Column names, left first (e.g. "00".."23").
    pub cols: Vec<String>,
    pub cells: Vec<Vec<Option<f64>>>,
    pub scale: Scale,
    pub format: CellFormat,
    /// What the colours mean, with the unit, above the colour bar.
    pub unit: String,
    /// The diverging scale's centre named on the bar (e.g. "target 80%").
    pub centre_label: String,
    /// What a grey cell means (e.g. "closed / no customers").
    pub empty_label: String,
}

/// A complete chart description.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File stem, e.g. "service_level".
    pub name: String,
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
    /// Tick positions on x with their labels (ignored for bars).
    pub x_ticks: Vec<(f64, String)>,
    pub y_format: YFormat,
    pub body: Body,
    /// Lines under the title (what is left out, how to read it); may be empty.
    pub subtitle: String,
    /// Spans of x cut out of the axis (a time axis without the desk's
    /// closed hours): each becomes a narrow grey bar, no line or area is
    /// drawn across it and points inside it are dropped. A span at either
    /// end of the range is cut without a bar.
    pub x_omitted: Vec<(f64, f64)>,
    /// What each x point is called in the SVG's hover text (e.g. "Tue
    /// 13:00–13:30"), sorted by x; points without a name show their number.
    pub x_names: Vec<(f64, String)>,
}

/// The colour of the bar standing in for an omitted span of the x axis.
pub const BREAK: RGBColor = RGBColor(160, 160, 160);

/// A transparent hover target of an SVG: a pixel rectangle and its tooltip.
#[derive(Debug, Clone)]
struct Hover {
    corners: ((i32, i32), (i32, i32)),
    text: String,
}

fn register_fonts() -> anyhow::Result<()> {
    static ONCE: Once = Once::new();
    let mut result = Ok(());
    ONCE.call_once(|| {
        result = register_font(FONT, FontStyle::Normal, REGULAR)
            .and_then(|_| register_font(FONT, FontStyle::Bold, BOLD))
            .map_err(|_| anyhow!("the embedded font could not be loaded"));
    });
    result
}

/// Draws `chart` as PNG or SVG bytes of `size` pixels.
pub fn render(chart: &Chart, format: ImageFormat, size: (u32, u32)) -> anyhow::Result<Vec<u8>> {
    register_fonts()?;
    let context = || format!("could not draw the {} chart", chart.name);
    match format {
        ImageFormat::Png => {
            let mut pixels = vec![0u8; size.0 as usize * size.1 as usize * 3];
            {
                let root = BitMapBackend::with_buffer(&mut pixels, size).into_drawing_area();
                draw(&root, chart, &mut Vec::new()).map_err(|e| anyhow!("{e}")).with_context(context)?;
                root.present().map_err(|e| anyhow!("{e}")).with_context(context)?;
            }
            let mut bytes = Vec::new();
            let mut encoder = png::Encoder::new(&mut bytes, size.0, size.1);
            encoder.set_color(png::ColorType::Rgb);
            encoder.set_depth(png::BitDepth::Eight);
            let mut writer = encoder.write_header().with_context(context)?;
            writer.write_image_data(&pixels).with_context(context)?;
            writer.finish().with_context(context)?;
            Ok(bytes)
        }
        ImageFormat::Svg => {
            let mut text = String::new();
            let mut hovers = Vec::new();
            {
                let root = SVGBackend::with_string(&mut text, size).into_drawing_area();
                draw(&root, chart, &mut hovers).map_err(|e| anyhow!("{e}")).with_context(context)?;
                root.present().map_err(|e| anyhow!("{e}")).with_context(context)?;
            }
            if let Some(end) = text.rfind("</svg>") {
                text.insert_str(end, &hover_group(&hovers));
            }
            Ok(text.into_bytes())
        }
    }
}

/// The hover targets as an SVG group of transparent rectangles, each with
/// a native `<title>` tooltip; a rectangle under the pointer darkens a little.
fn hover_group(hovers: &[Hover]) -> String {
    use std::fmt::Write;
    let mut out = String::from(
        "<style>.hover rect{fill:#000;fill-opacity:0}.hover rect:hover{fill-opacity:0.07}</style>\n<g class=\"hover\">\n",
    );
    for h in hovers {
        let ((x0, y0), (x1, y1)) = h.corners;
        let (x, y, w, hh) = (x0.min(x1), y0.min(y1), (x1 - x0).abs().max(1), (y1 - y0).abs().max(1));
        let _ = writeln!(
            out,
            "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{hh}\"><title>{}</title></rect>",
            xml_text(&h.text)
        );
    }
    out.push_str("</g>\n");
    out
}

/// `text` safe inside an XML element or attribute.
fn xml_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split('\n').map(printable).collect::<Vec<_>>().join("\n").chars() {
        match line {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// A value as a tooltip writes it: a little more precise than the axis.
fn hover_value(format: YFormat, v: f64) -> String {
    match format {
        YFormat::Percent => format!("{:.1}%", v * 100.0),
        YFormat::Number if v.abs() >= 100.0 => format!("{v:.0}"),
        YFormat::Number if v.abs() >= 10.0 => format!("{v:.1}"),
        YFormat::Number => format!("{v:.2}"),
    }
}

/// A numeric axis whose ticks are exactly the given points (plotters' own
/// `with_key_points` loses the label formatter on f64 axes), optionally
/// broken: each omitted span `(a, b, gap)` is squeezed to `gap` x units.
#[derive(Debug, Clone)]
struct Ticked {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
    omitted: Vec<(f64, f64, f64)>,
}

impl Ticked {
    /// Distance of `v` from `lo` along the broken axis.
    fn squeeze(&self, v: f64) -> f64 {
        let mut c = v - self.lo;
        for &(a, b, gap) in &self.omitted {
            if v >= b {
                c -= (b - a) - gap;
            } else if v > a {
                c -= (v - a) * (1.0 - gap / (b - a));
                break;
            } else {
                break;
            }
        }
        c
    }
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let share = if self.omitted.is_empty() {
            (value - self.lo) / (self.hi - self.lo)
        } else {
            self.squeeze(*value) / self.squeeze(self.hi).max(1e-9)
        };
        limit.0 + (share * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() { Vec::new() } else { self.ticks.clone() }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

fn ticked(lo: f64, hi: f64, ticks: Vec<f64>) -> Ticked {
    let hi = if hi > lo { hi } else { lo + 1.0 };
    Ticked { lo, hi, ticks: ticks.into_iter().filter(|t| (lo..=hi).contains(t)).collect(), omitted: Vec::new() }
}

/// Share of the visible axis a break takes.
const BREAK_SHARE: f64 = 0.012;

/// `omitted` clipped to `lo..hi`, sorted and merged, each with the width it
/// keeps on the axis: a break's width inside, nothing at either end.
fn breaks(lo: f64, hi: f64, omitted: &[(f64, f64)]) -> Vec<(f64, f64, f64)> {
    let mut spans: Vec<(f64, f64)> =
        omitted.iter().map(|&(a, b)| (a.max(lo), b.min(hi))).filter(|(a, b)| b > a).collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut merged: Vec<(f64, f64)> = Vec::new();
    for (a, b) in spans {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    let visible = (hi - lo) - merged.iter().map(|(a, b)| b - a).sum::<f64>();
    if visible <= 0.0 {
        return Vec::new();
    }
    let gap = visible * BREAK_SHARE;
    merged.into_iter().map(|(a, b)| (a, b, if a <= lo || b >= hi { 0.0 } else { gap.min(b - a) })).collect()
}

/// Whether `x` lies strictly inside an omitted span.
fn omitted_at(omitted: &[(f64, f64)], x: f64) -> bool {
    omitted.iter().any(|&(a, b)| a < x && x < b)
}

/// Splits a series into runs of defined points, as [`runs`], also dropping
/// points inside omitted spans and breaking wherever a segment would cross one.
fn pieces<T: Copy>(points: impl Iterator<Item = (f64, Option<T>)>, omitted: &[(f64, f64)]) -> Vec<Vec<(f64, T)>> {
    if omitted.is_empty() {
        return runs(points);
    }
    let mut out: Vec<Vec<(f64, T)>> = vec![Vec::new()];
    for (x, y) in points {
        let y = y.filter(|_| !omitted_at(omitted, x));
        let Some(y) = y else {
            if out.last().is_some_and(|r| !r.is_empty()) {
                out.push(Vec::new());
            }
            continue;
        };
        let crosses =
            out.last().and_then(|r| r.last()).is_some_and(|&(p, _)| omitted.iter().any(|&(a, b)| p.max(a) < x.min(b)));
        if crosses {
            out.push(Vec::new());
        }
        if let Some(r) = out.last_mut() {
            r.push((x, y));
        }
    }
    out.retain(|r| !r.is_empty());
    out
}

/// Keeps the ticks whose labels do not collide on a plot `width` pixels
/// wide, the longer (more telling) labels first; `size` measures a label.
fn spread(ticks: Vec<(f64, String)>, axis: &Ticked, width: i32, size: &dyn Fn(&str) -> i32) -> Vec<(f64, String)> {
    let mut order: Vec<usize> = (0..ticks.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(ticks[i].1.chars().count()));
    let mut kept: Vec<(i32, i32, usize)> = Vec::new();
    for i in order {
        let at = axis.map(&ticks[i].0, (0, width));
        let half = size(&ticks[i].1) / 2 + size("0") / 2;
        let (a, b) = (at - half, at + half);
        if kept.iter().all(|&(c, d, _)| b <= c || a >= d) {
            kept.push((a, b, i));
        }
    }
    kept.sort_by_key(|k| k.2);
    // A bare time ("13:00") reads on from the day named before it: drop it
    // when that day's label had to go.
    let mut out = Vec::new();
    let mut day_shown = true;
    for (i, tick) in ticks.iter().enumerate() {
        let shown = kept.iter().any(|k| k.2 == i);
        let named = tick.1.chars().any(char::is_alphabetic);
        if named {
            day_shown = shown;
        }
        if shown && (named || day_shown) {
            out.push(tick.clone());
        }
    }
    out
}

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Formats a y value for a tick label.
fn y_tick(format: YFormat, v: f64, span: f64) -> String {
    match format {
        YFormat::Percent => format!("{:.0}%", v * 100.0),
        YFormat::Number if span >= 20.0 || v.fract().abs() < 1e-9 => format!("{v:.0}"),
        YFormat::Number if span >= 2.0 => format!("{v:.1}"),
        YFormat::Number => format!("{v:.2}"),
    }
}

/// "Nice" tick values covering `lo..hi` (about six of them).
pub fn nice_ticks(lo: f64, hi: f64, format: YFormat) -> Vec<f64> {
    let span = (hi - lo).max(1e-9);
    let raw = span / 6.0;
    let mag = 10f64.powf(raw.log10().floor());
    // Steps of 2.5 only below 1: counts (agents, tickets) get whole-number ticks.
    let multiples: &[f64] = if mag >= 1.0 { &[1.0, 2.0, 5.0, 10.0] } else { &[1.0, 2.0, 2.5, 5.0, 10.0] };
    let step = multiples.iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    let step = if format == YFormat::Percent { step.max(0.01) } else { step };
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    // Rounded to a billionth so 3 × 0.2 prints and compares as 0.6.
    (first..=last).map(|k| (k as f64 * step * 1e9).round() / 1e9).collect()
}

/// A legend entry: its label, colour and mark.
type Entry = (String, RGBColor, LegendMark);

/// How one plot's axes are dressed: the chart's single plot, or a panel of
/// small multiples (smaller text, axis titles only on the outer panels).
struct Frame {
    tick: TextStyle<'static>,
    desc: TextStyle<'static>,
    /// Left, right, top and bottom margins.
    margin: (u32, u32, u32, u32),
    x_area: u32,
    y_area: u32,
    x_desc: bool,
    y_desc: bool,
    /// At most this many x ticks (every k-th kept), so a narrow panel's
    /// labels do not run into each other.
    max_x_ticks: Option<usize>,
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, chart: &Chart, hovers: &mut Vec<Hover>) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let (w, h) = root.dim_in_pixel();
    // Text scales with the image; at 1600×900 the title is 40 px, ticks 24 px.
    let s = (f64::from(h) / 900.0).min(f64::from(w) / 1600.0).max(0.4);
    let px = |x: f64| (x * s).round() as u32;
    let title = TextStyle::from((FONT, px(40.0) as f64).into_font().style(FontStyle::Bold)).color(&BLACK);
    let legend_font = TextStyle::from((FONT, px(24.0) as f64).into_font()).color(&BLACK);

    // About 0.55 em a character of the 24 px note text.
    let room = ((f64::from(w) - 64.0 * s) / (0.55 * 24.0 * s)).max(20.0) as usize;
    let notes: Vec<String> = chart.subtitle.lines().filter(|l| !l.is_empty()).flat_map(|l| wrap(l, room)).collect();
    let (header, rest) = root.split_vertically(px(70.0) + notes.len() as u32 * px(32.0));
    header.draw_text(&printable(&chart.title), &title, (px(30.0) as i32, px(18.0) as i32))?;
    let note = TextStyle::from((FONT, px(24.0) as f64).into_font()).color(&RGBColor(70, 70, 70));
    for (k, line) in notes.iter().enumerate() {
        header.draw_text(&printable(line), &note, (px(32.0) as i32, (px(70.0) + k as u32 * px(32.0)) as i32))?;
    }

    if let Body::Heatmap(map) = &chart.body {
        return draw_heatmap(&rest, chart, map, &px, hovers);
    }
    let Body::Panels(panels) = &chart.body else {
        let legend_width = px(430.0);
        let (plot, legend) = rest.split_horizontally(w.saturating_sub(legend_width));
        let frame = Frame {
            tick: TextStyle::from((FONT, px(24.0) as f64).into_font()).color(&RGBColor(40, 40, 40)),
            desc: TextStyle::from((FONT, px(28.0) as f64).into_font()).color(&BLACK),
            margin: (px(10.0), px(30.0), px(10.0), px(10.0)),
            x_area: px(90.0),
            y_area: px(120.0),
            x_desc: true,
            y_desc: true,
            max_x_ticks: None,
        };
        let entries = plot_body(&plot, chart, &chart.body, &frame, &px, hovers)?;
        // The legend lives in its own panel to the right, so it never covers data.
        return draw_legend(&legend, entries, &legend_font, (px(12.0) as i32, px(30.0) as i32), 26, &px);
    };

    // Small multiples: a cell per panel and one more for the shared legend,
    // or the legend beside the grid when it would sit alone in a row.
    let (cols, rows, beside) = layout(panels.len());
    let (rest, beside) = if beside {
        let (grid_area, legend) = rest.split_horizontally(w.saturating_sub(px(430.0)));
        (grid_area, Some(legend))
    } else {
        (rest, None)
    };
    let cells = rest.split_evenly((rows, cols));
    let panel_title = TextStyle::from((FONT, px(26.0) as f64).into_font().style(FontStyle::Bold)).color(&BLACK);
    let head = px(40.0);
    let mut entries: Vec<Entry> = Vec::new();
    for (i, (panel, cell)) in panels.iter().zip(&cells).enumerate() {
        let (top, plot) = cell.split_vertically(head);
        let frame = Frame {
            tick: TextStyle::from((FONT, px(20.0) as f64).into_font()).color(&RGBColor(40, 40, 40)),
            desc: TextStyle::from((FONT, px(22.0) as f64).into_font()).color(&BLACK),
            margin: (px(10.0), px(40.0), px(6.0), px(6.0)),
            x_area: px(70.0),
            y_area: px(100.0),
            // Axis titles on the outer panels only: the left column and
            // the panels with nothing below them.
            x_desc: i + cols >= panels.len(),
            y_desc: i % cols == 0,
            max_x_ticks: None,
        };
        let plot_width = plot.dim_in_pixel().0.saturating_sub(frame.y_area + frame.margin.0 + frame.margin.1);
        let widest = chart.x_ticks.iter().map(|t| t.1.chars().count()).max().unwrap_or(1);
        // A tick label is about 0.55 em a character, with a character's room between labels.
        let label = (widest as f64 + 1.0) * 0.55 * f64::from(px(20.0));
        let frame = Frame { max_x_ticks: Some(((f64::from(plot_width) / label).floor() as usize).max(2)), ..frame };
        let left = (frame.margin.0 + frame.y_area) as i32;
        let room = ((f64::from(top.dim_in_pixel().0) - f64::from(left as u32)) / (0.62 * f64::from(px(26.0)))) as usize;
        top.draw_text(&shorten(&printable(&panel.title), room.max(4)), &panel_title, (left, px(10.0) as i32))?;
        for entry in plot_body(&plot, chart, &panel.body, &frame, &px, hovers)? {
            if !entries.iter().any(|e| e.0 == entry.0) {
                entries.push(entry);
            }
        }
    }
    // What the grey bars mean goes last, after the series and targets.
    let (breaks_entry, mut entries): (Vec<Entry>, Vec<Entry>) =
        entries.into_iter().partition(|e| e.0 == "closed hours omitted");
    entries.extend(breaks_entry);
    if let Some(legend) = beside {
        return draw_legend(&legend, entries, &legend_font, (px(12.0) as i32, (head + px(6.0)) as i32), 26, &px);
    }
    let Some(cell) = cells.get(panels.len()) else { return Ok(()) };
    let room = (f64::from(cell.dim_in_pixel().0.saturating_sub(px(80.0))) / (0.6 * f64::from(px(24.0)))) as usize;
    draw_legend(cell, entries, &legend_font, (px(24.0) as i32, (head + px(6.0)) as i32), room.clamp(8, 26), &px)
}

/// Grey for a heatmap's empty cells: no value, unlike any colour of the scales.
pub const EMPTY: RGBColor = RGBColor(205, 205, 205);

/// ColorBrewer's RdBu, red to blue through white (safe for the common
/// colour-vision deficiencies).
const RED_BLUE: [RGBColor; 7] = [
    RGBColor(178, 24, 43),
    RGBColor(239, 138, 98),
    RGBColor(253, 219, 199),
    RGBColor(247, 247, 247),
    RGBColor(209, 229, 240),
    RGBColor(103, 169, 207),
    RGBColor(33, 102, 172),
];

/// ColorBrewer's Blues, light to dark.
const BLUES: [RGBColor; 5] = [
    RGBColor(247, 251, 255),
    RGBColor(198, 219, 239),
    RGBColor(107, 174, 214),
    RGBColor(33, 113, 181),
    RGBColor(8, 48, 107),
];

/// The colour at `share` (0..1, clamped) along `stops`.
fn along(stops: &[RGBColor], share: f64) -> RGBColor {
    let share = if share.is_finite() { share.clamp(0.0, 1.0) } else { 0.0 };
    let at = share * (stops.len() - 1) as f64;
    let k = (at.floor() as usize).min(stops.len() - 2);
    let f = at - k as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
    let (a, b) = (stops[k], stops[k + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

impl Scale {
    /// The colour of `v`; values beyond the ends take the end's colour.
    pub fn color(self, v: f64) -> RGBColor {
        match self {
            Scale::Sequential { lo, hi } => along(&BLUES, (v - lo) / (hi - lo).max(1e-12)),
            // Each side of the centre spreads over its half of the colours,
            // so the centre is white however lopsided the range.
            Scale::Diverging { lo, centre, .. } if v < centre => {
                along(&RED_BLUE, 0.5 * (v - lo) / (centre - lo).max(1e-12))
            }
            Scale::Diverging { centre, hi, .. } => {
                along(&RED_BLUE, 0.5 + 0.5 * (v - centre) / (hi - centre).max(1e-12))
            }
        }
    }

    fn range(self) -> (f64, f64) {
        match self {
            Scale::Sequential { lo, hi } | Scale::Diverging { lo, hi, .. } => (lo, hi),
        }
    }
}

impl CellFormat {
    /// `v` as written in a cell or on the colour bar.
    pub fn text(self, v: f64) -> String {
        let number = |v: f64| {
            if v.abs() < 9.95 && (v - v.round()).abs() >= 0.05 { format!("{v:.1}") } else { format!("{v:.0}") }
        };
        match self {
            CellFormat::Percent => format!("{:.0}", v * 100.0),
            CellFormat::Number => number(v),
            CellFormat::Signed => {
                let t = number(v.abs());
                if t.chars().all(|c| c == '0' || c == '.') {
                    "0".into()
                } else if v < 0.0 {
                    format!("\u{2212}{t}")
                } else {
                    format!("+{t}")
                }
            }
        }
    }

    fn tick(self, v: f64) -> String {
        match self {
            CellFormat::Percent => format!("{}%", self.text(v)),
            _ => self.text(v),
        }
    }
}

/// Dark text on light cells, white on dark ones.
fn ink(c: RGBColor) -> RGBColor {
    let l = 0.299 * f64::from(c.0) + 0.587 * f64::from(c.1) + 0.114 * f64::from(c.2);
    if l < 140.0 { WHITE } else { RGBColor(20, 20, 20) }
}

/// Draws a heatmap: row names on the left, column names above, the axis
/// titles, and to the right the colour bar with its unit, centre and the
/// meaning of grey.
fn draw_heatmap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
    map: &Heatmap,
    px: &dyn Fn(f64) -> u32,
    hovers: &mut Vec<Hover>,
) -> DrawResult<DB> {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let base = area.get_base_pixel();
    let (w, h) = area.dim_in_pixel();
    let tick = TextStyle::from((FONT, px(22.0) as f64).into_font()).color(&RGBColor(40, 40, 40));
    let desc = TextStyle::from((FONT, px(24.0) as f64).into_font()).color(&BLACK);
    let centred = |t: &TextStyle<'static>| t.clone().pos(Pos::new(HPos::Center, VPos::Center));
    let legend_w = px(330.0) as i32;
    let (left, top) = (px(110.0) as i32, px(70.0) as i32);
    let (right, bottom) = (w as i32 - legend_w - px(20.0) as i32, h as i32 - px(50.0) as i32);
    let (n_rows, n_cols) = (map.rows.len().max(1) as i32, map.cols.len().max(1) as i32);
    let (cw, ch) = (f64::from(right - left) / f64::from(n_cols), f64::from(bottom - top) / f64::from(n_rows));
    let x = |c: i32| left + (f64::from(c) * cw).round() as i32;
    let y = |r: i32| top + (f64::from(r) * ch).round() as i32;

    area.draw_text(&printable(&chart.x_label), &desc, (left, px(2.0) as i32))?;
    for (c, name) in map.cols.iter().enumerate() {
        let c = c as i32;
        area.draw_text(&printable(name), &centred(&tick), ((x(c) + x(c + 1)) / 2, top - px(18.0) as i32))?;
    }
    for (r, name) in map.rows.iter().enumerate() {
        let r = r as i32;
        let style = tick.clone().pos(Pos::new(HPos::Right, VPos::Center));
        area.draw_text(&printable(name), &style, (left - px(12.0) as i32, (y(r) + y(r + 1)) / 2))?;
    }
    // The values fit when the widest of them fits the cell at 20 px or less.
    let widest = map.cells.iter().flatten().flatten().map(|&v| map.format.text(v).chars().count()).max().unwrap_or(1);
    let size = (cw / (0.62 * widest as f64 + 0.4)).min(ch * 0.45).min(f64::from(px(20.0)));
    let write = size >= 9.0;
    let gap = px(1.5) as i32;
    for (r, row) in map.cells.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as i32, c as i32);
            let fill = cell.map_or(EMPTY, |v| map.scale.color(v));
            let (row_name, col_name) = (&map.rows[r as usize], map.cols.get(c as usize).map_or("", |n| n.as_str()));
            // Hour columns ("13") read as a clock time.
            let col_name =
                if col_name.parse::<u8>().is_ok_and(|h| h < 24) { format!("{col_name}:00") } else { col_name.into() };
            hovers.push(Hover {
                corners: ((base.0 + x(c), base.1 + y(r)), (base.0 + x(c + 1), base.1 + y(r + 1))),
                text: format!(
                    "{row_name} {col_name}: {}",
                    cell.map_or(map.empty_label.clone(), |v| map.format.tick(v))
                ),
            });
            area.draw(&Rectangle::new([(x(c) + gap, y(r) + gap), (x(c + 1) - gap, y(r + 1) - gap)], fill.filled()))?;
            if let (Some(v), true) = (cell, write) {
                let ink = ink(fill);
                let style =
                    TextStyle::from((FONT, size).into_font()).color(&ink).pos(Pos::new(HPos::Center, VPos::Center));
                area.draw_text(&map.format.text(*v), &style, ((x(c) + x(c + 1)) / 2, (y(r) + y(r + 1)) / 2))?;
            }
        }
    }

    let note = tick.clone().pos(Pos::new(HPos::Left, VPos::Top));
    area.draw_text(&printable(&chart.y_label), &note, (left, bottom + px(12.0) as i32))?;

    // The colour bar: the unit above, ticks to the right, the centre marked.
    let lx = right + px(40.0) as i32;
    let mut ly = px(2.0) as i32;
    for line in wrap(&printable(&map.unit), 22) {
        area.draw_text(&line, &desc, (lx, ly))?;
        ly += px(30.0) as i32;
    }
    let (b0, b1) = (ly + px(16.0) as i32, bottom - px(110.0) as i32);
    let bw = px(40.0) as i32;
    let (lo, hi) = map.scale.range();
    let at = |v: f64| b1 - ((v - lo) / (hi - lo).max(1e-12) * f64::from(b1 - b0)).round() as i32;
    for k in 0..(b1 - b0).max(1) {
        let v = lo + (hi - lo) * (f64::from(k) + 0.5) / f64::from((b1 - b0).max(1));
        area.draw(&Rectangle::new([(lx, b1 - k - 1), (lx + bw, b1 - k)], map.scale.color(v).filled()))?;
    }
    let outline = ShapeStyle { color: RGBColor(60, 60, 60).to_rgba(), filled: false, stroke_width: px(1.0) };
    area.draw(&Rectangle::new([(lx, b0), (lx + bw, b1)], outline))?;
    let format = if map.format == CellFormat::Percent { YFormat::Percent } else { YFormat::Number };
    let side = tick.clone().pos(Pos::new(HPos::Left, VPos::Center));
    for v in nice_ticks(lo, hi, format) {
        let yy = at(v);
        area.draw(&PathElement::new(vec![(lx + bw, yy), (lx + bw + px(8.0) as i32, yy)], outline))?;
        // The bar's end stands for everything beyond it.
        let beyond = matches!(map.scale, Scale::Diverging { .. })
            && (v - lo).abs() < 1e-9
            && map.cells.iter().flatten().flatten().any(|&c| c < lo);
        let text = if beyond { format!("\u{2264} {}", map.format.tick(v)) } else { map.format.tick(v) };
        area.draw_text(&text, &side, (lx + bw + px(12.0) as i32, yy))?;
    }
    if let Scale::Diverging { centre, .. } = map.scale {
        let yy = at(centre);
        let mark = ShapeStyle { color: BLACK.to_rgba(), filled: false, stroke_width: px(3.0) };
        area.draw(&PathElement::new(vec![(lx - px(8.0) as i32, yy), (lx + bw + px(8.0) as i32, yy)], mark))?;
        let bold = TextStyle::from((FONT, px(22.0) as f64).into_font().style(FontStyle::Bold)).color(&BLACK);
        let label = bold.pos(Pos::new(HPos::Left, VPos::Center));
        area.draw_text(&printable(&map.centre_label), &label, (lx + bw + px(80.0) as i32, yy))?;
    }
    if !map.cells.iter().flatten().any(Option::is_none) {
        return Ok(());
    }
    let ey = b1 + px(40.0) as i32;
    area.draw(&Rectangle::new([(lx, ey), (lx + bw, ey + px(28.0) as i32)], EMPTY.filled()))?;
    area.draw(&Rectangle::new([(lx, ey), (lx + bw, ey + px(28.0) as i32)], outline))?;
    for (k, line) in wrap(&printable(&map.empty_label), 16).iter().enumerate() {
        let yy = ey + px(14.0) as i32 + k as i32 * px(26.0) as i32;
        area.draw_text(line, &side, (lx + bw + px(12.0) as i32, yy))?;
    }
    Ok(())
}

/// Columns and rows of a grid of `cells` small multiples on a 16:9 image:
/// wide cells, since the panels are time series.
fn grid(cells: usize) -> (usize, usize) {
    let cols = match cells {
        0..=1 => 1,
        2..=4 => 2,
        5..=6 => 3,
        7..=12 => 4,
        n => (n as f64).sqrt().ceil() as usize + 1,
    };
    (cols, cells.max(1).div_ceil(cols))
}

/// Columns and rows for `panels` small multiples, and whether the legend
/// goes beside the grid (where it would otherwise sit alone in a row); a
/// few panels beside a legend are stacked, one wide panel over another.
fn layout(panels: usize) -> (usize, usize, bool) {
    let (cols, rows) = grid(panels + 1);
    if !panels.is_multiple_of(cols) {
        (cols, rows, false)
    } else if panels <= 3 {
        (1, panels.max(1), true)
    } else {
        let (cols, rows) = grid(panels);
        (cols, rows, true)
    }
}

/// Every k-th tick, at most `max` of them.
fn thin(ticks: Vec<(f64, String)>, max: usize) -> Vec<(f64, String)> {
    let k = ticks.len().div_ceil(max.max(1)).max(1);
    ticks.into_iter().step_by(k).collect()
}

/// Draws `body` (never itself panels) on `chart`'s axes into `area`; returns its legend entries.
fn plot_body<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
    body: &Body,
    frame: &Frame,
    px: &dyn Fn(f64) -> u32,
    hovers: &mut Vec<Hover>,
) -> Result<Vec<Entry>, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut entries: Vec<Entry> = Vec::new();
    if matches!(body, Body::Panels(_) | Body::Heatmap(_)) {
        return Ok(entries);
    }
    let (x0, x1) = chart.x_range;
    let (y0, y1) = chart.y_range;
    let y_ticks = nice_ticks(y0, y1, chart.y_format);
    let span = y1 - y0;
    let y_fmt = |v: &f64| y_tick(chart.y_format, *v, span);

    // The x axis: the chart's own for lines and areas; one slot per group for bars.
    let distinct = |f: fn(&Bar) -> &String, bars: &[Bar]| {
        bars.iter().fold(Vec::<String>::new(), |mut v, b| {
            if !v.contains(f(b)) {
                v.push(f(b).clone());
            }
            v
        })
    };
    let (groups, labels) = match body {
        Body::Bars { bars, .. } => (distinct(|b| &b.group, bars), distinct(|b| &b.label, bars)),
        _ => (Vec::new(), Vec::new()),
    };
    let (x_range, x_ticks): ((f64, f64), Vec<(f64, String)>) = match body {
        Body::Bars { .. } => (
            (0.0, groups.len().max(1) as f64),
            groups.iter().enumerate().map(|(i, g)| (i as f64 + 0.5, printable(g))).collect(),
        ),
        _ => (chart.x_range, chart.x_ticks.iter().map(|(x, t)| (*x, printable(t))).collect()),
    };
    let bars = matches!(body, Body::Bars { .. });
    let omitted: Vec<(f64, f64)> = if bars { Vec::new() } else { chart.x_omitted.clone() };
    let x_axis = Ticked { omitted: breaks(x_range.0, x_range.1, &omitted), ..ticked(x_range.0, x_range.1, Vec::new()) };
    // A span cut at either end of the axis takes the point on its edge with
    // it, or that point would stand alone at the axis' end.
    let omitted: Vec<(f64, f64)> = x_axis
        .omitted
        .iter()
        .map(|&(a, b, gap)| {
            let w = b - a;
            if gap > 0.0 {
                (a, b)
            } else if a <= x_range.0 {
                (a - w, b)
            } else {
                (a, b + w)
            }
        })
        .collect();
    let x_ticks = if !x_axis.omitted.is_empty() {
        // A broken axis is uneven: keep what fits where it falls.
        let width = area.dim_in_pixel().0.saturating_sub(frame.margin.0 + frame.margin.1 + frame.y_area) as i32;
        let size = |t: &str| area.estimate_text_size(t, &frame.tick).map_or(0, |s| s.0 as i32);
        spread(x_ticks, &x_axis, width, &size)
    } else {
        match frame.max_x_ticks {
            Some(max) => thin(x_ticks, max),
            None => x_ticks,
        }
    };
    let x_fmt = |v: &f64| {
        x_ticks
            .iter()
            .min_by(|a, b| (a.0 - v).abs().total_cmp(&(b.0 - v).abs()))
            .map(|t| t.1.clone())
            .unwrap_or_default()
    };
    let mut cc = ChartBuilder::on(area)
        .margin_left(frame.margin.0)
        .margin_right(frame.margin.1)
        .margin_top(frame.margin.2)
        .margin_bottom(frame.margin.3)
        .x_label_area_size(frame.x_area)
        .y_label_area_size(frame.y_area)
        .build_cartesian_2d(
            Ticked {
                ticks: ticked(x_range.0, x_range.1, x_ticks.iter().map(|t| t.0).collect()).ticks,
                ..x_axis.clone()
            },
            ticked(y0, y1, y_ticks),
        )?;
    let mut mesh = cc.configure_mesh();
    mesh.x_label_formatter(&x_fmt).y_label_formatter(&y_fmt);
    if frame.x_desc {
        mesh.x_desc(printable(&chart.x_label));
    }
    if frame.y_desc {
        mesh.y_desc(printable(&chart.y_label));
    }
    mesh.label_style(frame.tick.clone())
        .axis_desc_style(frame.desc.clone())
        .bold_line_style(RGBColor(225, 225, 225))
        .light_line_style(TRANSPARENT);
    if matches!(body, Body::Bars { .. }) {
        mesh.disable_x_mesh();
    }
    mesh.draw()?;

    let shade = RGBColor(120, 120, 120).mix(0.13);
    match body {
        Body::Lines { lines, bands, hlines, vlines, markers, shaded, shaded_label } => {
            cc.draw_series(
                shaded.iter().map(|&(a, b)| Rectangle::new([(a.max(x0), y0), (b.min(x1), y1)], shade.filled())),
            )?;
            if !shaded.is_empty() {
                entries.push((shaded_label.clone(), RGBColor(200, 200, 200), LegendMark::Box));
            }
            for band in bands {
                if !band.label.is_empty() {
                    let c = band.color;
                    let light = |x: u8| (f64::from(x) * 0.3 + 255.0 * 0.7) as u8;
                    entries.push((band.label.clone(), RGBColor(light(c.0), light(c.1), light(c.2)), LegendMark::Box));
                }
                for run in pieces(band.points.iter().copied(), &omitted) {
                    let mut poly: Vec<(f64, f64)> = run.iter().map(|&(x, (_, hi))| (x, hi.min(y1))).collect();
                    poly.extend(run.iter().rev().map(|&(x, (lo, _))| (x, lo.max(y0))));
                    cc.draw_series(std::iter::once(Polygon::new(poly, band.color.mix(0.18).filled())))?;
                }
            }
            let mut written = None;
            for l in hlines {
                let style = ShapeStyle { color: l.color.to_rgba(), filled: false, stroke_width: px(3.0) };
                cc.draw_series(DashedLineSeries::new([(x0, l.value), (x1, l.value)], px(14.0), px(10.0), style))?;
                if frame.max_x_ticks.is_some() && hlines.len() == 1 {
                    written = Some(l);
                } else {
                    entries.push((l.label.clone(), l.color, LegendMark::Dashed));
                }
            }
            for l in vlines {
                let style = ShapeStyle { color: l.color.to_rgba(), filled: false, stroke_width: px(3.0) };
                cc.draw_series(DashedLineSeries::new([(l.value, y0), (l.value, y1)], px(12.0), px(8.0), style))?;
                if !l.label.is_empty() {
                    entries.push((l.label.clone(), l.color, LegendMark::Dashed));
                }
            }
            for line in lines {
                let style = ShapeStyle { color: line.color.to_rgba(), filled: false, stroke_width: px(3.0) };
                for run in pieces(line.points.iter().copied(), &omitted) {
                    let pts: Vec<(f64, f64)> = run.iter().map(|&(x, y)| (x, y.clamp(y0, y1))).collect();
                    if line.dashed {
                        cc.draw_series(DashedLineSeries::new(pts, px(12.0), px(8.0), style))?;
                    } else if pts.len() == 1 {
                        cc.draw_series(std::iter::once(Circle::new(pts[0], px(4.0), style.filled())))?;
                    } else {
                        cc.draw_series(LineSeries::new(pts, style))?;
                    }
                }
                let mark = if line.dashed { LegendMark::Dashed } else { LegendMark::Solid };
                if !line.label.is_empty() {
                    entries.push((line.label.clone(), line.color, mark));
                }
            }
            cc.draw_series(markers.iter().map(|m| Circle::new((m.x, m.y), px(9.0), m.color.filled())))?;
            cc.draw_series(markers.iter().map(|m| {
                Circle::new(
                    (m.x, m.y),
                    px(9.0),
                    ShapeStyle { color: BLACK.to_rgba(), filled: false, stroke_width: px(2.0) },
                )
            }))?;
            entries.extend(draw_breaks(&mut cc, &x_axis, (y0, y1))?);
            if let Some(l) = written {
                // A panel's own target is written on it, under the line
                // on a light box, so it is tied to its panel.
                let (x, y) = cc.backend_coord(&(x0, l.value));
                let text = printable(&l.label);
                let (tw, th) = cc.plotting_area().estimate_text_size(&text, &frame.tick).unwrap_or((0, 0));
                let (bx, by) = (x + px(8.0) as i32, y + px(6.0) as i32);
                let base = cc.plotting_area().get_base_pixel();
                let root = cc.plotting_area().strip_coord_spec();
                let at = |(a, b): (i32, i32)| (a - base.0, b - base.1);
                root.draw(&Rectangle::new(
                    [
                        at((bx - px(4.0) as i32, by - px(2.0) as i32)),
                        at((bx + tw as i32 + px(4.0) as i32, by + th as i32 + px(4.0) as i32)),
                    ],
                    WHITE.mix(0.9).filled(),
                ))?;
                root.draw_text(&text, &frame.tick.color(&l.color), at((bx, by)))?;
            }
            let xs = lines.iter().flat_map(|l| l.points.iter().filter(|p| p.1.is_some()).map(|p| p.0));
            let name = |x: f64| {
                let mut text = x_name(chart, x);
                for line in lines.iter().filter(|l| !l.label.is_empty()) {
                    let Some(v) = value_at(&line.points, x) else { continue };
                    text.push_str(&format!("\n{}: {}", line.label, hover_value(chart.y_format, v)));
                    let band = bands.iter().filter(|b| b.color == line.color).find_map(|b| value_at(&b.points, x));
                    if let (Some((lo, hi)), false) = (band, line.dashed) {
                        let (lo, hi) = (hover_value(chart.y_format, lo), hover_value(chart.y_format, hi));
                        text.push_str(&format!(" (95%: {lo} – {hi})"));
                    }
                }
                text
            };
            strips(&cc, xs, (&x_axis, &omitted), &name, hovers);
        }
        Body::Bars { bars, hlines } => {
            let n_groups = groups.len().max(1) as f64;
            let per = labels.len().max(1) as f64;
            let width = 0.8 / per;
            for b in bars {
                let g = groups.iter().position(|x| x == &b.group).unwrap_or(0) as f64;
                let k = labels.iter().position(|x| x == &b.label).unwrap_or(0) as f64;
                let left = g + 0.1 + k * width;
                let right = left + width * 0.9;
                // From zero, so a negative value (a difference) hangs below it.
                cc.draw_series(std::iter::once(Rectangle::new(
                    [(left, 0.0f64.clamp(y0, y1)), (right, b.value.clamp(y0, y1))],
                    b.color.filled(),
                )))?;
                let whisker = b.ci95.map_or(String::new(), |ci| match chart.y_format {
                    YFormat::Percent => format!(" ± {:.1}", ci * 100.0),
                    YFormat::Number => format!(" ± {}", hover_value(YFormat::Number, ci)),
                });
                hovers.push(Hover {
                    corners: (cc.backend_coord(&(left, y1)), cc.backend_coord(&(right, y0))),
                    text: format!("{} — {}: {}{whisker}", b.group, b.label, hover_value(chart.y_format, b.value)),
                });
                if let Some(ci) = b.ci95 {
                    let mid = (left + right) / 2.0;
                    let style = ShapeStyle { color: BLACK.to_rgba(), filled: false, stroke_width: px(2.0) };
                    let (lo, hi) = ((b.value - ci).max(y0), (b.value + ci).min(y1));
                    cc.draw_series(std::iter::once(PathElement::new(vec![(mid, lo), (mid, hi)], style)))?;
                    let cap = width * 0.2;
                    for y in [lo, hi] {
                        cc.draw_series(std::iter::once(PathElement::new(vec![(mid - cap, y), (mid + cap, y)], style)))?;
                    }
                }
            }
            for l in hlines {
                let style = ShapeStyle { color: l.color.to_rgba(), filled: false, stroke_width: px(3.0) };
                cc.draw_series(DashedLineSeries::new(
                    [(0.0, l.value), (n_groups, l.value)],
                    px(14.0),
                    px(10.0),
                    style,
                ))?;
                entries.push((l.label.clone(), l.color, LegendMark::Dashed));
            }
            for (i, label) in labels.iter().enumerate() {
                let c = bars.iter().find(|b| &b.label == label).map_or(color(i), |b| b.color);
                entries.insert(i, (label.clone(), c, LegendMark::Box));
            }
        }
        Body::Stacked { areas, shaded, shaded_label } => {
            cc.draw_series(
                shaded.iter().map(|&(a, b)| Rectangle::new([(a.max(x0), y0), (b.min(x1), y1)], shade.filled())),
            )?;
            let clamp = |v: f64| v.clamp(y0, y1);
            for area in areas {
                // Only where the layer has a thickness (and the points next to
                // that, so it tapers): a flat polygon still paints its edge.
                let thick = |i: usize| area.points.get(i).is_some_and(|p| p.1.1 > p.1.0);
                let kept =
                    area.points.iter().enumerate().map(|(i, &(x, span))| {
                        (x, (thick(i) || thick(i + 1) || (i > 0 && thick(i - 1))).then_some(span))
                    });
                for run in pieces(kept, &omitted) {
                    let mut poly: Vec<(f64, f64)> = run.iter().map(|&(x, (_, hi))| (x, clamp(hi))).collect();
                    poly.extend(run.iter().rev().map(|&(x, (lo, _))| (x, clamp(lo))));
                    cc.draw_series(std::iter::once(Polygon::new(poly, area.color.filled())))?;
                }
            }
            // A thin white seam between layers keeps them apart in grey print
            // too; only where a layer lies above, or it would halo the stack.
            let seam = ShapeStyle { color: WHITE.to_rgba(), filled: false, stroke_width: px(1.5) };
            let top = areas.last().map_or(&[][..], |a| a.points.as_slice());
            for area in &areas[..areas.len().saturating_sub(1)] {
                let covered = area.points.iter().enumerate().map(|(i, &(x, (_, hi)))| {
                    let above = top.get(i).is_none_or(|t| t.1.1 > hi + 1e-9 * hi.abs().max(1.0));
                    (x, above.then_some(clamp(hi)))
                });
                for run in pieces(covered, &omitted) {
                    cc.draw_series(LineSeries::new(run, seam))?;
                }
            }
            entries.extend(areas.iter().rev().map(|a| (a.label.clone(), a.color, LegendMark::Area)));
            if !shaded.is_empty() {
                entries.push((shaded_label.clone(), RGBColor(200, 200, 200), LegendMark::Box));
            }
            entries.extend(draw_breaks(&mut cc, &x_axis, (y0, y1))?);
            let xs = areas.iter().flat_map(|a| a.points.iter().map(|p| p.0));
            let name = |x: f64| {
                let mut text = x_name(chart, x);
                let mut total = None;
                for area in areas.iter().rev() {
                    let i = area.points.partition_point(|p| p.0 < x);
                    let Some(&(_, (lo, hi))) = area.points.get(i).filter(|p| p.0 == x) else { continue };
                    text.push_str(&format!("\n{}: {}", area.label, hover_value(chart.y_format, hi - lo)));
                    total = Some(total.unwrap_or(hi).max(hi));
                }
                if let Some(t) = total {
                    text.push_str(&format!("\ntotal: {}", hover_value(chart.y_format, t)));
                }
                text
            };
            strips(&cc, xs, (&x_axis, &omitted), &name, hovers);
        }
        Body::Panels(_) | Body::Heatmap(_) => {}
    }
    Ok(entries)
}

/// The name of x point `x` for hover text: the chart's, else the number.
fn x_name(chart: &Chart, x: f64) -> String {
    let tolerance = 1e-9 * x.abs().max(1.0);
    let names = &chart.x_names;
    let i = names.partition_point(|n| n.0 < x - tolerance);
    names
        .get(i)
        .filter(|n| (n.0 - x).abs() <= tolerance)
        .map_or_else(|| hover_value(YFormat::Number, x), |n| n.1.clone())
}

type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<Ticked, Ticked>>;

/// Draws a grey bar in place of each omitted span inside the axis; its
/// legend entry when there is one.
fn draw_breaks<DB: DrawingBackend>(
    cc: &mut Plot<'_, DB>,
    axis: &Ticked,
    (y0, y1): (f64, f64),
) -> Result<Option<Entry>, DrawingAreaErrorKind<DB::ErrorType>> {
    let inside: Vec<(f64, f64)> = axis.omitted.iter().filter(|o| o.2 > 0.0).map(|o| (o.0, o.1)).collect();
    cc.draw_series(inside.iter().map(|&(a, b)| Rectangle::new([(a, y0), (b, y1)], BREAK.filled())))?;
    Ok((!inside.is_empty()).then(|| ("closed hours omitted".to_string(), BREAK, LegendMark::Box)))
}

/// The narrowest hover strip, in pixels (closer x points share one).
const MIN_STRIP_PX: i32 = 3;

/// The value at `x` of points sorted by x (as every series is), found by
/// bisection: hover text looks up every series at every strip.
fn value_at<T: Copy>(points: &[(f64, Option<T>)], x: f64) -> Option<T> {
    let i = points.partition_point(|p| p.0 < x);
    points.get(i).filter(|p| p.0 == x).and_then(|p| p.1)
}

/// Adds a hover strip for each distinct x of `xs` (outside omitted spans),
/// reaching halfway to its neighbours, the full height of the plot.
fn strips<DB: DrawingBackend>(
    cc: &Plot<'_, DB>,
    xs: impl Iterator<Item = f64>,
    (axis, omitted): (&Ticked, &[(f64, f64)]),
    name: &dyn Fn(f64) -> String,
    hovers: &mut Vec<Hover>,
) {
    let (x_px, y_px) = cc.plotting_area().get_pixel_range();
    let mut xs: Vec<f64> = xs.filter(|&x| (axis.lo..=axis.hi).contains(&x) && !omitted_at(omitted, x)).collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    // At most one strip per few pixels: a year of hourly intervals would
    // otherwise be thousands of strips thinner than a pixel, each naming
    // every series (megabytes of SVG nobody can point at).
    let mut kept: Vec<f64> = Vec::with_capacity(xs.len().min(2048));
    let mut last_px = i32::MIN;
    for &x in &xs {
        let p = cc.backend_coord(&(x, 0.0)).0;
        if kept.is_empty() || p - last_px >= MIN_STRIP_PX {
            kept.push(x);
            last_px = p;
        }
    }
    let xs = kept;
    let at: Vec<i32> = xs.iter().map(|&x| cc.backend_coord(&(x, 0.0)).0).collect();
    for (k, &x) in xs.iter().enumerate() {
        let left = if k == 0 { x_px.start } else { (at[k - 1] + at[k]) / 2 };
        let right = if k + 1 == xs.len() { x_px.end } else { (at[k] + at[k + 1]) / 2 };
        hovers.push(Hover { corners: ((left, y_px.start), (right.max(left + 1), y_px.end)), text: name(x) });
    }
}

/// Draws the legend `entries` from `(x, y)` down, labels wrapped at `wrap_at` characters.
fn draw_legend<DB: DrawingBackend>(
    legend: &DrawingArea<DB, Shift>,
    entries: Vec<Entry>,
    legend_font: &TextStyle,
    (x, mut y): (i32, i32),
    wrap_at: usize,
    px: &dyn Fn(f64) -> u32,
) -> DrawResult<DB> {
    let line_h = px(38.0) as i32;
    for (label, c, mark) in entries {
        let mid = y + line_h / 2 - px(4.0) as i32;
        match mark {
            LegendMark::Solid => {
                legend.draw(&PathElement::new(
                    vec![(x, mid), (x + px(44.0) as i32, mid)],
                    ShapeStyle { color: c.to_rgba(), filled: false, stroke_width: px(4.0) },
                ))?;
            }
            LegendMark::Dashed => {
                for k in 0..3 {
                    let a = x + k * px(17.0) as i32;
                    legend.draw(&PathElement::new(
                        vec![(a, mid), (a + px(10.0) as i32, mid)],
                        ShapeStyle { color: c.to_rgba(), filled: false, stroke_width: px(4.0) },
                    ))?;
                }
            }
            LegendMark::Box => {
                legend.draw(&Rectangle::new(
                    [(x, mid - px(10.0) as i32), (x + px(44.0) as i32, mid + px(10.0) as i32)],
                    c.filled(),
                ))?;
            }
            LegendMark::Area => {
                // Taller than a band's box, outlined so the yellow shows on white.
                let corners = [(x, mid - px(14.0) as i32), (x + px(44.0) as i32, mid + px(14.0) as i32)];
                legend.draw(&Rectangle::new(corners, c.filled()))?;
                legend.draw(&Rectangle::new(
                    corners,
                    ShapeStyle { color: RGBColor(60, 60, 60).to_rgba(), filled: false, stroke_width: px(1.0) },
                ))?;
            }
        }
        for (k, text) in wrap(&printable(&label), wrap_at).iter().enumerate() {
            let dy = k as i32 * (line_h * 3 / 4);
            legend.draw_text(text, legend_font, (x + px(56.0) as i32, y + px(4.0) as i32 + dy))?;
            if k > 0 {
                y += line_h * 3 / 4;
            }
        }
        y += line_h;
    }
    Ok(())
}

#[derive(Debug, Clone, Copy)]
enum LegendMark {
    Solid,
    Dashed,
    Box,
    /// A layer of stacked areas.
    Area,
}

/// `text` cut to `n` characters, an ellipsis marking the cut.
fn shorten(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_string()
    } else {
        text.chars().take(n.saturating_sub(1)).chain(std::iter::once('…')).collect()
    }
}

/// Text as it may appear in a chart: control characters (and the two
/// non-characters XML forbids) become U+FFFD, so an SVG is always
/// well-formed XML whatever a label holds; plotters escapes `<`, `>` and `&`.
fn printable(text: &str) -> String {
    text.chars().map(|c| if c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}') { '\u{FFFD}' } else { c }).collect()
}

/// Breaks a legend label into lines of at most `n` characters at spaces
/// (a longer word is cut with an ellipsis); at most three lines.
fn wrap(label: &str, n: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in label.split(' ') {
        let word: String = if word.chars().count() > n {
            word.chars().take(n - 1).chain(std::iter::once('…')).collect()
        } else {
            word.to_string()
        };
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= n => {
                line.push(' ');
                line.push_str(&word);
            }
            _ => lines.push(word),
        }
    }
    if lines.len() > 3 {
        lines.truncate(3);
        lines[2].push('…');
    }
    lines
}

/// Splits a series at its undefined points into runs of defined ones.
fn runs<T: Copy>(points: impl Iterator<Item = (f64, Option<T>)>) -> Vec<Vec<(f64, T)>> {
    let mut out: Vec<Vec<(f64, T)>> = vec![Vec::new()];
    for (x, y) in points {
        match y {
            Some(y) => out.last_mut().map_or((), |r| r.push((x, y))),
            None => {
                if out.last().is_some_and(|r| !r.is_empty()) {
                    out.push(Vec::new());
                }
            }
        }
    }
    out.retain(|r| !r.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Chart {
        Chart {
            name: "test".into(),
            title: "A test chart".into(),
            x_label: "time".into(),
            y_label: "share".into(),
            x_range: (0.0, 10.0),
            y_range: (0.0, 1.0),
            x_ticks: vec![(0.0, "Mon 00:00".into()), (5.0, "Mon 12:00".into())],
            y_format: YFormat::Percent,
            body: Body::Lines {
                lines: vec![Line {
                    label: "chat".into(),
                    color: color(0),
                    dashed: false,
                    points: vec![(0.0, Some(0.5)), (1.0, None), (2.0, Some(0.7)), (3.0, Some(0.9))],
                }],
                bands: vec![Band {
                    color: color(0),
                    points: vec![(2.0, Some((0.6, 0.8))), (3.0, Some((0.8, 1.0)))],
                    label: String::new(),
                }],
                hlines: vec![RefLine { label: "target 80%".into(), value: 0.8, color: TARGET }],
                vlines: vec![],
                markers: vec![Marker { x: 2.0, y: 0.7, color: color(0) }],
                shaded: vec![(4.0, 6.0)],
                shaded_label: "closed".into(),
            },
            subtitle: String::new(),
            x_omitted: Vec::new(),
            x_names: Vec::new(),
        }
    }

    #[test]
    fn png_has_the_requested_size() {
        let bytes = render(&sample(), ImageFormat::Png, (800, 450)).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let reader = decoder.read_info().unwrap();
        assert_eq!((reader.info().width, reader.info().height), (800, 450));
    }

    #[test]
    fn svg_contains_the_text() {
        let svg = String::from_utf8(render(&sample(), ImageFormat::Svg, (1600, 900)).unwrap()).unwrap();
        assert!(
            svg.contains("<text")
                && svg.contains("A test chart")
                && svg.contains("Mon 12:00")
                && svg.contains("target 80%")
        );
    }

    #[test]
    fn svg_text_is_well_formed_whatever_the_labels_hold() {
        let mut c = sample();
        c.title = "desk\u{1}\u{1b}[2J <b>&</b>".into();
        c.x_label = "time\ttab".into();
        c.x_ticks[0].1 = "Mon\u{0}00:00".into();
        if let Body::Lines { lines, .. } = &mut c.body {
            lines[0].label = "chat\u{7}\u{FFFF}\r\n".into();
        }
        let svg = String::from_utf8(render(&c, ImageFormat::Svg, (1600, 900)).unwrap()).unwrap();
        assert!(!svg.chars().any(|ch| (ch.is_control() && ch != '\n') || ch == '\u{FFFF}'), "no control characters");
        assert!(svg.contains("desk\u{FFFD}\u{FFFD}[2J &lt;b&gt;&amp;&lt;/b&gt;"), "markup escaped");
        assert!(svg.contains("Mon\u{FFFD}00:00") && svg.contains("chat\u{FFFD}"));
    }

    #[test]
    fn nice_ticks_cover_the_range() {
        assert_eq!(nice_ticks(0.0, 1.0, YFormat::Percent), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(nice_ticks(0.0, 12.0, YFormat::Number), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0]);
    }

    #[test]
    fn legend_labels_wrap_at_spaces() {
        assert_eq!(
            wrap("target 80%: campaign-setup, media-plan", 26),
            vec!["target 80%:", "campaign-setup, media-plan"]
        );
        assert_eq!(wrap("a-very-long-queue-name-indeed-yes", 10), vec!["a-very-lo…"]);
        assert_eq!(wrap("chat", 26), vec!["chat"]);
    }

    #[test]
    fn panels_and_their_legend_fit_the_grid() {
        for cells in 1..40 {
            let (cols, rows) = grid(cells);
            assert!(cols * rows >= cells, "{cells} cells in {cols}×{rows}");
            assert!(cols * (rows - 1) < cells, "{cells} cells in {cols}×{rows}: no empty row");
        }
        assert_eq!(grid(8), (4, 2), "seven policies and the legend");
        assert_eq!(grid(3), (2, 2));
        assert_eq!(layout(7), (4, 2, false), "seven policies, the legend in the eighth cell");
        assert_eq!(layout(2), (1, 2, true), "two wide panels, one over the other, the legend beside");
        assert_eq!(layout(3), (2, 2, false));
        for n in 1..40 {
            let (cols, rows, beside) = layout(n);
            let cells = n + usize::from(!beside);
            assert!(cols * rows >= cells && cols * (rows - 1) < cells, "{n} panels in {cols}×{rows}");
        }
    }

    #[test]
    fn thinned_ticks_keep_every_kth_and_no_more_than_asked() {
        let ticks: Vec<(f64, String)> = (0..8).map(|k| (k as f64, format!("t{k}"))).collect();
        let kept = thin(ticks.clone(), 4);
        assert_eq!(kept.iter().map(|t| t.0).collect::<Vec<_>>(), vec![0.0, 2.0, 4.0, 6.0]);
        assert_eq!(thin(ticks.clone(), 3).len(), 3);
        assert_eq!(thin(ticks, 20).len(), 8);
    }

    #[test]
    fn stacked_areas_in_panels_render() {
        let area = |k: usize, lo: f64, hi: f64| Area {
            label: format!("layer {k}"),
            color: AGES[k],
            points: vec![(0.0, (lo, hi)), (10.0, (lo, hi + 1.0))],
        };
        let body = Body::Stacked {
            areas: vec![area(0, 0.0, 2.0), area(1, 2.0, 5.0)],
            shaded: vec![(4.0, 6.0)],
            shaded_label: "closed".into(),
        };
        let c = Chart {
            y_format: YFormat::Number,
            y_range: (0.0, 8.0),
            body: Body::Panels(vec![
                Panel { title: "first panel".into(), body: body.clone() },
                Panel { title: "second panel".into(), body },
            ]),
            ..sample()
        };
        let svg = String::from_utf8(render(&c, ImageFormat::Svg, (1600, 900)).unwrap()).unwrap();
        assert!(svg.contains("first panel") && svg.contains("second panel"));
        assert_eq!(svg.matches("\nlayer 1\n").count(), 1, "one legend for both panels");
        assert!(svg.find("\nlayer 1\n") < svg.find("\nlayer 0\n"), "the top layer is listed first");
        assert_eq!(svg.matches("<polygon").count(), 4, "two layers in each panel");
    }

    /// `sample` on a broken axis: 0..10 with 4..6 cut out.
    fn broken() -> Chart {
        let mut c = sample();
        c.x_omitted = vec![(4.0, 6.0)];
        if let Body::Lines { lines, bands, shaded, .. } = &mut c.body {
            shaded.clear();
            lines[0].points = (0..=10).map(|k| (k as f64, Some(0.5))).collect();
            bands[0].points = (0..=10).map(|k| (k as f64, Some((0.4, 0.6)))).collect();
        }
        c
    }

    #[test]
    fn an_omitted_span_shrinks_to_a_narrow_gap() {
        let axis = Ticked { omitted: breaks(0.0, 10.0, &[(4.0, 6.0), (-1.0, 1.0)]), ..ticked(0.0, 10.0, Vec::new()) };
        assert_eq!(axis.omitted.len(), 2);
        assert_eq!(axis.omitted[0], (0.0, 1.0, 0.0), "cut at the start without a gap");
        let gap = 7.0 * BREAK_SHARE;
        assert!((axis.omitted[1].2 - gap).abs() < 1e-12);
        let px = |v: f64| axis.map(&v, (0, 1000));
        assert_eq!(px(0.0), 0);
        assert_eq!(px(1.0), 0);
        assert_eq!(px(10.0), 1000);
        let gap_px = px(6.0) - px(4.0);
        assert!((10..=15).contains(&gap_px), "a narrow gap: {gap_px} px");
        // The open stretches keep their proportions.
        assert!(((px(4.0) - px(1.0)) - (px(10.0) - px(7.0))).abs() <= 1);
        assert!(px(5.0) > px(4.0) && px(5.0) < px(6.0));
    }

    #[test]
    fn no_line_is_drawn_across_an_omitted_span() {
        let points: Vec<(f64, Option<f64>)> = (0..=10).map(|k| (k as f64, Some(k as f64))).collect();
        let p = pieces(points.into_iter(), &[(4.0, 6.0)]);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].last().unwrap().0, 4.0);
        assert_eq!(p[1][0].0, 6.0, "5 lies inside the cut and is dropped");
        // Points on either side of a cut with none inside: still two pieces.
        let p = pieces([(3.0, Some(1)), (7.0, Some(2))].into_iter(), &[(4.0, 6.0)]);
        assert_eq!(p, vec![vec![(3.0, 1)], vec![(7.0, 2)]]);
        assert_eq!(pieces([(1.0, Some(1)), (2.0, Some(2))].into_iter(), &[]).len(), 1);
        // Drawn, the line is two polylines and the band two polygons.
        let svg = String::from_utf8(render(&broken(), ImageFormat::Svg, (1600, 900)).unwrap()).unwrap();
        let blue = svg.lines().filter(|l| l.contains("<polyline") && l.to_lowercase().contains("#0072b2")).count();
        assert_eq!(blue, 3, "one line in two pieces, and its legend mark");
        assert!(svg.contains("closed hours omitted"));
    }

    #[test]
    fn broken_axis_ticks_never_collide() {
        let mut c = broken();
        c.x_ticks = (0..=20).map(|k| (k as f64 / 2.0, format!("Mon {:02}:00", k))).collect();
        let svg = String::from_utf8(render(&c, ImageFormat::Svg, (1600, 900)).unwrap()).unwrap();
        let shown = (0..=20).filter(|k| svg.contains(&format!("Mon {k:02}:00"))).count();
        assert!((3..20).contains(&shown), "{shown} ticks kept");
    }

    fn hover_titles(svg: &str) -> Vec<&str> {
        let group = &svg[svg.find("<g class=\"hover\">").expect("a hover group")..];
        group.split("<title>").skip(1).map(|t| &t[..t.find("</title>").unwrap()]).collect()
    }

    #[test]
    fn a_year_of_points_gets_a_strip_per_few_pixels_with_every_value() {
        let mut c = sample();
        let n = 8_568;
        c.x_range = (0.0, n as f64);
        if let Body::Lines { lines, bands, .. } = &mut c.body {
            lines[0].points = (0..n).map(|k| (k as f64, Some((k % 100) as f64 / 100.0))).collect();
            bands.clear();
        }
        c.x_names = (0..n).map(|k| (k as f64, format!("hour {k}"))).collect();
        let svg = String::from_utf8(render(&c, ImageFormat::Svg, (1600, 900)).unwrap()).unwrap();
        let titles = hover_titles(&svg);
        assert!(titles.len() <= 1600 / MIN_STRIP_PX as usize && titles.len() > 100, "{} strips", titles.len());
        // Each strip names its own point and that point's value.
        for t in &titles {
            let k: usize = t.strip_prefix("hour ").unwrap().split('\n').next().unwrap().parse().unwrap();
            assert!(t.ends_with(&format!("chat: {}%", k % 100)) || t.contains(&format!("chat: {}.0%", k % 100)), "{t}");
        }
    }

    #[test]
    fn svg_has_a_hover_strip_per_point_and_png_is_unchanged() {
        let mut c = broken();
        c.x_names = (0..=10).map(|k| (k as f64, format!("Tue {k:02}:00–{k:02}:30"))).collect();
        let svg = String::from_utf8(render(&c, ImageFormat::Svg, (1600, 900)).unwrap()).unwrap();
        let titles = hover_titles(&svg);
        assert_eq!(titles.len(), 10, "eleven points, 5 inside the cut");
        assert!(titles[0].starts_with("Tue 00:00–00:30\nchat: 50.0% (95%: 40.0% – 60.0%)"), "{}", titles[0]);
        assert!(!titles.iter().any(|t| t.starts_with("Tue 05")));
        assert!(svg.contains(".hover rect:hover") && svg.trim_end().ends_with("</svg>"));
        let plain = Chart { x_names: Vec::new(), ..c.clone() };
        assert_eq!(
            render(&c, ImageFormat::Png, (800, 450)).unwrap(),
            render(&plain, ImageFormat::Png, (800, 450)).unwrap()
        );
    }

    #[test]
    fn bars_and_heatmap_cells_get_a_hover_target_each() {
        let bars = Chart {
            body: Body::Bars {
                bars: vec![
                    Bar {
                        group: "phone".into(),
                        label: "fifo".into(),
                        color: color(0),
                        value: 0.808,
                        ci95: Some(0.007),
                    },
                    Bar { group: "phone".into(), label: "lifo".into(), color: color(1), value: 0.7, ci95: None },
                    Bar { group: "chat".into(), label: "fifo".into(), color: color(0), value: 0.9, ci95: None },
                ],
                hlines: vec![],
            },
            ..sample()
        };
        let svg = String::from_utf8(render(&bars, ImageFormat::Svg, (1600, 900)).unwrap()).unwrap();
        let titles = hover_titles(&svg);
        assert_eq!(titles, ["phone — fifo: 80.8% ± 0.7", "phone — lifo: 70.0%", "chat — fifo: 90.0%"]);
        let map = Heatmap {
            rows: vec!["Mon".into(), "Tue".into()],
            cols: (0..24).map(|h| format!("{h:02}")).collect(),
            cells: vec![vec![Some(0.72); 24], vec![None; 24]],
            scale: Scale::Diverging { lo: 0.5, centre: 0.8, hi: 1.0 },
            format: CellFormat::Percent,
            unit: "answered".into(),
            centre_label: "target".into(),
            empty_label: "closed".into(),
        };
        let heat = Chart { body: Body::Heatmap(map), ..sample() };
        let svg = String::from_utf8(render(&heat, ImageFormat::Svg, (1600, 900)).unwrap()).unwrap();
        let titles = hover_titles(&svg);
        assert_eq!(titles.len(), 48);
        assert_eq!(titles[13], "Mon 13:00: 72%");
        assert_eq!(titles[24], "Tue 00:00: closed");
    }

    #[test]
    fn hover_text_is_escaped() {
        let mut c = broken();
        c.x_names = vec![(0.0, "<b>&\"it's\"\u{1}".into())];
        if let Body::Lines { lines, .. } = &mut c.body {
            lines[0].label = "a<&\"b".into();
        }
        let svg = String::from_utf8(render(&c, ImageFormat::Svg, (1600, 900)).unwrap()).unwrap();
        let titles = hover_titles(&svg);
        assert!(
            titles[0].starts_with("&lt;b&gt;&amp;&quot;it&apos;s&quot;\u{FFFD}\na&lt;&amp;&quot;b: 50.0%"),
            "{}",
            titles[0]
        );
        let group = &svg[svg.find("<g class=\"hover\">").unwrap()..];
        let inner: String = hover_titles(&svg).concat();
        assert!(!inner.contains('<') && !inner.contains('"'));
        assert_eq!(group.matches("<rect").count(), group.matches("</rect>").count());
    }

    #[test]
    fn runs_break_at_gaps() {
        let r = runs([(0.0, Some(1)), (1.0, None), (2.0, Some(2)), (3.0, Some(3))].into_iter());
        assert_eq!(r, vec![vec![(0.0, 1)], vec![(2.0, 2), (3.0, 3)]]);
    }
}
