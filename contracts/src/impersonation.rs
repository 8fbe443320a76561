//! Administrators' support sessions as another user (seed 000 section 6): starting one
//! (`POST /api/v1/admin/impersonate`), what it grants, and the customer's access history
//! (`GET /api/v1/users/me/access-history`).

use crate::props::{ImpersonationNotice, SessionUser};
use serde::{Deserialize, Serialize};

/// The longest support session, in minutes (seed 000 section 6.1).
pub const MAX_DURATION_MINUTES: i64 = 240;
/// The longest reason, in characters.
pub const MAX_REASON_CHARS: usize = 500;

/// `POST /api/v1/admin/impersonate`. Every member is checked by the server and a missing one
/// is named in a 422 like a bad one (so they are optional here, not in the rules).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StartImpersonation {
    /// The account to act as: an active customer or seller, never an administrator, never
    /// oneself.
    #[serde(default)]
    pub target_user_id: Option<String>,
    /// Why (a support ticket, say): required, 1 to 500 characters.
    #[serde(default)]
    pub reason: Option<String>,
    /// How long, 1 to 240 minutes.
    #[serde(default)]
    pub duration_minutes: Option<i64>,
}

/// What starting a support session grants: an impersonation token acting as the target, with
/// the target's permissions (never the administrator's), and no refresh token: when it
/// expires the session is over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ImpersonationGrant {
    /// Bearer token (issuer `bazaar.api/impersonation`), valid until `expiresAt` unless the
    /// session is ended first.
    pub access_token: String,
    /// Unix seconds: the session's end.
    pub expires_at: i64,
    /// The target, as a sign-in of theirs would describe them (`mfaVerified` false).
    pub user: SessionUser,
    /// The session's id.
    pub session_id: String,
    /// Unix seconds.
    pub started_at: i64,
    pub reason: String,
    /// What the banner shows: the administrator's name and the end.
    pub impersonation: ImpersonationNotice,
}

/// One support session in a customer's access history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AccessRecord {
    pub id: String,
    /// Who: the administrator's display name.
    pub admin_name: String,
    /// Why.
    pub reason: String,
    /// Unix seconds.
    pub started_at: i64,
    /// Unix seconds: when it runs out (or ran out).
    pub expires_at: i64,
    /// Unix seconds: when it was ended early (End, sign-out), if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<i64>,
    /// For how long, in whole minutes so far: until `endedAt`, `expiresAt` or now.
    pub duration_minutes: i64,
    /// Whether it is still going on.
    pub active: bool,
}

/// `GET /api/v1/users/me/access-history`: the support sessions on the account, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AccessHistory {
    pub items: Vec<AccessRecord>,
}
