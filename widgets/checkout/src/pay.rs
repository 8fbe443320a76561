//! The checkout page: the delivery address, the order summary, and "Pay", which places the
//! order and hands the shopper to the payment gateway's page.

use crate::address::{self, Member};
use crate::attempt::Attempt;
use contracts::cart::Cart;
use contracts::orders::{DeliveryAddress, PlaceOrder};
use serde::Deserialize;
use shop_kit::cart;
use shop_kit::http::{ApiError, Call, encode, random_key};
use shop_kit::{parts, summary};
use std::rc::Rc;
use yew::platform::spawn_local;
use yew::prelude::*;

/// What "Pay" reads of the placed order: where to pay. Decoding the whole `Order` (lines,
/// taxes, history) here would add its decoder to this widget's wasm for two members.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Placed {
    id: String,
    payment_url: Option<String>,
}

/// The problem code of lines that cannot be bought; `errors` names each `lines.<productId>`.
const NOT_PLACEABLE: &str = "order_not_placeable";

#[derive(Properties, PartialEq)]
pub struct PayProps {
    pub api: AttrValue,
    pub token: AttrValue,
}

#[function_component]
pub fn Pay(props: &PayProps) -> Html {
    let cart = use_state(|| None::<Result<Option<Cart>, ApiError>>);
    // The address as typed, read synchronously by "Pay"; `shown` re-renders the form.
    let address = use_mut_ref(empty_address);
    let shown = use_state(empty_address);
    let attempt = use_mut_ref(Attempt::default);
    let paying = use_state(|| false);
    let problem = use_state(|| None::<ApiError>);
    {
        let (cart, api, token) = (cart.clone(), props.api.clone(), props.token.clone());
        use_effect_with((), move |_| {
            spawn_local(
                async move { cart.set(Some(cart::current(&api, Some(&token), false).await)) },
            );
        });
    }
    let cart = match &*cart {
        None => return parts::page("Checkout", parts::loading()),
        Some(Err(problem)) => return parts::page("Checkout", parts::problem(problem)),
        Some(Ok(Some(cart))) if !cart.lines.is_empty() => cart.clone(),
        Some(Ok(_)) => {
            return parts::page(
                "Checkout",
                html! {
                    <>
                        { parts::empty("Your cart is empty: there is nothing to pay for.") }
                        { parts::link("/products".into(), html! { "Continue shopping" }) }
                    </>
                },
            );
        }
    };

    let onedit = {
        let (address, shown) = (address.clone(), shown.clone());
        Callback::from(move |(member, value): (Member, String)| {
            member.set(&mut address.borrow_mut(), value);
            shown.set(address.borrow().clone());
        })
    };
    let onsubmit = {
        let (address, attempt, paying, problem) = (
            address.clone(),
            attempt.clone(),
            paying.clone(),
            problem.clone(),
        );
        let (api, token, cart_id) = (props.api.clone(), props.token.clone(), cart.cart_id.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *paying {
                return;
            }
            let order = PlaceOrder {
                cart_id: cart_id.clone(),
                address: address.borrow().clone(),
            };
            let body = encode(&order).unwrap_or_default();
            let key = match random_key() {
                Ok(fresh) => attempt.borrow_mut().key_for(&body, || fresh),
                Err(_) => {
                    problem.set(Some(Rc::new(contracts::Problem::new(
                        0,
                        "no_crypto",
                        "This browser cannot make a payment key",
                    ))));
                    return;
                }
            };
            paying.set(true);
            problem.set(None);
            let (paying, problem, api, token) =
                (paying.clone(), problem.clone(), api.clone(), token.clone());
            spawn_local(async move {
                let call = Call {
                    idempotency_key: Some(&key),
                    ..Call::with_body("POST", format!("{api}/orders"), Some(body), Some(&token))
                };
                match call.json::<Placed>().await {
                    Ok(order) => leave_for_payment(&order),
                    Err(error) => {
                        problem.set(Some(error));
                        paying.set(false);
                    }
                }
            });
        })
    };

    let problem = (*problem).clone();
    let line_problem = |product_id: &str| -> Html {
        let field = format!("lines.{product_id}");
        match problem.as_deref() {
            Some(p) if p.code == NOT_PLACEABLE => parts::field_error(Some(p), &field),
            _ => Html::default(),
        }
    };
    parts::page(
        "Checkout",
        html! {
            <form {onsubmit} data-testid="checkout-form" novalidate=true>
                { address::form(&shown, &onedit, problem.as_deref()) }
                <h2>{ "Order summary" }</h2>
                <table data-testid="checkout-lines">
                    { parts::head(&[("Product", false), ("Quantity", true), ("Amount", true)]) }
                    <tbody>
                        { for cart.lines.iter().map(|line| html! {
                            <tr data-testid="checkout-line" data-product-id={line.product_id.clone()}>
                                <td>{ line.name.clone() }{ line_problem(&line.product_id) }</td>
                                <td class="num">{ line.quantity }</td>
                                <td class="num">{ line.tax.total.to_inr() }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                { summary::cart_totals(&cart) }
                <p class="muted">
                    { "CGST and SGST apply when the seller ships within your state, IGST otherwise; \
                       the order shows the split." }
                </p>
                if let Some(problem) = &problem {
                    { parts::problem(problem) }
                }
                <button type="submit" disabled={*paying} data-testid="pay">
                    { if *paying { "Placing your order…".to_owned() } else { format!("Pay {}", cart.total_price.to_inr()) } }
                </button>
            </form>
        },
    )
}

/// To the gateway's page; it sends the shopper back to `/checkout/result?order=<id>`.
fn leave_for_payment(order: &Placed) {
    let target = order
        .payment_url
        .clone()
        .unwrap_or_else(|| format!("/checkout/result?order={}", order.id));
    if let Some(window) = web_sys::window() {
        // A full page load: the gateway is another site, not a route of the shell.
        let _ = window.location().assign(&target);
    }
}

fn empty_address() -> DeliveryAddress {
    DeliveryAddress {
        name: String::new(),
        phone: String::new(),
        line1: String::new(),
        line2: None,
        city: String::new(),
        state_code: String::new(),
        pincode: String::new(),
    }
}
