//! The `users` table: inserting accounts and finding them, the lockout counter, and password
//! changes.

use crate::auth::roles;
use crate::db::{Conn, Id, sql};
use crate::domain::Email;
use contracts::props::Role;

pub use crate::domain::email_lookup;

/// An account as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: Id,
    pub display_name: String,
    /// The argon2id PHC string.
    pub password_hash: String,
    #[sqlx(try_from = "RoleText")]
    pub role: Role,
    /// The address mail goes to (`users.email`).
    pub email: String,
    /// Unix seconds until which sign-in is refused (lockout), if locked at some point.
    pub locked_until: Option<i64>,
    /// Whether a TOTP authenticator is active, so sign-in needs a second factor.
    pub mfa_enabled: bool,
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

/// What is stored for one email address: the form used for lookups and the address as given.
/// [`store_email`] is the only producer, so the PII work can make `lookup` a keyed blind index
/// and `stored` a ciphertext in one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEmail {
    /// `users.email_lookup`: what uniqueness and sign-in compare.
    pub lookup: String,
    /// `users.email`: what mail is sent to.
    pub stored: String,
}

/// The columns written for `email`.
pub fn store_email(email: &Email) -> StoredEmail {
    StoredEmail {
        lookup: email.lookup(),
        stored: email.as_str().to_owned(),
    }
}

/// A new account to insert; the id is made by the caller.
pub struct NewUser<'a> {
    pub id: Id,
    pub email: &'a Email,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
}

/// Inserts `user`. A taken email comes back as the unique violation on `users`, for the
/// caller to map (`on_constraint`).
pub async fn insert(conn: &mut Conn, user: &NewUser<'_>) -> sqlx::Result<()> {
    let email = store_email(user.email);
    sql(
        "INSERT INTO users (id, email_lookup, email, display_name, password_hash, role) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(user.id)
    .bind(email.lookup)
    .bind(email.stored)
    .bind(user.display_name)
    .bind(user.password_hash)
    .bind(roles::as_str(user.role))
    .execute(conn)
    .await
    .map(drop)
}

/// The account whose email is `email` (compared as [`email_lookup`]).
pub async fn find_by_email(conn: &mut Conn, email: &str) -> sqlx::Result<Option<UserRow>> {
    sql(
        "SELECT id, display_name, password_hash, role, email, locked_until, \
           (mfa_enabled_at IS NOT NULL) AS mfa_enabled FROM users WHERE email_lookup = $1",
    )
    .bind(email_lookup(email))
    .fetch_optional(conn)
    .await
}

/// The account with id `id`.
pub async fn find_by_id(conn: &mut Conn, id: Id) -> sqlx::Result<Option<UserRow>> {
    sql(
        "SELECT id, display_name, password_hash, role, email, locked_until, \
           (mfa_enabled_at IS NOT NULL) AS mfa_enabled FROM users WHERE id = $1",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lookup_form_ignores_case_and_surrounding_space() {
        let email = store_email(&Email::parse("  Asha.Rao@Example.COM ").unwrap());

        assert_eq!(email.lookup, "asha.rao@example.com");
        assert_eq!(email.stored, "Asha.Rao@Example.COM");
        assert_eq!(email_lookup(" Asha.Rao@Example.COM"), email.lookup);
    }
}
