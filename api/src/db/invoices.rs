//! The `invoices` and `invoice_counters` tables: issuing one invoice per seller of a confirmed
//! order (inside the confirmation's transaction, `app::invoices::issue`), and reading an
//! invoice's head and lines within a [`Scope`] (a customer's own orders, a seller's own
//! invoices, everything for administrators). `app::invoices` assembles them into invoices.

use crate::db::orders::TaxRow;
use crate::db::{Conn, Id, Scope, Sql, sql};

/// The shops with lines in order `order`, in id order (the order invoices are numbered in).
pub async fn shops_of_order(conn: &mut Conn, order: Id) -> sqlx::Result<Vec<Id>> {
    sql("SELECT DISTINCT shop_id FROM order_lines WHERE order_id = $1 ORDER BY shop_id")
        .bind(order)
        .scalar_all(conn)
        .await
}

/// The next serial of `shop`'s invoices in financial year `fy`. Upsert-and-return: the row
/// lock makes concurrent confirmations of one seller take consecutive serials, never the same
/// one.
pub async fn next_serial(conn: &mut Conn, shop: Id, fy: u16) -> sqlx::Result<i64> {
    sql(
        "INSERT INTO invoice_counters (shop_id, financial_year, last_serial) \
         VALUES ($1, $2, 1) ON CONFLICT (shop_id, financial_year) \
         DO UPDATE SET last_serial = invoice_counters.last_serial + 1 RETURNING last_serial",
    )
    .bind(shop)
    .bind(i32::from(fy))
    .scalar_one(conn)
    .await
}

/// An invoice to insert: the supplier's particulars are copied from the shop as it is now,
/// by the caller (`app::invoices::issue`), which opens the shop's and seals the invoice's.
pub struct NewInvoice<'a> {
    pub id: Id,
    pub order: Id,
    pub shop: Id,
    pub number: &'a str,
    pub financial_year: u16,
    pub serial: i64,
    /// `YYYY-MM-DD`.
    pub issued_on: &'a str,
    pub supplier_name: &'a str,
    /// Sealed for this invoice.
    pub supplier_gstin: &'a str,
    /// Address lines, city and PIN code, one per line; sealed for this invoice.
    pub supplier_address: &'a str,
    pub supplier_state: &'a str,
    pub now: i64,
}

/// Inserts `invoice`, with its total: the shop's lines of the order, tax included (the
/// dashboard's sales by day sum these instead of the lines).
pub async fn insert(conn: &mut Conn, invoice: &NewInvoice<'_>) -> sqlx::Result<()> {
    sql(
        "INSERT INTO invoices (id, order_id, shop_id, number, financial_year, serial, \
           issued_on, supplier_name, supplier_gstin, supplier_address, supplier_state, \
           created_at, total) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
           (SELECT COALESCE(SUM(l.total), 0) FROM order_lines l \
            WHERE l.order_id = $2 AND l.shop_id = $3))",
    )
    .bind(invoice.id)
    .bind(invoice.order)
    .bind(invoice.shop)
    .bind(invoice.number)
    .bind(i32::from(invoice.financial_year))
    .bind(invoice.serial)
    .bind(invoice.issued_on)
    .bind(invoice.supplier_name)
    .bind(invoice.supplier_gstin)
    .bind(invoice.supplier_address)
    .bind(invoice.supplier_state)
    .bind(invoice.now)
    .execute(conn)
    .await
    .map(drop)
}

/// An invoice's own row joined with its order's recipient and place of supply. The supplier's
/// GSTIN and address are sealed for the invoice, the recipient and address for the order
/// (`app::invoices` opens both).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HeadRow {
    pub id: Id,
    pub order_id: Id,
    pub shop_id: Id,
    pub number: String,
    /// `YYYY-MM-DD`.
    pub issued_on: String,
    pub supplier_name: String,
    pub supplier_gstin: String,
    /// Address lines, city and PIN code, one per line.
    pub supplier_address: String,
    /// The supplier's two-digit state code.
    pub supplier_state: String,
    pub recipient: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub pincode: String,
    /// The delivery address's two-digit state code.
    pub place_of_supply: String,
}

/// An order line of an invoice's seller, as frozen at placement.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LineRow {
    pub name: String,
    pub hsn: String,
    pub quantity: i32,
    pub unit_price: i64,
    #[sqlx(flatten)]
    pub tax: TaxRow,
}

/// The columns of a [`HeadRow`], selected from `invoices i JOIN orders o ON o.id =
/// i.order_id` (credit notes select them too, for the invoice they credit).
pub(crate) const HEAD_COLUMNS: &str = "i.id, i.order_id, i.shop_id, i.number, i.issued_on, \
       i.supplier_name, i.supplier_gstin, i.supplier_address, i.supplier_state, o.recipient, \
       o.address_line1 AS line1, o.address_line2 AS line2, o.city, o.pincode, \
       o.state_code AS place_of_supply";

/// Whether a reader in a scope sees invoice `i` of order `o`; `$1` and `$2` are
/// [`Scope::binds`]. What an invoice's reader sees of its credit notes too.
pub(crate) const IN_SCOPE: &str = "($1 = 'all' OR ($1 = 'customer' AND o.customer_id = $2) \
       OR ($1 = 'shop' AND i.shop_id = $2))";

/// An invoice's head as a reader in a scope sees it; the caller appends the condition that
/// picks the invoices (`AND ... = $3`).
fn head_where(condition: &str) -> String {
    format!(
        "SELECT {HEAD_COLUMNS} FROM invoices i JOIN orders o ON o.id = i.order_id \
         WHERE {IN_SCOPE} {condition}"
    )
}

/// The head of invoice `id`, if `scope` may see it.
pub async fn head(conn: &mut Conn, scope: Scope, id: Id) -> sqlx::Result<Option<HeadRow>> {
    let (kind, scope_id) = scope.binds();
    Sql::built(head_where("AND i.id = $3"))
        .bind(kind)
        .bind(scope_id)
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// The heads of order `order`'s invoices that `scope` may see, in shop id order (the order
/// they were numbered in).
pub async fn heads_of_order(
    conn: &mut Conn,
    scope: Scope,
    order: Id,
) -> sqlx::Result<Vec<HeadRow>> {
    let (kind, scope_id) = scope.binds();
    Sql::built(head_where("AND i.order_id = $3 ORDER BY i.shop_id"))
        .bind(kind)
        .bind(scope_id)
        .bind(order)
        .fetch_all(conn)
        .await
}

/// The lines of order `order` sold by `shop`, as frozen at placement, in the order's order.
pub async fn lines(conn: &mut Conn, order: Id, shop: Id) -> sqlx::Result<Vec<LineRow>> {
    sql(
        "SELECT name, hsn, quantity, unit_price, gst_rate, taxable, cgst, sgst, igst, total \
         FROM order_lines WHERE order_id = $1 AND shop_id = $2 ORDER BY position",
    )
    .bind(order)
    .bind(shop)
    .fetch_all(conn)
    .await
}
