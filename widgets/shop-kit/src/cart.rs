//! The shopper's current cart: a guest's, whose id the browser keeps in localStorage, or a
//! signed-in customer's own, into which a stored guest cart is merged once and then forgotten.
//!
//! The id is not a secret worth guarding (an unguessable UUID that holds a basket), unlike the
//! access token, which never touches storage.

use crate::http::{ApiError, Call, encode};
use contracts::cart::{AddToCart, Cart, MergeCart, SetQuantity};
use contracts::events::ShellEvent;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use widget_kit::bus;

/// What a widget reads of a cart answer: the whole [`Cart`] (cart page, checkout), or only
/// its id and count ([`CartCount`]: the badge, "Add to cart"). Decoding only what is shown
/// keeps the lines' and taxes' decoders out of the widgets that show none of them.
pub trait CartView: DeserializeOwned {
    fn cart_id(&self) -> &str;
    fn item_count(&self) -> u32;
}

impl CartView for Cart {
    fn cart_id(&self) -> &str {
        &self.cart_id
    }
    fn item_count(&self) -> u32 {
        self.item_count
    }
}

/// A cart answer read for its id and number of units only.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CartCount {
    pub cart_id: String,
    pub item_count: u32,
}

impl CartView for CartCount {
    fn cart_id(&self) -> &str {
        &self.cart_id
    }
    fn item_count(&self) -> u32 {
        self.item_count
    }
}

/// Where a guest's cart id is kept, shared by every widget of the origin.
const GUEST_CART_KEY: &str = "bazaar.cart";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn stored_guest_cart() -> Option<String> {
    storage()?.get_item(GUEST_CART_KEY).ok().flatten()
}

fn store_guest_cart(id: Option<&str>) {
    if let Some(storage) = storage() {
        // A full or disabled storage only costs the guest their basket on the next page.
        let _ = match id {
            Some(id) => storage.set_item(GUEST_CART_KEY, id),
            None => storage.remove_item(GUEST_CART_KEY),
        };
    }
}

/// The cart to show or change, under the API at `api`. Signed in (`token`): the customer's
/// own, after folding in a stored guest cart. A guest: the stored cart; when there is none (or
/// it is gone) a new one if `create`, else `None`.
pub async fn current<C: CartView>(
    api: &str,
    token: Option<&str>,
    create: bool,
) -> Result<Option<C>, ApiError> {
    if let Some(token) = token {
        if let Some(guest) = stored_guest_cart() {
            let body = encode(&MergeCart {
                guest_cart_id: guest,
            });
            match Call::with_body("POST", format!("{api}/cart/merge"), body, Some(token))
                .json::<C>()
                .await
            {
                Ok(cart) => {
                    store_guest_cart(None);
                    return Ok(Some(cart));
                }
                // The guest cart expired or was merged from another tab: nothing to fold in.
                Err(problem) if problem.status == 404 => store_guest_cart(None),
                Err(problem) => return Err(problem),
            }
        }
        return Call::get(format!("{api}/cart"), Some(token))
            .json()
            .await
            .map(Some);
    }
    if let Some(id) = stored_guest_cart() {
        match Call::get(format!("{api}/carts/{id}"), None).json().await {
            Ok(cart) => return Ok(Some(cart)),
            Err(problem) if problem.status == 404 => store_guest_cart(None),
            Err(problem) => return Err(problem),
        }
    }
    if !create {
        return Ok(None);
    }
    let cart: C = Call::with_body("POST", format!("{api}/carts"), None, None)
        .json()
        .await?;
    store_guest_cart(Some(cart.cart_id()));
    Ok(Some(cart))
}

/// What the shopper does to a line.
pub enum Change {
    Add(u32),
    Set(u32),
    Remove,
}

/// Applies `change` to `product_id`'s line of the current cart (made if needed) and tells the
/// page's other widgets the new count.
pub async fn change<C: CartView>(
    api: &str,
    token: Option<&str>,
    product_id: &str,
    change: Change,
) -> Result<C, ApiError> {
    let cart = current::<CartCount>(api, token, true)
        .await?
        .ok_or_else(|| std::rc::Rc::new(contracts::Problem::new(0, "no_cart", "No cart")))?;
    let items = format!("{api}/carts/{}/items", cart.cart_id);
    let line = format!("{items}/{}", crate::http::query_value(product_id));
    let call = match change {
        Change::Add(quantity) => Call::with_body(
            "POST",
            items,
            encode(&AddToCart {
                product_id: product_id.to_owned(),
                quantity,
                seller_id: None,
            }),
            token,
        ),
        Change::Set(quantity) => {
            Call::with_body("PUT", line, encode(&SetQuantity { quantity }), token)
        }
        Change::Remove => Call::with_body("DELETE", line, None, token),
    };
    let cart: C = call.json().await?;
    announce(&cart);
    Ok(cart)
}

/// Tells the header badge and any other widget how many units the cart holds.
pub fn announce(cart: &impl CartView) {
    bus::emit(ShellEvent::CartChanged {
        item_count: cart.item_count(),
    });
}
