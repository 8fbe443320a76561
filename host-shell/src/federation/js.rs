//! The few steps of loading a widget that only JavaScript can express: `fetch`, SubtleCrypto,
//! dynamic `import()`, and calls into another wasm instance's exports.
//!
//! The module is imported from a `blob:` URL made of the very bytes whose SHA-384 matched the
//! manifest, and its wasm is instantiated from the checked bytes too, so nothing runs that was
//! not verified (no second fetch between check and use). Each call imports a new module
//! instance, which is what a retry after a crash needs.

use js_sys::Promise;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
async function fetchChecked(url, integrity) {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`could not fetch ${url}: HTTP ${response.status}`);
  const bytes = await response.arrayBuffer();
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-384', bytes));
  let binary = '';
  for (const b of digest) binary += String.fromCharCode(b);
  const actual = 'sha384-' + btoa(binary);
  if (actual !== integrity) {
    throw new Error(`integrity check failed for ${url}: the manifest says ${integrity}, the file is ${actual}`);
  }
  return bytes;
}

export function loadWidget(entry, wasm, integrity, wasmIntegrity) {
  const loading = load(entry, wasm, integrity, wasmIntegrity);
  // A load that fails after its timeout already lost the race has no one awaiting it; mark the
  // rejection handled so it is not reported as uncaught. Awaiters still see it.
  loading.catch(() => {});
  return loading;
}

async function load(entry, wasm, integrity, wasmIntegrity) {
  const [code, binary] = await Promise.all([fetchChecked(entry, integrity), fetchChecked(wasm, wasmIntegrity)]);
  const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
  try {
    const module = await import(url);
    await module.default({ module_or_path: binary });
    if (typeof module.mount !== 'function') throw new Error(`${entry} does not export mount()`);
    return module;
  } finally {
    URL.revokeObjectURL(url);
  }
}

export function timeout(ms, what) {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms));
}

export function mountWidget(module, element, props) { return module.mount(element, props); }
export function updateWidget(handle, props) { handle.update(props); }
export function unmountWidget(handle) { handle.unmount(); }
"#)]
extern "C" {
    /// Fetches, verifies, imports and initialises a widget; resolves to its module namespace.
    #[wasm_bindgen(js_name = loadWidget)]
    pub fn load_widget(entry: &str, wasm: &str, integrity: &str, wasm_integrity: &str) -> Promise;

    /// A promise rejected with "`what` timed out after `ms` ms".
    pub fn timeout(ms: u32, what: &str) -> Promise;

    /// `module.mount(element, props)`: returns the widget's handle.
    #[wasm_bindgen(js_name = mountWidget, catch)]
    pub fn mount_widget(
        module: &JsValue,
        element: &web_sys::Element,
        props: &str,
    ) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_name = updateWidget, catch)]
    pub fn update_widget(handle: &JsValue, props: &str) -> Result<(), JsValue>;

    #[wasm_bindgen(js_name = unmountWidget, catch)]
    pub fn unmount_widget(handle: &JsValue) -> Result<(), JsValue>;
}

/// The message of a thrown JS error, for fallbacks and the console.
pub fn error_message(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".to_owned())
}
