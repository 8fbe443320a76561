//! The shell page's Content-Security-Policy, and the same loosened for a gateway whose
//! checkout runs in the page. A module of its own: the gateway (`payments::razorpay`) builds its
//! policy at start, and must not depend on the file server (which depends on the routes).

/// The Content-Security-Policy of the shell page. No `'unsafe-inline'` anywhere: the page boots
/// from an external module, widget modules are imported from `blob:` URLs of their verified
/// bytes (docs/MFE.md, section 4), wasm is compiled from bytes (`'wasm-unsafe-eval'`), and
/// widget styles are constructed stylesheets, which `style-src` does not govern. `img-src`
/// allows `blob:` for the preview of an image a seller picked before uploading it (an object
/// URL of the chosen file).
pub const SHELL_CSP: &str = "default-src 'self'; script-src 'self' blob: 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; \
base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The directive [`shell_csp_with`] extends with a gateway's checkout script.
const SHELL_SCRIPT_SRC: &str = "script-src 'self' blob: 'wasm-unsafe-eval'";

/// [`SHELL_CSP`] for a gateway that pays in the page (Razorpay Checkout): its script may load
/// from `script_origin`, and its frames from `frame_origins` (each `scheme://host[:port]`,
/// from configuration, so a stand-in on 127.0.0.1 works in tests). Nothing else is loosened.
pub fn shell_csp_with(script_origin: &str, frame_origins: &[&str]) -> String {
    let mut frames: Vec<&str> = Vec::new();
    for origin in frame_origins {
        if !frames.contains(origin) {
            frames.push(origin);
        }
    }
    let csp = SHELL_CSP.replacen(
        SHELL_SCRIPT_SRC,
        &format!("{SHELL_SCRIPT_SRC} {script_origin}"),
        1,
    );
    format!("{csp}; frame-src {}", frames.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gateway_checkout_adds_its_script_and_frames_and_nothing_else() {
        assert!(SHELL_CSP.contains(SHELL_SCRIPT_SRC));
        let csp = shell_csp_with(
            "https://checkout.razorpay.com",
            &["https://checkout.razorpay.com", "https://api.razorpay.com"],
        );
        assert_eq!(
            csp,
            SHELL_CSP.replace(
                SHELL_SCRIPT_SRC,
                "script-src 'self' blob: 'wasm-unsafe-eval' https://checkout.razorpay.com"
            ) + "; frame-src https://checkout.razorpay.com https://api.razorpay.com"
        );
        let stand_in = shell_csp_with(
            "http://127.0.0.1:9",
            &["http://127.0.0.1:9", "http://127.0.0.1:9"],
        );
        assert!(
            stand_in.ends_with("; frame-src http://127.0.0.1:9"),
            "{stand_in}"
        );
        assert!(!stand_in.contains("'unsafe-inline'"));
    }
}
