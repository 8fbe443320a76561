//! `email_outbox`: reading the mail that waits for delivery and marking it sent. Mail is
//! queued by the change that causes it, in its transaction (see `password_resets::create`).

use crate::db::{Db, on_pool};
use sqlx::Row as _;

/// A queued mail.
#[derive(Debug, Clone)]
pub struct OutboxMail {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub body: String,
}

/// Up to `limit` undelivered mails, oldest first.
pub async fn pending(db: &Db, limit: i64) -> Result<Vec<OutboxMail>, sqlx::Error> {
    on_pool!(db, |pool, _sql| {
        sqlx::query(
            "SELECT id, to_address, subject, body FROM email_outbox \
             WHERE sent_at IS NULL ORDER BY id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| {
            Ok(OutboxMail {
                id: row.try_get("id")?,
                to_address: row.try_get("to_address")?,
                subject: row.try_get("subject")?,
                body: row.try_get("body")?,
            })
        })
        .collect()
    })
}

/// Marks mail `id` delivered; `false` when another sender did it first.
pub async fn mark_sent(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    on_pool!(db, |pool, sql| {
        sqlx::query(sql.pick(
            "UPDATE email_outbox SET sent_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') \
             WHERE id = $1 AND sent_at IS NULL",
            "UPDATE email_outbox SET sent_at = now() WHERE id = $1 AND sent_at IS NULL",
        ))
        .bind(id)
        .execute(pool)
        .await
        .map(|done| done.rows_affected() == 1)
    })
}
