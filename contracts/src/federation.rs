//! The federation manifest (`/federation.json`): which widgets exist, where their code is, what
//! they serve, and the checks the shell applies before it trusts an entry.
//!
//! docs/MFE.md describes the format for widget teams; this module is its single definition.

use crate::version::{Compatibility, Version};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The manifest format this contract understands.
pub const MANIFEST_SCHEMA_VERSION: u32 = 1;

/// Where the shell fetches the manifest (served with `Cache-Control: no-cache`).
pub const MANIFEST_PATH: &str = "/federation.json";

/// How long the shell waits for a widget's module to download, pass its checks and instantiate
/// when the manifest does not say (`mount` itself is synchronous and not timed).
pub const DEFAULT_LOAD_TIMEOUT_MS: u32 = 10_000;

/// The range a manifest's `loadTimeoutMs` is held to: below it every load would fail on a
/// normal network, above it a hung widget would hold its slot for minutes.
pub const LOAD_TIMEOUT_RANGE_MS: std::ops::RangeInclusive<u32> = 500..=120_000;

/// The layout slots the shell has besides the main one (which route widgets fill).
pub const LAYOUT_SLOTS: [&str; 2] = ["header-cart", "header-account"];

/// Path prefixes the server answers itself; a widget route there could never be reached.
pub const RESERVED_PREFIXES: [&str; 3] = ["/api", "/shell", "/widgets"];

/// The runtime manifest: one entry per deployed widget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub schema_version: u32,
    /// Milliseconds the shell allows a widget's module from first byte requested to
    /// instantiated ([`DEFAULT_LOAD_TIMEOUT_MS`] when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_timeout_ms: Option<u32>,
    pub widgets: Vec<WidgetEntry>,
}

/// One deployed widget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WidgetEntry {
    /// Identifier: lowercase letters, digits and `-`, e.g. `audit-viewer`.
    pub name: String,
    /// The widget's own release version (its crate version).
    pub version: String,
    /// The version of `contracts` the widget was built against.
    pub contract_version: String,
    /// Content hash of the build; also the folder the files live in.
    pub build: String,
    /// Same-origin absolute path of the wasm-bindgen ES module.
    pub entry: String,
    /// Same-origin absolute path of the module's `.wasm`.
    pub wasm: String,
    /// Subresource Integrity of `entry`: `sha384-<base64>`.
    pub integrity: String,
    /// Subresource Integrity of `wasm`: `sha384-<base64>`.
    pub wasm_integrity: String,
    /// Route patterns rendered in the main slot: `/products`, `/products/:id`.
    #[serde(default)]
    pub routes: Vec<String>,
    /// Named layout slots the widget fills on every page, e.g. `header-cart`.
    #[serde(default)]
    pub slots: Vec<String>,
    /// A link the shell shows in its navigation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nav: Option<NavLink>,
}

/// A navigation link contributed by a widget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NavLink {
    pub label: String,
    pub path: String,
    /// Position in the navigation, smallest first.
    #[serde(default)]
    pub order: i32,
}

/// Something wrong with a manifest entry, found before any of its code is fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryIssue {
    /// The widget concerned, as the manifest names it.
    pub widget: String,
    pub message: String,
}

impl fmt::Display for EntryIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "widget {:?}: {}", self.widget, self.message)
    }
}

/// A path matched to the widget that serves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteMatch<'m> {
    pub entry: &'m WidgetEntry,
    pub pattern: &'m str,
    pub params: BTreeMap<String, String>,
}

impl Manifest {
    /// Every problem with the manifest's entries, checked against the slots the shell's layout
    /// has. An entry with an issue must not be loaded; the others stay usable.
    pub fn issues(&self, known_slots: &[&str]) -> Vec<EntryIssue> {
        let mut issues = Vec::new();
        let mut seen_names = Vec::new();
        // Who claimed what so far. Routes by shape, so `/p/:id` and `/p/:slug` collide as they
        // would when matching. Vecs, not maps: this runs in the shell, where each map type
        // instantiated costs kilobytes of wasm, for a dozen entries.
        let mut claimed_routes: Vec<(String, &str)> = Vec::new();
        let mut claimed_slots: Vec<(&str, &str)> = Vec::new();
        for entry in &self.widgets {
            let mut issue = |message: String| {
                issues.push(EntryIssue {
                    widget: entry.name.clone(),
                    message,
                });
            };
            if !is_widget_name(&entry.name) {
                issue("name must be 1-32 lowercase letters, digits or '-'".into());
            }
            if seen_names.contains(&entry.name.as_str()) {
                issue("listed more than once".into());
            }
            seen_names.push(&entry.name);
            if let Err(e) = Version::parse(&entry.version) {
                issue(format!("version: {e}"));
            }
            if let Err(e) = Version::parse(&entry.contract_version) {
                issue(format!("contractVersion: {e}"));
            }
            for (field, url) in [("entry", &entry.entry), ("wasm", &entry.wasm)] {
                if !is_same_origin_path(url) {
                    issue(format!(
                        "{field} must be a same-origin absolute path, got {url:?}"
                    ));
                }
            }
            for (field, sri) in [
                ("integrity", &entry.integrity),
                ("wasmIntegrity", &entry.wasm_integrity),
            ] {
                if !is_sha384_sri(sri) {
                    issue(format!(
                        "{field} must be sha384-<base64 of 48 bytes>, got {sri:?}"
                    ));
                }
            }
            for route in &entry.routes {
                let reserved = |prefix: &&str| {
                    route
                        .strip_prefix(prefix)
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
                };
                match RoutePattern::parse(route) {
                    Err(e) => issue(e),
                    Ok(_) if RESERVED_PREFIXES.iter().any(reserved) => issue(format!(
                        "route {route} is under a path the server reserves ({RESERVED_PREFIXES:?})"
                    )),
                    Ok(pattern) => {
                        let shape = pattern.shape();
                        match claimed_routes.iter().find(|(claimed, _)| *claimed == shape) {
                            Some((_, other)) => {
                                issue(format!("route {route} is also served by {other:?}"))
                            }
                            None => claimed_routes.push((shape, &entry.name)),
                        }
                    }
                }
            }
            for slot in &entry.slots {
                if !known_slots.contains(&slot.as_str()) {
                    issue(format!(
                        "unknown slot {slot:?} (the shell has {known_slots:?})"
                    ));
                } else if let Some((_, other)) =
                    claimed_slots.iter().find(|(claimed, _)| claimed == slot)
                {
                    issue(format!("slot {slot:?} is already filled by {other:?}"));
                } else {
                    claimed_slots.push((slot, &entry.name));
                }
            }
            if entry.routes.is_empty() && entry.slots.is_empty() {
                issue("serves no route and no slot".into());
            }
        }
        issues
    }

    /// The load timeout to apply: the manifest's, held to [`LOAD_TIMEOUT_RANGE_MS`], or the default.
    pub fn load_timeout(&self) -> u32 {
        self.load_timeout_ms.map_or(DEFAULT_LOAD_TIMEOUT_MS, |ms| {
            ms.clamp(*LOAD_TIMEOUT_RANGE_MS.start(), *LOAD_TIMEOUT_RANGE_MS.end())
        })
    }

    pub fn widget(&self, name: &str) -> Option<&WidgetEntry> {
        self.widgets.iter().find(|w| w.name == name)
    }

    /// The widget whose route pattern matches `path` most specifically (static segments beat
    /// parameters), with the parameters it captured.
    pub fn resolve(&self, path: &str) -> Option<RouteMatch<'_>> {
        self.widgets
            .iter()
            .flat_map(|entry| entry.routes.iter().map(move |route| (entry, route)))
            .filter_map(|(entry, route)| {
                let pattern = RoutePattern::parse(route).ok()?;
                let params = pattern.matches(path)?;
                Some((
                    pattern.specificity(),
                    RouteMatch {
                        entry,
                        pattern: route,
                        params,
                    },
                ))
            })
            // The first of equally specific matches wins, as `issues` blames the later one.
            .fold(
                None,
                |best: Option<((usize, usize), RouteMatch<'_>)>, candidate| match best {
                    Some(best) if best.0 >= candidate.0 => Some(best),
                    _ => Some(candidate),
                },
            )
            .map(|(_, found)| found)
    }

    /// The widgets that fill `slot`, in manifest order.
    pub fn slot_widgets<'m>(&'m self, slot: &'m str) -> impl Iterator<Item = &'m WidgetEntry> + 'm {
        self.widgets
            .iter()
            .filter(move |w| w.slots.iter().any(|s| s == slot))
    }

    /// Navigation links, ordered.
    pub fn nav_links(&self) -> Vec<&NavLink> {
        let mut links: Vec<&NavLink> = self.widgets.iter().filter_map(|w| w.nav.as_ref()).collect();
        links.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.label.cmp(&b.label)));
        links
    }
}

impl WidgetEntry {
    /// Contract compatibility of this entry with a shell speaking `shell_contract`.
    pub fn compatibility(&self, shell_contract: &str) -> Result<Compatibility, String> {
        let shell = Version::parse(shell_contract).map_err(|e| e.to_string())?;
        let widget = Version::parse(&self.contract_version).map_err(|e| e.to_string())?;
        Ok(Compatibility::check(shell, widget))
    }
}

/// `true` for names like `cart` or `audit-viewer`.
pub fn is_widget_name(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// A path on the serving origin: starts with one `/`, no scheme, no `..`.
fn is_same_origin_path(url: &str) -> bool {
    url.starts_with('/')
        && !url.starts_with("//")
        && !url.contains('\\')
        && !url.split('/').any(|segment| segment == "..")
}

/// `sha384-` followed by standard base64 of 48 bytes (64 characters, no padding needed).
pub fn is_sha384_sri(value: &str) -> bool {
    value.strip_prefix("sha384-").is_some_and(|b64| {
        b64.len() == 64
            && b64
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
    })
}

/// A parsed route pattern: literal segments and `:name` parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutePattern<'p> {
    segments: Vec<Segment<'p>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment<'p> {
    Literal(&'p str),
    Param(&'p str),
}

impl<'p> RoutePattern<'p> {
    pub fn parse(pattern: &'p str) -> Result<Self, String> {
        let bad = |why: &str| format!("route {pattern:?} {why}");
        let rest = pattern
            .strip_prefix('/')
            .ok_or_else(|| bad("must start with '/'"))?;
        if rest.is_empty() {
            return Ok(RoutePattern {
                segments: Vec::new(),
            });
        }
        let segments = rest
            .split('/')
            .map(|segment| match segment.strip_prefix(':') {
                Some(name)
                    if !name.is_empty()
                        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
                {
                    Ok(Segment::Param(name))
                }
                Some(_) => Err(bad("has a parameter without a valid name")),
                None if segment.is_empty() => Err(bad("has an empty segment")),
                None if segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)) =>
                {
                    Ok(Segment::Literal(segment))
                }
                None => Err(bad("has a segment with characters outside [A-Za-z0-9-_.]")),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(RoutePattern { segments })
    }

    /// The parameters if `path` (no query string) matches; a trailing slash is ignored.
    pub fn matches(&self, path: &str) -> Option<BTreeMap<String, String>> {
        let trimmed = path.strip_prefix('/')?;
        let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
        let parts: Vec<&str> = if trimmed.is_empty() {
            Vec::new()
        } else {
            trimmed.split('/').collect()
        };
        if parts.len() != self.segments.len() {
            return None;
        }
        let mut params = BTreeMap::new();
        for (segment, part) in self.segments.iter().zip(parts) {
            match segment {
                Segment::Literal(literal) if *literal == part => {}
                Segment::Param(name) if !part.is_empty() => {
                    params.insert((*name).to_owned(), part.to_owned());
                }
                _ => return None,
            }
        }
        Some(params)
    }

    /// The pattern with parameter names erased (`/p/:`): two patterns of one shape match the
    /// same paths.
    fn shape(&self) -> String {
        let mut shape = String::new();
        for segment in &self.segments {
            shape.push('/');
            shape.push_str(match segment {
                Segment::Literal(literal) => literal,
                Segment::Param(_) => ":",
            });
        }
        shape
    }

    /// Ordering key: more literal segments is more specific; then longer.
    fn specificity(&self) -> (usize, usize) {
        let literals = self
            .segments
            .iter()
            .filter(|s| matches!(s, Segment::Literal(_)))
            .count();
        (literals, self.segments.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRI: &str = "sha384-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    fn entry(name: &str, routes: &[&str], slots: &[&str]) -> WidgetEntry {
        WidgetEntry {
            name: name.into(),
            version: "0.1.0".into(),
            contract_version: "1.0.0".into(),
            build: "0123456789abcdef".into(),
            entry: format!("/widgets/{name}/0123456789abcdef/{name}.js"),
            wasm: format!("/widgets/{name}/0123456789abcdef/{name}_bg.wasm"),
            integrity: SRI.into(),
            wasm_integrity: SRI.into(),
            routes: routes.iter().map(|r| r.to_string()).collect(),
            slots: slots.iter().map(|s| s.to_string()).collect(),
            nav: None,
        }
    }

    fn manifest(widgets: Vec<WidgetEntry>) -> Manifest {
        Manifest {
            schema_version: MANIFEST_SCHEMA_VERSION,
            load_timeout_ms: None,
            widgets,
        }
    }

    #[test]
    fn a_well_formed_manifest_has_no_issues() {
        let m = manifest(vec![
            entry("product", &["/products", "/products/:id"], &[]),
            entry("cart", &["/cart"], &["header-cart"]),
        ]);
        assert_eq!(m.issues(&["header-cart"]), vec![]);
    }

    #[test]
    fn reports_each_malformed_field_against_its_widget() {
        let mut bad = entry("Bad Name", &["products"], &["sidebar"]);
        bad.version = "one".into();
        bad.entry = "https://evil.example/x.js".into();
        bad.wasm = "/widgets/../../etc/passwd".into();
        bad.integrity = "sha256-abc".into();
        let issues = manifest(vec![bad]).issues(&["header-cart"]);
        let text: Vec<String> = issues.iter().map(|i| i.message.clone()).collect();
        assert_eq!(issues.len(), 7, "{text:#?}");
        assert!(issues.iter().all(|i| i.widget == "Bad Name"));
        assert!(text.iter().any(|t| t.contains("unknown slot \"sidebar\"")));
    }

    #[test]
    fn a_route_claimed_twice_and_a_widget_serving_nothing_are_issues() {
        let m = manifest(vec![
            entry("a", &["/x"], &[]),
            entry("b", &["/x"], &[]),
            entry("c", &[], &[]),
            entry("a", &["/y"], &[]),
        ]);
        let issues = m.issues(&[]);
        assert!(
            issues
                .iter()
                .any(|i| i.widget == "b" && i.message.contains("also served by \"a\""))
        );
        assert!(
            issues
                .iter()
                .any(|i| i.widget == "c" && i.message.contains("serves no route"))
        );
        assert!(
            issues
                .iter()
                .any(|i| i.widget == "a" && i.message.contains("more than once"))
        );
    }

    #[test]
    fn routes_of_the_same_shape_collide_and_the_first_listed_widget_serves_them() {
        let m = manifest(vec![
            entry("a", &["/p/:id"], &[]),
            entry("b", &["/p/:slug"], &[]),
        ]);
        let issues = m.issues(&[]);
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert_eq!(issues[0].widget, "b");
        assert_eq!(m.resolve("/p/7").unwrap().entry.name, "a");
    }

    #[test]
    fn a_slot_filled_twice_and_reserved_paths_are_issues() {
        let m = manifest(vec![
            entry("a", &["/a", "/apiary"], &["header-cart"]),
            entry("b", &["/api/things", "/widgets"], &["header-cart"]),
        ]);
        let issues: Vec<String> = m
            .issues(&LAYOUT_SLOTS)
            .iter()
            .map(|i| i.to_string())
            .collect();
        assert_eq!(issues.len(), 3, "{issues:#?}");
        assert!(
            issues
                .iter()
                .any(|i| i.contains("\"header-cart\" is already filled by \"a\""))
        );
        assert_eq!(issues.iter().filter(|i| i.contains("reserves")).count(), 2);
    }

    #[test]
    fn resolves_the_most_specific_route_with_its_parameters() {
        let m = manifest(vec![
            entry("product", &["/products", "/products/:id"], &[]),
            entry("seller", &["/products/new"], &[]),
            entry("home", &["/"], &[]),
        ]);
        let found = m.resolve("/products/42").unwrap();
        assert_eq!(found.entry.name, "product");
        assert_eq!(found.params.get("id").map(String::as_str), Some("42"));
        assert_eq!(m.resolve("/products/new").unwrap().entry.name, "seller");
        assert_eq!(m.resolve("/products/").unwrap().pattern, "/products");
        assert_eq!(m.resolve("/").unwrap().entry.name, "home");
        assert!(m.resolve("/nowhere").is_none());
        assert!(m.resolve("/products/1/2").is_none());
    }

    #[test]
    fn route_patterns_are_validated() {
        for bad in ["", "products", "/a//b", "/:", "/a/:b-c", "/a b"] {
            assert!(
                RoutePattern::parse(bad).is_err(),
                "{bad:?} should be refused"
            );
        }
        assert!(RoutePattern::parse("/invoices/:invoice_id").is_ok());
    }

    #[test]
    fn the_load_timeout_defaults_and_is_held_to_a_sane_range() {
        let mut m = manifest(vec![]);
        assert_eq!(m.load_timeout(), DEFAULT_LOAD_TIMEOUT_MS);
        m.load_timeout_ms = Some(0);
        assert_eq!(m.load_timeout(), 500);
        m.load_timeout_ms = Some(1_500);
        assert_eq!(m.load_timeout(), 1_500);
        m.load_timeout_ms = Some(u32::MAX);
        assert_eq!(m.load_timeout(), 120_000);
    }

    #[test]
    fn nav_links_are_ordered() {
        let mut a = entry("a", &["/a"], &[]);
        a.nav = Some(NavLink {
            label: "Later".into(),
            path: "/a".into(),
            order: 20,
        });
        let mut b = entry("b", &["/b"], &[]);
        b.nav = Some(NavLink {
            label: "First".into(),
            path: "/b".into(),
            order: 10,
        });
        let m = manifest(vec![a, b, entry("c", &["/c"], &[])]);
        let labels: Vec<&str> = m.nav_links().iter().map(|l| l.label.as_str()).collect();
        assert_eq!(labels, ["First", "Later"]);
    }

    #[test]
    fn round_trips_through_json_in_camel_case() {
        let m = manifest(vec![entry("audit-viewer", &["/admin/audit"], &[])]);
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["schemaVersion"], 1);
        assert_eq!(json["widgets"][0]["contractVersion"], "1.0.0");
        assert_eq!(json["widgets"][0]["wasmIntegrity"], SRI);
        let back: Manifest = serde_json::from_value(json).unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn compatibility_uses_the_contract_rule() {
        let mut e = entry("x", &["/x"], &[]);
        assert!(e.compatibility("1.0.0").unwrap().is_compatible());
        e.contract_version = "2.0.0".into();
        assert!(!e.compatibility("1.0.0").unwrap().is_compatible());
        e.contract_version = "two".into();
        assert!(e.compatibility("1.0.0").is_err());
    }
}
