//! One conversation in the agent console: its messages and the reply form, the
//! suggested answers, internal notes, hand-over and closing, with the customer's
//! trail beside it.

use super::trail::Trail;
use super::{LevelBadge, Notice};
use crate::backend::use_csrf_token;
use crate::chat_text::MessageText;
use crate::islands::{ConsoleLive, MessageItem, REPLY_FORM_ID, REPLY_TEXT_ID};
use crate::pages::escape_text;
use crate::pages::meta::{Indexing, PageMeta};
use crate::pages::staff::{StaffBar, use_signed_in_staff};
use crate::urls::{self, CONSOLE, ConsoleForm};
use crate::visitor::CSRF_FIELD;
use crate::wire::{
    AgentChoice, CannedReplyView, ConsoleConversation, ConsoleMessage, NoteView, ReplyDraft, SuggestedArticle,
};
use leptos::prelude::*;
use telepath_domain::chat::MAX_MESSAGE_CHARS;
use telepath_domain::{ConversationState, Resolution};

/// `/console/conversations/<id>`.
#[component]
pub fn ConsoleConversationPage() -> impl IntoView {
    let Some(conversation) = use_context::<ConsoleConversation>() else {
        return view! { <super::ConsoleUnavailable/> }.into_any();
    };
    let csrf = use_csrf_token();
    let id = conversation.id;
    let writable = conversation.is_mine && conversation.state == ConversationState::Active;
    let status = status_words(&conversation);
    let title = format!("Conversation #{id}");
    // Erased in parts: the whole page as one type is deeper than the compiler follows.
    let head = view! {
        <PageMeta title=title.clone() description="A conversation with a customer, beside what they did before it." indexing=Indexing::Never/>
        {use_signed_in_staff().map(|staff| view! { <StaffBar staff/> })}
    }
    .into_any();
    let take = (conversation.state == ConversationState::Waiting).then(|| {
        view! {
            <form method="post" action=urls::console_form(id, ConsoleForm::Claim)>
                <input type="hidden" name=CSRF_FIELD value=csrf.clone()/>
                <button type="submit" class="primary" data-testid="take">"Take this conversation"</button>
            </form>
        }
        .into_any()
    });
    let answers = writable.then(|| {
        view! {
            <ReplyForm id draft=conversation.reply csrf=csrf.clone()/>
            <Suggestions id suggestions=conversation.suggestions csrf=csrf.clone()/>
            <CannedReplies id replies=conversation.canned_replies csrf=csrf.clone()/>
        }
        .into_any()
    });
    let hand_off = writable.then(|| {
        view! {
            <Transfer id agents=conversation.transfer_to csrf=csrf.clone()/>
            <Close id csrf=csrf.clone()/>
        }
        .into_any()
    });
    let main = view! {
        <div class="conversation-main">
            <h1>{title.clone()}" "<LevelBadge level=conversation.level/></h1>
            <p class="conversation-status" data-testid="conversation-status">{status}</p>
            <Notice notice=conversation.notice/>
            <Messages id messages=conversation.messages last_seq=conversation.last_seq/>
            {take}
            {answers}
            <Notes id notes=conversation.notes writable=conversation.is_mine csrf=csrf.clone()/>
            {hand_off}
        </div>
    }
    .into_any();
    view! {
        {head}
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <a href=CONSOLE>"Agent console"</a>
            <span aria-hidden="true">" › "</span>
            {title}
        </nav>
        <div class="console-conversation" data-testid="console-conversation" data-conversation=id>
            {main}
            <Trail trail=conversation.trail/>
        </div>
    }
    .into_any()
}

fn status_words(conversation: &ConsoleConversation) -> String {
    match (conversation.state, conversation.is_mine, &conversation.answered_by) {
        (ConversationState::Waiting, _, _) => "Waiting for an agent.".to_owned(),
        (ConversationState::Active, true, _) => "You are answering.".to_owned(),
        (ConversationState::Active, false, Some(agent)) => format!("{agent} is answering."),
        (ConversationState::Active, false, None) => "Another agent is answering.".to_owned(),
        (ConversationState::Closed, _, _) => match conversation.resolution {
            Some(resolution) => format!("Closed: {}.", resolution.label()),
            None => "Closed.".to_owned(),
        },
    }
}

/// The messages, oldest first, in a box that opens scrolled to the newest (the
/// stylesheet reverses the box's direction, not the order read out).
#[component]
fn Messages(id: i64, messages: Vec<ConsoleMessage>, last_seq: i64) -> impl IntoView {
    let empty = messages.is_empty();
    view! {
        <section class="messages" aria-labelledby="messages-heading">
            <h2 id="messages-heading" class="visually-hidden">"Messages"</h2>
            <div class="message-scroll" tabindex="0" role="log" aria-labelledby="messages-heading">
                <div>
                    {empty.then(|| view! { <p class="muted">"No messages yet."</p> })}
                    <ol class="message-list" data-testid="messages">
                        {messages.into_iter().map(|message| view! { <MessageItem message/> }).collect_view()}
                    </ol>
                    <ConsoleLive conversation=id last_seq/>
                </div>
            </div>
            <p class="muted"><a href=urls::console_conversation(id) data-testid="check-for-messages">"Check for new messages"</a></p>
        </section>
    }
    .into_any()
}

#[component]
fn ReplyForm(id: i64, draft: ReplyDraft, csrf: String) -> impl IntoView {
    let invalid = draft.error.is_some().then_some("true");
    view! {
        <form id=REPLY_FORM_ID class="reply-form" method="post" action=urls::console_form(id, ConsoleForm::Reply) data-testid="reply-form">
            <input type="hidden" name=CSRF_FIELD value=csrf/>
            <input type="hidden" name="client_id" value=draft.client_id/>
            <label for=REPLY_TEXT_ID>"Your reply"</label>
            {draft.error.map(|error| view! { <p class="field-error" id="reply-error" role="alert" data-testid="reply-error">{error}</p> })}
            <textarea
                id=REPLY_TEXT_ID
                name="text"
                rows="3"
                required
                maxlength=MAX_MESSAGE_CHARS
                autofocus
                aria-invalid=invalid
                aria-describedby=invalid.map(|_| "reply-error")
                data-testid="reply-text"
                inner_html=escape_text(&draft.text)
            ></textarea>
            <p><button type="submit" class="primary" data-testid="send-reply">"Send"</button></p>
        </form>
    }
    .into_any()
}

#[component]
fn Suggestions(id: i64, suggestions: Vec<SuggestedArticle>, csrf: String) -> impl IntoView {
    view! {
        <section class="console-section" aria-labelledby="suggested-heading" data-testid="suggestions">
            <h2 id="suggested-heading">"Suggested articles"</h2>
            {if suggestions.is_empty() {
                view! { <p class="muted">"Nothing found yet for what the customer wrote or searched."</p> }.into_any()
            } else {
                view! {
                    <ul class="suggestion-list">
                        {suggestions
                            .into_iter()
                            .map(|suggestion| view! { <SuggestionItem id suggestion csrf=csrf.clone()/> })
                            .collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn CannedReplies(id: i64, replies: Vec<CannedReplyView>, csrf: String) -> impl IntoView {
    (!replies.is_empty()).then(|| {
        view! {
            <section class="console-section" aria-labelledby="canned-heading" data-testid="canned-replies">
                <details>
                    <summary><h2 id="canned-heading">{format!("Saved replies ({})", replies.len())}</h2></summary>
                    <ul class="canned-list">
                        {replies
                            .into_iter()
                            .map(|reply| view! { <CannedReplyItem id reply csrf=csrf.clone()/> })
                            .collect_view()}
                    </ul>
                </details>
            </section>
        }
    })
}

#[component]
fn SuggestionItem(id: i64, suggestion: SuggestedArticle, csrf: String) -> impl IntoView {
    // Attributes are built innermost first: the outer one takes its own copy.
    let slug = suggestion.slug.clone();
    view! {
        <li data-testid="suggestion" data-slug=slug>
            <form method="post" action=urls::console_form(id, ConsoleForm::SendArticle)>
                <input type="hidden" name=CSRF_FIELD value=csrf/>
                <input type="hidden" name="client_id" value=suggestion.client_id/>
                <input type="hidden" name="slug" value=suggestion.slug/>
                <p>
                    <a href=suggestion.href target="_blank">{suggestion.title}</a>
                    <br/><span class="muted">{format!("Found by {}", suggestion.because)}</span>
                </p>
                <button type="submit" data-testid="send-article">"Send this article"</button>
            </form>
        </li>
    }
}

#[component]
fn CannedReplyItem(id: i64, reply: CannedReplyView, csrf: String) -> impl IntoView {
    let reply_id = reply.id.clone();
    view! {
        <li data-testid="canned-reply" data-reply=reply_id>
            <form method="post" action=urls::console_form(id, ConsoleForm::SendCannedReply)>
                <input type="hidden" name=CSRF_FIELD value=csrf/>
                <input type="hidden" name="client_id" value=reply.client_id/>
                <input type="hidden" name="reply" value=reply.id/>
                <p class="canned-title"><strong>{reply.title}</strong></p>
                <MessageText text=reply.text/>
                <button type="submit" data-testid="send-canned-reply">"Send"</button>
            </form>
        </li>
    }
}

#[component]
fn Notes(id: i64, notes: Vec<NoteView>, writable: bool, csrf: String) -> impl IntoView {
    view! {
        <section class="console-section notes" aria-labelledby="notes-heading" data-testid="notes">
            <h2 id="notes-heading">"Internal notes"</h2>
            <p class="muted">"Only agents see these; the customer never does."</p>
            {(!notes.is_empty()).then(|| view! {
                <ul class="note-list">
                    {notes.into_iter().map(|note| view! {
                        <li data-testid="note">
                            <p class="message-meta"><span class="message-author">{note.author}</span>" "<span class="muted">{note.time_text}</span></p>
                            <MessageText text=note.text/>
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {writable.then(|| view! {
                <form class="note-form" method="post" action=urls::console_form(id, ConsoleForm::Note) data-testid="note-form">
                    <input type="hidden" name=CSRF_FIELD value=csrf/>
                    <label for="note-text">"Add a note"</label>
                    <textarea id="note-text" name="text" rows="2" required maxlength=MAX_MESSAGE_CHARS data-testid="note-text"></textarea>
                    <p><button type="submit" data-testid="add-note">"Add note"</button></p>
                </form>
            })}
        </section>
    }
    .into_any()
}

#[component]
fn Transfer(id: i64, agents: Vec<AgentChoice>, csrf: String) -> impl IntoView {
    view! {
        <section class="console-section" aria-labelledby="transfer-heading" data-testid="transfer">
            <h2 id="transfer-heading">"Hand over"</h2>
            {if agents.is_empty() {
                view! { <p class="muted">"No other agent is online just now."</p> }.into_any()
            } else {
                view! {
                    <form class="transfer-form" method="post" action=urls::console_form(id, ConsoleForm::Transfer)>
                        <input type="hidden" name=CSRF_FIELD value=csrf/>
                        <label for="transfer-to">"To"</label>
                        <select id="transfer-to" name="to" data-testid="transfer-to">
                            {agents.into_iter().map(|agent| {
                                let load = match agent.load {
                                    0 => "free".to_owned(),
                                    1 => "1 conversation".to_owned(),
                                    n => format!("{n} conversations"),
                                };
                                view! { <option value=agent.id>{format!("{} ({load})", agent.name)}</option> }
                            }).collect_view()}
                        </select>
                        <button type="submit" data-testid="hand-over">"Hand over"</button>
                    </form>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn Close(id: i64, csrf: String) -> impl IntoView {
    view! {
        <section class="console-section" aria-labelledby="close-heading" data-testid="close">
            <h2 id="close-heading">"Close the conversation"</h2>
            <form class="close-form" method="post" action=urls::console_form(id, ConsoleForm::Close)>
                <input type="hidden" name=CSRF_FIELD value=csrf/>
                <p class="muted">"How did it go?"</p>
                <div class="close-choices">
                    {Resolution::ALL.into_iter().map(|resolution| view! {
                        <button type="submit" name="resolution" value=resolution.as_str() data-testid=format!("close-{}", resolution.as_str())>
                            {resolution.label()}
                        </button>
                    }).collect_view()}
                </div>
            </form>
        </section>
    }
    .into_any()
}
