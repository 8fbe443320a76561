//! The shell's router: the current location, and moving to a new one with the History API.
//!
//! Routes are not compiled in: the manifest says which widget serves which path, so a widget
//! team adds a page without a shell release.

use std::cell::RefCell;
use std::collections::BTreeMap;
use wasm_bindgen::JsValue;

/// Where the user is: path and decoded query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    /// The query string as the address bar has it (`?q=a`, or empty), to come back to.
    pub search: String,
    pub query: BTreeMap<String, String>,
}

impl Location {
    pub fn current() -> Self {
        let location = web_sys::window().expect("a window").location();
        let path = location.pathname().unwrap_or_else(|_| "/".into());
        let search = location.search().unwrap_or_default();
        let query = parse_query(&search);
        Location {
            path,
            search,
            query,
        }
    }
}

/// `?a=1&b=x+y` → {a: "1", b: "x y"}, decoded as `application/x-www-form-urlencoded`.
fn parse_query(search: &str) -> BTreeMap<String, String> {
    let decode = |part: &str| {
        let spaced = part.replace('+', " ");
        js_sys::decode_uri_component(&spaced)
            .map(String::from)
            .unwrap_or(spaced)
    };
    // Inserts, not collect(): collecting builds the map through a sort, more wasm for nothing.
    let mut query = BTreeMap::new();
    for pair in search
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        query.insert(decode(key), decode(value));
    }
    query
}

thread_local! {
    /// Called after every navigation the shell makes itself (popstate covers back/forward).
    static ON_NAVIGATE: RefCell<Option<Box<dyn Fn()>>> = const { RefCell::new(None) };
}

/// Registers the one listener that re-reads the location after [`navigate`].
pub fn on_navigate(listener: impl Fn() + 'static) {
    ON_NAVIGATE.with(|cell| *cell.borrow_mut() = Some(Box::new(listener)));
}

/// Goes to `target` (a path with optional query) inside the app. Anything that is not a plain
/// same-origin path is refused: widgets cannot send the user off-site through the bus.
pub fn navigate(target: &str) {
    go(target, false);
}

/// Like [`navigate`], replacing the current history entry: a route guard's detour to sign in,
/// so that Back does not return to the page that sent the user away.
pub fn redirect(target: &str) {
    go(target, true);
}

fn go(target: &str, replace: bool) {
    if !contracts::federation::is_app_path(target) {
        crate::federation::log_error(&format!(
            "refused to navigate to {target:?}: not a same-origin path"
        ));
        return;
    }
    if let Ok(history) = web_sys::window().expect("a window").history() {
        let _ = if replace {
            history.replace_state_with_url(&JsValue::NULL, "", Some(target))
        } else {
            history.push_state_with_url(&JsValue::NULL, "", Some(target))
        };
    }
    ON_NAVIGATE.with(|cell| {
        if let Some(listener) = cell.borrow().as_ref() {
            listener();
        }
    });
}
