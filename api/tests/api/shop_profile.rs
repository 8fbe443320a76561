//! The seller's shop profile (issue 10): the fields that change no tax are edited at once and
//! audited; bad input is a field error and writes nothing; a new GSTIN sends the shop back to
//! review, off sale until an administrator approves it again.

use crate::fixtures::{
    GSTIN_KA, GSTIN_MH, add_product, customer, gstin_mh, json_of, product_body, seller, send, staff,
};
use crate::helpers::{TestApp, problem, spawn_app};
use contracts::props::Role;
use contracts::seller_dashboard::ShopProfile;
use contracts::shops::ShopStatus;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

struct World {
    app: TestApp,
    admin: String,
    asha: String,
}

async fn world() -> World {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (asha, _) = seller(&app, &admin, "asha@example.com", GSTIN_MH).await;
    World { app, admin, asha }
}

async fn patch(w: &World, body: Value) -> reqwest::Response {
    send(
        &w.app,
        Method::PATCH,
        "/seller/shop",
        Some(&w.asha),
        Some(body),
    )
    .await
}

async fn profile(w: &World) -> ShopProfile {
    let response = send(&w.app, Method::GET, "/seller/shop", Some(&w.asha), None).await;
    serde_json::from_value(json_of(response, StatusCode::OK).await).unwrap()
}

fn fields(problem: &contracts::Problem) -> Vec<(&str, &str)> {
    problem
        .errors
        .iter()
        .map(|error| (error.field.as_str(), error.code.as_str()))
        .collect()
}

#[tokio::test]
async fn the_display_name_description_and_address_change_at_once_and_are_audited() {
    let w = world().await;
    let mark = w.app.audit_mark().await;
    let response = patch(
        &w,
        json!({
            "displayName": "  Asha Weaves ",
            "description": "Handloom cotton, woven by hand.",
            "address": {"line1": "14 Mill Road", "city": "Solapur", "stateCode": "27", "pincode": "413001"}
        }),
    )
    .await;
    let changed: ShopProfile =
        serde_json::from_value(json_of(response, StatusCode::OK).await).unwrap();
    assert_eq!(changed.shop.display_name, "Asha Weaves");
    assert_eq!(
        changed.description.as_deref(),
        Some("Handloom cotton, woven by hand.")
    );
    assert_eq!(changed.shop.address.city, "Solapur");
    assert_eq!(changed.shop.status, ShopStatus::Approved);
    assert_eq!(profile(&w).await, changed);
    // /shops/mine agrees.
    let mine = send(&w.app, Method::GET, "/shops/mine", Some(&w.asha), None).await;
    assert_eq!(
        json_of(mine, StatusCode::OK).await["displayName"],
        "Asha Weaves"
    );

    let rows = w.app.audited(mark, "shops:update").await;
    assert_eq!(rows.len(), 1);
    let changes: Value = serde_json::from_str(&rows[0].changes).unwrap();
    assert_eq!(changes["displayName"]["after"], "Asha Weaves");
    assert_eq!(changes["address"]["after"], "[MASKED]");
    // No address in clear in the audit log.
    assert!(!rows[0].changes.contains("Solapur"));

    // An empty description removes it.
    let response = patch(&w, json!({ "description": "" })).await;
    let cleared: ShopProfile =
        serde_json::from_value(json_of(response, StatusCode::OK).await).unwrap();
    assert_eq!(cleared.description, None);
}

#[tokio::test]
async fn bad_fields_are_named_at_once_and_nothing_is_written() {
    let w = world().await;
    let before = profile(&w).await;
    let mark = w.app.audit_mark().await;
    let response = patch(
        &w,
        json!({
            "displayName": "  ",
            "description": "x".repeat(2001),
            "address": {"line1": "", "city": "Pune", "stateCode": "99", "pincode": "012345"},
            "gstin": "27AAPFU0939F1ZW"
        }),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem = problem(response).await;
    assert_eq!(
        fields(&problem),
        [
            ("displayName", "required"),
            ("description", "too_long"),
            ("gstin", "gstin_check_character"),
            ("address.line1", "required"),
            ("address.stateCode", "unknown_state"),
            ("address.pincode", "pincode_format"),
        ]
    );
    // The address moved to another state without a GSTIN of that state.
    let response = patch(
        &w,
        json!({"address": {"line1": "1 MG Road", "city": "Bengaluru", "stateCode": "29", "pincode": "560001"}}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&problem_of(response).await),
        [("address.stateCode", "state_mismatch")]
    );
    // A GSTIN of another state, the address left in this one.
    let response = patch(&w, json!({ "gstin": GSTIN_KA })).await;
    assert_eq!(
        fields(&problem_of(response).await),
        [("gstin", "state_mismatch")]
    );
    // Unknown fields are not silently dropped.
    let response = patch(&w, json!({ "legalName": "Other LLP" })).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    assert_eq!(profile(&w).await, before);
    assert!(
        w.app
            .audit_after(mark)
            .await
            .iter()
            .all(|row| row.action != "shops:update")
    );
}

async fn on_sale(app: &TestApp, product: &str) -> StatusCode {
    send(
        app,
        Method::GET,
        &format!("/products/{product}"),
        None,
        None,
    )
    .await
    .status()
}

async fn problem_of(response: reqwest::Response) -> contracts::Problem {
    problem(response).await
}

#[tokio::test]
async fn a_new_gstin_sends_the_shop_back_to_review_until_it_is_approved() {
    let w = world().await;
    let shirt = add_product(&w.app, &w.asha, product_body("Shirt", "SH-1", 100_000)).await;
    assert_eq!(on_sale(&w.app, &shirt.id).await, StatusCode::OK);

    let mark = w.app.audit_mark().await;
    let new_gstin = gstin_mh(3);
    let response = patch(&w, json!({ "gstin": new_gstin.to_lowercase() })).await;
    let changed: ShopProfile =
        serde_json::from_value(json_of(response, StatusCode::OK).await).unwrap();
    assert_eq!(changed.shop.status, ShopStatus::Pending);
    assert_eq!(changed.shop.gstin, new_gstin);
    let rows = w.app.audited(mark, "shops:update").await;
    let changes: Value = serde_json::from_str(&rows[0].changes).unwrap();
    assert_eq!(changes["gstin"]["after"], "[MASKED]");
    assert_eq!(changes["status"]["before"], "APPROVED");
    assert_eq!(changes["status"]["after"], "PENDING");
    assert!(!rows[0].changes.contains(&new_gstin));

    // In review: off sale, no product management, but the dashboard still answers.
    assert_eq!(on_sale(&w.app, &shirt.id).await, StatusCode::NOT_FOUND);
    let response = send(
        &w.app,
        Method::POST,
        "/seller/products",
        Some(&w.asha),
        Some(product_body("Cap", "CP-1", 10_000)),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let response = send(
        &w.app,
        Method::GET,
        "/seller/dashboard",
        Some(&w.asha),
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    // The review queue has it.
    let queue = send(
        &w.app,
        Method::GET,
        "/admin/shops?status=PENDING",
        Some(&w.admin),
        None,
    )
    .await;
    let queue = json_of(queue, StatusCode::OK).await;
    assert_eq!(queue["items"].as_array().unwrap().len(), 1);

    // Approved again: on sale under the new GSTIN.
    let decision = send(
        &w.app,
        Method::POST,
        &format!("/admin/shops/{}/decision", changed.shop.id),
        Some(&w.admin),
        Some(json!({ "approve": true })),
    )
    .await;
    assert_eq!(decision.status(), StatusCode::OK);
    assert_eq!(on_sale(&w.app, &shirt.id).await, StatusCode::OK);
    let after = profile(&w).await;
    assert_eq!(
        (after.shop.status, after.shop.gstin.as_str()),
        (ShopStatus::Approved, new_gstin.as_str())
    );
}

#[tokio::test]
async fn the_same_gstin_is_no_change_and_another_shops_is_taken() {
    let w = world().await;
    let (_, _) = seller(&w.app, &w.admin, "other@example.com", &gstin_mh(4)).await;
    let mark = w.app.audit_mark().await;
    let response = patch(&w, json!({ "gstin": GSTIN_MH })).await;
    let same: ShopProfile =
        serde_json::from_value(json_of(response, StatusCode::OK).await).unwrap();
    assert_eq!(same.shop.status, ShopStatus::Approved);
    assert!(w.app.audited(mark, "shops:update").await.is_empty());

    let response = patch(&w, json!({ "gstin": gstin_mh(4) })).await;
    assert_eq!(
        fields(&problem_of(response).await),
        [("gstin", "gstin_taken")]
    );
    assert_eq!(profile(&w).await.shop.status, ShopStatus::Approved);
}

#[tokio::test]
async fn customers_cannot_edit_a_shop() {
    let w = world().await;
    let (customer, _) = customer(&w.app, "buyer@example.com").await;
    let response = send(
        &w.app,
        Method::PATCH,
        "/seller/shop",
        Some(&customer),
        Some(json!({"displayName": "Mine"})),
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}
