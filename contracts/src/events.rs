//! Typed messages between widgets and the shell, carried as DOM `CustomEvent`s on `window`.
//!
//! Every message is one [`BusMessage`] serialised to JSON in the event's `detail`, under the
//! single event type [`BUS_EVENT`]. JSON (not a JS object) because each widget is a separate
//! wasm instance: a string is the one thing all of them decode the same way, with these types.

use crate::props::Session;
use serde::{Deserialize, Serialize};

/// The DOM event type of every bus message.
pub const BUS_EVENT: &str = "mfe:event";

/// The DOM event type a widget's panic hook dispatches (detail: [`CrashReport`] JSON) just
/// before its wasm instance aborts, so the shell can replace its slots with a fallback.
pub const CRASH_EVENT: &str = "mfe:crash";

/// The `source` the shell uses for messages it emits itself.
pub const SHELL_SOURCE: &str = "shell";

/// One message on the bus: who sent it and what happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BusMessage {
    /// The sending widget's name, or [`SHELL_SOURCE`].
    pub source: String,
    pub event: ShellEvent,
}

/// What can be said on the bus, as `{"<variant>": {fields}}` (`{"cartChanged": {"itemCount": 2}}`).
/// Receivers ignore variants they do not handle; adding a variant is a minor contract change,
/// removing or changing one is a major change.
///
/// Externally tagged on purpose: an internally tagged enum (`{"type": ...}`) makes serde buffer
/// every message through its generic `Content` type, which measured ~14 KB of brotli in every
/// widget and in the shell (docs/MFE.md, "Sizes").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum ShellEvent {
    /// The session changed. The auth widget sends it with the session the API granted at
    /// sign-in; the shell, the authority on sessions, adopts it and sends it again (source
    /// `shell`) after every adoption, refresh and sign-out. A widget sending `None` asks for a
    /// sign-out on this device, as [`ShellEvent::SignOut`] does.
    SessionChanged { session: Option<Session> },
    /// Ask the shell to sign out: this device, or `everywhere` (every device of the account).
    /// The shell makes the API call, because it serialises everything that spends the refresh
    /// cookie (docs/MFE.md, "Sessions"). Added in contract 1.1.0.
    SignOut { everywhere: bool },
    /// The cart's contents changed; badges and summaries refresh.
    CartChanged { item_count: u32 },
    /// Ask the shell to go to a path within the app (it pushes history and mounts widgets).
    Navigate { path: String },
    /// Ask the shell to show a short message.
    Toast { level: ToastLevel, message: String },
}

/// How a toast is styled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ToastLevel {
    Info,
    Success,
    Error,
}

/// What a widget's panic hook reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CrashReport {
    pub widget: String,
    /// The `loadId` of the crashed module instance (from its mount props).
    pub load_id: u32,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_keyed_by_their_camel_case_name() {
        let msg = BusMessage {
            source: "product".into(),
            event: ShellEvent::CartChanged { item_count: 3 },
        };
        assert_eq!(
            serde_json::to_value(&msg).unwrap(),
            serde_json::json!({"source": "product", "event": {"cartChanged": {"itemCount": 3}}})
        );
        let toast: ShellEvent =
            serde_json::from_str(r#"{"toast":{"level":"error","message":"boom"}}"#).unwrap();
        assert_eq!(
            toast,
            ShellEvent::Toast {
                level: ToastLevel::Error,
                message: "boom".into()
            }
        );
    }

    #[test]
    fn a_sign_out_request_says_whether_it_is_for_every_device() {
        let event: ShellEvent = serde_json::from_str(r#"{"signOut":{"everywhere":true}}"#).unwrap();
        assert_eq!(event, ShellEvent::SignOut { everywhere: true });
    }

    #[test]
    fn an_unknown_event_type_is_an_error_not_a_silent_default() {
        assert!(serde_json::from_str::<ShellEvent>(r#"{"selfDestruct":{}}"#).is_err());
    }
}
