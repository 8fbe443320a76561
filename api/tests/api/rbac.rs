//! The role × route matrix: every route of the route table, called by an anonymous client and
//! by each role, answers as this table says. A route added without its row here fails
//! `every_route_has_a_row_in_the_matrix`, so no route ships with an unreviewed policy.

use crate::helpers::{TEST_JWT_SECRET, TestApp, problem, spawn_app};
use api::auth::token::{Claims, JwtKeys};
use contracts::auth::SessionGrant;
use contracts::props::Role;
use reqwest::StatusCode;
use std::collections::BTreeSet;

/// What one caller gets from one route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Past the policy: whatever the handler answers to an empty request, but neither 401/403
    /// nor a server error.
    Pass,
    /// 401 `unauthenticated`.
    Unauth,
    /// 403 `forbidden`.
    Forbid,
    /// 403 `mfa_required`: an administrator's session without a second factor.
    Mfa,
    /// 401 `invalid_signature`: the route's credential is a webhook signature, whoever calls.
    Unsigned,
}
use Expect::{Forbid, Mfa, Pass, Unauth, Unsigned};

/// The callers, in the order of each row's columns.
const CALLERS: [&str; 6] = [
    "anonymous",
    "customer",
    "seller",
    "admin without a second factor",
    "admin",
    "super admin",
];

/// Method, path (as in the route table), and what each of [`CALLERS`] gets.
const MATRIX: &[(&str, &str, [Expect; 6])] = &[
    // Operations.
    ("GET", "/health", [Pass; 6]),
    ("GET", "/openapi.json", [Pass; 6]),
    // Identity.
    ("POST", "/auth/register", [Pass; 6]),
    ("POST", "/auth/login", [Pass; 6]),
    ("GET", "/auth/me", [Unauth, Pass, Pass, Pass, Pass, Pass]),
    // No refresh cookie: nothing to refresh (a bearer token is no substitute), nothing to sign out.
    ("POST", "/auth/refresh", [Unauth; 6]),
    ("POST", "/auth/logout", [Pass; 6]),
    (
        "POST",
        "/auth/logout-all",
        [Unauth, Pass, Pass, Pass, Pass, Pass],
    ),
    // An administrator without a second factor must be able to enrol one.
    (
        "POST",
        "/auth/mfa/enroll",
        [Unauth, Pass, Pass, Pass, Pass, Pass],
    ),
    (
        "POST",
        "/auth/mfa/activate",
        [Unauth, Pass, Pass, Pass, Pass, Pass],
    ),
    ("POST", "/auth/mfa/verify", [Pass; 6]),
    ("POST", "/auth/password/forgot", [Pass; 6]),
    ("POST", "/auth/password/reset", [Pass; 6]),
    // Back office.
    (
        "GET",
        "/admin/users",
        [Unauth, Forbid, Forbid, Mfa, Pass, Pass],
    ),
    // One account, and the changes to it (these with a recent second factor; a role change
    // by an ADMIN is the use case's 403 on a known account, a Pass for an unknown one).
    (
        "GET",
        "/admin/users/{id}",
        [Unauth, Forbid, Forbid, Mfa, Pass, Pass],
    ),
    (
        "POST",
        "/admin/users/{id}/disable",
        [Unauth, Forbid, Forbid, Mfa, Pass, Pass],
    ),
    (
        "POST",
        "/admin/users/{id}/enable",
        [Unauth, Forbid, Forbid, Mfa, Pass, Pass],
    ),
    (
        "POST",
        "/admin/users/{id}/unlock",
        [Unauth, Forbid, Forbid, Mfa, Pass, Pass],
    ),
    (
        "PUT",
        "/admin/users/{id}/role",
        [Unauth, Forbid, Forbid, Mfa, Pass, Pass],
    ),
    // The platform's figures: administrators with a second factor.
    (
        "GET",
        "/admin/figures",
        [Unauth, Forbid, Forbid, Mfa, Pass, Pass],
    ),
    // Captures no order took and refunds not done: administrators with a second factor.
    (
        "GET",
        "/admin/reconciliation",
        [Unauth, Forbid, Forbid, Mfa, Pass, Pass],
    ),
    // Mail the sender gave up on: administrators with a second factor.
    (
        "GET",
        "/admin/mail/dead",
        [Unauth, Forbid, Forbid, Mfa, Pass, Pass],
    ),
    // The audit log: administrators with a second factor.
    ("GET", "/audit", [Unauth, Forbid, Forbid, Mfa, Pass, Pass]),
    (
        "GET",
        "/audit/export.csv",
        [Unauth, Forbid, Forbid, Mfa, Pass, Pass],
    ),
    (
        "GET",
        "/audit/status",
        [Unauth, Forbid, Forbid, Mfa, Pass, Pass],
    ),
    // Support sessions: only administrators with a second factor start one; ending takes the
    // impersonation token (any other session gets 409 `not_impersonating`, past the policy);
    // every account reads its own access history.
    (
        "POST",
        "/admin/impersonate",
        [Unauth, Forbid, Forbid, Mfa, Pass, Pass],
    ),
    (
        "POST",
        "/admin/impersonate/end",
        [Unauth, Pass, Pass, Pass, Pass, Pass],
    ),
    (
        "GET",
        "/users/me/access-history",
        [Unauth, Pass, Pass, Pass, Pass, Pass],
    ),
    // Shops. Any signed-in account reaches the application; the handler then lets only
    // customers apply (403 for the others, tested in `shops.rs`).
    ("POST", "/shops", [Unauth, Pass, Pass, Pass, Pass, Pass]),
    ("GET", "/shops/mine", [Unauth, Pass, Pass, Pass, Pass, Pass]),
    (
        "GET",
        "/admin/shops",
        [Unauth, Forbid, Forbid, Mfa, Pass, Pass],
    ),
    (
        "POST",
        "/admin/shops/{id}/decision",
        [Unauth, Forbid, Forbid, Mfa, Pass, Pass],
    ),
    // The catalog is public; a seller's own products are the seller's alone.
    ("GET", "/products", [Pass; 6]),
    ("GET", "/products/{id}", [Pass; 6]),
    (
        "GET",
        "/seller/dashboard",
        [Unauth, Forbid, Pass, Forbid, Forbid, Forbid],
    ),
    (
        "GET",
        "/seller/gst-summary",
        [Unauth, Forbid, Pass, Forbid, Forbid, Forbid],
    ),
    (
        "GET",
        "/seller/gst-summary.csv",
        [Unauth, Forbid, Pass, Forbid, Forbid, Forbid],
    ),
    (
        "GET",
        "/seller/shop",
        [Unauth, Forbid, Pass, Forbid, Forbid, Forbid],
    ),
    (
        "PATCH",
        "/seller/shop",
        [Unauth, Forbid, Pass, Forbid, Forbid, Forbid],
    ),
    (
        "GET",
        "/seller/products",
        [Unauth, Forbid, Pass, Forbid, Forbid, Forbid],
    ),
    (
        "POST",
        "/seller/products",
        [Unauth, Forbid, Pass, Forbid, Forbid, Forbid],
    ),
    (
        "GET",
        "/seller/products/{id}",
        [Unauth, Forbid, Pass, Forbid, Forbid, Forbid],
    ),
    (
        "PATCH",
        "/seller/products/{id}",
        [Unauth, Forbid, Pass, Forbid, Forbid, Forbid],
    ),
    (
        "POST",
        "/seller/products/{id}/stock",
        [Unauth, Forbid, Pass, Forbid, Forbid, Forbid],
    ),
    (
        "GET",
        "/seller/products/{id}/inventory",
        [Unauth, Forbid, Pass, Forbid, Forbid, Forbid],
    ),
    // Any product's inventory history: administrators with a second factor.
    (
        "GET",
        "/admin/products/{id}/inventory",
        [Unauth, Forbid, Forbid, Mfa, Pass, Pass],
    ),
    (
        "POST",
        "/seller/products/{id}/images",
        [Unauth, Forbid, Pass, Forbid, Forbid, Forbid],
    ),
    (
        "PUT",
        "/seller/products/{id}/images",
        [Unauth, Forbid, Pass, Forbid, Forbid, Forbid],
    ),
    (
        "DELETE",
        "/seller/products/{id}/images/{key}",
        [Unauth, Forbid, Pass, Forbid, Forbid, Forbid],
    ),
    ("GET", "/images/{key}", [Pass; 6]),
    ("GET", "/gst/rates", [Pass; 6]),
    // Carts: guests' carts are open to all (by id); the own cart is a customer's.
    ("POST", "/carts", [Pass; 6]),
    ("GET", "/carts/{cart_id}", [Pass; 6]),
    ("POST", "/carts/{cart_id}/items", [Pass; 6]),
    ("PUT", "/carts/{cart_id}/items/{product_id}", [Pass; 6]),
    ("DELETE", "/carts/{cart_id}/items/{product_id}", [Pass; 6]),
    (
        "GET",
        "/cart",
        [Unauth, Pass, Forbid, Forbid, Forbid, Forbid],
    ),
    (
        "POST",
        "/cart/merge",
        [Unauth, Pass, Forbid, Forbid, Forbid, Forbid],
    ),
    // Orders: customers buy; customers and sellers read their own, administrators all;
    // refunds are administrators' (`payments:refund`, with a second factor passed in the last
    // five minutes: the callers' just was). The webhook's credential is its signature, not a
    // token.
    (
        "POST",
        "/orders",
        [Unauth, Pass, Forbid, Forbid, Forbid, Forbid],
    ),
    ("GET", "/orders", [Unauth, Pass, Pass, Mfa, Pass, Pass]),
    ("GET", "/orders/{id}", [Unauth, Pass, Pass, Mfa, Pass, Pass]),
    (
        "POST",
        "/orders/{id}/refunds",
        [Unauth, Forbid, Forbid, Mfa, Pass, Pass],
    ),
    ("POST", "/webhooks/payment", [Unsigned; 6]),
    ("POST", "/webhooks/razorpay", [Unsigned; 6]),
    // Razorpay Checkout's return: the order's customer (as reading it; a reader of another's
    // order, or of an unknown one, gets "not found", a Pass here).
    (
        "POST",
        "/orders/{id}/razorpay-return",
        [Unauth, Pass, Pass, Mfa, Pass, Pass],
    ),
    // Fulfilment: a customer cancels its own order; sellers move their own part.
    (
        "POST",
        "/orders/{id}/cancel",
        [Unauth, Pass, Forbid, Forbid, Forbid, Forbid],
    ),
    (
        "POST",
        "/seller/orders/{id}/pack",
        [Unauth, Forbid, Pass, Forbid, Forbid, Forbid],
    ),
    (
        "POST",
        "/seller/orders/{id}/ship",
        [Unauth, Forbid, Pass, Forbid, Forbid, Forbid],
    ),
    (
        "POST",
        "/seller/orders/{id}/deliver",
        [Unauth, Forbid, Pass, Forbid, Forbid, Forbid],
    ),
    // Invoices: each reader within its scope (an unknown id is "not found", a Pass here).
    (
        "GET",
        "/orders/{id}/invoices",
        [Unauth, Pass, Pass, Mfa, Pass, Pass],
    ),
    (
        "GET",
        "/invoices/{id}",
        [Unauth, Pass, Pass, Mfa, Pass, Pass],
    ),
    (
        "GET",
        "/invoices/{id}/pdf",
        [Unauth, Pass, Pass, Mfa, Pass, Pass],
    ),
    // Credit notes: exactly the invoices' readers.
    (
        "GET",
        "/orders/{id}/credit-notes",
        [Unauth, Pass, Pass, Mfa, Pass, Pass],
    ),
    (
        "GET",
        "/credit-notes/{id}",
        [Unauth, Pass, Pass, Mfa, Pass, Pass],
    ),
    (
        "GET",
        "/credit-notes/{id}/pdf",
        [Unauth, Pass, Pass, Mfa, Pass, Pass],
    ),
];

#[test]
fn every_route_has_a_row_in_the_matrix() {
    let routes: BTreeSet<(String, String)> = api::routes::routes()
        .specs()
        .into_iter()
        .map(|spec| (spec.method.to_string(), spec.path.to_owned()))
        .collect();
    let rows: BTreeSet<(String, String)> = MATRIX
        .iter()
        .map(|(method, path, _)| ((*method).to_owned(), (*path).to_owned()))
        .collect();

    let missing: Vec<_> = routes.difference(&rows).collect();
    let stale: Vec<_> = rows.difference(&routes).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "routes without a matrix row: {missing:?}; rows without a route: {stale:?}"
    );
    assert_eq!(rows.len(), MATRIX.len(), "a route has two rows");
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_matrix_says() {
    let app = spawn_app().await;
    let tokens = callers(&app).await;

    let mut wrong = Vec::new();
    for (method, path, expected) in MATRIX {
        for ((caller, token), expect) in CALLERS.iter().zip(&tokens).zip(expected) {
            let got = call(&app, method, path, token.as_deref()).await;
            if !matches_expectation(*expect, got.0, got.1.as_deref()) {
                wrong.push(format!(
                    "{method} {path} as {caller}: expected {expect:?}, got {} {:?}",
                    got.0, got.1
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

fn matches_expectation(expect: Expect, status: StatusCode, code: Option<&str>) -> bool {
    match expect {
        Pass => {
            status != StatusCode::UNAUTHORIZED
                && status != StatusCode::FORBIDDEN
                && !status.is_server_error()
        }
        Unauth => status == StatusCode::UNAUTHORIZED && code == Some("unauthenticated"),
        Forbid => status == StatusCode::FORBIDDEN && code == Some("forbidden"),
        Mfa => status == StatusCode::FORBIDDEN && code == Some("mfa_required"),
        Unsigned => status == StatusCode::UNAUTHORIZED && code == Some("invalid_signature"),
    }
}

/// One bearer token per caller of [`CALLERS`] (none for the anonymous one), each naming a real
/// account of that role, so handlers that look the account up find it.
async fn callers(app: &TestApp) -> Vec<Option<String>> {
    let keys = JwtKeys::new(TEST_JWT_SECRET.as_bytes());
    let mut tokens = vec![None];
    for (index, (role, mfa)) in [
        (Role::Customer, false),
        (Role::Seller, false),
        (Role::Admin, false),
        (Role::Admin, true),
        (Role::SuperAdmin, true),
    ]
    .into_iter()
    .enumerate()
    {
        let id = account_with_role(app, index, role).await;
        let mut claims = Claims::new(&id, role, app.clock.now());
        claims.mfa = mfa;
        claims.mfa_at = mfa.then_some(app.clock.now());
        tokens.push(Some(keys.sign(&claims).unwrap()));
    }
    tokens
}

/// Registers an account (a customer) and gives it `role` in the database, as an
/// administrator's tooling would.
async fn account_with_role(app: &TestApp, index: usize, role: Role) -> String {
    let response = app
        .register(
            &format!("matrix-{index}@example.com"),
            "correct horse battery",
            "Matrix",
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let grant: SessionGrant = response.json().await.unwrap();
    crate::fixtures::set_role(app, &grant.user.id, role).await;
    grant.user.id
}

/// Calls `method path` (with `{param}`s filled by a random UUID and an empty JSON object as
/// the body of writes); the status and, for problems, the code.
async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
) -> (StatusCode, Option<String>) {
    let path = fill_params(path);
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = app
        .client
        .request(method.clone(), app.url(&format!("/api/v1{path}")));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if method != reqwest::Method::GET && method != reqwest::Method::DELETE {
        request = request
            .header("content-type", "application/json")
            .body("{}");
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let is_problem =
        crate::helpers::header(&response, "content-type") == "application/problem+json";
    let code = if is_problem {
        Some(problem(response).await.code)
    } else {
        None
    };
    (status, code)
}

fn fill_params(path: &str) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    path.split('/')
        .map(|segment| {
            if segment.starts_with('{') && segment.ends_with('}') {
                id.as_str()
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}
