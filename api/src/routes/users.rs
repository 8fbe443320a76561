//! `/api/v1/admin/users`: the accounts, for administrators (`app::accounts::admin`): the list
//! and search, one account's masked view, and disable, enable, unlock and role changes (these
//! want a second factor passed in the last five minutes).

use crate::app::Actor;
use crate::app::accounts::admin::{self, Change};
use crate::domain::page_limit;
use crate::error::{ApiError, Result};
use crate::extractor::{Json, Query};
use crate::routes::PROBLEM;
use crate::routes::policy::{ApiRoutes, Policy};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Method;
use contracts::Problem;
use contracts::admin::{AccountView, RoleChange};
use contracts::users::UserPage;
use serde::Deserialize;
use utoipa::IntoParams;

/// Accounts are personal data: only the permissions that manage users may list them.
pub const LIST_USERS: &[&str] = &["users:manage", "users:all"];

/// The page size when none is asked for, and the largest allowed.
const DEFAULT_LIMIT: u32 = 50;
pub(crate) const MAX_LIMIT: u32 = 100;

pub fn routes() -> ApiRoutes {
    // Reads want a second factor; changes want it passed in the last five minutes.
    let change = Policy::FreshMfa(LIST_USERS);
    ApiRoutes::new()
        .route(
            Method::GET,
            "/admin/users",
            Policy::AnyOf(LIST_USERS),
            list_users,
        )
        .route(
            Method::GET,
            "/admin/users/{id}",
            Policy::AnyOf(LIST_USERS),
            view_user,
        )
        .route(
            Method::POST,
            "/admin/users/{id}/disable",
            change,
            disable_user,
        )
        .route(
            Method::POST,
            "/admin/users/{id}/enable",
            change,
            enable_user,
        )
        .route(
            Method::POST,
            "/admin/users/{id}/unlock",
            change,
            unlock_user,
        )
        .route(Method::PUT, "/admin/users/{id}/role", change, change_role)
}

/// The query string of `GET /admin/users`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListUsers {
    /// Page size, 1 to 100 (default 50).
    limit: Option<u32>,
    /// The `nextCursor` of the previous page.
    after: Option<String>,
    /// Search: a whole email (with `@`, found through its blind index), else a part of the
    /// display name (case-insensitive). At most 200 characters.
    q: Option<String>,
}

/// Accounts, newest first, a page at a time; `q` searches by email or display name.
#[utoipa::path(get, path = "/admin/users", tag = "back office", params(ListUsers),
    responses(
        (status = 200, description = "One page of accounts", body = UserPage),
        (status = 400, description = "`invalid_query`", body = Problem, content_type = PROBLEM),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`, or `mfa_required` for an administrator without a second factor", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed` (`limit` out of range, unknown `after`, `q` too long)", body = Problem, content_type = PROBLEM),
    ))]
pub async fn list_users(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<ListUsers>,
) -> Result<Json<UserPage>> {
    let limit = page_limit(query.limit, DEFAULT_LIMIT, MAX_LIMIT)
        .map_err(|error| ApiError::Validation(vec![error]))?;
    admin::list_users(
        &actor,
        &state,
        limit,
        query.after.as_deref(),
        query.q.as_deref(),
    )
    .await
    .map(Json)
}

/// One account, its email masked, with its standing (disabled, locked); audited as a view of
/// personal data.
#[utoipa::path(get, path = "/admin/users/{id}", tag = "back office",
    params(("id" = String, Path, description = "The account's id")),
    responses(
        (status = 200, description = "The account", body = AccountView),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`, or `mfa_required`", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn view_user(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<AccountView>> {
    admin::view(&actor, &state, &id).await.map(Json)
}

/// Disables the account: its sign-in and refresh are refused (403 `account_disabled`) and its
/// refresh tokens revoked; an access token it already holds lives out its 15 minutes.
#[utoipa::path(post, path = "/admin/users/{id}/disable", tag = "back office",
    params(("id" = String, Path, description = "The account's id")),
    responses(
        (status = 200, description = "Disabled (or already)", body = AccountView),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`, `mfa_required`, `fresh_mfa_required`, or `super_admin_required` (an administrator's account)", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed`: `id` `self` (one's own account)", body = Problem, content_type = PROBLEM),
    ))]
pub async fn disable_user(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<AccountView>> {
    admin::change(&actor, &state, &id, Change::Disable)
        .await
        .map(Json)
}

/// Enables a disabled account.
#[utoipa::path(post, path = "/admin/users/{id}/enable", tag = "back office",
    params(("id" = String, Path, description = "The account's id")),
    responses(
        (status = 200, description = "Enabled (or already)", body = AccountView),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`, `mfa_required`, `fresh_mfa_required`, or `super_admin_required` (an administrator's account)", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn enable_user(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<AccountView>> {
    admin::change(&actor, &state, &id, Change::Enable)
        .await
        .map(Json)
}

/// Lifts the account's lockout after failed sign-ins.
#[utoipa::path(post, path = "/admin/users/{id}/unlock", tag = "back office",
    params(("id" = String, Path, description = "The account's id")),
    responses(
        (status = 200, description = "Unlocked", body = AccountView),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`, `mfa_required`, `fresh_mfa_required`, or `super_admin_required` (an administrator's account)", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn unlock_user(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<AccountView>> {
    admin::change(&actor, &state, &id, Change::Unlock)
        .await
        .map(Json)
}

/// Changes the account's role (SUPER_ADMIN only), audited with before and after; the
/// account's sessions end, so its next sign-in carries the new permissions.
#[utoipa::path(put, path = "/admin/users/{id}/role", tag = "back office",
    params(("id" = String, Path, description = "The account's id")),
    request_body = RoleChange,
    responses(
        (status = 200, description = "Changed (or already that role)", body = AccountView),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`, `mfa_required`, `fresh_mfa_required`, or `super_admin_required` (an ADMIN)", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed`: `role` `required`, `own_role`, or `seller_by_application`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn change_role(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Json(body): Json<RoleChange>,
) -> Result<Json<AccountView>> {
    let Some(role) = body.role else {
        return Err(ApiError::Validation(vec![crate::domain::field_error(
            "role",
            "required",
            "choose a role",
        )]));
    };
    admin::change(&actor, &state, &id, Change::Role(role))
        .await
        .map(Json)
}
