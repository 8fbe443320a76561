//! The account corner of the header (`header-account` slot): a sign-in button, or who is signed
//! in with the ways to sign out (which the shell carries out: `signOut` on the bus).

use crate::journey::with_next;
use contracts::events::ShellEvent;
use contracts::federation::{SECOND_FACTOR_ROUTE, SIGN_IN_ROUTE};
use contracts::props::{Role, Session};
use widget_kit::{bus, style};
use yew::prelude::*;

/// The widget's own pages, where "Sign in" does not come back to.
const AUTH_PAGES: [&str; 5] = [
    SIGN_IN_ROUTE,
    "/signup",
    "/forgot-password",
    "/reset-password",
    SECOND_FACTOR_ROUTE,
];

// Registered first on a page without the sign-in pages, so the header's buttons have the
// instance's class 0 (the browser tests check the scoping by that name).
const BUTTON: &str = "& { color: var(--mfe-on-brand, #fff); background: transparent; border: 0; \
    cursor: pointer; font: inherit; }";
const SIGNED_IN: &str =
    "& { display: flex; flex-wrap: wrap; align-items: center; gap: 0.25rem 0.75rem; color: var(--mfe-on-brand, #fff); }
& .role { font-size: 0.8rem; opacity: 0.85; }";

/// The corner for `session`, on the page at `path` (where signing in comes back to).
pub fn account(session: Option<&Session>, path: &str) -> Html {
    let button = style::class(BUTTON);
    let Some(session) = session else {
        // Back to this page after signing in, unless it is one of the sign-in pages.
        let back = if AUTH_PAGES.contains(&path) {
            "/"
        } else {
            path
        };
        let target = with_next(SIGN_IN_ROUTE, back);
        let onclick = Callback::from(move |_| {
            bus::emit(ShellEvent::Navigate {
                path: target.clone(),
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
