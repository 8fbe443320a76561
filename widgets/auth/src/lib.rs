//! The auth widget: the sign-in, sign-up, password-reset and two-factor pages, and the account
//! corner of the header (`header-account` slot) that says who is signed in.
//!
//! It talks to `/api/v1/auth` itself for everything that starts a session (those answers set
//! the refresh cookie) and hands the session to the shell with a `sessionChanged` event; signing
//! out it asks of the shell (`signOut`), which owns every call that spends the refresh cookie
//! (docs/MFE.md, "Sessions").

mod account;
mod forms;
mod journey;
mod pages;
mod services;

use contracts::federation::SECOND_FACTOR_ROUTE;
use contracts::props::MAIN_SLOT;
use pages::{Step, View};
use services::{Answer, Request};
use widget_kit::WidgetProps;
use widget_kit::api::ApiError;
use yew::platform::spawn_local;
use yew::prelude::*;

widget_kit::export_widget!(App);

/// The problem code of enrolling when the account has an authenticator this session did not
/// use: the MFA page offers to sign in again with it.
const MFA_ACTIVE: &str = "mfa_required";
/// The problem code of a sign-in challenge that expired or ran out of attempts: start again.
const DEAD_CHALLENGE: &str = "invalid_mfa_challenge";

#[function_component]
pub fn App(props: &WidgetProps) -> Html {
    let mount = &props.mount;
    let step = use_state(|| Step::Start);
    let pending = use_state(|| false);
    let problem = use_state(|| None::<ApiError>);
    let route = mount.path.trim_end_matches('/').to_owned();
    let next = journey::next_path(&mount.query);

    // One request at a time; its answer moves the journey on.
    let submit = {
        let (step, pending, problem, next) =
            (step.clone(), pending.clone(), problem.clone(), next.clone());
        let api = mount.api_base.clone();
        let token = mount.session.as_ref().map(|s| s.access_token.clone());
        Callback::from(move |request: Request| {
            if *pending {
                return;
            }
            pending.set(true);
            problem.set(None);
            let (step, pending, problem) = (step.clone(), pending.clone(), problem.clone());
            let (api, token, next) = (api.clone(), token.clone(), next.clone());
            spawn_local(async move {
                match services::perform(&api, token.as_deref(), request).await {
                    Ok(Answer::SignedIn(grant)) => journey::signed_in(grant, &next),
                    Ok(Answer::Challenge(challenge)) => step.set(Step::Challenge(challenge)),
                    Ok(Answer::Sent(email)) => step.set(Step::Sent(email)),
                    Ok(Answer::PasswordChanged) => journey::password_changed(),
                    Ok(Answer::Enrollment(enrollment)) => step.set(Step::Enrolling(enrollment)),
                    Ok(Answer::RecoveryCodes(codes)) => step.set(Step::RecoveryCodes(codes)),
                    Err(error) if error.code == MFA_ACTIVE => step.set(Step::MfaActive),
                    Err(error) => {
                        if error.code == DEAD_CHALLENGE {
                            // Back to the password, where the message is shown.
                            step.set(Step::Start);
                        }
                        problem.set(Some(error));
                    }
                }
                pending.set(false);
            });
        })
    };
    {
        // Each page starts afresh; the MFA page by enrolling (once per visit: enrolling again
        // replaces the pending secret, which must not happen under a user typing its code).
        let (step, problem, submit) = (step.clone(), problem.clone(), submit.clone());
        let enrolls = mount.slot == MAIN_SLOT && route == SECOND_FACTOR_ROUTE;
        use_effect_with(route.clone(), move |_| {
            step.set(Step::Start);
            problem.set(None);
            if enrolls {
                submit.emit(Request::Enroll);
            }
        });
    }

    if mount.slot != MAIN_SLOT {
        return account::account(mount.session.as_ref());
    }
    let view = View {
        step: &step,
        problem: problem.as_deref(),
        pending: *pending,
        submit: &submit,
        next: &next,
        reset_token: mount.query.get("token").map(String::as_str),
    };
    match route.as_str() {
        "/signup" => pages::signup(&view),
        "/forgot-password" => pages::forgot_password(&view),
        "/reset-password" => pages::reset_password(&view),
        // The shell's guard lets only signed-in users in.
        SECOND_FACTOR_ROUTE => pages::second_factor(&view),
        _ => pages::login(&view),
    }
}
