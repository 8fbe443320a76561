//! The shell's Yew app: header and navigation, the manifest notice, toasts; and the decision of
//! what every slot shows for the current manifest, location and session, route guards included.

use crate::federation::{self, Federation, PanelKind, Target};
use crate::manifest::{self, LAYOUT_SLOTS, ManifestState};
use crate::router::{self, Location};
use crate::session::{SessionState, Sessions};
use crate::toasts::{FOCUS, POINTER, TOAST_MS, Toast, ToastAction, Toasts};
use contracts::events::{CRASH_EVENT, CrashReport, SHELL_SOURCE, ShellEvent, ToastLevel};
use contracts::federation::{Access, NEXT_PARAM, SECOND_FACTOR_ROUTE, SIGN_IN_ROUTE, WidgetEntry};
use contracts::props::{MAIN_SLOT, MountProps};
use gloo_events::EventListener;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::CustomEvent;
use widget_kit::bus;
use yew::prelude::*;

/// Where widgets reach the API.
const API_BASE: &str = "/api/v1";

thread_local! {
    static NEXT_TOAST: Cell<u32> = const { Cell::new(0) };
}

#[function_component]
pub fn App() -> Html {
    let federation = use_memo((), |_| {
        let mut slots = vec![MAIN_SLOT];
        slots.extend(LAYOUT_SLOTS);
        Federation::new(&slots)
    });
    let location = use_state(Location::current);
    let manifest = use_state(|| ManifestState::Loading);
    let session = use_state(|| SessionState::Restoring);
    let sessions = use_memo((), {
        let session = session.setter();
        move |_| Sessions::new(move |state| session.set(state))
    });
    let toasts = use_reducer(Toasts::default);

    // Fetches the manifest: at start, and again when its problem panel's Retry is pressed.
    let fetch_manifest = {
        let (manifest, federation) = (manifest.setter(), federation.clone());
        Callback::from(move |()| {
            let (manifest, federation) = (manifest.clone(), federation.clone());
            manifest.set(ManifestState::Loading);
            spawn_local(async move {
                let state = manifest::fetch().await;
                // One clear console error for a manifest that is missing, malformed or partly unusable.
                if let Some(summary) = state.summary() {
                    federation::log_error(&summary);
                }
                if let ManifestState::Ready { manifest: m, .. } = &state {
                    federation.set_timeout(m.load_timeout());
                }
                manifest.set(state);
            });
        })
    };
    {
        let fetch_manifest = fetch_manifest.clone();
        use_effect_with((), move |_| fetch_manifest.emit(()));
    }
    {
        let location = location.clone();
        use_effect_with((), move |_| {
            let reread = Rc::new(move || location.set(Location::current()));
            router::on_navigate({
                let reread = reread.clone();
                move || reread()
            });
            let popstate = EventListener::new(&gloo_window(), "popstate", move |_| reread());
            move || drop(popstate)
        });
    }
    {
        let sessions = sessions.clone();
        use_effect_with((), move |_| {
            sessions.start();
            let document = gloo_window().document().expect("a document");
            let shown = EventListener::new(&document.clone(), "visibilitychange", move |_| {
                if !document.hidden() {
                    sessions.refresh_if_due();
                }
            });
            move || drop(shown)
        });
    }
    {
        let (toasts, federation, sessions) = (toasts.clone(), federation.clone(), sessions.clone());
        use_effect_with((), move |_| {
            bus::set_source(SHELL_SOURCE);
            let messages = bus::subscribe(move |message| match message.event {
                ShellEvent::Navigate { path } => router::navigate(&path),
                ShellEvent::Toast { level, message } => show_toast(
                    &toasts,
                    Toast {
                        id: 0,
                        level,
                        message,
                    },
                ),
                // The shell hears its own re-broadcasts too; only a widget's report is news.
                ShellEvent::SessionChanged { session } if message.source != SHELL_SOURCE => {
                    match session {
                        Some(session) => sessions.adopt(session),
                        None => sign_out(&sessions, &toasts, false),
                    }
                }
                ShellEvent::SignOut { everywhere } => sign_out(&sessions, &toasts, everywhere),
                ShellEvent::SessionChanged { .. } | ShellEvent::CartChanged { .. } => {}
            });
            let crashes = EventListener::new(&gloo_window(), CRASH_EVENT, move |event| {
                let detail = event
                    .dyn_ref::<CustomEvent>()
                    .and_then(|e| e.detail().as_string());
                match detail.as_deref().map(serde_json::from_str::<CrashReport>) {
                    Some(Ok(report)) => federation.crashed(&report),
                    _ => federation::log_error("ignored a malformed crash report"),
                }
            });
            move || drop((messages, crashes))
        });
    }
    {
        let federation = federation.clone();
        use_effect_with(
            ((*manifest).clone(), (*location).clone(), (*session).clone()),
            move |(manifest, location, session)| match plan(
                manifest,
                location,
                session,
                &fetch_manifest,
            ) {
                Plan::Slots(slots) => {
                    for (slot, target) in slots {
                        federation.show(slot, target);
                    }
                }
                // Nothing is shown or fetched for the guarded path; the new location re-plans.
                Plan::Redirect(target) => router::redirect(&target),
            },
        );
    }

    let notice = match &*manifest {
        ManifestState::Ready { .. } => manifest.summary(),
        _ => None,
    };
    html! {
        <>
            <header class="shell-header">
                <a class="shell-brand" href="/" onclick={nav_click("/".into())}>{ "Bazaar" }</a>
                { nav(&manifest, &location, &session, &federation) }
            </header>
            { impersonation_banner(&session, &sessions) }
            if let Some(notice) = notice {
                <p class="shell-notice" role="alert" data-testid="manifest-notice">{ notice }</p>
            }
            <div class="shell-toasts" aria-live="polite"
                onmouseenter={hold(&toasts, POINTER, true)} onmouseleave={hold(&toasts, POINTER, false)}
                onfocusin={hold(&toasts, FOCUS, true)} onfocusout={hold(&toasts, FOCUS, false)}>
                { for toasts.shown.iter().map(|t| {
                    let (toasts, id) = (toasts.clone(), t.id);
                    html! {
                        <div key={id} class="shell-toast" data-level={level_name(t.level)} data-testid="toast">
                            <span>{ t.message.clone() }</span>
                            <button type="button" aria-label="Dismiss" data-testid="dismiss-toast"
                                onclick={move |_| toasts.dispatch(ToastAction::Dismiss(id))}>{ "\u{d7}" }</button>
                        </div>
                    }
                }) }
            </div>
        </>
    }
}

/// The persistent banner of a support session (seed 000 section 6.1, step 4), on every page
/// while the session's token is an impersonation token, with the button that ends it.
fn impersonation_banner(session: &SessionState, sessions: &Sessions) -> Html {
    let Some(notice) = session.session().and_then(|s| s.impersonation.as_ref()) else {
        return html! {};
    };
    let expires = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        notice.expires_at as f64 * 1000.0,
    ));
    let text = format!(
        "IMPERSONATION MODE [Admin: {}] [Expires: {:02}:{:02}]",
        notice.admin_name,
        expires.get_hours(),
        expires.get_minutes()
    );
    let end = {
        let sessions = sessions.clone();
        Callback::from(move |_: MouseEvent| {
            let sessions = sessions.clone();
            spawn_local(async move { sessions.end_impersonation().await });
        })
    };
    html! {
        <div class="shell-impersonation" role="alert" data-testid="impersonation-banner">
            <span>{ text }</span>
            <button type="button" onclick={end} data-testid="end-impersonation">{ "End" }</button>
        </div>
    }
}

/// Links contributed by widgets through their manifest entries; hovering or focusing one
/// preloads the widget behind it. (A plain function, not a component: one component type less
/// in the shell's wasm.)
fn nav(
    state: &ManifestState,
    location: &Location,
    session: &SessionState,
    federation: &Federation,
) -> Html {
    // Links depend on who is signed in: none until that is known, rather than links that vanish.
    let (ManifestState::Ready { manifest, .. }, SessionState::Known(_)) = (state, session) else {
        return html! { <nav class="shell-nav" aria-label="Main" /> };
    };
    let user = session.user();
    let nav_links = manifest.nav_links(user);
    let paths: Vec<&str> = nav_links.iter().map(|l| l.path.as_str()).collect();
    let links = nav_links.iter().map(|link| {
        // Only code the user may run is preloaded: a guarded route's widget is never fetched
        // for someone the guard would turn away.
        let preload = manifest
            .resolve(&link.path)
            .filter(|found| state.issues_of(&found.entry.name).is_none())
            .filter(|found| found.entry.incompatible.is_none())
            .filter(|found| found.entry.access_for(found.pattern, user) == Access::Open)
            .map(|found| {
                let (federation, entry) = (federation.clone(), Rc::new(found.entry.clone()));
                Callback::from(move |_: Event| federation.preload(entry.clone()))
            });
        let current = is_current(&location.path, &link.path, &paths);
        let onintent = preload.clone();
        html! {
            <a href={link.path.clone()} onclick={nav_click(link.path.clone())}
                onmouseenter={onintent.map(|cb| cb.reform(|e: MouseEvent| e.into()))}
                onfocus={preload.map(|cb| cb.reform(|e: FocusEvent| e.into()))}
                aria-current={current.then_some("page")}>
                { link.label.clone() }
            </a>
        }
    });
    html! { <nav class="shell-nav" aria-label="Main">{ for links }</nav> }
}

/// Whether `link` is the navigation entry for `path`: the longest link path that is `path` or a
/// prefix of it by whole segments (so /admin/audit marks "Audit log", not also "Admin").
fn is_current(path: &str, link: &str, all_links: &[&str]) -> bool {
    let covers = |candidate: &str| {
        path == candidate || path.starts_with(&format!("{}/", candidate.trim_end_matches('/')))
    };
    covers(link)
        && all_links
            .iter()
            .filter(|other| covers(other))
            .all(|other| other.len() <= link.len())
}

/// In-app navigation for a plain click; modified clicks (new tab, download) stay with the browser.
fn nav_click(path: String) -> Callback<MouseEvent> {
    Callback::from(move |e: MouseEvent| {
        if e.button() == 0 && !(e.ctrl_key() || e.meta_key() || e.shift_key() || e.alt_key()) {
            e.prevent_default();
            router::navigate(&path);
        }
    })
}

fn show_toast(toasts: &UseReducerHandle<Toasts>, toast: Toast) {
    let id = NEXT_TOAST.with(|next| next.replace(next.get() + 1));
    toasts.dispatch(ToastAction::Show(Toast { id, ..toast }));
    let toasts = toasts.clone();
    gloo_timers::callback::Timeout::new(TOAST_MS, move || toasts.dispatch(ToastAction::Expire(id)))
        .forget();
}

/// The pointer (or focus) coming to the toasts holds them; leaving lets them go.
fn hold<E>(toasts: &UseReducerHandle<Toasts>, by: u8, on: bool) -> Callback<E> {
    let toasts = toasts.clone();
    Callback::from(move |_| toasts.dispatch(ToastAction::Hold(by, on)))
}

fn sign_out(sessions: &Sessions, toasts: &UseReducerHandle<Toasts>, everywhere: bool) {
    let (sessions, toasts) = (sessions.clone(), toasts.clone());
    spawn_local(async move {
        let (level, message) = match sessions.sign_out(everywhere).await {
            Ok(()) if everywhere => (ToastLevel::Success, "Signed out on every device".into()),
            Ok(()) => (ToastLevel::Success, "Signed out".into()),
            Err(e) => (ToastLevel::Error, format!("Could not sign out: {e}")),
        };
        show_toast(
            &toasts,
            Toast {
                id: 0,
                level,
                message,
            },
        );
    });
}

/// What the slots do for a manifest, location and session.
enum Plan {
    Slots(Vec<(&'static str, Target)>),
    /// The route wants a session (or a second factor) first: go here, by the guard's detour.
    Redirect(String),
}

/// What each slot shows for this manifest, location and session.
fn plan(
    manifest: &ManifestState,
    location: &Location,
    session: &SessionState,
    fetch_manifest: &Callback<()>,
) -> Plan {
    let props = |slot: &str, params: BTreeMap<String, String>| MountProps {
        slot: slot.to_owned(),
        load_id: 0,
        path: location.path.clone(),
        params,
        query: location.query.clone(),
        session: session.session().cloned(),
        api_base: API_BASE.to_owned(),
        impersonation: session.session().and_then(|s| s.impersonation.clone()),
    };
    let (ManifestState::Ready { manifest: m, .. }, SessionState::Known(_)) = (manifest, session)
    else {
        let main = match manifest {
            ManifestState::Failed(reason) => Target::Panel(PanelKind::Problem {
                title: "The storefront could not load its widgets".into(),
                detail: reason.clone(),
                retry: Some(fetch_manifest.clone()),
            }),
            _ => Target::Nothing,
        };
        let layout = LAYOUT_SLOTS.map(|slot| (slot, Target::Nothing));
        return Plan::Slots(std::iter::once((MAIN_SLOT, main)).chain(layout).collect());
    };
    // An entry with issues is never loaded: its slot says what is wrong with it instead. Nor
    // is one the deploy found incompatible with the API: it would call what is not there.
    let widget_or_problem = |entry: &WidgetEntry, slot: &str, params, title: String| match (
        manifest.issues_of(&entry.name),
        &entry.incompatible,
    ) {
        (Some(detail), _) => Target::Panel(PanelKind::Problem {
            title,
            detail,
            retry: None,
        }),
        (None, Some(reason)) => Target::Panel(PanelKind::Updating {
            widget: entry.name.clone(),
            reason: reason.clone(),
        }),
        (None, None) => Target::Widget {
            entry: Rc::new(entry.clone()),
            props: props(slot, params),
        },
    };
    let main = match m.resolve(&location.path) {
        None => Target::Panel(PanelKind::NotFound {
            path: location.path.clone(),
        }),
        Some(found) => {
            let title = format!("The {} widget is misconfigured", found.entry.name);
            // Checked before anything of the widget is fetched. A misconfigured entry shows
            // its problem whoever asks: its rules cannot be trusted, and it loads nothing.
            let access = match manifest.issues_of(&found.entry.name) {
                Some(_) => Access::Open,
                None => found.entry.access_for(found.pattern, session.user()),
            };
            let detour = match access {
                Access::SignIn => Some(SIGN_IN_ROUTE),
                Access::SecondFactor => Some(SECOND_FACTOR_ROUTE),
                Access::Open | Access::Forbidden => None,
            };
            match detour {
                // A detour to where the user already is would loop (a manifest guarding the
                // sign-in page itself): refuse instead.
                Some(route) if route != location.path => {
                    let back = format!("{}{}", location.path, location.search);
                    let back = String::from(js_sys::encode_uri_component(&back));
                    return Plan::Redirect(format!("{route}?{NEXT_PARAM}={back}"));
                }
                Some(_) => forbidden(location),
                None if access == Access::Forbidden => forbidden(location),
                None => {
                    // Params come from the (percent-encoded) path; widgets get them decoded,
                    // like the query.
                    let mut params = BTreeMap::new();
                    for (name, value) in found.params {
                        let decoded = js_sys::decode_uri_component(&value).map(String::from);
                        params.insert(name, decoded.unwrap_or(value));
                    }
                    widget_or_problem(found.entry, MAIN_SLOT, params, title)
                }
            }
        }
    };
    let mut plan = vec![(MAIN_SLOT, main)];
    for slot in LAYOUT_SLOTS {
        let target = match m.slot_widgets(slot).next() {
            None => Target::Nothing,
            Some(entry) => widget_or_problem(
                entry,
                slot,
                BTreeMap::new(),
                format!("{} misconfigured", entry.name),
            ),
        };
        plan.push((slot, target));
    }
    Plan::Slots(plan)
}

fn forbidden(location: &Location) -> Target {
    Target::Panel(PanelKind::Forbidden {
        path: location.path.clone(),
    })
}

fn level_name(level: ToastLevel) -> &'static str {
    match level {
        ToastLevel::Info => "info",
        ToastLevel::Success => "success",
        ToastLevel::Error => "error",
    }
}

fn gloo_window() -> web_sys::Window {
    web_sys::window().expect("a window")
}
