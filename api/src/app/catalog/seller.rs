//! A seller's own products: listed (active or not, newest first, filtered), read one by one,
//! added and changed, always
//! within the seller's approved shop (`shop_not_approved` otherwise); a SKU is unique within
//! the shop (`sku_taken`). The stock is set absolutely only with the version read
//! (`stale_version` otherwise); by a delta, see [`super::stock`].

use crate::app::Actor;
use crate::app::audit::{self, Entry};
use crate::app::catalog::view::{Listing, PageSize, one, page};
use crate::app::catalog::{rules, stock};
use crate::app::shops::approved_shop;
use crate::clock;
use crate::db::products::{self, ProductFields, Viewer};
use crate::db::{Conn, Id};
use crate::domain::field_error;
use crate::error::{ApiError, Constraint, Result, ResultExt as _};
use crate::state::AppState;
use contracts::catalog::{NewProduct, Product, ProductChanges, ProductPage, ProductSort};
use contracts::inventory::InventoryReason;
use contracts::product_manager::{LOW_STOCK_UNITS, StatusFilter, StockFilter};
use serde_json::{Map, Value, json};

/// What a seller's product list asks for (`GET /seller/products`): words, a category, active
/// or not, low or no stock, and where the page starts.
#[derive(Debug, Default)]
pub struct OwnListing<'a> {
    pub text: Option<&'a str>,
    pub category: Option<&'a str>,
    pub status: Option<StatusFilter>,
    pub stock: Option<StockFilter>,
    /// The `nextCursor` of the previous page (same filters).
    pub after: Option<&'a str>,
}

/// A page of the seller's products matching `listing`: newest first, or best match first
/// with words.
pub async fn own_products(
    actor: &Actor,
    state: &AppState,
    listing: OwnListing<'_>,
    limit: PageSize,
) -> Result<ProductPage> {
    let mut conn = state.db.conn().await?;
    let shop = approved_shop(&mut conn, actor).await?;
    let limit = limit.map_err(|error| ApiError::Validation(vec![error]))?;
    let text = listing.text.map(str::trim).filter(|q| !q.is_empty());
    let listing = Listing {
        text,
        category: listing.category.map(str::trim).filter(|c| !c.is_empty()),
        active: listing.status.map(|status| status == StatusFilter::Active),
        max_stock: listing.stock.map(|stock| match stock {
            StockFilter::Low => LOW_STOCK_UNITS,
            StockFilter::Out => 0,
        }),
        sort: if text.is_some() {
            ProductSort::Relevance
        } else {
            ProductSort::Newest
        },
        after: listing.after,
        ..Listing::default()
    };
    page(&mut conn, Viewer::Shop(shop), &listing, limit).await
}

/// One of the seller's products, active or not; another shop's (or none) is `not_found`.
pub async fn own_product(actor: &Actor, state: &AppState, product_id: &str) -> Result<Product> {
    let mut conn = state.db.conn().await?;
    let shop = approved_shop(&mut conn, actor).await?;
    let id = Id::parse(product_id).ok_or(ApiError::NotFound)?;
    one(&mut conn, Viewer::Shop(shop), id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// A new product in the seller's shop.
pub async fn add(actor: &Actor, state: &AppState, new: NewProduct) -> Result<Product> {
    let mut conn = state.db.conn().await?;
    let shop = approved_shop(&mut conn, actor).await?;
    // One reading of the clock: the GST date and the timestamps agree.
    let now = state.clock.now();
    let fields = rules::new_product(new, clock::india_date(now))?;
    drop(conn);
    let mut tx = state.db.begin().await?;
    let id = create(&mut tx, actor, shop, &fields, now).await?;
    tx.commit().await?;
    let mut conn = state.db.conn().await?;
    one(&mut conn, Viewer::Shop(shop), id)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a stored product was not found")))
}

/// Stores a product of `shop` with every one of `fields` (checked by [`rules::new_product`]);
/// its id, audited as `actor`'s `products:create` (run it in a transaction). `sku_taken` when
/// the shop uses the SKU already.
pub async fn create(
    conn: &mut Conn,
    actor: &Actor,
    shop: Id,
    fields: &ProductFields,
    now: i64,
) -> Result<Id> {
    let id = Id::new();
    products::insert(conn, id, shop, fields, now)
        .await
        .on_constraint(Constraint::Unique("products"), || ApiError::SkuTaken)?;
    // The stock it starts with is the history's first entry.
    let stock = fields.stock.unwrap_or(0);
    stock::record(
        conn,
        actor,
        id,
        InventoryReason::Created,
        (stock, stock),
        now,
    )
    .await?;
    let mut changes = delta(None, fields);
    changes.insert("shopId".into(), json!({"after": shop.to_string()}));
    let entry = Entry::success("products:create", "products", Some(id), now)
        .with_changes(Value::Object(changes));
    audit::record(conn, actor, &entry).await?;
    Ok(id)
}

/// The audited delta of writing `fields` over `before` (`None`: a new product): each field
/// that is set and differs, by its wire name, so the price shows as `price`.
fn delta(before: Option<&Product>, fields: &ProductFields) -> Map<String, Value> {
    let mut out = Map::new();
    let mut put = |name: &str, old: Option<Value>, new: Option<Value>| {
        if let Some(new) = new
            && old.as_ref() != Some(&new)
        {
            let mut change = Map::new();
            if let Some(old) = old {
                change.insert("before".into(), old);
            }
            change.insert("after".into(), new);
            out.insert(name.to_owned(), Value::Object(change));
        }
    };
    put(
        "name",
        before.map(|p| json!(p.name)),
        fields.name.as_ref().map(|v| json!(v)),
    );
    put(
        "description",
        before.map(|p| json!(p.description)),
        fields.description.as_ref().map(|v| json!(v)),
    );
    put(
        "sku",
        before.map(|p| json!(p.sku)),
        fields.sku.as_ref().map(|v| json!(v)),
    );
    put(
        "hsn",
        before.map(|p| json!(p.hsn)),
        fields.hsn.as_ref().map(|v| json!(v)),
    );
    put(
        "price",
        before.map(|p| json!(p.price.0)),
        fields.price.map(|v| json!(v.0)),
    );
    put(
        "gstRate",
        before.map(|p| json!(p.gst_rate.0)),
        fields.gst_rate.map(|v| json!(v)),
    );
    put(
        "stock",
        before.map(|p| json!(p.stock)),
        fields.stock.map(|v| json!(v)),
    );
    put(
        "category",
        before.map(|p| json!(p.category)),
        fields.category.as_ref().map(|v| json!(v)),
    );
    put(
        "active",
        before.map(|p| json!(p.active)),
        fields.active.map(|v| json!(v)),
    );
    out
}

/// Changes some fields of one of the seller's products; another shop's is `not_found`. The
/// stock is set only with `version`, the product's version as read (422 naming `version`
/// without it); a version that is no longer the product's is 409 `stale_version` and changes
/// nothing. A stock set is a recount in the inventory history.
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
    let version = changes.version;
    if changes.stock.is_some() && version.is_none() {
        return Err(ApiError::Validation(vec![field_error(
            "version",
            "required",
            "send the product's version with stock (or change it by a delta: POST .../stock)",
        )]));
    }
    let fields = rules::changes(changes, clock::india_date(now))?;
    let id = Id::parse(product_id).ok_or(ApiError::NotFound)?;
    drop(conn);
    let mut tx = state.db.begin().await?;
    // Read in the transaction: the "before" of the audit row is what this update replaced.
    let before = one(&mut tx, Viewer::Shop(shop), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let found = products::update(&mut tx, (shop, id), &fields, version, now)
        .await
        .on_constraint(Constraint::Unique("products"), || ApiError::SkuTaken)?;
    if let (false, Some(sent)) = (found, version) {
        // The product is the shop's (read above): its version moved on.
        let current = one(&mut tx, Viewer::Shop(shop), id)
            .await?
            .map_or(before.version, |now| now.version);
        return Err(ApiError::StaleVersion { sent, current });
    }
    if !found {
        return Err(ApiError::NotFound);
    }
    if let Some(stock) = fields.stock {
        // The version matched the one read: `before.stock` is the stock this set replaced.
        let change = (stock - before.stock, stock);
        stock::record(&mut tx, actor, id, InventoryReason::Recount, change, now).await?;
    }
    let entry = Entry::success("products:update", "products", Some(id), now)
        .with_changes(Value::Object(delta(Some(&before), &fields)));
    audit::record(&mut tx, actor, &entry).await?;
    tx.commit().await?;
    let mut conn = state.db.conn().await?;
    one(&mut conn, Viewer::Shop(shop), id)
        .await?
        .ok_or(ApiError::NotFound)
}
