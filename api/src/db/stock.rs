//! Stock and its history: the conditional decrement that reserves a line's units at placement
//! (never below zero, whatever runs at the same time), the release of everything an order
//! reserved when it is cancelled, a seller's adjustment by a delta, and the `inventory_events`
//! table recording each change (who, why, by how much, the level it left). Every change of
//! `products.stock` bumps `products.version`.

use crate::db::{Conn, Id, sql};

/// Who changed the stock, as the audit log names actors (`app::audit`).
#[derive(Debug, Clone)]
pub struct By {
    /// `USER`, `ADMIN` or `SYSTEM`.
    pub actor_type: &'static str,
    /// The user's id, or the task's name.
    pub actor_id: Option<String>,
}

/// One change of one product's stock, to record.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub product: Id,
    pub by: &'a By,
    /// `InventoryReason::as_str`.
    pub reason: &'static str,
    pub delta: i64,
    /// The stock it left.
    pub level: i64,
    pub order: Option<Id>,
    pub at: i64,
}

/// A product's stock and version after a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Level {
    pub stock: i64,
    pub version: i64,
}

/// A recorded change, as read back.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub seq: i64,
    pub actor_type: String,
    pub actor_id: Option<String>,
    pub reason: String,
    pub delta: i64,
    pub level: i64,
    pub order_id: Option<Id>,
    pub at: i64,
}

/// Takes `quantity` units of product `product` if the stock covers them; whether it did.
pub async fn reserve(conn: &mut Conn, product: Id, quantity: i64) -> sqlx::Result<bool> {
    let taken = sql(
        "UPDATE products SET stock = stock - $1, version = version + 1 \
         WHERE id = $2 AND stock >= $1",
    )
    .bind(quantity)
    .bind(product)
    .execute(conn)
    .await?;
    Ok(taken == 1)
}

/// Gives the units order `order` reserved back to its products.
pub async fn release(conn: &mut Conn, order: Id) -> sqlx::Result<()> {
    sql(
        "UPDATE products SET stock = stock + (SELECT SUM(l.quantity) FROM order_lines l \
           WHERE l.order_id = $1 AND l.product_id = products.id), version = version + 1 \
         WHERE id IN (SELECT product_id FROM order_lines WHERE order_id = $1)",
    )
    .bind(order)
    .execute(conn)
    .await
    .map(drop)
}

/// Records what order `order` did to the stock of each of its products, in one statement:
/// `reason` with `sign` times its units (-1: reserved at placement, +1: released), at the level
/// the products are at now. Run it in the transaction that moved the stock, after the move.
pub async fn record_order(
    conn: &mut Conn,
    order: Id,
    by: &By,
    reason: &'static str,
    sign: i64,
    at: i64,
) -> sqlx::Result<()> {
    sql("INSERT INTO inventory_events \
           (product_id, actor_type, actor_id, reason, delta, level, order_id, at) \
         SELECT l.product_id, $2, $3, $4, $5 * SUM(l.quantity), p.stock, $1, $6 \
         FROM order_lines l JOIN products p ON p.id = l.product_id \
         WHERE l.order_id = $1 GROUP BY l.product_id, p.stock")
    .bind(order)
    .bind(by.actor_type)
    .bind(by.actor_id.as_deref())
    .bind(reason)
    .bind(sign)
    .bind(at)
    .execute(conn)
    .await
    .map(drop)
}

/// Adds `delta` units to product `id` of `shop` if the result stays within `0..=max`; the new
/// stock and version, `None` when the shop has no such product or the result would leave the
/// range. One conditional statement: concurrent adjustments each apply.
pub async fn adjust(
    conn: &mut Conn,
    shop: Id,
    id: Id,
    delta: i64,
    max: i64,
    now: i64,
) -> sqlx::Result<Option<Level>> {
    sql(
        "UPDATE products SET stock = stock + $1, version = version + 1, updated_at = $2 \
         WHERE id = $3 AND shop_id = $4 AND stock + $1 >= 0 AND stock + $1 <= $5 \
         RETURNING stock, version",
    )
    .bind(delta)
    .bind(now)
    .bind(id)
    .bind(shop)
    .bind(max)
    .fetch_optional(conn)
    .await
}

/// Records `event`.
pub async fn record(conn: &mut Conn, event: &Event<'_>) -> sqlx::Result<()> {
    sql("INSERT INTO inventory_events \
           (product_id, actor_type, actor_id, reason, delta, level, order_id, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
    .bind(event.product)
    .bind(event.by.actor_type)
    .bind(event.by.actor_id.as_deref())
    .bind(event.reason)
    .bind(event.delta)
    .bind(event.level)
    .bind(event.order)
    .bind(event.at)
    .execute(conn)
    .await
    .map(drop)
}

/// Up to `count` changes of product `id`'s stock recorded before `before` (a `seq`), newest
/// first.
pub async fn history(
    conn: &mut Conn,
    id: Id,
    before: i64,
    count: i64,
) -> sqlx::Result<Vec<EventRow>> {
    sql(
        "SELECT seq, actor_type, actor_id, reason, delta, level, order_id, at \
         FROM inventory_events WHERE product_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3",
    )
    .bind(id)
    .bind(before)
    .bind(count)
    .fetch_all(conn)
    .await
}
