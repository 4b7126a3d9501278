//! Which agents are here to answer. An agent is online from the moment they say so
//! in the console until they step away, sign out, or the console has not been
//! heard from (a page load, a form, a socket frame) for [`PRESENCE_TIMEOUT`]: a
//! closed laptop must not leave customers waiting for nobody.
//!
//! Kept in this process; with several instances (the PostgreSQL issue) presence
//! moves to the shared database behind the same methods.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::time::Instant;

/// How long an online agent stays online without a sign of life from the console.
pub const PRESENCE_TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgentStatus {
    Online,
    Away,
}

#[derive(Clone, Debug, Default)]
pub struct Presence {
    agents: Arc<Mutex<HashMap<i64, (AgentStatus, Instant)>>>,
}

impl Presence {
    /// The agent chose a status in the console.
    pub fn set(&self, agent: i64, status: AgentStatus) {
        self.agents.lock().unwrap_or_else(PoisonError::into_inner).insert(agent, (status, Instant::now()));
    }

    /// The console was heard from: an online agent stays online.
    pub fn seen(&self, agent: i64) {
        if let Some((_, seen)) = self.agents.lock().unwrap_or_else(PoisonError::into_inner).get_mut(&agent) {
            *seen = Instant::now();
        }
    }

    /// The agent signed out.
    pub fn forget(&self, agent: i64) {
        self.agents.lock().unwrap_or_else(PoisonError::into_inner).remove(&agent);
    }

    pub fn status(&self, agent: i64) -> AgentStatus {
        let agents = self.agents.lock().unwrap_or_else(PoisonError::into_inner);
        match agents.get(&agent) {
            Some((AgentStatus::Online, seen)) if seen.elapsed() < PRESENCE_TIMEOUT => AgentStatus::Online,
            _ => AgentStatus::Away,
        }
    }

    /// The agents online now, lowest id first.
    pub fn online(&self) -> Vec<i64> {
        let agents = self.agents.lock().unwrap_or_else(PoisonError::into_inner);
        let mut online: Vec<i64> = agents
            .iter()
            .filter(|(_, (status, seen))| *status == AgentStatus::Online && seen.elapsed() < PRESENCE_TIMEOUT)
            .map(|(agent, _)| *agent)
            .collect();
        online.sort_unstable();
        online
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Paused time needs the single-threaded runtime; nothing here runs concurrently.
    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn an_agent_is_online_until_away_signed_out_or_silent_too_long() {
        let presence = Presence::default();
        assert!(presence.online().is_empty());
        presence.set(2, AgentStatus::Online);
        presence.set(1, AgentStatus::Online);
        presence.set(3, AgentStatus::Away);
        assert_eq!(presence.online(), [1, 2]);
        presence.set(2, AgentStatus::Away);
        assert_eq!(presence.status(2), AgentStatus::Away);
        presence.forget(1);
        assert!(presence.online().is_empty());

        presence.set(4, AgentStatus::Online);
        tokio::time::advance(PRESENCE_TIMEOUT / 2).await;
        presence.seen(4);
        tokio::time::advance(PRESENCE_TIMEOUT / 2).await;
        assert_eq!(presence.online(), [4], "a sign of life keeps an agent online");
        tokio::time::advance(PRESENCE_TIMEOUT).await;
        assert_eq!(presence.status(4), AgentStatus::Away, "a silent console goes away by itself");
        presence.seen(3);
        assert_eq!(presence.status(3), AgentStatus::Away, "being seen does not bring an away agent online");
    }
}
