//! `/orders/:id`: one order with its lines and their CGST, SGST or IGST, the totals, where it
//! goes, how its status moved, its payments and refunds, its tax invoices and credit notes.

use crate::history::short_id;
use crate::json;
use crate::money;
use crate::wire::{self, DocumentRef, Line, Order, Step};
use contracts::fulfilment::CancelOrder;
use contracts::orders::OrderStatus;
use shop_kit::http::{ApiError, Call, encode, query_value};
use shop_kit::parts;
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DetailProps {
    pub api: AttrValue,
    pub token: AttrValue,
    pub id: AttrValue,
}

#[function_component]
pub fn Detail(props: &DetailProps) -> Html {
    let order = use_state(|| None::<Result<Order, ApiError>>);
    let cancelling = use_state(|| None::<Cancelling>);
    let invoices = use_state(|| None::<Result<Vec<DocumentRef>, ApiError>>);
    {
        let (order, invoices) = (order.clone(), invoices.clone());
        let (api, token) = (props.api.clone(), props.token.clone());
        use_effect_with(props.id.clone(), move |id| {
            order.set(None);
            invoices.set(None);
            let url = format!("{api}/orders/{}", query_value(id));
            spawn_local(async move {
                let answer = json::fetch(Call::get(url.clone(), Some(&token)), Order::read).await;
                // Invoiced at confirmation: every status past it has them.
                let confirmed = matches!(&answer, Ok(o) if o.status.is_paid() || o.status == OrderStatus::Cancelled);
                order.set(Some(answer));
                if confirmed {
                    let list = json::fetch(
                        Call::get(format!("{url}/invoices"), Some(&token)),
                        wire::documents,
                    )
                    .await;
                    invoices.set(Some(list));
                }
            });
        });
    }
    let notes = money::use_credit_notes(
        &props.api,
        &props.token,
        order.as_ref().and_then(|answer| answer.as_ref().ok()),
    );
    // Until the order is known, the page is named by the id in the address.
    let title = format!("Order {}", props.id);
    let order_state = order.clone();
    let order = match &*order {
        None => return parts::page(&title, parts::loading()),
        Some(Err(problem)) => {
            return parts::page(
                &title,
                html! {
                    <>
                        { parts::problem(problem) }
                        { parts::link("/orders".into(), html! { "Your orders" }) }
                    </>
                },
            );
        }
        Some(Ok(order)) => order,
    };
    let address = &order.address;
    let order_handle = order_state.clone();
    let body = html! {
        <article data-testid="order" data-order-id={order.id.clone()}>
            <p>{ "Status: " }{ parts::status(order.status) }
                <span class="muted">{ format!(" · placed {}", parts::date_time(order.created_at)) }</span></p>
            if let (OrderStatus::PaymentPending, Some(url)) = (order.status, &order.payment_url) {
                <p><a href={url.clone()} data-testid="pay-now">{ "Pay now" }</a></p>
            }
            <h2>{ "Items" }</h2>
            <table data-testid="order-lines">
                { parts::head(&[("Product", false), ("HSN", false), ("Qty", true), ("Unit price", true),
                    ("Taxable", true), ("Rate", true), ("CGST", true), ("SGST", true), ("IGST", true),
                    ("Amount", true)]) }
                <tbody>{ for order.lines.iter().map(line) }</tbody>
                <tfoot><tr>
                    <th scope="row" colspan="4">{ "Total" }</th>
                    <td class="num">{ order.totals.taxable.to_inr() }</td>
                    <td></td>
                    <td class="num" data-testid="total-cgst">{ order.totals.cgst.to_inr() }</td>
                    <td class="num" data-testid="total-sgst">{ order.totals.sgst.to_inr() }</td>
                    <td class="num" data-testid="total-igst">{ order.totals.igst.to_inr() }</td>
                    <td class="num" data-testid="order-total"><strong>{ order.totals.total.to_inr() }</strong></td>
                </tr></tfoot>
            </table>
            if order.refunded.0 > 0 {
                <p data-testid="refunded">{ format!("Refunded {}", order.refunded.to_inr()) }</p>
            }
            { money::payments(order) }
            <h2>{ "Delivery" }</h2>
            <address>
                { address.name.clone() }<br />
                { address.line1.clone() }<br />
                if let Some(line2) = &address.line2 { { line2.clone() }<br /> }
                { format!("{} {} (state {})", address.city, address.pincode, address.state_code) }<br />
                { format!("Phone {}", address.phone) }
            </address>
            <h2>{ "History" }</h2>
            { timeline(order) }
            if order.cancellable {
                { cancel_form(props, &order.id, &cancelling, &order_handle) }
            }
            { invoice_links(&invoices) }
            { money::credit_notes(&props.api, &props.token, &notes) }
            <p>{ parts::link("/orders".into(), html! { "All orders" }) }</p>
        </article>
    };
    parts::page(&format!("Order {}", short_id(&order.id)), body)
}

/// The order's timeline: each step of its history (a shipment with its carrier and tracking
/// number, a cancellation with its reason), then each refund given back.
fn timeline(order: &Order) -> Html {
    let step = |change: &Step| {
        let mut text = format!(
            "{} — {}",
            parts::date_time(change.at),
            parts::status_label(change.status)
        );
        if let (Some(carrier), Some(tracking)) = (&change.carrier, &change.tracking_number) {
            text.push_str(&format!(" with {carrier}, tracking number {tracking}"));
        }
        if let (OrderStatus::Cancelled, Some(reason)) = (change.status, &order.cancellation_reason)
        {
            text.push_str(&format!(": {reason}"));
        }
        html! { <li data-testid="timeline-step" data-status={change.status.as_str()}>{ text }</li> }
    };
    html! {
        <ol data-testid="order-history">
            { for order.history.iter().map(step) }
            { for order.refunds.iter().filter(|r| r.done()).map(|refund| html! {
                <li data-testid="timeline-step" data-status="REFUNDED">
                    { format!("{} — Refunded {}", parts::date_time(refund.settled_at.unwrap_or(refund.created_at)), refund.amount.to_inr()) }
                </li>
            }) }
        </ol>
    }
}

/// A cancellation being asked for: its key (one per opened form, so a retry cancels once),
/// the reason typed, the API's problem, and whether it is on its way.
#[derive(Clone, PartialEq)]
struct Cancelling {
    key: String,
    reason: String,
    problem: Option<ApiError>,
    busy: bool,
}

/// The Cancel button, then the form that confirms it with a reason.
fn cancel_form(
    props: &DetailProps,
    id: &str,
    cancelling: &UseStateHandle<Option<Cancelling>>,
    order: &UseStateHandle<Option<Result<Order, ApiError>>>,
) -> Html {
    let Some(form) = (**cancelling).clone() else {
        let (cancelling, key) = (
            cancelling.clone(),
            format!("cancel-{id}-{}", js_sys::Date::now()),
        );
        let onclick = Callback::from(move |_: MouseEvent| {
            cancelling.set(Some(Cancelling {
                key: key.clone(),
                reason: String::new(),
                problem: None,
                busy: false,
            }));
        });
        return html! { <p><button {onclick} data-testid="cancel-order">{ "Cancel order" }</button></p> };
    };
    let oninput = {
        let (cancelling, form) = (cancelling.clone(), form.clone());
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            cancelling.set(Some(Cancelling {
                reason: input.value(),
                ..form.clone()
            }));
        })
    };
    let onsubmit = {
        let (cancelling, order, form) = (cancelling.clone(), order.clone(), form.clone());
        let url = format!("{}/orders/{}/cancel", props.api, query_value(id));
        let token = props.token.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            cancelling.set(Some(Cancelling {
                busy: true,
                problem: None,
                ..form.clone()
            }));
            let (cancelling, order, form, url, token) = (
                cancelling.clone(),
                order.clone(),
                form.clone(),
                url.clone(),
                token.clone(),
            );
            spawn_local(async move {
                let body = encode(&CancelOrder {
                    reason: form.reason.clone(),
                });
                let mut call = Call::with_body("POST", url, body, Some(&token));
                call.idempotency_key = Some(&form.key);
                match json::fetch(call, Order::read).await {
                    Ok(cancelled) => {
                        cancelling.set(None);
                        order.set(Some(Ok(cancelled)));
                    }
                    Err(problem) => cancelling.set(Some(Cancelling {
                        busy: false,
                        problem: Some(problem),
                        ..form
                    })),
                }
            });
        })
    };
    let keep = {
        let cancelling = cancelling.clone();
        Callback::from(move |_: MouseEvent| cancelling.set(None))
    };
    let problem = form.problem.as_deref();
    html! {
        <form {onsubmit} data-testid="cancel-form">
            <label for="cancel-reason">{ "Why are you cancelling? Everything you paid is refunded." }</label>
            <input id="cancel-reason" value={form.reason.clone()} {oninput} required=true data-testid="cancel-reason" />
            { parts::field_error(problem, "reason") }
            if let Some(problem) = problem.filter(|p| p.errors.iter().all(|e| e.field != "reason")) {
                { parts::problem(problem) }
            }
            <button type="submit" disabled={form.busy} data-testid="confirm-cancel">{ "Confirm cancellation" }</button>
            <button type="button" onclick={keep}>{ "Keep the order" }</button>
        </form>
    }
}

fn line(line: &Line) -> Html {
    html! {
        <tr key={line.product_id.clone()} data-testid="order-line" data-product-id={line.product_id.clone()}>
            <td>{ line.name.clone() }</td>
            <td>{ line.hsn.clone() }</td>
            <td class="num">{ line.quantity }</td>
            { parts::amount_cells(&[line.unit_price, line.tax.taxable]) }
            <td class="num">{ line.tax.rate.map(|rate| rate.to_string()) }</td>
            { parts::amount_cells(&[line.tax.cgst, line.tax.sgst, line.tax.igst, line.tax.total]) }
        </tr>
    }
}

fn invoice_links(invoices: &Option<Result<Vec<DocumentRef>, ApiError>>) -> Html {
    let Some(answer) = invoices else {
        return Html::default();
    };
    html! {
        <>
            <h2>{ "Tax invoices" }</h2>
            { match answer {
                Err(problem) => parts::problem(problem),
                Ok(list) if list.is_empty() => parts::empty("No invoice has been issued yet."),
                Ok(list) => html! {
                    <ul>
                        { for list.iter().map(|invoice| html! {
                            <li key={invoice.id.clone()} data-testid="invoice-link">
                                { parts::link(format!("/invoices/{}", invoice.id), html! { <span>{ format!("{} · {} · {}", invoice.number, invoice.supplier, invoice.total.to_inr()) }</span> }) }
                            </li>
                        }) }
                    </ul>
                },
            } }
        </>
    }
}
