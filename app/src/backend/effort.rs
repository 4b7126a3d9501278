use super::VisitorId;
use crate::error::AppError;
use telepath_domain::EffortScore;

/// The form field a score button sends.
pub const EFFORT_SCORE_FIELD: &str = "score";

/// What rating a touchpoint did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EffortRated {
    pub score: EffortScore,
    /// The visitor's earlier score, which this one replaced.
    pub replaced: Option<EffortScore>,
}

/// The effort question's answers, each the visitor's own. Live chat adds its
/// conversation's here beside the task's.
#[async_trait::async_trait]
pub trait EffortRatings: Send + Sync + 'static {
    /// How much effort the visitor said sending their request `reference` of task
    /// `task` took; `None` when they have not said.
    async fn task_rating(
        &self,
        visitor: &VisitorId,
        task: &str,
        reference: &str,
    ) -> Result<Option<EffortScore>, AppError>;

    /// Records the visitor's answer for their request `reference` of task `task`,
    /// replacing an earlier one. `None` when they sent no such request: someone
    /// else's is neither rated nor told apart from one that does not exist.
    async fn rate_task(
        &self,
        visitor: &VisitorId,
        task: &str,
        reference: &str,
        score: EffortScore,
    ) -> Result<Option<EffortRated>, AppError>;

    /// How much effort the visitor said their conversation `conversation` took.
    async fn chat_rating(
        &self,
        visitor: &VisitorId,
        conversation: i64,
    ) -> Result<Option<EffortScore>, AppError>;

    /// Records the visitor's answer for their ended conversation, replacing an
    /// earlier one. `None` when it is not theirs or has not ended.
    async fn rate_chat(
        &self,
        visitor: &VisitorId,
        conversation: i64,
        score: EffortScore,
    ) -> Result<Option<EffortRated>, AppError>;
}
