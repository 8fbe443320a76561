//! The browser APIs the session needs that web-sys offers only behind `web_sys_unstable_apis`
//! (the Web Locks API) or that are a few lines of JavaScript anyway: one session call to the
//! API under a cross-tab lock, and the channel that tells the other tabs about sign-ins and
//! sign-outs.
//!
//! Why the lock: every tab of a browser shares the refresh cookie, and a refresh token is
//! one-time. Two tabs refreshing at once would present the same token twice, which the API
//! takes for theft and answers by revoking the whole sign-in. `navigator.locks` makes the calls
//! of all tabs take turns, and the CSRF cookie is read inside the lock because the previous
//! holder's answer may just have replaced it.

use js_sys::Promise;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export function sessionCall(url, csrfCookie, csrfHeader, bearer) {
  const call = async () => {
    const headers = {};
    const prefix = csrfCookie + '=';
    const csrf = document.cookie.split('; ').find((c) => c.startsWith(prefix));
    // The CSRF cookie is set and cleared with the refresh cookie, with the same lifetime: a
    // browser without it holds no sign-in, and a cookie call would only be refused (a 401 in
    // every guest's console). Status 0: not sent.
    if (!csrf && !bearer) return [0, '', 0];
    if (csrf) headers[csrfHeader] = csrf.slice(prefix.length);
    if (bearer) headers.authorization = 'Bearer ' + bearer;
    // A hung request would hold the lock, and with it every tab's session, indefinitely.
    const signal = AbortSignal.timeout ? AbortSignal.timeout(15000) : undefined;
    const response = await fetch(url, { method: 'POST', credentials: 'same-origin', cache: 'no-store', headers, signal });
    return [response.status, await response.text(), Date.parse(response.headers.get('date') || '') || 0];
  };
  // Without the Web Locks API (an insecure context, an old browser) tabs are not coordinated.
  return navigator.locks ? navigator.locks.request('bazaar-session', call) : call();
}

const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('bazaar-session') : null;
export function announce(news) { if (channel) channel.postMessage(news); }
export function onAnnouncement(listener) { if (channel) channel.onmessage = (e) => listener(String(e.data)); }
"#)]
extern "C" {
    /// `POST url` with the session cookies, the CSRF header copied from `csrf_cookie`, and a
    /// bearer token unless `bearer` is empty, under the cross-tab lock. Resolves to
    /// `[status, body text, server Date in ms or 0]`, or `[0, "", 0]` without sending when
    /// there is neither a CSRF cookie nor a bearer (no sign-in to use); rejects on a network
    /// error or after 15 s.
    #[wasm_bindgen(js_name = sessionCall)]
    pub fn session_call(url: &str, csrf_cookie: &str, csrf_header: &str, bearer: &str) -> Promise;

    /// Tells this browser's other tabs `news` ([`SIGNED_IN`] or [`SIGNED_OUT`]).
    pub fn announce(news: &str);

    /// Calls `listener` with what other tabs announce.
    #[wasm_bindgen(js_name = onAnnouncement)]
    pub fn on_announcement(listener: &Closure<dyn Fn(String)>);
}

/// Announced after a sign-in: the other tabs fetch a session from the (new) refresh cookie.
pub const SIGNED_IN: &str = "signed-in";
/// Announced after a sign-out: the other tabs forget their session.
pub const SIGNED_OUT: &str = "signed-out";
