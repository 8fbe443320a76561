//! The seller's dashboard figures and GST summary, read from one shop's invoices, credit notes,
//! orders and products; and the shop profile's own writes. Every statement names the shop in
//! its `WHERE` clause: a seller's figures are never another shop's. Sums are cast: PostgreSQL
//! sums BIGINTs as NUMERIC.

use crate::db::{Conn, Id, sql};

/// One Indian day's invoiced sales of a shop.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DayRow {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub sales: i64,
    pub orders: i64,
}

/// The shop's sales by invoice date from `from` to `to` (`YYYY-MM-DD`, both included), days
/// with sales only. An invoice is issued when its order's payment is confirmed, so this is
/// paid sales, tax included, as invoiced (refunds are not taken off). Read from the invoices'
/// (shop, date, total) index alone.
pub async fn sales_by_day(
    conn: &mut Conn,
    shop: Id,
    from: &str,
    to: &str,
) -> sqlx::Result<Vec<DayRow>> {
    sql(
        "SELECT issued_on AS day, CAST(SUM(total) AS BIGINT) AS sales, \
           CAST(COUNT(*) AS BIGINT) AS orders \
         FROM invoices \
         WHERE shop_id = $1 AND issued_on >= $2 AND issued_on <= $3 \
         GROUP BY issued_on ORDER BY issued_on",
    )
    .bind(shop)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await
}

/// How many orders with lines of `shop` wait to be sent: its rows of `fulfilment_queue`
/// (paid, not shipped, cancelled or wholly refunded), counted in the queue's index alone.
pub async fn to_fulfil_count(conn: &mut Conn, shop: Id) -> sqlx::Result<i64> {
    sql("SELECT CAST(COUNT(*) AS BIGINT) FROM fulfilment_queue WHERE shop_id = $1")
        .bind(shop)
        .scalar_one(conn)
        .await
}

/// An order to send: the shop's part of it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ToFulfilRow {
    pub id: Id,
    pub created_at: i64,
    pub items: i64,
    pub amount: i64,
}

/// The oldest `limit` orders of `shop` waiting to be sent, by the queue's (shop, placed) index.
pub async fn to_fulfil(conn: &mut Conn, shop: Id, limit: i64) -> sqlx::Result<Vec<ToFulfilRow>> {
    sql(
        "SELECT order_id AS id, placed_at AS created_at, items, amount FROM fulfilment_queue \
         WHERE shop_id = $1 ORDER BY placed_at, order_id LIMIT $2",
    )
    .bind(shop)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// A product running out.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LowStockRow {
    pub id: Id,
    pub name: String,
    pub sku: String,
    pub stock: i64,
}

/// Up to `limit` active products of `shop` with `at_most` or fewer in stock, fewest first.
pub async fn low_stock(
    conn: &mut Conn,
    shop: Id,
    at_most: i64,
    limit: i64,
) -> sqlx::Result<Vec<LowStockRow>> {
    sql(
        "SELECT id, name, sku, CAST(stock AS BIGINT) AS stock FROM products \
         WHERE shop_id = $1 AND stock <= $2 AND active = TRUE \
         ORDER BY stock, name, id LIMIT $3",
    )
    .bind(shop)
    .bind(at_most)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// A month's invoiced (or credited) figures of a shop at one rate and place of supply.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GstRow {
    /// Basis points.
    pub gst_rate: i32,
    /// Two digits.
    pub place_of_supply: String,
    pub taxable: i64,
    pub cgst: i64,
    pub sgst: i64,
    pub igst: i64,
    /// Distinct invoices (or credit notes) in the group.
    pub documents: i64,
}

/// The shop's invoice lines issued from `from` to before `until` (`YYYY-MM-DD`), summed by
/// rate and place of supply (the order's delivery state).
pub async fn invoiced(
    conn: &mut Conn,
    shop: Id,
    from: &str,
    until: &str,
) -> sqlx::Result<Vec<GstRow>> {
    sql("SELECT l.gst_rate, o.state_code AS place_of_supply, \
           CAST(SUM(l.taxable) AS BIGINT) AS taxable, CAST(SUM(l.cgst) AS BIGINT) AS cgst, \
           CAST(SUM(l.sgst) AS BIGINT) AS sgst, CAST(SUM(l.igst) AS BIGINT) AS igst, \
           CAST(COUNT(DISTINCT i.id) AS BIGINT) AS documents \
         FROM invoices i \
         JOIN orders o ON o.id = i.order_id \
         JOIN order_lines l ON l.order_id = i.order_id AND l.shop_id = i.shop_id \
         WHERE i.shop_id = $1 AND i.issued_on >= $2 AND i.issued_on < $3 \
         GROUP BY l.gst_rate, o.state_code")
    .bind(shop)
    .bind(from)
    .bind(until)
    .fetch_all(conn)
    .await
}

/// The shop's credit note lines issued from `from` to before `until`, summed by the credited
/// line's rate and the order's place of supply.
pub async fn credited(
    conn: &mut Conn,
    shop: Id,
    from: &str,
    until: &str,
) -> sqlx::Result<Vec<GstRow>> {
    sql("SELECT ol.gst_rate, o.state_code AS place_of_supply, \
           CAST(SUM(cl.taxable) AS BIGINT) AS taxable, CAST(SUM(cl.cgst) AS BIGINT) AS cgst, \
           CAST(SUM(cl.sgst) AS BIGINT) AS sgst, CAST(SUM(cl.igst) AS BIGINT) AS igst, \
           CAST(COUNT(DISTINCT n.id) AS BIGINT) AS documents \
         FROM credit_notes n \
         JOIN orders o ON o.id = n.order_id \
         JOIN credit_note_lines cl ON cl.credit_note_id = n.id \
         JOIN order_lines ol ON ol.order_id = n.order_id AND ol.position = cl.position \
         WHERE n.shop_id = $1 AND n.issued_on >= $2 AND n.issued_on < $3 \
         GROUP BY ol.gst_rate, o.state_code")
    .bind(shop)
    .bind(from)
    .bind(until)
    .fetch_all(conn)
    .await
}

/// How many invoices and credit notes the shop issued from `from` to before `until`.
pub async fn document_counts(
    conn: &mut Conn,
    shop: Id,
    from: &str,
    until: &str,
) -> sqlx::Result<(i64, i64)> {
    let invoices = sql("SELECT CAST(COUNT(*) AS BIGINT) FROM invoices \
         WHERE shop_id = $1 AND issued_on >= $2 AND issued_on < $3")
    .bind(shop)
    .bind(from)
    .bind(until)
    .scalar_one(conn)
    .await?;
    let notes = sql("SELECT CAST(COUNT(*) AS BIGINT) FROM credit_notes \
         WHERE shop_id = $1 AND issued_on >= $2 AND issued_on < $3")
    .bind(shop)
    .bind(from)
    .bind(until)
    .scalar_one(conn)
    .await?;
    Ok((invoices, notes))
}

/// The shop's description (`shops.description`, 0016).
pub async fn description(conn: &mut Conn, shop: Id) -> sqlx::Result<Option<String>> {
    sql("SELECT description FROM shops WHERE id = $1")
        .bind(shop)
        .scalar_optional::<Option<String>>(conn)
        .await
        .map(Option::flatten)
}

/// The profile fields of shop `id` to write, the address as sealed by the caller; `None`
/// keeps a field.
#[derive(Debug, Default)]
pub struct ProfileUpdate<'a> {
    pub display_name: Option<&'a str>,
    /// `Some(None)` removes the description.
    pub description: Option<Option<&'a str>>,
    /// Line 1, line 2, city, PIN code (sealed), state code.
    pub address: Option<(&'a str, Option<&'a str>, &'a str, &'a str, &'a str)>,
    /// Sealed GSTIN and its blind index: the shop goes back to PENDING, its last decision
    /// cleared.
    pub gstin: Option<(&'a str, i64)>,
}

/// Writes `update` to shop `id`, one statement per group of fields.
pub async fn update_profile(
    conn: &mut Conn,
    id: Id,
    update: &ProfileUpdate<'_>,
) -> sqlx::Result<()> {
    if let Some(name) = update.display_name {
        sql("UPDATE shops SET display_name = $1 WHERE id = $2")
            .bind(name)
            .bind(id)
            .execute(conn)
            .await?;
    }
    if let Some(description) = update.description {
        sql("UPDATE shops SET description = $1 WHERE id = $2")
            .bind(description)
            .bind(id)
            .execute(conn)
            .await?;
    }
    if let Some((line1, line2, city, pincode, state)) = update.address {
        sql(
            "UPDATE shops SET address_line1 = $1, address_line2 = $2, city = $3, pincode = $4, \
               state_code = $5 WHERE id = $6",
        )
        .bind(line1)
        .bind(line2)
        .bind(city)
        .bind(pincode)
        .bind(state)
        .bind(id)
        .execute(conn)
        .await?;
    }
    if let Some((gstin, index)) = update.gstin {
        sql(
            "UPDATE shops SET gstin = $1, gstin_index = $2, status = 'PENDING', \
               decision_note = NULL, decided_by = NULL, decided_at = NULL WHERE id = $3",
        )
        .bind(gstin)
        .bind(index)
        .bind(id)
        .execute(conn)
        .await?;
    }
    Ok(())
}
