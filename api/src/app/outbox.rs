//! Queueing mail with its recipient and bodies sealed (`email_outbox.to_address`, `.body`,
//! `.html_body`), opening what the sender delivers, the administrators' list of dead mail
//! (recipients masked, never a body), and the purge of delivered mail. Queue inside the
//! transaction of the change that causes the mail.

use crate::app::Actor;
use crate::app::audit::{self, Entry};
use crate::clock::Clock;
use crate::crypto::{Column, Vault};
use crate::db::outbox::{self, OutboxMail};
use crate::db::{Conn, Db};
use crate::domain::mask;
use crate::error::{ApiError, Result};
use crate::state::AppState;
use contracts::mail::{DeadMail, DeadMailList};

/// How long delivered mail (and its bodies, which may hold links with live tokens) is kept.
pub const KEEP_SENT_SECS: i64 = 30 * 86_400;
/// The longest dead-mail list served.
pub const MAX_DEAD: i64 = 500;

/// What a mail is about: stored with it (`email_outbox.kind`) so an operator looking at dead
/// mail knows what failed without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    PasswordReset,
    ImpersonationStarted,
    OrderConfirmed,
    OrderShipped,
    OrderDelivered,
    OrderCancelled,
    OrderRefunded,
}

impl MailKind {
    /// The stored (and wire) spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::PasswordReset => "password_reset",
            MailKind::ImpersonationStarted => "impersonation_started",
            MailKind::OrderConfirmed => "order_confirmed",
            MailKind::OrderShipped => "order_shipped",
            MailKind::OrderDelivered => "order_delivered",
            MailKind::OrderCancelled => "order_cancelled",
            MailKind::OrderRefunded => "order_refunded",
        }
    }
}

/// A mail to queue.
#[derive(Debug, Clone, Copy)]
pub struct NewMail<'a> {
    pub kind: MailKind,
    pub to: &'a str,
    pub subject: &'a str,
    /// The plain-text part, always there.
    pub text: &'a str,
    /// The HTML alternative, if any (sent as multipart/alternative).
    pub html: Option<&'a str>,
}

/// Queues `mail` on `conn` (a transaction: the row is inserted, then its sealed fields filled
/// in, since they are bound to the id the database assigns); its id.
pub async fn queue(conn: &mut Conn, vault: &Vault, mail: &NewMail<'_>) -> Result<i64> {
    let id = outbox::insert(conn, mail.kind.as_str(), mail.subject).await?;
    let to = vault.seal(Column::OutboxToAddress, id, mail.to);
    let text = vault.seal(Column::OutboxBody, id, mail.text);
    let html = mail
        .html
        .map(|html| vault.seal(Column::OutboxHtmlBody, id, html));
    outbox::fill(conn, id, &to, &text, html.as_deref()).await?;
    Ok(id)
}

/// `mail` with its recipient and bodies opened.
pub fn open(vault: &Vault, mail: OutboxMail) -> Result<OutboxMail> {
    let html_body = match &mail.html_body {
        Some(html) => Some(vault.open(Column::OutboxHtmlBody, mail.id, html)?),
        None => None,
    };
    Ok(OutboxMail {
        to_address: vault.open(Column::OutboxToAddress, mail.id, &mail.to_address)?,
        body: vault.open(Column::OutboxBody, mail.id, &mail.body)?,
        html_body,
        ..mail
    })
}

/// The dead mails, newest first (at most [`MAX_DEAD`]), read by `actor` (an administrator:
/// the route's policy), audited: what each was about, its recipient masked, how often it
/// failed and the last error.
pub async fn dead(actor: &Actor, state: &AppState) -> Result<DeadMailList> {
    if actor.user().is_none() {
        return Err(ApiError::Unauthenticated);
    }
    let rows = outbox::dead(&mut state.db.conn().await?, MAX_DEAD).await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let to = state
            .vault
            .open(Column::OutboxToAddress, row.id, &row.to_address)?;
        items.push(DeadMail {
            id: row.id,
            kind: row.kind,
            to: mask::email(&to),
            attempts: row.attempts,
            last_error: row.last_error,
            created_at: row.created_at,
            dead_at: row.dead_at,
        });
    }
    let count = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let entry = Entry::success("mail:dead", "email_outbox", None, state.clock.now())
        .with_changes(serde_json::json!({"rows": {"after": count}}));
    audit::admin_read(&state.db, actor, &entry).await?;
    Ok(DeadMailList { items })
}

/// Deletes delivered mail older than [`KEEP_SENT_SECS`] by `clock`, as the sweeper; how many.
pub async fn purge(actor: &Actor, db: &Db, clock: &Clock) -> Result<u64> {
    if actor.user().is_some() {
        return Err(ApiError::Forbidden);
    }
    let before = clock.now() - KEEP_SENT_SECS;
    Ok(outbox::purge_sent(&mut db.conn().await?, before).await?)
}
