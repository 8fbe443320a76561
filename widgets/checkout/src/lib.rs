//! The checkout widget: the delivery address, the order summary and payment (`/checkout`), and
//! the page the payment gateway returns to (`/checkout/result?order=<id>`).

mod address;
mod attempt;
mod json;
mod pay;
mod razorpay;
mod result;

use pay::Pay;
use result::PaymentResult;
use shop_kit::parts;
use widget_kit::WidgetProps;
use yew::prelude::*;

widget_kit::export_widget!(App);

#[function_component]
pub fn App(props: &WidgetProps) -> Html {
    let mount = &props.mount;
    let api = AttrValue::from(mount.api_base.clone());
    let returning = mount.path.trim_end_matches('/') == "/checkout/result";
    // An order needs an account; the shell's guard normally keeps guests out before this.
    let Some(session) = &mount.session else {
        let back = if returning { "/orders" } else { "/checkout" };
        return html! {
            { parts::page("Checkout", html! { <>
                { parts::empty("Sign in to check out and to see your orders.") }
                { parts::link(format!("/login?next={back}"), html! { "Sign in" }) }
            </> }) }
        };
    };
    let token = AttrValue::from(session.access_token.clone());
    if returning {
        match mount.query.get("order") {
            Some(order_id) => html! { <PaymentResult {api} {token} order_id={order_id.clone()} /> },
            None => html! {
                { parts::page("Payment", html! { <>{ parts::empty("No order was named.") }</> }) }
            },
        }
    } else {
        html! { <Pay {api} {token} /> }
    }
}
