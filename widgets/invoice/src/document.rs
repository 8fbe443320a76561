//! The invoice as a page: every particular CGST Rule 46 asks for (supplier and GSTIN, serial
//! number and date, recipient, place of supply, HSN, quantity and unit, taxable value, rate and
//! amount of each tax, total, total in words, reverse charge).

use contracts::invoices::{Invoice, InvoiceLine, Party};
use shop_kit::parts;
use yew::prelude::*;

pub fn invoice(invoice: &Invoice) -> Html {
    let totals = &invoice.totals;
    html! {
        <article data-testid="invoice" data-invoice-number={invoice.number.clone()}>
            <h2>{ "Tax invoice" }</h2>
            <table>
                <tr><th scope="row">{ "Invoice number" }</th><td data-testid="invoice-number">{ invoice.number.clone() }</td></tr>
                <tr><th scope="row">{ "Date of issue" }</th><td data-testid="invoice-date">{ invoice.date.to_string() }</td></tr>
                <tr><th scope="row">{ "Place of supply" }</th>
                    <td data-testid="place-of-supply">{ format!("{} ({})", invoice.place_of_supply_name, invoice.place_of_supply_code) }</td></tr>
                <tr><th scope="row">{ "Tax payable on reverse charge" }</th>
                    <td data-testid="reverse-charge">{ if invoice.reverse_charge { "Yes" } else { "No" } }</td></tr>
            </table>
            <div class="grid">
                { party("Supplier", "supplier", &invoice.supplier) }
                { party("Recipient", "recipient", &invoice.recipient) }
            </div>
            <table data-testid="invoice-lines">
                { parts::head(&[("Description", false), ("HSN", false), ("Qty", true), ("Unit", false),
                    ("Rate per unit", true), ("Taxable value", true), ("GST rate", true), ("CGST", true),
                    (invoice.state_tax.label(), true), ("IGST", true), ("Total", true)]) }
                <tbody>{ for invoice.lines.iter().map(line) }</tbody>
                <tfoot><tr>
                    <th scope="row" colspan="5">{ "Total" }</th>
                    <td class="num">{ totals.taxable.to_inr() }</td>
                    <td></td>
                    <td class="num" data-testid="invoice-cgst">{ totals.cgst.to_inr() }</td>
                    <td class="num" data-testid="invoice-sgst">{ totals.sgst.to_inr() }</td>
                    <td class="num" data-testid="invoice-igst">{ totals.igst.to_inr() }</td>
                    <td class="num" data-testid="invoice-total"><strong>{ totals.total.to_inr() }</strong></td>
                </tr></tfoot>
            </table>
            <p>{ "Total tax: " }<span data-testid="invoice-tax">{ totals.tax.to_inr() }</span></p>
            <p data-testid="total-in-words">{ invoice.total_in_words.clone() }</p>
        </article>
    }
}

fn party(role: &str, testid: &str, party: &Party) -> Html {
    html! {
        <section class="card" data-testid={testid.to_owned()}>
            <h3>{ role.to_owned() }</h3>
            <p><strong>{ party.name.clone() }</strong></p>
            { for party.address.iter().map(|line| html! { <div>{ line.clone() }</div> }) }
            <div>{ format!("State: {} ({})", party.state_name, party.state_code) }</div>
            if let Some(gstin) = &party.gstin {
                <div data-testid={format!("{testid}-gstin")}>{ format!("GSTIN: {gstin}") }</div>
            }
        </section>
    }
}

fn line(line: &InvoiceLine) -> Html {
    let tax = &line.tax;
    html! {
        <tr data-testid="invoice-line">
            <td>{ line.description.clone() }</td>
            <td>{ line.hsn.clone() }</td>
            <td class="num">{ line.quantity }</td>
            <td>{ line.unit.clone() }</td>
            { parts::amount_cells(&[line.unit_price, tax.taxable]) }
            <td class="num">{ tax.rate.to_string() }</td>
            { parts::amount_cells(&[tax.cgst, tax.sgst, tax.igst, tax.total]) }
        </tr>
    }
}
