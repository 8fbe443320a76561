//! The cart page: each line with a quantity stepper and "Remove", the GST breakup and totals
//! as the server priced them after every change, and the way to checkout.

use contracts::cart::{Cart, CartLine};
use shop_kit::cart::{self, Change};
use shop_kit::http::ApiError;
use shop_kit::{parts, summary};
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CartPageProps {
    pub api: AttrValue,
    pub token: Option<AttrValue>,
}

/// What the page holds: the cart once read (`None` for a guest without one), the line being
/// changed, and the last problem.
#[derive(Clone, PartialEq)]
struct State {
    cart: Option<Option<Cart>>,
    busy: Option<String>,
    problem: Option<ApiError>,
}

#[function_component]
pub fn CartPage(props: &CartPageProps) -> Html {
    let state = use_state(|| State {
        cart: None,
        busy: None,
        problem: None,
    });
    {
        let (state, api, token) = (state.clone(), props.api.clone(), props.token.clone());
        use_effect_with(props.token.is_some(), move |_| {
            spawn_local(async move {
                let next = match cart::current(&api, token.as_deref(), false).await {
                    Ok(found) => {
                        if let Some(found) = &found {
                            cart::announce(found);
                        }
                        State {
                            cart: Some(found),
                            busy: None,
                            problem: None,
                        }
                    }
                    Err(problem) => State {
                        cart: None,
                        busy: None,
                        problem: Some(problem),
                    },
                };
                state.set(next);
            });
        });
    }
    let change = {
        let (state, api, token) = (state.clone(), props.api.clone(), props.token.clone());
        Callback::from(move |(product_id, change): (String, Change)| {
            if state.busy.is_some() {
                return;
            }
            state.set(State {
                busy: Some(product_id.clone()),
                problem: None,
                ..(*state).clone()
            });
            let (state, api, token) = (state.clone(), api.clone(), token.clone());
            let before = state.cart.clone();
            spawn_local(async move {
                state.set(
                    match cart::change(&api, token.as_deref(), &product_id, change).await {
                        Ok(cart) => State {
                            cart: Some(Some(cart)),
                            busy: None,
                            problem: None,
                        },
                        Err(problem) => State {
                            cart: before,
                            busy: None,
                            problem: Some(problem),
                        },
                    },
                );
            });
        })
    };

    let body = match &state.cart {
        None if state.problem.is_none() => parts::loading(),
        None => Html::default(),
        Some(Some(cart)) if !cart.lines.is_empty() => {
            let blocked = cart.lines.iter().any(|line| !buyable(line));
            html! {
                <>
                    <table data-testid="cart-lines">
                        { parts::head(&[("Product", false), ("Unit price", true), ("Quantity", false),
                            ("GST", true), ("Amount", true), ("Actions", false)]) }
                        <tbody>
                            { for cart.lines.iter().map(|line| row(line, state.busy.as_deref(), &change)) }
                        </tbody>
                    </table>
                    { summary::cart_totals(cart) }
                    if blocked {
                        <p role="alert">{ "Remove or reduce the marked lines to check out." }</p>
                    }
                    <button disabled={blocked || state.busy.is_some()} data-testid="checkout"
                        onclick={Callback::from(|_: MouseEvent| parts::navigate("/checkout".into()))}>
                        { "Checkout" }
                    </button>
                </>
            }
        }
        Some(_) => html! {
            <>
                { parts::empty("Your cart is empty.") }
                { parts::link("/products".into(), html! { "Continue shopping" }) }
            </>
        },
    };
    html! {
        { parts::page("Your cart", html! { <>
                if let Some(problem) = &state.problem {
                    { parts::problem(problem) }
                }
                { body }
            </> }) }
    }
}

/// Whether the line can be bought as it stands.
fn buyable(line: &CartLine) -> bool {
    line.available && i64::from(line.quantity) <= line.stock
}

fn row(line: &CartLine, busy: Option<&str>, change: &Callback<(String, Change)>) -> Html {
    let id = line.product_id.clone();
    let disabled = busy.is_some();
    let send = |make: fn(u32) -> Change, quantity: u32| {
        let (change, id) = (change.clone(), id.clone());
        Callback::from(move |_: MouseEvent| change.emit((id.clone(), make(quantity))))
    };
    let onset = {
        let (change, id) = (change.clone(), id.clone());
        Callback::from(move |e: Event| {
            let value = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .value();
            if let Ok(quantity) = value.trim().parse::<u32>() {
                change.emit((id.clone(), Change::Set(quantity)));
            }
        })
    };
    let notice = if !line.available {
        Some("No longer available".to_owned())
    } else if i64::from(line.quantity) > line.stock {
        Some(format!("Only {} left", line.stock))
    } else {
        None
    };
    html! {
        <tr key={id.clone()} data-testid="cart-line" data-product-id={id.clone()} data-available={line.available.to_string()}>
            <td>
                { parts::link(format!("/products/{id}"), html! { <span>{ line.name.clone() }</span> }) }
                if let Some(notice) = notice {
                    <span class="field-error" data-testid="line-unavailable">{ notice }</span>
                }
            </td>
            <td class="num">{ line.unit_price.to_inr() }</td>
            <td>
                <button aria-label={format!("One fewer {}", line.name)} data-testid="decrease"
                    disabled={disabled || line.quantity <= 1}
                    onclick={send(Change::Set, line.quantity.saturating_sub(1))}>{ "−" }</button>
                <input type="number" min="1" value={line.quantity.to_string()} {disabled}
                    aria-label={format!("Quantity of {}", line.name)} data-testid="line-quantity" onchange={onset} />
                <button aria-label={format!("One more {}", line.name)} data-testid="increase" {disabled}
                    onclick={send(Change::Set, line.quantity + 1)}>{ "+" }</button>
            </td>
            <td class="num">{ format!("{} ({})", line.tax.tax().to_inr(), line.tax.rate) }</td>
            <td class="num" data-testid="line-total">{ line.tax.total.to_inr() }</td>
            <td>
                <button data-testid="remove" {disabled} aria-label={format!("Remove {}", line.name)}
                    onclick={send(|_| Change::Remove, 0)}>{ "Remove" }</button>
            </td>
        </tr>
    }
}
