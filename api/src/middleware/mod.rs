//! The middleware between the network and the routes: security headers, the CORS allowlist,
//! rate limits, and bounds on a request's size and duration. `startup` stacks them, in the
//! order its comments explain.

pub mod client_ip;
pub mod cors;
pub mod headers;
pub mod limits;
pub mod rate_limit;
