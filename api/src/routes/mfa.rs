//! `/api/v1/auth/mfa`: enrolling a TOTP authenticator, activating it (which hands out recovery
//! codes), and answering the sign-in challenge with a code (`app::accounts::mfa`).

use crate::app::accounts::mfa;
use crate::app::{Actor, Origin};
use crate::error::Result;
use crate::extractor::Json;
use crate::routes::PROBLEM;
use crate::routes::policy::{ApiRoutes, Policy};
use crate::routes::session::{no_store, signed_in};
use crate::state::AppState;
use axum::extract::State;
use axum::http::Method;
use axum::response::Response;
use contracts::Problem;
use contracts::auth::{MfaActivate, MfaEnrollment, MfaVerify, RecoveryCodes, SessionGrant};

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(Method::POST, "/auth/mfa/enroll", Policy::SignedIn, enroll)
        .route(
            Method::POST,
            "/auth/mfa/activate",
            Policy::SignedIn,
            activate,
        )
        .route(Method::POST, "/auth/mfa/verify", Policy::Public, verify)
}

/// `POST /auth/mfa/enroll`: a new pending TOTP secret with its `otpauth://` URI and QR code.
/// Replacing an active authenticator needs a session that passed it.
#[utoipa::path(post, path = "/auth/mfa/enroll", tag = "identity",
    responses(
        (status = 200, description = "A pending secret; confirm it with `mfa/activate`", body = MfaEnrollment),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`mfa_required`: the account has MFA and this session did not pass it", body = Problem, content_type = PROBLEM),
    ))]
pub async fn enroll(State(state): State<AppState>, actor: Actor) -> Result<Response> {
    Ok(no_store(Json(mfa::enroll(&actor, &state).await?)))
}

/// `POST /auth/mfa/activate`: a current code for the pending secret makes it active and
/// returns ten recovery codes, shown this once (earlier codes stop working). The session in
/// hand keeps `mfa: false`; the next sign-in asks for a code.
#[utoipa::path(post, path = "/auth/mfa/activate", tag = "identity", request_body = MfaActivate,
    responses(
        (status = 200, description = "Active; the recovery codes", body = RecoveryCodes),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`mfa_required`: the account has MFA and this session did not pass it", body = Problem, content_type = PROBLEM),
        (status = 409, description = "`mfa_not_pending`: enrol first", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed`: `code` `invalid_mfa_code`, not the authenticator's current code", body = Problem, content_type = PROBLEM),
    ))]
pub async fn activate(
    State(state): State<AppState>,
    actor: Actor,
    Json(body): Json<MfaActivate>,
) -> Result<Response> {
    Ok(no_store(Json(
        mfa::activate(&actor, &state, &body.code).await?,
    )))
}

/// `POST /auth/mfa/verify`: the second step of signing in. A right TOTP code (each step once)
/// or an unused recovery code turns the challenge into a session with `mfa: true`.
///
/// Each challenge allows five attempts; wrong codes also count towards the account's lockout,
/// so a stolen password does not buy unlimited guesses through fresh challenges.
#[utoipa::path(post, path = "/auth/mfa/verify", tag = "identity", request_body = MfaVerify,
    responses(
        (status = 200, description = "Signed in with a second factor; sets the refresh and CSRF cookies", body = SessionGrant),
        (status = 401, description = "`invalid_mfa_code` (try again) or `invalid_mfa_challenge` (sign in again)", body = Problem, content_type = PROBLEM),
    ))]
pub async fn verify(
    State(state): State<AppState>,
    origin: Origin,
    Json(body): Json<MfaVerify>,
) -> Result<Response> {
    // An anonymous route: whoever calls is a guest until the use case identifies them.
    Ok(signed_in(
        mfa::verify(&Actor::guest(origin), &state, &body).await?,
    ))
}
