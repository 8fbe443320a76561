//! The second factor's tables: `totp_secrets` (pending and active TOTP secrets, the last
//! accepted step), `recovery_codes` and `mfa_challenges`, plus `users.mfa_enabled_at`.

use crate::db::{Db, on_pool, transaction};
use sqlx::Row as _;

/// The form a TOTP secret is stored in. Every write of `totp_secrets.secret` and
/// `pending_secret` goes through here and every read through [`read_totp_secret`], so the
/// back-office work can encrypt the secret at rest (AES-256-GCM, like the other PII) by
/// changing these two functions alone. Today it is stored as given (base32).
pub fn store_totp_secret(secret: &str) -> String {
    secret.to_owned()
}

/// The secret (base32) from its stored form; see [`store_totp_secret`].
pub fn read_totp_secret(stored: &str) -> String {
    stored.to_owned()
}

/// An account's TOTP state.
#[derive(Debug, Clone, Default)]
pub struct TotpState {
    /// The active secret (base32), once activated.
    pub secret: Option<String>,
    /// An enrolment waiting for its first code.
    pub pending_secret: Option<String>,
}

/// Stores `secret` as `user_id`'s pending enrolment, replacing an earlier pending one. An active
/// secret stays active until the new one is confirmed.
pub async fn set_pending(db: &Db, user_id: &str, secret: &str) -> Result<(), sqlx::Error> {
    let stored = store_totp_secret(secret);
    on_pool!(db, |pool, sql| {
        sqlx::query(sql.pick(
            "INSERT INTO totp_secrets (user_id, pending_secret) VALUES ($1, $2) \
             ON CONFLICT (user_id) DO UPDATE SET pending_secret = excluded.pending_secret",
            "INSERT INTO totp_secrets (user_id, pending_secret) VALUES ($1::uuid, $2) \
             ON CONFLICT (user_id) DO UPDATE SET pending_secret = excluded.pending_secret",
        ))
        .bind(user_id)
        .bind(&stored)
        .execute(pool)
        .await
        .map(drop)
    })
}

/// `user_id`'s TOTP state (empty when never enrolled).
pub async fn totp_state(db: &Db, user_id: &str) -> Result<TotpState, sqlx::Error> {
    on_pool!(db, |pool, sql| {
        let row = sqlx::query(sql.pick(
            "SELECT secret, pending_secret FROM totp_secrets WHERE user_id = $1",
            "SELECT secret, pending_secret FROM totp_secrets WHERE user_id = $1::uuid",
        ))
        .bind(user_id)
        .fetch_optional(pool)
        .await?;
        let Some(row) = row else {
            return Ok(TotpState::default());
        };
        let secret: Option<String> = row.try_get("secret")?;
        let pending: Option<String> = row.try_get("pending_secret")?;
        Ok(TotpState {
            secret: secret.as_deref().map(read_totp_secret),
            pending_secret: pending.as_deref().map(read_totp_secret),
        })
    })
}

/// Makes the pending secret `pending` active (its code for `step` was right), marks the
/// account as using MFA, and replaces its recovery codes by `code_hashes`; one transaction.
/// `false` when the pending secret changed meanwhile (a second enrolment), and nothing changes.
pub async fn activate(
    db: &Db,
    user_id: &str,
    pending: &str,
    step: i64,
    code_hashes: &[String],
    now: i64,
) -> Result<bool, sqlx::Error> {
    let stored = store_totp_secret(pending);
    transaction!(db, |tx, sql| {
        let activated = sqlx::query(sql.pick(
            "UPDATE totp_secrets SET secret = pending_secret, pending_secret = NULL, \
             last_step = $1 WHERE user_id = $2 AND pending_secret = $3",
            "UPDATE totp_secrets SET secret = pending_secret, pending_secret = NULL, \
             last_step = $1 WHERE user_id = $2::uuid AND pending_secret = $3",
        ))
        .bind(step)
        .bind(user_id)
        .bind(&stored)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if !activated {
            return Ok(false);
        }
        sqlx::query(sql.pick(
            "UPDATE users SET mfa_enabled_at = $1 WHERE id = $2",
            "UPDATE users SET mfa_enabled_at = $1 WHERE id = $2::uuid",
        ))
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(sql.pick(
            "DELETE FROM recovery_codes WHERE user_id = $1",
            "DELETE FROM recovery_codes WHERE user_id = $1::uuid",
        ))
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        for hash in code_hashes {
            sqlx::query(sql.pick(
                "INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)",
                "INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1::uuid, $2)",
            ))
            .bind(user_id)
            .bind(hash)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    })
}

/// Records `step` as used by `user_id`'s active secret; `false` when that step (or a later one)
/// was already used, so a code is good once even within its window, and two requests racing
/// with one code cannot both pass.
pub async fn claim_totp_step(db: &Db, user_id: &str, step: i64) -> Result<bool, sqlx::Error> {
    on_pool!(db, |pool, sql| {
        sqlx::query(sql.pick(
            "UPDATE totp_secrets SET last_step = $1 WHERE user_id = $2 \
             AND secret IS NOT NULL AND (last_step IS NULL OR last_step < $1)",
            "UPDATE totp_secrets SET last_step = $1 WHERE user_id = $2::uuid \
             AND secret IS NOT NULL AND (last_step IS NULL OR last_step < $1)",
        ))
        .bind(step)
        .bind(user_id)
        .execute(pool)
        .await
        .map(|done| done.rows_affected() == 1)
    })
}

/// Spends the recovery code hashed `code_hash` of `user_id`; `false` when it is not one of its
/// unused codes.
pub async fn use_recovery_code(
    db: &Db,
    user_id: &str,
    code_hash: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    on_pool!(db, |pool, sql| {
        sqlx::query(sql.pick(
            "UPDATE recovery_codes SET used_at = $1 \
             WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
            "UPDATE recovery_codes SET used_at = $1 \
             WHERE user_id = $2::uuid AND code_hash = $3 AND used_at IS NULL",
        ))
        .bind(now)
        .bind(user_id)
        .bind(code_hash)
        .execute(pool)
        .await
        .map(|done| done.rows_affected() == 1)
    })
}

/// Stores a sign-in challenge for `user_id`.
pub async fn create_challenge(
    db: &Db,
    token_hash: &str,
    user_id: &str,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    on_pool!(db, |pool, sql| {
        sqlx::query(sql.pick(
            "INSERT INTO mfa_challenges (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
            "INSERT INTO mfa_challenges (token_hash, user_id, expires_at) \
             VALUES ($1, $2::uuid, $3)",
        ))
        .bind(token_hash)
        .bind(user_id)
        .bind(expires_at)
        .execute(pool)
        .await
        .map(drop)
    })
}

/// Counts one attempt at the challenge hashed `token_hash` and returns its account, or `None`
/// when the challenge is unknown, answered, expired or out of its `max_attempts`. Counting
/// before checking the code means even racing attempts cannot exceed the cap.
pub async fn attempt_challenge(
    db: &Db,
    token_hash: &str,
    now: i64,
    max_attempts: i32,
) -> Result<Option<String>, sqlx::Error> {
    on_pool!(db, |pool, sql| {
        let row = sqlx::query(sql.pick(
            "UPDATE mfa_challenges SET attempts = attempts + 1 WHERE token_hash = $1 \
             AND used_at IS NULL AND expires_at > $2 AND attempts < $3 RETURNING user_id",
            "UPDATE mfa_challenges SET attempts = attempts + 1 WHERE token_hash = $1 \
             AND used_at IS NULL AND expires_at > $2 AND attempts < $3 \
             RETURNING user_id::text AS user_id",
        ))
        .bind(token_hash)
        .bind(now)
        .bind(max_attempts)
        .fetch_optional(pool)
        .await?;
        row.map(|row| row.try_get("user_id")).transpose()
    })
}

/// Marks the challenge answered; `false` when another request answered it first.
pub async fn finish_challenge(db: &Db, token_hash: &str, now: i64) -> Result<bool, sqlx::Error> {
    on_pool!(db, |pool, _sql| {
        sqlx::query(
            "UPDATE mfa_challenges SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
        )
        .bind(now)
        .bind(token_hash)
        .execute(pool)
        .await
        .map(|done| done.rows_affected() == 1)
    })
}
