//! The append-only log of visitor events. Events are typed ([`EventKind`]); a
//! store keeps each as its stable name, a payload schema version and the payload,
//! and reading one back that this build cannot understand is a typed error.

use super::BoxError;
use futures_util::stream::BoxStream;
use telepath_domain::EventKind;
use tokio::sync::watch;

#[derive(Debug, thiserror::Error)]
pub enum EventLogError {
    #[error("no event has the id {0}")]
    NotFound(i64),
    #[error("the event conflicts with one already stored")]
    Conflict,
    /// A closed pool, a locked or missing database: worth trying again later.
    #[error("the event log is unavailable: {0}")]
    Unavailable(#[source] BoxError),
    #[error("event {id} has a kind this version does not know: {kind:?}")]
    UnknownKind { id: i64, kind: String },
    #[error("event {id} ({kind}) has payload version {version}; this version reads {expected}")]
    UnknownVersion { id: i64, kind: String, version: i64, expected: u32 },
    #[error("event {id} ({kind}) has a payload that does not fit its kind: {source}")]
    BadPayload {
        id: i64,
        kind: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("the event log failed: {0}")]
    Failed(#[source] BoxError),
}

/// An event about to be appended.
#[derive(Clone, Debug, PartialEq)]
pub struct NewEvent {
    pub visitor: String,
    pub kind: EventKind,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StoredEvent {
    pub id: i64,
    pub visitor: String,
    pub kind: EventKind,
    /// Milliseconds since the Unix epoch, UTC, from the store's clock.
    pub occurred_at_ms: i64,
}

/// The ids of newly appended events. A reader that falls behind sees the newest
/// id rather than every one in between: it reads the log for what it missed.
pub type EventIds = BoxStream<'static, i64>;

#[async_trait::async_trait]
pub trait EventLog: Send + Sync + std::fmt::Debug + 'static {
    /// Appends an event stamped with the store's clock and returns its id.
    async fn append(&self, event: NewEvent) -> Result<i64, EventLogError>;

    /// Appends several events in one transaction, in order: all are stored or none.
    /// Returns the id of the last (or `None` for no events).
    async fn append_all(&self, events: Vec<NewEvent>) -> Result<Option<i64>, EventLogError>;

    async fn event(&self, id: i64) -> Result<StoredEvent, EventLogError>;

    /// The newest events of the kind called `kind` (see [`EventKind::name`]), or of
    /// all kinds, newest first.
    async fn recent(&self, kind: Option<&str>, limit: u32) -> Result<Vec<StoredEvent>, EventLogError>;

    /// Up to `limit` events after the one with id `after` (0: from the start), in id
    /// order: how the next-question model reads what it has not learned yet.
    async fn since(&self, after: i64, limit: u32) -> Result<Vec<StoredEvent>, EventLogError>;

    /// One visitor's events that occurred at or after `since_ms`, oldest first: the
    /// newest `limit` of them when there are more. What the agent console shows as
    /// the customer's trail.
    async fn visitor_events(
        &self,
        visitor: &str,
        since_ms: i64,
        limit: u32,
    ) -> Result<Vec<StoredEvent>, EventLogError>;

    /// Removes every event that occurred before `before_ms` (the retention limit) and
    /// says how many went.
    async fn forget_before(&self, before_ms: i64) -> Result<u64, EventLogError>;

    /// New event ids from now on: each store feeds it from its own appends, and the
    /// PostgreSQL store from other instances' too while its chat signals are
    /// listened to (`signals`), so live views and tests wait for what happens
    /// instead of asking again and again.
    fn subscribe(&self) -> EventIds;
}

/// The id of the newest event a store has appended, which every subscription
/// follows: the store notes each append once it is committed.
#[derive(Debug)]
pub(super) struct NewestEvent(watch::Sender<i64>);

impl NewestEvent {
    pub(super) fn new(newest: i64) -> Self {
        Self(watch::Sender::new(newest))
    }

    /// Tells subscribers about `id`. Two appends may finish out of order; the
    /// newest id never goes back.
    pub(super) fn note(&self, id: i64) {
        self.0.send_if_modified(|newest| {
            let newer = id > *newest;
            if newer {
                *newest = id;
            }
            newer
        });
    }

    pub(super) fn subscribe(&self) -> EventIds {
        let newest = self.0.subscribe();
        Box::pin(futures_util::stream::unfold(newest, |mut newest| async move {
            newest.changed().await.ok()?;
            let id = *newest.borrow_and_update();
            Some((id, newest))
        }))
    }
}

/// The columns an event is stored as: its stable name, payload version and payload.
pub(super) fn encode(kind: &EventKind) -> Result<(&'static str, u32, String), EventLogError> {
    let mut tagged = serde_json::to_value(kind).map_err(|error| EventLogError::Failed(error.into()))?;
    let payload = tagged.get_mut("payload").map(serde_json::Value::take).unwrap_or_default();
    Ok((kind.name(), kind.payload_version(), payload.to_string()))
}

/// The typed event from its stored columns, or why this build cannot read it.
pub(super) fn decode(id: i64, name: String, version: i64, payload: &str) -> Result<EventKind, EventLogError> {
    let Some(expected) = EventKind::current_payload_version(&name) else {
        return Err(EventLogError::UnknownKind { id, kind: name });
    };
    if !EventKind::reads_payload_version(&name, version) {
        return Err(EventLogError::UnknownVersion { id, kind: name, version, expected });
    }
    let payload: serde_json::Value = match serde_json::from_str(payload) {
        Ok(payload) => payload,
        Err(source) => return Err(EventLogError::BadPayload { id, kind: name, source }),
    };
    serde_json::from_value(serde_json::json!({ "kind": name, "payload": payload }))
        .map_err(|source| EventLogError::BadPayload { id, kind: name, source })
}
