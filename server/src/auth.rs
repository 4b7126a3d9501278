//! Staff sign-in and roles, held to OWASP ASVS level 2: argon2id passwords
//! (`password`), random session tokens of which only a digest is stored
//! (`session`), throttled guessing (`throttle`) and who may open what (`guard`).
//!
//! [`StaffAuth`] is the one door: the HTTP handlers and the `telepath staff`
//! command both go through it, so the rules for emails, passwords and sessions
//! are written once. Logs never hold a password, a token or an email address:
//! emails and client addresses appear as keyed tags that group the lines about
//! one of them within a run and cannot be read back.

pub mod guard;
pub mod password;
pub mod session;
pub mod throttle;

pub use password::{Password, PasswordHasher, WeakPassword};
pub use session::{SESSION_LIMITS, SessionCookie, SessionToken};
pub use throttle::{SignInThrottle, ThrottleKey};

use crate::store::staff::{
    NewStaffAccount, SessionLimits, StaffAccount, StaffAccounts, StaffSession, StaffSessions, StaffStoreError,
};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use telepath_app::staff::SignedInStaff;
use telepath_domain::StaffRole;
use tokio::sync::Semaphore;

/// RFC 5321's longest forward path.
const MAX_EMAIL_BYTES: usize = 254;
const MAX_NAME_CHARS: usize = 100;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("{0:?} is not an email address; expected something like name@example.com")]
    InvalidEmail(String),
    #[error("a name is needed, of at most {MAX_NAME_CHARS} characters and no control characters")]
    InvalidName,
    /// An unknown email, a wrong password and a disabled account look alike.
    #[error("the email and password do not match an active staff account")]
    BadCredentials,
    #[error("too many sign-in attempts; try again in {} s", retry_after.as_secs().max(1))]
    Throttled { retry_after: Duration },
    #[error("the password was refused: {0}")]
    WeakPassword(#[from] WeakPassword),
    #[error("{0} already has a staff account")]
    EmailTaken(String),
    #[error("no staff account has the email {0}")]
    NoSuchAccount(String),
    #[error(transparent)]
    Hashing(#[from] password::HashingFailed),
    #[error(transparent)]
    Store(#[from] StaffStoreError),
}

/// A new session, for the response that sets its cookie.
#[derive(Debug)]
pub struct SignedIn {
    pub token: SessionToken,
    pub staff: SignedInStaff,
}

/// Everything staff sign-in needs, cheap to clone into each request.
#[derive(Clone)]
pub struct StaffAuth {
    accounts: Arc<dyn StaffAccounts>,
    sessions: Arc<dyn StaffSessions>,
    hasher: Arc<PasswordHasher>,
    /// Argon2id takes 19 MiB and a core for tens of milliseconds: at most one hash
    /// per core at a time, so a flood queues here instead of exhausting memory and
    /// the blocking thread pool.
    hashing: Arc<Semaphore>,
    throttle: Arc<SignInThrottle>,
    pub cookie: SessionCookie,
    limits: SessionLimits,
    log_key: Arc<[u8; 32]>,
}

impl std::fmt::Debug for StaffAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffAuth")
            .field("cookie", &self.cookie)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl StaffAuth {
    /// `served_over_https`: the configured public URL is `https://`, so the session
    /// cookie gets the `__Host-` prefix and `Secure`.
    pub fn new(
        accounts: Arc<dyn StaffAccounts>,
        sessions: Arc<dyn StaffSessions>,
        served_over_https: bool,
    ) -> Result<StaffAuth, AuthError> {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        let mut log_key = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut log_key);
        Ok(StaffAuth {
            accounts,
            sessions,
            hasher: Arc::new(PasswordHasher::new()?),
            hashing: Arc::new(Semaphore::new(cores)),
            throttle: Arc::new(SignInThrottle::default()),
            cookie: SessionCookie::new(served_over_https),
            limits: SESSION_LIMITS,
            log_key: Arc::new(log_key),
        })
    }

    /// Checks a sign-in and starts a new session. `previous` is the session the
    /// browser already had, ended here so that signing in always rotates the token.
    pub async fn sign_in(
        &self,
        email: &str,
        password: Password,
        client: IpAddr,
        previous: Option<SessionToken>,
    ) -> Result<SignedIn, AuthError> {
        let address = ThrottleKey::address(client);
        let client_tag = self.tag(&client.to_string());
        let email = match normalise_email(email) {
            Ok(email) => email,
            Err(invalid) => {
                // Counted against the address, so junk cannot be sent without limit either.
                if let Err(retry_after) = self.throttle.attempt(&[address], Instant::now()) {
                    tracing::info!(client = %client_tag, "staff sign-in throttled");
                    return Err(AuthError::Throttled { retry_after });
                }
                tracing::info!(client = %client_tag, "staff sign-in refused: not an email address");
                return Err(invalid);
            }
        };
        let email_tag = self.tag(&email);
        let account_key = ThrottleKey::account(&email);
        if let Err(retry_after) = self.throttle.attempt(&[account_key, address], Instant::now()) {
            tracing::info!(email = %email_tag, client = %client_tag, retry_after_s = retry_after.as_secs(), "staff sign-in throttled");
            return Err(AuthError::Throttled { retry_after });
        }
        let account = match self.accounts.account_by_email(&email).await {
            Ok(account) => Some(account),
            Err(StaffStoreError::NotFound(_)) => None,
            Err(error) => return Err(error.into()),
        };
        // Verified even when there is no account (against the dummy hash) or it is
        // disabled, so every refusal takes one hash's time.
        let matches = self.verify(password, account.as_ref().map(|account| account.password.clone())).await?;
        let account = match account {
            Some(account) if matches && !account.is_disabled() => account,
            _ => {
                tracing::info!(email = %email_tag, client = %client_tag, "staff sign-in failed");
                return Err(AuthError::BadCredentials);
            }
        };
        self.throttle.succeeded(account_key, address);
        if let Some(previous) = previous {
            self.sessions.end_session(&previous.digest()).await?;
        }
        let token = SessionToken::generate();
        self.sessions.start_session(account.id, &token.digest(), self.limits).await?;
        tracing::info!(account = account.id, role = %account.role, client = %client_tag, "staff signed in");
        Ok(SignedIn {
            token,
            staff: SignedInStaff { id: account.id, name: account.name, role: account.role },
        })
    }

    /// The live session this token belongs to, if any.
    pub async fn session(&self, token: &SessionToken) -> Result<Option<StaffSession>, AuthError> {
        match self.sessions.live_session(&token.digest(), self.limits).await {
            Ok(session) => Ok(Some(session)),
            Err(StaffStoreError::NotFound(_)) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    pub async fn sign_out(&self, token: &SessionToken) -> Result<(), AuthError> {
        let account = self.session(token).await?.map(|session| session.account.id);
        self.sessions.end_session(&token.digest()).await?;
        tracing::info!(account, "staff signed out");
        Ok(())
    }

    /// Adds an account after checking the email, the name and the password.
    pub async fn add_account(
        &self,
        email: &str,
        name: &str,
        role: StaffRole,
        password: Password,
    ) -> Result<StaffAccount, AuthError> {
        let email = normalise_email(email)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
            return Err(AuthError::InvalidName);
        }
        password.check_strength()?;
        let password = self.hash(password).await?;
        let account = NewStaffAccount { email: email.clone(), name: name.to_owned(), role, password };
        match self.accounts.add_account(account).await {
            Ok(account) => {
                tracing::info!(account = account.id, role = %role, "staff account added");
                Ok(account)
            }
            Err(StaffStoreError::Conflict) => Err(AuthError::EmailTaken(email)),
            Err(error) => Err(error.into()),
        }
    }

    pub async fn accounts(&self) -> Result<Vec<StaffAccount>, AuthError> {
        Ok(self.accounts.accounts().await?)
    }

    /// Disables the account; its sessions end at once.
    pub async fn disable_account(&self, email: &str) -> Result<StaffAccount, AuthError> {
        let email = normalise_email(email)?;
        match self.accounts.disable_account(&email).await {
            Ok(account) => {
                tracing::info!(account = account.id, "staff account disabled");
                Ok(account)
            }
            Err(StaffStoreError::NotFound(_)) => Err(AuthError::NoSuchAccount(email)),
            Err(error) => Err(error.into()),
        }
    }

    /// Sets a new password; the account's sessions end at once.
    pub async fn change_password(&self, email: &str, password: Password) -> Result<(), AuthError> {
        let email = normalise_email(email)?;
        password.check_strength()?;
        let password = self.hash(password).await?;
        match self.accounts.set_password(&email, password).await {
            Ok(()) => Ok(()),
            Err(StaffStoreError::NotFound(_)) => Err(AuthError::NoSuchAccount(email)),
            Err(error) => Err(error.into()),
        }
    }

    /// What a fresh install should do first, while no admin can sign in.
    pub async fn first_run_hint(&self) -> Result<Option<&'static str>, AuthError> {
        let accounts = self.accounts.accounts().await?;
        let has_admin =
            accounts.iter().any(|account| account.role == StaffRole::Admin && !account.is_disabled());
        Ok((!has_admin).then_some(
            "No staff admin yet. Create the first one (it asks for a password):\n  \
             telepath staff add you@example.com --name \"Your Name\" --role admin",
        ))
    }

    async fn hash(&self, password: Password) -> Result<crate::store::staff::StoredPassword, AuthError> {
        let hasher = self.hasher.clone();
        let _permit = self.hashing.acquire().await.map_err(password::HashingFailed::new)?;
        tokio::task::spawn_blocking(move || hasher.hash(&password))
            .await
            .map_err(password::HashingFailed::new)?
            .map_err(AuthError::from)
    }

    async fn verify(
        &self,
        password: Password,
        stored: Option<crate::store::staff::StoredPassword>,
    ) -> Result<bool, AuthError> {
        let hasher = self.hasher.clone();
        let _permit = self.hashing.acquire().await.map_err(password::HashingFailed::new)?;
        tokio::task::spawn_blocking(move || hasher.verify(&password, stored.as_ref()))
            .await
            .map_err(|failed| AuthError::Hashing(password::HashingFailed::new(failed)))
    }

    /// A keyed tag for a log line: the same value gives the same tag until restart.
    fn tag(&self, value: &str) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(self.log_key.as_slice()).expect("HMAC takes keys of any length");
        mac.update(value.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..6])
    }
}

/// The email as accounts are stored under it: trimmed and lowercase, one `@` with
/// something on both sides, no spaces or control characters, at most 254 bytes.
/// Anything else is refused before it reaches the store or the logs.
pub fn normalise_email(typed: &str) -> Result<String, AuthError> {
    let email = typed.trim().to_lowercase();
    let well_formed = email.len() <= MAX_EMAIL_BYTES
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if well_formed {
        Ok(email)
    } else {
        let shown: String = typed.chars().take(40).collect();
        Err(AuthError::InvalidEmail(if typed.chars().count() > 40 { format!("{shown}…") } else { shown }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lowercased_and_anything_else_is_refused() {
        assert_eq!(normalise_email("  Ana.Lima@Example.COM ").unwrap(), "ana.lima@example.com");
        assert_eq!(normalise_email("o'brien@example.ie").unwrap(), "o'brien@example.ie", "quotes are legal");
        for invalid in [
            "",
            "ana",
            "@example.com",
            "ana@",
            "ana@@example.com",
            "ana@example.com.",
            "a b@example.com",
            "' OR 1=1 --",
            "ana@example.com\r\nBcc: x@y.z",
            "ana\u{0}@example.com",
        ] {
            assert!(matches!(normalise_email(invalid), Err(AuthError::InvalidEmail(_))), "{invalid:?}");
        }
        let huge = format!("{}@example.com", "a".repeat(10 * 1024));
        let refused = normalise_email(&huge).unwrap_err().to_string();
        assert!(refused.len() < 200, "the message quotes only the start: {refused}");
        assert!(refused.contains("expected something like name@example.com"), "{refused}");
    }
}
