//! `report.html` in a real browser: each command's page is loaded by
//! headless Chromium, which must raise no error (script errors, console
//! errors, blocked loads) and lay every chart out with a size; the page is
//! screenshotted and printed to PDF on landscape pages. Chromium is a
//! Debian package that `.ci/run` installs; without it these tests fail.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;

fn staffsim() -> Command {
    Command::cargo_bin("staffsim").expect("binary built")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn shipped(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name)
}

fn chromium() -> PathBuf {
    for p in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"] {
        if Path::new(p).is_file() {
            return PathBuf::from(p);
        }
    }
    panic!("Chromium is not installed (.ci/run installs Debian's chromium): cannot load the report")
}

/// Headless Chromium with a fresh profile, nothing fetched in the background.
fn browser(profile: &Path) -> Process {
    let mut c = Process::new(chromium());
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ]);
    c.arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// Records errors from the first moment: script errors, console errors,
/// loads the page's policy blocked.
const WATCH: &str = r#"<script>
window.__problems = [];
window.addEventListener('error', function (e) { __problems.push('error: ' + (e.message || e.type)); }, true);
window.addEventListener('securitypolicyviolation', function (e) { __problems.push('blocked: ' + e.blockedURI); });
(function () { var orig = console.error; console.error = function () {
  __problems.push('console: ' + Array.prototype.join.call(arguments, ' ')); return orig.apply(console, arguments); }; })();
</script>"#;

/// After the page's own script: what the browser laid out, as JSON in a
/// `<pre id="probe">` the dumped DOM carries.
const PROBE: &str = r#"<script>
(function () {
  var svgs = document.querySelectorAll('figure.chart svg'), sizes = [];
  for (var i = 0; i < svgs.length; i++) { var b = svgs[i].getBoundingClientRect(); sizes.push([Math.round(b.width), Math.round(b.height)]); }
  var tips = document.querySelectorAll('[data-tip]'), shown = '';
  if (tips.length > 0) {
    // Hover the middle of a chart's value targets: the tooltip shows its text.
    var el = tips[Math.floor(tips.length / 2)], b = el.getBoundingClientRect();
    el.dispatchEvent(new MouseEvent('mousemove', { bubbles: true, clientX: b.x + b.width / 2, clientY: b.y + b.height / 2 }));
    var tip = document.getElementById('tip');
    shown = tip.style.display === 'block' ? tip.textContent : '';
  }
  var out = { charts: sizes, problems: window.__problems, findings: document.querySelectorAll('.findings li').length,
    tips: tips.length, shown: shown, title: document.title };
  var pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = JSON.stringify(out); document.body.appendChild(pre);
})();
</script>"#;

/// Loads `page` in Chromium and returns what the probe saw.
fn probe(page: &Path, work: &Path) -> serde_json::Value {
    let html = fs::read_to_string(page).unwrap();
    let watched =
        html.replacen("<head>", &format!("<head>\n{WATCH}"), 1).replacen("</body>", &format!("{PROBE}\n</body>"), 1);
    let copy = work.join("probed.html");
    fs::write(&copy, watched).unwrap();
    let out = browser(&work.join("profile-probe"))
        .args(["--dump-dom", "--virtual-time-budget=3000", "--window-size=1400,1000"])
        .arg(format!("file://{}", copy.display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom.find("<pre id=\"probe\">").unwrap_or_else(|| {
        panic!("the probe did not run: {}\n{}", &dom[..dom.len().min(500)], String::from_utf8_lossy(&out.stderr))
    });
    let rest = &dom[start + "<pre id=\"probe\">".len()..];
    let json = &rest[..rest.find("</pre>").unwrap()];
    let json = json.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("probe output {json}: {e}"))
}

/// Checks a page loads cleanly with `charts` charts laid out, and nothing
/// in it points outside the file.
fn loads_cleanly(page: &Path, work: &Path, charts: usize) -> serde_json::Value {
    let html = fs::read_to_string(page).unwrap();
    assert!(html.contains("Content-Security-Policy") && html.contains("default-src 'none'"));
    for pattern in [" src=\"", " href=\"", "url(", "@import", "<link", "<iframe", "<img"] {
        assert!(!html.contains(pattern), "{} holds {pattern}: it must load nothing", page.display());
    }
    let seen = probe(page, work);
    assert_eq!(seen["problems"].as_array().unwrap().len(), 0, "the browser reported problems: {seen}");
    let sizes = seen["charts"].as_array().unwrap();
    assert_eq!(sizes.len(), charts, "{seen}");
    for s in sizes {
        let (w, h) = (s[0].as_f64().unwrap(), s[1].as_f64().unwrap());
        assert!(w > 600.0 && h > 300.0 && (w / h - 16.0 / 9.0).abs() < 0.1, "a chart laid out at {w}x{h}: {seen}");
    }
    assert!(seen["findings"].as_u64().unwrap() >= 1, "{seen}");
    // Every chart carries its values; hovering one shows them at once.
    assert!(seen["tips"].as_u64().unwrap() as usize >= charts, "{seen}");
    assert!(!seen["shown"].as_str().unwrap().is_empty(), "no tooltip on hover: {seen}");
    seen
}

/// Share of a PNG's pixels that are not white.
fn inked(png_path: &Path) -> (u32, u32, f64) {
    let decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(png_path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let pixels = &buf[..info.buffer_size()];
    let dark = pixels.chunks(channels).filter(|p| p.iter().take(3).any(|&c| c < 235)).count();
    (info.width, info.height, dark as f64 / (pixels.len() / channels) as f64)
}

#[test]
fn run_report_loads_in_chromium_with_its_charts_findings_and_hover_values() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    staffsim().arg("run").arg(shipped("smb-saas.toml")).args(["-q", "-r", "3", "-o"]).arg(&out).assert().success();
    // The default writes the report and PNG charts beside the CSV files.
    let page = out.join("report.html");
    assert!(page.is_file() && out.join("service_level.png").is_file() && out.join("summary.csv").is_file());
    assert!(!out.join("service_level.svg").exists(), "SVG files are asked for (--format svg, both or all)");
    let charts = fs::read_dir(&out)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "png"))
        .count();
    let seen = loads_cleanly(&page, tmp.path(), charts);
    assert_eq!(seen["title"], "smb-saas: simulated desk");
    // Its words: the phones' lunch-hour dip and the email target missed.
    let html = fs::read_to_string(&page).unwrap();
    assert!(html.contains("phone meets 80% within 30s"), "phone's finding");
    assert!(html.contains("on weekdays 13:00\u{2013}15:00"), "the lunch-hour window is named");
    assert!(html.contains("email misses 80% within 1h"), "email's finding");
    assert!(html.contains("What this assumes") && html.contains("seed") && html.contains("[simulation]"));

    // A screenshot: the page is drawn, not blank.
    let shot = tmp.path().join("shot.png");
    let status = browser(&tmp.path().join("profile-shot"))
        .args(["--window-size=1400,2400", "--virtual-time-budget=3000"])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(shot.is_file(), "no screenshot: {}", String::from_utf8_lossy(&status.stderr));
    let (w, h, ink) = inked(&shot);
    assert_eq!((w, h), (1400, 2400));
    assert!(ink > 0.05, "the screenshot is {:.1}% ink: blank?", ink * 100.0);
    if let Ok(keep) = std::env::var("STAFFSIM_KEEP_SCREENSHOT") {
        fs::copy(&shot, keep).unwrap();
    }

    // Printed: landscape pages, a chart to a page.
    let pdf = tmp.path().join("report.pdf");
    browser(&tmp.path().join("profile-pdf"))
        .args(["--no-pdf-header-footer", "--virtual-time-budget=3000"])
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let info = Process::new("pdfinfo").arg(&pdf).output().expect("pdfinfo (poppler-utils) runs");
    let info = String::from_utf8_lossy(&info.stdout);
    let pages: usize = info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap();
    assert!(pages > charts, "{pages} pages for {charts} charts");
    let size = info.lines().find_map(|l| l.strip_prefix("Page size:")).unwrap();
    let dims: Vec<f64> = size.split_whitespace().filter_map(|x| x.parse().ok()).collect();
    assert!(dims[0] > dims[1], "pages are landscape: {size}");
}

#[test]
fn compare_staff_and_sweep_reports_load_cleanly() {
    let tmp = tempfile::tempdir().unwrap();
    let count = |dir: &Path| {
        fs::read_dir(dir)
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "png"))
            .count()
    };
    let out = tmp.path().join("compare");
    staffsim()
        .arg("compare")
        .arg(fixture("small.toml"))
        .args(["--policies", "fifo,lifo", "-q", "-r", "2", "-o"])
        .arg(&out)
        .assert()
        .success();
    let seen = loads_cleanly(&out.join("report.html"), tmp.path(), count(&out));
    assert!(seen["title"].as_str().unwrap().ends_with("backlog policies compared"));
    assert!(fs::read_to_string(out.join("report.html")).unwrap().contains("ranked by"));

    let out = tmp.path().join("staff");
    staffsim().arg("staff").arg(fixture("small.toml")).args(["-q", "-r", "2", "-o"]).arg(&out).assert().success();
    loads_cleanly(&out.join("report.html"), tmp.path(), count(&out));
    assert!(fs::read_to_string(out.join("report.html")).unwrap().contains("The schedule needs"));

    let out = tmp.path().join("sweep");
    let team = "support";
    let s = fs::read_to_string(fixture("small.toml")).unwrap();
    assert!(s.contains(&format!("name = \"{team}\"")), "the fixture's team");
    staffsim()
        .arg("sweep")
        .arg(fixture("small.toml"))
        .args(["--team", team, "--agents", "1..3", "-q", "-r", "2", "-o"])
        .arg(&out)
        .assert()
        .success();
    loads_cleanly(&out.join("report.html"), tmp.path(), count(&out));
}
