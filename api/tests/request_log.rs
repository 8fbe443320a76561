//! What the server logs about a request: method, path, status, latency and request id, and
//! never the query string, credentials, cookies or the body.
//!
//! A binary of its own, apart from the `api` suite: the test installs a process-wide log
//! subscriber, which is the only reliable way to see events from every thread. (A
//! thread-local one misses events whose call sites other test threads reach first: tracing
//! caches that nobody listens to them.)

use api::auth::token::JwtKeys;
use api::startup::{REQUEST_ID_HEADER, app};
use api::{AppState, Config, Db};
use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use std::sync::{Arc, Mutex};
use tower::ServiceExt as _;

/// The log output, whatever thread wrote it.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_request_is_logged_with_method_path_status_latency_and_id_but_no_secrets() {
    let captured = Captured::default();
    let writer = captured.clone();
    // Every level, so a debug line that leaks is caught too.
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();
    let folder = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", folder.path().join("logs.db").display());
    let db = Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    let state = AppState {
        dist_dir: folder.path().into(),
        db,
        jwt: JwtKeys::new(b"0123456789abcdef0123456789abcdef"),
        public_url: "http://127.0.0.1:8080".into(),
        payments: api::payments::Payments::Razorpay(api::payments::razorpay::RazorpayGateway::new(
            &api::config::RazorpaySettings::new("rzp_test_unused", "unused", "unused"),
        )),
        webhook_secret: std::sync::Arc::from(&b"a test webhook secret of 32 bytes"[..]),
        payment_timeout_secs: 1_800,
        checkout_lease_secs: 60,
        refund_grace_secs: 120,
        clock: api::Clock::system(),
        images: api::object_store::ObjectStore::Local(folder.path().join("uploads")),
        vault: api::crypto::Vault::new(&[("k1".to_owned(), [1; 32])], "k1", &[2; 32]).unwrap(),
        checkpoints: api::app::audit::checkpoint::Checkpoints::new(
            folder.path().join("checkpoints.jsonl"),
            b"0123456789abcdef0123456789abcdef",
        ),
    };
    let config = Config::from_lookup(|_| Ok(None)).unwrap();

    let response = app(state, &config)
        .oneshot(
            Request::post("/api/v1/auth/login?token=secret-in-query")
                .header("authorization", "Bearer secret-in-header")
                .header("cookie", "bazaar_refresh=secret-in-cookie")
                .header("content-type", "application/json")
                .header(REQUEST_ID_HEADER, "req-42")
                .body(Body::from(
                    r#"{"email":"secret.person@example.in","password":"secret-password"}"#,
                ))
                .unwrap(),
        )
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for expected in [
        "method=POST",
        "path=/api/v1/auth/login ",
        "request_id=req-42",
        "status=401",
        "latency=",
    ] {
        assert!(logs.contains(expected), "{expected} missing from:\n{logs}");
    }
    for secret in [
        "secret-in-query",
        "secret-in-header",
        "secret-in-cookie",
        "secret.person",
        "secret-password",
    ] {
        assert!(!logs.contains(secret), "{secret} logged:\n{logs}");
    }
}
