//! Which agents are here to answer. An agent is online from the moment they say so
//! in the console until they step away, sign out, or the console has not been
//! heard from (a page load, a form, a socket frame) for [`PRESENCE_TIMEOUT`]: a
//! closed laptop must not leave customers waiting for nobody.
//!
//! Kept in the store ([`AgentPresence`]), so every instance sharing a database
//! agrees on who is online. Signs of life come with every console frame, so each
//! instance passes them on at most every [`HEARD_FROM_EVERY`] per agent.

use crate::store::{AgentPresence, PresenceError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::time::Instant;

/// How long an online agent stays online without a sign of life from the console.
pub const PRESENCE_TIMEOUT: Duration = Duration::from_secs(120);

/// How often one instance writes an agent's sign of life: often enough that a
/// few missed writes still keep them well within [`PRESENCE_TIMEOUT`].
const HEARD_FROM_EVERY: Duration = Duration::from_secs(15);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgentStatus {
    Online,
    Away,
}

#[derive(Clone, Debug)]
pub struct Presence {
    store: Arc<dyn AgentPresence>,
    /// When this instance last wrote each agent's sign of life.
    last_written: Arc<Mutex<HashMap<i64, Instant>>>,
}

impl Presence {
    pub fn new(store: Arc<dyn AgentPresence>) -> Presence {
        Presence { store, last_written: Arc::default() }
    }

    /// The agent chose a status in the console.
    pub async fn set(&self, agent: i64, status: AgentStatus) -> Result<(), PresenceError> {
        self.store.set_online(agent, status == AgentStatus::Online).await?;
        self.last_written.lock().unwrap_or_else(PoisonError::into_inner).insert(agent, Instant::now());
        Ok(())
    }

    /// The console was heard from: an online agent stays online. A sign of life
    /// that cannot be written is only logged; the next one tries again.
    pub async fn seen(&self, agent: i64) {
        {
            let mut last_written = self.last_written.lock().unwrap_or_else(PoisonError::into_inner);
            let now = Instant::now();
            if last_written.get(&agent).is_some_and(|written| now - *written < HEARD_FROM_EVERY) {
                return;
            }
            last_written.insert(agent, now);
        }
        if let Err(error) = self.store.heard_from(agent).await {
            self.last_written.lock().unwrap_or_else(PoisonError::into_inner).remove(&agent);
            tracing::warn!(agent, "an agent's sign of life was not written: {error}");
        }
    }

    /// The agent signed out.
    pub async fn forget(&self, agent: i64) -> Result<(), PresenceError> {
        self.last_written.lock().unwrap_or_else(PoisonError::into_inner).remove(&agent);
        self.store.signed_out(agent).await
    }

    pub async fn status(&self, agent: i64) -> Result<AgentStatus, PresenceError> {
        let online = self.online().await?.contains(&agent);
        Ok(if online { AgentStatus::Online } else { AgentStatus::Away })
    }

    /// The agents online now, lowest id first.
    pub async fn online(&self) -> Result<Vec<i64>, PresenceError> {
        self.store.online_within(PRESENCE_TIMEOUT).await
    }
}
