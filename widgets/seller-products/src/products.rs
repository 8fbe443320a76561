//! The seller's products (`/seller/products`): the list with search, category, status and stock
//! filters, keyset "More" pages and a low-stock marker, and the form of a new product; one
//! product (`/seller/products/:id`): its form, activate/deactivate, stock adjustments with the
//! inventory history, and its images (upload with a preview, reorder, remove). Field errors come
//! from the API's problem+json and are shown next to their fields.

use contracts::gst::Rate;
use contracts::product_manager::{image_key, is_low_stock};
use contracts::{FieldError, Paise, Problem};
use serde::Deserialize;
use shop_kit::back_office::PageProps;
use shop_kit::http::{ApiError, Call, query_value};
use shop_kit::parts;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use yew::platform::spawn_local;
use yew::prelude::*;

/// What the page reads of a product (`contracts::catalog::Product`): decoding only these
/// members keeps the widget's wasm small.
#[derive(Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Product {
    id: String,
    name: String,
    description: String,
    sku: String,
    hsn: String,
    price: Paise,
    gst_rate: Rate,
    stock: i64,
    category: String,
    active: bool,
    #[serde(default)]
    images: Vec<String>,
}

/// A page of products or of the inventory history (`ProductPage`, `InventoryPage`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Page<T> {
    items: Vec<T>,
    #[serde(default)]
    next_cursor: Option<String>,
}

/// What the page reads of an inventory history entry (`contracts::inventory::InventoryEntry`).
#[derive(Deserialize)]
struct Entry {
    reason: String,
    delta: i64,
    level: i64,
    at: i64,
}

/// What the page reads of `GET /gst/rates` (`contracts::product_manager::GstRates`).
#[derive(Deserialize)]
struct Rates {
    slabs: Vec<Slab>,
}

#[derive(Deserialize)]
struct Slab {
    rate: Rate,
}

/// `text` as a JSON string. The bodies are written by hand: serde's serializer would add
/// kilobytes to the wasm for four small objects.
fn json_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The form's body (`NewProduct` with the opening `stock`, `ProductChanges` without).
fn form_body(form: &Form, price: Paise, rate: Rate, stock: Option<i64>) -> String {
    let mut body = format!(
        "{{\"name\":{},\"description\":{},\"sku\":{},\"hsn\":{},\"category\":{},\"price\":{},\"gstRate\":{}",
        json_text(&form.name),
        json_text(&form.description),
        json_text(&form.sku),
        json_text(&form.hsn),
        json_text(&form.category),
        price.0,
        rate.0
    );
    if let Some(stock) = stock {
        body.push_str(&format!(",\"stock\":{stock}"));
    }
    body.push('}');
    body
}

/// The list's filters, as typed.
#[derive(Clone, Default, PartialEq)]
struct Filters {
    q: String,
    category: String,
    status: String,
    stock: String,
}

/// The product form, as typed (the price in rupees).
#[derive(Clone, Default, PartialEq)]
struct Form {
    name: String,
    description: String,
    category: String,
    price: String,
    rate: String,
    hsn: String,
    sku: String,
    stock: String,
}

impl Form {
    fn of(p: &Product) -> Form {
        Form {
            name: p.name.clone(),
            description: p.description.clone(),
            category: p.category.clone(),
            price: format!("{}.{:02}", p.price.0 / 100, p.price.0 % 100),
            rate: p.gst_rate.0.to_string(),
            hsn: p.hsn.clone(),
            sku: p.sku.clone(),
            stock: p.stock.to_string(),
        }
    }
}

/// What the page holds: the list, the product shown, and each part's problem.
#[derive(Default)]
struct State {
    items: Vec<Product>,
    next: Option<String>,
    loading: bool,
    list_problem: Option<ApiError>,
    product: Option<Product>,
    history: Option<Page<Entry>>,
    form: Form,
    /// The form is open (a new product on the list page; always on a product's page).
    editing: bool,
    form_problem: Option<ApiError>,
    delta: String,
    reason: String,
    stock_problem: Option<ApiError>,
    /// The picked image: the file, its preview's object URL and its type.
    picked: Option<(JsValue, String, String)>,
    image_problem: Option<ApiError>,
}

const REASONS: [(&str, &str); 5] = [
    ("restock", "Restock"),
    ("damaged", "Damaged"),
    ("lost", "Lost"),
    ("returned", "Returned"),
    ("correction", "Correction"),
];

/// The wire spelling of a chosen reason (one of [`REASONS`]; `restock` by default).
fn reason(value: &str) -> &'static str {
    REASONS
        .iter()
        .find(|(v, _)| *v == value)
        .map_or("restock", |(v, _)| v)
}

/// A problem made here for a field the browser could not read (a price that is not rupees).
fn local(field: &str, message: &str) -> ApiError {
    let mut problem = Problem::new(422, "validation_failed", "Check the form");
    problem.errors.push(FieldError {
        field: field.into(),
        code: "invalid".into(),
        message: message.into(),
    });
    Rc::new(problem)
}

type Handle = Rc<std::cell::RefCell<State>>;

/// Changes the state (the caller renders again).
fn update(state: &Handle, change: impl FnOnce(&mut State)) {
    change(&mut state.borrow_mut());
}

/// Where a failed action's problem is shown.
type OnProblem = fn(&mut State, ApiError);

#[function_component]
pub fn Products(props: &PageProps) -> Html {
    // One state, changed in place by the callbacks, which then render again.
    let state: Handle = use_mut_ref(State::default);
    let force = use_force_update();
    let redraw = move || force.force_update();
    let filters = use_state(Filters::default);
    let rates = use_state(Vec::<Rate>::new);
    let api = props.api.clone();
    let token = props.token.clone();

    let base = format!("{api}/seller/products");
    // Loads a page of the list (after `cursor`), appending it to what is shown.
    let load = {
        let (state, token, base, redraw) =
            (state.clone(), token.clone(), base.clone(), redraw.clone());
        Callback::from(move |(f, cursor): (Filters, Option<String>)| {
            let mut query = vec!["limit=20".to_owned()];
            for (name, value) in [
                ("q", &f.q),
                ("category", &f.category),
                ("status", &f.status),
                ("stock", &f.stock),
            ] {
                if !value.trim().is_empty() {
                    query.push(format!("{name}={}", query_value(value.trim())));
                }
            }
            let more = cursor.is_some();
            if let Some(cursor) = cursor {
                query.push(format!("after={}", query_value(&cursor)));
            }
            update(&state, |s| {
                s.loading = true;
                if !more {
                    s.items.clear();
                }
            });
            redraw();
            let (state, token, redraw) = (state.clone(), token.clone(), redraw.clone());
            let url = format!("{base}?{}", query.join("&"));
            spawn_local(async move {
                let answer = Call::get(url, Some(&token)).json::<Page<Product>>().await;
                update(&state, |s| {
                    s.loading = false;
                    match answer {
                        Ok(page) => {
                            s.items.extend(page.items);
                            s.next = page.next_cursor;
                            s.list_problem = None;
                        }
                        Err(problem) => s.list_problem = Some(problem),
                    }
                });
                redraw();
            });
        })
    };
    // Loads the product shown and its inventory history.
    let load_product = {
        let (state, token, base, redraw) =
            (state.clone(), token.clone(), base.clone(), redraw.clone());
        Callback::from(move |id: String| {
            let (state, token, redraw) = (state.clone(), token.clone(), redraw.clone());
            let base = base.clone();
            spawn_local(async move {
                let product = Call::get(format!("{base}/{id}"), Some(&token))
                    .json::<Product>()
                    .await;
                let history = Call::get(format!("{base}/{id}/inventory"), Some(&token))
                    .json::<Page<Entry>>()
                    .await
                    .ok();
                update(&state, |s| match product {
                    Ok(p) => {
                        s.form = Form::of(&p);
                        s.product = Some(p);
                        s.history = history;
                        s.editing = true;
                        s.list_problem = None;
                    }
                    Err(problem) => s.list_problem = Some(problem),
                });
                redraw();
            });
        })
    };
    {
        let (rates, api) = (rates.clone(), api.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                if let Ok(answer) = Call::get(format!("{api}/gst/rates"), None)
                    .json::<Rates>()
                    .await
                {
                    rates.set(answer.slabs.into_iter().map(|slab| slab.rate).collect());
                }
            });
        });
    }
    {
        let (state, load, load_product, filters, redraw) = (
            state.clone(),
            load.clone(),
            load_product.clone(),
            filters.clone(),
            redraw.clone(),
        );
        use_effect_with(props.id.clone(), move |id| {
            update(&state, |s| {
                *s = State::default();
                s.loading = id.is_none();
            });
            redraw();
            match id {
                Some(id) => load_product.emit(id.to_string()),
                None => load.emit(((*filters).clone(), None)),
            }
        });
    }

    // Runs a call answering the product (a JSON body, or a raw file with its type), then shows
    // the product again (or the problem, where `on_problem` puts it).
    let act = {
        let (state, redraw, load_product, token) = (
            state.clone(),
            redraw.clone(),
            load_product.clone(),
            token.clone(),
        );
        move |method: &'static str,
              url: String,
              json: Option<String>,
              raw: Option<(JsValue, String)>,
              on_problem: OnProblem| {
            let (state, redraw, load_product, token) = (
                state.clone(),
                redraw.clone(),
                load_product.clone(),
                token.clone(),
            );
            spawn_local(async move {
                let call = Call::with_body(method, url, json, Some(&token));
                let answer = match raw {
                    Some((file, kind)) => call.upload::<Product>(&file, &kind).await,
                    None => call.json::<Product>().await,
                };
                match answer {
                    Ok(product) => {
                        update(&state, |s| {
                            s.picked = None;
                            s.delta.clear();
                            s.form_problem = None;
                            s.stock_problem = None;
                            s.image_problem = None;
                        });
                        load_product.emit(product.id);
                    }
                    Err(problem) => update(&state, |s| on_problem(s, problem)),
                }
                redraw();
            });
        }
    };

    let s = state.borrow();
    let product = s.product.clone();

    let typed = |apply: fn(&mut Form, String)| {
        let (state, redraw) = (state.clone(), redraw.clone());
        Callback::from(move |e: InputEvent| {
            let value = value_of(e.target());
            update(&state, |s| apply(&mut s.form, value));
            redraw();
        })
    };
    let on_save = {
        let (state, act, base, token, rates) = (
            state.clone(),
            act.clone(),
            base.clone(),
            token.clone(),
            rates.clone(),
        );
        let product = product.clone();
        let redraw = redraw.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let form = state.borrow().form.clone();
            let Some(price) = Paise::parse_rupees(&form.price) else {
                update(&state, |s| {
                    s.form_problem =
                        Some(local("price", "enter an amount in rupees, e.g. 1,234.50"))
                });
                redraw();
                return;
            };
            let rate = Rate(
                form.rate
                    .parse()
                    .unwrap_or_else(|_| rates.first().map_or(0, |r| r.0)),
            );
            match &product {
                None => {
                    let Ok(stock) = form.stock.trim().parse::<i64>() else {
                        update(&state, |s| {
                            s.form_problem = Some(local("stock", "enter a whole number of units"))
                        });
                        redraw();
                        return;
                    };
                    let body = form_body(&form, price, rate, Some(stock));
                    let (state, base, redraw, token) =
                        (state.clone(), base.clone(), redraw.clone(), token.clone());
                    spawn_local(async move {
                        let call = Call::with_body("POST", base, Some(body), Some(&token));
                        match call.json::<Product>().await {
                            Ok(created) => {
                                parts::navigate(format!("/seller/products/{}", created.id))
                            }
                            Err(problem) => {
                                update(&state, |s| s.form_problem = Some(problem));
                                redraw();
                            }
                        }
                    });
                }
                Some(p) => {
                    let body = form_body(&form, price, rate, None);
                    act(
                        "PATCH",
                        format!("{base}/{}", p.id),
                        Some(body),
                        None,
                        |s, p| s.form_problem = Some(p),
                    );
                }
            }
        })
    };

    let body = if let Some(p) = &product {
        let path = format!("{base}/{}", p.id);
        let toggle = {
            let (act, path, active) = (act.clone(), path.clone(), p.active);
            Callback::from(move |_: MouseEvent| {
                let body = format!("{{\"active\":{}}}", !active);
                act("PATCH", path.clone(), Some(body), None, |s, p| {
                    s.form_problem = Some(p)
                });
            })
        };
        let on_adjust = {
            let (act, path, state) = (act.clone(), path.clone(), state.clone());
            let redraw = redraw.clone();
            Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                let (delta, why) = {
                    let s = state.borrow();
                    (s.delta.trim().parse::<i64>(), reason(&s.reason))
                };
                let Ok(delta) = delta else {
                    update(&state, |s| {
                        s.stock_problem = Some(local(
                            "delta",
                            "enter a whole number of units, e.g. 5 or -2",
                        ))
                    });
                    redraw();
                    return;
                };
                let body = format!("{{\"delta\":{delta},\"reason\":\"{why}\"}}");
                act("POST", format!("{path}/stock"), Some(body), None, |s, p| {
                    s.stock_problem = Some(p)
                });
            })
        };
        let on_delta = {
            let (state, redraw) = (state.clone(), redraw.clone());
            Callback::from(move |e: InputEvent| {
                let v = value_of(e.target());
                update(&state, |s| s.delta = v);
                redraw();
            })
        };
        let on_reason = {
            let (state, redraw) = (state.clone(), redraw.clone());
            Callback::from(move |e: Event| {
                let v = value_of(e.target());
                update(&state, |s| s.reason = v);
                redraw();
            })
        };
        let on_pick = {
            let (state, redraw) = (state.clone(), redraw.clone());
            Callback::from(move |e: Event| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                let file = input.files().and_then(|files| files.get(0));
                update(&state, |s| {
                    if let Some((_, url, _)) = s.picked.take() {
                        let _ = web_sys::Url::revoke_object_url(&url);
                    }
                    s.picked = file.and_then(|file| {
                        let url = web_sys::Url::create_object_url_with_blob(&file).ok()?;
                        Some((file.clone().into(), url, file.type_()))
                    });
                    s.image_problem = None;
                });
                redraw();
            })
        };
        let on_upload = {
            let (act, path, state) = (act.clone(), path.clone(), state.clone());
            Callback::from(move |_: MouseEvent| {
                let picked = state.borrow().picked.clone();
                if let Some((file, _, kind)) = picked {
                    act(
                        "POST",
                        format!("{path}/images"),
                        None,
                        Some((file, kind)),
                        |s, p| s.image_problem = Some(p),
                    );
                }
            })
        };
        let keys: Vec<String> = p
            .images
            .iter()
            .map(|url| image_key(url).to_owned())
            .collect();
        let count = keys.len();
        let image_row = |i: usize, url: &String| {
            let key = keys[i].clone();
            let mover = |to: usize| {
                let (act, path, keys) = (act.clone(), path.clone(), keys.clone());
                Callback::from(move |_: MouseEvent| {
                    let mut keys = keys.clone();
                    keys.swap(i, to);
                    let keys: Vec<String> = keys.iter().map(|k| json_text(k)).collect();
                    let body = Some(format!("{{\"keys\":[{}]}}", keys.join(",")));
                    act("PUT", format!("{path}/images"), body, None, |s, p| {
                        s.image_problem = Some(p)
                    });
                })
            };
            let remove = {
                let (act, path) = (act.clone(), path.clone());
                Callback::from(move |_: MouseEvent| {
                    act(
                        "DELETE",
                        format!("{path}/images/{key}"),
                        None,
                        None,
                        |s, p| s.image_problem = Some(p),
                    );
                })
            };
            let n = i + 1;
            html! {
                <li data-testid="product-image">
                    <img src={url.clone()} alt={format!("Image {n}")} class="thumb" />
                    <button type="button" disabled={i == 0} onclick={mover(i.saturating_sub(1))} aria-label={format!("Move image {n} up")}>{ "↑" }</button>
                    <button type="button" disabled={i + 1 == count} onclick={mover((i + 1).min(count - 1))} aria-label={format!("Move image {n} down")}>{ "↓" }</button>
                    <button type="button" onclick={remove} aria-label={format!("Remove image {n}")} data-testid="remove-image">{ "Remove" }</button>
                </li>
            }
        };
        html! { <>
            { parts::link("/seller/products".into(), html! { "← All products" }) }
            <p data-testid="product-status">
                { if p.active { "Active: on sale" } else { "Inactive: hidden from shoppers" } }
                <button type="button" onclick={toggle} data-testid="toggle-active">
                    { if p.active { "Deactivate" } else { "Activate" } }
                </button>
            </p>
            { form_view(&s, &rates, false, typed, on_save.clone()) }
            <h2>{ "Stock" }</h2>
            <p data-testid="stock-level">{ format!("{} in stock", p.stock) }{ low_marker(p.stock) }</p>
            <form onsubmit={on_adjust} data-testid="stock-form">
                <label>{ "Change by (units) " }
                    <input name="delta" inputmode="numeric" value={s.delta.clone()} oninput={on_delta} data-testid="delta" />
                </label>
                { parts::field_error(s.stock_problem.as_deref(), "delta") }
                <label>{ "Reason " }
                    <select name="reason" onchange={on_reason} data-testid="reason">
                        { for REASONS.iter().map(|&(value, label)| html! { <option {value} selected={s.reason == value}>{ label }</option> }) }
                    </select>
                </label>
                <button type="submit">{ "Adjust stock" }</button>
            </form>
            if let Some(problem) = s.stock_problem.as_deref().filter(|p| p.errors.is_empty()) { { parts::problem(problem) } }
            { history_view(s.history.as_ref()) }
            <h2>{ "Images" }</h2>
            if p.images.is_empty() { { parts::empty("No images yet.") } }
            <ol class="images">{ for p.images.iter().enumerate().map(|(i, url)| image_row(i, url)) }</ol>
            <label>{ "Add an image (PNG, JPEG or WebP, at most 2 MiB) " }
                <input type="file" accept="image/png,image/jpeg,image/webp" onchange={on_pick} data-testid="image-file" />
            </label>
            if let Some((_, url, _)) = &s.picked {
                <img src={url.clone()} alt="Preview of the image to upload" class="thumb" data-testid="image-preview" />
                <button type="button" onclick={on_upload} data-testid="upload-image">{ "Upload" }</button>
            }
            { parts::field_error(s.image_problem.as_deref(), "image") }
            if let Some(problem) = s.image_problem.as_deref().filter(|p| p.errors.is_empty()) { { parts::problem(problem) } }
        </> }
    } else if props.id.is_some() {
        match &s.list_problem {
            Some(problem) => parts::problem(problem),
            None => parts::loading(),
        }
    } else {
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
                update(&state, |s| {
                    s.editing = !s.editing;
                    s.form = Form {
                        rate: rates.first().map(|r| r.0.to_string()).unwrap_or_default(),
                        ..Form::default()
                    };
                    s.form_problem = None;
                });
                redraw();
            })
        };
        let list = if s.items.is_empty() && s.loading {
            parts::loading()
        } else if s.items.is_empty() && s.list_problem.is_none() {
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
        html! { <>
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
            <button type="button" onclick={on_new} data-testid="new-product">{ if s.editing { "Close the form" } else { "New product" } }</button>
            if s.editing { { form_view(&s, &rates, true, typed, on_save.clone()) } }
            if let Some(problem) = &s.list_problem { { parts::problem(problem) } }
            { list }
            if s.next.is_some() {
                <button type="button" onclick={on_more} disabled={s.loading} data-testid="load-more">{ if s.loading { "Loading…" } else { "More" } }</button>
            }
        </> }
    };
    let title = product
        .as_ref()
        .map_or("Your products".to_owned(), |p| p.name.clone());
    html! { <div class={widget_kit::style::class(CSS)}>{ parts::page(&title, body) }</div> }
}

const CSS: &str = "
& .thumb { max-width: 6rem; max-height: 6rem; vertical-align: middle; margin-right: .5rem; }
& .low { color: #a00; font-weight: bold; margin-left: .4rem; }
& .images { list-style: none; padding: 0; }
& textarea { width: 100%; min-height: 4rem; }
";

/// `<option>`s with `selected` on the current value.
fn options(choices: &[(&'static str, &'static str)], current: &str) -> Html {
    choices
        .iter()
        .map(|&(value, label)| html! { <option {value} selected={current == value}>{ label }</option> })
        .collect()
}

/// The low-stock marker, when the stock is low.
fn low_marker(stock: i64) -> Html {
    if is_low_stock(stock) {
        html! { <span class="low" data-testid="low-stock">{ if stock == 0 { "Out of stock" } else { "Low stock" } }</span> }
    } else {
        Html::default()
    }
}

fn row(p: &Product) -> Html {
    html! {
        <tr data-testid="seller-product" data-product-id={p.id.clone()}>
            <td>{ parts::link(format!("/seller/products/{}", p.id), html! { p.name.clone() }) }<div class="muted">{ p.category.clone() }</div></td>
            <td>{ p.sku.clone() }</td>
            <td class="num">{ p.price.to_inr() }</td>
            <td class="num">{ p.gst_rate.to_string() }</td>
            <td class="num">{ p.stock }{ low_marker(p.stock) }</td>
            <td>{ if p.active { "Active" } else { "Inactive" } }</td>
        </tr>
    }
}

/// The product form; `new` adds the opening stock.
fn form_view(
    s: &State,
    rates: &[Rate],
    new: bool,
    typed: impl Fn(fn(&mut Form, String)) -> Callback<InputEvent>,
    onsubmit: Callback<SubmitEvent>,
) -> Html {
    let f = &s.form;
    let problem = s.form_problem.as_deref();
    let on_rate = {
        let cb = typed(|f, v| f.rate = v);
        Callback::from(move |e: Event| cb.emit(e.unchecked_into()))
    };
    let field = |label: &str, name: &'static str, value: &str, apply: fn(&mut Form, String)| {
        html! {
            <label>{ format!("{label} ") }
                <input {name} value={value.to_owned()} oninput={typed(apply)} data-testid={format!("field-{name}")} />
                { parts::field_error(problem, name) }
            </label>
        }
    };
    html! {
        <form {onsubmit} data-testid="product-form">
            { field("Name", "name", &f.name, |f, v| f.name = v) }
            <label>{ "Description " }
                <textarea name="description" value={f.description.clone()} oninput={typed(|f, v| f.description = v)} data-testid="field-description" />
                { parts::field_error(problem, "description") }
            </label>
            { field("Category", "category", &f.category, |f, v| f.category = v) }
            { field("Price before GST (₹)", "price", &f.price, |f, v| f.price = v) }
            <label>{ "GST rate " }
                <select name="gstRate" onchange={on_rate} data-testid="field-gstRate">
                    { for rates.iter().map(|r| {
                        let value = r.0.to_string();
                        let selected = f.rate == value;
                        html! { <option {selected} {value}>{ r.to_string() }</option> }
                    }) }
                </select>
                { parts::field_error(problem, "gstRate") }
            </label>
            { field("HSN code", "hsn", &f.hsn, |f, v| f.hsn = v) }
            { field("SKU", "sku", &f.sku, |f, v| f.sku = v) }
            if new { { field("Opening stock (units)", "stock", &f.stock, |f, v| f.stock = v) } }
            if let Some(problem) = problem.filter(|p| p.errors.is_empty()) { { parts::problem(problem) } }
            <button type="submit" data-testid="save-product">{ if new { "Add product" } else { "Save changes" } }</button>
        </form>
    }
}

/// The inventory history, newest first.
fn history_view(history: Option<&Page<Entry>>) -> Html {
    let Some(history) = history else {
        return parts::loading();
    };
    if history.items.is_empty() {
        return parts::empty("No stock changes yet.");
    }
    html! {
        <table data-testid="inventory-history">
            <caption>{ "Inventory history" }</caption>
            { parts::head(&[("When", false), ("Why", false), ("Change", true), ("Level", true)]) }
            <tbody>
                { for history.items.iter().map(|e| html! {
                    <tr>
                        <td>{ parts::date_time(e.at) }</td>
                        <td>{ e.reason.replace('_', " ") }</td>
                        <td class="num">{ format!("{:+}", e.delta) }</td>
                        <td class="num">{ e.level }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

/// The value of the input, select or textarea an event came from.
fn value_of(target: Option<web_sys::EventTarget>) -> String {
    target
        .and_then(|t| js_sys::Reflect::get(&t, &"value".into()).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_written_bodies_are_json() {
        assert_eq!(json_text("a \"b\" \\ \n"), r#""a \"b\" \\ \u000a""#);
        let form = Form {
            name: "Dupatta".into(),
            hsn: "6214".into(),
            ..Form::default()
        };
        assert_eq!(
            form_body(&form, Paise(123_450), Rate(500), Some(3)),
            r#"{"name":"Dupatta","description":"","sku":"","hsn":"6214","category":"","price":123450,"gstRate":500,"stock":3}"#
        );
    }
}
