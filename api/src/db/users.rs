//! The `users` table: inserting accounts and finding them, the lockout counter, and password
//! changes.

use crate::auth::roles;
use crate::db::{Conn, Id, sql};
use contracts::props::Role;

/// An account as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: Id,
    pub display_name: String,
    /// The argon2id PHC string.
    pub password_hash: String,
    #[sqlx(try_from = "RoleText")]
    pub role: Role,
    /// The address mail goes to (`users.email`), sealed: `app` opens it.
    pub email: String,
    /// Unix seconds until which sign-in is refused (lockout), if locked at some point.
    pub locked_until: Option<i64>,
    /// Whether a TOTP authenticator is active, so sign-in needs a second factor.
    pub mfa_enabled: bool,
    /// Whether an administrator disabled the account (`users.disabled_at`): no sign-in, no
    /// refresh.
    pub disabled: bool,
}

impl UserRow {
    /// Whether the account is locked at `now` (unix seconds).
    pub fn is_locked(&self, now: i64) -> bool {
        self.locked_until.is_some_and(|until| until > now)
    }
}

/// `users.role` as read: decoded as text, then into a [`Role`], refusing any spelling the
/// CHECK constraint would have refused (that is corrupt data, an error, not a guess).
#[derive(Debug, sqlx::Type)]
#[sqlx(transparent)]
pub struct RoleText(String);

impl TryFrom<RoleText> for Role {
    type Error = String;

    fn try_from(text: RoleText) -> Result<Role, String> {
        roles::parse(&text.0).ok_or_else(|| format!("unknown role {:?}", text.0))
    }
}

/// A new account to insert; the id is made by the caller, the email sealed by it
/// (`app::accounts::registration`): storage never sees the address.
pub struct NewUser<'a> {
    pub id: Id,
    /// `users.email`, sealed for this row.
    pub email: &'a str,
    /// `users.email_index`: the blind index of the lookup form.
    pub email_index: i64,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
}

/// Inserts `user`. Email uniqueness is the caller's check, in the same transaction
/// (`by_email_index` under `db::sealed::lock_index_value`): the truncated index cannot be
/// UNIQUE.
pub async fn insert(conn: &mut Conn, user: &NewUser<'_>) -> sqlx::Result<()> {
    sql(
        "INSERT INTO users (id, email, email_index, display_name, password_hash, role) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(user.id)
    .bind(user.email)
    .bind(user.email_index)
    .bind(user.display_name)
    .bind(user.password_hash)
    .bind(roles::as_str(user.role))
    .execute(conn)
    .await
    .map(drop)
}

/// The accounts whose email has blind index `index`: the candidates of a lookup by email
/// (about 16 per value at a million accounts, usually one below that). The caller opens each
/// email and compares.
pub async fn by_email_index(conn: &mut Conn, index: i64) -> sqlx::Result<Vec<UserRow>> {
    sql(
        "SELECT id, display_name, password_hash, role, email, locked_until, \
           (mfa_enabled_at IS NOT NULL) AS mfa_enabled, (disabled_at IS NOT NULL) AS disabled \
         FROM users WHERE email_index = $1",
    )
    .bind(index)
    .fetch_all(conn)
    .await
}

/// The account with id `id`.
pub async fn find_by_id(conn: &mut Conn, id: Id) -> sqlx::Result<Option<UserRow>> {
    sql(
        "SELECT id, display_name, password_hash, role, email, locked_until, \
           (mfa_enabled_at IS NOT NULL) AS mfa_enabled, (disabled_at IS NOT NULL) AS disabled \
         FROM users WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// Counts a failed sign-in of `id`. The `max_failures`th in a row locks the account until
/// `lock_until` and starts the count again, so after the lock another full series is allowed.
/// One statement, so concurrent failures cannot lose a count.
pub async fn record_failed_login(
    conn: &mut Conn,
    id: Id,
    max_failures: i32,
    lock_until: i64,
) -> sqlx::Result<()> {
    sql("UPDATE users SET \
           locked_until = CASE WHEN failed_logins + 1 >= $1 THEN $2 ELSE locked_until END, \
           failed_logins = CASE WHEN failed_logins + 1 >= $1 THEN 0 ELSE failed_logins + 1 END \
         WHERE id = $3")
    .bind(max_failures)
    .bind(lock_until)
    .bind(id)
    .execute(conn)
    .await
    .map(drop)
}

/// A successful sign-in: the failure count starts again (no write when there is nothing to
/// reset, so the common case costs no write lock).
pub async fn clear_failed_logins(conn: &mut Conn, id: Id) -> sqlx::Result<()> {
    sql("UPDATE users SET failed_logins = 0, locked_until = NULL \
         WHERE id = $1 AND (failed_logins <> 0 OR locked_until IS NOT NULL)")
    .bind(id)
    .execute(conn)
    .await
    .map(drop)
}

/// Sets the password hash of `id` and lifts any lockout (a password reset).
pub async fn set_password(conn: &mut Conn, id: Id, password_hash: &str) -> sqlx::Result<()> {
    sql(
        "UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL \
         WHERE id = $2",
    )
    .bind(password_hash)
    .bind(id)
    .execute(conn)
    .await
    .map(drop)
}
