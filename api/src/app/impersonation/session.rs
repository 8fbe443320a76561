//! A support session's life on the server: the revocation check every request with an
//! impersonation token passes ([`ensure_live`]), and ending it ([`end`], and when the
//! administrator signs out, [`end_all_of_admin`]).

use crate::app::Actor;
use crate::app::audit::{self, Entry};
use crate::auth::token::Claims;
use crate::db::{Conn, Db, Id, impersonations};
use crate::error::{ApiError, Result};
use crate::state::AppState;

/// `Ok` for an access token, and for an impersonation token whose session is live at `now`:
/// not ended, not expired (one primary-key lookup). 401 `unauthenticated` otherwise, so an
/// ended session's token stops working at once, wherever it was copied to.
pub async fn ensure_live(db: &Db, claims: &Claims, now: i64) -> Result<()> {
    let Some(session) = claims.impersonated() else {
        return Ok(());
    };
    let (Some(id), Some(admin), Some(target)) = (
        Id::parse(session.session),
        Id::parse(session.admin),
        Id::parse(&claims.sub),
    ) else {
        return Err(ApiError::Unauthenticated);
    };
    let mut conn = db.conn().await?;
    if impersonations::is_live(&mut conn, id, admin, target, now).await? {
        Ok(())
    } else {
        tracing::debug!(session = %id, "impersonation token of an ended session refused");
        Err(ApiError::Unauthenticated)
    }
}

/// Ends the support session `actor` acts under (the End button); 409 `not_impersonating`
/// for an ordinary session.
pub async fn end(actor: &Actor, state: &AppState) -> Result<()> {
    let session = actor.impersonation().ok_or(ApiError::NotImpersonating)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    impersonations::end(&mut tx, session.session, now).await?;
    let target = actor.user_id();
    let entry = Entry::success("impersonation:end", "users", target, now)
        .with_changes(serde_json::json!({"session": {"after": session.session.to_string()}}));
    audit::record(&mut tx, actor, &entry).await?;
    tx.commit().await?;
    Ok(())
}

/// Ends every live support session of `admin` at `now`, on `conn` (the caller's sign-out
/// transaction): signing out ends impersonation at once on the server.
pub async fn end_all_of_admin(conn: &mut Conn, admin: Id, now: i64) -> Result<()> {
    impersonations::end_all_of_admin(conn, admin, now).await?;
    Ok(())
}
