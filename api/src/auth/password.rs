//! Passwords: the policy a new one must meet, and argon2id hashing and verification.
//!
//! Argon2id with OWASP's minimum parameters (19 MiB of memory, 2 passes, 1 lane). Hashing costs
//! tens of milliseconds of CPU on purpose, so it runs on tokio's blocking pool
//! ([`hash`]/[`verify`] are async), never on a worker thread that serves other requests.

use anyhow::Context as _;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// The shortest password accepted, in characters (seed 004).
pub const MIN_CHARS: usize = 12;
/// The longest, in bytes: enough for any passphrase, small enough that nobody can make the
/// server hash megabytes.
pub const MAX_BYTES: usize = 1024;

/// OWASP's argon2id settings: memory in KiB, passes, lanes.
const M_COST_KIB: u32 = 19_456;
const T_COST: u32 = 2;
const P_COST: u32 = 1;

/// A fixed argon2id PHC string with the same parameters as real hashes, whose salt and hash
/// bytes were made up rather than computed, so no known password matches it (and `verify`
/// refuses a match against it all the same). Sign-in verifies against it when the email
/// matches no account, so an unknown email costs the same time as a
/// wrong password and the response time does not reveal whether an account exists.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$ZHVtbXlzYWx0ZHVtbXlzYWx0$gsaVT6KJt8mu2XthSHrlm1V5sInWFUhq/2vCZazfyNM";

/// Why a new password is refused; the message is shown next to the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("must be at least 12 characters")]
    TooShort,
    #[error("must be at most 1024 bytes")]
    TooLong,
    #[error("must not be only spaces")]
    Blank,
}

impl PolicyError {
    /// The stable code of the field error.
    pub fn code(self) -> &'static str {
        match self {
            PolicyError::TooShort => "too_short",
            PolicyError::TooLong => "too_long",
            PolicyError::Blank => "blank",
        }
    }
}

/// Checks a new password against the policy. No composition rules (digits, symbols): length is
/// what makes a password hard to guess, and such rules push people towards predictable ones.
pub fn check_policy(password: &str) -> Result<(), PolicyError> {
    if password.len() > MAX_BYTES {
        Err(PolicyError::TooLong)
    } else if password.trim().is_empty() {
        Err(PolicyError::Blank)
    } else if password.chars().count() < MIN_CHARS {
        Err(PolicyError::TooShort)
    } else {
        Ok(())
    }
}

fn hasher() -> Argon2<'static> {
    let params = Params::new(M_COST_KIB, T_COST, P_COST, None)
        .expect("the OWASP argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string of `password` with a fresh random salt, computed on the blocking pool.
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .context("the hashing task failed")?
}

fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

/// Whether `password` matches `stored` (a PHC string), or the dummy hash when there is no
/// account (`None`), which never matches. Runs on the blocking pool. A stored hash that does
/// not parse is an error, not a mismatch: it means corrupt data.
pub async fn verify(password: String, stored: Option<String>) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let matches = verify_blocking(&password, stored.as_deref().unwrap_or(DUMMY_HASH))?;
        Ok(matches && stored.is_some())
    })
    .await
    .context("the verification task failed")?
}

fn verify_blocking(password: &str, stored: &str) -> anyhow::Result<bool> {
    let parsed = PasswordHash::new(stored).map_err(|e| anyhow::anyhow!("a stored hash: {e}"))?;
    // The parameters come from the PHC string, so older hashes keep verifying after a raise.
    match hasher().verify_password(password.as_bytes(), &parsed) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::Password) => Ok(false),
        Err(e) => Err(anyhow::anyhow!("verifying a password: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_wants_twelve_characters_not_bytes() {
        assert_eq!(check_policy("elevenchars"), Err(PolicyError::TooShort));
        assert_eq!(check_policy("twelve chars"), Ok(()));
        // Twelve characters, more than twelve bytes.
        assert_eq!(check_policy("ééééééééééé"), Err(PolicyError::TooShort));
        assert_eq!(check_policy("éééééééééééé"), Ok(()));
    }

    #[test]
    fn the_policy_refuses_blank_and_huge_passwords() {
        assert_eq!(check_policy("              "), Err(PolicyError::Blank));
        assert_eq!(check_policy(&"a".repeat(1024)), Ok(()));
        assert_eq!(check_policy(&"a".repeat(1025)), Err(PolicyError::TooLong));
    }

    #[tokio::test]
    async fn a_hash_is_argon2id_with_owasp_parameters_and_verifies_only_its_password() {
        let hash = hash("correct horse battery".into()).await.unwrap();

        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(
            verify("correct horse battery".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify("correct horse batterY".into(), Some(hash))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn two_hashes_of_one_password_differ_by_their_salt() {
        let first = hash("correct horse battery".into()).await.unwrap();
        let second = hash("correct horse battery".into()).await.unwrap();

        assert_ne!(first, second);
    }

    #[test]
    fn the_dummy_hash_has_the_real_parameters_so_it_costs_the_same() {
        let dummy = PasswordHash::new(DUMMY_HASH).unwrap();
        let real = hash_blocking("anything at all").unwrap();
        let real = PasswordHash::new(&real).unwrap();

        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.params, real.params);
        assert_eq!(dummy.version, real.version);
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        assert!(!verify("dummy".into(), None).await.unwrap());
        assert!(!verify(String::new(), None).await.unwrap());
    }

    #[tokio::test]
    async fn a_corrupt_stored_hash_is_an_error_not_a_mismatch() {
        assert!(verify("x".into(), Some("not a hash".into())).await.is_err());
    }
}
