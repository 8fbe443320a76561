//! `api keys rotate` and `api keys status`: the field-encryption keyring against the stored
//! data (`app::keys`). Both read the keys from the environment, as the server does.

use crate::app::keys::{self, DEFAULT_BATCH};
use crate::app::{Actor, Task};
use crate::clock::Clock;
use crate::config::Config;
use crate::crypto::Vault;
use clap::{Args, Subcommand};
use std::io::Write;

/// What `api keys` is asked to do.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Re-encrypt every stored value not under FIELD_KEY_ACTIVE (clear text included), a
    /// batch per transaction, while servers keep serving. Safe to run again, and beside a
    /// running rotation (each value is replaced only if unchanged since it was read).
    Rotate(RotateArgs),
    /// Count, per sealed column, the values each key id seals ("clear" for values not sealed
    /// yet). A key may leave FIELD_KEYS once no column lists it.
    Status,
}

/// Arguments of `keys rotate`.
#[derive(Debug, Args)]
pub struct RotateArgs {
    /// Values per transaction.
    #[arg(long, default_value_t = DEFAULT_BATCH, value_parser = clap::value_parser!(i64).range(1..=10_000))]
    pub batch: i64,
}

/// Runs `command` on the database and keys of `config`, reporting to `out`.
pub async fn keys_command(
    command: &KeysCommand,
    config: &Config,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let vault = Vault::from_config(config)?;
    let db = super::connect_and_migrate(config).await?;
    let result = match command {
        KeysCommand::Rotate(args) => match keys::rotate(
            &Actor::system(Task::Operator),
            keys::Store {
                db: &db,
                vault: &vault,
                clock: &Clock::system(),
            },
            args.batch,
        )
        .await
        {
            Ok(report) => writeln!(
                out,
                "re-sealed {} value(s) under key {:?} ({} were clear text, {} changed by \
                 requests meanwhile) in {:.2} s: {:.0} values/s",
                report.resealed,
                vault.active_key_id(),
                report.were_clear,
                report.skipped,
                report.elapsed.as_secs_f64(),
                report.per_second()
            )
            .map_err(Into::into),
            Err(error) => Err(error),
        },
        KeysCommand::Status => print_status(&db, &vault, out).await,
    };
    db.close().await;
    result
}

async fn print_status(
    db: &crate::db::Db,
    vault: &Vault,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    writeln!(
        out,
        "keyring: {} (active {:?})",
        vault.key_ids().join(", "),
        vault.active_key_id()
    )?;
    let mut in_use = std::collections::BTreeSet::new();
    for column in keys::status(db).await? {
        let counts: Vec<String> = column
            .counts
            .iter()
            .map(|(key, count)| {
                if let Some(key) = key {
                    in_use.insert(key.clone());
                }
                format!("{}={count}", key.as_deref().unwrap_or("clear"))
            })
            .collect();
        let counts = if counts.is_empty() {
            "empty".to_owned()
        } else {
            counts.join(" ")
        };
        writeln!(out, "  {:<34} {counts}", column.column.to_string())?;
    }
    let unused: Vec<String> = vault
        .key_ids()
        .into_iter()
        .filter(|id| !in_use.contains(id) && id != vault.active_key_id())
        .collect();
    writeln!(
        out,
        "key ids in use: {}",
        in_use.into_iter().collect::<Vec<_>>().join(", ")
    )?;
    writeln!(
        out,
        "unused, may be retired: {}",
        if unused.is_empty() {
            "none".to_owned()
        } else {
            unused.join(", ")
        }
    )?;
    Ok(())
}
