//! Product images: a seller appends PNG, JPEG or WebP images to its products (the bytes must be
//! an image of the type they claim, at most [`MAX_IMAGES`] a product), kept in the object store
//! under keys the server makes, with copies at the storefront's widths; anyone loads them by
//! key, whole or at a width. The seller reorders them (sending every key
//! once, in the new order) and removes one; a removed image is no longer served.

use crate::app::Actor;
use crate::app::audit::{self, Entry};
use crate::app::catalog::image_copies::{self, Refusal};
use crate::app::catalog::view::one;
use crate::app::shops::approved_shop;
use crate::db::products::{self, Viewer};
use crate::db::{Db, Id};
use crate::domain::field_error;
use crate::error::{ApiError, Result};
use crate::object_store::ObjectStore;
use crate::state::AppState;
use contracts::catalog::Product;
use contracts::images::IMAGE_WIDTHS;

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
    extension(content_type).ok_or(ApiError::ImageTypeUnsupported)?;
    let bytes = body.await?;
    let id = Id::parse(product_id).ok_or(ApiError::NotFound)?;
    let upload = Upload {
        content_type,
        bytes: bytes.as_ref().to_vec(),
    };
    attach(
        &state.db,
        &state.images,
        actor,
        shop,
        id,
        upload,
        state.clock.now(),
    )
    .await?;
    one(&mut state.db.conn().await?, Viewer::Shop(shop), id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// An image as it arrived: its declared type and its bytes.
pub struct Upload<'a> {
    pub content_type: &'a str,
    pub bytes: Vec<u8>,
}

/// Checks `upload` (decodable as the type it claims, within [`image_copies::MAX_SIDE`]), stores
/// it and its copies at the storefront's widths, and appends it to product `id` of `shop`;
/// audited as `products:add_image`. The seller's upload and `seed-demo` both come here.
pub async fn attach(
    db: &Db,
    store: &ObjectStore,
    actor: &Actor,
    shop: Id,
    id: Id,
    upload: Upload<'_>,
    now: i64,
) -> Result<()> {
    let extension = extension(upload.content_type).ok_or(ApiError::ImageTypeUnsupported)?;
    let refused = |code, message| ApiError::Validation(vec![field_error("image", code, message)]);
    // Decoding and resizing take tens of milliseconds of CPU: not on an async worker.
    let (content_type, bytes) = (upload.content_type.to_owned(), upload.bytes);
    let (bytes, copies) = tokio::task::spawn_blocking(move || {
        let copies = image_copies::copies(&bytes, &content_type);
        (bytes, copies)
    })
    .await
    .map_err(|error| ApiError::Internal(anyhow::anyhow!("copying an image: {error}")))?;
    let copies = copies.map_err(|refusal| match refusal {
        Refusal::NotAnImage => refused(
            "not_an_image",
            "the bytes are not an image of the type the Content-Type says",
        ),
        Refusal::TooManyPixels => refused(
            "too_many_pixels",
            "an image may be at most 4096 pixels wide and 4096 high",
        ),
    })?;
    let key = format!("{}.{extension}", Id::new());
    // Stored first, attached second: a failure in between leaves unreferenced files, never a
    // reference to a missing one. The copies go before the original, so an attached image has
    // every copy it will ever have.
    let put = |key: String, bytes: Vec<u8>| async move {
        store
            .put(&key, &bytes)
            .await
            .map_err(|error| ApiError::Internal(anyhow::anyhow!("storing an image: {error}")))
    };
    for (width, copy) in copies {
        put(image_copies::copy_key(&key, width), copy).await?;
    }
    put(key.clone(), bytes).await?;
    let mut tx = db.begin().await?;
    match products::image_count(&mut tx, shop, id).await? {
        None => return Err(ApiError::NotFound),
        Some(count) if count >= MAX_IMAGES => {
            return Err(refused("too_many_images", "a product has at most 8 images"));
        }
        Some(_) => {}
    }
    products::add_image(&mut tx, id, &key, upload.content_type).await?;
    let entry = Entry::success("products:add_image", "products", Some(id), now)
        .with_changes(serde_json::json!({"image": {"after": key}}));
    audit::record(&mut tx, actor, &entry).await?;
    tx.commit().await?;
    Ok(())
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

/// The image stored under `key`, to any `actor`, at `width` when asked (one of
/// [`IMAGE_WIDTHS`]; the original where the image has no copy at that width, being narrower);
/// `not_found` for a key no product has.
pub async fn get(_actor: &Actor, state: &AppState, key: &str, width: Option<u32>) -> Result<Image> {
    if let Some(width) = width.filter(|width| !IMAGE_WIDTHS.contains(width)) {
        return Err(ApiError::Validation(vec![field_error(
            "w",
            "unknown_width",
            &format!("{width} is not one of the widths images are kept at: 320, 640 or 960"),
        )]));
    }
    let mut conn = state.db.conn().await?;
    let content_type = products::image_type(&mut conn, key)
        .await?
        .ok_or(ApiError::NotFound)?;
    drop(conn);
    let read = |key: String| async move {
        state
            .images
            .get(&key)
            .await
            .map_err(|error| ApiError::Internal(anyhow::anyhow!("reading an image: {error}")))
    };
    let copy = match width {
        Some(width) => read(image_copies::copy_key(key, width)).await?,
        None => None,
    };
    let bytes = match copy {
        Some(bytes) => bytes,
        None => read(key.to_owned()).await?.ok_or(ApiError::NotFound)?,
    };
    Ok(Image {
        content_type,
        bytes,
    })
}

/// The file extension of an image type we accept.
fn extension(content_type: &str) -> Option<&'static str> {
    match content_type {
        "image/png" => Some("png"),
        "image/jpeg" => Some("jpg"),
        "image/webp" => Some("webp"),
        _ => None,
    }
}
