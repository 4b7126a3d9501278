//! Staff accounts and their sessions: two small traits over one kind of data, with
//! one error enum, since a session is meaningless without its account (disabling
//! an account or changing its password ends its sessions in the same write).

use super::BoxError;
use std::time::Duration;
pub use telepath_domain::StaffRole;

#[derive(Debug, thiserror::Error)]
pub enum StaffStoreError {
    /// No account has this email, or no live session this token.
    #[error("no {0} was found")]
    NotFound(&'static str),
    /// An account with this email already exists.
    #[error("an account with this email already exists")]
    Conflict,
    /// A closed pool, a locked or missing database: worth trying again later.
    #[error("the staff store is unavailable: {0}")]
    Unavailable(#[source] BoxError),
    #[error("account {id} has a role this version does not know: {role:?}")]
    UnknownRole { id: i64, role: String },
    #[error("the staff store failed: {0}")]
    Failed(#[source] BoxError),
}

/// An argon2id PHC string. Not the password, but a copy of it is worth a dictionary
/// attack, so its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredPassword(pub String);

impl std::fmt::Debug for StoredPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoredPassword(<redacted>)")
    }
}

/// The SHA-256 digest of a session token: what the store keeps instead of the token.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionDigest(pub [u8; 32]);

impl std::fmt::Debug for SessionDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionDigest(<redacted>)")
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewStaffAccount {
    /// Already normalised (trimmed, lowercase) and checked by the caller.
    pub email: String,
    pub name: String,
    pub role: StaffRole,
    pub password: StoredPassword,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffAccount {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: StaffRole,
    pub password: StoredPassword,
    /// Milliseconds since the Unix epoch, UTC, from the store's clock.
    pub created_at_ms: i64,
    pub disabled_at_ms: Option<i64>,
}

impl StaffAccount {
    pub fn is_disabled(&self) -> bool {
        self.disabled_at_ms.is_some()
    }
}

/// How long a session lives: it ends after `idle` without a request, and after
/// `absolute` however busy it is (re-authentication at least once a shift).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionLimits {
    pub idle: Duration,
    pub absolute: Duration,
}

/// A live session and whose it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffSession {
    pub account: StaffAccount,
    pub started_at_ms: i64,
    pub last_seen_ms: i64,
}

#[async_trait::async_trait]
pub trait StaffAccounts: Send + Sync + std::fmt::Debug + 'static {
    /// Stores a new account; `Conflict` when the email is taken (disabled accounts too).
    async fn add_account(&self, account: NewStaffAccount) -> Result<StaffAccount, StaffStoreError>;

    async fn account_by_email(&self, email: &str) -> Result<StaffAccount, StaffStoreError>;

    /// Every account, disabled ones included, oldest first.
    async fn accounts(&self) -> Result<Vec<StaffAccount>, StaffStoreError>;

    /// Disables the account and ends all of its sessions at once.
    async fn disable_account(&self, email: &str) -> Result<StaffAccount, StaffStoreError>;

    /// Replaces the password and ends all of the account's sessions, so a stolen
    /// session does not outlive the password change it prompted.
    async fn set_password(&self, email: &str, password: StoredPassword) -> Result<(), StaffStoreError>;
}

#[async_trait::async_trait]
pub trait StaffSessions: Send + Sync + std::fmt::Debug + 'static {
    /// Starts a session for the account under the token's digest, and forgets
    /// sessions that have expired meanwhile, so the table stays small.
    async fn start_session(
        &self,
        account_id: i64,
        digest: &SessionDigest,
        limits: SessionLimits,
    ) -> Result<(), StaffStoreError>;

    /// The session under this digest if it is live: known, within both limits, and
    /// its account not disabled. Looking at it counts as activity. An expired
    /// session is removed and answers `NotFound`, like one that never was.
    async fn live_session(
        &self,
        digest: &SessionDigest,
        limits: SessionLimits,
    ) -> Result<StaffSession, StaffStoreError>;

    /// Ends the session; ending one that is already gone is fine.
    async fn end_session(&self, digest: &SessionDigest) -> Result<(), StaffStoreError>;
}
