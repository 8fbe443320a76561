//! The product page: price before tax, the GST rate and the price with GST, stock, and "Add to
//! cart" with a quantity.

use crate::pictures;
use contracts::catalog::Product;
use contracts::events::ToastLevel;
use contracts::gst::{self, Supply};
use shop_kit::cart::{self, CartCount, Change};
use shop_kit::http::{ApiError, Call, query_value};
use shop_kit::parts;
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DetailProps {
    pub api: AttrValue,
    pub id: AttrValue,
    /// The signed-in customer's token: their own cart instead of a guest's.
    pub token: Option<AttrValue>,
}

#[function_component]
pub fn Detail(props: &DetailProps) -> Html {
    let product = use_state(|| None::<Result<Product, ApiError>>);
    let quantity = use_state(|| 1u32);
    let adding = use_state(|| false);
    let add_problem = use_state(|| None::<ApiError>);
    {
        let (product, quantity, api) = (product.clone(), quantity.clone(), props.api.clone());
        use_effect_with(props.id.clone(), move |id| {
            product.set(None);
            quantity.set(1);
            let url = format!("{api}/products/{}", query_value(id));
            spawn_local(async move { product.set(Some(Call::get(url, None).json().await)) });
        });
    }
    let product = match &*product {
        None => return parts::page("Product", parts::loading()),
        Some(Err(problem)) => return parts::page("Product", parts::problem(problem)),
        Some(Ok(product)) => product.clone(),
    };

    let onquantity = {
        let quantity = quantity.clone();
        Callback::from(move |e: Event| {
            let value = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .value();
            quantity.set(value.trim().parse().unwrap_or(1).max(1));
        })
    };
    let onadd = {
        let (adding, add_problem, quantity) = (adding.clone(), add_problem.clone(), *quantity);
        let (api, token) = (props.api.clone(), props.token.clone());
        let (id, name) = (product.id.clone(), product.name.clone());
        Callback::from(move |_: MouseEvent| {
            if *adding {
                return;
            }
            adding.set(true);
            add_problem.set(None);
            let (adding, add_problem) = (adding.clone(), add_problem.clone());
            let (api, token, id, name) = (api.clone(), token.clone(), id.clone(), name.clone());
            spawn_local(async move {
                match cart::change::<CartCount>(&api, token.as_deref(), &id, Change::Add(quantity))
                    .await
                {
                    Ok(_) => parts::toast(
                        ToastLevel::Success,
                        format!("Added {quantity} × {name} to the cart"),
                    ),
                    Err(problem) => add_problem.set(Some(problem)),
                }
                adding.set(false);
            });
        })
    };

    // Before delivery the state is unknown; one rate on the whole (IGST-style) is what the cart
    // shows too, within a paisa of CGST + SGST.
    let with_tax = gst::line_tax(product.price, 1, product.gst_rate, Supply::InterState)
        .map(|tax| tax.total.to_inr())
        .unwrap_or_default();
    let in_stock = product.stock > 0;
    let body = html! {
        <article data-testid="product" data-product-id={product.id.clone()}>
            if !product.images.is_empty() {
                { pictures::gallery(&product.images, &product.name) }
            }
            <p>{ product.description.clone() }</p>
            <p class="muted">{ format!("Sold by {} · {}", product.shop_name, product.category) }</p>
            <table>
                <tr><th scope="row">{ "Price before tax" }</th>
                    <td class="num" data-testid="price">{ product.price.to_inr() }</td></tr>
                <tr><th scope="row">{ "GST rate" }</th>
                    <td class="num" data-testid="gst-rate">{ product.gst_rate.to_string() }</td></tr>
                <tr><th scope="row">{ "Price incl. GST" }</th>
                    <td class="num" data-testid="price-with-tax">{ with_tax }</td></tr>
                <tr><th scope="row">{ "Stock" }</th>
                    <td class="num" data-testid="stock" data-stock={product.stock.to_string()}>
                        { if in_stock { format!("{} available", product.stock) } else { "Out of stock".to_owned() } }
                    </td></tr>
            </table>
            if in_stock {
                <label>{ "Quantity " }
                    <input type="number" min="1" max={product.stock.to_string()} value={quantity.to_string()}
                        onchange={onquantity} data-testid="quantity" />
                </label>
                <button onclick={onadd} disabled={*adding} data-testid="add-to-cart">
                    { if *adding { "Adding…" } else { "Add to cart" } }
                </button>
            }
            if let Some(problem) = &*add_problem {
                { parts::problem(problem) }
            }
            <p>{ parts::link("/cart".into(), html! { "View cart" }) }{ " · " }{ parts::link("/products".into(), html! { "All products" }) }</p>
        </article>
    };
    parts::page(&product.name, body)
}
