//! `password_resets`: single-use, expiring reset tokens, stored hashed. A token is created
//! together with the mail that carries it and spent together with the password change it
//! allows, in the transactions of `app::accounts::passwords`.

use crate::db::{Conn, Id, sql};

/// Stores the reset token hashed `token_hash` for `user_id`.
pub async fn insert(
    conn: &mut Conn,
    token_hash: &str,
    user_id: Id,
    expires_at: i64,
) -> sqlx::Result<()> {
    sql("INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES ($1, $2, $3)")
        .bind(token_hash)
        .bind(user_id)
        .bind(expires_at)
        .execute(conn)
        .await
        .map(drop)
}

/// Whether `token_hash` names a token unused and unexpired at `now`.
pub async fn is_live(conn: &mut Conn, token_hash: &str, now: i64) -> sqlx::Result<bool> {
    sql("SELECT 1 FROM password_resets \
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2")
    .bind(token_hash)
    .bind(now)
    .scalar_optional::<i32>(conn)
    .await
    .map(|row| row.is_some())
}

/// Spends the token hashed `token_hash` if it is live at `now`; its account, or `None` when it
/// is unknown, used or expired (then nothing changes).
pub async fn spend(conn: &mut Conn, token_hash: &str, now: i64) -> sqlx::Result<Option<Id>> {
    sql("UPDATE password_resets SET used_at = $1 \
         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id")
    .bind(now)
    .bind(token_hash)
    .scalar_optional(conn)
    .await
}

/// Spends every unused token of `user_id`.
pub async fn spend_all_of(conn: &mut Conn, user_id: Id, now: i64) -> sqlx::Result<()> {
    sql("UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(user_id)
        .execute(conn)
        .await
        .map(drop)
}
