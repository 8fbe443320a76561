//! Creating accounts: a customer signing up (and signed in at once), and the operator's
//! accounts of any role (`api create-admin`, `api seed-demo`), after the same checks.

use crate::app::Actor;
use crate::app::accounts::lookup;
use crate::app::accounts::sessions::{self, Session};
use crate::app::audit::{self, Entry};
use crate::auth::password;
use crate::clock::Clock;
use crate::crypto::{Column, Index, Vault};
use crate::db::users::{self, NewUser};
use crate::db::{Conn, Db, Id};
use crate::domain::{BoundedText, Email, Fields, Invalid};
use crate::error::{ApiError, Result};
use crate::state::AppState;
use contracts::auth::NewAccount;
use contracts::props::Role;

/// The longest display name, in characters.
pub(crate) const MAX_DISPLAY_NAME_CHARS: usize = 100;

/// A new account's fields, each past its rule.
#[derive(Debug)]
pub struct ValidAccount {
    pub email: Email,
    pub display_name: BoundedText,
    pub password: String,
}

/// Checks every field of a new account at once, so the form can mark them all.
pub fn validate(account: NewAccount) -> Result<ValidAccount> {
    let mut fields = Fields::new();
    let email = fields.check("email", Email::parse(&account.email));
    fields.check("password", new_password(&account.password));
    let display_name = fields.check(
        "displayName",
        BoundedText::parse(&account.display_name, MAX_DISPLAY_NAME_CHARS),
    );
    fields.finish()?;
    match (email, display_name) {
        (Some(email), Some(display_name)) => Ok(ValidAccount {
            email,
            display_name,
            password: account.password,
        }),
        // `Fields` records every failure, so `finish` has refused already.
        _ => Err(ApiError::Internal(anyhow::anyhow!(
            "a field failed without a record"
        ))),
    }
}

/// `password` against the policy for new passwords (sign-up, reset), as a field's failure.
pub(super) fn new_password(password: &str) -> Result<(), Invalid> {
    password::check_policy(password).map_err(|error| Invalid::new(error.code(), error.to_string()))
}

/// A new customer account, signed in at once (one transaction: the account and its first
/// session), whoever `actor` is (a guest, signing up). Self-service accounts are customers;
/// other roles are granted by administrators.
pub async fn register(actor: &Actor, state: &AppState, account: NewAccount) -> Result<Session> {
    let account = validate(account)?;
    let password_hash = password::hash(account.password.clone()).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let user = insert(
        &mut tx,
        &state.vault,
        &account,
        &password_hash,
        Role::Customer,
    )
    .await?;
    let session = sessions::start_on(&mut tx, &state.jwt, &user, false, now).await?;
    let registrant = audit::as_account(actor, user.id, user.role);
    audit::record(&mut tx, &registrant, &created(user.id, user.role, now)).await?;
    tx.commit().await?;
    Ok(session)
}

/// An account with `role`, created by `actor` (the operator at the command line), after the
/// same checks as sign-up (email, display name, password policy); its id. 409 `email_taken`,
/// or 422 naming the fields that fail.
pub async fn create_account(
    actor: &Actor,
    db: &Db,
    vault: &Vault,
    clock: &Clock,
    account: NewAccount,
    role: Role,
) -> Result<Id> {
    let account = validate(account)?;
    let password_hash = password::hash(account.password.clone()).await?;
    let mut tx = db.begin().await?;
    let user = insert(&mut tx, vault, &account, &password_hash, role).await?;
    audit::record(&mut tx, actor, &created(user.id, role, clock.now())).await?;
    tx.commit().await?;
    Ok(user.id)
}

/// The audit entry of a new account: its role, never its email.
fn created(id: Id, role: Role, now: i64) -> Entry<'static> {
    Entry::success("users:create", "users", Some(id), now).with_changes(serde_json::json!({
        "role": {"after": crate::auth::roles::as_str(role)},
    }))
}

/// Inserts the account, its email sealed and blind-indexed; the row as stored. Runs in the
/// caller's transaction: the lock of the email's index value is held from the check to the
/// commit, so two racing sign-ups with one email cannot both win. (The index is truncated,
/// so it cannot be UNIQUE without refusing other addresses that share its value; and a
/// full-width HMAC, which could be, would confirm any guessed address to whoever held the
/// index key alone. Hence lock, open the candidates, compare.)
async fn insert(
    conn: &mut Conn,
    vault: &Vault,
    account: &ValidAccount,
    password_hash: &str,
    role: Role,
) -> Result<users::UserRow> {
    lookup::lock_email(conn, vault, account.email.as_str()).await?;
    if lookup::find_by_email(conn, vault, account.email.as_str())
        .await?
        .is_some()
    {
        return Err(ApiError::EmailTaken);
    }
    let id = Id::new();
    let email = vault.seal(Column::UsersEmail, id, account.email.as_str());
    users::insert(
        conn,
        &NewUser {
            id,
            email: &email,
            email_index: vault.blind_index(Index::Email, &account.email.lookup()),
            display_name: account.display_name.as_str(),
            password_hash,
            role,
        },
    )
    .await?;
    Ok(users::UserRow {
        id,
        display_name: account.display_name.as_str().to_owned(),
        password_hash: password_hash.to_owned(),
        role,
        email,
        locked_until: None,
        mfa_enabled: false,
        disabled: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(email: &str, password: &str, display_name: &str) -> NewAccount {
        NewAccount {
            email: email.into(),
            password: password.into(),
            display_name: display_name.into(),
        }
    }

    #[test]
    fn plausible_emails_pass_and_malformed_ones_do_not() {
        for email in ["a@example.com", " Asha.Rao+shop@mail.example.in "] {
            assert!(Email::parse(email).is_ok(), "{email}");
        }
        for email in [
            "",
            "asha",
            "@example.com",
            "asha@",
            "asha@example",
            "asha@@example.com",
            "as ha@example.com",
            "asha@.com",
            "asha@example.",
        ] {
            assert!(Email::parse(email).is_err(), "{email}");
        }
        assert!(Email::parse(&format!("{}@example.com", "a".repeat(250))).is_err());
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let Err(ApiError::Validation(errors)) = validate(account("nope", "short", "   ")) else {
            panic!("accepted");
        };

        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "password", "displayName"]);
    }

    #[test]
    fn a_display_name_is_trimmed_and_limited_to_100_characters() {
        let valid = |name: &str| validate(account("a@example.com", "correct horse battery", name));

        assert_eq!(valid("  Asha  ").unwrap().display_name.as_str(), "Asha");
        assert!(valid(&"é".repeat(100)).is_ok());
        assert!(valid(&"é".repeat(101)).is_err());
    }
}
