//! Session tokens and the cookie that carries them. A token is 256 random bits; the
//! store keeps only its SHA-256 digest (a fast hash is enough for a value nobody
//! can guess, unlike a password), so reading the database signs nobody in.

use crate::store::staff::{SessionDigest, SessionLimits};
use sha2::{Digest, Sha256};
use std::time::Duration;

const TOKEN_BYTES: usize = 32;

/// Eight hours idle ends a session (the rule), and twelve hours end it
/// however busy it was (ASVS 3.3.2 at level 2): staff sign in once a shift.
pub const SESSION_LIMITS: SessionLimits =
    SessionLimits { idle: Duration::from_secs(8 * 60 * 60), absolute: Duration::from_secs(12 * 60 * 60) };

/// A session token as the cookie carries it: 64 lowercase hex digits. Its `Debug`
/// never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

impl SessionToken {
    pub fn generate() -> SessionToken {
        let mut bytes = [0u8; TOKEN_BYTES];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
        SessionToken(hex::encode(bytes))
    }

    /// The token in a cookie, if it has the shape of one; anything else (forged,
    /// truncated, padded) is no token at all and never reaches the store.
    pub fn parse(cookie: &str) -> Option<SessionToken> {
        let well_formed = cookie.len() == TOKEN_BYTES * 2
            && cookie.bytes().all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte));
        well_formed.then(|| SessionToken(cookie.to_owned()))
    }

    pub fn digest(&self) -> SessionDigest {
        SessionDigest(Sha256::digest(self.0.as_bytes()).into())
    }

    pub fn cookie_value(&self) -> &str {
        &self.0
    }
}

/// The session cookie's name and attributes. Over HTTPS (the configured public URL
/// says so) it is `__Host-` prefixed and `Secure`: the browser then refuses it from
/// plain HTTP or a subdomain, and it is sent to this host only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionCookie {
    secure: bool,
}

impl SessionCookie {
    pub fn new(served_over_https: bool) -> SessionCookie {
        SessionCookie { secure: served_over_https }
    }

    pub fn name(self) -> &'static str {
        if self.secure { "__Host-telepath_staff" } else { "telepath_staff" }
    }

    /// No Max-Age: the browser forgets it when it closes, and the server ends it
    /// sooner by its own limits.
    pub fn set(self, token: &SessionToken) -> String {
        format!("{}={}; {}", self.name(), token.cookie_value(), self.attributes())
    }

    pub fn clear(self) -> String {
        format!("{}=; Max-Age=0; {}", self.name(), self.attributes())
    }

    fn attributes(self) -> &'static str {
        if self.secure {
            "Path=/; HttpOnly; SameSite=Strict; Secure"
        } else {
            "Path=/; HttpOnly; SameSite=Strict"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_random_bits_and_only_their_digest_is_kept() {
        let (first, second) = (SessionToken::generate(), SessionToken::generate());
        assert_ne!(first, second);
        assert_eq!(first.cookie_value().len(), 64);
        assert_eq!(SessionToken::parse(first.cookie_value()), Some(first.clone()));
        assert_eq!(first.digest(), first.clone().digest());
        assert_ne!(first.digest(), second.digest());
        assert_ne!(first.digest().0.as_slice(), first.cookie_value().as_bytes());
        assert_eq!(
            format!("{first:?} {:?}", first.digest()),
            "SessionToken(<redacted>) SessionDigest(<redacted>)"
        );
    }

    #[test]
    fn anything_but_64_lowercase_hex_digits_is_no_token() {
        let valid = SessionToken::generate().cookie_value().to_owned();
        for forged in [
            String::new(),
            valid[..63].to_owned(),
            format!("{valid}0"),
            valid.to_uppercase(),
            format!("{}g", &valid[..63]),
            "' OR 1=1 --".to_owned(),
            format!(" {}", &valid[..63]),
            "0".repeat(10_000),
        ] {
            assert_eq!(SessionToken::parse(&forged), None, "{forged:?}");
        }
    }

    #[test]
    fn the_cookie_is_host_only_strict_and_secure_over_https() {
        let token = SessionToken::generate();
        let plain = SessionCookie::new(false).set(&token);
        assert_eq!(
            plain,
            format!("telepath_staff={}; Path=/; HttpOnly; SameSite=Strict", token.cookie_value())
        );
        let secure = SessionCookie::new(true).set(&token);
        assert_eq!(
            secure,
            format!(
                "__Host-telepath_staff={}; Path=/; HttpOnly; SameSite=Strict; Secure",
                token.cookie_value()
            )
        );
        assert!(!secure.contains("Domain"), "__Host- cookies may not name a domain");
        assert_eq!(
            SessionCookie::new(true).clear(),
            "__Host-telepath_staff=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict; Secure"
        );
    }
}
