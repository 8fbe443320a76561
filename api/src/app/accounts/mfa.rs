//! The second factor: enrolling a TOTP authenticator, activating it (which hands out recovery
//! codes), and answering the sign-in challenge with a code.
//!
//! Only [`verify`] starts sessions with `mfa: true`, and only after a right code: that claim is
//! what gives administrators their permissions (`routes::policy`).

use crate::app::accounts::lookup;
use crate::app::accounts::profile::account_of;
use crate::app::accounts::sessions::Session;
use crate::app::accounts::sign_in::{complete, failed};
use crate::app::audit::{self, Entry};
use crate::app::{Actor, impersonation};
use crate::auth::session::CHALLENGE_MAX_ATTEMPTS;
use crate::auth::{secret, totp};
use crate::crypto::Column;
use crate::db::users::{self, UserRow};
use crate::db::{Conn, Id, mfa};
use crate::domain::field_error;
use crate::error::{ApiError, Result};
use crate::state::AppState;
use contracts::auth::{MfaEnrollment, MfaVerify, RecoveryCodes};

/// The longest code worth looking at (a recovery code with generous spacing); longer input is
/// wrong without hashing it.
const MAX_CODE_BYTES: usize = 64;

/// A new pending TOTP secret with its `otpauth://` URI and QR code. Replacing an active
/// authenticator needs a session that passed it.
pub async fn enroll(actor: &Actor, state: &AppState) -> Result<MfaEnrollment> {
    // Support acting as the account may not change its second factor (seed 000 section 6.2).
    impersonation::forbid(actor, "secondFactor")?;
    let mut conn = state.db.conn().await?;
    let account = changing_account(&mut conn, actor).await?;
    drop(conn);
    let secret = totp::new_secret();
    let email = lookup::email_of(&state.vault, &account)?;
    let otpauth_uri = totp::otpauth_uri(&secret, &email);
    let qr_rows = totp::qr_rows(&otpauth_uri)?;
    let sealed = state
        .vault
        .seal(Column::TotpPendingSecret, account.id, &secret);
    let mut tx = state.db.begin().await?;
    mfa::set_pending(&mut tx, account.id, &sealed).await?;
    // The secret is never in the row: only that one is pending.
    let entry = Entry::success("mfa:enroll", "users", Some(account.id), state.clock.now());
    audit::record(&mut tx, actor, &entry).await?;
    tx.commit().await?;
    Ok(MfaEnrollment {
        secret,
        otpauth_uri,
        qr_rows,
    })
}

/// A current `code` for the pending secret makes it active and returns ten recovery codes,
/// shown this once (earlier codes stop working). The session in hand keeps `mfa: false`; the
/// next sign-in asks for a code.
pub async fn activate(actor: &Actor, state: &AppState, code: &str) -> Result<RecoveryCodes> {
    impersonation::forbid(actor, "secondFactor")?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let account = changing_account(&mut tx, actor).await?;
    let stored_pending = mfa::totp_state(&mut tx, account.id)
        .await?
        .pending_secret
        .ok_or(ApiError::MfaNotPending)?;
    let pending = state
        .vault
        .open(Column::TotpPendingSecret, account.id, &stored_pending)?;
    let Some(step) = totp::matching_step(&pending, code, now) else {
        drop(tx);
        let entry = Entry::failure("mfa:activate", "users", Some(account.id), WRONG_CODE, now);
        audit::record_alone(&state.db, actor, &entry).await?;
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
    let active = state.vault.seal(Column::TotpSecret, account.id, &pending);
    if !mfa::activate(&mut tx, account.id, &stored_pending, &active, step).await? {
        // Enrolled again between reading and activating: that newer secret is pending now.
        return Err(ApiError::MfaNotPending);
    }
    mfa::mark_enabled(&mut tx, account.id, now).await?;
    mfa::replace_recovery_codes(&mut tx, account.id, &hashes).await?;
    let entry = Entry::success("mfa:activate", "users", Some(account.id), now);
    audit::record(&mut tx, actor, &entry).await?;
    tx.commit().await?;
    Ok(RecoveryCodes { codes })
}

/// The second step of signing in. A right TOTP code (each step once) or an unused recovery
/// code turns the challenge into a session with `mfa: true`. The challenge, not `actor` (a
/// guest), names the account.
///
/// Each challenge allows five attempts; wrong codes also count towards the account's lockout,
/// so a stolen password does not buy unlimited guesses through fresh challenges.
pub async fn verify(actor: &Actor, state: &AppState, answer: &MfaVerify) -> Result<Session> {
    let now = state.clock.now();
    let challenge_hash = secret::hash_token(&answer.challenge_token);
    let mut conn = state.db.conn().await?;
    let Some(user_id) =
        mfa::attempt_challenge(&mut conn, &challenge_hash, now, CHALLENGE_MAX_ATTEMPTS).await?
    else {
        drop(conn);
        let entry = Entry::failure("auth:mfa_verify", "users", None, BAD_CHALLENGE, now);
        audit::record_alone(&state.db, actor, &entry).await?;
        return Err(ApiError::InvalidMfaChallenge);
    };
    let Some(account) = users::find_by_id(&mut conn, user_id)
        .await?
        .filter(|account| !account.is_locked(now))
    else {
        drop(conn);
        let entry = Entry::failure("auth:mfa_verify", "users", Some(user_id), LOCKED, now);
        audit::record_alone(&state.db, actor, &entry).await?;
        return Err(ApiError::InvalidMfaChallenge);
    };
    let stored = mfa::totp_state(&mut conn, account.id)
        .await?
        .secret
        .ok_or(ApiError::InvalidMfaChallenge)?;
    let secret = state.vault.open(Column::TotpSecret, account.id, &stored)?;

    if !second_factor_passes(&mut conn, account.id, &secret, &answer.code, now).await? {
        drop(conn);
        failed(state, actor, account.id, "auth:mfa_verify", WRONG_CODE, now).await?;
        return Err(ApiError::InvalidMfaCode);
    }
    if !mfa::finish_challenge(&mut conn, &challenge_hash, now).await? {
        return Err(ApiError::InvalidMfaChallenge);
    }
    drop(conn);
    complete(state, actor, &account, true, now).await
}

/// The audited reasons of a failed second factor (never the code tried).
const WRONG_CODE: &str = "wrong code";
const BAD_CHALLENGE: &str = "unknown, expired or exhausted challenge";
const LOCKED: &str = "the account is locked";

/// Whether `code` is a TOTP code of `secret` for a step not used before, or one of the
/// account's unused recovery codes; either is spent by passing.
async fn second_factor_passes(
    conn: &mut Conn,
    user_id: Id,
    secret: &str,
    code: &str,
    now: i64,
) -> Result<bool> {
    if code.len() > MAX_CODE_BYTES {
        return Ok(false);
    }
    if let Some(step) = totp::matching_step(secret, code, now) {
        return Ok(mfa::claim_totp_step(conn, user_id, step).await?);
    }
    let normalized = totp::normalize_recovery_code(code);
    if normalized.len() < 16 {
        // Six digits that did not match, or too short to be a recovery code.
        return Ok(false);
    }
    let hash = secret::hash_token(&normalized);
    Ok(mfa::use_recovery_code(conn, user_id, &hash, now).await?)
}

/// The stored account of a session that may change the authenticator: one without a second
/// factor is refused when the account has one, since changing it is as sensitive as using it.
async fn changing_account(conn: &mut Conn, actor: &Actor) -> Result<UserRow> {
    let user = actor.user().ok_or(ApiError::Unauthenticated)?;
    let account = account_of(conn, user.id).await?;
    if account.mfa_enabled && !user.mfa {
        return Err(ApiError::MfaRequired);
    }
    Ok(account)
}
