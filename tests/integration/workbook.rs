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

/// Checks that sheet `sheet` holds the CSV file `csv`: the same header, as
/// many rows, text as text, and every number equal to the CSV's (waits in
/// days, the spreadsheet's unit for durations).
fn sheet_equals_csv(book: &mut Xlsx<std::io::BufReader<fs::File>>, sheet: &str, csv: &Path) {
    let range = book.worksheet_range(sheet).unwrap_or_else(|e| panic!("sheet {sheet}: {e}"));
    let (header, rows) = read_csv(csv);
    let got: Vec<String> = (0..header.len()).map(|c| cell_text(range.get((0, c)).unwrap_or(&Data::Empty))).collect();
    assert_eq!(got, header, "{sheet}: the header of {}", csv.display());
    assert_eq!(range.height(), rows.len() + 1, "{sheet}: one row per CSV row");
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            let cell = range.get((r + 1, c)).unwrap_or(&Data::Empty);
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
    sheet_equals_csv(&mut book, "Summary", &run.join("summary.csv"));
    sheet_equals_csv(&mut book, "Intervals", &run.join("intervals.csv"));
    sheet_equals_csv(&mut book, "Teams", &run.join("teams.csv"));
    sheet_equals_csv(&mut book, "Waits", &run.join("waits.csv"));
    // The summary sheet: frozen header, a filter, the service level coloured
    // against the target, shares and waits formatted.
    let summary = part(&path, "xl/worksheets/sheet2.xml");
    assert!(
        summary.contains(r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#),
        "{summary}"
    );
    assert!(summary.contains("<autoFilter ref=\"A1:"), "a filter on the header");
    assert!(summary.contains("<conditionalFormatting sqref=\"H2:H4\">"), "service level (column H) coloured");
    assert!(summary.contains("$H2&gt;=$J2") && summary.contains("$H2&lt;$J2"), "met and missed against sla_target (J)");
    let styles = part(&path, "xl/styles.xml");
    assert!(styles.contains(r#"formatCode="0.0%""#) && styles.contains(r#"formatCode="[h]:mm:ss""#), "{styles}");
    assert!(styles.contains("FFC6EFCE") && styles.contains("FFFFC7CE"), "green and red fills");
    let charts = part(&path, "xl/charts/chart1.xml") + &part(&path, "xl/charts/chart2.xml");
    assert!(charts.contains("<c:lineChart>") && charts.contains("<c:barChart>"), "a line and a column chart");
    assert!(charts.contains("service level per interval, by queue"));
    assert!(charts.contains("'Chart data'!$B$3") && charts.contains("Summary!$J$2:$J$4"), "series from the sheets");

    let path = cmp.join("staffsim.xlsx");
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), ["Charts", "Summary", "Intervals", "Waits", "Chart data"]);
    sheet_equals_csv(&mut book, "Summary", &cmp.join("summary.csv"));
    sheet_equals_csv(&mut book, "Intervals", &cmp.join("intervals.csv"));
    let summary = book.worksheet_range("Summary").unwrap();
    assert_eq!(cell_text(summary.get((0, 0)).unwrap()), "policy");
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
    for file in ["service_level.png", "service_level.svg"] {
        assert!(out.join(file).is_file(), "the default writes {file}");
    }
    assert!(!out.join("staffsim.xlsx").exists(), "the workbook is asked for (--format all or xlsx)");
    let out = tmp.path().join("all");
    staffsim().arg("run").arg(fixture("small.toml")).args(["-q", "--format", "all", "-o"]).arg(&out).assert().success();
    for file in ["staffsim.xlsx", "service_level.png", "service_level.svg"] {
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
    sheet_equals_csv(&mut book, "Staffing", &out.join("staffing.csv"));
    sheet_equals_csv(&mut book, "Schedule", &out.join("schedule.csv"));
    sheet_equals_csv(&mut book, "Promised", &out.join("promised.csv"));
    let staffing = part(&path, "xl/worksheets/sheet2.xml");
    // scheduled_agents is column M, required_agents column G.
    assert!(staffing.contains("$M2&gt;$G2") && staffing.contains("$M2&lt;$G2"), "over and under coverage coloured");
    let chart = part(&path, "xl/charts/chart1.xml");
    assert!(chart.contains("required agents") && chart.contains("scheduled agents"), "{chart}");
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
    sheet_equals_csv(&mut book, "Summary", &out.join("summary.csv"));
    let chart = part(&path, "xl/charts/chart1.xml");
    assert!(chart.contains("<c:lineChart>") && chart.contains("agents"), "{chart}");
}
