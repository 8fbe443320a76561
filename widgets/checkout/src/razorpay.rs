//! Razorpay Checkout, opened in the page for an order whose answer carries `checkout`
//! (`contracts::orders::GatewayCheckout`): its script loaded once, `new Razorpay({...}).open()`,
//! and what the shopper did there.
//!
//! Through js-sys (`Reflect`, `Function`, `Promise`), not a wasm-bindgen snippet: the shell imports
//! a widget from one verified file, which cannot carry snippets (docs/MFE.md, section 4). The
//! options are copied member by member from the answer as `JSON.parse` made it, so no serde
//! decoder of `GatewayCheckout` is compiled into this widget.

use crate::json::{member, set};
use js_sys::{Array, Function, JSON, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// What the shopper did in Razorpay's window.
pub enum Outcome {
    /// Paid: the body for `POST /orders/{id}/razorpay-return`, what Checkout's `handler` got
    /// (`razorpay_payment_id`, `razorpay_order_id`, `razorpay_signature`) in the API's spelling.
    Paid(String),
    /// Closed the window without paying.
    Dismissed,
}

/// Why Checkout did not open: its script did not load (a network failure, a blocked origin), or
/// it defines no `Razorpay`.
pub struct Unavailable;

/// Opens Checkout on `checkout` (the order answer's member) and waits for the shopper.
pub async fn pay(checkout: &JsValue) -> Result<Outcome, Unavailable> {
    let window: JsValue = web_sys::window().ok_or(Unavailable)?.into();
    // Tests of `undefined` and of objects only: the imports this widget has anyway. A script
    // that defines no `Razorpay`, or not a constructor, makes `Reflect.construct` throw, which
    // is `Unavailable` too.
    if member(&window, "Razorpay").is_undefined() {
        load(&window, &member(checkout, "scriptUrl")).await?;
    }
    let constructor: Function = member(&window, "Razorpay").unchecked_into();
    let mut open = Err(JsValue::UNDEFINED);
    // Both callbacks are the `resolve` of one promise: `handler` settles it with Razorpay's
    // response (an object), `ondismiss` with no argument. A promise settles once, so a late
    // second call changes nothing, and no Rust closure has to be kept alive or freed.
    let outcome = Promise::new(&mut |resolve: Function, _| {
        let options = Object::new();
        for (to, from) in [
            ("key", "keyId"),
            ("order_id", "gatewayOrderId"),
            ("amount", "amount"),
            ("currency", "currency"),
        ] {
            set(&options, to, &member(checkout, from));
        }
        set(&options, "name", &"Bazaar".into());
        // One attempt per window: with Checkout's own retries, a payment after a failed one
        // would land on an order the failure already cancelled (refunded, docs/API.md).
        let retry = Object::new();
        set(&retry, "enabled", &false.into());
        set(&options, "retry", &retry);
        set(&options, "handler", &resolve);
        let modal = Object::new();
        set(&modal, "ondismiss", &resolve);
        set(&options, "modal", &modal);
        // `Array::new` and `push`, which the widget imports already, rather than `Array.of`.
        let arguments = Array::new();
        arguments.push(&options);
        open = Reflect::construct(&constructor, &arguments).and_then(|razorpay| {
            member(&razorpay, "open")
                .unchecked_into::<Function>()
                .call0(&razorpay)
        });
    });
    open.map_err(|_| Unavailable)?;
    let response = JsFuture::from(outcome).await.map_err(|_| Unavailable)?;
    // Whatever `ondismiss` passes, it is not the response object.
    if !response.is_object() {
        return Ok(Outcome::Dismissed);
    }
    let body = Object::new();
    for (to, from) in [
        ("razorpayPaymentId", "razorpay_payment_id"),
        ("razorpayOrderId", "razorpay_order_id"),
        ("razorpaySignature", "razorpay_signature"),
    ] {
        set(&body, to, &member(&response, from));
    }
    let body = JSON::stringify(&body).map_err(|_| Unavailable)?;
    Ok(Outcome::Paid(body.into()))
}

/// Adds `<script src=url>` to the page and waits for its `load` or `error` event. After an
/// error `window.Razorpay` is still undefined, so the next attempt adds a fresh element.
async fn load(window: &JsValue, url: &JsValue) -> Result<(), Unavailable> {
    let document: web_sys::Document = member(window, "document").unchecked_into();
    let script = document.create_element("script").map_err(|_| Unavailable)?;
    let loaded = Promise::new(&mut |resolve, reject| {
        set(&script, "onload", &resolve);
        set(&script, "onerror", &reject);
    });
    set(&script, "src", url);
    // `document.head` read as a member: one import fewer than web-sys's typed getter.
    member(&document, "head")
        .unchecked_into::<web_sys::Node>()
        // Appends, like `appendChild`: the import Yew already brings.
        .insert_before(&script, None)
        .map_err(|_| Unavailable)?;
    JsFuture::from(loaded).await.map_err(|_| Unavailable)?;
    Ok(())
}
