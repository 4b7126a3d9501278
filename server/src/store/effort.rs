//! Customer Effort Score ratings: one per visitor per touchpoint (a sent task, a
//! chat), each with the scale version its wording belonged to.

use super::BoxError;
use telepath_domain::{EffortScore, Touchpoint};

#[derive(Debug, thiserror::Error)]
pub enum EffortScoresError {
    /// The visitor has not rated this touchpoint.
    #[error("no effort rating of this {0} by this visitor")]
    NotFound(&'static str),
    #[error("the effort rating conflicts with one already stored")]
    Conflict,
    /// A closed pool, a locked or missing database: worth trying again later.
    #[error("the effort store is unavailable: {0}")]
    Unavailable(#[source] BoxError),
    /// A stored row this version cannot read (an unknown kind, a score off the scale).
    #[error("effort rating {id} cannot be read: {problem}")]
    BadRow { id: i64, problem: String },
    #[error("the effort store failed: {0}")]
    Failed(#[source] BoxError),
}

/// A rating about to be stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEffortRating {
    pub visitor: String,
    pub touchpoint: Touchpoint,
    pub score: EffortScore,
    /// The scale the visitor answered (`telepath_domain::EFFORT_SCALE_VERSION` when
    /// asked now).
    pub scale_version: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEffortRating {
    pub id: i64,
    pub visitor: String,
    pub touchpoint: Touchpoint,
    pub score: EffortScore,
    pub scale_version: u32,
    /// Milliseconds since the Unix epoch, UTC, from the store's clock: when the
    /// rating was last given (a changed rating counts from the change).
    pub rated_at_ms: i64,
}

/// What `record` did: stored a first rating, or replaced the visitor's earlier one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedEffort {
    pub rating: StoredEffortRating,
    /// The score this rating replaced, when the visitor had rated the touchpoint before.
    pub replaced: Option<EffortScore>,
}

/// What a summary row counts ratings by.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EffortKey {
    /// Ratings of sent requests of one task.
    Task { task: String },
    /// Ratings of chats answered by one agent (staff account id; `None`: no agent
    /// answered). Every chat rating is in exactly one of these rows, so they add up
    /// to all chats.
    ChatAgent { agent: Option<i64> },
    /// Ratings of chats offered for one reason. A chat offered for two reasons is
    /// in two rows, one offered for none in none.
    ChatOfferReason { reason: String },
}

/// How many ratings of each score one key got, on one scale version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EffortSummaryRow {
    pub scale_version: u32,
    pub key: EffortKey,
    /// Ratings of 1 to 5: `counts[0]` is the number of 1s.
    pub counts: [u32; 5],
}

#[async_trait::async_trait]
pub trait EffortScores: Send + Sync + std::fmt::Debug + 'static {
    /// Stores the visitor's rating of a touchpoint. A visitor rates a touchpoint
    /// once: rating it again replaces the earlier score (so a mis-click can be
    /// corrected) and says which score it replaced. For a chat, the agent and the
    /// offer reasons are those of the latest rating.
    async fn record(&self, rating: NewEffortRating) -> Result<RecordedEffort, EffortScoresError>;

    /// The visitor's rating of the touchpoint (a task by its reference, a chat by
    /// its conversation); `NotFound` when they have not rated it.
    async fn rating_for(
        &self,
        visitor: &str,
        touchpoint: &Touchpoint,
    ) -> Result<StoredEffortRating, EffortScoresError>;

    /// The ratings given from `from_ms` (inclusive) to `to_ms` (exclusive), counted
    /// per score for each key and scale version, every version apart, ordered by
    /// version, then key.
    async fn summary(&self, from_ms: i64, to_ms: i64) -> Result<Vec<EffortSummaryRow>, EffortScoresError>;
}
