//! Serving the built front end from `DIST_DIR`: assets with the right types, precompressed
//! variants and cache lifetimes, and `index.html` for every app route (the SPA fallback).
//!
//! The dist layout (written by `cargo xtask build`, see docs/MFE.md):
//! `index.html`, `federation.json`, `shell/<hash>/...`, `widgets/<name>/<hash>/...` and
//! `widgets/<name>/releases.json`; any file may have `.br` / `.gz` siblings.
//!
//! Files are opened on every request (tower-http's `ServeDir`/`ServeFile` do no caching), so a
//! deploy that swaps files atomically is visible at once without a restart.

use crate::csp::SHELL_CSP;
use crate::error::ApiError;
use crate::routes::is_api_path;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, Response, StatusCode, header};
use axum::response::IntoResponse;
use contracts::federation::is_widget_name;
use std::io;
use tower_http::services::{ServeDir, ServeFile};

/// For files whose URL changes whenever their content does: cache for a year, never revalidate.
pub const CACHE_IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// For everything else: a cache may keep it but must revalidate (cheap with ETag /
/// Last-Modified) so a deploy is seen on the next load.
pub const CACHE_REVALIDATE: &str = "no-cache";

/// Answers a request for anything outside `/api`: an asset if the last path segment has an
/// extension, otherwise `index.html` so the shell's router can handle the path.
pub async fn serve(state: &AppState, request: Request) -> Response<Body> {
    let path = request.uri().path().to_owned();
    debug_assert!(!is_api_path(&path), "API paths never reach the front end");

    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        let mut response = ApiError::MethodNotAllowed.into_response();
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }

    let app_route = is_app_route(&path);
    let served = if app_route {
        serve_index(state, request).await
    } else {
        serve_asset(state, request).await
    };
    let mut response = served.unwrap_or_else(IntoResponse::into_response);

    // Only a successful answer for a file under a hashed folder may be kept for good. Errors
    // are revalidated (the file may be deployed a moment later), and so is the SPA fallback,
    // whatever its path, because index.html changes with every deploy.
    let immutable = !app_route && is_success(response.status()) && is_content_hashed(&path);
    let cache_control = if immutable {
        CACHE_IMMUTABLE
    } else {
        CACHE_REVALIDATE
    };
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    if app_route {
        // With Razorpay, the page loads Checkout's script and frames too.
        let csp = match state.payments.razorpay() {
            Some(gateway) => HeaderValue::from_str(gateway.shell_csp())
                .unwrap_or(HeaderValue::from_static(SHELL_CSP)),
            None => HeaderValue::from_static(SHELL_CSP),
        };
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    if is_success(response.status()) {
        // ServeDir sends Vary on 200 but not on 304; caches need it on both to keep the br,
        // gzip and identity variants apart.
        let headers = response.headers_mut();
        if !headers.contains_key(header::VARY) {
            headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        if let Some(content_type) =
            content_type_for(&path).filter(|_| headers.contains_key(header::CONTENT_TYPE))
        {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        }
    }
    response
}

/// The SPA fallback: `DIST_DIR/index.html`, whatever the path.
async fn serve_index(state: &AppState, request: Request) -> Result<Response<Body>, ApiError> {
    let index = state.dist_dir.join("index.html");
    let served = ServeFile::new(&index)
        .precompressed_br()
        .precompressed_gzip()
        .try_call(request)
        .await;
    let mut response = match served {
        Ok(response) if response.status() == StatusCode::NOT_FOUND => {
            return Err(ApiError::FrontendNotBuilt);
        }
        Ok(response) => response.map(Body::new),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            return Err(ApiError::FrontendNotBuilt);
        }
        Err(error) => {
            return Err(anyhow::Error::new(error)
                .context(format!("reading {}", index.display()))
                .into());
        }
    };
    if response.headers().contains_key(header::CONTENT_TYPE) {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(HTML));
    }
    Ok(response)
}

/// A file from `DIST_DIR`, or a 404 problem: a missing script must fail as a script load,
/// not silently receive HTML.
async fn serve_asset(state: &AppState, request: Request) -> Result<Response<Body>, ApiError> {
    let path = request.uri().path().to_owned();
    let served = ServeDir::new(&*state.dist_dir)
        .precompressed_br()
        .precompressed_gzip()
        // A directory is not an asset: no index.html, no redirect to a trailing slash.
        .append_index_html_on_directories(false)
        .try_call(request)
        .await;
    match served {
        Ok(response) if response.status() == StatusCode::NOT_FOUND => Err(ApiError::NotFound),
        Ok(response) => Ok(response.map(Body::new)),
        Err(error) if is_missing(&error) => Err(ApiError::NotFound),
        Err(error) => Err(anyhow::Error::new(error)
            .context(format!("serving {path} from the dist directory"))
            .into()),
    }
}

/// The content type of HTML we send (`index.html` is UTF-8; saying so spares the browser a
/// guess).
const HTML: &str = "text/html; charset=utf-8";

/// Content types we set ourselves rather than leave to `mime_guess`: browsers refuse to
/// compile wasm streamed with another type and to run module scripts with a non-JS type, and
/// `mime_guess` names `.mjs` `application/javascript`.
fn content_type_for(path: &str) -> Option<&'static str> {
    let file = path.rsplit('/').next()?;
    let (_, extension) = file.rsplit_once('.')?;
    Some(match extension {
        "html" => HTML,
        "js" | "mjs" => "text/javascript",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "css" => "text/css",
        _ => return None,
    })
}

/// A path the shell's router handles (`/`, `/cart`, `/products/42`, `/products/v1.2`), as
/// opposed to a file: anything under `/shell/` or `/widgets/`, a top-level name with an
/// extension (`/federation.json`, `/favicon.ico`), or a last segment with the extension of a
/// kind of file the front end is made of. A dot alone does not make a file: widget routes may
/// capture dotted values.
pub fn is_app_route(path: &str) -> bool {
    const ASSET_EXTENSIONS: [&str; 16] = [
        "js", "mjs", "wasm", "css", "json", "map", "html", "txt", "ico", "png", "jpg", "jpeg",
        "svg", "webp", "woff2", "br",
    ];
    if is_api_path(path) || path.starts_with("/shell/") || path.starts_with("/widgets/") {
        return false;
    }
    // Traversal attempts go to the file server, which refuses them, rather than to the app.
    let lowered = path.to_ascii_lowercase();
    if lowered.contains("..")
        || lowered.contains("%2f")
        || lowered.contains("%5c")
        || path.contains('\\')
    {
        return false;
    }
    let trimmed = path.trim_start_matches('/');
    let last = trimmed.rsplit('/').next().unwrap_or_default();
    let extension = last
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    let top_level_file = !trimmed.contains('/') && extension.is_some();
    !top_level_file && !extension.is_some_and(|ext| ASSET_EXTENSIONS.contains(&ext.as_str()))
}

/// A file under a content-hashed folder, whose bytes can never change at that URL:
/// `/shell/<hash>/<file...>` or `/widgets/<name>/<hash>/<file...>`.
pub fn is_content_hashed(path: &str) -> bool {
    let mut segments = path.strip_prefix('/').unwrap_or(path).split('/');
    let hash = match (segments.next(), segments.next()) {
        (Some("shell"), Some(hash)) => hash,
        (Some("widgets"), Some(name)) if is_widget_name(name) => match segments.next() {
            Some(hash) => hash,
            None => return false,
        },
        _ => return false,
    };
    is_content_hash(hash) && segments.next_back().is_some_and(|file| !file.is_empty())
}

/// The build hash in dist folder names: 16 lowercase hex digits.
fn is_content_hash(segment: &str) -> bool {
    segment.len() == 16
        && segment
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// 2xx, or 304 (which must carry the same caching headers as the 200 it stands for).
fn is_success(status: StatusCode) -> bool {
    status.is_success() || status == StatusCode::NOT_MODIFIED
}

/// The errors ServeDir itself treats as "no such file" (ENOTDIR: a path through a file).
fn is_missing(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory | io::ErrorKind::PermissionDenied
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_shell_and_widget_files_are_content_hashed() {
        assert!(is_content_hashed("/shell/0123456789abcdef/shell.wasm"));
        assert!(is_content_hashed(
            "/widgets/cart/0123456789abcdef/cart_bg.wasm"
        ));
        assert!(is_content_hashed(
            "/widgets/audit-viewer/0123456789abcdef/snippets/x-1/inline0.js"
        ));
    }

    #[test]
    fn manifests_and_near_misses_are_not_content_hashed() {
        for path in [
            "/index.html",
            "/federation.json",
            "/widgets/cart/releases.json",
            "/shell/0123456789abcdef",
            "/shell/0123456789abcdef/",
            "/shell/0123456789ABCDEF/shell.js",
            "/shell/0123456789abcde/shell.js",
            "/widgets/cart/0123456789abcdefa/cart.js",
            "/widgets/Cart/0123456789abcdef/cart.js",
            "/widgets/0123456789abcdef/cart.js",
            "/assets/0123456789abcdef/x.js",
        ] {
            assert!(!is_content_hashed(path), "{path}");
        }
    }

    #[test]
    fn app_routes_are_extensionless_paths_outside_the_api() {
        for path in [
            "/",
            "/cart",
            "/products/42",
            "/orders/",
            "/v1.2/orders",
            "/products/v1.2",
            "/u/jane.doe",
        ] {
            assert!(is_app_route(path), "{path}");
        }
        for path in [
            "/index.html",
            "/federation.json",
            "/favicon.ico",
            "/.deploy.lock",
            "/widgets/x/0123456789abcdef/x.js",
            "/widgets/x/releases",
            "/shell/0123456789abcdef/boot.js",
            "/products/catalog.json",
            "/api/v1/nope",
            "/api",
        ] {
            assert!(!is_app_route(path), "{path}");
        }
    }

    #[test]
    fn browser_critical_types_are_fixed_here() {
        assert_eq!(
            content_type_for("/w/x/0123456789abcdef/x_bg.wasm"),
            Some("application/wasm")
        );
        assert_eq!(content_type_for("/w/x.mjs"), Some("text/javascript"));
        assert_eq!(
            content_type_for("/federation.json"),
            Some("application/json")
        );
        assert_eq!(content_type_for("/favicon.ico"), None);
    }
}
