//! Outgoing mail: the outbox [`sender`], its [`transport`] (SMTP where `SMTP_URL` is set,
//! else the development [`folder`]), and [`start`], which runs the sender in the background.
//! What is queued, and when, is `app::outbox` (and the use cases that call it).

pub mod folder;
pub mod sender;
pub mod transport;

pub use folder::{mail_path, render};
pub use sender::{Pass, Sender};
pub use transport::Transport;

use crate::clock::Clock;
use crate::config::{AppEnv, Config};
use crate::crypto::Vault;
use crate::db::Db;
use anyhow::Context as _;

/// The sender `config` describes, on `db`, `vault` and `clock`: through SMTP when `SMTP_URL`
/// is set, else into `MAIL_DIR`; bodies logged in development only.
pub fn sender(config: &Config, db: &Db, vault: &Vault, clock: &Clock) -> anyhow::Result<Sender> {
    let transport = match &config.mail.smtp_url {
        Some(url) => Transport::smtp(url.expose())?,
        None => Transport::Folder(config.mail_dir.clone()),
    };
    let from = config
        .mail
        .from
        .parse()
        .context("MAIL_FROM is not a mail address")?;
    Ok(
        Sender::new(db.clone(), vault.clone(), clock.clone(), transport)
            .from(from)
            .max_attempts(config.mail.max_attempts)
            .log_bodies(config.app_env == AppEnv::Dev),
    )
}

/// Starts the background sender of `config` (unless `MAIL_POLL_INTERVAL_MS=0`).
pub fn start(config: &Config, db: &Db, vault: &Vault, clock: &Clock) -> anyhow::Result<()> {
    let sender = sender(config, db, vault, clock)?;
    let Some(interval) = config.mail.poll_interval else {
        tracing::info!("no mail sender in this instance (MAIL_POLL_INTERVAL_MS=0)");
        return Ok(());
    };
    match &config.mail.smtp_url {
        Some(_) => tracing::info!("mail sender started (SMTP)"),
        None => {
            tracing::info!(mail_dir = %config.mail_dir.display(), "mail sender started (development folder)")
        }
    }
    sender.spawn(interval);
    Ok(())
}
