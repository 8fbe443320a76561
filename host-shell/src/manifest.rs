//! Fetching `/federation.json` (never from cache, within a timeout) and deciding what is usable
//! in it.

use crate::federation::js;
use contracts::federation::{
    DEFAULT_LOAD_TIMEOUT_MS, EntryIssue, MANIFEST_PATH, MANIFEST_SCHEMA_VERSION, Manifest,
};
use std::rc::Rc;
use wasm_bindgen_futures::JsFuture;

pub use contracts::federation::LAYOUT_SLOTS;

/// The manifest as the shell knows it.
#[derive(Debug, Clone)]
pub enum ManifestState {
    Loading,
    /// No usable manifest: missing, unreachable, malformed or of an unknown schema.
    Failed(String),
    /// Entries named in `issues` must not be loaded; every other entry is fine.
    Ready {
        manifest: Rc<Manifest>,
        issues: Rc<Vec<EntryIssue>>,
    },
}

/// Fetched states compare by identity: a manifest is fetched once per page load, so a deep
/// comparison of every entry (code in the wasm) would only ever find the same `Rc`.
impl PartialEq for ManifestState {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (ManifestState::Loading, ManifestState::Loading) => true,
            (ManifestState::Failed(a), ManifestState::Failed(b)) => a == b,
            (
                ManifestState::Ready { manifest: a, .. },
                ManifestState::Ready { manifest: b, .. },
            ) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl ManifestState {
    /// Issues reported against `widget`, joined for display.
    pub fn issues_of(&self, widget: &str) -> Option<String> {
        let ManifestState::Ready { issues, .. } = self else {
            return None;
        };
        let mine: Vec<&str> = issues
            .iter()
            .filter(|i| i.widget == widget)
            .map(|i| i.message.as_str())
            .collect();
        (!mine.is_empty()).then(|| mine.join("; "))
    }

    /// A one-paragraph description of what is wrong, for the console and the notice bar.
    pub fn summary(&self) -> Option<String> {
        match self {
            ManifestState::Loading => None,
            ManifestState::Failed(reason) => Some(reason.clone()),
            ManifestState::Ready { issues, .. } if issues.is_empty() => None,
            ManifestState::Ready { issues, .. } => {
                let lines: Vec<String> = issues.iter().map(|i| format!("- {i}")).collect();
                Some(format!(
                    "{MANIFEST_PATH} has {} problem(s); the widgets concerned are not loaded:\n{}",
                    issues.len(),
                    lines.join("\n")
                ))
            }
        }
    }
}

/// Fetches and checks the manifest. Never fails: every failure is a [`ManifestState::Failed`].
pub async fn fetch() -> ManifestState {
    match fetch_text().await {
        Err(reason) => ManifestState::Failed(reason),
        Ok(text) => parse(&text),
    }
}

fn parse(text: &str) -> ManifestState {
    let manifest: Manifest = match serde_json::from_str(text) {
        Ok(manifest) => manifest,
        Err(e) => return ManifestState::Failed(format!("{MANIFEST_PATH} is malformed: {e}")),
    };
    if manifest.schema_version != MANIFEST_SCHEMA_VERSION {
        return ManifestState::Failed(format!(
            "{MANIFEST_PATH} has schemaVersion {}, this shell reads {MANIFEST_SCHEMA_VERSION}",
            manifest.schema_version
        ));
    }
    let issues = manifest.issues(&LAYOUT_SLOTS);
    ManifestState::Ready {
        manifest: Rc::new(manifest),
        issues: Rc::new(issues),
    }
}

/// The manifest's text. The wait is bounded: without a manifest the page can show nothing
/// but the reason and a Retry, and a hung request would show "Loading" for ever.
async fn fetch_text() -> Result<String, String> {
    let text = JsFuture::from(js::fetch_manifest(MANIFEST_PATH, DEFAULT_LOAD_TIMEOUT_MS))
        .await
        .map_err(|e| js::error_message(&e))?;
    text.as_string()
        .ok_or_else(|| format!("{MANIFEST_PATH} is not text"))
}
