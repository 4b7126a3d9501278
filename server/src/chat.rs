//! Live chat: the hub that wakes a conversation's sockets, the socket loop that
//! delivers each stored message exactly once and in order (docs/chat-protocol.md),
//! and the views both sides see.

pub mod console;
pub mod customer;
pub mod hub;
pub mod now_on;
pub mod offer;
pub mod presence;
pub mod queue_feed;
pub mod relay;
pub mod socket;
pub mod trail;

use crate::content::ContentLibrary;
use crate::store::conversations::{ConversationsError, MessageBody, StoredMessage};
use crate::store::staff::StaffAccounts;
use crate::store::{AgentPresence, Conversations, EventLog};
use hub::ChatHub;
use presence::Presence;
use socket::FrameRate;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use telepath_app::urls;
use telepath_app::wire::{ChatBody, ChatMessage, ConversationStatus};
use telepath_domain::Side;
use tokio_util::sync::CancellationToken;

/// Who is at one end of a socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChatParty {
    pub side: Side,
    /// The staff account, on the agent's side.
    pub agent: Option<i64>,
}

impl ChatParty {
    pub const VISITOR: ChatParty = ChatParty { side: Side::Visitor, agent: None };

    pub fn agent(id: i64) -> ChatParty {
        ChatParty { side: Side::Agent, agent: Some(id) }
    }
}

/// Whether chat can be offered now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Availability {
    AgentFree,
    AllBusy,
    NobodyOnline,
    /// Outside the support hours; `back` says when they start again, in words.
    OutsideHours {
        back: Option<String>,
    },
}

impl Availability {
    /// What the customer is told: chat now, or leave a message (and when the team is back).
    pub fn view(&self) -> telepath_app::wire::ChatAvailability {
        use telepath_app::wire::ChatAvailability;
        match self {
            Availability::AgentFree => ChatAvailability::AgentFree,
            Availability::AllBusy | Availability::NobodyOnline => {
                ChatAvailability::LeaveMessage { back: None }
            }
            Availability::OutsideHours { back } => ChatAvailability::LeaveMessage { back: back.clone() },
        }
    }
}

/// Everything a chat socket reaches, shared by all of them.
#[derive(Clone, Debug)]
pub struct Chat {
    pub conversations: Arc<dyn Conversations>,
    /// The visitors' events, whose page views the agent's socket follows.
    pub events: Arc<dyn EventLog>,
    pub hub: ChatHub,
    pub presence: Presence,
    staff: Arc<dyn StaffAccounts>,
    content: Arc<ContentLibrary>,
    /// Agents' names as their messages show them: read once per agent, then kept.
    agent_names: Arc<Mutex<HashMap<i64, String>>>,
    pub frame_rate: FrameRate,
    /// Cancelled when the server shuts down: every socket closes with 1001.
    pub shutdown: CancellationToken,
}

impl Chat {
    pub fn new(
        conversations: Arc<dyn Conversations>,
        events: Arc<dyn EventLog>,
        presence: Arc<dyn AgentPresence>,
        staff: Arc<dyn StaffAccounts>,
        content: Arc<ContentLibrary>,
    ) -> Chat {
        Chat {
            conversations,
            events,
            hub: ChatHub::default(),
            presence: Presence::new(presence),
            staff,
            content,
            agent_names: Arc::default(),
            frame_rate: FrameRate::default(),
            shutdown: CancellationToken::new(),
        }
    }

    /// How many conversations one agent answers at once (`[chat] agent_capacity`, as
    /// site.toml reads now).
    pub fn agent_capacity(&self) -> u32 {
        self.content.snapshot().site.chat.agent_capacity
    }

    /// Whether a person can answer a chat at `now`: within the support hours, an
    /// agent is online with room for one more conversation. Otherwise the customer
    /// is offered to leave a message.
    pub async fn who_can_answer(&self, now: jiff::Timestamp) -> Result<Availability, ConversationsError> {
        let settings = self.content.snapshot().site.chat.clone();
        if !settings.within_hours(now) {
            return Ok(Availability::OutsideHours { back: settings.reopening_words(now) });
        }
        let capacity = settings.agent_capacity as usize;
        let online = self.presence.online().await?;
        if online.is_empty() {
            return Ok(Availability::NobodyOnline);
        }
        for agent in online {
            let load = self.conversations.active_for(agent).await?.len();
            if load < capacity {
                return Ok(Availability::AgentFree);
            }
        }
        Ok(Availability::AllBusy)
    }

    /// The title of article `slug` as the help centre has it now.
    fn article_title(&self, slug: &str) -> Option<String> {
        self.content.snapshot().articles.get(slug).map(|article| article.front_matter.title.clone())
    }

    /// The name customers see on an agent's messages, and agents see each other by in the console.
    pub async fn agent_name(&self, agent: i64) -> Option<String> {
        if let Some(name) = self.agent_names.lock().unwrap_or_else(PoisonError::into_inner).get(&agent) {
            return Some(name.clone());
        }
        let accounts = match self.staff.accounts().await {
            Ok(accounts) => accounts,
            Err(error) => {
                tracing::warn!("agents' names cannot be read: {error}");
                return None;
            }
        };
        let mut names = self.agent_names.lock().unwrap_or_else(PoisonError::into_inner);
        for account in accounts {
            names.insert(account.id, first_name(&account.name));
        }
        names.get(&agent).cloned()
    }

    pub async fn message_view(&self, message: StoredMessage) -> ChatMessage {
        let author = match message.agent {
            Some(agent) => Some(self.agent_name(agent).await.unwrap_or_else(|| "Support".to_owned())),
            None => None,
        };
        ChatMessage {
            seq: message.seq,
            client_id: message.client_id,
            side: message.side,
            author,
            body: match message.body {
                MessageBody::Text(text) => ChatBody::Text { text },
                MessageBody::Article { slug, title } => {
                    ChatBody::Article { title, href: urls::article(&slug) }
                }
            },
            sent_at_ms: message.sent_at_ms,
        }
    }

    pub async fn status(&self, conversation: i64) -> Result<ConversationStatus, ConversationsError> {
        let conversation = self.conversations.conversation(conversation).await?;
        let agent = match conversation.agent {
            Some(agent) => self.agent_name(agent).await,
            None => None,
        };
        Ok(ConversationStatus {
            state: conversation.state,
            agent,
            visitor_read: conversation.visitor_read_seq,
            agent_read: conversation.agent_read_seq,
        })
    }
}

/// Customers see an agent's first name only.
fn first_name(name: &str) -> String {
    name.split_whitespace().next().unwrap_or("Support").to_owned()
}
