use super::VisitorId;
use crate::error::AppError;
use crate::wire::RequestView;

/// Task forms: their one-time tokens and what was sent.
#[async_trait::async_trait]
pub trait TaskForms: Send + Sync + 'static {
    /// A fresh token for one rendered task form, so sending it twice stores it once.
    fn new_form_token(&self) -> String;
    /// The request `visitor` sent under `reference`; `None` when there is none, or
    /// when someone else sent it (what was sent is theirs alone to see).
    async fn visitor_request(
        &self,
        visitor: &VisitorId,
        reference: &str,
    ) -> Result<Option<RequestView>, AppError>;
}
