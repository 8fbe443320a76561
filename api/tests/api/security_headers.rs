//! Security headers: on API answers, problems and refusals, and on the front end, where the
//! shell page's own CSP and caching win over the defaults.

use crate::helpers::{header, problem, session_cookies, spawn_app};
use api::csp::SHELL_CSP;

/// The headers every response carries, with their values.
const EVERY_RESPONSE: [(&str, &str); 6] = [
    (
        "strict-transport-security",
        "max-age=63072000; includeSubDomains",
    ),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), payment=()",
    ),
];

const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

fn assert_every_response_header(response: &reqwest::Response) {
    for (name, value) in EVERY_RESPONSE {
        assert_eq!(
            header(response, name),
            value,
            "{name} on {}",
            response.url()
        );
    }
}

#[tokio::test]
async fn an_api_answer_carries_every_security_header_and_may_not_be_stored() {
    let app = spawn_app().await;

    let response = app.get("/api/v1/health").await;

    assert_eq!(response.status(), 200);
    assert_every_response_header(&response);
    assert_eq!(header(&response, "content-security-policy"), API_CSP);
    assert_eq!(header(&response, "cache-control"), "no-store");
}

#[tokio::test]
async fn a_404_problem_under_api_carries_the_api_headers() {
    let app = spawn_app().await;

    let response = app.get("/api/v1/nope").await;

    assert_eq!(response.status(), 404);
    assert_every_response_header(&response);
    assert_eq!(header(&response, "content-security-policy"), API_CSP);
    assert_eq!(header(&response, "cache-control"), "no-store");
    assert_eq!(problem(response).await.code, "not_found");
}

#[tokio::test]
async fn the_shell_page_keeps_its_own_csp_and_caching_and_gets_the_other_headers() {
    let app = spawn_app().await;
    app.write("index.html", "<!doctype html><title>shell</title>");

    let response = app.get("/products/42").await;

    assert_eq!(response.status(), 200);
    assert_every_response_header(&response);
    assert_eq!(header(&response, "content-security-policy"), SHELL_CSP);
    assert!(SHELL_CSP.contains("'wasm-unsafe-eval'"));
    assert!(!SHELL_CSP.contains("'unsafe-inline'"));
    assert_eq!(header(&response, "cache-control"), "no-cache");
}

#[tokio::test]
async fn a_widget_file_keeps_its_caching_and_gets_no_api_policy() {
    let app = spawn_app().await;
    let path = "widgets/cart/0123456789abcdef/cart.js";
    app.write(path, "export function mount() {}");

    let response = app.get(&format!("/{path}")).await;

    assert_eq!(response.status(), 200);
    assert_every_response_header(&response);
    assert_eq!(
        header(&response, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(header(&response, "content-security-policy"), "");
}

#[tokio::test]
async fn a_sign_in_still_sets_its_cookies_and_request_id_beside_the_security_headers() {
    let app = spawn_app().await;
    app.register("asha@example.in", "a long enough password", "Asha")
        .await;

    let response = app.login("asha@example.in", "a long enough password").await;

    assert_eq!(response.status(), 200);
    assert_every_response_header(&response);
    assert!(!header(&response, "x-request-id").is_empty());
    // Panics unless both the refresh and the CSRF cookie are set.
    session_cookies(&response);
}
