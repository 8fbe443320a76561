//! The few steps of loading a widget that only JavaScript can express: `fetch` with an abort
//! signal, SubtleCrypto, dynamic `import()`, calls into another wasm instance's exports, and the
//! manifest fetch with its timeout.
//!
//! The module is imported from a `blob:` URL made of the very bytes whose SHA-384 matched the
//! manifest, and its wasm is instantiated from the checked bytes too, so nothing runs that was
//! not verified (no second fetch between check and use). Each call imports a new module
//! instance, which is what a retry after a crash needs.
//!
//! Written here rather than through web-sys: each web-sys binding is an import and a stub in
//! the shell's wasm, and a line of JavaScript costs a fraction of that (docs/MFE.md section 11).

use js_sys::Promise;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
async function fetchChecked(url, integrity, signal) {
  const response = await fetch(url, { credentials: 'same-origin', signal });
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
  const control = new AbortController();
  const loading = load(entry, wasm, integrity, wasmIntegrity, control.signal);
  // A load that fails after its timeout already lost the race has no one awaiting it; mark the
  // rejection handled so it is not reported as uncaught. Awaiters still see it.
  loading.catch(() => {});
  loading.abort = (reason) => control.abort(reason);
  return loading;
}

async function load(entry, wasm, integrity, wasmIntegrity, signal) {
  const [code, binary] = await Promise.all([fetchChecked(entry, integrity, signal), fetchChecked(wasm, wasmIntegrity, signal)]);
  signal.throwIfAborted();
  const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
  try {
    const module = await import(url);
    signal.throwIfAborted();
    await module.default({ module_or_path: binary });
    if (typeof module.mount !== 'function') throw new Error(`${entry} does not export mount()`);
    return module;
  } finally {
    URL.revokeObjectURL(url);
  }
}

// The load, or "<what> timed out after <ms> ms" if it takes longer; a load that times out is
// aborted (its fetches cancelled), so a stalled server does not keep a request open for it.
export function within(loading, ms, what) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`${what} timed out after ${ms} ms`);
      loading.abort(error);
      reject(error);
    }, ms);
  });
  return Promise.race([loading, deadline]).finally(() => clearTimeout(timer));
}

// The manifest's text, never from cache (a redeploy must be visible on the next page load);
// rejects with the reason to show after a network error, a non-2xx answer or `ms` of waiting.
export async function fetchManifest(path, ms) {
  let response;
  try {
    response = await fetch(path, { cache: 'no-cache', signal: AbortSignal.timeout(ms) });
    if (response.ok) return await response.text();
  } catch (e) {
    throw new Error(e.name === 'TimeoutError' ? `${path} did not answer within ${ms} ms` : `could not fetch ${path}: ${e.message}`);
  }
  throw new Error(`${path} is missing (HTTP ${response.status}): no widget is deployed. Run \`cargo xtask deploy --all\`.`);
}

// A dead instance's constructed stylesheets taken off the document. widget_kit::style scopes
// every rule of an instance by classes mfe-<widget>-<loadId>-<n>; the digits and the end of the
// name keep widget "a" of load 3 apart from widget "a-3".
export function dropStyles(widget, loadId) {
  const scope = new RegExp(`\\.mfe-${widget}-${loadId}-\\d+(?![\\w-])`);
  document.adoptedStyleSheets = document.adoptedStyleSheets.filter(
    (sheet) => ![...sheet.cssRules].some((rule) => scope.test(rule.cssText)));
}

export function mountWidget(module, element, props) { return module.mount(element, props); }
export function updateWidget(handle, props) { handle.update(props); }
// Focus leaves the widget first: a focused input removed with it would report its blur and
// change to listeners the unmount already dropped ("closure invoked after being dropped").
export function unmountWidget(handle, container) {
  if (container.contains(document.activeElement)) document.activeElement.blur();
  handle.unmount();
}
"#)]
extern "C" {
    /// Fetches, verifies, imports and initialises a widget; resolves to its module namespace.
    /// The promise carries `abort(reason)`, which [`within`] calls on a timeout.
    #[wasm_bindgen(js_name = loadWidget)]
    pub fn load_widget(entry: &str, wasm: &str, integrity: &str, wasm_integrity: &str) -> Promise;

    /// `loading` (a [`load_widget`] promise), or a rejection with "`what` timed out after `ms`
    /// ms" that also aborts it.
    pub fn within(loading: &Promise, ms: u32, what: &str) -> Promise;

    /// The text of the manifest at `path`, fetched with `cache: no-cache` and a timeout of
    /// `ms`; rejects with the reason to show.
    #[wasm_bindgen(js_name = fetchManifest)]
    pub fn fetch_manifest(path: &str, ms: u32) -> Promise;

    /// Removes the adopted stylesheets of module instance `load_id` of `widget`.
    #[wasm_bindgen(js_name = dropStyles)]
    pub fn drop_styles(widget: &str, load_id: u32);

    /// `module.mount(element, props)`: returns the widget's handle.
    #[wasm_bindgen(js_name = mountWidget, catch)]
    pub fn mount_widget(
        module: &JsValue,
        element: &web_sys::Element,
        props: &str,
    ) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_name = updateWidget, catch)]
    pub fn update_widget(handle: &JsValue, props: &str) -> Result<(), JsValue>;

    /// `handle.unmount()`, once focus is out of `container` (the widget's element).
    #[wasm_bindgen(js_name = unmountWidget, catch)]
    pub fn unmount_widget(handle: &JsValue, container: &web_sys::Element) -> Result<(), JsValue>;
}

/// The message of a thrown JS error, for fallbacks and the console.
pub fn error_message(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".to_owned())
}
