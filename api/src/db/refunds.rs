//! The `refunds` ledger: a refund is written PENDING before the gateway is asked, under its
//! own gateway key, and settled DONE (with the gateway's id) or FAILED once; and the
//! `orders.refunded` sum of the DONE refunds of the payment that paid an order.

use crate::db::{Conn, Id, Sql, sql};

/// A refund to write, PENDING.
pub struct NewRefund<'a> {
    pub id: Id,
    pub order: Id,
    /// The capture it gives back.
    pub payment_txn_id: &'a str,
    pub amount: i64,
    pub reason: &'a str,
    /// The shop's own refund of a capture no order took.
    pub automatic: bool,
    /// The key every gateway call for this refund carries.
    pub gateway_key: &'a str,
    /// The administrator's `Idempotency-Key` and the hash of the request it came with.
    pub request: Option<(&'a str, &'a str)>,
    /// The administrator who asked; `None` for an automatic refund.
    pub by: Option<Id>,
    pub now: i64,
}

/// Writes `refund` as PENDING. A second refund under the same order and `Idempotency-Key`
/// breaks the UNIQUE constraint (and on PostgreSQL waits for the first to commit first).
pub async fn insert(conn: &mut Conn, refund: &NewRefund<'_>) -> sqlx::Result<()> {
    sql(
        "INSERT INTO refunds (id, order_id, payment_txn_id, amount, reason, state, automatic, \
           gateway_key, request_key, request_hash, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, 'PENDING', $6, $7, $8, $9, $10, $11)",
    )
    .bind(refund.id)
    .bind(refund.order)
    .bind(refund.payment_txn_id)
    .bind(refund.amount)
    .bind(refund.reason)
    .bind(refund.automatic)
    .bind(refund.gateway_key)
    .bind(refund.request.map(|(key, _)| key))
    .bind(refund.request.map(|(_, hash)| hash))
    .bind(refund.by)
    .bind(refund.now)
    .execute(conn)
    .await
    .map(drop)
}

/// A refund as stored (its reason left out: nothing reads it back but people).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RefundRow {
    pub id: Id,
    pub order_id: Id,
    pub payment_txn_id: String,
    pub amount: i64,
    /// `PENDING`, `DONE` or `FAILED`.
    pub state: String,
    pub automatic: bool,
    pub gateway_key: String,
    pub request_hash: Option<String>,
    pub gateway_ref: Option<String>,
    pub created_at: i64,
    pub settled_at: Option<i64>,
}

/// The columns of [`RefundRow`].
const COLUMNS: &str = "id, order_id, payment_txn_id, amount, state, automatic, gateway_key, \
     request_hash, gateway_ref, created_at, settled_at";

/// Refund `id`.
pub async fn get(conn: &mut Conn, id: Id) -> sqlx::Result<Option<RefundRow>> {
    Sql::built(format!("SELECT {COLUMNS} FROM refunds WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// The refund of order `order` made under the administrator's `Idempotency-Key` `key`.
pub async fn by_request_key(
    conn: &mut Conn,
    order: Id,
    key: &str,
) -> sqlx::Result<Option<RefundRow>> {
    Sql::built(format!(
        "SELECT {COLUMNS} FROM refunds WHERE order_id = $1 AND request_key = $2"
    ))
    .bind(order)
    .bind(key)
    .fetch_optional(conn)
    .await
}

/// The refund the gateway knows by `gateway_ref` (Razorpay's `rfnd_...`), once settled.
pub async fn by_gateway_ref(conn: &mut Conn, gateway_ref: &str) -> sqlx::Result<Option<RefundRow>> {
    Sql::built(format!(
        "SELECT {COLUMNS} FROM refunds WHERE gateway_ref = $1"
    ))
    .bind(gateway_ref)
    .fetch_optional(conn)
    .await
}

/// The refunds of order `order`, oldest first.
pub async fn of_order(conn: &mut Conn, order: Id) -> sqlx::Result<Vec<RefundRow>> {
    Sql::built(format!(
        "SELECT {COLUMNS} FROM refunds WHERE order_id = $1 ORDER BY created_at, id"
    ))
    .bind(order)
    .fetch_all(conn)
    .await
}

/// The PENDING refunds written at `before` or earlier, oldest first: those no live request is
/// still finishing.
pub async fn pending_since(conn: &mut Conn, before: i64) -> sqlx::Result<Vec<RefundRow>> {
    Sql::built(format!(
        "SELECT {COLUMNS} FROM refunds WHERE state = 'PENDING' AND created_at <= $1 \
         ORDER BY created_at, id"
    ))
    .bind(before)
    .fetch_all(conn)
    .await
}

/// Settles PENDING refund `id` as `state` (`DONE` with the gateway's id, or `FAILED`) at
/// `now`; whether it was still PENDING. Conditional, so of a request and the reconciler
/// finishing one refund, exactly one settles it.
pub async fn settle(
    conn: &mut Conn,
    id: Id,
    state: &str,
    gateway_ref: Option<&str>,
    now: i64,
) -> sqlx::Result<bool> {
    let settled = sql(
        "UPDATE refunds SET state = $1, gateway_ref = $2, settled_at = $3 \
         WHERE id = $4 AND state = 'PENDING'",
    )
    .bind(state)
    .bind(gateway_ref)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(settled == 1)
}

/// Adds `amount` to what order `order`'s own payment has given back, if it fits in the
/// total; whether it did (the CHECK on `orders.refunded` is the last line of defence).
pub async fn add_refunded(conn: &mut Conn, order: Id, amount: i64) -> sqlx::Result<bool> {
    let added = sql("UPDATE orders SET refunded = refunded + $1 \
         WHERE id = $2 AND refunded + $1 <= total")
    .bind(amount)
    .bind(order)
    .execute(conn)
    .await?;
    Ok(added == 1)
}

/// One case of the reconciliation list: a payment event, with one of its refunds if any.
#[derive(Debug, sqlx::FromRow)]
pub struct CaseRow {
    pub order_id: Id,
    pub gateway_txn_id: String,
    pub captured: i64,
    pub disposition: String,
    pub received_at: i64,
    pub refund_id: Option<Id>,
    pub refund_amount: Option<i64>,
    pub refund_state: Option<String>,
    pub refund_automatic: Option<bool>,
    pub refund_created_at: Option<i64>,
    pub refund_settled_at: Option<i64>,
}

/// Up to `limit` cases, newest first: every capture no order took (with its refunds), and
/// every refund not DONE.
pub async fn open_cases(conn: &mut Conn, limit: i64) -> sqlx::Result<Vec<CaseRow>> {
    sql(
        "SELECT e.order_id, e.gateway_txn_id, e.amount AS captured, e.disposition, \
           e.received_at, r.id AS refund_id, r.amount AS refund_amount, \
           r.state AS refund_state, r.automatic AS refund_automatic, \
           r.created_at AS refund_created_at, r.settled_at AS refund_settled_at \
         FROM payment_events e LEFT JOIN refunds r ON r.payment_txn_id = e.gateway_txn_id \
         WHERE (e.outcome = 'SUCCESS' AND e.disposition <> 'APPLIED') \
           OR (r.state IS NOT NULL AND r.state <> 'DONE') \
         ORDER BY COALESCE(r.created_at, e.received_at) DESC, e.gateway_txn_id, r.id \
         LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await
}
