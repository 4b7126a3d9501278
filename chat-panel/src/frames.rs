//! The frames of docs/chat-protocol.md, as the panel reads and writes them. They
//! mirror `telepath_app::wire::chat` (a unit test below checks both ways) rather than
//! import it: the app crate brings Leptos, and this module must stay small.

use serde::{Deserialize, Serialize};

/// What the panel sends.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Outgoing<'a> {
    Send { client_id: &'a str, text: &'a str },
    Typing { active: bool },
    Read { seq: i64 },
}

/// What the server sends.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Incoming {
    Message(Message),
    Ack {
        client_id: String,
        seq: i64,
    },
    Rejected {
        client_id: String,
        words: String,
        retry: bool,
    },
    Typing {
        side: Side,
        active: bool,
    },
    Read {
        side: Side,
        seq: i64,
    },
    Status(Status),
    /// Sent to agents only; read (its fields unread) so the panel could never trip on it.
    NowOn {},
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Visitor,
    Agent,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Waiting,
    Active,
    Closed,
}

#[derive(Debug, Deserialize)]
pub struct Message {
    pub seq: i64,
    pub client_id: String,
    pub side: Side,
    pub author: Option<String>,
    pub body: Body,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Body {
    Text { text: String },
    Article { title: String, href: String },
}

#[derive(Debug, Deserialize)]
pub struct Status {
    pub state: State,
    pub agent: Option<String>,
    pub visitor_read: i64,
    pub agent_read: i64,
}

/// A message the person sent that has no `ack` yet: kept in sessionStorage, so a
/// reload or a reconnect sends it again with the same id (and it is stored once).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    pub client_id: String,
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use telepath_app::wire::{ChatBody, ChatMessage, ClientFrame, ConversationStatus, ServerFrame};
    use telepath_domain::{ConversationState, Side as DomainSide};

    #[test]
    fn the_panel_speaks_the_protocol_of_the_wire_types() {
        for (sent, expected) in [
            (
                Outgoing::Send { client_id: "c-1", text: "Hi" },
                ClientFrame::Send { client_id: "c-1".into(), text: "Hi".into() },
            ),
            (Outgoing::Typing { active: true }, ClientFrame::Typing { active: true }),
            (Outgoing::Read { seq: 7 }, ClientFrame::Read { seq: 7 }),
        ] {
            let json = serde_json::to_string(&sent).unwrap();
            assert_eq!(serde_json::from_str::<ClientFrame>(&json).unwrap(), expected, "{json}");
        }

        let frames = [
            ServerFrame::Message(ChatMessage {
                seq: 3,
                client_id: "a-1".into(),
                side: DomainSide::Agent,
                author: Some("Ana".into()),
                body: ChatBody::Article { title: "Refunds".into(), href: "/articles/refunds".into() },
                sent_at_ms: 1,
            }),
            ServerFrame::Ack { client_id: "c-1".into(), seq: 4 },
            ServerFrame::Rejected { client_id: "c-1".into(), words: "Too long".into(), retry: false },
            ServerFrame::Typing { side: DomainSide::Agent, active: true },
            ServerFrame::Read { side: DomainSide::Agent, seq: 4 },
            ServerFrame::Status(ConversationStatus {
                state: ConversationState::Active,
                agent: Some("Ana".into()),
                visitor_read: 2,
                agent_read: 4,
            }),
            ServerFrame::NowOn { title: "Refunds".into(), href: "/articles/refunds".into() },
        ];
        let read: Vec<Incoming> = frames
            .iter()
            .map(|frame| serde_json::from_str(&serde_json::to_string(frame).unwrap()).unwrap())
            .collect();
        assert!(matches!(
            &read[0],
            Incoming::Message(Message { seq: 3, side: Side::Agent, body: Body::Article { href, .. }, .. })
                if href == "/articles/refunds"
        ));
        assert!(matches!(&read[1], Incoming::Ack { seq: 4, .. }));
        assert!(matches!(&read[2], Incoming::Rejected { retry: false, .. }));
        assert!(matches!(&read[3], Incoming::Typing { side: Side::Agent, active: true }));
        assert!(matches!(&read[4], Incoming::Read { side: Side::Agent, seq: 4 }));
        assert!(matches!(
            &read[5],
            Incoming::Status(Status { state: State::Active, agent_read: 4, visitor_read: 2, .. })
        ));
        assert!(matches!(&read[6], Incoming::NowOn {}));
    }
}
