//! `/seller`: the shop at a glance: sales and orders per day for the last 30 days as charts,
//! the orders waiting to be sent, the products running out, and the month's GST summary with
//! a month picker and its CSV download.

use contracts::seller_dashboard::{GstFigures, GstSummary, Month, SellerDashboard, ist_date};
use shop_kit::back_office::PageProps;
use shop_kit::http::{ApiError, Call};
use shop_kit::{download, parts};
use std::rc::Rc;
use widget_kit::chart::{Point, Unit, bars};
use yew::platform::spawn_local;
use yew::prelude::*;

/// What a part of the page has from the API.
#[derive(Clone, PartialEq)]
enum Load<T> {
    Loading,
    Ready(Rc<T>),
    Failed(ApiError),
}

/// This month in India, by the browser's clock.
fn this_month() -> String {
    let now = (js_sys::Date::now() / 1000.0) as i64;
    ist_date(now)
        .map(Month::of)
        .map(|m| m.to_string())
        .unwrap_or_default()
}

#[function_component]
pub fn Dashboard(props: &PageProps) -> Html {
    let figures = use_state(|| Load::<SellerDashboard>::Loading);
    let month = use_state(this_month);
    let summary = use_state(|| Load::<GstSummary>::Loading);
    let download_problem = use_state(|| None::<ApiError>);
    // The month whose summary the page wants: an answer for another (superseded) is dropped.
    let wanted = use_mut_ref(String::new);
    {
        let (figures, api, token) = (figures.clone(), props.api.clone(), props.token.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                let url = format!("{api}/seller/dashboard");
                figures.set(match Call::get(url, Some(&token)).json().await {
                    Ok(answer) => Load::Ready(Rc::new(answer)),
                    Err(problem) => Load::Failed(problem),
                });
            });
        });
    }
    {
        let (summary, api, token, wanted) = (
            summary.clone(),
            props.api.clone(),
            props.token.clone(),
            wanted.clone(),
        );
        use_effect_with((*month).clone(), move |month: &String| {
            let month = month.clone();
            *wanted.borrow_mut() = month.clone();
            summary.set(Load::Loading);
            spawn_local(async move {
                let url = format!("{api}/seller/gst-summary?month={month}");
                let answer = Call::get(url, Some(&token)).json().await;
                if *wanted.borrow() == month {
                    summary.set(match answer {
                        Ok(answer) => Load::Ready(Rc::new(answer)),
                        Err(problem) => Load::Failed(problem),
                    });
                }
            });
        });
    }
    let onmonth = {
        let month = month.clone();
        Callback::from(move |event: Event| {
            let value = input_value(&event);
            if Month::parse(&value).is_some() {
                month.set(value);
            }
        })
    };
    let ondownload = {
        let (api, token, month, problem) = (
            props.api.clone(),
            props.token.clone(),
            month.clone(),
            download_problem.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let month = (*month).clone();
            let url = format!("{api}/seller/gst-summary.csv?month={month}");
            let (token, problem) = (token.clone(), problem.clone());
            spawn_local(async move {
                let file = format!("gst-summary-{month}.csv");
                problem.set(download::save(url, &token, &file).await.err());
            });
        })
    };
    let top = match &*figures {
        Load::Loading => parts::loading(),
        Load::Failed(problem) => parts::problem(problem),
        Load::Ready(figures) => overview(figures),
    };
    let gst = match &*summary {
        Load::Loading => parts::loading(),
        Load::Failed(problem) => parts::problem(problem),
        Load::Ready(summary) => gst_table(summary),
    };
    parts::page(
        "Your shop",
        html! { <>
            { top }
            <section data-testid="gst-summary">
                <h2>{ "GST collected" }</h2>
                <label for="gst-month">{ "Month" }</label>
                <input id="gst-month" type="month" value={(*month).clone()} onchange={onmonth}
                    data-testid="gst-month" />
                <button type="button" onclick={ondownload} data-testid="gst-csv">{ "Download CSV" }</button>
                if let Some(problem) = &*download_problem {
                    { parts::problem(problem) }
                }
                { gst }
            </section>
        </> },
    )
}

/// The value of the `<input>` an event came from.
fn input_value(event: &Event) -> String {
    event
        .target()
        .and_then(|target| js_sys::Reflect::get(&target, &"value".into()).ok())
        .and_then(|value| value.as_string())
        .unwrap_or_default()
}

fn overview(figures: &SellerDashboard) -> Html {
    let points = |value: fn(&contracts::seller_dashboard::DaySales) -> i64| -> Vec<Point> {
        figures
            .sales
            .iter()
            .map(|day| Point {
                label: format!("{:02}/{:02}", day.day.day(), day.day.month()),
                value: value(day),
            })
            .collect()
    };
    html! { <>
        { bars("Sales per day, last 30 days", "sales-chart", &points(|d| d.sales.as_i64()), Unit::Paise,
            "No sales in the last 30 days.") }
        { bars("Orders per day, last 30 days", "orders-chart", &points(|d| d.orders), Unit::Count,
            "No orders in the last 30 days.") }
        <section data-testid="to-fulfil">
            <h2>{ format!("Orders to fulfil ({})", figures.to_fulfil_count) }</h2>
            if figures.to_fulfil.is_empty() {
                { parts::empty("No order is waiting to be sent.") }
            } else {
                <table>
                    { parts::head(&[("Order", false), ("Placed", false), ("Items", true), ("Amount", true)]) }
                    <tbody>
                        { for figures.to_fulfil.iter().map(|order| html! {
                            <tr key={order.id.clone()} data-testid="to-fulfil-row">
                                <td>{ parts::link(format!("/seller/orders/{}", order.id),
                                    html! { <span>{ short(&order.id) }</span> }) }</td>
                                <td>{ parts::date_time(order.placed_at) }</td>
                                <td class="num">{ order.items }</td>
                                <td class="num">{ order.amount.to_inr() }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </section>
        <section data-testid="low-stock">
            <h2>{ "Low stock" }</h2>
            if figures.low_stock.is_empty() {
                { parts::empty("No product is running out.") }
            } else {
                <ul>
                    { for figures.low_stock.iter().map(|product| html! {
                        <li key={product.id.clone()}>
                            { parts::link(format!("/seller/products/{}", product.id),
                                html! { <span>{ format!("{} ({})", product.name, product.sku) }</span> }) }
                            { format!(": {} left", product.stock) }
                        </li>
                    }) }
                </ul>
            }
        </section>
    </> }
}

/// The first block of an id, upper case.
fn short(id: &str) -> String {
    format!(
        "#{}",
        id.split('-').next().unwrap_or(id).to_ascii_uppercase()
    )
}

/// Basis points as a percentage, without floats (their formatting costs the wasm kilobytes).
fn rate(basis_points: u32) -> String {
    match basis_points % 100 {
        0 => format!("{}%", basis_points / 100),
        cents => format!("{}.{cents:02}%", basis_points / 100),
    }
}

fn amounts(figures: &GstFigures) -> Html {
    parts::amount_cells(&[figures.taxable, figures.cgst, figures.sgst, figures.igst])
}

fn gst_table(summary: &GstSummary) -> Html {
    if summary.rows.is_empty() {
        return parts::empty("No invoices or credit notes in this month.");
    }
    html! { <>
        <p class="muted">{ format!(
            "{} invoices and {} credit notes issued in {}; credit notes are taken off the month they are issued in.",
            summary.invoices, summary.credit_notes, summary.month) }</p>
        <table data-testid="gst-table">
            { parts::head(&[("GST rate", false), ("Place of supply", false), ("Supply", false),
                ("Taxable value", true), ("CGST", true), ("SGST/UTGST", true), ("IGST", true)]) }
            <tbody>
                { for summary.rows.iter().map(|row| html! {
                    <tr data-testid="gst-row">
                        <td>{ rate(row.rate) }</td>
                        <td>{ format!("{} ({})", row.place_name, row.place_of_supply) }</td>
                        <td>{ if row.intra_state { "Intra-state" } else { "Inter-state" } }</td>
                        { amounts(&row.net) }
                    </tr>
                }) }
                <tr data-testid="gst-total">
                    <th scope="row" colspan="3">{ "Total" }</th>
                    { amounts(&summary.total) }
                </tr>
            </tbody>
        </table>
    </> }
}
