//! Making a widget release live, rolling it back, pruning old releases.
//!
//! `dist/federation.json` is the live manifest; each widget also keeps
//! `dist/widgets/<name>/releases.json`, the entries it has had live, newest last. Deploy pushes
//! an entry, rollback pops the newest and re-points the manifest at the one below it; both end
//! with one atomic rename of federation.json, so a reader sees the old manifest or the new one.

use crate::build::{self, Release};
use crate::cli::Target;
use crate::contract_test::compat;
use crate::fsx;
use crate::metadata::{Widget, Workspace};
use anyhow::{Context, Result, bail};
use contracts::federation::{LAYOUT_SLOTS, MANIFEST_SCHEMA_VERSION, Manifest, WidgetEntry};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// A widget's deployment history.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Releases {
    /// Entries that have been live, oldest first; the last one is live now.
    pub live_history: Vec<Deployed>,
    /// Entries taken down by a rollback; kept (with their folders) until pruned.
    #[serde(default)]
    pub rolled_back: Vec<Deployed>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployed {
    /// Unix seconds.
    pub deployed_at: u64,
    pub entry: WidgetEntry,
}

/// `api`: the URL of the API the widgets are deployed against (`--api`). Its document is
/// checked before anything is built: a widget calling an operation it lacks, or sending one
/// a body its schema rejects, is refused, and every live entry's verdict is recorded in the
/// manifest (`incompatible`), so the shell shows a fallback for those that no longer fit.
pub fn deploy(
    workspace: &Workspace,
    target: &Target,
    dist: &Path,
    api: Option<&str>,
) -> Result<()> {
    if let Some(api) = api {
        let doc = compat::fetch(api)?;
        compat::mark_manifest(dist, &doc, api)?;
        let widgets: Vec<&Widget> = match target {
            Target::Shell => Vec::new(),
            Target::Widget(name) => vec![workspace.widget(name)?],
            Target::All => workspace.product_widgets().collect(),
        };
        let shell = matches!(target, Target::Shell | Target::All)
            .then(|| compat::check_shell(workspace, &doc));
        let refused: Vec<String> = widgets
            .into_iter()
            .map(|widget| compat::check_widget(widget, &doc))
            .chain(shell)
            .filter(|check| !check.issues.is_empty())
            .map(|check| format!("{}: {}", check.name, check.issues.join("; ")))
            .collect();
        if !refused.is_empty() {
            bail!(
                "refused: not compatible with the API at {api} (nothing was built or made live):\n  {}",
                refused.join("\n  ")
            );
        }
    }
    let releases = build::build(workspace, target, dist)?;
    for (name, release) in releases {
        if name == "shell" {
            continue; // live as soon as built: index.html already points at it
        }
        let widget = workspace.widget(&name)?;
        let entry = entry_for(workspace, widget, &release)?;
        make_live(dist, entry)?;
    }
    Ok(())
}

/// The manifest entry of a published release.
fn entry_for(workspace: &Workspace, widget: &Widget, release: &Release) -> Result<WidgetEntry> {
    let (js, wasm) = build::widget_files(&widget.name);
    let url = |file: &Path| {
        format!(
            "/widgets/{}/{}/{}",
            widget.name,
            release.build,
            file.display()
        )
    };
    let sri = |file: &Path| -> Result<String> {
        Ok(fsx::sri_sha384(&std::fs::read(release.folder.join(file))?))
    };
    Ok(WidgetEntry {
        name: widget.name.clone(),
        version: widget.version.clone(),
        contract_version: workspace.contract_version.clone(),
        build: release.build.clone(),
        entry: url(&js),
        wasm: url(&wasm),
        integrity: sri(&js)?,
        wasm_integrity: sri(&wasm)?,
        routes: widget.routes.clone(),
        slots: widget.slots.clone(),
        nav: widget.nav.clone(),
        access: widget.access.clone(),
        operations: widget.operations.clone(),
        // A release goes live only compatible (or unchecked): `deploy --api` refuses others.
        incompatible: None,
    })
}

/// Records `entry` as the widget's live release and swaps it into the manifest.
pub fn make_live(dist: &Path, entry: WidgetEntry) -> Result<()> {
    let _lock = lock(dist)?;
    // Check the manifest this would produce before recording anything.
    let manifest = with_entry(dist, entry.clone())?;
    let mut releases = read_releases(dist, &entry.name)?;
    if releases
        .live_history
        .last()
        .is_some_and(|live| live.entry == entry)
    {
        eprintln!(
            "xtask: {} build {} is already live",
            entry.name, entry.build
        );
    } else {
        releases.live_history.push(Deployed {
            deployed_at: now(),
            entry: entry.clone(),
        });
        write_releases(dist, &entry.name, &releases)?;
    }
    write_manifest(dist, &manifest, &entry)
}

pub fn rollback(dist: &Path, widget: &str) -> Result<()> {
    let _lock = lock(dist)?;
    let mut releases = read_releases(dist, widget)?;
    if releases.live_history.len() < 2 {
        bail!("{widget} has no earlier release to roll back to");
    }
    let taken_down = releases.live_history.pop().expect("two or more");
    let back = releases
        .live_history
        .last()
        .expect("one or more")
        .entry
        .clone();
    if !dist.join(back.entry.trim_start_matches('/')).is_file() {
        bail!(
            "release {} of {widget} was pruned; it cannot be made live again",
            back.build
        );
    }
    let manifest = with_entry(dist, back.clone())?;
    releases.rolled_back.push(taken_down);
    write_releases(dist, widget, &releases)?;
    eprintln!("xtask: {widget} rolled back to build {}", back.build);
    write_manifest(dist, &manifest, &back)
}

/// Deletes release folders beyond the newest `keep` live ones of each widget, rolled-back
/// releases included. The live release is never deleted.
pub fn prune(dist: &Path, keep: usize) -> Result<()> {
    let _lock = lock(dist)?;
    prune_shell(dist, keep)?;
    let widgets_dir = dist.join("widgets");
    let Ok(widgets) = std::fs::read_dir(&widgets_dir) else {
        return Ok(());
    };
    for widget in widgets {
        let widget = widget?.file_name().to_string_lossy().into_owned();
        let mut releases = read_releases(dist, &widget)?;
        let cut = releases.live_history.len().saturating_sub(keep);
        releases.live_history.drain(..cut);
        releases.rolled_back.clear();
        let kept: Vec<&str> = releases
            .live_history
            .iter()
            .map(|d| d.entry.build.as_str())
            .collect();
        for folder in std::fs::read_dir(widgets_dir.join(&widget))? {
            let folder = folder?.path();
            let name = folder.file_name().unwrap().to_string_lossy().into_owned();
            if folder.is_dir() && !kept.contains(&name.as_str()) {
                std::fs::remove_dir_all(&folder)?;
                eprintln!("xtask: pruned {widget} release {name}");
            }
        }
        write_releases(dist, &widget, &releases)?;
    }
    Ok(())
}

/// Deletes shell builds beyond the live one and the `keep - 1` newest others (an open tab may
/// still be running an older shell; its files stay until they are this old).
fn prune_shell(dist: &Path, keep: usize) -> Result<()> {
    let Ok(page) = std::fs::read_to_string(dist.join("index.html")) else {
        return Ok(());
    };
    let Ok(builds) = std::fs::read_dir(dist.join("shell")) else {
        return Ok(());
    };
    let mut others = Vec::new();
    for build in builds {
        let build = build?;
        let name = build.file_name().to_string_lossy().into_owned();
        if !page.contains(&format!("/shell/{name}/")) {
            others.push((build.metadata()?.modified()?, build.path()));
        }
    }
    others.sort_by_key(|(modified, _)| std::cmp::Reverse(*modified));
    for (_, folder) in others.into_iter().skip(keep - 1) {
        std::fs::remove_dir_all(&folder)?;
        eprintln!("xtask: pruned shell build {}", folder.display());
    }
    Ok(())
}

pub fn print_releases(dist: &Path, widget: &str) -> Result<()> {
    let releases = read_releases(dist, widget)?;
    for (i, deployed) in releases.live_history.iter().enumerate() {
        let live = if i + 1 == releases.live_history.len() {
            "  (live)"
        } else {
            ""
        };
        println!(
            "{}  {}  deployed at {}{live}",
            deployed.entry.build, deployed.entry.version, deployed.deployed_at
        );
    }
    for deployed in &releases.rolled_back {
        println!(
            "{}  {}  rolled back",
            deployed.entry.build, deployed.entry.version
        );
    }
    Ok(())
}

/// The live manifest with `entry` in place of (or added beside) the widget's current entry,
/// refused if the result has issues with that widget (a route or slot another widget holds, a
/// malformed field): the shell would not load it, so it must not go live.
fn with_entry(dist: &Path, entry: WidgetEntry) -> Result<Manifest> {
    let mut manifest = read_manifest(&dist.join("federation.json"))?;
    match manifest.widgets.iter_mut().find(|w| w.name == entry.name) {
        Some(slot) => *slot = entry.clone(),
        None => {
            manifest.widgets.push(entry.clone());
            manifest.widgets.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }
    let issues: Vec<String> = manifest
        .issues(&LAYOUT_SLOTS)
        .into_iter()
        .filter(|issue| {
            issue.widget == entry.name || issue.message.contains(&format!("{:?}", entry.name))
        })
        .map(|issue| issue.to_string())
        .collect();
    if !issues.is_empty() {
        bail!(
            "{} build {} was not made live:\n  {}",
            entry.name,
            entry.build,
            issues.join("\n  ")
        );
    }
    Ok(manifest)
}

/// Applies `edit` to every entry of the live manifest, under the deploy lock, and swaps the
/// result in when it changed (the contract check's verdicts).
pub fn update_entries(dist: &Path, mut edit: impl FnMut(&mut WidgetEntry)) -> Result<()> {
    let _lock = lock(dist)?;
    let path = dist.join("federation.json");
    if !path.is_file() {
        return Ok(());
    }
    let before = read_manifest(&path)?;
    let mut manifest = before.clone();
    manifest.widgets.iter_mut().for_each(&mut edit);
    if manifest != before {
        fsx::write_atomic(&path, &serde_json::to_vec_pretty(&manifest)?)?;
    }
    Ok(())
}

/// Swaps the manifest in with one atomic rename.
fn write_manifest(dist: &Path, manifest: &Manifest, entry: &WidgetEntry) -> Result<()> {
    let path = dist.join("federation.json");
    fsx::write_atomic(&path, &serde_json::to_vec_pretty(manifest)?)?;
    eprintln!(
        "xtask: {} build {} is live in {}",
        entry.name,
        entry.build,
        path.display()
    );
    Ok(())
}

/// Serialises deploys, rollbacks and prunes of one dist folder: each reads the manifest and
/// writes it back, and two at once would lose one's change. Released when dropped.
fn lock(dist: &Path) -> Result<std::fs::File> {
    std::fs::create_dir_all(dist)?;
    let file = std::fs::File::create(dist.join(".deploy.lock"))?;
    file.lock()
        .context("locking the dist folder for a deploy")?;
    Ok(file)
}

fn read_manifest(path: &Path) -> Result<Manifest> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .with_context(|| format!("{} is malformed", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Manifest {
            schema_version: MANIFEST_SCHEMA_VERSION,
            load_timeout_ms: None,
            widgets: Vec::new(),
        }),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

fn releases_path(dist: &Path, widget: &str) -> PathBuf {
    dist.join("widgets").join(widget).join("releases.json")
}

fn read_releases(dist: &Path, widget: &str) -> Result<Releases> {
    let path = releases_path(dist, widget);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .with_context(|| format!("{} is malformed", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Releases::default()),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

fn write_releases(dist: &Path, widget: &str, releases: &Releases) -> Result<()> {
    fsx::write_atomic(
        &releases_path(dist, widget),
        &serde_json::to_vec_pretty(releases)?,
    )
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake published release: a folder with a module and a wasm file.
    fn publish(dist: &Path, widget: &str, build: &str) -> WidgetEntry {
        let folder = dist.join("widgets").join(widget).join(build);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join(format!("{widget}.js")), format!("// {build}")).unwrap();
        std::fs::write(folder.join(format!("{widget}_bg.wasm")), build).unwrap();
        WidgetEntry {
            name: widget.into(),
            version: "0.1.0".into(),
            contract_version: "1.0.0".into(),
            build: build.into(),
            entry: format!("/widgets/{widget}/{build}/{widget}.js"),
            wasm: format!("/widgets/{widget}/{build}/{widget}_bg.wasm"),
            integrity: fsx::sri_sha384(format!("// {build}").as_bytes()),
            wasm_integrity: fsx::sri_sha384(build.as_bytes()),
            routes: vec![format!("/{widget}")],
            slots: vec![],
            nav: None,
            access: vec![],
            operations: vec![],
            incompatible: None,
        }
    }

    /// Publishes a fake release and makes it live.
    fn deploy_fake(dist: &Path, widget: &str, build: &str) {
        make_live(dist, publish(dist, widget, build)).unwrap();
    }

    fn live_build(dist: &Path, widget: &str) -> String {
        read_manifest(&dist.join("federation.json"))
            .unwrap()
            .widget(widget)
            .unwrap()
            .build
            .clone()
    }

    #[test]
    fn deploying_swaps_only_that_widgets_entry() {
        let dist = tempfile::tempdir().unwrap();
        deploy_fake(dist.path(), "cart", "aaaaaaaaaaaaaaaa");
        deploy_fake(dist.path(), "product", "bbbbbbbbbbbbbbbb");
        let before = read_manifest(&dist.path().join("federation.json")).unwrap();
        deploy_fake(dist.path(), "cart", "cccccccccccccccc");
        let after = read_manifest(&dist.path().join("federation.json")).unwrap();
        assert_eq!(after.widget("cart").unwrap().build, "cccccccccccccccc");
        assert_eq!(after.widget("product"), before.widget("product"));
        assert!(after.issues(&[]).is_empty(), "{:?}", after.issues(&[]));
    }

    #[test]
    fn rollback_restores_the_previous_release_and_keeps_the_newer_folder_until_pruned() {
        let dist = tempfile::tempdir().unwrap();
        deploy_fake(dist.path(), "cart", "aaaaaaaaaaaaaaaa");
        deploy_fake(dist.path(), "cart", "bbbbbbbbbbbbbbbb");
        rollback(dist.path(), "cart").unwrap();
        assert_eq!(live_build(dist.path(), "cart"), "aaaaaaaaaaaaaaaa");
        assert!(dist.path().join("widgets/cart/bbbbbbbbbbbbbbbb").is_dir());
        assert!(
            rollback(dist.path(), "cart").is_err(),
            "nothing older to go back to"
        );
        prune(dist.path(), 3).unwrap();
        assert!(
            !dist.path().join("widgets/cart/bbbbbbbbbbbbbbbb").exists(),
            "rolled-back release pruned"
        );
        assert!(
            dist.path().join("widgets/cart/aaaaaaaaaaaaaaaa").is_dir(),
            "live release kept"
        );
    }

    #[test]
    fn prune_keeps_the_newest_releases_and_never_the_live_one_away() {
        let dist = tempfile::tempdir().unwrap();
        for build in ["1111111111111111", "2222222222222222", "3333333333333333"] {
            make_live(dist.path(), publish(dist.path(), "orders", build)).unwrap();
        }
        prune(dist.path(), 1).unwrap();
        let left: Vec<String> = std::fs::read_dir(dist.path().join("widgets/orders"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "releases.json")
            .collect();
        assert_eq!(left, ["3333333333333333"]);
        assert_eq!(live_build(dist.path(), "orders"), "3333333333333333");
        assert!(rollback(dist.path(), "orders").is_err());
    }

    #[test]
    fn redeploying_the_live_build_changes_nothing() {
        let dist = tempfile::tempdir().unwrap();
        let entry = publish(dist.path(), "cart", "aaaaaaaaaaaaaaaa");
        make_live(dist.path(), entry.clone()).unwrap();
        make_live(dist.path(), entry).unwrap();
        assert_eq!(
            read_releases(dist.path(), "cart")
                .unwrap()
                .live_history
                .len(),
            1
        );
    }

    #[test]
    fn a_release_whose_route_another_widget_serves_is_refused_and_nothing_changes() {
        let dist = tempfile::tempdir().unwrap();
        deploy_fake(dist.path(), "cart", "aaaaaaaaaaaaaaaa");
        let before = std::fs::read(dist.path().join("federation.json")).unwrap();
        let mut thief = publish(dist.path(), "orders", "bbbbbbbbbbbbbbbb");
        thief.routes = vec!["/cart".into()];
        let error = make_live(dist.path(), thief).unwrap_err().to_string();
        assert!(
            error.contains("route /cart is also served by \"cart\""),
            "{error}"
        );
        assert_eq!(
            std::fs::read(dist.path().join("federation.json")).unwrap(),
            before
        );
        assert!(
            read_releases(dist.path(), "orders")
                .unwrap()
                .live_history
                .is_empty()
        );
    }

    #[test]
    fn prune_keeps_the_live_shell_and_the_newest_others() {
        let dist = tempfile::tempdir().unwrap();
        for build in ["1111111111111111", "2222222222222222", "3333333333333333"] {
            std::fs::create_dir_all(dist.path().join("shell").join(build)).unwrap();
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        std::fs::write(
            dist.path().join("index.html"),
            r#"<script src="/shell/1111111111111111/boot.js">"#,
        )
        .unwrap();
        prune(dist.path(), 2).unwrap();
        let mut left: Vec<String> = std::fs::read_dir(dist.path().join("shell"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["1111111111111111", "3333333333333333"]);
    }

    #[test]
    fn a_malformed_manifest_is_an_error_not_a_silent_reset() {
        let dist = tempfile::tempdir().unwrap();
        std::fs::write(dist.path().join("federation.json"), "{ not json").unwrap();
        assert!(
            make_live(
                dist.path(),
                publish(dist.path(), "cart", "aaaaaaaaaaaaaaaa")
            )
            .is_err()
        );
    }
}
