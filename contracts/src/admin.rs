//! The administrators' back office (`/api/v1/admin/...`): an account's masked view and the
//! changes to it, the review queue's GSTIN check, and the platform's figures. Few types, on
//! purpose: the admin widget carries every one of them in its wasm.

use crate::gstin::{Gstin, GstinError, StateCode};
use crate::money::Paise;
use crate::props::Role;
use crate::shops::Shop;
use crate::users::UserSummary;
use serde::{Deserialize, Serialize};

/// One account as `GET /admin/users/{id}` shows it: the summary with the email masked
/// (`a***@example.com`), and its standing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    #[serde(flatten)]
    pub account: UserSummary,
    /// When an administrator disabled it (unix seconds); absent while it is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled_at: Option<i64>,
    /// Until when sign-in is locked after failures (unix seconds), while it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked_until: Option<i64>,
}

/// `PUT /admin/users/{id}/role`: the new role (SUPER_ADMIN only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RoleChange {
    /// Absent: 422 `required`.
    #[serde(default)]
    pub role: Option<Role>,
}

/// What the GSTIN of an application says on checking: its layout and check character, and
/// its state against the address's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GstinCheck {
    /// Layout and check character right.
    pub valid: bool,
    /// Why not, when not: `gstin_format`, `gstin_state` or `gstin_check_character`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// The state the GSTIN is registered in, by name, when its code names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// The GSTIN's state is the address's.
    pub state_matches: bool,
}

impl GstinCheck {
    /// Checks `gstin` against the address's state `address_state` (two digits).
    pub fn of(gstin: &str, address_state: &str) -> GstinCheck {
        let parsed = Gstin::parse(gstin);
        let state = gstin.get(0..2).and_then(StateCode::parse);
        GstinCheck {
            valid: parsed.is_ok(),
            problem: parsed.err().map(|e: GstinError| e.code().to_owned()),
            state: state.map(|s| s.name().to_owned()),
            state_matches: state.is_some() && state == StateCode::parse(address_state),
        }
    }
}

/// One application (or shop) of `GET /admin/shops`, with its GSTIN check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Application {
    #[serde(flatten)]
    pub shop: Shop,
    pub gstin_check: GstinCheck,
}

/// One page of `GET /admin/shops` (a `ShopPage` whose items carry their GSTIN check).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApplicationPage {
    pub items: Vec<Application>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// One UTC day of the platform's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DayFigures {
    /// The day's start, unix seconds (UTC midnight).
    pub day: i64,
    /// Orders placed that day and paid.
    pub orders: i64,
    /// Their totals (gross merchandise value, tax included), paise.
    pub gmv: Paise,
    /// Accounts registered that day.
    pub new_accounts: i64,
    /// Refunds recorded that day, and their amount.
    pub refunds: i64,
    pub refunded: Paise,
}

/// `GET /admin/figures`: the last 30 days, oldest first, every day present; and what waits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Figures {
    pub days: Vec<DayFigures>,
    /// Applications waiting for review.
    pub pending_applications: i64,
    /// Open reconciliation cases (`GET /admin/reconciliation`, at most 500).
    pub reconciliation_items: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gstin_check_names_the_state_and_the_fault() {
        let good = GstinCheck::of("27AAPFU0939F1ZV", "27");
        assert!(good.valid && good.state_matches && good.problem.is_none());
        assert_eq!(good.state.as_deref(), Some("Maharashtra"));
        let typo = GstinCheck::of("27AAPFU0939F1ZW", "29");
        assert!(!typo.valid && !typo.state_matches);
        assert_eq!(typo.problem.as_deref(), Some("gstin_check_character"));
    }
}
