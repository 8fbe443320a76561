//! The seller's product form, shared by the product list (where a new product is added) and a
//! product's own page (where it is edited): what both read of a product, the form as typed,
//! its JSON body, its view with the API's field errors, and the GST slabs it offers.

use crate::http::{ApiError, Call};
use crate::parts;
use contracts::gst::Rate;
use contracts::product_manager::is_low_stock;
use contracts::{FieldError, Paise, Problem};
use serde::Deserialize;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::platform::spawn_local;
use yew::prelude::*;

/// What the seller's pages read of a product (`contracts::catalog::Product`): decoding only
/// these members keeps the widgets' wasm small.
#[derive(Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    pub id: String,
    pub name: String,
    pub description: String,
    pub sku: String,
    pub hsn: String,
    pub price: Paise,
    pub gst_rate: Rate,
    pub stock: i64,
    pub category: String,
    pub active: bool,
    #[serde(default)]
    pub images: Vec<String>,
}

/// A page of products or of the inventory history (`ProductPage`, `InventoryPage`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    #[serde(default)]
    pub next_cursor: Option<String>,
}

/// The product form, as typed (the price in rupees).
#[derive(Clone, Default, PartialEq)]
pub struct Form {
    pub name: String,
    pub description: String,
    pub category: String,
    pub price: String,
    pub rate: String,
    pub hsn: String,
    pub sku: String,
    pub stock: String,
}

impl Form {
    /// The form of an existing product.
    pub fn of(p: &Product) -> Form {
        Form {
            name: p.name.clone(),
            description: p.description.clone(),
            category: p.category.clone(),
            price: format!("{}.{:02}", p.price.0 / 100, p.price.0 % 100),
            rate: p.gst_rate.0.to_string(),
            hsn: p.hsn.clone(),
            sku: p.sku.clone(),
            stock: p.stock.to_string(),
        }
    }

    /// An empty form with the first slab in force chosen.
    pub fn blank(rates: &[Rate]) -> Form {
        Form {
            rate: rates.first().map(|r| r.0.to_string()).unwrap_or_default(),
            ..Form::default()
        }
    }

    /// The form's body: `NewProduct` with the opening stock when `new`, `ProductChanges`
    /// without; a problem naming the field the browser could not read (a price that is not
    /// rupees, a stock that is not whole units). The API checks everything else.
    pub fn body(&self, rates: &[Rate], new: bool) -> Result<String, ApiError> {
        let price = Paise::parse_rupees(&self.price)
            .ok_or_else(|| local("price", "enter an amount in rupees, e.g. 1,234.50"))?;
        let rate = self
            .rate
            .parse()
            .unwrap_or_else(|_| rates.first().map_or(0, |r| r.0));
        let stock = match new {
            true => Some(
                self.stock
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| local("stock", "enter a whole number of units"))?,
            ),
            false => None,
        };
        Ok(self.json(price, Rate(rate), stock))
    }

    /// The JSON of the form with `price`, `rate` and, for a new product, `stock`. Written by
    /// hand: serde's serializer would add kilobytes to the wasm for a few small objects.
    fn json(&self, price: Paise, rate: Rate, stock: Option<i64>) -> String {
        let mut body = format!(
            "{{\"name\":{},\"description\":{},\"sku\":{},\"hsn\":{},\"category\":{},\"price\":{},\"gstRate\":{}",
            json_text(&self.name),
            json_text(&self.description),
            json_text(&self.sku),
            json_text(&self.hsn),
            json_text(&self.category),
            price.0,
            rate.0
        );
        if let Some(stock) = stock {
            body.push_str(&format!(",\"stock\":{stock}"));
        }
        body.push('}');
        body
    }
}

/// `text` as a JSON string (see [`Form::json`] for why by hand).
pub fn json_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A problem made here for a field the browser could not read, shown like the API's.
pub fn local(field: &str, message: &str) -> ApiError {
    let mut problem = Problem::new(422, "validation_failed", "Check the form");
    problem.errors.push(FieldError {
        field: field.into(),
        code: "invalid".into(),
        message: message.into(),
    });
    Rc::new(problem)
}

/// The GST slabs in force (`GET /gst/rates`), for the form's rate choice; empty until read.
#[hook]
pub fn use_rates(api: &str) -> Rc<Vec<Rate>> {
    /// What the form reads of `contracts::product_manager::GstRates`.
    #[derive(Deserialize)]
    struct Rates {
        slabs: Vec<Slab>,
    }
    #[derive(Deserialize)]
    struct Slab {
        rate: Rate,
    }
    let rates = use_state(|| Rc::new(Vec::<Rate>::new()));
    {
        let (rates, url) = (rates.clone(), format!("{api}/gst/rates"));
        use_effect_with((), move |_| {
            spawn_local(async move {
                if let Ok(answer) = Call::get(url, None).json::<Rates>().await {
                    rates.set(Rc::new(answer.slabs.into_iter().map(|s| s.rate).collect()));
                }
            });
        });
    }
    (*rates).clone()
}

/// The product form; `new` adds the opening stock. `typed(apply)` is the input handler that
/// stores a field's value with `apply`.
pub fn view(
    f: &Form,
    problem: Option<&Problem>,
    rates: &[Rate],
    new: bool,
    typed: impl Fn(fn(&mut Form, String)) -> Callback<InputEvent>,
    onsubmit: Callback<SubmitEvent>,
) -> Html {
    let on_rate = {
        let cb = typed(|f, v| f.rate = v);
        Callback::from(move |e: Event| cb.emit(e.unchecked_into()))
    };
    let field = |label: &str, name: &'static str, value: &str, apply: fn(&mut Form, String)| {
        html! {
            <label>{ format!("{label} ") }
                <input {name} value={value.to_owned()} oninput={typed(apply)} data-testid={format!("field-{name}")} />
                { parts::field_error(problem, name) }
            </label>
        }
    };
    html! {
        <form {onsubmit} data-testid="product-form">
            { field("Name", "name", &f.name, |f, v| f.name = v) }
            <label>{ "Description " }
                <textarea name="description" value={f.description.clone()} oninput={typed(|f, v| f.description = v)} data-testid="field-description" />
                { parts::field_error(problem, "description") }
            </label>
            { field("Category", "category", &f.category, |f, v| f.category = v) }
            { field("Price before GST (₹)", "price", &f.price, |f, v| f.price = v) }
            <label>{ "GST rate " }
                <select name="gstRate" onchange={on_rate} data-testid="field-gstRate">
                    { for rates.iter().map(|r| {
                        let value = r.0.to_string();
                        let selected = f.rate == value;
                        html! { <option {selected} {value}>{ r.to_string() }</option> }
                    }) }
                </select>
                { parts::field_error(problem, "gstRate") }
            </label>
            { field("HSN code", "hsn", &f.hsn, |f, v| f.hsn = v) }
            { field("SKU", "sku", &f.sku, |f, v| f.sku = v) }
            if new { { field("Opening stock (units)", "stock", &f.stock, |f, v| f.stock = v) } }
            if let Some(problem) = problem.filter(|p| p.errors.is_empty()) { { parts::problem(problem) } }
            <button type="submit" data-testid="save-product">{ if new { "Add product" } else { "Save changes" } }</button>
        </form>
    }
}

/// The low-stock marker, when the stock is low.
pub fn low_marker(stock: i64) -> Html {
    if is_low_stock(stock) {
        html! { <span class="low" data-testid="low-stock">{ if stock == 0 { "Out of stock" } else { "Low stock" } }</span> }
    } else {
        Html::default()
    }
}

/// The value of the input, select or textarea an event came from.
pub fn value_of(target: Option<web_sys::EventTarget>) -> String {
    target
        .and_then(|t| js_sys::Reflect::get(&t, &"value".into()).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// The product pages' styles (thumbnails, the low-stock marker, the image list, the form).
pub const CSS: &str = "
& .thumb { max-width: 6rem; max-height: 6rem; vertical-align: middle; margin-right: .5rem; }
& .low { color: #a00; font-weight: bold; margin-left: .4rem; }
& .images { list-style: none; padding: 0; }
& textarea { width: 100%; min-height: 4rem; }
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_written_bodies_are_json() {
        assert_eq!(json_text("a \"b\" \\ \n"), r#""a \"b\" \\ \u000a""#);
        let form = Form {
            name: "Dupatta".into(),
            hsn: "6214".into(),
            price: "1,234.50".into(),
            rate: "500".into(),
            stock: " 3 ".into(),
            ..Form::default()
        };
        assert_eq!(
            form.body(&[], true).unwrap(),
            r#"{"name":"Dupatta","description":"","sku":"","hsn":"6214","category":"","price":123450,"gstRate":500,"stock":3}"#
        );
        assert!(!form.body(&[], false).unwrap().contains("stock"));
    }

    #[test]
    fn a_price_or_stock_the_browser_cannot_read_names_its_field() {
        let form = Form {
            price: "ten".into(),
            ..Form::default()
        };
        assert_eq!(form.body(&[], false).unwrap_err().errors[0].field, "price");
        let form = Form {
            price: "10".into(),
            stock: "2.5".into(),
            ..Form::default()
        };
        assert_eq!(form.body(&[], true).unwrap_err().errors[0].field, "stock");
    }
}
