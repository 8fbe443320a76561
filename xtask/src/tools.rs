//! The tools a build needs, installed when missing, and the environment to run them in.
//!
//! Everything comes from the package registries this project may use: the wasm target from
//! rustup, trunk and wasm-bindgen-cli from crates.io, wasm-opt (binaryen) and playwright-core
//! from npm. Trunk runs `offline`, so it never downloads a tool of its own.

use crate::metadata::Workspace;
use anyhow::{Context, Result, bail};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The trunk release measured to build with this toolchain (0.22 needs a newer rustc).
pub const TRUNK_VERSION: &str = "0.21.14";
/// The wasm-opt version trunk is told to expect (npm's binaryen 132; Debian's 108 is too old).
pub const WASM_OPT_VERSION: &str = "version_132";

/// Installs whatever is missing. Cheap when everything is there.
pub fn setup(workspace: &Workspace) -> Result<()> {
    ensure_wasm_target()?;
    let cargo_bin = cargo_bin_dir();
    if !version_matches(&cargo_bin.join("trunk"), &format!("trunk {TRUNK_VERSION}")) {
        eprintln!("xtask: installing trunk {TRUNK_VERSION} (a few minutes, once)");
        run(Command::new(cargo()).args([
            "install",
            "--locked",
            "trunk",
            "--version",
            TRUNK_VERSION,
        ]))?;
    }
    let bindgen = wasm_bindgen_version(workspace)?;
    if !version_matches(
        &cargo_bin.join("wasm-bindgen"),
        &format!("wasm-bindgen {bindgen}"),
    ) {
        eprintln!("xtask: installing wasm-bindgen-cli {bindgen}");
        // Not --locked: its lockfile pins a crate version the registry here lacks.
        run(Command::new(cargo()).args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &bindgen,
            "--force",
        ]))?;
    }
    let node = workspace.node_tools();
    let wasm_opt = node.join("node_modules/.bin/wasm-opt");
    if !version_matches(&wasm_opt, WASM_OPT_VERSION)
        || ["playwright-core", "axe-core", "terser"]
            .iter()
            .any(|tool| !node.join("node_modules").join(tool).exists())
    {
        eprintln!(
            "xtask: installing node tools (binaryen, terser, playwright-core, axe-core) from package-lock.json"
        );
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&node))?;
    }
    Ok(())
}

fn ensure_wasm_target() -> Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("running rustup")?;
    if !String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    Ok(())
}

/// The `wasm-bindgen` version Cargo.lock pins: the CLI must be exactly this one.
pub fn wasm_bindgen_version(workspace: &Workspace) -> Result<String> {
    let lock =
        std::fs::read_to_string(workspace.path("Cargo.lock")).context("reading Cargo.lock")?;
    lock_version(&lock, "wasm-bindgen").context("Cargo.lock has no wasm-bindgen package")
}

fn lock_version(lock: &str, package: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{package}\"") {
            let version = lines
                .next()?
                .trim()
                .strip_prefix("version = \"")?
                .strip_suffix('"')?;
            return Some(version.to_owned());
        }
    }
    None
}

/// Whether `binary --version` runs and mentions `expected`.
fn version_matches(binary: &Path, expected: &str) -> bool {
    Command::new(binary)
        .arg("--version")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains(expected))
}

pub fn cargo() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

fn cargo_bin_dir() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
        .join("bin")
}

/// PATH with the npm tools (wasm-opt) and cargo's bin folder (trunk, wasm-bindgen) first.
pub fn tool_path(workspace: &Workspace) -> OsString {
    let mut paths = vec![
        workspace.node_tools().join("node_modules/.bin"),
        cargo_bin_dir(),
    ];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).expect("PATH entries have no separator in them")
}

/// `file` minified by terser as an ES module. wasm-bindgen's glue shrinks by half (about
/// 1.5 KB of brotli per widget); trunk's own minifier gave up on it and copied it unchanged.
pub fn minify_js(workspace: &Workspace, file: &Path) -> Result<Vec<u8>> {
    let terser = workspace.node_tools().join("node_modules/.bin/terser");
    let output = Command::new(&terser)
        .arg(file)
        .args(["--module", "--compress", "--mangle"])
        .output()
        .with_context(|| format!("starting {}", terser.display()))?;
    if !output.status.success() || output.stdout.is_empty() {
        bail!(
            "terser failed on {}: {}",
            file.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(output.stdout)
}

/// Runs a command to completion, failing with its name if it fails.
pub fn run(command: &mut Command) -> Result<()> {
    let status = command
        .status()
        .with_context(|| format!("starting {command:?}"))?;
    if !status.success() {
        bail!("{command:?} failed ({status})");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_package_version_from_a_lockfile() {
        let lock = "[[package]]\nname = \"wasm-bindgen-shared\"\nversion = \"9.9.9\"\n\n[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(
            lock_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(lock_version(lock, "yew"), None);
    }

    /// trunk must be told the exact wasm-bindgen of Cargo.lock, or it refuses to build offline;
    /// this catches a dependency bump that forgot the Trunk.toml files.
    #[test]
    fn every_trunk_config_names_the_locked_wasm_bindgen_and_the_npm_wasm_opt() {
        let workspace = Workspace::load().unwrap();
        let bindgen = wasm_bindgen_version(&workspace).unwrap();
        let configs = std::fs::read_dir(workspace.path("trunk-configs")).unwrap();
        let mut seen = 0;
        for config in configs {
            let path = config.unwrap().path().join("Trunk.toml");
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                text.contains(&format!("wasm_bindgen = \"{bindgen}\"")),
                "{} pins another wasm-bindgen",
                path.display()
            );
            assert!(
                text.contains(&format!("wasm_opt = \"{WASM_OPT_VERSION}\"")),
                "{}",
                path.display()
            );
            assert!(
                text.contains("offline = true"),
                "{} may download tools",
                path.display()
            );
            seen += 1;
        }
        assert_eq!(seen, 18, "shell + sixteen widgets + probe");
    }
}
