//! The state shared by every handler.

use crate::db::Db;
use axum::extract::FromRef;
use std::path::Path;
use std::sync::Arc;

/// Cloned into every request, so it holds only cheap handles (`Arc`s, pools). Handlers that
/// need one part take it through `State` (see the `FromRef` impls); later parts (keys) join as
/// fields.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The built front end (`DIST_DIR`). Only the path is kept: files are read on each
    /// request because deploys replace them while the server runs.
    pub dist_dir: Arc<Path>,
    /// The database pool (`DATABASE_URL`), already migrated when the server starts.
    pub db: Db,
}

impl FromRef<AppState> for Db {
    fn from_ref(state: &AppState) -> Self {
        state.db.clone()
    }
}
