//! The built front end: content types, precompression, cache lifetimes, the SPA fallback.

use crate::helpers::{TestApp, header, problem, read, spawn_app};

const HASHED_WASM: &str = "widgets/cart/0123456789abcdef/cart_bg.wasm";
const HASHED_JS: &str = "widgets/cart/0123456789abcdef/cart.js";
const INDEX: &str = "<!doctype html><title>shell</title>";
/// The wasm magic number and version: enough for a content type check.
const WASM_BYTES: &[u8] = b"\0asm\x01\0\0\0";

/// An app with `index.html` and a JS file that has brotli and gzip siblings (their bytes
/// need not be real compressed data: the server never decodes them).
async fn app_with_precompressed_js() -> TestApp {
    let app = spawn_app().await;
    app.write("index.html", INDEX);
    app.write(HASHED_JS, "export function mount() {}");
    app.write(&format!("{HASHED_JS}.br"), b"brotli bytes of cart.js");
    app.write(&format!("{HASHED_JS}.gz"), b"gzip bytes of cart.js");
    app
}

#[tokio::test]
async fn wasm_under_a_hashed_widget_path_is_served_as_wasm_and_cached_forever() {
    let app = spawn_app().await;
    app.write(HASHED_WASM, WASM_BYTES);

    let response = app.get(&format!("/{HASHED_WASM}")).await;

    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-type"), "application/wasm");
    assert_eq!(
        header(&response, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(response.bytes().await.unwrap(), WASM_BYTES);
}

#[tokio::test]
async fn javascript_in_a_hashed_shell_folder_is_text_javascript_and_immutable() {
    let app = spawn_app().await;
    app.write(
        "shell/fedcba9876543210/shell.js",
        "import init from './shell_bg.js';",
    );

    let response = app.get("/shell/fedcba9876543210/shell.js").await;

    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-type"), "text/javascript");
    assert_eq!(
        header(&response, "cache-control"),
        "public, max-age=31536000, immutable"
    );
}

#[tokio::test]
async fn index_html_and_the_manifests_are_revalidated_on_every_use() {
    let app = spawn_app().await;
    app.write("index.html", INDEX);
    app.write("federation.json", r#"{"schemaVersion":1,"widgets":[]}"#);
    app.write("widgets/cart/releases.json", "[]");

    let index = app.get("/index.html").await;
    let manifest = app.get("/federation.json").await;
    let releases = app.get("/widgets/cart/releases.json").await;

    assert_eq!(index.status(), 200);
    assert_eq!(header(&index, "content-type"), "text/html; charset=utf-8");
    assert_eq!(header(&index, "cache-control"), "no-cache");
    for json in [&manifest, &releases] {
        assert_eq!(json.status(), 200);
        assert_eq!(header(json, "content-type"), "application/json");
        assert_eq!(header(json, "cache-control"), "no-cache");
    }
}

#[tokio::test]
async fn a_revalidated_hashed_file_keeps_its_caching_headers_on_304() {
    let app = app_with_precompressed_js().await;
    let first = app.get(&format!("/{HASHED_JS}")).await;
    let etag = header(&first, "etag").to_owned();

    let response = app
        .client
        .get(app.url(&format!("/{HASHED_JS}")))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 304);
    assert_eq!(
        header(&response, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        header(&response, "vary").to_ascii_lowercase(),
        "accept-encoding"
    );
}

#[tokio::test]
async fn a_folder_that_only_looks_hashed_is_not_cached_forever() {
    let app = spawn_app().await;
    app.write("widgets/cart/0123456789ABCDEF/cart.js", "//");
    app.write("widgets/cart/latest/cart.js", "//");

    for path in [
        "/widgets/cart/0123456789ABCDEF/cart.js",
        "/widgets/cart/latest/cart.js",
    ] {
        let response = app.get(path).await;

        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(header(&response, "cache-control"), "no-cache", "{path}");
    }
}

#[tokio::test]
async fn brotli_is_served_when_accepted_and_present() {
    let app = app_with_precompressed_js().await;

    let response = app
        .get_encoded(&format!("/{HASHED_JS}"), "gzip, deflate, br")
        .await;

    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-encoding"), "br");
    assert_eq!(header(&response, "content-type"), "text/javascript");
    assert_eq!(
        header(&response, "vary").to_ascii_lowercase(),
        "accept-encoding"
    );
    assert_eq!(
        header(&response, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    let expected = read(app.dist.path(), &format!("{HASHED_JS}.br"));
    assert_eq!(response.bytes().await.unwrap(), expected);
}

#[tokio::test]
async fn gzip_is_served_when_accepted_and_brotli_is_not() {
    let app = app_with_precompressed_js().await;

    let response = app.get_encoded(&format!("/{HASHED_JS}"), "gzip").await;

    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-encoding"), "gzip");
    assert_eq!(
        header(&response, "vary").to_ascii_lowercase(),
        "accept-encoding"
    );
    let expected = read(app.dist.path(), &format!("{HASHED_JS}.gz"));
    assert_eq!(response.bytes().await.unwrap(), expected);
}

#[tokio::test]
async fn the_plain_file_is_served_when_no_compression_is_accepted() {
    let app = app_with_precompressed_js().await;

    let response = app.get(&format!("/{HASHED_JS}")).await;

    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-encoding"), "");
    assert_eq!(
        header(&response, "vary").to_ascii_lowercase(),
        "accept-encoding"
    );
    assert_eq!(response.text().await.unwrap(), "export function mount() {}");
}

#[tokio::test]
async fn the_plain_file_is_served_when_the_accepted_encoding_has_no_sibling() {
    let app = spawn_app().await;
    app.write(HASHED_WASM, WASM_BYTES);

    let response = app
        .get_encoded(&format!("/{HASHED_WASM}"), "br, gzip")
        .await;

    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-encoding"), "");
    assert_eq!(response.bytes().await.unwrap(), WASM_BYTES);
}

#[tokio::test]
async fn app_routes_get_index_html_uncached() {
    let app = spawn_app().await;
    app.write("index.html", INDEX);

    for path in ["/products/42", "/cart", "/"] {
        let response = app.get(path).await;

        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            header(&response, "content-type"),
            "text/html; charset=utf-8",
            "{path}"
        );
        assert_eq!(header(&response, "cache-control"), "no-cache", "{path}");
        assert_eq!(response.text().await.unwrap(), INDEX, "{path}");
    }
}

#[tokio::test]
async fn a_missing_path_under_a_widget_folder_is_a_404_even_without_an_extension() {
    let app = spawn_app().await;
    app.write("index.html", INDEX);

    let response = app.get("/widgets/cart/0123456789abcdef/snippets").await;

    assert_eq!(response.status(), 404);
    assert_eq!(header(&response, "cache-control"), "no-cache");
    assert_eq!(problem(response).await.code, "not_found");
}

#[tokio::test]
async fn a_route_with_a_dotted_segment_is_an_app_route() {
    let app = spawn_app().await;
    app.write("index.html", INDEX);

    let response = app.get("/products/v1.2").await;

    assert_eq!(response.status(), 200);
    let csp = header(&response, "content-security-policy");
    assert!(
        csp.contains("script-src 'self' blob: 'wasm-unsafe-eval'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(response.text().await.unwrap(), INDEX);
}

#[tokio::test]
async fn the_app_route_fallback_uses_precompressed_index_html() {
    let app = spawn_app().await;
    app.write("index.html", INDEX);
    app.write("index.html.br", b"brotli bytes of index.html");

    let response = app.get_encoded("/orders", "br").await;

    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-encoding"), "br");
    assert_eq!(
        header(&response, "content-type"),
        "text/html; charset=utf-8"
    );
    assert_eq!(
        response.bytes().await.unwrap(),
        &b"brotli bytes of index.html"[..]
    );
}

#[tokio::test]
async fn head_on_an_app_route_has_the_index_headers_and_no_body() {
    let app = spawn_app().await;
    app.write("index.html", INDEX);

    let response = app.client.head(app.url("/cart")).send().await.unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "content-type"),
        "text/html; charset=utf-8"
    );
    assert_eq!(header(&response, "content-length"), INDEX.len().to_string());
    assert!(response.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_missing_asset_with_an_extension_is_a_404_not_index_html() {
    let app = spawn_app().await;
    app.write("index.html", INDEX);

    let response = app.get("/widgets/x/0123456789abcdef/x.js").await;

    assert_eq!(response.status(), 404);
    // A 404 under a hashed path must not be cached: the file may be deployed next.
    assert_eq!(header(&response, "cache-control"), "no-cache");
    assert_eq!(problem(response).await.code, "not_found");
}

#[tokio::test]
async fn a_directory_is_neither_listed_nor_entered() {
    let app = spawn_app().await;
    app.write("index.html", INDEX);
    app.write("v1.2/index.html", "inner index");

    // A dot in the last segment makes it a file request; a directory is no file.
    let response = app.get("/v1.2").await;

    assert_eq!(response.status(), 404);
    assert_eq!(problem(response).await.code, "not_found");
}

#[tokio::test]
async fn a_path_escaping_the_dist_directory_is_not_served() {
    let app = spawn_app().await;
    app.write("index.html", INDEX);

    // `%2f` hides the slashes from URL normalisation on the way; the server decodes them.
    let response = app
        .get("/assets/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd")
        .await;

    assert_eq!(response.status(), 404);
    assert!(!response.text().await.unwrap().contains("root:"));
}

#[tokio::test]
async fn a_file_replaced_on_disk_after_startup_is_served_with_its_new_content() {
    let app = spawn_app().await;
    app.write("federation.json", r#"{"schemaVersion":1,"widgets":[]}"#);
    let before = app.get("/federation.json").await.text().await.unwrap();

    app.write(
        "federation.json",
        r#"{"schemaVersion":1,"widgets":[{"name":"cart"}]}"#,
    );
    let after = app.get("/federation.json").await.text().await.unwrap();

    assert_eq!(before, r#"{"schemaVersion":1,"widgets":[]}"#);
    assert_eq!(after, r#"{"schemaVersion":1,"widgets":[{"name":"cart"}]}"#);
    assert_eq!(
        after.as_bytes(),
        std::fs::read(app.dist_path("federation.json")).unwrap()
    );
}
