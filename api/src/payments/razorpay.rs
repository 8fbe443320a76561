//! Razorpay (`PAYMENT_PROVIDER=razorpay`): an order opened with the Orders API
//! (`POST /v1/orders`, the amount in paise, our order id as its `receipt`), paid in the page with
//! Razorpay Checkout (the options are [`RazorpayGateway::checkout`]), confirmed by the payment
//! signature Checkout hands back and by the signed webhooks (`routes::webhooks`), and refunded
//! with the Refunds API (`POST /v1/payments/{id}/refund` under `X-Refund-Idempotency`). Both
//! APIs take HTTP basic auth, the key id and key secret.
//!
//! Razorpay's answers are sorted as the ledger needs them: a 4xx (the request itself is wrong:
//! more than is left to refund, a key reused with another body) is a refusal; a 5xx, a 409 (an
//! earlier call with the key still running), a 429, a timeout, or an answer that is not the JSON
//! documented is "unavailable", to ask again later.

use crate::config::{RazorpaySettings, Secret};
use crate::payments::signature::{hmac_hex, verify_hex};
use crate::payments::{
    GatewayError, GatewayRefund, GatewayRefundRequest, PaymentProvider, PaymentRequest,
    PaymentSession,
};
use contracts::Paise;
use contracts::orders::GatewayCheckout;
use reqwest::StatusCode;
use serde::Deserialize;
use std::fmt;
use std::sync::Arc;

/// The name stored on orders paid through Razorpay (`orders.payment_provider`).
pub const NAME: &str = "razorpay";
/// The header carrying a webhook's signature: hex HMAC-SHA256 of the raw body under the
/// webhook secret.
pub const SIGNATURE_HEADER: &str = "x-razorpay-signature";
/// The header that makes a refund call idempotent.
pub const REFUND_IDEMPOTENCY_HEADER: &str = "x-refund-idempotency";
/// The only currency the shop sells in.
pub const CURRENCY: &str = "INR";

/// The Razorpay gateway: its keys, its addresses and the client that calls it.
#[derive(Clone)]
pub struct RazorpayGateway {
    inner: Arc<Inner>,
}

struct Inner {
    key_id: String,
    key_secret: Secret<String>,
    webhook_secret: Secret<String>,
    api_url: String,
    checkout_url: String,
    /// The shell's Content-Security-Policy with Checkout's script and frames allowed.
    shell_csp: String,
    client: reqwest::Client,
}

impl fmt::Debug for RazorpayGateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The key id is public (every browser gets it); never the secrets.
        f.debug_struct("RazorpayGateway")
            .field("key_id", &self.inner.key_id)
            .field("api_url", &self.inner.api_url)
            .finish_non_exhaustive()
    }
}

impl RazorpayGateway {
    pub fn new(settings: &RazorpaySettings) -> Self {
        let origins = [origin(&settings.checkout_url), origin(&settings.api_url)];
        RazorpayGateway {
            inner: Arc::new(Inner {
                key_id: settings.key_id.clone(),
                key_secret: settings.key_secret.clone(),
                webhook_secret: settings.webhook_secret.clone(),
                api_url: settings.api_url.clone(),
                checkout_url: settings.checkout_url.clone(),
                shell_csp: crate::csp::shell_csp_with(origins[0], &origins),
                client: super::https::client(settings.timeout),
            }),
        }
    }

    /// What the checkout widget opens Razorpay Checkout with for Razorpay order
    /// `gateway_order_id` of `amount`.
    pub fn checkout(&self, gateway_order_id: &str, amount: Paise) -> GatewayCheckout {
        GatewayCheckout {
            script_url: self.inner.checkout_url.clone(),
            key_id: self.inner.key_id.clone(),
            gateway_order_id: gateway_order_id.to_owned(),
            amount,
            currency: CURRENCY.to_owned(),
        }
    }

    /// The shell page's CSP while Razorpay takes payments.
    pub fn shell_csp(&self) -> &str {
        &self.inner.shell_csp
    }

    /// Whether `signature` is Razorpay's for the payment `payment_id` of order `order_id`:
    /// hex HMAC-SHA256 of `order_id|payment_id` under the key secret, compared in constant
    /// time.
    pub fn verifies_payment(&self, order_id: &str, payment_id: &str, signature: &str) -> bool {
        let message = format!("{order_id}|{payment_id}");
        verify_hex(
            self.inner.key_secret.expose().as_bytes(),
            message.as_bytes(),
            signature,
        )
    }

    /// Whether `signature` (the `X-Razorpay-Signature` header) is Razorpay's for `body`, the
    /// raw bytes as received: hex HMAC-SHA256 under the webhook secret, in constant time.
    pub fn verifies_webhook(&self, body: &[u8], signature: Option<&str>) -> bool {
        signature.is_some_and(|signature| {
            verify_hex(
                self.inner.webhook_secret.expose().as_bytes(),
                body,
                signature,
            )
        })
    }

    /// The signature Razorpay sends with `body` under `webhook_secret` (for stand-ins).
    pub fn webhook_signature(webhook_secret: &[u8], body: &[u8]) -> String {
        hmac_hex(webhook_secret, body)
    }

    /// `POST {api}/v1/...` with `body` under basic auth, and `header` when given; the answer
    /// as `T`.
    async fn post<T: for<'de> Deserialize<'de>>(
        &self,
        path: &str,
        body: &serde_json::Value,
        header: Option<(&str, &str)>,
    ) -> Result<T, GatewayError> {
        let mut request = self
            .inner
            .client
            .post(format!("{}{path}", self.inner.api_url))
            .basic_auth(&self.inner.key_id, Some(self.inner.key_secret.expose()))
            .json(body);
        if let Some((name, value)) = header {
            request = request.header(name, value);
        }
        let response = request
            .send()
            .await
            .map_err(|error| unavailable(format!("calling Razorpay: {error}")))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|error| unavailable(format!("reading Razorpay's answer: {error}")))?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|error| {
                unavailable(format!(
                    "Razorpay answered {status} with unexpected JSON: {error}"
                ))
            });
        }
        let why = description(&bytes);
        match status {
            StatusCode::CONFLICT | StatusCode::TOO_MANY_REQUESTS => {
                Err(unavailable(format!("Razorpay answered {status}: {why}")))
            }
            status if status.is_client_error() => Err(GatewayError::Refused(format!(
                "Razorpay answered {status}: {why}"
            ))),
            _ => Err(unavailable(format!("Razorpay answered {status}: {why}"))),
        }
    }
}

/// `POST /v1/orders`'s answer (of its fields, the one the shop keeps).
#[derive(Deserialize)]
struct OrderCreated {
    /// `order_...`.
    id: String,
}

/// `POST /v1/payments/{id}/refund`'s answer (of its fields, the one the shop keeps).
#[derive(Deserialize)]
struct RefundCreated {
    /// `rfnd_...`.
    id: String,
}

impl PaymentProvider for RazorpayGateway {
    fn name(&self) -> &'static str {
        NAME
    }

    /// Opens a Razorpay order for our order. The Orders API has no idempotency key: asked again
    /// for the same order (a checkout resumed after a crash between this call and its record),
    /// it opens another Razorpay order. The first was never shown to the shopper, so nobody
    /// pays it, and an unpaid Razorpay order costs nothing.
    async fn initiate(&self, request: PaymentRequest<'_>) -> Result<PaymentSession, GatewayError> {
        let body = serde_json::json!({
            "amount": request.amount.0,
            "currency": CURRENCY,
            // At most 40 characters: our order ids are 36.
            "receipt": request.order_id,
            "notes": { "order_id": request.order_id },
        });
        let created: OrderCreated = self.post("/v1/orders", &body, None).await?;
        if !created.id.starts_with("order_") {
            return Err(unavailable(format!(
                "Razorpay answered an order id of an unexpected form: {:?}",
                created.id
            )));
        }
        Ok(PaymentSession {
            reference: created.id,
            // Paid in the page (`Order::checkout`), not on a page of Razorpay's.
            pay_url: None,
        })
    }

    async fn refund(
        &self,
        request: GatewayRefundRequest<'_>,
    ) -> Result<GatewayRefund, GatewayError> {
        let body = serde_json::json!({
            "amount": request.amount.0,
            "receipt": request.receipt,
        });
        // The payment id goes into the path: only Razorpay's own spelling is sent there.
        if !request
            .payment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(GatewayError::Refused(
                "not a Razorpay payment id".to_owned(),
            ));
        }
        let path = format!("/v1/payments/{}/refund", request.payment);
        let header = (REFUND_IDEMPOTENCY_HEADER, request.idempotency_key);
        let created: RefundCreated = self.post(&path, &body, Some(header)).await?;
        Ok(GatewayRefund { id: created.id })
    }
}

/// The failure of a call that may succeed later.
fn unavailable(why: String) -> GatewayError {
    GatewayError::Unavailable(anyhow::anyhow!(why))
}

/// What a Razorpay error body says (`{"error": {"code", "description"}}`), for the log.
fn description(body: &[u8]) -> String {
    #[derive(Deserialize)]
    struct Body {
        error: Detail,
    }
    #[derive(Deserialize)]
    struct Detail {
        #[serde(default)]
        code: String,
        #[serde(default)]
        description: String,
    }
    match serde_json::from_slice::<Body>(body) {
        Ok(Body { error }) => format!("{} {}", error.code, error.description),
        Err(_) => "no error body".to_owned(),
    }
}

/// The origin (`scheme://host[:port]`) of `url`, for the CSP.
fn origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |at| at + 3);
    match url[after_scheme..].find('/') {
        Some(slash) => &url[..after_scheme + slash],
        None => url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gateway() -> RazorpayGateway {
        RazorpayGateway::new(&RazorpaySettings::new(
            "rzp_test_key",
            "key secret",
            "webhook secret",
        ))
    }

    #[test]
    fn the_payment_signature_is_the_hmac_of_order_and_payment_under_the_key_secret() {
        let gateway = gateway();
        let signature = hmac_hex(b"key secret", b"order_1|pay_1");
        assert!(gateway.verifies_payment("order_1", "pay_1", &signature));
        assert!(gateway.verifies_payment("order_1", "pay_1", &signature.to_uppercase()));
        assert!(!gateway.verifies_payment("order_1", "pay_2", &signature));
        assert!(!gateway.verifies_payment("order_2", "pay_1", &signature));
        assert!(!gateway.verifies_payment(
            "order_1",
            "pay_1",
            &hmac_hex(b"webhook secret", b"order_1|pay_1")
        ));
        assert!(!gateway.verifies_payment("order_1", "pay_1", "zz"));
        assert!(!gateway.verifies_payment("order_1", "pay_1", ""));
    }

    #[test]
    fn a_webhook_verifies_on_its_raw_bytes_under_the_webhook_secret() {
        let gateway = gateway();
        let body = br#"{"event":"payment.captured"}"#;
        let signature = RazorpayGateway::webhook_signature(b"webhook secret", body);
        assert!(gateway.verifies_webhook(body, Some(&signature)));
        assert!(!gateway.verifies_webhook(br#"{"event": "payment.captured"}"#, Some(&signature)));
        assert!(!gateway.verifies_webhook(body, None));
        let under_key = RazorpayGateway::webhook_signature(b"key secret", body);
        assert!(!gateway.verifies_webhook(body, Some(&under_key)));
    }

    #[test]
    fn checkout_options_and_the_csp_name_razorpay_s_origins() {
        let gateway = gateway();
        let checkout = gateway.checkout("order_9", Paise(500));
        assert_eq!(checkout.key_id, "rzp_test_key");
        assert_eq!(checkout.currency, "INR");
        let csp = gateway.shell_csp();
        assert!(
            csp.contains(
                "script-src 'self' blob: 'wasm-unsafe-eval' https://checkout.razorpay.com;"
            ),
            "{csp}"
        );
        assert!(
            csp.contains("frame-src https://checkout.razorpay.com https://api.razorpay.com"),
            "{csp}"
        );
        assert!(!format!("{gateway:?}").contains("secret"));
        assert_eq!(
            origin("http://127.0.0.1:9/v1/checkout.js"),
            "http://127.0.0.1:9"
        );
        assert_eq!(
            origin("https://api.razorpay.com"),
            "https://api.razorpay.com"
        );
    }
}
