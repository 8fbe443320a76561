//! The kit's journey: every operation of the API called for real, in the order a shop's life
//! calls them (browse, cart, sign up, order, pay, invoice; the seller's back office and
//! fulfilment; the administrators' reads, a refund and a support session), each answer
//! decoded into the `contracts` type the widgets decode it into ([`super::conform`]).
//!
//! [`CASES`] lists the operations the journey has a case for; the kit fails on an operation of
//! the document that is not in it, so a new operation cannot go untested.

mod back_office;
mod shopper;

use super::conform::{conforms, short_name};
use super::document::{API_BASE, Document};
use super::http::{Answer, Client, Extra};
use super::{Role, Row, Verdict};
use crate::bench::http::totp_code;
use anyhow::{Context, Result};
use base64::Engine;
use contracts::admin::{AccountView, ApplicationPage, Figures, RoleChange};
use contracts::audit::{AuditChainStatus, AuditPage};
use contracts::auth::{
    CSRF_COOKIE, CSRF_HEADER, Credentials, ForgotPassword, LoginOutcome, MfaActivate,
    MfaEnrollment, MfaVerify, NewAccount, REFRESH_COOKIE, RecoveryCodes, ResetPassword,
    SessionGrant,
};
use contracts::cart::{AddToCart, Cart, MergeCart, SetQuantity};
use contracts::catalog::{NewProduct, Product, ProductChanges, ProductPage};
use contracts::credit_notes::{CreditNote, CreditNoteList};
use contracts::fulfilment::{CancelOrder, ShipOrder};
use contracts::gst::Rate;
use contracts::impersonation::{AccessHistory, ImpersonationGrant, StartImpersonation};
use contracts::inventory::{AdjustmentReason, InventoryPage, StockAdjustment};
use contracts::invoices::{Invoice, InvoiceList};
use contracts::mail::DeadMailList;
use contracts::money::Paise;
use contracts::orders::{
    DeliveryAddress, Order, OrderPage, PlaceOrder, RazorpayReturn, RefundRequest,
};
use contracts::payments::ReconciliationList;
use contracts::problem::Problem;
use contracts::product_manager::{GstRates, ImageOrder};
use contracts::props::SessionUser;
use contracts::seller_dashboard::{GstSummary, SellerDashboard, ShopChanges, ShopProfile};
use contracts::shops::{Address, Shop, ShopApplication, ShopDecision};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Every operation the journey calls. A document operation missing here is a `no case` row.
pub const CASES: &[&str] = &[
    "GET /health",
    "GET /health/ready",
    "GET /openapi.json",
    "GET /gst/rates",
    "GET /products",
    "GET /products/{id}",
    "GET /images/{key}",
    "POST /carts",
    "POST /carts/{cart_id}/items",
    "PUT /carts/{cart_id}/items/{product_id}",
    "GET /carts/{cart_id}",
    "DELETE /carts/{cart_id}/items/{product_id}",
    "POST /auth/password/forgot",
    "POST /auth/password/reset",
    "POST /auth/mfa/verify",
    "POST /webhooks/payment",
    "POST /webhooks/razorpay",
    "POST /auth/register",
    "POST /auth/login",
    "POST /auth/refresh",
    "GET /auth/me",
    "GET /cart",
    "POST /cart/merge",
    "POST /orders",
    "GET /orders",
    "GET /orders/{id}",
    "GET /orders/{id}/invoices",
    "GET /invoices/{id}",
    "GET /invoices/{id}/pdf",
    "POST /orders/{id}/razorpay-return",
    "GET /users/me/access-history",
    "POST /shops",
    "GET /shops/mine",
    "POST /auth/mfa/enroll",
    "POST /auth/mfa/activate",
    "POST /orders/{id}/cancel",
    "GET /seller/dashboard",
    "GET /seller/gst-summary",
    "GET /seller/gst-summary.csv",
    "GET /seller/shop",
    "PATCH /seller/shop",
    "GET /seller/products",
    "POST /seller/products",
    "GET /seller/products/{id}",
    "PATCH /seller/products/{id}",
    "POST /seller/products/{id}/stock",
    "GET /seller/products/{id}/inventory",
    "POST /seller/products/{id}/images",
    "PUT /seller/products/{id}/images",
    "DELETE /seller/products/{id}/images/{key}",
    "POST /seller/orders/{id}/pack",
    "POST /seller/orders/{id}/ship",
    "POST /seller/orders/{id}/deliver",
    "GET /admin/figures",
    "GET /admin/mail/dead",
    "GET /admin/reconciliation",
    "GET /admin/shops",
    "POST /admin/shops/{id}/decision",
    "GET /admin/users",
    "GET /admin/users/{id}",
    "PUT /admin/users/{id}/role",
    "POST /admin/users/{id}/disable",
    "POST /admin/users/{id}/enable",
    "POST /admin/users/{id}/unlock",
    "GET /admin/products/{id}/inventory",
    "GET /audit",
    "GET /audit/export.csv",
    "GET /audit/status",
    "POST /orders/{id}/refunds",
    "GET /orders/{id}/credit-notes",
    "GET /credit-notes/{id}",
    "GET /credit-notes/{id}/pdf",
    "POST /admin/impersonate",
    "POST /admin/impersonate/end",
    "POST /auth/logout-all",
    "POST /auth/logout",
];

/// The accounts the kit signs in as: a fresh customer it registers, and the seller and the
/// administrator named by the environment (the demo accounts of `api seed-demo` by default).
pub struct Accounts {
    pub seller: (String, String),
    pub admin: (String, String),
    /// The administrator's authenticator secret (base32), when the account already has one.
    pub admin_totp: Option<String>,
}

impl Accounts {
    pub fn from_env() -> Accounts {
        let var = |name: &str, default: &str| std::env::var(name).unwrap_or(default.to_owned());
        Accounts {
            seller: (
                var("CONTRACT_SELLER_EMAIL", "seller@bazaar.test"),
                var("CONTRACT_SELLER_PASSWORD", "demo-seller-pass"),
            ),
            admin: (
                var("CONTRACT_ADMIN_EMAIL", "admin@bazaar.test"),
                var("CONTRACT_ADMIN_PASSWORD", "demo-admin-pass"),
            ),
            admin_totp: std::env::var("CONTRACT_ADMIN_TOTP_SECRET").ok(),
        }
    }
}

/// How an answer of the expected status is judged.
#[derive(Clone, Copy)]
enum Check {
    /// Exactly this `contracts` type ([`conforms`]); the name is the type's.
    Json(fn(&[u8]) -> Result<(), String>, fn() -> String),
    /// JSON of a type the API keeps to itself (its health probes, its document, webhook
    /// receipts): any JSON object.
    ApiJson,
    Pdf,
    Csv,
    Image,
    Empty,
}

fn json<T: DeserializeOwned + Serialize>() -> Check {
    Check::Json(conforms::<T>, short_name::<T>)
}

impl Check {
    fn name(self) -> String {
        match self {
            Check::Json(_, name) => name(),
            Check::ApiJson => "JSON (no contracts type)".into(),
            Check::Pdf => "PDF".into(),
            Check::Csv => "CSV".into(),
            Check::Image => "image".into(),
            Check::Empty => "no body".into(),
        }
    }

    fn run(self, answer: &Answer) -> Result<(), String> {
        let media = |prefix: &str| {
            if answer.content_type.starts_with(prefix) {
                Ok(())
            } else {
                Err(format!(
                    "Content-Type {:?}, not {prefix}",
                    answer.content_type
                ))
            }
        };
        match self {
            Check::Json(check, _) => check(&answer.body),
            Check::ApiJson => {
                serde_json::from_slice::<serde_json::Map<String, Value>>(&answer.body)
                    .map(drop)
                    .map_err(|e| format!("not a JSON object: {e}"))
            }
            Check::Pdf if answer.body.starts_with(b"%PDF-") => media("application/pdf"),
            Check::Pdf => Err("not a PDF".into()),
            Check::Csv => media("text/csv"),
            Check::Image => media("image/"),
            Check::Empty if answer.body.is_empty() => Ok(()),
            Check::Empty => Err(format!(
                "{} bytes where none were declared",
                answer.body.len()
            )),
        }
    }
}

/// The kit's state along the journey.
pub struct Journey<'a> {
    client: &'a Client,
    doc: &'a Document,
    selected: BTreeSet<Role>,
    tokens: BTreeMap<Role, String>,
    /// Why a role has no token (it could not sign in).
    unavailable: BTreeMap<Role, String>,
    pub rows: Vec<Row>,
    /// Operations called (or refused for a missing token) in this run.
    reached: BTreeSet<&'static str>,
    /// A suffix that makes this run's accounts, SKUs and keys unique on a shared server.
    run_id: String,
}

impl<'a> Journey<'a> {
    pub fn new(client: &'a Client, doc: &'a Document, selected: BTreeSet<Role>) -> Journey<'a> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Journey {
            client,
            doc,
            selected,
            tokens: BTreeMap::new(),
            unavailable: BTreeMap::new(),
            rows: Vec::new(),
            reached: BTreeSet::new(),
            run_id: format!("{:x}", nanos % 0xffff_ffff_ffff),
        }
    }

    fn record(&mut self, role: Role, op: &str, status: Option<u16>, verdict: Verdict) {
        if self.selected.contains(&role) {
            self.rows.push(Row {
                op: op.to_owned(),
                role: Some(role),
                status,
                verdict,
            });
        }
    }

    /// Calls `op` at `path` (relative to `/api/v1`) as `role`. An answer of a status in
    /// `expect` is judged by `check` (an error status by `Problem`), any other status is drift.
    /// The answer is returned when its status was expected, for the steps that follow.
    fn call(
        &mut self,
        role: Role,
        op: &'static str,
        path: &str,
        mut extra: Extra<'_>,
        expect: &[u16],
        check: Check,
    ) -> Option<Answer> {
        debug_assert!(CASES.contains(&op), "{op} is not in CASES");
        self.reached.insert(op);
        if !self.doc.has(op) {
            self.record(
                role,
                op,
                None,
                Verdict::Drift("the API's document has no such operation".into()),
            );
            return None;
        }
        let token = match role {
            Role::Anonymous => None,
            _ => match self.tokens.get(&role) {
                Some(token) => Some(token.clone()),
                None => {
                    let why = self
                        .unavailable
                        .get(&role)
                        .map(|why| format!("cannot sign in as {role}: {why}"))
                        .unwrap_or_else(|| format!("not signed in as {role}"));
                    self.record(role, op, None, Verdict::Skipped(why));
                    return None;
                }
            },
        };
        // An empty token is a role signing in: its request carries none.
        if extra.token.is_none() {
            extra.token = token.filter(|t| !t.is_empty());
        }
        let answer = match self.client.send(
            op.split(' ').next().unwrap_or("GET"),
            &format!("{API_BASE}{path}"),
            extra,
        ) {
            Ok(answer) => answer,
            Err(e) => {
                self.record(role, op, None, Verdict::Drift(format!("{e:#}")));
                return None;
            }
        };
        let status = answer.status;
        let verdict = if !self.doc.declares_status(op, status) {
            Verdict::Drift(format!(
                "status {status} is not in the document: {}",
                excerpt(&answer)
            ))
        } else if !expect.contains(&status) {
            Verdict::Drift(format!(
                "expected {expect:?}, got {status}: {}",
                excerpt(&answer)
            ))
        } else if status >= 400 {
            match json::<Problem>().run(&answer) {
                Ok(()) => Verdict::Conforms("Problem".into()),
                Err(why) => Verdict::Drift(format!("Problem: {why}")),
            }
        } else {
            match check.run(&answer) {
                Ok(()) => Verdict::Conforms(check.name()),
                Err(why) => Verdict::Drift(format!("{}: {why}", check.name())),
            }
        };
        self.record(role, op, Some(status), verdict);
        expect.contains(&status).then_some(answer)
    }

    /// [`Journey::call`] with a JSON body serialised from a `contracts` request type.
    #[allow(clippy::too_many_arguments)]
    fn send<B: Serialize>(
        &mut self,
        role: Role,
        op: &'static str,
        path: &str,
        body: &B,
        headers: Vec<(&str, String)>,
        expect: &[u16],
        check: Check,
    ) -> Option<Answer> {
        let bytes = serde_json::to_vec(body).expect("request types serialise");
        let extra = Extra {
            body: Some(("application/json", bytes)),
            headers,
            ..Extra::default()
        };
        self.call(role, op, path, extra, expect, check)
    }

    fn get(&mut self, role: Role, op: &'static str, path: &str, check: Check) -> Option<Value> {
        self.call(role, op, path, Extra::default(), &[200], check)
            .and_then(|a| value(&a))
    }

    /// Enrols and activates a second factor for `role`, as an authenticator app would: the
    /// secret and the time step of the code that activated it (a sign-in needs a later one).
    fn enrol_mfa(&mut self, role: Role) -> Option<(String, u64)> {
        let secret = self
            .call(
                role,
                "POST /auth/mfa/enroll",
                "/auth/mfa/enroll",
                Extra::default(),
                &[200],
                json::<MfaEnrollment>(),
            )
            .and_then(|a| text(&a, "secret"))?;
        let (code, step) = totp_code(&secret, None).ok()?;
        self.send(
            role,
            "POST /auth/mfa/activate",
            "/auth/mfa/activate",
            &MfaActivate { code },
            vec![],
            &[200],
            json::<RecoveryCodes>(),
        );
        Some((secret, step))
    }

    /// Operations of [`CASES`] this run never reached (an earlier step failed, or a role was
    /// left out), as skipped rows of the roles selected.
    pub fn skipped_rest(&mut self, doc_ops: &BTreeSet<String>) {
        for op in CASES {
            if !self.reached.contains(op) && doc_ops.contains(*op) {
                let row = Row {
                    op: (*op).to_owned(),
                    role: None,
                    status: None,
                    verdict: Verdict::Skipped(
                        "not reached: a step it needs failed, or its role was left out".into(),
                    ),
                };
                self.rows.push(row);
            }
        }
    }

    pub fn run(&mut self, accounts: &Accounts) -> Result<()> {
        let anon = Role::Anonymous;
        // Operations and reference data, signed out.
        self.get(anon, "GET /health", "/health", Check::ApiJson);
        self.get(anon, "GET /health/ready", "/health/ready", Check::ApiJson);
        self.get(anon, "GET /openapi.json", "/openapi.json", Check::ApiJson);
        self.get(anon, "GET /gst/rates", "/gst/rates", json::<GstRates>());

        let mut facts = Facts {
            own_shop: self.seller_sign_in(accounts),
            ..Facts::default()
        };
        self.browse(&mut facts)?;
        self.customer(&mut facts);
        self.seller(&facts);
        self.admin(accounts, &facts);
        Ok(())
    }

    /// `role`'s bearer token as request options (for the journey's own unjudged reads).
    fn bearer(&self, role: Role) -> Extra<'_> {
        Extra {
            token: self.tokens.get(&role).cloned(),
            ..Extra::default()
        }
    }

    /// Signs `email` in as `role` (no second factor); keeps the token; the answer (cookies).
    fn sign_in(&mut self, role: Role, email: &str, password: &str) -> Option<Answer> {
        let credentials = Credentials {
            email: email.to_owned(),
            password: password.to_owned(),
        };
        // Signing in is the anonymous request that makes the role; its row is the role's.
        self.tokens.entry(role).or_default();
        let answer = self.send(
            role,
            "POST /auth/login",
            "/auth/login",
            &credentials,
            vec![],
            &[200],
            json::<LoginOutcome>(),
        );
        match answer.as_ref().and_then(value) {
            Some(outcome) if outcome["session"]["accessToken"].is_string() => {
                let token = outcome["session"]["accessToken"]
                    .as_str()
                    .unwrap_or_default();
                self.tokens.insert(role, token.to_owned());
            }
            _ => {
                self.tokens.remove(&role);
                self.unavailable
                    .insert(role, format!("{email} could not sign in"));
                return None;
            }
        }
        answer
    }
}

/// What the journey's steps learn and later steps use.
#[derive(Default)]
struct Facts {
    /// The seller's shop: the journey buys from it, so that the seller can fulfil the order.
    own_shop: Option<String>,
    /// A product to buy.
    product: String,
    /// A guest's cart, with one line, for the customer to merge.
    guest: Option<String>,
    /// The customer the journey registers: id, email, password.
    customer_id: Option<String>,
    email: String,
    password: String,
    /// The customer's device cookies (refresh, CSRF), as the last refresh set them.
    device: Option<BTreeMap<String, String>>,
    /// An order paid on the mock gateway.
    paid: Option<String>,
    /// The customer's shop application.
    applied: Option<String>,
}

fn value(answer: &Answer) -> Option<Value> {
    serde_json::from_slice(&answer.body).ok()
}

fn text(answer: &Answer, member: &str) -> Option<String> {
    value(answer)?[member].as_str().map(str::to_owned)
}

/// The start of an answer's body, for a drift row.
fn excerpt(answer: &Answer) -> String {
    let body = String::from_utf8_lossy(&answer.body);
    let body: String = body.chars().take(160).collect();
    body.replace('\n', " ")
}

/// The refresh and CSRF cookies sent back as a browser would, with the CSRF header.
fn cookie_extra(cookies: &BTreeMap<String, String>) -> Extra<'static> {
    let get = |name: &str| cookies.get(name).cloned().unwrap_or_default();
    let (refresh, csrf) = (get(REFRESH_COOKIE), get(CSRF_COOKIE));
    Extra {
        headers: vec![
            (
                "Cookie",
                format!("{REFRESH_COOKIE}={refresh}; {CSRF_COOKIE}={csrf}"),
            ),
            (CSRF_HEADER, csrf),
        ],
        ..Extra::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `CASES` and the journey's calls are one list: an operation added to one and not the
    /// other fails here, not silently at run time.
    #[test]
    fn every_case_is_called_and_every_call_is_a_case() {
        let here = include_str!("mod.rs");
        let after_cases = here.split("pub const CASES").nth(1).unwrap();
        let body = [
            after_cases.split_once("];").unwrap().1,
            include_str!("shopper.rs"),
            include_str!("back_office.rs"),
        ]
        .concat();
        for op in CASES {
            assert!(body.contains(&format!("\"{op}\"")), "{op} is never called");
        }
        let called: BTreeSet<&str> = body
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|s| {
                ["GET /", "POST /", "PUT /", "PATCH /", "DELETE /"]
                    .iter()
                    .any(|m| s.starts_with(m))
            })
            .collect();
        for op in called {
            assert!(CASES.contains(&op), "{op} is called but not in CASES");
        }
    }

    /// An operation the API dropped from its document is drift, found before any request.
    #[test]
    fn calling_an_operation_the_document_lacks_is_drift() {
        let doc = super::super::document::tests::sample();
        // Nothing listens there: the kit must not even try.
        let client = Client::new("http://127.0.0.1:9");
        let mut journey = Journey::new(&client, &doc, Role::ALL.into());
        let product = "/products/p1";
        let answer = journey.get(
            Role::Anonymous,
            "GET /products/{id}",
            product,
            json::<Product>(),
        );
        assert!(answer.is_none());
        assert_eq!(journey.rows.len(), 1);
        assert_eq!(
            journey.rows[0].verdict,
            Verdict::Drift("the API's document has no such operation".into())
        );
    }

    #[test]
    fn the_generated_gstin_is_valid() {
        for run in ["0", "abc123", "ffffffffffff"] {
            assert!(
                contracts::gstin::Gstin::parse(&shopper::gstin(run)).is_ok(),
                "{run}"
            );
        }
    }
}
