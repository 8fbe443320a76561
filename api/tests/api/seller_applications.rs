//! The review queue with the GSTIN check, and a rejected applicant applying again (one live
//! shop per owner: `shops_one_live_per_owner`).

use crate::fixtures::{GSTIN_MH, apply, customer, json_of, send, staff};
use crate::helpers::problem;
use crate::helpers::spawn_app;
use contracts::admin::ApplicationPage;
use contracts::props::Role;
use contracts::shops::{Shop, ShopStatus};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn the_queue_shows_each_gstin_checked_with_its_state() {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (token, _) = customer(&app, "asha@example.com").await;
    let shop = apply(&app, &token, "Asha Textiles LLP", GSTIN_MH).await;

    let queue = send(
        &app,
        Method::GET,
        "/admin/shops?status=PENDING",
        Some(&admin),
        None,
    )
    .await;
    let queue: ApplicationPage =
        serde_json::from_value(json_of(queue, StatusCode::OK).await).unwrap();
    assert_eq!(queue.items.len(), 1);
    assert_eq!(queue.items[0].shop, shop);
    let check = &queue.items[0].gstin_check;
    assert!(check.valid && check.state_matches);
    assert_eq!(check.state.as_deref(), Some("Maharashtra"));
}

#[tokio::test]
async fn a_rejected_applicant_applies_again_and_is_approved() {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (token, _) = customer(&app, "asha@example.com").await;
    let first = apply(&app, &token, "Asha Textiles LLP", GSTIN_MH).await;
    // A second application while the first is pending is refused.
    let twice = send(
        &app,
        Method::POST,
        "/shops",
        Some(&token),
        Some(crate::fixtures::application(
            "Asha Again",
            "29AAGCB7383J1Z4",
        )),
    )
    .await;
    assert_eq!(problem(twice).await.code, "shop_exists");

    let rejected = send(
        &app,
        Method::POST,
        &format!("/admin/shops/{}/decision", first.id),
        Some(&admin),
        Some(json!({"approve": false, "note": "The address is incomplete."})),
    )
    .await;
    json_of(rejected, StatusCode::OK).await;

    // The same GSTIN again: a rejected application does not hold it.
    let second = apply(&app, &token, "Asha Textiles LLP", GSTIN_MH).await;
    assert_ne!(second.id, first.id);
    assert_eq!(second.status, ShopStatus::Pending);
    let mine = send(&app, Method::GET, "/shops/mine", Some(&token), None).await;
    let mine: Shop = serde_json::from_value(json_of(mine, StatusCode::OK).await).unwrap();
    assert_eq!(mine.id, second.id);

    let approved = send(
        &app,
        Method::POST,
        &format!("/admin/shops/{}/decision", second.id),
        Some(&admin),
        Some(json!({"approve": true})),
    )
    .await;
    let approved: Shop = serde_json::from_value(json_of(approved, StatusCode::OK).await).unwrap();
    assert_eq!(approved.status, ShopStatus::Approved);
    // Approved, the owner cannot apply a third time.
    let third = send(
        &app,
        Method::POST,
        "/shops",
        Some(&token),
        Some(crate::fixtures::application(
            "Asha Three",
            "29AAGCB7383J1Z4",
        )),
    )
    .await;
    assert!(third.status().is_client_error());
    assert_eq!(app.count("SELECT COUNT(*) FROM shops").await, 2);
}
