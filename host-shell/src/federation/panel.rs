//! What the shell itself draws inside a slot: loading, a failed widget's fallback with Retry,
//! the not-found and not-allowed pages, a manifest problem.
//!
//! Built with plain DOM calls rather than as a second Yew root: panels are static markup with
//! one button, and a second root component type measured ~4 KB of brotli in the shell.

use gloo_events::EventListener;
use std::rc::Rc;
use web_sys::{Document, Element};

/// The panels a slot can show instead of a widget.
#[derive(Debug, Clone, PartialEq)]
pub enum PanelKind {
    Loading {
        widget: String,
    },
    /// The widget failed to load, failed a check, timed out or crashed; `reason` says which.
    Failed {
        widget: String,
        reason: String,
    },
    NotFound {
        path: String,
    },
    /// The signed-in user's role may not open the route; the widget's code was not fetched.
    Forbidden {
        path: String,
    },
    /// The manifest marks the widget incompatible with the API it is deployed against
    /// (`WidgetEntry::incompatible`): nothing of it is fetched until a release that fits is
    /// deployed. `reason` is for the title (the operator's view), not the page's text.
    Updating {
        widget: String,
        reason: String,
    },
    /// Something is wrong before any widget code is involved (the manifest, a misconfigured entry).
    /// `retry`, when given, is what its Retry button does (fetch the manifest again).
    Problem {
        title: String,
        detail: String,
        retry: Option<yew::Callback<()>>,
    },
}

/// What a panel's controls do.
pub struct PanelActions {
    pub on_retry: Rc<dyn Fn(String)>,
    pub on_home: Rc<dyn Fn()>,
}

/// Fills `container` with the panel; the listeners returned must live as long as it does.
pub fn render(
    container: &Element,
    kind: &PanelKind,
    compact: bool,
    actions: PanelActions,
) -> Vec<EventListener> {
    let Some(document) = container.owner_document() else {
        return Vec::new();
    };
    let panel = element(&document, "div", None);
    panel.set_class_name(if compact {
        "slot-panel compact"
    } else {
        "slot-panel"
    });
    let _ = container.append_child(&panel);
    let attr = |name: &str, value: &str| {
        let _ = panel.set_attribute(name, value);
    };
    let add = |tag: &str, text: &str| {
        let child = element(&document, tag, Some(text));
        let _ = panel.append_child(&child);
        child
    };
    let mut listeners = Vec::new();
    match kind {
        PanelKind::Loading { widget } => {
            attr("data-state", "loading");
            attr("role", "status");
            attr("data-widget", widget);
            if !compact {
                panel.set_text_content(Some(&format!("Loading {widget}\u{2026}")));
            }
        }
        PanelKind::Failed { widget, reason } => {
            attr("data-state", "failed");
            attr("data-widget", widget);
            attr("role", "alert");
            attr("title", reason);
            if compact {
                panel.set_text_content(Some(&format!("{widget} unavailable ")));
            } else {
                add("h1", "This part of the page could not be shown");
                add(
                    "p",
                    &format!(
                        "The {widget} widget did not start. The rest of the page still works."
                    ),
                );
                let why = add("p", reason);
                why.set_class_name("reason");
                let _ = why.set_attribute("data-testid", "fallback-reason");
            }
            let (on_retry, widget) = (actions.on_retry, widget.clone());
            listeners.push(retry_button(&add, move || on_retry(widget.clone())));
        }
        PanelKind::NotFound { path } | PanelKind::Forbidden { path } => {
            let (state, title, text) = match kind {
                PanelKind::NotFound { .. } => ("not-found", "Page not found", "Nothing lives at"),
                _ => ("forbidden", "Not allowed", "Your account may not open"),
            };
            attr("data-state", state);
            add("h1", title);
            add("p", &format!("{text} {path}."));
            let home = add("a", "Go to the home page");
            let _ = home.set_attribute("href", "/");
            let on_home = actions.on_home;
            listeners.push(EventListener::new_with_options(
                &home,
                "click",
                gloo_events::EventListenerOptions::enable_prevent_default(),
                move |event| {
                    event.prevent_default();
                    on_home();
                },
            ));
        }
        PanelKind::Updating { widget, reason } => {
            attr("data-state", "updating");
            attr("data-widget", widget);
            attr("title", reason);
            if compact {
                panel.set_text_content(Some("Being updated"));
            } else {
                add("h1", "This part of the page is being updated");
                add(
                    "p",
                    "Please come back in a few minutes. The rest of the page still works.",
                );
            }
        }
        PanelKind::Problem {
            title,
            detail,
            retry,
        } => {
            attr("data-state", "problem");
            attr("role", "alert");
            attr("title", detail);
            if compact {
                panel.set_text_content(Some(title));
            } else {
                add("h1", title);
                let why = add("p", detail);
                why.set_class_name("reason");
                let _ = why.set_attribute("data-testid", "problem-detail");
            }
            if let Some(retry) = retry.clone() {
                // Deferred, as the widget's Retry: the click must not tear down its own panel.
                listeners.push(retry_button(&add, move || {
                    let retry = retry.clone();
                    wasm_bindgen_futures::spawn_local(async move { retry.emit(()) });
                }));
            }
        }
    }
    listeners
}

/// A Retry button (`data-testid="retry"`) added by `add`, doing `on_click`.
fn retry_button(
    add: &dyn Fn(&str, &str) -> Element,
    on_click: impl Fn() + 'static,
) -> EventListener {
    let retry = add("button", "Retry");
    let _ = retry.set_attribute("type", "button");
    let _ = retry.set_attribute("data-testid", "retry");
    EventListener::new(&retry, "click", move |_| on_click())
}

fn element(document: &Document, tag: &str, text: Option<&str>) -> Element {
    let element = document.create_element(tag).expect("a valid tag name");
    if let Some(text) = text {
        element.set_text_content(Some(text));
    }
    element
}
