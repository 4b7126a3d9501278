use super::SqliteStore;
use crate::store::conversations::{
    Appended, Claim, Conversation, Conversations, ConversationsError, NewConversation, NewMessage,
    StoredMessage, StoredNote,
};
use crate::store::conversations::{MESSAGE_COLUMNS, conversation_from_row, message_from_row};
use sqlx::Row;
use telepath_domain::{ConversationState, Level, Resolution, Side};

const CONVERSATION_COLUMNS: &str = "SELECT id, visitor, state, level, opened_because, visitor_context, agent, last_seq, \
     visitor_read_seq, agent_read_seq, resolution, opened_at_ms, claimed_at_ms, closed_at_ms FROM conversations";

#[async_trait::async_trait]
impl Conversations for SqliteStore {
    async fn open_conversation(&self, new: NewConversation) -> Result<Conversation, ConversationsError> {
        let row = sqlx::query(
            "INSERT INTO conversations (visitor, state, level, opened_because, visitor_context, opened_at_ms)
             VALUES (?, 'waiting', ?, ?, ?, ?)
             RETURNING id, visitor, state, level, opened_because, visitor_context, agent, last_seq, visitor_read_seq,
                       agent_read_seq, resolution, opened_at_ms, claimed_at_ms, closed_at_ms",
        )
        .bind(&new.visitor)
        .bind(new.level.map(Level::as_str))
        .bind(serde_json::to_string(&new.opened_because).map_err(|error| ConversationsError::Failed(error.into()))?)
        .bind(serde_json::to_string(&new.visitor_context).map_err(|error| ConversationsError::Failed(error.into()))?)
        .bind(self.clock.now_ms())
        .fetch_one(&self.pool)
        .await?;
        conversation_from_row(&row)
    }

    async fn conversation(&self, id: i64) -> Result<Conversation, ConversationsError> {
        let row = sqlx::query(&format!("{CONVERSATION_COLUMNS} WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(ConversationsError::NotFound(id))?;
        conversation_from_row(&row)
    }

    async fn conversations_of(
        &self,
        visitor: &str,
        limit: u32,
    ) -> Result<Vec<Conversation>, ConversationsError> {
        let rows = sqlx::query(&format!(
            "{CONVERSATION_COLUMNS} WHERE visitor = ? ORDER BY opened_at_ms DESC, id DESC LIMIT ?"
        ))
        .bind(visitor)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(conversation_from_row).collect()
    }

    async fn append_message(
        &self,
        conversation: i64,
        message: NewMessage,
    ) -> Result<Appended, ConversationsError> {
        self.chat_writes.append(conversation, message).await
    }

    async fn messages_after(
        &self,
        conversation: i64,
        after: i64,
        limit: u32,
    ) -> Result<Vec<StoredMessage>, ConversationsError> {
        let rows = sqlx::query(&format!(
            "{MESSAGE_COLUMNS} WHERE conversation = ? AND seq > ? ORDER BY seq LIMIT ?"
        ))
        .bind(conversation)
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(message_from_row).collect()
    }

    async fn mark_read(&self, conversation: i64, side: Side, seq: i64) -> Result<i64, ConversationsError> {
        self.chat_writes.mark_read(conversation, side, seq).await
    }

    async fn in_state(
        &self,
        state: ConversationState,
        limit: u32,
    ) -> Result<Vec<Conversation>, ConversationsError> {
        let rows =
            sqlx::query(&format!("{CONVERSATION_COLUMNS} WHERE state = ? ORDER BY opened_at_ms, id LIMIT ?"))
                .bind(state.as_str())
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(conversation_from_row).collect()
    }

    async fn active_for(&self, agent: i64) -> Result<Vec<Conversation>, ConversationsError> {
        let rows = sqlx::query(&format!(
            "{CONVERSATION_COLUMNS} WHERE agent = ? AND state = 'active' ORDER BY claimed_at_ms, id"
        ))
        .bind(agent)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(conversation_from_row).collect()
    }

    async fn claim(&self, conversation: i64, agent: i64, capacity: u32) -> Result<Claim, ConversationsError> {
        // One statement: SQLite runs writes one at a time, so of two agents claiming
        // at once the second finds the conversation no longer waiting.
        let claimed = sqlx::query(
            "UPDATE conversations SET state = 'active', agent = ?1, claimed_at_ms = ?2
             WHERE id = ?3 AND state = 'waiting'
               AND (SELECT COUNT(*) FROM conversations WHERE agent = ?1 AND state = 'active') < ?4",
        )
        .bind(agent)
        .bind(self.clock.now_ms())
        .bind(conversation)
        .bind(capacity)
        .execute(&self.pool)
        .await?;
        if claimed.rows_affected() == 1 {
            return Ok(Claim::Claimed);
        }
        let now = self.conversation(conversation).await?;
        Ok(match (now.state, now.agent) {
            (ConversationState::Closed, _) => Claim::Closed,
            (ConversationState::Active, Some(by)) => Claim::AlreadyTaken { by },
            _ => Claim::AtCapacity,
        })
    }

    async fn transfer(&self, conversation: i64, from: i64, to: i64) -> Result<bool, ConversationsError> {
        let mut transaction = self.pool.begin().await?;
        let moved =
            sqlx::query("UPDATE conversations SET agent = ? WHERE id = ? AND state = 'active' AND agent = ?")
                .bind(to)
                .bind(conversation)
                .bind(from)
                .execute(&mut *transaction)
                .await?;
        if moved.rows_affected() == 0 {
            transaction.rollback().await?;
            self.conversation(conversation).await?;
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO chat_transfers (conversation, from_agent, to_agent, transferred_at_ms) VALUES (?, ?, ?, ?)",
        )
        .bind(conversation)
        .bind(from)
        .bind(to)
        .bind(self.clock.now_ms())
        .execute(&mut *transaction)
        .await?;
        transaction.commit().await?;
        Ok(true)
    }

    async fn close_conversation(
        &self,
        conversation: i64,
        resolution: Resolution,
    ) -> Result<Conversation, ConversationsError> {
        sqlx::query(
            "UPDATE conversations SET state = 'closed', resolution = ?, closed_at_ms = ?
             WHERE id = ? AND state != 'closed'",
        )
        .bind(resolution.as_str())
        .bind(self.clock.now_ms())
        .bind(conversation)
        .execute(&self.pool)
        .await?;
        self.conversation(conversation).await
    }

    async fn add_note(&self, conversation: i64, agent: i64, body: &str) -> Result<(), ConversationsError> {
        self.conversation(conversation).await?;
        sqlx::query("INSERT INTO chat_notes (conversation, agent, body, written_at_ms) VALUES (?, ?, ?, ?)")
            .bind(conversation)
            .bind(agent)
            .bind(body)
            .bind(self.clock.now_ms())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn notes(&self, conversation: i64) -> Result<Vec<StoredNote>, ConversationsError> {
        let rows = sqlx::query(
            "SELECT agent, body, written_at_ms FROM chat_notes WHERE conversation = ? ORDER BY id",
        )
        .bind(conversation)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(StoredNote {
                    agent: row.try_get("agent")?,
                    body: row.try_get("body")?,
                    written_at_ms: row.try_get("written_at_ms")?,
                })
            })
            .collect()
    }
}
