//! `/orders/:id`: one order with its lines and their CGST, SGST or IGST, the totals, where it
//! goes, how its status moved, its payments and refunds, its tax invoices and credit notes.

use crate::history::short_id;
use crate::money;
use contracts::Paise;
use contracts::orders::{Order, OrderLine, OrderStatus};
use serde::Deserialize;
use shop_kit::http::{ApiError, Call, query_value};
use shop_kit::parts;
use yew::platform::spawn_local;
use yew::prelude::*;

/// What the order page reads of each invoice and credit note: enough for a line that names it.
/// Decoding every Rule 46 or Rule 53 particular (parties, lines, the date) is the invoice
/// widget's job, not this one's.
#[derive(Clone, PartialEq, Deserialize)]
pub(crate) struct DocumentRef {
    pub id: String,
    pub number: String,
    pub supplier: Supplier,
    pub totals: Total,
}

#[derive(Clone, PartialEq, Deserialize)]
pub(crate) struct Supplier {
    pub name: String,
}

#[derive(Clone, PartialEq, Deserialize)]
pub(crate) struct Total {
    pub total: Paise,
}

#[derive(Clone, PartialEq, Deserialize)]
pub(crate) struct DocumentList {
    pub items: Vec<DocumentRef>,
}

#[derive(Properties, PartialEq)]
pub struct DetailProps {
    pub api: AttrValue,
    pub token: AttrValue,
    pub id: AttrValue,
}

#[function_component]
pub fn Detail(props: &DetailProps) -> Html {
    let order = use_state(|| None::<Result<Order, ApiError>>);
    let invoices = use_state(|| None::<Result<DocumentList, ApiError>>);
    {
        let (order, invoices) = (order.clone(), invoices.clone());
        let (api, token) = (props.api.clone(), props.token.clone());
        use_effect_with(props.id.clone(), move |id| {
            order.set(None);
            invoices.set(None);
            let url = format!("{api}/orders/{}", query_value(id));
            spawn_local(async move {
                let answer = Call::get(url.clone(), Some(&token)).json::<Order>().await;
                let confirmed = matches!(&answer, Ok(o) if o.status == OrderStatus::OrderConfirmed);
                order.set(Some(answer));
                if confirmed {
                    let list = Call::get(format!("{url}/invoices"), Some(&token))
                        .json()
                        .await;
                    invoices.set(Some(list));
                }
            });
        });
    }
    // Until the order is known, the page is named by the id in the address.
    let title = format!("Order {}", props.id);
    let order = match &*order {
        None => return parts::page(&title, parts::loading()),
        Some(Err(problem)) => {
            return parts::page(
                &title,
                html! {
                    <>
                        { parts::problem(problem) }
                        { parts::link("/orders".into(), html! { "Your orders" }) }
                    </>
                },
            );
        }
        Some(Ok(order)) => order,
    };
    let address = &order.address;
    let body = html! {
        <article data-testid="order" data-order-id={order.id.clone()}>
            <p>{ "Status: " }{ parts::status(order.status) }
                <span class="muted">{ format!(" · placed {}", parts::date_time(order.created_at)) }</span></p>
            if let (OrderStatus::PaymentPending, Some(url)) = (order.status, &order.payment_url) {
                <p><a href={url.clone()} data-testid="pay-now">{ "Pay now" }</a></p>
            }
            <h2>{ "Items" }</h2>
            <table data-testid="order-lines">
                { parts::head(&[("Product", false), ("HSN", false), ("Qty", true), ("Unit price", true),
                    ("Taxable", true), ("Rate", true), ("CGST", true), ("SGST", true), ("IGST", true),
                    ("Amount", true)]) }
                <tbody>{ for order.lines.iter().map(line) }</tbody>
                <tfoot><tr>
                    <th scope="row" colspan="4">{ "Total" }</th>
                    <td class="num">{ order.totals.taxable.to_inr() }</td>
                    <td></td>
                    <td class="num" data-testid="total-cgst">{ order.totals.cgst.to_inr() }</td>
                    <td class="num" data-testid="total-sgst">{ order.totals.sgst.to_inr() }</td>
                    <td class="num" data-testid="total-igst">{ order.totals.igst.to_inr() }</td>
                    <td class="num" data-testid="order-total"><strong>{ order.totals.total.to_inr() }</strong></td>
                </tr></tfoot>
            </table>
            if order.refunded.0 > 0 {
                <p data-testid="refunded">{ format!("Refunded {}", order.refunded.to_inr()) }</p>
            }
            { money::payments(order) }
            <h2>{ "Delivery" }</h2>
            <address>
                { address.name.clone() }<br />
                { address.line1.clone() }<br />
                if let Some(line2) = &address.line2 { { line2.clone() }<br /> }
                { format!("{} {} (state {})", address.city, address.pincode, address.state_code) }<br />
                { format!("Phone {}", address.phone) }
            </address>
            <h2>{ "History" }</h2>
            <ol data-testid="order-history">
                { for order.history.iter().map(|change| html! {
                    <li>{ parts::date_time(change.at) }{ " — " }{ parts::status_label(change.status) }</li>
                }) }
            </ol>
            { invoice_links(&invoices) }
            if money::has_credit_notes(order) {
                <money::CreditNotes api={props.api.clone()} token={props.token.clone()} order_id={order.id.clone()} />
            }
            <p>{ parts::link("/orders".into(), html! { "All orders" }) }</p>
        </article>
    };
    parts::page(&format!("Order {}", short_id(&order.id)), body)
}

fn line(line: &OrderLine) -> Html {
    html! {
        <tr data-testid="order-line" data-product-id={line.product_id.clone()}>
            <td>{ line.name.clone() }</td>
            <td>{ line.hsn.clone() }</td>
            <td class="num">{ line.quantity }</td>
            { parts::amount_cells(&[line.unit_price, line.tax.taxable]) }
            <td class="num">{ line.tax.rate.to_string() }</td>
            { parts::amount_cells(&[line.tax.cgst, line.tax.sgst, line.tax.igst, line.tax.total]) }
        </tr>
    }
}

fn invoice_links(invoices: &Option<Result<DocumentList, ApiError>>) -> Html {
    let Some(answer) = invoices else {
        return Html::default();
    };
    html! {
        <>
            <h2>{ "Tax invoices" }</h2>
            { match answer {
                Err(problem) => parts::problem(problem),
                Ok(list) if list.items.is_empty() => parts::empty("No invoice has been issued yet."),
                Ok(list) => html! {
                    <ul>
                        { for list.items.iter().map(|invoice| html! {
                            <li data-testid="invoice-link">
                                { parts::link(format!("/invoices/{}", invoice.id), html! { <span>{ format!("{} · {} · {}", invoice.number, invoice.supplier.name, invoice.totals.total.to_inr()) }</span> }) }
                            </li>
                        }) }
                    </ul>
                },
            } }
        </>
    }
}
