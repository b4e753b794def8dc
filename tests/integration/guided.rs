//! `init --guided`: answered through a real pseudo-terminal, and refused
//! without one.

use std::time::{Duration, Instant};

use expectrl::{Eof, Expect, Session};

#[test]
fn guided_refuses_without_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.toml");
    let started = Instant::now();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("staffsim"))
        .args(["init", "--guided"])
        .arg(&path)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: ") && err.contains("staffsim init") && err.contains("terminal"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!path.exists());
}

#[test]
fn guided_answers_through_a_terminal_write_a_valid_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("acme.toml");
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("staffsim"));
    cmd.args(["init", "--guided"]).arg(&path).env("NO_COLOR", "1");
    let mut p = Session::spawn(cmd).unwrap();
    p.set_expect_timeout(Some(Duration::from_secs(30)));
    let down = "\x1b[B";
    let steps: Vec<(&str, String)> = vec![
        ("Name of the desk", "\r".into()),
        ("How do you know your volume", format!("{down}\r")),
        ("How many tickets per month", "7200\r".into()),
        ("Which channels", format!("{down}{down}{down}{down} \r")),
        ("Share of email", "\r".into()),
        ("Handle time of one email", "\r".into()),
        ("Service level for email", "\r".into()),
        ("Share of chat", "50\r".into()),
        ("Handle time of one chat", "4m..7m\r".into()),
        ("Service level for chat", "\r".into()),
        ("Handle time of one phone", "\r".into()),
        ("Service level for phone", "\r".into()),
        ("Open on which days", "\r".into()),
        ("Opening time", "08:00\r".into()),
        ("Closing time", "\r".into()),
        ("Time zone", "+01:00\r".into()),
        ("Name of team 1", "\r".into()),
        ("Agents in support", "12\r".into()),
        ("Which channels does support answer", "\r".into()),
        ("Add another team", "\r".into()),
        ("Check it now", "y\r".into()),
        ("Work out the staffing now", "n\r".into()),
    ];
    let mut seen = String::new();
    for (prompt, keys) in steps {
        let found = p.expect(prompt).unwrap_or_else(|e| panic!("waiting for {prompt:?}: {e}"));
        seen.push_str(&String::from_utf8_lossy(found.before()));
        std::thread::sleep(Duration::from_millis(50));
        p.send(keys.as_str()).unwrap();
    }
    let rest = p.expect(Eof).unwrap();
    seen.push_str(&String::from_utf8_lossy(rest.as_bytes()));
    assert!(seen.contains("is valid: acme"), "{seen}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("volume = \"3600/month\""), "{text}");
    assert!(text.contains("agents = 12"), "{text}");
    assert!(text.contains("mean = \"4m..7m\""), "{text}");
    assert!(text.contains("hours = \"mon-fri 08:00-18:00\""), "{text}");
    assert!(text.contains("timezone = \"+01:00\""), "{text}");
    assert_cmd::Command::cargo_bin("staffsim").unwrap().arg("check").arg(&path).assert().success();
}
