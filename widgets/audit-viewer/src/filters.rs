//! The filter form: the audit API's filters (`GET /audit`'s query parameters) and its three
//! named queries, read from the form when it is submitted and handed on as a query string.

use shop_kit::http::query_value;
use wasm_bindgen::JsValue;
use web_sys::{FormData, HtmlFormElement};
use yew::prelude::*;

/// The text inputs: parameter, label, placeholder.
const TEXT: [(&str, &str, &str); 4] = [
    ("actorId", "Actor id", "an account id, or sweeper"),
    ("action", "Action", "products:update"),
    ("resourceType", "Resource type", "orders"),
    ("resourceId", "Resource id", ""),
];

/// A select's options: (value, label); the first means "any".
type Options = &'static [(&'static str, &'static str)];

/// The choices: parameter, label, options.
const CHOICES: [(&str, &str, Options); 4] = [
    (
        "preset",
        "Named query",
        &[
            ("", "None"),
            ("failed-logins", "Failed sign-ins, last 24 hours"),
            ("impersonations", "Acts during support sessions"),
            ("price-changes", "Price changes"),
        ],
    ),
    (
        "actorType",
        "Actor type",
        &[
            ("", "Any"),
            ("USER", "User"),
            ("ADMIN", "Administrator"),
            ("SYSTEM", "System"),
        ],
    ),
    (
        "impersonation",
        "Support session",
        &[
            ("", "Either"),
            ("true", "Only impersonated acts"),
            ("false", "No impersonated acts"),
        ],
    ),
    (
        "status",
        "Outcome",
        &[("", "Any"), ("SUCCESS", "Succeeded"), ("FAILURE", "Failed")],
    ),
];

/// The time range: parameter and label (a local date and time, sent as unix seconds).
const TIMES: [(&str, &str); 2] = [("from", "From"), ("to", "Up to")];

/// The form; `apply` gets the query string of what it holds on submit.
pub fn form(apply: Callback<String>) -> Html {
    let onsubmit = Callback::from(move |e: SubmitEvent| {
        e.prevent_default();
        let form: HtmlFormElement = e.target_unchecked_into();
        if let Ok(data) = FormData::new_with_form(&form) {
            apply.emit(query(&data));
        }
    });
    html! {
        <form {onsubmit} data-testid="audit-filters" class="grid">
            { for CHOICES.iter().map(|&(name, label, options)| html! {
                <label>{ label }
                    <select name={name} data-testid={format!("filter-{name}")}>
                        // The first ("any") selected explicitly: left to itself, Yew's
                        // rendering leaves the last option selected.
                        { for options.iter().enumerate().map(|(i, &(value, text))| html! {
                            <option value={value} selected={i == 0}>{ text }</option>
                        }) }
                    </select>
                </label>
            }) }
            { for TEXT.iter().map(|&(name, label, hint)| html! {
                <label>{ label }
                    <input name={name} placeholder={hint} data-testid={format!("filter-{name}")} />
                </label>
            }) }
            { for TIMES.iter().map(|&(name, label)| html! {
                <label>{ label }
                    <input type="datetime-local" name={name} data-testid={format!("filter-{name}")} />
                </label>
            }) }
            <p><button type="submit" data-testid="audit-apply">{ "Show rows" }</button></p>
        </form>
    }
}

/// The form's non-empty fields as a query string.
fn query(data: &FormData) -> String {
    let value = |name: &str| data.get(name).as_string().unwrap_or_default();
    let mut pairs: Vec<String> = Vec::new();
    let names = CHOICES.iter().map(|c| c.0).chain(TEXT.iter().map(|t| t.0));
    for name in names {
        let text = value(name);
        let text = text.trim();
        if !text.is_empty() {
            pairs.push(format!("{name}={}", query_value(text)));
        }
    }
    for (name, _) in TIMES {
        let text = value(name);
        if text.is_empty() {
            continue;
        }
        // A `datetime-local` value has no zone: the browser reads it in the reader's own.
        let millis = js_sys::Date::new(&JsValue::from_str(&text)).get_time();
        if millis.is_finite() {
            // Minutes are what the input offers: "up to 10:30" includes 10:30:59.
            let seconds = (millis / 1000.0) as i64 + if name == "to" { 59 } else { 0 };
            pairs.push(format!("{name}={seconds}"));
        }
    }
    pairs.join("&")
}

/// `query` as a URL's query part (`?…`), or nothing.
pub fn leading(query: &str) -> String {
    if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    }
}
