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
    /// Someone signed in or out (or the token was refreshed). Reserved for the identity
    /// release, where the auth widget reports a new session and the shell, the authority on
    /// sessions, re-broadcasts it; today nothing sends it.
    SessionChanged { session: Option<Session> },
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
    fn an_unknown_event_type_is_an_error_not_a_silent_default() {
        assert!(serde_json::from_str::<ShellEvent>(r#"{"selfDestruct":{}}"#).is_err());
    }
}
