//! Staff passwords: what is accepted (ASVS 2.1: at least 12 characters, at most
//! 128, not a common password, no composition rules), how it is normalised (NFC,
//! so "é" typed as one character or as e + accent is one password), and argon2id
//! with OWASP's parameters (19 MiB, 2 passes, 1 lane).

use crate::store::staff::StoredPassword;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use unicode_normalization::UnicodeNormalization;

pub const MIN_PASSWORD_CHARS: usize = 12;
/// ASVS 2.1.2 allows refusing longer ones; argon2 would hash anything.
pub const MAX_PASSWORD_CHARS: usize = 128;

/// OWASP's Password Storage Cheat Sheet, argon2id's first line: m = 19456 KiB, t = 2, p = 1.
pub const MEMORY_KIB: u32 = 19_456;
pub const PASSES: u32 = 2;
pub const LANES: u32 = 1;

/// Passwords of 12 characters or more from the top of public breach-frequency
/// lists, and a few this product invites; shorter ones are refused by length anyway.
const COMMON_PASSWORDS: &str = include_str!("common-passwords.txt");

/// A password as typed, NFC-normalised. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl Password {
    pub fn new(typed: &str) -> Password {
        Password(typed.nfc().collect())
    }

    fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// Whether the password may be set on an account (sign-in never asks: an old
    /// password that would not pass today still signs in).
    pub fn check_strength(&self) -> Result<(), WeakPassword> {
        let chars = self.0.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(WeakPassword::TooShort { chars });
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(WeakPassword::TooLong { chars });
        }
        let lowered = self.0.to_lowercase();
        if COMMON_PASSWORDS.lines().map(str::trim).any(|common| common == lowered) {
            return Err(WeakPassword::Common);
        }
        Ok(())
    }
}

/// Why a new password was refused, in words that say what to do instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WeakPassword {
    #[error(
        "the password has {chars} characters; use at least {MIN_PASSWORD_CHARS} (a few unrelated words work well)"
    )]
    TooShort { chars: usize },
    #[error("the password has {chars} characters; use at most {MAX_PASSWORD_CHARS}")]
    TooLong { chars: usize },
    #[error("this password is one of the most common ones, which are tried first; choose another")]
    Common,
}

#[derive(Debug, thiserror::Error)]
#[error("argon2id failed: {0}")]
pub struct HashingFailed(String);

impl HashingFailed {
    pub(super) fn new(cause: impl std::fmt::Display) -> HashingFailed {
        HashingFailed(cause.to_string())
    }
}

/// Hashes and verifies with one set of parameters. Holds a hash of a random
/// password, verified in place of a real one when the email is unknown, so an
/// unknown email takes as long to refuse as a wrong password.
#[derive(Clone)]
pub struct PasswordHasher {
    argon2: Argon2<'static>,
    dummy: StoredPassword,
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher").finish_non_exhaustive()
    }
}

impl PasswordHasher {
    /// Makes the dummy hash, which costs one hash.
    pub fn new() -> Result<PasswordHasher, HashingFailed> {
        let params = Params::new(MEMORY_KIB, PASSES, LANES, None).map_err(HashingFailed::new)?;
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let mut hasher = PasswordHasher { argon2, dummy: StoredPassword(String::new()) };
        let mut random = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut random);
        hasher.dummy = hasher.hash(&Password(hex::encode(random)))?;
        Ok(hasher)
    }

    /// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) with a fresh 16-byte salt.
    pub fn hash(&self, password: &Password) -> Result<StoredPassword, HashingFailed> {
        let mut salt = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut salt);
        let salt = SaltString::encode_b64(&salt).map_err(HashingFailed::new)?;
        let hash = self.argon2.hash_password(password.as_bytes(), &salt).map_err(HashingFailed::new)?;
        Ok(StoredPassword(hash.to_string()))
    }

    /// Whether `password` is the one `stored` was made from; with no stored hash
    /// (an unknown email) the dummy is verified instead and the answer is false.
    /// The comparison inside argon2 is constant-time. A stored string that does not
    /// parse never matches.
    pub fn verify(&self, password: &Password, stored: Option<&StoredPassword>) -> bool {
        let target = stored.unwrap_or(&self.dummy);
        let matches = PasswordHash::new(&target.0)
            .is_ok_and(|hash| self.argon2.verify_password(password.as_bytes(), &hash).is_ok());
        matches && stored.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_passwords_need_twelve_characters_at_most_128_and_not_a_common_one() {
        assert_eq!(Password::new("short pass").check_strength(), Err(WeakPassword::TooShort { chars: 10 }));
        assert_eq!(
            Password::new(&"x".repeat(129)).check_strength(),
            Err(WeakPassword::TooLong { chars: 129 })
        );
        assert_eq!(Password::new("Password1234").check_strength(), Err(WeakPassword::Common));
        assert_eq!(Password::new("QWERTYUIOPAS").check_strength(), Err(WeakPassword::Common), "any case");
        assert_eq!(Password::new("copper kettle morning").check_strength(), Ok(()));
        // Characters, not bytes: twelve accented letters are enough, eleven are not.
        assert_eq!(Password::new(&"é".repeat(12)).check_strength(), Ok(()));
        assert_eq!(
            Password::new(&"é".repeat(11)).check_strength(),
            Err(WeakPassword::TooShort { chars: 11 })
        );
        assert_eq!(Password::new(&"🔑".repeat(12)).check_strength(), Ok(()));
        let message = WeakPassword::TooShort { chars: 5 }.to_string();
        assert!(message.contains("at least 12"), "{message}");
    }

    #[test]
    fn the_bundled_list_is_lowercase_and_every_entry_would_pass_the_length_rule() {
        for common in COMMON_PASSWORDS.lines() {
            assert_eq!(common, common.trim().to_lowercase(), "{common:?}");
            assert!(common.chars().count() >= MIN_PASSWORD_CHARS, "{common:?} is refused by length already");
        }
        assert!(COMMON_PASSWORDS.lines().count() >= 100);
    }

    #[test]
    fn a_password_is_normalised_to_nfc_so_both_spellings_verify() {
        let composed = "caf\u{e9} au lait, s'il vous pla\u{ee}t";
        let decomposed = "cafe\u{301} au lait, s'il vous plai\u{302}t";
        assert_ne!(composed, decomposed);
        assert_eq!(Password::new(composed), Password::new(decomposed));
        let hasher = PasswordHasher::new().unwrap();
        let stored = hasher.hash(&Password::new(composed)).unwrap();
        assert!(hasher.verify(&Password::new(decomposed), Some(&stored)));
    }

    #[test]
    fn hashes_are_argon2id_with_owasps_parameters_salted_and_verify_only_their_password() {
        let hasher = PasswordHasher::new().unwrap();
        let password = Password::new("copper kettle morning");
        let first = hasher.hash(&password).unwrap();
        let second = hasher.hash(&password).unwrap();
        assert!(first.0.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{}", first.0);
        assert_ne!(first, second, "each hash has its own salt");
        assert!(hasher.verify(&password, Some(&first)) && hasher.verify(&password, Some(&second)));
        assert!(!hasher.verify(&Password::new("copper kettle evening"), Some(&first)));
        assert!(!hasher.verify(&password, Some(&StoredPassword("not a hash".into()))));
        assert!(!hasher.verify(&password, None), "no account, no match");
        assert_eq!(format!("{password:?} {first:?}"), "Password(<redacted>) StoredPassword(<redacted>)");
    }

    #[test]
    fn the_dummy_hash_costs_what_a_real_one_costs() {
        let hasher = PasswordHasher::new().unwrap();
        let real = hasher.hash(&Password::new("copper kettle morning")).unwrap();
        let parameters = |phc: &str| phc.split('$').nth(3).map(str::to_owned);
        assert_eq!(parameters(&hasher.dummy.0), parameters(&real.0));
        assert_eq!(parameters(&real.0).as_deref(), Some("m=19456,t=2,p=1"));
    }
}
