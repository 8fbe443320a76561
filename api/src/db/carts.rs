//! The `carts` and `cart_items` tables: guest carts reached by id, one cart per customer, lines
//! read with the catalog's current price, stock and availability.

use crate::db::{Db, is_uuid, on_pool, transaction};
use contracts::Paise;
use contracts::cart::UnpricedLine;
use contracts::gst::Rate;
use sqlx::Row as _;

/// Marks a cart as changed (`updated_at`), for pruning abandoned guest carts later.
const TOUCH_SQLITE: &str = "UPDATE carts SET updated_at = $1 WHERE id = $2";
const TOUCH_POSTGRES: &str = "UPDATE carts SET updated_at = $1 WHERE id = $2::uuid";

/// A new guest cart; its id.
pub async fn create_guest(db: &Db, now: i64) -> Result<String, sqlx::Error> {
    let id = uuid::Uuid::new_v4().to_string();
    on_pool!(db, |pool, sql| {
        sqlx::query(sql.pick(
            "INSERT INTO carts (id, owner_id, created_at, updated_at) VALUES ($1, NULL, $2, $2)",
            "INSERT INTO carts (id, owner_id, created_at, updated_at) \
             VALUES ($1::uuid, NULL, $2, $2)",
        ))
        .bind(&id)
        .bind(now)
        .execute(pool)
        .await
        .map(drop)
    })?;
    Ok(id)
}

/// The id of `owner_id`'s cart, made on first use. `ON CONFLICT DO NOTHING` on the owner's
/// UNIQUE column: two first requests at once end with one cart.
pub async fn of_owner(db: &Db, owner_id: &str, now: i64) -> Result<String, sqlx::Error> {
    let id = uuid::Uuid::new_v4().to_string();
    on_pool!(db, |pool, sql| {
        sqlx::query(sql.pick(
            "INSERT INTO carts (id, owner_id, created_at, updated_at) VALUES ($1, $2, $3, $3) \
             ON CONFLICT (owner_id) DO NOTHING",
            "INSERT INTO carts (id, owner_id, created_at, updated_at) \
             VALUES ($1::uuid, $2::uuid, $3, $3) ON CONFLICT (owner_id) DO NOTHING",
        ))
        .bind(&id)
        .bind(owner_id)
        .bind(now)
        .execute(pool)
        .await?;
        sqlx::query_scalar(sql.pick(
            "SELECT id FROM carts WHERE owner_id = $1",
            "SELECT id::text FROM carts WHERE owner_id = $1::uuid",
        ))
        .bind(owner_id)
        .fetch_one(pool)
        .await
    })
}

/// Who owns cart `id`: `None` when there is no such cart, `Some(None)` for a guest cart.
pub async fn owner(db: &Db, id: &str) -> Result<Option<Option<String>>, sqlx::Error> {
    if !is_uuid(id) {
        return Ok(None);
    }
    on_pool!(db, |pool, sql| {
        sqlx::query_scalar(sql.pick(
            "SELECT owner_id FROM carts WHERE id = $1",
            "SELECT owner_id::text FROM carts WHERE id = $1::uuid",
        ))
        .bind(id)
        .fetch_optional(pool)
        .await
    })
}

/// The lines of cart `id`, oldest first, with each product's current price, rate, stock and
/// whether it can still be bought (active, in an approved shop).
pub async fn lines(db: &Db, id: &str) -> Result<Vec<UnpricedLine>, sqlx::Error> {
    on_pool!(db, |pool, sql| {
        sqlx::query(sql.pick(
            "SELECT i.product_id AS product_id, p.shop_id AS shop_id, p.name AS name, \
               p.price AS price, i.quantity AS quantity, p.stock AS stock, \
               (p.active = TRUE AND s.status = 'APPROVED') AS available, p.gst_rate AS gst_rate \
             FROM cart_items i JOIN products p ON p.id = i.product_id \
               JOIN shops s ON s.id = p.shop_id \
             WHERE i.cart_id = $1 ORDER BY i.position",
            "SELECT i.product_id::text AS product_id, p.shop_id::text AS shop_id, \
               p.name AS name, p.price AS price, i.quantity AS quantity, p.stock AS stock, \
               (p.active AND s.status = 'APPROVED') AS available, p.gst_rate AS gst_rate \
             FROM cart_items i JOIN products p ON p.id = i.product_id \
               JOIN shops s ON s.id = p.shop_id \
             WHERE i.cart_id = $1::uuid ORDER BY i.position",
        ))
        .bind(id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| {
            let quantity: i32 = row.try_get("quantity")?;
            let rate: i32 = row.try_get("gst_rate")?;
            Ok(UnpricedLine {
                product_id: row.try_get("product_id")?,
                shop_id: row.try_get("shop_id")?,
                name: row.try_get("name")?,
                unit_price: Paise(row.try_get("price")?),
                quantity: u32::try_from(quantity).unwrap_or(0),
                stock: row.try_get("stock")?,
                available: row.try_get("available")?,
                rate: Rate(u32::try_from(rate).unwrap_or(0)),
            })
        })
        .collect()
    })
}

/// Sets the quantity of `product_id` in cart `id` (adding the line if missing), and touches
/// the cart.
pub async fn set_quantity(
    db: &Db,
    id: &str,
    product_id: &str,
    quantity: u32,
    now: i64,
) -> Result<(), sqlx::Error> {
    let quantity = i32::try_from(quantity).unwrap_or(i32::MAX);
    transaction!(db, |tx, sql| {
        sqlx::query(sql.pick(
            "INSERT INTO cart_items (cart_id, product_id, quantity, added_at, position) \
             VALUES ($1, $2, $3, $4, \
               (SELECT COALESCE(MAX(position), 0) + 1 FROM cart_items WHERE cart_id = $1)) \
             ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = excluded.quantity",
            "INSERT INTO cart_items (cart_id, product_id, quantity, added_at, position) \
             VALUES ($1::uuid, $2::uuid, $3, $4, \
               (SELECT COALESCE(MAX(position), 0) + 1 FROM cart_items WHERE cart_id = $1::uuid)) \
             ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = excluded.quantity",
        ))
        .bind(id)
        .bind(product_id)
        .bind(quantity)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(sql.pick(TOUCH_SQLITE, TOUCH_POSTGRES))
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    })
}

/// Removes `product_id` from cart `id` (nothing happens when it is not there).
pub async fn remove(db: &Db, id: &str, product_id: &str, now: i64) -> Result<(), sqlx::Error> {
    if !is_uuid(product_id) {
        return Ok(());
    }
    transaction!(db, |tx, sql| {
        sqlx::query(sql.pick(
            "DELETE FROM cart_items WHERE cart_id = $1 AND product_id = $2",
            "DELETE FROM cart_items WHERE cart_id = $1::uuid AND product_id = $2::uuid",
        ))
        .bind(id)
        .bind(product_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(sql.pick(TOUCH_SQLITE, TOUCH_POSTGRES))
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    })
}

/// Folds guest cart `guest_id` into cart `into_id` (quantities of a product in both are added)
/// and deletes the guest cart, in one transaction: a merge happens once or not at all.
pub async fn merge(db: &Db, guest_id: &str, into_id: &str, now: i64) -> Result<(), sqlx::Error> {
    transaction!(db, |tx, sql| {
        sqlx::query(sql.pick(
            // Guest lines go after the customer's own, in their order; a product in both
            // keeps the customer's place and adds the quantities.
            "INSERT INTO cart_items (cart_id, product_id, quantity, added_at, position) \
             SELECT $1, product_id, quantity, added_at, position + \
               (SELECT COALESCE(MAX(position), 0) FROM cart_items WHERE cart_id = $1) \
             FROM cart_items WHERE cart_id = $2 \
             ON CONFLICT (cart_id, product_id) \
             DO UPDATE SET quantity = cart_items.quantity + excluded.quantity",
            "INSERT INTO cart_items (cart_id, product_id, quantity, added_at, position) \
             SELECT $1::uuid, product_id, quantity, added_at, position + \
               (SELECT COALESCE(MAX(position), 0) FROM cart_items WHERE cart_id = $1::uuid) \
             FROM cart_items WHERE cart_id = $2::uuid \
             ON CONFLICT (cart_id, product_id) \
             DO UPDATE SET quantity = cart_items.quantity + excluded.quantity",
        ))
        .bind(into_id)
        .bind(guest_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(sql.pick(
            "DELETE FROM carts WHERE id = $1 AND owner_id IS NULL",
            "DELETE FROM carts WHERE id = $1::uuid AND owner_id IS NULL",
        ))
        .bind(guest_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(sql.pick(TOUCH_SQLITE, TOUCH_POSTGRES))
            .bind(now)
            .bind(into_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    })
}
