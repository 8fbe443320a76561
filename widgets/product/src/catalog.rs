//! The catalog page: the search and filter form, the results, and "Load more" (keyset pages:
//! the next page starts after the last product shown, so rows added meanwhile never repeat).

use crate::filters::{Filters, SORTS};
use contracts::catalog::{Product, ProductPage};
use shop_kit::http::{ApiError, Call, query_value};
use shop_kit::parts;
use std::collections::BTreeMap;
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CatalogProps {
    pub api: AttrValue,
    /// The page's query string: the filters in force.
    pub query: BTreeMap<String, String>,
}

/// The results so far.
#[derive(Default, PartialEq)]
struct Results {
    items: Vec<Product>,
    next_cursor: Option<String>,
    loading: bool,
    problem: Option<ApiError>,
}

#[function_component]
pub fn Catalog(props: &CatalogProps) -> Html {
    let applied = Filters::from_query(&props.query);
    let draft = use_state(|| applied.clone());
    let results = use_state(|| Results {
        loading: true,
        ..Results::default()
    });
    // Counts fetches, so an answer to a search the shopper has since replaced is dropped.
    let generation = use_mut_ref(|| 0u32);

    let fetch = {
        let (results, generation, api) = (results.clone(), generation.clone(), props.api.clone());
        Callback::from(
            move |(filters, cursor, mut shown): (Filters, Option<String>, Vec<Product>)| {
                *generation.borrow_mut() += 1;
                let this = *generation.borrow();
                results.set(Results {
                    items: shown.clone(),
                    loading: true,
                    ..Results::default()
                });
                let (results, generation) = (results.clone(), generation.clone());
                let url = format!(
                    "{api}/products?{}",
                    filters.api_query(cursor.as_deref(), query_value)
                );
                spawn_local(async move {
                    let answer = Call::get(url, None).json::<ProductPage>().await;
                    if *generation.borrow() != this {
                        return;
                    }
                    results.set(match answer {
                        Ok(page) => {
                            shown.extend(page.items);
                            Results {
                                items: shown,
                                next_cursor: page.next_cursor,
                                ..Results::default()
                            }
                        }
                        Err(problem) => Results {
                            items: shown,
                            problem: Some(problem),
                            ..Results::default()
                        },
                    });
                });
            },
        )
    };
    {
        // A new URL (a search, back/forward) shows its filters and starts the list afresh.
        let (draft, fetch) = (draft.clone(), fetch.clone());
        use_effect_with(applied.clone(), move |applied| {
            draft.set(applied.clone());
            fetch.emit((applied.clone(), None, Vec::new()));
        });
    }

    let edit = |apply: fn(&mut Filters, String)| {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let mut next = (*draft).clone();
            apply(&mut next, input_value(&e));
            draft.set(next);
        })
    };
    // Text boxes follow every keystroke, not only `change` (which comes when the box loses
    // focus): Yew re-applies `value` from `draft` whenever the page re-renders, so a box whose
    // typing `draft` had not seen yet was emptied by any render in between (the first page of
    // results arriving, say), and the search then ran without its words.
    let typed = |apply: fn(&mut Filters, String)| {
        let edit = edit(apply);
        Callback::from(move |e: InputEvent| edit.emit(e.into()))
    };
    let on_in_stock = {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let checked = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .checked();
            draft.set(Filters {
                in_stock: checked,
                ..(*draft).clone()
            });
        })
    };
    let price_error = draft.price_error();
    let onsubmit = {
        let draft = draft.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if draft.price_error().is_none() {
                parts::navigate(draft.to_path(query_value));
            }
        })
    };
    let load_more = {
        let (fetch, results, applied) = (fetch.clone(), results.clone(), applied.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(cursor) = results.next_cursor.clone() {
                fetch.emit((applied.clone(), Some(cursor), results.items.clone()));
            }
        })
    };

    let list = if results.items.is_empty() && results.loading {
        parts::loading()
    } else if results.items.is_empty() && results.problem.is_none() {
        let only_words = Filters {
            q: String::new(),
            ..applied.clone()
        } == Filters::default();
        let text = if applied == Filters::default() {
            "No products are listed yet.".to_owned()
        } else if only_words {
            format!("No products match \u{201c}{}\u{201d}.", applied.q.trim())
        } else {
            "No products match these filters.".to_owned()
        };
        parts::empty(&text)
    } else {
        html! {
            <ul class="grid" data-testid="product-list">
                { for results.items.iter().map(card) }
            </ul>
        }
    };
    html! {
        { parts::page("Products", html! { <>
                <form role="search" {onsubmit} data-testid="catalog-filters">
                    <label>{ "Search products " }
                        <input type="search" name="q" value={draft.q.clone()} data-testid="search"
                            oninput={typed(|f, v| f.q = v)} placeholder="Search products" />
                    </label>
                    <label>{ "Category " }
                        <input name="category" value={draft.category.clone()} data-testid="category"
                            oninput={typed(|f, v| f.category = v)} placeholder="e.g. apparel" />
                    </label>
                    <label>{ "Min price (₹) " }
                        <input name="min" inputmode="decimal" value={draft.min_rupees.clone()}
                            data-testid="min-price" oninput={typed(|f, v| f.min_rupees = v)} />
                    </label>
                    <label>{ "Max price (₹) " }
                        <input name="max" inputmode="decimal" value={draft.max_rupees.clone()}
                            data-testid="max-price" oninput={typed(|f, v| f.max_rupees = v)} />
                    </label>
                    <label>
                        <input type="checkbox" name="inStock" checked={draft.in_stock}
                            data-testid="in-stock" onchange={on_in_stock} />
                        { " In stock only" }
                    </label>
                    <label>{ "Sort " }
                        <select name="sort" data-testid="sort" onchange={edit(|f, v| f.sort = v)}>
                            { for SORTS.iter().map(|&(value, label)| html! {
                                <option {value} selected={draft.sort == value}>{ label }</option>
                            }) }
                        </select>
                    </label>
                    if let Some(error) = price_error {
                        <span class="field-error" data-testid="error-price">{ error }</span>
                    }
                    <button type="submit" data-testid="search-submit">{ "Search" }</button>
                </form>
                if let Some(problem) = &results.problem {
                    { parts::problem(problem) }
                }
                { list }
                if results.next_cursor.is_some() {
                    <button onclick={load_more} disabled={results.loading} data-testid="load-more">
                        { if results.loading { "Loading…" } else { "Load more" } }
                    </button>
                }
            </> }) }
    }
}

fn card(product: &Product) -> Html {
    html! {
        <li class="card" data-testid="product-card" data-product-id={product.id.clone()}>
            { parts::link(format!("/products/{}", product.id), html! { <strong>{ product.name.clone() }</strong> }) }
            <div>{ product.price.to_inr() }<span class="muted">{ format!(" + {} GST", product.gst_rate) }</span></div>
            <div class="muted">
                { if product.stock > 0 { format!("{} in stock", product.stock) } else { "Out of stock".to_owned() } }
            </div>
        </li>
    }
}

/// The value of the input or select that fired `e`. Read by name, not through
/// `HtmlInputElement::value`, whose binding refuses a `<select>`.
fn input_value(e: &Event) -> String {
    e.target()
        .and_then(|target| js_sys::Reflect::get(&target, &"value".into()).ok())
        .and_then(|value| value.as_string())
        .unwrap_or_default()
}
