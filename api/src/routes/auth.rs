//! `/api/v1/auth`: create an account, sign in (with lockout, and a challenge when the account
//! has a second factor), and say who a token belongs to. Sessions (refresh, sign-out) are in
//! `routes::session`, the second factor in `routes::mfa`, resets in `routes::password`; the
//! rules of all of them in `app::accounts`.

use crate::app::accounts::{self, SignIn};
use crate::app::{Actor, Origin};
use crate::error::Result;
use crate::extractor::Json;
use crate::routes::PROBLEM;
use crate::routes::policy::{ApiRoutes, Policy};
use crate::routes::session::{no_store, signed_in, signed_in_with};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use contracts::Problem;
use contracts::auth::{Credentials, LoginOutcome, NewAccount, SessionGrant};
use contracts::props::SessionUser;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(Method::POST, "/auth/register", Policy::Public, register)
        .route(Method::POST, "/auth/login", Policy::Public, login)
        .route(Method::GET, "/auth/me", Policy::SignedIn, me)
}

/// `POST /auth/register`: a new customer account, signed in at once (201, with the refresh and
/// CSRF cookies).
#[utoipa::path(post, path = "/auth/register", tag = "identity", request_body = NewAccount,
    responses(
        (status = 201, description = "Account created and signed in; sets the refresh and CSRF cookies", body = SessionGrant),
        (status = 409, description = "`email_taken`", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed`, with `errors` per field", body = Problem, content_type = PROBLEM),
    ))]
pub async fn register(
    State(state): State<AppState>,
    origin: Origin,
    Json(account): Json<NewAccount>,
) -> Result<(StatusCode, Response)> {
    // An anonymous route: whoever calls is a guest until the use case identifies them.
    let session = accounts::register(&Actor::guest(origin), &state, account).await?;
    Ok((StatusCode::CREATED, signed_in(session)))
}

/// `POST /auth/login`: a session for the right email and password, or a challenge when the
/// account has a second factor (then no cookies yet).
///
/// A wrong password, an unknown email and a locked account get byte-identical answers after
/// the same work. Ten failures in a row lock the account for 15 minutes; a success resets the
/// count.
#[utoipa::path(post, path = "/auth/login", tag = "identity", request_body = Credentials,
    responses(
        (status = 200, description = "Signed in (`session`, with the refresh and CSRF cookies) or a second factor is due (`mfaRequired`, no cookies)", body = LoginOutcome),
        (status = 401, description = "`invalid_credentials` (also for a locked account)", body = Problem, content_type = PROBLEM),
    ))]
pub async fn login(
    State(state): State<AppState>,
    origin: Origin,
    Json(credentials): Json<Credentials>,
) -> Result<Response> {
    let signed = accounts::sign_in(&Actor::guest(origin), &state, credentials).await?;
    Ok(match signed {
        SignIn::Session(session) => {
            let outcome = LoginOutcome::Session(session.grant.clone());
            signed_in_with(session, outcome)
        }
        SignIn::Challenge(challenge) => no_store(Json(LoginOutcome::MfaRequired(challenge))),
    })
}

/// `GET /auth/me`: the user the access token names, as stored now (a deleted account's token
/// stops working here at once).
#[utoipa::path(get, path = "/auth/me", tag = "identity",
    responses(
        (status = 200, description = "The signed-in user", body = SessionUser),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn me(State(state): State<AppState>, actor: Actor) -> Result<Json<SessionUser>> {
    accounts::me(&actor, &state).await.map(Json)
}
