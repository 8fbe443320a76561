//! `cargo xtask run`: everything a fresh machine needs, then the server on 127.0.0.1:8080.

use crate::cli::Target;
use crate::metadata::Workspace;
use crate::{deploy, tools};
use anyhow::Result;
use std::path::Path;
use std::process::Command;

pub const ADDRESS: &str = "127.0.0.1:8080";

pub fn run(workspace: &Workspace, dist: &Path) -> Result<()> {
    deploy::deploy(workspace, &Target::All, dist)?;
    eprintln!("xtask: serving on http://{ADDRESS} (Ctrl-C stops)");
    tools::run(
        Command::new(tools::cargo())
            .args([
                "run",
                "--release",
                "-p",
                "api",
                "--",
                "serve",
                "--addr",
                ADDRESS,
                "--dist",
            ])
            .arg(dist)
            .current_dir(&workspace.root),
    )
}
