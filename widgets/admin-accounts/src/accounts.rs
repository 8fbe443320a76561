//! Accounts: search by whole email or part of the name, the masked view of one, and the
//! changes (disable, enable, unlock; the role for a SUPER_ADMIN).

use contracts::admin::{AccountView, RoleChange};
use contracts::props::Role;
use contracts::users::UserPage;
use shop_kit::back_office::{Load, PageProps, call, refused, value, view};
use shop_kit::http::{ApiError, encode, query_value};
use shop_kit::parts;
use yew::prelude::*;

const ROLES: [(Role, &str); 3] = [
    (Role::Customer, "CUSTOMER"),
    (Role::Admin, "ADMIN"),
    (Role::SuperAdmin, "SUPER_ADMIN"),
];

#[function_component]
pub fn Accounts(props: &PageProps) -> Html {
    let (q, role) = (use_node_ref(), use_node_ref());
    let list = use_state(|| None::<Load<UserPage>>);
    let open = use_state(|| None::<Load<AccountView>>);
    let problem = use_state(|| None::<ApiError>);

    let search = {
        let (page, q, list) = (props.clone(), q.clone(), list.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            list.set(Some(Load::Loading));
            let list = list.clone();
            let path = format!("/admin/users?q={}", query_value(value(&q).trim()));
            call(&page, "GET", path, None, move |r| {
                list.set(Some(r.map_or_else(Load::Failed, Load::Ready)))
            });
        })
    };
    // Opens an account, or acts on it: the answer is the account as it is then.
    let act = {
        let (page, open, problem) = (props.clone(), open.clone(), problem.clone());
        Callback::from(
            move |(method, path, body): (&'static str, String, Option<String>)| {
                let (open, problem) = (open.clone(), problem.clone());
                let reading = method == "GET";
                if reading {
                    open.set(Some(Load::Loading));
                }
                problem.set(None);
                call(
                    &page,
                    method,
                    path,
                    body,
                    move |r: Result<AccountView, _>| match r {
                        Ok(account) => open.set(Some(Load::Ready(account))),
                        Err(p) if reading => open.set(Some(Load::Failed(p))),
                        Err(p) => problem.set(Some(p)),
                    },
                );
            },
        )
    };

    let results = list.as_ref().map(|load| {
        view(load, |page| {
            if page.items.is_empty() {
                return parts::empty("No account matches.");
            }
            html! { <ul data-testid="accounts">{ for page.items.iter().map(|user| {
                let (act, path) = (act.clone(), format!("/admin/users/{}", user.id));
                html! { <li key={user.id.clone()}>
                    <button type="button" data-testid="open-account"
                        onclick={move |_| act.emit(("GET", path.clone(), None))}>
                        { format!("{} · {} · {:?}", user.display_name, user.email, user.role) }
                    </button>
                </li> }
            }) }</ul> }
        })
    });

    let detail = open.as_ref().map(|load| view(load, |account| {
        let user = &account.account;
        let base = format!("/admin/users/{}", user.id);
        let button = |label: &'static str, suffix: &'static str| {
            let (act, path) = (act.clone(), format!("{base}/{suffix}"));
            html! { <button type="button" data-testid={suffix}
                onclick={move |_| act.emit(("POST", path.clone(), None))}>{ label }</button> }
        };
        let change_role = {
            let (act, path, role) = (act.clone(), format!("{base}/role"), role.clone());
            move |_| {
                let chosen = value(&role);
                let role = ROLES.iter().find(|(_, name)| *name == chosen).map(|(r, _)| *r);
                act.emit(("PUT", path.clone(), encode(&RoleChange { role })));
            }
        };
        html! { <section data-testid="account-detail">
            <h2>{ user.display_name.clone() }</h2>
            <dl>
                <dt>{ "Email" }</dt><dd>{ user.email.clone() }</dd>
                <dt>{ "Role" }</dt><dd data-testid="account-role">{ format!("{:?}", user.role) }</dd>
                <dt>{ "Second factor" }</dt><dd>{ if user.mfa_enabled { "on" } else { "off" } }</dd>
                <dt>{ "Status" }</dt><dd data-testid="account-status">{
                    match (account.disabled_at, account.locked_until) {
                        (Some(_), _) => "disabled".to_owned(),
                        (None, Some(until)) => format!("locked until {}", parts::date_time(until)),
                        (None, None) => "active".to_owned(),
                    }
                }</dd>
            </dl>
            if account.disabled_at.is_some() { { button("Enable", "enable") } } else { { button("Disable", "disable") } }
            if account.locked_until.is_some() { { button("Unlock", "unlock") } }
            <label>{ "Role" }
                <select ref={role.clone()} name="role">{ for ROLES.iter().map(|(r, name)| html! {
                    <option value={*name} selected={*r == user.role}>{ *name }</option>
                }) }</select>
            </label>
            <button type="button" data-testid="change-role" onclick={change_role}>{ "Change role" }</button>
        </section> }
    }));

    html! { <>
        <form onsubmit={search} role="search" data-testid="account-search">
            <label>{ "Email or name" }<input ref={q} name="q" type="search" required=true /></label>
            <button type="submit">{ "Search" }</button>
        </form>
        { results.unwrap_or_default() }
        if let Some(p) = &*problem { { refused(p) } }
        { detail.unwrap_or_default() }
    </> }
}
