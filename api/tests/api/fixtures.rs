//! People and things the commerce tests start from: customers, staff with a second factor,
//! sellers with an approved shop, products; and a request helper that sends a bearer token.

use crate::helpers::{TEST_JWT_SECRET, TestApp};
use api::auth::token::{Claims, JwtKeys};
use contracts::auth::{LoginOutcome, SessionGrant};
use contracts::catalog::Product;
use contracts::props::Role;
use contracts::shops::Shop;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

pub const PASSWORD: &str = "correct horse battery";
/// Real GSTINs (valid check characters) of Maharashtra and Karnataka.
pub const GSTIN_MH: &str = "27AAPFU0939F1ZV";
pub const GSTIN_KA: &str = "29AAGCB7383J1Z4";

/// Sends `method path` (under `/api/v1`) with an optional bearer token and JSON body.
pub async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = app
        .client
        .request(method, app.url(&format!("/api/v1{path}")));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("sending a request")
}

/// The JSON body of a response that must have `status`.
pub async fn json_of(response: reqwest::Response, status: StatusCode) -> Value {
    let got = response.status();
    let body = response.text().await.unwrap();
    assert_eq!(got, status, "body: {body}");
    serde_json::from_str(&body).unwrap()
}

/// A new customer: its access token and id.
pub async fn customer(app: &TestApp, email: &str) -> (String, String) {
    let response = app.register(email, PASSWORD, "Test Customer").await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let grant: SessionGrant = response.json().await.unwrap();
    (grant.access_token, grant.user.id)
}

/// An access token of a new account with `role` whose session passed a second factor just now
/// (as after TOTP), signed with the test key: administrators' routes need one, refunds a
/// recent one.
pub async fn staff(app: &TestApp, email: &str, role: Role) -> String {
    let (_, id) = customer(app, email).await;
    set_role(app, &id, role).await;
    let mut claims = Claims::new(&id, role, app.clock.now());
    claims.mfa = true;
    claims.mfa_at = Some(app.clock.now());
    JwtKeys::new(TEST_JWT_SECRET.as_bytes())
        .sign(&claims)
        .unwrap()
}

/// Gives the account `id` the role `role` in the database, as administrators' tooling would.
pub async fn set_role(app: &TestApp, id: &str, role: Role) {
    let id = api::db::Id::parse(id).expect("an account id");
    api::db::sql("UPDATE users SET role = $1 WHERE id = $2")
        .bind(api::auth::roles::as_str(role))
        .bind(id)
        .execute(&mut app.db.conn().await.unwrap())
        .await
        .unwrap();
}

/// The `n`th (1 to 9) distinct valid Maharashtra GSTIN of one PAN: [`GSTIN_MH`] with its
/// entity number `n` and the check character that makes it valid. GSTINs are unique per shop.
pub fn gstin_mh(n: u8) -> String {
    let head = format!("27AAPFU0939F{n}Z");
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        .chars()
        .map(|check| format!("{head}{check}"))
        .find(|gstin| contracts::gstin::Gstin::parse(gstin).is_ok())
        .expect("one check character fits")
}

/// A shop application body with the given GSTIN (its state is the address's).
pub fn application(legal_name: &str, gstin: &str) -> Value {
    json!({
        "legalName": legal_name,
        "displayName": legal_name,
        "gstin": gstin,
        "address": {
            "line1": "12 Mill Road",
            "city": "Somewhere",
            "stateCode": &gstin[..2],
            "pincode": "400001"
        }
    })
}

/// A customer applies with `gstin`; the shop as answered.
pub async fn apply(app: &TestApp, token: &str, legal_name: &str, gstin: &str) -> Shop {
    let response = send(
        app,
        Method::POST,
        "/shops",
        Some(token),
        Some(application(legal_name, gstin)),
    )
    .await;
    serde_json::from_value(json_of(response, StatusCode::CREATED).await).unwrap()
}

/// An approved seller: a customer `email` applies with `gstin`, `admin` approves, and the
/// seller signs in again (the new token says SELLER). Its access token and shop.
pub async fn seller(app: &TestApp, admin: &str, email: &str, gstin: &str) -> (String, Shop) {
    let (token, _) = customer(app, email).await;
    let shop = apply(app, &token, &format!("Shop of {email}"), gstin).await;
    let response = send(
        app,
        Method::POST,
        &format!("/admin/shops/{}/decision", shop.id),
        Some(admin),
        Some(json!({ "approve": true })),
    )
    .await;
    let shop: Shop = serde_json::from_value(json_of(response, StatusCode::OK).await).unwrap();
    let outcome: LoginOutcome = app.login(email, PASSWORD).await.json().await.unwrap();
    let LoginOutcome::Session(grant) = outcome else {
        panic!("a seller without MFA signs in directly")
    };
    assert_eq!(grant.user.role, Role::Seller);
    (grant.access_token, shop)
}

/// A product body: `price` in paise, 18% GST, category `apparel`, 10 in stock.
pub fn product_body(name: &str, sku: &str, price: i64) -> Value {
    json!({
        "name": name,
        "description": format!("{name}, made to last"),
        "sku": sku,
        "hsn": "6205",
        "price": price,
        "gstRate": 1800,
        "stock": 10,
        "category": "apparel"
    })
}

/// The seller adds `body`; the product as answered.
pub async fn add_product(app: &TestApp, seller: &str, body: Value) -> Product {
    let response = send(
        app,
        Method::POST,
        "/seller/products",
        Some(seller),
        Some(body),
    )
    .await;
    serde_json::from_value(json_of(response, StatusCode::CREATED).await).unwrap()
}
