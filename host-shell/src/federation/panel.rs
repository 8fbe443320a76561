//! What the shell itself draws inside a slot: loading, a failed widget's fallback with Retry,
//! the not-found page, a manifest problem. Each panel is its own small Yew root in the slot,
//! a sibling of any widget root and never its parent.

use yew::prelude::*;

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
    /// Something is wrong before any widget code is involved (the manifest, a misconfigured entry).
    Problem {
        title: String,
        detail: String,
    },
}

#[derive(Properties, PartialEq)]
pub struct PanelProps {
    pub kind: PanelKind,
    /// Header slots get a one-line version.
    pub compact: bool,
    pub on_retry: Callback<String>,
    pub on_home: Callback<()>,
}

#[function_component]
pub fn Panel(props: &PanelProps) -> Html {
    let class = classes!("slot-panel", props.compact.then_some("compact"));
    match &props.kind {
        PanelKind::Loading { widget } => html! {
            <div {class} data-state="loading" data-widget={widget.clone()}>
                if !props.compact { { format!("Loading {widget}\u{2026}") } }
            </div>
        },
        PanelKind::Failed { widget, reason } => {
            let onclick = {
                let (on_retry, widget) = (props.on_retry.clone(), widget.clone());
                Callback::from(move |_: MouseEvent| on_retry.emit(widget.clone()))
            };
            html! {
                <div {class} data-state="failed" data-widget={widget.clone()} role="alert" title={reason.clone()}>
                    if props.compact {
                        { format!("{widget} unavailable ") }
                    } else {
                        <h1>{ "This part of the page could not be shown" }</h1>
                        <p>{ format!("The {widget} widget did not start. The rest of the page still works.") }</p>
                        <p class="reason" data-testid="fallback-reason">{ reason.clone() }</p>
                    }
                    <button type="button" {onclick} data-testid="retry">{ "Retry" }</button>
                </div>
            }
        }
        PanelKind::NotFound { path } => {
            let onclick = {
                let on_home = props.on_home.clone();
                Callback::from(move |e: MouseEvent| {
                    e.prevent_default();
                    on_home.emit(());
                })
            };
            html! {
                <div {class} data-state="not-found">
                    <h1>{ "Page not found" }</h1>
                    <p>{ format!("Nothing lives at {path}.") }</p>
                    <a href="/" {onclick}>{ "Go to the home page" }</a>
                </div>
            }
        }
        PanelKind::Problem { title, detail } => html! {
            <div {class} data-state="problem" role="alert" title={detail.clone()}>
                if props.compact {
                    { title.clone() }
                } else {
                    <h1>{ title.clone() }</h1>
                    <p class="reason" data-testid="problem-detail">{ detail.clone() }</p>
                }
            </div>
        },
    }
}
