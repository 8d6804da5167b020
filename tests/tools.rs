//! The test tooling itself: `npm_project` installs a committed npm project
//! once, even when several tests ask for it at the same time, and reinstalls
//! it when its lockfile changes.

use std::process::Command;
use std::thread;

use roomauth_suite::tools;

/// The Express baseline is the smallest committed npm project.
const PROJECT: &str = "examples/express-baseline";

#[test]
fn parallel_callers_share_one_install_and_node_finds_the_packages() {
    let projects: Vec<tools::NpmProject> = (0..4)
        .map(|_| thread::spawn(|| tools::npm_project(PROJECT)))
        .collect::<Vec<_>>()
        .into_iter()
        .map(|handle| handle.join().expect("npm_project"))
        .collect();
    for project in &projects {
        assert!(project.dir().join("node_modules/express").is_dir());
    }
    let output = projects[0]
        .node("-e")
        .arg("console.log(require('express/package.json').name)")
        .output()
        .expect("run node");
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "express");
}

#[test]
fn a_missing_project_says_what_is_wrong() {
    let panic = thread::spawn(|| tools::npm_project("tests/no-such-npm-project"))
        .join()
        .expect_err("no package.json");
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.contains("has no package.json"), "{message}");
}

#[test]
fn a_cargo_tool_must_be_listed_for_the_ci_head_start() {
    let panic = thread::spawn(|| tools::cargo_tool("not-a-listed-tool", "1.0.0", "x"))
        .join()
        .expect_err("not listed");
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        message.contains("tests/support/cargo-tools.txt"),
        "{message}"
    );
}

#[test]
fn the_cache_lives_in_the_target_dir() {
    let dir = tools::cache_dir();
    assert!(dir.ends_with("roomauth-tools"), "{}", dir.display());
    let exe = std::env::current_exe().unwrap();
    assert!(exe.starts_with(dir.parent().unwrap()), "{}", exe.display());
    // `node` is what npm_project needs besides npm.
    assert!(
        Command::new("node")
            .arg("--version")
            .status()
            .unwrap()
            .success()
    );
}
