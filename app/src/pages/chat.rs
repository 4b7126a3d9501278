//! `/chat`: talking to a person, as plain HTML. A form posts each message and the
//! page shows the conversation, with a link to check for new replies; it works the
//! same with JavaScript off. With nobody online, the same form leaves a message that
//! is answered here later. Once the agent has closed it, the page asks the effort
//! question about it.

use crate::backend::{use_csrf_token, use_customer_chat, use_effort, use_visitor};
use crate::chat_text::MessageText;
use crate::pages::effort::EffortQuestion;
use crate::pages::meta::PageMeta;
use crate::visitor::CSRF_FIELD;
use crate::wire::{
    ChatAvailability, ChatBody, ChatFormState, ChatMessage, ChatOfferView, ConversationStatus,
    CustomerChatView, CustomerConversation,
};
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use telepath_domain::chat::MAX_MESSAGE_CHARS;
use telepath_domain::{ConversationState, EffortScore, Side};

#[component]
pub fn ChatPage() -> impl IntoView {
    let effort_changed = use_query_map().read_untracked().get(crate::urls::EFFORT_QUERY).as_deref()
        == Some(crate::urls::EFFORT_CHANGED);
    view! {
        <PageMeta title="Talk to us" description="Ask a person on our support team, or leave a message for them."/>
        <h1>"Talk to us"</h1>
        <Suspense>
            {move || Suspend::new(async move {
                let visitor = use_visitor();
                let chat = match &visitor {
                    Some(visitor) => use_customer_chat().visitor_chat(visitor).await.ok(),
                    None => None,
                };
                let ended = chat
                    .as_ref()
                    .and_then(|chat| chat.conversation.as_ref())
                    .filter(|conversation| conversation.status.state == ConversationState::Closed)
                    .map(|conversation| conversation.id);
                let effort = match (ended, &visitor) {
                    (Some(conversation), Some(visitor)) => {
                        use_effort().chat_rating(visitor, conversation).await.ok().flatten()
                    }
                    _ => None,
                };
                match chat {
                    None => Either::Left(view! {
                        <p class="form-error" role="alert">
                            "Chat is not available just now. Nothing you sent was lost; please try again in a moment."
                        </p>
                    }),
                    Some(chat) => Either::Right(view! { <ChatView chat effort changed=effort_changed/> }),
                }
            })}
        </Suspense>
    }
}

/// The offer of a person beside a page's content, when the visitor's visit says
/// they may be stuck: why, in their words, a way to chat (or leave a message), and
/// a "No thanks" that silences it for the rest of the visit. Plain HTML and forms.
/// `path` is the page's path and query, where "No thanks" comes back to.
#[component]
pub fn ChatOfferSlot(path: String) -> impl IntoView {
    view! {
        <Suspense>
            {move || {
                let path = path.clone();
                Suspend::new(async move {
                    let visitor = use_visitor()?;
                    let offer = use_customer_chat().chat_offer(&visitor, &path).await.ok()??;
                    Some(view! { <ChatOffer offer return_to=path/> })
                })
            }}
        </Suspense>
    }
}

#[component]
fn ChatOffer(offer: ChatOfferView, return_to: String) -> impl IntoView {
    match offer {
        ChatOfferView::ConversationOpen => EitherOf3::A(view! {
            <aside class="chat-offer" aria-label="Your conversation" data-testid="chat-offer">
                <p>"You have a conversation with our support team."</p>
                <a class="button" href=crate::urls::CHAT>"Open it"</a>
            </aside>
        }),
        ChatOfferView::Person { words, availability } => {
            EitherOf3::B(view! { <PersonOffer words availability return_to linger_after=None/> })
        }
        ChatOfferView::WhenLingering { after_seconds, words, availability } => EitherOf3::C(view! {
            <PersonOffer words availability return_to linger_after=Some(after_seconds)/>
            <LingerWatch/>
        }),
    }
}

/// A person offered, with why; `linger_after` keeps it hidden until the page has
/// been in view that many seconds (then it is `chat-offer` too).
#[component]
fn PersonOffer(
    words: String,
    availability: ChatAvailability,
    return_to: String,
    linger_after: Option<u64>,
) -> impl IntoView {
    let action = match availability {
        ChatAvailability::AgentFree => "Chat with us",
        ChatAvailability::LeaveMessage { .. } => "Leave a message",
    };
    let testid = if linger_after.is_some() { "chat-offer-when-lingering" } else { "chat-offer" };
    view! {
        <aside class="chat-offer" aria-label="Help from a person" data-testid=testid
            data-linger-after=linger_after data-report-to=linger_after.map(|_| crate::urls::CHAT_OFFER_LINGERED)
            hidden=linger_after.is_some() aria-live="polite">
            <p dir="auto" data-testid="chat-offer-reason">{words}</p>
            <a class="button" href=crate::urls::CHAT data-testid="chat-offer-start">{action}</a>
            <form method="post" action=crate::urls::CHAT_OFFER_DISMISS class="chat-offer-dismiss">
                <input type="hidden" name=CSRF_FIELD value=use_csrf_token()/>
                <input type="hidden" name="return_to" value=return_to/>
                <button type="submit" class="link-button" data-testid="chat-offer-dismiss">"No thanks"</button>
            </form>
        </aside>
    }
}

/// Counts the time the page is in view and shows the waiting offer once it is
/// long enough (`linger.js`). Plain inline script rather than an island: a few
/// hundred bytes on the pages that have the offer waiting, no wasm, nothing on others.
#[component]
fn LingerWatch() -> impl IntoView {
    view! { <script nonce=leptos::nonce::use_nonce() inner_html=include_str!("linger.js")></script> }
}

/// `effort` is the visitor's answer to the effort question about an ended
/// conversation; `changed` says it just replaced an earlier one.
#[component]
fn ChatView(chat: CustomerChatView, effort: Option<EffortScore>, changed: bool) -> impl IntoView {
    let CustomerChatView { conversation, availability, support_hours } = chat;
    match conversation {
        None => EitherOf3::A(view! { <StartForm availability support_hours/> }),
        Some(conversation) if conversation.status.state == ConversationState::Closed => EitherOf3::B(view! {
            <Conversation conversation=conversation.clone() availability=availability.clone()/>
            <EffortQuestion action=crate::urls::chat_effort(conversation.id) answer=effort changed/>
            <h2>"Need anything else?"</h2>
            <StartForm availability support_hours/>
        }),
        Some(conversation) => EitherOf3::C(view! {
            <Conversation conversation availability/>
            <MessageForm label="Your message" button="Send"/>
            <p><a href=crate::urls::CHAT data-testid="chat-check-replies">"Check for new replies"</a></p>
            <ChatPanelScript/>
        }),
    }
}

/// Loads the live chat panel (chat-panel/, a small wasm module of its own) on this
/// page only: the shared bundle every page loads stays as it is. Inline, so it needs
/// the response's nonce; the module and its wasm come from 'self'. Without
/// JavaScript none of this runs and the form above is the whole chat.
#[component]
fn ChatPanelScript() -> impl IntoView {
    let dir = use_context::<crate::pages::BundleDir>()?.0;
    let boot = format!("import init from \"{dir}/chat_panel.js\";init();");
    Some(view! { <script type="module" nonce=leptos::nonce::use_nonce() inner_html=boot></script> })
}

/// Where the conversation stands, in the customer's words.
fn status_words(
    status: &ConversationStatus,
    waiting_before: Option<usize>,
    availability: &ChatAvailability,
) -> String {
    match (status.state, &status.agent) {
        (ConversationState::Closed, _) => "This conversation has ended.".to_owned(),
        (ConversationState::Active, Some(agent)) => format!("{agent} from our support team is answering."),
        (ConversationState::Active, None) => "Someone from our support team is answering.".to_owned(),
        (ConversationState::Waiting, _) if *availability != ChatAvailability::AgentFree => {
            "We have your message. Nobody is online right now: come back to this page to read the reply. \
             We don't send replies by email."
                .to_owned()
        }
        (ConversationState::Waiting, _) => match waiting_before {
            Some(0) | None => {
                "You're next: someone from our support team will be with you shortly.".to_owned()
            }
            Some(1) => "One person is ahead of you; someone will be with you shortly.".to_owned(),
            Some(ahead) => format!("{ahead} people are ahead of you; someone will be with you shortly."),
        },
    }
}

#[component]
fn Conversation(conversation: CustomerConversation, availability: ChatAvailability) -> impl IntoView {
    let words = status_words(&conversation.status, conversation.waiting_before, &availability);
    let last_seq = conversation.last_seq();
    view! {
        <p class="chat-status" role="status" data-testid="chat-status">{words}</p>
        <ol class="chat-messages" data-testid="chat-messages" data-conversation=conversation.id
            data-last-seq=last_seq>
            {conversation.messages.into_iter().map(|message| view! { <Message message/> }).collect_view()}
        </ol>
        <span id="latest"></span>
    }
}

#[component]
fn Message(message: ChatMessage) -> impl IntoView {
    let (class, author) = match message.side {
        Side::Visitor => ("chat-message from-visitor", "You".to_owned()),
        Side::Agent => {
            ("chat-message from-agent", message.author.clone().unwrap_or_else(|| "Support".to_owned()))
        }
    };
    let body = match message.body {
        ChatBody::Text { text } => Either::Left(view! { <MessageText text/> }),
        ChatBody::Article { title, href } => Either::Right(view! {
            <p class="chat-card">"Article: "<a href=href dir="auto">{title}</a></p>
        }),
    };
    view! {
        <li class=class data-seq=message.seq data-testid="chat-message">
            <p class="chat-author">{author}</p>
            {body}
        </li>
    }
}

#[component]
fn StartForm(availability: ChatAvailability, support_hours: String) -> impl IntoView {
    let (intro, button) = match availability {
        ChatAvailability::AgentFree => (
            "Tell us what you need; someone from our support team will answer here.".to_owned(),
            "Start chat",
        ),
        ChatAvailability::LeaveMessage { back } => (
            format!(
                "{}Leave a message and come back to this page for the reply (we don't send it by email).",
                back.map_or_else(|| "Nobody is online just now. ".to_owned(), |back| format!("{back}. "))
            ),
            "Leave a message",
        ),
    };
    view! {
        <p class="lede" data-testid="chat-intro">{intro}</p>
        <p class="muted">{format!("Support team: {support_hours}.")}</p>
        <MessageForm label="What do you need help with?" button/>
    }
}

#[component]
fn MessageForm(label: &'static str, button: &'static str) -> impl IntoView {
    let state = use_context::<ChatFormState>().unwrap_or_default();
    let client_id = use_customer_chat().new_client_id();
    let invalid = state.error.is_some().then_some("true");
    view! {
        <form method="post" action=crate::urls::CHAT class="chat-form" data-testid="chat-form">
            <input type="hidden" name=CSRF_FIELD value=use_csrf_token()/>
            <input type="hidden" name=ChatFormState::CLIENT_ID_FIELD value=client_id/>
            <label for="chat-text">{label}</label>
            {state.error.clone().map(|error| view! {
                <p class="field-error" id="chat-text-error" role="alert">{error}</p>
            })}
            <textarea id="chat-text" name=ChatFormState::TEXT_FIELD rows="4" required maxlength=MAX_MESSAGE_CHARS
                aria-invalid=invalid aria-describedby=invalid.map(|_| "chat-text-error") dir="auto"
                inner_html=crate::pages::escape_text(&state.text)></textarea>
            <button type="submit" data-testid="chat-send">{button}</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(state: ConversationState, agent: Option<&str>) -> ConversationStatus {
        ConversationStatus { state, agent: agent.map(str::to_owned), visitor_read: 0, agent_read: 0 }
    }

    #[test]
    fn the_status_says_who_answers_or_how_long_the_wait_is() {
        let free = ChatAvailability::AgentFree;
        assert_eq!(
            status_words(&status(ConversationState::Active, Some("Ana")), None, &free),
            "Ana from our support team is answering."
        );
        assert!(
            status_words(&status(ConversationState::Waiting, None), Some(2), &free).starts_with("2 people")
        );
        assert!(
            status_words(&status(ConversationState::Waiting, None), Some(0), &free)
                .starts_with("You're next")
        );
        let leave = ChatAvailability::LeaveMessage { back: None };
        let left = status_words(&status(ConversationState::Waiting, None), Some(3), &leave);
        assert!(left.contains("come back to this page") && left.contains("email"), "{left}");
        assert_eq!(
            status_words(&status(ConversationState::Closed, Some("Ana")), None, &free),
            "This conversation has ended."
        );
    }
}
