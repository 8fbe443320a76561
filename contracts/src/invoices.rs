//! GST tax invoices (`/api/v1/invoices`): one per confirmed order per seller, carrying every
//! field CGST Rule 46 asks for, and their serial numbers: consecutive per seller per financial
//! year, at most 16 characters of letters, digits, `-` and `/`.

use crate::calendar::Date;
use crate::gst::{LineTax, StateTax, TaxTotals};
use crate::money::Paise;
use serde::{Deserialize, Serialize};

/// The Indian financial year of `date` (1 April to 31 March), as its two calendar years:
/// 2026-11-27 is in 2026-27, 2027-03-31 too, 2027-04-01 in 2027-28.
pub fn financial_year(date: Date) -> (u16, u16) {
    let start = if date.month() >= 4 {
        date.year()
    } else {
        date.year() - 1
    };
    (start, start + 1)
}

/// The invoice number of the `serial`-th invoice (from 1) of a seller in the financial year
/// starting in `fy_start`: `INV-2627-000001`. 15 characters up to serial 999 999, 16 up to
/// 9 999 999; `None` beyond, which Rule 46's 16-character limit cannot number.
pub fn invoice_number(fy_start: u16, serial: u64) -> Option<String> {
    document_number("INV", fy_start, serial)
}

/// The number of the `serial`-th document (from 1) of a series named `prefix` (at most three
/// letters) in the financial year starting in `fy_start`: `<prefix>-2627-000001`; `None` for
/// serial 0 or past 9 999 999, which would not fit in 16 characters.
pub(crate) fn document_number(prefix: &str, fy_start: u16, serial: u64) -> Option<String> {
    if serial == 0 || serial > 9_999_999 {
        return None;
    }
    Some(format!(
        "{prefix}-{:02}{:02}-{serial:06}",
        fy_start % 100,
        (fy_start + 1) % 100
    ))
}

/// A party of an invoice: the supplier (with its GSTIN) or the recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Party {
    pub name: String,
    /// Address lines, city and PIN code, in print order.
    pub address: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gstin: Option<String>,
    /// Two-digit GST state code and its name.
    pub state_code: String,
    pub state_name: String,
}

/// One line of an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InvoiceLine {
    pub description: String,
    pub hsn: String,
    pub quantity: u32,
    /// Unit quantity code: `NOS` (numbers).
    pub unit: String,
    pub unit_price: Paise,
    /// Taxable value, rate, and CGST / SGST / IGST amounts.
    pub tax: LineTax,
}

/// A tax invoice with the particulars of CGST Rule 46.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Invoice {
    pub id: String,
    pub order_id: String,
    /// The consecutive serial number, unique for the supplier within the financial year.
    pub number: String,
    /// Date of issue (`YYYY-MM-DD`).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: Date,
    pub supplier: Party,
    pub recipient: Party,
    /// Place of supply: the delivery address's state code and name.
    pub place_of_supply_code: String,
    pub place_of_supply_name: String,
    /// Which tax the `sgst` amounts are: `sgst`, or `utgst` when the place of supply is a union
    /// territory without a legislature. Absent (read as `sgst`) from servers before 1.4.
    #[serde(default)]
    pub state_tax: StateTax,
    pub lines: Vec<InvoiceLine>,
    pub totals: TaxTotals,
    /// The total in words (`Rupees ... Only`).
    pub total_in_words: String,
    /// Whether tax is payable on reverse charge: never for these supplies.
    pub reverse_charge: bool,
}

/// The invoices of an order the reader may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InvoiceList {
    pub items: Vec<Invoice>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn an_invoice_from_a_server_before_utgst_reads_as_sgst() {
        let mut invoice = serde_json::json!({
            "id": "i", "orderId": "o", "number": "INV-2627-000001", "date": "2026-05-04",
            "supplier": { "name": "A", "address": [], "stateCode": "27", "stateName": "Maharashtra" },
            "recipient": { "name": "B", "address": [], "stateCode": "27", "stateName": "Maharashtra" },
            "placeOfSupplyCode": "27", "placeOfSupplyName": "Maharashtra", "lines": [],
            "totals": { "taxable": 0, "cgst": 0, "sgst": 0, "igst": 0, "tax": 0, "total": 0 },
            "totalInWords": "Rupees Zero Only", "reverseCharge": false
        });
        let old: Invoice = serde_json::from_value(invoice.clone()).unwrap();
        invoice["stateTax"] = serde_json::json!("utgst");
        let new: Invoice = serde_json::from_value(invoice).unwrap();

        assert_eq!(
            (old.state_tax, new.state_tax),
            (StateTax::Sgst, StateTax::Utgst)
        );
        assert_eq!(serde_json::to_value(&new).unwrap()["stateTax"], "utgst");
    }

    #[test]
    fn the_financial_year_turns_on_the_first_of_april() {
        assert_eq!(financial_year(d("2026-11-27")), (2026, 2027));
        assert_eq!(financial_year(d("2027-03-31")), (2026, 2027));
        assert_eq!(financial_year(d("2027-04-01")), (2027, 2028));
        assert_eq!(financial_year(d("2000-01-01")), (1999, 2000));
    }

    #[test]
    fn invoice_numbers_are_at_most_16_characters_of_the_allowed_ones() {
        assert_eq!(invoice_number(2026, 1).unwrap(), "INV-2627-000001");
        assert_eq!(invoice_number(2099, 42).unwrap(), "INV-9900-000042");
        let longest = invoice_number(2026, 9_999_999).unwrap();
        assert_eq!(longest, "INV-2627-9999999");
        assert_eq!(longest.len(), 16);
        for number in [&longest, &invoice_number(2026, 1).unwrap()] {
            assert!(
                number
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/')
            );
        }
        assert_eq!(invoice_number(2026, 10_000_000), None);
        assert_eq!(invoice_number(2026, 0), None);
    }
}
