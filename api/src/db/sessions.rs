//! `session_families` and `refresh_tokens`: one family per sign-in, one-time refresh tokens
//! inside it, and revocation by device, by user, or on theft. What a presented token leads to
//! is decided in `app::accounts::sessions`.

use crate::db::{Conn, Id, sql};

/// A stored refresh token with its family.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    pub family_id: String,
    /// When it was exchanged for its successor, if it was.
    pub used_at: Option<i64>,
    pub user_id: Id,
    /// Whether the family's sign-in passed a second factor.
    pub mfa: bool,
    /// When the family's sign-in happened: when its second factor was passed, if it was.
    pub family_created_at: i64,
    /// When the family was revoked, if it was.
    pub revoked_at: Option<i64>,
}

/// Starts the family `family_id` for a sign-in of `user_id` (`mfa`: with a second factor).
pub async fn insert_family(
    conn: &mut Conn,
    family_id: &str,
    user_id: Id,
    mfa: bool,
    now: i64,
) -> sqlx::Result<()> {
    sql("INSERT INTO session_families (id, user_id, mfa, created_at) VALUES ($1, $2, $3, $4)")
        .bind(family_id)
        .bind(user_id)
        .bind(mfa)
        .bind(now)
        .execute(conn)
        .await
        .map(drop)
}

/// Stores the refresh token hashed `token_hash` in family `family_id`.
pub async fn insert_token(
    conn: &mut Conn,
    token_hash: &str,
    family_id: &str,
    expires_at: i64,
) -> sqlx::Result<()> {
    sql("INSERT INTO refresh_tokens (token_hash, family_id, expires_at) VALUES ($1, $2, $3)")
        .bind(token_hash)
        .bind(family_id)
        .bind(expires_at)
        .execute(conn)
        .await
        .map(drop)
}

/// Spends the token hashed `token_hash` if it is unused and unexpired at `now`; whether it
/// was. A conditional `UPDATE`, so of two requests racing with one token exactly one spends it.
pub async fn spend(conn: &mut Conn, token_hash: &str, now: i64) -> sqlx::Result<bool> {
    sql("UPDATE refresh_tokens SET used_at = $1 \
         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1")
    .bind(now)
    .bind(token_hash)
    .execute(conn)
    .await
    .map(|changed| changed == 1)
}

/// The token hashed `token_hash` with its family, if stored.
pub async fn token(conn: &mut Conn, token_hash: &str) -> sqlx::Result<Option<TokenRow>> {
    sql(
        "SELECT t.family_id, t.used_at, f.user_id, f.mfa, f.created_at AS family_created_at, \
           f.revoked_at \
         FROM refresh_tokens t JOIN session_families f ON f.id = t.family_id \
         WHERE t.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await
}

/// Revokes family `family_id`.
pub async fn revoke_family(conn: &mut Conn, family_id: &str, now: i64) -> sqlx::Result<()> {
    sql("UPDATE session_families SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(family_id)
        .execute(conn)
        .await
        .map(drop)
}

/// Revokes the family of the token hashed `token_hash`; nothing for an unknown token.
pub async fn revoke_family_of(conn: &mut Conn, token_hash: &str, now: i64) -> sqlx::Result<()> {
    sql(
        "UPDATE session_families SET revoked_at = $1 WHERE revoked_at IS NULL \
         AND id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $2)",
    )
    .bind(now)
    .bind(token_hash)
    .execute(conn)
    .await
    .map(drop)
}

/// Revokes every family of `user_id`.
pub async fn revoke_all(conn: &mut Conn, user_id: Id, now: i64) -> sqlx::Result<()> {
    sql("UPDATE session_families SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(user_id)
        .execute(conn)
        .await
        .map(drop)
}
