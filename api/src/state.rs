//! The state shared by every handler.

use crate::config::Config;
use std::path::Path;
use std::sync::Arc;

/// Cloned into every request, so it holds only cheap handles (`Arc`s, pools). Handlers that
/// need one part take it through `State`; later parts (database pool, keys) join as fields.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The built front end (`DIST_DIR`). Only the path is kept: files are read on each
    /// request because deploys replace them while the server runs.
    pub dist_dir: Arc<Path>,
}

impl AppState {
    pub fn new(config: &Config) -> Self {
        AppState {
            dist_dir: config.dist_dir.as_path().into(),
        }
    }
}
