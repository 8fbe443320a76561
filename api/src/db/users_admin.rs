//! The administrators' queries over `users`: listing and searching accounts a page at a time,
//! one account's standing, and the changes an administrator makes (disable, enable, unlock,
//! role).

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
/// row), whose display name matches the LIKE pattern `name` when given (case-insensitive; the
/// caller escapes `%`, `_` and `\\`). Keyset pagination on (created_at, id): a page neither
/// repeats nor skips accounts when new ones arrive between requests.
pub async fn list(
    conn: &mut Conn,
    limit: i64,
    after: Option<Id>,
    name: Option<&str>,
) -> sqlx::Result<Vec<ListedUser>> {
    // `created_at` is ISO-8601 text on SQLite and a `timestamptz` on PostgreSQL: each has its
    // own way to unix seconds; SQLite's LIKE ignores ASCII case, PostgreSQL needs ILIKE.
    Sql::per_backend(
        "SELECT id, email, display_name, role, (mfa_enabled_at IS NOT NULL) AS mfa_enabled, \
           CAST(strftime('%s', created_at) AS INTEGER) AS created_at_unix FROM users \
         WHERE ($1 IS NULL OR (created_at, id) < (SELECT created_at, id FROM users WHERE id = $1)) \
           AND ($3 IS NULL OR display_name LIKE $3 ESCAPE '\\') \
         ORDER BY created_at DESC, id DESC LIMIT $2",
        "SELECT id, email, display_name, role, (mfa_enabled_at IS NOT NULL) AS mfa_enabled, \
           EXTRACT(EPOCH FROM created_at)::BIGINT AS created_at_unix FROM users \
         WHERE ($1 IS NULL OR (created_at, id) < (SELECT created_at, id FROM users WHERE id = $1)) \
           AND ($3 IS NULL OR display_name ILIKE $3 ESCAPE '\\') \
         ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .bind(name)
    .fetch_all(conn)
    .await
}

/// One account as the listing shows it, and its standing.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRow {
    #[sqlx(flatten)]
    pub listed: ListedUser,
    pub disabled_at: Option<i64>,
    pub locked_until: Option<i64>,
}

/// Account `id`, with its standing.
pub async fn view(conn: &mut Conn, id: Id) -> sqlx::Result<Option<AccountRow>> {
    Sql::per_backend(
        "SELECT id, email, display_name, role, (mfa_enabled_at IS NOT NULL) AS mfa_enabled, \
           CAST(strftime('%s', created_at) AS INTEGER) AS created_at_unix, disabled_at, \
           locked_until FROM users WHERE id = $1",
        "SELECT id, email, display_name, role, (mfa_enabled_at IS NOT NULL) AS mfa_enabled, \
           EXTRACT(EPOCH FROM created_at)::BIGINT AS created_at_unix, disabled_at, \
           locked_until FROM users WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// Disables (`at`: unix seconds) or enables (`None`) account `id`.
pub async fn set_disabled(conn: &mut Conn, id: Id, at: Option<i64>) -> sqlx::Result<()> {
    crate::db::sql("UPDATE users SET disabled_at = $1 WHERE id = $2")
        .bind(at)
        .bind(id)
        .execute(conn)
        .await
        .map(drop)
}

/// Lifts account `id`'s lockout and starts its failure count again.
pub async fn unlock(conn: &mut Conn, id: Id) -> sqlx::Result<()> {
    crate::db::sql("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await
        .map(drop)
}

/// Gives account `id` the role `role`.
pub async fn set_role(conn: &mut Conn, id: Id, role: Role) -> sqlx::Result<()> {
    crate::db::sql("UPDATE users SET role = $1 WHERE id = $2")
        .bind(crate::auth::roles::as_str(role))
        .bind(id)
        .execute(conn)
        .await
        .map(drop)
}
