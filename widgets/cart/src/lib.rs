//! The cart widget: the cart page, and the cart badge it renders in the header's `header-cart` slot.
//!
//! The badge follows `cartChanged` events from the bus, so any widget that changes the cart
//! updates it without knowing it exists.

use contracts::events::ShellEvent;
use widget_kit::components::Page;
use widget_kit::{WidgetProps, bus, style};
use yew::prelude::*;

widget_kit::export_widget!(App);

#[function_component]
pub fn App(props: &WidgetProps) -> Html {
    if props.mount.slot == "header-cart" {
        html! { <Badge /> }
    } else {
        html! {
            <Page title="Your cart">
                <p class="empty">{ "Your cart is empty." }</p>
            </Page>
        }
    }
}

const BADGE: &str = "& { border: 1px solid var(--mfe-on-brand, #fff); background: transparent; \
    color: var(--mfe-on-brand, #fff); border-radius: 999px; padding: 0.3rem 0.9rem; cursor: pointer; }";

#[function_component]
fn Badge() -> Html {
    let count = use_state(|| 0u32);
    {
        let count = count.clone();
        bus::use_bus(move |message| {
            if let ShellEvent::CartChanged { item_count } = message.event {
                count.set(item_count);
            }
        });
    }
    let onclick = Callback::from(|_| {
        bus::emit(ShellEvent::Navigate {
            path: "/cart".into(),
        })
    });
    let class = style::class(BADGE);
    html! {
        <button {class} {onclick} aria-label={format!("Cart, {} items", *count)} data-testid="cart-badge">
            { format!("Cart \u{00b7} {}", *count) }
        </button>
    }
}
