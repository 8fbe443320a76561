//! `/api/v1/auth`: create an account, sign in, and say who a token belongs to.

use crate::auth::password;
use crate::auth::token::{self, Claims, JwtKeys};
use crate::db::Db;
use crate::db::users::{self, NewUser};
use crate::error::{ApiError, Result};
use crate::extractor::{AuthUser, Json};
use crate::routes::PROBLEM;
use crate::routes::policy::{ApiRoutes, Policy};
use axum::extract::State;
use axum::http::{Method, StatusCode};
use contracts::auth::{Credentials, NewAccount, SessionGrant};
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

/// `POST /auth/register`: a new customer account, signed in at once (201).
#[utoipa::path(post, path = "/auth/register", tag = "identity", request_body = NewAccount,
    responses(
        (status = 201, description = "Account created and signed in", body = SessionGrant),
        (status = 409, description = "`email_taken`", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed`, with `errors` per field", body = Problem, content_type = PROBLEM),
    ))]
pub async fn register(
    State(db): State<Db>,
    State(keys): State<JwtKeys>,
    Json(account): Json<NewAccount>,
) -> Result<(StatusCode, Json<SessionGrant>)> {
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
            ApiError::database(error)
        }
    })?;
    let grant = grant(&keys, &id, Role::Customer, display_name)?;
    Ok((StatusCode::CREATED, Json(grant)))
}

/// `POST /auth/login`: a session for the right email and password. A wrong password and an
/// unknown email get the same answer after the same work (a hash verification each).
#[utoipa::path(post, path = "/auth/login", tag = "identity", request_body = Credentials,
    responses(
        (status = 200, description = "Signed in", body = SessionGrant),
        (status = 401, description = "`invalid_credentials`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn login(
    State(db): State<Db>,
    State(keys): State<JwtKeys>,
    Json(credentials): Json<Credentials>,
) -> Result<Json<SessionGrant>> {
    // Longer than any accepted password: refused without hashing megabytes.
    if credentials.password.len() > password::MAX_BYTES {
        return Err(ApiError::InvalidCredentials);
    }
    let user = users::find_by_email(&db, &credentials.email)
        .await
        .map_err(ApiError::database)?;
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    if !password::verify(credentials.password, stored).await? {
        return Err(ApiError::InvalidCredentials);
    }
    let user = user.ok_or(ApiError::InvalidCredentials)?;
    Ok(Json(grant(&keys, &user.id, user.role, user.display_name)?))
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
        .await
        .map_err(ApiError::database)?
        .ok_or(ApiError::Unauthenticated)?;
    Ok(Json(user.claims.session_user(row.display_name)))
}

fn grant(keys: &JwtKeys, id: &str, role: Role, display_name: String) -> Result<SessionGrant> {
    let claims = Claims::new(id, role, token::now());
    Ok(SessionGrant {
        access_token: keys.sign(&claims)?,
        expires_at: claims.exp,
        user: claims.session_user(display_name),
    })
}

/// Checks every field of a new account at once, so the form can mark them all; the trimmed
/// display name when all are fine.
fn validate_account(account: &NewAccount) -> Result<String> {
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
fn validate_email(email: &str) -> Result<(), &'static str> {
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

fn field_error(field: &str, code: &str, message: &str) -> FieldError {
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
