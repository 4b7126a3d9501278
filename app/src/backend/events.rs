use super::VisitorId;
use crate::error::AppError;
use telepath_domain::EventKind;

/// What visitors do, recorded for journeys and insights.
#[async_trait::async_trait]
pub trait VisitorEvents: Send + Sync + 'static {
    /// Records an event and waits until it is stored, for answers the visitor is told about.
    async fn record(&self, visitor: &VisitorId, event: EventKind) -> Result<(), AppError>;
    /// Queues an event without waiting (page views, clicks); under load it may be dropped.
    fn record_soon(&self, visitor: &VisitorId, event: EventKind);
}
