//! The seller's shop profile (`/seller/shop`), a widget of its own beside the seller's
//! dashboard: the API scopes it to the signed-in seller's shop.

mod shop;

use shop_kit::back_office::{PageProps, session_ended};
use widget_kit::WidgetProps;
use yew::prelude::*;

widget_kit::export_widget!(App);

#[function_component]
pub fn App(props: &WidgetProps) -> Html {
    match PageProps::of(&props.mount) {
        Some(page) => html! { <shop::Shop ..page /> },
        None => session_ended("Your shop", props.mount.path.as_str()),
    }
}
