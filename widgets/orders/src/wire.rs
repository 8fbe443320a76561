//! What the widget reads of the API's answers: slim mirrors of the contract types with only the
//! members it shows, each read from the answer's JSON by `json::Json` (see there for why not
//! serde). Members not named here are not read; a required one missing makes the answer
//! `unexpected_answer`.

use crate::json::Json;
use contracts::Paise;
use contracts::gst::Rate;
use contracts::orders::OrderStatus;

/// `contracts::orders::Order`, as its customer reads it: in the list (a page of them) and on
/// its own page. Not read: each shop's part, the captured sum, the pay-by time.
pub struct Order {
    pub id: String,
    pub status: OrderStatus,
    pub address: Address,
    pub lines: Vec<Line>,
    pub totals: Amounts,
    pub refunded: Paise,
    pub history: Vec<Step>,
    /// The customer's reason, once cancelled (`contracts::fulfilment::Cancellation`).
    pub cancellation_reason: Option<String>,
    pub cancellable: bool,
    pub payments: Vec<Payment>,
    pub refunds: Vec<Refund>,
    pub payment_url: Option<String>,
    pub created_at: i64,
}

impl Order {
    pub fn read(json: &Json) -> Option<Order> {
        Some(Order {
            id: json.text("id")?,
            status: status(json)?,
            address: Address::read(&json.object("address")?)?,
            lines: json.list("lines", Line::read)?,
            totals: Amounts::read(&json.object("totals")?)?,
            refunded: paise(json, "refunded")?,
            history: json.list("history", Step::read)?,
            cancellation_reason: json.object("cancellation").and_then(|c| c.text("reason")),
            cancellable: json.flag("cancellable"),
            payments: json.list("payments", Payment::read)?,
            refunds: json.list("refunds", Refund::read)?,
            payment_url: json.text("paymentUrl"),
            created_at: json.int("createdAt")?,
        })
    }
}

/// `contracts::orders::OrderPage`.
pub struct OrderPage {
    pub items: Vec<Order>,
    pub next_cursor: Option<String>,
}

impl OrderPage {
    pub fn read(json: &Json) -> Option<OrderPage> {
        Some(OrderPage {
            items: json.list("items", Order::read)?,
            next_cursor: json.text("nextCursor"),
        })
    }
}

/// `contracts::orders::DeliveryAddress`.
pub struct Address {
    pub name: String,
    pub phone: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub state_code: String,
    pub pincode: String,
}

impl Address {
    fn read(json: &Json) -> Option<Address> {
        Some(Address {
            name: json.text("name")?,
            phone: json.text("phone")?,
            line1: json.text("line1")?,
            line2: json.text("line2"),
            city: json.text("city")?,
            state_code: json.text("stateCode")?,
            pincode: json.text("pincode")?,
        })
    }
}

/// `contracts::orders::OrderLine`, without its shop and slab id.
pub struct Line {
    pub product_id: String,
    pub name: String,
    pub hsn: String,
    pub unit_price: Paise,
    pub quantity: i64,
    pub tax: Amounts,
}

impl Line {
    fn read(json: &Json) -> Option<Line> {
        Some(Line {
            product_id: json.text("productId")?,
            name: json.text("name")?,
            hsn: json.text("hsn")?,
            unit_price: paise(json, "unitPrice")?,
            quantity: json.int("quantity")?,
            tax: Amounts::read(&json.object("tax")?)?,
        })
    }
}

/// A tax breakup: a line's `contracts::gst::LineTax` (with its `rate`) or the order's, an
/// invoice's or a credit note's `contracts::gst::TaxTotals` (no rate). SGST stands for UTGST in
/// a union territory.
pub struct Amounts {
    pub taxable: Paise,
    pub rate: Option<Rate>,
    pub cgst: Paise,
    pub sgst: Paise,
    pub igst: Paise,
    pub total: Paise,
}

impl Amounts {
    fn read(json: &Json) -> Option<Amounts> {
        Some(Amounts {
            taxable: paise(json, "taxable")?,
            rate: json.int("rate").map(|rate| Rate(rate as u32)),
            cgst: paise(json, "cgst")?,
            sgst: paise(json, "sgst")?,
            igst: paise(json, "igst")?,
            total: paise(json, "total")?,
        })
    }
}

/// `contracts::orders::StatusChange`, without its shop.
pub struct Step {
    pub status: OrderStatus,
    pub at: i64,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
}

impl Step {
    fn read(json: &Json) -> Option<Step> {
        Some(Step {
            status: status(json)?,
            at: json.int("at")?,
            carrier: json.text("carrier"),
            tracking_number: json.text("trackingNumber"),
        })
    }
}

/// `contracts::payments::Payment`, without the gateway's transaction id. The outcome and the
/// disposition stay in their wire spelling (`SUCCESS`, `APPLIED`...), which the page matches on
/// and puts in `data-disposition`.
pub struct Payment {
    pub outcome: String,
    pub amount: Paise,
    pub disposition: String,
    pub received_at: i64,
}

impl Payment {
    fn read(json: &Json) -> Option<Payment> {
        Some(Payment {
            outcome: json.text("outcome")?,
            amount: paise(json, "amount")?,
            disposition: json.text("disposition")?,
            received_at: json.int("receivedAt")?,
        })
    }
}

/// `contracts::payments::Refund`, without its ids; `state` in its wire spelling (`PENDING`,
/// `DONE`, `FAILED`), for the reason above.
pub struct Refund {
    pub amount: Paise,
    pub state: String,
    pub automatic: bool,
    pub created_at: i64,
    pub settled_at: Option<i64>,
}

impl Refund {
    fn read(json: &Json) -> Option<Refund> {
        Some(Refund {
            amount: paise(json, "amount")?,
            state: json.text("state")?,
            automatic: json.flag("automatic"),
            created_at: json.int("createdAt")?,
            settled_at: json.int("settledAt"),
        })
    }

    /// Whether the gateway gave the money back.
    pub fn done(&self) -> bool {
        self.state == "DONE"
    }
}

/// An invoice (`contracts::invoices::Invoice`) or a credit note
/// (`contracts::credit_notes::CreditNote`), as a line that names it: its number, its supplier's
/// name and its total. Every Rule 46 or Rule 53 particular is the invoice widget's to read.
pub struct DocumentRef {
    pub id: String,
    pub number: String,
    pub supplier: String,
    pub total: Paise,
}

impl DocumentRef {
    fn read(json: &Json) -> Option<DocumentRef> {
        Some(DocumentRef {
            id: json.text("id")?,
            number: json.text("number")?,
            supplier: json.object("supplier")?.text("name")?,
            total: paise(&json.object("totals")?, "total")?,
        })
    }
}

/// A list of invoices or of credit notes (`{"items": [...]}`).
pub fn documents(json: &Json) -> Option<Vec<DocumentRef>> {
    json.list("items", DocumentRef::read)
}

fn paise(json: &Json, key: &str) -> Option<Paise> {
    json.int(key).map(Paise)
}

/// The `status` member, in `OrderStatus`'s wire spelling.
fn status(json: &Json) -> Option<OrderStatus> {
    OrderStatus::parse(&json.text("status")?)
}
