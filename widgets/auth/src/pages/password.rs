//! `/forgot-password` and `/reset-password?token=…`: asking for a reset link, and choosing a
//! new password with it.

use super::{FormPage, Step, View, form_page, text};
use crate::forms::{EMAIL, Field, Values, new_password};
use crate::services::Request;
use contracts::auth::{ForgotPassword, ResetPassword};
use contracts::federation::SIGN_IN_ROUTE;
use widget_kit::components::{Link, Page};
use yew::prelude::*;

const FORGOT_ROUTE: &str = "/forgot-password";
const NEW_PASSWORD: Field = new_password("New password");

pub fn forgot_password(view: &View) -> Html {
    if let Step::Sent(email) = view.step {
        // The same words whether or not the address has an account: the page must not tell
        // strangers who shops here.
        return html! {
            <Page title="Check your mail">
                <p data-testid="forgot-sent">
                    { format!("If an account exists for {email}, we sent it a link to choose a new password. The link works for 30 minutes.") }
                </p>
                <Link to={SIGN_IN_ROUTE}>{ "Back to sign in" }</Link>
            </Page>
        };
    }
    form_page(
        view,
        FormPage {
            title: "Forgot your password?",
            intro: text(
                "Enter the email you sign in with, and we will send a link to choose a new password.",
            ),
            fields: &[EMAIL],
            action: "Send the link",
            onsubmit: view.submit.reform(|e: SubmitEvent| {
                Request::Forgot(ForgotPassword {
                    email: Values::of(&e).get("email"),
                })
            }),
            links: vec![(SIGN_IN_ROUTE.into(), "Back to sign in")],
        },
    )
}

pub fn reset_password(view: &View) -> Html {
    let Some(token) = view.reset_token.map(str::to_owned) else {
        return html! {
            <Page title="Choose a new password">
                <p>{ "This link is incomplete. Open the link from the mail again, or ask for a new one." }</p>
                <Link to={FORGOT_ROUTE}>{ "Ask for a new link" }</Link>
            </Page>
        };
    };
    form_page(
        view,
        FormPage {
            title: "Choose a new password",
            intro: Html::default(),
            fields: &[NEW_PASSWORD],
            action: "Change password",
            onsubmit: view.submit.reform(move |e: SubmitEvent| {
                Request::Reset(ResetPassword {
                    token: token.clone(),
                    password: Values::of(&e).get("password"),
                })
            }),
            links: vec![(FORGOT_ROUTE.into(), "Ask for a new link")],
        },
    )
}
