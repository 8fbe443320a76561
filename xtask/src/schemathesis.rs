//! The contract test of the test command: Schemathesis (pinned, in a virtualenv of its own)
//! against the real API binary on SQLite, as a guest, a customer, a seller and an
//! administrator signed in with a second factor, with every check and every phase (the
//! stateful one follows the document's links), at a fixed seed and at a random one printed
//! for replay. The exclusions are in `xtask/schemathesis.toml`, each with its reason.

use crate::bench::http::{register_buyer, sign_in, sign_in_admin};
use crate::bench::{Server, tempfile_dir};
use crate::metadata::Workspace;
use crate::tools;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// The Schemathesis release the test command installs from PyPI.
const VERSION: &str = "4.32.5";
/// The seed every run repeats; the second run's seed is drawn and printed.
const FIXED_SEED: u64 = 1;
/// Roles whose failures are printed but do not fail the run yet: the document does not state
/// every rule their operations validate (pincode, phone, state code, page sizes of the seller's
/// and the back office's listings, shop applications). Issue 11 item 1: empty this list as
/// those constraints land; anonymous is held to zero failures now.
const OPEN_ROLES: &[&str] = &["customer", "seller", "admin"];

/// Examples per operation and phase: enough to find what the document gets wrong, few enough
/// that the four roles fit the budget (at most five minutes in all).
const MAX_EXAMPLES: &str = "10";

/// The `st` of the virtualenv under the target directory, installed (pinned) when missing or
/// of another version.
pub fn ensure_installed(workspace: &Workspace) -> Result<PathBuf> {
    let venv = workspace.target_dir.join("schemathesis-venv");
    let st = venv.join("bin").join("st");
    let installed = Command::new(&st)
        .arg("--version")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains(VERSION));
    if !installed {
        eprintln!(
            "xtask: installing schemathesis=={VERSION} into {}",
            venv.display()
        );
        tools::run(Command::new("python3").args(["-m", "venv"]).arg(&venv))
            .context("creating the Schemathesis virtualenv (apt-get install python3-venv)")?;
        tools::run(Command::new(venv.join("bin").join("pip")).args([
            "install",
            "--quiet",
            &format!("schemathesis=={VERSION}"),
        ]))?;
    }
    Ok(st)
}

/// Runs Schemathesis as every role against `api` (the debug binary the test command built).
pub fn run(workspace: &Workspace, api: &Path) -> Result<()> {
    let started = Instant::now();
    let st = ensure_installed(workspace)?;
    let data = tempfile_dir(&workspace.target_dir.join("schemathesis-data"))?;
    let database_url = format!("sqlite://{}", data.join("bazaar.db").display());
    // The demo accounts (customer, seller with an approved shop and a catalog, administrator).
    tools::run(
        Command::new(api)
            .arg("seed-demo")
            .env("DATABASE_URL", &database_url)
            .env("DEV_KEY_DIR", &data)
            .env("RUST_LOG", "warn")
            .current_dir(&data),
    )?;
    let server = Server::start(
        Command::new(api)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .env("DATABASE_URL", &database_url)
            .env("DEV_KEY_DIR", &data)
            .env("DIST_DIR", data.join("no-dist"))
            // One client from one address: the limits would answer 429 to most of the run.
            .env("RATE_LIMIT_API_PER_MINUTE", "0")
            .env("RATE_LIMIT_LOGIN", "0")
            .env("RATE_LIMIT_LOGIN_ACCOUNT", "0")
            .env("RATE_LIMIT_MFA", "0")
            .env("RATE_LIMIT_PASSWORD_RESET", "0")
            .env("RATE_LIMIT_REGISTER", "0")
            .env("RATE_LIMIT_ORDERS", "0")
            .env("RUST_LOG", "warn")
            .current_dir(&data),
    )?;
    let addr = &server.addr;
    let roles = [
        ("anonymous", None),
        // A new customer (the demo customer's cart and orders stay as seeded).
        (
            "customer",
            Some(register_buyer(addr, "contract@example.com")?.0),
        ),
        (
            "seller",
            Some(sign_in(addr, "seller@bazaar.test", "demo-seller-pass")?),
        ),
        (
            "admin",
            Some(sign_in_admin(addr, "admin@bazaar.test", "demo-admin-pass")?),
        ),
    ];
    let random_seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(7, |elapsed| elapsed.as_secs());
    eprintln!("xtask: schemathesis seeds {FIXED_SEED} and {random_seed} (replay: --seed N)");
    let config = workspace.root.join("xtask").join("schemathesis.toml");
    let mut failed = Vec::new();
    for seed in [FIXED_SEED, random_seed] {
        for (role, token) in &roles {
            eprintln!("xtask: schemathesis as {role}, seed {seed}");
            let mut command = Command::new(&st);
            command
                .arg("--config-file")
                .arg(&config)
                .args(["run", &format!("http://{addr}/api/v1/openapi.json")])
                .args(["--url", &format!("http://{addr}/api/v1")])
                .args(["--checks", "all", "--max-examples", MAX_EXAMPLES])
                .args(["--seed", &seed.to_string()])
                .arg("--no-color");
            if let Some(token) = token {
                command.args(["-H", &format!("Authorization: Bearer {token}")]);
            }
            if tools::run(&mut command).is_err() {
                failed.push((*role, seed));
            }
        }
    }
    drop(server);
    eprintln!(
        "xtask: schemathesis took {:.0} s for four roles at two seeds",
        started.elapsed().as_secs_f64()
    );
    let (open, fatal): (Vec<_>, Vec<_>) = failed
        .iter()
        .partition(|(role, _)| OPEN_ROLES.contains(role));
    let list = |runs: &[&(&str, u64)]| {
        runs.iter()
            .map(|(role, seed)| format!("{role} at seed {seed}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !open.is_empty() {
        eprintln!(
            "xtask: schemathesis failures of roles still open (OPEN_ROLES, not fatal yet): {}",
            list(&open)
        );
    }
    if !fatal.is_empty() {
        bail!("schemathesis found failures: {}", list(&fatal));
    }
    Ok(())
}
