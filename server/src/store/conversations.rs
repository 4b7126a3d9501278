//! Live chat's conversations and their messages. Delivery rests on two promises
//! this trait makes (docs/chat-protocol.md): a message is stored once per sender's
//! id however often it is sent, and each conversation numbers its messages 1, 2, 3…
//! in the order they were stored, so a reader that has everything up to `n` asks
//! for what comes after `n` and gets exactly what it missed.

use super::BoxError;
use serde::{Deserialize, Serialize};
use telepath_domain::{ConversationState, Level, OfferReason, Resolution, Side};

#[derive(Debug, thiserror::Error)]
pub enum ConversationsError {
    #[error("no conversation has the id {0}")]
    NotFound(i64),
    /// The conversation ended: nothing more can be said or done in it.
    #[error("conversation {0} is closed")]
    Closed(i64),
    /// The message's sender id was used before in this conversation for another message.
    #[error("the message conflicts with one already stored")]
    Conflict,
    /// A closed pool, a locked or missing database: worth trying again later.
    #[error("the conversations store is unavailable: {0}")]
    Unavailable(#[source] BoxError),
    #[error("conversation {id} has a stored value this version cannot read: {what}")]
    BadRow { id: i64, what: String },
    #[error("the conversations store failed: {0}")]
    Failed(#[source] BoxError),
}

/// A conversation about to start.
#[derive(Clone, Debug, PartialEq)]
pub struct NewConversation {
    pub visitor: String,
    pub level: Option<Level>,
    /// Why chat was offered (at least that the visitor asked for a person).
    pub opened_because: Vec<OfferReason>,
    pub visitor_context: VisitorContext,
}

/// What the customer's browser remembered when they started the conversation:
/// kept with it because it lives only in their cookies, where no agent can read it.
/// A stored format (JSON): fields are only ever added, each defaulting when absent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorContext {
    /// Their level's welcome kit, when they chose a level that has one.
    #[serde(default)]
    pub kit: Option<KitTicks>,
    /// The ids of the notices they closed.
    #[serde(default)]
    pub dismissed_notices: Vec<String>,
}

/// How far a customer got through their level's welcome kit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KitTicks {
    pub level: Level,
    /// Steps they ticked as done.
    pub done: u32,
    /// Steps the kit had then.
    pub steps: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Conversation {
    pub id: i64,
    pub visitor: String,
    pub state: ConversationState,
    pub level: Option<Level>,
    pub opened_because: Vec<OfferReason>,
    pub visitor_context: VisitorContext,
    /// The staff account answering it, once claimed.
    pub agent: Option<i64>,
    /// The sequence number of its newest message (0: none yet).
    pub last_seq: i64,
    /// How far each side has read.
    pub visitor_read_seq: i64,
    pub agent_read_seq: i64,
    pub resolution: Option<Resolution>,
    pub opened_at_ms: i64,
    pub claimed_at_ms: Option<i64>,
    pub closed_at_ms: Option<i64>,
}

/// What a message says: words, or a link card to an article an agent picked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MessageBody {
    Text(String),
    Article { slug: String, title: String },
}

/// A message about to be stored. `client_id` is the sender's own id for it: the
/// same id from the same side of the same conversation is the same message.
#[derive(Clone, Debug, PartialEq)]
pub struct NewMessage {
    pub client_id: String,
    pub side: Side,
    /// The agent who wrote it, for agents' messages.
    pub agent: Option<i64>,
    pub body: MessageBody,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StoredMessage {
    pub conversation: i64,
    pub seq: i64,
    pub client_id: String,
    pub side: Side,
    pub agent: Option<i64>,
    pub body: MessageBody,
    pub sent_at_ms: i64,
}

/// The answer to an append: the message as stored, and whether this call stored it
/// or found it stored by an earlier try.
#[derive(Clone, Debug, PartialEq)]
pub struct Appended {
    pub message: StoredMessage,
    pub was_new: bool,
}

/// The answer to an agent's claim on a waiting conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// It is this agent's now.
    Claimed,
    /// Another agent (or this one, earlier) got it first.
    AlreadyTaken {
        by: i64,
    },
    /// The agent already answers as many conversations as they may.
    AtCapacity,
    Closed,
}

/// An agent's note on a conversation, for other agents only.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredNote {
    pub agent: i64,
    pub body: String,
    pub written_at_ms: i64,
}

#[async_trait::async_trait]
pub trait Conversations: Send + Sync + std::fmt::Debug + 'static {
    /// Starts a waiting conversation.
    async fn open_conversation(&self, new: NewConversation) -> Result<Conversation, ConversationsError>;

    async fn conversation(&self, id: i64) -> Result<Conversation, ConversationsError>;

    /// This visitor's conversations, newest first (open and closed).
    async fn conversations_of(
        &self,
        visitor: &str,
        limit: u32,
    ) -> Result<Vec<Conversation>, ConversationsError>;

    /// Stores a message under the next sequence number, or answers the message
    /// already stored under the same sender's id. Returns only once it is committed.
    async fn append_message(
        &self,
        conversation: i64,
        message: NewMessage,
    ) -> Result<Appended, ConversationsError>;

    /// Up to `limit` messages after sequence number `after`, in order.
    async fn messages_after(
        &self,
        conversation: i64,
        after: i64,
        limit: u32,
    ) -> Result<Vec<StoredMessage>, ConversationsError>;

    /// Notes that `side` has read up to `seq` (never moves back). Returns how far it has read now.
    async fn mark_read(&self, conversation: i64, side: Side, seq: i64) -> Result<i64, ConversationsError>;

    /// Conversations in `state`, oldest first: the queue for `Waiting`.
    async fn in_state(
        &self,
        state: ConversationState,
        limit: u32,
    ) -> Result<Vec<Conversation>, ConversationsError>;

    /// The conversations `agent` is answering now.
    async fn active_for(&self, agent: i64) -> Result<Vec<Conversation>, ConversationsError>;

    /// Gives a waiting conversation to `agent` unless another agent was first or
    /// `agent` already has `capacity` active ones. Two agents claiming at once: one wins.
    async fn claim(&self, conversation: i64, agent: i64, capacity: u32) -> Result<Claim, ConversationsError>;

    /// Hands an active conversation from `from` to `to`. Answers false when `from`
    /// was not answering it (anymore).
    async fn transfer(&self, conversation: i64, from: i64, to: i64) -> Result<bool, ConversationsError>;

    /// Ends a conversation (any state) with how it went. Closing a closed one changes nothing.
    async fn close_conversation(
        &self,
        conversation: i64,
        resolution: Resolution,
    ) -> Result<Conversation, ConversationsError>;

    async fn add_note(&self, conversation: i64, agent: i64, body: &str) -> Result<(), ConversationsError>;

    async fn notes(&self, conversation: i64) -> Result<Vec<StoredNote>, ConversationsError>;
}

/// The columns [`message_from_row`] reads.
pub(crate) const MESSAGE_COLUMNS: &str =
    "SELECT conversation, seq, client_id, side, agent, kind, body, slug, sent_at_ms FROM chat_messages";

/// A conversation's row as either database returns it (the JSON columns read as text).
pub(crate) fn conversation_from_row<'r, R>(row: &'r R) -> Result<Conversation, ConversationsError>
where
    R: sqlx::Row,
    &'static str: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let id: i64 = row.try_get("id")?;
    let bad = |what: String| ConversationsError::BadRow { id, what };
    let state: String = row.try_get("state")?;
    let level: Option<String> = row.try_get("level")?;
    let resolution: Option<String> = row.try_get("resolution")?;
    let reasons: String = row.try_get("opened_because")?;
    let opened_because =
        serde_json::from_str(&reasons).map_err(|error| bad(format!("offer reasons {reasons:?}: {error}")))?;
    let context: String = row.try_get("visitor_context")?;
    let visitor_context = serde_json::from_str(&context)
        .map_err(|error| bad(format!("visitor context {context:?}: {error}")))?;
    Ok(Conversation {
        id,
        visitor: row.try_get("visitor")?,
        state: ConversationState::parse(&state).ok_or_else(|| bad(format!("state {state:?}")))?,
        level: match level {
            None => None,
            Some(level) => Some(Level::parse(&level).ok_or_else(|| bad(format!("level {level:?}")))?),
        },
        opened_because,
        visitor_context,
        agent: row.try_get("agent")?,
        last_seq: row.try_get("last_seq")?,
        visitor_read_seq: row.try_get("visitor_read_seq")?,
        agent_read_seq: row.try_get("agent_read_seq")?,
        resolution: match resolution {
            None => None,
            Some(name) => Some(Resolution::parse(&name).ok_or_else(|| bad(format!("resolution {name:?}")))?),
        },
        opened_at_ms: row.try_get("opened_at_ms")?,
        claimed_at_ms: row.try_get("claimed_at_ms")?,
        closed_at_ms: row.try_get("closed_at_ms")?,
    })
}

/// A message's row, read with [`MESSAGE_COLUMNS`] from either database.
pub(crate) fn message_from_row<'r, R>(row: &'r R) -> Result<StoredMessage, ConversationsError>
where
    R: sqlx::Row,
    &'static str: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let conversation: i64 = row.try_get("conversation")?;
    let bad = |what: String| ConversationsError::BadRow { id: conversation, what };
    let side: String = row.try_get("side")?;
    let kind: String = row.try_get("kind")?;
    let body: String = row.try_get("body")?;
    let slug: Option<String> = row.try_get("slug")?;
    Ok(StoredMessage {
        conversation,
        seq: row.try_get("seq")?,
        client_id: row.try_get("client_id")?,
        side: Side::parse(&side).ok_or_else(|| bad(format!("message side {side:?}")))?,
        agent: row.try_get("agent")?,
        body: match (kind.as_str(), slug) {
            ("text", None) => MessageBody::Text(body),
            ("article", Some(slug)) => MessageBody::Article { slug, title: body },
            (kind, _) => return Err(bad(format!("message kind {kind:?}"))),
        },
        sent_at_ms: row.try_get("sent_at_ms")?,
    })
}
