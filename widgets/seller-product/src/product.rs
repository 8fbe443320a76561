//! One product (`/seller/products/:id`): its form, activate/deactivate, stock adjustments as
//! deltas with a reason beside the inventory history, and its images (upload with a preview,
//! reorder, remove). Every action answers the product, which is then read again with its
//! history; field errors come from the API's problem+json and are shown next to their fields.

use contracts::product_manager::image_key;
use serde::Deserialize;
use shop_kit::back_office::PageProps;
use shop_kit::http::{ApiError, Call};
use shop_kit::parts;
use shop_kit::product_form::{self, Form, Page, Product, json_text, local, low_marker, value_of};
use std::rc::Rc;
use wasm_bindgen::JsValue;
use yew::platform::spawn_local;
use yew::prelude::*;

/// What the page reads of an inventory history entry (`contracts::inventory::InventoryEntry`).
#[derive(Deserialize)]
struct Entry {
    reason: String,
    delta: i64,
    level: i64,
    at: i64,
}

/// What the page holds: the product, its history, the forms as typed and each part's problem.
#[derive(Default)]
struct State {
    product: Option<Product>,
    /// The product could not be read.
    problem: Option<ApiError>,
    history: Option<Page<Entry>>,
    form: Form,
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

type Handle = Rc<std::cell::RefCell<State>>;

/// Where a failed action's problem is shown.
type OnProblem = fn(&mut State, ApiError);

#[function_component]
pub fn ProductPage(props: &PageProps) -> Html {
    // One state, changed in place by the callbacks, which then render again.
    let state: Handle = use_mut_ref(State::default);
    let force = use_force_update();
    let redraw = move || force.force_update();
    let rates = product_form::use_rates(&props.api);
    let token = props.token.clone();
    let path = format!(
        "{}/seller/products/{}",
        props.api,
        props.id.as_deref().unwrap_or_default()
    );

    // Reads the product and its inventory history; `fresh` also resets the forms.
    let load = {
        let (state, token, path, redraw) =
            (state.clone(), token.clone(), path.clone(), redraw.clone());
        Callback::from(move |fresh: bool| {
            let (state, token, path, redraw) =
                (state.clone(), token.clone(), path.clone(), redraw.clone());
            spawn_local(async move {
                let product = Call::get(path.clone(), Some(&token))
                    .json::<Product>()
                    .await;
                let history = Call::get(format!("{path}/inventory"), Some(&token))
                    .json::<Page<Entry>>()
                    .await
                    .ok();
                {
                    let mut s = state.borrow_mut();
                    if fresh {
                        *s = State::default();
                    }
                    match product {
                        Ok(p) => {
                            s.form = Form::of(&p);
                            s.product = Some(p);
                            s.history = history;
                        }
                        Err(problem) => s.problem = Some(problem),
                    }
                }
                redraw();
            });
        })
    };
    {
        let load = load.clone();
        use_effect_with(path.clone(), move |_| load.emit(true));
    }

    // Runs a call answering the product (a JSON body, or a raw file with its type), then reads
    // it again (or shows the problem where `on_problem` puts it).
    let act = {
        let (state, redraw, load, token) =
            (state.clone(), redraw.clone(), load.clone(), token.clone());
        move |method: &'static str,
              url: String,
              json: Option<String>,
              raw: Option<(JsValue, String)>,
              on_problem: OnProblem| {
            let (state, redraw, load, token) =
                (state.clone(), redraw.clone(), load.clone(), token.clone());
            spawn_local(async move {
                let call = Call::with_body(method, url, json, Some(&token));
                let answer = match raw {
                    Some((file, kind)) => call.upload::<Product>(&file, &kind).await,
                    None => call.json::<Product>().await,
                };
                match answer {
                    Ok(_) => {
                        {
                            let mut s = state.borrow_mut();
                            s.picked = None;
                            s.delta.clear();
                            s.form_problem = None;
                            s.stock_problem = None;
                            s.image_problem = None;
                        }
                        load.emit(false);
                    }
                    Err(problem) => on_problem(&mut state.borrow_mut(), problem),
                }
                redraw();
            });
        }
    };

    let s = state.borrow();
    let Some(p) = s.product.clone() else {
        let title = format!("Product {}", props.id.as_deref().unwrap_or_default());
        return match &s.problem {
            Some(problem) => parts::page(&title, parts::problem(problem)),
            None => parts::page(&title, parts::loading()),
        };
    };

    let typed = |apply: fn(&mut Form, String)| {
        let (state, redraw) = (state.clone(), redraw.clone());
        Callback::from(move |e: InputEvent| {
            let value = value_of(e.target());
            apply(&mut state.borrow_mut().form, value);
            redraw();
        })
    };
    let on_save = {
        let (state, act, path, rates, redraw) = (
            state.clone(),
            act.clone(),
            path.clone(),
            rates.clone(),
            redraw.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = state.borrow().form.body(&rates, false);
            match body {
                Ok(body) => act("PATCH", path.clone(), Some(body), None, |s, p| {
                    s.form_problem = Some(p)
                }),
                Err(problem) => {
                    state.borrow_mut().form_problem = Some(problem);
                    redraw();
                }
            }
        })
    };
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
        let (act, path, state, redraw) = (act.clone(), path.clone(), state.clone(), redraw.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (delta, why) = {
                let s = state.borrow();
                (s.delta.trim().parse::<i64>(), reason(&s.reason))
            };
            let Ok(delta) = delta else {
                state.borrow_mut().stock_problem = Some(local(
                    "delta",
                    "enter a whole number of units, e.g. 5 or -2",
                ));
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
            state.borrow_mut().delta = value_of(e.target());
            redraw();
        })
    };
    let on_reason = {
        let (state, redraw) = (state.clone(), redraw.clone());
        Callback::from(move |e: Event| {
            state.borrow_mut().reason = value_of(e.target());
            redraw();
        })
    };
    let on_pick = {
        let (state, redraw) = (state.clone(), redraw.clone());
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let file = input.files().and_then(|files| files.get(0));
            {
                let mut s = state.borrow_mut();
                if let Some((_, url, _)) = s.picked.take() {
                    let _ = web_sys::Url::revoke_object_url(&url);
                }
                s.picked = file.and_then(|file| {
                    let url = web_sys::Url::create_object_url_with_blob(&file).ok()?;
                    Some((file.clone().into(), url, file.type_()))
                });
                s.image_problem = None;
            }
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
            <li key={url.clone()} data-testid="product-image">
                <img src={url.clone()} alt={format!("Image {n}")} class="thumb" />
                <button type="button" disabled={i == 0} onclick={mover(i.saturating_sub(1))} aria-label={format!("Move image {n} up")}>{ "↑" }</button>
                <button type="button" disabled={i + 1 == count} onclick={mover((i + 1).min(count - 1))} aria-label={format!("Move image {n} down")}>{ "↓" }</button>
                <button type="button" onclick={remove} aria-label={format!("Remove image {n}")} data-testid="remove-image">{ "Remove" }</button>
            </li>
        }
    };
    let body = html! { <>
        { parts::link("/seller/products".into(), html! { "← All products" }) }
        <p data-testid="product-status">
            { if p.active { "Active: on sale" } else { "Inactive: hidden from shoppers" } }
            <button type="button" onclick={toggle} data-testid="toggle-active">
                { if p.active { "Deactivate" } else { "Activate" } }
            </button>
        </p>
        { product_form::view(&s.form, s.form_problem.as_deref(), &rates, false, typed, on_save) }
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
    </> };
    html! { <div class={widget_kit::style::class(product_form::CSS)}>{ parts::page(&p.name, body) }</div> }
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
