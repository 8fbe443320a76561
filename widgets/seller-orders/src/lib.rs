//! The seller's orders and their fulfilment (`/seller/orders`, `/seller/orders/:id`), a widget
//! of its own beside the seller's dashboard: the API scopes every order to the signed-in
//! seller's shop.

mod orders;

use shop_kit::back_office::{PageProps, session_ended};
use widget_kit::WidgetProps;
use yew::prelude::*;

widget_kit::export_widget!(App);

#[function_component]
pub fn App(props: &WidgetProps) -> Html {
    match PageProps::of(&props.mount) {
        Some(page) => html! { <orders::Orders ..page /> },
        None => session_ended("Your orders", props.mount.path.as_str()),
    }
}
