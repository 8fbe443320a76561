//! `cargo xtask test`: every test. Unit and integration tests of the native crates, then the
//! browser tests: headless Chromium against the real API binary serving a real build.

use crate::cli::Target;
use crate::metadata::Workspace;
use crate::{deploy, size, tools};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Debian's chromium; the browser tests never download a browser.
const CHROMIUM: &str = "/usr/bin/chromium";

pub fn run(workspace: &Workspace) -> Result<()> {
    tools::setup(workspace)?;
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| CHROMIUM.into());
    if !Path::new(&chromium).exists() {
        bail!(
            "{chromium} is missing: install Debian's chromium (apt-get install chromium), or set CHROMIUM"
        );
    }

    eprintln!("xtask: unit and integration tests");
    // The workspace's default members are its native crates; the wasm crates are built by trunk.
    tools::run(
        Command::new(tools::cargo())
            .arg("test")
            .current_dir(&workspace.root),
    )?;

    eprintln!("xtask: building the front end for the browser tests");
    let dist = workspace.target_dir.join("e2e-dist");
    // A fresh deploy every run: the tests see exactly what this checkout builds.
    if dist.exists() {
        std::fs::remove_dir_all(&dist).with_context(|| format!("clearing {}", dist.display()))?;
    }
    deploy::deploy(workspace, &Target::All, &dist)?;
    deploy::deploy(workspace, &Target::Widget("probe".into()), &dist)?;
    // The size budget is part of correctness: a part over it fails the test command.
    size::report(&dist, true)?;
    tools::run(
        Command::new(tools::cargo())
            .args(["build", "-p", "api"])
            .current_dir(&workspace.root),
    )?;
    let api = api_binary(workspace)?;

    eprintln!("xtask: browser tests (headless Chromium)");
    tools::run(
        Command::new("node")
            .args(["--test", "--test-concurrency=1", "e2e/"])
            .current_dir(workspace.node_tools())
            .env("E2E_DIST", &dist)
            .env("E2E_API_BIN", &api)
            .env("E2E_WORKSPACE", &workspace.root)
            .env("E2E_CARGO", tools::cargo())
            .env("CHROMIUM", &chromium),
    )
    .context("browser tests failed")
}

fn api_binary(workspace: &Workspace) -> Result<PathBuf> {
    let path =
        workspace
            .target_dir
            .join("debug")
            .join(if cfg!(windows) { "api.exe" } else { "api" });
    if !path.is_file() {
        bail!("{} was not built", path.display());
    }
    Ok(path)
}
