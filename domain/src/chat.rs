//! Live chat's vocabulary: who wrote a message, where a conversation stands, how an
//! agent closed it, and the limits every side checks. Stored as the names below,
//! and spoken on the wire (docs/chat-protocol.md), so rename nothing.

use serde::{Deserialize, Serialize};

/// The longest message, in characters, a person may send.
pub const MAX_MESSAGE_CHARS: usize = 4_000;

/// The largest WebSocket frame the server reads; a bigger one closes the socket
/// with 1009 (message too big). A full-length message of four-byte characters,
/// JSON-escaped, fits well inside it.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;

/// The longest client-generated message id (a UUID is 36 characters).
pub const MAX_CLIENT_ID_CHARS: usize = 64;

/// How many conversations one agent takes at once unless the site says otherwise.
pub const DEFAULT_AGENT_CAPACITY: u32 = 3;

/// Who wrote a message: the customer, or the agent answering them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Visitor,
    Agent,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Visitor => "visitor",
            Side::Agent => "agent",
        }
    }

    pub fn parse(name: &str) -> Option<Side> {
        [Side::Visitor, Side::Agent].into_iter().find(|side| side.as_str() == name)
    }

    pub fn other(self) -> Side {
        match self {
            Side::Visitor => Side::Agent,
            Side::Agent => Side::Visitor,
        }
    }
}

/// Where a conversation stands. A conversation starts waiting (in the agents'
/// queue, or as a left message when nobody is online), becomes active when an
/// agent claims it, and ends closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationState {
    Waiting,
    Active,
    Closed,
}

impl ConversationState {
    pub fn as_str(self) -> &'static str {
        match self {
            ConversationState::Waiting => "waiting",
            ConversationState::Active => "active",
            ConversationState::Closed => "closed",
        }
    }

    pub fn parse(name: &str) -> Option<ConversationState> {
        [ConversationState::Waiting, ConversationState::Active, ConversationState::Closed]
            .into_iter()
            .find(|state| state.as_str() == name)
    }
}

/// How the agent closed a conversation: what editors' insights count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// The customer's question was answered.
    Solved,
    /// Someone must come back to the customer (a refund to check, a bug to fix).
    FollowUp,
    /// The customer went away before it was answered.
    VisitorLeft,
    /// Not a support question (spam, a sales enquiry, a test).
    NotSupport,
}

impl Resolution {
    pub const ALL: [Resolution; 4] =
        [Resolution::Solved, Resolution::FollowUp, Resolution::VisitorLeft, Resolution::NotSupport];

    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::Solved => "solved",
            Resolution::FollowUp => "follow_up",
            Resolution::VisitorLeft => "visitor_left",
            Resolution::NotSupport => "not_support",
        }
    }

    pub fn parse(name: &str) -> Option<Resolution> {
        Resolution::ALL.into_iter().find(|resolution| resolution.as_str() == name)
    }

    /// The words on the agent's close button.
    pub fn label(self) -> &'static str {
        match self {
            Resolution::Solved => "Solved",
            Resolution::FollowUp => "Needs a follow-up",
            Resolution::VisitorLeft => "Customer left",
            Resolution::NotSupport => "Not a support question",
        }
    }
}

/// Why a message or client id was refused, in words the sender is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageProblem {
    Empty,
    TooLong,
    BadClientId,
}

impl MessageProblem {
    pub fn words(self) -> String {
        match self {
            MessageProblem::Empty => "Write something before sending.".to_owned(),
            MessageProblem::TooLong => {
                format!("Messages can be up to {MAX_MESSAGE_CHARS} characters; split it into parts.")
            }
            MessageProblem::BadClientId => {
                format!("A message id is 1 to {MAX_CLIENT_ID_CHARS} letters, digits or dashes.")
            }
        }
    }
}

/// The text as it will be stored: trimmed of surrounding blank space, with the
/// control characters that have no place in a chat line removed (line breaks and
/// tabs stay). Direction overrides stay too, as text: every page escapes messages
/// and isolates each one (`dir="auto"` in its own element), so they cannot reorder
/// anything outside it.
pub fn clean_message(text: &str) -> Result<String, MessageProblem> {
    let cleaned: String =
        text.trim().chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\t')).collect();
    if cleaned.is_empty() {
        Err(MessageProblem::Empty)
    } else if cleaned.chars().count() > MAX_MESSAGE_CHARS {
        Err(MessageProblem::TooLong)
    } else {
        Ok(cleaned)
    }
}

/// Whether a client-generated message id is one the store accepts.
pub fn is_valid_client_id(id: &str) -> bool {
    (1..=MAX_CLIENT_ID_CHARS).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for resolution in Resolution::ALL {
            assert_eq!(Resolution::parse(resolution.as_str()), Some(resolution));
        }
        for state in [ConversationState::Waiting, ConversationState::Active, ConversationState::Closed] {
            assert_eq!(ConversationState::parse(state.as_str()), Some(state));
        }
        assert_eq!(Side::parse("agent"), Some(Side::Agent));
        assert_eq!(Side::parse("Agent"), None);
    }

    #[test]
    fn messages_are_trimmed_stripped_of_control_characters_and_limited() {
        assert_eq!(clean_message("  hi\u{0}\u{7} there\n  "), Ok("hi there".to_owned()));
        assert_eq!(clean_message("line one\nline two"), Ok("line one\nline two".to_owned()));
        assert_eq!(clean_message(" \u{0} \n"), Err(MessageProblem::Empty));
        assert_eq!(clean_message(&"é".repeat(MAX_MESSAGE_CHARS)).map(|m| m.chars().count()), Ok(4_000));
        assert_eq!(clean_message(&"a".repeat(MAX_MESSAGE_CHARS + 1)), Err(MessageProblem::TooLong));
        assert_eq!(clean_message("\u{202e}gnp.exe"), Ok("\u{202e}gnp.exe".to_owned()));
    }

    #[test]
    fn client_ids_are_short_and_plain() {
        assert!(is_valid_client_id("0b9f6f0e-3c1a-4d43-9a4c-8d2b1f1e2a77"));
        assert!(!is_valid_client_id(""));
        assert!(!is_valid_client_id(&"a".repeat(65)));
        assert!(!is_valid_client_id("a b"));
        assert!(!is_valid_client_id("<script>"));
    }
}
