//! Errors are problem+json with a stable code, under `/api` and for static files alike.

use crate::helpers::{header, problem, spawn_app};

#[tokio::test]
async fn an_unknown_api_path_is_a_404_problem_not_the_app() {
    let app = spawn_app().await;
    // With a built front end present, to prove /api never falls back to it.
    app.write("index.html", "<!doctype html><title>shell</title>");

    let response = app.get("/api/v1/nope").await;

    assert_eq!(response.status(), 404);
    let problem = problem(response).await;
    assert_eq!(problem.status, 404);
    assert_eq!(problem.code, "not_found");
    assert_eq!(problem.instance.as_deref(), Some("/api/v1/nope"));
}

#[tokio::test]
async fn api_paths_without_an_extension_never_get_html() {
    let app = spawn_app().await;
    app.write("index.html", "<!doctype html><title>shell</title>");

    for path in ["/api", "/api/", "/api/v1", "/api/v2/products/42"] {
        let response = app.get(path).await;

        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(problem(response).await.code, "not_found", "{path}");
    }
}

#[tokio::test]
async fn a_wrong_method_on_an_api_route_is_a_405_problem() {
    let app = spawn_app().await;

    let response = app.post("/api/v1/health").await;

    assert_eq!(response.status(), 405);
    assert!(
        header(&response, "allow").contains("GET"),
        "allow: {:?}",
        header(&response, "allow")
    );
    let problem = problem(response).await;
    assert_eq!(problem.code, "method_not_allowed");
    assert_eq!(problem.instance.as_deref(), Some("/api/v1/health"));
}

#[tokio::test]
async fn a_wrong_method_on_the_front_end_is_a_405_problem() {
    let app = spawn_app().await;
    app.write("index.html", "<!doctype html><title>shell</title>");

    let response = app.post("/products/42").await;

    assert_eq!(response.status(), 405);
    assert_eq!(header(&response, "allow"), "GET, HEAD");
    assert_eq!(problem(response).await.code, "method_not_allowed");
}

#[tokio::test]
async fn app_routes_answer_503_frontend_not_built_when_index_html_is_missing() {
    let app = spawn_app().await;

    let response = app.get("/products/42").await;

    assert_eq!(response.status(), 503);
    assert_eq!(header(&response, "cache-control"), "no-cache");
    let problem = problem(response).await;
    assert_eq!(problem.code, "frontend_not_built");
    assert!(problem.detail.unwrap().contains("cargo xtask build"));
}
