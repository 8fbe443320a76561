//! Page parts of the shopping widgets: problems (whole-page and next to a field), the loading
//! and empty states, statuses, dates, toasts and the shared table look.

use contracts::Problem;
use contracts::events::{ShellEvent, ToastLevel};
use contracts::orders::OrderStatus;
use wasm_bindgen::JsValue;
use widget_kit::{bus, style};
use yew::prelude::*;

/// The look of every shopping page: tables of lines and totals, forms, notices.
const SHOP: &str = "
& table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
& th, & td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--mfe-border, #ddd); }
& td.num, & th.num { text-align: right; font-variant-numeric: tabular-nums; }
& [role=alert] { color: #a00; margin: .5rem 0; }
& .field-error { color: #a00; font-size: .85rem; display: block; }
& label { display: block; margin: .4rem 0; }
& input, & select { padding: .3rem; }
& button { padding: .35rem .8rem; margin: .2rem; cursor: pointer; }
& .muted { color: #666; }
& .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); gap: 1rem; }
& .card { border: 1px solid var(--mfe-border, #ddd); border-radius: 6px; padding: .75rem; }
& .status { font-weight: bold; }
";

/// The class of a shopping page's root: gives it the shared look.
pub fn shop_class() -> String {
    style::class(SHOP)
}

/// What to tell a person about `problem`: its detail, else its title.
pub fn message(problem: &Problem) -> &str {
    problem.detail.as_deref().unwrap_or(&problem.title)
}

/// A problem that stopped the page or an action.
pub fn problem(problem: &Problem) -> Html {
    html! { <p role="alert" data-testid="problem">{ message(problem) }</p> }
}

/// The messages `problem` has for `field` (e.g. `address.phone`), shown beside the input.
pub fn field_error(problem: Option<&Problem>, field: &str) -> Html {
    let Some(problem) = problem else {
        return Html::default();
    };
    problem
        .errors
        .iter()
        .filter(|error| error.field == field)
        .map(|error| {
            html! {
                <span class="field-error" data-testid={format!("error-{field}")}>{ error.message.clone() }</span>
            }
        })
        .collect()
}

/// The page is waiting for the API: a status, which a screen reader announces without moving
/// focus.
pub fn loading() -> Html {
    html! { <p role="status" data-testid="loading">{ "Loading…" }</p> }
}

/// There is nothing to show, and why.
pub fn empty(text: &str) -> Html {
    html! { <p class="muted" data-testid="empty">{ text.to_owned() }</p> }
}

/// A status as shoppers read it.
pub fn status_label(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Initiated => "Placed",
        OrderStatus::PaymentPending => "Awaiting payment",
        OrderStatus::Success => "Payment received",
        OrderStatus::OrderConfirmed => "Confirmed",
        OrderStatus::Failed => "Payment failed",
        OrderStatus::PaymentFailed => "Payment failed, order cancelled",
        OrderStatus::Timeout => "Payment timed out",
        OrderStatus::PaymentTimeout => "Payment timed out, order cancelled",
        OrderStatus::Packed => "Packed",
        OrderStatus::Shipped => "Shipped",
        OrderStatus::Delivered => "Delivered",
        OrderStatus::Cancelled => "Cancelled",
    }
}

/// A status badge; its `data-status` is the wire spelling, for tests.
pub fn status(status: OrderStatus) -> Html {
    html! {
        <span class="status" data-testid="order-status" data-status={status.as_str()}>
            { status_label(status) }
        </span>
    }
}

/// Unix seconds as a date and time in the reader's locale (Indian English).
pub fn date_time(unix_seconds: i64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(unix_seconds as f64 * 1000.0));
    String::from(date.to_locale_string("en-IN", &JsValue::UNDEFINED))
}

/// Asks the shell to show `message` briefly.
pub fn toast(level: ToastLevel, message: String) {
    bus::emit(ShellEvent::Toast { level, message });
}

/// Asks the shell to go to `path`.
pub fn navigate(path: String) {
    bus::emit(ShellEvent::Navigate { path });
}

/// A table's header row: each column's label, and whether it holds numbers (right-aligned).
/// One loop instead of a `<th>` each: every element written out in `html!` is code in the wasm.
pub fn head(columns: &[(&'static str, bool)]) -> Html {
    html! {
        <thead><tr>
            { for columns.iter().map(|&(label, numeric)| html! {
                <th scope="col" class={numeric.then_some("num")}>{ label }</th>
            }) }
        </tr></thead>
    }
}

/// Amounts as right-aligned cells, in order.
pub fn amount_cells(amounts: &[contracts::Paise]) -> Html {
    amounts
        .iter()
        .map(|amount| html! { <td class="num">{ amount.to_inr() }</td> })
        .collect()
}

const PAGE: &str = "
& { padding: 1.5rem; background: var(--mfe-surface, #fff); border: 1px solid var(--mfe-border, #ddd); border-radius: 8px; }
& h1 { margin: 0 0 1rem; font-size: 1.4rem; color: var(--mfe-ink, #222); }
";

/// A titled page with the shopping look: the kit's `Page` frame (same CSS) as a plain function.
/// A Yew component costs each widget its own copy of the component machinery (kilobytes of
/// wasm); a function costs almost nothing.
pub fn page(title: &str, body: Html) -> Html {
    html! {
        <section class={style::class(PAGE)}>
            <h1>{ title.to_owned() }</h1>
            <div class={shop_class()}>{ body }</div>
        </section>
    }
}

/// A link inside the app, as the kit's `Link` (a plain click asks the shell to navigate over
/// the bus; the `href` keeps open-in-new-tab working) but as a function, for the reason above.
pub fn link(to: String, body: Html) -> Html {
    let onclick = {
        let to = to.clone();
        Callback::from(move |e: MouseEvent| {
            if e.button() == 0 && !(e.ctrl_key() || e.meta_key() || e.shift_key() || e.alt_key()) {
                e.prevent_default();
                navigate(to.clone());
            }
        })
    };
    html! { <a href={to} {onclick}>{ body }</a> }
}
