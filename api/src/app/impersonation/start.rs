//! Starting a support session: the checks of seed 000 section 6.1 and 6.2, the session row
//! and the customer's notice mail in one transaction, and the impersonation token.

use crate::app::accounts::lookup;
use crate::app::audit::{self, Entry};
use crate::app::{Actor, outbox};
use crate::auth::token::{Claims, ImpersonationClaims};
use crate::db::users::{self, UserRow};
use crate::db::{Id, impersonations, shops};
use crate::domain::{BoundedText, Fields, Invalid, field_error};
use crate::error::{ApiError, Result};
use crate::state::AppState;
use contracts::impersonation::{
    ImpersonationGrant, MAX_DURATION_MINUTES, MAX_REASON_CHARS, StartImpersonation,
};
use contracts::props::{ImpersonationNotice, Role};

/// The permission that starts a support session (seed 000 section 3.1).
pub const IMPERSONATE: &str = "impersonate:execute";
/// The subject of the mail the customer gets when a session starts.
pub const START_SUBJECT: &str = "Bazaar support opened your account";

/// The checked request.
struct Checked {
    target: Id,
    reason: BoundedText,
    minutes: i64,
}

/// Starts a support session of `actor` (an administrator whose session passed a second
/// factor) as `request.targetUserId`. Every refusal comes before anything is written: 403
/// `impersonation_forbidden` from an impersonation token (no chaining), 403 `forbidden` or
/// `mfa_required` without the permission or the second factor, 422 naming each bad field
/// (`reason` missing, blank or too long; `durationMinutes` missing or out of 1..=240;
/// `targetUserId` missing, unknown, locked, an administrator, or oneself).
pub async fn start(
    actor: &Actor,
    state: &AppState,
    request: &StartImpersonation,
) -> Result<ImpersonationGrant> {
    // No chaining. The route's policy already refuses (the token carries the target's
    // permissions); a use case called from elsewhere must refuse too.
    super::forbid(actor, "targetUserId")?;
    let admin = actor.user().ok_or(ApiError::Unauthenticated)?;
    if !admin.permissions.iter().any(|held| held == IMPERSONATE) {
        return Err(ApiError::Forbidden);
    }
    if !admin.mfa {
        return Err(ApiError::MfaRequired);
    }
    let checked = check(request)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let admin_row = users::find_by_id(&mut tx, admin.id)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let target = target(&mut tx, admin.id, checked.target, now).await?;
    let session = Id::new();
    let expires_at = now + checked.minutes * 60;
    impersonations::insert(
        &mut tx,
        &impersonations::NewSession {
            id: session,
            admin: admin.id,
            target: target.id,
            reason: checked.reason.as_str(),
            started_at: now,
            expires_at,
        },
    )
    .await?;
    let body = notice_body(
        &target.display_name,
        &admin_row.display_name,
        &checked,
        expires_at,
    );
    let to = lookup::email_of(&state.vault, &target)?;
    let mail = outbox::NewMail {
        kind: outbox::MailKind::ImpersonationStarted,
        to: &to,
        subject: START_SUBJECT,
        text: &body,
        html: None,
    };
    outbox::queue(&mut tx, &state.vault, &mail).await?;
    // The reason is the audit's point (seed 000 section 6.1); it is support's text about a
    // ticket, and the audit masks anything in it that reads as an email, phone or GSTIN.
    let entry = Entry::success("impersonation:start", "users", Some(target.id), now).with_changes(
        serde_json::json!({
            "session": {"after": session.to_string()},
            "reason": {"after": checked.reason.as_str()},
            "durationMinutes": {"after": checked.minutes},
        }),
    );
    audit::record(&mut tx, actor, &entry).await?;
    let mut claims = Claims::impersonation(
        &target.id.to_string(),
        target.role,
        ImpersonationClaims {
            admin: &admin.id.to_string(),
            session: &session.to_string(),
            started: now,
            expires: expires_at,
            reason: checked.reason.as_str(),
        },
    );
    if target.role == Role::Seller {
        claims.tenant_id = shops::id_of_owner(&mut tx, target.id)
            .await?
            .map(String::from);
    }
    let access_token = state.jwt.sign(&claims)?;
    tx.commit().await?;
    Ok(ImpersonationGrant {
        access_token,
        expires_at,
        user: claims.session_user(target.display_name.clone()),
        session_id: session.to_string(),
        started_at: now,
        reason: checked.reason.into_string(),
        impersonation: ImpersonationNotice {
            admin_name: admin_row.display_name,
            expires_at,
        },
    })
}

/// The request's fields, each failure named at once.
fn check(request: &StartImpersonation) -> Result<Checked> {
    let mut fields = Fields::new();
    let target = fields.check(
        "targetUserId",
        match request.target_user_id.as_deref().map(str::trim) {
            None | Some("") => Err(Invalid::new("required", "must not be empty")),
            // An id this server never made names no account.
            Some(id) => Id::parse(id).ok_or_else(unknown_user),
        },
    );
    let reason = fields.check(
        "reason",
        BoundedText::parse(request.reason.as_deref().unwrap_or(""), MAX_REASON_CHARS),
    );
    let minutes = fields.check(
        "durationMinutes",
        match request.duration_minutes {
            None => Err(Invalid::new("required", "must be given")),
            Some(minutes) if (1..=MAX_DURATION_MINUTES).contains(&minutes) => Ok(minutes),
            Some(_) => Err(Invalid::new(
                "out_of_range",
                format!("must be 1 to {MAX_DURATION_MINUTES} minutes"),
            )),
        },
    );
    fields.finish()?;
    match (target, reason, minutes) {
        (Some(target), Some(reason), Some(minutes)) => Ok(Checked {
            target,
            reason,
            minutes,
        }),
        _ => Err(ApiError::Internal(anyhow::anyhow!(
            "an impersonation field passed without a value"
        ))),
    }
}

fn unknown_user() -> Invalid {
    Invalid::new("unknown_user", "is not an account")
}

/// The account `id` if support may act as it: it exists, is not `admin` itself, is no
/// administrator, and is not locked at `now`.
async fn target(conn: &mut crate::db::Conn, admin: Id, id: Id, now: i64) -> Result<UserRow> {
    if id == admin {
        return Err(refused(Invalid::new("self", "cannot be your own account")));
    }
    let Some(target) = users::find_by_id(conn, id).await? else {
        return Err(refused(unknown_user()));
    };
    if matches!(target.role, Role::Admin | Role::SuperAdmin) {
        return Err(refused(Invalid::new(
            "administrator",
            "is an administrator, whom support may not act as",
        )));
    }
    if target.is_locked(now) {
        return Err(refused(Invalid::new(
            "inactive_user",
            "is locked and cannot be acted as until it is unlocked",
        )));
    }
    Ok(target)
}

/// 422 naming `targetUserId` with `invalid`.
fn refused(invalid: Invalid) -> ApiError {
    ApiError::Validation(vec![field_error(
        "targetUserId",
        invalid.code,
        &invalid.message,
    )])
}

/// The customer's notice: who opened the account, why, and until when (UTC).
fn notice_body(customer: &str, admin: &str, checked: &Checked, expires_at: i64) -> String {
    let (hours, minutes) = ((expires_at % 86_400) / 3_600, (expires_at % 3_600) / 60);
    format!(
        "Hello {customer},\n\n\
         {admin} of Bazaar support opened a support session on your account, for at most \
         {} minutes (until {hours:02}:{minutes:02} UTC).\n\
         Reason: {}\n\n\
         Support sees your personal data masked and cannot change your password, email, \
         second factor, addresses or payment methods. Every session is listed under \
         Account, Access history. If you did not expect this, contact support.\n",
        checked.minutes,
        checked.reason.as_str(),
    )
}
