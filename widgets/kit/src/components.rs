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
