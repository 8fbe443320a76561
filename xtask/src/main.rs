//! `cargo xtask`: sets up the tools, builds and deploys the shell and widgets, serves, and runs
//! every test. README.md lists the commands; docs/MFE.md explains deploy and rollback.

mod bench;
mod build;
mod cli;
mod contract_test;
mod deploy;
mod fsx;
mod metadata;
mod postgres;
mod run;
mod schemathesis;
mod size;
mod system;
mod test;
mod tools;

use anyhow::Result;
use std::process::ExitCode;

const USAGE: &str = "\
cargo xtask <command> [options]

  setup                       install what is missing: wasm target, trunk, wasm-bindgen-cli, node tools
  run                         setup, build and deploy everything, serve on http://127.0.0.1:8080
  test                        every test: unit, integration, Schemathesis as every role, and browser tests in headless Chromium
  schemathesis                only the test command's Schemathesis step (xtask/schemathesis.toml)
  bench                       load figures (wrk, release builds): authenticated GET vs bare axum, sign-in cost
  bench --catalog [N]         the catalog at scale: N products (default 100000) seeded, then every kind of read under wrk
  bench --shoppers [N]        mixed traffic: N shoppers (default 1000) with think time browse, fill carts, order, pay, sign in
        [--capacity]          ... then the most shoppers with p95 < 200 ms (doubling, then bisecting)
  build shell|<widget>|--all  build into dist/ (a widget gets a new release folder, not yet live)
  deploy <widget>|--all       build and make live: swap the widget's federation.json entry atomically
  deploy ... --api URL        the same, refused if a widget calls what the API at URL lacks or rejects
  contract-test --api URL [--as ROLE] [--dist DIR]
                              every operation of URL's API called and decoded into the contracts types;
                              every widget's operations checked against it (docs/CONTRACTS.md)
  rollback <widget>           make the previous release of <widget> live again
  prune [--keep N]            delete release folders older than the last N (default 3) of each widget
  size [--check]              size report of the shell and live widgets (also dist/size-report.json)
  releases <widget>           list a widget's releases, newest last

options: --dist DIR   the folder to build into and serve (default: dist)";

fn main() -> ExitCode {
    match cli::Command::parse(std::env::args().skip(1)).and_then(dispatch) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(command: cli::Command) -> Result<()> {
    use cli::Command::*;
    let workspace = metadata::Workspace::load()?;
    match command {
        Help => {
            println!("{USAGE}");
            Ok(())
        }
        Setup => tools::setup(&workspace),
        Run { dist } => run::run(&workspace, &dist),
        Test => test::run(&workspace),
        Schemathesis => test::schemathesis_only(&workspace),
        Bench {
            shoppers: Some(shoppers),
            capacity,
            ..
        } => bench::mixed::run(&workspace, shoppers, capacity),
        Bench {
            catalog: Some(products),
            ..
        } => bench::catalog::run(&workspace, products),
        Bench { .. } => bench::run(&workspace),
        Build { target, dist } => build::build(&workspace, &target, &dist).map(drop),
        Deploy { target, dist, api } => deploy::deploy(&workspace, &target, &dist, api.as_deref()),
        ContractTest { api, roles, dist } => {
            contract_test::run(&workspace, &api, &roles, dist.as_deref())
        }
        Rollback { widget, dist } => deploy::rollback(&dist, &widget),
        Prune { keep, dist } => deploy::prune(&dist, keep),
        Size { check, dist } => size::report(&dist, check),
        Releases { widget, dist } => deploy::print_releases(&dist, &widget),
    }
}
