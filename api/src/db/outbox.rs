//! `email_outbox`: queueing mail, claiming what is due for a sender, recording each attempt
//! (sent, failed and due again later, dead), listing dead mail and purging delivered mail.
//! Mail is queued by the change that causes it, in its transaction (a password reset's link
//! with its token, `app::accounts::passwords`; an order's mails, `app::order_mail`). The
//! recipient and the bodies are sealed by `app::outbox` (their associated data names the row
//! id, which the database assigns, hence the insert-then-fill below); storage sees only
//! ciphertext. Migration 0020 describes the states.

use crate::db::{Conn, Sql, sql};

/// A queued mail as stored: `to_address`, `body` and `html_body` sealed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxMail {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    /// The plain-text part.
    pub body: String,
    /// The HTML part, if the mail has one.
    pub html_body: Option<String>,
    /// Failed attempts so far.
    pub attempts: i32,
}

/// Inserts a mail of `kind` with `subject` and empty recipient and body, due at once; its id.
/// The caller fills them with [`fill`] in the same transaction, so no sender ever sees the
/// empty row.
pub async fn insert(conn: &mut Conn, kind: &str, subject: &str) -> sqlx::Result<i64> {
    sql(
        "INSERT INTO email_outbox (to_address, subject, body, kind) VALUES ('', $1, '', $2) \
         RETURNING id",
    )
    .bind(subject)
    .bind(kind)
    .scalar_one(conn)
    .await
}

/// Sets the (sealed) recipient and bodies of mail `id`.
pub async fn fill(
    conn: &mut Conn,
    id: i64,
    to_address: &str,
    body: &str,
    html_body: Option<&str>,
) -> sqlx::Result<()> {
    sql("UPDATE email_outbox SET to_address = $1, body = $2, html_body = $3 WHERE id = $4")
        .bind(to_address)
        .bind(body)
        .bind(html_body)
        .bind(id)
        .execute(conn)
        .await
        .map(drop)
}

/// Claims up to `limit` pending mails due at `now`, oldest first: each is pushed to `lease_until`,
/// so no other sender claims it until then. The one place the backends differ: PostgreSQL
/// locks the rows it picks and skips those another sender's claim holds (`FOR UPDATE SKIP
/// LOCKED`), so two instances claiming at once get disjoint mails, and neither waits; SQLite
/// has one writer at a time, so a claim (one statement) never overlaps another.
pub async fn claim(
    conn: &mut Conn,
    now: i64,
    lease_until: i64,
    limit: i64,
) -> sqlx::Result<Vec<OutboxMail>> {
    // `to_address <> ''`: a row being queued right now (between `insert` and `fill`, on
    // PostgreSQL only visible after commit anyway) is never picked up empty.
    let mut mails: Vec<OutboxMail> = Sql::per_backend(
        "UPDATE email_outbox SET next_attempt_at = $1 WHERE id IN (\
           SELECT id FROM email_outbox WHERE state = 'pending' AND next_attempt_at <= $2 \
           AND to_address <> '' ORDER BY next_attempt_at, id LIMIT $3) \
         RETURNING id, to_address, subject, body, html_body, attempts",
        "UPDATE email_outbox SET next_attempt_at = $1 WHERE id IN (\
           SELECT id FROM email_outbox WHERE state = 'pending' AND next_attempt_at <= $2 \
           AND to_address <> '' ORDER BY next_attempt_at, id LIMIT $3 \
           FOR UPDATE SKIP LOCKED) \
         RETURNING id, to_address, subject, body, html_body, attempts",
    )
    .bind(lease_until)
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    // RETURNING follows no ORDER BY.
    mails.sort_by_key(|mail| mail.id);
    Ok(mails)
}

/// Marks claimed mail `id` delivered at `now` (unix seconds); `false` when it was no longer
/// pending.
pub async fn mark_sent(conn: &mut Conn, id: i64, now: i64) -> sqlx::Result<bool> {
    // `sent_at` is ISO-8601 text on SQLite and a `timestamptz` on PostgreSQL.
    Sql::per_backend(
        "UPDATE email_outbox SET state = 'sent', \
           sent_at = strftime('%Y-%m-%dT%H:%M:%fZ', $1, 'unixepoch') \
         WHERE id = $2 AND state = 'pending'",
        "UPDATE email_outbox SET state = 'sent', sent_at = to_timestamp($1) \
         WHERE id = $2 AND state = 'pending'",
    )
    .bind(now)
    .bind(id)
    .execute(conn)
    .await
    .map(|changed| changed == 1)
}

/// What a failed attempt makes of a mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Tried again from this unix time on.
    At(i64),
    /// Given up on at this unix time.
    Dead(i64),
}

/// Records a failed attempt of claimed mail `id`, whose failures were `attempts` when claimed:
/// one more, `error` kept, and `retry` applied; `false` when the row had moved on meanwhile.
pub async fn mark_failed(
    conn: &mut Conn,
    id: i64,
    attempts: i32,
    error: &str,
    retry: Retry,
) -> sqlx::Result<bool> {
    let (state, next, dead_at) = match retry {
        Retry::At(at) => ("pending", at, None),
        Retry::Dead(at) => ("dead", at, Some(at)),
    };
    sql(
        "UPDATE email_outbox SET attempts = attempts + 1, last_error = $1, state = $2, \
           next_attempt_at = $3, dead_at = $4 \
         WHERE id = $5 AND state = 'pending' AND attempts = $6",
    )
    .bind(error)
    .bind(state)
    .bind(next)
    .bind(dead_at)
    .bind(id)
    .bind(attempts)
    .execute(conn)
    .await
    .map(|changed| changed == 1)
}

/// A dead mail as the administrators' list shows it: the recipient still sealed (the use case
/// opens and masks it), never a body.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeadRow {
    pub id: i64,
    pub kind: String,
    pub to_address: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub dead_at: Option<i64>,
}

/// Up to `limit` dead mails, newest first.
pub async fn dead(conn: &mut Conn, limit: i64) -> sqlx::Result<Vec<DeadRow>> {
    // `created_at` is text or a timestamptz (migration 0001); read as unix seconds.
    Sql::per_backend(
        "SELECT id, kind, to_address, attempts, last_error, \
           CAST(strftime('%s', created_at) AS INTEGER) AS created_at, dead_at \
         FROM email_outbox WHERE state = 'dead' ORDER BY id DESC LIMIT $1",
        "SELECT id, kind, to_address, attempts, last_error, \
           CAST(EXTRACT(EPOCH FROM created_at) AS BIGINT) AS created_at, dead_at \
         FROM email_outbox WHERE state = 'dead' ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// How many mails are in each state: pending and dead (the backlog an operator watches).
#[derive(Debug, Clone, Copy, Default, sqlx::FromRow)]
pub struct Backlog {
    pub pending: i64,
    pub dead: i64,
}

/// The outbox's backlog now.
pub async fn backlog(conn: &mut Conn) -> sqlx::Result<Backlog> {
    sql("SELECT \
           COALESCE(SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END), 0) AS pending, \
           COALESCE(SUM(CASE WHEN state = 'dead' THEN 1 ELSE 0 END), 0) AS dead \
         FROM email_outbox")
    .fetch_one(conn)
    .await
}

/// Deletes delivered mails (rows and bodies) sent before `before` (unix seconds); how many.
pub async fn purge_sent(conn: &mut Conn, before: i64) -> sqlx::Result<u64> {
    Sql::per_backend(
        "DELETE FROM email_outbox WHERE state = 'sent' \
           AND sent_at < strftime('%Y-%m-%dT%H:%M:%fZ', $1, 'unixepoch')",
        "DELETE FROM email_outbox WHERE state = 'sent' AND sent_at < to_timestamp($1)",
    )
    .bind(before)
    .execute(conn)
    .await
}
