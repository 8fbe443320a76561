//! The outbox sender: claims due mail, delivers it through the [`Transport`], and records
//! each attempt (sent; failed and due again after a backoff; dead after the last allowed
//! attempt, or at once when the server refuses it for good).
//!
//! Two senders (two instances on one PostgreSQL, or a test's pass beside the background
//! task) never send one mail twice: a claim pushes the mail's `next_attempt_at` a lease
//! ([`LEASE_SECS`]) ahead in one statement (`db::outbox::claim`: `FOR UPDATE SKIP LOCKED` on
//! PostgreSQL), so the other sender skips it, and a sender stops taking mail from its batch
//! [`LEASE_MARGIN_SECS`] before the lease ends, more than an SMTP command may take
//! (`transport::SMTP_TIMEOUT`). A sender that dies mid-batch leaves its claimed mail to be
//! claimed again when the lease ends: a mail sent before the crash and not yet marked (a
//! batch's outcomes are recorded together when the batch is done, one commit instead of one
//! per mail) is then sent again (at least once, never lost).

use crate::clock::Clock;
use crate::crypto::Vault;
use crate::db::Db;
use crate::db::outbox::{self, OutboxMail, Retry};
use crate::domain::mask;
use crate::mail::folder;
use crate::mail::transport::{Failure, Transport};
use anyhow::Context as _;
use futures_util::{StreamExt as _, stream};
use lettre::message::Mailbox;
use std::time::Duration;

/// Mails claimed at once.
pub const BATCH: i64 = 50;
/// Mails of a batch in flight at once, each on its own pooled SMTP connection
/// (`transport::POOL_SIZE`). One at a time, a pass is bound by round trips: lettre writes a message's
/// final `.` apart from its text, so each mail waits out the server's delayed ACK (about
/// 40 ms on Linux) as well.
pub const IN_FLIGHT: usize = 8;
/// How long a claim keeps a mail from other senders.
pub const LEASE_SECS: i64 = 300;
/// How long before its lease ends a sender stops starting mails of its batch.
pub const LEASE_MARGIN_SECS: i64 = 60;
/// The first retry waits this long; each next one twice as long, up to [`BACKOFF_CAP_SECS`].
pub const BACKOFF_BASE_SECS: i64 = 60;
/// The longest wait between two attempts.
pub const BACKOFF_CAP_SECS: i64 = 3_600;
/// The longest error kept with a mail.
const MAX_ERROR_CHARS: usize = 500;

/// What one pass of the sender did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    /// Delivered.
    pub sent: usize,
    /// Failed, due again later.
    pub retrying: usize,
    /// Failed for the last time.
    pub dead: usize,
}

/// One claimed mail's sending: its id, its failures when claimed, and how it went.
struct Attempt {
    id: i64,
    attempts: i32,
    result: Result<(), Failure>,
}

/// Delivers the outbox.
#[derive(Debug, Clone)]
pub struct Sender {
    db: Db,
    /// Opens the outbox's sealed recipients and bodies.
    vault: Vault,
    /// Business time: due times, backoff, `sent_at`.
    clock: Clock,
    transport: Transport,
    from: Mailbox,
    max_attempts: i32,
    /// Whether each delivered mail goes to the log whole (development only: bodies carry
    /// live tokens, so staging and production never log them).
    log_bodies: bool,
}

impl Sender {
    /// A sender through `transport`, from `Bazaar <no-reply@localhost>`, giving up after
    /// [`DEFAULT_MAIL_MAX_ATTEMPTS`](crate::config::DEFAULT_MAIL_MAX_ATTEMPTS) attempts,
    /// logging no bodies.
    pub fn new(db: Db, vault: Vault, clock: Clock, transport: Transport) -> Self {
        Sender {
            db,
            vault,
            clock,
            transport,
            from: "Bazaar <no-reply@localhost>"
                .parse()
                .expect("a valid default sender"),
            max_attempts: i32::try_from(crate::config::DEFAULT_MAIL_MAX_ATTEMPTS)
                .unwrap_or(i32::MAX),
            log_bodies: false,
        }
    }

    /// Sends from `from`.
    pub fn from(self, from: Mailbox) -> Self {
        Sender { from, ..self }
    }

    /// Gives a mail up after `attempts` failures (at least 1).
    pub fn max_attempts(self, attempts: u32) -> Self {
        let max_attempts = i32::try_from(attempts.max(1)).unwrap_or(i32::MAX);
        Sender {
            max_attempts,
            ..self
        }
    }

    /// Logs every delivered mail whole (development).
    pub fn log_bodies(self, log_bodies: bool) -> Self {
        Sender { log_bodies, ..self }
    }

    /// One pass: claims and delivers mail until none is due; what it did. A database error
    /// ends the pass (the mails it holds are claimed again when their lease ends); a failed
    /// delivery is recorded on its mail and the pass goes on.
    pub async fn deliver_pending(&self) -> anyhow::Result<Pass> {
        let mut pass = Pass::default();
        loop {
            let now = self.clock.now();
            let lease_until = now + LEASE_SECS;
            let mut conn = self.db.conn().await.context("claiming mail")?;
            let mails = outbox::claim(&mut conn, now, lease_until, BATCH)
                .await
                .context("claiming mail")?;
            drop(conn);
            if mails.is_empty() {
                return Ok(pass);
            }
            let claimed = mails.len();
            let attempts: Vec<Attempt> = stream::iter(mails)
                .map(|mail| async move {
                    if self.clock.now() >= lease_until - LEASE_MARGIN_SECS {
                        // Left to be claimed again (by anyone) when its lease ends.
                        return None;
                    }
                    Some(self.attempt(mail).await)
                })
                .buffer_unordered(IN_FLIGHT)
                .filter_map(|attempt| async move { attempt })
                .collect()
                .await;
            let late = attempts.len() < claimed;
            self.record(&attempts, &mut pass).await?;
            if late {
                return Ok(pass);
            }
        }
    }

    /// Sends claimed `mail`: its id and failures so far, and how the sending went.
    async fn attempt(&self, mail: OutboxMail) -> Attempt {
        let (id, attempts) = (mail.id, mail.attempts);
        let result = match crate::app::outbox::open(&self.vault, mail) {
            Ok(mail) => {
                let outcome = self.transport.send(&self.from, &mail).await;
                if outcome.is_ok() && self.log_bodies {
                    // Development only: this is the developer's mailbox, tokens included.
                    tracing::info!(outbox_id = id, "mail delivered:\n{}", folder::render(&mail));
                }
                outcome
            }
            Err(error) => Err(Failure {
                error: format!("the sealed mail does not open: {error}"),
                permanent: false,
            }),
        };
        Attempt {
            id,
            attempts,
            result,
        }
    }

    /// Records how a batch's attempts went, in one transaction: one commit per batch, not per
    /// mail, because on SQLite every commit takes the database's single write lock from the
    /// checkouts it serves beside. A crash before the commit leaves the batch claimed, and it is
    /// sent again when its lease ends (at least once, never lost).
    async fn record(&self, attempts: &[Attempt], pass: &mut Pass) -> anyhow::Result<()> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await.context("recording deliveries")?;
        for attempt in attempts {
            let id = attempt.id;
            match &attempt.result {
                Ok(()) => {
                    outbox::mark_sent(&mut tx, id, now)
                        .await
                        .context("marking a mail sent")?;
                    tracing::debug!(outbox_id = id, "mail sent");
                    crate::metrics::mail_delivery("sent");
                    pass.sent += 1;
                }
                Err(failure) => {
                    let tried = attempt.attempts.saturating_add(1);
                    let retry = if failure.permanent || tried >= self.max_attempts {
                        Retry::Dead(now)
                    } else {
                        Retry::At(now + backoff(tried))
                    };
                    let error = scrub(&failure.error);
                    outbox::mark_failed(&mut tx, id, attempt.attempts, &error, retry)
                        .await
                        .context("recording a failed delivery")?;
                    let dead = matches!(retry, Retry::Dead(_));
                    tracing::warn!(outbox_id = id, attempts = tried, dead, %error, "mail delivery failed");
                    crate::metrics::mail_delivery(if dead { "dead" } else { "retrying" });
                    if dead {
                        pass.dead += 1;
                    } else {
                        pass.retrying += 1;
                    }
                }
            }
        }
        tx.commit().await.context("recording deliveries")?;
        Ok(())
    }

    /// Runs a pass every `interval` until the runtime stops. A failed pass is logged; the
    /// next one tries again.
    pub fn spawn(self, interval: Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(interval);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                if let Err(error) = self.deliver_pending().await {
                    tracing::warn!(
                        error = format!("{error:#}"),
                        "the mail sender's pass failed"
                    );
                }
            }
        })
    }
}

/// How long a mail waits after its `attempts`-th failure: 1, 2, 4, ... minutes, at most an
/// hour (with 8 attempts, about two hours from the first failure to the last).
pub fn backoff(attempts: i32) -> i64 {
    let doublings = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(20);
    (BACKOFF_BASE_SECS << doublings).min(BACKOFF_CAP_SECS)
}

/// `error` fit to store and show administrators: every word that looks like an address
/// masked (SMTP servers quote the recipient they refuse), at most [`MAX_ERROR_CHARS`].
pub fn scrub(error: &str) -> String {
    let words: Vec<String> = error
        .split(' ')
        .map(|word| {
            let address = word.trim_matches(|c: char| "<>()[],;:\"'.".contains(c));
            if address.contains('@') {
                word.replace(address, &mask::email(address))
            } else {
                word.to_owned()
            }
        })
        .collect();
    words.join(" ").chars().take(MAX_ERROR_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_twice_as_long_each_time_up_to_an_hour() {
        let waits: Vec<i64> = (1..=8).map(backoff).collect();
        assert_eq!(waits, [60, 120, 240, 480, 960, 1_920, 3_600, 3_600]);
        assert_eq!(backoff(0), 60);
        assert_eq!(backoff(i32::MAX), 3_600);
    }

    #[test]
    fn addresses_in_an_error_are_masked() {
        let scrubbed = scrub("550 5.1.1 <asha.rao@example.in>: Recipient address rejected");
        assert_eq!(
            scrubbed,
            "550 5.1.1 <a***@example.in>: Recipient address rejected"
        );
        assert_eq!(scrub(&"x".repeat(900)).len(), 500);
    }
}
