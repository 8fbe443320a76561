//! Credit notes (CGST Act section 34, CGST Rule 53(1A)): a refund of an invoiced order
//! issues one per seller whose invoice it credits, numbered in that seller's own credit-note
//! series of the financial year, inside the refund's transaction ([`issue_for_refund`]); a
//! refund of an order without invoices is refused before anything happens
//! ([`ensure_invoiced`]); and notes are read within the reader's scope, the invoices' scope
//! (`read`).
//!
//! What each invoice line is credited is `contracts::gst::credit`'s rule, applied to what the
//! order's earlier notes credited, so the notes of an order never credit more than its
//! invoices, part by part, and the refund of everything lands on them exactly.

mod read;

pub use read::{of_order, show};

use crate::app::Actor;
use crate::app::audit::{self, Entry};
use crate::app::orders::line_tax;
use crate::crypto::Vault;
use crate::db::credit_notes::{self, Credit, CreditableRow, NewCreditNote};
use crate::db::{Conn, Id};
use crate::error::{ApiError, Result};
use contracts::Paise;
use contracts::calendar::Date;
use contracts::credit_notes::credit_note_number;
use contracts::gst::credit::{CreditError, credit};
use contracts::gst::{LineTax, Rate};
use contracts::invoices::financial_year;
use std::collections::BTreeMap;

/// `Err(not_invoiced)` unless order `order` has an invoice: the refund use case asks before
/// it reserves or refunds anything, so a refund no credit note could correct changes nothing.
pub async fn ensure_invoiced(conn: &mut Conn, order: Id) -> Result<()> {
    if credit_notes::invoice_count(conn, order).await? == 0 {
        return Err(ApiError::NotInvoiced);
    }
    Ok(())
}

/// Issues the credit notes of refund `refund` of order `order`, for `amount` (the gross
/// refunded, tax included), dated `date`: one per seller whose invoice lines the amount
/// credits, each numbered with the next serial of the seller's credit notes in `date`'s
/// financial year; their ids, by seller. Runs on the caller's transaction (the one that
/// records the refund), so a refund that rolls back uses no serial. A refund that issued its
/// notes already gets the same ids again, and issues nothing.
///
/// `_vault` is unused: a note's sealed particulars are its invoice's and its order's, which
/// are never changed and are joined when it is read, not copied.
#[expect(
    clippy::too_many_arguments,
    reason = "the interface the refund use cases share"
)]
pub async fn issue_for_refund(
    conn: &mut Conn,
    actor: &Actor,
    _vault: &Vault,
    order: Id,
    refund: Id,
    amount: Paise,
    date: Date,
    now: i64,
) -> Result<Vec<Id>> {
    // Locked first, so a repeat running beside the first call waits and then finds its notes.
    credit_notes::lock_order(conn, order).await?;
    let issued = credit_notes::of_refund(conn, refund).await?;
    if !issued.is_empty() {
        return Ok(issued);
    }
    let rows = credit_notes::creditable_lines(conn, order).await?;
    if rows.is_empty() {
        return Err(ApiError::NotInvoiced);
    }
    let lines: Vec<LineTax> = rows.iter().map(|row| line_tax(&row.tax)).collect();
    let credited: Vec<LineTax> = rows.iter().map(credited_so_far).collect();
    let credits = credit(&lines, &credited, amount).map_err(|error| match error {
        // The refund use case keeps refunds within the order's total, which is its lines'.
        CreditError::ExceedsInvoice { .. } => ApiError::RefundRefused {
            field: "amount",
            why: error.to_string(),
        },
        error => ApiError::Internal(anyhow::anyhow!("crediting order {order}: {error}")),
    })?;

    // Per seller, in shop id order (the invoices' order): its invoice and its lines' credits.
    let mut by_shop: BTreeMap<Id, SellerCredit<'_>> = BTreeMap::new();
    for (row, credit) in rows.iter().zip(&credits) {
        if credit.total.0 > 0 {
            let seller = by_shop.entry(row.shop_id).or_insert(SellerCredit {
                invoice: row,
                lines: Vec::new(),
            });
            seller.lines.push((row.position, stored(credit)));
        }
    }
    // Every serial first, then the rows and their audit entries: one lock order (the order,
    // the counters, the audit chain) for every refund.
    let (fy, _) = financial_year(date);
    let mut serials = Vec::with_capacity(by_shop.len());
    for shop in by_shop.keys() {
        serials.push(credit_notes::next_serial(conn, *shop, fy).await?);
    }
    let issued_on = date.to_string();
    let mut ids = Vec::with_capacity(by_shop.len());
    for (seller, serial) in by_shop.into_values().zip(serials) {
        let number =
            credit_note_number(fy, u64::try_from(serial).unwrap_or(0)).ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!(
                    "credit note serials exhausted for the year"
                ))
            })?;
        let note = NewCreditNote {
            id: Id::new(),
            invoice: seller.invoice.invoice_id,
            order,
            shop: seller.invoice.shop_id,
            refund,
            number: &number,
            financial_year: fy,
            serial,
            issued_on: &issued_on,
            now,
        };
        credit_notes::insert(conn, &note).await?;
        for (position, credit) in &seller.lines {
            credit_notes::insert_line(conn, note.id, *position, credit).await?;
        }
        // Numbers, ids and amounts only: the parties are in the invoice, not here.
        let amount: i64 = seller.lines.iter().map(|(_, credit)| credit.total).sum();
        let entry = Entry::success("credit_notes:issue", "credit_notes", Some(note.id), now)
            .with_changes(serde_json::json!({
                "number": {"after": number},
                "orderId": {"after": order.to_string()},
                "refundId": {"after": refund.to_string()},
                "invoiceNumber": {"after": seller.invoice.invoice_number},
                "amount": {"after": amount},
            }));
        audit::record(conn, actor, &entry).await?;
        ids.push(note.id);
    }
    Ok(ids)
}

/// What one seller's credit note credits: of its invoice (any of its lines' rows names it),
/// the order line at each position.
struct SellerCredit<'r> {
    invoice: &'r CreditableRow,
    lines: Vec<(i32, Credit)>,
}

/// What an invoiced line was credited so far, as the credit rule takes it.
fn credited_so_far(row: &CreditableRow) -> LineTax {
    LineTax {
        taxable: Paise(row.credited_taxable),
        rate: Rate(u32::try_from(row.tax.gst_rate).unwrap_or(0)),
        cgst: Paise(row.credited_cgst),
        sgst: Paise(row.credited_sgst),
        igst: Paise(row.credited_igst),
        total: Paise(row.credited_total),
    }
}

/// A line's credit as stored.
fn stored(credit: &LineTax) -> Credit {
    Credit {
        taxable: credit.taxable.0,
        cgst: credit.cgst.0,
        sgst: credit.sgst.0,
        igst: credit.igst.0,
        total: credit.total.0,
    }
}
