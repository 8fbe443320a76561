//! Signing in with a password: the lockout (ten failures in a row lock an account for 15
//! minutes), and the challenge an account with a second factor must answer before it gets a
//! session (`app::accounts::mfa::verify`).

use crate::app::Actor;
use crate::app::accounts::lookup;
use crate::app::accounts::sessions::{self, Session};
use crate::app::audit::{self, Entry};
use crate::auth::session::{CHALLENGE_LIFETIME_SECS, LOCKOUT_SECS, MAX_FAILED_LOGINS};
use crate::auth::{password, secret};
use crate::db::users::{self, UserRow};
use crate::db::{Id, mfa};
use crate::error::{ApiError, Result};
use crate::state::AppState;
use contracts::auth::{Credentials, MfaChallenge};

/// What a right password leads to.
pub enum SignIn {
    /// Signed in.
    Session(Session),
    /// The account has a second factor: answer this challenge (no session yet).
    Challenge(MfaChallenge),
}

/// A session for the right email and password, or a challenge when the account has a second
/// factor. The credentials name the account; `actor` is whoever asks (a guest).
///
/// A wrong password, an unknown email and a locked account fail alike after the same work
/// (one argon2 verification each: against the dummy hash when there is no account, against
/// the real one even when locked). The failures of a series lock the account; a success
/// starts the count again. Every failure is audited (`auth:login`, FAILURE, with the client's
/// address), and so is the lockout it may cause (`auth:lockout`).
pub async fn sign_in(actor: &Actor, state: &AppState, credentials: Credentials) -> Result<SignIn> {
    // Longer than any accepted password: refused without hashing megabytes.
    if credentials.password.len() > password::MAX_BYTES {
        let entry = Entry::failure("auth:login", "users", None, TOO_LONG, state.clock.now());
        audit::record_alone(&state.db, actor, &entry).await?;
        return Err(ApiError::InvalidCredentials);
    }
    let user = lookup::find_by_email(
        &mut state.db.conn().await?,
        &state.vault,
        &credentials.email,
    )
    .await?;
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let matches = password::verify(credentials.password, stored).await?;
    let now = state.clock.now();
    let Some(user) = user else {
        let entry = Entry::failure("auth:login", "users", None, UNKNOWN_ACCOUNT, now);
        audit::record_alone(&state.db, actor, &entry).await?;
        return Err(ApiError::InvalidCredentials);
    };
    if user.is_locked(now) {
        // Not counted: a lock is not extended by the attempts it refuses.
        let entry = Entry::failure("auth:login", "users", Some(user.id), LOCKED, now);
        audit::record_alone(&state.db, actor, &entry).await?;
        return Err(ApiError::InvalidCredentials);
    }
    if !matches {
        failed(state, actor, user.id, "auth:login", WRONG_PASSWORD, now).await?;
        return Err(ApiError::InvalidCredentials);
    }
    // Said only to whoever knows the password: a stranger learns nothing of the account.
    if user.disabled {
        let entry = Entry::failure("auth:login", "users", Some(user.id), DISABLED, now);
        audit::record_alone(&state.db, actor, &entry).await?;
        return Err(ApiError::AccountDisabled);
    }
    if user.mfa_enabled {
        // The failure count is left as it is: wrong codes count too (`mfa::verify`), and only
        // a complete sign-in resets it, so a known password cannot buy unlimited code guesses.
        let challenge = secret::random_token();
        let expires_at = now + CHALLENGE_LIFETIME_SECS;
        let hash = secret::hash_token(&challenge);
        let mut tx = state.db.begin().await?;
        mfa::create_challenge(&mut tx, &hash, user.id, expires_at).await?;
        let entry = Entry::success("auth:challenge", "users", Some(user.id), now);
        audit::record(
            &mut tx,
            &audit::as_account(actor, user.id, user.role),
            &entry,
        )
        .await?;
        tx.commit().await?;
        return Ok(SignIn::Challenge(MfaChallenge {
            challenge_token: challenge,
            expires_at,
        }));
    }
    complete(state, actor, &user, false, now)
        .await
        .map(SignIn::Session)
}

/// The audited reasons of a failed sign-in (never the email or password tried).
const UNKNOWN_ACCOUNT: &str = "no account has this email";
const WRONG_PASSWORD: &str = "wrong password";
const LOCKED: &str = "the account is locked";
const DISABLED: &str = "the account is disabled";
const TOO_LONG: &str = "the password is longer than any accepted";

/// A failed sign-in step (`action`: a wrong password, a wrong second factor) of account `id`,
/// in its own transaction: counted towards the lockout and audited as FAILURE with `why`,
/// and the lockout it causes audited as `auth:lockout`.
pub(super) async fn failed(
    state: &AppState,
    actor: &Actor,
    id: Id,
    action: &str,
    why: &str,
    now: i64,
) -> Result<()> {
    let mut tx = state.db.begin().await?;
    users::record_failed_login(&mut tx, id, MAX_FAILED_LOGINS, now + LOCKOUT_SECS).await?;
    audit::record(
        &mut tx,
        actor,
        &Entry::failure(action, "users", Some(id), why, now),
    )
    .await?;
    let locked = users::find_by_id(&mut tx, id)
        .await?
        .is_some_and(|account| account.is_locked(now));
    if locked {
        let entry = Entry::failure("auth:lockout", "users", Some(id), "too many failures", now)
            .with_changes(serde_json::json!({"lockedUntil": {"after": now + LOCKOUT_SECS}}));
        audit::record(&mut tx, actor, &entry).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A complete sign-in (`mfa`: with a second factor): the failure count starts again and a
/// session begins.
pub(super) async fn complete(
    state: &AppState,
    actor: &Actor,
    user: &UserRow,
    mfa: bool,
    now: i64,
) -> Result<Session> {
    // A challenge answered after the account was disabled starts no session.
    if user.disabled {
        let entry = Entry::failure("auth:login", "users", Some(user.id), DISABLED, now);
        audit::record_alone(&state.db, actor, &entry).await?;
        return Err(ApiError::AccountDisabled);
    }
    // One transaction: the count starts again exactly when the session does.
    let mut tx = state.db.begin().await?;
    users::clear_failed_logins(&mut tx, user.id).await?;
    let session = sessions::start_on(&mut tx, &state.jwt, user, mfa, now).await?;
    let entry = Entry::success("auth:login", "users", Some(user.id), now)
        .with_changes(serde_json::json!({"mfa": {"after": mfa}}));
    audit::record(
        &mut tx,
        &audit::as_account(actor, user.id, user.role),
        &entry,
    )
    .await?;
    tx.commit().await?;
    Ok(session)
}
