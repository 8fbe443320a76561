//! Rebuilds the api when a migration is added or changed: `sqlx::migrate!` embeds
//! `migrations/` at compile time, and a proc macro cannot ask cargo to watch a folder, so
//! without this a new migration file would silently be missing from the binary.

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
