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
mod state;

use contracts::federation::SECOND_FACTOR_ROUTE;
use contracts::props::MAIN_SLOT;
use pages::{Step, View};
use services::{Answer, Request};
use state::{Action, PageState};
use widget_kit::WidgetProps;
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
    let state = use_reducer(PageState::default);
    let route = mount.path.trim_end_matches('/').to_owned();
    let next = journey::next_path(&mount.query);

    // One request at a time; its answer moves the journey on.
    let submit = {
        let (dispatch, pending, next) = (state.dispatcher(), state.pending, next.clone());
        let api = mount.api_base.clone();
        let token = mount.session.as_ref().map(|s| s.access_token.clone());
        Callback::from(move |request: Request| {
            if pending {
                return;
            }
            dispatch.dispatch(Action::Sent);
            let (dispatch, api, token, next) =
                (dispatch.clone(), api.clone(), token.clone(), next.clone());
            spawn_local(async move {
                dispatch.dispatch(
                    match services::perform(&api, token.as_deref(), request).await {
                        Ok(Answer::SignedIn(grant)) => {
                            journey::signed_in(grant, &next);
                            Action::Settled
                        }
                        Ok(Answer::PasswordChanged) => {
                            journey::password_changed();
                            Action::Settled
                        }
                        Ok(Answer::Challenge(challenge)) => {
                            Action::Reached(Step::Challenge(challenge))
                        }
                        Ok(Answer::Sent(email)) => Action::Reached(Step::Sent(email)),
                        Ok(Answer::Enrollment(enrollment)) => {
                            Action::Reached(Step::Enrolling(enrollment))
                        }
                        Ok(Answer::RecoveryCodes(codes)) => {
                            Action::Reached(Step::RecoveryCodes(codes))
                        }
                        Err(problem) if problem.code == MFA_ACTIVE => {
                            Action::Reached(Step::MfaActive)
                        }
                        // A dead challenge goes back to the password, where the message is shown.
                        Err(problem) => Action::Failed {
                            restart: problem.code == DEAD_CHALLENGE,
                            problem,
                        },
                    },
                );
            });
        })
    };
    {
        // Each page starts afresh; the MFA page by enrolling (once per visit: enrolling again
        // replaces the pending secret, which must not happen under a user typing its code).
        let (dispatch, submit) = (state.dispatcher(), submit.clone());
        let enrolls = mount.slot == MAIN_SLOT && route == SECOND_FACTOR_ROUTE;
        use_effect_with(route.clone(), move |_| {
            dispatch.dispatch(Action::Reset);
            if enrolls {
                submit.emit(Request::Enroll);
            }
        });
    }

    if mount.slot != MAIN_SLOT {
        return account::account(mount.session.as_ref(), &mount.path);
    }
    let view = View {
        step: &state.step,
        problem: state.problem.as_deref(),
        pending: state.pending,
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
