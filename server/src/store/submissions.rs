//! Completed task forms, each under a reference the customer can quote.

use super::BoxError;

#[derive(Debug, thiserror::Error)]
pub enum SubmissionsError {
    #[error("no submission has the reference {0}")]
    NotFound(String),
    /// Another submission already has this reference (a new one may be tried).
    #[error("the submission conflicts with one already stored")]
    Conflict,
    /// A closed pool, a locked or missing database: worth trying again later.
    #[error("the submissions store is unavailable: {0}")]
    Unavailable(#[source] BoxError),
    #[error("the stored answers of {reference} are not valid JSON: {source}")]
    BadFields {
        reference: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("the submissions store failed: {0}")]
    Failed(#[source] BoxError),
}

/// A completed task form about to be stored.
#[derive(Clone, Debug, PartialEq)]
pub struct NewSubmission {
    pub task: String,
    pub visitor: String,
    pub fields: serde_json::Value,
    /// The same key twice from the same visitor means the same form sent twice: stored once.
    pub idempotency_key: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StoredSubmission {
    pub reference: String,
    pub task: String,
    pub visitor: String,
    pub fields: serde_json::Value,
    /// Milliseconds since the Unix epoch, UTC, from the store's clock.
    pub submitted_at_ms: i64,
}

#[async_trait::async_trait]
pub trait Submissions: Send + Sync + std::fmt::Debug + 'static {
    /// Stores a submission under a new reference, or returns the one this visitor
    /// already stored with the same idempotency key.
    async fn save(&self, submission: NewSubmission) -> Result<StoredSubmission, SubmissionsError>;

    async fn by_reference(&self, reference: &str) -> Result<StoredSubmission, SubmissionsError>;
}

/// A reference customers can read out on the phone: no 0/O or 1/I/L to confuse.
pub fn new_reference() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut rng = rand::rng();
    let mut pick = || char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]);
    let first: String = (0..4).map(|_| pick()).collect();
    let second: String = (0..4).map(|_| pick()).collect();
    format!("TP-{first}-{second}")
}
