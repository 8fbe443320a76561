//! The catalog page: the filters (a sidebar on wide screens, a collapsible panel on narrow
//! ones), the results, and "Load more" (keyset pages: the next page starts after the last
//! product shown, so rows added meanwhile never repeat).

use crate::filters::{Filters, SORTS};
use crate::pictures;
use contracts::catalog::{Product, ProductPage};
use shop_kit::http::{ApiError, Call, query_value};
use shop_kit::parts;
use std::collections::BTreeMap;
use wasm_bindgen::JsCast;
use yew::platform::spawn_local;
use yew::prelude::*;

/// The catalog's layout: filters beside the results from 48rem up, above them below that.
const LAYOUT: &str = "
& { display: grid; gap: 1rem; }
& > details > summary { cursor: pointer; font-weight: bold; margin-bottom: .5rem; }
& .grid { list-style: none; padding: 0; margin: 0; }
& .thumb { aspect-ratio: 4 / 3; margin-bottom: .5rem; border-radius: 4px; overflow: hidden;
  background: #eee linear-gradient(135deg, #f4f4f4, #e2e2e2); }
& .thumb img { width: 100%; height: 100%; object-fit: cover; display: block; }
& .thumb img[hidden] { display: none; }
@media (min-width: 48rem) { & { grid-template-columns: 15rem 1fr; align-items: start; } }
";
/// Where the sidebar starts; below it the filters start folded, so the results come first.
const WIDE_PX: f64 = 768.0;

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
    /// The page "Load more" asks for: the next one, or the one whose fetch failed (a retry).
    next_cursor: Option<String>,
    loading: bool,
    problem: Option<ApiError>,
    /// The first product a "Load more" added, when the button went away with that page: focus
    /// moves there instead of being dropped on the page.
    focus_from: Option<usize>,
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
                    next_cursor: cursor.clone(),
                    loading: true,
                    ..Results::default()
                });
                let (results, generation) = (results.clone(), generation.clone());
                let url = format!(
                    "{api}/products?{}",
                    filters.api_query(cursor.as_deref(), query_value)
                );
                let more = cursor.is_some();
                spawn_local(async move {
                    let answer = Call::get(url, None).json::<ProductPage>().await;
                    if *generation.borrow() != this {
                        return;
                    }
                    results.set(match answer {
                        Ok(page) => {
                            let first_new = shown.len();
                            shown.extend(page.items);
                            let last = page.next_cursor.is_none();
                            Results {
                                items: shown,
                                focus_from: (more && last).then_some(first_new),
                                next_cursor: page.next_cursor,
                                ..Results::default()
                            }
                        }
                        // The cursor stays, so "Load more" retries the page that failed.
                        Err(problem) => Results {
                            items: shown,
                            problem: Some(problem),
                            next_cursor: cursor,
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
    // A sort applies at once (with the filters typed so far, when they read), so the control
    // never shows an order the list is not in.
    let on_sort = {
        let (draft, applied) = (draft.clone(), applied.clone());
        Callback::from(move |e: Event| {
            let base = if draft.price_error().is_none() {
                (*draft).clone()
            } else {
                applied.clone()
            };
            let sort = input_value(&e);
            parts::navigate(Filters { sort, ..base }.to_path(query_value));
        })
    };
    // `selected` on an option only sets the select's first value: once the shopper has picked
    // one, the browser keeps showing it whatever the attributes say. So the value is set.
    let sort_select = use_node_ref();
    {
        let sort_select = sort_select.clone();
        use_effect_with(applied.sort_in_force().to_owned(), move |sort| {
            if let Some(select) = sort_select.get() {
                let _ = js_sys::Reflect::set(&select, &"value".into(), &sort.as_str().into());
            }
        });
    }
    let list_ref = use_node_ref();
    {
        let list_ref = list_ref.clone();
        use_effect_with(results.focus_from, move |from| {
            let first_new = from.and_then(|index| {
                let list = list_ref.cast::<web_sys::Element>()?;
                list.query_selector(&format!("li:nth-child({}) a", index + 1))
                    .ok()
                    .flatten()
            });
            if let Some(link) = first_new.and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = link.focus();
            }
        });
    }
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
            if results.loading {
                return;
            }
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
            <ul class="grid" data-testid="product-list" ref={list_ref}>
                { for results.items.iter().map(card) }
            </ul>
        }
    };
    let wide = web_sys::window()
        .and_then(|window| window.inner_width().ok())
        .and_then(|width| width.as_f64())
        .is_some_and(|width| width >= WIDE_PX);
    let in_force = applied.sort_in_force().to_owned();
    html! {
        { parts::page("Products", html! { <div class={widget_kit::style::class(LAYOUT)}>
            <details open={wide} data-testid="filters-panel">
                <summary>{ "Filters" }</summary>
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
                        <select name="sort" data-testid="sort" onchange={on_sort} ref={sort_select}>
                            { for SORTS.iter().map(|&(value, label)| html! {
                                <option {value} selected={in_force == value}>{ label }</option>
                            }) }
                        </select>
                    </label>
                    if let Some(error) = price_error {
                        <span class="field-error" data-testid="error-price">{ error }</span>
                    }
                    <button type="submit" data-testid="search-submit">{ "Search" }</button>
                </form>
            </details>
            <div data-testid="results">
                if let Some(problem) = &results.problem {
                    { parts::problem(problem) }
                }
                { list }
                if results.next_cursor.is_some() && !results.items.is_empty() {
                    // aria-disabled, not disabled: a disabled button drops the keyboard focus.
                    <button onclick={load_more} aria-disabled={results.loading.to_string()}
                        data-testid="load-more">
                        { if results.loading { "Loading…" } else if results.problem.is_some() { "Retry" } else { "Load more" } }
                    </button>
                }
            </div>
        </div> }) }
    }
}

fn card(product: &Product) -> Html {
    html! {
        <li key={product.id.clone()} class="card" data-testid="product-card" data-product-id={product.id.clone()}>
            <div class="thumb" aria-hidden="true">
                if let Some(url) = product.images.first() {
                    { pictures::card(url) }
                }
            </div>
            { parts::link(format!("/products/{}", product.id), html! { <strong>{ product.name.clone() }</strong> }) }
            <div data-testid="card-price" data-paise={product.price.0.to_string()}>{ product.price.to_inr() }<span class="muted">{ format!(" + {} GST", product.gst_rate) }</span></div>
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
