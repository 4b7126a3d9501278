//! The chat protocol's frames, as both ends speak them over the WebSocket (JSON text
//! frames, one frame per WebSocket message). docs/chat-protocol.md is the reference;
//! the names here are that document's, so rename nothing without it.

use serde::{Deserialize, Serialize};
use telepath_domain::{ConversationState, Side};

/// What a client sends. Unknown frame types and unknown fields are refused: a
/// client that speaks another version is told at once, not half-understood.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientFrame {
    /// A message. `client_id` is the sender's own id for it: sending the same id
    /// again (after a lost acknowledgement) never stores it twice.
    Send { client_id: String, text: String },
    /// An agent sends an article as a link card.
    SendArticle { client_id: String, slug: String },
    /// The sender started or stopped typing. Never stored.
    Typing { active: bool },
    /// The sender has read everything up to `seq`.
    Read { seq: i64 },
}

/// What the server sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// A stored message, in sequence order, each exactly once per connection; the
    /// sender gets its own messages too (that is how other tabs stay in step).
    Message(ChatMessage),
    /// The message with `client_id` is stored, durably, as number `seq`.
    Ack { client_id: String, seq: i64 },
    /// The message with `client_id` was not stored. `retry` says whether sending the
    /// same frame again later can succeed (the store was unavailable, or too fast).
    Rejected { client_id: String, words: String, retry: bool },
    /// The other side started or stopped typing.
    Typing { side: Side, active: bool },
    /// `side` has read everything up to `seq`.
    Read { side: Side, seq: i64 },
    /// Where the conversation stands: sent first, then whenever it changes.
    Status(ConversationStatus),
    /// To the agent only: the customer just viewed this page of the help centre
    /// (the console's "Now on"). Never sent to the customer.
    NowOn { title: String, href: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub seq: i64,
    pub client_id: String,
    pub side: Side,
    /// The agent's name on their messages; the customer's side has none.
    pub author: Option<String>,
    pub body: ChatBody,
    /// Milliseconds since the Unix epoch, UTC.
    pub sent_at_ms: i64,
}

/// Plain text, always shown escaped; or a link card to one of the portal's articles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChatBody {
    Text { text: String },
    Article { title: String, href: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationStatus {
    pub state: ConversationState,
    /// Who is answering, once an agent has claimed the conversation.
    pub agent: Option<String>,
    /// How far each side has read.
    pub visitor_read: i64,
    pub agent_read: i64,
}

/// The customer's chat page: their conversation, or how to start one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerChatView {
    /// The visitor's open conversation, or the one that ended last (for a while).
    pub conversation: Option<CustomerConversation>,
    pub availability: ChatAvailability,
    /// The site's own words for when people answer.
    pub support_hours: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerConversation {
    pub id: i64,
    pub status: ConversationStatus,
    pub messages: Vec<ChatMessage>,
    /// Waiting conversations opened before this one, while it waits.
    pub waiting_before: Option<usize>,
}

impl CustomerConversation {
    /// The newest message's number: where a live view resumes.
    pub fn last_seq(&self) -> i64 {
        self.messages.last().map_or(0, |message| message.seq)
    }
}

/// Whether a person can answer now, or the visitor can leave a message for later.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChatAvailability {
    AgentFree,
    /// Nobody can answer now; outside the support hours `back` says when they
    /// start again ("We're back Monday at 09:00 (New York time)").
    LeaveMessage {
        back: Option<String>,
    },
}

/// What the chat form shows again when a message was refused: the words typed, and why.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatFormState {
    pub text: String,
    pub error: Option<String>,
}

impl ChatFormState {
    /// The hidden field carrying the rendered form's own id for the message it sends.
    pub const CLIENT_ID_FIELD: &str = "client_id";
    /// The message's text field.
    pub const TEXT_FIELD: &str = "text";
}

/// What a page offers beside its content when the portal thinks a person could help.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChatOfferView {
    /// The visitor already has a conversation open: the page points back to it.
    ConversationOpen,
    /// Why a person could help, in the visitor's words, and whether one can answer now.
    Person { words: String, availability: ChatAvailability },
    /// The same, kept hidden until the page has been in view for `after_seconds`:
    /// the browser then shows it and reports the reading.
    WhenLingering { after_seconds: u64, words: String, availability: ChatAvailability },
}

/// The close codes the server ends a chat socket with, beyond a normal close.
pub mod close_code {
    /// A frame that is not a chat frame (not JSON, or not one of [`super::ClientFrame`]).
    pub const NOT_A_CHAT_FRAME: u16 = 1007;
    /// Too many frames, too fast, for too long; or not this side's to send.
    pub const POLICY: u16 = 1008;
    /// A frame over `telepath_domain::chat::MAX_FRAME_BYTES`.
    pub const TOO_BIG: u16 = 1009;
    /// The server is shutting down or restarting: reconnect and resume.
    pub const GOING_AWAY: u16 = 1001;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_read_as_the_protocol_document_writes_them() {
        let send: ClientFrame =
            serde_json::from_str(r#"{"type":"send","client_id":"c-1","text":"Hi"}"#).unwrap();
        assert_eq!(send, ClientFrame::Send { client_id: "c-1".into(), text: "Hi".into() });
        for refused in [
            r#"{"type":"send","client_id":"c-1"}"#,
            r#"{"type":"send","client_id":"c-1","text":"Hi","admin":true}"#,
            r#"{"type":"delete","seq":1}"#,
            r#"[1,2]"#,
        ] {
            assert!(serde_json::from_str::<ClientFrame>(refused).is_err(), "{refused}");
        }
        let ack = serde_json::to_string(&ServerFrame::Ack { client_id: "c-1".into(), seq: 4 }).unwrap();
        assert_eq!(ack, r#"{"type":"ack","client_id":"c-1","seq":4}"#);
        let message = ServerFrame::Message(ChatMessage {
            seq: 1,
            client_id: "c-1".into(),
            side: Side::Agent,
            author: Some("Ana".into()),
            body: ChatBody::Text { text: "<b>hi</b>".into() },
            sent_at_ms: 0,
        });
        assert_eq!(
            serde_json::to_string(&message).unwrap(),
            r#"{"type":"message","seq":1,"client_id":"c-1","side":"agent","author":"Ana","body":{"kind":"text","text":"<b>hi</b>"},"sent_at_ms":0}"#
        );
    }
}
