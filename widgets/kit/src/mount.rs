//! `mount` / `update` / `unmount`: the lifecycle the shell drives, over a Yew app handle.

use crate::crash;
use contracts::props::MountProps;
use wasm_bindgen::prelude::*;
use web_sys::Element;
use yew::prelude::*;
use yew::{AppHandle, BaseComponent, Renderer};

/// Properties of every widget's root component.
#[derive(Debug, Clone, PartialEq, Properties)]
pub struct WidgetProps {
    /// What the shell passed: route, session, API base.
    pub mount: MountProps,
}

/// A mounted widget, returned to the shell by `mount`.
#[wasm_bindgen]
pub struct WidgetHandle {
    app: Option<Box<dyn MountedApp>>,
}

/// A Yew app of any root component, so [`WidgetHandle`] need not be generic (wasm-bindgen
/// exports cannot be).
trait MountedApp {
    fn update(&mut self, props: WidgetProps);
    fn destroy(self: Box<Self>);
}

impl<C: BaseComponent<Properties = WidgetProps>> MountedApp for AppHandle<C> {
    fn update(&mut self, props: WidgetProps) {
        AppHandle::update(self, props);
    }
    fn destroy(self: Box<Self>) {
        AppHandle::destroy(*self);
    }
}

#[wasm_bindgen]
impl WidgetHandle {
    /// Re-renders with new props (same route widget, new path or session).
    pub fn update(&mut self, props_json: &str) -> Result<(), JsValue> {
        let mount = parse_props(props_json)?;
        let app = self
            .app
            .as_mut()
            .ok_or_else(|| JsValue::from_str("widget is unmounted"))?;
        app.update(WidgetProps { mount });
        Ok(())
    }

    /// Removes the widget's DOM and listeners. Calling it twice is harmless.
    pub fn unmount(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
    }
}

/// Mounts root component `C` into `element`. Called through [`crate::export_widget!`].
pub fn mount<C: BaseComponent<Properties = WidgetProps>>(
    widget: &'static str,
    element: Element,
    props_json: &str,
) -> Result<WidgetHandle, JsValue> {
    let mount = parse_props(props_json)?;
    crash::install(widget, mount.load_id);
    crate::bus::set_source(widget);
    crate::style::set_scope(widget, mount.load_id);
    let app = Renderer::<C>::with_root_and_props(element, WidgetProps { mount }).render();
    Ok(WidgetHandle {
        app: Some(Box::new(app)),
    })
}

fn parse_props(props_json: &str) -> Result<MountProps, JsValue> {
    serde_json::from_str(props_json)
        .map_err(|e| JsValue::from_str(&format!("invalid mount props: {e}")))
}
