//! `/api/v1/auth` sessions: exchanging the refresh cookie for a new session (rotation, theft
//! detection) and signing out one device or all of them.
//!
//! Access tokens are not looked up per request (the API stays stateless), so a signed-out
//! session's access token keeps working until it expires, at most 15 minutes later; what
//! signing out ends at once is the ability to refresh.

use crate::auth::cookies::{self, check_csrf};
use crate::auth::secret;
use crate::auth::session::{self, REFRESH_LIFETIME_SECS};
use crate::auth::token::{self, JwtKeys};
use crate::db::Db;
use crate::db::sessions::{self, Rotation};
use crate::db::users;
use crate::error::{ApiError, Result};
use crate::extractor::AuthUser;
use crate::routes::PROBLEM;
use crate::routes::policy::{ApiRoutes, Policy};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, header};
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
    State(db): State<Db>,
    State(keys): State<JwtKeys>,
    headers: HeaderMap,
) -> Result<Response> {
    let Some(presented) = cookies::read(&headers, REFRESH_COOKIE) else {
        // Nothing presented, nothing to clear: clearing here would wipe the cookies another
        // tab may have just received by signing in while this tab was loading.
        return Err(ApiError::Unauthenticated);
    };
    check_csrf(&headers)?;
    let now = token::now();
    let successor = secret::random_token();
    let rotation = sessions::rotate(
        &db,
        &secret::hash_token(presented),
        &secret::hash_token(&successor),
        now,
        now + REFRESH_LIFETIME_SECS,
    )
    .await?;
    let (user_id, mfa) = match rotation {
        Rotation::Rotated { user_id, mfa } => (user_id, mfa),
        Rotation::Reused => {
            // Someone else holds a copy of this device's token. No token in the log, only
            // that it happened.
            tracing::warn!("a spent refresh token was presented again; its family is revoked");
            return Ok(signed_out(ApiError::Unauthenticated));
        }
        Rotation::Unknown | Rotation::Dead => return Ok(signed_out(ApiError::Unauthenticated)),
    };
    // The account as stored now: a changed role shows in the new access token.
    let Some(user) = users::find_by_id(&db, &user_id).await? else {
        return Ok(signed_out(ApiError::Unauthenticated));
    };
    Ok(session::issue(&keys, &user, mfa, &successor, now)?.into_response())
}

/// `POST /auth/logout`: signs this device out (revokes the refresh token's family) and clears
/// both cookies. Without a refresh cookie there is nothing to sign out: 204 all the same.
#[utoipa::path(post, path = "/auth/logout", tag = "identity",
    responses(
        (status = 204, description = "Signed out on this device; the cookies are cleared"),
        (status = 403, description = "`csrf_failed`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn logout(State(db): State<Db>, headers: HeaderMap) -> Result<Response> {
    if let Some(presented) = cookies::read(&headers, REFRESH_COOKIE) {
        // A cross-site page must not be able to sign the user out either.
        check_csrf(&headers)?;
        sessions::revoke_family_of(&db, &secret::hash_token(presented), token::now()).await?;
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
pub async fn logout_all(State(db): State<Db>, user: AuthUser) -> Result<Response> {
    // Looked up first: a token naming no stored account has nothing to revoke.
    let Some(row) = users::find_by_id(&db, &user.claims.sub).await? else {
        return Err(ApiError::Unauthenticated);
    };
    sessions::revoke_all(&db, &row.id, token::now()).await?;
    Ok(signed_out(StatusCode::NO_CONTENT))
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
