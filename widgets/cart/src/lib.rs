//! The cart widget: the cart page (`/cart`) and the cart badge of the header (`header-cart`).

mod badge;
mod page;

use badge::Badge;
use contracts::props::MAIN_SLOT;
use page::CartPage;
use widget_kit::WidgetProps;
use yew::prelude::*;

widget_kit::export_widget!(App);

#[function_component]
pub fn App(props: &WidgetProps) -> Html {
    let mount = &props.mount;
    let api = AttrValue::from(mount.api_base.clone());
    let token = mount
        .session
        .as_ref()
        .map(|s| AttrValue::from(s.access_token.clone()));
    if mount.slot == MAIN_SLOT {
        html! { <CartPage {api} {token} /> }
    } else {
        html! { <Badge {api} {token} /> }
    }
}
