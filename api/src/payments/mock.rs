//! The mock gateway (`PAYMENT_PROVIDER=mock`, dev and staging): a stand-in for a hosted payment
//! page that drives the real flow. The checkout sends the shopper to its pay page
//! (`/mock-gateway/pay/{reference}`), where they approve or decline; the gateway then calls the
//! shop's webhook over real HTTP with a signed body, exactly as a third party would, and sends
//! the shopper back to the shop. It keeps its own ledger (`mock_gateway_sessions`,
//! `mock_gateway_refunds`), as a real gateway keeps its side of each payment, and honours a
//! refund's idempotency key as Razorpay's `X-Refund-Idempotency` does.

use crate::auth::secret;
use crate::clock::Clock;
use crate::db::Db;
use crate::db::mock_gateway::{self, SessionRow};
use crate::payments::{
    GatewayError, GatewayEvent, GatewayRefund, GatewayRefundRequest, PaymentOutcome,
    PaymentProvider, PaymentRequest, PaymentSession, signature,
};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use contracts::Paise;
use serde::Deserialize;
use std::fmt;
use std::sync::Arc;

/// Where the pay pages live.
pub const PAY_PATH: &str = "/mock-gateway/pay";

/// The mock gateway: its ledger, its clock, the webhook secret it signs with, and where it
/// calls.
#[derive(Clone)]
pub struct MockGateway {
    db: Db,
    /// The server's clock: the shop checks a webhook's timestamp against it.
    clock: Clock,
    secret: Arc<[u8]>,
    webhook_url: Arc<str>,
    client: reqwest::Client,
}

impl fmt::Debug for MockGateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the secret.
        f.debug_struct("MockGateway")
            .field("webhook_url", &self.webhook_url)
            .finish_non_exhaustive()
    }
}

impl MockGateway {
    /// A gateway calling `webhook_url` (the server's own `/api/v1/webhooks/payment`).
    pub fn new(db: Db, clock: Clock, secret: Arc<[u8]>, webhook_url: String) -> Self {
        MockGateway {
            db,
            clock,
            secret,
            webhook_url: webhook_url.into(),
            client: super::https::client_builder()
                .build()
                .expect("the HTTP client builds"),
        }
    }

    /// The pay pages, to mount beside the shop (they stand for the gateway's own site).
    pub fn router<S: Clone + Send + Sync + 'static>(self) -> Router<S> {
        Router::new()
            .route(
                &format!("{PAY_PATH}/{{reference}}"),
                get(pay_page).post(decide),
            )
            .route(&format!("{PAY_PATH}/{{reference}}/resend"), post(resend))
            .with_state(self)
    }

    /// Signs and sends `event` to the shop's webhook; the shop's status code.
    async fn notify(&self, event: &GatewayEvent) -> Result<StatusCode, reqwest::Error> {
        let body = serde_json::to_vec(event).expect("an event serialises");
        let timestamp = self.clock.now();
        let response = self
            .client
            .post(&*self.webhook_url)
            .header(header::CONTENT_TYPE, "application/json")
            .header(signature::TIMESTAMP_HEADER, timestamp.to_string())
            .header(
                signature::SIGNATURE_HEADER,
                signature::sign(&self.secret, timestamp, &body),
            )
            .body(body)
            .send()
            .await?;
        Ok(response.status())
    }
}

impl PaymentProvider for MockGateway {
    fn name(&self) -> &'static str {
        "mock"
    }

    async fn initiate(&self, request: PaymentRequest<'_>) -> Result<PaymentSession, GatewayError> {
        // One payment per order, as a real gateway's order (receipt) id gives: asked again for
        // the same order (a checkout resumed after a crash), it answers the session it opened.
        let mut conn = self.db.conn().await.map_err(unavailable)?;
        let reference = mock_gateway::open(
            &mut conn,
            &secret::random_token(),
            request.order_id,
            request.amount.0,
            &request.return_path,
            self.clock.now(),
        )
        .await
        .map_err(unavailable)?;
        Ok(PaymentSession {
            pay_url: Some(format!("{PAY_PATH}/{reference}")),
            reference,
        })
    }

    async fn refund(
        &self,
        request: GatewayRefundRequest<'_>,
    ) -> Result<GatewayRefund, GatewayError> {
        // The crash tests' way to make the gateway unreachable (compiled only with the
        // `failpoints` feature).
        fail::fail_point!("mock-gateway-refund", |_| Err(GatewayError::Unavailable(
            anyhow::anyhow!("the mock gateway is unreachable (fault point)")
        )));
        // One transaction: the key is claimed only with the money it moves.
        let mut tx = self.db.begin().await.map_err(unavailable)?;
        let made = mock_gateway::RefundRow {
            id: format!("mock-refund-{}", &secret::random_token()[..16]),
            txn_id: request.payment.to_owned(),
            amount: request.amount.0,
        };
        let key = request.idempotency_key;
        if mock_gateway::claim_refund(&mut tx, key, &made, self.clock.now())
            .await
            .map_err(unavailable)?
        {
            // Conditional: only a paid payment, and never more than it captured in all.
            if !mock_gateway::refund(&mut tx, request.payment, request.amount.0)
                .await
                .map_err(unavailable)?
            {
                return Err(GatewayError::Refused(
                    "no paid payment with that much left to refund".into(),
                ));
            }
            tx.commit().await.map_err(unavailable)?;
            return Ok(GatewayRefund { id: made.id });
        }
        // The key was used before: that refund again, or (Razorpay's BAD_REQUEST) a refusal
        // when this is another request under the same key.
        let earlier = mock_gateway::refund_by_key(&mut tx, key)
            .await
            .map_err(unavailable)?
            .ok_or_else(|| GatewayError::Unavailable(anyhow::anyhow!("a claimed key vanished")))?;
        if earlier.txn_id == made.txn_id && earlier.amount == made.amount {
            Ok(GatewayRefund { id: earlier.id })
        } else {
            Err(GatewayError::Refused(
                "another request was made with this idempotency key".into(),
            ))
        }
    }
}

/// The ledger could not be read or written: the gateway is down, as far as the shop knows.
fn unavailable(error: sqlx::Error) -> GatewayError {
    GatewayError::Unavailable(error.into())
}

/// Session `reference` of the ledger.
async fn session(db: &Db, reference: &str) -> sqlx::Result<Option<SessionRow>> {
    mock_gateway::get(&mut db.conn().await?, reference).await
}

/// Records the shopper's answer on session `reference` (the first answer stands).
async fn record_decision(
    db: &Db,
    reference: &str,
    outcome: PaymentOutcome,
    txn_id: &str,
) -> sqlx::Result<()> {
    mock_gateway::decide(&mut db.conn().await?, reference, outcome.as_str(), txn_id).await
}

/// `GET /mock-gateway/pay/{reference}`: the hosted pay page.
async fn pay_page(State(gateway): State<MockGateway>, Path(reference): Path<String>) -> Response {
    match session(&gateway.db, &reference).await {
        Ok(Some(session)) => match &session.outcome {
            None => page(
                StatusCode::OK,
                "Pay",
                &format!(
                    "<p>Order <code>{order}</code></p>\
                     <p>Amount due: <strong data-testid=\"amount\">{amount}</strong></p>\
                     <form method=\"post\" action=\"{PAY_PATH}/{reference}\">\
                       <button name=\"decision\" value=\"approve\" data-testid=\"approve\">Approve payment</button>\
                       <button name=\"decision\" value=\"decline\" data-testid=\"decline\">Decline</button>\
                     </form>",
                    order = escape(&session.order_id),
                    amount = Paise(session.amount).to_inr(),
                    reference = escape(&reference),
                ),
            ),
            Some(outcome) => page(
                StatusCode::OK,
                "Already answered",
                &format!(
                    "<p>This payment was already answered: {}.</p><p><a href=\"{}\">Back to the shop</a></p>",
                    escape(outcome),
                    escape(&session.return_url)
                ),
            ),
        },
        Ok(None) => page(
            StatusCode::NOT_FOUND,
            "Unknown payment",
            "<p>No such payment.</p>",
        ),
        Err(error) => {
            tracing::error!(%error, "mock gateway: reading a session");
            page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Error",
                "<p>Try again.</p>",
            )
        }
    }
}

#[derive(Deserialize)]
struct Decision {
    decision: String,
}

/// `POST /mock-gateway/pay/{reference}`: the shopper's answer. Recorded once (a second answer
/// is ignored), told to the shop by webhook, then the shopper goes back to the shop.
async fn decide(
    State(gateway): State<MockGateway>,
    Path(reference): Path<String>,
    Form(decision): Form<Decision>,
) -> Response {
    let outcome = match decision.decision.as_str() {
        "approve" => PaymentOutcome::Success,
        "decline" => PaymentOutcome::Failed,
        _ => {
            return page(
                StatusCode::BAD_REQUEST,
                "Error",
                "<p>Approve or decline.</p>",
            );
        }
    };
    let txn_id = format!("mock-txn-{}", &secret::random_token()[..24]);
    if let Err(error) = record_decision(&gateway.db, &reference, outcome, &txn_id).await {
        tracing::error!(%error, "mock gateway: recording a decision");
        return page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Error",
            "<p>Try again.</p>",
        );
    }
    resend(State(gateway), Path(reference)).await
}

/// `POST /mock-gateway/pay/{reference}/resend`: tells the shop the recorded answer (again),
/// then sends the shopper back. The same transaction id each time: the shop applies it once.
async fn resend(State(gateway): State<MockGateway>, Path(reference): Path<String>) -> Response {
    let session = match session(&gateway.db, &reference).await {
        Ok(Some(session)) => session,
        Ok(None) => {
            return page(
                StatusCode::NOT_FOUND,
                "Unknown payment",
                "<p>No such payment.</p>",
            );
        }
        Err(error) => {
            tracing::error!(%error, "mock gateway: reading a session");
            return page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Error",
                "<p>Try again.</p>",
            );
        }
    };
    let (Some(outcome), Some(txn_id)) = (session.outcome.as_deref(), session.txn_id) else {
        return Redirect::to(&format!("{PAY_PATH}/{reference}")).into_response();
    };
    let event = GatewayEvent {
        transaction_id: txn_id,
        reference: reference.clone(),
        outcome: if outcome == "SUCCESS" {
            PaymentOutcome::Success
        } else {
            PaymentOutcome::Failed
        },
        amount: Paise(session.amount),
    };
    match gateway.notify(&event).await {
        Ok(status) if status.is_success() => Redirect::to(&session.return_url).into_response(),
        result => {
            let why = match result {
                Ok(status) => format!("it answered {status}"),
                Err(error) => {
                    tracing::warn!(%error, "mock gateway: the webhook call failed");
                    "it could not be reached".to_owned()
                }
            };
            page(
                StatusCode::BAD_GATEWAY,
                "The shop did not confirm",
                &format!(
                    "<p>Your answer is recorded, but the shop did not take it: {why}.</p>\
                     <form method=\"post\" action=\"{PAY_PATH}/{}/resend\"><button>Send again</button></form>",
                    escape(&reference)
                ),
            )
        }
    }
}

/// A plain HTML page with no script and no style (its own CSP says so).
fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Mock gateway: {title}</title></head>\
         <body><h1>Mock payment gateway</h1><h2>{title}</h2>{body}\
         <p><small>Test payments only: no money moves.</small></p></body></html>"
    );
    (
        status,
        [(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; form-action 'self'; frame-ancestors 'none'",
        )],
        Html(html),
    )
        .into_response()
}

/// Escapes text for HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
