//! The admin widget: the back office for administrators with a second factor. One component
//! per page, each a small state machine over its API calls, with render helpers as plain
//! functions (every component costs wasm):
//!
//! - `/admin`: the start of a support session (`POST /admin/impersonate`: target, reason,
//!   duration); its grant goes to the shell with a `sessionChanged` event, like a sign-in's;
//! - `/admin/users`: accounts: search, the masked view, disable, enable, unlock, role;
//! - `/admin/sellers`: the review queue with each GSTIN's check, approve or reject with a note;
//! - `/admin/figures`: the platform's figures as bar charts;
//! - `/admin/refunds`: an order's refund (part or all, with a reason) and its credit notes.
//!
//! A change wants a second factor passed in the last five minutes: the API answers
//! `fresh_mfa_required` otherwise, shown like any problem (sign in again).

mod accounts;
mod applications;
mod figures;
mod refunds;

use contracts::Problem;
use contracts::events::ShellEvent;
use contracts::impersonation::{ImpersonationGrant, MAX_DURATION_MINUTES, StartImpersonation};
use contracts::props::Session;
use serde::de::DeserializeOwned;
use shop_kit::http::{ApiError, Call};
use shop_kit::parts;
use web_sys::HtmlInputElement;
use widget_kit::{WidgetProps, bus};
use yew::platform::spawn_local;
use yew::prelude::*;

widget_kit::export_widget!(App);

/// What every page needs: where the API is and the administrator's token.
#[derive(Properties, PartialEq, Clone)]
pub struct PageProps {
    pub api: AttrValue,
    pub token: AttrValue,
}

/// A page's data: loading, there, or refused.
pub enum Load<T> {
    Loading,
    Ready(T),
    Failed(ApiError),
}

/// Sends `method path` (under the API base) with an optional JSON body and hands the decoded
/// answer to `done`.
pub fn call<T: DeserializeOwned + 'static>(
    page: &PageProps,
    method: &'static str,
    path: String,
    body: Option<String>,
    done: impl FnOnce(Result<T, ApiError>) + 'static,
) {
    let (url, token) = (format!("{}{path}", page.api), page.token.clone());
    spawn_local(async move {
        done(
            Call::with_body(method, url, body, Some(&token))
                .json()
                .await,
        );
    });
}

/// The value of the input behind `node`.
pub fn value(node: &NodeRef) -> String {
    node.cast::<HtmlInputElement>()
        .map(|input| input.value())
        .unwrap_or_default()
}

/// A refused action: the problem and its field errors, for a form's alert.
pub fn refused(problem: &Problem) -> Html {
    html! { <div role="alert" data-testid="problem">
        <p>{ parts::message(problem) }</p>
        { for problem.errors.iter().map(|e| html! { <p>{ format!("{}: {}", e.field, e.message) }</p> }) }
    </div> }
}

/// The loading and error states of `load`, or `ready`'s rendering.
pub fn view<T>(load: &Load<T>, ready: impl FnOnce(&T) -> Html) -> Html {
    match load {
        Load::Loading => parts::loading(),
        Load::Failed(problem) => parts::problem(problem),
        Load::Ready(data) => ready(data),
    }
}

const PAGES: [(&str, &str); 5] = [
    ("/admin/users", "Accounts"),
    ("/admin/sellers", "Applications"),
    ("/admin/figures", "Figures"),
    ("/admin", "Support"),
    ("/admin/refunds", "Refunds"),
];

#[function_component]
pub fn App(props: &WidgetProps) -> Html {
    let mount = &props.mount;
    let Some(session) = &mount.session else {
        return parts::page(
            "Back office",
            html! { <>
                { parts::empty("Sign in as an administrator to use the back office.") }
                { parts::link("/login?next=/admin".into(), html! { "Sign in" }) }
            </> },
        );
    };
    let page = PageProps {
        api: mount.api_base.clone().into(),
        token: session.access_token.clone().into(),
    };
    let path = mount.path.as_str();
    let nav = html! { <nav aria-label="Back office"> { for PAGES.iter().map(|&(to, label)| html! { <>
        if to == path { <strong aria-current="page">{ label }</strong> }
        else { { parts::link(to.into(), html! { label }) } }
        { " " }
    </> }) } </nav> };
    let body = match path {
        "/admin/users" => html! { <accounts::Accounts ..page /> },
        "/admin/sellers" => html! { <applications::Applications ..page /> },
        "/admin/figures" => html! { <figures::Figures ..page /> },
        "/admin/refunds" => html! { <refunds::Refunds ..page /> },
        _ => html! { <Support ..page /> },
    };
    parts::page("Back office", html! { <>{ nav }{ body }</> })
}

/// The support-session form; its error, if the API refused.
#[function_component]
fn Support(props: &PageProps) -> Html {
    let (target, reason, minutes) = (use_node_ref(), use_node_ref(), use_node_ref());
    let problem = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (target, reason, minutes, problem) = (
            target.clone(),
            reason.clone(),
            minutes.clone(),
            problem.clone(),
        );
        let page = props.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let request = StartImpersonation {
                target_user_id: Some(value(&target)),
                reason: Some(value(&reason)),
                duration_minutes: value(&minutes).trim().parse().ok(),
            };
            let problem = problem.clone();
            call(
                &page,
                "POST",
                "/admin/impersonate".into(),
                shop_kit::http::encode(&request),
                move |answer: Result<ImpersonationGrant, _>| match answer {
                    Ok(grant) => {
                        bus::emit(ShellEvent::SessionChanged {
                            session: Some(Session::from(grant)),
                        });
                        bus::emit(ShellEvent::Navigate { path: "/".into() });
                    }
                    Err(refused) => problem.set(Some(refused)),
                },
            );
        })
    };
    html! {
        <form {onsubmit} data-testid="impersonate-form">
            <h2>{ "Act as a user (support session)" }</h2>
            <p>{ "The user is mailed, sees the session in their access history, and you see their personal data masked." }</p>
            <label>{ "User id" }<input ref={target} name="targetUserId" required=true /></label>
            <label>{ "Reason" }<input ref={reason} name="reason" required=true maxlength="500" /></label>
            <label>{ "Minutes" }
                <input ref={minutes} name="durationMinutes" type="number" min="1"
                    max={MAX_DURATION_MINUTES.to_string()} value="30" required=true />
            </label>
            if let Some(problem) = &*problem {
                <div data-testid="impersonate-error">{ refused(problem) }</div>
            }
            <button type="submit">{ "Start support session" }</button>
        </form>
    }
}
