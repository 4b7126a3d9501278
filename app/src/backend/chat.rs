use super::VisitorId;
use crate::error::AppError;
use crate::wire::{ChatOfferView, CustomerChatView};

/// The customer's side of live chat, as pages read it.
#[async_trait::async_trait]
pub trait CustomerChat: Send + Sync + 'static {
    /// The visitor's conversation (open, or just ended), or how to start one.
    async fn visitor_chat(&self, visitor: &VisitorId) -> Result<CustomerChatView, AppError>;
    /// Whether the page at `path` should offer a person to the visitor, and why,
    /// from what they did in this visit (this request's own events included).
    async fn chat_offer(&self, visitor: &VisitorId, path: &str) -> Result<Option<ChatOfferView>, AppError>;
    /// A fresh id for one rendered message form, so sending it twice stores it once.
    fn new_client_id(&self) -> String;
}
