//! Chat wake-ups between the instances sharing one PostgreSQL database.
//!
//! NOTIFY is delivered at commit, only to connections listening then, with a small
//! payload and no replay, so it only ever says that something changed: the triggers
//! of migration `20261220000006_chat_signals` announce each stored message, each
//! change of hands or state and each read mark in the same transaction as the write,
//! and every instance reads what it has not delivered from the tables. After the
//! listening connection drops and comes back, [`Heard::Resumed`] tells the instance
//! to catch every open conversation up, since wake-ups sent meanwhile are lost.
//! Typing is never stored, so it is the one signal an instance sends itself.
//!
//! The same channel wakes event subscriptions (the agent's live "now on"): a
//! trigger names the newest event each insert added, and listening passes it to
//! this store's subscribers, as its own appends are.

use super::event_log::NewestEvent;
use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgListener, PgPool};
use std::sync::Arc;
use std::time::Duration;
use telepath_domain::Side;
use tokio_util::sync::CancellationToken;

/// Wake-ups between the instances sharing a database, part of every [`super::Store`].
pub trait SharedSignals {
    /// `None` for a database only this instance uses.
    fn chat_signals(&self) -> Option<ChatSignals>;
}

/// The longest wait between two tries to listen again while the database is away.
const MOST_BETWEEN_TRIES: Duration = Duration::from_secs(5);

/// One wake-up, as the triggers write it (`kind` names the variant).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ChatSignal {
    /// Message `seq` of `conversation` is stored.
    Stored { conversation: i64, seq: i64 },
    /// Claimed, transferred or closed.
    StatusChanged { conversation: i64 },
    /// `side` has read up to `seq`.
    Read { conversation: i64, side: Side, seq: i64 },
    /// `side` started or stopped typing, on the instance `from`.
    Typing { conversation: i64, side: Side, active: bool, from: u64 },
}

/// Events were appended, the newest with id `newest` (migration `20261220000009_events_signals`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum EventsSignal {
    EventsAppended { newest: i64 },
}

/// Anything heard on the channel.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
enum WakeUp {
    Chat(ChatSignal),
    Events(EventsSignal),
}

/// What listening gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Heard {
    Signal(ChatSignal),
    /// Listening again after a gap in which wake-ups may have been lost.
    Resumed,
}

/// This database's chat wake-ups: sent by the triggers and by [`Self::send`], heard
/// by [`Self::listen`].
#[derive(Clone, Debug)]
pub struct ChatSignals {
    pool: PgPool,
    /// `telepath_chat:<schema>`, as the triggers name it: portals kept in different
    /// schemas of one database never wake each other.
    channel: String,
    /// The store's event subscriptions, told of other instances' appends.
    newest_event: Arc<NewestEvent>,
}

impl ChatSignals {
    pub(super) fn new(pool: PgPool, channel: String, newest_event: Arc<NewestEvent>) -> ChatSignals {
        ChatSignals { pool, channel, newest_event }
    }

    /// Tells every listening instance; a signal that cannot be sent is lost, which
    /// only typing may be.
    pub async fn send(&self, signal: &ChatSignal) -> Result<(), sqlx::Error> {
        let payload = serde_json::to_string(signal).map_err(|error| sqlx::Error::Encode(error.into()))?;
        sqlx::query("SELECT pg_notify($1, $2)").bind(&self.channel).bind(payload).execute(&self.pool).await?;
        Ok(())
    }

    /// Hands every wake-up to `heard` until `stop` is cancelled, listening again by
    /// itself whenever the connection drops (the database restarted, or the
    /// connection was ended), and then saying [`Heard::Resumed`]. The first
    /// `Resumed` comes once listening has started.
    pub async fn listen(&self, stop: &CancellationToken, heard: &mut (dyn FnMut(Heard) + Send)) {
        let mut wait = Duration::from_millis(100);
        while !stop.is_cancelled() {
            let mut listener = match self.start_listening().await {
                Ok(listener) => listener,
                Err(error) => {
                    tracing::warn!("cannot listen for other instances' chat messages yet: {error}");
                    tokio::select! {
                        () = stop.cancelled() => return,
                        () = tokio::time::sleep(wait) => {}
                    }
                    wait = (wait * 2).min(MOST_BETWEEN_TRIES);
                    continue;
                }
            };
            wait = Duration::from_millis(100);
            // Appends made while nobody listened are caught up like chat is.
            match sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM events").fetch_one(&self.pool).await {
                Ok(newest) => self.newest_event.note(newest),
                Err(error) => tracing::warn!("the newest event cannot be read: {error}"),
            }
            heard(Heard::Resumed);
            loop {
                let next = tokio::select! {
                    () = stop.cancelled() => return,
                    next = listener.try_recv() => next,
                };
                match next {
                    Ok(Some(notification)) => match serde_json::from_str(notification.payload()) {
                        Ok(WakeUp::Chat(signal)) => heard(Heard::Signal(signal)),
                        Ok(WakeUp::Events(EventsSignal::EventsAppended { newest })) => {
                            self.newest_event.note(newest);
                        }
                        Err(error) => {
                            tracing::error!(
                                "a chat wake-up that is not one: {error}: {}",
                                notification.payload()
                            );
                        }
                    },
                    Ok(None) => break,
                    Err(error) => {
                        tracing::warn!(
                            "stopped hearing other instances' chat messages, listening again: {error}"
                        );
                        break;
                    }
                }
            }
        }
    }

    async fn start_listening(&self) -> Result<PgListener, sqlx::Error> {
        let mut listener = PgListener::connect_with(&self.pool).await?;
        // The pool closing is the store closing, which `stop` already covers.
        listener.ignore_pool_close_event(true);
        listener.eager_reconnect(false);
        listener.listen(&self.channel).await?;
        Ok(listener)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::conversations::{Claim, MessageBody, NewConversation, NewMessage, VisitorContext};
    use crate::store::postgres::test_schema::fresh_store;
    use crate::store::staff::{StaffAccounts, StaffRole};
    use crate::store::{Conversations, SystemClock};
    use std::sync::Arc;

    /// The triggers announce each write in its own transaction, as the typed
    /// signals the relay reads, and typing sent by an instance comes back to all.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn stored_messages_changes_of_hands_and_read_marks_wake_every_listener() {
        let (store, _schema) = fresh_store(Arc::new(SystemClock)).await;
        let signals = store.chat_signals().expect("a shared database has signals");
        let (heard_out, mut heard) = tokio::sync::mpsc::unbounded_channel();
        let stop = CancellationToken::new();
        let listening = tokio::spawn({
            let (signals, stop) = (signals.clone(), stop.clone());
            async move {
                signals
                    .listen(&stop, &mut |signal| {
                        let _ = heard_out.send(signal);
                    })
                    .await;
            }
        });
        assert_eq!(heard.recv().await, Some(Heard::Resumed), "said once listening");

        let agent = store
            .add_account(crate::store::contract::staff_account("ana@example.com", StaffRole::Agent))
            .await
            .unwrap();
        let opened = store
            .open_conversation(NewConversation {
                visitor: "v".into(),
                level: None,
                opened_because: vec![],
                visitor_context: VisitorContext::default(),
            })
            .await
            .unwrap();
        let conversation = opened.id;
        assert_eq!(store.claim(conversation, agent.id, 3).await.unwrap(), Claim::Claimed);
        let message = NewMessage {
            client_id: "m-1".into(),
            side: Side::Visitor,
            agent: None,
            body: MessageBody::Text("hello".into()),
        };
        store.append_message(conversation, message.clone()).await.unwrap();
        store.append_message(conversation, message).await.unwrap();
        store.mark_read(conversation, Side::Agent, 1).await.unwrap();
        signals
            .send(&ChatSignal::Typing { conversation, side: Side::Agent, active: true, from: 7 })
            .await
            .unwrap();

        let mut signals_heard = Vec::new();
        while signals_heard.len() < 4 {
            match heard.recv().await {
                Some(Heard::Signal(signal)) => signals_heard.push(signal),
                other => panic!("only signals after listening started: {other:?}"),
            }
        }
        assert_eq!(
            signals_heard,
            [
                ChatSignal::StatusChanged { conversation },
                ChatSignal::Stored { conversation, seq: 1 },
                ChatSignal::Read { conversation, side: Side::Agent, seq: 1 },
                ChatSignal::Typing { conversation, side: Side::Agent, active: true, from: 7 },
            ],
            "a retried message is stored once and announced once"
        );
        stop.cancel();
        listening.await.unwrap();
    }
}
