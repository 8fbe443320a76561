//! Sessions: one family of refresh tokens per sign-in, each token good for one exchange
//! (rotation), a spent token presented again taken as theft (its family revoked), and signing
//! out one device or all of them.
//!
//! Access tokens are not looked up per request (the API stays stateless), so a signed-out
//! session's access token keeps working until it expires, at most 15 minutes later; what
//! signing out ends at once is the ability to refresh.

use crate::app::accounts::profile::account_of;
use crate::app::audit::{self, Entry};
use crate::app::{Actor, impersonation};
use crate::auth::secret;
use crate::auth::session::REFRESH_LIFETIME_SECS;
use crate::auth::token::{Claims, JwtKeys};
use crate::db::users::{self, UserRow};
use crate::db::{Conn, Id, sessions, shops};
use crate::error::{ApiError, Result};
use crate::state::AppState;
use contracts::auth::SessionGrant;
use contracts::props::Role;

/// A session to hand to the client: the grant for the body, and the refresh token (already
/// stored, hashed) for its cookie. Not `Debug`, so no log line can print its tokens.
pub struct Session {
    pub grant: SessionGrant,
    pub refresh_token: String,
}

/// Starts a session for `user` after a sign-in, on `conn` (the caller commits): a new family
/// (with `mfa` recorded on it), its first refresh token, and an access token whose `mfa`
/// claim says whether a second factor was passed (`mfa_at`: now).
pub(super) async fn start_on(
    conn: &mut Conn,
    keys: &JwtKeys,
    user: &UserRow,
    mfa: bool,
    now: i64,
) -> Result<Session> {
    let refresh = secret::random_token();
    let family = Id::new().to_string();
    sessions::insert_family(conn, &family, user.id, mfa, now).await?;
    sessions::insert_token(
        conn,
        &secret::hash_token(&refresh),
        &family,
        now + REFRESH_LIFETIME_SECS,
    )
    .await?;
    issue(conn, keys, user, mfa.then_some(now), refresh, now).await
}

/// The grant for `user` issued at `now`, with the refresh token `refresh` (already stored),
/// for a session that passed its second factor at `mfa_at`, if it did. A seller's token
/// carries its shop as `tenant_id` (DESIGN.md), looked up now, so a shop approved since the
/// last token shows in the next one.
async fn issue(
    conn: &mut Conn,
    keys: &JwtKeys,
    user: &UserRow,
    mfa_at: Option<i64>,
    refresh: String,
    now: i64,
) -> Result<Session> {
    let mut claims = Claims::new(&user.id.to_string(), user.role, now);
    claims.mfa = mfa_at.is_some();
    claims.mfa_at = mfa_at;
    if user.role == Role::Seller {
        claims.tenant_id = shops::id_of_owner(conn, user.id).await?.map(String::from);
    }
    let grant = SessionGrant {
        access_token: keys.sign(&claims)?,
        expires_at: claims.exp,
        user: claims.session_user(user.display_name.clone()),
    };
    Ok(Session {
        grant,
        refresh_token: refresh,
    })
}

/// What presenting a refresh token led to.
enum Rotation {
    /// The token was live: it is now spent and its successor stored (same family), whose
    /// sign-in passed a second factor at `mfa_at`, if it did.
    Rotated { user_id: Id, mfa_at: Option<i64> },
    /// Unknown, past its expiry, or its family was revoked (sign-out, password reset, theft).
    Dead,
    /// The token was already spent: someone holds a copy. Its whole family is now revoked.
    Reused,
}

/// Exchanges the refresh token `presented` for a new session; `None` when it does not lead to
/// one (unknown, expired, revoked, reused, or its account is gone), and the client is signed
/// out. The token, not `actor` (a guest), names the account.
pub async fn refresh(actor: &Actor, state: &AppState, presented: &str) -> Result<Option<Session>> {
    let now = state.clock.now();
    let successor = secret::random_token();
    let rotation = rotate(
        actor,
        state,
        &secret::hash_token(presented),
        &successor,
        now,
    )
    .await?;
    let (user_id, mfa_at) = match rotation {
        Rotation::Rotated { user_id, mfa_at } => (user_id, mfa_at),
        Rotation::Reused => {
            // Someone else holds a copy of this device's token. No token in the log, only
            // that it happened.
            tracing::warn!("a spent refresh token was presented again; its family is revoked");
            return Ok(None);
        }
        Rotation::Dead => return Ok(None),
    };
    let mut conn = state.db.conn().await?;
    // The account as stored now: a changed role shows in the new access token.
    let Some(user) = users::find_by_id(&mut conn, user_id).await? else {
        return Ok(None);
    };
    // Disabling revokes the account's refresh tokens; this covers a refresh racing it.
    if user.disabled {
        return Err(ApiError::AccountDisabled);
    }
    // The second factor's time is the sign-in's, not this refresh's: refreshing never makes
    // a session's second factor fresh again.
    issue(&mut conn, &state.jwt, &user, mfa_at, successor, now)
        .await
        .map(Some)
}

/// Spends the token hashed `old_hash` and stores `successor` in its family, atomically.
///
/// The spend is a conditional `UPDATE` and its row count decides: of two requests racing with
/// one token, exactly one rotates and the other is a reuse, which revokes the family (a
/// legitimate client must therefore not refresh twice in parallel).
async fn rotate(
    actor: &Actor,
    state: &AppState,
    old_hash: &str,
    successor: &str,
    now: i64,
) -> Result<Rotation> {
    let mut tx = state.db.begin().await?;
    let spent = sessions::spend(&mut tx, old_hash, now).await?;
    let Some(token) = sessions::token(&mut tx, old_hash).await? else {
        return Ok(Rotation::Dead);
    };
    if spent && token.revoked_at.is_none() {
        let hash = secret::hash_token(successor);
        let expires_at = now + REFRESH_LIFETIME_SECS;
        sessions::insert_token(&mut tx, &hash, &token.family_id, expires_at).await?;
        let holder = holder(&mut tx, actor, token.user_id).await?;
        let entry = Entry::success("auth:refresh", "users", Some(token.user_id), now);
        audit::record(&mut tx, &holder, &entry).await?;
        tx.commit().await?;
        return Ok(Rotation::Rotated {
            user_id: token.user_id,
            mfa_at: token.mfa.then_some(token.family_created_at),
        });
    }
    // Not spent now: it was spent before (reuse), or it is expired. `spent` with a revoked
    // family also ends here, and the rollback (dropping `tx`) leaves that token as it was.
    if spent || token.used_at.is_none() {
        return Ok(Rotation::Dead);
    }
    sessions::revoke_family(&mut tx, &token.family_id, now).await?;
    let entry = Entry::failure(
        "auth:refresh",
        "users",
        Some(token.user_id),
        "a spent refresh token was presented again; its sessions are revoked",
        now,
    );
    audit::record(&mut tx, actor, &entry).await?;
    tx.commit().await?;
    Ok(Rotation::Reused)
}

/// Who holds a live credential of account `id`, for the audit row (its role decides USER or
/// ADMIN).
async fn holder(conn: &mut Conn, actor: &Actor, id: Id) -> Result<Actor> {
    let role = users::find_by_id(conn, id)
        .await?
        .map_or(Role::Customer, |user| user.role);
    Ok(audit::as_account(actor, id, role))
}

/// Signs out the device holding the refresh token `presented` (revokes its family), whoever
/// `actor` is (a guest: the token is the credential). Unknown tokens are ignored: signing out
/// is idempotent. An administrator signing out also ends, at once, every support session they
/// have open (seed 000 section 6.1: "logout immediately terminates impersonation").
pub async fn sign_out(actor: &Actor, state: &AppState, presented: &str) -> Result<()> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let hash = secret::hash_token(presented);
    let user = sessions::token(&mut tx, &hash)
        .await?
        .map(|token| token.user_id);
    sessions::revoke_family_of(&mut tx, &hash, now).await?;
    if let Some(user) = user {
        impersonation::session::end_all_of_admin(&mut tx, user, now).await?;
        let holder = holder(&mut tx, actor, user).await?;
        let entry = Entry::success("auth:logout", "users", Some(user), now);
        audit::record(&mut tx, &holder, &entry).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Revokes every refresh token of the signed-in user, on every device, and ends their
/// support sessions. From an impersonation token it ends only that support session: support
/// may not sign the customer out of their own devices.
pub async fn sign_out_everywhere(actor: &Actor, state: &AppState) -> Result<()> {
    if actor.impersonation().is_some() {
        return impersonation::end(actor, state).await;
    }
    let user = actor.user_id().ok_or(ApiError::Unauthenticated)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    // Looked up first: a token naming no stored account has nothing to revoke.
    let account = account_of(&mut tx, user).await?;
    sessions::revoke_all(&mut tx, account.id, now).await?;
    let entry = Entry::success("auth:logout_all", "users", Some(account.id), now);
    audit::record(&mut tx, actor, &entry).await?;
    impersonation::session::end_all_of_admin(&mut tx, account.id, now).await?;
    tx.commit().await?;
    Ok(())
}
