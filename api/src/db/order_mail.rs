//! What an order's mails need besides the order: whom to write to (the customer's sealed
//! address and name), and the documents to link (invoices, a refund's credit notes).

use crate::db::{Conn, Id, sql};

/// The customer of an order: the address sealed (`users.email`, row `user_id`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Recipient {
    pub user_id: Id,
    pub email: String,
    pub display_name: String,
}

/// The customer of order `order`.
pub async fn recipient(conn: &mut Conn, order: Id) -> sqlx::Result<Option<Recipient>> {
    sql("SELECT u.id AS user_id, u.email, u.display_name \
         FROM orders o JOIN users u ON u.id = o.customer_id WHERE o.id = $1")
    .bind(order)
    .fetch_optional(conn)
    .await
}

/// A document a mail links to: its id and number, and the seller that issued it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Document {
    pub id: Id,
    pub shop_id: Id,
    pub number: String,
    pub seller: String,
}

/// The invoices of order `order`, in shop id order (the order they were numbered in).
pub async fn invoices(conn: &mut Conn, order: Id) -> sqlx::Result<Vec<Document>> {
    sql(
        "SELECT id, shop_id, number, supplier_name AS seller FROM invoices \
         WHERE order_id = $1 ORDER BY shop_id",
    )
    .bind(order)
    .fetch_all(conn)
    .await
}

/// The credit notes of refund `refund`, in shop id order.
pub async fn credit_notes(conn: &mut Conn, refund: Id) -> sqlx::Result<Vec<Document>> {
    sql(
        "SELECT c.id, c.shop_id, c.number, i.supplier_name AS seller FROM credit_notes c \
         JOIN invoices i ON i.id = c.invoice_id WHERE c.refund_id = $1 ORDER BY c.shop_id",
    )
    .bind(refund)
    .fetch_all(conn)
    .await
}
