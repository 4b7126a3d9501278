//! The agent console's model, made into the views its pages show
//! (`telepath_app::wire::console`): the queue, and one conversation with what the
//! agent can do in it. Reads the conversations store, presence and staff accounts;
//! the customer's trail comes from `trail.rs`, suggested answers from the search
//! index and the editors' saved replies.

use super::Chat;
use super::presence::AgentStatus;
use super::trail::{TRAIL_EVENTS, TRAIL_WINDOW_MS, trail};
use crate::content::ContentSnapshot;
use crate::search::{MAX_QUERY_CHARS, SearchIndex, SearchRequest};
use crate::store::conversations::{Conversation, ConversationsError, MessageBody, StoredMessage};
use crate::store::{EffortScores, EffortScoresError};
use crate::store::{EventLog, StoredEvent};
use std::collections::HashMap;
use telepath_app::urls;
use telepath_app::wire::{
    AgentChoice, AgentPresence, CannedReplyView, ChatBody, ConsoleConversation, ConsoleMessage,
    ConsoleNotice, MyConversation, NoteView, QueueDigest, QueueView, ReplyDraft, SuggestedArticle,
    WaitingConversation,
};
use telepath_domain::{ConversationState, EffortScore, EventKind, OfferReason, Side, StaffRole, Touchpoint};

/// The most conversations the queue lists; more than this waiting is a staffing
/// problem no list solves.
const QUEUE_SHOWN: u32 = 50;

/// Messages read for one conversation's page, in pages of this many.
const MESSAGES_PAGE: u32 = 500;

/// How many of the customer's earlier conversations the trail lists.
const EARLIER_SHOWN: u32 = 10;

/// Articles suggested at most, and how many each search may add.
const SUGGESTIONS: usize = 5;
const SUGGESTIONS_PER_SEARCH: usize = 3;

/// How many of the customer's latest messages, and failed searches, are searched.
const MESSAGES_SEARCHED: usize = 2;
const FAILED_SEARCHES_SEARCHED: usize = 3;

/// How much of a message a list shows.
const PREVIEW_CHARS: usize = 140;

/// What the console's pages read, for one request.
pub struct Console<'a> {
    pub chat: &'a Chat,
    pub events: &'a dyn EventLog,
    pub search: &'a SearchIndex,
    pub effort: &'a dyn EffortScores,
    pub snapshot: &'a ContentSnapshot,
    pub now_ms: i64,
}

impl Console<'_> {
    /// The queue as `agent` sees it.
    pub async fn queue(
        &self,
        agent: i64,
        notice: Option<ConsoleNotice>,
    ) -> Result<QueueView, ConversationsError> {
        let conversations = &self.chat.conversations;
        let (queue, answering) = (
            conversations.in_state(ConversationState::Waiting, QUEUE_SHOWN).await?,
            conversations.active_for(agent).await?,
        );
        let digest = digest(&queue, &answering);
        let mut waiting = Vec::new();
        for conversation in queue {
            let first = conversations.messages_after(conversation.id, 0, 20).await?;
            let preview = first.into_iter().find(|message| message.side == Side::Visitor).and_then(preview);
            waiting.push(WaitingConversation {
                id: conversation.id,
                opened_at_ms: conversation.opened_at_ms,
                level: conversation.level,
                preview,
                reasons: conversation.opened_because.iter().map(OfferReason::agent_words).collect(),
            });
        }
        let mut mine = Vec::new();
        for conversation in answering {
            let unread = conversations
                .messages_after(conversation.id, conversation.agent_read_seq, MESSAGES_PAGE)
                .await?
                .iter()
                .filter(|message| message.side == Side::Visitor)
                .count();
            let latest = conversations.messages_after(conversation.id, conversation.last_seq - 1, 1).await?;
            mine.push(MyConversation {
                id: conversation.id,
                level: conversation.level,
                unread: i64::try_from(unread).unwrap_or(i64::MAX),
                preview: latest.into_iter().next().and_then(preview),
                opened_at_ms: conversation.opened_at_ms,
            });
        }
        Ok(QueueView {
            presence: presence_view(self.chat.presence.status(agent).await?),
            capacity: self.chat.agent_capacity(),
            waiting,
            mine,
            notice,
            now_ms: self.now_ms,
            digest,
        })
    }

    /// One conversation as `agent` sees it. `reply` is the reply form's state: a
    /// fresh message id, or what was sent back with a problem.
    pub async fn conversation(
        &self,
        agent: i64,
        conversation: &Conversation,
        reply: ReplyDraft,
        notice: Option<ConsoleNotice>,
    ) -> Result<ConsoleConversation, ConversationsError> {
        let chat = self.chat;
        let is_mine = conversation.agent == Some(agent);
        let zone = self.snapshot.site.zone();
        let mut messages = Vec::new();
        let mut after = 0;
        loop {
            let page = chat.conversations.messages_after(conversation.id, after, MESSAGES_PAGE).await?;
            let full = page.len() == MESSAGES_PAGE as usize;
            for message in page {
                after = message.seq;
                let time_text = zone.clock_time(message.sent_at_ms, self.now_ms);
                messages.push(ConsoleMessage { message: chat.message_view(message).await, time_text });
            }
            if !full {
                break;
            }
        }
        let names = self.staff_names().await;
        let notes = chat
            .conversations
            .notes(conversation.id)
            .await?
            .into_iter()
            .map(|note| NoteView {
                author: names
                    .get(&note.agent)
                    .map_or_else(|| "An agent".to_owned(), |(name, _)| name.clone()),
                text: note.body,
                time_text: zone.clock_time(note.written_at_ms, self.now_ms),
            })
            .collect();
        let answered_by = match conversation.agent {
            Some(other) if other != agent => chat.agent_name(other).await,
            _ => None,
        };
        let transfer_to = if is_mine { self.agents_to_hand_to(agent, &names).await? } else { Vec::new() };
        let since = conversation.opened_at_ms.saturating_sub(TRAIL_WINDOW_MS);
        // The trail helps; a conversation shows without it.
        let events =
            self.events.visitor_events(&conversation.visitor, since, TRAIL_EVENTS).await.unwrap_or_else(
                |error| {
                    tracing::error!(
                        conversation = conversation.id,
                        "the customer's trail cannot be read: {error}"
                    );
                    Vec::new()
                },
            );
        let earlier = chat.conversations.conversations_of(&conversation.visitor, EARLIER_SHOWN).await?;
        let efforts = self.efforts(&conversation.visitor, &earlier).await;
        let suggestions =
            if is_mine { self.suggestions(conversation, &messages, &events) } else { Vec::new() };
        Ok(ConsoleConversation {
            id: conversation.id,
            state: conversation.state,
            level: conversation.level,
            opened_at_ms: conversation.opened_at_ms,
            now_ms: self.now_ms,
            is_mine,
            answered_by,
            resolution: conversation.resolution,
            messages,
            last_seq: conversation.last_seq,
            notes,
            reply,
            transfer_to,
            suggestions,
            canned_replies: if is_mine { self.canned_replies() } else { Vec::new() },
            trail: trail(conversation, &events, &earlier, &efforts, self.snapshot, self.now_ms),
            notice,
        })
    }

    /// Articles that may answer the customer: what the search box finds for their
    /// latest messages, then for the searches that found them nothing (the index
    /// matches some of the words too, so a sentence finds articles). Each once, the
    /// message's finds first.
    fn suggestions(
        &self,
        conversation: &Conversation,
        messages: &[ConsoleMessage],
        events: &[StoredEvent],
    ) -> Vec<SuggestedArticle> {
        let said = messages.iter().rev().filter(|message| message.message.side == Side::Visitor).filter_map(
            |message| match &message.message.body {
                ChatBody::Text { text } => Some((text.clone(), format!("their message “{}”", short(text)))),
                ChatBody::Article { .. } => None,
            },
        );
        let mut failed: Vec<String> = Vec::new();
        for event in events.iter().rev() {
            let query = match &event.kind {
                EventKind::Searched { query, results: 0 } | EventKind::SearchWithoutResults { query } => {
                    query
                }
                _ => continue,
            };
            if !failed.contains(query) {
                failed.push(query.clone());
            }
        }
        let searched = failed.into_iter().take(FAILED_SEARCHES_SEARCHED).map(|query| {
            let because = format!("their search “{}”, which found nothing", short(&query));
            (query, because)
        });
        let mut suggestions: Vec<SuggestedArticle> = Vec::new();
        for (query, because) in said.take(MESSAGES_SEARCHED).chain(searched) {
            let request = SearchRequest {
                query: query.chars().take(MAX_QUERY_CHARS).collect(),
                visitor_level: conversation.level,
                limit: SUGGESTIONS_PER_SEARCH,
                ..SearchRequest::default()
            };
            let hits = match self.search.search(&request) {
                Ok(results) => results.hits,
                Err(error) => {
                    tracing::error!("suggested articles cannot be searched: {error}");
                    return suggestions;
                }
            };
            for hit in hits {
                let Some(article) = self.snapshot.articles.get(&hit.slug) else { continue };
                if suggestions.len() < SUGGESTIONS && !suggestions.iter().any(|known| known.slug == hit.slug)
                {
                    suggestions.push(SuggestedArticle {
                        href: urls::article(&hit.slug),
                        title: article.front_matter.title.clone(),
                        slug: hit.slug,
                        because: because.clone(),
                        client_id: new_client_id(),
                    });
                }
            }
        }
        suggestions
    }

    /// How much effort the customer said each of their `conversations` took, where
    /// they answered the question.
    async fn efforts(&self, visitor: &str, conversations: &[Conversation]) -> HashMap<i64, EffortScore> {
        let mut efforts = HashMap::new();
        for conversation in conversations {
            let chat =
                Touchpoint::Chat { conversation: conversation.id, agent: None, offer_reasons: Vec::new() };
            match self.effort.rating_for(visitor, &chat).await {
                Ok(rating) => {
                    efforts.insert(conversation.id, rating.score);
                }
                Err(EffortScoresError::NotFound(_)) => {}
                Err(error) => {
                    tracing::warn!(
                        conversation = conversation.id,
                        "an effort rating cannot be read: {error}"
                    );
                    break;
                }
            }
        }
        efforts
    }

    /// The editors' saved replies, each with its own message id.
    fn canned_replies(&self) -> Vec<CannedReplyView> {
        self.snapshot
            .replies
            .iter()
            .map(|reply| CannedReplyView {
                id: reply.id.clone(),
                title: reply.title.clone(),
                text: reply.text.clone(),
                client_id: new_client_id(),
            })
            .collect()
    }

    /// Other agents online with room for one more conversation, least busy first.
    async fn agents_to_hand_to(
        &self,
        agent: i64,
        names: &HashMap<i64, (String, StaffRole)>,
    ) -> Result<Vec<AgentChoice>, ConversationsError> {
        let mut choices = Vec::new();
        for other in self.chat.presence.online().await? {
            let Some((name, role)) = names.get(&other) else { continue };
            if other == agent || !role.grants(StaffRole::Agent) {
                continue;
            }
            let load =
                u32::try_from(self.chat.conversations.active_for(other).await?.len()).unwrap_or(u32::MAX);
            if load < self.chat.agent_capacity() {
                choices.push(AgentChoice { id: other, name: name.clone(), load });
            }
        }
        choices.sort_by(|a, b| a.load.cmp(&b.load).then_with(|| a.name.cmp(&b.name)));
        Ok(choices)
    }

    /// Every enabled staff account's full name and role, as agents see each other.
    async fn staff_names(&self) -> HashMap<i64, (String, StaffRole)> {
        match self.chat.staff.accounts().await {
            Ok(accounts) => accounts
                .into_iter()
                .filter(|account| !account.is_disabled())
                .map(|account| (account.id, (account.name, account.role)))
                .collect(),
            Err(error) => {
                tracing::warn!("staff names cannot be read for the console: {error}");
                HashMap::new()
            }
        }
    }
}

/// What the queue page of `agent` shows now, in brief: what the queue feed watches.
pub async fn queue_digest(chat: &Chat, agent: i64) -> Result<QueueDigest, ConversationsError> {
    let waiting = chat.conversations.in_state(ConversationState::Waiting, QUEUE_SHOWN).await?;
    Ok(digest(&waiting, &chat.conversations.active_for(agent).await?))
}

fn digest(waiting: &[Conversation], mine: &[Conversation]) -> QueueDigest {
    let count = |conversations: &[Conversation]| u32::try_from(conversations.len()).unwrap_or(u32::MAX);
    QueueDigest {
        waiting: count(waiting),
        newest_waiting: waiting.iter().map(|conversation| conversation.id).max().unwrap_or(0),
        mine: count(mine),
        messages: mine.iter().map(|conversation| conversation.last_seq).sum(),
        read: mine.iter().map(|conversation| conversation.agent_read_seq).sum(),
    }
}

fn presence_view(status: AgentStatus) -> AgentPresence {
    match status {
        AgentStatus::Online => AgentPresence::Online,
        AgentStatus::Away => AgentPresence::Away,
    }
}

/// A message cut to a line for a list: an article card says it is one.
fn preview(message: StoredMessage) -> Option<String> {
    match message.body {
        MessageBody::Text(text) => {
            let mut cut: String = text.chars().take(PREVIEW_CHARS).collect();
            if cut.len() < text.len() {
                cut.push('…');
            }
            Some(cut)
        }
        MessageBody::Article { title, .. } => Some(format!("Article: {title}")),
    }
}

/// Words quoted in a line: the first 60 characters.
fn short(text: &str) -> String {
    let mut cut: String = text.chars().take(60).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    cut
}

/// A message id for a form rendered now, so sending the form twice stores one message.
pub fn new_client_id() -> String {
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    format!("console-{}", hex::encode(bytes))
}
