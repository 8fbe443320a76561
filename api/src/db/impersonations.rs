//! `impersonation_sessions`: administrators' support sessions as another user, their
//! revocation check (one primary-key lookup per request with an impersonation token), their
//! ending, and the target's access history.

use crate::db::{Conn, Id, sql};

/// A session to insert; the id is made by the caller (the token names it).
pub struct NewSession<'a> {
    pub id: Id,
    pub admin: Id,
    pub target: Id,
    pub reason: &'a str,
    pub started_at: i64,
    pub expires_at: i64,
}

/// One session as the target's access history shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HistoryRow {
    pub id: Id,
    /// The administrator's display name now.
    pub admin_name: String,
    pub reason: String,
    pub started_at: i64,
    pub expires_at: i64,
    pub ended_at: Option<i64>,
}

/// Inserts `session`.
pub async fn insert(conn: &mut Conn, session: &NewSession<'_>) -> sqlx::Result<()> {
    sql("INSERT INTO impersonation_sessions \
           (id, admin_id, target_id, reason, started_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)")
    .bind(session.id)
    .bind(session.admin)
    .bind(session.target)
    .bind(session.reason)
    .bind(session.started_at)
    .bind(session.expires_at)
    .execute(conn)
    .await
    .map(drop)
}

/// Whether session `id` of `admin` as `target` is live at `now`: not ended, not expired. The
/// primary key finds the row; the other columns make a token whose claims were mixed up with
/// another session's worthless.
pub async fn is_live(
    conn: &mut Conn,
    id: Id,
    admin: Id,
    target: Id,
    now: i64,
) -> sqlx::Result<bool> {
    sql(
        "SELECT 1 FROM impersonation_sessions WHERE id = $1 AND admin_id = $2 \
           AND target_id = $3 AND ended_at IS NULL AND expires_at > $4",
    )
    .bind(id)
    .bind(admin)
    .bind(target)
    .bind(now)
    .scalar_optional::<i32>(conn)
    .await
    .map(|row| row.is_some())
}

/// Ends session `id` at `now`; whether it was live until then.
pub async fn end(conn: &mut Conn, id: Id, now: i64) -> sqlx::Result<bool> {
    sql("UPDATE impersonation_sessions SET ended_at = $1 \
         WHERE id = $2 AND ended_at IS NULL AND expires_at > $1")
    .bind(now)
    .bind(id)
    .execute(conn)
    .await
    .map(|changed| changed == 1)
}

/// Ends every live session of the administrator `admin` at `now` (they signed out).
pub async fn end_all_of_admin(conn: &mut Conn, admin: Id, now: i64) -> sqlx::Result<u64> {
    sql("UPDATE impersonation_sessions SET ended_at = $1 \
         WHERE admin_id = $2 AND ended_at IS NULL AND expires_at > $1")
    .bind(now)
    .bind(admin)
    .execute(conn)
    .await
}

/// Up to `limit` sessions as `target`, newest first.
pub async fn history(conn: &mut Conn, target: Id, limit: i64) -> sqlx::Result<Vec<HistoryRow>> {
    sql(
        "SELECT s.id, u.display_name AS admin_name, s.reason, s.started_at, s.expires_at, \
           s.ended_at FROM impersonation_sessions s JOIN users u ON u.id = s.admin_id \
         WHERE s.target_id = $1 ORDER BY s.started_at DESC, s.id DESC LIMIT $2",
    )
    .bind(target)
    .bind(limit)
    .fetch_all(conn)
    .await
}
