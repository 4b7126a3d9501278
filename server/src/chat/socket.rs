//! One chat socket: the customer's or the agent's end of one conversation. Written
//! over any `Sink` of [`Outgoing`] and `Stream` of [`Incoming`], so the HTTP layer
//! plugs in a WebSocket and unit tests plug in channels.
//!
//! The loop keeps one number, `delivered`: the last message this socket has sent.
//! Whatever wakes it (its own send, the other side's, a lagged wake-up, a
//! reconnect's `after`), it reads the store for what comes after `delivered`, so
//! every message goes out once, in order, and nothing stored is skipped.
//!
//! On the agent's side it also passes on the pages the customer views
//! ([`super::now_on`]): the agent's "Now on", which the customer's side never gets.

use super::hub::{Membership, RoomEvent};
use super::now_on::{self, PagesViewed};
use super::{Chat, ChatParty};
use crate::store::conversations::{ConversationsError, MessageBody, NewMessage};
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use telepath_app::wire::{ClientFrame, ServerFrame, close_code};
use telepath_domain::chat::{clean_message, is_valid_client_id};
use telepath_domain::{ConversationState, MessageProblem, Side};
use tokio::sync::broadcast::error::RecvError;
use tokio::time::{Duration, Instant};

/// How long a closing socket waits for the client to answer its close frame.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// Messages read from the store at a time while catching up.
const CATCH_UP_PAGE: u32 = 200;

/// What arrived on the socket, as far as the chat needs to know.
#[derive(Debug)]
pub enum Incoming {
    Text(String),
    /// A binary frame: chat frames are text.
    Binary,
    /// A frame over the size limit.
    TooBig,
    /// The peer closed, or the connection broke.
    Closed,
}

/// What the chat sends on the socket.
#[derive(Debug, PartialEq)]
pub enum Outgoing {
    Frame(ServerFrame),
    Close { code: u16, reason: &'static str },
}

/// Frames a socket may send: a burst, then a steady rate. Typing and read frames
/// count too, so no kind of frame can flood the server.
#[derive(Clone, Copy, Debug)]
pub struct FrameRate {
    pub burst: u32,
    pub per_second: u32,
    /// Refused frames in a row after which the socket is closed (1008).
    pub refusals_before_close: u32,
}

impl Default for FrameRate {
    fn default() -> Self {
        FrameRate { burst: 20, per_second: 5, refusals_before_close: 50 }
    }
}

/// A token bucket over [`FrameRate`].
#[derive(Debug)]
struct Bucket {
    rate: FrameRate,
    tokens: f64,
    refilled: Instant,
    refused_in_a_row: u32,
}

impl Bucket {
    fn new(rate: FrameRate) -> Bucket {
        Bucket { rate, tokens: f64::from(rate.burst), refilled: Instant::now(), refused_in_a_row: 0 }
    }

    fn take(&mut self) -> bool {
        let now = Instant::now();
        let earned = now.duration_since(self.refilled).as_secs_f64() * f64::from(self.rate.per_second);
        self.tokens = (self.tokens + earned).min(f64::from(self.rate.burst));
        self.refilled = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            self.refused_in_a_row = 0;
            true
        } else {
            self.refused_in_a_row += 1;
            false
        }
    }

    fn exhausted(&self) -> bool {
        self.refused_in_a_row >= self.rate.refusals_before_close
    }
}

/// Why a socket loop ended, for the log.
#[derive(Debug, PartialEq, Eq)]
pub enum Ended {
    PeerLeft,
    ServerShutdown,
    Refused(u16),
    /// The store could not be read: the client reconnects and resumes.
    StoreUnavailable,
    SendFailed,
}

struct Socket<'a, Tx> {
    chat: &'a Chat,
    conversation: i64,
    party: ChatParty,
    outgoing: Tx,
    delivered: i64,
    typing: bool,
}

/// Runs one socket until the peer leaves, the server shuts down or the socket
/// breaks a rule. `after` is the last sequence number the client already has.
pub async fn run<Tx, Rx>(
    chat: &Chat,
    conversation: i64,
    party: ChatParty,
    after: i64,
    outgoing: Tx,
    mut incoming: Rx,
) -> Ended
where
    Tx: Sink<Outgoing> + Unpin,
    Rx: Stream<Item = Incoming> + Unpin,
{
    let mut room = chat.hub.join(conversation);
    let mut socket = Socket { chat, conversation, party, outgoing, delivered: after.max(0), typing: false };
    let mut bucket = Bucket::new(chat.frame_rate);
    let ended = socket.serve(&mut room, &mut incoming, &mut bucket).await;
    if socket.typing {
        chat.hub.publish(conversation, RoomEvent::Typing { side: party.side, active: false });
    }
    let close = match &ended {
        Ended::ServerShutdown => {
            Some((close_code::GOING_AWAY, "the server is restarting; reconnect and resume"))
        }
        Ended::StoreUnavailable => Some((1011, "messages cannot be read right now; reconnect and resume")),
        Ended::Refused(code) => Some((*code, refusal_reason(*code))),
        Ended::PeerLeft | Ended::SendFailed => None,
    };
    if let Some((code, reason)) = close {
        let _already_gone = socket.outgoing.send(Outgoing::Close { code, reason }).await;
        // Closing with frames still unread would make the system reset the
        // connection, and a reset throws away what the client has not read yet,
        // this close frame included: read on until the client answers the close.
        let _slow_to_answer = tokio::time::timeout(CLOSE_GRACE, async {
            while let Some(frame) = incoming.next().await {
                if matches!(frame, Incoming::Closed) {
                    break;
                }
            }
        })
        .await;
    }
    ended
}

fn refusal_reason(code: u16) -> &'static str {
    match code {
        close_code::TOO_BIG => "frames can be at most 64 KiB",
        close_code::NOT_A_CHAT_FRAME => "not a chat frame; see docs/chat-protocol.md",
        _ => "too many frames too fast",
    }
}

impl<Tx: Sink<Outgoing> + Unpin> Socket<'_, Tx> {
    async fn serve<Rx>(&mut self, room: &mut Membership, incoming: &mut Rx, bucket: &mut Bucket) -> Ended
    where
        Rx: Stream<Item = Incoming> + Unpin,
    {
        // Followed before the first frame, so every page viewed after it reaches the agent.
        let mut pages_viewed = match self.pages_viewed().await {
            Ok(pages_viewed) => pages_viewed,
            Err(ended) => return ended,
        };
        if let Err(ended) = self.send_status().await {
            return ended;
        }
        if let Err(ended) = self.catch_up().await {
            return ended;
        }
        loop {
            let page_viewed = async {
                match pages_viewed.as_mut() {
                    Some(pages_viewed) => pages_viewed.next().await,
                    None => std::future::pending().await,
                }
            };
            let step = tokio::select! {
                () = self.chat.shutdown.cancelled() => Err(Ended::ServerShutdown),
                event = room.next() => self.on_room_event(event).await,
                Some(frame) = page_viewed => self.send(frame).await,
                frame = incoming.next() => match frame {
                    None | Some(Incoming::Closed) => Err(Ended::PeerLeft),
                    Some(Incoming::TooBig) => Err(Ended::Refused(close_code::TOO_BIG)),
                    Some(Incoming::Binary) => Err(Ended::Refused(close_code::NOT_A_CHAT_FRAME)),
                    Some(Incoming::Text(text)) => self.on_text(&text, bucket).await,
                },
            };
            if let Err(ended) = step {
                return ended;
            }
        }
    }

    async fn on_room_event(&mut self, event: Result<RoomEvent, RecvError>) -> Result<(), Ended> {
        match event {
            Ok(RoomEvent::Stored { seq }) if seq > self.delivered => self.catch_up().await,
            Ok(RoomEvent::Stored { .. }) => Ok(()),
            Ok(RoomEvent::Typing { side, active }) if side != self.party.side => {
                self.send(ServerFrame::Typing { side, active }).await
            }
            Ok(RoomEvent::Read { side, seq }) if side != self.party.side => {
                self.send(ServerFrame::Read { side, seq }).await
            }
            Ok(RoomEvent::Typing { .. } | RoomEvent::Read { .. }) => Ok(()),
            Ok(RoomEvent::StatusChanged) => self.send_status().await,
            // Wake-ups were dropped: the store has everything they said.
            Ok(RoomEvent::CatchUp) | Err(RecvError::Lagged(_)) => {
                self.catch_up().await?;
                self.send_status().await
            }
            Err(RecvError::Closed) => Err(Ended::ServerShutdown),
        }
    }

    async fn on_text(&mut self, text: &str, bucket: &mut Bucket) -> Result<(), Ended> {
        // An agent's console that still speaks is open: they stay online.
        if let Some(agent) = self.party.agent {
            self.chat.presence.seen(agent).await;
        }
        let Ok(frame) = serde_json::from_str::<ClientFrame>(text) else {
            return Err(Ended::Refused(close_code::NOT_A_CHAT_FRAME));
        };
        if !bucket.take() {
            if bucket.exhausted() {
                return Err(Ended::Refused(close_code::POLICY));
            }
            return match frame {
                ClientFrame::Send { client_id, .. } | ClientFrame::SendArticle { client_id, .. } => {
                    let words = "You're sending messages very fast; this one will go in a moment.".to_owned();
                    self.send(ServerFrame::Rejected { client_id, words, retry: true }).await
                }
                ClientFrame::Typing { .. } | ClientFrame::Read { .. } => Ok(()),
            };
        }
        match frame {
            ClientFrame::Send { client_id, text } => {
                let body = clean_message(&text).map(MessageBody::Text);
                self.store_message(client_id, body).await
            }
            ClientFrame::SendArticle { client_id, slug } => {
                if self.party.side != Side::Agent {
                    return Err(Ended::Refused(close_code::POLICY));
                }
                let body = match self.chat.article_title(&slug) {
                    Some(title) => Ok(MessageBody::Article { slug, title }),
                    None => {
                        let words = "That article is not in the help centre any more.".to_owned();
                        return self.send(ServerFrame::Rejected { client_id, words, retry: false }).await;
                    }
                };
                self.store_message(client_id, body).await
            }
            ClientFrame::Typing { active } => {
                self.typing = active;
                self.chat.hub.publish(self.conversation, RoomEvent::Typing { side: self.party.side, active });
                Ok(())
            }
            ClientFrame::Read { seq } => {
                match self.chat.conversations.mark_read(self.conversation, self.party.side, seq).await {
                    Ok(read) => {
                        self.chat
                            .hub
                            .publish(self.conversation, RoomEvent::Read { side: self.party.side, seq: read });
                        Ok(())
                    }
                    Err(error) => {
                        tracing::warn!(
                            conversation = self.conversation,
                            "a read mark was not stored: {error}"
                        );
                        Ok(())
                    }
                }
            }
        }
    }

    async fn store_message(
        &mut self,
        client_id: String,
        body: Result<MessageBody, MessageProblem>,
    ) -> Result<(), Ended> {
        if !is_valid_client_id(&client_id) {
            // The id is what the refusal would name; one that breaks the rules is not echoed.
            return Err(Ended::Refused(close_code::NOT_A_CHAT_FRAME));
        }
        let body = match body {
            Ok(body) => body,
            Err(problem) => {
                return self
                    .send(ServerFrame::Rejected { client_id, words: problem.words(), retry: false })
                    .await;
            }
        };
        let message =
            NewMessage { client_id: client_id.clone(), side: self.party.side, agent: self.party.agent, body };
        match self.chat.conversations.append_message(self.conversation, message).await {
            Ok(appended) => {
                let seq = appended.message.seq;
                self.send(ServerFrame::Ack { client_id, seq }).await?;
                if appended.was_new {
                    self.chat.hub.publish(self.conversation, RoomEvent::Stored { seq });
                } else if seq > self.delivered {
                    self.catch_up().await?;
                }
                Ok(())
            }
            Err(ConversationsError::Closed(_)) => {
                let words = "This conversation has ended; start a new one to write again.".to_owned();
                self.send(ServerFrame::Rejected { client_id, words, retry: false }).await
            }
            Err(error) => {
                tracing::error!(conversation = self.conversation, "a chat message was not stored: {error}");
                let words =
                    "Your message could not be saved yet; it will be sent again in a moment.".to_owned();
                self.send(ServerFrame::Rejected { client_id, words, retry: true }).await
            }
        }
    }

    /// Sends every stored message after `delivered`, in order.
    async fn catch_up(&mut self) -> Result<(), Ended> {
        loop {
            let page = match self
                .chat
                .conversations
                .messages_after(self.conversation, self.delivered, CATCH_UP_PAGE)
                .await
            {
                Ok(page) => page,
                Err(error) => {
                    tracing::error!(
                        conversation = self.conversation,
                        "chat messages cannot be read: {error}"
                    );
                    return Err(Ended::StoreUnavailable);
                }
            };
            let full = page.len() == CATCH_UP_PAGE as usize;
            for message in page {
                self.delivered = message.seq;
                let view = self.chat.message_view(message).await;
                self.send(ServerFrame::Message(view)).await?;
            }
            if !full {
                return Ok(());
            }
        }
    }

    /// On the agent's side, the customer's page views from now on; the customer's
    /// side is never told about them.
    async fn pages_viewed(&self) -> Result<Option<PagesViewed>, Ended> {
        if self.party.side != Side::Agent {
            return Ok(None);
        }
        let unavailable = |error: &dyn std::fmt::Display| {
            tracing::error!(
                conversation = self.conversation,
                "the customer's pages cannot be followed: {error}"
            );
            Ended::StoreUnavailable
        };
        let conversation = self
            .chat
            .conversations
            .conversation(self.conversation)
            .await
            .map_err(|error| unavailable(&error))?;
        let pages_viewed = now_on::follow(self.chat.events.clone(), conversation.visitor)
            .await
            .map_err(|error| unavailable(&error))?;
        Ok(Some(pages_viewed))
    }

    async fn send_status(&mut self) -> Result<(), Ended> {
        match self.chat.status(self.conversation).await {
            Ok(status) => {
                let closed = status.state == ConversationState::Closed;
                self.send(ServerFrame::Status(status)).await?;
                if closed && self.typing {
                    self.typing = false;
                }
                Ok(())
            }
            Err(error) => {
                tracing::error!(conversation = self.conversation, "a conversation cannot be read: {error}");
                Err(Ended::StoreUnavailable)
            }
        }
    }

    async fn send(&mut self, frame: ServerFrame) -> Result<(), Ended> {
        self.outgoing.send(Outgoing::Frame(frame)).await.map_err(|_| Ended::SendFailed)
    }
}
