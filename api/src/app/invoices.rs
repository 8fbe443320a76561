//! Invoices: issuing a GST tax invoice per seller of a confirmed order (CGST Rule 46: the
//! serial is the next of the seller's financial year, at most 16 characters), inside the
//! confirmation's transaction.

use crate::db::{Conn, Id, invoices};
use crate::error::{ApiError, Result};
use contracts::calendar::Date;
use contracts::invoices::{financial_year, invoice_number};

/// Issues the invoices of just-confirmed order `order`, dated `date`: one per shop among its
/// lines, each numbered with the next serial of its shop's financial year. Runs on the
/// caller's transaction, so a confirmation that rolls back uses no serial.
pub async fn issue(conn: &mut Conn, order: Id, date: Date, now: i64) -> Result<()> {
    let (fy, _) = financial_year(date);
    let issued_on = date.to_string();
    for shop in invoices::shops_of_order(conn, order).await? {
        let serial = invoices::next_serial(conn, shop, fy).await?;
        let number = invoice_number(fy, u64::try_from(serial).unwrap_or(0)).ok_or_else(|| {
            ApiError::Internal(anyhow::anyhow!("invoice serials exhausted for the year"))
        })?;
        let invoice = invoices::NewInvoice {
            id: Id::new(),
            order,
            shop,
            number: &number,
            financial_year: fy,
            serial,
            issued_on: &issued_on,
            now,
        };
        invoices::insert(conn, &invoice).await?;
    }
    Ok(())
}
