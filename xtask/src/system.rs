//! The Debian packages the test command needs, installed with apt-get when missing (as root),
//! so the README's `cargo xtask test` alone passes on a fresh machine; `.ci/run` only calls it.

use crate::tools;
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::Command;

/// What `cargo xtask test` needs from Debian, and how to tell each is there.
const PACKAGES: &[(&str, Probe)] = &[
    ("chromium", Probe::Command("chromium")),
    ("chromium-driver", Probe::Command("chromedriver")),
    ("nodejs", Probe::Command("node")),
    ("npm", Probe::Command("npm")),
    // `pdftotext`: the API tests read the invoice and credit-note PDFs as a reader would.
    ("poppler-utils", Probe::Command("pdftotext")),
    // Debian puts the server binaries under /usr/lib/postgresql/<major>/bin, off PATH.
    (
        "postgresql",
        Probe::Glob("/usr/lib/postgresql", "bin/pg_ctl"),
    ),
    // `pg_dump` and `pg_restore`, which `api backup` and `api restore` run on PostgreSQL (the
    // server package depends on it; named so a machine with a server alone gets it too).
    (
        "postgresql-client",
        Probe::Glob("/usr/lib/postgresql", "bin/pg_dump"),
    ),
    // `python3 -m venv` for Schemathesis's virtualenv (`schemathesis`): Debian splits
    // ensurepip into python3-venv.
    (
        "python3-venv",
        Probe::Glob("/usr/lib", "ensurepip/__init__.py"),
    ),
];

enum Probe {
    Command(&'static str),
    /// Some directory under the first path holds the second.
    Glob(&'static str, &'static str),
}

impl Probe {
    fn present(&self) -> bool {
        match self {
            Probe::Command(name) => on_path(name),
            Probe::Glob(dir, file) => std::fs::read_dir(dir)
                .map(|entries| {
                    entries
                        .flatten()
                        .any(|entry| entry.path().join(file).is_file())
                })
                .unwrap_or(false),
        }
    }
}

fn on_path(name: &str) -> bool {
    std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).any(|dir| dir.join(name).is_file()))
        .unwrap_or(false)
}

/// Installs the missing packages with apt-get. Cheap when everything is there.
pub fn ensure_packages() -> Result<()> {
    let missing: Vec<&str> = PACKAGES
        .iter()
        .filter(|(_, probe)| !probe.present())
        .map(|(package, _)| *package)
        .collect();
    install(&missing)
}

/// `apt-get install` of `packages` (nothing when empty); needs root, says so otherwise.
pub fn install(packages: &[&str]) -> Result<()> {
    if packages.is_empty() {
        return Ok(());
    }
    if !Path::new("/usr/bin/apt-get").exists() {
        bail!("missing {packages:?} and no apt-get here: install them by hand");
    }
    if !is_root() {
        bail!(
            "missing {packages:?}: run as root, or `sudo apt-get install {}`",
            packages.join(" ")
        );
    }
    eprintln!("xtask: installing {} (apt-get)", packages.join(" "));
    tools::run(
        Command::new("apt-get")
            .args(["update", "-qq"])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
    .context("apt-get update")?;
    tools::run(
        Command::new("apt-get")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(packages)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
    .context("apt-get install")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
        .unwrap_or(false)
}
