//! The catalog: what a shopper sees (active products of approved shops, searched by words,
//! filtered, sorted and paged by key), what a seller manages (its own shop's products,
//! [`seller`]; their stock and its history, [`stock`]), the rules a product's fields follow
//! ([`rules`]) and product images ([`images`]).

mod cursor;
mod image_copies;
pub mod images;
pub mod rules;
pub mod seller;
pub mod stock;
mod view;

pub use view::{Listing, PageSize};

use crate::app::Actor;
use crate::db::Id;
use crate::db::products::Viewer;
use crate::domain::Fields;
use crate::error::{ApiError, Result};
use crate::state::AppState;
use contracts::catalog::{Product, ProductPage};
use contracts::gst;
use contracts::product_manager::{GstRates, GstSlab};
use view::{one, page};

/// Whether a price filter (`minPrice`, `maxPrice`, paise) is one the catalog takes: never
/// negative. The OpenAPI document states the same bound (`routes::openapi::constraints`).
pub fn price_filter_ok(paise: i64) -> bool {
    paise >= 0
}

/// A page of active products of approved shops: `listing` (`GET /products`), `limit` of them.
/// Anyone may browse: every `actor` sees the shopper's view.
pub async fn browse(
    _actor: &Actor,
    state: &AppState,
    listing: Listing<'_>,
    limit: PageSize,
) -> Result<ProductPage> {
    let mut fields = Fields::new();
    let limit = limit.unwrap_or_else(|error| {
        fields.push(&error.field, &error.code, &error.message);
        0
    });
    for (field, value) in [
        ("minPrice", listing.min_price),
        ("maxPrice", listing.max_price),
    ] {
        if value.is_some_and(|v| !price_filter_ok(v.0)) {
            fields.push(field, "out_of_range", "must not be negative");
        }
    }
    if let (Some(min), Some(max)) = (listing.min_price, listing.max_price)
        && min > max
    {
        fields.push("maxPrice", "out_of_range", "must not be below minPrice");
    }
    fields.finish()?;
    let listing = Listing {
        text: listing.text.map(str::trim).filter(|q| !q.is_empty()),
        category: listing.category.filter(|c| !c.is_empty()),
        ..listing
    };
    let mut conn = state.db.conn().await?;
    page(&mut conn, Viewer::Shopper, &listing, limit).await
}

/// One product on sale, to any `actor`; `not_found` for anything else, a malformed id
/// included.
pub async fn product(_actor: &Actor, state: &AppState, product_id: &str) -> Result<Product> {
    let id = Id::parse(product_id).ok_or(ApiError::NotFound)?;
    let mut conn = state.db.conn().await?;
    one(&mut conn, Viewer::Shopper, id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// The GST slabs in force on India's date by the state's clock, lowest first: the rates a
/// product may carry today. Anyone may read them.
pub fn gst_rates(_actor: &Actor, state: &AppState) -> GstRates {
    let today = state.clock.india_today();
    let mut slabs: Vec<GstSlab> = gst::SLABS
        .iter()
        .filter(|slab| slab.in_force_on(today))
        .map(|slab| GstSlab {
            id: slab.id.to_owned(),
            rate: slab.rate,
            from: slab.from.to_string(),
        })
        .collect();
    slabs.sort_by_key(|slab| slab.rate);
    GstRates {
        on: today.to_string(),
        slabs,
    }
}
