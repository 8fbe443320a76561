//! Password resets: a single-use link valid for 30 minutes, mailed through the outbox, and the
//! new password it sets, which ends every session of the account.

use crate::app::accounts::lookup;
use crate::app::accounts::registration::new_password;
use crate::app::audit::{self, Entry};
use crate::app::{Actor, outbox};
use crate::auth::session::RESET_LIFETIME_SECS;
use crate::auth::{password, secret};
use crate::db::{password_resets, sessions, users};
use crate::domain::Fields;
use crate::error::{ApiError, Result};
use crate::state::AppState;
use contracts::auth::ResetPassword;

/// The front-end route the mailed link opens; the token follows as `?token=`.
pub const RESET_PATH: &str = "/reset-password";
/// The subject of the reset mail.
pub const RESET_SUBJECT: &str = "Reset your Bazaar password";
/// The longest reset token worth looking up (ours are 43 characters).
const MAX_TOKEN_BYTES: usize = 128;

/// Mails a reset link to the account of `email`, if there is one; nothing otherwise, and the
/// caller (`actor`, a guest) cannot tell which. The token and its mail are stored in one
/// transaction: the mail is never sent for a token that was not stored, nor a token stored
/// without its mail.
pub async fn forgot(actor: &Actor, state: &AppState, email: &str) -> Result<()> {
    // The same work either way up to here: one indexed lookup and one token. The insert for
    // an existing account costs a few milliseconds more, well inside network jitter (and the
    // endpoint is rate-limited).
    let token = secret::random_token();
    let Some(user) =
        lookup::find_by_email(&mut state.db.conn().await?, &state.vault, email).await?
    else {
        return Ok(());
    };
    let to = lookup::email_of(&state.vault, &user)?;
    let link = format!(
        "{}{RESET_PATH}?token={token}",
        state.public_url.trim_end_matches('/')
    );
    let body = reset_mail_body(&user.display_name, &link);
    let expires_at = state.clock.now() + RESET_LIFETIME_SECS;
    let mut tx = state.db.begin().await?;
    password_resets::insert(&mut tx, &secret::hash_token(&token), user.id, expires_at).await?;
    let mail = outbox::NewMail {
        kind: outbox::MailKind::PasswordReset,
        to: &to,
        subject: RESET_SUBJECT,
        text: &body,
        html: None,
    };
    outbox::queue(&mut tx, &state.vault, &mail).await?;
    // Who asked is not known (anyone may type an email); the account is the resource.
    let entry = Entry::success(
        "auth:password_reset_request",
        "users",
        Some(user.id),
        state.clock.now(),
    );
    audit::record(&mut tx, actor, &entry).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a new password (same policy as sign-up) with a mailed token: the token, not `actor`
/// (a guest), names the account. The token is spent with the account's other reset tokens,
/// any lockout lifted, and every session of the account revoked (access tokens already issued
/// run out within 15 minutes), in one transaction.
pub async fn reset(actor: &Actor, state: &AppState, request: ResetPassword) -> Result<()> {
    let mut fields = Fields::new();
    fields.check("password", new_password(&request.password));
    fields.finish()?;
    if request.token.is_empty() || request.token.len() > MAX_TOKEN_BYTES {
        return Err(ApiError::InvalidResetToken);
    }
    let token_hash = secret::hash_token(&request.token);
    // Checked before hashing, so a guessed token costs the server no argon2 work.
    let mut conn = state.db.conn().await?;
    if !password_resets::is_live(&mut conn, &token_hash, state.clock.now()).await? {
        return Err(ApiError::InvalidResetToken);
    }
    drop(conn);
    let password_hash = password::hash(request.password).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let user_id = password_resets::spend(&mut tx, &token_hash, now)
        .await?
        .ok_or(ApiError::InvalidResetToken)?;
    users::set_password(&mut tx, user_id, &password_hash).await?;
    password_resets::spend_all_of(&mut tx, user_id, now).await?;
    sessions::revoke_all(&mut tx, user_id, now).await?;
    let role = users::find_by_id(&mut tx, user_id)
        .await?
        .map_or(contracts::props::Role::Customer, |user| user.role);
    let entry = Entry::success("auth:password_reset", "users", Some(user_id), now);
    audit::record(&mut tx, &audit::as_account(actor, user_id, role), &entry).await?;
    tx.commit().await?;
    Ok(())
}

/// The reset mail's text. The link is on a line of its own so mail clients (and the browser
/// tests reading the development mail folder) find it whole.
fn reset_mail_body(display_name: &str, link: &str) -> String {
    format!(
        "Hello {display_name},\n\n\
         someone (we hope you) asked to reset the password of your Bazaar account.\n\
         Open this link within 30 minutes to choose a new one:\n\n\
         {link}\n\n\
         The link works once. If you did not ask for it, ignore this mail: your password \
         stays as it is.\n"
    )
}
