//! Reading credit notes, by exactly the invoices' readers (a customer its own orders' notes, a
//! seller its shop's, administrators all; anything else is "not found"), assembled with every
//! Rule 53(1A) particular: the supplier and recipient as on the invoice, the invoice's number
//! and date, and what each line credits.

use crate::app::audit::{self, Entry};
use crate::app::impersonation::masking;
use crate::app::invoices::{document_totals, open_head, parties, stored_date};
use crate::app::orders::line_tax;
use crate::app::{Actor, reader_scope};
use crate::db::credit_notes::{self, NoteLineRow, NoteRow};
use crate::db::{Conn, Id};
use crate::error::{ApiError, Result};
use crate::state::AppState;
use contracts::credit_notes::{CreditNote, CreditNoteLine, InvoiceReference, NATURE};

/// The credit notes of order `order_id` that `actor` may read, oldest first (none before a
/// refund). A malformed id names no order, so it has none.
pub async fn of_order(actor: &Actor, state: &AppState, order_id: &str) -> Result<Vec<CreditNote>> {
    let mut conn = state.db.conn().await?;
    let scope = reader_scope(actor, &mut conn).await?;
    let Some(order) = Id::parse(order_id) else {
        return Ok(Vec::new());
    };
    let mut items = Vec::new();
    for row in credit_notes::notes_of_order(&mut conn, scope, order).await? {
        items.push(with_lines(&mut conn, state, row).await?);
    }
    drop(conn);
    // Credit notes carry the buyer's address, as invoices do: an administrator's read is
    // audited.
    let entry = Entry::success(
        "credit_notes:read",
        "orders",
        Some(order),
        state.clock.now(),
    );
    audit::admin_read(&state.db, actor, &entry).await?;
    Ok(masking::each_for_actor(actor, items, masking::credit_note))
}

/// Credit note `id`, if `actor` may read its invoice.
pub async fn show(actor: &Actor, state: &AppState, id: &str) -> Result<CreditNote> {
    let mut conn = state.db.conn().await?;
    let scope = reader_scope(actor, &mut conn).await?;
    let id = Id::parse(id).ok_or(ApiError::NotFound)?;
    let row = credit_notes::note(&mut conn, scope, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let note = with_lines(&mut conn, state, row).await?;
    drop(conn);
    let entry = Entry::success(
        "credit_notes:read",
        "credit_notes",
        Some(id),
        state.clock.now(),
    );
    audit::admin_read(&state.db, actor, &entry).await?;
    // The PDF is drawn from this too, so it is masked alike.
    Ok(masking::for_actor(actor, note, masking::credit_note))
}

async fn with_lines(conn: &mut Conn, state: &AppState, row: NoteRow) -> Result<CreditNote> {
    let lines = credit_notes::lines(conn, row.note_id).await?;
    let row = NoteRow {
        invoice: open_head(row.invoice, &state.vault)?,
        ..row
    };
    assemble(row, lines)
}

/// The credit note of `row` (its invoice's head opened) and its `lines`.
fn assemble(row: NoteRow, lines: Vec<NoteLineRow>) -> Result<CreditNote> {
    let lines: Vec<CreditNoteLine> = lines
        .into_iter()
        .map(|line| CreditNoteLine {
            description: line.name,
            hsn: line.hsn,
            tax: line_tax(&line.tax),
        })
        .collect();
    let totals = document_totals(lines.iter().map(|line| &line.tax))?;
    let invoice = InvoiceReference {
        id: row.invoice.id.to_string(),
        number: row.invoice.number.clone(),
        date: stored_date(&row.invoice.issued_on, "invoices.issued_on")?,
    };
    let order_id = row.invoice.order_id.to_string();
    let parties = parties(row.invoice);
    Ok(CreditNote {
        id: row.note_id.to_string(),
        order_id,
        refund_id: row.refund_id.to_string(),
        nature: NATURE.to_owned(),
        number: row.note_number,
        date: stored_date(&row.note_issued_on, "credit_notes.issued_on")?,
        invoice,
        supplier: parties.supplier,
        recipient: parties.recipient,
        place_of_supply_code: parties.place_of_supply_code,
        place_of_supply_name: parties.place_of_supply_name,
        state_tax: parties.state_tax,
        lines,
        total_in_words: totals.total.in_words(),
        totals,
    })
}
