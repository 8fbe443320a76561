//! An order's money as the gateway moved it: each payment and what the shop did with it (a
//! payment that came too late, of another amount or twice is given back automatically), each
//! refund and where it stands, and the credit notes that reverse the invoices' GST.

use crate::json;
use crate::wire::{self, DocumentRef, Order, Payment, Refund};
use shop_kit::http::{ApiError, Call, query_value};
use shop_kit::parts;
use yew::platform::spawn_local;
use yew::prelude::*;

/// The order's payments and refunds, oldest first; nothing before the gateway reported one.
pub fn payments(order: &Order) -> Html {
    if order.payments.is_empty() && order.refunds.is_empty() {
        return Html::default();
    }
    html! {
        <>
            <h2>{ "Payments and refunds" }</h2>
            <ul data-testid="order-money">
                { for order.payments.iter().map(payment) }
                { for order.refunds.iter().map(refund) }
            </ul>
        </>
    }
}

fn payment(payment: &Payment) -> Html {
    // The wire spellings of `contracts::payments::PaymentOutcome` and `PaymentDisposition`.
    let what = match (payment.outcome.as_str(), payment.disposition.as_str()) {
        ("FAILED", _) => "Payment declined",
        (_, "APPLIED") => "Paid",
        (_, "LATE") => "Paid after the order was cancelled; given back automatically",
        (_, "MISMATCHED") => {
            "Paid an amount that is not the order's total; given back automatically"
        }
        (_, "DUPLICATE") => "Paid a second time; given back automatically",
        _ => "Payment not applied",
    };
    html! {
        <li data-testid="payment" data-disposition={payment.disposition.clone()}>
            { format!("{} — {what}: {}", parts::date_time(payment.received_at), payment.amount.to_inr()) }
        </li>
    }
}

fn refund(refund: &Refund) -> Html {
    // The wire spellings of `contracts::payments::RefundState`.
    let state = match refund.state.as_str() {
        "DONE" => "refunded",
        "FAILED" => "refund refused by the payment gateway",
        _ => "being refunded",
    };
    html! {
        <li data-testid="refund" data-state={refund.state.clone()}>
            { format!("{} — {} {state}", parts::date_time(refund.created_at), refund.amount.to_inr()) }
        </li>
    }
}

/// Whether the order can have credit notes: an administrator's refund of it is done (the
/// shop's own refunds of stray payments reverse no invoice).
pub fn has_credit_notes(order: &Order) -> bool {
    order
        .refunds
        .iter()
        .any(|refund| refund.done() && !refund.automatic)
}

/// The order's credit notes and the outcome of the last PDF download. A hook of the order page
/// rather than a component of its own: each Yew component costs the wasm its own copy of the
/// component machinery.
pub struct CreditNotes {
    wanted: bool,
    notes: UseStateHandle<Option<Result<Vec<DocumentRef>, ApiError>>>,
    saving: UseStateHandle<Option<Result<(), ApiError>>>,
}

/// Fetches the credit notes of `order` once it [`has_credit_notes`] (also when a cancellation
/// on the page has just refunded it).
#[hook]
pub fn use_credit_notes(api: &AttrValue, token: &AttrValue, order: Option<&Order>) -> CreditNotes {
    let notes = use_state(|| None);
    let saving = use_state(|| None);
    let wanted = order
        .filter(|order| has_credit_notes(order))
        .map(|order| order.id.clone());
    {
        let (notes, api, token) = (notes.clone(), api.clone(), token.clone());
        use_effect_with(wanted, move |wanted| {
            notes.set(None);
            if let Some(id) = wanted {
                let url = format!("{api}/orders/{}/credit-notes", query_value(id));
                spawn_local(async move {
                    notes.set(Some(
                        json::fetch(Call::get(url, Some(&token)), wire::documents).await,
                    ));
                });
            }
        });
    }
    CreditNotes {
        wanted: order.is_some_and(has_credit_notes),
        notes,
        saving,
    }
}

/// The order's credit notes, each with its PDF; nothing for an order that has none.
pub fn credit_notes(api: &AttrValue, token: &AttrValue, state: &CreditNotes) -> Html {
    let CreditNotes {
        wanted,
        notes,
        saving,
    } = state;
    if !wanted {
        return Html::default();
    }
    let Some(answer) = &**notes else {
        return parts::loading();
    };
    let download = |id: &str, number: &str| {
        let url = format!("{api}/credit-notes/{}/pdf", query_value(id));
        let (token, file_name, saving) = (token.clone(), format!("{number}.pdf"), saving.clone());
        Callback::from(move |_: MouseEvent| {
            let (url, token, file_name, saving) = (
                url.clone(),
                token.clone(),
                file_name.clone(),
                saving.clone(),
            );
            spawn_local(async move {
                saving.set(Some(
                    shop_kit::download::save(url, &token, &file_name).await,
                ));
            });
        })
    };
    html! {
        <>
            <h2>{ "Credit notes" }</h2>
            { match answer {
                Err(problem) => parts::problem(problem),
                Ok(list) if list.is_empty() => parts::empty("No credit note has been issued yet."),
                Ok(list) => html! {
                    <ul>
                        { for list.iter().map(|note| html! {
                            <li key={note.number.clone()} data-testid="credit-note">
                                { format!("{} · {} · {} ", note.number, note.supplier, note.total.to_inr()) }
                                <button onclick={download(&note.id, &note.number)} data-testid="credit-note-pdf">{ "Download PDF" }</button>
                            </li>
                        }) }
                    </ul>
                },
            } }
            if let Some(Err(problem)) = &**saving { { parts::problem(problem) } }
        </>
    }
}
