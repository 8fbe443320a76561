//! Carts: guests' carts by id, the customer's own, stock and availability checks, the GST
//! breakup on every answer, and the merge of a guest cart at sign-in.

use crate::fixtures::{
    GSTIN_MH, add_product, customer, json_of, product_body, seller, send, staff,
};
use crate::helpers::{TestApp, problem, spawn_app};
use contracts::cart::Cart;
use contracts::catalog::Product;
use contracts::props::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// An app with one seller and two products: a ₹1000 shirt at 18% (10 in stock) and a ₹2000
/// pair of shoes at 5% (2 in stock).
async fn shop() -> (TestApp, String, Product, Product) {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (seller, _) = seller(&app, &admin, "asha@example.com", GSTIN_MH).await;
    let shirt = add_product(&app, &seller, product_body("Shirt", "SH-1", 100_000)).await;
    let mut shoes = product_body("Shoes", "SO-1", 200_000);
    shoes["gstRate"] = json!(500);
    shoes["stock"] = json!(2);
    let shoes = add_product(&app, &seller, shoes).await;
    (app, seller, shirt, shoes)
}

async fn new_cart(app: &TestApp, token: Option<&str>) -> Cart {
    let response = send(app, Method::POST, "/carts", token, None).await;
    serde_json::from_value(json_of(response, StatusCode::CREATED).await).unwrap()
}

async fn add(
    app: &TestApp,
    cart: &str,
    token: Option<&str>,
    product: &str,
    quantity: u32,
) -> reqwest::Response {
    send(
        app,
        Method::POST,
        &format!("/carts/{cart}/items"),
        token,
        Some(json!({ "productId": product, "quantity": quantity })),
    )
    .await
}

async fn cart_of(response: reqwest::Response, status: StatusCode) -> Cart {
    serde_json::from_value(json_of(response, status).await).unwrap()
}

#[tokio::test]
async fn a_guest_fills_a_cart_and_every_answer_carries_the_gst_breakup() {
    let (app, _, shirt, shoes) = shop().await;
    let cart = new_cart(&app, None).await;
    assert_eq!((cart.item_count, cart.total_price.0), (0, 0));

    let after_shirts = cart_of(
        add(&app, &cart.cart_id, None, &shirt.id, 2).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(after_shirts.item_count, 2);
    assert_eq!(after_shirts.totals.taxable.0, 200_000);
    assert_eq!(after_shirts.totals.tax.0, 36_000);
    assert_eq!(after_shirts.total_price.0, 236_000);

    let both = cart_of(
        add(&app, &cart.cart_id, None, &shoes.id, 1).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(both.item_count, 3);
    assert_eq!(both.lines.len(), 2);
    assert_eq!(
        both.lines[0].name, "Shirt",
        "lines keep the order they were added in"
    );
    let breakup: Vec<(u32, i64, i64)> = both
        .gst_breakup
        .iter()
        .map(|b| (b.percentage.0, b.base_amount.0, b.gst_amount.0))
        .collect();
    assert_eq!(breakup, [(500, 200_000, 10_000), (1800, 200_000, 36_000)]);
    assert_eq!(both.total_price.0, 446_000);

    let fetched = cart_of(
        send(
            &app,
            Method::GET,
            &format!("/carts/{}", cart.cart_id),
            None,
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(fetched, both);
}

#[tokio::test]
async fn quantities_change_lines_disappear_and_adding_again_adds_up() {
    let (app, _, shirt, _) = shop().await;
    let cart = new_cart(&app, None).await;
    add(&app, &cart.cart_id, None, &shirt.id, 1).await;
    let twice = cart_of(
        add(&app, &cart.cart_id, None, &shirt.id, 2).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(twice.lines[0].quantity, 3);

    let line = format!("/carts/{}/items/{}", cart.cart_id, shirt.id);
    let set = cart_of(
        send(
            &app,
            Method::PUT,
            &line,
            None,
            Some(json!({ "quantity": 5 })),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!((set.item_count, set.total_price.0), (5, 590_000));

    let zero = cart_of(
        send(
            &app,
            Method::PUT,
            &line,
            None,
            Some(json!({ "quantity": 0 })),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(zero.lines.is_empty());

    add(&app, &cart.cart_id, None, &shirt.id, 1).await;
    let removed = cart_of(
        send(&app, Method::DELETE, &line, None, None).await,
        StatusCode::OK,
    )
    .await;
    assert!(removed.lines.is_empty());
    let again = cart_of(
        send(&app, Method::DELETE, &line, None, None).await,
        StatusCode::OK,
    )
    .await;
    assert!(again.lines.is_empty(), "removing twice is harmless");
}

#[tokio::test]
async fn stock_and_availability_are_checked_and_refusals_change_nothing() {
    let (app, seller, shirt, shoes) = shop().await;
    let cart = new_cart(&app, None).await;
    add(&app, &cart.cart_id, None, &shoes.id, 2).await;

    let beyond = add(&app, &cart.cart_id, None, &shoes.id, 1).await;
    assert_eq!(beyond.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let beyond = problem(beyond).await;
    assert_eq!(
        (
            beyond.errors[0].field.as_str(),
            beyond.errors[0].code.as_str()
        ),
        ("quantity", "insufficient_stock")
    );
    assert!(beyond.errors[0].message.contains("only 2 left"));

    for (product, quantity, field, code) in [
        (shirt.id.as_str(), 0, "quantity", "out_of_range"),
        (shirt.id.as_str(), 101, "quantity", "out_of_range"),
        (
            "00000000-0000-4000-8000-000000000000",
            1,
            "productId",
            "unknown_product",
        ),
        ("not-an-id", 1, "productId", "unknown_product"),
    ] {
        let response = add(&app, &cart.cart_id, None, product, quantity).await;
        let problem = problem(response).await;
        assert_eq!(
            (
                problem.errors[0].field.as_str(),
                problem.errors[0].code.as_str()
            ),
            (field, code),
            "{product} × {quantity}"
        );
    }

    // A product withdrawn after it was added stays in the cart, marked unavailable.
    send(
        &app,
        Method::PATCH,
        &format!("/seller/products/{}", shoes.id),
        Some(&seller),
        Some(json!({ "active": false })),
    )
    .await;
    let cart = cart_of(
        send(
            &app,
            Method::GET,
            &format!("/carts/{}", cart.cart_id),
            None,
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(cart.lines.len(), 1);
    assert!(!cart.lines[0].available);
    assert_eq!(cart.lines[0].quantity, 2);
    let wrong_seller = send(
        &app,
        Method::POST,
        &format!("/carts/{}/items", cart.cart_id),
        None,
        Some(json!({ "productId": shirt.id, "quantity": 1, "sellerId": "someone-else" })),
    )
    .await;
    assert_eq!(problem(wrong_seller).await.errors[0].field, "sellerId");
}

#[tokio::test]
async fn a_customers_cart_is_theirs_alone() {
    let (app, _, shirt, _) = shop().await;
    let (asha, _) = customer(&app, "asha.buyer@example.com").await;
    let (ravi, _) = customer(&app, "ravi.buyer@example.com").await;

    let own = cart_of(
        send(&app, Method::GET, "/cart", Some(&asha), None).await,
        StatusCode::OK,
    )
    .await;
    let same = cart_of(
        send(&app, Method::GET, "/cart", Some(&asha), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(own.cart_id, same.cart_id, "one cart per customer");
    add(&app, &own.cart_id, Some(&asha), &shirt.id, 1).await;

    let path = format!("/carts/{}", own.cart_id);
    for token in [None, Some(ravi.as_str())] {
        let response = send(&app, Method::GET, &path, token, None).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let response = add(&app, &own.cart_id, token, &shirt.id, 1).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
    let bad_token = send(&app, Method::GET, &path, Some("not.a.token"), None).await;
    assert_eq!(bad_token.status(), StatusCode::UNAUTHORIZED);
    let mine = cart_of(
        send(&app, Method::GET, &path, Some(&asha), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine.item_count, 1);
    for id in ["not-a-uuid", "00000000-0000-4000-8000-000000000000"] {
        let response = send(&app, Method::GET, &format!("/carts/{id}"), None, None).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{id}");
    }
}

#[tokio::test]
async fn a_guest_cart_merges_into_the_customers_once() {
    let (app, _, shirt, shoes) = shop().await;
    let (asha, _) = customer(&app, "asha.buyer@example.com").await;
    let own = cart_of(
        send(&app, Method::GET, "/cart", Some(&asha), None).await,
        StatusCode::OK,
    )
    .await;
    add(&app, &own.cart_id, Some(&asha), &shirt.id, 1).await;
    let guest = new_cart(&app, None).await;
    add(&app, &guest.cart_id, None, &shirt.id, 2).await;
    add(&app, &guest.cart_id, None, &shoes.id, 1).await;

    let merge = || {
        send(
            &app,
            Method::POST,
            "/cart/merge",
            Some(&asha),
            Some(json!({ "guestCartId": guest.cart_id })),
        )
    };
    let merged = cart_of(merge().await, StatusCode::OK).await;
    assert_eq!(merged.cart_id, own.cart_id);
    let quantities: Vec<(&str, u32)> = merged
        .lines
        .iter()
        .map(|l| (l.name.as_str(), l.quantity))
        .collect();
    assert_eq!(quantities, [("Shirt", 3), ("Shoes", 1)]);

    let again = cart_of(merge().await, StatusCode::OK).await;
    assert_eq!(again, merged, "a retried merge adds nothing");
    let gone = send(
        &app,
        Method::GET,
        &format!("/carts/{}", guest.cart_id),
        None,
        None,
    )
    .await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.count("SELECT count(*) FROM carts").await, 1);
}
