//! Logging setup: `tracing` events to stderr, filtered by `RUST_LOG`.
//!
//! Stderr, because stdout carries the one machine-read line `listening on http://...` that
//! test harnesses wait for; nothing else may be printed there.

use std::io::IsTerminal as _;
use tracing_subscriber::EnvFilter;

/// Filter used when `RUST_LOG` is unset: our own events and one line per request.
const DEFAULT_FILTER: &str = "info";

/// Installs the global subscriber. Call once, from `main`.
pub fn init() {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, not in files or CI logs.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}
