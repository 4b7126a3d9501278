use super::PgStore;
use crate::store::presence::{AgentPresence, PresenceError, heard_since};
use std::time::Duration;

#[async_trait::async_trait]
impl AgentPresence for PgStore {
    async fn set_online(&self, agent: i64, online: bool) -> Result<(), PresenceError> {
        sqlx::query(
            "INSERT INTO agent_presence (agent, online, heard_at_ms) VALUES ($1, $2, $3)
             ON CONFLICT (agent) DO UPDATE SET online = EXCLUDED.online, heard_at_ms = EXCLUDED.heard_at_ms",
        )
        .bind(agent)
        .bind(online)
        .bind(self.clock.now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn heard_from(&self, agent: i64) -> Result<(), PresenceError> {
        // Instances' clocks and their writes may arrive out of order: a sign of life never goes back.
        sqlx::query("UPDATE agent_presence SET heard_at_ms = GREATEST(heard_at_ms, $1) WHERE agent = $2")
            .bind(self.clock.now_ms())
            .bind(agent)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn signed_out(&self, agent: i64) -> Result<(), PresenceError> {
        sqlx::query("DELETE FROM agent_presence WHERE agent = $1").bind(agent).execute(&self.pool).await?;
        Ok(())
    }

    async fn online_within(&self, within: Duration) -> Result<Vec<i64>, PresenceError> {
        let online = sqlx::query_scalar(
            "SELECT agent FROM agent_presence WHERE online AND heard_at_ms > $1 ORDER BY agent",
        )
        .bind(heard_since(self.clock.now_ms(), within))
        .fetch_all(&self.pool)
        .await?;
        Ok(online)
    }
}
