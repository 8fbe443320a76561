//! The seller widget: the shop's dashboard (`/seller`), its products (`/seller/products`,
//! `/seller/products/:id`), its orders and their fulfilment (`/seller/orders`,
//! `/seller/orders/:id`) and its profile (`/seller/shop`). Every page is scoped to the signed-in
//! seller's own shop by the API; the widget only ever asks for "mine".

mod dashboard;
mod orders;
mod products;
mod shop;

use shop_kit::parts;
use widget_kit::WidgetProps;
use yew::prelude::*;

widget_kit::export_widget!(App);

/// What every page needs: where the API is and the seller's token.
#[derive(Properties, PartialEq, Clone)]
pub struct PageProps {
    pub api: AttrValue,
    pub token: AttrValue,
    /// The `:id` of the route, when it has one.
    #[prop_or_default]
    pub id: Option<AttrValue>,
}

#[function_component]
pub fn App(props: &WidgetProps) -> Html {
    let mount = &props.mount;
    // The shell's guard lets only sellers in; this covers a session that ended on the page.
    let Some(session) = &mount.session else {
        return parts::page(
            "Your shop",
            html! { <>
                { parts::empty("Your session has ended.") }
                { parts::link("/login?next=/seller".into(), html! { "Sign in" }) }
            </> },
        );
    };
    let page = PageProps {
        api: mount.api_base.clone().into(),
        token: session.access_token.clone().into(),
        id: mount.params.get("id").map(|id| AttrValue::from(id.clone())),
    };
    let path = mount.path.as_str();
    if path.starts_with("/seller/products") {
        html! { <products::Products ..page /> }
    } else if path.starts_with("/seller/orders") {
        html! { <orders::Orders ..page /> }
    } else if path == "/seller/shop" {
        html! { <shop::Shop ..page /> }
    } else {
        html! { <dashboard::Dashboard ..page /> }
    }
}
