//! The widget's pages in the main slot, one module per journey. Most pages are one form, so
//! they are data ([`FormPage`]) drawn by one function, and their state (where in the journey
//! the visitor is, the pending request, its problem) lives in the root component: the widget
//! has one component with hooks, not one per page, and one form renderer, not one per form
//! (each costs wasm in a widget that every page loads for the header).

mod login;
mod password;
mod qr;
mod second_factor;
mod signup;

pub use login::login;
pub use password::{forgot_password, reset_password};
pub use second_factor::second_factor;
pub use signup::signup;

use crate::forms::{Field, form};
use crate::services::Request;
use contracts::Problem;
use contracts::auth::{MfaChallenge, MfaEnrollment};
use widget_kit::components::{Link, Page};
use widget_kit::style;
use yew::prelude::*;

/// Where in its journey the current page is. Reset when the route changes.
#[derive(Clone, Default)]
pub enum Step {
    /// The page's first form.
    #[default]
    Start,
    /// `/login`: the password was right, a second factor is due.
    Challenge(MfaChallenge),
    /// `/forgot-password`: the request went out, for this address.
    Sent(String),
    /// `/account/mfa`: a pending secret to confirm.
    Enrolling(MfaEnrollment),
    /// `/account/mfa`: the account has an authenticator this session did not use.
    MfaActive,
    /// `/account/mfa`: activated; the recovery codes, shown once.
    RecoveryCodes(Vec<String>),
}

/// What a page renders from.
pub struct View<'a> {
    pub step: &'a Step,
    /// The last request's problem, for the form summary and the fields it names.
    pub problem: Option<&'a Problem>,
    pub pending: bool,
    /// Sends a request; its answer moves the journey on.
    pub submit: &'a Callback<Request>,
    /// Where to go after signing in (a path of this site).
    pub next: &'a str,
    /// The `token` of a password-reset link.
    pub reset_token: Option<&'a str>,
}

/// A page that is one form.
pub struct FormPage {
    pub title: &'static str,
    /// What comes before the form (an explanation, the QR code).
    pub intro: Html,
    pub fields: &'static [Field],
    /// The submit button's text.
    pub action: &'static str,
    /// Turns the submitted form into its request.
    pub onsubmit: Callback<SubmitEvent>,
    /// Links under the form: target and text.
    pub links: Vec<(String, &'static str)>,
}

const LINKS: &str = "& { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; }";

pub fn form_page(view: &View, page: FormPage) -> Html {
    let links = page
        .links
        .iter()
        .cloned()
        .map(|(to, text)| html! { <Link {to}>{ Html::from(text) }</Link> });
    html! {
        <Page title={page.title}>
            { page.intro }
            { form(view, page.action, page.onsubmit, page.fields) }
            if !page.links.is_empty() {
                <p class={style::class(LINKS)}>{ for links }</p>
            }
        </Page>
    }
}

/// A paragraph of text, the commonest intro.
pub fn text(words: &'static str) -> Html {
    html! { <p>{ words }</p> }
}
