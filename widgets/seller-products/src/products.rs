//! The seller's products (`/seller/products`): the list with search, category, status and stock
//! filters, keyset "More" pages and a low-stock marker, and the form of a new product, whose
//! field errors come from the API's problem+json. A saved product opens on its own page
//! (`/seller/products/:id`, the `seller-product` widget).

use shop_kit::back_office::PageProps;
use shop_kit::http::{ApiError, Call, query_value};
use shop_kit::parts;
use shop_kit::product_form::{self, Form, Page, Product, low_marker, value_of};
use std::rc::Rc;
use yew::platform::spawn_local;
use yew::prelude::*;

/// The list's filters, as typed.
#[derive(Clone, Default, PartialEq)]
struct Filters {
    q: String,
    category: String,
    status: String,
    stock: String,
}

impl Filters {
    /// The list's query after `cursor`: only the filters that are set.
    fn query(&self, cursor: Option<&str>) -> String {
        let mut query = vec!["limit=20".to_owned()];
        for (name, value) in [
            ("q", &self.q),
            ("category", &self.category),
            ("status", &self.status),
            ("stock", &self.stock),
        ] {
            if !value.trim().is_empty() {
                query.push(format!("{name}={}", query_value(value.trim())));
            }
        }
        if let Some(cursor) = cursor {
            query.push(format!("after={}", query_value(cursor)));
        }
        query.join("&")
    }
}

/// What the page holds: the list so far, and the new product's form when it is open.
#[derive(Default)]
struct State {
    items: Vec<Product>,
    next: Option<String>,
    loading: bool,
    problem: Option<ApiError>,
    form: Option<Form>,
    form_problem: Option<ApiError>,
}

type Handle = Rc<std::cell::RefCell<State>>;

#[function_component]
pub fn Products(props: &PageProps) -> Html {
    // One state, changed in place by the callbacks, which then render again.
    let state: Handle = use_mut_ref(|| State {
        loading: true,
        ..State::default()
    });
    let force = use_force_update();
    let redraw = move || force.force_update();
    let filters = use_state(Filters::default);
    let rates = product_form::use_rates(&props.api);
    let token = props.token.clone();
    let base = format!("{}/seller/products", props.api);

    // Loads a page of the list (after `cursor`), appending it to what is shown.
    let load = {
        let (state, token, base, redraw) =
            (state.clone(), token.clone(), base.clone(), redraw.clone());
        Callback::from(move |(f, cursor): (Filters, Option<String>)| {
            let more = cursor.is_some();
            {
                let mut s = state.borrow_mut();
                s.loading = true;
                if !more {
                    s.items.clear();
                }
            }
            redraw();
            let (state, token, redraw) = (state.clone(), token.clone(), redraw.clone());
            let url = format!("{base}?{}", f.query(cursor.as_deref()));
            spawn_local(async move {
                let answer = Call::get(url, Some(&token)).json::<Page<Product>>().await;
                {
                    let mut s = state.borrow_mut();
                    s.loading = false;
                    match answer {
                        Ok(page) => {
                            s.items.extend(page.items);
                            s.next = page.next_cursor;
                            s.problem = None;
                        }
                        Err(problem) => s.problem = Some(problem),
                    }
                }
                redraw();
            });
        })
    };
    {
        let (load, filters) = (load.clone(), filters.clone());
        use_effect_with((), move |_| load.emit(((*filters).clone(), None)));
    }

    let typed = |apply: fn(&mut Form, String)| {
        let (state, redraw) = (state.clone(), redraw.clone());
        Callback::from(move |e: InputEvent| {
            let value = value_of(e.target());
            if let Some(form) = state.borrow_mut().form.as_mut() {
                apply(form, value);
            }
            redraw();
        })
    };
    let on_save = {
        let (state, base, token, rates, redraw) = (
            state.clone(),
            base.clone(),
            token.clone(),
            rates.clone(),
            redraw.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = state
                .borrow()
                .form
                .as_ref()
                .map(|form| form.body(&rates, true));
            let body = match body {
                Some(Ok(body)) => body,
                Some(Err(problem)) => {
                    state.borrow_mut().form_problem = Some(problem);
                    redraw();
                    return;
                }
                None => return,
            };
            let (state, base, token, redraw) =
                (state.clone(), base.clone(), token.clone(), redraw.clone());
            spawn_local(async move {
                let call = Call::with_body("POST", base, Some(body), Some(&token));
                match call.json::<Product>().await {
                    Ok(created) => parts::navigate(format!("/seller/products/{}", created.id)),
                    Err(problem) => {
                        state.borrow_mut().form_problem = Some(problem);
                        redraw();
                    }
                }
            });
        })
    };
    let edit = |apply: fn(&mut Filters, String)| {
        let filters = filters.clone();
        Callback::from(move |e: Event| {
            let mut next = (*filters).clone();
            apply(&mut next, value_of(e.target()));
            filters.set(next);
        })
    };
    let on_q = {
        let filters = filters.clone();
        Callback::from(move |e: InputEvent| {
            filters.set(Filters {
                q: value_of(e.target()),
                ..(*filters).clone()
            });
        })
    };
    let on_search = {
        let (load, filters) = (load.clone(), filters.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            load.emit(((*filters).clone(), None));
        })
    };
    let on_more = {
        let (load, filters, state) = (load.clone(), filters.clone(), state.clone());
        Callback::from(move |_: MouseEvent| {
            let next = state.borrow().next.clone();
            if next.is_some() {
                load.emit(((*filters).clone(), next));
            }
        })
    };
    let on_new = {
        let (state, redraw, rates) = (state.clone(), redraw.clone(), rates.clone());
        Callback::from(move |_: MouseEvent| {
            {
                let mut s = state.borrow_mut();
                s.form = match s.form {
                    Some(_) => None,
                    None => Some(Form::blank(&rates)),
                };
                s.form_problem = None;
            }
            redraw();
        })
    };

    let s = state.borrow();
    let list = if s.items.is_empty() && s.loading {
        parts::loading()
    } else if s.items.is_empty() && s.problem.is_none() {
        parts::empty(if *filters == Filters::default() {
            "No products yet: add your first."
        } else {
            "No products match these filters."
        })
    } else {
        html! {
            <table data-testid="seller-products">
                { parts::head(&[("Product", false), ("SKU", false), ("Price", true), ("GST", true), ("Stock", true), ("Status", false)]) }
                <tbody>{ for s.items.iter().map(row) }</tbody>
            </table>
        }
    };
    let body = html! { <>
        <form role="search" onsubmit={on_search} data-testid="product-filters">
            <label>{ "Search " }<input type="search" name="q" value={filters.q.clone()} oninput={on_q} data-testid="search" /></label>
            <label>{ "Category " }<input name="category" value={filters.category.clone()} onchange={edit(|f, v| f.category = v)} data-testid="category" /></label>
            <label>{ "Status " }
                <select name="status" onchange={edit(|f, v| f.status = v)} data-testid="status">
                    { options(&[("", "Any"), ("active", "Active"), ("inactive", "Inactive")], &filters.status) }
                </select>
            </label>
            <label>{ "Stock " }
                <select name="stock" onchange={edit(|f, v| f.stock = v)} data-testid="stock-filter">
                    { options(&[("", "Any"), ("low", "Low (5 or fewer)"), ("out", "Out of stock")], &filters.stock) }
                </select>
            </label>
            <button type="submit">{ "Search" }</button>
        </form>
        <button type="button" onclick={on_new} data-testid="new-product">{ if s.form.is_some() { "Close the form" } else { "New product" } }</button>
        if let Some(form) = &s.form {
            { product_form::view(form, s.form_problem.as_deref(), &rates, true, typed, on_save) }
        }
        if let Some(problem) = &s.problem { { parts::problem(problem) } }
        { list }
        if s.next.is_some() {
            <button type="button" onclick={on_more} disabled={s.loading} data-testid="load-more">{ if s.loading { "Loading…" } else { "More" } }</button>
        }
    </> };
    html! { <div class={widget_kit::style::class(product_form::CSS)}>{ parts::page("Your products", body) }</div> }
}

/// `<option>`s with `selected` on the current value.
fn options(choices: &[(&'static str, &'static str)], current: &str) -> Html {
    choices
        .iter()
        .map(|&(value, label)| html! { <option {value} selected={current == value}>{ label }</option> })
        .collect()
}

fn row(p: &Product) -> Html {
    html! {
        <tr key={p.id.clone()} data-testid="seller-product" data-product-id={p.id.clone()}>
            <td>{ parts::link(format!("/seller/products/{}", p.id), html! { p.name.clone() }) }<div class="muted">{ p.category.clone() }</div></td>
            <td>{ p.sku.clone() }</td>
            <td class="num">{ p.price.to_inr() }</td>
            <td class="num">{ p.gst_rate.to_string() }</td>
            <td class="num">{ p.stock }{ low_marker(p.stock) }</td>
            <td>{ if p.active { "Active" } else { "Inactive" } }</td>
        </tr>
    }
}
