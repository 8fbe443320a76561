//! The administrators' queries over `users`: listing accounts a page at a time.

use crate::auth::roles;
use crate::db::Db;
use contracts::users::{UserPage, UserSummary};
use sqlx::Row as _;

/// Up to `limit` accounts, newest first, after the account `after` (the previous page's last
/// id); `None` when `after` names no account. Keyset pagination on (created_at, id): a page
/// neither repeats nor skips accounts when new ones arrive between requests.
pub async fn list(
    db: &Db,
    limit: u32,
    after: Option<&str>,
) -> Result<Option<UserPage>, sqlx::Error> {
    // One row more than asked tells whether there is a next page.
    let fetch = i64::from(limit) + 1;
    let rows: Vec<RawUser> = match db {
        Db::Sqlite(pool) => {
            let sql = "SELECT id, email, display_name, role, mfa_enabled, created_at_unix FROM ( \
                 SELECT id, email, display_name, role, \
                   (mfa_enabled_at IS NOT NULL) AS mfa_enabled, created_at, \
                   CAST(strftime('%s', created_at) AS INTEGER) AS created_at_unix FROM users) \
                 WHERE (?1 IS NULL OR (created_at, id) < \
                   (SELECT created_at, id FROM users WHERE id = ?1)) \
                 ORDER BY created_at DESC, id DESC LIMIT ?2";
            if let Some(after) = after
                && !exists_sqlite(pool, after).await?
            {
                return Ok(None);
            }
            sqlx::query(sql)
                .bind(after)
                .bind(fetch)
                .fetch_all(pool)
                .await?
                .iter()
                .map(|row| {
                    Ok(RawUser {
                        id: row.try_get("id")?,
                        email: row.try_get("email")?,
                        display_name: row.try_get("display_name")?,
                        role: row.try_get("role")?,
                        mfa_enabled: row.try_get("mfa_enabled")?,
                        created_at: row.try_get("created_at_unix")?,
                    })
                })
                .collect::<Result<_, sqlx::Error>>()?
        }
        Db::Postgres(pool) => {
            let after = match after {
                Some(after) => match uuid::Uuid::parse_str(after) {
                    Ok(id) if exists_postgres(pool, id).await? => Some(id.to_string()),
                    _ => return Ok(None),
                },
                None => None,
            };
            sqlx::query(
                "SELECT id::text AS id, email, display_name, role, \
                   (mfa_enabled_at IS NOT NULL) AS mfa_enabled, \
                   EXTRACT(EPOCH FROM created_at)::BIGINT AS created_at_unix FROM users \
                 WHERE ($1::uuid IS NULL OR (created_at, id) < \
                   (SELECT created_at, id FROM users WHERE id = $1::uuid)) \
                 ORDER BY created_at DESC, id DESC LIMIT $2",
            )
            .bind(after)
            .bind(fetch)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|row| {
                Ok(RawUser {
                    id: row.try_get("id")?,
                    email: row.try_get("email")?,
                    display_name: row.try_get("display_name")?,
                    role: row.try_get("role")?,
                    mfa_enabled: row.try_get("mfa_enabled")?,
                    created_at: row.try_get("created_at_unix")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?
        }
    };
    let mut items = rows
        .into_iter()
        .map(RawUser::into_summary)
        .collect::<Result<Vec<_>, _>>()?;
    let next_cursor = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|user| user.id.clone())
    } else {
        None
    };
    Ok(Some(UserPage { items, next_cursor }))
}

struct RawUser {
    id: String,
    email: String,
    display_name: String,
    role: String,
    mfa_enabled: bool,
    created_at: i64,
}

impl RawUser {
    fn into_summary(self) -> Result<UserSummary, sqlx::Error> {
        let role = roles::parse(&self.role).ok_or_else(|| sqlx::Error::ColumnDecode {
            index: "role".to_owned(),
            source: format!("unknown role {:?}", self.role).into(),
        })?;
        Ok(UserSummary {
            id: self.id,
            email: self.email,
            display_name: self.display_name,
            role,
            mfa_enabled: self.mfa_enabled,
            created_at: self.created_at,
        })
    }
}

async fn exists_sqlite(pool: &sqlx::SqlitePool, id: &str) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query("SELECT 1 FROM users WHERE id = ?")
        .bind(id)
        .fetch_optional(pool)
        .await?
        .is_some())
}

async fn exists_postgres(pool: &sqlx::PgPool, id: uuid::Uuid) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query("SELECT 1 FROM users WHERE id = $1::uuid")
        .bind(id.to_string())
        .fetch_optional(pool)
        .await?
        .is_some())
}
