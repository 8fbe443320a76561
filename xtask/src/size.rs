//! The size report: bytes the browser downloads for the shell and each live widget, raw, gzip
//! and brotli, printed as a table and written to `dist/size-report.json`.

use crate::fsx;
use anyhow::{Context, Result, bail};
use contracts::federation::Manifest;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Budget per widget and for the shell, brotli-compressed wasm + js (issue 2), in bytes.
pub const BUDGET_BROTLI: u64 = 100_000;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    pub name: String,
    pub build: String,
    pub wasm: Sizes,
    pub js: Sizes,
    pub total: Sizes,
    pub budget_brotli: u64,
    pub within_budget: bool,
}

#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct Sizes {
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

impl Sizes {
    fn of(bytes: &[u8]) -> Sizes {
        Sizes {
            raw: bytes.len() as u64,
            gzip: fsx::gzip(bytes).len() as u64,
            brotli: fsx::brotli(bytes).len() as u64,
        }
    }
    fn plus(self, other: Sizes) -> Sizes {
        Sizes {
            raw: self.raw + other.raw,
            gzip: self.gzip + other.gzip,
            brotli: self.brotli + other.brotli,
        }
    }
}

pub fn report(dist: &Path, check: bool) -> Result<()> {
    let rows = measure(dist)?;
    println!(
        "{:<14} {:<17} {:>9} {:>9} {:>9} {:>8} {:>8} {:>8} {:>9} {:>7}",
        "part",
        "build",
        "wasm raw",
        "wasm gz",
        "wasm br",
        "js raw",
        "js gz",
        "js br",
        "total br",
        "budget"
    );
    for row in &rows {
        println!(
            "{:<14} {:<17} {:>9} {:>9} {:>9} {:>8} {:>8} {:>8} {:>9} {:>7}",
            row.name,
            row.build,
            row.wasm.raw,
            row.wasm.gzip,
            row.wasm.brotli,
            row.js.raw,
            row.js.gzip,
            row.js.brotli,
            row.total.brotli,
            if row.within_budget { "ok" } else { "OVER" }
        );
    }
    let path = dist.join("size-report.json");
    fsx::write_atomic(&path, &serde_json::to_vec_pretty(&rows)?)?;
    println!(
        "(bytes; budget {BUDGET_BROTLI} brotli per part; written to {})",
        path.display()
    );
    let over: Vec<&str> = rows
        .iter()
        .filter(|r| !r.within_budget)
        .map(|r| r.name.as_str())
        .collect();
    if check && !over.is_empty() {
        bail!("over the size budget: {}", over.join(", "));
    }
    Ok(())
}

pub fn measure(dist: &Path) -> Result<Vec<Row>> {
    let mut rows = vec![shell_row(dist)?];
    let manifest: Manifest = serde_json::from_slice(
        &std::fs::read(dist.join("federation.json")).context("no federation.json: deploy first")?,
    )?;
    for entry in &manifest.widgets {
        let file = |url: &str| dist.join(url.trim_start_matches('/'));
        rows.push(row(
            &entry.name,
            &entry.build,
            &[file(&entry.wasm)],
            &[file(&entry.entry)],
        )?);
    }
    Ok(rows)
}

/// The live shell: the build `dist/index.html` points at; its code is every .js and .wasm there.
fn shell_row(dist: &Path) -> Result<Row> {
    let page = std::fs::read_to_string(dist.join("index.html"))
        .context("no dist/index.html: build the shell first")?;
    let build = page
        .split("/shell/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .context("dist/index.html does not reference /shell/<build>/")?
        .to_owned();
    let folder = dist.join("shell").join(&build);
    let files = fsx::files_under(&folder, |_| false)?;
    let pick = |ext: &str| -> Vec<PathBuf> {
        files
            .iter()
            .filter(|f| f.extension().is_some_and(|e| e == ext))
            .map(|f| folder.join(f))
            .collect()
    };
    row("shell", &build, &pick("wasm"), &pick("js"))
}

fn row(name: &str, build: &str, wasm: &[PathBuf], js: &[PathBuf]) -> Result<Row> {
    let sum = |files: &[PathBuf]| -> Result<Sizes> {
        files.iter().try_fold(Sizes::default(), |acc, f| {
            Ok(acc.plus(Sizes::of(
                &std::fs::read(f).with_context(|| format!("reading {}", f.display()))?,
            )))
        })
    };
    let (wasm, js) = (sum(wasm)?, sum(js)?);
    let total = wasm.plus(js);
    Ok(Row {
        name: name.to_owned(),
        build: build.to_owned(),
        wasm,
        js,
        total,
        budget_brotli: BUDGET_BROTLI,
        within_budget: total.brotli <= BUDGET_BROTLI,
    })
}
