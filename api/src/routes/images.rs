//! `/api/v1/seller/products/{id}/images` (a seller uploads a product image, reorders them,
//! removes one) and
//! `/api/v1/images/{key}` (anyone loads one), over `app::catalog::images`.

use crate::app::catalog::images::{self, MAX_IMAGE_BYTES};
use crate::app::{Actor, Origin};
use crate::error::{ApiError, Result};
use crate::extractor::{Json, JsonForm, Query};
use crate::routes::PROBLEM;
use crate::routes::policy::{ApiRoutes, Policy};
use crate::routes::products::MANAGE_OWN;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use contracts::Problem;
use contracts::catalog::Product;
use contracts::product_manager::ImageOrder;
use serde::Deserialize;
use utoipa::IntoParams;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(
            Method::POST,
            "/seller/products/{id}/images",
            Policy::AnyOf(MANAGE_OWN),
            add_image,
        )
        .route(
            Method::PUT,
            "/seller/products/{id}/images",
            Policy::AnyOf(MANAGE_OWN),
            reorder_images,
        )
        .route(
            Method::DELETE,
            "/seller/products/{id}/images/{key}",
            Policy::AnyOf(MANAGE_OWN),
            remove_image,
        )
        .route(Method::GET, "/images/{key}", Policy::Public, image)
}

/// `POST /seller/products/{id}/images`: the raw bytes of a PNG, JPEG or WebP image (its
/// `Content-Type` must say which, and the bytes must decode as it, at most 4096 pixels a side),
/// appended to the product's images, with its copies at 320, 640 and 960 pixels wide.
#[utoipa::path(post, path = "/seller/products/{id}/images", tag = "seller",
    params(("id" = String, Path, description = "The product's id")),
    request_body(content = Vec<u8>, content_type = "image/png", description = "The image (image/png, image/jpeg or image/webp), at most 2 MiB"),
    responses(
        (status = 201, description = "Added; the product with its image URLs", body = Product),
        (status = 404, description = "`not_found`: the seller has no such product", body = Problem, content_type = PROBLEM),
        (status = 413, description = "`payload_too_large`: over 2 MiB (`errors` names `image`: `image_too_large`)", body = Problem, content_type = PROBLEM),
        (status = 415, description = "`unsupported_media_type`: not PNG, JPEG or WebP (`errors` names `image`: `image_type_unsupported`)", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed` naming `image`: the bytes are not an image of the type said (`not_an_image`), over 4096 pixels a side (`too_many_pixels`), or the product has 8 images (`too_many_images`)", body = Problem, content_type = PROBLEM),
    ))]
pub async fn add_image(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Product>)> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let bytes = async {
        axum::body::to_bytes(body, MAX_IMAGE_BYTES)
            .await
            .map_err(|_| ApiError::ImageTooLarge)
    };
    let product = images::add(&actor, &state, &id, content_type, bytes).await?;
    Ok((StatusCode::CREATED, Json(product)))
}

/// `PUT /seller/products/{id}/images`: the product's images in a new order (`keys`: every
/// image key of the product, each once).
#[utoipa::path(put, path = "/seller/products/{id}/images", tag = "seller",
    params(("id" = String, Path, description = "The product's id")),
    request_body = ImageOrder,
    responses(
        (status = 200, description = "Reordered; the product with its image URLs", body = Product),
        (status = 400, description = "`malformed_json`", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`: the seller has no such product", body = Problem, content_type = PROBLEM),
        (status = 409, description = "`shop_not_approved`", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed` naming `keys`: not exactly the product's image keys", body = Problem, content_type = PROBLEM),
    ))]
pub async fn reorder_images(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    JsonForm(order): JsonForm<ImageOrder>,
) -> Result<Json<Product>> {
    images::reorder(&actor, &state, &id, &order.keys)
        .await
        .map(Json)
}

/// `DELETE /seller/products/{id}/images/{key}`: removes one image of the product; it is no
/// longer served.
#[utoipa::path(delete, path = "/seller/products/{id}/images/{key}", tag = "seller",
    params(("id" = String, Path, description = "The product's id"),
        ("key" = String, Path, description = "The image's key, the last segment of its URL")),
    responses(
        (status = 200, description = "Removed; the product with its other images", body = Product),
        (status = 404, description = "`not_found`: the seller has no such product or image", body = Problem, content_type = PROBLEM),
        (status = 409, description = "`shop_not_approved`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn remove_image(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, key)): Path<(String, String)>,
) -> Result<Json<Product>> {
    images::remove(&actor, &state, &id, &key).await.map(Json)
}

/// The query string of `GET /images/{key}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImageQuery {
    /// The width to serve, one of 320, 640 and 960 (`contracts::images::IMAGE_WIDTHS`); the
    /// original without it, and where the image is no wider than that.
    w: Option<u32>,
}

/// `GET /images/{key}`: a product image, whole or at one of the storefront's widths (a
/// `srcset`'s candidates). Keys are never reused, so it is cached for good.
#[utoipa::path(get, path = "/images/{key}", tag = "catalog",
    params(("key" = String, Path, description = "The image's key, from a product's `images`"), ImageQuery),
    responses(
        (status = 200, description = "The image", content_type = "image/*"),
        (status = 400, description = "`invalid_query`: `w` is not a number", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed` naming `w`: not one of the widths (`unknown_width`)", body = Problem, content_type = PROBLEM),
    ))]
pub async fn image(
    State(state): State<AppState>,
    origin: Origin,
    Path(key): Path<String>,
    Query(query): Query<ImageQuery>,
) -> Result<Response> {
    // An anonymous route: whoever calls is a guest until the use case identifies them.
    let image = images::get(&Actor::guest(origin), &state, &key, query.w).await?;
    let mut response = image.bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&image.content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(crate::static_files::CACHE_IMMUTABLE),
    );
    Ok(response)
}
