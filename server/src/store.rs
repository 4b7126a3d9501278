//! Where the portal keeps what happens: an append-only log of anonymous visitor
//! events. Callers see only the `Store` trait; SQLite is the embedded default and a
//! PostgreSQL store can sit beside it with its own migrations.

mod sqlite;

pub use sqlite::SqliteStore;

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database at {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot make the database file {path} readable by this user only: {source}")]
    Private {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot bring the database schema up to date: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("database query failed: {0}")]
    Query(#[from] sqlx::Error),
    #[error("an event payload is not valid JSON: {0}")]
    Payload(#[from] serde_json::Error),
}

/// An event about to be appended.
#[derive(Clone, Debug, PartialEq)]
pub struct NewEvent {
    pub visitor: String,
    pub kind: String,
    pub payload: serde_json::Value,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StoredEvent {
    pub id: i64,
    pub visitor: String,
    pub kind: String,
    pub payload: serde_json::Value,
    /// Milliseconds since the Unix epoch, UTC.
    pub occurred_at_ms: i64,
}

/// A completed task form about to be stored.
#[derive(Clone, Debug, PartialEq)]
pub struct NewSubmission {
    pub task: String,
    pub visitor: String,
    pub fields: serde_json::Value,
    /// The same key twice means the same form sent twice: stored once.
    pub idempotency_key: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StoredSubmission {
    pub reference: String,
    pub task: String,
    pub visitor: String,
    pub fields: serde_json::Value,
    pub submitted_at_ms: i64,
}

#[async_trait::async_trait]
pub trait Store: Send + Sync + std::fmt::Debug + 'static {
    /// Appends an event stamped with the current time and returns its id.
    async fn append_event(&self, event: NewEvent) -> Result<i64, StoreError>;

    /// The id of the newest event, updated on every append, so live views (and tests)
    /// wait for what happens instead of asking again and again.
    fn newest_event(&self) -> tokio::sync::watch::Receiver<i64>;

    /// The newest events of one kind (or of all kinds), newest first.
    async fn recent_events(&self, kind: Option<&str>, limit: u32) -> Result<Vec<StoredEvent>, StoreError>;

    /// Stores a submission under a new reference, or returns the one already stored
    /// with the same idempotency key.
    async fn save_submission(&self, submission: NewSubmission) -> Result<StoredSubmission, StoreError>;

    async fn submission(&self, reference: &str) -> Result<Option<StoredSubmission>, StoreError>;
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

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
}
