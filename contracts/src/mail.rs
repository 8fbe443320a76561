//! The administrators' view of the mail outbox: the mails given up on (`GET
//! /api/v1/admin/mail/dead`), each without its body and with its recipient masked.

use serde::{Deserialize, Serialize};

/// A mail the sender gave up on after its last allowed attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeadMail {
    /// The outbox id (what the logs name).
    pub id: i64,
    /// What the mail was about: `password_reset`, `impersonation_started`, `order_confirmed`,
    /// `order_shipped`, `order_delivered`, `order_cancelled`, `order_refunded`.
    pub kind: String,
    /// The recipient, masked (`a***@example.com`).
    pub to: String,
    /// Failed attempts.
    pub attempts: i32,
    /// The last failure, with any address in it masked.
    pub last_error: Option<String>,
    /// When it was queued, unix seconds.
    pub created_at: i64,
    /// When it was given up on, unix seconds.
    pub dead_at: Option<i64>,
}

/// `GET /api/v1/admin/mail/dead`: the newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeadMailList {
    pub items: Vec<DeadMail>,
}
