//! The runtime every widget links: mount glue, the typed event bus, crash reporting, page parts,
//! API calls.
//!
//! A widget crate is a `cdylib` whose root component takes [`WidgetProps`]; it calls
//! [`export_widget!`] once and the shell can then `mount`, `update` and `unmount` it (docs/MFE.md).

pub mod api;
pub mod bus;
pub mod chart;
pub mod components;
mod crash;
mod mount;
pub mod style;

pub use mount::{WidgetHandle, WidgetProps, mount};

/// Exports the widget protocol's `mount(element, propsJson)` for the root component `$root`
/// (a component whose properties are [`WidgetProps`]). The widget's name is its crate name.
#[macro_export]
macro_rules! export_widget {
    ($root:ty) => {
        /// Mounts the widget into `element` with the shell's props (JSON of `contracts::props::MountProps`).
        #[wasm_bindgen::prelude::wasm_bindgen]
        pub fn mount(
            element: web_sys::Element,
            props_json: &str,
        ) -> Result<$crate::WidgetHandle, wasm_bindgen::JsValue> {
            $crate::mount::<$root>(env!("CARGO_PKG_NAME"), element, props_json)
        }
    };
}
