use super::VisitorId;
use crate::error::AppError;
use crate::wire::CustomerChatView;

/// The customer's side of live chat, as pages read it.
#[async_trait::async_trait]
pub trait CustomerChat: Send + Sync + 'static {
    /// The visitor's conversation (open, or just ended), or how to start one.
    async fn visitor_chat(&self, visitor: &VisitorId) -> Result<CustomerChatView, AppError>;
    /// A fresh id for one rendered message form, so sending it twice stores it once.
    fn new_client_id(&self) -> String;
}
