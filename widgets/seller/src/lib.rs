//! The seller widget: the seller's shop profile, products and orders.

use widget_kit::WidgetProps;
use widget_kit::components::{Link, Page};
use yew::prelude::*;

widget_kit::export_widget!(App);

#[function_component]
pub fn App(props: &WidgetProps) -> Html {
    let title = match props.mount.path.as_str() {
        "/seller/products" => "Your products",
        "/seller/orders" => "Orders for your shop",
        _ => "Your shop",
    };
    html! {
        <Page {title}>
            <p class="empty">{ "Sign in as a seller to manage a shop." }</p>
            <Link to="/login">{ "Sign in" }</Link>
        </Page>
    }
}
