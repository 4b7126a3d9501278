//! The agent console over HTTP, behind the agent role (`routes.rs`): its two pages,
//! rendered from the views `chat::console` builds, and the forms agents send. Each
//! form is a plain post answered with a redirect to a page (post, redirect, get),
//! or with the page again saying what did not go as asked. Only the agent answering
//! a conversation may write in it. Every store write wakes the conversation's
//! sockets, so the customer sees a reply, a hand-over or the close at once; notes
//! wake nobody, since they are for agents only.

use super::connections::ConnectionSlot;
use super::error::HttpError;
use super::{AppState, read_form_body};
use crate::chat::console::{Console, new_client_id};
use crate::chat::hub::RoomEvent;
use crate::chat::queue_feed::{self, FeedIn, FeedOut, FeedTiming};
use crate::store::conversations::{Claim, Conversation, ConversationsError, MessageBody, NewMessage};
use crate::store::{Clock, SystemClock};
use axum::Extension;
use axum::body::Body;
use axum::extract::ws::{CloseFrame, Message, WebSocketUpgrade};
use axum::extract::{FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use leptos::prelude::provide_context;
use telepath_app::backend::SiteOrigin;
use telepath_app::staff::SignedInStaff;
use telepath_app::urls;
use telepath_app::wire::{AgentPresence, ConsoleNotice, ReplyDraft};
use telepath_domain::chat::{clean_message, is_valid_client_id};
use telepath_domain::{ConversationState, Resolution, Side};

/// Every console request is a sign of life: an online agent with the console open
/// stays online (`chat::presence`).
pub async fn note_sign_of_life(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if let Some(staff) = request.extensions().get::<SignedInStaff>() {
        state.chat.presence.seen(staff.id).await;
    }
    next.run(request).await
}

/// `GET /console`: the queue. `?closed=ID` and `?handed=ID` say how the last
/// conversation left the agent's hands (read from the store, never from the address).
pub async fn queue_page(
    State(state): State<AppState>,
    Extension(staff): Extension<SignedInStaff>,
    request: Request,
) -> Result<Response, HttpError> {
    let notice = outcome_notice(&state, request.uri().query().unwrap_or_default()).await;
    let (parts, _) = request.into_parts();
    queue(&state, &staff, parts, notice, StatusCode::OK).await
}

async fn outcome_notice(state: &AppState, query: &str) -> Option<ConsoleNotice> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    let (key, id) = pairs.into_iter().find_map(|(key, value)| Some((key, value.parse::<i64>().ok()?)))?;
    let conversation = state.chat.conversations.conversation(id).await.ok()?;
    match (key.as_str(), conversation.state, conversation.resolution, conversation.agent) {
        ("closed", ConversationState::Closed, Some(resolution), _) => {
            Some(ConsoleNotice::done(format!("Conversation #{id} is closed: {}.", resolution.label())))
        }
        ("handed", ConversationState::Active, _, Some(agent)) => {
            let name = state.chat.agent_name(agent).await?;
            Some(ConsoleNotice::done(format!("Conversation #{id} is now with {name}.")))
        }
        _ => None,
    }
}

async fn queue(
    state: &AppState,
    staff: &SignedInStaff,
    parts: Parts,
    notice: Option<ConsoleNotice>,
    status: StatusCode,
) -> Result<Response, HttpError> {
    let snapshot = state.portal.content.snapshot();
    let console = Console {
        chat: &state.chat,
        events: state.portal.events.as_ref(),
        search: &state.portal.search,
        effort: state.portal.effort.as_ref(),
        snapshot: &snapshot,
        now_ms: SystemClock.now_ms(),
    };
    let view = console.queue(staff.id, notice).await.map_err(unavailable)?;
    Ok(render(state, parts, urls::CONSOLE, view, status).await)
}

/// `GET /console/queue/socket`: the queue page's live feed (`chat::queue_feed`),
/// from the portal's own pages only, like every socket.
pub async fn queue_socket(
    State(state): State<AppState>,
    Extension(staff): Extension<SignedInStaff>,
    origin: Option<Extension<SiteOrigin>>,
    headers: HeaderMap,
    slot: Option<Extension<ConnectionSlot>>,
    upgrade: WebSocketUpgrade,
) -> Result<Response, HttpError> {
    super::chat::require_own_origin(&headers, origin.as_deref())?;
    // The browser only answers pings; anything bigger than a small frame is not it.
    let upgrade = upgrade.max_message_size(1024).max_frame_size(1024);
    Ok(upgrade.on_upgrade(move |socket| async move {
        // Counted among the connections until the feed closes.
        let _slot = slot;
        let (sink, stream) = socket.split();
        let incoming = stream.map(|received| match received {
            Ok(Message::Close(_)) | Err(_) => FeedIn::Closed,
            Ok(_) => FeedIn::Alive,
        });
        let outgoing = sink.with(|out: FeedOut| async move {
            Ok::<_, axum::Error>(match out {
                FeedOut::Digest(digest) => {
                    Message::Text(serde_json::to_string(&digest).map_err(axum::Error::new)?.into())
                }
                FeedOut::Ping => Message::Ping(Default::default()),
                FeedOut::Close { code, reason } => {
                    Message::Close(Some(CloseFrame { code, reason: reason.into() }))
                }
            })
        });
        queue_feed::run(&state.chat, staff.id, FeedTiming::default(), Box::pin(outgoing), Box::pin(incoming))
            .await;
    }))
}

/// `GET /console/conversations/{id}`: open to the agent answering it, and to every
/// agent while it waits (to decide to take it). Looking at it marks what the
/// customer wrote as read.
pub async fn conversation_page(
    State(state): State<AppState>,
    Extension(staff): Extension<SignedInStaff>,
    ConversationId(id): ConversationId,
    request: Request,
) -> Result<Response, HttpError> {
    let mut conversation = readable(&state, &staff, id).await?;
    if conversation.agent == Some(staff.id) && conversation.agent_read_seq < conversation.last_seq {
        match state.chat.conversations.mark_read(id, Side::Agent, conversation.last_seq).await {
            Ok(read) => {
                conversation.agent_read_seq = read;
                state.chat.hub.publish(id, RoomEvent::Read { side: Side::Agent, seq: read });
            }
            // Read marks are a courtesy to the customer; the page shows anyway.
            Err(error) => tracing::warn!(conversation = id, "a read mark was not stored: {error}"),
        }
    }
    let draft = ReplyDraft { client_id: new_client_id(), ..ReplyDraft::default() };
    let (parts, _) = request.into_parts();
    conversation_view(&state, &staff, parts, &conversation, draft, None, StatusCode::OK).await
}

async fn conversation_view(
    state: &AppState,
    staff: &SignedInStaff,
    parts: Parts,
    conversation: &Conversation,
    draft: ReplyDraft,
    notice: Option<ConsoleNotice>,
    status: StatusCode,
) -> Result<Response, HttpError> {
    let snapshot = state.portal.content.snapshot();
    let console = Console {
        chat: &state.chat,
        events: state.portal.events.as_ref(),
        search: &state.portal.search,
        effort: state.portal.effort.as_ref(),
        snapshot: &snapshot,
        now_ms: SystemClock.now_ms(),
    };
    let view = console.conversation(staff.id, conversation, draft, notice).await.map_err(unavailable)?;
    let path = urls::console_conversation(conversation.id);
    Ok(render(state, parts, &path, view, status).await)
}

/// `POST /console/presence`: online or away.
pub async fn set_presence(
    State(state): State<AppState>,
    Extension(staff): Extension<SignedInStaff>,
    request: Request,
) -> Result<Response, HttpError> {
    let form = FormFields::read(request).await?;
    let presence = form.get("status").and_then(AgentPresence::parse).ok_or_else(unreadable)?;
    let status = match presence {
        AgentPresence::Online => crate::chat::presence::AgentStatus::Online,
        AgentPresence::Away => crate::chat::presence::AgentStatus::Away,
    };
    state.chat.presence.set(staff.id, status).await.map_err(ConversationsError::from).map_err(unavailable)?;
    Ok(see_other(urls::CONSOLE))
}

/// `POST /console/conversations/{id}/claim`: the store lets one agent win; the
/// others see the queue again, told who was first.
pub async fn claim(
    State(state): State<AppState>,
    Extension(staff): Extension<SignedInStaff>,
    ConversationId(id): ConversationId,
    request: Request,
) -> Result<Response, HttpError> {
    let (parts, _) = request.into_parts();
    let chat = &state.chat;
    let claim = chat.conversations.claim(id, staff.id, chat.agent_capacity()).await.map_err(unavailable)?;
    let refusal = match claim {
        Claim::Claimed => {
            chat.hub.publish(id, RoomEvent::StatusChanged);
            return Ok(see_other(&urls::console_conversation(id)));
        }
        Claim::AlreadyTaken { by } if by == staff.id => {
            return Ok(see_other(&urls::console_conversation(id)));
        }
        Claim::AlreadyTaken { by } => match chat.agent_name(by).await {
            Some(name) => format!("{name} already took this one."),
            None => "Another agent already took this one.".to_owned(),
        },
        Claim::AtCapacity => format!(
            "You are answering {} conversations, as many as you can at once. Close or hand over one first.",
            chat.agent_capacity()
        ),
        Claim::Closed => "This conversation ended before anyone took it.".to_owned(),
    };
    queue(&state, &staff, parts, Some(ConsoleNotice::problem(refusal)), StatusCode::CONFLICT).await
}

/// `POST /console/conversations/{id}/messages`: the agent's reply. The form's
/// message id was made when the page was rendered, so a double submit stores one
/// message; a reply with a problem comes back with the text kept.
pub async fn reply(
    State(state): State<AppState>,
    Extension(staff): Extension<SignedInStaff>,
    ConversationId(id): ConversationId,
    request: Request,
) -> Result<Response, HttpError> {
    let (parts, body) = request.into_parts();
    let form = FormFields::from_body(body).await?;
    let conversation = owned(&state, &staff, id).await?;
    let client_id = form.client_id()?;
    let typed = form.get("text").unwrap_or_default();
    match clean_message(typed) {
        Ok(text) => send(&state, &staff, parts, &conversation, client_id, MessageBody::Text(text)).await,
        Err(problem) => {
            let draft = ReplyDraft {
                client_id: client_id.to_owned(),
                text: typed.to_owned(),
                error: Some(problem.words()),
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            conversation_view(&state, &staff, parts, &conversation, draft, None, status).await
        }
    }
}

/// `POST /console/conversations/{id}/articles`: an article sent as a link card.
pub async fn send_article(
    State(state): State<AppState>,
    Extension(staff): Extension<SignedInStaff>,
    ConversationId(id): ConversationId,
    request: Request,
) -> Result<Response, HttpError> {
    let (parts, body) = request.into_parts();
    let form = FormFields::from_body(body).await?;
    let conversation = owned(&state, &staff, id).await?;
    let client_id = form.client_id()?;
    let slug = form.get("slug").unwrap_or_default();
    let title =
        state.portal.content.snapshot().articles.get(slug).map(|article| article.front_matter.title.clone());
    match title {
        Some(title) => {
            let body = MessageBody::Article { slug: slug.to_owned(), title };
            send(&state, &staff, parts, &conversation, client_id, body).await
        }
        None => {
            let notice = ConsoleNotice::problem("That article is not in the help centre any more.");
            let draft = ReplyDraft { client_id: new_client_id(), ..ReplyDraft::default() };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            conversation_view(&state, &staff, parts, &conversation, draft, Some(notice), status).await
        }
    }
}

/// `POST /console/conversations/{id}/replies`: one of the editors' saved replies, as text.
pub async fn send_canned_reply(
    State(state): State<AppState>,
    Extension(staff): Extension<SignedInStaff>,
    ConversationId(id): ConversationId,
    request: Request,
) -> Result<Response, HttpError> {
    let (parts, body) = request.into_parts();
    let form = FormFields::from_body(body).await?;
    let conversation = owned(&state, &staff, id).await?;
    let client_id = form.client_id()?;
    let wanted = form.get("reply").unwrap_or_default();
    let text = state
        .portal
        .content
        .snapshot()
        .replies
        .iter()
        .find(|reply| reply.id == wanted)
        .map(|reply| reply.text.clone());
    match text {
        Some(text) => send(&state, &staff, parts, &conversation, client_id, MessageBody::Text(text)).await,
        None => {
            let notice = ConsoleNotice::problem("That saved reply is not in the help centre any more.");
            let draft = ReplyDraft { client_id: new_client_id(), ..ReplyDraft::default() };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            conversation_view(&state, &staff, parts, &conversation, draft, Some(notice), status).await
        }
    }
}

/// Stores the agent's message once, wakes the conversation's sockets and shows the
/// conversation again.
async fn send(
    state: &AppState,
    staff: &SignedInStaff,
    parts: Parts,
    conversation: &Conversation,
    client_id: &str,
    body: MessageBody,
) -> Result<Response, HttpError> {
    let id = conversation.id;
    let message =
        NewMessage { client_id: client_id.to_owned(), side: Side::Agent, agent: Some(staff.id), body };
    match state.chat.conversations.append_message(id, message).await {
        Ok(appended) => {
            if appended.was_new {
                state.chat.hub.publish(id, RoomEvent::Stored { seq: appended.message.seq });
            }
            Ok(see_other(&urls::console_conversation(id)))
        }
        Err(ConversationsError::Closed(_)) => {
            let notice =
                ConsoleNotice::problem("This conversation has ended, so nothing more can be sent in it.");
            let draft = ReplyDraft { client_id: new_client_id(), ..ReplyDraft::default() };
            let conversation = readable(state, staff, id).await?;
            conversation_view(state, staff, parts, &conversation, draft, Some(notice), StatusCode::CONFLICT)
                .await
        }
        // The id was used for another message of this conversation: a forged form.
        Err(ConversationsError::Conflict) => Err(unreadable()),
        Err(error) => Err(unavailable(error)),
    }
}

/// `POST /console/conversations/{id}/notes`: a note for agents only. It wakes no
/// socket: nothing of it reaches the customer.
pub async fn add_note(
    State(state): State<AppState>,
    Extension(staff): Extension<SignedInStaff>,
    ConversationId(id): ConversationId,
    request: Request,
) -> Result<Response, HttpError> {
    let (parts, body) = request.into_parts();
    let form = FormFields::from_body(body).await?;
    let conversation = owned(&state, &staff, id).await?;
    match clean_message(form.get("text").unwrap_or_default()) {
        Ok(text) => {
            state.chat.conversations.add_note(id, staff.id, &text).await.map_err(unavailable)?;
            Ok(see_other(&format!("{}#notes-heading", urls::console_conversation(id))))
        }
        Err(problem) => {
            let notice = ConsoleNotice::problem(format!("The note was not added. {}", problem.words()));
            let draft = ReplyDraft { client_id: new_client_id(), ..ReplyDraft::default() };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            conversation_view(&state, &staff, parts, &conversation, draft, Some(notice), status).await
        }
    }
}

/// `POST /console/conversations/{id}/transfer`: hands the conversation to another
/// agent who is online with room for it; the customer sees the new name.
pub async fn transfer(
    State(state): State<AppState>,
    Extension(staff): Extension<SignedInStaff>,
    ConversationId(id): ConversationId,
    request: Request,
) -> Result<Response, HttpError> {
    let (parts, body) = request.into_parts();
    let form = FormFields::from_body(body).await?;
    let conversation = owned(&state, &staff, id).await?;
    let to = form.get("to").and_then(|to| to.parse::<i64>().ok()).ok_or_else(unreadable)?;
    let chat = &state.chat;
    let load = chat.conversations.active_for(to).await.map_err(unavailable)?.len();
    let online = chat.presence.online().await.map_err(ConversationsError::from).map_err(unavailable)?;
    let refusal = if to == staff.id {
        Some("The conversation is already yours; choose another agent.")
    } else if !online.contains(&to) {
        Some("That agent is not online any more; choose another.")
    } else if load >= chat.agent_capacity() as usize {
        Some("That agent is answering as many conversations as they can; choose another.")
    } else {
        None
    };
    if let Some(refusal) = refusal {
        let draft = ReplyDraft { client_id: new_client_id(), ..ReplyDraft::default() };
        let notice = Some(ConsoleNotice::problem(refusal));
        return conversation_view(&state, &staff, parts, &conversation, draft, notice, StatusCode::CONFLICT)
            .await;
    }
    if !chat.conversations.transfer(id, staff.id, to).await.map_err(unavailable)? {
        return Err(HttpError::NotYourConversation);
    }
    chat.hub.publish(id, RoomEvent::StatusChanged);
    Ok(see_other(&format!("{}?handed={id}", urls::CONSOLE)))
}

/// `POST /console/conversations/{id}/close`: ends the conversation with how it went.
pub async fn close(
    State(state): State<AppState>,
    Extension(staff): Extension<SignedInStaff>,
    ConversationId(id): ConversationId,
    request: Request,
) -> Result<Response, HttpError> {
    let form = FormFields::read(request).await?;
    owned(&state, &staff, id).await?;
    let resolution = form.get("resolution").and_then(Resolution::parse).ok_or_else(unreadable)?;
    state.chat.conversations.close_conversation(id, resolution).await.map_err(unavailable)?;
    state.chat.hub.publish(id, RoomEvent::StatusChanged);
    Ok(see_other(&format!("{}?closed={id}", urls::CONSOLE)))
}

/// The conversation's number in the address; anything else is no conversation.
pub struct ConversationId(i64);

impl<S: Send + Sync> FromRequestParts<S> for ConversationId {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(id) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| HttpError::NoConversationHere)?;
        id.parse().map(ConversationId).map_err(|_| HttpError::NoConversationHere)
    }
}

/// The conversation, if this agent may look at it.
async fn readable(state: &AppState, staff: &SignedInStaff, id: i64) -> Result<Conversation, HttpError> {
    let conversation = state.chat.conversations.conversation(id).await.map_err(unavailable)?;
    if conversation.state == ConversationState::Waiting || conversation.agent == Some(staff.id) {
        Ok(conversation)
    } else {
        Err(HttpError::NotYourConversation)
    }
}

/// The conversation, if this agent answers it (or did, until they closed it).
async fn owned(state: &AppState, staff: &SignedInStaff, id: i64) -> Result<Conversation, HttpError> {
    let conversation = state.chat.conversations.conversation(id).await.map_err(unavailable)?;
    if conversation.agent == Some(staff.id) { Ok(conversation) } else { Err(HttpError::NotYourConversation) }
}

fn unavailable(error: ConversationsError) -> HttpError {
    match error {
        ConversationsError::NotFound(_) => HttpError::NoConversationHere,
        error => {
            tracing::error!("the agent console cannot reach the conversations: {error}");
            HttpError::ChatUnavailable
        }
    }
}

fn unreadable() -> HttpError {
    HttpError::UnreadableForm(telepath_app::error::AppError::BadRequest(
        "a console form with a missing or malformed field".into(),
    ))
}

/// Renders the console page at `path` with `view` as its context.
async fn render<V: Clone + Send + Sync + 'static>(
    state: &AppState,
    mut parts: Parts,
    path: &str,
    view: V,
    status: StatusCode,
) -> Response {
    parts.method = Method::GET;
    if let Ok(uri) = path.parse() {
        parts.uri = uri;
    }
    let page = Request::from_parts(parts, Body::empty());
    let mut response = state.pages.render(page, move || provide_context(view.clone())).await;
    if response.status().is_success() {
        *response.status_mut() = status;
    }
    response
}

fn see_other(location: &str) -> Response {
    let location =
        HeaderValue::from_str(location).unwrap_or_else(|_| HeaderValue::from_static(urls::CONSOLE));
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// A console form's fields, as sent.
struct FormFields(Vec<(String, String)>);

impl FormFields {
    async fn read(request: Request) -> Result<FormFields, HttpError> {
        FormFields::from_body(request.into_body()).await
    }

    /// Malformed bodies read as no fields: each handler then says what is missing.
    async fn from_body(body: Body) -> Result<FormFields, HttpError> {
        let bytes = read_form_body(body).await?;
        Ok(FormFields(serde_urlencoded::from_bytes(&bytes).unwrap_or_default()))
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(field, _)| field == name).map(|(_, value)| value.as_str())
    }

    /// The message id the form was rendered with.
    fn client_id(&self) -> Result<&str, HttpError> {
        self.get("client_id").filter(|id| is_valid_client_id(id)).ok_or_else(unreadable)
    }
}
