//! Typed configuration, read from the environment (and `.env`, loaded by the binary).
//!
//! Every setting has a default that works on a fresh checkout, so `cargo run -p api -- serve`
//! needs nothing set. `.env.example` at the repository root lists the same variables.

use std::env::VarError;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Default for [`Config::addr`]: loopback only, so a development server is not exposed to the
/// network by accident.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// Default for [`Config::dist_dir`], relative to the working directory (the repository root
/// when run through cargo), where `cargo xtask build` writes the front end.
pub const DEFAULT_DIST_DIR: &str = "dist";

/// Everything the server needs to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `API_ADDR`: the socket address to listen on, `IP:PORT` (default `127.0.0.1:8080`).
    /// Port 0 asks the OS for a free port; the bound one is printed at startup.
    pub addr: SocketAddr,
    /// `DIST_DIR`: the built front end (`index.html`, `federation.json`, `shell/`,
    /// `widgets/`), default `dist`. Read on every request, never cached in memory, because
    /// deploys replace files in it while the server runs.
    pub dist_dir: PathBuf,
}

/// A setting that is present but unusable. Startup stops on it rather than guessing.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is not valid UTF-8")]
    NotUnicode { name: &'static str },
    #[error("{name}={value:?} is not valid: {reason}")]
    Invalid {
        name: &'static str,
        value: String,
        reason: String,
    },
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| match std::env::var(name) {
            Ok(value) => Ok(Some(value)),
            Err(VarError::NotPresent) => Ok(None),
            Err(VarError::NotUnicode(_)) => Err(ConfigError::NotUnicode { name }),
        })
    }

    /// Reads the configuration through `lookup`, so tests need not touch the process
    /// environment (which is shared by every test thread). An empty value counts as unset,
    /// which is what a `NAME=` line in `.env` usually means.
    pub fn from_lookup(
        lookup: impl Fn(&'static str) -> Result<Option<String>, ConfigError>,
    ) -> Result<Self, ConfigError> {
        let var = |name| Ok::<_, ConfigError>(lookup(name)?.filter(|value| !value.is_empty()));

        let addr = match var("API_ADDR")? {
            Some(value) => {
                value
                    .parse()
                    .map_err(|e: std::net::AddrParseError| ConfigError::Invalid {
                        name: "API_ADDR",
                        reason: format!("{e} (expected IP:PORT, e.g. 127.0.0.1:8080)"),
                        value,
                    })?
            }
            None => DEFAULT_ADDR
                .parse()
                .expect("DEFAULT_ADDR is a valid socket address"),
        };
        let dist_dir = var("DIST_DIR")?
            .unwrap_or_else(|| DEFAULT_DIST_DIR.to_owned())
            .into();

        Ok(Config { addr, dist_dir })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config_from(vars: &[(&'static str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<_, _> = vars.iter().map(|(k, v)| (*k, v.to_string())).collect();
        Config::from_lookup(|name| Ok(vars.get(name).cloned()))
    }

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let config = config_from(&[]).unwrap();

        assert_eq!(config.addr, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(config.dist_dir, PathBuf::from("dist"));
    }

    #[test]
    fn environment_values_override_the_defaults() {
        let config =
            config_from(&[("API_ADDR", "0.0.0.0:9000"), ("DIST_DIR", "/srv/dist")]).unwrap();

        assert_eq!(config.addr, "0.0.0.0:9000".parse().unwrap());
        assert_eq!(config.dist_dir, PathBuf::from("/srv/dist"));
    }

    #[test]
    fn an_empty_value_counts_as_unset() {
        let config = config_from(&[("API_ADDR", ""), ("DIST_DIR", "")]).unwrap();

        assert_eq!(config, config_from(&[]).unwrap());
    }

    #[test]
    fn an_unparsable_address_is_refused_and_named() {
        let error = config_from(&[("API_ADDR", "localhost")]).unwrap_err();

        assert!(
            error
                .to_string()
                .starts_with("API_ADDR=\"localhost\" is not valid"),
            "{error}"
        );
    }
}
