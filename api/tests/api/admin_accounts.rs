//! The back office's accounts: search by email (blind index) and name, the masked view
//! (audited), disable and enable (a disabled account cannot sign in nor refresh), unlock, and
//! role changes (SUPER_ADMIN only, audited with before and after).

use crate::fixtures::{PASSWORD, customer, json_of, send, staff};
use crate::helpers::{problem, session_cookies, spawn_app};
use contracts::admin::AccountView;
use contracts::props::Role;
use contracts::users::UserPage;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn an_administrator_finds_an_account_by_email_or_name_and_views_it_masked() {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (_, asha) = customer(&app, "asha@example.com").await;
    app.register("ravi@example.com", PASSWORD, "Ravi Kumar")
        .await;

    let by_email = send(
        &app,
        Method::GET,
        "/admin/users?q=ASHA@example.com",
        Some(&admin),
        None,
    )
    .await;
    let by_email: UserPage =
        serde_json::from_value(json_of(by_email, StatusCode::OK).await).unwrap();
    assert_eq!(by_email.items.len(), 1);
    assert_eq!(by_email.items[0].id, asha);

    let by_name = send(
        &app,
        Method::GET,
        "/admin/users?q=ravi%20k",
        Some(&admin),
        None,
    )
    .await;
    let by_name: UserPage = serde_json::from_value(json_of(by_name, StatusCode::OK).await).unwrap();
    assert_eq!(by_name.items.len(), 1);
    assert_eq!(by_name.items[0].display_name, "Ravi Kumar");

    let wildcard = send(&app, Method::GET, "/admin/users?q=%25", Some(&admin), None).await;
    let wildcard: UserPage =
        serde_json::from_value(json_of(wildcard, StatusCode::OK).await).unwrap();
    assert!(
        wildcard.items.is_empty(),
        "a % is a character, not a wildcard"
    );

    let mark = app.audit_mark().await;
    let view = send(
        &app,
        Method::GET,
        &format!("/admin/users/{asha}"),
        Some(&admin),
        None,
    )
    .await;
    let view: AccountView = serde_json::from_value(json_of(view, StatusCode::OK).await).unwrap();
    assert_eq!(view.account.email, "a***@example.com");
    assert!(view.disabled_at.is_none());
    let audited = app.audited(mark, "users:view").await;
    assert_eq!(audited.len(), 1);
    assert_eq!(audited[0].resource_id.as_deref(), Some(asha.as_str()));

    let customer_token = customer(&app, "meera@example.com").await.0;
    let refused = send(
        &app,
        Method::GET,
        &format!("/admin/users/{asha}"),
        Some(&customer_token),
        None,
    )
    .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_disabled_account_cannot_sign_in_nor_refresh_until_it_is_enabled() {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let registered = app.register("asha@example.com", PASSWORD, "Asha").await;
    let cookies = session_cookies(&registered);
    let grant: contracts::auth::SessionGrant = registered.json().await.unwrap();
    let asha = grant.user.id;

    let mark = app.audit_mark().await;
    let disabled = send(
        &app,
        Method::POST,
        &format!("/admin/users/{asha}/disable"),
        Some(&admin),
        None,
    )
    .await;
    let disabled: AccountView =
        serde_json::from_value(json_of(disabled, StatusCode::OK).await).unwrap();
    assert!(disabled.disabled_at.is_some());
    assert_eq!(app.audited(mark, "users:disable").await.len(), 1);

    let login = app.login("asha@example.com", PASSWORD).await;
    assert_eq!(login.status(), StatusCode::FORBIDDEN);
    assert_eq!(problem(login).await.code, "account_disabled");
    // A wrong password still says only that: the state is for whoever knows the password.
    let wrong = app
        .login("asha@example.com", "not the password at all")
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let refresh = app.refresh(&cookies).await;
    assert!(refresh.status().is_client_error(), "{}", refresh.status());

    let enabled = send(
        &app,
        Method::POST,
        &format!("/admin/users/{asha}/enable"),
        Some(&admin),
        None,
    )
    .await;
    let enabled: AccountView =
        serde_json::from_value(json_of(enabled, StatusCode::OK).await).unwrap();
    assert!(enabled.disabled_at.is_none());
    assert_eq!(
        app.login("asha@example.com", PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn disabling_oneself_is_a_field_error_and_writes_nothing() {
    let app = spawn_app().await;
    let super_admin = staff(&app, "root@example.com", Role::SuperAdmin).await;
    let me = send(
        &app,
        Method::GET,
        "/admin/users?q=root@example.com",
        Some(&super_admin),
        None,
    )
    .await;
    let me: UserPage = serde_json::from_value(json_of(me, StatusCode::OK).await).unwrap();
    let id = &me.items[0].id;

    let mark = app.audit_mark().await;
    let refused = send(
        &app,
        Method::POST,
        &format!("/admin/users/{id}/disable"),
        Some(&super_admin),
        None,
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = problem(refused).await;
    assert_eq!(body.errors[0].field, "id");
    assert_eq!(body.errors[0].code, "self");
    assert!(app.audited(mark, "users:disable").await.is_empty());
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE disabled_at IS NOT NULL")
            .await,
        0
    );
}

#[tokio::test]
async fn an_administrator_unlocks_a_locked_account() {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (_, asha) = customer(&app, "asha@example.com").await;
    for _ in 0..10 {
        assert_eq!(
            app.login("asha@example.com", "not the right password")
                .await
                .status(),
            401
        );
    }
    assert_eq!(app.login("asha@example.com", PASSWORD).await.status(), 401);

    let view = send(
        &app,
        Method::GET,
        &format!("/admin/users/{asha}"),
        Some(&admin),
        None,
    )
    .await;
    let view: AccountView = serde_json::from_value(json_of(view, StatusCode::OK).await).unwrap();
    assert!(view.locked_until.is_some());

    let mark = app.audit_mark().await;
    let unlocked = send(
        &app,
        Method::POST,
        &format!("/admin/users/{asha}/unlock"),
        Some(&admin),
        None,
    )
    .await;
    let unlocked: AccountView =
        serde_json::from_value(json_of(unlocked, StatusCode::OK).await).unwrap();
    assert!(unlocked.locked_until.is_none());
    assert_eq!(app.audited(mark, "users:unlock").await.len(), 1);
    assert_eq!(app.login("asha@example.com", PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn only_a_super_admin_changes_roles_never_their_own_and_it_is_audited() {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let super_admin = staff(&app, "root@example.com", Role::SuperAdmin).await;
    let (_, asha) = customer(&app, "asha@example.com").await;
    let path = format!("/admin/users/{asha}/role");

    let mark = app.audit_mark().await;
    let by_admin = send(
        &app,
        Method::PUT,
        &path,
        Some(&admin),
        Some(json!({"role": "ADMIN"})),
    )
    .await;
    assert_eq!(by_admin.status(), StatusCode::FORBIDDEN);
    assert_eq!(problem(by_admin).await.code, "super_admin_required");
    // An ADMIN may not disable an administrator either.
    let root = send(
        &app,
        Method::GET,
        "/admin/users?q=root@example.com",
        Some(&admin),
        None,
    )
    .await;
    let root: UserPage = serde_json::from_value(json_of(root, StatusCode::OK).await).unwrap();
    let root_id = root.items[0].id.clone();
    let disable_root = send(
        &app,
        Method::POST,
        &format!("/admin/users/{root_id}/disable"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(problem(disable_root).await.code, "super_admin_required");
    let seller = send(
        &app,
        Method::PUT,
        &path,
        Some(&super_admin),
        Some(json!({"role": "SELLER"})),
    )
    .await;
    assert_eq!(seller.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let own = send(
        &app,
        Method::PUT,
        &format!("/admin/users/{root_id}/role"),
        Some(&super_admin),
        Some(json!({"role": "ADMIN"})),
    )
    .await;
    assert_eq!(problem(own).await.errors[0].code, "own_role");
    assert!(app.audited(mark, "users:role").await.is_empty());

    let changed = send(
        &app,
        Method::PUT,
        &path,
        Some(&super_admin),
        Some(json!({"role": "ADMIN"})),
    )
    .await;
    let changed: AccountView =
        serde_json::from_value(json_of(changed, StatusCode::OK).await).unwrap();
    assert_eq!(changed.account.role, Role::Admin);
    let audited = app.audited(mark, "users:role").await;
    assert_eq!(audited.len(), 1);
    let changes: serde_json::Value = serde_json::from_str(&audited[0].changes).unwrap();
    assert_eq!(
        changes["role"],
        json!({"before": "CUSTOMER", "after": "ADMIN"})
    );
}

#[tokio::test]
async fn a_change_wants_a_second_factor_passed_in_the_last_five_minutes() {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (_, asha) = customer(&app, "asha@example.com").await;
    app.clock.advance(6 * 60);
    let stale = send(
        &app,
        Method::POST,
        &format!("/admin/users/{asha}/disable"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(problem(stale).await.code, "fresh_mfa_required");
}
