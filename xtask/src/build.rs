//! Building one widget or the shell with its own trunk config, and publishing the output as an
//! immutable release folder named by its content hash.
//!
//! A build never touches federation.json: publishing a folder makes nothing live. `deploy`
//! (deploy.rs) does that, so a half-finished build can never be served.

use crate::cli::Target;
use crate::fsx;
use crate::metadata::{Widget, Workspace};
use crate::tools;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Marker in host-shell/index.html and the shell's public_url, replaced by the build hash.
const SHELL_BUILD_MARKER: &str = "__SHELL_BUILD__";

/// A release folder written into a dist folder.
#[derive(Debug, Clone)]
pub struct Release {
    /// Content hash, also the folder name.
    pub build: String,
    /// The folder: `dist/widgets/<name>/<build>` or `dist/shell/<build>`.
    pub folder: PathBuf,
}

/// Builds what `target` names into `dist`. Returns the releases written (a widget's release is
/// not live until deployed; the shell's is, since it has no manifest entry).
pub fn build(
    workspace: &Workspace,
    target: &Target,
    dist: &Path,
) -> Result<Vec<(String, Release)>> {
    tools::setup(workspace)?;
    match target {
        Target::Shell => Ok(vec![("shell".into(), build_shell(workspace, dist)?)]),
        Target::Widget(name) => {
            let widget = workspace.widget(name)?;
            Ok(vec![(
                widget.name.clone(),
                build_widget(workspace, widget, dist)?,
            )])
        }
        Target::All => {
            let mut releases = vec![("shell".into(), build_shell(workspace, dist)?)];
            for widget in workspace.product_widgets() {
                releases.push((widget.name.clone(), build_widget(workspace, widget, dist)?));
            }
            Ok(releases)
        }
    }
}

/// Runs trunk for `name` into its staging folder and returns that folder.
fn trunk_build(workspace: &Workspace, name: &str) -> Result<PathBuf> {
    let staging = workspace.staging(name);
    eprintln!("xtask: building {name}");
    let started = std::time::Instant::now();
    tools::run(
        Command::new("trunk")
            .args(["build", "--release", "--config"])
            .arg(workspace.trunk_config(name))
            .arg("--dist")
            .arg(&staging)
            .env("PATH", tools::tool_path(workspace))
            .env("TRUNK_SKIP_VERSION_CHECK", "true")
            // Trunk's own log level; cargo's output still shows through.
            .env(
                "RUST_LOG",
                std::env::var("TRUNK_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .current_dir(&workspace.root),
    )
    .with_context(|| format!("trunk build of {name}"))?;
    eprintln!(
        "xtask: built {name} in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    Ok(staging)
}

/// Copies the named files of a staging folder (JavaScript minified) into `dist/<parent>/<hash>/` with
/// brotli and gzip siblings for the served code. Written to a temp name, then renamed, so the
/// folder appears complete or not at all. An identical build reuses the existing folder.
fn publish(
    workspace: &Workspace,
    staging: &Path,
    parent: &Path,
    files: &[PathBuf],
) -> Result<Release> {
    for file in files {
        if !staging.join(file).is_file() {
            bail!(
                "the build in {} has no {}",
                staging.display(),
                file.display()
            );
        }
    }
    let build = fsx::content_hash(staging, files)?;
    let folder = parent.join(&build);
    if folder.is_dir() {
        return Ok(Release { build, folder });
    }
    let temp = parent.join(format!(".{build}.{}.tmp", std::process::id()));
    for file in files {
        let source = staging.join(file);
        let bytes = match source.extension().and_then(|e| e.to_str()) {
            Some("js") => tools::minify_js(workspace, &source)?,
            _ => std::fs::read(&source)?,
        };
        let out = temp.join(file);
        std::fs::create_dir_all(out.parent().expect("a file in a folder"))?;
        std::fs::write(&out, &bytes)?;
        if matches!(
            out.extension().and_then(|e| e.to_str()),
            Some("js" | "wasm" | "css")
        ) {
            std::fs::write(append_ext(&out, "br"), fsx::brotli(&bytes))?;
            std::fs::write(append_ext(&out, "gz"), fsx::gzip(&bytes))?;
        }
    }
    std::fs::rename(&temp, &folder).with_context(|| format!("publishing {}", folder.display()))?;
    Ok(Release { build, folder })
}

fn append_ext(path: &Path, ext: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

pub fn build_widget(workspace: &Workspace, widget: &Widget, dist: &Path) -> Result<Release> {
    let staging = trunk_build(workspace, &widget.name)?;
    // Only the module and its wasm: trunk's index.html is just its build target, and its
    // staging folder can hold other crates' wasm-bindgen snippets (the output folder is shared).
    let (js, wasm) = widget_files(&widget.name);
    let module = std::fs::read_to_string(staging.join(&js))
        .with_context(|| format!("trunk wrote no {}", js.display()))?;
    if module.contains("./snippets/") {
        bail!(
            "{} imports wasm-bindgen snippets (inline_js or module=): the shell imports a widget from one verified file, so a widget cannot have them",
            widget.name
        );
    }
    let release = publish(
        workspace,
        &staging,
        &dist.join("widgets").join(&widget.name),
        &[js, wasm],
    )?;
    eprintln!(
        "xtask: {} release {} at {}",
        widget.name,
        release.build,
        release.folder.display()
    );
    Ok(release)
}

/// Builds the shell, publishes it under `dist/shell/<hash>/`, and points `dist/index.html` at it.
pub fn build_shell(workspace: &Workspace, dist: &Path) -> Result<Release> {
    let staging = trunk_build(workspace, "shell")?;
    let module = std::fs::read_to_string(staging.join("host-shell.js"))
        .context("trunk wrote no host-shell.js")?;
    let mut files: Vec<PathBuf> = [
        "host-shell.js",
        "host-shell_bg.wasm",
        "boot.js",
        "shell.css",
    ]
    .map(PathBuf::from)
    .into();
    files.extend(snippet_imports(&module));
    let release = publish(workspace, &staging, &dist.join("shell"), &files)?;
    let page = std::fs::read_to_string(staging.join("index.html"))
        .context("trunk wrote no index.html for the shell")?;
    if !page.contains(SHELL_BUILD_MARKER) {
        bail!("host-shell/index.html lost its {SHELL_BUILD_MARKER} marker");
    }
    // Trunk leaves its processed rust link in the page; the browser has no use for it.
    let page: String = page
        .lines()
        .filter(|l| !l.contains("data-trunk"))
        .map(|l| format!("{l}\n"))
        .collect();
    let page = page.replace(SHELL_BUILD_MARKER, &release.build);
    fsx::write_atomic(&dist.join("index.html.br"), &fsx::brotli(page.as_bytes()))?;
    fsx::write_atomic(&dist.join("index.html"), page.as_bytes())?;
    eprintln!("xtask: shell release {} is live", release.build);
    Ok(release)
}

/// A widget build's two files, relative to its folder: the ES module and its wasm.
pub fn widget_files(name: &str) -> (PathBuf, PathBuf) {
    (
        PathBuf::from(format!("{name}.js")),
        PathBuf::from(format!("{name}_bg.wasm")),
    )
}

/// The `./snippets/...` files a wasm-bindgen module imports (its `inline_js` and `module=` code).
fn snippet_imports(module: &str) -> Vec<PathBuf> {
    module
        .split("'./snippets/")
        .skip(1)
        .filter_map(|rest| rest.split('\'').next())
        .map(|path| PathBuf::from("snippets").join(path))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_snippets_a_module_imports() {
        let module = "import { loadWidget } from './snippets/host-shell-921e0f1a4fda4905/inline0.js';\nimport * as x from './other.js';";
        assert_eq!(
            snippet_imports(module),
            [PathBuf::from(
                "snippets/host-shell-921e0f1a4fda4905/inline0.js"
            )]
        );
        assert!(snippet_imports("export function mount() {}").is_empty());
    }
}
