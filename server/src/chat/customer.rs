//! The customer's side of chat without a socket: the page's view of their
//! conversation, and a message sent by a plain form. The same store promises hold:
//! a form sent twice carries the same client id and is stored once.

use super::Chat;
use super::hub::RoomEvent;
use crate::content::ContentSnapshot;
use crate::store::conversations::{
    Conversation, ConversationsError, KitTicks, MessageBody, NewConversation, NewMessage, VisitorContext,
};
use telepath_app::visitor::VisitorPrefs;
use telepath_app::wire::{CustomerChatView, CustomerConversation};
use telepath_domain::chat::{clean_message, is_valid_client_id};
use telepath_domain::{ConversationState, MessageProblem, Side};

/// How long an ended conversation stays on the chat page (with the effort question)
/// before the page offers a fresh start only.
const ENDED_SHOWN_FOR_MS: i64 = 12 * 60 * 60 * 1000;

/// The most messages the page shows (the newest); a conversation longer than this is rare.
const MESSAGES_SHOWN: u32 = 500;

/// The queue read to tell a waiting customer how many are ahead.
const QUEUE_READ: u32 = 1_000;

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("{}", .0.words())]
    Refused(MessageProblem),
    #[error(transparent)]
    Store(#[from] ConversationsError),
}

/// The visitor's chat page: their open conversation, or the one that ended lately.
pub async fn customer_view(
    chat: &Chat,
    visitor: &str,
    support_hours: &str,
    now_ms: i64,
) -> Result<CustomerChatView, ConversationsError> {
    let now = jiff::Timestamp::from_millisecond(now_ms).unwrap_or_else(|_| jiff::Timestamp::now());
    let availability = chat.who_can_answer(now).await?.view();
    let newest = chat.conversations.conversations_of(visitor, 1).await?.into_iter().next();
    let shown = newest.filter(|conversation| {
        conversation.closed_at_ms.is_none_or(|closed| now_ms - closed < ENDED_SHOWN_FOR_MS)
    });
    let conversation = match shown {
        Some(conversation) => Some(customer_conversation(chat, conversation).await?),
        None => None,
    };
    Ok(CustomerChatView { conversation, availability, support_hours: support_hours.to_owned() })
}

async fn customer_conversation(
    chat: &Chat,
    conversation: Conversation,
) -> Result<CustomerConversation, ConversationsError> {
    let after = (conversation.last_seq - i64::from(MESSAGES_SHOWN)).max(0);
    let stored = chat.conversations.messages_after(conversation.id, after, MESSAGES_SHOWN).await?;
    let mut messages = Vec::with_capacity(stored.len());
    for message in stored {
        messages.push(chat.message_view(message).await);
    }
    if let Some(last) = messages.last() {
        let read = chat.conversations.mark_read(conversation.id, Side::Visitor, last.seq).await?;
        chat.hub.publish(conversation.id, RoomEvent::Read { side: Side::Visitor, seq: read });
    }
    let waiting_before = if conversation.state == ConversationState::Waiting {
        let queue = chat.conversations.in_state(ConversationState::Waiting, QUEUE_READ).await?;
        queue.iter().position(|waiting| waiting.id == conversation.id)
    } else {
        None
    };
    let status = chat.status(conversation.id).await?;
    Ok(CustomerConversation { id: conversation.id, status, messages, waiting_before })
}

/// What the visitor's cookies say that an agent should know, read when they start a
/// conversation: their level's welcome kit, counted against the kit as it is now,
/// and the notices they closed.
pub fn visitor_context(prefs: &VisitorPrefs, snapshot: &ContentSnapshot) -> VisitorContext {
    let kit = prefs.level.level().and_then(|level| {
        let steps = snapshot.kits.get(&level)?.things.len();
        let done = prefs.kits.read_count(level).min(steps);
        Some(KitTicks {
            level,
            done: u32::try_from(done).unwrap_or(u32::MAX),
            steps: u32::try_from(steps).unwrap_or(u32::MAX),
        })
    });
    VisitorContext { kit, dismissed_notices: prefs.dismissed.ids().to_vec() }
}

/// Where a message from the chat page's form went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sent {
    pub conversation: i64,
    /// The message started this conversation.
    pub started: bool,
}

/// Sends a message from the chat page's form: into the visitor's open conversation,
/// or as the first message of a new one, opened as `opening` says.
pub async fn send_from_form(
    chat: &Chat,
    opening: NewConversation,
    client_id: &str,
    text: &str,
) -> Result<Sent, SendError> {
    if !is_valid_client_id(client_id) {
        return Err(SendError::Refused(MessageProblem::BadClientId));
    }
    let text = clean_message(text).map_err(SendError::Refused)?;
    let open = chat
        .conversations
        .conversations_of(&opening.visitor, 1)
        .await?
        .into_iter()
        .find(|conversation| conversation.state != ConversationState::Closed);
    let started = open.is_none();
    let conversation = match open {
        Some(conversation) => conversation,
        None => chat.conversations.open_conversation(opening).await?,
    };
    let message = NewMessage {
        client_id: client_id.to_owned(),
        side: Side::Visitor,
        agent: None,
        body: MessageBody::Text(text),
    };
    let appended = chat.conversations.append_message(conversation.id, message).await?;
    if appended.was_new {
        chat.hub.publish(conversation.id, RoomEvent::Stored { seq: appended.message.seq });
    }
    Ok(Sent { conversation: conversation.id, started })
}
