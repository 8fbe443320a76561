//! `/api/v1/auth/password`: asking for a reset link by mail and setting a new password with it
//! (`app::accounts::passwords`).

use crate::app::accounts::passwords;
use crate::app::{Actor, Origin};
use crate::error::Result;
use crate::extractor::Json;
use crate::routes::PROBLEM;
use crate::routes::policy::{ApiRoutes, Policy};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use contracts::Problem;
use contracts::auth::{ForgotPassword, ResetPassword};

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(
            Method::POST,
            "/auth/password/forgot",
            Policy::Public,
            forgot,
        )
        .route(Method::POST, "/auth/password/reset", Policy::Public, reset)
}

/// `POST /auth/password/forgot`: 202 whatever the address, so the answer does not tell who has
/// an account. For an account, a single-use link valid for 30 minutes is queued in the outbox
/// (with its token, in one transaction) and the mail sender delivers it.
#[utoipa::path(post, path = "/auth/password/forgot", tag = "identity", request_body = ForgotPassword,
    responses(
        (status = 202, description = "Accepted; a link is mailed if the address has an account"),
        (status = 400, description = "`malformed_json`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn forgot(
    State(state): State<AppState>,
    origin: Origin,
    Json(body): Json<ForgotPassword>,
) -> Result<StatusCode> {
    // An anonymous route: whoever calls is a guest until the use case identifies them.
    passwords::forgot(&Actor::guest(origin), &state, &body.email).await?;
    Ok(StatusCode::ACCEPTED)
}

/// `POST /auth/password/reset`: a new password (same policy as sign-up) with the mailed token.
/// The token is spent, any lockout lifted, and every session of the account revoked (access
/// tokens already issued run out within 15 minutes).
#[utoipa::path(post, path = "/auth/password/reset", tag = "identity", request_body = ResetPassword,
    responses(
        (status = 204, description = "Password changed; every session signed out"),
        (status = 422, description = "`validation_failed` naming `password`, or `invalid_reset_token` naming `token`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn reset(
    State(state): State<AppState>,
    origin: Origin,
    Json(body): Json<ResetPassword>,
) -> Result<StatusCode> {
    passwords::reset(&Actor::guest(origin), &state, body).await?;
    Ok(StatusCode::NO_CONTENT)
}
