//! Reading the API's answers as the browser's `JSON.parse` made them, member by member.
//!
//! Why not serde: a derived `Deserialize` compiles a decoder per type (visitors, a field
//! matcher, each enum's variant table), and this widget reads a handful of members of a few
//! answers; the bytes go to its 121.5 KB budget (docs/MFE.md, section 11).

use js_sys::{JSON, Reflect};
use shop_kit::http::{ApiError, unexpected};
use wasm_bindgen::JsValue;

/// The answer `text` as a JavaScript value.
pub fn parse(text: &str) -> Result<JsValue, ApiError> {
    JSON::parse(text).map_err(|_| unexpected("not JSON"))
}

/// `target[key]`; `undefined` when absent or when `target` is not an object.
pub fn member(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `target[key] = value`, on an object this widget made.
pub fn set(target: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// The string at `key`.
pub fn text(target: &JsValue, key: &str) -> Option<String> {
    member(target, key).as_string()
}
