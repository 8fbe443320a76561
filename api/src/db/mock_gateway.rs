//! The `mock_gateway_sessions` and `mock_gateway_refunds` tables: the mock gateway's own
//! ledger (`payments::mock`), one row per payment it opened and per refund it made (keyed by
//! the idempotency key it was asked with), as a real gateway keeps its side. Its order ids are
//! plain text: the gateway knows nothing of the shop's tables.

use crate::db::{Conn, sql};

/// A payment session as the ledger has it.
#[derive(Debug, sqlx::FromRow)]
pub struct SessionRow {
    pub order_id: String,
    pub amount: i64,
    pub return_url: String,
    /// `SUCCESS` or `FAILED` once the shopper answered.
    pub outcome: Option<String>,
    pub txn_id: Option<String>,
}

/// Opens session `reference` for `amount` paise of order `order_id`, unless the order has one
/// already; the reference of the order's session (`reference`, or the one opened before). One
/// statement: two attempts for one order get one session.
pub async fn open(
    conn: &mut Conn,
    reference: &str,
    order_id: &str,
    amount: i64,
    return_url: &str,
    now: i64,
) -> sqlx::Result<String> {
    // The no-op update makes RETURNING give the existing row's id on a conflict.
    sql(
        "INSERT INTO mock_gateway_sessions (id, order_id, amount, return_url, created_at) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (order_id) DO UPDATE SET order_id = excluded.order_id RETURNING id",
    )
    .bind(reference)
    .bind(order_id)
    .bind(amount)
    .bind(return_url)
    .bind(now)
    .scalar_one(conn)
    .await
}

/// Session `reference`, if there is one.
pub async fn get(conn: &mut Conn, reference: &str) -> sqlx::Result<Option<SessionRow>> {
    sql("SELECT order_id, amount, return_url, outcome, txn_id \
         FROM mock_gateway_sessions WHERE id = $1")
    .bind(reference)
    .fetch_optional(conn)
    .await
}

/// Records the shopper's answer on session `reference` unless it has one already.
pub async fn decide(
    conn: &mut Conn,
    reference: &str,
    outcome: &str,
    txn_id: &str,
) -> sqlx::Result<()> {
    sql(
        "UPDATE mock_gateway_sessions SET outcome = $1, txn_id = $2 \
         WHERE id = $3 AND outcome IS NULL",
    )
    .bind(outcome)
    .bind(txn_id)
    .bind(reference)
    .execute(conn)
    .await
    .map(drop)
}

/// Refunds `amount` of the paid session whose payment is `txn_id`, if that much is left;
/// whether it did.
pub async fn refund(conn: &mut Conn, txn_id: &str, amount: i64) -> sqlx::Result<bool> {
    let done = sql("UPDATE mock_gateway_sessions SET refunded = refunded + $1 \
         WHERE txn_id = $2 AND outcome = 'SUCCESS' AND refunded + $1 <= amount")
    .bind(amount)
    .bind(txn_id)
    .execute(conn)
    .await?;
    Ok(done == 1)
}

/// A refund of the mock gateway's ledger.
#[derive(Debug, sqlx::FromRow)]
pub struct RefundRow {
    pub id: String,
    pub txn_id: String,
    pub amount: i64,
}

/// Claims idempotency key `key` for refund `id` of `amount` of payment `txn_id`; whether it
/// was free. A concurrent claim of the same key waits for the first and then finds it taken.
pub async fn claim_refund(
    conn: &mut Conn,
    key: &str,
    refund: &RefundRow,
    now: i64,
) -> sqlx::Result<bool> {
    let claimed = sql(
        "INSERT INTO mock_gateway_refunds (idempotency_key, id, txn_id, amount, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(key)
    .bind(refund.id.as_str())
    .bind(refund.txn_id.as_str())
    .bind(refund.amount)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(claimed == 1)
}

/// The refund made under idempotency key `key`, if one was.
pub async fn refund_by_key(conn: &mut Conn, key: &str) -> sqlx::Result<Option<RefundRow>> {
    sql("SELECT id, txn_id, amount FROM mock_gateway_refunds WHERE idempotency_key = $1")
        .bind(key)
        .fetch_optional(conn)
        .await
}
