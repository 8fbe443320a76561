//! Which address a request comes from, for rate limits: the socket's peer, or, behind a
//! trusted reverse proxy (`TRUST_PROXY`), the address that proxy appended to
//! `X-Forwarded-For`.

use axum::extract::{ConnectInfo, Request};
use axum::http::HeaderMap;
use std::net::{IpAddr, SocketAddr};

/// The header a reverse proxy appends the client's address to.
pub const X_FORWARDED_FOR: &str = "x-forwarded-for";

/// The client's address, or `None` when the server was not started with connection info
/// (in-process tests through `Router::oneshot`). IPv4-mapped IPv6 addresses come back as
/// IPv4, so one client has one address whichever socket family it arrived on.
///
/// With `trust_proxy`, the right-most `X-Forwarded-For` entry: the one our proxy appended.
/// Entries to its left were written by the client or by proxies we know nothing about, so
/// they may be anything. Without `trust_proxy` the header is ignored: any client can send it.
/// When it is missing or unreadable, the peer (the proxy itself) stands in.
pub fn client_ip(request: &Request, trust_proxy: bool) -> Option<IpAddr> {
    let forwarded = if trust_proxy {
        forwarded_for(request.headers())
    } else {
        None
    };
    forwarded
        .or_else(|| {
            request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(peer)| peer.ip())
        })
        .map(|ip| ip.to_canonical())
}

/// The right-most entry of the last `X-Forwarded-For` line, as an address (some proxies add
/// the port: `203.0.113.7:5123`, `[2001:db8::1]:5123`).
fn forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    let line = headers.get_all(X_FORWARDED_FOR).iter().next_back()?;
    let entry = line.to_str().ok()?.rsplit(',').next()?.trim();
    entry
        .parse::<IpAddr>()
        .or_else(|_| entry.parse::<SocketAddr>().map(|socket| socket.ip()))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn request(peer: Option<&str>, forwarded: &[&str]) -> Request {
        let mut request = Request::get("/api/v1/health");
        for line in forwarded {
            request = request.header(X_FORWARDED_FOR, *line);
        }
        let mut request = request.body(Body::empty()).unwrap();
        if let Some(peer) = peer {
            request
                .extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(peer.parse().unwrap()));
        }
        request
    }

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn without_trust_the_peer_is_the_client_whatever_the_header_says() {
        let request = request(Some("198.51.100.1:40000"), &["203.0.113.7"]);

        assert_eq!(client_ip(&request, false), ip("198.51.100.1"));
    }

    #[test]
    fn behind_a_trusted_proxy_the_right_most_forwarded_entry_is_the_client() {
        let spoofed = request(
            Some("10.0.0.2:40000"),
            &["1.1.1.1, 2.2.2.2", "9.9.9.9, 203.0.113.7"],
        );
        let with_port = request(Some("10.0.0.2:40000"), &["[2001:db8::1]:5123"]);

        assert_eq!(client_ip(&spoofed, true), ip("203.0.113.7"));
        assert_eq!(client_ip(&with_port, true), ip("2001:db8::1"));
    }

    #[test]
    fn a_missing_or_unreadable_forwarded_entry_falls_back_to_the_peer() {
        let missing = request(Some("10.0.0.2:40000"), &[]);
        let garbage = request(Some("10.0.0.2:40000"), &["203.0.113.7, not-an-address"]);

        assert_eq!(client_ip(&missing, true), ip("10.0.0.2"));
        assert_eq!(client_ip(&garbage, true), ip("10.0.0.2"));
    }

    #[test]
    fn an_ipv4_mapped_peer_is_its_ipv4_address_and_no_connection_info_is_none() {
        let mapped = request(Some("[::ffff:198.51.100.1]:40000"), &[]);

        assert_eq!(client_ip(&mapped, false), ip("198.51.100.1"));
        assert_eq!(client_ip(&request(None, &[]), false), None);
    }
}
