//! Applying to sell and the review of applications: validation, one shop per account, final
//! decisions, approval turning a customer into a seller, the review queue's pages.

use crate::fixtures::{
    self, GSTIN_KA, GSTIN_MH, PASSWORD, application, apply, customer, json_of, send, staff,
};
use crate::helpers::{problem, spawn_app};
use contracts::auth::LoginOutcome;
use contracts::props::Role;
use contracts::shops::{Shop, ShopPage, ShopStatus};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn a_customer_applies_an_administrator_approves_and_the_customer_becomes_a_seller() {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (token, id) = customer(&app, "asha@example.com").await;

    let shop = apply(&app, &token, "Asha Textiles LLP", GSTIN_MH).await;
    assert_eq!(shop.status, ShopStatus::Pending);
    assert_eq!(shop.owner_id, id);
    let mine = send(&app, Method::GET, "/shops/mine", Some(&token), None).await;
    let mine: Shop = serde_json::from_value(json_of(mine, StatusCode::OK).await).unwrap();
    assert_eq!(mine, shop);

    let queue = send(
        &app,
        Method::GET,
        "/admin/shops?status=PENDING",
        Some(&admin),
        None,
    )
    .await;
    let queue: ShopPage = serde_json::from_value(json_of(queue, StatusCode::OK).await).unwrap();
    assert_eq!(queue.items, std::slice::from_ref(&shop));

    let decided = send(
        &app,
        Method::POST,
        &format!("/admin/shops/{}/decision", shop.id),
        Some(&admin),
        Some(json!({ "approve": true })),
    )
    .await;
    let decided: Shop = serde_json::from_value(json_of(decided, StatusCode::OK).await).unwrap();
    assert_eq!(decided.status, ShopStatus::Approved);
    assert!(decided.decided_at.is_some());

    let outcome: LoginOutcome = app
        .login("asha@example.com", PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let LoginOutcome::Session(grant) = outcome else {
        panic!("no second factor was set up")
    };
    assert_eq!(grant.user.role, Role::Seller);
    assert!(
        grant
            .user
            .permissions
            .contains(&"products:own_manage".to_owned())
    );
}

#[tokio::test]
async fn a_bad_application_names_every_field_and_stores_nothing() {
    let app = spawn_app().await;
    let (token, _) = customer(&app, "asha@example.com").await;
    let mut body = application("  ", "27AAPFU0939F1ZW");
    body["address"]["pincode"] = json!("0123");
    body["address"]["stateCode"] = json!("29");

    let response = send(&app, Method::POST, "/shops", Some(&token), Some(body)).await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem = problem(response).await;
    let fields: Vec<(&str, &str)> = problem
        .errors
        .iter()
        .map(|e| (e.field.as_str(), e.code.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("legalName", "required"),
            ("displayName", "required"),
            ("address.pincode", "pincode_format"),
            ("gstin", "gstin_check_character"),
        ]
    );
    assert_eq!(app.count("SELECT count(*) FROM shops").await, 0);
}

#[tokio::test]
async fn the_address_must_be_in_the_state_of_the_gstin() {
    let app = spawn_app().await;
    let (token, _) = customer(&app, "asha@example.com").await;
    let mut body = application("Asha", GSTIN_MH);
    body["address"]["stateCode"] = json!("29");

    let response = send(&app, Method::POST, "/shops", Some(&token), Some(body)).await;

    let problem = problem(response).await;
    assert!(problem.field_message("address.stateCode").is_some());
    assert_eq!(problem.errors[0].code, "state_mismatch");
}

#[tokio::test]
async fn an_account_has_one_shop() {
    let app = spawn_app().await;
    let (token, _) = customer(&app, "asha@example.com").await;
    apply(&app, &token, "First", GSTIN_MH).await;

    let again = send(
        &app,
        Method::POST,
        "/shops",
        Some(&token),
        Some(application("Second", GSTIN_KA)),
    )
    .await;

    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert_eq!(problem(again).await.code, "shop_exists");
    assert_eq!(app.count("SELECT count(*) FROM shops").await, 1);
}

#[tokio::test]
async fn only_customers_apply() {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;

    let response = send(
        &app,
        Method::POST,
        "/shops",
        Some(&admin),
        Some(application("Staff shop", GSTIN_MH)),
    )
    .await;

    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(problem(response).await.code, "forbidden");
}

#[tokio::test]
async fn a_rejection_needs_a_note_and_every_decision_is_final() {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::SuperAdmin).await;
    let (token, _) = customer(&app, "asha@example.com").await;
    let shop = apply(&app, &token, "Asha", GSTIN_MH).await;
    let path = format!("/admin/shops/{}/decision", shop.id);
    let decide = |body| send(&app, Method::POST, &path, Some(&admin), Some(body));

    let silent = decide(json!({ "approve": false, "note": "  " })).await;
    assert_eq!(silent.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem(silent).await.errors[0].field, "note");

    let rejected = decide(json!({ "approve": false, "note": "The GSTIN is not yours." })).await;
    let rejected: Shop = serde_json::from_value(json_of(rejected, StatusCode::OK).await).unwrap();
    assert_eq!(rejected.status, ShopStatus::Rejected);
    assert_eq!(
        rejected.decision_note.as_deref(),
        Some("The GSTIN is not yours.")
    );

    let approve_after = decide(json!({ "approve": true })).await;
    assert_eq!(approve_after.status(), StatusCode::CONFLICT);
    assert_eq!(problem(approve_after).await.code, "shop_decided");
    let me: serde_json::Value = app.me(Some(&token)).await.json().await.unwrap();
    assert_eq!(me["role"], "CUSTOMER");
}

#[tokio::test]
async fn deciding_an_unknown_shop_is_404() {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    for id in [uuid::Uuid::new_v4().to_string(), "not-a-uuid".to_owned()] {
        let response = send(
            &app,
            Method::POST,
            &format!("/admin/shops/{id}/decision"),
            Some(&admin),
            Some(json!({ "approve": true })),
        )
        .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{id}");
    }
}

#[tokio::test]
async fn the_review_queue_pages_oldest_first_without_gaps() {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let mut applied = Vec::new();
    for n in 0..5 {
        let (token, _) = customer(&app, &format!("c{n}@example.com")).await;
        let gstin = fixtures::gstin_mh(n + 1);
        applied.push(apply(&app, &token, &format!("Shop {n}"), &gstin).await.id);
    }

    let mut seen = Vec::new();
    let mut path = "/admin/shops?limit=2".to_owned();
    loop {
        let page = send(&app, Method::GET, &path, Some(&admin), None).await;
        let page: ShopPage = serde_json::from_value(json_of(page, StatusCode::OK).await).unwrap();
        assert!(page.items.len() <= 2);
        seen.extend(page.items.into_iter().map(|shop| shop.id));
        match page.next_cursor {
            Some(cursor) => path = format!("/admin/shops?limit=2&after={cursor}"),
            None => break,
        }
    }
    let mut expected = applied.clone();
    expected.sort();
    let mut got = seen.clone();
    got.sort();
    assert_eq!(got, expected, "every shop once");
    assert_eq!(seen.len(), 5);

    let bad = send(
        &app,
        Method::GET,
        "/admin/shops?after=nope",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bad_status = send(
        &app,
        Method::GET,
        "/admin/shops?status=OPEN",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(bad_status.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_gstin_another_shop_has_is_422_gstin_taken_and_writes_nothing() {
    let app = spawn_app().await;
    let (first, _) = customer(&app, "asha@example.com").await;
    let (second, _) = customer(&app, "ravi@example.com").await;
    apply(&app, &first, "Asha Traders", GSTIN_MH).await;

    // The same GSTIN in lower case: compared after normalising, through the blind index.
    let taken = send(
        &app,
        Method::POST,
        "/shops",
        Some(&second),
        Some(application("Ravi Traders", &GSTIN_MH.to_lowercase())),
    )
    .await;

    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem = problem(taken).await;
    assert_eq!(problem.errors[0].field, "gstin");
    assert_eq!(problem.errors[0].code, "gstin_taken");
    let mine = send(&app, Method::GET, "/shops/mine", Some(&second), None).await;
    assert_eq!(mine.status(), StatusCode::NOT_FOUND);
    // Another GSTIN of the same PAN (another registration) is a shop of its own.
    apply(&app, &second, "Ravi Traders", &fixtures::gstin_mh(2)).await;
}
