//! Payment gateways: what the checkout asks of one ([`PaymentProvider`]: open a payment,
//! refund), the configured one ([`Payments`]), and the webhook signature every gateway's
//! callbacks carry ([`signature`]). The gateway's verdict arrives by webhook
//! (`routes::webhooks`, applied by `app::payments`), never from the shopper's browser.

pub mod mock;
pub mod signature;

use contracts::Paise;
use std::future::Future;

/// What the checkout asks a gateway to collect.
#[derive(Debug, Clone)]
pub struct PaymentRequest<'a> {
    pub order_id: &'a str,
    pub amount: Paise,
    /// Where the gateway sends the shopper back after paying or declining (a path of ours).
    pub return_path: String,
}

/// A payment the gateway opened: its reference (webhooks name it) and where the shopper pays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentSession {
    pub reference: String,
    pub pay_url: String,
}

/// Why a gateway did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// The gateway said no (e.g. refunding more than was paid).
    #[error("the gateway refused: {0}")]
    Refused(String),
    /// The gateway could not be reached or failed.
    #[error("the gateway failed: {0:#}")]
    Unavailable(anyhow::Error),
}

/// A payment gateway. Implementations: [`mock::MockGateway`] (dev and staging).
pub trait PaymentProvider: Send + Sync {
    /// The name stored on orders (`orders.payment_provider`).
    fn name(&self) -> &'static str;

    /// Opens a payment for `request`: one per order, so asked again for the same order (a
    /// checkout resumed after a crash) it answers the session it opened before, as a real
    /// gateway's order id per shop order gives.
    fn initiate(
        &self,
        request: PaymentRequest<'_>,
    ) -> impl Future<Output = Result<PaymentSession, GatewayError>> + Send;

    /// Gives back `amount` of the payment `reference`; the gateway's refund id.
    fn refund(
        &self,
        reference: &str,
        amount: Paise,
    ) -> impl Future<Output = Result<String, GatewayError>> + Send;
}

/// The configured gateway (`PAYMENT_PROVIDER`). An enum rather than a trait object: the trait's
/// async methods are not object-safe, and the set of gateways is closed and small.
#[derive(Debug, Clone)]
pub enum Payments {
    Mock(mock::MockGateway),
}

impl Payments {
    pub fn name(&self) -> &'static str {
        match self {
            Payments::Mock(gateway) => gateway.name(),
        }
    }

    pub async fn initiate(
        &self,
        request: PaymentRequest<'_>,
    ) -> Result<PaymentSession, GatewayError> {
        match self {
            Payments::Mock(gateway) => gateway.initiate(request).await,
        }
    }

    pub async fn refund(&self, reference: &str, amount: Paise) -> Result<String, GatewayError> {
        match self {
            Payments::Mock(gateway) => gateway.refund(reference, amount).await,
        }
    }
}

/// What a gateway's webhook says about a payment (the body `app::payments::receive` verifies).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewayEvent {
    /// The gateway's id for this transaction: a webhook repeated with it changes nothing.
    pub transaction_id: String,
    /// The payment's reference ([`PaymentSession::reference`]).
    pub reference: String,
    pub outcome: PaymentOutcome,
    /// What was collected; must be the order's total.
    pub amount: Paise,
}

/// The gateway's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PaymentOutcome {
    Success,
    Failed,
}

impl PaymentOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentOutcome::Success => "SUCCESS",
            PaymentOutcome::Failed => "FAILED",
        }
    }
}
