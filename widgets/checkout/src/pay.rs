//! The checkout page: the delivery address, the order summary, and "Pay", which places the
//! order and hands the shopper to the payment gateway: its page (`paymentUrl`, the mock
//! gateway), or Razorpay Checkout opened over this page (`checkout`, see `razorpay`).

use crate::address::{self, Member};
use crate::attempt::Attempt;
use crate::json::{self, member};
use crate::razorpay::{self, Outcome};
use contracts::Problem;
use contracts::cart::Cart;
use contracts::orders::DeliveryAddress;
use shop_kit::cart;
use shop_kit::http::{ApiError, Call, query_value, random_key, unexpected};
use shop_kit::{parts, summary};
use std::rc::Rc;
use wasm_bindgen::JsValue;
use yew::platform::spawn_local;
use yew::prelude::*;

/// What "Pay" reads of the placed order, from the answer as `JSON.parse` made it: its id, and
/// where to pay. Decoding the whole `Order` (lines, taxes, history) here would add its decoder
/// to this widget's wasm for three members.
struct Placed {
    id: String,
    payment_url: Option<String>,
    /// Razorpay Checkout's options (`GatewayCheckout`), an object when present.
    checkout: JsValue,
}

/// The code of the notice shown when the shopper closes Razorpay's window without paying: kept
/// in `problem` like a problem (one state less), but shown as a notice.
const DISMISSED: &str = "dismissed";

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
            let body = address::place_order(&cart_id, &address.borrow());
            let key = match random_key() {
                Ok(fresh) => attempt.borrow_mut().key_for(&body, || fresh),
                Err(_) => {
                    problem.set(Some(said(
                        "no_crypto",
                        "This browser cannot make a payment key",
                    )));
                    return;
                }
            };
            paying.set(true);
            problem.set(None);
            let (paying, problem, attempt, api, token) = (
                paying.clone(),
                problem.clone(),
                attempt.clone(),
                api.clone(),
                token.clone(),
            );
            let placed = attempt.borrow().order.clone();
            spawn_local(async move {
                // A placed order whose window was closed is read as it is now: still waiting, it
                // offers `checkout` again; failed or timed out, it does not, and the result page
                // says so. Otherwise the same key for the same body, so a retry after a lost
                // answer gets the order placed before, never a second one.
                let (method, url) = if placed.is_empty() {
                    ("POST", format!("{api}/orders"))
                } else {
                    ("GET", format!("{api}/orders/{}", query_value(&placed)))
                };
                let call = Call {
                    idempotency_key: Some(&key),
                    ..Call::with_body(method, url, placed.is_empty().then_some(body), Some(&token))
                };
                match call.text().await.and_then(|text| read_placed(&text)) {
                    Err(error) => problem.set(Some(error)),
                    Ok(order) if !order.checkout.is_object() => return leave_for_payment(&order),
                    Ok(order) => {
                        // Read at the next render (this task sets `paying` and `problem`):
                        // the address form is locked, as the order holds the address.
                        attempt.borrow_mut().order = order.id.clone();
                        match razorpay::pay(&order.checkout).await {
                            Ok(Outcome::Paid(body)) => {
                                let url = format!(
                                    "{api}/orders/{}/razorpay-return",
                                    query_value(&order.id)
                                );
                                let call = Call::with_body("POST", url, Some(body), Some(&token));
                                match call.text().await {
                                    Ok(_) => return show_result(&order.id),
                                    Err(error) => problem.set(Some(error)),
                                }
                            }
                            Ok(Outcome::Dismissed) => problem.set(Some(said(
                                DISMISSED,
                                "You closed the payment window; nothing was charged. Press \
                                 Pay to pay this order.",
                            ))),
                            Err(razorpay::Unavailable) => problem.set(Some(said(
                                "checkout_unavailable",
                                "Razorpay Checkout did not load; nothing was charged. Press Pay \
                                 to try again.",
                            ))),
                        }
                    }
                }
                paying.set(false);
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
                { address::form(&shown, &onedit, problem.as_deref(), !attempt.borrow().order.is_empty()) }
                <h2>{ "Order summary" }</h2>
                <table data-testid="checkout-lines">
                    { parts::head(&[("Product", false), ("Quantity", true), ("Amount", true)]) }
                    <tbody>
                        { for cart.lines.iter().map(|line| html! {
                            <tr key={line.product_id.clone()} data-testid="checkout-line" data-product-id={line.product_id.clone()}>
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
                    if problem.code == DISMISSED {
                        <p role="status" data-testid="payment-notice">{ parts::message(problem) }</p>
                    } else {
                        { parts::problem(problem) }
                    }
                }
                <button type="submit" disabled={*paying} data-testid="pay">
                    { if *paying { "Placing your order…".to_owned() } else { format!("Pay {}", cart.total_price.to_inr()) } }
                </button>
            </form>
        },
    )
}

/// The id, `paymentUrl` and `checkout` of the order answer `text`.
fn read_placed(text: &str) -> Result<Placed, ApiError> {
    let order = json::parse(text)?;
    Ok(Placed {
        id: json::text(&order, "id").ok_or_else(|| unexpected("not an order"))?,
        payment_url: json::text(&order, "paymentUrl"),
        checkout: member(&order, "checkout"),
    })
}

/// To the gateway's page; it sends the shopper back to `/checkout/result?order=<id>`.
fn leave_for_payment(order: &Placed) {
    match &order.payment_url {
        Some(url) => assign(url),
        None => show_result(&order.id),
    }
}

/// To the result page, which waits for the payment's verdict.
fn show_result(order_id: &str) {
    assign(&format!("/checkout/result?order={order_id}"));
}

fn assign(target: &str) {
    if let Some(window) = web_sys::window() {
        // A full page load: the gateway is another site, not a route of the shell.
        let _ = window.location().assign(target);
    }
}

/// A problem of this page's own (no HTTP status).
fn said(code: &'static str, title: &'static str) -> ApiError {
    Rc::new(Problem::new(0, code, title))
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
