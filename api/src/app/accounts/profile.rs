//! The signed-in account: who an access token names, as stored now.

use crate::app::Actor;
use crate::db::users::{self, UserRow};
use crate::db::{Conn, Id};
use crate::error::{ApiError, Result};
use crate::state::AppState;
use contracts::props::SessionUser;

/// The signed-in user as stored now (a deleted account's token stops working here at once).
pub async fn me(actor: &Actor, state: &AppState) -> Result<SessionUser> {
    let user = actor.user().ok_or(ApiError::Unauthenticated)?;
    let account = account_of(&mut state.db.conn().await?, user.id).await?;
    Ok(SessionUser {
        id: user.id.to_string(),
        display_name: account.display_name,
        role: user.role,
        permissions: user.permissions.clone(),
        mfa_verified: user.mfa,
    })
}

/// The stored account `id` of a signed-in user; 401 `unauthenticated` when it is gone.
pub(super) async fn account_of(conn: &mut Conn, id: Id) -> Result<UserRow> {
    users::find_by_id(conn, id)
        .await?
        .ok_or(ApiError::Unauthenticated)
}
