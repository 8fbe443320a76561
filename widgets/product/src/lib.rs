//! The product widget: catalog landing, search and the product page.
//!
//! The catalog API arrives with the shopping-journey issue; until then the widget shows the search
//! the shopper asked for (taken from the URL, so it survives reloads and back/forward) and an
//! honest empty state.

use contracts::events::ShellEvent;
use widget_kit::components::Page;
use widget_kit::{WidgetProps, bus};
use yew::prelude::*;

widget_kit::export_widget!(App);

#[function_component]
pub fn App(props: &WidgetProps) -> Html {
    match props.mount.params.get("id") {
        Some(id) => html! {
            <Page title="Product">
                <p class="empty">{ format!("Product {id} is not in the catalog.") }</p>
            </Page>
        },
        None => {
            html! { <Catalog query={props.mount.query.get("q").cloned().unwrap_or_default()} /> }
        }
    }
}

#[derive(Properties, PartialEq)]
struct CatalogProps {
    query: String,
}

/// The search box. Submitting asks the shell to navigate, so the query lands in the URL and
/// comes back as props: the URL is the single source of truth for what is shown.
#[function_component]
fn Catalog(props: &CatalogProps) -> Html {
    let draft = use_state(|| props.query.clone());
    {
        // Back/forward changes the query without remounting: show what the URL says.
        let draft = draft.clone();
        use_effect_with(props.query.clone(), move |query| draft.set(query.clone()));
    }
    let oninput = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            draft.set(
                e.target_unchecked_into::<web_sys::HtmlInputElement>()
                    .value(),
            )
        })
    };
    let onsubmit = {
        let draft = draft.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let q = draft.trim();
            let path = if q.is_empty() {
                "/products".to_owned()
            } else {
                format!("/products?q={}", js_sys::encode_uri_component(q))
            };
            bus::emit(ShellEvent::Navigate { path });
        })
    };
    let message = if props.query.is_empty() {
        "No products are listed yet.".to_owned()
    } else {
        format!("No products match \u{201c}{}\u{201d}.", props.query)
    };
    html! {
        <Page title="Products">
            <form role="search" {onsubmit}>
                <input type="search" name="q" aria-label="Search products" placeholder="Search products"
                    value={(*draft).clone()} {oninput} />
                <button type="submit">{ "Search" }</button>
            </form>
            <p class="empty">{ message }</p>
        </Page>
    }
}
