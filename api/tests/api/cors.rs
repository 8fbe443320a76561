//! The CORS allowlist: a listed origin may call the API with credentials and read the headers
//! it needs; any other origin gets no CORS header, and with no list nobody does.

use crate::helpers::{header, spawn_app, spawn_app_with};

const LISTED: &str = "https://partner.example.in";

async fn preflight(app: &crate::helpers::TestApp, origin: &str) -> reqwest::Response {
    app.client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/auth/login"))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type, x-csrf-token",
        )
        .send()
        .await
        .expect("sending a preflight")
}

#[tokio::test]
async fn a_listed_origin_passes_the_preflight_with_credentials() {
    let app = spawn_app_with(|config| config.cors_origins = vec![LISTED.to_owned()]).await;

    let response = preflight(&app, LISTED).await;

    assert!(response.status().is_success(), "{}", response.status());
    assert_eq!(header(&response, "access-control-allow-origin"), LISTED);
    assert_eq!(
        header(&response, "access-control-allow-credentials"),
        "true"
    );
    let methods = header(&response, "access-control-allow-methods").to_lowercase();
    for method in ["get", "post", "put", "patch", "delete"] {
        assert!(methods.contains(method), "{methods}");
    }
    let headers = header(&response, "access-control-allow-headers").to_lowercase();
    for name in [
        "authorization",
        "content-type",
        "x-csrf-token",
        "idempotency-key",
        "x-request-id",
    ] {
        assert!(headers.contains(name), "{headers}");
    }
}

#[tokio::test]
async fn a_listed_origin_may_read_the_request_id_and_retry_after() {
    let app = spawn_app_with(|config| config.cors_origins = vec![LISTED.to_owned()]).await;

    let response = app
        .client
        .get(app.url("/api/v1/health"))
        .header("origin", LISTED)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "access-control-allow-origin"), LISTED);
    assert_eq!(
        header(&response, "access-control-allow-credentials"),
        "true"
    );
    let exposed = header(&response, "access-control-expose-headers").to_lowercase();
    assert!(exposed.contains("x-request-id"), "{exposed}");
    assert!(exposed.contains("retry-after"), "{exposed}");
}

#[tokio::test]
async fn a_foreign_origin_gets_no_cors_grant() {
    let app = spawn_app_with(|config| config.cors_origins = vec![LISTED.to_owned()]).await;

    for origin in [
        "https://evil.example",
        "https://partner.example.in.evil.example",
        "http://partner.example.in",
    ] {
        let response = preflight(&app, origin).await;

        assert_eq!(
            header(&response, "access-control-allow-origin"),
            "",
            "{origin}"
        );
        assert_eq!(
            header(&response, "access-control-allow-credentials"),
            "",
            "{origin}"
        );
    }
}

#[tokio::test]
async fn without_a_list_no_origin_gets_cors_headers() {
    let app = spawn_app().await;

    let response = app
        .client
        .get(app.url("/api/v1/health"))
        .header("origin", LISTED)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let cors: Vec<_> = response
        .headers()
        .keys()
        .filter(|name| name.as_str().starts_with("access-control-"))
        .collect();
    assert!(cors.is_empty(), "{cors:?}");
}
