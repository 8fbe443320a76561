//! Reading the API's JSON answers as the browser's `JSON.parse` made them, member by member.
//!
//! Why not serde: `serde_json` with derived `Deserialize` compiles a decoder per type (a map and
//! a sequence visitor, a field matcher, each `Vec` and `Option` of it), and the order with its
//! lines, steps, payments and refunds cost this widget 10 KB of its 120 KB budget (brotli,
//! measured 2026-12-03). Here the parsing is the browser's, and reading a member is a call to
//! one of the few non-generic functions below.

use js_sys::{Array, JSON, Reflect};
use shop_kit::http::{ApiError, Call, unexpected};
use wasm_bindgen::{JsCast, JsValue};

/// A JSON object (or any value) of an answer.
pub struct Json(JsValue);

impl Json {
    /// The member `key`, `undefined` when absent or when this is not an object.
    fn get(&self, key: &str) -> JsValue {
        Reflect::get(&self.0, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    }

    /// The object at `key`; `None` when absent or `null`.
    pub fn object(&self, key: &str) -> Option<Json> {
        let value = self.get(key);
        value.is_object().then_some(Json(value))
    }

    /// The string at `key`.
    pub fn text(&self, key: &str) -> Option<String> {
        self.get(key).as_string()
    }

    /// The integer at `key` (paise, unix seconds, counts: all well within 2^53).
    pub fn int(&self, key: &str) -> Option<i64> {
        let number = self.get(key).as_f64()?;
        let int = number as i64;
        (int as f64 == number).then_some(int)
    }

    /// The boolean at `key`; absent is `false`, as the API leaves out a `false` flag.
    pub fn flag(&self, key: &str) -> bool {
        self.get(key).as_bool().unwrap_or(false)
    }

    /// The array at `key`, each element read by `read`; absent (or `null`) is empty, as the API
    /// leaves out an empty list. `None` when an element does not read.
    pub fn list<T>(&self, key: &str, read: fn(&Json) -> Option<T>) -> Option<Vec<T>> {
        let value = self.get(key);
        if value.is_undefined() || value.is_null() {
            return Some(Vec::new());
        }
        let array: Array = value.dyn_into().ok()?;
        array.iter().map(|item| read(&Json(item))).collect()
    }
}

/// `call`'s answer read by `read`: the API's problem, or `unexpected_answer` when it is not
/// JSON or lacks a member `read` needs.
pub async fn fetch<T>(call: Call<'_>, read: fn(&Json) -> Option<T>) -> Result<T, ApiError> {
    let text = call.text().await?;
    JSON::parse(&text)
        .ok()
        .and_then(|value| read(&Json(value)))
        .ok_or_else(|| unexpected("a member is missing or of another type"))
}
