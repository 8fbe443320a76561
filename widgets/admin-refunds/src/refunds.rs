//! Refunds: find an order by id, refund part or all of it with a reason, and see its credit
//! notes. Only what the page shows is decoded (a few fields of the order and of each note).

use contracts::money::Paise;
use contracts::orders::RefundRequest;
use serde::Deserialize;
use shop_kit::back_office::{Load, PageProps, call, refused, value, view};
use shop_kit::http::{ApiError, Call, encode, random_key};
use shop_kit::parts;
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Deserialize)]
struct Totals {
    total: Paise,
}

#[derive(Deserialize)]
struct Order {
    id: String,
    totals: Totals,
    refunded: Paise,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Note {
    number: String,
    date: String,
    totals: Totals,
}

#[derive(Deserialize)]
struct Notes {
    items: Vec<Note>,
}

/// `"120.50"` rupees as paise; `None` when it is not an amount.
fn paise(text: &str) -> Option<Paise> {
    let (rupees, fraction) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
    if fraction.len() > 2 || !(rupees.bytes().chain(fraction.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let fraction: i64 = format!("{fraction:0<2}").parse().ok()?;
    Some(Paise(
        rupees
            .parse::<i64>()
            .ok()?
            .checked_mul(100)?
            .checked_add(fraction)?,
    ))
}

#[function_component]
pub fn Refunds(props: &PageProps) -> Html {
    let (id, amount, reason) = (use_node_ref(), use_node_ref(), use_node_ref());
    let order = use_state(|| None::<Load<(Order, Notes)>>);
    let problem = use_state(|| None::<ApiError>);

    let find = {
        let (page, order) = (props.clone(), order.clone());
        Callback::from(move |id: String| {
            order.set(Some(Load::Loading));
            let order = order.clone();
            let (o, n) = (
                format!("/orders/{id}"),
                format!("/orders/{id}/credit-notes"),
            );
            let page2 = page.clone();
            call(&page, "GET", o, None, move |r: Result<Order, _>| match r {
                Err(p) => order.set(Some(Load::Failed(p))),
                Ok(found) => call(&page2, "GET", n, None, move |r: Result<Notes, _>| {
                    order.set(Some(
                        r.map_or_else(Load::Failed, |notes| Load::Ready((found, notes))),
                    ))
                }),
            });
        })
    };
    let onsubmit = {
        let (find, id) = (find.clone(), id.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            find.emit(value(&id).trim().to_owned());
        })
    };
    let refund = {
        let (page, amount, reason, problem, find) = (
            props.clone(),
            amount.clone(),
            reason.clone(),
            problem.clone(),
            find.clone(),
        );
        move |order_id: String| {
            Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                let typed = value(&amount);
                let amount = if typed.trim().is_empty() {
                    None
                } else {
                    match paise(&typed) {
                        Some(p) => Some(p),
                        None => {
                            return problem.set(Some(std::rc::Rc::new(contracts::Problem::new(
                                422,
                                "amount",
                                "Write the amount in rupees, e.g. 120.50.",
                            ))));
                        }
                    }
                };
                let body = encode(&RefundRequest {
                    amount,
                    reason: value(&reason),
                });
                let Ok(key) = random_key() else {
                    return problem.set(Some(std::rc::Rc::new(contracts::Problem::new(
                        500,
                        "amount",
                        "This browser cannot make a request key; reload the page.",
                    ))));
                };
                let (url, token) = (
                    format!("{}/orders/{order_id}/refunds", page.api),
                    page.token.clone(),
                );
                let (problem, find, order_id) = (problem.clone(), find.clone(), order_id.clone());
                problem.set(None);
                spawn_local(async move {
                    let mut call = Call::with_body("POST", url, body, Some(&token));
                    call.idempotency_key = Some(&key);
                    match call.text().await {
                        Ok(_) => find.emit(order_id),
                        Err(p) => problem.set(Some(p)),
                    }
                });
            })
        }
    };

    html! { <>
        <form {onsubmit} role="search" data-testid="order-search">
            <label>{ "Order id" }<input ref={id} name="orderId" required=true /></label>
            <button type="submit">{ "Find" }</button>
        </form>
        { order.as_ref().map(|load| view(load, |(order, notes)| html! { <section data-testid="refund-order">
            <p>{ format!("Order {}: total {}, refunded {}", order.id, order.totals.total.to_inr(), order.refunded.to_inr()) }</p>
            <form onsubmit={refund(order.id.clone())} data-testid="refund-form">
                <label>{ "Amount in rupees (empty: all that is left)" }<input ref={amount.clone()} name="amount" inputmode="decimal" /></label>
                <label>{ "Reason" }<input ref={reason.clone()} name="reason" required=true maxlength="500" /></label>
                <button type="submit">{ "Refund" }</button>
            </form>
            if let Some(p) = &*problem { { refused(p) } }
            <h2>{ "Credit notes" }</h2>
            if notes.items.is_empty() { { parts::empty("No credit note yet.") } }
            <ul data-testid="credit-notes">{ for notes.items.iter().map(|n| html! {
                <li key={n.number.clone()}>{ format!("{} of {}: {}", n.number, n.date, n.totals.total.to_inr()) }</li>
            }) }</ul>
        </section> })).unwrap_or_default() }
    </> }
}
