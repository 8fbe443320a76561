//! The auth widget: sign-in and account pages, and the account corner of the header
//! (`header-account` slot) that shows who is signed in.

use contracts::events::ShellEvent;
use widget_kit::components::Page;
use widget_kit::{WidgetProps, bus, style};
use yew::prelude::*;

widget_kit::export_widget!(App);

#[function_component]
pub fn App(props: &WidgetProps) -> Html {
    if props.mount.slot == "header-account" {
        let name = props
            .mount
            .session
            .as_ref()
            .map(|s| s.user.display_name.clone());
        return html! { <Account {name} /> };
    }
    let title = match props.mount.path.as_str() {
        "/signup" => "Create an account",
        "/forgot-password" => "Forgot your password?",
        "/reset-password" => "Choose a new password",
        _ => "Sign in",
    };
    html! {
        <Page {title}>
            <p class="empty">{ "Accounts open with the identity release." }</p>
        </Page>
    }
}

#[derive(Properties, PartialEq)]
struct AccountProps {
    name: Option<String>,
}

const ACCOUNT: &str = "& { color: var(--mfe-on-brand, #fff); background: transparent; border: 0; \
    cursor: pointer; font: inherit; }";

#[function_component]
fn Account(props: &AccountProps) -> Html {
    let class = style::class(ACCOUNT);
    match &props.name {
        Some(name) => html! { <span {class}>{ name.clone() }</span> },
        None => {
            let onclick = Callback::from(|_| {
                bus::emit(ShellEvent::Navigate {
                    path: "/login".into(),
                })
            });
            html! { <button {class} {onclick} data-testid="sign-in">{ "Sign in" }</button> }
        }
    }
}
