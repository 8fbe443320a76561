//! UTGST (issue 14, point 4): a supply within a union territory without a legislature charges
//! CGST + UTGST, and its invoice and credit note say so, in JSON (`stateTax`) and in the PDF.

use crate::fixtures::{add_product, customer, json_of, product_body, seller, send, staff};
use crate::helpers::spawn_app;
use crate::invoice_pdf::{pdf_text, refund_in_full};
use crate::orders::{answer, fill_cart, order_body, order_of, place};
use contracts::gst::StateTax;
use contracts::gstin::Gstin;
use contracts::invoices::InvoiceList;
use contracts::props::Role;
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// A valid GSTIN registered in Chandigarh (04): a PAN of a firm and the check character that
/// fits.
fn gstin_chandigarh() -> String {
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        .chars()
        .map(|check| format!("04AAPFU0939F1Z{check}"))
        .find(|gstin| Gstin::parse(gstin).is_ok())
        .expect("one check character fits")
}

#[tokio::test]
async fn an_order_within_chandigarh_is_invoiced_and_credited_with_cgst_and_utgst() {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (seller, _) = seller(&app, &admin, "asha@example.com", &gstin_chandigarh()).await;
    let shirt = add_product(&app, &seller, product_body("Shirt", "SH-1", 100_000)).await;
    let (buyer, _) = customer(&app, "buyer@example.com").await;
    let cart = fill_cart(&app, &buyer, &shirt.id, 1).await;
    let order = order_of(
        place(&app, &buyer, Some("k"), &order_body(&cart, "04")).await,
        StatusCode::CREATED,
    )
    .await;
    answer(&app, order.payment_url.as_deref().unwrap(), "approve").await;

    let path = format!("/orders/{}/invoices", order.id);
    let raw: Value = json_of(
        send(&app, Method::GET, &path, Some(&buyer), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(raw["items"][0]["stateTax"], "utgst");
    let invoices: InvoiceList = serde_json::from_value(raw).unwrap();
    let invoice = &invoices.items[0];
    assert_eq!(invoice.state_tax, StateTax::Utgst);
    assert_eq!(invoice.place_of_supply_code, "04");
    let tax = invoice.lines[0].tax;
    assert_eq!((tax.cgst.0, tax.sgst.0, tax.igst.0), (9_000, 9_000, 0));
    let text = pdf_text(&app, &format!("/invoices/{}/pdf", invoice.id), &buyer).await;
    assert!(text.contains("UTGST"), "the invoice PDF names UTGST");
    assert!(!text.contains("SGST"), "and never SGST");

    let notes = refund_in_full(&app, &order.id, &admin, &buyer).await;
    let note = &notes.items[0];
    assert_eq!(note.state_tax, StateTax::Utgst);
    let text = pdf_text(&app, &format!("/credit-notes/{}/pdf", note.id), &buyer).await;
    assert!(
        text.contains("UTGST") && !text.contains("SGST"),
        "the credit note too"
    );
}
