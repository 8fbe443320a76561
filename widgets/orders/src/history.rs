//! `/orders`: the customer's orders, newest first, a page at a time.

use crate::json;
use crate::wire::{Order, OrderPage};
use shop_kit::http::{ApiError, Call, query_value};
use shop_kit::parts;
use std::rc::Rc;
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HistoryProps {
    pub api: AttrValue,
    pub token: AttrValue,
}

/// The pages fetched so far, each shared: loading the next one copies the list of pages, not
/// the orders (which need no `Clone`, and its code in the wasm, that way).
#[derive(Default)]
struct Listed {
    pages: Vec<Rc<Vec<Order>>>,
    next_cursor: Option<String>,
    loading: bool,
    problem: Option<ApiError>,
}

#[function_component]
pub fn History(props: &HistoryProps) -> Html {
    let listed = use_state(|| Listed {
        loading: true,
        ..Listed::default()
    });
    let fetch = {
        let (listed, api, token) = (listed.clone(), props.api.clone(), props.token.clone());
        Callback::from(
            move |(cursor, mut shown): (Option<String>, Vec<Rc<Vec<Order>>>)| {
                listed.set(Listed {
                    pages: shown.clone(),
                    loading: true,
                    ..Listed::default()
                });
                let after =
                    cursor.map_or_else(String::new, |c| format!("&after={}", query_value(&c)));
                let url = format!("{api}/orders?limit=20{after}");
                let (listed, token) = (listed.clone(), token.clone());
                spawn_local(async move {
                    listed.set(
                        match json::fetch(Call::get(url, Some(&token)), OrderPage::read).await {
                            Ok(page) => {
                                shown.push(Rc::new(page.items));
                                Listed {
                                    pages: shown,
                                    next_cursor: page.next_cursor,
                                    ..Listed::default()
                                }
                            }
                            Err(problem) => Listed {
                                pages: shown,
                                problem: Some(problem),
                                ..Listed::default()
                            },
                        },
                    );
                });
            },
        )
    };
    {
        let fetch = fetch.clone();
        use_effect_with((), move |_| fetch.emit((None, Vec::new())));
    }
    let more = {
        let (fetch, listed) = (fetch.clone(), listed.clone());
        Callback::from(move |_: MouseEvent| {
            fetch.emit((listed.next_cursor.clone(), listed.pages.clone()));
        })
    };
    let none = listed.pages.iter().all(|page| page.is_empty());
    let body = if none && listed.loading {
        parts::loading()
    } else if none && listed.problem.is_none() {
        html! {
            <>
                { parts::empty("You have no orders yet.") }
                { parts::link("/products".into(), html! { "Continue shopping" }) }
            </>
        }
    } else {
        html! {
            <table data-testid="order-list">
                { parts::head(&[("Order", false), ("Placed", false), ("Status", false), ("Items", true), ("Total", true)]) }
                <tbody>
                    { for listed.pages.iter().flat_map(|page| page.iter()).map(row) }
                </tbody>
            </table>
        }
    };
    html! {
        { parts::page("Your orders", html! { <>
                if let Some(problem) = &listed.problem {
                    { parts::problem(problem) }
                }
                { body }
                if listed.next_cursor.is_some() {
                    <button onclick={more} disabled={listed.loading} data-testid="load-more">{ "Load more" }</button>
                }
            </> }) }
    }
}

fn row(order: &Order) -> Html {
    let units: i64 = order.lines.iter().map(|line| line.quantity).sum();
    html! {
        <tr key={order.id.clone()} data-testid="order-row" data-order-id={order.id.clone()}>
            <td>{ parts::link(format!("/orders/{}", order.id), html! { <span>{ short_id(&order.id) }</span> }) }</td>
            <td>{ parts::date_time(order.created_at) }</td>
            <td>{ parts::status(order.status) }</td>
            <td class="num">{ units }</td>
            <td class="num">{ order.totals.total.to_inr() }</td>
        </tr>
    }
}

/// The first block of an order's id: enough to tell a customer's orders apart at a glance.
pub fn short_id(id: &str) -> String {
    format!(
        "#{}",
        id.split('-').next().unwrap_or(id).to_ascii_uppercase()
    )
}
