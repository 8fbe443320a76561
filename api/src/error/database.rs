//! Database failures as [`ApiError`]s: unreachable or exhausted is 503, anything unexpected
//! an opaque 500, and the constraint violations a caller expects become the answer it
//! documents ([`ResultExt::on_constraint`]).

use super::{ApiError, Result};

/// A database failure: 503 when the database is unreachable or out of connections (worth a
/// retry), else an opaque 500. Constraint violations the caller expects are mapped before
/// this, with [`ResultExt::on_constraint`].
impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> ApiError {
        match error {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                ApiError::DatabaseUnavailable(error.into())
            }
            error => ApiError::Internal(error.into()),
        }
    }
}

/// A constraint a statement may break on purpose: the database decides races (two sign-ups
/// with one email, two products with one SKU) and the caller turns the violation into the
/// answer it documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Constraint {
    /// A UNIQUE (or primary key) constraint of this table.
    Unique(&'static str),
    /// A FOREIGN KEY constraint of this table (SQLite does not say which table's, so there any
    /// foreign-key violation matches).
    ForeignKey(&'static str),
}

impl Constraint {
    /// Whether `error` is this constraint's violation.
    pub fn matches(self, error: &sqlx::Error) -> bool {
        let Some(error) = error.as_database_error() else {
            return false;
        };
        // PostgreSQL names the table; SQLite only says so in its message
        // ("UNIQUE constraint failed: shops.owner_id").
        let on_table = |table: &str| {
            error.table().map_or_else(
                || error.message().contains(&format!(" {table}.")),
                |named| named == table,
            )
        };
        match self {
            Constraint::Unique(table) => error.is_unique_violation() && on_table(table),
            Constraint::ForeignKey(table) => {
                error.is_foreign_key_violation() && (error.table().is_none() || on_table(table))
            }
        }
    }
}

/// `.on_constraint(Constraint::Unique("users"), || ApiError::EmailTaken)` on a storage
/// result: that violation becomes the given error, every other failure goes through
/// `From<sqlx::Error>` (launchbadge/realworld-axum-sqlx's `ResultExt`).
pub trait ResultExt<T> {
    fn on_constraint(self, constraint: Constraint, map: impl FnOnce() -> ApiError) -> Result<T>;
}

impl<T> ResultExt<T> for std::result::Result<T, sqlx::Error> {
    fn on_constraint(self, constraint: Constraint, map: impl FnOnce() -> ApiError) -> Result<T> {
        self.map_err(|error| {
            if constraint.matches(&error) {
                map()
            } else {
                ApiError::from(error)
            }
        })
    }
}
