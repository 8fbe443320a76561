//! The `users` table: creating accounts and finding them, with SQL per backend and bound
//! parameters only.

use crate::auth::roles;
use crate::db::Db;
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
            "SELECT id, display_name, password_hash, role FROM users WHERE email_lookup = ?",
        )
        .bind(&lookup)
        .fetch_optional(pool)
        .await?
        .map(|row| read_sqlite(&row)),
        Db::Postgres(pool) => sqlx::query(
            "SELECT id::text AS id, display_name, password_hash, role FROM users \
             WHERE email_lookup = $1",
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
        Db::Sqlite(pool) => {
            sqlx::query("SELECT id, display_name, password_hash, role FROM users WHERE id = ?")
                .bind(id)
                .fetch_optional(pool)
                .await?
                .map(|row| read_sqlite(&row))
        }
        Db::Postgres(pool) => {
            // Parsed here: a malformed id would make PostgreSQL's cast fail with an error.
            let Ok(uuid) = uuid::Uuid::parse_str(id) else {
                return Ok(None);
            };
            sqlx::query(
                "SELECT id::text AS id, display_name, password_hash, role FROM users \
                 WHERE id = $1::uuid",
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
    user_row(
        row.try_get("id")?,
        row.try_get("display_name")?,
        row.try_get("password_hash")?,
        row.try_get("role")?,
    )
}

fn read_postgres(row: &sqlx::postgres::PgRow) -> Result<UserRow, sqlx::Error> {
    user_row(
        row.try_get("id")?,
        row.try_get("display_name")?,
        row.try_get("password_hash")?,
        row.try_get("role")?,
    )
}

fn user_row(
    id: String,
    display_name: String,
    password_hash: String,
    role: String,
) -> Result<UserRow, sqlx::Error> {
    let role = roles::parse(&role).ok_or_else(|| sqlx::Error::ColumnDecode {
        index: "role".to_owned(),
        source: format!("unknown role {role:?}").into(),
    })?;
    Ok(UserRow {
        id,
        display_name,
        password_hash,
        role,
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
