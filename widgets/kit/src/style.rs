//! Scoped styles for widgets, injected the one way a strict Content-Security-Policy allows.
//!
//! A widget writes its CSS as a `&'static str` in which `&` stands for the styled element:
//!
//! ```text
//! const CARD: &str = "& { padding: 1rem; } & h1 { margin: 0; }";
//! html! { <section class={style::class(CARD)}>...</section> }
//! ```
//!
//! [`class`] gives each such string a class named after the widget and its module instance
//! (`mfe-cart-3-0`), so no widget can match another's elements, and no two wasm instances can
//! produce the same name (each instance counts from 0, which is how stylist's default names
//! collided across widgets). The rules go into one constructed `CSSStyleSheet` per instance,
//! adopted by the document: CSSOM, not a `<style>` element, so the page's CSP needs no
//! `'unsafe-inline'` for styles. docs/MFE.md, "Styles", says why this replaced stylist.

use std::cell::RefCell;
use wasm_bindgen::JsValue;
use web_sys::CssStyleSheet;

struct Registry {
    /// The scope of this module instance, `mfe-<widget>-<loadId>`, set at first mount.
    prefix: String,
    /// Registered sources (by address: each is a `'static` constant) and their class names.
    classes: Vec<(&'static str, String)>,
    /// All rules so far, the text of `sheet`.
    css: String,
    sheet: Option<CssStyleSheet>,
}

thread_local! {
    static REGISTRY: RefCell<Registry> = const {
        RefCell::new(Registry { prefix: String::new(), classes: Vec::new(), css: String::new(), sheet: None })
    };
}

/// Names this module instance's scope. Called by `mount`; later calls keep the first scope,
/// since one instance has one load id.
pub(crate) fn set_scope(widget: &str, load_id: u32) {
    REGISTRY.with(|registry| {
        let mut registry = registry.borrow_mut();
        if registry.prefix.is_empty() {
            registry.prefix = format!("mfe-{widget}-{load_id}");
        }
    });
}

/// The class that applies `css` (with `&` meaning "this element"), registering it on first use.
pub fn class(css: &'static str) -> String {
    REGISTRY.with(|registry| {
        let mut registry = registry.borrow_mut();
        if let Some((_, name)) = registry
            .classes
            .iter()
            .find(|(source, _)| std::ptr::eq(*source, css))
        {
            return name.clone();
        }
        let name = format!("{}-{}", registry.prefix, registry.classes.len());
        registry.css.push_str(&scope(css, &name));
        registry.classes.push((css, name.clone()));
        if let Err(e) = registry.apply() {
            web_sys::console::error_2(&JsValue::from_str("could not apply widget styles:"), &e);
        }
        name
    })
}

/// `css` with every `&` replaced by the class selector.
fn scope(css: &str, class: &str) -> String {
    css.replace('&', &format!(".{class}"))
}

impl Registry {
    fn apply(&mut self) -> Result<(), JsValue> {
        if self.sheet.is_none() {
            let sheet = CssStyleSheet::new()?;
            let document = web_sys::window()
                .and_then(|w| w.document())
                .ok_or("no document")?;
            let adopted = document.adopted_style_sheets();
            adopted.push(&sheet);
            document.set_adopted_style_sheets(&adopted);
            self.sheet = Some(sheet);
        }
        self.sheet
            .as_ref()
            .expect("just set")
            .replace_sync(&self.css)
    }
}
