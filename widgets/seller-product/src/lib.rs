//! One of the seller's products (`/seller/products/:id`), a widget of its own beside the
//! product list (`seller-products`), so that each keeps within its byte budget: the API scopes
//! every product to the signed-in seller's shop.

mod product;

use shop_kit::back_office::{PageProps, session_ended};
use widget_kit::WidgetProps;
use yew::prelude::*;

widget_kit::export_widget!(App);

#[function_component]
pub fn App(props: &WidgetProps) -> Html {
    match PageProps::of(&props.mount) {
        Some(page) => html! { <product::ProductPage ..page /> },
        None => session_ended("Your product", props.mount.path.as_str()),
    }
}
