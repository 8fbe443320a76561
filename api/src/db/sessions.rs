//! `session_families` and `refresh_tokens`: one family per sign-in, one-time refresh tokens
//! rotated inside it, and revocation by device, by user, or on theft.

use crate::db::{Db, on_pool, transaction};
use sqlx::Row as _;

/// What presenting a refresh token led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// The token was live: it is now spent and its successor stored (same family).
    Rotated { user_id: String, mfa: bool },
    /// No such token.
    Unknown,
    /// Past its expiry, or its family was revoked (sign-out, password reset, theft).
    Dead,
    /// The token was already spent: someone holds a copy. Its whole family is now revoked.
    Reused,
}

/// Starts a family for a new sign-in of `user_id` and stores its first refresh token.
pub async fn start_family(
    db: &Db,
    user_id: &str,
    mfa: bool,
    token_hash: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    let family_id = uuid::Uuid::new_v4().to_string();
    transaction!(db, |tx, sql| {
        sqlx::query(sql.pick(
            "INSERT INTO session_families (id, user_id, mfa, created_at) VALUES ($1, $2, $3, $4)",
            "INSERT INTO session_families (id, user_id, mfa, created_at) \
             VALUES ($1, $2::uuid, $3, $4)",
        ))
        .bind(&family_id)
        .bind(user_id)
        .bind(mfa)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO refresh_tokens (token_hash, family_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(token_hash)
        .bind(&family_id)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    })
}

/// Exchanges the token hashed `old_hash` for a new one hashed `new_hash`, atomically.
///
/// The spend is a conditional `UPDATE ... WHERE used_at IS NULL` and its row count decides:
/// of two requests racing with one token, exactly one rotates and the other is a reuse, which
/// revokes the family (a legitimate client must therefore not refresh twice in parallel).
pub async fn rotate(
    db: &Db,
    old_hash: &str,
    new_hash: &str,
    now: i64,
    new_expires_at: i64,
) -> Result<Rotation, sqlx::Error> {
    transaction!(db, |tx, sql| {
        let spent = sqlx::query(
            "UPDATE refresh_tokens SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(old_hash)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        let Some(row) = sqlx::query(sql.pick(
            "SELECT t.family_id, t.used_at, f.user_id, f.mfa, f.revoked_at \
             FROM refresh_tokens t JOIN session_families f ON f.id = t.family_id \
             WHERE t.token_hash = $1",
            "SELECT t.family_id, t.used_at, f.user_id::text AS user_id, f.mfa, f.revoked_at \
             FROM refresh_tokens t JOIN session_families f ON f.id = t.family_id \
             WHERE t.token_hash = $1",
        ))
        .bind(old_hash)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(Rotation::Unknown);
        };
        let family_id: String = row.try_get("family_id")?;
        let revoked = row.try_get::<Option<i64>, _>("revoked_at")?.is_some();
        if spent && !revoked {
            sqlx::query(
                "INSERT INTO refresh_tokens (token_hash, family_id, expires_at) \
                 VALUES ($1, $2, $3)",
            )
            .bind(new_hash)
            .bind(&family_id)
            .bind(new_expires_at)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            return Ok(Rotation::Rotated {
                user_id: row.try_get("user_id")?,
                mfa: row.try_get("mfa")?,
            });
        }
        // Not spent now: it was spent before (reuse), or it is expired. `spent` with a revoked
        // family also ends here, and the rollback leaves that token as it was.
        let used_before = !spent && row.try_get::<Option<i64>, _>("used_at")?.is_some();
        if !used_before {
            return Ok(Rotation::Dead);
        }
        sqlx::query(
            "UPDATE session_families SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(&family_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Rotation::Reused)
    })
}

/// Revokes the family of the token hashed `token_hash` (signing out one device). Unknown tokens
/// are ignored: signing out is idempotent.
pub async fn revoke_family_of(db: &Db, token_hash: &str, now: i64) -> Result<(), sqlx::Error> {
    on_pool!(db, |pool, _sql| {
        sqlx::query(
            "UPDATE session_families SET revoked_at = $1 WHERE revoked_at IS NULL \
             AND id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $2)",
        )
        .bind(now)
        .bind(token_hash)
        .execute(pool)
        .await
        .map(drop)
    })
}

/// SQL revoking every family of a user (`$1` now, `$2` the user id), for [`revoke_all`] and for
/// transactions that end every session (a password reset).
pub const REVOKE_ALL_SQLITE: &str =
    "UPDATE session_families SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL";
pub const REVOKE_ALL_POSTGRES: &str =
    "UPDATE session_families SET revoked_at = $1 WHERE user_id = $2::uuid AND revoked_at IS NULL";

/// Revokes every family of `user_id` (signing out everywhere). `user_id` must be a stored
/// account's id.
pub async fn revoke_all(db: &Db, user_id: &str, now: i64) -> Result<(), sqlx::Error> {
    on_pool!(db, |pool, sql| {
        sqlx::query(sql.pick(REVOKE_ALL_SQLITE, REVOKE_ALL_POSTGRES))
            .bind(now)
            .bind(user_id)
            .execute(pool)
            .await
            .map(drop)
    })
}
