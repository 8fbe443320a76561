//! `email_outbox`: queueing mail, reading the mail that waits for delivery, and marking it
//! sent. Mail is queued by the change that causes it, in its transaction (a password reset's
//! link with its token, `app::accounts::passwords`). The recipient and the body are sealed by
//! `app::outbox` (their associated data names the row id, which the database assigns, hence
//! the insert-then-fill below); storage sees only ciphertext.

use crate::db::{Conn, Sql, sql};

/// A queued mail as stored: `to_address` and `body` sealed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxMail {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub body: String,
}

/// Inserts a mail with `subject` and empty recipient and body; its id. The caller fills them
/// with [`fill`] in the same transaction, so no sender ever sees the empty row.
pub async fn insert(conn: &mut Conn, subject: &str) -> sqlx::Result<i64> {
    sql("INSERT INTO email_outbox (to_address, subject, body) VALUES ('', $1, '') RETURNING id")
        .bind(subject)
        .scalar_one(conn)
        .await
}

/// Sets the (sealed) recipient and body of mail `id`.
pub async fn fill(conn: &mut Conn, id: i64, to_address: &str, body: &str) -> sqlx::Result<()> {
    sql("UPDATE email_outbox SET to_address = $1, body = $2 WHERE id = $3")
        .bind(to_address)
        .bind(body)
        .bind(id)
        .execute(conn)
        .await
        .map(drop)
}

/// Up to `limit` undelivered mails, oldest first.
pub async fn pending(conn: &mut Conn, limit: i64) -> sqlx::Result<Vec<OutboxMail>> {
    // `to_address <> ''`: a row being queued right now (between `insert` and `fill`, on
    // PostgreSQL only visible after commit anyway) is never picked up empty.
    sql("SELECT id, to_address, subject, body FROM email_outbox \
         WHERE sent_at IS NULL AND to_address <> '' ORDER BY id LIMIT $1")
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
