//! `/api/v1/auth` sessions: exchanging the refresh cookie for a new session and signing out one
//! device or all of them (`app::accounts::sessions`), and how a session is handed to the
//! browser: the grant in the body, the refresh token and a CSRF value in cookies, no caching.

use crate::app::accounts::{self, Session};
use crate::app::{Actor, Origin};
use crate::auth::cookies::{self, check_csrf};
use crate::error::{ApiError, Result};
use crate::extractor::Json;
use crate::routes::PROBLEM;
use crate::routes::policy::{ApiRoutes, Policy};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Response};
use contracts::Problem;
use contracts::auth::{REFRESH_COOKIE, SessionGrant};

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(
            Method::POST,
            "/auth/refresh",
            Policy::RefreshCookie,
            refresh,
        )
        .route(Method::POST, "/auth/logout", Policy::RefreshCookie, logout)
        .route(
            Method::POST,
            "/auth/logout-all",
            Policy::SignedIn,
            logout_all,
        )
}

/// `POST /auth/refresh`: the refresh cookie (with the CSRF header) for a new session. The
/// presented token is spent and a new one set; presenting a spent token again is taken as
/// theft and revokes every token of its sign-in.
#[utoipa::path(post, path = "/auth/refresh", tag = "identity",
    responses(
        (status = 200, description = "A new session; the refresh and CSRF cookies are replaced", body = SessionGrant),
        (status = 401, description = "`unauthenticated`: no, unknown, expired, revoked or reused refresh token; a presented one's cookies are cleared", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`csrf_failed`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn refresh(
    State(state): State<AppState>,
    origin: Origin,
    headers: HeaderMap,
) -> Result<Response> {
    let Some(presented) = cookies::read(&headers, REFRESH_COOKIE) else {
        // Nothing presented, nothing to clear: clearing here would wipe the cookies another
        // tab may have just received by signing in while this tab was loading.
        return Err(ApiError::Unauthenticated);
    };
    check_csrf(&headers)?;
    // An anonymous route: whoever calls is a guest until the use case identifies them.
    let session = accounts::refresh(&Actor::guest(origin), &state, presented).await?;
    Ok(match session {
        Some(session) => signed_in(session),
        None => signed_out(ApiError::Unauthenticated),
    })
}

/// `POST /auth/logout`: signs this device out (revokes the refresh token's family) and clears
/// both cookies. Without a refresh cookie there is nothing to sign out: 204 all the same.
#[utoipa::path(post, path = "/auth/logout", tag = "identity",
    responses(
        (status = 204, description = "Signed out on this device; the cookies are cleared"),
        (status = 403, description = "`csrf_failed`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn logout(
    State(state): State<AppState>,
    origin: Origin,
    headers: HeaderMap,
) -> Result<Response> {
    if let Some(presented) = cookies::read(&headers, REFRESH_COOKIE) {
        // A cross-site page must not be able to sign the user out either.
        check_csrf(&headers)?;
        accounts::sign_out(&Actor::guest(origin), &state, presented).await?;
    }
    Ok(signed_out(StatusCode::NO_CONTENT))
}

/// `POST /auth/logout-all`: revokes every refresh token of the signed-in user, on every device,
/// and clears this browser's cookies.
#[utoipa::path(post, path = "/auth/logout-all", tag = "identity",
    responses(
        (status = 204, description = "Signed out everywhere; the cookies are cleared"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn logout_all(State(state): State<AppState>, actor: Actor) -> Result<Response> {
    accounts::sign_out_everywhere(&actor, &state).await?;
    Ok(signed_out(StatusCode::NO_CONTENT))
}

/// The answer that hands `session` to the browser, its grant as the body.
pub fn signed_in(session: Session) -> Response {
    let grant = session.grant.clone();
    signed_in_with(session, grant)
}

/// The answer that hands `session` to the browser with `body` (the grant itself, or a
/// `LoginOutcome` wrapping it): the refresh and CSRF cookies set, and no caching.
pub fn signed_in_with(session: Session, body: impl serde::Serialize) -> Response {
    let [refresh, csrf] = cookies::set(&session.refresh_token);
    (
        AppendHeaders([
            (header::SET_COOKIE, refresh),
            (header::SET_COOKIE, csrf),
            // Tokens in the body: no cache, shared or private, may keep them.
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ]),
        Json(body),
    )
        .into_response()
}

/// `response` with `Cache-Control: no-store`: it carries a token or a secret.
pub fn no_store(response: impl IntoResponse) -> Response {
    let mut response = response.into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `response` with both session cookies cleared.
fn signed_out(response: impl IntoResponse) -> Response {
    let [refresh, csrf] = cookies::clear();
    (
        AppendHeaders([(header::SET_COOKIE, refresh), (header::SET_COOKIE, csrf)]),
        response,
    )
        .into_response()
}
