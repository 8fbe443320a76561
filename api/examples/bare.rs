//! A bare axum endpoint, the baseline of `cargo xtask bench`: the same runtime and listener as
//! the API with none of its work (no middleware, no token, no database). The bench reports
//! the API's throughput as a share of this one's.

use axum::Router;
use axum::routing::get;
use std::io::Write as _;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    // The line the bench waits for, as `api serve` prints it.
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "listening on http://{}", listener.local_addr()?)?;
    stdout.flush()?;
    drop(stdout);
    let app = Router::new().route("/", get(|| async { "ok" }));
    axum::serve(listener, app).await
}
