//! Storage for the sealed columns as a whole (`app::keys`): pages of values not yet under a
//! given key, compare-and-set replacement, counts per key id, and the advisory lock that
//! serialises writers of one blind-index value. Table and column names come from
//! `crypto::SEALED_TABLES` (constants), never from input.

use crate::crypto::{Column, RowKey, SealedTable};
use crate::db::{Conn, DbKind, Id, Sql};

/// One stored value of a sealed column and the text of its row's key.
#[derive(Debug, sqlx::FromRow)]
pub struct StoredValue {
    pub row_id: String,
    pub value: String,
}

/// Binds a row key given as text in the native type of `table`'s key.
fn bind_key<'q>(statement: Sql<'q>, table: &SealedTable, row_id: Option<&str>) -> Sql<'q> {
    match table.key_kind {
        RowKey::Id => statement.bind(row_id.and_then(Id::parse)),
        RowKey::Int => statement.bind(row_id.and_then(|r| r.parse::<i64>().ok())),
    }
}

/// Up to `limit` values of `column` that do not start with `prefix`, in key order after
/// `after` (keyset pagination, so each page is one indexed range scan).
pub async fn page_not_under(
    conn: &mut Conn,
    table: &SealedTable,
    column: Column,
    prefix: &str,
    after: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<StoredValue>> {
    let (k, c, t) = (table.key, column.name(), table.table);
    let statement = Sql::built(format!(
        "SELECT CAST({k} AS TEXT) AS row_id, {c} AS value FROM {t} \
         WHERE ($1 IS NULL OR {k} > $1) AND {c} IS NOT NULL AND substr({c}, 1, $2) <> $3 \
         ORDER BY {k} LIMIT $4"
    ));
    bind_key(statement, table, after)
        .bind(i32::try_from(prefix.chars().count()).unwrap_or(i32::MAX))
        .bind(prefix)
        .bind(limit)
        .fetch_all(conn)
        .await
}

/// Replaces `column` of row `row_id` by `new` if it still holds `old` (a use case may have
/// written it since it was read; its newer value wins). With `index`, that index column is
/// set in the same statement. Whether it was replaced.
pub async fn replace(
    conn: &mut Conn,
    table: &SealedTable,
    column: Column,
    row_id: &str,
    old: &str,
    new: &str,
    index: Option<(&'static str, i64)>,
) -> sqlx::Result<bool> {
    let (k, c, t) = (table.key, column.name(), table.table);
    let set_index = index.map_or(String::new(), |(name, _)| format!(", {name} = $4"));
    let statement = Sql::built(format!(
        "UPDATE {t} SET {c} = $1{set_index} WHERE {c} = $2 AND {k} = $3"
    ))
    .bind(new)
    .bind(old);
    let statement = bind_key(statement, table, Some(row_id));
    let statement = match index {
        Some((_, value)) => statement.bind(value),
        None => statement,
    };
    statement.execute(conn).await.map(|changed| changed == 1)
}

/// How many values of `column` each key id seals (`None`: values not in the sealed form,
/// i.e. clear text).
#[derive(Debug, sqlx::FromRow)]
pub struct KeyCount {
    pub key_id: Option<String>,
    pub count: i64,
}

/// The values of `column` counted per key id.
pub async fn count_by_key(conn: &mut Conn, column: Column) -> sqlx::Result<Vec<KeyCount>> {
    let (c, t) = (column.name(), column.table());
    // The key id is the text between the first and second `:` of `v1:<id>:...`; finding a
    // character is spelled differently by each backend.
    let key_id = match conn.kind() {
        DbKind::Sqlite => format!("substr({c}, 4, instr(substr({c}, 4), ':') - 1)"),
        DbKind::Postgres => format!("split_part({c}, ':', 2)"),
    };
    Sql::built(format!(
        "SELECT CASE WHEN substr({c}, 1, 3) = 'v1:' THEN {key_id} END AS key_id, \
           COUNT(*) AS count FROM {t} WHERE {c} IS NOT NULL GROUP BY 1 ORDER BY 1"
    ))
    .fetch_all(conn)
    .await
}

/// Holds, until the transaction ends, the lock of blind-index value `key`
/// (`crypto::blind_index::lock_key`), so two writers of one value (two sign-ups with one
/// email) check and insert one after the other. PostgreSQL: a transaction-scoped advisory
/// lock. SQLite: nothing to do, a writing transaction there holds the database's one write
/// lock from `BEGIN IMMEDIATE` on.
pub async fn lock_index_value(conn: &mut Conn, key: i64) -> sqlx::Result<()> {
    Sql::per_backend("SELECT $1", "SELECT pg_advisory_xact_lock($1)")
        .bind(key)
        .execute(conn)
        .await
        .map(drop)
}

/// Deletes the idempotency answers stored in clear (from before encryption): a replay cache
/// that would otherwise keep delivery addresses in clear for up to a day.
pub async fn delete_clear_idempotency_answers(conn: &mut Conn) -> sqlx::Result<u64> {
    crate::db::sql(
        "DELETE FROM idempotency_keys WHERE response IS NOT NULL \
         AND substr(response, 1, 3) <> 'v1:'",
    )
    .execute(conn)
    .await
}

/// One value of `column` that starts with `prefix` (a key id's values), if any: the sample
/// startup opens to check the key behind an id is the right one.
pub async fn sample_under(
    conn: &mut Conn,
    table: &SealedTable,
    column: Column,
    prefix: &str,
) -> sqlx::Result<Option<StoredValue>> {
    let (k, c, t) = (table.key, column.name(), table.table);
    Sql::built(format!(
        "SELECT CAST({k} AS TEXT) AS row_id, {c} AS value FROM {t} \
         WHERE {c} IS NOT NULL AND substr({c}, 1, $1) = $2 LIMIT 1"
    ))
    .bind(i32::try_from(prefix.chars().count()).unwrap_or(i32::MAX))
    .bind(prefix)
    .fetch_optional(conn)
    .await
}
