//! The `carts` and `cart_items` tables: guest carts reached by id, one cart per customer, lines
//! read with the catalog's current price, stock and availability.

use crate::db::{Conn, Id, Sql, sql};

/// A cart line joined with its product and shop as the catalog has them now: what the cart
/// shows, and what checkout prices an order line from.
#[derive(Debug, sqlx::FromRow)]
pub struct LineRow {
    pub product_id: Id,
    pub shop_id: Id,
    pub name: String,
    pub hsn: String,
    pub price: i64,
    pub quantity: i32,
    pub stock: i64,
    /// Active, and in an approved shop.
    pub available: bool,
    /// Basis points.
    pub gst_rate: i32,
    /// The shop's GST state: with the place of supply, it decides CGST + SGST or IGST.
    pub shop_state: String,
}

/// A product as a cart sees it when a line is added: whether it is on sale, and its stock.
#[derive(Debug, sqlx::FromRow)]
pub struct ProductRow {
    pub id: Id,
    pub shop_id: Id,
    pub stock: i64,
}

/// Inserts a cart owned by `owner` (`None`: a guest's) unless the owner has one already (the
/// owner's UNIQUE column: two first requests at once end with one cart).
pub async fn insert(conn: &mut Conn, id: Id, owner: Option<Id>, now: i64) -> sqlx::Result<bool> {
    sql(
        "INSERT INTO carts (id, owner_id, created_at, updated_at) VALUES ($1, $2, $3, $3) \
         ON CONFLICT (owner_id) DO NOTHING",
    )
    .bind(id)
    .bind(owner)
    .bind(now)
    .execute(conn)
    .await
    .map(|rows| rows == 1)
}

/// The id of `owner`'s cart, if it has one.
pub async fn of_owner(conn: &mut Conn, owner: Id) -> sqlx::Result<Option<Id>> {
    sql("SELECT id FROM carts WHERE owner_id = $1")
        .bind(owner)
        .scalar_optional(conn)
        .await
}

/// Who owns cart `id`: `None` when there is no such cart, `Some(None)` for a guest cart.
pub async fn owner(conn: &mut Conn, id: Id) -> sqlx::Result<Option<Option<Id>>> {
    sql("SELECT owner_id FROM carts WHERE id = $1")
        .bind(id)
        .scalar_optional(conn)
        .await
}

/// [`owner`], holding cart `id` until the transaction ends, so that of two checkouts of one
/// cart the second waits, then finds it emptied: a cart is bought at most once. PostgreSQL
/// locks the row (`FOR UPDATE`); SQLite has no row locks and needs none, since its write
/// transactions (`BEGIN IMMEDIATE`) already run one at a time.
pub async fn owner_locked(conn: &mut Conn, id: Id) -> sqlx::Result<Option<Option<Id>>> {
    Sql::per_backend(
        "SELECT owner_id FROM carts WHERE id = $1",
        "SELECT owner_id FROM carts WHERE id = $1 FOR UPDATE",
    )
    .bind(id)
    .scalar_optional(conn)
    .await
}

/// The lines of cart `id`, oldest first.
pub async fn lines(conn: &mut Conn, id: Id) -> sqlx::Result<Vec<LineRow>> {
    sql(
        "SELECT i.product_id, p.shop_id, p.name, p.hsn, p.price, i.quantity, p.stock, \
           (p.active = TRUE AND s.status = 'APPROVED') AS available, p.gst_rate, \
           s.state_code AS shop_state \
         FROM cart_items i JOIN products p ON p.id = i.product_id \
           JOIN shops s ON s.id = p.shop_id \
         WHERE i.cart_id = $1 ORDER BY i.position",
    )
    .bind(id)
    .fetch_all(conn)
    .await
}

/// Product `id` if it is on sale (active, in an approved shop).
pub async fn product_on_sale(conn: &mut Conn, id: Id) -> sqlx::Result<Option<ProductRow>> {
    sql(
        "SELECT p.id, p.shop_id, p.stock FROM products p JOIN shops s ON s.id = p.shop_id \
         WHERE p.id = $1 AND p.active = TRUE AND s.status = 'APPROVED'",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// Sets the quantity of `product` in cart `id`, adding the line at the end if missing.
pub async fn set_quantity(
    conn: &mut Conn,
    id: Id,
    product: Id,
    quantity: i32,
    now: i64,
) -> sqlx::Result<()> {
    sql(
        "INSERT INTO cart_items (cart_id, product_id, quantity, added_at, position) \
         VALUES ($1, $2, $3, $4, \
           (SELECT COALESCE(MAX(position), 0) + 1 FROM cart_items WHERE cart_id = $1)) \
         ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = excluded.quantity",
    )
    .bind(id)
    .bind(product)
    .bind(quantity)
    .bind(now)
    .execute(conn)
    .await
    .map(drop)
}

/// Removes `product` from cart `id` (nothing happens when it is not there).
pub async fn remove(conn: &mut Conn, id: Id, product: Id) -> sqlx::Result<()> {
    sql("DELETE FROM cart_items WHERE cart_id = $1 AND product_id = $2")
        .bind(id)
        .bind(product)
        .execute(conn)
        .await
        .map(drop)
}

/// Empties cart `id` (an order was placed from it).
pub async fn clear(conn: &mut Conn, id: Id) -> sqlx::Result<()> {
    sql("DELETE FROM cart_items WHERE cart_id = $1")
        .bind(id)
        .execute(conn)
        .await
        .map(drop)
}

/// Copies the lines of cart `from` into cart `into`: they go after `into`'s own lines, in
/// their order, and a product in both keeps `into`'s place and adds the quantities.
pub async fn fold_lines(conn: &mut Conn, from: Id, into: Id) -> sqlx::Result<()> {
    sql(
        "INSERT INTO cart_items (cart_id, product_id, quantity, added_at, position) \
         SELECT $1, product_id, quantity, added_at, position + \
           (SELECT COALESCE(MAX(position), 0) FROM cart_items WHERE cart_id = $1) \
         FROM cart_items WHERE cart_id = $2 \
         ON CONFLICT (cart_id, product_id) \
         DO UPDATE SET quantity = cart_items.quantity + excluded.quantity",
    )
    .bind(into)
    .bind(from)
    .execute(conn)
    .await
    .map(drop)
}

/// Deletes guest cart `id` (its lines go with it).
pub async fn delete_guest(conn: &mut Conn, id: Id) -> sqlx::Result<()> {
    sql("DELETE FROM carts WHERE id = $1 AND owner_id IS NULL")
        .bind(id)
        .execute(conn)
        .await
        .map(drop)
}

/// Marks cart `id` as changed, for pruning abandoned guest carts later.
pub async fn touch(conn: &mut Conn, id: Id, now: i64) -> sqlx::Result<()> {
    sql("UPDATE carts SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await
        .map(drop)
}
