//! `/api/v1/auth`: create an account, sign in (with lockout, and a challenge when the account
//! has a second factor), and say who a token belongs to. Sessions (refresh, sign-out) are in
//! `routes::session`, the second factor in `routes::mfa`, resets in `routes::password`.

use crate::auth::session::{self, CHALLENGE_LIFETIME_SECS, LOCKOUT_SECS, MAX_FAILED_LOGINS};
use crate::auth::token::{self, JwtKeys};
use crate::auth::{password, secret};
use crate::db::users::{self, NewUser};
use crate::db::{Db, mfa};
use crate::error::{ApiError, Result};
use crate::extractor::{AuthUser, Json};
use crate::routes::PROBLEM;
use crate::routes::policy::{ApiRoutes, Policy};
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use contracts::auth::{Credentials, LoginOutcome, MfaChallenge, NewAccount, SessionGrant};
use contracts::props::{Role, SessionUser};
use contracts::{FieldError, Problem};

/// The longest display name, in characters.
const MAX_DISPLAY_NAME_CHARS: usize = 100;
/// The longest email address (RFC 5321's path limit).
const MAX_EMAIL_BYTES: usize = 254;

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
    State(db): State<Db>,
    State(keys): State<JwtKeys>,
    Json(account): Json<NewAccount>,
) -> Result<(StatusCode, session::Issued)> {
    let display_name = validate_account(&account)?;
    let password_hash = password::hash(account.password).await?;
    let id = uuid::Uuid::new_v4().to_string();
    let user = NewUser {
        id: &id,
        email: &account.email,
        display_name: &display_name,
        password_hash: &password_hash,
        // Self-service accounts are customers; other roles are granted by administrators.
        role: Role::Customer,
    };
    users::insert(&db, &user).await.map_err(|error| {
        // The UNIQUE constraint decides, so two racing sign-ups cannot both win.
        if error
            .as_database_error()
            .is_some_and(|e| e.is_unique_violation())
        {
            ApiError::EmailTaken
        } else {
            ApiError::from(error)
        }
    })?;
    let user = users::UserRow {
        id,
        display_name,
        password_hash,
        role: Role::Customer,
        email: users::store_email(&account.email).stored,
        locked_until: None,
        mfa_enabled: false,
    };
    let issued = session::start(&db, &keys, &user, false).await?;
    Ok((StatusCode::CREATED, issued))
}

/// `POST /auth/login`: a session for the right email and password, or a challenge when the
/// account has a second factor (then no cookies yet).
///
/// A wrong password, an unknown email and a locked account get byte-identical answers after
/// the same work (one argon2 verification each: against the dummy hash when there is no
/// account, against the real one even when locked). Ten failures in a row lock the account
/// for 15 minutes; a success resets the count.
#[utoipa::path(post, path = "/auth/login", tag = "identity", request_body = Credentials,
    responses(
        (status = 200, description = "Signed in (`session`, with the refresh and CSRF cookies) or a second factor is due (`mfaRequired`, no cookies)", body = LoginOutcome),
        (status = 401, description = "`invalid_credentials` (also for a locked account)", body = Problem, content_type = PROBLEM),
    ))]
pub async fn login(
    State(db): State<Db>,
    State(keys): State<JwtKeys>,
    Json(credentials): Json<Credentials>,
) -> Result<Response> {
    // Longer than any accepted password: refused without hashing megabytes.
    if credentials.password.len() > password::MAX_BYTES {
        return Err(ApiError::InvalidCredentials);
    }
    let user = users::find_by_email(&db, &credentials.email).await?;
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let matches = password::verify(credentials.password, stored).await?;
    let now = token::now();
    let Some(user) = user else {
        return Err(ApiError::InvalidCredentials);
    };
    if user.is_locked(now) {
        // Not counted: a lock is not extended by the attempts it refuses.
        return Err(ApiError::InvalidCredentials);
    }
    if !matches {
        users::record_failed_login(&db, &user.id, MAX_FAILED_LOGINS, now + LOCKOUT_SECS).await?;
        return Err(ApiError::InvalidCredentials);
    }
    if user.mfa_enabled {
        // The failure count is left as it is: wrong codes count too (`routes::mfa`), and only
        // a complete sign-in resets it, so a known password cannot buy unlimited code guesses.
        let challenge = secret::random_token();
        let expires_at = now + CHALLENGE_LIFETIME_SECS;
        mfa::create_challenge(&db, &secret::hash_token(&challenge), &user.id, expires_at).await?;
        let outcome = LoginOutcome::MfaRequired(MfaChallenge {
            challenge_token: challenge,
            expires_at,
        });
        return Ok(no_store(Json(outcome)));
    }
    users::clear_failed_logins(&db, &user.id).await?;
    let issued = session::start(&db, &keys, &user, false).await?;
    let outcome = LoginOutcome::Session(issued.grant.clone());
    Ok(issued.respond_with(outcome))
}

/// `response` with `Cache-Control: no-store`: it carries a token.
pub fn no_store(response: impl IntoResponse) -> Response {
    let mut response = response.into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /auth/me`: the user the access token names, as stored now (a deleted account's token
/// stops working here at once).
#[utoipa::path(get, path = "/auth/me", tag = "identity",
    responses(
        (status = 200, description = "The signed-in user", body = SessionUser),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn me(State(db): State<Db>, user: AuthUser) -> Result<Json<SessionUser>> {
    let row = users::find_by_id(&db, &user.claims.sub)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    Ok(Json(user.claims.session_user(row.display_name)))
}

/// Checks every field of a new account at once, so the form can mark them all; the trimmed
/// display name when all are fine.
pub fn validate_account(account: &NewAccount) -> Result<String> {
    let mut errors = Vec::new();
    if let Err(message) = validate_email(&account.email) {
        errors.push(field_error("email", "invalid_email", message));
    }
    if let Err(error) = password::check_policy(&account.password) {
        errors.push(field_error("password", error.code(), &error.to_string()));
    }
    let display_name = account.display_name.trim();
    if display_name.is_empty() {
        errors.push(field_error("displayName", "required", "must not be empty"));
    } else if display_name.chars().count() > MAX_DISPLAY_NAME_CHARS {
        errors.push(field_error(
            "displayName",
            "too_long",
            "must be at most 100 characters",
        ));
    }
    if errors.is_empty() {
        Ok(display_name.to_owned())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// A plausible address: one `@`, something before it, a dotted domain after it, no spaces or
/// control characters. Whether it receives mail is for email verification to find out.
pub fn validate_email(email: &str) -> Result<(), &'static str> {
    let email = email.trim();
    if email.len() > MAX_EMAIL_BYTES {
        return Err("must be at most 254 characters");
    }
    let valid = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
    }) && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid {
        Ok(())
    } else {
        Err("must be an email address like name@example.com")
    }
}

pub fn field_error(field: &str, code: &str, message: &str) -> FieldError {
    FieldError {
        field: field.to_owned(),
        code: code.to_owned(),
        message: message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plausible_emails_pass_and_malformed_ones_do_not() {
        for email in ["a@example.com", " Asha.Rao+shop@mail.example.in "] {
            assert_eq!(validate_email(email), Ok(()), "{email}");
        }
        for email in [
            "",
            "asha",
            "@example.com",
            "asha@",
            "asha@example",
            "asha@@example.com",
            "as ha@example.com",
            "asha@.com",
            "asha@example.",
        ] {
            assert!(validate_email(email).is_err(), "{email}");
        }
        assert!(validate_email(&format!("{}@example.com", "a".repeat(250))).is_err());
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let account = NewAccount {
            email: "nope".into(),
            password: "short".into(),
            display_name: "   ".into(),
        };
        let Err(ApiError::Validation(errors)) = validate_account(&account) else {
            panic!("accepted");
        };

        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "password", "displayName"]);
    }

    #[test]
    fn a_display_name_is_trimmed_and_limited_to_100_characters() {
        let mut account = NewAccount {
            email: "a@example.com".into(),
            password: "correct horse battery".into(),
            display_name: "  Asha  ".into(),
        };
        assert_eq!(validate_account(&account).unwrap(), "Asha");

        account.display_name = "é".repeat(100);
        assert!(validate_account(&account).is_ok());
        account.display_name = "é".repeat(101);
        assert!(validate_account(&account).is_err());
    }
}
