//! The `users` table: creating accounts and finding them, with SQL per backend and bound
//! parameters only; the lockout counter and password changes.

use crate::auth::roles;
use crate::db::{Db, on_pool};
use contracts::props::Role;
use sqlx::Row as _;

/// An account as stored.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: String,
    pub display_name: String,
    /// The argon2id PHC string.
    pub password_hash: String,
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

/// The lookup key of an email: trimmed and lowercased, so `Asha@Example.com ` and
/// `asha@example.com` are one account.
pub fn email_lookup(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The columns written for `email` (already validated).
pub fn store_email(email: &str) -> StoredEmail {
    StoredEmail {
        lookup: email_lookup(email),
        stored: email.trim().to_owned(),
    }
}

/// A new account to insert; the id is made by the caller.
pub struct NewUser<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
}

/// Inserts `user`. A taken email comes back as the database's unique violation, for the caller
/// to map (`is_unique_violation`).
pub async fn insert(db: &Db, user: &NewUser<'_>) -> Result<(), sqlx::Error> {
    let email = store_email(user.email);
    let role = roles::as_str(user.role);
    match db {
        Db::Sqlite(pool) => {
            sqlx::query(
                "INSERT INTO users (id, email_lookup, email, display_name, password_hash, role) \
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(user.id)
            .bind(&email.lookup)
            .bind(&email.stored)
            .bind(user.display_name)
            .bind(user.password_hash)
            .bind(role)
            .execute(pool)
            .await?;
        }
        Db::Postgres(pool) => {
            sqlx::query(
                "INSERT INTO users (id, email_lookup, email, display_name, password_hash, role) \
                 VALUES ($1::uuid, $2, $3, $4, $5, $6)",
            )
            .bind(user.id)
            .bind(&email.lookup)
            .bind(&email.stored)
            .bind(user.display_name)
            .bind(user.password_hash)
            .bind(role)
            .execute(pool)
            .await?;
        }
    }
    Ok(())
}

/// The account whose email is `email` (compared as [`email_lookup`]).
pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<UserRow>, sqlx::Error> {
    let lookup = email_lookup(email);
    let row = match db {
        Db::Sqlite(pool) => sqlx::query(
            "SELECT id, display_name, password_hash, role, email, locked_until, \
             (mfa_enabled_at IS NOT NULL) AS mfa_enabled FROM users WHERE email_lookup = ?",
        )
        .bind(&lookup)
        .fetch_optional(pool)
        .await?
        .map(|row| read_sqlite(&row)),
        Db::Postgres(pool) => sqlx::query(
            "SELECT id::text AS id, display_name, password_hash, role, email, locked_until, \
             (mfa_enabled_at IS NOT NULL) AS mfa_enabled FROM users WHERE email_lookup = $1",
        )
        .bind(&lookup)
        .fetch_optional(pool)
        .await?
        .map(|row| read_postgres(&row)),
    };
    row.transpose()
}

/// The account with id `id`; `None` also for an id that is not a UUID.
pub async fn find_by_id(db: &Db, id: &str) -> Result<Option<UserRow>, sqlx::Error> {
    let row = match db {
        Db::Sqlite(pool) => sqlx::query(
            "SELECT id, display_name, password_hash, role, email, locked_until, \
                 (mfa_enabled_at IS NOT NULL) AS mfa_enabled FROM users WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?
        .map(|row| read_sqlite(&row)),
        Db::Postgres(pool) => {
            // Parsed here: a malformed id would make PostgreSQL's cast fail with an error.
            let Ok(uuid) = uuid::Uuid::parse_str(id) else {
                return Ok(None);
            };
            sqlx::query(
                "SELECT id::text AS id, display_name, password_hash, role, email, locked_until, \
                 (mfa_enabled_at IS NOT NULL) AS mfa_enabled FROM users WHERE id = $1::uuid",
            )
            .bind(uuid.to_string())
            .fetch_optional(pool)
            .await?
            .map(|row| read_postgres(&row))
        }
    };
    row.transpose()
}

fn read_sqlite(row: &sqlx::sqlite::SqliteRow) -> Result<UserRow, sqlx::Error> {
    user_row(RawUser {
        id: row.try_get("id")?,
        display_name: row.try_get("display_name")?,
        password_hash: row.try_get("password_hash")?,
        role: row.try_get("role")?,
        email: row.try_get("email")?,
        locked_until: row.try_get("locked_until")?,
        mfa_enabled: row.try_get("mfa_enabled")?,
    })
}

fn read_postgres(row: &sqlx::postgres::PgRow) -> Result<UserRow, sqlx::Error> {
    user_row(RawUser {
        id: row.try_get("id")?,
        display_name: row.try_get("display_name")?,
        password_hash: row.try_get("password_hash")?,
        role: row.try_get("role")?,
        email: row.try_get("email")?,
        locked_until: row.try_get("locked_until")?,
        mfa_enabled: row.try_get("mfa_enabled")?,
    })
}

/// A row as read, the role still text.
struct RawUser {
    id: String,
    display_name: String,
    password_hash: String,
    role: String,
    email: String,
    locked_until: Option<i64>,
    mfa_enabled: bool,
}

fn user_row(raw: RawUser) -> Result<UserRow, sqlx::Error> {
    let role = roles::parse(&raw.role).ok_or_else(|| sqlx::Error::ColumnDecode {
        index: "role".to_owned(),
        source: format!("unknown role {:?}", raw.role).into(),
    })?;
    Ok(UserRow {
        id: raw.id,
        display_name: raw.display_name,
        password_hash: raw.password_hash,
        role,
        email: raw.email,
        locked_until: raw.locked_until,
        mfa_enabled: raw.mfa_enabled,
    })
}

/// Counts a failed sign-in of `id`. The `max_failures`th in a row locks the account until
/// `lock_until` and starts the count again, so after the lock another full series is allowed.
/// One statement, so concurrent failures cannot lose a count.
pub async fn record_failed_login(
    db: &Db,
    id: &str,
    max_failures: i32,
    lock_until: i64,
) -> Result<(), sqlx::Error> {
    on_pool!(db, |pool, sql| {
        sqlx::query(sql.pick(
            "UPDATE users SET \
               locked_until = CASE WHEN failed_logins + 1 >= $1 THEN $2 ELSE locked_until END, \
               failed_logins = CASE WHEN failed_logins + 1 >= $1 THEN 0 ELSE failed_logins + 1 END \
             WHERE id = $3",
            "UPDATE users SET \
               locked_until = CASE WHEN failed_logins + 1 >= $1 THEN $2 ELSE locked_until END, \
               failed_logins = CASE WHEN failed_logins + 1 >= $1 THEN 0 ELSE failed_logins + 1 END \
             WHERE id = $3::uuid",
        ))
        .bind(max_failures)
        .bind(lock_until)
        .bind(id)
        .execute(pool)
        .await
        .map(drop)
    })
}

/// A successful sign-in: the failure count starts again (no write when there is nothing to
/// reset, so the common case costs no write lock).
pub async fn clear_failed_logins(db: &Db, id: &str) -> Result<(), sqlx::Error> {
    on_pool!(db, |pool, sql| {
        sqlx::query(sql.pick(
            "UPDATE users SET failed_logins = 0, locked_until = NULL \
             WHERE id = $1 AND (failed_logins <> 0 OR locked_until IS NOT NULL)",
            "UPDATE users SET failed_logins = 0, locked_until = NULL \
             WHERE id = $1::uuid AND (failed_logins <> 0 OR locked_until IS NOT NULL)",
        ))
        .bind(id)
        .execute(pool)
        .await
        .map(drop)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lookup_form_ignores_case_and_surrounding_space() {
        let email = store_email("  Asha.Rao@Example.COM ");

        assert_eq!(email.lookup, "asha.rao@example.com");
        assert_eq!(email.stored, "Asha.Rao@Example.COM");
    }
}
