//! `cargo xtask run`: everything a fresh machine needs, then the server on 127.0.0.1:8080.

use crate::cli::Target;
use crate::metadata::Workspace;
use crate::{deploy, tools};
use anyhow::Result;
use std::path::Path;
use std::process::Command;

pub const ADDRESS: &str = "127.0.0.1:8080";

pub fn run(workspace: &Workspace, dist: &Path) -> Result<()> {
    deploy::deploy(workspace, &Target::All, dist, None)?;
    // The demo accounts (customer, seller, admin; README lists them) let a first run sign in
    // without typing a sign-up form. `seed-demo` skips accounts that exist, so reruns are quiet,
    // and refuses APP_ENV=production, where published passwords have no place.
    tools::run(api(workspace).arg("seed-demo"))?;
    eprintln!("xtask: serving on http://{ADDRESS} (Ctrl-C stops)");
    tools::run(
        api(workspace)
            .args(["serve", "--addr", ADDRESS, "--dist"])
            .arg(dist),
    )
}

/// `cargo run --profile server -p api -- ` (built for speed) from the workspace root, for a subcommand to be appended.
fn api(workspace: &Workspace) -> Command {
    let mut command = Command::new(tools::cargo());
    command
        .args(["run", "--profile", "server", "-p", "api", "--"])
        .current_dir(&workspace.root);
    command
}
