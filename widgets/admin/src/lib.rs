//! The admin widget: the back office (users, seller approval, impersonation).

use widget_kit::WidgetProps;
use widget_kit::components::{Link, Page};
use yew::prelude::*;

widget_kit::export_widget!(App);

#[function_component]
pub fn App(props: &WidgetProps) -> Html {
    let title = match props.mount.path.as_str() {
        "/admin/users" => "Users",
        "/admin/sellers" => "Sellers",
        _ => "Back office",
    };
    html! {
        <Page {title}>
            <p class="empty">{ "Sign in as an administrator to use the back office." }</p>
            <Link to="/login">{ "Sign in" }</Link>
        </Page>
    }
}
