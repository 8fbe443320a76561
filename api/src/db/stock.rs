//! Stock held by orders: the conditional decrement that reserves a line's units at placement
//! (never below zero, whatever runs at the same time) and the release of everything an order
//! reserved when it is cancelled.

use crate::db::{Conn, Id, sql};

/// Takes `quantity` units of product `product` if the stock covers them; whether it did.
pub async fn reserve(conn: &mut Conn, product: Id, quantity: i64) -> sqlx::Result<bool> {
    let taken = sql("UPDATE products SET stock = stock - $1 WHERE id = $2 AND stock >= $1")
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
           WHERE l.order_id = $1 AND l.product_id = products.id) \
         WHERE id IN (SELECT product_id FROM order_lines WHERE order_id = $1)",
    )
    .bind(order)
    .execute(conn)
    .await
    .map(drop)
}
