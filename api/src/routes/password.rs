//! `/api/v1/auth/password`: asking for a reset link by mail and setting a new password with it.

use crate::auth::session::RESET_LIFETIME_SECS;
use crate::auth::{password, secret, token};
use crate::db::Db;
use crate::db::password_resets::{self, Mail};
use crate::db::users;
use crate::error::{ApiError, Result};
use crate::extractor::Json;
use crate::routes::PROBLEM;
use crate::routes::auth::field_error;
use crate::routes::policy::{ApiRoutes, Policy};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use contracts::Problem;
use contracts::auth::{ForgotPassword, ResetPassword};

/// The front-end route the mailed link opens; the token follows as `?token=`.
pub const RESET_PATH: &str = "/reset-password";
/// The subject of the reset mail.
pub const RESET_SUBJECT: &str = "Reset your Bazaar password";
/// The longest reset token worth looking up (ours are 43 characters).
const MAX_TOKEN_BYTES: usize = 128;

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
    Json(body): Json<ForgotPassword>,
) -> Result<StatusCode> {
    // The same work either way up to here: one indexed lookup and one token. The insert for
    // an existing account costs a few milliseconds more, well inside network jitter (and the
    // endpoint is rate-limited).
    let token = secret::random_token();
    let user = users::find_by_email(&state.db, &body.email).await?;
    if let Some(user) = user {
        let link = format!(
            "{}{RESET_PATH}?token={token}",
            state.public_url.trim_end_matches('/')
        );
        let body = reset_mail_body(&user.display_name, &link);
        let mail = Mail {
            to_address: &user.email,
            subject: RESET_SUBJECT,
            body: &body,
        };
        let expires_at = token::now() + RESET_LIFETIME_SECS;
        password_resets::create(
            &state.db,
            &user.id,
            &secret::hash_token(&token),
            expires_at,
            &mail,
        )
        .await?;
    }
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
pub async fn reset(State(db): State<Db>, Json(body): Json<ResetPassword>) -> Result<StatusCode> {
    if let Err(error) = password::check_policy(&body.password) {
        return Err(ApiError::Validation(vec![field_error(
            "password",
            error.code(),
            &error.to_string(),
        )]));
    }
    if body.token.is_empty() || body.token.len() > MAX_TOKEN_BYTES {
        return Err(ApiError::InvalidResetToken);
    }
    let token_hash = secret::hash_token(&body.token);
    // Checked before hashing, so a guessed token costs the server no argon2 work.
    if !password_resets::is_live(&db, &token_hash, token::now()).await? {
        return Err(ApiError::InvalidResetToken);
    }
    let password_hash = password::hash(body.password).await?;
    password_resets::redeem(&db, &token_hash, &password_hash, token::now())
        .await?
        .ok_or(ApiError::InvalidResetToken)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The reset mail's text. The link is on a line of its own so mail clients (and the browser
/// tests reading the development mail folder) find it whole.
fn reset_mail_body(display_name: &str, link: &str) -> String {
    format!(
        "Hello {display_name},\n\n\
         someone (we hope you) asked to reset the password of your Bazaar account.\n\
         Open this link within 30 minutes to choose a new one:\n\n\
         {link}\n\n\
         The link works once. If you did not ask for it, ignore this mail: your password \
         stays as it is.\n"
    )
}
