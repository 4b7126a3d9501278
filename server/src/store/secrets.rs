//! Secrets every instance sharing a database must agree on: the form-token key, or
//! a form rendered by one instance would be refused by the next. An SQLite
//! database is one instance's own, whose data folder keeps them instead.

/// Why a shared secret could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    /// Two instances kept a secret at once and the database refused one.
    #[error("another instance was keeping the same shared key; start again")]
    Conflict,
    #[error("the database cannot be reached to read a shared key: {0}")]
    Unavailable(#[source] super::BoxError),
    #[error("a shared key could not be read: {0}")]
    Failed(#[source] super::BoxError),
}

#[async_trait::async_trait]
pub trait SharedSecrets: Send + Sync {
    /// The secret called `name` that every instance uses, kept as `candidate` by
    /// whichever instance asks first. `None` for a database only this instance uses.
    async fn shared_secret(&self, name: &str, candidate: &[u8]) -> Result<Option<Vec<u8>>, SecretsError>;
}
