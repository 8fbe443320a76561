//! Credit notes as PDF: every CGST Rule 53(1A) particular of a [`CreditNote`] (the nature of
//! the document, its number and date, the invoice it corrects, the parties as on that invoice,
//! and per line the taxable value, rate and tax credited), drawn like the invoices.

use crate::pdf::{Layout, MARGIN, amount, finish, rates, truncate};
use contracts::credit_notes::CreditNote;

/// Where the columns of the lines' table start.
const COLUMNS: [f32; 8] = [MARGIN, 215.0, 265.0, 340.0, 390.0, 440.0, 490.0, 540.0];
/// The headings; the state tax's (`SGST`) is renamed per document (`StateTax::label`).
const HEADINGS: [&str; 8] = [
    "Description",
    "HSN",
    "Taxable",
    "Rate",
    "CGST",
    "SGST",
    "IGST",
    "Total",
];

/// The PDF of `note`.
pub fn render(note: &CreditNote) -> Vec<u8> {
    let mut layout = Layout::new();
    layout.title(&note.nature, "Original for recipient");
    layout.field(true, "Credit note no.", &note.number);
    layout.field(false, "Date of issue", &note.date.to_string());
    layout.field(false, "Against invoice no.", &note.invoice.number);
    layout.field(false, "Invoice date", &note.invoice.date.to_string());
    layout.field(false, "Order", &note.order_id);
    layout.place_of_supply(&note.place_of_supply_name, &note.place_of_supply_code);
    layout.rule();
    layout.parties(&note.supplier, &note.recipient);

    let inter_state = note.supplier.state_code != note.place_of_supply_code;
    let rows = note.lines.iter().map(|line| {
        let cells = [
            truncate(&line.description, 34),
            line.hsn.clone(),
            amount(line.tax.taxable),
            line.tax.rate.to_string(),
            amount(line.tax.cgst),
            amount(line.tax.sgst),
            amount(line.tax.igst),
            amount(line.tax.total),
        ];
        (cells, rates(&line.tax, note.state_tax, inter_state))
    });
    let mut headings = HEADINGS;
    headings[5] = note.state_tax.label();
    layout.table(&COLUMNS, &headings, rows);
    layout.totals(&note.totals, note.state_tax, &note.total_in_words);
    layout.footer("Tax credited to the recipient for a refund (CGST Act, section 34). Computer-generated; no signature required.");
    finish(layout)
}
