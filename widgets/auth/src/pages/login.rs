//! `/login`: email and password, then, for an account with an authenticator, its code or a
//! recovery code.

use super::{FormPage, Step, View, form_page, text};
use crate::forms::{EMAIL, Field, Values};
use crate::journey::with_next;
use crate::services::Request;
use contracts::auth::{Credentials, MfaVerify};
use yew::prelude::*;

const PASSWORD: Field = Field {
    kind: "password",
    ..Field::new("password", "Password", "current-password")
};

const CODE: Field = Field {
    hint: Some("The 6-digit code from your authenticator app, or one of your recovery codes."),
    ..Field::new("code", "Authentication code", "one-time-code")
};

pub fn login(view: &View) -> Html {
    if let Step::Challenge(challenge) = view.step {
        let token = challenge.challenge_token.clone();
        return form_page(
            view,
            FormPage {
                title: "Two-factor authentication",
                intro: text("Your account asks for a second factor."),
                fields: &[CODE],
                action: "Verify",
                onsubmit: view.submit.reform(move |e: SubmitEvent| {
                    Request::Verify(MfaVerify {
                        challenge_token: token.clone(),
                        code: Values::of(&e).get("code"),
                    })
                }),
                links: Vec::new(),
            },
        );
    }
    form_page(
        view,
        FormPage {
            title: "Sign in",
            intro: Html::default(),
            fields: &[EMAIL, PASSWORD],
            action: "Sign in",
            onsubmit: view.submit.reform(|e: SubmitEvent| {
                let values = Values::of(&e);
                Request::Login(Credentials {
                    email: values.get("email"),
                    password: values.get("password"),
                })
            }),
            links: vec![
                ("/forgot-password".into(), "Forgot your password?"),
                (with_next("/signup", view.next), "Create an account"),
            ],
        },
    )
}
