//! `cargo xtask contract-test --api URL [--as ROLE] [--dist DIR]`: the contract-test kit a
//! widget team runs against any Bazaar API (a staging server, a colleague's machine). It calls
//! every operation of the API's OpenAPI document for real, decodes each answer into the
//! `contracts` type a widget decodes it into, prints a table of operation, status and
//! conformance, then checks every widget's declared operations against the same document
//! ([`compat`]). It fails on any drift, and on any operation of the document it has no case
//! for. docs/CONTRACTS.md explains it to a widget team.

pub mod compat;
mod conform;
pub mod document;
pub mod http;
mod journey;

use crate::metadata::Workspace;
use anyhow::{Result, bail};
use document::Document;
use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::time::Instant;

/// Who the kit calls an operation as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Anonymous,
    Customer,
    Seller,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Anonymous, Role::Customer, Role::Seller, Role::Admin];

    pub fn parse(text: &str) -> Result<Role> {
        Role::ALL
            .into_iter()
            .find(|role| role.to_string() == text)
            .ok_or_else(|| {
                anyhow::anyhow!("--as takes anonymous, customer, seller or admin, not {text:?}")
            })
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Anonymous => "anonymous",
            Role::Customer => "customer",
            Role::Seller => "seller",
            Role::Admin => "admin",
        })
    }
}

/// What the kit concluded about one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The status is the document's and the expected one, and the body is exactly this type.
    Conforms(String),
    Drift(String),
    /// Not called: why (a role that could not sign in, an earlier step that failed).
    Skipped(String),
    /// An operation of the document the kit has no case for.
    NoCase,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub op: String,
    pub role: Option<Role>,
    pub status: Option<u16>,
    pub verdict: Verdict,
}

impl Row {
    fn fails(&self) -> bool {
        matches!(self.verdict, Verdict::Drift(_) | Verdict::NoCase)
    }
}

/// The command. `roles`: empty for every role the kit can sign in as.
pub fn run(workspace: &Workspace, api: &str, roles: &[Role], dist: Option<&Path>) -> Result<()> {
    let started = Instant::now();
    let client = http::Client::new(api);
    let doc = Document::fetch(&client)?;
    let selected: BTreeSet<Role> = if roles.is_empty() {
        Role::ALL.into()
    } else {
        roles.iter().copied().collect()
    };
    let mut journey = journey::Journey::new(&client, &doc, selected.clone());
    journey.run(&journey::Accounts::from_env())?;
    let doc_ops = doc.operations();
    // With --as, the other roles' operations are left out on purpose: not worth a row each.
    if roles.is_empty() {
        journey.skipped_rest(&doc_ops);
    }
    let mut rows = std::mem::take(&mut journey.rows);
    rows.extend(no_case_rows(&doc_ops));
    // A role named with --as that could not sign in is a failure, not a quiet skip.
    for row in &mut rows {
        if let (Some(role), Verdict::Skipped(why)) = (row.role, &row.verdict)
            && !roles.is_empty()
            && roles.contains(&role)
            && why.starts_with("cannot sign in")
        {
            row.verdict = Verdict::Drift(why.clone());
        }
    }
    print_table(&rows);
    let journey_time = started.elapsed();

    let widgets = compat::check_workspace(workspace, &doc);
    compat::print(&widgets);
    if let Some(dist) = dist {
        compat::mark_manifest(dist, &doc, api)?;
    }

    let count = |f: fn(&Row) -> bool| rows.iter().filter(|r| f(r)).count();
    let drift = count(|r| matches!(r.verdict, Verdict::Drift(_)));
    let no_case = count(|r| r.verdict == Verdict::NoCase);
    let skipped = count(|r| matches!(r.verdict, Verdict::Skipped(_)));
    let incompatible = widgets.iter().filter(|w| !w.issues.is_empty()).count();
    println!(
        "{} calls, {} conform, {drift} drift, {no_case} without a case, {skipped} skipped; \
         {} widgets checked, {incompatible} incompatible; {:.1} s (journey {:.1} s)",
        rows.len() - no_case,
        count(|r| matches!(r.verdict, Verdict::Conforms(_))),
        widgets.len(),
        started.elapsed().as_secs_f64(),
        journey_time.as_secs_f64(),
    );
    if rows.iter().any(Row::fails) || incompatible > 0 {
        bail!(
            "the API at {api} and the contracts disagree: {drift} drift, {no_case} operations without a case, \
             {incompatible} incompatible widgets (docs/CONTRACTS.md says what to do)"
        );
    }
    Ok(())
}

/// The test command's step: the kit against a fresh server of `api` (the debug binary the
/// test command built) on SQLite with the demo accounts, as every role.
pub fn against_test_server(workspace: &Workspace, api: &Path) -> Result<()> {
    use crate::bench::{Server, tempfile_dir};
    use std::process::Command;
    let data = tempfile_dir(&workspace.target_dir.join("contract-test-data"))?;
    let database_url = format!("sqlite://{}", data.join("bazaar.db").display());
    crate::tools::run(
        Command::new(api)
            .arg("seed-demo")
            .env("DATABASE_URL", &database_url)
            .env("DEV_KEY_DIR", &data)
            .env("RUST_LOG", "warn")
            .current_dir(&data),
    )?;
    let mut serve = Command::new(api);
    serve
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("DATABASE_URL", &database_url)
        .env("DEV_KEY_DIR", &data)
        .env("DIST_DIR", data.join("no-dist"))
        .env("RUST_LOG", "warn")
        .current_dir(&data);
    // One client from one address signing in several times within a second.
    for limit in [
        "API_PER_MINUTE",
        "LOGIN",
        "LOGIN_ACCOUNT",
        "MFA",
        "REGISTER",
        "ORDERS",
    ] {
        serve.env(format!("RATE_LIMIT_{limit}"), "0");
    }
    let server = Server::start(&mut serve)?;
    run(workspace, &format!("http://{}", server.addr), &[], None)
}

/// Operations of the document the journey has no case for.
fn no_case_rows(doc_ops: &BTreeSet<String>) -> Vec<Row> {
    doc_ops
        .iter()
        .filter(|op| !journey::CASES.contains(&op.as_str()))
        .map(|op| Row {
            op: op.clone(),
            role: None,
            status: None,
            verdict: Verdict::NoCase,
        })
        .collect()
}

fn print_table(rows: &[Row]) {
    println!(
        "{:<46} {:<10} {:<6} conforms",
        "operation", "role", "status"
    );
    for row in rows {
        let role = row.role.map_or("-".to_owned(), |r| r.to_string());
        let status = row.status.map_or("-".to_owned(), |s| s.to_string());
        let verdict = match &row.verdict {
            Verdict::Conforms(ty) => format!("yes ({ty})"),
            Verdict::Drift(why) => format!("NO: {why}"),
            Verdict::Skipped(why) => format!("skipped: {why}"),
            Verdict::NoCase => "NO CASE: the kit does not test this operation".to_owned(),
        };
        println!("{:<46} {:<10} {:<6} {verdict}", row.op, role, status);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_by_name() {
        for role in Role::ALL {
            assert_eq!(Role::parse(&role.to_string()).unwrap(), role);
        }
        assert!(Role::parse("root").is_err());
    }

    /// An operation the API adds is a failing row until the kit has a case for it.
    #[test]
    fn an_operation_without_a_case_fails() {
        let mut ops: BTreeSet<String> = journey::CASES.iter().map(|op| op.to_string()).collect();
        assert!(no_case_rows(&ops).is_empty());
        ops.insert("GET /wishlist".into());
        let rows = no_case_rows(&ops);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].op, "GET /wishlist");
        assert!(rows[0].fails());
    }
}
