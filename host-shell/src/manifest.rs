//! Fetching `/federation.json` (never from cache) and deciding what is usable in it.

use contracts::federation::{EntryIssue, MANIFEST_PATH, MANIFEST_SCHEMA_VERSION, Manifest};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestCache, RequestInit, Response};

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

async fn fetch_text() -> Result<String, String> {
    let failed = |e: wasm_bindgen::JsValue| {
        format!(
            "could not fetch {MANIFEST_PATH}: {}",
            crate::federation::js::error_message(&e)
        )
    };
    let init = RequestInit::new();
    // Revalidate every time: a redeploy must be visible on the next page load.
    init.set_cache(RequestCache::NoCache);
    let request = Request::new_with_str_and_init(MANIFEST_PATH, &init).map_err(failed)?;
    let window = web_sys::window().ok_or("no window")?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(failed)?
        .unchecked_into();
    if !response.ok() {
        return Err(format!(
            "{MANIFEST_PATH} is missing (HTTP {}): no widget is deployed. Run `cargo xtask deploy --all`.",
            response.status()
        ));
    }
    let text = JsFuture::from(response.text().map_err(failed)?)
        .await
        .map_err(failed)?;
    text.as_string()
        .ok_or_else(|| format!("{MANIFEST_PATH} is not text"))
}
