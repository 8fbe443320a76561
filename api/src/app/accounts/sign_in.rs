//! Signing in with a password: the lockout (ten failures in a row lock an account for 15
//! minutes), and the challenge an account with a second factor must answer before it gets a
//! session (`app::accounts::mfa::verify`).

use crate::app::Actor;
use crate::app::accounts::lookup;
use crate::app::accounts::sessions::{self, Session};
use crate::auth::session::{CHALLENGE_LIFETIME_SECS, LOCKOUT_SECS, MAX_FAILED_LOGINS};
use crate::auth::{password, secret};
use crate::db::users::{self, UserRow};
use crate::db::{Conn, Id, mfa};
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
/// starts the count again.
pub async fn sign_in(_actor: &Actor, state: &AppState, credentials: Credentials) -> Result<SignIn> {
    // Longer than any accepted password: refused without hashing megabytes.
    if credentials.password.len() > password::MAX_BYTES {
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
        return Err(ApiError::InvalidCredentials);
    };
    if user.is_locked(now) {
        // Not counted: a lock is not extended by the attempts it refuses.
        return Err(ApiError::InvalidCredentials);
    }
    let mut conn = state.db.conn().await?;
    if !matches {
        count_failure(&mut conn, user.id, now).await?;
        return Err(ApiError::InvalidCredentials);
    }
    if user.mfa_enabled {
        // The failure count is left as it is: wrong codes count too (`mfa::verify`), and only
        // a complete sign-in resets it, so a known password cannot buy unlimited code guesses.
        let challenge = secret::random_token();
        let expires_at = now + CHALLENGE_LIFETIME_SECS;
        let hash = secret::hash_token(&challenge);
        mfa::create_challenge(&mut conn, &hash, user.id, expires_at).await?;
        return Ok(SignIn::Challenge(MfaChallenge {
            challenge_token: challenge,
            expires_at,
        }));
    }
    drop(conn);
    complete(state, &user, false, now)
        .await
        .map(SignIn::Session)
}

/// Counts a failed sign-in (a wrong password or second factor) towards the lockout.
pub(super) async fn count_failure(conn: &mut Conn, id: Id, now: i64) -> Result<()> {
    users::record_failed_login(conn, id, MAX_FAILED_LOGINS, now + LOCKOUT_SECS).await?;
    Ok(())
}

/// A complete sign-in (`mfa`: with a second factor): the failure count starts again and a
/// session begins.
pub(super) async fn complete(
    state: &AppState,
    user: &UserRow,
    mfa: bool,
    now: i64,
) -> Result<Session> {
    // One transaction: the count starts again exactly when the session does.
    let mut tx = state.db.begin().await?;
    users::clear_failed_logins(&mut tx, user.id).await?;
    let session = sessions::start_on(&mut tx, &state.jwt, user, mfa, now).await?;
    tx.commit().await?;
    Ok(session)
}
