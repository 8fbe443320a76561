//! `email_outbox`: queueing mail, reading the mail that waits for delivery, and marking it
//! sent. Mail is queued by the change that causes it, in its transaction (a password reset's
//! link with its token, `app::accounts::passwords`).

use crate::db::{Conn, Sql, sql};

/// A queued mail.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxMail {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub body: String,
}

/// Queues a mail to `to_address`.
pub async fn queue(
    conn: &mut Conn,
    to_address: &str,
    subject: &str,
    body: &str,
) -> sqlx::Result<()> {
    sql("INSERT INTO email_outbox (to_address, subject, body) VALUES ($1, $2, $3)")
        .bind(to_address)
        .bind(subject)
        .bind(body)
        .execute(conn)
        .await
        .map(drop)
}

/// Up to `limit` undelivered mails, oldest first.
pub async fn pending(conn: &mut Conn, limit: i64) -> sqlx::Result<Vec<OutboxMail>> {
    sql("SELECT id, to_address, subject, body FROM email_outbox \
         WHERE sent_at IS NULL ORDER BY id LIMIT $1")
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Marks mail `id` delivered at `now` (unix seconds); `false` when another sender did it first.
pub async fn mark_sent(conn: &mut Conn, id: i64, now: i64) -> sqlx::Result<bool> {
    // `sent_at` is ISO-8601 text on SQLite and a `timestamptz` on PostgreSQL.
    Sql::per_backend(
        "UPDATE email_outbox SET sent_at = strftime('%Y-%m-%dT%H:%M:%fZ', $1, 'unixepoch') \
         WHERE id = $2 AND sent_at IS NULL",
        "UPDATE email_outbox SET sent_at = to_timestamp($1) WHERE id = $2 AND sent_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(conn)
    .await
    .map(|changed| changed == 1)
}
