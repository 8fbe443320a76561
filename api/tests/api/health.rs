//! `GET /api/v1/health` and the request id every response carries.

use crate::helpers::{header, spawn_app};

/// The `database` field is covered in `database.rs`.
#[tokio::test]
async fn health_reports_ok_and_the_server_version() {
    let app = spawn_app().await;

    let response = app.get("/api/v1/health").await;

    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-type"), "application/json");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn every_response_carries_a_generated_request_id() {
    let app = spawn_app().await;

    let first = app.get("/api/v1/health").await;
    let second = app.get("/no-such-page").await;

    let (first, second) = (
        header(&first, "x-request-id"),
        header(&second, "x-request-id"),
    );
    assert_eq!(first.len(), 36, "a UUID, got {first:?}");
    assert_eq!(second.len(), 36, "a UUID, got {second:?}");
    assert_ne!(first, second);
}

#[tokio::test]
async fn a_request_id_sent_by_the_client_is_echoed_back() {
    let app = spawn_app().await;

    let response = app
        .client
        .get(app.url("/api/v1/health"))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();

    assert_eq!(header(&response, "x-request-id"), "trace-me-42");
}
