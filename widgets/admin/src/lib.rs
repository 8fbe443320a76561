//! The admin widget: the back office. For now only the start of a support session
//! (`POST /api/v1/admin/impersonate`): a target user id, a reason and a duration; the users
//! and sellers pages of the full back office are a later issue.
//!
//! The answer's session (an impersonation token acting as the target) goes to the shell with a
//! `sessionChanged` event, like a sign-in's; the shell shows the banner and ends it.

use contracts::events::ShellEvent;
use contracts::impersonation::{ImpersonationGrant, MAX_DURATION_MINUTES, StartImpersonation};
use contracts::props::Session;
use web_sys::HtmlInputElement;
use widget_kit::components::{Link, Page};
use widget_kit::{WidgetProps, api, bus};
use yew::platform::spawn_local;
use yew::prelude::*;

widget_kit::export_widget!(App);

#[function_component]
pub fn App(props: &WidgetProps) -> Html {
    let mount = &props.mount;
    let Some(session) = mount.session.as_ref() else {
        return html! {
            <Page title="Back office">
                <p class="empty">{ "Sign in as an administrator to use the back office." }</p>
                <Link to="/login">{ "Sign in" }</Link>
            </Page>
        };
    };
    html! {
        <Page title="Back office">
            <ImpersonateForm api={mount.api_base.clone()} token={session.access_token.clone()} />
        </Page>
    }
}

#[derive(Properties, PartialEq)]
struct FormProps {
    api: AttrValue,
    token: AttrValue,
}

/// The support-session form; its error, if the API refused.
#[function_component]
fn ImpersonateForm(props: &FormProps) -> Html {
    let (target, reason, minutes) = (use_node_ref(), use_node_ref(), use_node_ref());
    let problem = use_state(|| None::<String>);
    let onsubmit = {
        let (target, reason, minutes, problem) = (
            target.clone(),
            reason.clone(),
            minutes.clone(),
            problem.clone(),
        );
        let (api_base, token) = (props.api.clone(), props.token.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value = |node: &NodeRef| {
                node.cast::<HtmlInputElement>()
                    .map(|input| input.value())
                    .unwrap_or_default()
            };
            let request = StartImpersonation {
                target_user_id: Some(value(&target)),
                reason: Some(value(&reason)),
                duration_minutes: value(&minutes).trim().parse().ok(),
            };
            let (api_base, token, problem) = (api_base.clone(), token.clone(), problem.clone());
            spawn_local(async move {
                let url = format!("{api_base}/admin/impersonate");
                let answer = api::post(&url, &api::encode(&request), Some(&token))
                    .await
                    .and_then(|text| api::decode::<ImpersonationGrant>(&text));
                match answer {
                    Ok(grant) => {
                        bus::emit(ShellEvent::SessionChanged {
                            session: Some(Session::from(grant)),
                        });
                        bus::emit(ShellEvent::Navigate { path: "/".into() });
                    }
                    Err(refused) => {
                        let fields: Vec<String> = refused
                            .errors
                            .iter()
                            .map(|e| format!("{}: {}", e.field, e.message))
                            .collect();
                        let detail = api::message(&refused).to_owned();
                        problem.set(Some(if fields.is_empty() {
                            detail
                        } else {
                            format!("{detail} {}", fields.join("; "))
                        }));
                    }
                }
            });
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
                <p role="alert" data-testid="impersonate-error">{ problem.clone() }</p>
            }
            <button type="submit">{ "Start support session" }</button>
        </form>
    }
}
