//! The platform's figures: 30 days of paid orders, their value, new accounts and refunds as
//! bar charts, and what waits (applications, reconciliation cases).

use contracts::admin::{DayFigures, Figures as Data};
use shop_kit::back_office::{Load, PageProps, call, view};
use widget_kit::chart::{Point, Unit, bars};
use yew::prelude::*;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `02 Dec` for a UTC day's start.
fn label(day: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(day as f64 * 1000.0));
    format!(
        "{:02} {}",
        date.get_utc_date(),
        MONTHS[date.get_utc_month() as usize % 12]
    )
}

#[function_component]
pub fn Figures(props: &PageProps) -> Html {
    let data = use_state(|| Load::<Data>::Loading);
    {
        let (page, data) = (props.clone(), data.clone());
        use_effect_with((), move |_| {
            call(&page, "GET", "/admin/figures".into(), None, move |r| {
                data.set(r.map_or_else(Load::Failed, Load::Ready))
            });
        });
    }
    view(&data, |data| {
        let chart = |title: &str, id: &str, unit: Unit, of: fn(&DayFigures) -> i64| {
            let points: Vec<Point> = data
                .days
                .iter()
                .map(|d| Point {
                    label: label(d.day),
                    value: of(d),
                })
                .collect();
            bars(title, id, &points, unit, "Nothing in the last 30 days.")
        };
        html! { <>
            <p data-testid="waiting">{ format!("{} applications wait for review; {} reconciliation cases are open.",
                data.pending_applications, data.reconciliation_items) }</p>
            { chart("Paid orders per day", "chart-orders", Unit::Count, |d| d.orders) }
            { chart("Order value (GMV) per day", "chart-gmv", Unit::Paise, |d| d.gmv.0) }
            { chart("New accounts per day", "chart-accounts", Unit::Count, |d| d.new_accounts) }
            { chart("Refunded per day", "chart-refunds", Unit::Paise, |d| d.refunded.0) }
        </> }
    })
}
