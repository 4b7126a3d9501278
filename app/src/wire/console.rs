//! The agent console's views: the queue, and one conversation beside the customer's
//! trail. The server builds them (`server/src/chat/console.rs`) and hands them to the
//! pages as context; times arrive as milliseconds and words already made in the
//! site's time zone.

use super::ChatMessage;
use serde::{Deserialize, Serialize};
use telepath_domain::{ConversationState, Level, Resolution};

/// Whether an agent takes chats now. Customers are offered chat only while an agent
/// is online with room for one more conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentPresence {
    Online,
    Away,
}

impl AgentPresence {
    pub fn as_str(self) -> &'static str {
        match self {
            AgentPresence::Online => "online",
            AgentPresence::Away => "away",
        }
    }

    pub fn parse(value: &str) -> Option<AgentPresence> {
        [AgentPresence::Online, AgentPresence::Away].into_iter().find(|presence| presence.as_str() == value)
    }
}

/// `/console`: the agent's status, who is waiting and what the agent answers now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueView {
    pub presence: AgentPresence,
    /// How many conversations one agent answers at once.
    pub capacity: u32,
    /// Oldest first: the one waiting longest is taken first.
    pub waiting: Vec<WaitingConversation>,
    pub mine: Vec<MyConversation>,
    pub notice: Option<ConsoleNotice>,
    pub now_ms: i64,
    /// What the queue looked like when the page was made: the live queue compares.
    pub digest: QueueDigest,
}

/// What changes the queue page: who waits, and the agent's own conversations and
/// how far they have read them. Sent over the console's queue feed whenever it
/// changes; a page showing another one is out of date.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct QueueDigest {
    pub waiting: u32,
    /// The newest waiting conversation's id (0: none).
    pub newest_waiting: i64,
    pub mine: u32,
    /// The sums of the agent's conversations' last message numbers and read marks.
    pub messages: i64,
    pub read: i64,
}

/// How the agent's last action turned out, in plain words: done ("Conversation #4
/// is closed.") or not as asked ("Ana already took this one.").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsoleNotice {
    pub words: String,
    pub problem: bool,
}

impl ConsoleNotice {
    pub fn done(words: impl Into<String>) -> ConsoleNotice {
        ConsoleNotice { words: words.into(), problem: false }
    }

    pub fn problem(words: impl Into<String>) -> ConsoleNotice {
        ConsoleNotice { words: words.into(), problem: true }
    }
}

impl QueueView {
    /// What needs the agent: conversations waiting, and messages unread in their own.
    pub fn needs_attention(&self) -> i64 {
        let waiting = i64::try_from(self.waiting.len()).unwrap_or(i64::MAX);
        self.mine.iter().map(|mine| mine.unread).fold(waiting, i64::saturating_add)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WaitingConversation {
    pub id: i64,
    pub opened_at_ms: i64,
    pub level: Option<Level>,
    /// The customer's first words, cut short.
    pub preview: Option<String>,
    /// Why chat was offered, in the agent's words (none when it was asked for).
    pub reasons: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MyConversation {
    pub id: i64,
    pub level: Option<Level>,
    /// Customer's messages the agent has not seen yet.
    pub unread: i64,
    /// The latest message, cut short.
    pub preview: Option<String>,
    pub opened_at_ms: i64,
}

/// `/console/conversations/<id>`: the conversation, what the agent can do in it,
/// and the customer's trail beside it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsoleConversation {
    pub id: i64,
    pub state: ConversationState,
    pub level: Option<Level>,
    pub opened_at_ms: i64,
    pub now_ms: i64,
    /// True when the agent looking is the one answering: only they may write.
    pub is_mine: bool,
    /// Who answers it, when someone does and it is not the agent looking.
    pub answered_by: Option<String>,
    pub resolution: Option<Resolution>,
    pub messages: Vec<ConsoleMessage>,
    /// The newest message's number (0: none yet), where a live update resumes.
    pub last_seq: i64,
    pub notes: Vec<NoteView>,
    pub reply: ReplyDraft,
    /// Agents online who could take the conversation over.
    pub transfer_to: Vec<AgentChoice>,
    pub suggestions: Vec<SuggestedArticle>,
    pub canned_replies: Vec<CannedReplyView>,
    pub trail: TrailView,
    pub notice: Option<ConsoleNotice>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsoleMessage {
    pub message: ChatMessage,
    /// "14:05", in the site's time zone.
    pub time_text: String,
}

/// An agent's note on the conversation, for agents only: never sent to the customer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoteView {
    pub author: String,
    pub text: String,
    pub time_text: String,
}

/// The reply form: its message id (made when the page was rendered, so sending the
/// form twice stores one message), and what was typed when it comes back with a problem.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReplyDraft {
    pub client_id: String,
    pub text: String,
    pub error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgentChoice {
    pub id: i64,
    pub name: String,
    /// How many conversations they answer now.
    pub load: u32,
}

/// An article that may answer the customer, found by searching what they wrote or
/// searched for, ready to send as a link card.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SuggestedArticle {
    pub slug: String,
    pub title: String,
    pub href: String,
    /// What found it: "their message “…”", "their search “…” (found nothing)".
    pub because: String,
    /// The card's message id, so sending it twice stores it once.
    pub client_id: String,
}

/// A reply editors wrote in `content/replies/`, ready to send as text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CannedReplyView {
    pub id: String,
    pub title: String,
    pub text: String,
    pub client_id: String,
}

/// What the customer did before and around the chat, for the agent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TrailView {
    pub level: Option<Level>,
    /// The page they have open now: their latest page view.
    pub now_on: Option<TrailLink>,
    /// Why chat was offered, in the agent's words.
    pub offer_reasons: Vec<String>,
    /// Their welcome kit when the chat started, as their browser remembered it.
    pub kit: Option<KitStepsDone>,
    /// The notices their pages showed during the visit, the most urgent first.
    pub notices: Vec<NoticeSeen>,
    /// Oldest first.
    pub steps: Vec<TrailStep>,
    /// True when older steps were left out.
    pub earlier_steps_left_out: bool,
    /// Their earlier conversations, newest first.
    pub earlier: Vec<EarlierConversation>,
}

/// How far the customer got through their level's welcome kit: "3 of 5 steps done".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KitStepsDone {
    pub done: u32,
    pub steps: u32,
    /// The kit's page.
    pub href: String,
}

/// A notice shown to the customer, and whether they closed it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoticeSeen {
    pub title: String,
    pub dismissed: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrailLink {
    pub title: String,
    pub href: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrailStep {
    pub at_ms: i64,
    /// "14:05", in the site's time zone.
    pub time_text: String,
    pub what: TrailEntry,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TrailEntry {
    /// A page read, and for how long (until the next thing they did in the visit).
    Read {
        page: TrailLink,
        spent: Option<String>,
    },
    /// A search with how many articles it found, and which of them they opened.
    Searched {
        query: String,
        results: u32,
        opened: Vec<TrailLink>,
    },
    /// "Was this helpful?", and what they were looking for after a "no".
    Voted {
        article: TrailLink,
        helpful: bool,
        looking_for: Option<String>,
    },
    /// A task form sent back, with the fields that were wrong and why.
    TaskErrors {
        task: TrailLink,
        fields: Vec<RefusedField>,
    },
    TaskSent {
        task: TrailLink,
        reference: String,
    },
}

/// A field of a task form that came back, as the customer saw it: its label, and
/// the message it was refused with (none for forms sent back before messages were
/// kept).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RefusedField {
    pub label: String,
    pub message: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EarlierConversation {
    pub id: i64,
    pub opened_text: String,
    pub state: ConversationState,
    pub resolution: Option<Resolution>,
    /// How much effort the customer said it took: "2 · Low effort".
    pub effort: Option<String>,
}

/// How long something has lasted, as an agent reads it at a glance: "just now",
/// "1 minute", "12 minutes", "1 hour 5 minutes", "3 hours", "2 days".
pub fn duration_words(ms: i64) -> String {
    let minutes = ms.max(0) / 60_000;
    let plural = |n: i64, one: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {one}s") };
    match minutes {
        0 => "just now".to_owned(),
        1..=59 => plural(minutes, "minute"),
        60..=239 if minutes % 60 != 0 => {
            format!("{} {}", plural(minutes / 60, "hour"), plural(minutes % 60, "minute"))
        }
        60..=2879 => plural(minutes / 60, "hour"),
        _ => plural(minutes / 1440, "day"),
    }
}

/// A short stretch of reading time: "8 s", "2 min 10 s", "14 min".
pub fn time_spent_words(ms: i64) -> String {
    let seconds = ms.max(0) / 1000;
    match seconds {
        0..=59 => format!("{seconds} s"),
        60..=599 if seconds % 60 != 0 => format!("{} min {} s", seconds / 60, seconds % 60),
        _ => format!("{} min", seconds / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_at_a_glance() {
        for (ms, words) in [
            (-5, "just now"),
            (59_999, "just now"),
            (60_000, "1 minute"),
            (12 * 60_000 + 59_000, "12 minutes"),
            (65 * 60_000, "1 hour 5 minutes"),
            (120 * 60_000, "2 hours"),
            (5 * 3_600_000 + 60_000, "5 hours"),
            (3 * 86_400_000, "3 days"),
        ] {
            assert_eq!(duration_words(ms), words, "{ms}");
        }
        for (ms, words) in [(8_400, "8 s"), (130_000, "2 min 10 s"), (840_000, "14 min"), (600_000, "10 min")]
        {
            assert_eq!(time_spent_words(ms), words, "{ms}");
        }
    }
}
