//! The page the gateway sends the shopper back to, `/checkout/result?order=<id>`: it asks for
//! the order until the payment's outcome is final (the gateway's webhook may land a moment
//! after the shopper does), then says what happened and links to the order and its invoices.

use crate::json::{self, member};
use contracts::Paise;
use contracts::orders::OrderStatus;
use shop_kit::http::{ApiError, Call, query_value, unexpected};
use shop_kit::parts;
use std::time::Duration;
use wasm_bindgen::JsValue;
use yew::platform::spawn_local;
use yew::prelude::*;

/// Between the first reads of a pending order; later reads slow down (see `pause`).
const POLL_EVERY: Duration = Duration::from_millis(1500);
/// The longest pause between two reads, reached after a minute or so of waiting.
const POLL_AT_MOST: Duration = Duration::from_secs(10);

/// What this page reads of the order and its invoices, member by member from `JSON.parse`
/// (`crate::json`): the full `Order` and `Invoice` decoders (addresses, lines, dates), and even
/// derived decoders of these few members, would be this widget's largest code.
#[derive(Clone, PartialEq)]
struct Order {
    id: String,
    status: OrderStatus,
    total: Paise,
}

impl Order {
    fn read(order: &JsValue) -> Option<Order> {
        Some(Order {
            id: json::text(order, "id")?,
            status: OrderStatus::parse(&json::text(order, "status")?)?,
            total: Paise(member(&member(order, "totals"), "total").as_f64()? as i64),
        })
    }
}

#[derive(Clone, PartialEq)]
struct InvoiceRef {
    id: String,
    number: String,
}

/// The `items` of an `InvoiceList`; `None` when one does not read. Read by index through
/// `Reflect.get`, which costs no import beyond the ones `crate::json` has.
fn invoices_of(list: &JsValue) -> Option<Vec<InvoiceRef>> {
    let items = member(list, "items");
    let mut invoices = Vec::new();
    for at in 0..member(&items, "length").as_f64()? as u32 {
        let invoice = member(&items, &at.to_string());
        invoices.push(InvoiceRef {
            id: json::text(&invoice, "id")?,
            number: json::text(&invoice, "number")?,
        });
    }
    Some(invoices)
}

/// `call`'s answer as JSON.
async fn fetch_json(call: Call<'_>) -> Result<JsValue, ApiError> {
    json::parse(&call.text().await?)
}

#[derive(Properties, PartialEq)]
pub struct ResultProps {
    pub api: AttrValue,
    pub token: AttrValue,
    pub order_id: AttrValue,
}

#[derive(Clone, PartialEq)]
enum Seen {
    Waiting,
    Order(Order),
    Failed(ApiError),
}

#[function_component]
pub fn PaymentResult(props: &ResultProps) -> Html {
    let seen = use_state(|| Seen::Waiting);
    let invoices = use_state(Vec::new);
    let alive = use_mut_ref(|| 0u32);
    {
        let (seen, invoices, alive) = (seen.clone(), invoices.clone(), alive.clone());
        let (api, token) = (props.api.clone(), props.token.clone());
        use_effect_with(props.order_id.clone(), move |order_id| {
            *alive.borrow_mut() += 1;
            let this = *alive.borrow();
            let url = format!("{api}/orders/{}", query_value(order_id));
            let still = {
                let alive = alive.clone();
                move || *alive.borrow() == this
            };
            spawn_local(async move {
                for poll in 0.. {
                    let answer = fetch_json(Call::get(url.clone(), Some(&token)))
                        .await
                        .and_then(|order| {
                            Order::read(&order).ok_or_else(|| unexpected("not an order"))
                        });
                    if !still() {
                        return;
                    }
                    match answer {
                        // The payment's verdict is in: a final status, or paid (confirmed and
                        // on, since fulfilment follows confirmation).
                        Ok(order)
                            if order.status.is_final()
                                || order.status.is_paid()
                                    && order.status != OrderStatus::Success =>
                        {
                            if order.status.is_paid() {
                                let list =
                                    fetch_json(Call::get(format!("{url}/invoices"), Some(&token)))
                                        .await;
                                if let Some(items) = list.ok().as_ref().and_then(invoices_of) {
                                    invoices.set(items);
                                }
                            }
                            seen.set(Seen::Order(order));
                            return;
                        }
                        Ok(order) => seen.set(Seen::Order(order)),
                        Err(problem) => {
                            seen.set(Seen::Failed(problem));
                            return;
                        }
                    }
                    sleep(pause(poll)).await;
                    if !still() {
                        return;
                    }
                }
            });
            move || *alive.borrow_mut() += 1
        });
    }

    let body = match &*seen {
        Seen::Waiting => parts::loading(),
        Seen::Failed(problem) => parts::problem(problem),
        Seen::Order(order) => {
            let outcome = match order.status {
                OrderStatus::OrderConfirmed => "Payment received: your order is confirmed.",
                OrderStatus::PaymentFailed => {
                    "The payment was declined. Nothing was charged and the order is cancelled."
                }
                OrderStatus::PaymentTimeout => {
                    "The payment did not complete in time. Nothing was charged and the order is cancelled."
                }
                _ => "Waiting for the payment gateway's answer…",
            };
            html! {
                <div data-testid="payment-result" data-order-id={order.id.clone()}>
                    <p>{ "Status: " }{ parts::status(order.status) }</p>
                    <p aria-live="polite">{ outcome }</p>
                    <p>{ format!("Total {}", order.total.to_inr()) }</p>
                    <ul>
                        <li>{ parts::link(format!("/orders/{}", order.id), html! { "View the order" }) }</li>
                        { for invoices.iter().map(|invoice| html! {
                            <li key={invoice.id.clone()} data-testid="invoice-link">
                                { parts::link(format!("/invoices/{}", invoice.id), html! { <span>{ format!("Tax invoice {}", invoice.number) }</span> }) }
                            </li>
                        }) }
                    </ul>
                </div>
            }
        }
    };
    parts::page("Payment", body)
}

/// The wait before read `poll + 1`: a webhook usually lands within seconds, so the first reads
/// come quickly; a gateway that takes its time is asked less and less often (never stopping,
/// so the page ends up showing the outcome, even a timeout half an hour later).
fn pause(poll: u32) -> Duration {
    (POLL_EVERY * (1 + poll / 10)).min(POLL_AT_MOST)
}

/// Resolves after `duration`: a `setTimeout` promise, which costs this widget less wasm than
/// Yew's timer futures.
async fn sleep(duration: Duration) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            // A timer that cannot be set resolves never; the page then simply stops asking.
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                &resolve,
                duration.as_millis() as i32,
            );
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
