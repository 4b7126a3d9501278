use super::PgStore;
use crate::store::conversations::{
    Appended, Claim, Conversation, Conversations, ConversationsError, MessageBody, NewConversation,
    NewMessage, StoredMessage, StoredNote,
};
use crate::store::conversations::{MESSAGE_COLUMNS, conversation_from_row, message_from_row};
use sqlx::Row;
use telepath_domain::{ConversationState, Level, Resolution, Side};

/// The offer reasons and visitor context are of type JSON, read back as text like SQLite's.
const CONVERSATION_FIELDS: &str = "id, visitor, state, level, opened_because::text AS opened_because, \
     visitor_context::text AS visitor_context, agent, last_seq, visitor_read_seq, agent_read_seq, resolution, \
     opened_at_ms, claimed_at_ms, closed_at_ms";

impl PgStore {
    async fn stored_message(
        &self,
        conversation: i64,
        side: Side,
        client_id: &str,
    ) -> Result<Option<StoredMessage>, ConversationsError> {
        sqlx::query(&format!("{MESSAGE_COLUMNS} WHERE conversation = $1 AND side = $2 AND client_id = $3"))
            .bind(conversation)
            .bind(side.as_str())
            .bind(client_id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(message_from_row)
            .transpose()
    }
}

#[async_trait::async_trait]
impl Conversations for PgStore {
    async fn open_conversation(&self, new: NewConversation) -> Result<Conversation, ConversationsError> {
        let row = sqlx::query(&format!(
            "INSERT INTO conversations (visitor, state, level, opened_because, visitor_context, opened_at_ms)
             VALUES ($1, 'waiting', $2, $3::json, $4::json, $5) RETURNING {CONVERSATION_FIELDS}"
        ))
        .bind(&new.visitor)
        .bind(new.level.map(Level::as_str))
        .bind(
            serde_json::to_string(&new.opened_because)
                .map_err(|error| ConversationsError::Failed(error.into()))?,
        )
        .bind(
            serde_json::to_string(&new.visitor_context)
                .map_err(|error| ConversationsError::Failed(error.into()))?,
        )
        .bind(self.clock.now_ms())
        .fetch_one(&self.pool)
        .await?;
        conversation_from_row(&row)
    }

    async fn conversation(&self, id: i64) -> Result<Conversation, ConversationsError> {
        let row = sqlx::query(&format!("SELECT {CONVERSATION_FIELDS} FROM conversations WHERE id = $1"))
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
            "SELECT {CONVERSATION_FIELDS} FROM conversations WHERE visitor = $1
             ORDER BY opened_at_ms DESC, id DESC LIMIT $2"
        ))
        .bind(visitor)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(conversation_from_row).collect()
    }

    async fn append_message(
        &self,
        conversation: i64,
        message: NewMessage,
    ) -> Result<Appended, ConversationsError> {
        if let Some(stored) = self.stored_message(conversation, message.side, &message.client_id).await? {
            return Ok(Appended { message: stored, was_new: false });
        }
        let (kind, body, slug) = match &message.body {
            MessageBody::Text(text) => ("text", text.as_str(), None),
            MessageBody::Article { slug, title } => ("article", title.as_str(), Some(slug.as_str())),
        };
        let mut transaction = self.pool.begin().await?;
        // The UPDATE locks the conversation's row until the commit, so a second
        // sender waits here and then raises the number the first one left.
        let seq: Option<i64> = sqlx::query_scalar(
            "UPDATE conversations SET last_seq = last_seq + 1 WHERE id = $1 AND state <> 'closed'
             RETURNING last_seq",
        )
        .bind(conversation)
        .fetch_optional(&mut *transaction)
        .await?;
        let Some(seq) = seq else {
            transaction.rollback().await?;
            let existing = self.conversation(conversation).await?;
            return Err(ConversationsError::Closed(existing.id));
        };
        let now = self.clock.now_ms();
        let inserted = sqlx::query(
            "INSERT INTO chat_messages (conversation, seq, side, agent, client_id, kind, body, slug, sent_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (conversation, side, client_id) DO NOTHING",
        )
        .bind(conversation)
        .bind(seq)
        .bind(message.side.as_str())
        .bind(message.agent)
        .bind(&message.client_id)
        .bind(kind)
        .bind(body)
        .bind(slug)
        .bind(now)
        .execute(&mut *transaction)
        .await?;
        if inserted.rows_affected() == 0 {
            // Another try of the same message was stored between the look and the lock.
            transaction.rollback().await?;
            let stored = self
                .stored_message(conversation, message.side, &message.client_id)
                .await?
                .ok_or(ConversationsError::Conflict)?;
            return Ok(Appended { message: stored, was_new: false });
        }
        transaction.commit().await?;
        Ok(Appended {
            message: StoredMessage {
                conversation,
                seq,
                client_id: message.client_id,
                side: message.side,
                agent: message.agent,
                body: message.body,
                sent_at_ms: now,
            },
            was_new: true,
        })
    }

    async fn messages_after(
        &self,
        conversation: i64,
        after: i64,
        limit: u32,
    ) -> Result<Vec<StoredMessage>, ConversationsError> {
        let rows = sqlx::query(&format!(
            "{MESSAGE_COLUMNS} WHERE conversation = $1 AND seq > $2 ORDER BY seq LIMIT $3"
        ))
        .bind(conversation)
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(message_from_row).collect()
    }

    async fn mark_read(&self, conversation: i64, side: Side, seq: i64) -> Result<i64, ConversationsError> {
        // The column is chosen from two fixed names, never from input.
        let column = match side {
            Side::Visitor => "visitor_read_seq",
            Side::Agent => "agent_read_seq",
        };
        let read: Option<i64> = sqlx::query_scalar(&format!(
            "UPDATE conversations SET {column} = GREATEST({column}, LEAST($1, last_seq)) WHERE id = $2
             RETURNING {column}"
        ))
        .bind(seq)
        .bind(conversation)
        .fetch_optional(&self.pool)
        .await?;
        read.ok_or(ConversationsError::NotFound(conversation))
    }

    async fn in_state(
        &self,
        state: ConversationState,
        limit: u32,
    ) -> Result<Vec<Conversation>, ConversationsError> {
        let rows = sqlx::query(&format!(
            "SELECT {CONVERSATION_FIELDS} FROM conversations WHERE state = $1 ORDER BY opened_at_ms, id LIMIT $2"
        ))
        .bind(state.as_str())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(conversation_from_row).collect()
    }

    async fn active_for(&self, agent: i64) -> Result<Vec<Conversation>, ConversationsError> {
        let rows = sqlx::query(&format!(
            "SELECT {CONVERSATION_FIELDS} FROM conversations WHERE agent = $1 AND state = 'active'
             ORDER BY claimed_at_ms, id"
        ))
        .bind(agent)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(conversation_from_row).collect()
    }

    async fn claim(&self, conversation: i64, agent: i64, capacity: u32) -> Result<Claim, ConversationsError> {
        let mut transaction = self.pool.begin().await?;
        // One agent's claims take turns on their account's row, so two at once
        // cannot both count the same load and pass the capacity together. (A lock
        // that leaves the row's key alone: messages and ratings naming the agent
        // are not held up.)
        sqlx::query("SELECT 1 FROM staff_accounts WHERE id = $1 FOR NO KEY UPDATE")
            .bind(agent)
            .execute(&mut *transaction)
            .await?;
        // Two agents claiming one conversation meet on its row: the second waits
        // for the first to commit, then finds it no longer waiting.
        let claimed = sqlx::query(
            "UPDATE conversations SET state = 'active', agent = $1, claimed_at_ms = $2
             WHERE id = $3 AND state = 'waiting'
               AND (SELECT COUNT(*) FROM conversations WHERE agent = $1 AND state = 'active') < $4",
        )
        .bind(agent)
        .bind(self.clock.now_ms())
        .bind(conversation)
        .bind(i64::from(capacity))
        .execute(&mut *transaction)
        .await?;
        transaction.commit().await?;
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
        let moved = sqlx::query(
            "UPDATE conversations SET agent = $1 WHERE id = $2 AND state = 'active' AND agent = $3",
        )
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
            "INSERT INTO chat_transfers (conversation, from_agent, to_agent, transferred_at_ms)
             VALUES ($1, $2, $3, $4)",
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
            "UPDATE conversations SET state = 'closed', resolution = $1, closed_at_ms = $2
             WHERE id = $3 AND state <> 'closed'",
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
        sqlx::query(
            "INSERT INTO chat_notes (conversation, agent, body, written_at_ms) VALUES ($1, $2, $3, $4)",
        )
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
            "SELECT agent, body, written_at_ms FROM chat_notes WHERE conversation = $1 ORDER BY id",
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
