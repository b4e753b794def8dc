//! `staffsim.xlsx`: read back with a spreadsheet reader (sheets, headers,
//! numbers equal to the CSV files, frozen headers, formats, colours,
//! charts), and opened by LibreOffice headless, printed to PDF and rendered
//! to PNG, as a manager's spreadsheet program would show it.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx, open_workbook};

fn staffsim() -> Command {
    Command::cargo_bin("staffsim").expect("binary built")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r.records().map(|rec| rec.unwrap().iter().map(String::from).collect()).collect();
    (header, rows)
}

/// The text of one file inside the workbook (a zip archive).
fn part(book: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(fs::File::open(book).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name).unwrap_or_else(|_| panic!("{} has no {name}", book.display())).read_to_string(&mut text).unwrap();
    text
}

/// The charts of a workbook, in order.
fn chart_parts(book: &Path) -> Vec<String> {
    let zip = zip::ZipArchive::new(fs::File::open(book).unwrap()).unwrap();
    let count = zip.file_names().filter(|n| n.starts_with("xl/charts/chart")).count();
    (1..=count).map(|k| part(book, &format!("xl/charts/chart{k}.xml"))).collect()
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn cell_number(d: &Data) -> Option<f64> {
    match d {
        Data::Float(x) => Some(*x),
        Data::Int(n) => Some(*n as f64),
        // A wait formatted [h]:mm:ss reads back as a duration in days.
        Data::DateTime(d) => Some(d.as_f64()),
        _ => None,
    }
}

/// The index of a column from its letters (`A` is 0).
fn column_index(letters: &str) -> usize {
    letters.bytes().fold(0, |n, b| n * 26 + usize::from(b - b'A' + 1)) - 1
}

/// The notes on the header row of sheet number `index` (1 = the first
/// sheet), by column: the CSV file and column each header stands for
/// (`summary.csv: service_level`).
fn header_notes(book: &Path, index: usize) -> Vec<(String, String)> {
    let rels = part(book, &format!("xl/worksheets/_rels/sheet{index}.xml.rels"));
    let target = rels
        .split("Target=\"../")
        .skip(1)
        .map(|t| &t[..t.find('"').unwrap()])
        .find(|t| t.starts_with("comments"))
        .unwrap_or_else(|| panic!("sheet {index} has no notes: {rels}"));
    let xml = part(book, &format!("xl/{target}"));
    let mut notes: Vec<(usize, String, String)> = Vec::new();
    for comment in xml.split("<comment ref=\"").skip(1) {
        let cell = &comment[..comment.find('"').unwrap()];
        let letters: String = cell.chars().take_while(char::is_ascii_uppercase).collect();
        assert_eq!(&cell[letters.len()..], "1", "a note on the header row, not on {cell}");
        let body = &comment[comment.find('>').unwrap() + 1..comment.find("</comment>").unwrap()];
        // The text without its tags.
        let mut text = String::new();
        let mut inside = false;
        for ch in body.chars() {
            match ch {
                '<' => inside = true,
                '>' => inside = false,
                c if !inside => text.push(c),
                _ => {}
            }
        }
        let (file, column) = text.split_once(": ").unwrap_or_else(|| panic!("note {text:?}"));
        notes.push((column_index(&letters), file.to_string(), column.to_string()));
    }
    notes.sort();
    assert!(notes.iter().enumerate().all(|(k, n)| n.0 == k), "a note on every header cell: {notes:?}");
    notes.into_iter().map(|(_, f, c)| (f, c)).collect()
}

/// Checks that sheet `sheet` holds the CSV file `csv`: each header cell a
/// readable name whose note names its CSV column (every column once), as
/// many rows, text as text, and every number equal to the CSV's (waits in
/// days, the spreadsheet's unit for durations).
fn sheet_equals_csv(book: &mut Xlsx<std::io::BufReader<fs::File>>, path: &Path, sheet: &str, csv: &Path) {
    let index = 1 + book.sheet_names().iter().position(|n| n == sheet).unwrap_or_else(|| panic!("no sheet {sheet}"));
    let range = book.worksheet_range(sheet).unwrap_or_else(|e| panic!("sheet {sheet}: {e}"));
    let (header, rows) = read_csv(csv);
    let notes = header_notes(path, index);
    let file = csv.file_name().unwrap().to_str().unwrap();
    assert!(notes.iter().all(|(f, _)| f == file), "{sheet}: notes name {file}: {notes:?}");
    let mut named: Vec<&str> = notes.iter().map(|(_, c)| c.as_str()).collect();
    named.sort_unstable();
    let mut want: Vec<&str> = header.iter().map(String::as_str).collect();
    want.sort_unstable();
    assert_eq!(named, want, "{sheet}: every column of {} once", csv.display());
    // Where each CSV column went.
    let at: Vec<usize> = header.iter().map(|h| notes.iter().position(|(_, c)| c == h).unwrap()).collect();
    for (c, name) in header.iter().enumerate() {
        let shown = cell_text(range.get((0, at[c])).unwrap_or(&Data::Empty));
        assert!(!shown.is_empty() && !shown.contains('_'), "{sheet}: {name} is headed {shown:?}");
    }
    assert_eq!(range.height(), rows.len() + 1, "{sheet}: one row per CSV row");
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            let cell = range.get((r + 1, at[c])).unwrap_or(&Data::Empty);
            let Ok(want) = text.parse::<f64>() else {
                assert_eq!(cell_text(cell), *text, "{sheet} row {} column {}", r + 2, header[c]);
                continue;
            };
            let name = &header[c];
            if matches!(name.as_str(), "queue" | "team" | "policy" | "name") {
                assert_eq!(cell_text(cell), *text);
                continue;
            }
            let duration = name.strip_suffix("_ci95").unwrap_or(name).ends_with("_s") && name != "t_s";
            let got =
                cell_number(cell).unwrap_or_else(|| panic!("{sheet} {name} row {}: {cell:?} is no number", r + 2));
            let got = if duration { got * 86_400.0 } else { got };
            assert!(
                (got - want).abs() <= 1e-9 * want.abs().max(1.0),
                "{sheet} {name} row {}: {got} against {want}",
                r + 2
            );
        }
    }
}

/// Checks the print setup of sheet number `index`: landscape, one page
/// wide, the sheet's name and the page number in the header and footer.
fn prints_one_page_wide(book: &Path, index: usize) {
    let xml = part(book, &format!("xl/worksheets/sheet{index}.xml"));
    assert!(xml.contains(r#"<pageSetUpPr fitToPage="1"/>"#), "sheet {index}: fit to page");
    let setup = &xml[xml.find("<pageSetup ").unwrap_or_else(|| panic!("sheet {index}: no page setup"))..];
    let setup = &setup[..setup.find("/>").unwrap()];
    assert!(setup.contains(r#"orientation="landscape""#) && setup.contains(r#"fitToHeight="0""#), "{setup}");
    assert!(!setup.contains("fitToWidth=") || setup.contains(r#"fitToWidth="1""#), "one page wide: {setup}");
    assert!(xml.contains("<oddHeader>&amp;L&amp;A"), "sheet {index}: its name in the header");
    assert!(xml.contains("Page &amp;P of &amp;N</oddFooter>"), "sheet {index}: the page number in the footer");
}

fn run_and_compare(tmp: &Path) -> (PathBuf, PathBuf) {
    let run = tmp.join("run");
    staffsim()
        .arg("run")
        .arg(fixture("small.toml"))
        .args(["-q", "--format", "xlsx", "-o"])
        .arg(&run)
        .assert()
        .success();
    let cmp = tmp.join("compare");
    staffsim()
        .arg("compare")
        .arg(fixture("small.toml"))
        .args(["-q", "--format", "xlsx", "--policies", "fifo,lifo", "-o"])
        .arg(&cmp)
        .assert()
        .success();
    (run, cmp)
}

#[test]
fn run_and_compare_workbooks_hold_the_csv_tables_with_formats_and_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let (run, cmp) = run_and_compare(tmp.path());
    assert!(!run.join("service_level.png").exists(), "--format xlsx writes no image");

    let path = run.join("staffsim.xlsx");
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let names = book.sheet_names();
    assert_eq!(names, ["Charts", "Summary", "Intervals", "Teams", "Waits", "Chart data"], "{names:?}");
    sheet_equals_csv(&mut book, &path, "Summary", &run.join("summary.csv"));
    sheet_equals_csv(&mut book, &path, "Intervals", &run.join("intervals.csv"));
    sheet_equals_csv(&mut book, &path, "Teams", &run.join("teams.csv"));
    sheet_equals_csv(&mut book, &path, "Waits", &run.join("waits.csv"));
    // The summary sheet: frozen header, a filter, the service level coloured
    // against the target, shares and waits formatted.
    let summary = part(&path, "xl/worksheets/sheet2.xml");
    assert!(
        summary.contains(r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#),
        "{summary}"
    );
    assert!(summary.contains("<autoFilter ref=\"A1:"), "a filter on the header");
    assert!(summary.contains("<conditionalFormatting sqref=\"B2:B4\">"), "service level (column B) coloured");
    assert!(summary.contains("$B2&gt;=$D2") && summary.contains("$B2&lt;$D2"), "met and missed against sla_target (D)");
    let styles = part(&path, "xl/styles.xml");
    assert!(styles.contains(r#"formatCode="0.0%""#) && styles.contains(r#"formatCode="[h]:mm:ss""#), "{styles}");
    assert!(styles.contains(r#"formatCode="&quot;± &quot;0.0%""#), "a half-width reads ± 1.2%: {styles}");
    assert!(styles.contains("FFC6EFCE") && styles.contains("FFFFC7CE"), "green and red fills");
    // Readable headers, the service level first; the rest of the forty
    // columns folded in a group, hidden until it is opened.
    let range = book.worksheet_range("Summary").unwrap();
    let heads: Vec<String> = (0..range.width()).map(|c| cell_text(range.get((0, c)).unwrap())).collect();
    assert_eq!(heads[..4], ["Queue", "Service level", "± 95 %", "SLA target"]);
    assert!(heads.iter().any(|h| h == "90 % of all customers waited at most"), "{heads:?}");
    let folded = summary.matches(r#"hidden="1" customWidth="1" outlineLevel="1""#).count();
    assert!(folded >= 1 && summary.contains(r#"outlineLevelCol="1""#), "the detail columns folded: {summary}");
    let visible = summary.split("<col ").skip(1).filter(|c| !c.contains("hidden=")).count();
    assert!(visible <= 16, "{visible} column ranges shown");
    for index in 1..=6 {
        prints_one_page_wide(&path, index);
    }
    let workbook = part(&path, "xl/workbook.xml");
    for sheet in ["Summary", "Intervals", "Teams", "Waits"] {
        assert!(workbook.contains(&format!("{sheet}!$1:$1</definedName>")), "{sheet}: the header row on every page");
    }
    // Charts: the service level by queue, then one chart per queue over
    // time (its service level and its target, nothing else).
    let charts = chart_parts(&path);
    assert_eq!(charts.len(), 3, "one by queue, one for each of the two queues");
    assert!(charts[0].contains("<c:barChart>") && charts[0].contains("Summary!$D$2:$D$4"), "the targets");
    for (chart, queue) in charts[1..].iter().zip(["email", "chat"]) {
        assert!(chart.contains("<c:lineChart>"), "{chart}");
        assert!(chart.contains(&format!("{queue}: service level per interval")), "{chart}");
        assert_eq!(chart.matches("<c:ser>").count(), 2, "{queue}: the service level and its target");
        assert!(chart.contains("SLA target") && chart.contains(r#"<a:prstDash val="dash"/>"#), "a dashed target");
    }
    assert!(charts[1].contains("'Chart data'!$B$3"), "series from the chart data");

    let path = cmp.join("staffsim.xlsx");
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), ["Charts", "Summary", "Intervals", "Waits", "Chart data"]);
    sheet_equals_csv(&mut book, &path, "Summary", &cmp.join("summary.csv"));
    sheet_equals_csv(&mut book, &path, "Intervals", &cmp.join("intervals.csv"));
    let summary = book.worksheet_range("Summary").unwrap();
    assert_eq!(cell_text(summary.get((0, 0)).unwrap()), "Policy");
    // The clustered chart's data: a row per queue, a column per policy.
    let data = book.worksheet_range("Chart data").unwrap();
    let header: Vec<String> = (0..4).map(|c| cell_text(data.get((1, c)).unwrap_or(&Data::Empty))).collect();
    assert_eq!(header, ["queue", "fifo", "lifo", "SLA target"]);
    let (h, rows) = read_csv(&cmp.join("summary.csv"));
    let sl = h.iter().position(|x| x == "service_level").unwrap();
    let lifo_chat = rows.iter().find(|r| r[0] == "lifo" && r[1] == "chat").unwrap()[sl].parse::<f64>().unwrap();
    let chat = (2..data.height()).find(|&r| cell_text(data.get((r, 0)).unwrap()) == "chat").expect("a chat row");
    assert!((cell_number(data.get((chat, 2)).unwrap()).unwrap() - lifo_chat).abs() < 1e-9);
    let chart = part(&path, "xl/charts/chart1.xml");
    assert!(chart.contains(r#"<c:barDir val="col"/>"#) && chart.contains(r#"<c:grouping val="clustered"/>"#));
    assert_eq!(chart.matches("<c:ser>").count(), 3, "fifo, lifo and the target");
}

#[test]
fn the_workbook_is_asked_for_and_the_default_writes_the_images() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("default");
    staffsim().arg("run").arg(fixture("small.toml")).args(["-q", "-o"]).arg(&out).assert().success();
    for file in ["service_level.png", "report.html"] {
        assert!(out.join(file).is_file(), "the default writes {file}");
    }
    assert!(!out.join("service_level.svg").exists(), "SVG is asked for (svg, both or all)");
    assert!(!out.join("staffsim.xlsx").exists(), "the workbook is asked for (--format all or xlsx)");
    let out = tmp.path().join("all");
    staffsim().arg("run").arg(fixture("small.toml")).args(["-q", "--format", "all", "-o"]).arg(&out).assert().success();
    for file in ["staffsim.xlsx", "service_level.png", "service_level.svg", "report.html"] {
        assert!(out.join(file).is_file(), "all writes {file}");
    }
    let out = tmp.path().join("png");
    staffsim()
        .arg("run")
        .arg(fixture("small.toml"))
        .args(["-q", "--format", "png,xlsx", "-o"])
        .arg(&out)
        .assert()
        .success();
    assert!(out.join("staffsim.xlsx").is_file() && out.join("service_level.png").is_file());
    assert!(!out.join("service_level.svg").exists());
    let out = tmp.path().join("both");
    staffsim()
        .arg("run")
        .arg(fixture("small.toml"))
        .args(["-q", "--format", "both", "-o"])
        .arg(&out)
        .assert()
        .success();
    assert!(!out.join("staffsim.xlsx").exists(), "both is the two image formats, as before");
    staffsim().arg("run").arg(fixture("small.toml")).args(["-q", "--format", "pdf"]).assert().code(2);
}

#[test]
fn staff_workbook_colours_coverage_and_charts_required_against_scheduled() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("staff");
    staffsim()
        .arg("staff")
        .arg(fixture("small.toml"))
        .args(["-q", "-r", "2", "--format", "xlsx", "-o"])
        .arg(&out)
        .assert()
        .success();
    let path = out.join("staffsim.xlsx");
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), ["Charts", "Staffing", "Totals", "Schedule", "Drivers", "Promised", "Chart data"]);
    sheet_equals_csv(&mut book, &path, "Staffing", &out.join("staffing.csv"));
    sheet_equals_csv(&mut book, &path, "Schedule", &out.join("schedule.csv"));
    sheet_equals_csv(&mut book, &path, "Promised", &out.join("promised.csv"));
    let staffing = part(&path, "xl/worksheets/sheet2.xml");
    // scheduled_agents is column M, required_agents column G.
    assert!(staffing.contains("$M2&gt;$G2") && staffing.contains("$M2&lt;$G2"), "over and under coverage coloured");
    let chart = part(&path, "xl/charts/chart1.xml");
    assert!(chart.contains("required agents") && chart.contains("scheduled agents"), "{chart}");
    // Agents are counts on the chart's axis, not percentages.
    assert!(chart.contains(r#"<c:numFmt formatCode="0" sourceLinked="0"/>"#), "{chart}");
    let range = book.worksheet_range("Staffing").unwrap();
    let heads: Vec<String> = (0..range.width()).map(|c| cell_text(range.get((0, c)).unwrap())).collect();
    assert!(heads.contains(&"Agents scheduled".to_string()) && heads.contains(&"Agents required".to_string()));
    for index in 1..=7 {
        prints_one_page_wide(&path, index);
    }
}

/// LibreOffice, as installed by `.ci/run`: a missing one fails the test.
fn soffice() -> PathBuf {
    for p in ["/usr/bin/libreoffice", "/usr/bin/soffice", "/usr/local/bin/libreoffice"] {
        if Path::new(p).is_file() {
            return PathBuf::from(p);
        }
    }
    panic!(
        "LibreOffice is not installed (.ci/run installs libreoffice-calc and poppler-utils): cannot open the workbook"
    );
}

#[test]
fn libreoffice_opens_the_workbook_prints_it_and_it_renders() {
    let tmp = tempfile::tempdir().unwrap();
    let (run, _) = run_and_compare(tmp.path());
    let pdf_dir = tmp.path().join("pdf");
    // A profile of its own, so a LibreOffice already running elsewhere (or a
    // parallel test) does not take the conversion over.
    let profile = format!("-env:UserInstallation=file://{}", tmp.path().join("profile").display());
    let status = Process::new(soffice())
        .args([profile.as_str(), "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&pdf_dir)
        .arg(run.join("staffsim.xlsx"))
        .output()
        .expect("LibreOffice starts");
    let pdf = pdf_dir.join("staffsim.pdf");
    assert!(pdf.is_file(), "no PDF: {}", String::from_utf8_lossy(&status.stderr));
    let bytes = fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF") && bytes.len() > 20_000, "a PDF of {} bytes", bytes.len());
    let png = tmp.path().join("page");
    let render = Process::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "2"])
        .arg(&pdf)
        .arg(&png)
        .output()
        .expect("pdftoppm (poppler-utils) is installed");
    assert!(render.status.success(), "{}", String::from_utf8_lossy(&render.stderr));
    let mut pages: Vec<PathBuf> = fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .collect();
    pages.sort();
    assert_eq!(pages.len(), 2, "{pages:?}");
    // The first page is the charts sheet: a drawing, not a blank page, with
    // coloured lines and columns on it.
    let first = fs::read(&pages[0]).unwrap();
    assert!(first.len() > 15_000, "the charts page is {} bytes", first.len());
    let decoder = png::Decoder::new(std::io::Cursor::new(first));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let pixels = &buf[..info.buffer_size()];
    let step = info.color_type.samples();
    let coloured = pixels.chunks(step).filter(|p| step >= 3 && (i32::from(p[0]) - i32::from(p[2])).abs() > 60).count();
    assert!(coloured > 500, "only {coloured} coloured pixels on the charts page");
}

#[test]
fn sweep_workbook_charts_each_queue_by_headcount() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sweep");
    staffsim()
        .arg("sweep")
        .arg(fixture("small.toml"))
        .args(["-q", "-r", "2", "--team", "support", "--agents", "2..4", "--format", "xlsx", "-o"])
        .arg(&out)
        .assert()
        .success();
    let path = out.join("staffsim.xlsx");
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), ["Charts", "Summary", "Chart data"]);
    sheet_equals_csv(&mut book, &path, "Summary", &out.join("summary.csv"));
    let chart = part(&path, "xl/charts/chart1.xml");
    assert!(chart.contains("<c:lineChart>") && chart.contains("agents"), "{chart}");
    // Both queues have an 80 % target: one dashed line shows it.
    assert_eq!(chart.matches("<c:ser>").count(), 3, "email, chat and the target");
    assert!(chart.contains("SLA target 80 %") && chart.contains(r#"<a:prstDash val="dash"/>"#), "{chart}");
    let range = book.worksheet_range("Summary").unwrap();
    assert_eq!(cell_text(range.get((0, 0)).unwrap()), "Agents");
    prints_one_page_wide(&path, 2);
}

#[test]
fn a_desk_reported_in_one_interval_gets_its_points_drawn() {
    // A line chart of a single point draws nothing: each line then gets a
    // dot. With many intervals the lines stay plain.
    let tmp = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(fixture("small.toml"))
        .unwrap()
        .replace("warmup = \"1d\"", "warmup = \"0s\"")
        .replace("interval = \"30m\"", "interval = \"1w\"");
    let one = tmp.path().join("one.toml");
    fs::write(&one, text).unwrap();
    let lines = |scenario: &Path, out: &Path| -> Vec<String> {
        staffsim().arg("run").arg(scenario).args(["-q", "--format", "xlsx", "-o"]).arg(out).assert().success();
        chart_parts(&out.join("staffsim.xlsx")).into_iter().filter(|c| c.contains("<c:lineChart>")).collect()
    };
    let single = lines(&one, &tmp.path().join("one"));
    assert_eq!(single.len(), 2, "a line chart per queue");
    for chart in &single {
        assert!(chart.contains("<c:symbol val=\"circle\"/>"), "a single interval's point is marked: {chart}");
        assert!(!chart.contains("<c:symbol val=\"none\"/>"), "every line of it");
    }
    let many = lines(&fixture("small.toml"), &tmp.path().join("many"));
    assert_eq!(many.len(), 2);
    for chart in &many {
        assert!(!chart.contains("val=\"circle\""), "lines of many points carry no dots");
    }
}
