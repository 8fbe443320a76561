//! GST credit notes (`/api/v1/credit-notes`): issued when an invoiced order is refunded (CGST
//! Act section 34), one per seller whose invoice the refund credits, carrying the particulars
//! of CGST Rule 53(1A), with their own serial numbers: consecutive per seller per financial
//! year, apart from the invoices' (`CN-2627-000001`), at most 16 characters.

use crate::calendar::Date;
use crate::gst::{LineTax, StateTax, TaxTotals};
use crate::invoices::{Party, document_number};
use serde::{Deserialize, Serialize};

/// The nature of the document, as Rule 53(1A)(b) asks it to be named.
pub const NATURE: &str = "Credit Note";

/// The number of a seller's `serial`-th credit note (from 1) in the financial year starting
/// in `fy_start`: `CN-2627-000001`, at most 15 characters; `None` for 0 or past 9 999 999.
pub fn credit_note_number(fy_start: u16, serial: u64) -> Option<String> {
    document_number("CN", fy_start, serial)
}

/// The tax invoice a credit note corrects (Rule 53(1A)(g): its serial number and date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InvoiceReference {
    pub id: String,
    pub number: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: Date,
}

/// What a credit note credits of one invoice line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreditNoteLine {
    pub description: String,
    pub hsn: String,
    /// The taxable value credited, the invoice line's rate, and the CGST / SGST / IGST
    /// credited (the same taxes the line charged); `total` is the gross refunded on it.
    pub tax: LineTax,
}

/// A credit note with the particulars of CGST Rule 53(1A).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreditNote {
    pub id: String,
    pub order_id: String,
    /// The refund that issued it.
    pub refund_id: String,
    /// `Credit Note` ([`NATURE`]).
    pub nature: String,
    /// The consecutive serial number, unique for the supplier within the financial year.
    pub number: String,
    /// Date of issue (`YYYY-MM-DD`).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: Date,
    pub invoice: InvoiceReference,
    /// The supplier and the recipient as on the invoice.
    pub supplier: Party,
    pub recipient: Party,
    pub place_of_supply_code: String,
    pub place_of_supply_name: String,
    /// Which tax the `sgst` amounts are, as on the invoice it corrects (`Invoice::state_tax`).
    #[serde(default)]
    pub state_tax: StateTax,
    /// The invoice lines it credits, in the invoice's order.
    pub lines: Vec<CreditNoteLine>,
    /// `total` is the amount of this note's share of the refund.
    pub totals: TaxTotals,
    /// The total in words (`Rupees ... Only`).
    pub total_in_words: String,
}

/// The credit notes of an order the reader may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreditNoteList {
    pub items: Vec<CreditNote>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::invoices::invoice_number;

    #[test]
    fn credit_notes_are_numbered_apart_from_invoices_in_at_most_16_characters() {
        assert_eq!(credit_note_number(2026, 1).unwrap(), "CN-2627-000001");
        assert_ne!(
            credit_note_number(2026, 1),
            invoice_number(2026, 1),
            "a series of their own"
        );
        let longest = credit_note_number(2026, 9_999_999).unwrap();
        assert_eq!(longest, "CN-2627-9999999");
        assert!(longest.len() <= 16);
        assert!(
            longest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        );
        assert_eq!(credit_note_number(2026, 0), None);
        assert_eq!(credit_note_number(2026, 10_000_000), None);
    }
}
