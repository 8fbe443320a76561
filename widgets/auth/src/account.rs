//! The account corner of the header (`header-account` slot): a sign-in button, or who is signed
//! in with the ways to sign out (which the shell carries out: `signOut` on the bus).

use contracts::events::ShellEvent;
use contracts::federation::SIGN_IN_ROUTE;
use contracts::props::{Role, Session};
use widget_kit::{bus, style};
use yew::prelude::*;

// Registered first on a page without the sign-in pages, so the header's buttons have the
// instance's class 0 (the browser tests check the scoping by that name).
const BUTTON: &str = "& { color: var(--mfe-on-brand, #fff); background: transparent; border: 0; \
    cursor: pointer; font: inherit; }";
const SIGNED_IN: &str =
    "& { display: flex; align-items: center; gap: 0.75rem; color: var(--mfe-on-brand, #fff); }
& .role { font-size: 0.8rem; opacity: 0.85; }";

pub fn account(session: Option<&Session>) -> Html {
    let button = style::class(BUTTON);
    let Some(session) = session else {
        let onclick = Callback::from(|_| {
            bus::emit(ShellEvent::Navigate {
                path: SIGN_IN_ROUTE.into(),
            })
        });
        return html! { <button class={button} {onclick} data-testid="sign-in">{ "Sign in" }</button> };
    };
    let sign_out =
        |everywhere| Callback::from(move |_| bus::emit(ShellEvent::SignOut { everywhere }));
    html! {
        <div class={style::class(SIGNED_IN)} data-testid="account">
            <span>
                <span data-testid="account-name">{ session.user.display_name.clone() }</span>
                { " " }
                <span class="role" data-testid="account-role">{ role_name(session.user.role) }</span>
            </span>
            <button type="button" class={button.clone()} onclick={sign_out(false)}>{ "Sign out" }</button>
            <button type="button" class={button} onclick={sign_out(true)}>{ "Sign out everywhere" }</button>
        </div>
    }
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::SuperAdmin => "Super admin",
        Role::Admin => "Admin",
        Role::Seller => "Seller",
        Role::Customer => "Customer",
    }
}
