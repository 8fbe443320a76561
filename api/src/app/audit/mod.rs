//! The audit log (seed 000 §12.1): [`record`] appends one row for an act, on the use case's
//! own transaction, so no change exists without its row and no row without its change.
//! Rows are chained by SHA-256 ([`chain`]), the chain's head is signed into checkpoints outside
//! the database ([`checkpoint`]), [`verify`] checks both, and [`query`] serves the viewer.
//!
//! Who acted comes from the [`Actor`]: ADMIN for an administrator's own account, USER for any
//! other account (an impersonated one included, flagged with the administrator's id) and for
//! someone not signed in, SYSTEM for the server's tasks. Where from: `actor.origin`.

pub mod chain;
pub mod checkpoint;
pub mod csv;
pub mod query;
pub mod redact;
pub mod verify;

use crate::app::{Actor, Task, User, Who};
use crate::db::audit::{self, AuditRow};
use crate::db::{Conn, Db, Id};
use crate::error::{ApiError, Result};
use contracts::audit::{ActorType, AuditStatus};
use contracts::props::Role;
use serde_json::Value;

pub use contracts::audit::AuditStatus as Status;

/// One audited act, as a use case describes it.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// `resource:verb`: `products:update`, `auth:login`.
    pub action: &'a str,
    /// `products`, `users`, `orders`, ...
    pub resource_type: &'a str,
    pub resource_id: Option<String>,
    /// `{"field": {"before": .., "after": ..}}`; personal data left out (and masked by
    /// [`redact`] if not).
    pub changes: Value,
    pub status: AuditStatus,
    /// Why it failed, in words without personal data.
    pub error: Option<&'a str>,
    /// When, unix seconds from the state's clock.
    pub at: i64,
}

impl<'a> Entry<'a> {
    /// A successful act on `resource_type` `id` at `at`.
    pub fn success(action: &'a str, resource_type: &'a str, id: Option<Id>, at: i64) -> Self {
        Entry {
            action,
            resource_type,
            resource_id: id.map(|id| id.to_string()),
            changes: Value::Null,
            status: AuditStatus::Success,
            error: None,
            at,
        }
    }

    /// A refused or failed act, and why.
    pub fn failure(
        action: &'a str,
        resource_type: &'a str,
        id: Option<Id>,
        error: &'a str,
        at: i64,
    ) -> Self {
        Entry {
            status: AuditStatus::Failure,
            error: Some(error),
            ..Entry::success(action, resource_type, id, at)
        }
    }

    pub fn with_changes(self, changes: Value) -> Self {
        Entry { changes, ..self }
    }
}

/// Appends `entry`, done by `actor`, at the head of the chain, on `conn`: a transaction the
/// caller commits with the change itself. Refused on a connection outside a transaction,
/// where the head read and the append could interleave with another writer's.
pub async fn record(conn: &mut Conn, actor: &Actor, entry: &Entry<'_>) -> Result<()> {
    if !conn.in_transaction() {
        return Err(ApiError::Internal(anyhow::anyhow!(
            "an audit row must be written in its change's transaction"
        )));
    }
    let changes = redact::checked(&entry.changes)?;
    let (actor_type, actor_id) = actor_columns(actor);
    let impersonation = actor.impersonation();
    // Serialises appends: the head stays the head until this transaction ends.
    audit::lock_chain(conn).await?;
    let mut row = AuditRow {
        seq: 0,
        at: entry.at,
        actor_type: actor_type.as_str().to_owned(),
        actor_id,
        action: entry.action.to_owned(),
        resource_type: entry.resource_type.to_owned(),
        resource_id: entry.resource_id.clone(),
        changes,
        ip: actor.origin.ip.map(|ip| ip.to_string()),
        user_agent: actor.origin.user_agent.clone(),
        impersonation_flag: impersonation.is_some(),
        impersonated_by: impersonation.map(|i| i.admin.to_string()),
        status: entry.status.as_str().to_owned(),
        error_message: entry.error.map(str::to_owned),
        prev_hash: String::new(),
        hash: String::new(),
    };
    // The head this process appended last is most often still the head: one statement checks
    // it and appends. Else (another process appended, or that append rolled back) the head is
    // read, and the row appended after it.
    if let Some(head) = audit::last_appended() {
        chain_after(&mut row, Some(head));
        if audit::insert_at_head(conn, &row, chain::GENESIS).await? {
            return Ok(());
        }
    }
    chain_after(&mut row, audit::head(conn).await?);
    audit::insert(conn, &row).await?;
    Ok(())
}

/// Places `row` after `head` (`None`: first of an empty log): its sequence number, the hash it
/// follows, and its own hash.
fn chain_after(row: &mut AuditRow, head: Option<audit::Head>) {
    (row.seq, row.prev_hash) = match head {
        Some(head) => (head.seq + 1, head.hash),
        None => (1, chain::GENESIS.to_owned()),
    };
    row.hash = chain::hash(&row.prev_hash, row);
}

/// [`record`] in a transaction of its own: a failure (a wrong password, a wrong code) whose
/// use case writes nothing else, or rolls back.
pub async fn record_alone(db: &Db, actor: &Actor, entry: &Entry<'_>) -> Result<()> {
    let mut tx = db.begin().await?;
    record(&mut tx, actor, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// An administrator's read of personal data (accounts, shops, orders, invoices), recorded in
/// its own transaction; nothing for anyone else, whose reads are of their own data.
pub async fn admin_read(db: &Db, actor: &Actor, entry: &Entry<'_>) -> Result<()> {
    if actor_columns(actor).0 != ActorType::Admin {
        return Ok(());
    }
    record_alone(db, actor, entry).await
}

/// The account `id` (role `role`) acting through `actor`'s request: who a credential that is
/// not an access token (a password, a refresh or reset token) turned out to be, so the row
/// names them. It carries no permissions: it is for the audit, not for authorisation.
pub fn as_account(actor: &Actor, id: Id, role: Role) -> Actor {
    Actor {
        who: Who::User(User {
            id,
            role,
            permissions: Vec::new(),
            shop: None,
            mfa: false,
            impersonation: None,
        }),
        origin: actor.origin.clone(),
    }
}

/// The actor type and id columns of `actor`.
pub(crate) fn actor_columns(actor: &Actor) -> (ActorType, Option<String>) {
    match &actor.who {
        Who::User(user) => {
            let admin = matches!(user.role, Role::Admin | Role::SuperAdmin);
            let kind = if admin && user.impersonation.is_none() {
                ActorType::Admin
            } else {
                ActorType::User
            };
            (kind, Some(user.id.to_string()))
        }
        Who::Guest => (ActorType::User, None),
        Who::System(task) => (ActorType::System, Some(task_name(*task).to_owned())),
    }
}

/// A task's name in the `actor_id` column.
pub fn task_name(task: Task) -> &'static str {
    match task {
        Task::Sweeper => "sweeper",
        Task::PaymentGateway => "payment-gateway",
        Task::Operator => "operator",
        Task::Startup => "startup",
        Task::Reconciler => "reconciler",
    }
}
