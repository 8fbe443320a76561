//! Shops: a customer's application to sell, its review in the back office, and the shop profile
//! that invoices print (`/api/v1/shops`, `/api/v1/admin/shops`).

use crate::gstin::StateCode;
use serde::{Deserialize, Serialize};

/// A postal address in India. In requests `stateCode` is the two-digit GST state code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Address {
    pub line1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    pub city: String,
    /// Two digits, e.g. `"27"` (Maharashtra); validated by the server so that a wrong one is a
    /// field error, not a malformed body.
    pub state_code: String,
    /// Six digits, not starting with 0.
    pub pincode: String,
}

impl Address {
    /// The state, when `state_code` is one (always, in what the server sends).
    pub fn state(&self) -> Option<StateCode> {
        StateCode::parse(&self.state_code)
    }
}

/// `POST /api/v1/shops`: a signed-in customer applies to sell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ShopApplication {
    /// The registered business name, as on the GST certificate; printed on invoices.
    pub legal_name: String,
    /// The name shoppers see.
    pub display_name: String,
    /// The seller's GSTIN; its first two digits must be the address's state.
    pub gstin: String,
    /// The principal place of business.
    pub address: Address,
}

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ShopStatus {
    Pending,
    Approved,
    Rejected,
}

impl ShopStatus {
    /// The spelling on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            ShopStatus::Pending => "PENDING",
            ShopStatus::Approved => "APPROVED",
            ShopStatus::Rejected => "REJECTED",
        }
    }

    pub fn parse(text: &str) -> Option<ShopStatus> {
        [
            ShopStatus::Pending,
            ShopStatus::Approved,
            ShopStatus::Rejected,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
    }
}

/// A shop, as its owner and administrators see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Shop {
    pub id: String,
    pub owner_id: String,
    pub legal_name: String,
    pub display_name: String,
    pub gstin: String,
    pub address: Address,
    pub status: ShopStatus,
    /// Why it was rejected, when it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_note: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<i64>,
}

/// `POST /api/v1/admin/shops/{id}/decision`: approve, or reject with a note for the applicant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ShopDecision {
    pub approve: bool,
    /// Required when rejecting: the applicant reads it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One page of shops, oldest first; pass `nextCursor` back as `?after=`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ShopPage {
    pub items: Vec<Shop>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_application_reads_camel_case_and_an_optional_second_line() {
        let application: ShopApplication = serde_json::from_str(
            r#"{"legalName":"Asha Textiles LLP","displayName":"Asha","gstin":"27AAPFU0939F1ZV",
                "address":{"line1":"12 Mill Road","city":"Mumbai","stateCode":"27","pincode":"400001"}}"#,
        )
        .unwrap();
        assert_eq!(application.address.line2, None);
        assert_eq!(application.address.state().unwrap().name(), "Maharashtra");
    }

    #[test]
    fn statuses_are_spelt_alike_on_the_wire_and_in_storage() {
        for status in [
            ShopStatus::Pending,
            ShopStatus::Approved,
            ShopStatus::Rejected,
        ] {
            let wire = serde_json::to_string(&status).unwrap();
            assert_eq!(wire, format!("\"{}\"", status.as_str()));
            assert_eq!(ShopStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(ShopStatus::parse("pending"), None);
    }
}
