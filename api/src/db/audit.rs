//! The audit log's storage: appending a row at the head of the chain (under the chain's lock,
//! the head's read folded into the insert when this process appended the head),
//! reading the chain in order for verification, and the viewer's filtered, keyset-paged reads.
//! The rules (who, what, the hash) are in `app::audit`.

use crate::db::{Arg, Conn, DbKind, Id, Sql, sql};
use std::sync::{Mutex, PoisonError};

/// One stored row, every column.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditRow {
    pub seq: i64,
    pub at: i64,
    pub actor_type: String,
    pub actor_id: Option<String>,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub changes: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub impersonation_flag: bool,
    pub impersonated_by: Option<String>,
    pub status: String,
    pub error_message: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// An account a row names (as its actor or as the impersonating administrator), by its
/// display name: read at display time, so a renamed account shows its name of today (the row,
/// and so its hash, holds only the id).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AccountName {
    pub id: Id,
    pub display_name: String,
}

/// The last row's sequence number and hash.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
}

const COLUMNS: &str = "seq, at, actor_type, actor_id, action, resource_type, resource_id, \
    changes, ip, user_agent, impersonation_flag, impersonated_by, status, error_message, \
    prev_hash, hash";

/// The key of the PostgreSQL advisory lock that serialises appends ("audit" in ASCII).
const CHAIN_LOCK: i64 = 0x61_75_64_69_74;

/// Takes the chain's lock until the transaction on `conn` ends, so that reading the head and
/// appending after it is one step for concurrent writers. PostgreSQL: a transaction-level
/// advisory lock. SQLite: nothing to send, every write transaction here is `BEGIN IMMEDIATE`
/// and so already holds the database's one write lock (a statement would only cost a turn on
/// the connection's thread while holding it).
pub async fn lock_chain(conn: &mut Conn) -> sqlx::Result<()> {
    if conn.kind() == DbKind::Sqlite {
        return Ok(());
    }
    sql("SELECT pg_advisory_xact_lock($1)")
        .bind(CHAIN_LOCK)
        .execute(conn)
        .await
        .map(drop)
}

/// The head of the chain; `None` for an empty log.
pub async fn head(conn: &mut Conn) -> sqlx::Result<Option<Head>> {
    sql("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(conn)
        .await
}

/// The head this process appended last, a guess at the chain's head that saves reading it:
/// [`insert_at_head`] checks it in the insert itself. It may be stale (another process
/// appended, the transaction that appended it rolled back, another database): the insert then
/// does nothing and the caller reads the head.
static LAST_APPENDED: Mutex<Option<Head>> = Mutex::new(None);

/// The head this process appended last, if any.
pub fn last_appended() -> Option<Head> {
    LAST_APPENDED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
}

/// Appends `row` (its `seq`, `prev_hash` and `hash` already computed under the lock) if the
/// chain's head is still the row whose hash is its `prev_hash` (`genesis` for an empty log);
/// whether it did. One statement for the check and the append: the head's read is folded in.
pub async fn insert_at_head(conn: &mut Conn, row: &AuditRow, genesis: &str) -> sqlx::Result<bool> {
    let text = format!(
        "INSERT INTO audit_log ({COLUMNS}) SELECT {VALUES} \
         WHERE COALESCE((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), $17) = $15"
    );
    // Only constants and `$n` placeholders are spliced in: every value is bound.
    let appended = bind_row(Sql::built(text), row)
        .bind(genesis)
        .execute(conn)
        .await?;
    if appended == 1 {
        remember(row);
    }
    Ok(appended == 1)
}

/// Appends `row` (its `seq`, `prev_hash` and `hash` already computed under the lock).
pub async fn insert(conn: &mut Conn, row: &AuditRow) -> sqlx::Result<()> {
    let text = format!("INSERT INTO audit_log ({COLUMNS}) VALUES ({VALUES})");
    // Only constants and `$n` placeholders are spliced in: every value is bound.
    bind_row(Sql::built(text), row).execute(conn).await?;
    remember(row);
    Ok(())
}

/// The placeholders of [`COLUMNS`], in order.
const VALUES: &str = "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16";

fn bind_row<'q>(statement: Sql<'q>, row: &'q AuditRow) -> Sql<'q> {
    statement
        .bind(row.seq)
        .bind(row.at)
        .bind(&row.actor_type)
        .bind(row.actor_id.as_ref())
        .bind(&row.action)
        .bind(&row.resource_type)
        .bind(row.resource_id.as_ref())
        .bind(&row.changes)
        .bind(row.ip.as_ref())
        .bind(row.user_agent.as_ref())
        .bind(row.impersonation_flag)
        .bind(row.impersonated_by.as_ref())
        .bind(&row.status)
        .bind(row.error_message.as_ref())
        .bind(&row.prev_hash)
        .bind(&row.hash)
}

fn remember(row: &AuditRow) {
    *LAST_APPENDED.lock().unwrap_or_else(PoisonError::into_inner) = Some(Head {
        seq: row.seq,
        hash: row.hash.clone(),
    });
}

/// Up to `limit` rows after sequence number `after`, in chain order (verification reads the
/// whole log this way, a batch at a time).
pub async fn chain_after(conn: &mut Conn, after: i64, limit: i64) -> sqlx::Result<Vec<AuditRow>> {
    sql(
        "SELECT seq, at, actor_type, actor_id, action, resource_type, resource_id, changes, ip, \
         user_agent, impersonation_flag, impersonated_by, status, error_message, prev_hash, hash \
         FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// How many rows the log holds.
pub async fn count(conn: &mut Conn) -> sqlx::Result<i64> {
    sql("SELECT COUNT(*) FROM audit_log").scalar_one(conn).await
}

/// What the viewer filters on; every `Some` narrows the rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub actor_id: Option<String>,
    pub actor_type: Option<&'static str>,
    pub action: Option<String>,
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    pub impersonation: Option<bool>,
    pub status: Option<&'static str>,
    /// Unix seconds, inclusive.
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Only rows whose changes name the price (`products:update` price changes).
    pub price_changed: bool,
    /// Keyset: only rows before this sequence number (newest first).
    pub before_seq: Option<i64>,
}

/// Up to `limit` rows matching `filter`, newest first.
pub async fn search(conn: &mut Conn, filter: &Filter, limit: i64) -> sqlx::Result<Vec<AuditRow>> {
    let mut conditions: Vec<String> = Vec::new();
    let mut args: Vec<Arg<'_>> = Vec::new();
    let mut push = |condition: &str, arg: Arg<'static>| {
        args.push(arg);
        conditions.push(condition.replace('?', &format!("${}", args.len())));
    };
    if let Some(value) = &filter.actor_id {
        push("actor_id = ?", Arg::OwnedText(Some(value.clone())));
    }
    if let Some(value) = filter.actor_type {
        push("actor_type = ?", Arg::Text(Some(value)));
    }
    if let Some(value) = &filter.action {
        push("action = ?", Arg::OwnedText(Some(value.clone())));
    }
    if let Some(value) = &filter.resource_type {
        push("resource_type = ?", Arg::OwnedText(Some(value.clone())));
    }
    if let Some(value) = &filter.resource_id {
        push("resource_id = ?", Arg::OwnedText(Some(value.clone())));
    }
    if let Some(value) = filter.impersonation {
        push("impersonation_flag = ?", Arg::Bool(Some(value)));
    }
    if let Some(value) = filter.status {
        push("status = ?", Arg::Text(Some(value)));
    }
    if let Some(value) = filter.from {
        push("at >= ?", Arg::Int(Some(value)));
    }
    if let Some(value) = filter.to {
        push("at <= ?", Arg::Int(Some(value)));
    }
    if let Some(value) = filter.before_seq {
        push("seq < ?", Arg::Int(Some(value)));
    }
    args.push(Arg::Int(Some(limit)));
    let limit_placeholder = args.len();
    let price = price_condition(conn.kind());
    if filter.price_changed {
        conditions.push(price.to_owned());
    }
    let mut text = format!("SELECT {COLUMNS} FROM audit_log");
    if !conditions.is_empty() {
        text.push_str(" WHERE ");
        text.push_str(&conditions.join(" AND "));
    }
    text.push_str(&format!(" ORDER BY seq DESC LIMIT ${limit_placeholder}"));
    // Only constants and `$n` placeholders are spliced in: every value is bound.
    let mut statement = Sql::built(text);
    for arg in args {
        statement = statement.bind(arg);
    }
    statement.fetch_all(conn).await
}

/// "The changes name the price": JSON is read differently by each backend (SQLite's JSON1,
/// PostgreSQL's jsonb operators); the column is the exact text that was hashed.
fn price_condition(kind: crate::db::DbKind) -> &'static str {
    match kind {
        crate::db::DbKind::Sqlite => "json_extract(changes, '$.price') IS NOT NULL",
        crate::db::DbKind::Postgres => "(changes::jsonb) ? 'price'",
    }
}

/// The display names of the accounts among `ids` (ids of deleted accounts are simply absent).
pub async fn account_names(conn: &mut Conn, ids: &[Id]) -> sqlx::Result<Vec<AccountName>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=ids.len()).map(|n| format!("${n}")).collect();
    // Only `$n` placeholders are spliced in: every id is bound.
    let mut statement = Sql::built(format!(
        "SELECT id, display_name FROM users WHERE id IN ({})",
        placeholders.join(", ")
    ));
    for id in ids {
        statement = statement.bind(Arg::Id(Some(*id)));
    }
    statement.fetch_all(conn).await
}
