use crate::error::AppError;
use crate::wire::{EffortInsights, InsightsView};

/// Where self-service fails, for editors.
#[async_trait::async_trait]
pub trait InsightsReader: Send + Sync + 'static {
    /// The last `days` days up to today.
    fn insights(&self, days: u32) -> InsightsView;

    /// How much effort people said things took, over the last `days` days up to
    /// today, on the current scale only. Read from the store, so it can fail.
    async fn effort(&self, days: u32) -> Result<EffortInsights, AppError>;
}
