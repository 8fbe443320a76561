//! The shop's orders (`/seller/orders`) and one of them (`/seller/orders/:id`): its paid
//! orders with the shop's lines and its part's status, and the fulfilment steps the API allows
//! next: Pack, Ship (carrier and tracking number, with the API's field errors), Deliver. A
//! customer's cancellation shows with its reason. The API scopes everything to the shop.

use contracts::Paise;
use contracts::fulfilment::{Cancellation, ShipOrder};
use contracts::orders::OrderStatus;
use serde::Deserialize;
use shop_kit::http::{ApiError, Call, encode, query_value};
use shop_kit::parts;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use shop_kit::back_office::PageProps;

/// The statuses of paid orders, as a seller sees its part.
const PAID: &str = "ORDER_CONFIRMED,PACKED,SHIPPED,DELIVERED,CANCELLED";

/// What the page reads of an order: the members it shows. Decoding all of
/// `contracts::orders::Order` (payments, refunds, every tax) would cost the wasm kilobytes.
#[derive(Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Order {
    id: String,
    status: OrderStatus,
    address: Address,
    #[serde(default)]
    address_withheld: bool,
    lines: Vec<Line>,
    totals: Amount,
    #[serde(default)]
    parts: Vec<Part>,
    #[serde(default)]
    cancellation: Option<Cancellation>,
    created_at: i64,
}

#[derive(Clone, PartialEq, Deserialize)]
struct Address {
    name: String,
    line1: String,
    city: String,
    pincode: String,
}

#[derive(Clone, PartialEq, Deserialize)]
struct Line {
    name: String,
    quantity: u32,
    tax: Amount,
}

/// A total (of a line's tax breakup, or of the order).
#[derive(Clone, PartialEq, Deserialize)]
struct Amount {
    total: Paise,
}

/// The shop's part's shipment.
#[derive(Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Part {
    carrier: Option<String>,
    tracking_number: Option<String>,
}

#[derive(Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OrderPage {
    items: Vec<Order>,
    next_cursor: Option<String>,
}

/// The page's state: the orders shown (a page of them, or the one of the route), the order a
/// step is running for, the open shipment form, and the last step's problem.
#[derive(Default, PartialEq, Clone)]
struct State {
    orders: Option<Result<Vec<Order>, ApiError>>,
    next: Option<String>,
    busy: Option<String>,
    /// The order whose shipment form is open, with its carrier and tracking number.
    form: Option<(String, String, String)>,
    problem: Option<(String, ApiError)>,
}

enum Action {
    Loaded(Result<OrderPage, ApiError>, bool),
    Busy(String),
    Moved(Box<Order>),
    Failed(String, ApiError),
    Open(String),
    Carrier(String),
    Tracking(String),
    Close,
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = Rc::unwrap_or_clone(self);
        match action {
            Action::Loaded(Ok(page), more) => {
                let mut orders = match (more, s.orders.take()) {
                    (true, Some(Ok(orders))) => orders,
                    _ => Vec::new(),
                };
                orders.extend(page.items);
                s.orders = Some(Ok(orders));
                s.next = page.next_cursor;
            }
            Action::Loaded(Err(problem), _) => s.orders = Some(Err(problem)),
            Action::Busy(id) => {
                s.busy = Some(id);
                s.problem = None;
            }
            Action::Moved(order) => {
                if let Some(Ok(orders)) = &mut s.orders
                    && let Some(shown) = orders.iter_mut().find(|o| o.id == order.id)
                {
                    *shown = *order;
                }
                s.busy = None;
                s.form = None;
            }
            Action::Failed(id, problem) => {
                s.busy = None;
                s.problem = Some((id, problem));
            }
            Action::Open(id) => {
                s.form = Some((id, String::new(), String::new()));
                s.problem = None;
            }
            Action::Carrier(text) => {
                if let Some(form) = &mut s.form {
                    form.1 = text;
                }
            }
            Action::Tracking(text) => {
                if let Some(form) = &mut s.form {
                    form.2 = text;
                }
            }
            Action::Close => s.form = None,
        }
        Rc::new(s)
    }
}

#[function_component]
pub fn Orders(props: &PageProps) -> Html {
    let state = use_reducer(State::default);
    {
        let state = state.clone();
        let (api, token) = (props.api.clone(), props.token.clone());
        use_effect_with(props.id.clone(), move |id| {
            let url = match id {
                Some(id) => format!("{api}/orders/{}", query_value(id)),
                None => format!("{api}/orders?limit=50&status={PAID}"),
            };
            let one = id.is_some();
            spawn_local(async move {
                let call = Call::get(url, Some(&token));
                let page = if one {
                    call.json::<Order>().await.map(|order| OrderPage {
                        items: vec![order],
                        next_cursor: None,
                    })
                } else {
                    call.json::<OrderPage>().await
                };
                state.dispatch(Action::Loaded(page, false));
            });
        });
    }
    let title = if props.id.is_some() {
        "Order"
    } else {
        "Orders for your shop"
    };
    let orders = match &state.orders {
        None => return parts::page(title, parts::loading()),
        Some(Err(problem)) => return parts::page(title, parts::problem(problem)),
        Some(Ok(orders)) if orders.is_empty() => {
            return parts::page(title, parts::empty("No paid orders yet."));
        }
        Some(Ok(orders)) => orders,
    };
    // A fulfilment step of one order; the answer replaces it on the page.
    let step = {
        let (api, token, state) = (props.api.clone(), props.token.clone(), state.clone());
        Rc::new(move |id: &str, step: &'static str, body: Option<String>| {
            let url = format!("{api}/seller/orders/{}/{step}", query_value(id));
            let (state, token, id) = (state.clone(), token.clone(), id.to_owned());
            spawn_local(async move {
                state.dispatch(Action::Busy(id.clone()));
                let body = body.or_else(|| Some("{}".into()));
                match Call::with_body("POST", url, body, Some(&token))
                    .json::<Order>()
                    .await
                {
                    Ok(order) => state.dispatch(Action::Moved(Box::new(order))),
                    Err(problem) => state.dispatch(Action::Failed(id, problem)),
                }
            });
        })
    };
    let more = state.next.clone().map(|after| {
        let (state, api, token) = (state.clone(), props.api.clone(), props.token.clone());
        let onclick = Callback::from(move |_: MouseEvent| {
            let url = format!(
                "{api}/orders?limit=50&status={PAID}&after={}",
                query_value(&after)
            );
            let (state, token) = (state.clone(), token.clone());
            spawn_local(async move {
                let page = Call::get(url, Some(&token)).json::<OrderPage>().await;
                state.dispatch(Action::Loaded(page, true));
            });
        });
        html! { <button {onclick} data-testid="more">{ "More orders" }</button> }
    });
    let body = html! {
        <>
            { for orders.iter().map(|order| card(order, &state, &step, props.id.is_none())) }
            { more.unwrap_or_default() }
        </>
    };
    parts::page(title, body)
}

/// One order: its part's status, lines, shipment, cancellation, and the next step's controls.
fn card(
    order: &Order,
    state: &UseReducerHandle<State>,
    step: &Rc<impl Fn(&str, &'static str, Option<String>) + 'static>,
    listed: bool,
) -> Html {
    let id = order.id.clone();
    let short = id.get(..8).unwrap_or(&id).to_owned();
    let busy = state.busy.as_deref() == Some(id.as_str());
    let problem = state
        .problem
        .as_ref()
        .filter(|(of, _)| *of == id)
        .map(|(_, problem)| problem.as_ref());
    let part = order.parts.first();
    let button = |label: &'static str, name: &'static str| {
        let (step, id) = (step.clone(), id.clone());
        let onclick = Callback::from(move |_: MouseEvent| step(&id, name, None));
        html! { <button {onclick} disabled={busy} data-testid={name}>{ label }</button> }
    };
    let open = {
        let (state, id) = (state.clone(), id.clone());
        Callback::from(move |_: MouseEvent| state.dispatch(Action::Open(id.clone())))
    };
    let controls = match order.status {
        OrderStatus::OrderConfirmed => button("Pack", "pack"),
        OrderStatus::Packed => match &state.form {
            Some((of, carrier, tracking)) if *of == id => {
                ship_form(state, step, &id, carrier, tracking, busy, problem)
            }
            _ => html! { <button onclick={open} data-testid="ship">{ "Ship" }</button> },
        },
        OrderStatus::Shipped => button("Mark delivered", "deliver"),
        _ => Html::default(),
    };
    html! {
        <article key={id.clone()} class="card" data-testid="seller-order" data-order-id={id.clone()}>
            <h2>
                if listed {
                    { parts::link(format!("/seller/orders/{id}"), html! { { format!("Order {short}") } }) }
                } else {
                    { format!("Order {short}") }
                }
                { " " }{ parts::status(order.status) }
            </h2>
            <p class="muted">{ format!("Placed {} · {}", parts::date_time(order.created_at), order.totals.total.to_inr()) }</p>
            <ul data-testid="seller-order-lines">
                { for order.lines.iter().map(|line| html! {
                    <li>{ format!("{} × {} — {}", line.name, line.quantity, line.tax.total.to_inr()) }</li>
                }) }
            </ul>
            if !order.address_withheld {
                <p>{ format!("Deliver to {}, {}, {} {}", order.address.name, order.address.line1, order.address.city, order.address.pincode) }</p>
            }
            if let Some(part) = part {
                if let (Some(carrier), Some(tracking)) = (&part.carrier, &part.tracking_number) {
                    <p data-testid="shipment">{ format!("Shipped with {carrier}, tracking number {tracking}") }</p>
                }
            }
            if let Some(cancellation) = &order.cancellation {
                <p data-testid="cancellation">{ format!("Cancelled by the customer on {}: {}", parts::date_time(cancellation.at), cancellation.reason) }</p>
            }
            { controls }
            if let (Some(problem), false) = (problem, state.form.is_some()) { { parts::problem(problem) } }
        </article>
    }
}

/// The shipment form: carrier and tracking number, each with the API's field error.
fn ship_form(
    state: &UseReducerHandle<State>,
    step: &Rc<impl Fn(&str, &'static str, Option<String>) + 'static>,
    id: &str,
    carrier: &str,
    tracking: &str,
    busy: bool,
    problem: Option<&contracts::Problem>,
) -> Html {
    let input = |action: fn(String) -> Action| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            state.dispatch(action(input.value()));
        })
    };
    let onsubmit = {
        let (step, id) = (step.clone(), id.to_owned());
        let body = encode(&ShipOrder {
            carrier: carrier.to_owned(),
            tracking_number: tracking.to_owned(),
        });
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            step(&id, "ship", body.clone());
        })
    };
    let close = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::Close))
    };
    let field_id = |name: &str| format!("{name}-{id}");
    html! {
        <form {onsubmit} data-testid="ship-form">
            <label for={field_id("carrier")}>{ "Carrier" }</label>
            <input id={field_id("carrier")} value={carrier.to_owned()} oninput={input(Action::Carrier)} data-testid="carrier" required=true />
            { parts::field_error(problem, "carrier") }
            <label for={field_id("tracking")}>{ "Tracking number" }</label>
            <input id={field_id("tracking")} value={tracking.to_owned()} oninput={input(Action::Tracking)} data-testid="tracking-number" required=true />
            { parts::field_error(problem, "trackingNumber") }
            if let Some(problem) = problem.filter(|p| p.errors.iter().all(|e| e.field != "carrier" && e.field != "trackingNumber")) {
                { parts::problem(problem) }
            }
            <button type="submit" disabled={busy} data-testid="ship-submit">{ "Confirm shipment" }</button>
            <button type="button" onclick={close}>{ "Cancel" }</button>
        </form>
    }
}
