//! A seller's own products: listed (active or not, newest first), added and changed, always
//! within the seller's approved shop (`shop_not_approved` otherwise); a SKU is unique within
//! the shop (`sku_taken`).

use crate::app::Actor;
use crate::app::catalog::rules;
use crate::app::catalog::view::{Listing, PageSize, one, page};
use crate::app::shops::approved_shop;
use crate::clock;
use crate::db::products::{self, ProductFields, Viewer};
use crate::db::{Conn, Id};
use crate::error::{ApiError, Constraint, Result, ResultExt as _};
use crate::state::AppState;
use contracts::catalog::{NewProduct, Product, ProductChanges, ProductPage};

/// A page of the seller's products, newest first.
pub async fn own_products(
    actor: &Actor,
    state: &AppState,
    limit: PageSize,
    after: Option<&str>,
) -> Result<ProductPage> {
    let mut conn = state.db.conn().await?;
    let shop = approved_shop(&mut conn, actor).await?;
    let limit = limit.map_err(|error| ApiError::Validation(vec![error]))?;
    let listing = Listing {
        after,
        ..Listing::default()
    };
    page(&mut conn, Viewer::Shop(shop), &listing, limit).await
}

/// A new product in the seller's shop.
pub async fn add(actor: &Actor, state: &AppState, new: NewProduct) -> Result<Product> {
    let mut conn = state.db.conn().await?;
    let shop = approved_shop(&mut conn, actor).await?;
    // One reading of the clock: the GST date and the timestamps agree.
    let now = state.clock.now();
    let fields = rules::new_product(new, clock::india_date(now))?;
    let id = create(&mut conn, shop, &fields, now).await?;
    one(&mut conn, Viewer::Shop(shop), id)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a stored product was not found")))
}

/// Stores a product of `shop` with every one of `fields` (checked by [`rules::new_product`]);
/// its id. `sku_taken` when the shop uses the SKU already.
pub async fn create(conn: &mut Conn, shop: Id, fields: &ProductFields, now: i64) -> Result<Id> {
    let id = Id::new();
    products::insert(conn, id, shop, fields, now)
        .await
        .on_constraint(Constraint::Unique("products"), || ApiError::SkuTaken)?;
    Ok(id)
}

/// Changes some fields of one of the seller's products; another shop's is `not_found`.
pub async fn change(
    actor: &Actor,
    state: &AppState,
    product_id: &str,
    changes: ProductChanges,
) -> Result<Product> {
    let mut conn = state.db.conn().await?;
    let shop = approved_shop(&mut conn, actor).await?;
    // One reading of the clock: the GST date and the timestamps agree.
    let now = state.clock.now();
    let fields = rules::changes(changes, clock::india_date(now))?;
    let id = Id::parse(product_id).ok_or(ApiError::NotFound)?;
    let found = products::update(&mut conn, shop, id, &fields, now)
        .await
        .on_constraint(Constraint::Unique("products"), || ApiError::SkuTaken)?;
    if !found {
        return Err(ApiError::NotFound);
    }
    one(&mut conn, Viewer::Shop(shop), id)
        .await?
        .ok_or(ApiError::NotFound)
}
