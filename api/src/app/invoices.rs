//! Invoices: issuing a GST tax invoice per seller of a confirmed order (CGST Rule 46: the
//! serial is the next of the seller's financial year, at most 16 characters), inside the
//! confirmation's transaction; and reading them, within the reader's scope, assembled with
//! every Rule 46 particular.

use crate::app::audit::{self, Entry};
use crate::app::impersonation::masking;
use crate::app::orders::line_tax;
use crate::app::{Actor, reader_scope, shop_records};
use crate::crypto::{Column, Vault};
use crate::db::invoices::{self, HeadRow, LineRow};
use crate::db::{Conn, Id, shops};
use crate::error::{ApiError, Result};
use crate::state::AppState;
use contracts::Paise;
use contracts::calendar::Date;
use contracts::gst::{self, LineTax, StateTax, TaxTotals};
use contracts::gstin::StateCode;
use contracts::invoices::{Invoice, InvoiceLine, Party, financial_year, invoice_number};

/// The unit quantity code printed on every line: numbers (pieces).
const UNIT: &str = "NOS";

/// Issues the invoices of just-confirmed order `order`, dated `date`: one per shop among its
/// lines, each numbered with the next serial of its shop's financial year. Runs on the
/// caller's transaction, so a confirmation that rolls back uses no serial.
pub async fn issue(
    conn: &mut Conn,
    actor: &Actor,
    vault: &Vault,
    order: Id,
    date: Date,
    now: i64,
) -> Result<()> {
    let (fy, _) = financial_year(date);
    let issued_on = date.to_string();
    for shop in invoices::shops_of_order(conn, order).await? {
        // The supplier as the shop is now, opened here and sealed anew for the invoice (its
        // own row id and columns), so the legal copy never depends on the shop's row.
        let supplier = shops::by_id(conn, shop)
            .await?
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("an order line's shop is gone")))?;
        let supplier = shop_records::open(vault, supplier)?;
        let mut address = vec![supplier.address_line1.clone()];
        address.extend(supplier.address_line2.clone());
        address.push(format!("{} {}", supplier.city, supplier.pincode));
        let id = Id::new();
        let serial = invoices::next_serial(conn, shop, fy).await?;
        let number = invoice_number(fy, u64::try_from(serial).unwrap_or(0)).ok_or_else(|| {
            ApiError::Internal(anyhow::anyhow!("invoice serials exhausted for the year"))
        })?;
        let gstin = vault.seal(Column::InvoicesSupplierGstin, id, &supplier.gstin);
        let address = vault.seal(Column::InvoicesSupplierAddress, id, &address.join("\n"));
        let invoice = invoices::NewInvoice {
            id,
            order,
            shop,
            number: &number,
            financial_year: fy,
            serial,
            issued_on: &issued_on,
            supplier_name: &supplier.legal_name,
            supplier_gstin: &gstin,
            supplier_address: &address,
            supplier_state: &supplier.state_code,
            now,
        };
        invoices::insert(conn, &invoice).await?;
        crate::db::fulfilment::enqueue(conn, order, shop).await?;
        let entry = Entry::success("invoices:issue", "invoices", Some(invoice.id), now)
            .with_changes(serde_json::json!({
                "number": {"after": number},
                "orderId": {"after": order.to_string()},
            }));
        audit::record(conn, actor, &entry).await?;
    }
    Ok(())
}

/// The invoices of order `order_id` that `actor` may read (one per seller once the order is
/// confirmed, none before), in the order they were numbered in. A malformed id names no order,
/// so it has none.
pub async fn of_order(actor: &Actor, state: &AppState, order_id: &str) -> Result<Vec<Invoice>> {
    let mut conn = state.db.conn().await?;
    let scope = reader_scope(actor, &mut conn).await?;
    let Some(order) = Id::parse(order_id) else {
        return Ok(Vec::new());
    };
    let mut items = Vec::new();
    for head in invoices::heads_of_order(&mut conn, scope, order).await? {
        let lines = invoices::lines(&mut conn, head.order_id, head.shop_id).await?;
        items.push(assemble(open_head(head, &state.vault)?, lines)?);
    }
    drop(conn);
    // Invoices carry the buyer's address: an administrator's read is audited.
    let entry = Entry::success("invoices:read", "orders", Some(order), state.clock.now());
    audit::admin_read(&state.db, actor, &entry).await?;
    Ok(masking::each_for_actor(actor, items, masking::invoice))
}

/// Invoice `id`, if `actor` may read it: a customer its own orders' invoices, a seller its
/// own, administrators every one. Anything else is "not found", so ids cannot be probed.
pub async fn show(actor: &Actor, state: &AppState, id: &str) -> Result<Invoice> {
    let mut conn = state.db.conn().await?;
    let scope = reader_scope(actor, &mut conn).await?;
    let id = Id::parse(id).ok_or(ApiError::NotFound)?;
    let head = invoices::head(&mut conn, scope, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let lines = invoices::lines(&mut conn, head.order_id, head.shop_id).await?;
    drop(conn);
    let entry = Entry::success("invoices:read", "invoices", Some(id), state.clock.now());
    audit::admin_read(&state.db, actor, &entry).await?;
    // The PDF is drawn from this too, so it is masked alike.
    assemble(open_head(head, &state.vault)?, lines)
        .map(|invoice| masking::for_actor(actor, invoice, masking::invoice))
}

/// `head` with its sealed particulars opened: the supplier's for the invoice row, the
/// recipient's for the order row they were sealed for.
pub(crate) fn open_head(head: HeadRow, vault: &Vault) -> Result<HeadRow> {
    let (invoice, order) = (head.id, head.order_id);
    Ok(HeadRow {
        supplier_gstin: vault.open(Column::InvoicesSupplierGstin, invoice, &head.supplier_gstin)?,
        supplier_address: vault.open(
            Column::InvoicesSupplierAddress,
            invoice,
            &head.supplier_address,
        )?,
        recipient: vault.open(Column::OrdersRecipient, order, &head.recipient)?,
        line1: vault.open(Column::OrdersAddressLine1, order, &head.line1)?,
        line2: vault.open_opt(Column::OrdersAddressLine2, order, head.line2.as_deref())?,
        city: vault.open(Column::OrdersCity, order, &head.city)?,
        pincode: vault.open(Column::OrdersPincode, order, &head.pincode)?,
        ..head
    })
}

/// The parties of an opened invoice head, as its invoice and its credit notes show them.
pub(crate) struct Parties {
    /// As copied at issue.
    pub supplier: Party,
    /// The order's recipient and delivery address.
    pub recipient: Party,
    /// The delivery address's state code and name.
    pub place_of_supply_code: String,
    pub place_of_supply_name: String,
    /// SGST or UTGST: what the lines' `sgst` amounts are, by the place of supply.
    pub state_tax: StateTax,
}

/// The supplier, recipient and place of supply of opened `head`.
pub(crate) fn parties(head: HeadRow) -> Parties {
    let mut recipient_address = vec![head.line1];
    recipient_address.extend(head.line2);
    recipient_address.push(format!("{} {}", head.city, head.pincode));
    Parties {
        supplier: Party {
            name: head.supplier_name,
            address: head.supplier_address.lines().map(str::to_owned).collect(),
            gstin: Some(head.supplier_gstin),
            state_name: state_name(&head.supplier_state),
            state_code: head.supplier_state,
        },
        recipient: Party {
            name: head.recipient,
            address: recipient_address,
            gstin: None,
            state_name: state_name(&head.place_of_supply),
            state_code: head.place_of_supply.clone(),
        },
        place_of_supply_name: state_name(&head.place_of_supply),
        state_tax: StateCode::parse(&head.place_of_supply)
            .map_or_else(StateTax::default, StateTax::of),
        place_of_supply_code: head.place_of_supply,
    }
}

/// The date stored as `YYYY-MM-DD` in `column`; an internal error if it is not one.
pub(crate) fn stored_date(text: &str, column: &str) -> Result<Date> {
    text.parse::<Date>()
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("{column} is not a date: {text:?}")))
}

/// The sums of a document's taxed lines; an internal error on overflow, which the lines'
/// own checks at placement rule out.
pub(crate) fn document_totals<'l>(
    lines: impl IntoIterator<Item = &'l LineTax>,
) -> Result<TaxTotals> {
    gst::totals(lines)
        .map_err(|error| ApiError::Internal(anyhow::anyhow!("totalling a document: {error}")))
}

/// The tax invoice of `head` and its seller's order `lines`: the supplier as copied at issue,
/// the recipient and place of supply of the order, the lines with their HSN and taxes as
/// charged at placement (CGST + SGST within a state, IGST across states), their totals and
/// the total in words.
fn assemble(head: HeadRow, lines: Vec<LineRow>) -> Result<Invoice> {
    let lines: Vec<InvoiceLine> = lines.into_iter().map(invoice_line).collect();
    let totals = document_totals(lines.iter().map(|line| &line.tax))?;
    let date = stored_date(&head.issued_on, "invoices.issued_on")?;
    let (id, order_id, number) = (
        head.id.to_string(),
        head.order_id.to_string(),
        head.number.clone(),
    );
    let parties = parties(head);
    Ok(Invoice {
        id,
        order_id,
        number,
        date,
        supplier: parties.supplier,
        recipient: parties.recipient,
        place_of_supply_name: parties.place_of_supply_name,
        place_of_supply_code: parties.place_of_supply_code,
        state_tax: parties.state_tax,
        lines,
        total_in_words: totals.total.in_words(),
        totals,
        // Sales to consumers by registered sellers: tax is never payable on reverse charge.
        reverse_charge: false,
    })
}

/// The name of the state with two-digit code `code`; empty for a code that names none.
fn state_name(code: &str) -> String {
    StateCode::parse(code)
        .map_or("", StateCode::name)
        .to_owned()
}

fn invoice_line(row: LineRow) -> InvoiceLine {
    InvoiceLine {
        description: row.name,
        hsn: row.hsn,
        quantity: u32::try_from(row.quantity).unwrap_or(0),
        unit: UNIT.to_owned(),
        unit_price: Paise(row.unit_price),
        tax: line_tax(&row.tax),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::orders::TaxRow;
    use contracts::gst::{Rate, Supply};

    /// An invoice of a seller in state `supplier` for a delivery to state `place`.
    fn head(supplier: &str, place: &str) -> HeadRow {
        HeadRow {
            id: Id::new(),
            order_id: Id::new(),
            shop_id: Id::new(),
            number: "INV-2627-000001".into(),
            issued_on: "2026-05-04".into(),
            supplier_name: "Asha Textiles Pvt Ltd".into(),
            supplier_gstin: "27AAPFU0939F1ZV".into(),
            supplier_address: "12 Linking Road\nBandra West\nMumbai 400050".into(),
            supplier_state: supplier.into(),
            recipient: "Meera Buyer".into(),
            line1: "4 MG Road".into(),
            line2: None,
            city: "Pune".into(),
            pincode: "411001".into(),
            place_of_supply: place.into(),
        }
    }

    /// A line as placement charges it: `quantity` units at `rupees` and `rate` basis points,
    /// taxed for a supply from state `supplier` to state `place`.
    fn line(name: &str, rupees: i64, quantity: u32, rate: u32, supplier: u8, place: u8) -> LineRow {
        let supply = Supply::between(
            StateCode::new(supplier).unwrap(),
            StateCode::new(place).unwrap(),
        );
        let tax = gst::line_tax(Paise(rupees * 100), quantity, Rate(rate), supply).unwrap();
        LineRow {
            name: name.into(),
            hsn: "6205".into(),
            quantity: i32::try_from(quantity).unwrap(),
            unit_price: rupees * 100,
            tax: TaxRow {
                gst_rate: i32::try_from(rate).unwrap(),
                taxable: tax.taxable.0,
                cgst: tax.cgst.0,
                sgst: tax.sgst.0,
                igst: tax.igst.0,
                total: tax.total.0,
            },
        }
    }

    #[test]
    fn within_one_state_an_invoice_charges_cgst_and_sgst_and_adds_them_up() {
        let lines = vec![
            line("Cotton shirt", 1_000, 1, 1_800, 27, 27),
            line("Silk scarf", 250, 2, 500, 27, 27),
        ];
        let head = head("27", "27");
        let (id, order) = (head.id, head.order_id);

        let invoice = assemble(head, lines).unwrap();

        assert_eq!(
            (invoice.id, invoice.order_id),
            (id.to_string(), order.to_string())
        );
        assert_eq!(invoice.date, "2026-05-04".parse::<Date>().unwrap());
        assert_eq!(
            invoice.supplier,
            Party {
                name: "Asha Textiles Pvt Ltd".into(),
                address: vec![
                    "12 Linking Road".into(),
                    "Bandra West".into(),
                    "Mumbai 400050".into()
                ],
                gstin: Some("27AAPFU0939F1ZV".into()),
                state_code: "27".into(),
                state_name: "Maharashtra".into(),
            }
        );
        assert_eq!(
            invoice.recipient,
            Party {
                name: "Meera Buyer".into(),
                address: vec!["4 MG Road".into(), "Pune 411001".into()],
                gstin: None,
                state_code: "27".into(),
                state_name: "Maharashtra".into(),
            }
        );
        assert_eq!(
            [&invoice.place_of_supply_code, &invoice.place_of_supply_name],
            ["27", "Maharashtra"]
        );
        assert_eq!(
            invoice.lines[0],
            InvoiceLine {
                description: "Cotton shirt".into(),
                hsn: "6205".into(),
                quantity: 1,
                unit: "NOS".into(),
                unit_price: Paise(100_000),
                tax: LineTax {
                    taxable: Paise(100_000),
                    rate: Rate(1_800),
                    cgst: Paise(9_000),
                    sgst: Paise(9_000),
                    igst: Paise(0),
                    total: Paise(118_000),
                },
            }
        );
        let t = invoice.totals;
        // ₹1000 at 18% and 2 × ₹250 at 5%: ₹90 + ₹12.50 each of CGST and SGST.
        assert_eq!(
            (t.taxable.0, t.cgst.0, t.sgst.0, t.igst.0),
            (150_000, 10_250, 10_250, 0)
        );
        assert_eq!((t.tax.0, t.total.0), (20_500, 170_500));
        assert_eq!(t.total.0, t.taxable.0 + t.tax.0);
        assert_eq!(invoice.state_tax, StateTax::Sgst);
        assert_eq!(
            invoice.total_in_words,
            "Rupees One Thousand Seven Hundred Five Only"
        );
        assert!(!invoice.reverse_charge);
    }

    #[test]
    fn across_states_an_invoice_charges_igst_only() {
        let mut head = head("29", "27");
        head.line2 = Some("Near the station".into());

        let invoice = assemble(head, vec![line("Clay pot", 500, 2, 1_800, 29, 27)]).unwrap();

        assert_eq!(invoice.supplier.state_name, "Karnataka");
        assert_eq!(invoice.place_of_supply_name, "Maharashtra");
        assert_eq!(
            invoice.recipient.address,
            ["4 MG Road", "Near the station", "Pune 411001"]
        );
        let t = invoice.totals;
        assert_eq!(
            (
                t.taxable.0,
                t.cgst.0,
                t.sgst.0,
                t.igst.0,
                t.tax.0,
                t.total.0
            ),
            (100_000, 0, 0, 18_000, 18_000, 118_000)
        );
        assert_eq!(invoice.lines[0].tax.igst.0, 18_000);
        assert_eq!(
            invoice.total_in_words,
            "Rupees One Thousand One Hundred Eighty Only"
        );
    }

    #[test]
    fn an_invoice_whose_date_is_not_a_date_is_an_internal_error() {
        let mut head = head("27", "27");
        head.issued_on = "someday".into();

        assert!(matches!(
            assemble(head, Vec::new()),
            Err(ApiError::Internal(_))
        ));
    }
}
