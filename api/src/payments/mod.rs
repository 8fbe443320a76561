//! Payment gateways: what the shop asks of one ([`PaymentProvider`]: open a payment, refund
//! once per idempotency key), the configured one ([`Payments`]: the mock gateway or Razorpay),
//! the webhook signatures their callbacks carry ([`signature`]), and the HTTPS client they are
//! called with ([`https`]). The gateway's verdict arrives by signed webhook (`routes::webhooks`,
//! applied by `app::payments`) or, for Razorpay, as the payment signature Checkout hands the
//! shopper's browser, which only the key secret can make; never on the browser's word alone.

pub mod https;
pub mod mock;
pub mod razorpay;
pub mod signature;

use contracts::Paise;
use std::future::Future;

/// The gateway's verdict on a payment (a wire type: the webhook body and the order's read
/// model spell it alike).
pub use contracts::payments::PaymentOutcome;

/// What the checkout asks a gateway to collect.
#[derive(Debug, Clone)]
pub struct PaymentRequest<'a> {
    pub order_id: &'a str,
    pub amount: Paise,
    /// Where the gateway sends the shopper back after paying or declining (a path of ours).
    pub return_path: String,
}

/// A payment the gateway opened: its reference (webhooks name it; Razorpay's `order_...`) and,
/// for a gateway with a hosted page, where the shopper pays (Razorpay's is paid in the page,
/// from `Order::checkout`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentSession {
    pub reference: String,
    pub pay_url: Option<String>,
}

/// What the shop asks a gateway to give back: Razorpay's `POST /v1/payments/{payment}/refund`
/// with `{"amount", "receipt"}` and the `X-Refund-Idempotency: {idempotency_key}` header.
#[derive(Debug, Clone, Copy)]
pub struct GatewayRefundRequest<'a> {
    /// The captured payment: the gateway's transaction id of its capture (Razorpay's
    /// `pay_...`, which is what its webhooks name).
    pub payment: &'a str,
    pub amount: Paise,
    /// The same on every call for one refund, so the gateway refunds once however often it
    /// is asked (a retry after a timeout or a crash). 10 to 64 characters of `A-Za-z0-9_-`,
    /// which Razorpay takes.
    pub idempotency_key: &'a str,
    /// The shop's id of the refund (Razorpay's `receipt`), for the gateway's records.
    pub receipt: &'a str,
}

/// A refund the gateway accepted, with its id (Razorpay's `rfnd_...`). The gateway may still be
/// paying it out (Razorpay's `pending`, then `processed`): it owes it now, which is what the
/// shop's ledger records as DONE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayRefund {
    pub id: String,
}

/// Why a gateway did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// The gateway said no (e.g. refunding more than was paid, or an idempotency key reused
    /// with another request): asking again gets the same answer.
    #[error("the gateway refused: {0}")]
    Refused(String),
    /// The gateway could not be reached or failed, or is still working on an earlier call
    /// with the same idempotency key (Razorpay's 409): asking again later may succeed.
    #[error("the gateway failed: {0:#}")]
    Unavailable(anyhow::Error),
}

/// A payment gateway. Implementations: [`mock::MockGateway`] (dev and staging) and
/// [`razorpay::RazorpayGateway`] (production, and staging on test keys); the trait stays open
/// for another (Stripe).
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

    /// Gives back `request.amount` of `request.payment`, once per idempotency key: the same
    /// key again returns the same refund and moves no money.
    fn refund(
        &self,
        request: GatewayRefundRequest<'_>,
    ) -> impl Future<Output = Result<GatewayRefund, GatewayError>> + Send;
}

/// The configured gateway (`PAYMENT_PROVIDER`). An enum rather than a trait object: the trait's
/// async methods are not object-safe, and the set of gateways is closed and small.
#[derive(Debug, Clone)]
pub enum Payments {
    Mock(mock::MockGateway),
    Razorpay(razorpay::RazorpayGateway),
}

impl Payments {
    pub fn name(&self) -> &'static str {
        match self {
            Payments::Mock(gateway) => gateway.name(),
            Payments::Razorpay(gateway) => gateway.name(),
        }
    }

    pub async fn initiate(
        &self,
        request: PaymentRequest<'_>,
    ) -> Result<PaymentSession, GatewayError> {
        match self {
            Payments::Mock(gateway) => gateway.initiate(request).await,
            Payments::Razorpay(gateway) => gateway.initiate(request).await,
        }
    }

    pub async fn refund(
        &self,
        request: GatewayRefundRequest<'_>,
    ) -> Result<GatewayRefund, GatewayError> {
        match self {
            Payments::Mock(gateway) => gateway.refund(request).await,
            Payments::Razorpay(gateway) => gateway.refund(request).await,
        }
    }

    /// Razorpay, when it is the gateway.
    pub fn razorpay(&self) -> Option<&razorpay::RazorpayGateway> {
        match self {
            Payments::Razorpay(gateway) => Some(gateway),
            Payments::Mock(_) => None,
        }
    }

    /// The in-page checkout of a payment opened by gateway `provider` (an order's
    /// `payment_provider`) under `reference`, for `amount`: Razorpay Checkout's options while
    /// Razorpay is this gateway and opened it; `None` for a hosted page (the mock's).
    pub fn checkout(
        &self,
        provider: &str,
        reference: &str,
        amount: Paise,
    ) -> Option<contracts::orders::GatewayCheckout> {
        self.razorpay()
            .filter(|gateway| gateway.name() == provider)
            .map(|gateway| gateway.checkout(reference, amount))
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
    /// What was collected; the order's total when it pays the order (another amount is
    /// recorded and given back).
    pub amount: Paise,
}
