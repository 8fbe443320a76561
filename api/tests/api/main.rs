//! The API's integration tests: one binary (one link step) with a module per feature; every
//! test boots a real server on a free port through `helpers::spawn_app`.

mod errors;
mod health;
mod helpers;
mod static_files;
