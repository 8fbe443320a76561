//! Fulfilment's tables: `order_parts` (each shop's part of a paid order once packed, with its
//! shipment), `fulfilment_queue` (each shop's paid parts not yet shipped, cancelled or wholly
//! refunded, which the seller's dashboard reads), `order_cancellations` (the customer's), the order's derived standing
//! (`orders.fulfilment`) and the particulars of a fulfilment step in `order_history`.

use crate::db::{Conn, Id, sql};

/// A shop's part of an order as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PartRow {
    pub shop_id: Id,
    pub status: String,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub packed_at: i64,
    pub shipped_at: Option<i64>,
    pub delivered_at: Option<i64>,
}

/// The parts of order `order` that were packed (or further), by shop.
pub async fn parts(conn: &mut Conn, order: Id) -> sqlx::Result<Vec<PartRow>> {
    sql(
        "SELECT shop_id, status, carrier, tracking_number, packed_at, shipped_at, delivered_at \
         FROM order_parts WHERE order_id = $1 ORDER BY shop_id",
    )
    .bind(order)
    .fetch_all(conn)
    .await
}

/// The shops with lines in order `order`, each once.
pub async fn shops_of(conn: &mut Conn, order: Id) -> sqlx::Result<Vec<Id>> {
    sql("SELECT DISTINCT shop_id FROM order_lines WHERE order_id = $1 ORDER BY shop_id")
        .bind(order)
        .scalar_all(conn)
        .await
}

/// Queues shop `shop`'s part of just-paid order `order` to be sent, with its items and amount
/// (the shop's lines, tax included). Runs in the confirmation's transaction, beside the part's
/// invoice.
pub async fn enqueue(conn: &mut Conn, order: Id, shop: Id) -> sqlx::Result<()> {
    sql(
        "INSERT INTO fulfilment_queue (shop_id, order_id, placed_at, items, amount) \
         SELECT l.shop_id, l.order_id, o.created_at, CAST(SUM(l.quantity) AS BIGINT), \
           CAST(SUM(l.total) AS BIGINT) \
         FROM order_lines l JOIN orders o ON o.id = l.order_id \
         WHERE l.order_id = $1 AND l.shop_id = $2 \
         GROUP BY l.shop_id, l.order_id, o.created_at \
         ON CONFLICT (shop_id, order_id) DO NOTHING",
    )
    .bind(order)
    .bind(shop)
    .execute(conn)
    .await
    .map(drop)
}

/// Takes order `order`'s parts off the queue: shop `shop`'s when it ships, every shop's
/// (`None`) when the order is cancelled.
pub async fn unqueue(conn: &mut Conn, order: Id, shop: Option<Id>) -> sqlx::Result<()> {
    sql("DELETE FROM fulfilment_queue WHERE order_id = $1 AND ($2 IS NULL OR shop_id = $2)")
        .bind(order)
        .bind(shop)
        .execute(conn)
        .await
        .map(drop)
}

/// Takes order `order`'s parts off the queue if its refunds reached its total: nothing is left
/// to send. Runs in the transaction that completes the refund.
pub async fn unqueue_if_refunded(conn: &mut Conn, order: Id) -> sqlx::Result<()> {
    sql("DELETE FROM fulfilment_queue WHERE order_id = $1 \
         AND EXISTS (SELECT 1 FROM orders WHERE id = $1 AND refunded >= total)")
    .bind(order)
    .execute(conn)
    .await
    .map(drop)
}

/// Packs shop `shop`'s part of order `order` at `now`; whether it did (`false`: it was packed
/// before, by a concurrent request).
pub async fn pack(conn: &mut Conn, order: Id, shop: Id, now: i64) -> sqlx::Result<bool> {
    let written = sql(
        "INSERT INTO order_parts (order_id, shop_id, status, packed_at) \
         VALUES ($1, $2, 'PACKED', $3) ON CONFLICT (order_id, shop_id) DO NOTHING",
    )
    .bind(order)
    .bind(shop)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(written == 1)
}

/// Ships shop `shop`'s packed part of order `order`; whether it was still packed.
pub async fn ship(
    conn: &mut Conn,
    order: Id,
    shop: Id,
    carrier: &str,
    tracking_number: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let changed = sql(
        "UPDATE order_parts SET status = 'SHIPPED', carrier = $1, tracking_number = $2, \
           shipped_at = $3 WHERE order_id = $4 AND shop_id = $5 AND status = 'PACKED'",
    )
    .bind(carrier)
    .bind(tracking_number)
    .bind(now)
    .bind(order)
    .bind(shop)
    .execute(conn)
    .await?;
    Ok(changed == 1)
}

/// Marks shop `shop`'s shipped part of order `order` delivered; whether it was still shipped.
pub async fn deliver(conn: &mut Conn, order: Id, shop: Id, now: i64) -> sqlx::Result<bool> {
    let changed = sql(
        "UPDATE order_parts SET status = 'DELIVERED', delivered_at = $1 \
         WHERE order_id = $2 AND shop_id = $3 AND status = 'SHIPPED'",
    )
    .bind(now)
    .bind(order)
    .bind(shop)
    .execute(conn)
    .await?;
    Ok(changed == 1)
}

/// Sets order `order`'s derived standing (`None`: every part still ORDER_CONFIRMED).
pub async fn set_standing(conn: &mut Conn, order: Id, standing: Option<&str>) -> sqlx::Result<()> {
    sql("UPDATE orders SET fulfilment = $1 WHERE id = $2")
        .bind(standing)
        .bind(order)
        .execute(conn)
        .await
        .map(drop)
}

/// A fulfilment step to add to an order's history.
pub struct Step<'a> {
    pub status: &'a str,
    pub shop: Option<Id>,
    pub carrier: Option<&'a str>,
    pub tracking_number: Option<&'a str>,
    pub at: i64,
}

/// Appends `step` to order `order`'s history.
pub async fn add_step(conn: &mut Conn, order: Id, step: &Step<'_>) -> sqlx::Result<()> {
    sql(
        "INSERT INTO order_history (order_id, seq, status, at, shop_id, carrier, \
           tracking_number) VALUES ($1, \
           (SELECT COALESCE(MAX(seq), 0) + 1 FROM order_history WHERE order_id = $1), \
           $2, $3, $4, $5, $6)",
    )
    .bind(order)
    .bind(step.status)
    .bind(step.at)
    .bind(step.shop)
    .bind(step.carrier)
    .bind(step.tracking_number)
    .execute(conn)
    .await
    .map(drop)
}

/// A customer's cancellation as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CancellationRow {
    pub reason: String,
    pub request_key: String,
    pub request_hash: String,
    pub cancelled_at: i64,
}

/// The cancellation of order `order`, if it was cancelled.
pub async fn cancellation(conn: &mut Conn, order: Id) -> sqlx::Result<Option<CancellationRow>> {
    sql(
        "SELECT reason, request_key, request_hash, cancelled_at FROM order_cancellations \
         WHERE order_id = $1",
    )
    .bind(order)
    .fetch_optional(conn)
    .await
}

/// A cancellation to write.
pub struct NewCancellation<'a> {
    pub order: Id,
    pub reason: &'a str,
    pub by: Option<Id>,
    pub request_key: &'a str,
    pub request_hash: &'a str,
    pub refund: Option<Id>,
    pub now: i64,
}

/// Writes `cancellation` (the primary key makes a second one of an order fail).
pub async fn insert_cancellation(
    conn: &mut Conn,
    cancellation: &NewCancellation<'_>,
) -> sqlx::Result<()> {
    sql(
        "INSERT INTO order_cancellations (order_id, reason, cancelled_by, request_key, \
           request_hash, refund_id, cancelled_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(cancellation.order)
    .bind(cancellation.reason)
    .bind(cancellation.by)
    .bind(cancellation.request_key)
    .bind(cancellation.request_hash)
    .bind(cancellation.refund)
    .bind(cancellation.now)
    .execute(conn)
    .await
    .map(drop)
}
