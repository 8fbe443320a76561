//! The federation manifest (`/federation.json`): which widgets exist, where their code is, what
//! they serve, and the checks the shell applies before it trusts an entry.
//!
//! docs/MFE.md describes the format for widget teams; this module is its single definition.

use crate::props::{Role, SessionUser};
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
    /// Who may open which of `routes`; a route no rule names is open to everyone. The shell
    /// applies the rule before it fetches any of the widget's code (docs/MFE.md, "Route
    /// access"). Added in contract 1.1.0; older shells ignore it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access: Vec<RouteAccess>,
    /// The API operations the widget calls, as `METHOD /path` of the OpenAPI document
    /// (relative to `/api/v1`): `GET /products/{id}`. From its crate metadata; a deploy
    /// against an API checks them (docs/CONTRACTS.md). Added in contract 1.6.0.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operations: Vec<String>,
    /// Set when the API the widgets are deployed against lacks one of `operations` or
    /// rejects what the widget sends one: why. The shell loads nothing of such an entry and
    /// shows that the part of the page is being updated. Added in contract 1.6.0; older
    /// shells ignore it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incompatible: Option<String>,
}

/// Who may open some of a widget's routes: signed-in users, of `roles` when it names any,
/// who passed a second factor when `mfa` says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteAccess {
    /// Route patterns of the entry this rule covers, as written in its `routes`.
    pub routes: Vec<String>,
    /// The roles allowed; empty means any signed-in user.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
    /// The session must have passed a second factor (`SessionUser::mfa_verified`). The API
    /// grants administrators their permissions only then, so their routes ask for it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mfa: bool,
}

/// Where the shell sends someone a route asks to sign in (the auth widget serves it), with the
/// path they wanted in the [`NEXT_PARAM`] query parameter.
pub const SIGN_IN_ROUTE: &str = "/login";

/// Where the shell sends an administrator whose session has not passed a second factor: set
/// one up, or sign in again with it (the auth widget serves it), with [`NEXT_PARAM`].
pub const SECOND_FACTOR_ROUTE: &str = "/account/mfa";

/// The query parameter that carries the path to return to after signing in.
pub const NEXT_PARAM: &str = "next";

/// What the shell does with a route for the current session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Load and show the widget.
    Open,
    /// Nobody is signed in: send them to sign in, then back.
    SignIn,
    /// Signed in with an allowed role, without a second factor: send them to set one up or
    /// use it, then back.
    SecondFactor,
    /// Signed in with a role the route does not admit: say so, fetch nothing.
    Forbidden,
}

impl RouteAccess {
    /// The decision for `user` (`None`: signed out).
    pub fn decide(&self, user: Option<&SessionUser>) -> Access {
        match user {
            None => Access::SignIn,
            Some(user) if !self.roles.is_empty() && !self.roles.contains(&user.role) => {
                Access::Forbidden
            }
            Some(user) if self.mfa && !user.mfa_verified => Access::SecondFactor,
            Some(_) => Access::Open,
        }
    }

    /// Whether a navigation link to a route of this rule is worth showing to `user`: not when
    /// the role is wrong, and not to signed-out visitors when only some roles may enter (a
    /// link that only signing in opens is shown).
    pub fn shows_link(&self, user: Option<&SessionUser>) -> bool {
        match self.decide(user) {
            Access::Forbidden => false,
            Access::SignIn => self.roles.is_empty(),
            Access::Open | Access::SecondFactor => true,
        }
    }
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
            let mut ruled: Vec<&str> = Vec::new();
            for rule in &entry.access {
                if rule.routes.is_empty() {
                    issue("an access rule names no route".into());
                }
                for route in &rule.routes {
                    if !entry.routes.contains(route) {
                        issue(format!(
                            "access rule for {route:?}, which is not one of the widget's routes"
                        ));
                    } else if ruled.contains(&route.as_str()) {
                        issue(format!("route {route} has more than one access rule"));
                    } else {
                        ruled.push(route);
                    }
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

    /// Navigation links worth showing to `user` (`None`: signed out), ordered. A link is
    /// hidden when the route it leads to has an access rule that `user` cannot meet by signing
    /// in ([`RouteAccess::shows_link`]).
    pub fn nav_links(&self, user: Option<&SessionUser>) -> Vec<&NavLink> {
        let shown = |link: &NavLink| {
            self.resolve(&link.path).is_none_or(|found| {
                found
                    .entry
                    .access_rule(found.pattern)
                    .is_none_or(|rule| rule.shows_link(user))
            })
        };
        let mut links: Vec<&NavLink> = self
            .widgets
            .iter()
            .filter_map(|w| w.nav.as_ref())
            .filter(|link| shown(link))
            .collect();
        links.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.label.cmp(&b.label)));
        links
    }
}

impl WidgetEntry {
    /// The access rule covering `pattern` (one of this entry's routes), if any.
    pub fn access_rule(&self, pattern: &str) -> Option<&RouteAccess> {
        self.access
            .iter()
            .find(|rule| rule.routes.iter().any(|route| route == pattern))
    }

    /// The decision for `user` on the route `pattern` of this entry: [`Access::Open`] when no
    /// rule covers it.
    pub fn access_for(&self, pattern: &str, user: Option<&SessionUser>) -> Access {
        self.access_rule(pattern)
            .map_or(Access::Open, |rule| rule.decide(user))
    }

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

/// A path within the app to send someone to (`/orders?page=2`): starts with one `/` and has no
/// `\`, so no browser reads it as another origin (`//host`, `/\host`). The shell's navigation
/// and the auth widget's `next` parameter both hold to it.
pub fn is_app_path(target: &str) -> bool {
    target.starts_with('/') && !target.starts_with("//") && !target.contains('\\')
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
            access: Vec::new(),
            operations: Vec::new(),
            incompatible: None,
        }
    }

    fn user(role: Role, mfa_verified: bool) -> SessionUser {
        SessionUser {
            id: "u1".into(),
            display_name: "Asha".into(),
            role,
            permissions: Vec::new(),
            mfa_verified,
        }
    }

    fn rule(routes: &[&str], roles: &[Role], mfa: bool) -> RouteAccess {
        RouteAccess {
            routes: routes.iter().map(|r| r.to_string()).collect(),
            roles: roles.to_vec(),
            mfa,
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

    /// A 1.5 manifest (no `operations`, no `incompatible`) still reads; a 1.6 entry writes
    /// both only when set.
    #[test]
    fn operations_and_the_incompatible_mark_are_optional() {
        let old = serde_json::json!({
            "name": "cart", "version": "0.1.0", "contractVersion": "1.5.0",
            "build": "0123456789abcdef", "entry": "/widgets/cart/0123456789abcdef/cart.js",
            "wasm": "/widgets/cart/0123456789abcdef/cart_bg.wasm",
            "integrity": SRI, "wasmIntegrity": SRI, "routes": ["/cart"]
        });
        let read: WidgetEntry = serde_json::from_value(old).unwrap();
        assert!(read.operations.is_empty() && read.incompatible.is_none());
        let written = serde_json::to_value(&read).unwrap();
        assert!(written.get("operations").is_none() && written.get("incompatible").is_none());
        let mut marked = read;
        marked.operations = vec!["GET /cart".into()];
        marked.incompatible = Some("calls GET /cart, which the API does not have".into());
        let again: WidgetEntry =
            serde_json::from_value(serde_json::to_value(&marked).unwrap()).unwrap();
        assert_eq!(again, marked);
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
    fn app_paths_cannot_name_another_origin() {
        assert!(is_app_path("/orders?page=2"));
        for foreign in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "orders",
            "",
        ] {
            assert!(!is_app_path(foreign), "{foreign}");
        }
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
        let labels: Vec<&str> = m.nav_links(None).iter().map(|l| l.label.as_str()).collect();
        assert_eq!(labels, ["First", "Later"]);
    }

    #[test]
    fn a_route_without_a_rule_is_open_and_a_rule_decides_by_session_role_and_second_factor() {
        let admin_only = rule(&["/admin"], &[Role::Admin, Role::SuperAdmin], true);
        let signed_in = rule(&["/orders"], &[], false);
        let (customer, admin) = (user(Role::Customer, false), user(Role::Admin, false));
        let verified_admin = user(Role::Admin, true);

        assert_eq!(signed_in.decide(None), Access::SignIn);
        assert_eq!(signed_in.decide(Some(&customer)), Access::Open);
        assert_eq!(admin_only.decide(None), Access::SignIn);
        assert_eq!(admin_only.decide(Some(&customer)), Access::Forbidden);
        assert_eq!(admin_only.decide(Some(&admin)), Access::SecondFactor);
        assert_eq!(admin_only.decide(Some(&verified_admin)), Access::Open);
        let mut e = entry("admin", &["/admin", "/admin/help"], &[]);
        e.access = vec![admin_only];
        assert_eq!(e.access_for("/admin/help", None), Access::Open);
        assert_eq!(e.access_for("/admin", Some(&customer)), Access::Forbidden);
    }

    #[test]
    fn nav_links_hide_routes_the_user_cannot_open_by_signing_in() {
        let with_nav = |name: &str, route: &str, order: i32, access: Vec<RouteAccess>| {
            let mut e = entry(name, &[route], &[]);
            e.nav = Some(NavLink {
                label: name.into(),
                path: route.into(),
                order,
            });
            e.access = access;
            e
        };
        let m = manifest(vec![
            with_nav("products", "/products", 1, vec![]),
            with_nav("orders", "/orders", 2, vec![rule(&["/orders"], &[], false)]),
            with_nav(
                "seller",
                "/seller",
                3,
                vec![rule(&["/seller"], &[Role::Seller], false)],
            ),
            with_nav(
                "admin",
                "/admin",
                4,
                vec![rule(&["/admin"], &[Role::Admin], true)],
            ),
        ]);
        let labels = |user: Option<&SessionUser>| -> Vec<String> {
            m.nav_links(user).iter().map(|l| l.label.clone()).collect()
        };

        assert_eq!(labels(None), ["products", "orders"]);
        assert_eq!(
            labels(Some(&user(Role::Seller, false))),
            ["products", "orders", "seller"]
        );
        // An administrator without a second factor still sees the link: it leads to MFA.
        assert_eq!(
            labels(Some(&user(Role::Admin, false))),
            ["products", "orders", "admin"]
        );
    }

    #[test]
    fn access_rules_must_name_routes_of_their_entry_once() {
        let mut e = entry("a", &["/a", "/a/b"], &[]);
        e.access = vec![
            rule(&["/a", "/elsewhere"], &[], false),
            rule(&["/a"], &[Role::Seller], false),
            rule(&[], &[], false),
        ];
        let issues: Vec<String> = manifest(vec![e])
            .issues(&[])
            .into_iter()
            .map(|i| i.message)
            .collect();

        assert_eq!(
            issues,
            [
                "access rule for \"/elsewhere\", which is not one of the widget's routes",
                "route /a has more than one access rule",
                "an access rule names no route",
            ]
        );
    }

    #[test]
    fn access_rules_are_optional_camel_case_and_left_out_when_empty() {
        let mut e = entry("admin", &["/admin"], &[]);
        assert!(serde_json::to_value(&e).unwrap().get("access").is_none());
        e.access = vec![rule(&["/admin"], &[Role::SuperAdmin], true)];
        let json = serde_json::to_value(&e).unwrap();

        assert_eq!(
            json["access"],
            serde_json::json!([{"routes": ["/admin"], "roles": ["SUPER_ADMIN"], "mfa": true}])
        );
        let signed_in: RouteAccess = serde_json::from_str(r#"{"routes":["/orders"]}"#).unwrap();
        assert_eq!(signed_in, rule(&["/orders"], &[], false));
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
