//! The seller widget: the shop at a glance (`/seller`: sales, orders to fulfil, low stock, the
//! month's GST summary). The product manager, the orders and the shop profile are widgets of
//! their own (`seller-products`, `seller-orders`, `seller-shop`), so that each stays within its
//! byte budget; every page is scoped to the signed-in seller's own shop by the API, and the
//! widgets only ever ask for "mine".

mod dashboard;

use shop_kit::back_office::{PageProps, session_ended};
use widget_kit::WidgetProps;
use yew::prelude::*;

widget_kit::export_widget!(App);

#[function_component]
pub fn App(props: &WidgetProps) -> Html {
    match PageProps::of(&props.mount) {
        Some(page) => html! { <dashboard::Dashboard ..page /> },
        None => session_ended("Your shop", props.mount.path.as_str()),
    }
}
