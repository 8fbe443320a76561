//! The `products` and `product_images` tables: a product's row, its writes and its images,
//! each scoped by the shop that owns it. The catalog's search query is assembled in
//! `db::product_search`.

use crate::db::{Conn, Id, Sql, sql};
use contracts::Paise;

/// What the product queries read from: a product and its shop.
pub(super) const PRODUCTS_JOIN: &str = "products p JOIN shops s ON s.id = p.shop_id";

/// The columns of a [`ProductRow`], from [`PRODUCTS_JOIN`].
pub(super) const PRODUCT_COLUMNS: &str = "p.id AS id, p.shop_id AS shop_id, \
    s.display_name AS shop_name, p.name AS name, p.description AS description, p.sku AS sku, \
    p.hsn AS hsn, p.price AS price, p.gst_rate AS gst_rate, p.stock AS stock, \
    p.version AS version, p.category AS category, p.active AS active, p.created_at AS created_at, \
    p.updated_at AS updated_at";

/// What a shopper may see: active products of approved shops.
pub(super) const ON_SALE: &str = "p.active = TRUE AND s.status = 'APPROVED'";

/// A product with the name of its shop.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProductRow {
    pub id: Id,
    pub shop_id: Id,
    pub shop_name: String,
    pub name: String,
    pub description: String,
    pub sku: String,
    pub hsn: String,
    /// Paise, before tax.
    pub price: i64,
    /// Basis points.
    pub gst_rate: i32,
    pub stock: i64,
    /// Bumped by every change of `stock`.
    pub version: i64,
    pub category: String,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A product's columns as a seller writes them, validated by the caller: every one for a new
/// product, those that change for an update (`None` keeps a column).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductFields {
    pub name: Option<String>,
    pub description: Option<String>,
    pub sku: Option<String>,
    pub hsn: Option<String>,
    pub price: Option<Paise>,
    /// Basis points.
    pub gst_rate: Option<i32>,
    pub stock: Option<i64>,
    pub category: Option<String>,
    pub active: Option<bool>,
}

/// Who is looking: shoppers see only what is on sale, a seller everything of its own shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Shopper,
    Shop(Id),
}

/// An image of a product: its key in the object store.
#[derive(Debug, sqlx::FromRow)]
pub struct ImageRow {
    pub product_id: Id,
    pub object_key: String,
}

/// Inserts product `id` of `shop` with every one of `fields`. A SKU the shop already uses comes
/// back as the unique violation of `products` (UNIQUE (shop_id, sku): two racing writes cannot
/// both take one SKU).
pub async fn insert(
    conn: &mut Conn,
    id: Id,
    shop: Id,
    fields: &ProductFields,
    now: i64,
) -> sqlx::Result<()> {
    let statement = sql(
        "INSERT INTO products (name, description, sku, hsn, price, gst_rate, stock, category, \
           active, id, shop_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
    );
    bind_fields(statement, fields)
        .bind(id)
        .bind(shop)
        .bind(now)
        .execute(conn)
        .await
        .map(drop)
}

/// Writes the present `fields` of product `id` of `shop` if its version is `version` (`None`:
/// whatever it is); a write of `stock` bumps the version. `false` when the shop has no such
/// product or its version is another. A SKU clash comes back as the unique violation of
/// `products`.
pub async fn update(
    conn: &mut Conn,
    (shop, id): (Id, Id),
    fields: &ProductFields,
    version: Option<i64>,
    now: i64,
) -> sqlx::Result<bool> {
    // COALESCE keeps a column whose change is absent (NULL): one statement for any subset.
    let statement = sql("UPDATE products SET name = COALESCE($1, name), \
           description = COALESCE($2, description), sku = COALESCE($3, sku), \
           hsn = COALESCE($4, hsn), price = COALESCE($5, price), \
           gst_rate = COALESCE($6, gst_rate), stock = COALESCE($7, stock), \
           category = COALESCE($8, category), active = COALESCE($9, active), \
           version = version + CASE WHEN $7 IS NULL THEN 0 ELSE 1 END, updated_at = $10 \
         WHERE id = $11 AND shop_id = $12 AND ($13 IS NULL OR version = $13)");
    bind_fields(statement, fields)
        .bind(now)
        .bind(id)
        .bind(shop)
        .bind(version)
        .execute(conn)
        .await
        .map(|changed| changed == 1)
}

/// The shop of product `id`, if there is such a product.
pub async fn shop_of(conn: &mut Conn, id: Id) -> sqlx::Result<Option<Id>> {
    sql("SELECT shop_id FROM products WHERE id = $1")
        .bind(id)
        .scalar_optional(conn)
        .await
}

/// `statement` with `fields` bound to `$1` to `$9`, in the order of [`ProductFields`].
fn bind_fields<'q>(statement: Sql<'q>, fields: &'q ProductFields) -> Sql<'q> {
    statement
        .bind(fields.name.as_ref())
        .bind(fields.description.as_ref())
        .bind(fields.sku.as_ref())
        .bind(fields.hsn.as_ref())
        .bind(fields.price)
        .bind(fields.gst_rate)
        .bind(fields.stock)
        .bind(fields.category.as_ref())
        .bind(fields.active)
}

/// Product `id`, if `viewer` may see it.
pub async fn get(conn: &mut Conn, viewer: Viewer, id: Id) -> sqlx::Result<Option<ProductRow>> {
    // `$2` says whether a shopper looks, `$3` is the shop that does (the nil id, which owns
    // nothing, for a shopper).
    let (shopper, shop) = match viewer {
        Viewer::Shopper => (true, Id::nil()),
        Viewer::Shop(shop) => (false, shop),
    };
    Sql::built(format!(
        "SELECT {PRODUCT_COLUMNS} FROM {PRODUCTS_JOIN} \
         WHERE p.id = $1 AND (($2 AND {ON_SALE}) OR p.shop_id = $3)"
    ))
    .bind(id)
    .bind(shopper)
    .bind(shop)
    .fetch_optional(conn)
    .await
}

/// The images of `products`, in each product's order.
pub async fn images_of(conn: &mut Conn, products: &[Id]) -> sqlx::Result<Vec<ImageRow>> {
    if products.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=products.len()).map(|n| format!("${n}")).collect();
    let mut statement = Sql::built(format!(
        "SELECT product_id, object_key FROM product_images \
         WHERE product_id IN ({}) ORDER BY product_id, position",
        placeholders.join(", ")
    ));
    for id in products {
        statement = statement.bind(id);
    }
    statement.fetch_all(conn).await
}

/// How many images product `id` of `shop` has; `None` when the shop has no such product.
pub async fn image_count(conn: &mut Conn, shop: Id, id: Id) -> sqlx::Result<Option<i64>> {
    sql(
        "SELECT (SELECT count(*) FROM product_images WHERE product_id = p.id) \
         FROM products p WHERE p.id = $1 AND p.shop_id = $2",
    )
    .bind(id)
    .bind(shop)
    .scalar_optional(conn)
    .await
}

/// Attaches the stored object `key` as the last image of product `id`.
pub async fn add_image(conn: &mut Conn, id: Id, key: &str, content_type: &str) -> sqlx::Result<()> {
    sql(
        "INSERT INTO product_images (product_id, position, object_key, content_type) \
         VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM product_images \
           WHERE product_id = $1), $2, $3)",
    )
    .bind(id)
    .bind(key)
    .bind(content_type)
    .execute(conn)
    .await
    .map(drop)
}

/// The media type of the image stored under `key`, if it is a product's image.
pub async fn image_type(conn: &mut Conn, key: &str) -> sqlx::Result<Option<String>> {
    sql("SELECT content_type FROM product_images WHERE object_key = $1")
        .bind(key)
        .scalar_optional(conn)
        .await
}

/// An attached image as stored: its key and media type.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredImage {
    pub object_key: String,
    pub content_type: String,
}

/// The images of product `id` of `shop`, in order; `None` when the shop has no such product.
pub async fn images_in_order(
    conn: &mut Conn,
    shop: Id,
    id: Id,
) -> sqlx::Result<Option<Vec<StoredImage>>> {
    if shop_of(conn, id).await? != Some(shop) {
        return Ok(None);
    }
    sql(
        "SELECT object_key, content_type FROM product_images WHERE product_id = $1 \
         ORDER BY position",
    )
    .bind(id)
    .fetch_all(conn)
    .await
    .map(Some)
}

/// Detaches every image of product `id` (before they are attached again in a new order).
pub async fn detach_images(conn: &mut Conn, id: Id) -> sqlx::Result<()> {
    sql("DELETE FROM product_images WHERE product_id = $1")
        .bind(id)
        .execute(conn)
        .await
        .map(drop)
}

/// Detaches image `key` of product `id`; `false` when the product has no such image.
pub async fn detach_image(conn: &mut Conn, id: Id, key: &str) -> sqlx::Result<bool> {
    sql("DELETE FROM product_images WHERE product_id = $1 AND object_key = $2")
        .bind(id)
        .bind(key)
        .execute(conn)
        .await
        .map(|removed| removed == 1)
}
