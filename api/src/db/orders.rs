//! The `orders`, `order_lines` and `order_history` tables: an order's row and its frozen lines
//! as placed, status moves (conditional on the status the caller read) with their history,
//! the gateway's reference, and reading orders within a [`Scope`].

use crate::db::{Conn, Id, Scope, Sql, sql};
use contracts::gst::Supply;

/// The order row to insert when an order is placed (status INITIATED).
pub struct NewOrder<'a> {
    pub id: Id,
    pub customer: Id,
    pub recipient: &'a str,
    pub phone: &'a str,
    pub line1: &'a str,
    pub line2: Option<&'a str>,
    pub city: &'a str,
    pub state_code: &'a str,
    pub pincode: &'a str,
    pub taxable: i64,
    pub cgst: i64,
    pub sgst: i64,
    pub igst: i64,
    pub total: i64,
    pub payment_provider: &'a str,
    pub now: i64,
    pub pay_by: i64,
}

/// Inserts an order as INITIATED. The only writer of the delivery address, so encrypting it
/// at rest would be done here.
pub async fn insert(conn: &mut Conn, order: &NewOrder<'_>) -> sqlx::Result<()> {
    sql(
        "INSERT INTO orders (id, customer_id, status, recipient, phone, address_line1, \
           address_line2, city, state_code, pincode, taxable, cgst, sgst, igst, total, \
           payment_provider, created_at, pay_by) \
         VALUES ($1, $2, 'INITIATED', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
           $15, $16, $17)",
    )
    .bind(order.id)
    .bind(order.customer)
    .bind(order.recipient)
    .bind(order.phone)
    .bind(order.line1)
    .bind(order.line2)
    .bind(order.city)
    .bind(order.state_code)
    .bind(order.pincode)
    .bind(order.taxable)
    .bind(order.cgst)
    .bind(order.sgst)
    .bind(order.igst)
    .bind(order.total)
    .bind(order.payment_provider)
    .bind(order.now)
    .bind(order.pay_by)
    .execute(conn)
    .await
    .map(drop)
}

/// A line to insert: what was bought and its tax, frozen at placement.
pub struct NewLine<'a> {
    pub position: i32,
    pub product: Id,
    pub shop: Id,
    pub name: &'a str,
    pub hsn: &'a str,
    pub unit_price: i64,
    pub quantity: i32,
    pub gst_slab: &'a str,
    pub gst_rate: i32,
    pub supply: Supply,
    pub taxable: i64,
    pub cgst: i64,
    pub sgst: i64,
    pub igst: i64,
    pub total: i64,
}

/// Inserts one line of order `order`.
pub async fn insert_line(conn: &mut Conn, order: Id, line: &NewLine<'_>) -> sqlx::Result<()> {
    sql(
        "INSERT INTO order_lines (order_id, position, product_id, shop_id, name, hsn, \
           unit_price, quantity, gst_slab, gst_rate, supply, taxable, cgst, sgst, igst, total) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(order)
    .bind(line.position)
    .bind(line.product)
    .bind(line.shop)
    .bind(line.name)
    .bind(line.hsn)
    .bind(line.unit_price)
    .bind(line.quantity)
    .bind(line.gst_slab)
    .bind(line.gst_rate)
    .bind(supply_column(line.supply))
    .bind(line.taxable)
    .bind(line.cgst)
    .bind(line.sgst)
    .bind(line.igst)
    .bind(line.total)
    .execute(conn)
    .await
    .map(drop)
}

/// How `order_lines.supply` spells a supply.
fn supply_column(supply: Supply) -> &'static str {
    match supply {
        Supply::IntraState => "INTRA",
        Supply::InterState => "INTER",
    }
}

/// Sets order `id` to status `to` if it is still `from`; whether it changed. Conditional, so
/// of two writers that read the same status only one moves the order.
pub async fn set_status(conn: &mut Conn, id: Id, from: &str, to: &str) -> sqlx::Result<bool> {
    let changed = sql("UPDATE orders SET status = $1 WHERE id = $2 AND status = $3")
        .bind(to)
        .bind(id)
        .bind(from)
        .execute(conn)
        .await?;
    Ok(changed == 1)
}

/// Appends `status` at `at` to order `id`'s history.
pub async fn add_history(conn: &mut Conn, id: Id, status: &str, at: i64) -> sqlx::Result<()> {
    sql(
        "INSERT INTO order_history (order_id, seq, status, at) VALUES ($1, \
           (SELECT COALESCE(MAX(seq), 0) + 1 FROM order_history WHERE order_id = $1), $2, $3)",
    )
    .bind(id)
    .bind(status)
    .bind(at)
    .execute(conn)
    .await
    .map(drop)
}

/// Sets order `id` to status `to` with the payment the gateway opened (its reference and pay
/// page), if it is still `from`; whether it changed. [`set_status`] and the payment in one
/// statement, for checkout's step to PAYMENT_PENDING.
pub async fn set_status_and_payment(
    conn: &mut Conn,
    id: Id,
    (from, to): (&str, &str),
    reference: &str,
    url: Option<&str>,
) -> sqlx::Result<bool> {
    let changed = sql(
        "UPDATE orders SET status = $1, payment_ref = $2, payment_url = $3 \
         WHERE id = $4 AND status = $5",
    )
    .bind(to)
    .bind(reference)
    .bind(url)
    .bind(id)
    .bind(from)
    .execute(conn)
    .await?;
    Ok(changed == 1)
}

/// An order's status (and total), found by the gateway's reference or by id.
#[derive(Debug, sqlx::FromRow)]
pub struct StatusRow {
    pub id: Id,
    pub status: String,
    pub total: i64,
}

/// The order whose payment has the gateway reference `reference`.
pub async fn by_payment_ref(conn: &mut Conn, reference: &str) -> sqlx::Result<Option<StatusRow>> {
    sql("SELECT id, status, total FROM orders WHERE payment_ref = $1")
        .bind(reference)
        .fetch_optional(conn)
        .await
}

/// Order `id`'s status now.
pub async fn status(conn: &mut Conn, id: Id) -> sqlx::Result<Option<StatusRow>> {
    sql("SELECT id, status, total FROM orders WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// The orders in one of `statuses` whose payment deadline is `now` or earlier.
pub async fn due(conn: &mut Conn, statuses: [&str; 2], now: i64) -> sqlx::Result<Vec<Id>> {
    sql("SELECT id FROM orders WHERE status IN ($1, $2) AND pay_by <= $3")
        .bind(statuses[0])
        .bind(statuses[1])
        .bind(now)
        .scalar_all(conn)
        .await
}

/// An order row as stored (without its lines and history).
#[derive(Debug, sqlx::FromRow)]
pub struct OrderRow {
    pub id: Id,
    pub status: String,
    pub recipient: String,
    pub phone: String,
    pub address_line1: String,
    pub address_line2: Option<String>,
    pub city: String,
    pub state_code: String,
    pub pincode: String,
    pub taxable: i64,
    pub cgst: i64,
    pub sgst: i64,
    pub igst: i64,
    pub total: i64,
    pub refunded: i64,
    pub payment_url: Option<String>,
    /// The gateway that took (or takes) the payment, and its reference (Razorpay's `order_...`).
    pub payment_provider: String,
    pub payment_ref: Option<String>,
    pub created_at: i64,
    pub pay_by: i64,
    /// The order's standing past payment (`PACKED` ... `CANCELLED`), derived from its parts.
    pub fulfilment: Option<String>,
    /// A shop reader's own part's status (`order_parts.status`), if packed.
    pub part_status: Option<String>,
}

/// The columns of [`OrderRow`] under the scope filter, `$1` and `$2` being [`Scope::binds`]:
/// a customer's own orders, orders with a line of the shop, or all. The statements below add
/// their conditions after it. `part_status` is the shop's own part (NULL for other scopes,
/// whose `$2` is the nil id).
const SCOPED_ORDERS: &str = "SELECT o.id, o.status, o.recipient, o.phone, o.address_line1, \
       o.address_line2, o.city, o.state_code, o.pincode, o.taxable, o.cgst, o.sgst, o.igst, \
       o.total, o.refunded, o.payment_url, o.payment_provider, o.payment_ref, o.created_at, \
       o.pay_by, o.fulfilment, \
       (SELECT p.status FROM order_parts p WHERE p.order_id = o.id AND p.shop_id = $2) \
         AS part_status \
     FROM orders o WHERE \
       ($1 = 'all' OR ($1 = 'customer' AND o.customer_id = $2) OR ($1 = 'shop' AND \
         EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.shop_id = $2)))";

/// Order `id`, if `scope` may see it.
pub async fn get(conn: &mut Conn, scope: Scope, id: Id) -> sqlx::Result<Option<OrderRow>> {
    let (kind, scope_id) = scope.binds();
    Sql::built(format!("{SCOPED_ORDERS} AND o.id = $3"))
        .bind(kind)
        .bind(scope_id)
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// The status a reader of `scope` sees, in SQL (as `app::orders` derives it): the payment
/// machine's until confirmed, then the order's standing, or for a shop its own part's.
const SEEN_STATUS: &str = "(CASE WHEN o.status <> 'ORDER_CONFIRMED' THEN o.status \
       WHEN o.fulfilment = 'CANCELLED' THEN o.fulfilment \
       WHEN $1 = 'shop' THEN COALESCE((SELECT p.status FROM order_parts p \
         WHERE p.order_id = o.id AND p.shop_id = $2), o.status) \
       ELSE COALESCE(o.fulfilment, o.status) END)";

/// Up to `limit` orders of `scope`, newest first, after the order `after` (its creation time
/// and id) when given, only those whose status (as the reader sees it) is one of `statuses`
/// when any are given.
pub async fn page(
    conn: &mut Conn,
    scope: Scope,
    after: Option<(i64, Id)>,
    statuses: &[&'static str],
    limit: i64,
) -> sqlx::Result<Vec<OrderRow>> {
    let (kind, scope_id) = scope.binds();
    // Placeholders only: the statuses are bound.
    let filter = if statuses.is_empty() {
        String::new()
    } else {
        let marks: Vec<String> = (0..statuses.len()).map(|i| format!("${}", i + 6)).collect();
        format!(" AND {SEEN_STATUS} IN ({})", marks.join(", "))
    };
    let mut statement = Sql::built(format!(
        "{SCOPED_ORDERS} AND ($3 IS NULL OR (o.created_at, o.id) < ($3, $4)){filter} \
         ORDER BY o.created_at DESC, o.id DESC LIMIT $5"
    ))
    .bind(kind)
    .bind(scope_id)
    .bind(after.map(|(at, _)| at))
    .bind(after.map(|(_, id)| id))
    .bind(limit);
    for status in statuses {
        statement = statement.bind(*status);
    }
    statement.fetch_all(conn).await
}

/// A line of an order as stored.
#[derive(Debug, sqlx::FromRow)]
pub struct LineRow {
    pub product_id: Id,
    pub shop_id: Id,
    pub name: String,
    pub hsn: String,
    pub unit_price: i64,
    pub quantity: i32,
    pub gst_slab: String,
    #[sqlx(flatten)]
    pub tax: TaxRow,
}

/// The GST of one order line as charged at placement (columns `gst_rate`, `taxable`, `cgst`,
/// `sgst`, `igst`, `total`), read the same way by orders and invoices.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TaxRow {
    /// Basis points.
    pub gst_rate: i32,
    pub taxable: i64,
    pub cgst: i64,
    pub sgst: i64,
    pub igst: i64,
    pub total: i64,
}

/// The lines of order `id` in their order, only shop `shop`'s when given.
pub async fn lines(conn: &mut Conn, id: Id, shop: Option<Id>) -> sqlx::Result<Vec<LineRow>> {
    sql(
        "SELECT product_id, shop_id, name, hsn, unit_price, quantity, gst_slab, gst_rate, \
           taxable, cgst, sgst, igst, total FROM order_lines \
         WHERE order_id = $1 AND ($2 IS NULL OR shop_id = $2) ORDER BY position",
    )
    .bind(id)
    .bind(shop)
    .fetch_all(conn)
    .await
}

/// One step of an order's history, with a fulfilment step's shop part and shipment.
#[derive(Debug, sqlx::FromRow)]
pub struct HistoryRow {
    pub status: String,
    pub at: i64,
    pub shop_id: Option<Id>,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
}

/// The history of order `id`, oldest step first.
pub async fn history(conn: &mut Conn, id: Id) -> sqlx::Result<Vec<HistoryRow>> {
    sql(
        "SELECT status, at, shop_id, carrier, tracking_number FROM order_history \
         WHERE order_id = $1 ORDER BY seq",
    )
    .bind(id)
    .fetch_all(conn)
    .await
}
