//! Page parts every widget uses, styled through [`crate::style`] and the shell's theme variables
//! (`--mfe-*`, defined in host-shell/shell.css) so widgets look alike without sharing CSS.

use crate::style;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PageProps {
    pub title: AttrValue,
    #[prop_or_default]
    pub children: Children,
}

const PAGE: &str = "
& { padding: 1.5rem; background: var(--mfe-surface, #fff); border: 1px solid var(--mfe-border, #ddd); border-radius: 8px; }
& h1 { margin: 0 0 1rem; font-size: 1.4rem; color: var(--mfe-ink, #222); }
";

/// A titled page section: the frame of a widget in the main slot.
#[function_component]
pub fn Page(props: &PageProps) -> Html {
    html! {
        <section class={style::class(PAGE)}>
            <h1>{ props.title.clone() }</h1>
            { props.children.clone() }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct LinkProps {
    /// An in-app path, e.g. `/products`.
    pub to: AttrValue,
    pub children: Children,
}

/// A link inside the app. A widget cannot drive the shell's router, so a plain click asks the
/// shell to navigate over the bus; the `href` keeps open-in-new-tab and middle-click working.
#[function_component]
pub fn Link(props: &LinkProps) -> Html {
    let onclick = {
        let to = props.to.clone();
        Callback::from(move |e: MouseEvent| {
            if e.button() == 0 && !(e.ctrl_key() || e.meta_key() || e.shift_key() || e.alt_key()) {
                e.prevent_default();
                crate::bus::emit(contracts::events::ShellEvent::Navigate {
                    path: to.to_string(),
                });
            }
        })
    };
    html! { <a href={props.to.clone()} {onclick}>{ props.children.clone() }</a> }
}
