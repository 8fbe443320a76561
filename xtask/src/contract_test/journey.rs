//! The kit's journey: every operation of the API called for real, in the order a shop's life
//! calls them (browse, cart, sign up, order, pay, invoice; the seller's back office and
//! fulfilment; the administrators' reads, a refund and a support session), each answer
//! decoded into the `contracts` type the widgets decode it into ([`super::conform`]).
//!
//! [`CASES`] lists the operations the journey has a case for; the kit fails on an operation of
//! the document that is not in it, so a new operation cannot go untested.

use super::conform::{conforms, short_name};
use super::document::{API_BASE, Document};
use super::http::{Answer, Client, Extra};
use super::{Role, Row, Verdict};
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
                        .cloned()
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
        let (anon, customer, seller, admin) =
            (Role::Anonymous, Role::Customer, Role::Seller, Role::Admin);
        // Operations and reference data, signed out.
        self.get(anon, "GET /health", "/health", Check::ApiJson);
        self.get(anon, "GET /health/ready", "/health/ready", Check::ApiJson);
        self.get(anon, "GET /openapi.json", "/openapi.json", Check::ApiJson);
        self.get(anon, "GET /gst/rates", "/gst/rates", json::<GstRates>());

        // The seller first signs in and reads its shop, so the journey buys from that shop and
        // the seller can fulfil the order.
        if self.selected.contains(&seller) {
            let (email, password) = &accounts.seller;
            self.sign_in(seller, email, password);
        }
        let own_shop = self
            .get(
                seller,
                "GET /seller/shop",
                "/seller/shop",
                json::<ShopProfile>(),
            )
            .and_then(|profile| profile["shop"]["id"].as_str().map(str::to_owned));

        // Browsing.
        let page = self.get(
            anon,
            "GET /products",
            "/products?limit=100",
            json::<ProductPage>(),
        );
        let product = page.as_ref().and_then(|page| {
            let items = page["items"].as_array()?;
            let buyable = |p: &&Value| {
                p["active"].as_bool() == Some(true) && p["stock"].as_i64().unwrap_or(0) >= 5
            };
            let of_shop = items.iter().filter(buyable).find(|p| {
                own_shop
                    .as_deref()
                    .is_some_and(|shop| p["shopId"].as_str() == Some(shop))
            });
            of_shop
                .or_else(|| items.iter().find(buyable))
                .and_then(|p| p["id"].as_str().map(str::to_owned))
        });
        let product = product.context(
            "the catalog has no active product with stock to buy: seed the server (`api seed-demo`)",
        )?;
        self.get(
            anon,
            "GET /products/{id}",
            &format!("/products/{product}"),
            json::<Product>(),
        );

        // A guest's cart.
        let guest = self
            .call(
                anon,
                "POST /carts",
                "/carts",
                Extra::default(),
                &[201],
                json::<Cart>(),
            )
            .and_then(|a| text(&a, "cartId"));
        if let Some(guest) = &guest {
            let add = AddToCart {
                product_id: product.clone(),
                quantity: 1,
                seller_id: None,
            };
            let items = format!("/carts/{guest}/items");
            let line = format!("{items}/{product}");
            self.send(
                anon,
                "POST /carts/{cart_id}/items",
                &items,
                &add,
                vec![],
                &[201],
                json::<Cart>(),
            );
            let two = SetQuantity { quantity: 2 };
            self.send(
                anon,
                "PUT /carts/{cart_id}/items/{product_id}",
                &line,
                &two,
                vec![],
                &[200],
                json::<Cart>(),
            );
            self.call(
                anon,
                "DELETE /carts/{cart_id}/items/{product_id}",
                &line,
                Extra::default(),
                &[200],
                json::<Cart>(),
            );
            // Back in, for the customer to merge at sign-in (a quantity set on no line adds it).
            let one = SetQuantity { quantity: 1 };
            self.send(
                anon,
                "PUT /carts/{cart_id}/items/{product_id}",
                &line,
                &one,
                vec![],
                &[200],
                json::<Cart>(),
            );
            self.get(
                anon,
                "GET /carts/{cart_id}",
                &format!("/carts/{guest}"),
                json::<Cart>(),
            );
        }

        // What a signed-out visitor can be refused: the answers must still be the document's.
        let nobody = ForgotPassword {
            email: format!("nobody-{}@example.com", self.run_id),
        };
        self.send(
            anon,
            "POST /auth/password/forgot",
            "/auth/password/forgot",
            &nobody,
            vec![],
            &[202],
            Check::Empty,
        );
        let reset = ResetPassword {
            token: "not-a-reset-token-of-this-server".into(),
            password: "a new password of some length".into(),
        };
        self.send(
            anon,
            "POST /auth/password/reset",
            "/auth/password/reset",
            &reset,
            vec![],
            &[400, 401, 404, 410, 422],
            Check::Empty,
        );
        let verify = MfaVerify {
            challenge_token: "not-a-challenge".into(),
            code: "000000".into(),
        };
        self.send(
            anon,
            "POST /auth/mfa/verify",
            "/auth/mfa/verify",
            &verify,
            vec![],
            &[400, 401, 422],
            json::<SessionGrant>(),
        );
        // Unsigned gateway calls are refused (the kit holds no gateway secret).
        let unsigned = serde_json::json!({"event": "contract-test"});
        self.send(
            anon,
            "POST /webhooks/payment",
            "/webhooks/payment",
            &unsigned,
            vec![],
            &[400, 401, 403],
            Check::ApiJson,
        );
        self.send(
            anon,
            "POST /webhooks/razorpay",
            "/webhooks/razorpay",
            &unsigned,
            vec![],
            &[400, 401, 403, 404, 503],
            Check::ApiJson,
        );

        // A new customer: sign up, sign in, refresh the session, read it.
        let email = format!("contract-{}@example.com", self.run_id);
        let password = "contract test password of some length".to_owned();
        let account = NewAccount {
            email: email.clone(),
            password: password.clone(),
            display_name: "Contract Test".into(),
        };
        let registered = if self.selected.contains(&customer) {
            self.tokens.insert(customer, String::new());
            self.send(
                customer,
                "POST /auth/register",
                "/auth/register",
                &account,
                vec![],
                &[201],
                json::<SessionGrant>(),
            )
        } else {
            None
        };
        let customer_id = registered
            .as_ref()
            .and_then(value)
            .and_then(|grant| grant["user"]["id"].as_str().map(str::to_owned));
        if let Some(grant) = registered.as_ref().and_then(value) {
            if let Some(token) = grant["accessToken"].as_str() {
                self.tokens.insert(customer, token.to_owned());
            }
        }
        let signed_in = self.sign_in(customer, &email, &password);
        // The device's cookies, rotated by each refresh; signing out at the end sends them.
        let mut device = None;
        if let Some(cookies) = signed_in.as_ref().map(|a| a.cookies.clone()) {
            let refreshed = self.call(
                customer,
                "POST /auth/refresh",
                "/auth/refresh",
                cookie_extra(&cookies),
                &[200],
                json::<SessionGrant>(),
            );
            if let Some(token) = refreshed.as_ref().and_then(|a| text(a, "accessToken")) {
                self.tokens.insert(customer, token);
            }
            device = refreshed.map(|a| a.cookies);
        }
        self.get(customer, "GET /auth/me", "/auth/me", json::<SessionUser>());
        let cart = self
            .get(customer, "GET /cart", "/cart", json::<Cart>())
            .and_then(|c| c["cartId"].as_str().map(str::to_owned));
        if let Some(guest) = &guest {
            let merge = MergeCart {
                guest_cart_id: guest.clone(),
            };
            self.send(
                customer,
                "POST /cart/merge",
                "/cart/merge",
                &merge,
                vec![],
                &[200],
                json::<Cart>(),
            );
        }

        // An order, paid on the mock gateway's page when the server uses it.
        let paid = match &cart {
            Some(cart) => self.order_and_pay(cart, &product, "first"),
            None => None,
        };
        self.get(
            customer,
            "GET /orders",
            "/orders?limit=5",
            json::<OrderPage>(),
        );
        if let Some(order) = &paid {
            self.get(
                customer,
                "GET /orders/{id}",
                &format!("/orders/{order}"),
                json::<Order>(),
            );
            let invoice = self
                .get(
                    customer,
                    "GET /orders/{id}/invoices",
                    &format!("/orders/{order}/invoices"),
                    json::<InvoiceList>(),
                )
                .and_then(|list| list["items"][0]["id"].as_str().map(str::to_owned));
            if let Some(invoice) = invoice {
                self.get(
                    customer,
                    "GET /invoices/{id}",
                    &format!("/invoices/{invoice}"),
                    json::<Invoice>(),
                );
                self.get(
                    customer,
                    "GET /invoices/{id}/pdf",
                    &format!("/invoices/{invoice}/pdf"),
                    Check::Pdf,
                );
            }
            // A return from Razorpay Checkout with a signature the server did not make.
            let forged = RazorpayReturn {
                razorpay_payment_id: "pay_contracttest".into(),
                razorpay_order_id: "order_contracttest".into(),
                razorpay_signature: "0".repeat(64),
            };
            self.send(
                customer,
                "POST /orders/{id}/razorpay-return",
                &format!("/orders/{order}/razorpay-return"),
                &forged,
                vec![],
                &[400, 401, 409, 422],
                json::<Order>(),
            );
        }
        self.get(
            customer,
            "GET /users/me/access-history",
            "/users/me/access-history",
            json::<AccessHistory>(),
        );

        // The customer applies to sell (an administrator turns it down below).
        let application = ShopApplication {
            legal_name: format!("Contract Test {} LLP", self.run_id),
            display_name: format!("Contract Test {}", self.run_id),
            gstin: gstin(&self.run_id),
            address: Address {
                line1: "1 Test Road".into(),
                line2: None,
                city: "Bengaluru".into(),
                state_code: "29".into(),
                pincode: "560001".into(),
            },
        };
        let applied = self
            .send(
                customer,
                "POST /shops",
                "/shops",
                &application,
                vec![],
                &[201],
                json::<Shop>(),
            )
            .and_then(|a| text(&a, "id"));
        self.get(customer, "GET /shops/mine", "/shops/mine", json::<Shop>());

        // A second factor for the customer.
        let enrolled = self
            .call(
                customer,
                "POST /auth/mfa/enroll",
                "/auth/mfa/enroll",
                Extra::default(),
                &[200],
                json::<MfaEnrollment>(),
            )
            .and_then(|a| text(&a, "secret"));
        if let Some(secret) = enrolled {
            if let Ok((code, _)) = totp_code(&secret, None) {
                self.send(
                    customer,
                    "POST /auth/mfa/activate",
                    "/auth/mfa/activate",
                    &MfaActivate { code },
                    vec![],
                    &[200],
                    json::<RecoveryCodes>(),
                );
            }
        }

        // A second order, cancelled by the customer once paid.
        if let Some(cart) = &cart {
            if let Some(order) = self.order_and_pay(cart, &product, "second") {
                let cancel = CancelOrder {
                    reason: "Ordered by mistake (contract test)".into(),
                };
                let key = vec![(
                    "Idempotency-Key",
                    format!("contract-cancel-{}", self.run_id),
                )];
                self.send(
                    customer,
                    "POST /orders/{id}/cancel",
                    &format!("/orders/{order}/cancel"),
                    &cancel,
                    key,
                    &[200, 202],
                    json::<Order>(),
                );
            }
        }

        // The seller's back office.
        self.get(
            seller,
            "GET /seller/dashboard",
            "/seller/dashboard",
            json::<SellerDashboard>(),
        );
        self.get(
            seller,
            "GET /seller/gst-summary",
            "/seller/gst-summary",
            json::<GstSummary>(),
        );
        self.get(
            seller,
            "GET /seller/gst-summary.csv",
            "/seller/gst-summary.csv",
            Check::Csv,
        );
        if own_shop.is_some() {
            // The description it has: the journey changes nothing a person set.
            let current = self
                .client
                .send(
                    "GET",
                    &format!("{API_BASE}/seller/shop"),
                    self.bearer(seller),
                )
                .ok()
                .and_then(|a| value(&a))
                .and_then(|s| s["description"].as_str().map(str::to_owned));
            let same = ShopChanges {
                description: current,
                ..ShopChanges::default()
            };
            self.send(
                seller,
                "PATCH /seller/shop",
                "/seller/shop",
                &same,
                vec![],
                &[200],
                json::<ShopProfile>(),
            );
        }
        self.get(
            seller,
            "GET /seller/products",
            "/seller/products?limit=5",
            json::<ProductPage>(),
        );
        self.seller_product(seller);
        if let (Some(order), true) = (&paid, own_shop.is_some()) {
            let at = |step: &str| format!("/seller/orders/{order}/{step}");
            self.call(
                seller,
                "POST /seller/orders/{id}/pack",
                &at("pack"),
                Extra::default(),
                &[200],
                json::<Order>(),
            );
            let ship = ShipOrder {
                carrier: "Contract Express".into(),
                tracking_number: format!("CT-{}", self.run_id).to_uppercase(),
            };
            self.send(
                seller,
                "POST /seller/orders/{id}/ship",
                &at("ship"),
                &ship,
                vec![],
                &[200],
                json::<Order>(),
            );
            self.call(
                seller,
                "POST /seller/orders/{id}/deliver",
                &at("deliver"),
                Extra::default(),
                &[200],
                json::<Order>(),
            );
        }

        // The administrators, signed in with a second factor.
        if self.selected.contains(&admin) {
            self.sign_in_admin(accounts);
        }
        self.get(
            admin,
            "GET /admin/figures",
            "/admin/figures",
            json::<Figures>(),
        );
        self.get(
            admin,
            "GET /admin/mail/dead",
            "/admin/mail/dead",
            json::<DeadMailList>(),
        );
        self.get(
            admin,
            "GET /admin/reconciliation",
            "/admin/reconciliation",
            json::<ReconciliationList>(),
        );
        self.get(
            admin,
            "GET /admin/shops",
            "/admin/shops?status=PENDING",
            json::<ApplicationPage>(),
        );
        if let Some(shop) = &applied {
            let decline = ShopDecision {
                approve: false,
                note: Some("Contract test application".into()),
            };
            self.send(
                admin,
                "POST /admin/shops/{id}/decision",
                &format!("/admin/shops/{shop}/decision"),
                &decline,
                vec![],
                &[200],
                json::<Shop>(),
            );
        }
        self.get(
            admin,
            "GET /admin/products/{id}/inventory",
            &format!("/admin/products/{product}/inventory"),
            json::<InventoryPage>(),
        );
        self.get(admin, "GET /audit", "/audit?limit=5", json::<AuditPage>());
        self.get(
            admin,
            "GET /audit/export.csv",
            "/audit/export.csv?limit=5",
            Check::Csv,
        );
        self.get(
            admin,
            "GET /audit/status",
            "/audit/status",
            json::<AuditChainStatus>(),
        );
        if let Some(order) = &paid {
            let refund = RefundRequest {
                amount: Some(Paise(100)),
                reason: "Contract test partial refund".into(),
            };
            let key = vec![(
                "Idempotency-Key",
                format!("contract-refund-{}", self.run_id),
            )];
            self.send(
                admin,
                "POST /orders/{id}/refunds",
                &format!("/orders/{order}/refunds"),
                &refund,
                key,
                &[200, 202],
                json::<Order>(),
            );
            let note = self
                .get(
                    customer,
                    "GET /orders/{id}/credit-notes",
                    &format!("/orders/{order}/credit-notes"),
                    json::<CreditNoteList>(),
                )
                .and_then(|list| list["items"][0]["id"].as_str().map(str::to_owned));
            if let Some(note) = note {
                self.get(
                    customer,
                    "GET /credit-notes/{id}",
                    &format!("/credit-notes/{note}"),
                    json::<CreditNote>(),
                );
                self.get(
                    customer,
                    "GET /credit-notes/{id}/pdf",
                    &format!("/credit-notes/{note}/pdf"),
                    Check::Pdf,
                );
            }
        }
        if let Some(user) = &customer_id {
            self.get(
                admin,
                "GET /admin/users",
                &format!("/admin/users?q={email}"),
                json::<contracts::users::UserPage>(),
            );
            self.get(
                admin,
                "GET /admin/users/{id}",
                &format!("/admin/users/{user}"),
                json::<AccountView>(),
            );
            let start = StartImpersonation {
                target_user_id: Some(user.clone()),
                reason: Some("Contract test support session".into()),
                duration_minutes: Some(15),
            };
            let support = self
                .send(
                    admin,
                    "POST /admin/impersonate",
                    "/admin/impersonate",
                    &start,
                    vec![],
                    &[201],
                    json::<ImpersonationGrant>(),
                )
                .and_then(|a| text(&a, "accessToken"));
            if let Some(support) = &support {
                let extra = Extra {
                    token: Some(support.clone()),
                    ..Extra::default()
                };
                self.call(
                    admin,
                    "POST /admin/impersonate/end",
                    "/admin/impersonate/end",
                    extra,
                    &[204],
                    Check::Empty,
                );
            }
            // The customer signs out: this device (its cookies), then everywhere (its token).
            if let Some(cookies) = &device {
                self.call(
                    customer,
                    "POST /auth/logout",
                    "/auth/logout",
                    cookie_extra(cookies),
                    &[204],
                    Check::Empty,
                );
            }
            self.call(
                customer,
                "POST /auth/logout-all",
                "/auth/logout-all",
                Extra::default(),
                &[204],
                Check::Empty,
            );
            let same_role = RoleChange {
                role: Some(contracts::props::Role::Customer),
            };
            let account = |step: &str| format!("/admin/users/{user}/{step}");
            // Only a super administrator changes roles: the demo administrator is refused (403).
            self.send(
                admin,
                "PUT /admin/users/{id}/role",
                &account("role"),
                &same_role,
                vec![],
                &[200, 403],
                json::<AccountView>(),
            );
            self.call(
                admin,
                "POST /admin/users/{id}/disable",
                &account("disable"),
                Extra::default(),
                &[200],
                json::<AccountView>(),
            );
            self.call(
                admin,
                "POST /admin/users/{id}/enable",
                &account("enable"),
                Extra::default(),
                &[200],
                json::<AccountView>(),
            );
            self.call(
                admin,
                "POST /admin/users/{id}/unlock",
                &account("unlock"),
                Extra::default(),
                &[200],
                json::<AccountView>(),
            );
        }
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
        self.tokens.entry(role).or_insert_with(String::new);
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

    /// Signs the administrator in with a second factor: enrolling one first when the account
    /// has none (a fresh server's demo administrator), else with `CONTRACT_ADMIN_TOTP_SECRET`.
    fn sign_in_admin(&mut self, accounts: &Accounts) {
        let role = Role::Admin;
        let (email, password) = &accounts.admin;
        let credentials = Credentials {
            email: email.clone(),
            password: password.clone(),
        };
        let login = |j: &mut Journey<'_>| {
            j.tokens.entry(role).or_insert_with(String::new);
            j.send(
                role,
                "POST /auth/login",
                "/auth/login",
                &credentials,
                vec![],
                &[200],
                json::<LoginOutcome>(),
            )
            .and_then(|a| value(&a))
        };
        let mut outcome = login(self);
        let mut secret = accounts.admin_totp.clone();
        let mut used_step = None;
        if let Some(token) = outcome
            .as_ref()
            .and_then(|o| o["session"]["accessToken"].as_str())
        {
            // No second factor yet: enrol one, as an authenticator app would.
            self.tokens.insert(role, token.to_owned());
            let enrolled = self
                .call(
                    role,
                    "POST /auth/mfa/enroll",
                    "/auth/mfa/enroll",
                    Extra::default(),
                    &[200],
                    json::<MfaEnrollment>(),
                )
                .and_then(|a| text(&a, "secret"));
            if let Some(new_secret) = enrolled {
                if let Ok((code, step)) = totp_code(&new_secret, None) {
                    self.send(
                        role,
                        "POST /auth/mfa/activate",
                        "/auth/mfa/activate",
                        &MfaActivate { code },
                        vec![],
                        &[200],
                        json::<RecoveryCodes>(),
                    );
                    used_step = Some(step);
                    secret = Some(new_secret);
                    outcome = login(self);
                }
            }
        }
        self.tokens.remove(&role);
        let challenge = outcome.as_ref().and_then(|o| {
            o["mfaRequired"]["challengeToken"]
                .as_str()
                .map(str::to_owned)
        });
        let (Some(challenge), Some(secret)) = (challenge, secret) else {
            self.unavailable.insert(
                role,
                format!("{email} has a second factor the kit does not know: set CONTRACT_ADMIN_TOTP_SECRET"),
            );
            return;
        };
        // A code is good once: after an activation, the next step's.
        let Ok((code, _)) = totp_code(&secret, used_step.map(|s| s + 1)) else {
            return;
        };
        let verify = MfaVerify {
            challenge_token: challenge,
            code,
        };
        self.tokens.entry(role).or_insert_with(String::new);
        let grant = self
            .send(
                role,
                "POST /auth/mfa/verify",
                "/auth/mfa/verify",
                &verify,
                vec![],
                &[200],
                json::<SessionGrant>(),
            )
            .and_then(|a| text(&a, "accessToken"));
        match grant {
            Some(token) => {
                self.tokens.insert(role, token);
            }
            None => {
                self.tokens.remove(&role);
                self.unavailable
                    .insert(role, format!("{email}'s second factor was refused"));
            }
        }
    }

    /// Fills the customer's cart with one unit, places the order and pays it on the mock
    /// gateway's page; the order's id once paid (`None` with a gateway the kit cannot pay).
    fn order_and_pay(&mut self, cart: &str, product: &str, which: &str) -> Option<String> {
        let role = Role::Customer;
        let line = format!("/carts/{cart}/items/{product}");
        self.send(
            role,
            "PUT /carts/{cart_id}/items/{product_id}",
            &line,
            &SetQuantity { quantity: 1 },
            vec![],
            &[200],
            json::<Cart>(),
        );
        let place = PlaceOrder {
            cart_id: cart.to_owned(),
            address: DeliveryAddress {
                name: "Contract Test".into(),
                phone: "9876543210".into(),
                line1: "1 Test Road".into(),
                line2: None,
                city: "Pune".into(),
                state_code: "27".into(),
                pincode: "411001".into(),
            },
        };
        let key = vec![(
            "Idempotency-Key",
            format!("contract-{which}-{}", self.run_id),
        )];
        let order = self
            .send(
                role,
                "POST /orders",
                "/orders",
                &place,
                key,
                &[201],
                json::<Order>(),
            )
            .and_then(|a| value(&a))?;
        let id = order["id"].as_str()?.to_owned();
        // The mock gateway's page: approving calls the API's webhook before it answers.
        let pay = order["paymentUrl"].as_str()?;
        let approved = self
            .client
            .send(
                "POST",
                pay,
                Extra {
                    body: Some((
                        "application/x-www-form-urlencoded",
                        b"decision=approve".to_vec(),
                    )),
                    ..Extra::default()
                },
            )
            .ok()?;
        (approved.status == 303).then_some(id)
    }

    /// A product of the seller's own: created (inactive, so no shopper sees it), read,
    /// changed, restocked, its history, an image added, reordered, served and removed.
    fn seller_product(&mut self, role: Role) {
        let new = NewProduct {
            name: format!("Contract test product {}", self.run_id),
            description: "Created by cargo xtask contract-test".into(),
            sku: format!("CT-{}", self.run_id).to_uppercase(),
            hsn: "6205".into(),
            price: Paise(49_900),
            gst_rate: Rate(500),
            stock: 3,
            category: "testing".into(),
            active: false,
        };
        let Some(id) = self
            .send(
                role,
                "POST /seller/products",
                "/seller/products",
                &new,
                vec![],
                &[201],
                json::<Product>(),
            )
            .and_then(|a| text(&a, "id"))
        else {
            return;
        };
        let path = format!("/seller/products/{id}");
        let version = self
            .get(role, "GET /seller/products/{id}", &path, json::<Product>())
            .and_then(|p| p["version"].as_i64());
        let changes = ProductChanges {
            price: Some(Paise(45_000)),
            version,
            ..ProductChanges::default()
        };
        self.send(
            role,
            "PATCH /seller/products/{id}",
            &path,
            &changes,
            vec![],
            &[200],
            json::<Product>(),
        );
        let restock = StockAdjustment {
            delta: 2,
            reason: AdjustmentReason::Restock,
        };
        self.send(
            role,
            "POST /seller/products/{id}/stock",
            &format!("{path}/stock"),
            &restock,
            vec![],
            &[200],
            json::<Product>(),
        );
        self.get(
            role,
            "GET /seller/products/{id}/inventory",
            &format!("{path}/inventory"),
            json::<InventoryPage>(),
        );
        let png = base64::engine::general_purpose::STANDARD
            .decode(PIXEL_PNG)
            .expect("a valid base64 PNG");
        let upload = Extra {
            body: Some(("image/png", png)),
            ..Extra::default()
        };
        let images: Vec<String> = self
            .call(
                role,
                "POST /seller/products/{id}/images",
                &format!("{path}/images"),
                upload,
                &[201],
                json::<Product>(),
            )
            .and_then(|a| value(&a))
            .and_then(|p| {
                let urls = p["images"].as_array()?;
                Some(
                    urls.iter()
                        .filter_map(|u| u.as_str()?.rsplit('/').next().map(str::to_owned))
                        .collect(),
                )
            })
            .unwrap_or_default();
        if let Some(key) = images.first() {
            let order = ImageOrder {
                keys: images.clone(),
            };
            self.send(
                role,
                "PUT /seller/products/{id}/images",
                &format!("{path}/images"),
                &order,
                vec![],
                &[200],
                json::<Product>(),
            );
            self.get(
                Role::Anonymous,
                "GET /images/{key}",
                &format!("/images/{key}"),
                Check::Image,
            );
            self.call(
                role,
                "DELETE /seller/products/{id}/images/{key}",
                &format!("{path}/images/{key}"),
                Extra::default(),
                &[200],
                json::<Product>(),
            );
        }
    }
}

/// A 1×1 PNG.
const PIXEL_PNG: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

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

/// A GSTIN of Karnataka unique to this run, with the right check character (found by
/// `contracts`' own validation rather than a second copy of its arithmetic).
fn gstin(run_id: &str) -> String {
    let digits: String = run_id
        .bytes()
        .map(|b| char::from(b'0' + b % 10))
        .chain(std::iter::repeat('1'))
        .take(4)
        .collect();
    let head = format!("29AAGCB{digits}J1Z");
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        .chars()
        .map(|check| format!("{head}{check}"))
        .find(|candidate| contracts::gstin::Gstin::parse(candidate).is_ok())
        .unwrap_or(head)
}

/// The six-digit TOTP code of base32 `secret` at 30-second step `step` (now's when `None`),
/// and the step.
fn totp_code(secret: &str, step: Option<u64>) -> Result<(String, u64)> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let step = step.unwrap_or(now / 30);
    let key = totp_rs::Secret::try_from_base32(secret).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let totp = totp_rs::Builder::new()
        .with_secret(key)
        .build()
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok((totp.generate(step * 30).to_string(), step))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `CASES` and the journey's calls are one list: an operation added to one and not the
    /// other fails here, not silently at run time.
    #[test]
    fn every_case_is_called_and_every_call_is_a_case() {
        let source = include_str!("journey.rs");
        let body = source.split("pub const CASES").nth(1).unwrap();
        let body = body.split_once("];").unwrap().1;
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

    #[test]
    fn the_generated_gstin_is_valid() {
        for run in ["0", "abc123", "ffffffffffff"] {
            assert!(contracts::gstin::Gstin::parse(&gstin(run)).is_ok(), "{run}");
        }
    }
}
