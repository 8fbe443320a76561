//! Concurrent writes to one cart (a double click, two tabs, a retried request): every change
//! the API acknowledged is applied, in some order one at a time, on both backends, for guest
//! and customer carts: additions, quantities set outright, and the merge at sign-in.

use crate::fixtures::{GSTIN_MH, add_product, customer, product_body, seller, send, staff};
use crate::helpers::{TestApp, spawn_app};
use contracts::cart::Cart;
use contracts::catalog::Product;
use contracts::props::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// An app with socks (1,000 in stock) and a customer: its token and its cart's id.
async fn socks_and_customer() -> (TestApp, Product, String, String) {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (seller, _) = seller(&app, &admin, "asha@example.com", GSTIN_MH).await;
    let mut body = product_body("Socks", "SK-1", 20_000);
    body["stock"] = json!(1_000);
    let socks = add_product(&app, &seller, body).await;
    let (token, _) = customer(&app, "meera@example.com").await;
    let cart = read_cart(&app, "/cart", Some(&token)).await;
    (app, socks, token, cart.cart_id)
}

async fn read_cart(app: &TestApp, path: &str, token: Option<&str>) -> Cart {
    let response = send(app, Method::GET, path, token, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn guest_cart(app: &TestApp) -> String {
    let response = send(app, Method::POST, "/carts", None, None).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json::<Cart>().await.unwrap().cart_id
}

/// A new guest cart holding 3 of `product`.
async fn guest_cart_of_three(app: &TestApp, product: &Product) -> String {
    let guest = guest_cart(app).await;
    let three = setting(app, &guest, None, &product.id, 3)
        .send()
        .await
        .unwrap();
    assert_eq!(three.status(), StatusCode::OK);
    guest
}

/// The quantity of the cart's one line (0 when it has none).
async fn quantity(app: &TestApp, cart: &str, token: Option<&str>) -> u32 {
    let shown = read_cart(app, &format!("/carts/{cart}"), token).await;
    assert!(shown.lines.len() <= 1, "{shown:?}");
    shown.lines.first().map_or(0, |line| line.quantity)
}

/// Sends every request at once; their statuses, in the order given.
async fn all_at_once(requests: Vec<reqwest::RequestBuilder>) -> Vec<StatusCode> {
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|request| tokio::spawn(async move { request.send().await.unwrap().status() }))
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses
}

fn with_token(request: reqwest::RequestBuilder, token: Option<&str>) -> reqwest::RequestBuilder {
    match token {
        Some(token) => request.bearer_auth(token),
        None => request,
    }
}

fn addition(
    app: &TestApp,
    cart: &str,
    token: Option<&str>,
    product: &str,
) -> reqwest::RequestBuilder {
    let request = app
        .client
        .post(app.url(&format!("/api/v1/carts/{cart}/items")))
        .json(&json!({ "productId": product, "quantity": 1 }));
    with_token(request, token)
}

fn setting(
    app: &TestApp,
    cart: &str,
    token: Option<&str>,
    product: &str,
    quantity: u32,
) -> reqwest::RequestBuilder {
    let request = app
        .client
        .put(app.url(&format!("/api/v1/carts/{cart}/items/{product}")))
        .json(&json!({ "quantity": quantity }));
    with_token(request, token)
}

/// The quantities cart `cart`'s audit rows after `mark` recorded, in the log's order (which is
/// the order the writes committed in: each holds the cart until its commit).
async fn audited_quantities(app: &TestApp, mark: i64, cart: &str) -> Vec<i64> {
    app.audited(mark, "carts:set_item")
        .await
        .into_iter()
        .filter(|row| row.resource_id.as_deref() == Some(cart))
        .map(|row| {
            let changes: serde_json::Value = serde_json::from_str(&row.changes).unwrap();
            changes["quantity"]["after"].as_i64().unwrap()
        })
        .collect()
}

/// Issue 15, point 6: forty concurrent "add 1 unit" requests to one cart are all counted (a
/// read-then-write without the cart's lock made 1 unit on SQLite and 4 to 11 on PostgreSQL).
#[tokio::test]
async fn forty_concurrent_additions_of_one_unit_make_forty_units() {
    let (app, socks, token, customer_cart) = socks_and_customer().await;
    let guest = guest_cart(&app).await;
    for (cart, token) in [(guest, None), (customer_cart, Some(token.as_str()))] {
        let requests = (0..40)
            .map(|_| addition(&app, &cart, token, &socks.id))
            .collect();
        for status in all_at_once(requests).await {
            assert_eq!(status, StatusCode::CREATED);
        }
        assert_eq!(quantity(&app, &cart, token).await, 40);
    }
}

/// Additions and quantities set outright, at once: the line ends as some one-at-a-time order
/// of them leaves it. The audit log records that order (an addition's row says the line's new
/// quantity): each addition is one more than the row before, each setting is 5, and the cart
/// holds the last. A setting written between an addition's read and its write would make the
/// addition's row a step back, and the line less than 5.
#[tokio::test]
async fn additions_and_settings_at_once_apply_one_at_a_time() {
    let (app, socks, token, customer_cart) = socks_and_customer().await;
    let guest = guest_cart(&app).await;
    for (cart, token) in [(guest, None), (customer_cart, Some(token.as_str()))] {
        let first = setting(&app, &cart, token, &socks.id, 50)
            .send()
            .await
            .unwrap();
        assert_eq!(first.status(), StatusCode::OK);
        let mark = app.audit_mark().await;
        let requests = (0..30)
            .map(|n| match n % 3 {
                0 => setting(&app, &cart, token, &socks.id, 5),
                _ => addition(&app, &cart, token, &socks.id),
            })
            .collect();
        let statuses = all_at_once(requests).await;
        assert!(
            statuses
                .iter()
                .all(|s| *s == StatusCode::OK || *s == StatusCode::CREATED),
            "{statuses:?}"
        );

        let quantities = audited_quantities(&app, mark, &cart).await;
        assert_eq!(
            quantities.len(),
            30,
            "every acknowledged change is one audit row"
        );
        let mut before = 50;
        for &after in &quantities {
            assert!(
                after == 5 || after == before + 1,
                "{before} then {after}: {quantities:?}"
            );
            before = after;
        }
        assert_eq!(
            quantities.iter().filter(|&&q| q == 5).count(),
            10,
            "{quantities:?}"
        );
        assert_eq!(i64::from(quantity(&app, &cart, token).await), before);
    }
}

/// A merge at sign-in while the customer's other tab adds to the customer's cart: the guest's
/// units and every addition are all counted.
#[tokio::test]
async fn a_merge_and_additions_at_once_lose_no_unit() {
    let (app, socks, token, own) = socks_and_customer().await;
    let guest = guest_cart_of_three(&app, &socks).await;

    let mut requests: Vec<_> = (0..20)
        .map(|_| addition(&app, &own, Some(&token), &socks.id))
        .collect();
    let merge = app
        .client
        .post(app.url("/api/v1/cart/merge"))
        .bearer_auth(&token)
        .json(&json!({ "guestCartId": guest }));
    requests.insert(10, merge);
    let statuses = all_at_once(requests).await;
    assert_eq!(statuses[10], StatusCode::OK);
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::CREATED),
        "{statuses:?}"
    );
    assert_eq!(quantity(&app, &own, Some(&token)).await, 23);
}

/// The same guest cart merged by ten requests at once (a sign-in retried, two tabs signing in):
/// its units count once.
#[tokio::test]
async fn ten_merges_of_one_guest_cart_at_once_count_its_units_once() {
    let (app, socks, token, own) = socks_and_customer().await;
    let guest = guest_cart_of_three(&app, &socks).await;

    let merges = (0..10)
        .map(|_| {
            app.client
                .post(app.url("/api/v1/cart/merge"))
                .bearer_auth(&token)
                .json(&json!({ "guestCartId": guest }))
        })
        .collect();
    for status in all_at_once(merges).await {
        assert_eq!(status, StatusCode::OK);
    }
    assert_eq!(quantity(&app, &own, Some(&token)).await, 3);
    assert_eq!(
        app.count("SELECT count(*) FROM carts WHERE owner_id IS NULL")
            .await,
        0
    );
}
