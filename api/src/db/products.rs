//! The `products` table: the public catalog (search, filters, sorting, keyset pages) and a
//! seller's own products. Shoppers see only active products of approved shops; a seller's
//! queries carry its `shop_id` in their `WHERE` clause.

use crate::db::{Db, DbKind, on_pool};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use contracts::Paise;
use contracts::catalog::{Product, ProductChanges, ProductPage, ProductSort};
use contracts::gst::Rate;
// Statements assembled at run time (`Builder`) splice in only constants and placeholders;
// every value is bound. Hence the `AssertSqlSafe`s.
use sqlx::{AssertSqlSafe, Row as _};

/// Where image URLs point (`routes::images` serves them).
pub const IMAGE_URL_PREFIX: &str = "/api/v1/images/";

/// The most words of a search text that count; the rest are ignored.
const MAX_SEARCH_WORDS: usize = 8;

/// A product to insert, validated.
pub struct NewProductRow<'a> {
    pub id: &'a str,
    pub shop_id: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub sku: &'a str,
    pub hsn: &'a str,
    pub price: Paise,
    pub gst_rate: Rate,
    pub stock: i64,
    pub category: &'a str,
    pub active: bool,
    pub now: i64,
}

/// Inserts `product`. A SKU the shop already uses comes back as the unique violation.
pub async fn insert(db: &Db, product: &NewProductRow<'_>) -> Result<(), sqlx::Error> {
    on_pool!(db, |pool, sql| {
        sqlx::query(sql.pick(
            "INSERT INTO products (id, shop_id, name, description, sku, hsn, price, gst_rate, \
               stock, category, active, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
            "INSERT INTO products (id, shop_id, name, description, sku, hsn, price, gst_rate, \
               stock, category, active, created_at, updated_at) \
             VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
        ))
        .bind(product.id)
        .bind(product.shop_id)
        .bind(product.name)
        .bind(product.description)
        .bind(product.sku)
        .bind(product.hsn)
        .bind(product.price.0)
        .bind(rate_column(product.gst_rate))
        .bind(product.stock)
        .bind(product.category)
        .bind(product.active)
        .bind(product.now)
        .execute(pool)
        .await
        .map(drop)
    })
}

/// Applies `changes` (already validated) to the product `id` of `shop_id`; `false` when the
/// shop has no such product. A SKU clash comes back as the unique violation.
pub async fn update(
    db: &Db,
    shop_id: &str,
    id: &str,
    changes: &ProductChanges,
    now: i64,
) -> Result<bool, sqlx::Error> {
    if !is_id(db, id) {
        return Ok(false);
    }
    // COALESCE keeps a column whose change is absent (NULL): one statement for any subset.
    on_pool!(db, |pool, sql| {
        sqlx::query(sql.pick(
            "UPDATE products SET name = COALESCE($1, name), \
               description = COALESCE($2, description), sku = COALESCE($3, sku), \
               hsn = COALESCE($4, hsn), price = COALESCE($5, price), \
               gst_rate = COALESCE($6, gst_rate), stock = COALESCE($7, stock), \
               category = COALESCE($8, category), active = COALESCE($9, active), \
               updated_at = $10 \
             WHERE id = $11 AND shop_id = $12",
            "UPDATE products SET name = COALESCE($1, name), \
               description = COALESCE($2, description), sku = COALESCE($3, sku), \
               hsn = COALESCE($4, hsn), price = COALESCE($5, price), \
               gst_rate = COALESCE($6, gst_rate), stock = COALESCE($7, stock), \
               category = COALESCE($8, category), active = COALESCE($9, active), \
               updated_at = $10 \
             WHERE id = $11::uuid AND shop_id = $12::uuid",
        ))
        .bind(changes.name.as_deref())
        .bind(changes.description.as_deref())
        .bind(changes.sku.as_deref())
        .bind(changes.hsn.as_deref())
        .bind(changes.price.map(|p| p.0))
        .bind(changes.gst_rate.map(rate_column))
        .bind(changes.stock)
        .bind(changes.category.as_deref())
        .bind(changes.active)
        .bind(now)
        .bind(id)
        .bind(shop_id)
        .execute(pool)
        .await
        .map(|done| done.rows_affected() == 1)
    })
}

/// The most images a product may have.
pub const MAX_IMAGES: i64 = 8;

/// What attaching an image did.
#[derive(Debug, PartialEq, Eq)]
pub enum Attached {
    Done,
    /// The shop has no such product.
    NoProduct,
    /// The product has [`MAX_IMAGES`] already.
    Full,
}

/// Attaches the stored object `key` as the next image of product `id` of `shop_id`.
pub async fn attach_image(
    db: &Db,
    shop_id: &str,
    id: &str,
    key: &str,
    content_type: &str,
) -> Result<Attached, sqlx::Error> {
    if !is_id(db, id) {
        return Ok(Attached::NoProduct);
    }
    crate::db::transaction!(db, |tx, sql| {
        let count: Option<i64> = sqlx::query_scalar(sql.pick(
            "SELECT (SELECT count(*) FROM product_images WHERE product_id = p.id) \
             FROM products p WHERE p.id = $1 AND p.shop_id = $2",
            "SELECT (SELECT count(*) FROM product_images WHERE product_id = p.id) \
             FROM products p WHERE p.id = $1::uuid AND p.shop_id = $2::uuid",
        ))
        .bind(id)
        .bind(shop_id)
        .fetch_optional(&mut *tx)
        .await?;
        match count {
            None => return Ok(Attached::NoProduct),
            Some(count) if count >= MAX_IMAGES => return Ok(Attached::Full),
            Some(_) => {}
        }
        sqlx::query(sql.pick(
            "INSERT INTO product_images (product_id, position, object_key, content_type) \
             VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM product_images \
               WHERE product_id = $1), $2, $3)",
            "INSERT INTO product_images (product_id, position, object_key, content_type) \
             VALUES ($1::uuid, (SELECT COALESCE(MAX(position), 0) + 1 FROM product_images \
               WHERE product_id = $1::uuid), $2, $3)",
        ))
        .bind(id)
        .bind(key)
        .bind(content_type)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Attached::Done)
    })
}

/// The media type of the image stored under `key`, if it is a product's image.
pub async fn image_type(db: &Db, key: &str) -> Result<Option<String>, sqlx::Error> {
    on_pool!(db, |pool, _sql| {
        sqlx::query_scalar("SELECT content_type FROM product_images WHERE object_key = $1")
            .bind(key)
            .fetch_optional(pool)
            .await
    })
}

/// Who is looking: shoppers see only what is on sale, a seller everything of its own shop.
#[derive(Debug, Clone, Copy)]
pub enum Viewer<'a> {
    Shopper,
    Shop(&'a str),
}

/// One product by id, as `viewer` may see it.
pub async fn get(db: &Db, viewer: Viewer<'_>, id: &str) -> Result<Option<Product>, sqlx::Error> {
    if !is_id(db, id) {
        return Ok(None);
    }
    let mut query = Builder::new(db);
    let id_param = query.id(id);
    let scope = query.scope(viewer);
    let sql = format!(
        "SELECT {} FROM products p JOIN shops s ON s.id = p.shop_id WHERE p.id = {id_param} AND {scope}",
        columns(db)
    );
    let mut products = query.fetch(&sql).await?;
    attach_images(db, &mut products).await?;
    Ok(products.pop())
}

/// What a shopper asks the catalog for.
#[derive(Debug, Default)]
pub struct Search<'a> {
    /// Words to find in names and descriptions (every word must match, as a prefix).
    pub text: Option<&'a str>,
    pub category: Option<&'a str>,
    pub min_price: Option<Paise>,
    pub max_price: Option<Paise>,
    pub shop_id: Option<&'a str>,
    pub in_stock: bool,
    pub sort: ProductSort,
    pub limit: u32,
    pub after: Option<&'a str>,
}

/// Why a search cannot run.
#[derive(Debug)]
pub enum SearchError {
    /// `after` is not a cursor this sort made.
    BadCursor,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for SearchError {
    fn from(error: sqlx::Error) -> Self {
        SearchError::Database(error)
    }
}

/// A page of the catalog for `search`, as `viewer` may see it.
pub async fn search(
    db: &Db,
    viewer: Viewer<'_>,
    search: &Search<'_>,
) -> Result<ProductPage, SearchError> {
    let words = search.text.map(search_words);
    if words.as_ref().is_some_and(Vec::is_empty) {
        // Text with nothing to search for ("!!!") finds nothing, rather than everything.
        return Ok(ProductPage {
            items: Vec::new(),
            next_cursor: None,
        });
    }
    let sort = match (search.sort, &words) {
        (ProductSort::Relevance, None) => ProductSort::Newest,
        (sort, _) => sort,
    };
    let after = search
        .after
        .map(|cursor| Cursor::decode(cursor, sort).ok_or(SearchError::BadCursor))
        .transpose()?;
    if after.as_ref().is_some_and(|cursor| !is_id(db, &cursor.id)) {
        return Err(SearchError::BadCursor);
    }

    let mut query = Builder::new(db);
    let mut filters = vec![query.scope(viewer)];
    let mut from = "products p JOIN shops s ON s.id = p.shop_id".to_owned();
    let mut relevance = "CAST(0 AS DOUBLE PRECISION)".to_owned();
    if let Some(words) = &words {
        match db.kind() {
            DbKind::Sqlite => {
                let phrase = words
                    .iter()
                    .map(|word| format!("\"{word}\"*"))
                    .collect::<Vec<_>>()
                    .join(" ");
                let param = query.text(phrase);
                // No alias on the FTS table: MATCH and bm25() name it.
                from = "products_fts JOIN products p ON p.rowid = products_fts.rowid \
                        JOIN shops s ON s.id = p.shop_id"
                    .to_owned();
                filters.push(format!("products_fts MATCH {param}"));
                // bm25: lower is better.
                relevance = "bm25(products_fts)".to_owned();
            }
            DbKind::Postgres => {
                let terms = words
                    .iter()
                    .map(|word| format!("{word}:*"))
                    .collect::<Vec<_>>()
                    .join(" & ");
                let param = query.text(terms);
                filters.push(format!("p.search @@ to_tsquery('simple', {param})"));
                // Negated so that, as with bm25, lower is better.
                relevance = format!("(-ts_rank(p.search, to_tsquery('simple', {param})))::float8");
            }
        }
    }
    if let Some(category) = search.category {
        let param = query.text(category.to_owned());
        filters.push(format!("p.category = {param}"));
    }
    if let Some(min) = search.min_price {
        let param = query.int(min.0);
        filters.push(format!("p.price >= {param}"));
    }
    if let Some(max) = search.max_price {
        let param = query.int(max.0);
        filters.push(format!("p.price <= {param}"));
    }
    if let Some(shop) = search.shop_id {
        if !is_id(db, shop) {
            return Ok(ProductPage {
                items: Vec::new(),
                next_cursor: None,
            });
        }
        let param = query.id(shop);
        filters.push(format!("p.shop_id = {param}"));
    }
    if search.in_stock {
        filters.push("p.stock > 0".to_owned());
    }

    // The inner query computes each row's sort key; the outer one pages on (key, id).
    let (key, direction, comparison) = match sort {
        ProductSort::Relevance => ("relevance", "ASC", ">"),
        ProductSort::Newest => ("created_at", "DESC", "<"),
        ProductSort::PriceAsc => ("price", "ASC", ">"),
        ProductSort::PriceDesc => ("price", "DESC", "<"),
    };
    let mut outer = String::new();
    if let Some(cursor) = &after {
        let key_param = match sort {
            ProductSort::Relevance => query.float(cursor.key_f64()),
            _ => query.int(cursor.key_i64().ok_or(SearchError::BadCursor)?),
        };
        // The outer query sees ids as text (`id::text` on PostgreSQL), and orders them so.
        let id_param = query.text(cursor.id.clone());
        outer = format!("WHERE ({key}, id) {comparison} ({key_param}, {id_param})");
    }
    let limit = query.int(i64::from(search.limit) + 1);
    let sql = format!(
        "SELECT * FROM (SELECT {columns}, {relevance} AS relevance FROM {from} WHERE {filters}) \
         AS page {outer} ORDER BY {key} {direction}, id {direction} LIMIT {limit}",
        columns = columns(db),
        filters = filters.join(" AND "),
    );
    let (mut items, relevances) = query.fetch_ranked(&sql).await?;
    let next_cursor = if items.len() > search.limit as usize {
        items.truncate(search.limit as usize);
        items.last().map(|last| {
            let key = match sort {
                ProductSort::Relevance => format!("{:?}", relevances[items.len() - 1]),
                ProductSort::Newest => last.created_at.to_string(),
                ProductSort::PriceAsc | ProductSort::PriceDesc => last.price.0.to_string(),
            };
            Cursor::encode(sort, &key, &last.id)
        })
    } else {
        None
    };
    attach_images(db, &mut items).await?;
    Ok(ProductPage { items, next_cursor })
}

/// The search words of a shopper's text: runs of letters and digits, lowercased, at most
/// [`MAX_SEARCH_WORDS`] of at most 40 characters. Nothing else reaches the FTS syntax, so no
/// text can inject operators.
pub fn search_words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || is_mark(c)))
        .filter(|word| !word.is_empty())
        .take(MAX_SEARCH_WORDS)
        .map(|word| word.chars().take(40).collect::<String>().to_lowercase())
        .collect()
}

/// Combining marks, which belong inside words: the vowel signs and viramas of Indian scripts
/// (`कुर्ता` is one word) and combining accents. `char::is_alphanumeric` says no to them.
fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{0900}'..='\u{0963}'
        | '\u{0966}'..='\u{0DFF}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

/// A keyset cursor: the sort it belongs to, the last row's sort key and id, base64url.
struct Cursor {
    key: String,
    id: String,
}

impl Cursor {
    fn encode(sort: ProductSort, key: &str, id: &str) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}|{key}|{id}", sort_tag(sort)))
    }

    fn decode(cursor: &str, sort: ProductSort) -> Option<Cursor> {
        let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let mut parts = text.splitn(3, '|');
        let (tag, key, id) = (parts.next()?, parts.next()?, parts.next()?);
        if tag != sort_tag(sort) {
            return None;
        }
        let cursor = Cursor {
            key: key.to_owned(),
            id: id.to_owned(),
        };
        let valid = match sort {
            ProductSort::Relevance => key.parse::<f64>().is_ok_and(f64::is_finite),
            _ => cursor.key_i64().is_some(),
        };
        valid.then_some(cursor)
    }

    fn key_i64(&self) -> Option<i64> {
        self.key.parse().ok()
    }

    fn key_f64(&self) -> f64 {
        self.key.parse().unwrap_or(0.0)
    }
}

fn sort_tag(sort: ProductSort) -> &'static str {
    match sort {
        ProductSort::Relevance => "r",
        ProductSort::Newest => "n",
        ProductSort::PriceAsc => "pa",
        ProductSort::PriceDesc => "pd",
    }
}

/// Whether `id` can be a row id on this backend (PostgreSQL ids are UUIDs; binding anything
/// else to a `::uuid` parameter would be an error rather than "no such row").
fn is_id(db: &Db, id: &str) -> bool {
    db.kind() == DbKind::Sqlite || uuid::Uuid::parse_str(id).is_ok()
}

/// Rates are at most a few thousand basis points; the column is a 32-bit INTEGER.
fn rate_column(rate: Rate) -> i32 {
    i32::try_from(rate.0).unwrap_or(i32::MAX)
}

fn columns(db: &Db) -> &'static str {
    match db.kind() {
        DbKind::Sqlite => {
            "p.id AS id, p.shop_id AS shop_id, s.display_name AS shop_name, p.name AS name, \
             p.description AS description, p.sku AS sku, p.hsn AS hsn, p.price AS price, \
             p.gst_rate AS gst_rate, p.stock AS stock, p.category AS category, \
             p.active AS active, p.created_at AS created_at, p.updated_at AS updated_at"
        }
        DbKind::Postgres => {
            "p.id::text AS id, p.shop_id::text AS shop_id, s.display_name AS shop_name, \
             p.name AS name, p.description AS description, p.sku AS sku, p.hsn AS hsn, \
             p.price AS price, p.gst_rate AS gst_rate, p.stock AS stock, \
             p.category AS category, p.active AS active, p.created_at AS created_at, \
             p.updated_at AS updated_at"
        }
    }
}

/// A bound value of a statement assembled at run time.
enum Param {
    Text(String),
    Int(i64),
    Float(f64),
}

/// Assembles a statement whose filters vary: each value becomes the next placeholder, spelt
/// `?N` for SQLite (where `$N` is a *named* parameter numbered by first appearance) and `$N`
/// for PostgreSQL, so values are always bound, never spliced into the SQL.
struct Builder<'d> {
    db: &'d Db,
    params: Vec<Param>,
}

impl<'d> Builder<'d> {
    fn new(db: &'d Db) -> Self {
        Builder {
            db,
            params: Vec::new(),
        }
    }

    fn push(&mut self, param: Param) -> String {
        self.params.push(param);
        let n = self.params.len();
        match self.db.kind() {
            DbKind::Sqlite => format!("?{n}"),
            DbKind::Postgres => format!("${n}"),
        }
    }

    fn text(&mut self, value: String) -> String {
        self.push(Param::Text(value))
    }

    fn int(&mut self, value: i64) -> String {
        self.push(Param::Int(value))
    }

    fn float(&mut self, value: f64) -> String {
        let placeholder = self.push(Param::Float(value));
        match self.db.kind() {
            DbKind::Sqlite => placeholder,
            DbKind::Postgres => format!("{placeholder}::float8"),
        }
    }

    /// A row id (`::uuid` on PostgreSQL).
    fn id(&mut self, value: &str) -> String {
        let placeholder = self.push(Param::Text(value.to_owned()));
        match self.db.kind() {
            DbKind::Sqlite => placeholder,
            DbKind::Postgres => format!("{placeholder}::uuid"),
        }
    }

    /// The `WHERE` condition of what `viewer` may see.
    fn scope(&mut self, viewer: Viewer<'_>) -> String {
        match viewer {
            Viewer::Shopper => "p.active = TRUE AND s.status = 'APPROVED'".to_owned(),
            Viewer::Shop(shop_id) => format!("p.shop_id = {}", self.id(shop_id)),
        }
    }

    async fn fetch(self, sql: &str) -> Result<Vec<Product>, sqlx::Error> {
        Ok(self.fetch_ranked(sql).await?.0)
    }

    /// The products of `sql`, and the `relevance` column of each when it has one.
    async fn fetch_ranked(self, sql: &str) -> Result<(Vec<Product>, Vec<f64>), sqlx::Error> {
        let Builder { db, params } = self;
        on_pool!(db, |pool, _sql| {
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for param in params {
                query = match param {
                    Param::Text(value) => query.bind(value),
                    Param::Int(value) => query.bind(value),
                    Param::Float(value) => query.bind(value),
                };
            }
            let rows = query.fetch_all(pool).await?;
            let mut products = Vec::with_capacity(rows.len());
            let mut relevances = Vec::with_capacity(rows.len());
            for row in &rows {
                products.push(decode(row)?);
                relevances.push(row.try_get::<f64, _>("relevance").unwrap_or(0.0));
            }
            Ok((products, relevances))
        })
    }
}

/// Fills in the image URLs of `products` with one query.
async fn attach_images(db: &Db, products: &mut [Product]) -> Result<(), sqlx::Error> {
    if products.is_empty() {
        return Ok(());
    }
    let mut query = Builder::new(db);
    let ids: Vec<String> = products.iter().map(|p| query.id(&p.id)).collect();
    let column = match db.kind() {
        DbKind::Sqlite => "product_id",
        DbKind::Postgres => "product_id::text",
    };
    let sql = format!(
        "SELECT {column} AS product_id, object_key FROM product_images \
         WHERE product_id IN ({}) ORDER BY product_id, position",
        ids.join(", ")
    );
    let Builder { db, params } = query;
    let rows: Vec<(String, String)> = on_pool!(db, |pool, _dialect| {
        let mut query = sqlx::query_as(AssertSqlSafe(sql));
        for param in params {
            if let Param::Text(value) = param {
                query = query.bind(value);
            }
        }
        query.fetch_all(pool).await?
    });
    for (product_id, key) in rows {
        if let Some(product) = products.iter_mut().find(|p| p.id == product_id) {
            product.images.push(format!("{IMAGE_URL_PREFIX}{key}"));
        }
    }
    Ok(())
}

fn decode<R>(row: &R) -> Result<Product, sqlx::Error>
where
    R: sqlx::Row,
    for<'c> &'c str: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i32: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let rate: i32 = row.try_get("gst_rate")?;
    Ok(Product {
        id: row.try_get("id")?,
        shop_id: row.try_get("shop_id")?,
        shop_name: row.try_get("shop_name")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        sku: row.try_get("sku")?,
        hsn: row.try_get("hsn")?,
        price: Paise(row.try_get("price")?),
        gst_rate: Rate(
            u32::try_from(rate)
                .map_err(|_| sqlx::Error::Decode("products.gst_rate is negative".into()))?,
        ),
        stock: row.try_get("stock")?,
        category: row.try_get("category")?,
        active: row.try_get("active")?,
        images: Vec::new(),
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_are_letters_and_digits_only() {
        assert_eq!(search_words("Blue  shirt!"), ["blue", "shirt"]);
        assert_eq!(
            search_words(r#"" OR 1=1 -- NEAR(a b) *"#),
            ["or", "1", "1", "near", "a", "b"]
        );
        assert!(search_words("!!! ---").is_empty());
        assert_eq!(search_words("सूती कुर्ता।"), ["सूती", "कुर्ता"]);
        assert_eq!(search_words("café"), ["café"]);
        assert_eq!(search_words("a b c d e f g h i j").len(), MAX_SEARCH_WORDS);
    }

    #[test]
    fn a_cursor_belongs_to_its_sort() {
        let cursor = Cursor::encode(ProductSort::PriceAsc, "1000", "abc");
        assert_eq!(
            Cursor::decode(&cursor, ProductSort::PriceAsc).unwrap().id,
            "abc"
        );
        assert!(Cursor::decode(&cursor, ProductSort::PriceDesc).is_none());
        assert!(Cursor::decode("not base64!", ProductSort::Newest).is_none());
        let bad_key = Cursor::encode(ProductSort::Newest, "soon", "abc");
        assert!(Cursor::decode(&bad_key, ProductSort::Newest).is_none());
        let rank = Cursor::encode(ProductSort::Relevance, "-1.2359550561797755e-6", "x");
        let decoded = Cursor::decode(&rank, ProductSort::Relevance).unwrap();
        assert_eq!(decoded.key_f64(), -1.2359550561797755e-6);
    }
}
