//! Which agents are here to answer, kept in the database so that every instance
//! sharing it agrees: an agent who says "online" in a console served by one
//! instance is offered chats by all of them. An agent is online from the moment
//! they say so until they step away, sign out, or their console has not been heard
//! from for the timeout the caller gives (a closed laptop must not leave customers
//! waiting for nobody). Times come from the store's clock.

use super::BoxError;
use std::time::Duration;

/// Why presence could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum PresenceError {
    #[error("the database cannot be reached to read who is online: {0}")]
    Unavailable(#[source] BoxError),
    #[error("who is online could not be read or written: {0}")]
    Failed(#[source] BoxError),
}

#[async_trait::async_trait]
pub trait AgentPresence: Send + Sync + std::fmt::Debug {
    /// `agent` chose to be online (`true`) or away in the console, now.
    async fn set_online(&self, agent: i64, online: bool) -> Result<(), PresenceError>;

    /// `agent`'s console was heard from now: an online agent stays online.
    async fn heard_from(&self, agent: i64) -> Result<(), PresenceError>;

    /// `agent` signed out.
    async fn signed_out(&self, agent: i64) -> Result<(), PresenceError>;

    /// The agents online and heard from within `within` of now, lowest id first.
    async fn online_within(&self, within: Duration) -> Result<Vec<i64>, PresenceError>;
}

/// The oldest sign of life that still counts, in the store clock's milliseconds.
pub(super) fn heard_since(now_ms: i64, within: Duration) -> i64 {
    now_ms.saturating_sub(i64::try_from(within.as_millis()).unwrap_or(i64::MAX))
}

/// Who is online is read with the conversations it decides about (who can answer,
/// who can be handed one), and fails the same way.
impl From<PresenceError> for super::ConversationsError {
    fn from(error: PresenceError) -> Self {
        match error {
            PresenceError::Unavailable(cause) => Self::Unavailable(cause),
            PresenceError::Failed(cause) => Self::Failed(cause),
        }
    }
}
