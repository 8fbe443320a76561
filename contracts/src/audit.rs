//! The audit log as the audit viewer sees it: `GET /api/v1/audit` (a page of rows),
//! `GET /api/v1/audit/status` (the hash chain and its checkpoints), and the names the filters
//! take. Rows never hold personal data in clear (the server masks or omits it).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Who acted: an account (USER), an administrator (ADMIN: role ADMIN or SUPER_ADMIN), or the
/// server itself (SYSTEM: the sweeper, the payment gateway's verified webhook, an operator's
/// command).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ActorType {
    User,
    Admin,
    System,
}

impl ActorType {
    pub const ALL: [ActorType; 3] = [ActorType::User, ActorType::Admin, ActorType::System];

    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ActorType::User => "USER",
            ActorType::Admin => "ADMIN",
            ActorType::System => "SYSTEM",
        }
    }

    pub fn parse(text: &str) -> Option<ActorType> {
        ActorType::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

/// Whether the audited act succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuditStatus {
    Success,
    Failure,
}

impl AuditStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditStatus::Success => "SUCCESS",
            AuditStatus::Failure => "FAILURE",
        }
    }

    pub fn parse(text: &str) -> Option<AuditStatus> {
        [AuditStatus::Success, AuditStatus::Failure]
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

/// One value before or after a change: a flag, a whole number (paise, counts, basis points)
/// or text. Absent (`null`) when the field had no value on that side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum ChangeValue {
    Bool(bool),
    Int(i64),
    Text(String),
}

/// One field's change.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<ChangeValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<ChangeValue>,
}

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    /// The row's place in the hash chain: 1, 2, 3, ... with no gaps.
    pub seq: i64,
    /// When, unix seconds.
    pub at: i64,
    pub actor_type: ActorType,
    /// The account's id; a SYSTEM actor's task (`sweeper`, `payment-gateway`, `operator`);
    /// absent for someone not signed in (a failed sign-in).
    pub actor_id: Option<String>,
    /// The acting account's display name, as it is now (not part of the hashed row).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_name: Option<String>,
    /// `resource:verb`, e.g. `products:update`, `auth:login`.
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    /// Field by field, before and after (personal data masked or left out).
    pub changes: BTreeMap<String, FieldChange>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// Whether an administrator acted as this account (seed 000 section 6).
    pub impersonation_flag: bool,
    /// The administrator, when `impersonation_flag`.
    pub impersonated_by: Option<String>,
    /// The impersonating administrator's display name, as it is now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impersonator_name: Option<String>,
    pub status: AuditStatus,
    pub error_message: Option<String>,
    /// SHA-256 of the previous row's hash and this row's canonical encoding, hex.
    pub hash: String,
}

/// One page of rows, newest first; `next_cursor` is passed back as `?cursor=`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// The named queries of seed 000 §12.2, `?preset=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum AuditPreset {
    /// `auth:login` with status FAILURE in the last 24 hours.
    FailedLogins,
    /// Every act done while an administrator impersonated an account.
    Impersonations,
    /// `products:update` rows whose changes include the price.
    PriceChanges,
}

/// The last signed checkpoint written outside the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CheckpointSummary {
    /// How many rows the chain had.
    pub rows: i64,
    /// The hash of its last row.
    pub head: String,
    /// When it was written, unix seconds.
    pub at: i64,
}

/// `GET /api/v1/audit/status`: the chain checked end to end, and its checkpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditChainStatus {
    /// Rows in the log.
    pub rows: i64,
    /// Rows that verified, from the first up to the first bad one.
    pub rows_valid: i64,
    /// The hash of the last row; absent for an empty log.
    pub head_hash: Option<String>,
    pub checkpoints: i64,
    pub checkpoints_valid: i64,
    pub last_checkpoint: Option<CheckpointSummary>,
    /// `true` when every row and every checkpoint verified.
    pub verified: bool,
    /// The sequence number of the first bad row, when one is.
    pub first_bad_row: Option<i64>,
    /// What is wrong, when something is.
    pub problem: Option<String>,
}
