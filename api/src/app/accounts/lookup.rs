//! Finding an account by email through the blind index: the index names candidates (a
//! truncated HMAC is shared by design), and each candidate's sealed email is opened and
//! compared, so a coincidence never signs anyone into another account.

use crate::crypto::{Column, Index, Vault};
use crate::db::users::{self, UserRow};
use crate::db::{Conn, sealed};
use crate::domain::email_lookup;
use crate::error::Result;

/// The account whose email, compared as sign-in compares it (trimmed, lowercased), is
/// `email`.
pub async fn find_by_email(conn: &mut Conn, vault: &Vault, email: &str) -> Result<Option<UserRow>> {
    let wanted = email_lookup(email);
    let index = vault.blind_index(Index::Email, &wanted);
    for candidate in users::by_email_index(conn, index).await? {
        let stored = vault.open(Column::UsersEmail, candidate.id, &candidate.email)?;
        if email_lookup(&stored) == wanted {
            return Ok(Some(candidate));
        }
    }
    Ok(None)
}

/// Holds the lock of `email`'s index value until the transaction on `conn` ends, so a check
/// for a taken email and the insert that follows it cannot interleave with another writer's
/// (`db::sealed::lock_index_value`).
pub async fn lock_email(conn: &mut Conn, vault: &Vault, email: &str) -> Result<()> {
    let index = vault.blind_index(Index::Email, &email_lookup(email));
    sealed::lock_index_value(
        conn,
        crate::crypto::blind_index::lock_key(Index::Email, index),
    )
    .await?;
    Ok(())
}

/// The address of `account`, opened.
pub fn email_of(vault: &Vault, account: &UserRow) -> Result<String> {
    Ok(vault.open(Column::UsersEmail, account.id, &account.email)?)
}
