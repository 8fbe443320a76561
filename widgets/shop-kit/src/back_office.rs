//! What every back-office page starts from (the seller's and the administrator's widgets, one
//! widget per page group so that none outgrows its byte budget): where the API is, the
//! signed-in user's token and the route's `:id`, or, when the shell mounted the page without a
//! session, a page saying so with a way back; a page's load states and API calls; and the
//! administrator's page frame with its navigation.

use crate::http::{ApiError, Call};
use crate::parts;
use contracts::Problem;
use contracts::props::MountProps;
use serde::de::DeserializeOwned;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

/// What every back-office page needs.
#[derive(Properties, PartialEq, Clone)]
pub struct PageProps {
    pub api: AttrValue,
    pub token: AttrValue,
    /// The `:id` of the route, when it has one.
    #[prop_or_default]
    pub id: Option<AttrValue>,
}

impl PageProps {
    /// The page's props from the shell's mount props; `None` without a session.
    pub fn of(mount: &MountProps) -> Option<PageProps> {
        let session = mount.session.as_ref()?;
        Some(PageProps {
            api: mount.api_base.clone().into(),
            token: session.access_token.clone().into(),
            id: mount.params.get("id").map(|id| AttrValue::from(id.clone())),
        })
    }
}

/// The page titled `title` when its session ended while it was open (the shell's guard lets
/// only the right roles in, so it had one): a link to sign in again and come back to `path`.
pub fn session_ended(title: &str, path: &str) -> Html {
    parts::page(
        title,
        html! { <>
            { parts::empty("Your session has ended.") }
            { parts::link(format!("/login?next={path}"), html! { "Sign in" }) }
        </> },
    )
}

/// A page's data: loading, there, or refused.
pub enum Load<T> {
    Loading,
    Ready(T),
    Failed(ApiError),
}

/// The loading and error states of `load`, or `ready`'s rendering.
pub fn view<T>(load: &Load<T>, ready: impl FnOnce(&T) -> Html) -> Html {
    match load {
        Load::Loading => parts::loading(),
        Load::Failed(problem) => parts::problem(problem),
        Load::Ready(data) => ready(data),
    }
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

/// The administrator's pages, each served by one of the admin widgets.
const ADMIN_PAGES: [(&str, &str); 5] = [
    ("/admin/users", "Accounts"),
    ("/admin/sellers", "Applications"),
    ("/admin/figures", "Figures"),
    ("/admin", "Support"),
    ("/admin/refunds", "Refunds"),
];

/// The administrator's page at `path`: the back office's navigation (the current page marked)
/// above `body`. Every admin widget draws the same frame, so moving between them looks like
/// moving inside one.
pub fn admin_page(path: &str, body: Html) -> Html {
    let nav = html! { <nav aria-label="Back office"> { for ADMIN_PAGES.iter().map(|&(to, label)| html! { <>
        if to == path { <strong aria-current="page">{ label }</strong> }
        else { { parts::link(to.into(), html! { label }) } }
        { " " }
    </> }) } </nav> };
    parts::page("Back office", html! { <>{ nav }{ body }</> })
}
