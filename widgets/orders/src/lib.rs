//! The orders widget: the customer's order history (`/orders`) and one order (`/orders/:id`)
//! with its GST, status history, payments and refunds, invoices and credit notes.

mod detail;
mod history;
mod json;
mod money;
mod wire;

use detail::Detail;
use history::History;
use shop_kit::parts;
use widget_kit::WidgetProps;
use yew::prelude::*;

widget_kit::export_widget!(App);

#[function_component]
pub fn App(props: &WidgetProps) -> Html {
    let mount = &props.mount;
    let api = AttrValue::from(mount.api_base.clone());
    // The shell's guard keeps guests out; this covers a session that ended on the page.
    let Some(session) = &mount.session else {
        return html! {
            { parts::page("Your orders", html! { <>
                { parts::empty("Sign in to see your orders.") }
                { parts::link("/login?next=/orders".into(), html! { "Sign in" }) }
            </> }) }
        };
    };
    let token = AttrValue::from(session.access_token.clone());
    match mount.params.get("id") {
        Some(id) => html! { <Detail {api} {token} id={id.clone()} /> },
        None => html! { <History {api} {token} /> },
    }
}
