//! Indian pricing conventions (issue 14, point 4): tax-inclusive shelf prices charged to the
//! paisa with a round-off line where the rounded taxes cannot add up, the cart charging what
//! checkout charges once the delivery state is known (and saying it estimates before), and a
//! business buyer's GSTIN at checkout, sealed and printed on the invoice as the recipient's.

use crate::fixtures::{
    GSTIN_KA, GSTIN_MH, add_product, customer, json_of, product_body, seller, send, staff,
};
use crate::helpers::{TestApp, problem, spawn_app};
use crate::invoice_pdf::{pdf_text, refund_in_full};
use crate::orders::{answer, fill_cart, order_body, order_of, place};
use contracts::Paise;
use contracts::cart::Cart;
use contracts::catalog::Product;
use contracts::gst::{Rate, Supply, price_line};
use contracts::invoices::InvoiceList;
use contracts::props::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A shop in Maharashtra, a product of it at `price` paise and `rate` (GST included when
/// `inclusive`), and a customer: (admin, customer, product).
async fn shop_with(
    app: &TestApp,
    price: i64,
    rate: u32,
    inclusive: bool,
) -> (String, String, Product) {
    let admin = staff(app, "admin@example.com", Role::Admin).await;
    let (seller, _) = seller(app, &admin, "asha@example.com", GSTIN_MH).await;
    let mut body = product_body("Kurta", "KU-1", price);
    body["gstRate"] = json!(rate);
    body["priceIncludesGst"] = json!(inclusive);
    let product = add_product(app, &seller, body).await;
    let (buyer, _) = customer(app, "buyer@example.com").await;
    (admin, buyer, product)
}

async fn cart_for(app: &TestApp, token: &str, query: &str) -> reqwest::Response {
    send(
        app,
        Method::GET,
        &format!("/cart{query}"),
        Some(token),
        None,
    )
    .await
}

#[tokio::test]
async fn a_tax_inclusive_price_is_charged_invoiced_and_credited_to_the_paisa_with_a_round_off() {
    let app = spawn_app().await;
    // ₹0.09 at 40%, GST included, from Maharashtra to Karnataka: no taxable value makes the
    // IGST add up (6 + 2 = 8, 7 + 3 = 10), so 6 + 2 and a paisa of round-off. (Three units,
    // 27 paise, would need none: 19 + 8.)
    let (admin, buyer, product) = shop_with(&app, 9, 4_000, true).await;
    assert!(product.price_includes_gst);
    let shown: Product = serde_json::from_value(
        json_of(
            send(
                &app,
                Method::GET,
                &format!("/products/{}", product.id),
                None,
                None,
            )
            .await,
            StatusCode::OK,
        )
        .await,
    )
    .unwrap();
    assert!(
        shown.price_includes_gst,
        "the catalog says the price is the shelf price"
    );
    let expected = price_line(Paise(9), true, 1, Rate(4_000), Supply::InterState).unwrap();

    let cart = fill_cart(&app, &buyer, &product.id, 1).await;
    let order = order_of(
        place(&app, &buyer, Some("k"), &order_body(&cart, "29")).await,
        StatusCode::CREATED,
    )
    .await;

    assert_eq!(order.totals.total, Paise(9), "what the shelf said");
    assert_eq!(order.lines[0].tax, expected);
    assert!(order.lines[0].price_includes_gst);
    let tax = order.lines[0].tax;
    assert_eq!(tax.taxable.0 + tax.tax().0 + tax.round_off.0, 9);
    assert_eq!(
        (tax.taxable, tax.igst, tax.round_off),
        (Paise(6), Paise(2), Paise(1))
    );
    assert_eq!(order.totals.round_off, tax.round_off);

    answer(&app, order.payment_url.as_deref().unwrap(), "approve").await;
    let raw: Value = json_of(
        send(
            &app,
            Method::GET,
            &format!("/orders/{}/invoices", order.id),
            Some(&buyer),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(raw["items"][0]["totals"]["roundOff"], tax.round_off.0);
    assert_eq!(raw["items"][0]["lines"][0]["priceIncludesGst"], true);
    let invoices: InvoiceList = serde_json::from_value(raw).unwrap();
    let invoice = &invoices.items[0];
    assert_eq!(invoice.totals.total, Paise(9));
    let text = pdf_text(&app, &format!("/invoices/{}/pdf", invoice.id), &buyer).await;
    assert!(
        text.contains("Round off"),
        "the PDF shows the round-off line: {text}"
    );
    assert!(text.contains("unit price includes GST"), "{text}");

    // Refunded in full: the notes credit the invoice exactly, round-off included, never more.
    let notes = refund_in_full(&app, &order.id, &admin, &buyer).await;
    let credited: i64 = notes.items.iter().map(|note| note.totals.total.0).sum();
    assert_eq!(credited, 9);
    let line = notes.items[0].lines[0].tax;
    assert_eq!(
        (line.taxable, line.igst, line.round_off),
        (tax.taxable, tax.igst, tax.round_off)
    );
}

#[tokio::test]
async fn an_inclusive_price_within_the_state_splits_into_cgst_and_sgst_and_totals_itself() {
    let app = spawn_app().await;
    let (_, buyer, product) = shop_with(&app, 99_900, 1_800, true).await;
    let cart = fill_cart(&app, &buyer, &product.id, 2).await;

    let order = order_of(
        place(&app, &buyer, Some("k"), &order_body(&cart, "27")).await,
        StatusCode::CREATED,
    )
    .await;

    let expected = price_line(Paise(99_900), true, 2, Rate(1_800), Supply::IntraState).unwrap();
    assert_eq!(order.lines[0].tax, expected);
    assert_eq!(order.totals.total, Paise(199_800));
    assert_eq!(expected.cgst, expected.sgst);
    assert_eq!(expected.igst, Paise(0));
}

#[tokio::test]
async fn the_cart_charges_what_checkout_charges_once_the_delivery_state_is_known() {
    let app = spawn_app().await;
    // The one-paisa surprise: ₹1956.74 before tax at 18%, delivered in Maharashtra.
    let (_, buyer, product) = shop_with(&app, 195_674, 1_800, false).await;
    let cart_id = fill_cart(&app, &buyer, &product.id, 1).await;

    let estimate: Cart =
        serde_json::from_value(json_of(cart_for(&app, &buyer, "").await, StatusCode::OK).await)
            .unwrap();
    assert_eq!(estimate.total_price, Paise(230_895));
    assert_eq!(
        estimate.estimate_margin,
        Some(Paise(1)),
        "labelled an estimate, by a paisa"
    );
    assert_eq!(estimate.delivery_state, None);

    let exact: Cart = serde_json::from_value(
        json_of(
            cart_for(&app, &buyer, "?deliveryState=27").await,
            StatusCode::OK,
        )
        .await,
    )
    .unwrap();
    assert_eq!(exact.total_price, Paise(230_896));
    assert_eq!(exact.estimate_margin, None);
    assert_eq!(exact.delivery_state.as_deref(), Some("27"));
    // The guest route and the line routes take it alike.
    let by_id: Cart = serde_json::from_value(
        json_of(
            send(
                &app,
                Method::GET,
                &format!("/carts/{cart_id}?deliveryState=27"),
                Some(&buyer),
                None,
            )
            .await,
            StatusCode::OK,
        )
        .await,
    )
    .unwrap();
    assert_eq!(by_id.total_price, exact.total_price);

    let order = order_of(
        place(&app, &buyer, Some("k"), &order_body(&cart_id, "27")).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        order.totals.total, exact.total_price,
        "checkout charged what the cart said"
    );
    assert_eq!(order.lines[0].tax, exact.lines[0].tax);
}

#[tokio::test]
async fn a_delivery_state_that_is_no_state_is_a_field_error() {
    let app = spawn_app().await;
    let (_, buyer, _) = shop_with(&app, 100, 1_800, false).await;

    let response = cart_for(&app, &buyer, "?deliveryState=99").await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem = problem(response).await;
    assert_eq!(problem.errors[0].field, "deliveryState");
    assert_eq!(problem.errors[0].code, "unknown_state");
}

#[tokio::test]
async fn a_business_buyer_s_gstin_is_sealed_and_printed_as_the_recipient_s() {
    let app = spawn_app().await;
    let (_, buyer, product) = shop_with(&app, 100_000, 1_800, false).await;
    let cart = fill_cart(&app, &buyer, &product.id, 1).await;
    let mut body = order_body(&cart, "29");
    body["buyerGstin"] = json!(GSTIN_KA.to_lowercase());

    let order = order_of(
        place(&app, &buyer, Some("k"), &body).await,
        StatusCode::CREATED,
    )
    .await;

    assert_eq!(
        order.buyer_gstin.as_deref(),
        Some(GSTIN_KA),
        "stored in upper case"
    );
    let stored: String = api::db::sql("SELECT buyer_gstin FROM orders")
        .scalar_one(&mut app.db.conn().await.unwrap())
        .await
        .unwrap();
    assert!(
        stored.starts_with("v1:"),
        "sealed like the address: {stored}"
    );
    answer(&app, order.payment_url.as_deref().unwrap(), "approve").await;
    let invoices: InvoiceList = serde_json::from_value(
        json_of(
            send(
                &app,
                Method::GET,
                &format!("/orders/{}/invoices", order.id),
                Some(&buyer),
                None,
            )
            .await,
            StatusCode::OK,
        )
        .await,
    )
    .unwrap();
    let invoice = &invoices.items[0];
    assert_eq!(invoice.recipient.gstin.as_deref(), Some(GSTIN_KA));
    assert_eq!(invoice.supplier.gstin.as_deref(), Some(GSTIN_MH));
    let text = pdf_text(&app, &format!("/invoices/{}/pdf", invoice.id), &buyer).await;
    assert!(text.contains(&format!("GSTIN: {GSTIN_KA}")), "{text}");
}

#[tokio::test]
async fn a_buyer_gstin_with_a_wrong_check_character_is_a_field_error_and_places_nothing() {
    let app = spawn_app().await;
    let (_, buyer, product) = shop_with(&app, 100_000, 1_800, false).await;
    let cart = fill_cart(&app, &buyer, &product.id, 1).await;
    let mut body = order_body(&cart, "29");
    let wrong = format!("{}5", &GSTIN_KA[..14]);
    body["buyerGstin"] = json!(wrong);

    let response = place(&app, &buyer, Some("k"), &body).await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem = problem(response).await;
    assert_eq!(problem.code, "validation_failed");
    assert_eq!(problem.errors[0].field, "buyerGstin");
    assert_eq!(problem.errors[0].code, "gstin_check_character");
    let orders: i64 = api::db::sql("SELECT COUNT(*) FROM orders")
        .scalar_one(&mut app.db.conn().await.unwrap())
        .await
        .unwrap();
    assert_eq!(orders, 0);
}
