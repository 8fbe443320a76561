//! Products as a viewer sees them: one page of a listing (with the cursor of the next), one
//! product, each with its image URLs, in their wire form.

use crate::app::catalog::cursor;
use crate::db::product_search::{self, Key, Search, Words};
use crate::db::products::{self, ProductRow, Viewer};
use crate::db::{Conn, Id};
use crate::domain::field_error;
use crate::error::{ApiError, Result};
use contracts::catalog::{Product, ProductPage, ProductSort};
use contracts::gst::Rate;
use contracts::{FieldError, Paise};

/// Where image URLs point (`routes::images` serves them by key).
const IMAGE_URL_PREFIX: &str = "/api/v1/images/";

/// The longest search text, in characters. Only the first words count anyway
/// (`product_search::Words`); a longer text (a pasted page, a thousand words) is refused at
/// once rather than split, so no text costs more than a normal search.
pub const MAX_SEARCH_CHARS: usize = 200;

/// The page size a listing asks for, as `domain::page_limit` read it: out of range is a field
/// error, reported with the use case's other checks.
pub type PageSize = std::result::Result<u32, FieldError>;

/// What a listing of the catalog asks for: a shopper's search, or a seller's own products.
#[derive(Debug, Default)]
pub struct Listing<'a> {
    /// Words to find in names and descriptions (every word must match, as a prefix).
    pub text: Option<&'a str>,
    pub category: Option<&'a str>,
    /// Before tax.
    pub min_price: Option<Paise>,
    pub max_price: Option<Paise>,
    /// Only this shop's products.
    pub shop: Option<&'a str>,
    pub in_stock: bool,
    /// Only active (`Some(true)`) or inactive products (a seller's list).
    pub active: Option<bool>,
    /// Only products with at most this many units (a seller's list).
    pub max_stock: Option<i64>,
    pub sort: ProductSort,
    /// The `nextCursor` of the previous page.
    pub after: Option<&'a str>,
}

/// One page of `listing` as `viewer` may see it, `limit` products, with the cursor of the
/// next.
pub async fn page(
    conn: &mut Conn,
    viewer: Viewer,
    listing: &Listing<'_>,
    limit: u32,
) -> Result<ProductPage> {
    let nothing = ProductPage {
        items: Vec::new(),
        next_cursor: None,
    };
    if listing
        .text
        .is_some_and(|text| text.chars().count() > MAX_SEARCH_CHARS)
    {
        return Err(ApiError::Validation(vec![field_error(
            "q",
            "too_long",
            &format!("must be at most {MAX_SEARCH_CHARS} characters"),
        )]));
    }
    let words = listing.text.map(Words::of);
    if words.as_ref().is_some_and(Words::is_empty) {
        // Text with nothing to search for ("!!!") finds nothing, rather than everything.
        return Ok(nothing);
    }
    let sort = match (listing.sort, &words) {
        (ProductSort::Relevance, None) => ProductSort::Newest,
        (sort, _) => sort,
    };
    let after = listing
        .after
        .map(|cursor| {
            cursor::decode(cursor, sort).ok_or_else(|| {
                ApiError::Validation(vec![field_error(
                    "after",
                    "unknown_cursor",
                    "is not a cursor of this listing",
                )])
            })
        })
        .transpose()?;
    let shop = match listing.shop.map(Id::parse) {
        None => None,
        Some(Some(shop)) => Some(shop),
        // No shop has a malformed id: nothing is in it.
        Some(None) => return Ok(nothing),
    };
    let search = Search {
        viewer,
        words: words.as_ref(),
        category: listing.category,
        min_price: listing.min_price,
        max_price: listing.max_price,
        shop,
        in_stock: listing.in_stock,
        active: listing.active,
        max_stock: listing.max_stock,
        sort,
        after,
        count: i64::from(limit) + 1,
    };
    let mut rows = product_search::search(conn, &search).await?;
    let next_cursor = if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        rows.last().map(|last| {
            let key = match sort {
                ProductSort::Relevance => Key::Rank(last.relevance),
                ProductSort::Newest => Key::Int(last.product.created_at),
                ProductSort::PriceAsc | ProductSort::PriceDesc => Key::Int(last.product.price),
            };
            cursor::encode(sort, key, last.product.id)
        })
    } else {
        None
    };
    let rows = rows.into_iter().map(|row| row.product).collect();
    let items = with_images(conn, rows).await?;
    Ok(ProductPage { items, next_cursor })
}

/// Product `id` as `viewer` may see it, with its images.
pub async fn one(conn: &mut Conn, viewer: Viewer, id: Id) -> Result<Option<Product>> {
    let Some(row) = products::get(conn, viewer, id).await? else {
        return Ok(None);
    };
    Ok(with_images(conn, vec![row]).await?.pop())
}

/// The wire form of `rows`, each with its image URLs (read with one query).
async fn with_images(conn: &mut Conn, rows: Vec<ProductRow>) -> Result<Vec<Product>> {
    let ids: Vec<Id> = rows.iter().map(|row| row.id).collect();
    let images = products::images_of(conn, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let urls = images
                .iter()
                .filter(|image| image.product_id == row.id)
                .map(|image| format!("{IMAGE_URL_PREFIX}{}", image.object_key))
                .collect();
            wire(row, urls)
        })
        .collect())
}

/// The wire form of a stored product.
fn wire(row: ProductRow, images: Vec<String>) -> Product {
    Product {
        id: row.id.to_string(),
        shop_id: row.shop_id.to_string(),
        shop_name: row.shop_name,
        name: row.name,
        description: row.description,
        sku: row.sku,
        hsn: row.hsn,
        price: Paise(row.price),
        // The column's CHECK keeps rates at 0 or above.
        gst_rate: Rate(u32::try_from(row.gst_rate).unwrap_or(0)),
        stock: row.stock,
        version: row.version,
        category: row.category,
        active: row.active,
        images,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}
