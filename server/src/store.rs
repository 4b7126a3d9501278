//! Where the portal keeps what happens. One small trait per kind of data:
//! [`EventLog`] (the append-only log of anonymous visitor events, with a
//! subscription), [`Submissions`] (completed task forms), [`Conversations`] (live
//! chat), [`EffortScores`] (the Customer Effort Score's ratings), [`AgentPresence`]
//! (which agents are online) and, in `staff`, staff accounts and their sessions. Each has its own small error enum; time comes
//! from an injected [`Clock`]. SQLite (`sqlite/`) is the embedded default;
//! PostgreSQL (`postgres/`, with its own migrations) is for several instances
//! sharing one database. Both pass the same contract suite (`contract.rs`), and
//! the `database` setting ([`Database`]) says which one [`open`] opens.

mod clock;
#[cfg(test)]
mod contract;
pub mod conversations;
pub mod copy;
mod database;
mod effort;
mod event_log;
mod failure;
mod postgres;
pub mod presence;
pub mod secrets;
pub mod signals;
mod sqlite;
pub mod staff;
mod submissions;

pub use clock::{Clock, SystemClock};
pub use conversations::{Conversations, ConversationsError};
pub use database::{Database, OpenError, PostgresUrl, Store, open, redacted};
pub use effort::{
    EffortKey, EffortScores, EffortScoresError, EffortSummaryRow, NewEffortRating, RecordedEffort,
    StoredEffortRating,
};
pub use event_log::{EventIds, EventLog, EventLogError, NewEvent, StoredEvent};
pub use postgres::PgStore;
#[cfg(any(test, feature = "testing"))]
pub use postgres::test_schema::{TestSchema, fresh_database};
pub use presence::{AgentPresence, PresenceError};
pub use secrets::{SecretsError, SharedSecrets};
pub use signals::SharedSignals;
pub use sqlite::SqliteStore;
pub use submissions::{NewSubmission, StoredSubmission, Submissions, SubmissionsError, new_reference};
pub use telepath_domain::{EffortScore, EventKind, PageType, Touchpoint};

/// The cause of an unavailable store or a failed query, whatever the database.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
