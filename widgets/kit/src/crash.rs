//! Turns a panic into a `mfe:crash` DOM event so the shell can put a fallback in this widget's
//! slots. After a panic this wasm instance is unusable (Yew stops rendering it), so the report is
//! the last thing it does, after taking its bus listeners off `window`; recovery is the shell
//! importing a fresh copy of the module.

use contracts::events::{CRASH_EVENT, CrashReport};
use std::cell::Cell;
use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit};

thread_local! {
    static INSTALLED: Cell<bool> = const { Cell::new(false) };
}

/// Installs the hook once per module instance. `load_id` identifies this instance to the shell.
pub(crate) fn install(widget: &'static str, load_id: u32) {
    if INSTALLED.with(|installed| installed.replace(true)) {
        return;
    }
    yew::set_custom_panic_hook(Box::new(move |info| {
        let message = info.to_string();
        web_sys::console::error_1(&JsValue::from_str(&format!(
            "widget {widget} panicked: {message}"
        )));
        // The instance is dying: nothing may call into it any more. (Its styles the shell
        // removes when it hears the report.)
        crate::bus::forget_listeners();
        let report = CrashReport {
            widget: widget.to_owned(),
            load_id,
            message,
        };
        if let (Ok(detail), Some(window)) = (serde_json::to_string(&report), web_sys::window()) {
            let init = CustomEventInit::new();
            init.set_detail(&JsValue::from_str(&detail));
            if let Ok(event) = CustomEvent::new_with_event_init_dict(CRASH_EVENT, &init) {
                let _ = window.dispatch_event(&event);
            }
        }
    }));
}
