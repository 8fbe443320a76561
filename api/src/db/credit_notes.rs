//! The `credit_notes`, `credit_note_lines` and `credit_note_counters` tables: issuing a
//! refund's credit notes (one per seller, inside the refund's transaction,
//! `app::credit_notes::issue_for_refund`), what an order's invoice lines have left to credit,
//! and reading a note's head (with its invoice's) and lines within a [`Scope`].

use crate::db::invoices::{HEAD_COLUMNS, HeadRow, IN_SCOPE};
use crate::db::orders::TaxRow;
use crate::db::{Conn, Id, Scope, Sql, sql};

/// How many invoices order `order` has (one per seller once it is confirmed).
pub async fn invoice_count(conn: &mut Conn, order: Id) -> sqlx::Result<i64> {
    sql("SELECT count(*) FROM invoices WHERE order_id = $1")
        .bind(order)
        .scalar_one(conn)
        .await
}

/// Holds order `order` until the transaction ends, so two refunds of one order credit its
/// lines one after the other, each seeing what the other credited. PostgreSQL locks the row;
/// SQLite's write transactions (`BEGIN IMMEDIATE`) already run one at a time.
pub async fn lock_order(conn: &mut Conn, order: Id) -> sqlx::Result<Option<Id>> {
    Sql::per_backend(
        "SELECT id FROM orders WHERE id = $1",
        "SELECT id FROM orders WHERE id = $1 FOR UPDATE",
    )
    .bind(order)
    .scalar_optional(conn)
    .await
}

/// The credit notes refund `refund` issued, by seller.
pub async fn of_refund(conn: &mut Conn, refund: Id) -> sqlx::Result<Vec<Id>> {
    sql("SELECT id FROM credit_notes WHERE refund_id = $1 ORDER BY shop_id")
        .bind(refund)
        .scalar_all(conn)
        .await
}

/// Amounts credited on one invoice line: by one note, or by all of an order's notes so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct Credit {
    pub taxable: i64,
    pub cgst: i64,
    pub sgst: i64,
    pub igst: i64,
    pub total: i64,
}

/// An invoiced order line with what the order's credit notes credited on it so far.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CreditableRow {
    pub position: i32,
    pub shop_id: Id,
    pub invoice_id: Id,
    pub invoice_number: String,
    /// The line as invoiced.
    #[sqlx(flatten)]
    pub tax: TaxRow,
    pub credited_taxable: i64,
    pub credited_cgst: i64,
    pub credited_sgst: i64,
    pub credited_igst: i64,
    pub credited_total: i64,
}

/// The invoiced lines of order `order`, in the order's order, each with the sums its credit
/// notes credited (zero for none). The sums are cast: PostgreSQL sums BIGINTs as NUMERIC.
pub async fn creditable_lines(conn: &mut Conn, order: Id) -> sqlx::Result<Vec<CreditableRow>> {
    sql(
        "SELECT ol.position, ol.shop_id, i.id AS invoice_id, i.number AS invoice_number, ol.gst_rate, ol.taxable, ol.cgst, \
           ol.sgst, ol.igst, ol.total, \
           CAST(COALESCE(c.taxable, 0) AS BIGINT) AS credited_taxable, \
           CAST(COALESCE(c.cgst, 0) AS BIGINT) AS credited_cgst, \
           CAST(COALESCE(c.sgst, 0) AS BIGINT) AS credited_sgst, \
           CAST(COALESCE(c.igst, 0) AS BIGINT) AS credited_igst, \
           CAST(COALESCE(c.total, 0) AS BIGINT) AS credited_total \
         FROM order_lines ol \
         JOIN invoices i ON i.order_id = ol.order_id AND i.shop_id = ol.shop_id \
         LEFT JOIN (SELECT l.position, SUM(l.taxable) AS taxable, SUM(l.cgst) AS cgst, \
             SUM(l.sgst) AS sgst, SUM(l.igst) AS igst, SUM(l.total) AS total \
           FROM credit_note_lines l JOIN credit_notes n ON n.id = l.credit_note_id \
           WHERE n.order_id = $1 GROUP BY l.position) c ON c.position = ol.position \
         WHERE ol.order_id = $1 ORDER BY ol.position",
    )
    .bind(order)
    .fetch_all(conn)
    .await
}

/// The next serial of `shop`'s credit notes in financial year `fy`: a series of their own,
/// upserted and returned like the invoices' (the row lock gives concurrent refunds of one
/// seller consecutive serials).
pub async fn next_serial(conn: &mut Conn, shop: Id, fy: u16) -> sqlx::Result<i64> {
    sql(
        "INSERT INTO credit_note_counters (shop_id, financial_year, last_serial) \
         VALUES ($1, $2, 1) ON CONFLICT (shop_id, financial_year) \
         DO UPDATE SET last_serial = credit_note_counters.last_serial + 1 RETURNING last_serial",
    )
    .bind(shop)
    .bind(i32::from(fy))
    .scalar_one(conn)
    .await
}

/// A credit note to insert.
pub struct NewCreditNote<'a> {
    pub id: Id,
    pub invoice: Id,
    pub order: Id,
    pub shop: Id,
    pub refund: Id,
    pub number: &'a str,
    pub financial_year: u16,
    pub serial: i64,
    /// `YYYY-MM-DD`.
    pub issued_on: &'a str,
    pub now: i64,
}

/// Inserts `note`.
pub async fn insert(conn: &mut Conn, note: &NewCreditNote<'_>) -> sqlx::Result<()> {
    sql(
        "INSERT INTO credit_notes (id, invoice_id, order_id, shop_id, refund_id, number, \
           financial_year, serial, issued_on, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(note.id)
    .bind(note.invoice)
    .bind(note.order)
    .bind(note.shop)
    .bind(note.refund)
    .bind(note.number)
    .bind(i32::from(note.financial_year))
    .bind(note.serial)
    .bind(note.issued_on)
    .bind(note.now)
    .execute(conn)
    .await
    .map(drop)
}

/// Inserts what note `note` credits of the order line at `position`.
pub async fn insert_line(
    conn: &mut Conn,
    note: Id,
    position: i32,
    credit: &Credit,
) -> sqlx::Result<()> {
    sql(
        "INSERT INTO credit_note_lines (credit_note_id, position, taxable, cgst, sgst, igst, \
           total) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(note)
    .bind(position)
    .bind(credit.taxable)
    .bind(credit.cgst)
    .bind(credit.sgst)
    .bind(credit.igst)
    .bind(credit.total)
    .execute(conn)
    .await
    .map(drop)
}

/// A credit note's own row with the head of the invoice it credits (whose supplier and
/// recipient it shows; `app::invoices` opens them).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NoteRow {
    pub note_id: Id,
    pub refund_id: Id,
    pub note_number: String,
    /// `YYYY-MM-DD`.
    pub note_issued_on: String,
    #[sqlx(flatten)]
    pub invoice: HeadRow,
}

/// A credit note as a reader in a scope sees it (the readers of its invoice); the caller
/// appends the condition that picks the notes.
fn note_where(condition: &str) -> String {
    format!(
        "SELECT n.id AS note_id, n.refund_id, n.number AS note_number, \
           n.issued_on AS note_issued_on, {HEAD_COLUMNS} \
         FROM credit_notes n JOIN invoices i ON i.id = n.invoice_id \
           JOIN orders o ON o.id = i.order_id \
         WHERE {IN_SCOPE} {condition}"
    )
}

/// Credit note `id`, if `scope` may see it.
pub async fn note(conn: &mut Conn, scope: Scope, id: Id) -> sqlx::Result<Option<NoteRow>> {
    let (kind, scope_id) = scope.binds();
    Sql::built(note_where("AND n.id = $3"))
        .bind(kind)
        .bind(scope_id)
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Order `order`'s credit notes that `scope` may see, oldest first, then by seller and number.
pub async fn notes_of_order(
    conn: &mut Conn,
    scope: Scope,
    order: Id,
) -> sqlx::Result<Vec<NoteRow>> {
    let (kind, scope_id) = scope.binds();
    Sql::built(note_where(
        "AND n.order_id = $3 ORDER BY n.created_at, n.shop_id, n.serial",
    ))
    .bind(kind)
    .bind(scope_id)
    .bind(order)
    .fetch_all(conn)
    .await
}

/// What a credit note credits of one invoice line, with the line's description and rate.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NoteLineRow {
    pub name: String,
    pub hsn: String,
    /// The credited amounts, at the invoice line's rate.
    #[sqlx(flatten)]
    pub tax: TaxRow,
}

/// The lines of credit note `note`, in the invoice's order.
pub async fn lines(conn: &mut Conn, note: Id) -> sqlx::Result<Vec<NoteLineRow>> {
    sql(
        "SELECT ol.name, ol.hsn, ol.gst_rate, l.taxable, l.cgst, l.sgst, l.igst, l.total \
         FROM credit_note_lines l JOIN credit_notes n ON n.id = l.credit_note_id \
           JOIN order_lines ol ON ol.order_id = n.order_id AND ol.position = l.position \
         WHERE l.credit_note_id = $1 ORDER BY l.position",
    )
    .bind(note)
    .fetch_all(conn)
    .await
}
