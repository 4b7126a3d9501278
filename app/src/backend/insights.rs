use crate::wire::InsightsView;

/// Where self-service fails, for editors.
pub trait InsightsReader: Send + Sync + 'static {
    /// The last `days` days up to today.
    fn insights(&self, days: u32) -> InsightsView;
}
