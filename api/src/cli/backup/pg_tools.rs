//! `pg_dump` and `pg_restore` for PostgreSQL backups: where they are, and how they are given
//! the database without putting its URL on a command line.

use anyhow::{Context as _, ensure};
use sqlx::postgres::PgConnectOptions;
use std::path::PathBuf;
use std::process::Command;
use std::str::FromStr as _;

/// `name` (`pg_dump`, `pg_restore`) on `PATH`, else the newest of Debian's
/// `/usr/lib/postgresql/<major>/bin`.
pub(super) fn postgres_tool(name: &str) -> anyhow::Result<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|path| {
            std::env::split_paths(&path)
                .map(|dir| dir.join(name))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|entry| {
                    let major = entry.file_name().to_str()?.parse().ok()?;
                    Some((major, entry.path().join("bin").join(name)))
                })
                .collect()
        })
        .unwrap_or_default();
    debian.sort();
    on_path
        .into_iter()
        .chain(debian.into_iter().rev().map(|(_, path)| path))
        .find(|path| path.is_file())
        .with_context(|| {
            format!(
                "{name} is missing: install PostgreSQL's client (apt-get install postgresql-client)"
            )
        })
}

/// Runs `command` (`pg_dump`, `pg_restore`) on the database of `url`, passed through libpq's
/// variables: a command line is visible to every user of the machine, and the URL may carry
/// a password. Its standard error is passed on; a failure names the tool.
pub(super) fn run_postgres_tool(mut command: Command, url: &str, tool: &str) -> anyhow::Result<()> {
    let options = PgConnectOptions::from_str(url)
        .map_err(|_| anyhow::anyhow!("DATABASE_URL is not a valid PostgreSQL URL"))?;
    command
        .env("PGHOST", options.get_host())
        .env("PGPORT", options.get_port().to_string())
        .env("PGUSER", options.get_username())
        .env("PGDATABASE", options.get_database().unwrap_or_default())
        // Only what the URL says: no password file or service of the operator's account.
        .env_remove("PGSERVICE");
    if let Some(password) = url_password(url) {
        command.env("PGPASSWORD", password);
    }
    if tool == "pg_restore" {
        command
            .arg("--dbname")
            .arg(options.get_database().unwrap_or_default());
    }
    let status = command
        .status()
        .with_context(|| format!("starting {tool}"))?;
    ensure!(status.success(), "{tool} failed ({status})");
    Ok(())
}

/// The password of a PostgreSQL URL, percent-decoded.
fn url_password(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let password = parsed.password()?;
    Some(
        percent_encoding::percent_decode_str(password)
            .decode_utf8_lossy()
            .into_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_password_is_decoded() {
        assert_eq!(
            url_password("postgres://bazaar:p%40ss@db:5432/bazaar").as_deref(),
            Some("p@ss")
        );
        assert_eq!(url_password("postgres://bazaar@db/bazaar"), None);
    }
}
