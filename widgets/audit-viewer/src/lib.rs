//! The audit-viewer widget: the append-only audit log, filtered and paged.

use widget_kit::WidgetProps;
use widget_kit::components::{Link, Page};
use yew::prelude::*;

widget_kit::export_widget!(App);

#[function_component]
pub fn App(_props: &WidgetProps) -> Html {
    html! {
        <Page title="Audit log">
            <p class="empty">{ "Sign in as an administrator to read the audit log." }</p>
            <Link to="/login">{ "Sign in" }</Link>
        </Page>
    }
}
