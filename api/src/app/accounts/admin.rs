//! The administrators' view of the accounts: listing them a page at a time. Who may is the
//! route's policy (`users:manage` or `users:all`, with a second factor).

use crate::app::Actor;
use crate::app::audit::{self, Entry};
use crate::crypto::{Column, Vault};
use crate::db::users_admin::{self, ListedUser};
use crate::db::{Conn, Id};
use crate::domain::field_error;
use crate::error::{ApiError, Result};
use crate::state::AppState;
use contracts::users::{UserPage, UserSummary};

/// Up to `limit` accounts, newest first, after the account `after` (the previous page's
/// `nextCursor`); 422 naming `after` when it is not an account's id. `actor` is who lists,
/// already admitted by the route's policy; the audit of personal-data reads will name them.
pub async fn list_users(
    actor: &Actor,
    state: &AppState,
    limit: u32,
    after: Option<&str>,
) -> Result<UserPage> {
    let mut conn = state.db.conn().await?;
    let after = match after {
        Some(after) => Some(cursor(&mut conn, after).await?),
        None => None,
    };
    // One row more than asked tells whether there is a next page.
    let mut rows = users_admin::list(&mut conn, i64::from(limit) + 1, after).await?;
    let next_cursor = if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        rows.last().map(|row| row.id.to_string())
    } else {
        None
    };
    drop(conn);
    // Accounts are personal data: an administrator's read is audited.
    let count = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let entry = Entry::success("users:read", "users", None, state.clock.now())
        .with_changes(serde_json::json!({"rows": {"after": count}}));
    audit::admin_read(&state.db, actor, &entry).await?;
    Ok(UserPage {
        items: rows
            .into_iter()
            .map(|row| summary(&state.vault, row))
            .collect::<Result<_>>()?,
        next_cursor,
    })
}

/// The account a cursor names.
async fn cursor(conn: &mut Conn, after: &str) -> Result<Id> {
    match Id::parse(after) {
        Some(id) if users_admin::exists(conn, id).await? => Ok(id),
        _ => Err(ApiError::Validation(vec![field_error(
            "after",
            "unknown_cursor",
            "is not the cursor of a page",
        )])),
    }
}

fn summary(vault: &Vault, row: ListedUser) -> Result<UserSummary> {
    Ok(UserSummary {
        id: row.id.to_string(),
        email: vault.open(Column::UsersEmail, row.id, &row.email)?,
        display_name: row.display_name,
        role: row.role,
        mfa_enabled: row.mfa_enabled,
        created_at: row.created_at_unix,
    })
}
