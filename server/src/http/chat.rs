//! Chat over HTTP: the chat page's form, and the sockets: who may open one, and the WebSocket plugged into the
//! chat's socket loop. An upgrade is refused unless it comes from the portal's own
//! pages (its Origin) and, for a customer, carries the visitor's own form token for
//! a conversation that is theirs; an agent needs the agent role and the
//! conversation assigned to them. Refusals are ordinary HTTP answers, before any
//! socket exists.

use super::AppState;
use super::connections::ConnectionSlot;
use super::error::HttpError;
use crate::chat::customer::{self, SendError};
use crate::chat::offer;
use crate::chat::socket::{self, Incoming, Outgoing};
use crate::chat::{Chat, ChatParty};
use crate::portal::VisitorFacts;
use crate::store::conversations::{Conversation, NewConversation};
use crate::store::{ConversationsError, NewEvent};
use axum::Extension;
use axum::body::Body;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use leptos::prelude::provide_context;
use serde::Deserialize;
use telepath_app::backend::{SiteOrigin, VisitorId};
use telepath_app::staff::SignedInStaff;
use telepath_app::visitor::{VisitorPrefs, local_return_path};
use telepath_app::wire::ChatFormState;
use telepath_domain::EventKind;
use telepath_domain::chat::MAX_FRAME_BYTES;

#[derive(Debug, Deserialize)]
pub struct VisitorSocketQuery {
    conversation: i64,
    #[serde(default)]
    after: i64,
    #[serde(default)]
    token: String,
}

#[derive(Debug, Deserialize)]
pub struct AgentSocketQuery {
    #[serde(default)]
    after: i64,
}

/// A posted form's fields, read within the body limits every form has.
struct FormFields(Vec<(String, String)>);

impl FormFields {
    /// The body's fields; an unreadable encoding reads as no fields, which each
    /// handler then refuses in its own words.
    async fn read(body: Body) -> Result<FormFields, HttpError> {
        let bytes = super::read_form_body(body).await?;
        Ok(FormFields(serde_urlencoded::from_bytes(&bytes).unwrap_or_default()))
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }
}

/// `POST /chat`: a message from the chat page's form, without JavaScript. Stored
/// (once, whatever the retries), then the page again; a refused message comes back
/// in the form with the reason.
pub async fn send_from_form(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let form = match FormFields::read(body).await {
        Ok(form) => form,
        Err(refused) => return refused.for_client(&parts.headers),
    };
    let text = form.get(ChatFormState::TEXT_FIELD).unwrap_or_default().to_owned();
    let client_id = form.get(ChatFormState::CLIENT_ID_FIELD).unwrap_or_default();
    let Some(visitor) = parts.extensions.get::<VisitorId>().cloned() else {
        return HttpError::FormNotChecked.for_client(&parts.headers);
    };
    let level = VisitorFacts::of(&parts.headers, &parts.extensions).level;
    let now_ms = crate::store::Clock::now_ms(&crate::store::SystemClock);
    let opened_because = offer::reasons_to_open(state.portal.events.as_ref(), &visitor.0, now_ms).await;
    let visitor_context = parts
        .extensions
        .get::<VisitorPrefs>()
        .map(|prefs| customer::visitor_context(prefs, &state.portal.content.snapshot()))
        .unwrap_or_default();
    let opening = NewConversation { visitor: visitor.0.clone(), level, opened_because, visitor_context };
    let sent = customer::send_from_form(&state.chat, opening, client_id, &text).await;
    let (status, error) = match sent {
        Ok(sent) => {
            if sent.started {
                let facts = VisitorFacts::of(&parts.headers, &parts.extensions);
                let event = EventKind::ChatRequested { conversation: sent.conversation };
                // Logged where it failed; the conversation is started either way.
                let _ = state.portal.for_request(facts).events.record(&visitor, event).await;
            }
            return (StatusCode::SEE_OTHER, [(header::LOCATION, "/chat#latest")]).into_response();
        }
        Err(SendError::Refused(problem)) => (StatusCode::UNPROCESSABLE_ENTITY, problem.words()),
        Err(SendError::Store(error)) => {
            tracing::error!("a chat message from the page was not stored: {error}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "Your message could not be sent just now. It is still here; please send it again in a minute."
                    .to_owned(),
            )
        }
    };
    let form = ChatFormState { text, error: Some(error) };
    let page = Request::from_parts(parts, Body::empty());
    let mut response = state.pages.render(page, move || provide_context(form.clone())).await;
    *response.status_mut() = status;
    response
}

/// `POST /chat/offer/dismiss`: "No thanks" on a chat offer. Recorded, so the offer
/// is not made again in this visit, then back to the page it was on.
pub async fn dismiss_offer(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let form = match FormFields::read(body).await {
        Ok(form) => form,
        Err(refused) => return refused.for_client(&parts.headers),
    };
    let sent = form.get("return_to").unwrap_or("/");
    let return_to = local_return_path(sent).unwrap_or("/");
    if let Some(visitor) = parts.extensions.get::<VisitorId>() {
        let page = return_to.split(['?', '#']).next().unwrap_or("/").to_owned();
        let events = state.portal.for_request(VisitorFacts::of(&parts.headers, &parts.extensions)).events;
        // Logged where it failed; the visitor goes back to their page either way.
        let _ = events.record(visitor, EventKind::ChatOfferDismissed { path: page }).await;
    }
    match HeaderValue::from_str(return_to) {
        Ok(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
        Err(_) => {
            (StatusCode::SEE_OTHER, [(header::LOCATION, HeaderValue::from_static("/"))]).into_response()
        }
    }
}

/// `POST /chat/offer/lingered`: the browser says the help page `return_to` stayed
/// in view `seconds` (the offer waiting in it has just shown itself). Recorded as a
/// `lingered` event when it holds for the visitor's level, then the offer it makes
/// as `chat_offered`; nothing is recorded for a visitor who asked not to be tracked.
pub async fn report_lingering(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let form = match FormFields::read(body).await {
        Ok(form) => form,
        Err(refused) => return refused.for_client(&parts.headers),
    };
    let Some(visitor) = parts.extensions.get::<VisitorId>().cloned() else {
        return HttpError::FormNotChecked.for_client(&parts.headers);
    };
    let facts = VisitorFacts::of(&parts.headers, &parts.extensions);
    let page = form
        .get("return_to")
        .and_then(local_return_path)
        .map(|path| path.split(['?', '#']).next().unwrap_or(path))
        .filter(|path| telepath_app::urls::is_help_content(path));
    let Some(page) = page else {
        return HttpError::NotLingered("not a page of help content".into()).for_client(&parts.headers);
    };
    let seconds = form.get("seconds").and_then(|seconds| seconds.parse::<u32>().ok()).unwrap_or(0);
    let linger = state.portal.content.snapshot().site.chat.linger;
    let visible = std::time::Duration::from_secs(seconds.into());
    if linger.lingered(visible, facts.level).is_none() {
        let refusal = HttpError::NotLingered(format!("{seconds} s on {page}"));
        return refusal.for_client(&parts.headers);
    }
    if facts.may_record {
        let event = EventKind::Lingered { path: page.to_owned(), seconds };
        let now_ms = crate::store::Clock::now_ms(&crate::store::SystemClock);
        let events = state.portal.events.as_ref();
        // Once the log holds the event, the offer recorded next gives lingering as its reason.
        if let Err(error) = events.append(NewEvent { visitor: visitor.0.clone(), kind: event }).await {
            tracing::warn!("a lingering report was not recorded: {error}");
        } else if let Err(error) = offer::offer_for(&state.chat, events, &visitor.0, page, &[], now_ms).await
        {
            tracing::warn!("the offer after lingering was not recorded: {error}");
        }
    }
    StatusCode::NO_CONTENT.into_response()
}

/// `GET /chat/socket?conversation=…&after=…&token=…`: the customer's end.
pub async fn visitor_socket(
    State(state): State<AppState>,
    Extension(visitor): Extension<VisitorId>,
    origin: Option<Extension<SiteOrigin>>,
    Query(query): Query<VisitorSocketQuery>,
    headers: HeaderMap,
    slot: Option<Extension<ConnectionSlot>>,
    upgrade: WebSocketUpgrade,
) -> Result<Response, HttpError> {
    require_own_origin(&headers, origin.as_deref())?;
    if !state.csrf_key.verify(&visitor, &query.token) {
        return Err(HttpError::FormNotChecked);
    }
    let conversation = conversation(&state.chat, query.conversation).await?;
    // Another visitor's conversation answers exactly as one that does not exist.
    if conversation.visitor != visitor.0 {
        return Err(HttpError::NoSuchConversation);
    }
    Ok(open(upgrade, slot, state.chat, conversation.id, ChatParty::VISITOR, query.after))
}

/// `GET /console/conversations/{id}/socket?after=…`: the agent's end, behind the agent role.
#[expect(clippy::too_many_arguments, reason = "one axum extractor per thing the handler checks")]
pub async fn agent_socket(
    State(state): State<AppState>,
    Extension(staff): Extension<SignedInStaff>,
    origin: Option<Extension<SiteOrigin>>,
    Path(id): Path<i64>,
    Query(query): Query<AgentSocketQuery>,
    headers: HeaderMap,
    slot: Option<Extension<ConnectionSlot>>,
    upgrade: WebSocketUpgrade,
) -> Result<Response, HttpError> {
    require_own_origin(&headers, origin.as_deref())?;
    let conversation = conversation(&state.chat, id).await?;
    if conversation.agent != Some(staff.id) {
        return Err(HttpError::NotYourConversation);
    }
    Ok(open(upgrade, slot, state.chat, conversation.id, ChatParty::agent(staff.id), query.after))
}

/// Browsers always send the page's Origin with a WebSocket upgrade, and it is the
/// only defence a socket has against another site's page opening it with the
/// visitor's cookies: one that is missing or foreign is refused.
pub(super) fn require_own_origin(headers: &HeaderMap, own: Option<&SiteOrigin>) -> Result<(), HttpError> {
    let sent = headers.get(header::ORIGIN).and_then(|origin| origin.to_str().ok());
    match (sent, own) {
        (Some(sent), Some(own)) if sent.eq_ignore_ascii_case(&own.0) => Ok(()),
        _ => Err(HttpError::FromAnotherSite),
    }
}

async fn conversation(chat: &Chat, id: i64) -> Result<Conversation, HttpError> {
    chat.conversations.conversation(id).await.map_err(|error| match error {
        ConversationsError::NotFound(_) => HttpError::NoSuchConversation,
        error => {
            tracing::error!(conversation = id, "a conversation cannot be read: {error}");
            HttpError::ChatUnavailable
        }
    })
}

/// What each chat socket reads into. tungstenite's default, 128 KiB, is zeroed in
/// full by the first read, so every idle customer cost the server 136 KiB: 10,000 of
/// them held 1.3 GiB (`cargo bench -p telepath-server --bench chat`). Chat frames
/// are a few hundred bytes; a larger one (up to the frame limit) grows the buffer
/// for itself.
const SOCKET_READ_BUFFER: usize = 4 * 1024;

/// `slot` is the connection's place among `max_connections`, kept while the socket
/// is open (none in router tests, which serve no connections).
fn open(
    upgrade: WebSocketUpgrade,
    slot: Option<Extension<ConnectionSlot>>,
    chat: Chat,
    conversation: i64,
    party: ChatParty,
    after: i64,
) -> Response {
    upgrade
        .read_buffer_size(SOCKET_READ_BUFFER)
        .max_frame_size(MAX_FRAME_BYTES)
        .max_message_size(MAX_FRAME_BYTES)
        .on_upgrade(move |socket| async move {
            drive(socket, chat, conversation, party, after).await;
            drop(slot);
        })
}

/// Plugs a WebSocket into the chat's socket loop: text frames in, chat frames out
/// as JSON text, pings answered by the WebSocket itself.
async fn drive(socket: WebSocket, chat: Chat, conversation: i64, party: ChatParty, after: i64) {
    let (sink, stream) = socket.split();
    let incoming = stream.filter_map(|received| async move {
        match received {
            Ok(Message::Text(text)) => Some(Incoming::Text(text.as_str().to_owned())),
            Ok(Message::Binary(_)) => Some(Incoming::Binary),
            Ok(Message::Ping(_) | Message::Pong(_)) => None,
            Ok(Message::Close(_)) => Some(Incoming::Closed),
            Err(error) if is_too_big(&error) => Some(Incoming::TooBig),
            Err(_) => Some(Incoming::Closed),
        }
    });
    let outgoing = sink.with(|outgoing: Outgoing| async move {
        Ok::<_, axum::Error>(match outgoing {
            Outgoing::Frame(frame) => {
                Message::Text(serde_json::to_string(&frame).map_err(axum::Error::new)?.into())
            }
            Outgoing::Close { code, reason } => {
                Message::Close(Some(CloseFrame { code, reason: reason.into() }))
            }
        })
    });
    let ended = socket::run(&chat, conversation, party, after, Box::pin(outgoing), Box::pin(incoming)).await;
    tracing::debug!(conversation, side = party.side.as_str(), ?ended, "chat socket closed");
}

/// Whether the WebSocket refused a frame for its size.
fn is_too_big(error: &axum::Error) -> bool {
    std::error::Error::source(error)
        .and_then(|source| source.downcast_ref::<tungstenite::Error>())
        .is_some_and(|error| matches!(error, tungstenite::Error::Capacity(_)))
}
