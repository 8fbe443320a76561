//! The invoice widget: one GST tax invoice (`/invoices/:id`) and its PDF.

mod document;

use contracts::invoices::Invoice;
use shop_kit::http::{ApiError, Call, query_value};
use shop_kit::parts;
use widget_kit::WidgetProps;
use yew::platform::spawn_local;
use yew::prelude::*;

widget_kit::export_widget!(App);

#[function_component]
pub fn App(props: &WidgetProps) -> Html {
    let mount = &props.mount;
    let id = mount.params.get("id").cloned().unwrap_or_default();
    let api = mount.api_base.clone();
    let token = mount.session.as_ref().map(|s| s.access_token.clone());
    let invoice = use_state(|| None::<Result<Invoice, ApiError>>);
    let saving = use_state(|| false);
    let save_problem = use_state(|| None::<ApiError>);
    {
        let (invoice, api, token) = (invoice.clone(), api.clone(), token.clone());
        use_effect_with((id.clone(), token.is_some()), move |(id, _)| {
            invoice.set(None);
            if let Some(token) = token {
                let url = format!("{api}/invoices/{}", query_value(id));
                spawn_local(async move {
                    invoice.set(Some(Call::get(url, Some(&token)).json().await));
                });
            }
        });
    }
    let Some(token) = token else {
        return parts::page(
            "Invoice",
            html! {
                <>
                    { parts::empty("Sign in to see your invoices.") }
                    { parts::link("/login".into(), html! { "Sign in" }) }
                </>
            },
        );
    };
    let invoice = match &*invoice {
        None => return parts::page("Invoice", parts::loading()),
        Some(Err(problem)) => {
            return parts::page(
                "Invoice",
                html! {
                    <>
                        { parts::problem(problem) }
                        { parts::link("/orders".into(), html! { "Your orders" }) }
                    </>
                },
            );
        }
        Some(Ok(invoice)) => invoice,
    };
    let ondownload = {
        let (saving, save_problem) = (saving.clone(), save_problem.clone());
        let url = format!("{api}/invoices/{}/pdf", query_value(&invoice.id));
        let file_name = format!("{}.pdf", invoice.number.replace('/', "-"));
        Callback::from(move |_: MouseEvent| {
            if *saving {
                return;
            }
            saving.set(true);
            save_problem.set(None);
            let (saving, save_problem) = (saving.clone(), save_problem.clone());
            let (url, token, file_name) = (url.clone(), token.clone(), file_name.clone());
            spawn_local(async move {
                if let Err(problem) = shop_kit::download::save(url, &token, &file_name).await {
                    save_problem.set(Some(problem));
                }
                saving.set(false);
            });
        })
    };
    parts::page(
        "Invoice",
        html! {
            <>
                <p>
                    <button onclick={ondownload} disabled={*saving} data-testid="download-pdf">
                        { if *saving { "Preparing PDF…" } else { "Download PDF" } }
                    </button>
                    { " " }
                    { parts::link(format!("/orders/{}", invoice.order_id), html! { "The order" }) }
                </p>
                if let Some(problem) = &*save_problem {
                    { parts::problem(problem) }
                }
                { document::invoice(invoice) }
            </>
        },
    )
}
