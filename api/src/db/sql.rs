//! [`sql`]: one SQL statement, written once, run on whichever backend a [`Conn`] talks to.
//!
//! Values are bound as [`Arg`]s and handed to the backend's own driver at execution, so a
//! statement is type-checked by SQLite and by PostgreSQL alike; rows come back as structs
//! deriving `sqlx::FromRow` (a [`Record`]), decoded by each driver. Placeholders are `$1`,
//! `$2`, ... on both (SQLite accepts them). Where the backends really differ (full-text
//! search, locking, some upserts), [`Sql::per_backend`] holds both spellings in one named
//! place.

use crate::db::Id;
use crate::db::conn::{Conn, Raw};
use contracts::Paise;
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{
    Arguments as _, AssertSqlSafe, Database, Decode, Encode, FromRow, Postgres, Sqlite, Type,
};
use std::borrow::Cow;

/// A row struct both drivers can decode (derive `sqlx::FromRow` with field types both
/// backends know: `String`, `i64`, `i32`, `bool`, `Option`s of them, [`Id`]).
pub trait Record:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Record for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// One column's value both drivers can decode, for statements that select a single column.
pub trait Scalar:
    for<'r> Decode<'r, Sqlite>
    + Type<Sqlite>
    + for<'r> Decode<'r, Postgres>
    + Type<Postgres>
    + Send
    + Unpin
{
}
impl<T> Scalar for T where
    T: for<'r> Decode<'r, Sqlite>
        + Type<Sqlite>
        + for<'r> Decode<'r, Postgres>
        + Type<Postgres>
        + Send
        + Unpin
{
}

/// A value bound to a placeholder. `None` binds SQL NULL of the variant's type.
#[derive(Debug, Clone)]
pub enum Arg<'q> {
    Int(Option<i64>),
    Int32(Option<i32>),
    Bool(Option<bool>),
    /// A search rank in a keyset cursor.
    Float(Option<f64>),
    Text(Option<&'q str>),
    OwnedText(Option<String>),
    Id(Option<Id>),
    Bytes(Option<&'q [u8]>),
}

/// The text of a statement.
#[derive(Debug, Clone)]
enum Text {
    /// The same on both backends: nearly every statement.
    Both(&'static str),
    /// A real dialect difference, spelled for each.
    PerBackend {
        sqlite: &'static str,
        postgres: &'static str,
    },
    /// Assembled at run time from constants and placeholders only (every value is bound).
    Built(String),
}

/// A statement with its bound values; run it with one of the `fetch`/`execute` methods.
#[must_use = "a statement does nothing until it is executed"]
#[derive(Debug, Clone)]
pub struct Sql<'q> {
    text: Text,
    args: Vec<Arg<'q>>,
}

/// The statement `text`, the same on both backends.
pub fn sql<'q>(text: &'static str) -> Sql<'q> {
    Sql {
        text: Text::Both(text),
        args: Vec::new(),
    }
}

impl<'q> Sql<'q> {
    /// A statement whose spelling differs by backend. Use it only for a real dialect
    /// difference (full-text search, locking, an upsert one backend lacks), never for casts:
    /// [`Id`] binds as each backend stores ids.
    pub fn per_backend(sqlite: &'static str, postgres: &'static str) -> Sql<'q> {
        Sql {
            text: Text::PerBackend { sqlite, postgres },
            args: Vec::new(),
        }
    }

    /// A statement assembled at run time. The caller promises that `text` splices in only
    /// constants and `$n` placeholders, and binds every value.
    pub fn built(text: String) -> Sql<'q> {
        Sql {
            text: Text::Built(text),
            args: Vec::new(),
        }
    }

    /// Binds the next placeholder (`$1`, then `$2`, ...).
    pub fn bind(mut self, value: impl Into<Arg<'q>>) -> Self {
        self.args.push(value.into());
        self
    }

    /// Runs the statement; the number of rows it changed.
    pub async fn execute(self, conn: &mut Conn) -> sqlx::Result<u64> {
        let _turn = conn.turn(self.writes()).await?;
        match conn.raw() {
            Raw::Sqlite(c) => {
                let (text, args) = self.sqlite()?;
                Ok(sqlx::query_with(text, args)
                    .execute(c)
                    .await?
                    .rows_affected())
            }
            Raw::Postgres(c) => {
                let (text, args) = self.postgres()?;
                Ok(sqlx::query_with(text, args)
                    .execute(c)
                    .await?
                    .rows_affected())
            }
        }
    }

    /// The first row, if any.
    pub async fn fetch_optional<T: Record>(self, conn: &mut Conn) -> sqlx::Result<Option<T>> {
        let _turn = conn.turn(self.writes()).await?;
        match conn.raw() {
            Raw::Sqlite(c) => {
                let (text, args) = self.sqlite()?;
                sqlx::query_as_with(text, args).fetch_optional(c).await
            }
            Raw::Postgres(c) => {
                let (text, args) = self.postgres()?;
                sqlx::query_as_with(text, args).fetch_optional(c).await
            }
        }
    }

    /// The first row; `RowNotFound` when there is none.
    pub async fn fetch_one<T: Record>(self, conn: &mut Conn) -> sqlx::Result<T> {
        self.fetch_optional(conn)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }

    /// Every row.
    pub async fn fetch_all<T: Record>(self, conn: &mut Conn) -> sqlx::Result<Vec<T>> {
        let _turn = conn.turn(self.writes()).await?;
        match conn.raw() {
            Raw::Sqlite(c) => {
                let (text, args) = self.sqlite()?;
                sqlx::query_as_with(text, args).fetch_all(c).await
            }
            Raw::Postgres(c) => {
                let (text, args) = self.postgres()?;
                sqlx::query_as_with(text, args).fetch_all(c).await
            }
        }
    }

    /// The first column of the first row, if any.
    pub async fn scalar_optional<T: Scalar>(self, conn: &mut Conn) -> sqlx::Result<Option<T>> {
        let _turn = conn.turn(self.writes()).await?;
        match conn.raw() {
            Raw::Sqlite(c) => {
                let (text, args) = self.sqlite()?;
                sqlx::query_scalar_with(text, args).fetch_optional(c).await
            }
            Raw::Postgres(c) => {
                let (text, args) = self.postgres()?;
                sqlx::query_scalar_with(text, args).fetch_optional(c).await
            }
        }
    }

    /// The first column of the first row; `RowNotFound` when there is none.
    pub async fn scalar_one<T: Scalar>(self, conn: &mut Conn) -> sqlx::Result<T> {
        self.scalar_optional(conn)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }

    /// The first column of every row.
    pub async fn scalar_all<T: Scalar>(self, conn: &mut Conn) -> sqlx::Result<Vec<T>> {
        let _turn = conn.turn(self.writes()).await?;
        match conn.raw() {
            Raw::Sqlite(c) => {
                let (text, args) = self.sqlite()?;
                sqlx::query_scalar_with(text, args).fetch_all(c).await
            }
            Raw::Postgres(c) => {
                let (text, args) = self.postgres()?;
                sqlx::query_scalar_with(text, args).fetch_all(c).await
            }
        }
    }

    /// How the backend would run the statement, one line per plan step: SQLite's
    /// `EXPLAIN QUERY PLAN` details (`SEARCH p USING INDEX ...`), PostgreSQL's `EXPLAIN` text.
    /// For tests that pin a query to its index, so a plan regression fails the suite.
    pub async fn explain(self, conn: &mut Conn) -> sqlx::Result<Vec<String>> {
        use sqlx::Row as _;
        match conn.raw() {
            Raw::Sqlite(c) => {
                let (text, args) = self.sqlite()?;
                let text = AssertSqlSafe(format!("EXPLAIN QUERY PLAN {}", text.0));
                let rows = sqlx::query_with(text, args).fetch_all(c).await?;
                rows.iter().map(|row| row.try_get("detail")).collect()
            }
            Raw::Postgres(c) => {
                let (text, args) = self.postgres()?;
                let text = AssertSqlSafe(format!("EXPLAIN {}", text.0));
                let rows = sqlx::query_with(text, args).fetch_all(c).await?;
                rows.iter().map(|row| row.try_get(0)).collect()
            }
        }
    }

    /// Whether the statement may write: it then takes its turn in SQLite's write queue when it
    /// runs outside a transaction (`Conn::turn`). Told by its first word; a `WITH` counts, as it
    /// may lead to an `INSERT`.
    fn writes(&self) -> bool {
        let text = match &self.text {
            Text::Both(text) | Text::PerBackend { sqlite: text, .. } => text,
            Text::Built(text) => text.as_str(),
        };
        let word = text.split_whitespace().next().unwrap_or("");
        ["INSERT", "UPDATE", "DELETE", "REPLACE", "WITH"]
            .iter()
            .any(|verb| word.eq_ignore_ascii_case(verb))
    }

    /// The SQLite text and arguments.
    fn sqlite(self) -> sqlx::Result<(AssertSqlSafe<Cow<'static, str>>, SqliteArguments)> {
        let text = match self.text {
            Text::Both(text) | Text::PerBackend { sqlite: text, .. } => Cow::Borrowed(text),
            Text::Built(text) => Cow::Owned(text),
        };
        Ok((AssertSqlSafe(text), arguments::<Sqlite>(self.args)?))
    }

    /// The PostgreSQL text and arguments.
    fn postgres(self) -> sqlx::Result<(AssertSqlSafe<Cow<'static, str>>, PgArguments)> {
        let text = match self.text {
            Text::Both(text) | Text::PerBackend { postgres: text, .. } => Cow::Borrowed(text),
            Text::Built(text) => Cow::Owned(text),
        };
        Ok((AssertSqlSafe(text), arguments::<Postgres>(self.args)?))
    }
}

/// The bound values as backend `DB`'s arguments, each encoded by that driver ([`Id`] as TEXT
/// on SQLite, `uuid` on PostgreSQL).
fn arguments<DB>(args: Vec<Arg<'_>>) -> sqlx::Result<DB::Arguments>
where
    DB: Database,
    for<'e> Option<i64>: Encode<'e, DB> + Type<DB>,
    for<'e> Option<i32>: Encode<'e, DB> + Type<DB>,
    for<'e> Option<bool>: Encode<'e, DB> + Type<DB>,
    for<'e> Option<f64>: Encode<'e, DB> + Type<DB>,
    for<'e> Option<&'e str>: Encode<'e, DB> + Type<DB>,
    for<'e> Option<String>: Encode<'e, DB> + Type<DB>,
    for<'e> Option<Id>: Encode<'e, DB> + Type<DB>,
    for<'e> Option<&'e [u8]>: Encode<'e, DB> + Type<DB>,
{
    let mut out = DB::Arguments::default();
    for arg in args {
        match arg {
            Arg::Int(v) => out.add(v),
            Arg::Int32(v) => out.add(v),
            Arg::Bool(v) => out.add(v),
            Arg::Float(v) => out.add(v),
            Arg::Text(v) => out.add(v),
            Arg::OwnedText(v) => out.add(v),
            Arg::Id(v) => out.add(v),
            Arg::Bytes(v) => out.add(v),
        }
        .map_err(sqlx::Error::Encode)?;
    }
    Ok(out)
}

/// `impl From<$t> for Arg` for a value and its `Option`, by variant.
macro_rules! arg_from {
    ($($t:ty => $variant:ident),* $(,)?) => {$(
        impl<'q> From<$t> for Arg<'q> {
            fn from(value: $t) -> Self {
                Arg::$variant(Some(value.into()))
            }
        }
        impl<'q> From<Option<$t>> for Arg<'q> {
            fn from(value: Option<$t>) -> Self {
                Arg::$variant(value.map(Into::into))
            }
        }
    )*};
}

arg_from! {
    i64 => Int,
    i32 => Int32,
    bool => Bool,
    f64 => Float,
    &'q str => Text,
    String => OwnedText,
    Id => Id,
    &'q [u8] => Bytes,
}

impl<'q> From<&'q String> for Arg<'q> {
    fn from(value: &'q String) -> Self {
        Arg::Text(Some(value))
    }
}

impl<'q> From<Option<&'q String>> for Arg<'q> {
    fn from(value: Option<&'q String>) -> Self {
        Arg::Text(value.map(String::as_str))
    }
}

impl<'q> From<&Id> for Arg<'q> {
    fn from(value: &Id) -> Self {
        Arg::Id(Some(*value))
    }
}

impl<'q> From<Option<&Id>> for Arg<'q> {
    fn from(value: Option<&Id>) -> Self {
        Arg::Id(value.copied())
    }
}

/// Money is stored as its integer paise.
impl<'q> From<Paise> for Arg<'q> {
    fn from(value: Paise) -> Self {
        Arg::Int(Some(value.0))
    }
}

impl<'q> From<Option<Paise>> for Arg<'q> {
    fn from(value: Option<Paise>) -> Self {
        Arg::Int(value.map(|p| p.0))
    }
}
