//! Bounds on a request: a body over 64 KiB is refused with a 413 problem, whichever route and
//! whichever part of the server reads it.

use crate::helpers::{TestApp, problem, spawn_app};

const LIMIT: usize = 64 * 1024;

/// Credentials whose password is padded so the whole body is exactly `len` bytes.
fn json_of_length(len: usize) -> String {
    let empty = r#"{"email":"asha@example.in","password":""}"#;
    let password = "a".repeat(len - empty.len());
    format!(r#"{{"email":"asha@example.in","password":"{password}"}}"#)
}

async fn post(app: &TestApp, path: &str, body: String) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("sending POST")
}

#[tokio::test]
async fn a_body_over_64_kib_is_a_413_problem() {
    let app = spawn_app().await;

    // Registration reads its body in the handler's `Json`; sign-in in the rate limiter first.
    for path in ["/api/v1/auth/register", "/api/v1/auth/login"] {
        let response = post(&app, path, json_of_length(LIMIT + 1)).await;

        assert_eq!(response.status(), 413, "{path}");
        let problem = problem(response).await;
        assert_eq!(problem.code, "payload_too_large", "{path}");
        assert_eq!(problem.instance.as_deref(), Some(path));
    }
}

#[tokio::test]
async fn a_body_of_exactly_64_kib_is_read() {
    let app = spawn_app().await;

    let response = post(&app, "/api/v1/auth/login", json_of_length(LIMIT)).await;

    // Read and judged by the handler: a password longer than any accepted one.
    assert_eq!(response.status(), 401);
}
