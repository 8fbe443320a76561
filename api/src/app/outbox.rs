//! Queueing mail with its recipient and body sealed (`email_outbox.to_address`, `.body`), and
//! opening what the sender delivers. Call inside the transaction of the change that causes
//! the mail.

use crate::crypto::{Column, Vault};
use crate::db::Conn;
use crate::db::outbox::{self, OutboxMail};
use crate::error::Result;

/// Queues a mail to `to` on `conn` (a transaction: the row is inserted, then its sealed
/// fields filled in, since they are bound to the id the database assigns).
pub async fn queue(
    conn: &mut Conn,
    vault: &Vault,
    to: &str,
    subject: &str,
    body: &str,
) -> Result<()> {
    let id = outbox::insert(conn, subject).await?;
    let to = vault.seal(Column::OutboxToAddress, id, to);
    let body = vault.seal(Column::OutboxBody, id, body);
    outbox::fill(conn, id, &to, &body).await?;
    Ok(())
}

/// `mail` with its recipient and body opened.
pub fn open(vault: &Vault, mail: OutboxMail) -> Result<OutboxMail> {
    Ok(OutboxMail {
        to_address: vault.open(Column::OutboxToAddress, mail.id, &mail.to_address)?,
        body: vault.open(Column::OutboxBody, mail.id, &mail.body)?,
        ..mail
    })
}
