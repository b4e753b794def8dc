//! Puts the commit staffsim is built from into `--version` ("0.1.0 (abc123def456)"),
//! when built from a git checkout with git installed; nothing otherwise.

use std::process::Command;

fn main() {
    let commit = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let dirty = Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=no"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .is_some_and(|o| !o.stdout.is_empty());
    let built_from = match commit {
        Some(c) => format!(" ({c}{})", if dirty { ", modified" } else { "" }),
        None => String::new(),
    };
    println!("cargo:rustc-env=STAFFSIM_BUILT_FROM={built_from}");
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/index");
    println!("cargo:rerun-if-changed=.git/refs");
}
