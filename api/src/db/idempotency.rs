//! The `idempotency_keys` table: one row per customer and key, holding the hash of the first
//! request's body and, once it is done, the answer it got. The rules (the TTL, what a
//! mismatch means) are `app::checkout`'s.

use crate::db::{Conn, Id, sql};

/// A key as stored.
#[derive(Debug, sqlx::FromRow)]
pub struct KeyRow {
    pub request_hash: String,
    /// With `response`: the answer, once the first request finished.
    pub status_code: Option<i32>,
    pub response: Option<String>,
}

/// Claims `key` for `customer` and a body hashing to `hash`: inserts it, or takes it over when
/// it was made at `stale_before` or earlier; whether the claim is ours. One statement, so of
/// two simultaneous requests with one key exactly one gets it.
pub async fn claim(
    conn: &mut Conn,
    customer: Id,
    key: &str,
    hash: &str,
    now: i64,
    stale_before: i64,
) -> sqlx::Result<bool> {
    let claimed = sql(
        "INSERT INTO idempotency_keys (customer_id, idem_key, request_hash, created_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (customer_id, idem_key) DO UPDATE SET \
           request_hash = excluded.request_hash, status_code = NULL, response = NULL, \
           created_at = excluded.created_at \
         WHERE idempotency_keys.created_at <= $5",
    )
    .bind(customer)
    .bind(key)
    .bind(hash)
    .bind(now)
    .bind(stale_before)
    .execute(conn)
    .await?;
    Ok(claimed == 1)
}

/// `customer`'s key `key`, if it exists.
pub async fn get(conn: &mut Conn, customer: Id, key: &str) -> sqlx::Result<Option<KeyRow>> {
    sql(
        "SELECT request_hash, status_code, response FROM idempotency_keys \
         WHERE customer_id = $1 AND idem_key = $2",
    )
    .bind(customer)
    .bind(key)
    .fetch_optional(conn)
    .await
}

/// Keeps the answer `status` and `body` with `customer`'s key `key`.
pub async fn store_answer(
    conn: &mut Conn,
    customer: Id,
    key: &str,
    status: i32,
    body: &str,
) -> sqlx::Result<()> {
    sql(
        "UPDATE idempotency_keys SET status_code = $1, response = $2 \
         WHERE customer_id = $3 AND idem_key = $4",
    )
    .bind(status)
    .bind(body)
    .bind(customer)
    .bind(key)
    .execute(conn)
    .await
    .map(drop)
}

/// Deletes `customer`'s key `key` if it has no answer yet.
pub async fn release(conn: &mut Conn, customer: Id, key: &str) -> sqlx::Result<()> {
    sql(
        "DELETE FROM idempotency_keys WHERE customer_id = $1 AND idem_key = $2 \
         AND status_code IS NULL",
    )
    .bind(customer)
    .bind(key)
    .execute(conn)
    .await
    .map(drop)
}

/// Deletes every key made at `made_before` or earlier.
pub async fn prune(conn: &mut Conn, made_before: i64) -> sqlx::Result<()> {
    sql("DELETE FROM idempotency_keys WHERE created_at <= $1")
        .bind(made_before)
        .execute(conn)
        .await
        .map(drop)
}
