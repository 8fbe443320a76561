//! The seller's product manager (`/seller/products`, `/seller/products/:id`), a widget of its
//! own beside the seller's dashboard: the API scopes every product to the signed-in seller's
//! shop.

mod products;

use shop_kit::back_office::{PageProps, session_ended};
use widget_kit::WidgetProps;
use yew::prelude::*;

widget_kit::export_widget!(App);

#[function_component]
pub fn App(props: &WidgetProps) -> Html {
    match PageProps::of(&props.mount) {
        Some(page) => html! { <products::Products ..page /> },
        None => session_ended("Your products", props.mount.path.as_str()),
    }
}
