//! The `idempotency_keys` table: one row per customer and key, holding the hash of the first
//! request's body, the lease of the attempt answering it (`holder`, `leased_at`), the order it
//! placed (written in the placement transaction) and, once it is done, the answer it got. The
//! rules (the TTL, the lease, what a mismatch means) are `app::checkout`'s.

use crate::db::{Conn, Id, sql};

/// A key as stored.
#[derive(Debug, sqlx::FromRow)]
pub struct KeyRow {
    pub request_hash: String,
    /// With `response`: the answer, once the first request finished.
    pub status_code: Option<i32>,
    pub response: Option<String>,
    /// When the attempt holding the key took it.
    pub leased_at: i64,
    /// The order the key placed, if any.
    pub order_id: Option<Id>,
}

/// What claiming a key needs: who, which key, the body's hash, the attempt and its time.
#[derive(Debug, Clone, Copy)]
pub struct Claim<'a> {
    pub customer: Id,
    pub key: &'a str,
    pub hash: &'a str,
    /// The claiming attempt: only it may record an order or an answer on the key.
    pub holder: Id,
    pub now: i64,
    /// A key made at this time or earlier is forgotten (the TTL): claimed afresh.
    pub stale_before: i64,
    /// A key without an answer leased at this time or earlier is taken over (the lease).
    pub lease_before: i64,
}

/// Claims a key for `claim.holder`: inserts it; or, made at `stale_before` or earlier, takes it
/// afresh; or, still unanswered for the same body and leased at `lease_before` or earlier,
/// takes its lease over, keeping the order it placed. `None` when the key is not ours, else
/// the order the key placed before (`Some(None)`: none yet). One statement, so of two
/// simultaneous requests with one key exactly one gets it.
pub async fn claim(conn: &mut Conn, claim: &Claim<'_>) -> sqlx::Result<Option<Option<Id>>> {
    sql("INSERT INTO idempotency_keys \
           (customer_id, idem_key, request_hash, created_at, holder, leased_at) \
         VALUES ($1, $2, $3, $4, $5, $4) ON CONFLICT (customer_id, idem_key) DO UPDATE SET \
           request_hash = excluded.request_hash, status_code = NULL, response = NULL, \
           holder = excluded.holder, leased_at = excluded.leased_at, \
           order_id = CASE WHEN idempotency_keys.created_at <= $6 THEN NULL \
             ELSE idempotency_keys.order_id END, \
           created_at = CASE WHEN idempotency_keys.created_at <= $6 THEN excluded.created_at \
             ELSE idempotency_keys.created_at END \
         WHERE idempotency_keys.created_at <= $6 \
           OR (idempotency_keys.status_code IS NULL AND idempotency_keys.leased_at <= $7 \
             AND idempotency_keys.request_hash = excluded.request_hash) \
         RETURNING order_id")
    .bind(claim.customer)
    .bind(claim.key)
    .bind(claim.hash)
    .bind(claim.now)
    .bind(claim.holder)
    .bind(claim.stale_before)
    .bind(claim.lease_before)
    .scalar_optional(conn)
    .await
}

/// `customer`'s key `key`, if it exists.
pub async fn get(conn: &mut Conn, customer: Id, key: &str) -> sqlx::Result<Option<KeyRow>> {
    sql(
        "SELECT request_hash, status_code, response, leased_at, order_id FROM idempotency_keys \
         WHERE customer_id = $1 AND idem_key = $2",
    )
    .bind(customer)
    .bind(key)
    .fetch_optional(conn)
    .await
}

/// Records `order` as the order `customer`'s key `key` placed, if `holder` still holds the key
/// and it placed none; whether it did. Run it in the placement transaction: the order and the
/// record of it commit together.
pub async fn record_order(
    conn: &mut Conn,
    customer: Id,
    key: &str,
    holder: Id,
    order: Id,
) -> sqlx::Result<bool> {
    let recorded = sql("UPDATE idempotency_keys SET order_id = $1 \
         WHERE customer_id = $2 AND idem_key = $3 AND holder = $4 AND order_id IS NULL")
    .bind(order)
    .bind(customer)
    .bind(key)
    .bind(holder)
    .execute(conn)
    .await?;
    Ok(recorded == 1)
}

/// Keeps the answer `status` and `body` with `customer`'s key `key`, if `holder` still holds
/// it (an attempt whose lease was taken over leaves the answer to the one that took it).
pub async fn store_answer(
    conn: &mut Conn,
    customer: Id,
    key: &str,
    holder: Id,
    status: i32,
    body: &str,
) -> sqlx::Result<()> {
    sql(
        "UPDATE idempotency_keys SET status_code = $1, response = $2 \
         WHERE customer_id = $3 AND idem_key = $4 AND holder = $5",
    )
    .bind(status)
    .bind(body)
    .bind(customer)
    .bind(key)
    .bind(holder)
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
