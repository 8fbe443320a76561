//! `password_resets`: single-use, expiring reset tokens, each created together with the mail
//! that carries it (`email_outbox`), and spent together with the password change it allows.

use crate::db::sessions::{REVOKE_ALL_POSTGRES, REVOKE_ALL_SQLITE};
use crate::db::{Db, on_pool, transaction};
use sqlx::Row as _;

/// A mail to queue in `email_outbox`.
pub struct Mail<'a> {
    pub to_address: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

/// Stores the reset token hashed `token_hash` for `user_id` and queues `mail`, in one
/// transaction: the mail is never sent for a token that was not stored, nor a token stored
/// without its mail.
pub async fn create(
    db: &Db,
    user_id: &str,
    token_hash: &str,
    expires_at: i64,
    mail: &Mail<'_>,
) -> Result<(), sqlx::Error> {
    transaction!(db, |tx, sql| {
        sqlx::query(sql.pick(
            "INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
            "INSERT INTO password_resets (token_hash, user_id, expires_at) \
             VALUES ($1, $2::uuid, $3)",
        ))
        .bind(token_hash)
        .bind(user_id)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO email_outbox (to_address, subject, body) VALUES ($1, $2, $3)")
            .bind(mail.to_address)
            .bind(mail.subject)
            .bind(mail.body)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    })
}

/// Whether `token_hash` names a live token (unused, unexpired) at `now`. A cheap check before
/// the expensive password hash; [`redeem`] decides for real.
pub async fn is_live(db: &Db, token_hash: &str, now: i64) -> Result<bool, sqlx::Error> {
    on_pool!(db, |pool, _sql| {
        sqlx::query(
            "SELECT 1 FROM password_resets \
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(pool)
        .await
        .map(|row| row.is_some())
    })
}

/// Spends the token hashed `token_hash` and, in the same transaction, sets the account's
/// password hash, lifts any lockout, spends the account's other reset tokens and revokes every
/// session. The account's id, or `None` when the token is unknown, used or expired (then
/// nothing changes).
pub async fn redeem(
    db: &Db,
    token_hash: &str,
    password_hash: &str,
    now: i64,
) -> Result<Option<String>, sqlx::Error> {
    transaction!(db, |tx, sql| {
        let Some(row) = sqlx::query(sql.pick(
            "UPDATE password_resets SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
            "UPDATE password_resets SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 \
             RETURNING user_id::text AS user_id",
        ))
        .bind(now)
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(None);
        };
        let user_id: String = row.try_get("user_id")?;
        sqlx::query(sql.pick(
            "UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL \
             WHERE id = $2",
            "UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL \
             WHERE id = $2::uuid",
        ))
        .bind(password_hash)
        .bind(&user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(sql.pick(
            "UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL",
            "UPDATE password_resets SET used_at = $1 WHERE user_id = $2::uuid AND used_at IS NULL",
        ))
        .bind(now)
        .bind(&user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(sql.pick(REVOKE_ALL_SQLITE, REVOKE_ALL_POSTGRES))
            .bind(now)
            .bind(&user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(user_id))
    })
}
