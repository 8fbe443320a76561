//! Money in and out of an order, as the gateway moved it: each payment the gateway reported
//! with what the shop did with it ([`PaymentDisposition`]), each refund with its state
//! ([`RefundState`]), and the administrators' reconciliation list of the cases that did not
//! go the usual way (`GET /api/v1/admin/reconciliation`).

use crate::money::Paise;
use serde::{Deserialize, Serialize};

/// What the gateway said about a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PaymentOutcome {
    /// The money was captured.
    Success,
    /// The payment failed; nothing was taken.
    Failed,
}

impl PaymentOutcome {
    /// The spelling on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentOutcome::Success => "SUCCESS",
            PaymentOutcome::Failed => "FAILED",
        }
    }

    pub fn parse(text: &str) -> Option<PaymentOutcome> {
        [PaymentOutcome::Success, PaymentOutcome::Failed]
            .into_iter()
            .find(|outcome| outcome.as_str() == text)
    }
}

/// What the shop did with a gateway event. Every event is recorded; only `APPLIED` moved the
/// order. A capture that is not applied (`LATE`, `MISMATCHED`, `DUPLICATE`) is money taken
/// with no order to take it: the shop refunds it in full, automatically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PaymentDisposition {
    /// The verdict the order waited for: it confirmed the order, or cancelled it.
    Applied,
    /// A capture for an order no longer waiting for its payment (timed out, failed).
    Late,
    /// A capture of another amount than the order's total.
    Mismatched,
    /// A second capture for an order another payment already confirmed.
    Duplicate,
    /// A failure for an order no longer waiting for its payment: no money moved.
    Ignored,
}

impl PaymentDisposition {
    pub const ALL: [PaymentDisposition; 5] = [
        PaymentDisposition::Applied,
        PaymentDisposition::Late,
        PaymentDisposition::Mismatched,
        PaymentDisposition::Duplicate,
        PaymentDisposition::Ignored,
    ];

    /// Whether this is money captured that no order took, to be given back.
    pub fn is_stray_capture(self) -> bool {
        matches!(
            self,
            PaymentDisposition::Late
                | PaymentDisposition::Mismatched
                | PaymentDisposition::Duplicate
        )
    }

    /// The spelling on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentDisposition::Applied => "APPLIED",
            PaymentDisposition::Late => "LATE",
            PaymentDisposition::Mismatched => "MISMATCHED",
            PaymentDisposition::Duplicate => "DUPLICATE",
            PaymentDisposition::Ignored => "IGNORED",
        }
    }

    pub fn parse(text: &str) -> Option<PaymentDisposition> {
        PaymentDisposition::ALL
            .into_iter()
            .find(|disposition| disposition.as_str() == text)
    }
}

/// Where a refund stands. It is written `PENDING` before the gateway is asked, and becomes
/// `DONE` once the gateway accepted it, or `FAILED` when the gateway refused (its amount is
/// then free to refund again). A refund the gateway did not answer stays `PENDING` until the
/// reconciler asks again under the same key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RefundState {
    Pending,
    Done,
    Failed,
}

impl RefundState {
    /// The spelling on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            RefundState::Pending => "PENDING",
            RefundState::Done => "DONE",
            RefundState::Failed => "FAILED",
        }
    }

    pub fn parse(text: &str) -> Option<RefundState> {
        [RefundState::Pending, RefundState::Done, RefundState::Failed]
            .into_iter()
            .find(|state| state.as_str() == text)
    }
}

/// A payment the gateway reported for an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    /// The gateway's id of the transaction (masked for a support session).
    pub transaction_id: String,
    pub outcome: PaymentOutcome,
    pub amount: Paise,
    pub disposition: PaymentDisposition,
    /// Unix seconds.
    pub received_at: i64,
}

/// A refund of one of an order's payments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Refund {
    pub id: String,
    /// The payment it gives back ([`Payment::transaction_id`]).
    pub transaction_id: String,
    pub amount: Paise,
    pub state: RefundState,
    /// `true` for the shop's own refund of a capture no order took; `false` for an
    /// administrator's.
    pub automatic: bool,
    /// Unix seconds.
    pub created_at: i64,
    /// When it became `DONE` or `FAILED` (unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settled_at: Option<i64>,
}

/// One case of the reconciliation list: a capture no order took (with the refund that gives
/// it back), or a refund that is not done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReconciliationItem {
    pub order_id: String,
    /// The payment concerned.
    pub transaction_id: String,
    /// What that payment captured.
    pub captured: Paise,
    pub disposition: PaymentDisposition,
    /// Unix seconds.
    pub received_at: i64,
    /// Its refund; absent for a capture of nothing to give back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund: Option<Refund>,
}

/// `GET /api/v1/admin/reconciliation`: the newest cases first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReconciliationList {
    pub items: Vec<ReconciliationItem>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_and_dispositions_are_spelt_alike_on_the_wire_and_in_storage() {
        for disposition in PaymentDisposition::ALL {
            assert_eq!(
                serde_json::to_string(&disposition).unwrap(),
                format!("\"{}\"", disposition.as_str())
            );
            assert_eq!(
                PaymentDisposition::parse(disposition.as_str()),
                Some(disposition)
            );
        }
        for state in [RefundState::Pending, RefundState::Done, RefundState::Failed] {
            assert_eq!(RefundState::parse(state.as_str()), Some(state));
        }
        for outcome in [PaymentOutcome::Success, PaymentOutcome::Failed] {
            assert_eq!(PaymentOutcome::parse(outcome.as_str()), Some(outcome));
        }
    }

    #[test]
    fn only_captures_no_order_took_are_given_back() {
        let stray: Vec<_> = PaymentDisposition::ALL
            .into_iter()
            .filter(|d| d.is_stray_capture())
            .collect();
        assert_eq!(
            stray,
            [
                PaymentDisposition::Late,
                PaymentDisposition::Mismatched,
                PaymentDisposition::Duplicate
            ]
        );
    }
}
