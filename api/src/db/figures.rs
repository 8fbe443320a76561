//! The platform's figures for the back office: counts and sums per UTC day since a time, each
//! read through an index on its table's creation time (migration 0017).

use crate::db::{Conn, Sql, sql};

/// One day's count and amount (paise).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DayRow {
    /// Days since the epoch (UTC).
    pub day: i64,
    pub count: i64,
    pub amount: i64,
}

/// Paid orders per day placed since `since` (unix seconds), and their totals. An order counts
/// once paid: every status but the unpaid and failed ones, so later fulfilment states count.
pub async fn orders(conn: &mut Conn, since: i64) -> sqlx::Result<Vec<DayRow>> {
    sql("SELECT created_at / 86400 AS day, COUNT(*) AS count, \
           CAST(COALESCE(SUM(total), 0) AS BIGINT) AS amount FROM orders \
         WHERE created_at >= $1 AND status NOT IN ('INITIATED', 'PAYMENT_PENDING', 'FAILED', \
           'PAYMENT_FAILED', 'TIMEOUT', 'PAYMENT_TIMEOUT') \
         GROUP BY created_at / 86400")
    .bind(since)
    .fetch_all(conn)
    .await
}

/// Refunds per day recorded since `since` (but the gateway's refusals), and their amounts.
pub async fn refunds(conn: &mut Conn, since: i64) -> sqlx::Result<Vec<DayRow>> {
    sql("SELECT created_at / 86400 AS day, COUNT(*) AS count, \
           CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS amount FROM refunds \
         WHERE created_at >= $1 AND state <> 'FAILED' GROUP BY created_at / 86400")
    .bind(since)
    .fetch_all(conn)
    .await
}

/// Accounts per day registered since `since` (`amount` is 0). `users.created_at` is ISO text
/// on SQLite and a `timestamptz` on PostgreSQL: the bound is converted, not the column, so the
/// index serves.
pub async fn accounts(conn: &mut Conn, since: i64) -> sqlx::Result<Vec<DayRow>> {
    Sql::per_backend(
        "SELECT CAST(strftime('%s', created_at) AS INTEGER) / 86400 AS day, COUNT(*) AS count, \
           0 AS amount FROM users \
         WHERE created_at >= strftime('%Y-%m-%dT%H:%M:%fZ', $1, 'unixepoch') \
         GROUP BY CAST(strftime('%s', created_at) AS INTEGER) / 86400",
        "SELECT EXTRACT(EPOCH FROM created_at)::BIGINT / 86400 AS day, COUNT(*) AS count, \
           CAST(0 AS BIGINT) AS amount FROM users WHERE created_at >= to_timestamp($1) \
         GROUP BY EXTRACT(EPOCH FROM created_at)::BIGINT / 86400",
    )
    .bind(since)
    .fetch_all(conn)
    .await
}

/// Applications waiting for review (`shops_status` index).
pub async fn pending_applications(conn: &mut Conn) -> sqlx::Result<i64> {
    sql("SELECT COUNT(*) FROM shops WHERE status = 'PENDING'")
        .scalar_one(conn)
        .await
}
