//! The workspace as `cargo metadata` describes it: where things are, and the widgets with what
//! each one serves (its `[package.metadata.widget]` table).

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One widget crate and what its manifest entry will say.
#[derive(Debug, Clone)]
pub struct Widget {
    pub name: String,
    pub version: String,
    pub routes: Vec<String>,
    pub slots: Vec<String>,
    pub nav: Option<contracts::federation::NavLink>,
    /// Who may open which routes (`access` in the table; none: every route is open).
    pub access: Vec<contracts::federation::RouteAccess>,
    /// The API operations it calls (`METHOD /path` of the OpenAPI document, relative to
    /// `/api/v1`); copied into its manifest entry and checked against an API's document by
    /// `deploy --api` and `contract-test`.
    pub operations: Vec<String>,
    /// Test fixtures are deployed only by the browser tests, never by `--all`.
    pub fixture: bool,
}

pub struct Workspace {
    pub root: PathBuf,
    pub target_dir: PathBuf,
    pub widgets: Vec<Widget>,
    /// The version of `contracts` every crate here is built against.
    pub contract_version: String,
    /// The API operations the host shell calls (`[package.metadata.shell]`).
    pub shell_operations: Vec<String>,
}

#[derive(Deserialize)]
struct Metadata {
    workspace_root: PathBuf,
    target_directory: PathBuf,
    packages: Vec<Package>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    version: String,
    #[serde(default)]
    metadata: Option<PackageMetadata>,
}

#[derive(Deserialize)]
struct PackageMetadata {
    widget: Option<WidgetMetadata>,
    shell: Option<ShellMetadata>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShellMetadata {
    #[serde(default)]
    operations: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WidgetMetadata {
    #[serde(default)]
    routes: Vec<String>,
    #[serde(default)]
    slots: Vec<String>,
    nav: Option<contracts::federation::NavLink>,
    #[serde(default)]
    access: Vec<contracts::federation::RouteAccess>,
    #[serde(default)]
    operations: Vec<String>,
    #[serde(default)]
    fixture: bool,
}

impl Workspace {
    pub fn load() -> Result<Workspace> {
        let output = Command::new(env!("CARGO"))
            .args(["metadata", "--no-deps", "--format-version", "1"])
            .output()
            .context("running cargo metadata")?;
        if !output.status.success() {
            bail!(
                "cargo metadata failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Workspace::from_json(&output.stdout)
    }

    fn from_json(json: &[u8]) -> Result<Workspace> {
        let metadata: Metadata = serde_json::from_slice(json).context("reading cargo metadata")?;
        let contract_version = metadata
            .packages
            .iter()
            .find(|p| p.name == "contracts")
            .map(|p| p.version.clone())
            .context("the workspace has no contracts crate")?;
        let mut widgets = Vec::new();
        let mut shell_operations = Vec::new();
        for package in metadata.packages {
            let Some(meta) = package.metadata else {
                continue;
            };
            if let Some(shell) = meta.shell {
                shell_operations = shell.operations;
            }
            let Some(meta) = meta.widget else {
                continue;
            };
            widgets.push(Widget {
                name: package.name,
                version: package.version,
                routes: meta.routes,
                slots: meta.slots,
                nav: meta.nav,
                access: meta.access,
                operations: meta.operations,
                fixture: meta.fixture,
            });
        }
        widgets.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Workspace {
            root: metadata.workspace_root,
            target_dir: metadata.target_directory,
            widgets,
            contract_version,
            shell_operations,
        })
    }

    pub fn widget(&self, name: &str) -> Result<&Widget> {
        self.widgets
            .iter()
            .find(|w| w.name == name)
            .with_context(|| {
                let known: Vec<&str> = self.widgets.iter().map(|w| w.name.as_str()).collect();
                format!("no widget named {name:?} (widgets: {})", known.join(", "))
            })
    }

    /// The widgets `--all` means: every one that is not a test fixture.
    pub fn product_widgets(&self) -> impl Iterator<Item = &Widget> {
        self.widgets.iter().filter(|w| !w.fixture)
    }

    pub fn trunk_config(&self, name: &str) -> PathBuf {
        self.root
            .join("trunk-configs")
            .join(name)
            .join("Trunk.toml")
    }

    /// Where trunk writes a build before it is published into a dist folder.
    pub fn staging(&self, name: &str) -> PathBuf {
        self.target_dir.join("trunk-staging").join(name)
    }

    pub fn node_tools(&self) -> PathBuf {
        self.root.join("xtask").join("js")
    }

    pub fn path(&self, relative: impl AsRef<Path>) -> PathBuf {
        self.root.join(relative)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_widget_of_the_design_is_a_crate_with_its_own_trunk_config() {
        let workspace = Workspace::load().unwrap();
        let names: Vec<&str> = workspace
            .product_widgets()
            .map(|w| w.name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "admin",
                "admin-accounts",
                "admin-figures",
                "admin-refunds",
                "audit-viewer",
                "auth",
                "cart",
                "checkout",
                "invoice",
                "orders",
                "product",
                "seller",
                "seller-orders",
                "seller-product",
                "seller-products",
                "seller-shop"
            ]
        );
        for name in names.iter().copied().chain(["shell", "probe"]) {
            assert!(
                workspace.trunk_config(name).is_file(),
                "trunk-configs/{name}/Trunk.toml is missing"
            );
        }
    }

    #[test]
    fn widget_metadata_is_a_valid_manifest_entry_shape() {
        let workspace = Workspace::load().unwrap();
        for widget in &workspace.widgets {
            assert!(
                contracts::federation::is_widget_name(&widget.name),
                "{}",
                widget.name
            );
            assert!(
                !widget.routes.is_empty() || !widget.slots.is_empty(),
                "{} serves nothing",
                widget.name
            );
            for route in &widget.routes {
                contracts::federation::RoutePattern::parse(route).unwrap();
            }
            for rule in &widget.access {
                for route in &rule.routes {
                    assert!(
                        widget.routes.contains(route),
                        "{}: access rule for {route}, not one of its routes",
                        widget.name
                    );
                }
            }
        }
    }

    #[test]
    fn routes_of_the_design_are_guarded_as_the_api_guards_their_data() {
        use contracts::federation::Access;
        use contracts::props::{Role, SessionUser};
        let workspace = Workspace::load().unwrap();
        let user = |role, mfa_verified| SessionUser {
            id: "u".into(),
            display_name: "U".into(),
            role,
            permissions: vec![],
            mfa_verified,
        };
        let decide = |widget: &str, route: &str, who: Option<&SessionUser>| {
            let widget = workspace.widget(widget).unwrap();
            widget
                .access
                .iter()
                .find(|rule| rule.routes.iter().any(|r| r == route))
                .map_or(Access::Open, |rule| rule.decide(who))
        };
        let customer = user(Role::Customer, false);
        let admin = user(Role::Admin, false);
        let super_admin = user(Role::SuperAdmin, true);

        for (widget, route) in [
            ("admin", "/admin"),
            ("admin", "/admin/sellers"),
            ("admin-accounts", "/admin/users"),
            ("admin-figures", "/admin/figures"),
            ("admin-refunds", "/admin/refunds"),
            ("audit-viewer", "/admin/audit"),
        ] {
            assert_eq!(decide(widget, route, Some(&customer)), Access::Forbidden);
            assert_eq!(decide(widget, route, Some(&admin)), Access::SecondFactor);
            assert_eq!(decide(widget, route, Some(&super_admin)), Access::Open);
        }
        for (widget, route) in [
            ("seller", "/seller"),
            ("seller-shop", "/seller/shop"),
            ("seller-orders", "/seller/orders/:id"),
            ("seller-products", "/seller/products"),
            ("seller-product", "/seller/products/:id"),
        ] {
            assert_eq!(decide(widget, route, Some(&customer)), Access::Forbidden);
            assert_eq!(
                decide(widget, route, Some(&user(Role::Seller, false))),
                Access::Open
            );
        }
        for (widget, route) in [
            ("orders", "/orders/:id"),
            ("checkout", "/checkout"),
            ("invoice", "/invoices/:id"),
            ("auth", "/account/mfa"),
        ] {
            assert_eq!(decide(widget, route, None), Access::SignIn, "{route}");
            assert_eq!(decide(widget, route, Some(&customer)), Access::Open);
        }
        for (widget, route) in [
            ("product", "/products/:id"),
            ("cart", "/cart"),
            ("auth", "/login"),
        ] {
            assert_eq!(decide(widget, route, None), Access::Open, "{route}");
        }
    }

    /// The API paths a crate's own code builds on its API base (`format!("{api}/orders/{}")`),
    /// query left out and parameters as `{}`.
    fn api_paths_in(dir: &Path) -> Vec<String> {
        let mut found = Vec::new();
        let mut stack = vec![dir.to_owned()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let code = std::fs::read_to_string(&path).unwrap();
                for piece in code.split("\"{api}").skip(1) {
                    let literal = piece.split(['"', '?']).next().unwrap_or_default();
                    if literal.starts_with('/') {
                        found.push(shape(literal));
                    }
                }
            }
        }
        found
    }

    /// `/orders/{id}/invoices` and `/orders/{}/invoices` as one shape.
    fn shape(path: &str) -> String {
        path.split('/')
            .map(|segment| match segment.find('{') {
                Some(0) => "{}",
                // `export.csv{}`: a query appended by a helper.
                Some(at) => &segment[..at],
                None => segment,
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    /// A widget's `operations` cannot rot unnoticed: every path its code builds on the API
    /// base is one it declares, and every operation it declares is known to the API's kit.
    #[test]
    fn declared_operations_cover_what_each_widget_calls() {
        let workspace = Workspace::load().unwrap();
        for widget in workspace.product_widgets() {
            assert!(
                !widget.operations.is_empty(),
                "{} declares no operations",
                widget.name
            );
            let declared: Vec<String> = widget
                .operations
                .iter()
                .map(|op| shape(op.split_once(' ').expect("METHOD /path").1))
                .collect();
            let dir = workspace
                .root
                .join("widgets")
                .join(&widget.name)
                .join("src");
            for path in api_paths_in(&dir) {
                // A `{}` the code fills (an id, a step's name) stands for any segment; a base
                // path the code extends later matches the operations below it.
                let fits = |declared: &String| {
                    let (code, ops): (Vec<&str>, Vec<&str>) =
                        (path.split('/').collect(), declared.split('/').collect());
                    code.len() <= ops.len()
                        && code.iter().zip(&ops).all(|(c, o)| c == o || *c == "{}")
                };
                assert!(
                    declared.iter().any(fits),
                    "{} calls {path} but its operations do not list it",
                    widget.name
                );
            }
            for op in &widget.operations {
                let (method, _) = op.split_once(' ').unwrap();
                assert!(
                    ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method),
                    "{}: {op}",
                    widget.name
                );
            }
        }
        assert!(!workspace.shell_operations.is_empty());
        let session =
            std::fs::read_to_string(workspace.root.join("host-shell/src/session/mod.rs")).unwrap();
        for op in &workspace.shell_operations {
            let path = op.split_once(' ').unwrap().1;
            assert!(
                session.contains(&format!("\"/api/v1{path}\"")),
                "the shell does not call {op}"
            );
        }
    }

    #[test]
    fn unknown_keys_in_widget_metadata_are_refused() {
        let json = br#"{"workspace_root":"/w","target_directory":"/w/target","packages":[
            {"name":"contracts","version":"1.0.0","metadata":null},
            {"name":"x","version":"0.1.0","metadata":{"widget":{"routes":["/x"],"rotues":["/y"]}}}]}"#;
        assert!(Workspace::from_json(json).is_err());
    }
}
