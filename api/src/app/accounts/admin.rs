//! The administrators' view of the accounts: listing and searching them a page at a time, one
//! account's masked view, and the changes to it: disable, enable, unlock, role. Who may is the
//! route's policy (`users:manage` or `users:all`, with a second factor; changes want it
//! recent); an administrator's account is a SUPER_ADMIN's to change, and roles too.

use crate::app::Actor;
use crate::app::accounts::lookup;
use crate::app::audit::{self, Entry};
use crate::auth::roles;
use crate::crypto::{Column, Vault};
use crate::db::users_admin::{self, AccountRow, ListedUser};
use crate::db::{Conn, Id, sessions};
use crate::domain::{field_error, mask};
use crate::error::{ApiError, Result};
use crate::state::AppState;
use contracts::admin::AccountView;
use contracts::props::Role;
use contracts::users::{UserPage, UserSummary};

/// Longest search text, in characters.
const MAX_QUERY_CHARS: usize = 200;

/// Up to `limit` accounts, newest first, after the account `after` (the previous page's
/// `nextCursor`); 422 naming `after` when it is not an account's id. `q`, when given, searches:
/// text with an `@` is an email, found through its blind index (emails are sealed, so only a
/// whole address matches, compared as sign-in compares it), anything else a part of the
/// display name. `actor` is who lists, already admitted by the route's policy; the read is
/// audited (never the search text: it may be an email).
pub async fn list_users(
    actor: &Actor,
    state: &AppState,
    limit: u32,
    after: Option<&str>,
    q: Option<&str>,
) -> Result<UserPage> {
    let q = q.map(str::trim).filter(|q| !q.is_empty());
    if q.is_some_and(|q| q.chars().count() > MAX_QUERY_CHARS) {
        return Err(ApiError::Validation(vec![field_error(
            "q",
            "too_long",
            "must be at most 200 characters",
        )]));
    }
    let mut conn = state.db.conn().await?;
    let after = match after {
        Some(after) => Some(cursor(&mut conn, after).await?),
        None => None,
    };
    let mut rows = match q {
        Some(email) if email.contains('@') => {
            // One account at most: a single page.
            let found = lookup::find_by_email(&mut conn, &state.vault, email).await?;
            let row = match found {
                Some(user) if after.is_none() => users_admin::view(&mut conn, user.id).await?,
                _ => None,
            };
            row.map(|row| row.listed).into_iter().collect()
        }
        // One row more than asked tells whether there is a next page.
        name => {
            let pattern = name.map(|name| format!("%{}%", like_escaped(name)));
            users_admin::list(&mut conn, i64::from(limit) + 1, after, pattern.as_deref()).await?
        }
    };
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

/// `text` with LIKE's wildcards and escape character escaped (by `\\`).
fn like_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Account `id` with its email masked and its standing; reading it is audited as a view of
/// personal data (`users:view`, naming the account).
pub async fn view(actor: &Actor, state: &AppState, id: &str) -> Result<AccountView> {
    let id = Id::parse(id).ok_or(ApiError::NotFound)?;
    let row = users_admin::view(&mut state.db.conn().await?, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let entry = Entry::success("users:view", "users", Some(id), state.clock.now());
    audit::admin_read(&state.db, actor, &entry).await?;
    masked(&state.vault, row)
}

/// What an administrator changes on an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// No sign-in, no refresh; the account's refresh tokens are revoked. Its access tokens
    /// already issued live out their 15 minutes.
    Disable,
    Enable,
    /// Lifts a lockout after failed sign-ins.
    Unlock,
    /// A new role (SUPER_ADMIN only).
    Role(Role),
}

/// Applies `change` to account `id`, audited with before and after in the same transaction;
/// the account as it is then. Refused, with nothing written: 404 for no account; 403
/// `super_admin_required` for a role change, or any change to an administrator's account, by
/// an ADMIN; 422 for disabling oneself or changing one's own role, and for making a SELLER
/// (sellers come from an approved application). A change that changes nothing writes nothing.
pub async fn change(
    actor: &Actor,
    state: &AppState,
    id: &str,
    change: Change,
) -> Result<AccountView> {
    let me = actor.user().ok_or(ApiError::Unauthenticated)?;
    let id = Id::parse(id).ok_or(ApiError::NotFound)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let row = users_admin::view(&mut tx, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let staff = |role: Role| matches!(role, Role::Admin | Role::SuperAdmin);
    let target_role = row.listed.role;
    if me.role != Role::SuperAdmin && (matches!(change, Change::Role(_)) || staff(target_role)) {
        return Err(ApiError::SuperAdminRequired);
    }
    let refuse = |field: &str, code: &str, message: &str| {
        Err(ApiError::Validation(vec![field_error(
            field, code, message,
        )]))
    };
    let (action, changes) = match change {
        Change::Disable if me.id == id => {
            return refuse("id", "self", "you cannot disable your own account");
        }
        Change::Disable | Change::Enable => {
            let disable = change == Change::Disable;
            if row.disabled_at.is_some() == disable {
                return finish(tx, &state.vault, row).await;
            }
            users_admin::set_disabled(&mut tx, id, disable.then_some(now)).await?;
            if disable {
                sessions::revoke_all(&mut tx, id, now).await?;
            }
            let action = if disable {
                "users:disable"
            } else {
                "users:enable"
            };
            (
                action,
                serde_json::json!({"disabled": {"before": !disable, "after": disable}}),
            )
        }
        Change::Unlock => {
            users_admin::unlock(&mut tx, id).await?;
            let before = row.locked_until.filter(|&until| until > now);
            (
                "users:unlock",
                serde_json::json!({"lockedUntil": {"before": before, "after": null}}),
            )
        }
        Change::Role(_) if me.id == id => {
            return refuse("role", "own_role", "you cannot change your own role");
        }
        Change::Role(Role::Seller) if target_role != Role::Seller => {
            return refuse(
                "role",
                "seller_by_application",
                "an account becomes a seller when its shop application is approved",
            );
        }
        Change::Role(role) => {
            if role == target_role {
                return finish(tx, &state.vault, row).await;
            }
            users_admin::set_role(&mut tx, id, role).await?;
            // The old role's sessions end: the next sign-in carries the new permissions.
            sessions::revoke_all(&mut tx, id, now).await?;
            let changes = serde_json::json!({"role": {
                "before": roles::as_str(target_role), "after": roles::as_str(role),
            }});
            ("users:role", changes)
        }
    };
    let entry = Entry::success(action, "users", Some(id), now).with_changes(changes);
    audit::record(&mut tx, actor, &entry).await?;
    let row = users_admin::view(&mut tx, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    finish(tx, &state.vault, row).await
}

/// Commits `tx` and answers `row`, masked.
async fn finish(tx: crate::db::Tx, vault: &Vault, row: AccountRow) -> Result<AccountView> {
    tx.commit().await?;
    masked(vault, row)
}

fn masked(vault: &Vault, row: AccountRow) -> Result<AccountView> {
    let mut account = summary(vault, row.listed)?;
    account.email = mask::email(&account.email);
    Ok(AccountView {
        account,
        disabled_at: row.disabled_at,
        locked_until: row.locked_until,
    })
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
