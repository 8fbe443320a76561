//! The audit log through the API: the rows use cases write (and the ones they must not), the
//! failures recorded with the client's address, no personal data in any row, the viewer's
//! filters, presets, CSV and chain status, and bad filters refused.

use crate::fixtures::{
    GSTIN_MH, PASSWORD, add_product, customer, json_of, product_body, seller, send, staff,
};
use crate::helpers::{problem, spawn_app};
use contracts::audit::{AuditChainStatus, AuditPage};
use contracts::props::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// An administrator's access token (second factor passed), for the viewer.
async fn auditor(app: &crate::helpers::TestApp) -> String {
    staff(app, "auditor@example.com", Role::Admin).await
}

async fn page(app: &crate::helpers::TestApp, token: &str, query: &str) -> AuditPage {
    let response = send(
        app,
        Method::GET,
        &format!("/audit?{query}"),
        Some(token),
        None,
    )
    .await;
    serde_json::from_value(json_of(response, StatusCode::OK).await).unwrap()
}

#[tokio::test]
async fn a_price_change_writes_one_row_with_before_and_after_that_the_preset_finds() {
    let app = spawn_app().await;
    let admin = auditor(&app).await;
    let (seller_token, _) = seller(&app, &admin, "seller@example.com", GSTIN_MH).await;
    let product = add_product(&app, &seller_token, product_body("Kurta", "K-1", 49_900)).await;
    let mark = app.audit_mark().await;

    let response = send(
        &app,
        Method::PATCH,
        &format!("/seller/products/{}", product.id),
        Some(&seller_token),
        Some(json!({"price": 59_900})),
    )
    .await;

    assert_eq!(response.status(), StatusCode::OK);
    let rows = app.audit_after(mark).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    assert_eq!(
        (
            row.action.as_str(),
            row.resource_id.as_deref(),
            row.status.as_str()
        ),
        ("products:update", Some(product.id.as_str()), "SUCCESS")
    );
    assert_eq!(row.actor_type, "USER");
    assert_eq!(row.ip.as_deref(), Some("127.0.0.1"));
    let changes: serde_json::Value = serde_json::from_str(&row.changes).unwrap();
    assert_eq!(
        changes,
        json!({"price": {"before": 49_900, "after": 59_900}})
    );
    let found = page(&app, &admin, "preset=price-changes").await;
    assert_eq!(found.items.len(), 1);
    assert_eq!(found.items[0].seq, row.seq);
    // A change of the stock alone is not a price change.
    send(
        &app,
        Method::PATCH,
        &format!("/seller/products/{}", product.id),
        Some(&seller_token),
        Some(json!({"stock": 3, "version": product.version})),
    )
    .await;
    assert_eq!(
        page(&app, &admin, "preset=price-changes").await.items.len(),
        1
    );
}

#[tokio::test]
async fn a_refused_write_leaves_no_success_row() {
    let app = spawn_app().await;
    let admin = auditor(&app).await;
    let (seller_token, _) = seller(&app, &admin, "seller@example.com", GSTIN_MH).await;
    let product = add_product(&app, &seller_token, product_body("Kurta", "K-1", 49_900)).await;
    add_product(&app, &seller_token, product_body("Shawl", "S-1", 9_900)).await;
    let mark = app.audit_mark().await;

    // A negative price, then a SKU the shop already uses: both refused.
    for body in [json!({"price": -1}), json!({"sku": "S-1"})] {
        let response = send(
            &app,
            Method::PATCH,
            &format!("/seller/products/{}", product.id),
            Some(&seller_token),
            Some(body),
        )
        .await;
        assert!(response.status().is_client_error());
    }

    assert!(app.audit_after(mark).await.is_empty());
}

#[tokio::test]
async fn failed_sign_ins_are_failures_with_the_address_and_the_preset_sees_one_day() {
    let app = spawn_app().await;
    let admin = auditor(&app).await;
    customer(&app, "asha@example.com").await;
    let mark = app.audit_mark().await;

    app.login("asha@example.com", "not the password").await;
    app.login("nobody@example.com", PASSWORD).await;

    let failures = app.audited(mark, "auth:login").await;
    assert_eq!(failures.len(), 2, "{failures:?}");
    for row in &failures {
        assert_eq!(row.status, "FAILURE");
        assert_eq!(row.ip.as_deref(), Some("127.0.0.1"));
        assert!(row.error_message.is_some());
    }
    assert!(failures[0].resource_id.is_some(), "the account tried");
    assert_eq!(failures[1].resource_id, None, "no account has that email");
    assert_eq!(
        page(&app, &admin, "preset=failed-logins").await.items.len(),
        2
    );
    // A day and a bit later by the clock, they are out of the preset, still in the log.
    app.clock.advance(25 * 3600);
    let admin = staff(&app, "later@example.com", Role::Admin).await;
    assert!(
        page(&app, &admin, "preset=failed-logins")
            .await
            .items
            .is_empty()
    );
    let all = page(&app, &admin, "action=auth:login&status=FAILURE").await;
    assert_eq!(all.items.len(), 2);
}

#[tokio::test]
async fn ten_failures_record_the_lockout() {
    let app = spawn_app().await;
    customer(&app, "asha@example.com").await;
    let mark = app.audit_mark().await;

    for _ in 0..10 {
        app.login("asha@example.com", "not the password").await;
    }

    let lockouts = app.audited(mark, "auth:lockout").await;
    assert_eq!(lockouts.len(), 1);
    assert_eq!(lockouts[0].status, "FAILURE");
}

#[tokio::test]
async fn a_successful_sign_in_names_the_account_as_actor() {
    let app = spawn_app().await;
    let (_, id) = customer(&app, "asha@example.com").await;
    let mark = app.audit_mark().await;

    app.login("asha@example.com", PASSWORD).await;

    let rows = app.audited(mark, "auth:login").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status, "SUCCESS");
    assert_eq!(rows[0].actor_id.as_deref(), Some(id.as_str()));
}

#[tokio::test]
async fn no_audit_row_holds_an_email_a_phone_or_a_gstin() {
    let app = spawn_app().await;
    let admin = auditor(&app).await;
    let (seller_token, _) = seller(&app, &admin, "asha.seller@example.com", GSTIN_MH).await;
    add_product(&app, &seller_token, product_body("Kurta", "K-1", 49_900)).await;
    app.login("asha.seller@example.com", "a guess of 12 characters")
        .await;
    app.forgot_password("asha.seller@example.com").await;
    send(&app, Method::GET, "/admin/users", Some(&admin), None).await;
    send(&app, Method::GET, "/admin/shops", Some(&admin), None).await;

    let rows = app.audit_after(0).await;
    assert!(rows.len() >= 8, "{rows:?}");
    for row in rows {
        let text = format!("{row:?}");
        for secret in [
            "@example.com",
            GSTIN_MH,
            "12 Mill Road",
            PASSWORD,
            "a guess of 12",
        ] {
            assert!(
                !text.contains(secret),
                "row {} holds {secret}: {text}",
                row.seq
            );
        }
    }
}

#[tokio::test]
async fn administrators_reads_of_personal_data_are_audited_and_customers_own_are_not() {
    let app = spawn_app().await;
    let admin = auditor(&app).await;
    let (customer_token, _) = customer(&app, "asha@example.com").await;
    let mark = app.audit_mark().await;

    send(&app, Method::GET, "/admin/users", Some(&admin), None).await;
    send(&app, Method::GET, "/orders", Some(&customer_token), None).await;

    let rows = app.audit_after(mark).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0].action.as_str(), rows[0].actor_type.as_str()),
        ("users:read", "ADMIN")
    );
}

#[tokio::test]
async fn the_viewer_refuses_unknown_filters_and_bad_time_ranges_naming_them() {
    let app = spawn_app().await;
    let admin = auditor(&app).await;

    for (query, field) in [
        ("actr=1", "actr"),
        ("from=yesterday", "from"),
        ("from=200&to=100", "from"),
        ("to=1.5", "to"),
        ("actorType=GUEST", "actorType"),
        ("impersonation=maybe", "impersonation"),
        ("preset=everything", "preset"),
        ("cursor=nope", "cursor"),
    ] {
        let response = send(
            &app,
            Method::GET,
            &format!("/audit?{query}"),
            Some(&admin),
            None,
        )
        .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        let problem = problem(response).await;
        assert_eq!(problem.code, "invalid_query", "{query}");
        assert!(
            problem
                .detail
                .as_deref()
                .unwrap_or_default()
                .contains(field),
            "{query}: {problem:?}"
        );
    }
    let (customer_token, _) = customer(&app, "asha@example.com").await;
    let response = send(&app, Method::GET, "/audit", Some(&customer_token), None).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn pages_are_keyset_and_filters_narrow_them() {
    let app = spawn_app().await;
    let admin = auditor(&app).await;
    for _ in 0..5 {
        send(&app, Method::POST, "/carts", None, None).await;
    }

    let first = page(&app, &admin, "action=carts:create&limit=3").await;
    assert_eq!(first.items.len(), 3);
    let cursor = first.next_cursor.clone().expect("a second page");
    let second = page(
        &app,
        &admin,
        &format!("action=carts:create&limit=3&cursor={cursor}"),
    )
    .await;
    assert_eq!(second.items.len(), 2);
    assert!(second.next_cursor.is_none());
    assert!(first.items.last().unwrap().seq > second.items[0].seq);
    assert!(
        page(&app, &admin, "actorType=SYSTEM")
            .await
            .items
            .is_empty()
    );
    assert!(
        page(&app, &admin, "impersonation=true")
            .await
            .items
            .is_empty()
    );
    let range = page(
        &app,
        &admin,
        &format!("from={}&to={}", app.clock.now() - 60, app.clock.now() + 60),
    )
    .await;
    assert!(range.items.len() >= 5);
}

#[tokio::test]
async fn the_csv_export_defuses_formulas_and_is_itself_audited() {
    let app = spawn_app().await;
    let admin = auditor(&app).await;
    app.client
        .post(app.url("/api/v1/auth/login"))
        .header("user-agent", "=HYPERLINK(\"http://evil.example\")")
        .json(&json!({"email": "x@example.com", "password": "nope nope nope"}))
        .send()
        .await
        .unwrap();
    let mark = app.audit_mark().await;

    let response = send(
        &app,
        Method::GET,
        "/audit/export.csv?action=auth:login",
        Some(&admin),
        None,
    )
    .await;

    assert_eq!(response.status(), StatusCode::OK);
    assert!(crate::helpers::header(&response, "content-type").starts_with("text/csv"));
    let csv = response.text().await.unwrap();
    assert!(csv.starts_with("\"seq\",\"at\","), "{csv}");
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\")\""),
        "{csv}"
    );
    assert!(!csv.contains(",\"=HYPERLINK"), "{csv}");
    assert_eq!(app.audited(mark, "audit:export").await.len(), 1);
}

#[tokio::test]
async fn the_chain_status_reports_rows_head_and_last_checkpoint() {
    let app = spawn_app().await;
    let admin = auditor(&app).await;
    customer(&app, "asha@example.com").await;
    app.checkpoint().await;

    let response = send(&app, Method::GET, "/audit/status", Some(&admin), None).await;

    let status: AuditChainStatus =
        serde_json::from_value(json_of(response, StatusCode::OK).await).unwrap();
    assert!(status.verified, "{status:?}");
    assert_eq!(status.rows, status.rows_valid);
    assert!(status.rows >= 1);
    assert_eq!((status.checkpoints, status.checkpoints_valid), (1, 1));
    let last = status.last_checkpoint.unwrap();
    assert_eq!(Some(last.head), status.head_hash);
    assert_eq!(status.first_bad_row, None);
}
