//! The product widget: the catalog (search, filters, sort, "Load more") and the product page
//! (its pictures, and "Add to cart", which fills the shopper's cart).

mod catalog;
mod detail;
mod filters;
mod pictures;

use catalog::Catalog;
use detail::Detail;
use widget_kit::WidgetProps;
use yew::prelude::*;

widget_kit::export_widget!(App);

#[function_component]
pub fn App(props: &WidgetProps) -> Html {
    let mount = &props.mount;
    let api = AttrValue::from(mount.api_base.clone());
    match mount.params.get("id") {
        Some(id) => {
            let token = mount
                .session
                .as_ref()
                .map(|s| AttrValue::from(s.access_token.clone()));
            html! { <Detail {api} id={id.clone()} {token} /> }
        }
        None => html! { <Catalog {api} query={mount.query.clone()} /> },
    }
}
