//! The command line: subcommands and the flags that override the environment's settings.

use crate::config::Config;
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// The storefront server: the /api/v1 REST API and the built front end on one origin.
///
/// Settings come from the environment (and a `.env` file, see `.env.example`); flags override
/// them.
#[derive(Debug, Parser)]
#[command(version, arg_required_else_help = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// What the binary is asked to do. Later subcommands (demo data, the first admin) join this
/// enum with the identity work they need.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending database migrations, then serve the API and the front end until ctrl-c or
    /// SIGTERM.
    Serve(ServeArgs),
    /// Apply pending database migrations (DATABASE_URL) and exit. Safe to run again: applied
    /// migrations are skipped.
    ///
    /// There is no flag for the URL: a command line is visible to every user of the machine
    /// (`ps`), and the URL may carry a password.
    Migrate,
}

/// Flags of `serve`; each one, when given, replaces the matching environment setting.
#[derive(Debug, Default, Args)]
pub struct ServeArgs {
    /// Address to listen on, IP:PORT (overrides API_ADDR). Port 0 picks a free port.
    #[arg(long, value_name = "IP:PORT")]
    pub addr: Option<SocketAddr>,
    /// Directory of the built front end (overrides DIST_DIR).
    #[arg(long, value_name = "DIR")]
    pub dist: Option<PathBuf>,
}

impl ServeArgs {
    /// `config` with the flags that were given applied on top.
    pub fn apply_to(self, mut config: Config) -> Config {
        if let Some(addr) = self.addr {
            config.addr = addr;
        }
        if let Some(dist) = self.dist {
            config.dist_dir = dist;
        }
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn flags_override_the_environment_and_absent_flags_keep_it() {
        let env = Config::from_lookup(|_| Ok(None)).unwrap();
        let cli = Cli::try_parse_from(["api", "serve", "--addr", "127.0.0.1:0"]).unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("parsed as {:?}", cli.command);
        };

        let config = args.apply_to(env);

        assert_eq!(config.addr, "127.0.0.1:0".parse().unwrap());
        assert_eq!(config.dist_dir, PathBuf::from("dist"));
    }

    #[test]
    fn migrate_takes_no_flags() {
        let cli = Cli::try_parse_from(["api", "migrate"]).unwrap();

        assert!(matches!(cli.command, Command::Migrate));
        assert!(Cli::try_parse_from(["api", "migrate", "--addr", "127.0.0.1:0"]).is_err());
    }
}
