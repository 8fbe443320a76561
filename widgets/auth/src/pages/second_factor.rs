//! `/account/mfa`: setting up an authenticator (QR code and key, a first code, the recovery
//! codes shown once), or, for an account that has one, signing in again with it. The shell
//! sends administrators here when their session has not passed a second factor; the root
//! component asks to enrol as the page opens.

use super::qr::qr_code;
use super::{FormPage, Step, View, form_page};
use crate::forms::{Field, Values, button_class};
use crate::journey::sign_in_again;
use crate::services::Request;
use contracts::auth::MfaActivate;
use widget_kit::components::Page;
use widget_kit::{api, style};
use yew::prelude::*;

const CODE: Field = Field {
    inputmode: Some("numeric"),
    ..Field::new("code", "Code from the app", "one-time-code")
};

const STEPS: &str = "
& .secret { font-family: ui-monospace, monospace; font-size: 1.05rem; letter-spacing: 0.05em; }
& .warning { padding: 0.75rem 1rem; border-left: 4px solid var(--mfe-danger, #a3261d); background: #fdf1ef; }
& .codes { columns: 2; font-family: ui-monospace, monospace; }
";

pub fn second_factor(view: &View) -> Html {
    let sign_in = || {
        let next = view.next.to_owned();
        let onclick = Callback::from(move |_: MouseEvent| sign_in_again(&next));
        html! {
            <button type="button" class={button_class()} {onclick} data-testid="sign-in-again">{ "Sign in again" }</button>
        }
    };
    let (title, body) = match view.step {
        Step::Enrolling(enrollment) => {
            return form_page(
                view,
                FormPage {
                    title: "Set up two-factor authentication",
                    intro: html! {
                        <div class={style::class(STEPS)}>
                            <p>{ "Scan this code with an authenticator app (Google Authenticator, Authy, 1Password and the like):" }</p>
                            { qr_code(&enrollment.qr_rows, "QR code of your authenticator key") }
                            <p>
                                { "Or type this key into the app: " }
                                <span class="secret" data-testid="mfa-secret">{ grouped(&enrollment.secret) }</span>
                            </p>
                        </div>
                    },
                    fields: &[CODE],
                    action: "Turn on",
                    onsubmit: view.submit.reform(|e: SubmitEvent| {
                        Request::Activate(MfaActivate {
                            code: Values::of(&e).get("code"),
                        })
                    }),
                    links: Vec::new(),
                },
            );
        }
        Step::RecoveryCodes(codes) => (
            "Save your recovery codes",
            html! {
                <>
                    <p class="warning" role="alert">
                        { "These codes are shown only this once. Each signs you in one time if you lose your authenticator: keep them somewhere safe, away from this device." }
                    </p>
                    <ul class="codes" data-testid="recovery-codes">
                        { for codes.iter().map(|code| html! { <li key={code.clone()}>{ code.clone() }</li> }) }
                    </ul>
                    <p>{ "Two-factor authentication is on. Sign in again with a code from your app to use it." }</p>
                    { sign_in() }
                </>
            },
        ),
        Step::MfaActive => (
            "Two-factor authentication",
            html! {
                <>
                    <p>{ "Your account has an authenticator, and this session did not use it. Sign in again with a code from the app to continue." }</p>
                    { sign_in() }
                </>
            },
        ),
        // Enrolling is on its way, or it failed.
        _ => (
            "Two-factor authentication",
            match view.problem {
                Some(problem) => html! { <p role="alert">{ api::message(problem).to_owned() }</p> },
                None => html! { <p>{ "One moment\u{2026}" }</p> },
            },
        ),
    };
    html! {
        <Page {title}>
            <div class={style::class(STEPS)}>{ body }</div>
        </Page>
    }
}

/// `ABCDEFGH…` as `ABCD EFGH …`, easier to copy by eye.
fn grouped(secret: &str) -> String {
    let mut out = String::with_capacity(secret.len() * 5 / 4);
    for (i, c) in secret.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}
