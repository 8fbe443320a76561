//! Product images: a seller appends PNG, JPEG or WebP images to its products (the bytes must be
//! the type they claim, at most [`MAX_IMAGES`] a product), kept in the object store under keys
//! the server makes; anyone loads them by key. The seller reorders them (sending every key
//! once, in the new order) and removes one; a removed image is no longer served.

use crate::app::Actor;
use crate::app::audit::{self, Entry};
use crate::app::catalog::view::one;
use crate::app::shops::approved_shop;
use crate::db::Id;
use crate::db::products::{self, Viewer};
use crate::domain::field_error;
use crate::error::{ApiError, Result};
use crate::state::AppState;
use contracts::catalog::Product;

/// The largest image accepted: 2 MiB (the API's general body limit is 64 KiB; the upload route
/// reads its body itself).
pub const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;

/// The most images a product may have.
pub const MAX_IMAGES: i64 = 8;

/// A stored image, as it is served.
#[derive(Debug)]
pub struct Image {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Appends an image to product `product_id` of the seller's shop. `body` reads the bytes; it
/// is awaited only once the seller and the `content_type` have passed, so a refused upload is
/// never read.
pub async fn add<B: AsRef<[u8]>>(
    actor: &Actor,
    state: &AppState,
    product_id: &str,
    content_type: &str,
    body: impl Future<Output = Result<B>>,
) -> Result<Product> {
    // No connection is held while the body arrives (up to 2 MiB, at the client's pace).
    let shop = approved_shop(&mut state.db.conn().await?, actor).await?;
    let (extension, magic) = kind(content_type).ok_or(ApiError::ImageTypeUnsupported)?;
    let bytes = body.await?;
    let bytes = bytes.as_ref();
    if !magic(bytes) {
        return Err(ApiError::Validation(vec![field_error(
            "image",
            "not_an_image",
            "the bytes are not the image type the Content-Type says",
        )]));
    }
    let id = Id::parse(product_id).ok_or(ApiError::NotFound)?;
    let key = format!("{}.{extension}", Id::new());
    // Stored first, attached second: a failure in between leaves an unreferenced file, never a
    // reference to a missing one.
    state
        .images
        .put(&key, bytes)
        .await
        .map_err(|error| ApiError::Internal(anyhow::anyhow!("storing an image: {error}")))?;
    let mut tx = state.db.begin().await?;
    match products::image_count(&mut tx, shop, id).await? {
        None => return Err(ApiError::NotFound),
        Some(count) if count >= MAX_IMAGES => {
            return Err(ApiError::Validation(vec![field_error(
                "image",
                "too_many_images",
                "a product has at most 8 images",
            )]));
        }
        Some(_) => {}
    }
    products::add_image(&mut tx, id, &key, content_type).await?;
    let entry = Entry::success(
        "products:add_image",
        "products",
        Some(id),
        state.clock.now(),
    )
    .with_changes(serde_json::json!({"image": {"after": key}}));
    audit::record(&mut tx, actor, &entry).await?;
    tx.commit().await?;
    one(&mut state.db.conn().await?, Viewer::Shop(shop), id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Puts the images of product `product_id` of the seller's shop in the order of `keys`, which
/// must be exactly the product's image keys, each once (422 naming `keys` otherwise); audited
/// as `products:reorder_images` with the order before and after.
pub async fn reorder(
    actor: &Actor,
    state: &AppState,
    product_id: &str,
    keys: &[String],
) -> Result<Product> {
    let shop = approved_shop(&mut state.db.conn().await?, actor).await?;
    let id = Id::parse(product_id).ok_or(ApiError::NotFound)?;
    let mut tx = state.db.begin().await?;
    let images = products::images_in_order(&mut tx, shop, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let before: Vec<&str> = images.iter().map(|i| i.object_key.as_str()).collect();
    let mut sent: Vec<&str> = keys.iter().map(String::as_str).collect();
    let mut have = before.clone();
    sent.sort_unstable();
    have.sort_unstable();
    if sent != have {
        return Err(ApiError::Validation(vec![field_error(
            "keys",
            "not_the_images",
            "must be the product's image keys, each once, in the new order",
        )]));
    }
    products::detach_images(&mut tx, id).await?;
    for key in keys {
        // The order of `images` is the one read: each key is there, with its type.
        if let Some(image) = images.iter().find(|i| &i.object_key == key) {
            products::add_image(&mut tx, id, key, &image.content_type).await?;
        }
    }
    let entry = Entry::success(
        "products:reorder_images",
        "products",
        Some(id),
        state.clock.now(),
    )
    // Audited values are scalars: each order as its keys joined by spaces.
    .with_changes(serde_json::json!({"images": {
        "before": before.join(" "),
        "after": keys.join(" "),
    }}));
    audit::record(&mut tx, actor, &entry).await?;
    tx.commit().await?;
    one(&mut state.db.conn().await?, Viewer::Shop(shop), id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Removes image `key` of product `product_id` of the seller's shop (`not_found` when the
/// product or the image is not theirs); audited as `products:remove_image`. The bytes stay in
/// the object store, unreferenced, and are no longer served.
pub async fn remove(
    actor: &Actor,
    state: &AppState,
    product_id: &str,
    key: &str,
) -> Result<Product> {
    let shop = approved_shop(&mut state.db.conn().await?, actor).await?;
    let id = Id::parse(product_id).ok_or(ApiError::NotFound)?;
    let mut tx = state.db.begin().await?;
    if products::shop_of(&mut tx, id).await? != Some(shop)
        || !products::detach_image(&mut tx, id, key).await?
    {
        return Err(ApiError::NotFound);
    }
    let entry = Entry::success(
        "products:remove_image",
        "products",
        Some(id),
        state.clock.now(),
    )
    .with_changes(serde_json::json!({"image": {"before": key}}));
    audit::record(&mut tx, actor, &entry).await?;
    tx.commit().await?;
    one(&mut state.db.conn().await?, Viewer::Shop(shop), id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// The image stored under `key`, to any `actor`; `not_found` for a key no product has.
pub async fn get(_actor: &Actor, state: &AppState, key: &str) -> Result<Image> {
    let mut conn = state.db.conn().await?;
    let content_type = products::image_type(&mut conn, key)
        .await?
        .ok_or(ApiError::NotFound)?;
    let bytes = state
        .images
        .get(key)
        .await
        .map_err(|error| ApiError::Internal(anyhow::anyhow!("reading an image: {error}")))?
        .ok_or(ApiError::NotFound)?;
    Ok(Image {
        content_type,
        bytes,
    })
}

/// Whether bytes begin as an image of one type does (its magic number).
type Magic = fn(&[u8]) -> bool;

/// The file extension of an image type we accept, and the test of its magic bytes.
fn kind(content_type: &str) -> Option<(&'static str, Magic)> {
    Some(match content_type {
        "image/png" => ("png", |b| b.starts_with(b"\x89PNG\r\n\x1a\n")),
        "image/jpeg" => ("jpg", |b| b.starts_with(&[0xFF, 0xD8, 0xFF])),
        "image/webp" => ("webp", |b| {
            b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP"
        }),
        _ => return None,
    })
}
