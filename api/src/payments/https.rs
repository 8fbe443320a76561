//! The HTTP client every outgoing call is made with (Razorpay's APIs, the mock gateway's
//! webhooks, the tests): rustls on ring with the webpki roots, the TLS stack lettre already
//! brings, configured here rather than by reqwest's default provider (aws-lc, a C build).

use std::sync::Arc;
use std::time::Duration;

/// A client builder whose TLS is rustls on ring, trusting Mozilla's roots (webpki-roots) and
/// nothing from the machine, so a server behaves alike wherever it is deployed.
pub fn client_builder() -> reqwest::ClientBuilder {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::Client::builder().tls_backend_preconfigured(tls)
}

/// A client giving up on a call after `timeout` (connecting included).
pub fn client(timeout: Duration) -> reqwest::Client {
    client_builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .build()
        .expect("the HTTPS client builds")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_client_builds_without_a_process_wide_crypto_provider() {
        // reqwest's `rustls-no-provider` panics in `build` when neither a preconfigured TLS
        // nor a default provider is there: ours brings its own.
        super::client(std::time::Duration::from_secs(1));
    }
}
