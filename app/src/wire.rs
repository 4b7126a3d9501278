//! Views: what the server hands the pages and, inside islands, the browser, one
//! file per feature. The words they use (levels, kinds, fields, notices) come from
//! `telepath_domain`; the server turns its content and search models into these in
//! one place (`server/src/portal/views.rs`).

mod articles;
mod chat;
mod console;
mod editors;
mod insights;
mod kits;
mod requests;
mod search;
mod site;
mod tasks;

pub use articles::{ArticleSummary, ArticleView, CategoryView, NextQuestion, TocEntry};
pub use chat::{
    ChatAvailability, ChatBody, ChatFormState, ChatMessage, ChatOfferView, ClientFrame, ConversationStatus,
    CustomerChatView, CustomerConversation, ServerFrame, close_code,
};
pub use console::{
    AgentChoice, AgentPresence, CannedReplyView, ConsoleConversation, ConsoleMessage, ConsoleNotice,
    EarlierConversation, KitStepsDone, MyConversation, NoteView, NoticeSeen, QueueDigest, QueueView,
    RefusedField, ReplyDraft, SuggestedArticle, TrailEntry, TrailLink, TrailStep, TrailView,
    WaitingConversation, duration_words, time_spent_words,
};
pub use editors::{ContentReport, DiagnosticView, FileWithErrors, count};
pub use insights::{
    DeflectionInsight, EffortInsight, EffortInsights, FieldErrorInsight, FixInsight, INSIGHT_PERIODS,
    InsightsView, NextQuestionInsight, SearchInsight, VoteInsight,
};
pub use kits::KitView;
pub use requests::{RequestView, SentAnswer};
pub use search::{FacetCounts, SearchHit, SearchPage, SearchQuery, Suggestions, encode_query_value};
pub use site::{LevelWording, SiteView};
pub use tasks::{TaskFormState, TaskSummary, TaskView};
