//! The invoice PDF in Unicode (issue 14, point 5): the rupee sign, a recipient named in
//! Devanagari and each tax's rate per line, as `pdftotext` (poppler-utils) reads them back
//! from the embedded, subset fonts. Also [`pdf_text`], which the other PDF tests read with, and [`refund_in_full`].

use crate::fixtures::{
    GSTIN_MH, add_product, customer, json_of, product_body, seller, send, staff,
};
use crate::helpers::{TestApp, spawn_app};
use crate::orders::{answer, fill_cart, order_of, place};
use contracts::credit_notes::CreditNoteList;
use contracts::invoices::InvoiceList;
use contracts::props::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;

/// The text `pdftotext` reads from a PDF's bytes. The content streams are compressed and the
/// glyphs are a subset font's, so the words are not in the bytes themselves.
pub fn text_of(pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    let mut child = Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pdftotext runs (apt-get install poppler-utils)");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "pdftotext reads the PDF");
    String::from_utf8(output.stdout).expect("pdftotext writes UTF-8")
}

/// The PDF at `path` as `token` downloads it, as text.
pub async fn pdf_text(app: &TestApp, path: &str, token: &str) -> String {
    let response = send(app, Method::GET, path, Some(token), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    text_of(&response.bytes().await.unwrap())
}

/// `admin` refunds the whole of `order`; its credit notes as `buyer` reads them.
pub async fn refund_in_full(
    app: &TestApp,
    order: &str,
    admin: &str,
    buyer: &str,
) -> CreditNoteList {
    let refund = app
        .client
        .post(app.url(&format!("/api/v1/orders/{order}/refunds")))
        .bearer_auth(admin)
        .header("Idempotency-Key", "refund-1")
        .json(&json!({ "reason": "returned" }))
        .send()
        .await
        .unwrap();
    assert!(refund.status().is_success(), "{}", refund.status());
    let path = format!("/orders/{order}/credit-notes");
    let notes = send(app, Method::GET, &path, Some(buyer), None).await;
    serde_json::from_value(json_of(notes, StatusCode::OK).await).unwrap()
}

/// The body of an order for one cart, delivered to `name` in the state `state_code`.
fn order_to(cart: &str, name: &str, state_code: &str) -> serde_json::Value {
    json!({
        "cartId": cart,
        "address": {
            "name": name, "phone": "+91 98765 43210", "line1": "4 Lake View",
            "city": "Pune", "stateCode": state_code, "pincode": "411001"
        }
    })
}

/// An app with a Maharashtra seller of a ₹1,000 shirt (18% GST), an administrator, and a
/// paid order of one shirt by a new customer to `name` in `state_code`: the app, the
/// administrator's and the customer's tokens, and the order's id.
async fn paid_order(name: &str, state_code: &str) -> (TestApp, String, String, String) {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (shop, _) = seller(&app, &admin, "asha@example.com", GSTIN_MH).await;
    let shirt = add_product(&app, &shop, product_body("Shirt", "SH-1", 100_000)).await;
    let (buyer, _) = customer(&app, "buyer@example.com").await;
    let cart = fill_cart(&app, &buyer, &shirt.id, 1).await;
    let body = order_to(&cart, name, state_code);
    let order = order_of(
        place(&app, &buyer, Some("k"), &body).await,
        StatusCode::CREATED,
    )
    .await;
    answer(&app, order.payment_url.as_deref().unwrap(), "approve").await;
    (app, admin, buyer, order.id)
}

async fn first_invoice(app: &TestApp, token: &str, order: &str) -> String {
    let path = format!("/orders/{order}/invoices");
    let response = send(app, Method::GET, &path, Some(token), None).await;
    let invoices: InvoiceList =
        serde_json::from_value(json_of(response, StatusCode::OK).await).unwrap();
    invoices.items[0].id.clone()
}

#[tokio::test]
async fn the_invoice_and_credit_note_print_the_rupee_sign_a_devanagari_name_and_rates_per_line() {
    let (app, admin, buyer, order) = paid_order("आशा राव", "27").await;
    let invoice = first_invoice(&app, &buyer, &order).await;
    let text = pdf_text(&app, &format!("/invoices/{invoice}/pdf"), &buyer).await;
    for needle in [
        "आशा राव",
        "₹1,180.00",
        "₹90.00",
        "CGST 9% · SGST 9%",
        "Tax Invoice",
    ] {
        assert!(text.contains(needle), "the invoice shows {needle}: {text}");
    }
    assert!(!text.contains("Rs.") && !text.contains('?'), "{text}");

    let notes = refund_in_full(&app, &order, &admin, &buyer).await;
    let path = format!("/credit-notes/{}/pdf", notes.items[0].id);
    let text = pdf_text(&app, &path, &buyer).await;
    for needle in ["आशा राव", "₹1,180.00", "CGST 9% · SGST 9%"] {
        assert!(
            text.contains(needle),
            "the credit note shows {needle}: {text}"
        );
    }
}

#[tokio::test]
async fn an_inter_state_invoice_prints_the_igst_rate_per_line() {
    let (app, _, buyer, order) = paid_order("Meera Buyer", "29").await;
    let invoice = first_invoice(&app, &buyer, &order).await;
    let text = pdf_text(&app, &format!("/invoices/{invoice}/pdf"), &buyer).await;
    assert!(
        text.contains("IGST 18%") && text.contains("₹180.00"),
        "{text}"
    );
    assert!(!text.contains("CGST 9%"), "{text}");
}

/// The render time and size of a typical invoice's PDF through the route, for the record
/// (`--ignored --nocapture`): a debug build times more than a release one.
#[tokio::test]
#[ignore = "a measurement, not a check"]
async fn invoice_pdf_render_time_and_size() {
    let (app, _, buyer, order) = paid_order("आशा राव", "27").await;
    let invoice = first_invoice(&app, &buyer, &order).await;
    let path = format!("/invoices/{invoice}/pdf");
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..20 {
        let started = Instant::now();
        let response = send(&app, Method::GET, &path, Some(&buyer), None).await;
        size = response.bytes().await.unwrap().len();
        times.push(started.elapsed());
    }
    times.sort();
    println!(
        "invoice PDF: {size} bytes, median {:?}, max {:?}",
        times[10], times[19]
    );
}
