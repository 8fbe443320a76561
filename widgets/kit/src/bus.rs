//! The typed event bus: `contracts::events::BusMessage` as JSON in DOM `CustomEvent`s on `window`.

use contracts::events::{BUS_EVENT, BusMessage, ShellEvent};
use gloo_events::EventListener;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CustomEvent, CustomEventInit};
use yew::prelude::*;

thread_local! {
    // One wasm instance is one widget, so its name is a per-instance constant set at mount.
    static SOURCE: Cell<&'static str> = const { Cell::new("unknown") };
    /// The functions this instance listens to the bus with, for [`forget_listeners`]. An entry
    /// outlives its listener's normal removal (a handful per instance; removing twice is a
    /// no-op), which keeps `subscribe`'s plain `EventListener` for its callers.
    static LISTENERS: RefCell<Vec<JsValue>> = const { RefCell::new(Vec::new()) };
}

/// Names the sender of this instance's messages (the widget's name, or `shell`).
pub fn set_source(widget: &'static str) {
    SOURCE.with(|source| source.set(widget));
}

/// Sends `event` to the shell and every mounted widget.
pub fn emit(event: ShellEvent) {
    let message = BusMessage {
        source: SOURCE.with(Cell::get).to_owned(),
        event,
    };
    let Ok(detail) = serde_json::to_string(&message) else {
        return;
    };
    let init = CustomEventInit::new();
    init.set_detail(&JsValue::from_str(&detail));
    if let (Ok(dom_event), Some(window)) = (
        CustomEvent::new_with_event_init_dict(BUS_EVENT, &init),
        web_sys::window(),
    ) {
        let _ = window.dispatch_event(&dom_event);
    }
}

/// Calls `on_message` for every bus message until the returned listener is dropped.
/// Messages that do not decode (a newer minor's event, say) are skipped with a console warning.
pub fn subscribe(on_message: impl Fn(BusMessage) + 'static) -> Option<EventListener> {
    let window = web_sys::window()?;
    let listener = EventListener::new(&window, BUS_EVENT, move |event| {
        let Some(detail) = event
            .dyn_ref::<CustomEvent>()
            .and_then(|e| e.detail().as_string())
        else {
            return;
        };
        match serde_json::from_str::<BusMessage>(&detail) {
            Ok(message) => on_message(message),
            Err(e) => {
                web_sys::console::warn_1(&JsValue::from_str(&format!("ignored bus message: {e}")))
            }
        }
    });
    LISTENERS.with(|all| {
        if let Ok(mut all) = all.try_borrow_mut() {
            all.push(listener.callback().as_ref().clone());
        }
    });
    Some(listener)
}

/// Takes every bus listener of this instance off `window`. The crash hook calls it: a dead
/// instance's listeners would otherwise call into its trapped wasm on every message, for as long
/// as the page lives. `try_borrow`: a panic may strike anywhere.
pub(crate) fn forget_listeners() {
    let Some(window) = web_sys::window() else {
        return;
    };
    LISTENERS.with(|all| {
        if let Ok(all) = all.try_borrow() {
            for listener in all.iter() {
                let _ =
                    window.remove_event_listener_with_callback(BUS_EVENT, listener.unchecked_ref());
            }
        }
    });
}

/// Hook form of [`subscribe`]: listens while the component is mounted, always calling the
/// latest `on_message`.
#[hook]
pub fn use_bus(on_message: impl Fn(BusMessage) + 'static) {
    let latest = use_mut_ref(|| None::<Rc<dyn Fn(BusMessage)>>);
    *latest.borrow_mut() = Some(Rc::new(on_message));
    use_effect_with((), move |_| {
        let listener = subscribe(move |message| {
            // Clone out of the cell first: the handler may re-render, which writes the cell.
            let handler = latest.borrow().clone();
            if let Some(handler) = handler {
                handler(message);
            }
        });
        move || drop(listener)
    });
}
