//! The administrators' queries over `users`: listing accounts a page at a time.

use crate::db::users::RoleText;
use crate::db::{Conn, Id, Sql};
use contracts::props::Role;

/// An account as the listing shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListedUser {
    pub id: Id,
    pub email: String,
    pub display_name: String,
    #[sqlx(try_from = "RoleText")]
    pub role: Role,
    pub mfa_enabled: bool,
    /// Unix seconds.
    pub created_at_unix: i64,
}

/// Whether `id` names an account.
pub async fn exists(conn: &mut Conn, id: Id) -> sqlx::Result<bool> {
    crate::db::sql("SELECT 1 FROM users WHERE id = $1")
        .bind(id)
        .scalar_optional::<i32>(conn)
        .await
        .map(|row| row.is_some())
}

/// Up to `limit` accounts, newest first, after the account `after` (the previous page's last
/// row). Keyset pagination on (created_at, id): a page neither repeats nor skips accounts when
/// new ones arrive between requests.
pub async fn list(conn: &mut Conn, limit: i64, after: Option<Id>) -> sqlx::Result<Vec<ListedUser>> {
    // `created_at` is ISO-8601 text on SQLite and a `timestamptz` on PostgreSQL: each has its
    // own way to unix seconds.
    Sql::per_backend(
        "SELECT id, email, display_name, role, (mfa_enabled_at IS NOT NULL) AS mfa_enabled, \
           CAST(strftime('%s', created_at) AS INTEGER) AS created_at_unix FROM users \
         WHERE ($1 IS NULL OR (created_at, id) < (SELECT created_at, id FROM users WHERE id = $1)) \
         ORDER BY created_at DESC, id DESC LIMIT $2",
        "SELECT id, email, display_name, role, (mfa_enabled_at IS NOT NULL) AS mfa_enabled, \
           EXTRACT(EPOCH FROM created_at)::BIGINT AS created_at_unix FROM users \
         WHERE ($1 IS NULL OR (created_at, id) < (SELECT created_at, id FROM users WHERE id = $1)) \
         ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(conn)
    .await
}
