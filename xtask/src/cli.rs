//! Command-line parsing for xtask (small enough not to need a parser crate).

use anyhow::{Result, bail};
use std::path::PathBuf;

/// What to build or deploy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Shell,
    Widget(String),
    /// The shell and every widget that is not a test fixture.
    All,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Help,
    Setup,
    Run {
        dist: PathBuf,
    },
    Test,
    /// Only the test command's Schemathesis step (builds the API first).
    Schemathesis,
    /// `catalog`: `--catalog [N]`, the catalog at scale instead of the main scenarios;
    /// `shoppers`: `--shoppers [N]`, the mixed traffic of N shoppers, and with `capacity`
    /// (`--capacity`) the search for the most shoppers with p95 under 200 ms.
    Bench {
        catalog: Option<usize>,
        shoppers: Option<usize>,
        capacity: bool,
    },
    Build {
        target: Target,
        dist: PathBuf,
    },
    /// `api`: `--api URL`, the API to check the widgets against before they go live.
    Deploy {
        target: Target,
        dist: PathBuf,
        api: Option<String>,
    },
    /// The contract-test kit against the API at `api`, as `roles` (none: every role it can
    /// sign in as); with `dist` (`--dist` given), records each live entry's compatibility.
    ContractTest {
        api: String,
        roles: Vec<crate::contract_test::Role>,
        dist: Option<PathBuf>,
    },
    Rollback {
        widget: String,
        dist: PathBuf,
    },
    Prune {
        keep: usize,
        dist: PathBuf,
    },
    Size {
        check: bool,
        dist: PathBuf,
    },
    Releases {
        widget: String,
        dist: PathBuf,
    },
}

impl Command {
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command> {
        let mut dist = PathBuf::from("dist");
        let mut keep = 3;
        let mut check = false;
        let mut catalog = None;
        let mut api = None;
        let mut roles = Vec::new();
        let mut dist_given = false;
        let mut shoppers = None;
        let mut capacity = false;
        let mut positional = Vec::new();
        let mut args = args.into_iter().peekable();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--api" => {
                    api = Some(
                        args.next()
                            .ok_or_else(|| anyhow::anyhow!("--api needs a URL"))?,
                    )
                }
                "--as" => {
                    let role = args
                        .next()
                        .ok_or_else(|| anyhow::anyhow!("--as needs a role"))?;
                    roles.push(crate::contract_test::Role::parse(&role)?);
                }
                "--dist" => {
                    dist_given = true;
                    dist = args
                        .next()
                        .map(PathBuf::from)
                        .ok_or_else(|| anyhow::anyhow!("--dist needs a folder"))?
                }
                "--keep" => {
                    let n = args
                        .next()
                        .ok_or_else(|| anyhow::anyhow!("--keep needs a number"))?;
                    keep = n
                        .parse()
                        .map_err(|_| anyhow::anyhow!("--keep needs a number, got {n:?}"))?;
                    if keep == 0 {
                        bail!("--keep must be at least 1: the live release is always kept");
                    }
                }
                "--check" => check = true,
                // The number is optional: `--catalog` alone seeds the default.
                "--catalog" => {
                    let n = args.next_if(|next| next.parse::<usize>().is_ok());
                    let n = n.and_then(|n| n.parse().ok());
                    catalog = Some(n.unwrap_or(crate::bench::DEFAULT_CATALOG));
                }
                "--shoppers" => {
                    let n = args.next_if(|next| next.parse::<usize>().is_ok());
                    let n = n.and_then(|n| n.parse().ok());
                    shoppers = Some(n.unwrap_or(crate::bench::DEFAULT_SHOPPERS));
                }
                "--capacity" => capacity = true,
                "--all" => positional.push("--all".to_owned()),
                "-h" | "--help" => return Ok(Command::Help),
                flag if flag.starts_with('-') => bail!("unknown option {flag}"),
                _ => positional.push(arg),
            }
        }
        let target = |what: Option<&String>| -> Result<Target> {
            match what.map(String::as_str) {
                None => bail!("say what: shell, a widget name, or --all"),
                Some("--all") => Ok(Target::All),
                Some("shell") => Ok(Target::Shell),
                Some(name) => Ok(Target::Widget(name.to_owned())),
            }
        };
        let widget = |what: Option<&String>| -> Result<String> {
            what.cloned()
                .filter(|w| w != "--all")
                .ok_or_else(|| anyhow::anyhow!("name one widget"))
        };
        let rest = positional.get(1);
        Ok(match positional.first().map(String::as_str) {
            None | Some("help") => Command::Help,
            Some("setup") => Command::Setup,
            Some("run") => Command::Run { dist },
            Some("test") => Command::Test,
            Some("schemathesis") => Command::Schemathesis,
            Some("bench") if capacity && shoppers.is_none() => {
                bail!("--capacity searches over shoppers: add --shoppers [N]")
            }
            Some("bench") => Command::Bench {
                catalog,
                shoppers,
                capacity,
            },
            Some("build") => Command::Build {
                target: target(rest)?,
                dist,
            },
            Some("deploy") => Command::Deploy {
                target: target(rest)?,
                dist,
                api,
            },
            Some("contract-test") => Command::ContractTest {
                api: api.ok_or_else(|| {
                    anyhow::anyhow!("contract-test needs --api URL (e.g. http://127.0.0.1:8080)")
                })?,
                roles,
                dist: dist_given.then_some(dist),
            },
            Some("rollback") => Command::Rollback {
                widget: widget(rest)?,
                dist,
            },
            Some("prune") => Command::Prune { keep, dist },
            Some("size") => Command::Size { check, dist },
            Some("releases") => Command::Releases {
                widget: widget(rest)?,
                dist,
            },
            Some(other) => bail!("unknown command {other:?} (try `cargo xtask help`)"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Command> {
        Command::parse(line.split_whitespace().map(String::from))
    }

    #[test]
    fn parses_the_catalog_bench_with_and_without_a_number() {
        let catalog = |catalog| Command::Bench {
            catalog,
            shoppers: None,
            capacity: false,
        };
        assert_eq!(parse("bench").unwrap(), catalog(None));
        assert_eq!(parse("bench --catalog 5000").unwrap(), catalog(Some(5_000)));
        assert_eq!(
            parse("bench --catalog").unwrap(),
            catalog(Some(crate::bench::DEFAULT_CATALOG))
        );
    }

    #[test]
    fn parses_the_mixed_bench_with_and_without_a_number_and_the_capacity_search() {
        let mixed = |shoppers, capacity| Command::Bench {
            catalog: None,
            shoppers: Some(shoppers),
            capacity,
        };
        assert_eq!(
            parse("bench --shoppers").unwrap(),
            mixed(crate::bench::DEFAULT_SHOPPERS, false)
        );
        assert_eq!(
            parse("bench --shoppers 250 --capacity").unwrap(),
            mixed(250, true)
        );
        assert!(parse("bench --capacity").is_err());
    }

    #[test]
    fn parses_deploy_of_one_widget_into_another_dist() {
        assert_eq!(
            parse("deploy cart --dist /tmp/d").unwrap(),
            Command::Deploy {
                target: Target::Widget("cart".into()),
                dist: "/tmp/d".into(),
                api: None,
            }
        );
        assert_eq!(
            parse("deploy product --api http://127.0.0.1:9 --dist /tmp/d").unwrap(),
            Command::Deploy {
                target: Target::Widget("product".into()),
                dist: "/tmp/d".into(),
                api: Some("http://127.0.0.1:9".into()),
            }
        );
        assert_eq!(
            parse("build --all").unwrap(),
            Command::Build {
                target: Target::All,
                dist: "dist".into()
            }
        );
    }

    #[test]
    fn parses_the_contract_test_with_roles_and_an_optional_dist() {
        use crate::contract_test::Role;
        assert_eq!(
            parse("contract-test --api http://h:1").unwrap(),
            Command::ContractTest {
                api: "http://h:1".into(),
                roles: vec![],
                dist: None
            }
        );
        assert_eq!(
            parse("contract-test --api http://h:1 --as customer --as admin --dist d").unwrap(),
            Command::ContractTest {
                api: "http://h:1".into(),
                roles: vec![Role::Customer, Role::Admin],
                dist: Some("d".into())
            }
        );
        assert!(parse("contract-test").is_err());
        assert!(parse("contract-test --api http://h:1 --as root").is_err());
    }

    #[test]
    fn refuses_unknown_commands_options_and_a_zero_keep() {
        assert!(parse("launch").is_err());
        assert!(parse("deploy cart --force").is_err());
        assert!(parse("prune --keep 0").is_err());
        assert!(parse("rollback --all").is_err());
        assert!(parse("deploy").is_err());
    }
}
