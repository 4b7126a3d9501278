//! The agent console: the queue at `/console`, and one conversation beside the
//! customer's trail at `/console/conversations/<id>`. Plain forms throughout, so
//! everything works with JavaScript off; the server builds the views and hands them
//! over as context (`server/src/http/console.rs`).

mod conversation;
mod trail;

pub use conversation::ConsoleConversationPage;

use crate::backend::use_csrf_token;
use crate::chat_text::MessageText;
use crate::islands::QueueWatch;
use crate::pages::meta::{Indexing, PageMeta};
use crate::pages::staff::{StaffBar, use_signed_in_staff};
use crate::urls::{self, CONSOLE, CONSOLE_PRESENCE, ConsoleForm};
use crate::visitor::CSRF_FIELD;
use crate::wire::{
    AgentPresence, ConsoleNotice, MyConversation, QueueView, WaitingConversation, duration_words,
};
use leptos::prelude::*;
use telepath_domain::Level;

/// How often the queue reloads itself without JavaScript, in seconds. Each load is
/// also the console's sign of life that keeps an online agent online.
const QUEUE_REFRESH_SECONDS: &str = "20";

/// `/console`: the agent's status, the waiting queue and their own conversations.
#[component]
pub fn ConsoleQueuePage() -> impl IntoView {
    let Some(queue) = use_context::<QueueView>() else {
        return view! { <ConsoleUnavailable/> }.into_any();
    };
    let csrf = use_csrf_token();
    let attention = queue.needs_attention();
    let title =
        if attention > 0 { format!("({attention}) Agent console") } else { "Agent console".to_owned() };
    let (waiting, mine) = (queue.waiting.len(), queue.mine.len());
    let now_ms = queue.now_ms;
    // Erased in parts: the whole page as one type is deeper than the compiler follows.
    let head = view! {
        <PageMeta title description="Customers waiting for a person, and the conversations you answer." indexing=Indexing::Never/>
        // Without JavaScript the queue reloads itself; inside <noscript> a browser
        // running scripts never reads it.
        <noscript><meta http-equiv="refresh" content=QUEUE_REFRESH_SECONDS/></noscript>
        {use_signed_in_staff().map(|staff| view! { <StaffBar staff/> })}
    }
    .into_any();
    view! {
        {head}
        <div class="console" data-testid="console-queue">
            <h1>"Agent console"</h1>
            <Notice notice=queue.notice/>
            <PresenceForm presence=queue.presence csrf=csrf.clone()/>
            <section class="console-section" aria-labelledby="waiting-heading" data-testid="queue">
                <div class="console-section-head">
                    <h2 id="waiting-heading">{format!("Waiting ({waiting})")}</h2>
                    <span>
                        <QueueWatch digest=queue.digest/>" "
                        <a href=CONSOLE data-testid="check-for-new">"Check for new"</a>
                    </span>
                </div>
                {if waiting == 0 {
                    view! { <p class="muted" data-testid="queue-empty">"Nobody is waiting."</p> }.into_any()
                } else {
                    view! {
                        <ol class="queue-list">
                            {queue.waiting.into_iter().map(|conversation| view! {
                                <WaitingItem conversation now_ms csrf=csrf.clone()/>
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }}
            </section>
            <section class="console-section" aria-labelledby="mine-heading" data-testid="mine">
                <h2 id="mine-heading">{format!("Your conversations ({mine} of {})", queue.capacity)}</h2>
                {if mine == 0 {
                    view! { <p class="muted">"You are not answering any conversation just now."</p> }.into_any()
                } else {
                    view! {
                        <ul class="mine-list">
                            {queue.mine.into_iter().map(|conversation| view! { <MineItem conversation/> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        </div>
    }
    .into_any()
}

#[component]
fn PresenceForm(presence: AgentPresence, csrf: String) -> impl IntoView {
    let online = presence == AgentPresence::Online;
    let status = if online {
        "Customers can be offered a chat with you."
    } else {
        "You take no new chats; customers are not offered one on your account."
    };
    let button = move |choice: AgentPresence, label: &'static str| {
        view! {
            <button
                type="submit"
                name="status"
                value=choice.as_str()
                aria-pressed=(presence == choice).to_string()
                data-testid=format!("presence-{}", choice.as_str())
            >
                {label}
            </button>
        }
    };
    view! {
        <form class="presence-form" method="post" action=CONSOLE_PRESENCE data-testid="presence">
            <input type="hidden" name=CSRF_FIELD value=csrf/>
            <p>
                "You are "<strong data-testid="presence-status">{presence.as_str()}</strong>". "
                <span class="muted">{status}</span>
            </p>
            <div class="presence-choices" role="group" aria-label="Your status">
                {button(AgentPresence::Online, "Online")}
                {button(AgentPresence::Away, "Away")}
            </div>
        </form>
    }
    .into_any()
}

#[component]
fn WaitingItem(conversation: WaitingConversation, now_ms: i64, csrf: String) -> impl IntoView {
    let id = conversation.id;
    let waited = match duration_words(now_ms - conversation.opened_at_ms).as_str() {
        "just now" => "Just arrived".to_owned(),
        words => format!("Waiting {words}"),
    };
    let summary_id = format!("waiting-{id}");
    view! {
        <li class="queue-item" data-testid="waiting-conversation" data-conversation=id>
            <div class="queue-summary" id=summary_id.clone()>
                <p class="queue-meta">
                    <strong data-testid="waited">{waited}</strong>
                    " · "<LevelBadge level=conversation.level/>
                    " · "<a href=urls::console_conversation(id)>{format!("#{id}")}</a>
                </p>
                {conversation.preview.map(|preview| view! { <MessageText text=preview/> })}
                {(!conversation.reasons.is_empty()).then(|| view! {
                    <ul class="offer-reasons" aria-label="Why chat was offered">
                        {conversation.reasons.into_iter().map(|reason| view! { <li>{reason}</li> }).collect_view()}
                    </ul>
                })}
            </div>
            <form method="post" action=urls::console_form(id, ConsoleForm::Claim)>
                <input type="hidden" name=CSRF_FIELD value=csrf/>
                <button type="submit" class="primary" aria-describedby=summary_id data-testid="take">"Take"</button>
            </form>
        </li>
    }
    .into_any()
}

#[component]
fn MineItem(conversation: MyConversation) -> impl IntoView {
    let id = conversation.id;
    view! {
        <li class="mine-item" data-conversation=id>
            <a href=urls::console_conversation(id) data-testid="my-conversation">{format!("Conversation #{id}")}</a>
            " "<LevelBadge level=conversation.level/>
            {(conversation.unread > 0).then(|| view! {
                " "<span class="badge unread" data-testid="unread">{format!("{} unread", conversation.unread)}</span>
            })}
            {conversation.preview.map(|preview| view! { <MessageText text=preview/> })}
        </li>
    }
    .into_any()
}

/// The customer's level as they chose it, or that they did not.
#[component]
pub(crate) fn LevelBadge(level: Option<Level>) -> impl IntoView {
    let (class, words) = match level {
        Some(Level::Newcomer) => ("badge level-newcomer", "Newcomer"),
        Some(Level::Technical) => ("badge level-technical", "Technical"),
        Some(Level::Expert) => ("badge level-expert", "Expert"),
        Some(Level::All) | None => ("badge", "Level not chosen"),
    };
    view! { <span class=class data-testid="level">{words}</span> }
}

/// How the agent's last action turned out: a problem is announced at once, a
/// confirmation politely.
#[component]
pub(crate) fn Notice(notice: Option<ConsoleNotice>) -> impl IntoView {
    notice.map(|notice| {
        let (class, role) =
            if notice.problem { ("callout warning", "alert") } else { ("callout tip", "status") };
        view! { <p class=class role=role data-testid="console-notice">{notice.words}</p> }
    })
}

/// Shown only if the console was reached without its view (never through its routes).
#[component]
fn ConsoleUnavailable() -> impl IntoView {
    view! {
        <PageMeta title="Agent console" description="The agent console." indexing=Indexing::Never/>
        <h1>"The agent console could not be shown"</h1>
        <p>"Please reload the page in a moment."</p>
    }
}
