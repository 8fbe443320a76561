//! [`Id`]: a row id (a UUID) that binds and decodes as each backend stores it, so one SQL
//! statement serves both: SQLite keeps ids as lower-case hyphenated TEXT, PostgreSQL as
//! `uuid`. Without it every statement needed `$1::uuid` on PostgreSQL and `id::text` to read
//! it back.

use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueRef};
use sqlx::sqlite::{SqliteArgumentsBuffer, SqliteTypeInfo, SqliteValueRef};
use sqlx::{Decode, Encode, Postgres, Sqlite, Type};
use std::fmt;
use uuid::Uuid;

/// The id of a row: users, shops, products, carts, orders, refunds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(Uuid);

impl Id {
    /// A fresh random id (v4: ids reveal neither the order nor the count of rows).
    #[expect(
        clippy::new_without_default,
        reason = "a random id is no default value: `Id::default()` would read as a fixed one"
    )]
    pub fn new() -> Id {
        Id(Uuid::new_v4())
    }

    /// The id `text` spells, in any of the UUID spellings; `None` for anything else, which
    /// names no row (a malformed id in a path is "not found", never a database error).
    pub fn parse(text: &str) -> Option<Id> {
        Uuid::parse_str(text).ok().map(Id)
    }

    /// The id no row has: a placeholder where a query needs an id of the right type.
    pub const fn nil() -> Id {
        Id(Uuid::nil())
    }
}

/// Lower-case and hyphenated: what SQLite stores, PostgreSQL prints, and the wire carries.
impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl From<Id> for String {
    fn from(id: Id) -> String {
        id.to_string()
    }
}

impl Type<Sqlite> for Id {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }

    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <String as Type<Sqlite>>::compatible(ty)
    }
}

impl<'q> Encode<'q, Sqlite> for Id {
    fn encode_by_ref(
        &self,
        buf: &mut SqliteArgumentsBuffer,
    ) -> Result<sqlx::encode::IsNull, BoxDynError> {
        <String as Encode<'q, Sqlite>>::encode(self.to_string(), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for Id {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <&str as Decode<'r, Sqlite>>::decode(value)?;
        Ok(Id(Uuid::parse_str(text)?))
    }
}

impl Type<Postgres> for Id {
    fn type_info() -> PgTypeInfo {
        <Uuid as Type<Postgres>>::type_info()
    }
}

impl<'q> Encode<'q, Postgres> for Id {
    fn encode_by_ref(
        &self,
        buf: &mut PgArgumentBuffer,
    ) -> Result<sqlx::encode::IsNull, BoxDynError> {
        <Uuid as Encode<'q, Postgres>>::encode_by_ref(&self.0, buf)
    }
}

impl<'r> Decode<'r, Postgres> for Id {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        <Uuid as Decode<'r, Postgres>>::decode(value).map(Id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_uuid_spelling_parses_to_one_id_printed_the_stored_way() {
        let id = Id::parse("67E55044-10B1-426F-9247-BB680E5FE0C8").unwrap();
        assert_eq!(id.to_string(), "67e55044-10b1-426f-9247-bb680e5fe0c8");
        assert_eq!(Id::parse("67e5504410b1426f9247bb680e5fe0c8"), Some(id));
        for bad in ["", "not-a-uuid", "67e55044-10b1-426f-9247", "1 OR 1=1"] {
            assert_eq!(Id::parse(bad), None, "{bad}");
        }
    }
}
