//! What the widget reads of the API's answers: slim mirrors of the contract types with only the
//! members it shows. serde's decoding code is large per type and per member, and decoding all of
//! `contracts::orders::Order` (each shop's part, the captured sum, transaction ids) cost the wasm
//! kilobytes the widget's 120 KB budget has no room for. Members not named here are skipped
//! (serde ignores unknown members); a missing `Option` reads as `None`.

use contracts::Paise;
use contracts::gst::Rate;
use contracts::orders::OrderStatus;
use serde::Deserialize;

/// `contracts::orders::Order`, as its customer reads it: in the list (a page of them) and on
/// its own page.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub id: String,
    pub status: OrderStatus,
    pub address: Address,
    pub lines: Vec<Line>,
    pub totals: Amounts,
    pub refunded: Paise,
    pub history: Vec<Step>,
    pub cancellation: Option<Cancellation>,
    #[serde(default)]
    pub cancellable: bool,
    #[serde(default)]
    pub payments: Vec<Payment>,
    #[serde(default)]
    pub refunds: Vec<Refund>,
    pub payment_url: Option<String>,
    pub created_at: i64,
}

/// `contracts::orders::OrderPage`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderPage {
    pub items: Vec<Order>,
    pub next_cursor: Option<String>,
}

/// `contracts::orders::DeliveryAddress`.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    pub name: String,
    pub phone: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub state_code: String,
    pub pincode: String,
}

/// `contracts::orders::OrderLine`, without its shop and slab id.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Line {
    pub product_id: String,
    pub name: String,
    pub hsn: String,
    pub unit_price: Paise,
    pub quantity: u32,
    pub tax: Amounts,
}

/// A tax breakup: a line's `contracts::gst::LineTax` (with its `rate`) and the order's, an
/// invoice's or a credit note's `contracts::gst::TaxTotals` (no rate), in one type so that its
/// decoding code is in the wasm once. SGST stands for UTGST in a union territory.
#[derive(Clone, Deserialize)]
pub struct Amounts {
    pub taxable: Paise,
    pub rate: Option<Rate>,
    pub cgst: Paise,
    pub sgst: Paise,
    pub igst: Paise,
    pub total: Paise,
}

/// `contracts::orders::StatusChange`, without its shop.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub status: OrderStatus,
    pub at: i64,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
}

/// `contracts::fulfilment::Cancellation`, without its time (the history has it).
#[derive(Clone, Deserialize)]
pub struct Cancellation {
    pub reason: String,
}

/// `contracts::payments::Payment`, without the gateway's transaction id. The outcome and the
/// disposition stay in their wire spelling (`SUCCESS`, `APPLIED`...): decoding them into the
/// contract's enums would add an enum decoder each, for a `match` that a string does as well.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    pub outcome: String,
    pub amount: Paise,
    pub disposition: String,
    pub received_at: i64,
}

/// `contracts::payments::Refund`, without its ids; `state` in its wire spelling (`PENDING`,
/// `DONE`, `FAILED`), for the reason above.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Refund {
    pub amount: Paise,
    pub state: String,
    pub automatic: bool,
    pub created_at: i64,
    pub settled_at: Option<i64>,
}

impl Refund {
    /// Whether the gateway gave the money back.
    pub fn done(&self) -> bool {
        self.state == "DONE"
    }
}

/// An invoice (`contracts::invoices::Invoice`) or a credit note
/// (`contracts::credit_notes::CreditNote`), as a line that names it: its number, its supplier
/// and its total. Every Rule 46 or Rule 53 particular is the invoice widget's to decode.
#[derive(Deserialize)]
pub struct DocumentRef {
    pub id: String,
    pub number: String,
    pub supplier: Supplier,
    pub totals: Amounts,
}

/// `contracts::invoices::Party`, by name.
#[derive(Deserialize)]
pub struct Supplier {
    pub name: String,
}

/// A list of invoices or of credit notes.
#[derive(Deserialize)]
pub struct DocumentList {
    pub items: Vec<DocumentRef>,
}
