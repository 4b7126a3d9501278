use crate::error::AppError;
use crate::wire::SubmissionView;

/// Task forms: their one-time tokens and what was sent.
#[async_trait::async_trait]
pub trait TaskForms: Send + Sync + 'static {
    /// A fresh token for one rendered task form, so sending it twice stores it once.
    fn new_form_token(&self) -> String;
    /// The submission with `reference`; `None` when there is none.
    async fn submission(&self, reference: &str) -> Result<Option<SubmissionView>, AppError>;
}
