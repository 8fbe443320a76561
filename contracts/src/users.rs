//! Accounts as administrators see them: `GET /api/v1/admin/users`.

use crate::props::Role;
use serde::{Deserialize, Serialize};

/// One account in the administrators' list. No password hash, no MFA secret: only what an
/// administrator needs to find an account and see its standing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserSummary {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// Whether the account has an active second factor.
    pub mfa_enabled: bool,
    /// When the account was created, unix seconds.
    pub created_at: i64,
}

/// One page of accounts, newest first. `next_cursor`, when present, is passed back as
/// `?after=` for the next page (keyset pagination: pages stay consistent while accounts are
/// added).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserPage {
    pub items: Vec<UserSummary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}
