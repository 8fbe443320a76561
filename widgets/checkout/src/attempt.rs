//! The `Idempotency-Key` of a payment attempt: one per order body, kept while the shopper
//! retries that same body (a lost answer, a double click), replaced when they change anything.
//!
//! The API replays the first answer for a repeated key and body and refuses a repeated key with
//! another body, so reusing a key for an edited address would fail, and a fresh key for a plain
//! retry could buy twice.
//!
//! Once an order is placed and its payment opened in the page (Razorpay Checkout), the attempt
//! also holds the order: "Pay" then reads that order as it is now instead of placing it again
//! (the kept answer of the placement would still offer a payment the order may no longer take).

/// The body last sent and its key, and the order it placed, if its payment opened in the page
/// (empty otherwise).
#[derive(Default)]
pub struct Attempt {
    body: String,
    key: String,
    pub order: String,
}

impl Attempt {
    /// The key for sending `body`: the previous one when the body is the same.
    pub fn key_for(&mut self, body: &str, fresh: impl FnOnce() -> String) -> String {
        if self.key.is_empty() || self.body != body {
            self.body = body.to_owned();
            self.key = fresh();
        }
        self.key.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_retry_of_the_same_body_keeps_its_key_and_a_changed_body_gets_a_new_one() {
        let mut attempt = Attempt::default();
        let mut n = 0;
        let mut fresh = || {
            n += 1;
            format!("k{n}")
        };
        assert_eq!(attempt.key_for("a", &mut fresh), "k1");
        assert_eq!(attempt.key_for("a", &mut fresh), "k1");
        assert_eq!(attempt.key_for("b", &mut fresh), "k2");
        assert_eq!(attempt.key_for("a", &mut fresh), "k3");
    }
}
