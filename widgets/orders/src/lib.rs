//! The orders widget: the customer's order history and one order's status.

use widget_kit::WidgetProps;
use widget_kit::components::{Link, Page};
use yew::prelude::*;

widget_kit::export_widget!(App);

#[function_component]
pub fn App(props: &WidgetProps) -> Html {
    let (title, message) = match props.mount.params.get("id") {
        Some(id) => (
            format!("Order {id}"),
            "This order was not found.".to_owned(),
        ),
        None => (
            "Your orders".to_owned(),
            "You have no orders yet.".to_owned(),
        ),
    };
    html! {
        <Page {title}>
            <p class="empty">{ message }</p>
            <Link to="/products">{ "Browse products" }</Link>
        </Page>
    }
}
