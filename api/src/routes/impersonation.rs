//! `/api/v1/admin/impersonate`: an administrator starts and ends a support session as a user
//! (`app::impersonation`), and `/api/v1/users/me/access-history`: the user sees every
//! session on their account.

use crate::app::Actor;
use crate::app::impersonation::{self, IMPERSONATE};
use crate::error::Result;
use crate::extractor::Json;
use crate::routes::PROBLEM;
use crate::routes::policy::{ApiRoutes, Policy};
use crate::routes::session::no_store;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use contracts::Problem;
use contracts::impersonation::{AccessHistory, ImpersonationGrant, StartImpersonation};

/// Who may start a support session: `impersonate:execute`, which only administrators hold,
/// and (the policy's rule for administrators) only in a session that passed a second factor.
pub const START: &[&str] = &[IMPERSONATE];

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(
            Method::POST,
            "/admin/impersonate",
            Policy::AnyOf(START),
            start_impersonation,
        )
        // The caller holds the impersonation token, whose permissions are the target's: any
        // signed-in session may ask, and the use case ends only the one the token names.
        .route(
            Method::POST,
            "/admin/impersonate/end",
            Policy::SignedIn,
            end_impersonation,
        )
        .route(
            Method::GET,
            "/users/me/access-history",
            Policy::SignedIn,
            access_history,
        )
}

/// `POST /admin/impersonate`: a support session as `targetUserId`, for `durationMinutes`
/// (at most 240), with a `reason`. Answers the impersonation token; the target is mailed.
#[utoipa::path(post, path = "/admin/impersonate", tag = "back office", request_body = StartImpersonation,
    responses(
        (status = 201, description = "The support session and its impersonation token (no refresh token)", body = ImpersonationGrant),
        (status = 401, description = "`unauthenticated` (also an ended or expired impersonation token)", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden` (no `impersonate:execute`: every impersonation token), or `mfa_required`", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed`: `reason` missing, blank or over 500 characters; `durationMinutes` missing or not 1 to 240; `targetUserId` missing, `unknown_user`, `inactive_user` (locked), `administrator`, or `self`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn start_impersonation(
    State(state): State<AppState>,
    actor: Actor,
    Json(request): Json<StartImpersonation>,
) -> Result<(StatusCode, Response)> {
    let grant = impersonation::start(&actor, &state, &request).await?;
    // A token in the body: no cache may keep it.
    Ok((StatusCode::CREATED, no_store(Json(grant))))
}

/// `POST /admin/impersonate/end`: ends the support session of the impersonation token sent;
/// the token is refused from then on, on every server.
#[utoipa::path(post, path = "/admin/impersonate/end", tag = "back office",
    responses(
        (status = 204, description = "The session is over; its token no longer works"),
        (status = 401, description = "`unauthenticated` (also an already ended or expired session)", body = Problem, content_type = PROBLEM),
        (status = 409, description = "`not_impersonating`: an ordinary session's token", body = Problem, content_type = PROBLEM),
    ))]
pub async fn end_impersonation(State(state): State<AppState>, actor: Actor) -> Result<StatusCode> {
    impersonation::end(&actor, &state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /users/me/access-history`: every support session on the signed-in account, newest
/// first: who, when, why, for how long.
#[utoipa::path(get, path = "/users/me/access-history", tag = "identity",
    responses(
        (status = 200, description = "The account's support sessions", body = AccessHistory),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn access_history(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<AccessHistory>> {
    impersonation::access_history(&actor, &state)
        .await
        .map(Json)
}
