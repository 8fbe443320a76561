//! The header's cart button with the number of units in the cart, kept current by the bus's
//! `cartChanged` messages (any widget that changes the cart sends one), and read from the API
//! when the page opens or the session changes hands.

use contracts::events::ShellEvent;
use shop_kit::cart::{self, CartCount, CartView};
use shop_kit::parts;
use widget_kit::bus::use_bus;
use widget_kit::style;
use yew::platform::spawn_local;
use yew::prelude::*;

const BADGE: &str = "& { border: 1px solid var(--mfe-on-brand, #fff); background: transparent; \
    color: var(--mfe-on-brand, #fff); border-radius: 999px; padding: 0.3rem 0.9rem; cursor: pointer; }";

#[derive(Properties, PartialEq)]
pub struct BadgeProps {
    pub api: AttrValue,
    pub token: Option<AttrValue>,
}

#[function_component]
pub fn Badge(props: &BadgeProps) -> Html {
    let count = use_state(|| 0u32);
    {
        let count = count.clone();
        use_bus(move |message| {
            if let ShellEvent::CartChanged { item_count } = message.event {
                count.set(item_count);
            }
        });
    }
    {
        // At sign-in and sign-out the cart changes hands: read the count of the new one (which,
        // signed in, folds in the guest's cart). A refreshed token alone changes nothing.
        let (count, api, token) = (count.clone(), props.api.clone(), props.token.clone());
        use_effect_with(props.token.is_some(), move |_| {
            spawn_local(async move {
                // A failed read leaves the badge as it was: the cart page reports problems.
                if let Ok(cart) = cart::current::<CartCount>(&api, token.as_deref(), false).await {
                    count.set(cart.map_or(0, |cart| cart.item_count()));
                }
            });
        });
    }
    let onclick = Callback::from(|_| parts::navigate("/cart".into()));
    html! {
        <button class={style::class(BADGE)} {onclick} data-testid="cart-badge"
            aria-label={format!("Cart, {} items", *count)}>
            { format!("Cart \u{00b7} {}", *count) }
        </button>
    }
}
