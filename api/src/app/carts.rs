//! Carts: a guest's reached by its id alone, a customer's by its owner only; adding, setting and
//! removing lines within the stock; folding a guest cart into the customer's at sign-in. Every
//! answer is the whole cart priced from the catalog now, with its GST breakup.

use crate::app::Actor;
use crate::app::audit::{self, Entry};
use crate::db::carts::{self, LineRow};
use crate::db::{Conn, Id};
use crate::domain::field_error;
use crate::error::{ApiError, Result};
use crate::state::AppState;
use contracts::Paise;
use contracts::cart::{AddToCart, Cart, MergeCart, SetQuantity, UnpricedLine};
use contracts::gst::Rate;

/// The most units of one product in a cart.
pub const MAX_QUANTITY: u32 = 100;

/// A new, empty guest cart, owned by no one whoever `actor` is (a customer's own cart is
/// [`mine`]).
pub async fn create_guest(actor: &Actor, state: &AppState) -> Result<Cart> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let id = Id::new();
    carts::insert(&mut tx, id, None, now).await?;
    audit::record(
        &mut tx,
        actor,
        &Entry::success("carts:create", "carts", Some(id), now),
    )
    .await?;
    tx.commit().await?;
    priced(&mut state.db.conn().await?, id).await
}

/// Cart `cart_id`, if `actor` may use it.
pub async fn show(actor: &Actor, state: &AppState, cart_id: &str) -> Result<Cart> {
    let mut conn = state.db.conn().await?;
    let id = open(&mut conn, actor, cart_id).await?;
    priced(&mut conn, id).await
}

/// Adds `request.quantity` units of a product on sale (seed 000's AddToCart): the line holds
/// at most [`MAX_QUANTITY`] and never more than the stock.
pub async fn add(
    actor: &Actor,
    state: &AppState,
    cart_id: &str,
    request: &AddToCart,
) -> Result<Cart> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    // The cart is locked before its line is read, so of concurrent additions (a double click,
    // two tabs, a retry) each sees the one before it: every acknowledged unit is counted.
    let id = open_locked(&mut tx, actor, cart_id).await?;
    let product = on_sale(&mut tx, &request.product_id).await?;
    if request
        .seller_id
        .as_deref()
        .is_some_and(|seller| Id::parse(seller) != Some(product.shop_id))
    {
        return Err(ApiError::Validation(vec![field_error(
            "sellerId",
            "wrong_seller",
            "is not the shop of this product",
        )]));
    }
    let already = carts::lines(&mut tx, id)
        .await?
        .iter()
        .find(|line| line.product_id == product.id)
        .map_or(0, |line| u32::try_from(line.quantity).unwrap_or(0));
    let quantity = checked_quantity(
        already.saturating_add(request.quantity),
        request.quantity,
        product.stock,
    )?;
    write_line(&mut tx, actor, (id, product.id, quantity), now).await?;
    tx.commit().await?;
    priced(&mut state.db.conn().await?, id).await
}

/// Sets the quantity of a line; 0 removes it.
pub async fn set(
    actor: &Actor,
    state: &AppState,
    cart_id: &str,
    product_id: &str,
    request: &SetQuantity,
) -> Result<Cart> {
    if request.quantity == 0 {
        return remove(actor, state, cart_id, product_id).await;
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    // Locked like an addition, so an addition running at the same time reads the line either
    // before this quantity or after it, never in between (the set would be lost).
    let id = open_locked(&mut tx, actor, cart_id).await?;
    let product = on_sale(&mut tx, product_id).await?;
    let quantity = checked_quantity(request.quantity, request.quantity, product.stock)?;
    write_line(&mut tx, actor, (id, product.id, quantity), now).await?;
    tx.commit().await?;
    priced(&mut state.db.conn().await?, id).await
}

/// Removes a line; a line that is not there is removed already.
pub async fn remove(
    actor: &Actor,
    state: &AppState,
    cart_id: &str,
    product_id: &str,
) -> Result<Cart> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    // Locked, or an addition that read the line before this removal would write it back.
    let id = open_locked(&mut tx, actor, cart_id).await?;
    if let Some(product) = Id::parse(product_id) {
        carts::remove(&mut tx, id, product).await?;
        carts::touch(&mut tx, id, now).await?;
        let entry = Entry::success("carts:remove_item", "carts", Some(id), now)
            .with_changes(serde_json::json!({"productId": {"before": product.to_string()}}));
        audit::record(&mut tx, actor, &entry).await?;
    }
    tx.commit().await?;
    priced(&mut state.db.conn().await?, id).await
}

/// The signed-in customer's cart, made on first use.
pub async fn mine(actor: &Actor, state: &AppState) -> Result<Cart> {
    let owner = actor.user_id().ok_or(ApiError::Unauthenticated)?;
    let mut conn = state.db.conn().await?;
    // The common case reads only: no write transaction for a cart that exists.
    if let Some(id) = carts::of_owner(&mut conn, owner).await? {
        return priced(&mut conn, id).await;
    }
    drop(conn);
    let mut tx = state.db.begin().await?;
    let id = own_cart(&mut tx, actor, state.clock.now()).await?;
    tx.commit().await?;
    priced(&mut state.db.conn().await?, id).await
}

/// Folds a guest cart into the customer's (at sign-in) and deletes it, in one transaction: a
/// merge happens once or not at all. A cart that is gone (merged by a retried request) changes
/// nothing; another customer's cart is not found.
pub async fn merge(actor: &Actor, state: &AppState, request: &MergeCart) -> Result<Cart> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let own = own_cart(&mut tx, actor, now).await?;
    // Both carts locked, the customer's first (every merge takes them in that order, so two
    // never wait on each other): an addition to either waits, and of two merges of one guest
    // cart the second finds it gone, so its units are counted once.
    carts::owner_locked(&mut tx, own).await?;
    if let Some(guest) = Id::parse(&request.guest_cart_id) {
        match carts::owner_locked(&mut tx, guest).await? {
            None => {}
            Some(None) => {
                carts::fold_lines(&mut tx, guest, own).await?;
                carts::delete_guest(&mut tx, guest).await?;
                carts::touch(&mut tx, own, now).await?;
                let entry = Entry::success("carts:merge", "carts", Some(own), now)
                    .with_changes(serde_json::json!({"guestCart": {"before": guest.to_string()}}));
                audit::record(&mut tx, actor, &entry).await?;
            }
            Some(Some(owner)) if Some(owner) == actor.user_id() => {}
            Some(Some(_)) => return Err(ApiError::NotFound),
        }
    }
    let cart = priced(&mut tx, own).await?;
    tx.commit().await?;
    Ok(cart)
}

/// The cart of the signed-in user, made (and audited) on first use: run it in a transaction.
async fn own_cart(conn: &mut Conn, actor: &Actor, now: i64) -> Result<Id> {
    let owner = actor.user_id().ok_or(ApiError::Unauthenticated)?;
    let id = Id::new();
    if carts::insert(conn, id, Some(owner), now).await? {
        audit::record(
            conn,
            actor,
            &Entry::success("carts:create", "carts", Some(id), now),
        )
        .await?;
    }
    carts::of_owner(conn, owner)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a customer's cart vanished")))
}

/// Cart `cart_id` if it exists and `actor` may use it: anyone a guest cart, only its owner a
/// customer's. Another customer's cart is "not found", not "forbidden", so ids cannot be
/// probed.
async fn open(conn: &mut Conn, actor: &Actor, cart_id: &str) -> Result<Id> {
    let id = Id::parse(cart_id).ok_or(ApiError::NotFound)?;
    may_use(actor, id, carts::owner(conn, id).await?)
}

/// Cart `id`, whose owner is `owner` as storage read it, if `actor` may use it.
fn may_use(actor: &Actor, id: Id, owner: Option<Option<Id>>) -> Result<Id> {
    match owner {
        Some(None) => Ok(id),
        Some(Some(owner)) if actor.user_id() == Some(owner) => Ok(id),
        _ => Err(ApiError::NotFound),
    }
}

/// [`open`], holding the cart until the transaction ends (`carts::owner_locked`).
async fn open_locked(conn: &mut Conn, actor: &Actor, cart_id: &str) -> Result<Id> {
    let id = Id::parse(cart_id).ok_or(ApiError::NotFound)?;
    may_use(actor, id, carts::owner_locked(conn, id).await?)
}

/// The product `id` if it is on sale; a field error naming `productId` otherwise.
async fn on_sale(conn: &mut Conn, id: &str) -> Result<carts::ProductRow> {
    let product = match Id::parse(id) {
        Some(id) => carts::product_on_sale(conn, id).await?,
        None => None,
    };
    product.ok_or_else(|| {
        ApiError::Validation(vec![field_error(
            "productId",
            "unknown_product",
            "is not a product on sale",
        )])
    })
}

/// Writes `(cart, product, quantity)` and touches the cart, audited, on the caller's
/// transaction.
async fn write_line(
    conn: &mut Conn,
    actor: &Actor,
    (id, product, quantity): (Id, Id, u32),
    now: i64,
) -> Result<()> {
    let quantity = i32::try_from(quantity).unwrap_or(i32::MAX);
    carts::set_quantity(conn, id, product, quantity, now).await?;
    carts::touch(conn, id, now).await?;
    let entry =
        Entry::success("carts:set_item", "carts", Some(id), now).with_changes(serde_json::json!({
            "productId": {"after": product.to_string()},
            "quantity": {"after": quantity},
        }));
    audit::record(conn, actor, &entry).await?;
    Ok(())
}

/// Whether a line may be asked to hold `quantity` units: 1 to [`MAX_QUANTITY`], or 0 where
/// that removes the line (`set`). The OpenAPI document states the same bounds.
pub fn quantity_in_range(quantity: u32, zero_removes: bool) -> bool {
    (zero_removes || quantity >= 1) && quantity <= MAX_QUANTITY
}

/// `total` units (what the line would hold), asked for `requested` more: at least 1, at most
/// [`MAX_QUANTITY`] and the stock.
fn checked_quantity(total: u32, requested: u32, stock: i64) -> Result<u32> {
    let problem = |code: &str, message: String| {
        Err(ApiError::Validation(vec![field_error(
            "quantity", code, &message,
        )]))
    };
    if requested == 0 {
        return problem("out_of_range", "must be at least 1".into());
    }
    if !quantity_in_range(total, false) {
        return problem(
            "out_of_range",
            format!("a cart holds at most {MAX_QUANTITY} of one product"),
        );
    }
    if i64::from(total) > stock {
        return problem("insufficient_stock", format!("only {} left", stock.max(0)));
    }
    Ok(total)
}

/// Cart `id` with its lines priced from the catalog now.
async fn priced(conn: &mut Conn, id: Id) -> Result<Cart> {
    let lines = carts::lines(conn, id)
        .await?
        .into_iter()
        .map(unpriced)
        .collect();
    Cart::price(id.to_string(), lines)
        .map_err(|error| ApiError::Internal(anyhow::anyhow!("pricing a cart: {error}")))
}

fn unpriced(row: LineRow) -> UnpricedLine {
    UnpricedLine {
        product_id: row.product_id.to_string(),
        shop_id: row.shop_id.to_string(),
        name: row.name,
        unit_price: Paise(row.price),
        quantity: u32::try_from(row.quantity).unwrap_or(0),
        stock: row.stock,
        available: row.available,
        rate: Rate(u32::try_from(row.gst_rate).unwrap_or(0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(result: Result<u32>) -> String {
        match result {
            Err(ApiError::Validation(errors)) => errors[0].code.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_quantity_is_one_to_a_hundred_and_never_above_the_stock() {
        assert_eq!(checked_quantity(3, 1, 5).unwrap(), 3);
        assert_eq!(checked_quantity(5, 5, 5).unwrap(), 5);
        assert_eq!(code(checked_quantity(6, 1, 5)), "insufficient_stock");
        assert_eq!(code(checked_quantity(0, 0, 5)), "out_of_range");
        assert_eq!(code(checked_quantity(101, 1, 1_000)), "out_of_range");
        assert_eq!(code(checked_quantity(1, 1, 0)), "insufficient_stock");
    }
}
