//! `/api/v1/auth/mfa`: enrolling a TOTP authenticator, activating it (which hands out recovery
//! codes), and answering the sign-in challenge with a code.
//!
//! Only [`verify`] issues sessions with `mfa: true`, and only after a right code: that claim is
//! what gives administrators their permissions (`routes::policy`).

use crate::auth::session::{self, CHALLENGE_MAX_ATTEMPTS, LOCKOUT_SECS, MAX_FAILED_LOGINS};
use crate::auth::token::{self, JwtKeys};
use crate::auth::{secret, totp};
use crate::db::users::{self, UserRow};
use crate::db::{Db, mfa};
use crate::error::{ApiError, Result};
use crate::extractor::{AuthUser, Json};
use crate::routes::PROBLEM;
use crate::routes::auth::{field_error, no_store};
use crate::routes::policy::{ApiRoutes, Policy};
use axum::extract::State;
use axum::http::Method;
use axum::response::Response;
use contracts::Problem;
use contracts::auth::{MfaActivate, MfaEnrollment, MfaVerify, RecoveryCodes, SessionGrant};

/// The longest code worth looking at (a recovery code with generous spacing); longer input is
/// wrong without hashing it.
const MAX_CODE_BYTES: usize = 64;

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
pub async fn enroll(State(db): State<Db>, user: AuthUser) -> Result<Response> {
    let account = signed_in_account(&db, &user).await?;
    let secret = totp::new_secret();
    let otpauth_uri = totp::otpauth_uri(&secret, &account.email);
    let qr_rows = totp::qr_rows(&otpauth_uri)?;
    mfa::set_pending(&db, &account.id, &secret).await?;
    Ok(no_store(Json(MfaEnrollment {
        secret,
        otpauth_uri,
        qr_rows,
    })))
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
        (status = 422, description = "`validation_failed`: `code` is not the current code", body = Problem, content_type = PROBLEM),
    ))]
pub async fn activate(
    State(db): State<Db>,
    user: AuthUser,
    Json(body): Json<MfaActivate>,
) -> Result<Response> {
    let account = signed_in_account(&db, &user).await?;
    let pending = mfa::totp_state(&db, &account.id)
        .await?
        .pending_secret
        .ok_or(ApiError::MfaNotPending)?;
    let now = token::now();
    let Some(step) = totp::matching_step(&pending, &body.code, now) else {
        return Err(ApiError::Validation(vec![field_error(
            "code",
            "invalid_mfa_code",
            "is not the current code of the authenticator",
        )]));
    };
    let codes = totp::new_recovery_codes();
    let hashes: Vec<String> = codes
        .iter()
        .map(|code| secret::hash_token(&totp::normalize_recovery_code(code)))
        .collect();
    if !mfa::activate(&db, &account.id, &pending, step, &hashes, now).await? {
        // Enrolled again between reading and activating: that newer secret is pending now.
        return Err(ApiError::MfaNotPending);
    }
    Ok(no_store(Json(RecoveryCodes { codes })))
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
    State(db): State<Db>,
    State(keys): State<JwtKeys>,
    Json(body): Json<MfaVerify>,
) -> Result<Response> {
    let now = token::now();
    let challenge_hash = secret::hash_token(&body.challenge_token);
    let user_id = mfa::attempt_challenge(&db, &challenge_hash, now, CHALLENGE_MAX_ATTEMPTS)
        .await?
        .ok_or(ApiError::InvalidMfaChallenge)?;
    let account = users::find_by_id(&db, &user_id)
        .await?
        .filter(|account| !account.is_locked(now))
        .ok_or(ApiError::InvalidMfaChallenge)?;
    let secret = mfa::totp_state(&db, &account.id)
        .await?
        .secret
        .ok_or(ApiError::InvalidMfaChallenge)?;

    if !second_factor_passes(&db, &account.id, &secret, &body.code, now).await? {
        users::record_failed_login(&db, &account.id, MAX_FAILED_LOGINS, now + LOCKOUT_SECS).await?;
        return Err(ApiError::InvalidMfaCode);
    }
    if !mfa::finish_challenge(&db, &challenge_hash, now).await? {
        return Err(ApiError::InvalidMfaChallenge);
    }
    users::clear_failed_logins(&db, &account.id).await?;
    let issued = session::start(&db, &keys, &account, true).await?;
    Ok(axum::response::IntoResponse::into_response(issued))
}

/// Whether `code` is a TOTP code of `secret` for a step not used before, or one of the
/// account's unused recovery codes; either is spent by passing.
async fn second_factor_passes(
    db: &Db,
    user_id: &str,
    secret: &str,
    code: &str,
    now: i64,
) -> Result<bool> {
    if code.len() > MAX_CODE_BYTES {
        return Ok(false);
    }
    if let Some(step) = totp::matching_step(secret, code, now) {
        return mfa::claim_totp_step(db, user_id, step)
            .await
            .map_err(ApiError::from);
    }
    let normalized = totp::normalize_recovery_code(code);
    if normalized.len() < 16 {
        // Six digits that did not match, or too short to be a recovery code.
        return Ok(false);
    }
    mfa::use_recovery_code(db, user_id, &secret::hash_token(&normalized), now)
        .await
        .map_err(ApiError::from)
}

/// The stored account of the session, refusing a session without a second factor when the
/// account has one: changing the authenticator is as sensitive as using it.
async fn signed_in_account(db: &Db, user: &AuthUser) -> Result<UserRow> {
    let account = users::find_by_id(db, &user.claims.sub)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    if account.mfa_enabled && !user.claims.mfa {
        return Err(ApiError::MfaRequired);
    }
    Ok(account)
}
