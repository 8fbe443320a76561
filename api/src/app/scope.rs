//! Which orders and invoices an actor reads: the rule behind every scoped read.

use crate::app::{Actor, Who};
use crate::db::{Conn, Id, Scope, shops};
use crate::error::{ApiError, Result};
use contracts::props::Role;

/// The scope of `actor`'s reading: a customer's own orders, a seller's shop's lines, or
/// everything for administrators (`orders:view`) and the server's own tasks.
pub async fn reader_scope(actor: &Actor, conn: &mut Conn) -> Result<Scope> {
    let user = match &actor.who {
        Who::User(user) => user,
        Who::System(_) => return Ok(Scope::All),
        Who::Guest => return Err(ApiError::Unauthenticated),
    };
    Ok(match user.role {
        Role::Customer => Scope::Customer(user.id),
        Role::Seller => {
            // Looked up rather than taken from the token: a shop approved since the token was
            // signed is seen at once. A seller without a shop sees nothing (the nil id
            // matches no line).
            let shop = shops::id_of_owner(conn, user.id).await?;
            Scope::Shop(shop.unwrap_or(Id::nil()))
        }
        Role::Admin | Role::SuperAdmin => Scope::All,
    })
}
