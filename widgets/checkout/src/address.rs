//! The delivery address form. Each input shows the API's message for its field
//! (`address.<member>` in the problem's `errors`).

use crate::json::set;
use contracts::Problem;
use contracts::gstin::StateCode;
use contracts::orders::DeliveryAddress;
use js_sys::{JSON, Object};
use shop_kit::parts::field_error;
use yew::prelude::*;

/// Which member of the address an input edits.
#[derive(Clone, Copy)]
pub enum Member {
    Name,
    Phone,
    Line1,
    Line2,
    City,
    StateCode,
    Pincode,
}

impl Member {
    pub fn set(self, address: &mut DeliveryAddress, value: String) {
        match self {
            Member::Name => address.name = value,
            Member::Phone => address.phone = value,
            Member::Line1 => address.line1 = value,
            Member::Line2 => address.line2 = Some(value).filter(|v| !v.trim().is_empty()),
            Member::City => address.city = value,
            Member::StateCode => address.state_code = value,
            Member::Pincode => address.pincode = value,
        }
    }
}

/// The form for `address`, reporting each edit to `onedit`; `locked` once an order holds the
/// address. A function, not a component: a
/// component's machinery is kilobytes of wasm per widget.
pub fn form(
    address: &DeliveryAddress,
    onedit: &Callback<(Member, String)>,
    problem: Option<&Problem>,
    locked: bool,
) -> Html {
    // Every keystroke, not only on leaving a field: "Pay" must see what was typed last.
    let edit = |member: Member| {
        let onedit = onedit.clone();
        Callback::from(move |e: InputEvent| onedit.emit((member, target_value(&e))))
    };
    let choose = {
        let onedit = onedit.clone();
        Callback::from(move |e: Event| onedit.emit((Member::StateCode, target_value(&e))))
    };
    let input = |label: &str,
                 name: &str,
                 value: String,
                 member: Member,
                 kind: &str,
                 autocomplete: &str| {
        let field = format!("address.{name}");
        html! {
            <label>{ format!("{label} ") }
                <input type={kind.to_owned()} name={name.to_owned()} {value} autocomplete={autocomplete.to_owned()}
                    data-testid={format!("address-{name}")} oninput={edit(member)}
                    aria-invalid={problem.is_some_and(|p| p.errors.iter().any(|e| e.field == field)).to_string()} />
                { field_error(problem, &field) }
            </label>
        }
    };
    html! {
        <fieldset data-testid="address-form" disabled={locked}>
            <legend>{ "Delivery address" }</legend>
            { input("Name", "name", address.name.clone(), Member::Name, "text", "name") }
            { input("Phone", "phone", address.phone.clone(), Member::Phone, "tel", "tel-national") }
            { input("Address line 1", "line1", address.line1.clone(), Member::Line1, "text", "address-line1") }
            { input("Address line 2 (optional)", "line2", address.line2.clone().unwrap_or_default(), Member::Line2, "text", "address-line2") }
            { input("City", "city", address.city.clone(), Member::City, "text", "address-level2") }
            <label>{ "State " }
                <select name="stateCode" data-testid="address-stateCode" onchange={choose}>
                    <option value="" selected={address.state_code.is_empty()}>{ "Choose a state" }</option>
                    { for StateCode::all().map(|state| {
                        let code = state.to_string();
                        let selected = address.state_code == code;
                        html! {
                            <option {selected} value={code}>{ state.name() }</option>
                        }
                    }) }
                </select>
                { field_error(problem, "address.stateCode") }
            </label>
            { input("PIN code", "pincode", address.pincode.clone(), Member::Pincode, "text", "postal-code") }
        </fieldset>
    }
}

/// The body of `POST /orders` (`contracts::orders::PlaceOrder`) for `cart_id` and `address`, as
/// `JSON.stringify` writes it: the same text for the same values (members in this order), which
/// `Attempt` relies on, and no serde encoder of the two types in this widget.
pub fn place_order(cart_id: &str, address: &DeliveryAddress) -> String {
    let to = Object::new();
    for (member, value) in [
        ("name", &address.name),
        ("phone", &address.phone),
        ("line1", &address.line1),
        ("city", &address.city),
        ("stateCode", &address.state_code),
        ("pincode", &address.pincode),
    ] {
        set(&to, member, &value.into());
    }
    if let Some(line2) = &address.line2 {
        set(&to, "line2", &line2.into());
    }
    let body = Object::new();
    set(&body, "cartId", &cart_id.into());
    set(&body, "address", &to);
    JSON::stringify(&body).map(String::from).unwrap_or_default()
}

/// The value of the input or select an event came from (read by name: the typed binding of
/// `HtmlInputElement::value` refuses a `<select>`).
fn target_value(e: &Event) -> String {
    e.target()
        .and_then(|t| js_sys::Reflect::get(&t, &"value".into()).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}
