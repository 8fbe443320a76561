//! The shell's session authority: the signed-in session, held in this page's memory only,
//! restored from the refresh cookie on page load, refreshed silently before it expires,
//! adopted from the auth widget at sign-in, and ended on sign-out. docs/MFE.md, "Sessions".
//!
//! Everything that spends or revokes the refresh cookie (refresh, sign-out) goes through here,
//! one call at a time within the tab (one refresh in flight, joined by whoever else asks) and
//! across tabs (a Web Lock, see `js`): a refresh token presented twice revokes the sign-in.

mod js;

use contracts::auth::{CSRF_COOKIE, CSRF_HEADER};
use contracts::events::ShellEvent;
use contracts::props::{Session, SessionUser};
use gloo_timers::callback::Timeout;
use js_sys::{Array, Date};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use widget_kit::bus;

const REFRESH_URL: &str = "/api/v1/auth/refresh";
const LOGOUT_URL: &str = "/api/v1/auth/logout";
const LOGOUT_ALL_URL: &str = "/api/v1/auth/logout-all";
const END_IMPERSONATION_URL: &str = "/api/v1/admin/impersonate/end";

/// How long before `expiresAt` the silent refresh runs.
const REFRESH_AHEAD_SECS: f64 = 60.0;
/// The shortest wait before a scheduled refresh, so a grant that looks expired (a clock far off
/// even after the correction below) cannot make the shell refresh in a loop.
const MIN_DELAY_SECS: f64 = 10.0;
/// The wait before trying again after a refresh failed without ending the session (the API
/// unreachable, a 5xx).
const RETRY_SECS: f64 = 15.0;

/// The session as the rest of the shell sees it.
#[derive(Clone)]
pub enum SessionState {
    /// The page just loaded and the refresh cookie has not answered yet: nothing is decided
    /// (and no slot filled) until it has, so a guard never sends a signed-in user to sign in.
    Restoring,
    Known(Option<Rc<Session>>),
}

/// By identity: every change makes a new `Rc`, and comparing tokens field by field would be
/// code in the wasm for nothing.
impl PartialEq for SessionState {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (SessionState::Restoring, SessionState::Restoring) => true,
            (SessionState::Known(Some(a)), SessionState::Known(Some(b))) => Rc::ptr_eq(a, b),
            (SessionState::Known(None), SessionState::Known(None)) => true,
            _ => false,
        }
    }
}

impl SessionState {
    pub fn session(&self) -> Option<&Session> {
        match self {
            SessionState::Known(Some(session)) => Some(session),
            _ => None,
        }
    }

    pub fn user(&self) -> Option<&SessionUser> {
        self.session().map(|s| &s.user)
    }
}

/// Handle to the session authority; clones share it.
#[derive(Clone)]
pub struct Sessions(Rc<RefCell<Inner>>);

struct Inner {
    state: SessionState,
    /// Bumped by every change of session. A refresh remembers the generation it started in and
    /// drops its answer if a sign-in or sign-out happened meanwhile.
    generation: u32,
    /// A refresh is in flight; asking for another joins it.
    refreshing: bool,
    /// The next silent refresh; dropping it cancels it.
    timer: Option<Timeout>,
    /// The server's clock minus this browser's, in ms, from the `Date` of the last session
    /// call: `expiresAt` is the server's time, and a browser clock minutes off would otherwise
    /// refresh too late, or constantly.
    clock_offset_ms: f64,
    on_change: Rc<dyn Fn(SessionState)>,
}

impl Sessions {
    /// An authority that reports every change of session to `on_change`.
    pub fn new(on_change: impl Fn(SessionState) + 'static) -> Self {
        Sessions(Rc::new(RefCell::new(Inner {
            state: SessionState::Restoring,
            generation: 0,
            refreshing: false,
            timer: None,
            clock_offset_ms: 0.0,
            on_change: Rc::new(on_change),
        })))
    }

    /// Restores the session from the refresh cookie and starts listening to the other tabs.
    /// Call once per page.
    pub fn start(&self) {
        let weak = Rc::downgrade(&self.0);
        let listener = Closure::<dyn Fn(String)>::new(move |news: String| {
            let Some(sessions) = upgrade(&weak) else {
                return;
            };
            match news.as_str() {
                // Another tab signed in: the cookie now holds that sign-in. A support session
                // here stays until it ends: it is not the cookie's.
                js::SIGNED_IN if !sessions.impersonating() => sessions.refresh(),
                // Another tab signed out: the cookie is gone, forget the token too.
                js::SIGNED_OUT => sessions.set(None),
                _ => {}
            }
        });
        js::on_announcement(&listener);
        // The channel calls it for as long as the page lives.
        listener.forget();
        self.refresh();
    }

    /// Exchanges the refresh cookie for a new session, unless a refresh is already in flight
    /// (then its answer serves this caller too). 401 or 403 means signed out, quietly; so does
    /// a browser without the session cookies, which is not asked at all (status 0).
    pub fn refresh(&self) {
        let generation = {
            let mut inner = self.0.borrow_mut();
            if inner.refreshing {
                return;
            }
            inner.refreshing = true;
            inner.generation
        };
        let sessions = self.clone();
        spawn_local(async move {
            let answer = sessions.call(REFRESH_URL, "").await;
            let current = {
                let mut inner = sessions.0.borrow_mut();
                inner.refreshing = false;
                inner.generation == generation
            };
            if !current {
                return;
            }
            match answer {
                Ok((200, body)) => match serde_json::from_str::<Session>(&body) {
                    Ok(session) => sessions.set(Some(session)),
                    Err(e) => sessions.refresh_failed(&format!("unreadable session: {e}")),
                },
                Ok((0 | 401 | 403, _)) => sessions.set(None),
                Ok((status, _)) => sessions.refresh_failed(&format!("HTTP {status}")),
                Err(e) => sessions.refresh_failed(&e),
            }
        });
    }

    /// Refreshes now if the token is about to expire: timers of a hidden tab or a sleeping
    /// machine run late, so the shell checks again when the page is shown.
    pub fn refresh_if_due(&self) {
        let due = {
            let inner = self.0.borrow();
            inner
                .state
                .session()
                .is_some_and(|s| inner.seconds_left(s) <= REFRESH_AHEAD_SECS)
        };
        if due {
            self.refresh();
        }
    }

    /// Takes over the session the auth widget got from the API at sign-in, and tells the other
    /// tabs to pick it up from the cookie. A support session (from the admin widget) is this
    /// tab's alone: the cookie still holds the administrator's own sign-in.
    pub fn adopt(&self, session: Session) {
        let announce = session.impersonation.is_none();
        self.set(Some(session));
        if announce {
            js::announce(js::SIGNED_IN);
        }
    }

    /// Whether the session is an administrator's support session as another user.
    pub fn impersonating(&self) -> bool {
        self.0
            .borrow()
            .state
            .session()
            .is_some_and(|s| s.impersonation.is_some())
    }

    /// Ends the support session on the server (its token stops working there at once), then
    /// goes back to the administrator's own session from the refresh cookie. Called by the
    /// banner's End button and when the session runs out (it has no refresh token).
    pub async fn end_impersonation(&self) {
        let bearer = {
            let mut inner = self.0.borrow_mut();
            inner.timer = None;
            match inner.state.session() {
                Some(session) if session.impersonation.is_some() => session.access_token.clone(),
                _ => return,
            }
        };
        // Ended, expired (401) or unreachable: the token is dropped here all the same, and an
        // unended session runs out on the server by its expiry.
        if let Err(e) = self.call(END_IMPERSONATION_URL, &bearer).await {
            crate::federation::log_error(&format!("could not end the support session: {e}"));
        }
        // The administrator's session replaces this one when the cookie answers (or none, if
        // it has gone meanwhile).
        self.refresh();
    }

    /// Signs out this device (`everywhere`: every device of the account) through the API, then
    /// forgets the session here and in the other tabs. On failure the session stays, and the
    /// error says why.
    pub async fn sign_out(&self, everywhere: bool) -> Result<(), String> {
        let bearer = {
            let mut inner = self.0.borrow_mut();
            // A refresh in flight must not bring the session back after this.
            inner.generation += 1;
            inner.timer = None;
            inner
                .state
                .session()
                .map(|s| s.access_token.clone())
                .unwrap_or_default()
        };
        // A support session signs out through the refresh cookie (the administrator's): the
        // server then ends every support session of theirs too.
        let everywhere = everywhere && !self.impersonating();
        let (url, bearer) = if everywhere {
            (LOGOUT_ALL_URL, bearer.as_str())
        } else {
            // This device is named by its refresh cookie; no token needed.
            (LOGOUT_URL, "")
        };
        let outcome = match self.call(url, bearer).await {
            // 0: this browser holds no sign-in to end (its cookies are gone).
            Ok((0 | 204, _)) => Ok(()),
            Ok((status, _)) => Err(format!("HTTP {status}")),
            Err(e) => Err(e),
        };
        match &outcome {
            Ok(()) => {
                self.set(None);
                js::announce(js::SIGNED_OUT);
            }
            Err(_) => self.schedule(),
        }
        outcome
    }

    /// The one place the session changes: reschedules the silent refresh, tells the app, and
    /// re-broadcasts the session on the bus.
    fn set(&self, session: Option<Session>) {
        let (state, had_session, on_change) = {
            let mut inner = self.0.borrow_mut();
            inner.generation += 1;
            let had_session = inner.state.session().is_some();
            inner.state = SessionState::Known(session.map(Rc::new));
            (inner.state.clone(), had_session, inner.on_change.clone())
        };
        self.schedule();
        on_change(state.clone());
        // A visitor who was never signed in needs no announcement.
        if had_session || state.session().is_some() {
            bus::emit(ShellEvent::SessionChanged {
                session: state.session().cloned(),
            });
        }
    }

    /// Sets the silent refresh for 60 s before the token expires (none when signed out); for a
    /// support session, its end at its expiry instead.
    fn schedule(&self) {
        let ends = {
            let inner = self.0.borrow();
            inner
                .state
                .session()
                .filter(|s| s.impersonation.is_some())
                .map(|s| inner.seconds_left(s).max(1.0))
        };
        if let Some(secs) = ends {
            let weak = Rc::downgrade(&self.0);
            let timer = Timeout::new((secs * 1000.0) as u32, move || {
                if let Some(sessions) = upgrade(&weak) {
                    spawn_local(async move { sessions.end_impersonation().await });
                }
            });
            self.0.borrow_mut().timer = Some(timer);
            return;
        }
        let delay = {
            let inner = self.0.borrow();
            inner
                .state
                .session()
                .map(|s| (inner.seconds_left(s) - REFRESH_AHEAD_SECS).max(MIN_DELAY_SECS))
        };
        let weak = Rc::downgrade(&self.0);
        let timer = delay.map(|secs| {
            Timeout::new((secs * 1000.0) as u32, move || {
                if let Some(sessions) = upgrade(&weak) {
                    sessions.refresh();
                }
            })
        });
        self.0.borrow_mut().timer = timer;
    }

    fn refresh_failed(&self, reason: &str) {
        crate::federation::log_error(&format!("could not refresh the session: {reason}"));
        let restoring = matches!(self.0.borrow().state, SessionState::Restoring);
        if restoring {
            // Nothing to keep: the page goes on signed out.
            self.set(None);
            return;
        }
        let weak = Rc::downgrade(&self.0);
        let retry = Timeout::new((RETRY_SECS * 1000.0) as u32, move || {
            if let Some(sessions) = upgrade(&weak) {
                sessions.refresh();
            }
        });
        self.0.borrow_mut().timer = Some(retry);
    }

    /// One session call under the cross-tab lock: the status and body, or why it did not
    /// happen. Learns the server's clock from the answer.
    async fn call(&self, url: &str, bearer: &str) -> Result<(u16, String), String> {
        let answer = JsFuture::from(js::session_call(url, CSRF_COOKIE, CSRF_HEADER, bearer))
            .await
            .map_err(|e| crate::federation::js::error_message(&e))?;
        let parts: Array = answer.unchecked_into();
        let server_ms = parts.get(2).as_f64().unwrap_or(0.0);
        if server_ms > 0.0 {
            self.0.borrow_mut().clock_offset_ms = server_ms - Date::now();
        }
        Ok((
            parts.get(0).as_f64().unwrap_or(0.0) as u16,
            parts.get(1).as_string().unwrap_or_default(),
        ))
    }
}

impl Inner {
    /// Seconds until `session`'s token expires, by the server's clock.
    fn seconds_left(&self, session: &Session) -> f64 {
        session.expires_at as f64 - (Date::now() + self.clock_offset_ms) / 1000.0
    }
}

fn upgrade(weak: &Weak<RefCell<Inner>>) -> Option<Sessions> {
    weak.upgrade().map(Sessions)
}
