//! The development mail sender: delivers the `email_outbox` by writing each mail to a file in
//! `MAIL_DIR` (and to the log), then marks it sent. There is no SMTP transport yet; production
//! does not start this sender, so mail waits in the outbox there until one exists.
//!
//! # File format (read by the browser tests)
//!
//! One file per mail, `<MAIL_DIR>/<outbox id>.eml`, UTF-8, written atomically (to a temporary
//! name, then renamed), so a reader never sees half a mail:
//!
//! ```text
//! X-Outbox-Id: 7
//! To: asha@example.com
//! Subject: Reset your Bazaar password
//!
//! Hello Asha,
//! ...
//! http://127.0.0.1:8080/reset-password?token=<43 base64url characters>
//! ...
//! ```
//!
//! Headers, an empty line, then the body. The reset link stands on a line of its own; the
//! token is base64url, so it needs no unescaping. Ids grow, so the newest mail has the
//! highest number.

use crate::clock::Clock;
use crate::config::{AppEnv, Config};
use crate::crypto::Vault;
use crate::db::Db;
use crate::db::outbox::{self, OutboxMail};
use anyhow::Context as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How often the sender looks for new mail: often enough that a person (or a browser test)
/// waiting for a reset link does not notice, rarely enough to be free.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);
/// Mails delivered per round at most.
const BATCH: i64 = 50;

/// Writes outbox mail to files in a folder.
#[derive(Debug, Clone)]
pub struct DevMailSender {
    db: Db,
    /// Opens the outbox's sealed recipients and bodies.
    vault: Vault,
    /// When mail counts as sent (`email_outbox.sent_at`).
    clock: Clock,
    dir: PathBuf,
    /// Whether the whole mail goes to the log too (dev and staging; never production, where
    /// bodies carry live tokens).
    log_mail: bool,
}

impl DevMailSender {
    /// A sender writing into `dir`, recording delivery times from `clock`.
    pub fn new(
        db: Db,
        vault: Vault,
        clock: Clock,
        dir: impl Into<PathBuf>,
        log_mail: bool,
    ) -> Self {
        DevMailSender {
            db,
            vault,
            clock,
            dir: dir.into(),
            log_mail,
        }
    }

    /// Delivers every undelivered mail now; how many. Safe to run beside another sender
    /// (e.g. a test calling it while the background task runs): the file is rewritten with
    /// the same content and only one marks the row sent.
    pub async fn deliver_pending(&self) -> anyhow::Result<usize> {
        let mut delivered = 0;
        let mut conn = self.db.conn().await.context("reading the outbox")?;
        loop {
            let mails = outbox::pending(&mut conn, BATCH)
                .await
                .context("reading the outbox")?;
            if mails.is_empty() {
                return Ok(delivered);
            }
            for mail in mails {
                let mail = &crate::app::outbox::open(&self.vault, mail)
                    .map_err(|error| anyhow::anyhow!("opening a queued mail: {error}"))?;
                let path = self.write(mail)?;
                if self.log_mail {
                    // Development only: this is the developer's mailbox, tokens included.
                    tracing::info!(
                        outbox_id = mail.id,
                        file = %path.display(),
                        "mail delivered to the development mail folder:\n{}",
                        render(mail)
                    );
                }
                outbox::mark_sent(&mut conn, mail.id, self.clock.now())
                    .await
                    .context("marking a mail sent")?;
                delivered += 1;
            }
        }
    }

    /// Writes `mail` to `<dir>/<id>.eml` through a temporary file; the path.
    fn write(&self, mail: &OutboxMail) -> anyhow::Result<PathBuf> {
        std::fs::create_dir_all(&self.dir)
            .with_context(|| format!("creating the mail folder {}", self.dir.display()))?;
        let path = self.dir.join(format!("{}.eml", mail.id));
        let staging = self.dir.join(format!(
            ".{}.{}.tmp",
            mail.id,
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::write(&staging, render(mail))
            .with_context(|| format!("writing {}", staging.display()))?;
        std::fs::rename(&staging, &path)
            .with_context(|| format!("moving a mail to {}", path.display()))?;
        Ok(path)
    }

    /// Delivers in the background every [`POLL_INTERVAL`] until the runtime stops. Failures
    /// are logged and retried next round.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(POLL_INTERVAL);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                interval.tick().await;
                if let Err(error) = self.deliver_pending().await {
                    tracing::warn!(
                        error = format!("{error:#}"),
                        "mail delivery failed; retrying"
                    );
                }
            }
        })
    }
}

/// Starts the development sender for `config` (dev and staging), on `clock`; in production
/// logs that mail stays queued, since no transport exists yet.
pub fn start(config: &Config, db: &Db, vault: &Vault, clock: &Clock) {
    match config.app_env {
        AppEnv::Dev | AppEnv::Staging => {
            tracing::info!(mail_dir = %config.mail_dir.display(), "development mail sender started");
            DevMailSender::new(
                db.clone(),
                vault.clone(),
                clock.clone(),
                &config.mail_dir,
                true,
            )
            .spawn();
        }
        AppEnv::Production => {
            tracing::warn!(
                "no mail transport in production yet; outgoing mail stays in email_outbox"
            );
        }
    }
}

/// The file content of `mail` (see the module docs).
pub fn render(mail: &OutboxMail) -> String {
    format!(
        "X-Outbox-Id: {}\nTo: {}\nSubject: {}\n\n{}",
        mail.id, mail.to_address, mail.subject, mail.body
    )
}

/// The mail file of outbox row `id` in `dir`.
pub fn mail_path(dir: &Path, id: i64) -> PathBuf {
    dir.join(format!("{id}.eml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mail_renders_as_headers_a_blank_line_and_the_body() {
        let mail = OutboxMail {
            id: 7,
            to_address: "a@example.com".into(),
            subject: "Hi".into(),
            body: "line one\nline two\n".into(),
        };

        assert_eq!(
            render(&mail),
            "X-Outbox-Id: 7\nTo: a@example.com\nSubject: Hi\n\nline one\nline two\n"
        );
    }

    #[tokio::test]
    async fn pending_mail_becomes_one_file_each_and_is_marked_sent() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}", dir.path().join("t.db").display()))
            .await
            .unwrap();
        db.migrate().await.unwrap();
        let vault = crate::crypto::test_vault();
        let mut tx = db.begin().await.unwrap();
        crate::app::outbox::queue(&mut tx, &vault, "a@example.com", "S", "B")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let stored = outbox::pending(&mut db.conn().await.unwrap(), 10)
            .await
            .unwrap();
        assert!(
            stored[0].to_address.starts_with("v1:test:"),
            "sealed at rest"
        );
        let sender = DevMailSender::new(
            db.clone(),
            vault,
            Clock::system(),
            dir.path().join("mail"),
            false,
        );

        let first = sender.deliver_pending().await.unwrap();
        let second = sender.deliver_pending().await.unwrap();

        assert_eq!((first, second), (1, 0));
        let text = std::fs::read_to_string(mail_path(&dir.path().join("mail"), 1)).unwrap();
        assert!(text.starts_with("X-Outbox-Id: 1\nTo: a@example.com\nSubject: S\n\nB"));
        let leftovers = std::fs::read_dir(dir.path().join("mail")).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary files are left behind");
    }
}
