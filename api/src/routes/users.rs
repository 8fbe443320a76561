//! `/api/v1/admin/users`: the accounts, for administrators (`app::accounts::admin`).

use crate::app::Actor;
use crate::app::accounts::admin;
use crate::domain::page_limit;
use crate::error::{ApiError, Result};
use crate::extractor::{Json, Query};
use crate::routes::PROBLEM;
use crate::routes::policy::{ApiRoutes, Policy};
use crate::state::AppState;
use axum::extract::State;
use axum::http::Method;
use contracts::Problem;
use contracts::users::UserPage;
use serde::Deserialize;
use utoipa::IntoParams;

/// Accounts are personal data: only the permissions that manage users may list them.
pub const LIST_USERS: &[&str] = &["users:manage", "users:all"];

/// The page size when none is asked for, and the largest allowed.
const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 100;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new().route(
        Method::GET,
        "/admin/users",
        Policy::AnyOf(LIST_USERS),
        list_users,
    )
}

/// The query string of `GET /admin/users`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListUsers {
    /// Page size, 1 to 100 (default 50).
    limit: Option<u32>,
    /// The `nextCursor` of the previous page.
    after: Option<String>,
}

/// Accounts, newest first, a page at a time.
#[utoipa::path(get, path = "/admin/users", tag = "back office", params(ListUsers),
    responses(
        (status = 200, description = "One page of accounts", body = UserPage),
        (status = 400, description = "`invalid_query`", body = Problem, content_type = PROBLEM),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`, or `mfa_required` for an administrator without a second factor", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed` (`limit` out of range, unknown `after`)", body = Problem, content_type = PROBLEM),
    ))]
pub async fn list_users(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<ListUsers>,
) -> Result<Json<UserPage>> {
    let limit = page_limit(query.limit, DEFAULT_LIMIT, MAX_LIMIT)
        .map_err(|error| ApiError::Validation(vec![error]))?;
    admin::list_users(&actor, &state, limit, query.after.as_deref())
        .await
        .map(Json)
}
