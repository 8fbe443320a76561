//! The middleware between the network and the routes: security headers, the CORS allowlist,
//! rate limits, bounds on a request's size and duration, and the problem+json rendering of
//! errors. `startup` stacks them, in the order its comments explain.

pub mod client_ip;
pub mod cors;
pub mod headers;
pub mod limits;
pub mod origin;
pub mod problem;
pub mod rate_limit;
