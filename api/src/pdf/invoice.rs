//! Tax invoices as PDF: every CGST Rule 46 particular of an [`Invoice`], drawn with the
//! shared page layout (`pdf`).

use crate::pdf::{Layout, MARGIN, amount, finish, rates, truncate};
use contracts::invoices::Invoice;

/// Where the columns of the lines' table start.
const COLUMNS: [f32; 9] = [
    MARGIN, 190.0, 235.0, 270.0, 330.0, 395.0, 430.0, 475.0, 520.0,
];
/// The headings; the state tax's (`SGST`) is renamed per document (`StateTax::label`).
const HEADINGS: [&str; 9] = [
    "Description",
    "HSN",
    "Qty",
    "Unit price",
    "Taxable",
    "Rate",
    "CGST",
    "SGST",
    "IGST",
];

/// The PDF of `invoice`.
pub fn render(invoice: &Invoice) -> Vec<u8> {
    let mut layout = Layout::new();
    layout.title("Tax Invoice", "Original for recipient");
    layout.field(true, "Invoice no.", &invoice.number);
    layout.field(false, "Date of issue", &invoice.date.to_string());
    layout.field(false, "Order", &invoice.order_id);
    layout.place_of_supply(&invoice.place_of_supply_name, &invoice.place_of_supply_code);
    let reverse = if invoice.reverse_charge { "Yes" } else { "No" };
    layout.field(false, "Tax payable on reverse charge", reverse);
    layout.rule();
    layout.parties(&invoice.supplier, &invoice.recipient);

    let inter_state = invoice.supplier.state_code != invoice.place_of_supply_code;
    let rows = invoice.lines.iter().map(|line| {
        let cells = [
            truncate(&line.description, 30),
            line.hsn.clone(),
            format!("{} {}", line.quantity, line.unit),
            amount(line.unit_price),
            amount(line.tax.taxable),
            line.tax.rate.to_string(),
            amount(line.tax.cgst),
            amount(line.tax.sgst),
            amount(line.tax.igst),
        ];
        (cells, rates(&line.tax, invoice.state_tax, inter_state))
    });
    let mut headings = HEADINGS;
    headings[7] = invoice.state_tax.label();
    layout.table(&COLUMNS, &headings, rows);
    layout.totals(&invoice.totals, invoice.state_tax, &invoice.total_in_words);
    layout.footer("Computer-generated invoice; no signature required.");
    finish(layout)
}
