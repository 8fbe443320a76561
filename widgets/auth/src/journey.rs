//! Where a visitor goes between the pages: the `next` path a guard sent them with, and the
//! hand-overs to the shell at sign-in and when a new sign-in is needed.

use contracts::auth::SessionGrant;
use contracts::events::{ShellEvent, ToastLevel};
use contracts::federation::{NEXT_PARAM, SIGN_IN_ROUTE, is_app_path};
use std::collections::BTreeMap;
use widget_kit::bus;

/// The path to return to after signing in: the `next` query parameter when it is a path of
/// this site, else `/`. Anything else (`https://…`, `//host`, `/\host`) would let a crafted
/// link send a fresh sign-in to another site.
pub fn next_path(query: &BTreeMap<String, String>) -> String {
    match query.get(NEXT_PARAM) {
        Some(next) if is_app_path(next) => next.clone(),
        _ => "/".to_owned(),
    }
}

/// `route` carrying `next` along, for links between the sign-in pages.
pub fn with_next(route: &str, next: &str) -> String {
    if next == "/" {
        return route.to_owned();
    }
    let next = String::from(js_sys::encode_uri_component(next));
    format!("{route}?{NEXT_PARAM}={next}")
}

/// Hands the new session to the shell, then goes where the visitor was heading.
pub fn signed_in(grant: SessionGrant, next: &str) {
    bus::emit(ShellEvent::SessionChanged {
        session: Some(grant.into()),
    });
    bus::emit(ShellEvent::Navigate {
        path: next.to_owned(),
    });
}

/// Says the password is changed and opens the sign-in page for the new one.
pub fn password_changed() {
    bus::emit(ShellEvent::Toast {
        level: ToastLevel::Success,
        message: "Your password is changed. Sign in with the new one.".into(),
    });
    bus::emit(ShellEvent::Navigate {
        path: SIGN_IN_ROUTE.into(),
    });
}

/// Ends this session and opens the sign-in page: a session gains its second factor only by
/// signing in with it.
pub fn sign_in_again(next: &str) {
    bus::emit(ShellEvent::SignOut { everywhere: false });
    bus::emit(ShellEvent::Navigate {
        path: with_next(SIGN_IN_ROUTE, next),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(next: &str) -> BTreeMap<String, String> {
        BTreeMap::from([(NEXT_PARAM.to_owned(), next.to_owned())])
    }

    #[test]
    fn next_is_followed_only_to_paths_of_this_site() {
        assert_eq!(next_path(&query("/orders?page=2")), "/orders?page=2");
        for foreign in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "orders",
            "",
        ] {
            assert_eq!(next_path(&query(foreign)), "/", "{foreign}");
        }
        assert_eq!(next_path(&BTreeMap::new()), "/");
    }
}
