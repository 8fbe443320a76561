//! `cargo xtask test`: every test. Unit and integration tests of the native crates (the API's
//! on SQLite, then again on a pool of one connection), the API's integration tests again on a
//! throwaway PostgreSQL cluster, Schemathesis against the real API binary as every role
//! (`schemathesis`), the contract-test kit against it (`contract_test`: every answer decoded
//! into the `contracts` types, every widget's operations checked), then the browser tests:
//! headless Chromium against the real API binary serving a real build.

use crate::cli::Target;
use crate::metadata::Workspace;
use crate::{contract_test, deploy, postgres, schemathesis, size, system, tools};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Debian's chromium; the browser tests never download a browser.
const CHROMIUM: &str = "/usr/bin/chromium";

/// The api's features in every build of the test run: `failpoints`, for the crash tests that
/// kill a server process at a named point. One feature set for every step, so the api is
/// compiled once (the browser tests' server is that same build; it sets no fault point).
const API_FEATURES: &str = "api/failpoints";

pub fn run(workspace: &Workspace) -> Result<()> {
    // Debian's chromium, chromium-driver, node, npm, postgresql (with its client's pg_dump and
    // pg_restore) and poppler-utils, when missing (as root).
    system::ensure_packages()?;
    tools::setup(workspace)?;
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| CHROMIUM.into());
    if !Path::new(&chromium).exists() {
        bail!(
            "{chromium} is missing: install Debian's chromium (apt-get install chromium), or set CHROMIUM"
        );
    }
    // Checked before anything runs: a missing server would otherwise fail minutes in.
    let postgres_bin = postgres::find_binaries()?;

    eprintln!("xtask: unit and integration tests (API on SQLite)");
    // The workspace's default members are its native crates; the wasm crates are built by trunk.
    tools::run(
        Command::new(tools::cargo())
            .args(["test", "--features", API_FEATURES])
            // This pass is the SQLite one, whatever the caller's shell has set.
            .env_remove("TEST_DATABASE_URL")
            .current_dir(&workspace.root),
    )?;

    eprintln!("xtask: API integration tests on SQLite with a pool of one connection");
    // A use case that holds a pooled connection while it takes another waits on itself here
    // (the acquire times out and the test fails), where with ten connections it would only
    // fail under a burst of requests.
    tools::run(
        Command::new(tools::cargo())
            .args([
                "test",
                "-p",
                "api",
                "--test",
                "api",
                "--features",
                API_FEATURES,
            ])
            .env_remove("TEST_DATABASE_URL")
            .env("TEST_DATABASE_MAX_CONNECTIONS", "1")
            .current_dir(&workspace.root),
    )
    .context("API integration tests on a pool of one connection failed")?;

    eprintln!("xtask: unit tests of the widgets (native)");
    // Widget crates are not default members (trunk builds them for wasm), but their pure logic
    // (the auth widget's `next` handling and QR drawing, the catalog's filters in the URL, the
    // checkout's idempotency key per attempt, the kit's chart scales, the product manager's
    // hand-written request bodies, the shell's toasts held by pointer or focus) is tested
    // natively.
    tools::run(
        Command::new(tools::cargo())
            .args([
                "test",
                "-p",
                "widget-kit",
                "-p",
                "auth",
                "-p",
                "product",
                "-p",
                "checkout",
                "-p",
                "shop-kit",
                "-p",
                "host-shell",
            ])
            .current_dir(&workspace.root),
    )?;

    eprintln!("xtask: API integration tests on PostgreSQL (throwaway cluster)");
    let cluster = postgres::Cluster::start(&postgres_bin)?;
    tools::run(
        Command::new(tools::cargo())
            .args([
                "test",
                "-p",
                "api",
                "--test",
                "api",
                "--features",
                API_FEATURES,
            ])
            .env("TEST_DATABASE_URL", cluster.url())
            // The backup tests' `pg_dump` and `pg_restore`: the cluster's own version first.
            .env("PATH", path_with(&postgres_bin)?)
            .current_dir(&workspace.root),
    )
    .context("API integration tests on PostgreSQL failed")?;
    drop(cluster);

    eprintln!("xtask: building the front end for the browser tests");
    let dist = workspace.target_dir.join("e2e-dist");
    // A fresh deploy every run: the tests see exactly what this checkout builds.
    if dist.exists() {
        std::fs::remove_dir_all(&dist).with_context(|| format!("clearing {}", dist.display()))?;
    }
    deploy::deploy(workspace, &Target::All, &dist, None)?;
    deploy::deploy(workspace, &Target::Widget("probe".into()), &dist, None)?;
    // The size budget is part of correctness: a part over it fails the test command.
    size::report(&dist, true)?;
    tools::run(
        Command::new(tools::cargo())
            .args(["build", "-p", "api", "--features", API_FEATURES])
            .current_dir(&workspace.root),
    )?;
    let api = api_binary(workspace)?;

    eprintln!("xtask: Schemathesis against the API as every role");
    schemathesis::run(workspace, &api)?;

    eprintln!("xtask: the contract-test kit against the API as every role");
    contract_test::against_test_server(workspace, &api)?;

    // The servers the browser tests start migrate this database; without it they would create
    // `data/bazaar.db` under xtask/js, their working directory. Fresh every run.
    let e2e_data = workspace.target_dir.join("e2e-data");
    if e2e_data.exists() {
        std::fs::remove_dir_all(&e2e_data)
            .with_context(|| format!("clearing {}", e2e_data.display()))?;
    }
    let e2e_database_url = format!("sqlite://{}", e2e_data.join("bazaar.db").display());

    eprintln!("xtask: browser tests (headless Chromium)");
    tools::run(
        Command::new("node")
            .args(["--test", "--test-concurrency=1", "e2e/"])
            .current_dir(workspace.node_tools())
            .env("E2E_DIST", &dist)
            .env("E2E_API_BIN", &api)
            .env("E2E_WORKSPACE", &workspace.root)
            .env("E2E_CARGO", tools::cargo())
            .env("DATABASE_URL", e2e_database_url)
            .env("CHROMIUM", &chromium),
    )
    .context("browser tests failed")
}

/// `cargo xtask schemathesis`: the test command's Schemathesis step alone, on a fresh build.
pub fn schemathesis_only(workspace: &Workspace) -> Result<()> {
    tools::run(
        Command::new(tools::cargo())
            .args(["build", "-p", "api", "--features", API_FEATURES])
            .current_dir(&workspace.root),
    )?;
    schemathesis::run(workspace, &api_binary(workspace)?)
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

/// `PATH` with `dir` first.
fn path_with(dir: &Path) -> Result<std::ffi::OsString> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(dir.to_owned()).chain(std::env::split_paths(&path)))
        .context("building PATH")
}
