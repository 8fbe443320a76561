//! A cart's money as the cart page and the checkout show it: the GST per rate and the totals.

use crate::parts;
use contracts::cart::Cart;
use yew::prelude::*;

/// The GST breakup per rate, then taxable value, GST and what the shopper pays.
pub fn cart_totals(cart: &Cart) -> Html {
    html! {
        <>
            <table data-testid="gst-breakup">
                <caption>{ "GST by rate" }</caption>
                { parts::head(&[("Rate", false), ("Taxable value", true), ("GST", true)]) }
                <tbody>
                    { for cart.gst_breakup.iter().map(|entry| html! {
                        <tr key={entry.percentage.0} data-testid="gst-rate-row" data-rate={entry.percentage.0.to_string()}>
                            <td>{ entry.percentage.to_string() }</td>
                            <td class="num">{ entry.base_amount.to_inr() }</td>
                            <td class="num" data-testid="gst-amount">{ entry.gst_amount.to_inr() }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <table data-testid="cart-totals">
                <tr><th scope="row">{ "Taxable value" }</th>
                    <td class="num" data-testid="total-taxable">{ cart.totals.taxable.to_inr() }</td></tr>
                <tr><th scope="row">{ "GST" }</th>
                    <td class="num" data-testid="total-tax">{ cart.totals.tax.to_inr() }</td></tr>
                <tr><th scope="row">{ "Total" }</th>
                    <td class="num" data-testid="total-price"><strong>{ cart.total_price.to_inr() }</strong></td></tr>
            </table>
        </>
    }
}
