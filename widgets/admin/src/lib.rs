//! The admin widget: the back office for administrators with a second factor. One component
//! per page, each a small state machine over its API calls, with render helpers as plain
//! functions (every component costs wasm):
//!
//! - `/admin`: the start of a support session (`POST /admin/impersonate`: target, reason,
//!   duration); its grant goes to the shell with a `sessionChanged` event, like a sign-in's;
//! - `/admin/sellers`: the review queue with each GSTIN's check, approve or reject with a note.
//!
//! The other pages are widgets of their own, so that each stays within its byte budget:
//! `admin-accounts` (`/admin/users`), `admin-figures` (`/admin/figures`) and `admin-refunds`
//! (`/admin/refunds`). All of them draw the same frame and navigation
//! (`shop_kit::back_office::admin_page`).
//!
//! A change wants a second factor passed in the last five minutes: the API answers
//! `fresh_mfa_required` otherwise, shown like any problem (sign in again).

mod applications;

use contracts::events::ShellEvent;
use contracts::impersonation::{ImpersonationGrant, MAX_DURATION_MINUTES, StartImpersonation};
use contracts::props::Session;
use shop_kit::back_office::{PageProps, admin_page, call, refused, session_ended, value};
use shop_kit::http::ApiError;
use widget_kit::{WidgetProps, bus};
use yew::prelude::*;

widget_kit::export_widget!(App);

#[function_component]
pub fn App(props: &WidgetProps) -> Html {
    let path = props.mount.path.as_str();
    let Some(page) = PageProps::of(&props.mount) else {
        return session_ended("Back office", path);
    };
    let body = match path {
        "/admin/sellers" => html! { <applications::Applications ..page /> },
        _ => html! { <Support ..page /> },
    };
    admin_page(path, body)
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
