//! The second factor's tables: `totp_secrets` (pending and active TOTP secrets, the last
//! accepted step), `recovery_codes` and `mfa_challenges`, plus `users.mfa_enabled_at`.

use crate::db::{Conn, Id, sql};

/// An account's TOTP state as stored: both secrets sealed (`app::accounts::mfa` seals and
/// opens them; the associated data binds each to its column and the user id).
#[derive(Debug, Clone, Default)]
pub struct TotpState {
    /// The active secret, once activated.
    pub secret: Option<String>,
    /// An enrolment waiting for its first code.
    pub pending_secret: Option<String>,
}

/// `totp_secrets` as stored.
#[derive(sqlx::FromRow)]
struct TotpRow {
    secret: Option<String>,
    pending_secret: Option<String>,
}

/// Stores `secret` (sealed) as `user_id`'s pending enrolment, replacing an earlier pending one. An active
/// secret stays active until the new one is confirmed.
pub async fn set_pending(conn: &mut Conn, user_id: Id, secret: &str) -> sqlx::Result<()> {
    sql(
        "INSERT INTO totp_secrets (user_id, pending_secret) VALUES ($1, $2) \
         ON CONFLICT (user_id) DO UPDATE SET pending_secret = excluded.pending_secret",
    )
    .bind(user_id)
    .bind(secret)
    .execute(conn)
    .await
    .map(drop)
}

/// `user_id`'s TOTP state (empty when never enrolled).
pub async fn totp_state(conn: &mut Conn, user_id: Id) -> sqlx::Result<TotpState> {
    let row: Option<TotpRow> =
        sql("SELECT secret, pending_secret FROM totp_secrets WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map_or_else(TotpState::default, |row| TotpState {
        secret: row.secret,
        pending_secret: row.pending_secret,
    }))
}

/// Makes the pending secret active: `secret` (the same secret, sealed for the `secret`
/// column) replaces the stored pending value `pending` (as read), with `step` as its last used
/// step; `false` when the pending secret is another one by now (a second enrolment), and
/// nothing changes.
pub async fn activate(
    conn: &mut Conn,
    user_id: Id,
    pending: &str,
    secret: &str,
    step: i64,
) -> sqlx::Result<bool> {
    sql(
        "UPDATE totp_secrets SET secret = $1, pending_secret = NULL, last_step = $2 \
         WHERE user_id = $3 AND pending_secret = $4",
    )
    .bind(secret)
    .bind(step)
    .bind(user_id)
    .bind(pending)
    .execute(conn)
    .await
    .map(|changed| changed == 1)
}

/// Marks the account as using a second factor since `now`.
pub async fn mark_enabled(conn: &mut Conn, user_id: Id, now: i64) -> sqlx::Result<()> {
    sql("UPDATE users SET mfa_enabled_at = $1 WHERE id = $2")
        .bind(now)
        .bind(user_id)
        .execute(conn)
        .await
        .map(drop)
}

/// Replaces `user_id`'s recovery codes by the codes hashed `code_hashes`.
pub async fn replace_recovery_codes(
    conn: &mut Conn,
    user_id: Id,
    code_hashes: &[String],
) -> sqlx::Result<()> {
    sql("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    for hash in code_hashes {
        sql("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id)
            .bind(hash)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Records `step` as used by `user_id`'s active secret; `false` when that step (or a later one)
/// was already used, so a code is good once even within its window, and two requests racing
/// with one code cannot both pass.
pub async fn claim_totp_step(conn: &mut Conn, user_id: Id, step: i64) -> sqlx::Result<bool> {
    sql("UPDATE totp_secrets SET last_step = $1 WHERE user_id = $2 \
         AND secret IS NOT NULL AND (last_step IS NULL OR last_step < $1)")
    .bind(step)
    .bind(user_id)
    .execute(conn)
    .await
    .map(|changed| changed == 1)
}

/// Spends the recovery code hashed `code_hash` of `user_id`; `false` when it is not one of its
/// unused codes.
pub async fn use_recovery_code(
    conn: &mut Conn,
    user_id: Id,
    code_hash: &str,
    now: i64,
) -> sqlx::Result<bool> {
    sql("UPDATE recovery_codes SET used_at = $1 \
         WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL")
    .bind(now)
    .bind(user_id)
    .bind(code_hash)
    .execute(conn)
    .await
    .map(|changed| changed == 1)
}

/// Stores a sign-in challenge for `user_id`.
pub async fn create_challenge(
    conn: &mut Conn,
    token_hash: &str,
    user_id: Id,
    expires_at: i64,
) -> sqlx::Result<()> {
    sql("INSERT INTO mfa_challenges (token_hash, user_id, expires_at) VALUES ($1, $2, $3)")
        .bind(token_hash)
        .bind(user_id)
        .bind(expires_at)
        .execute(conn)
        .await
        .map(drop)
}

/// Counts one attempt at the challenge hashed `token_hash` and returns its account, or `None`
/// when the challenge is unknown, answered, expired at `now` or out of its `max_attempts`.
/// Counting before checking the code means even racing attempts cannot exceed the cap.
pub async fn attempt_challenge(
    conn: &mut Conn,
    token_hash: &str,
    now: i64,
    max_attempts: i32,
) -> sqlx::Result<Option<Id>> {
    sql(
        "UPDATE mfa_challenges SET attempts = attempts + 1 WHERE token_hash = $1 \
         AND used_at IS NULL AND expires_at > $2 AND attempts < $3 RETURNING user_id",
    )
    .bind(token_hash)
    .bind(now)
    .bind(max_attempts)
    .scalar_optional(conn)
    .await
}

/// Marks the challenge answered; `false` when another request answered it first.
pub async fn finish_challenge(conn: &mut Conn, token_hash: &str, now: i64) -> sqlx::Result<bool> {
    sql("UPDATE mfa_challenges SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL")
        .bind(now)
        .bind(token_hash)
        .execute(conn)
        .await
        .map(|changed| changed == 1)
}
