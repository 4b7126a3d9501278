//! Chat's frequent writes, committed in groups. Every message and every read mark
//! is a write, and SQLite lets one connection write at a time: when each took the
//! lock on its own, busy connections waited in SQLite's busy handler, which sleeps
//! in steps of up to 100 ms, and a few messages a second per conversation over a
//! thousand conversations turned into waits of half a second. Here one task takes
//! whatever writes are waiting, applies them in order in one transaction that
//! holds the write lock from its start (`BEGIN IMMEDIATE`), commits once, and only
//! then answers each: a sender still hears of its message only once it is durable.

use crate::store::Clock;
use crate::store::conversations::{Appended, ConversationsError, MessageBody, NewMessage, StoredMessage};
use crate::store::conversations::{MESSAGE_COLUMNS, message_from_row};
use crate::store::failure::{Failure, classify};
use sqlx::SqlitePool;
use sqlx::sqlite::SqliteConnection;
use std::sync::Arc;
use telepath_domain::Side;
use tokio::sync::{mpsc, oneshot};

/// Writes taken into one transaction at most: a bound on how long the first of
/// them waits for the commit.
const MAX_GROUP: usize = 256;
/// Writes waiting for the writer; a sender beyond them waits its turn.
const QUEUE: usize = 4 * MAX_GROUP;

enum ChatWrite {
    Append { conversation: i64, message: NewMessage, pending: Pending<Appended> },
    MarkRead { conversation: i64, side: Side, seq: i64, pending: Pending<i64> },
}

/// Where a write's answer goes, and the answer once its group has been applied.
struct Pending<T> {
    reply: oneshot::Sender<Result<T, ConversationsError>>,
    outcome: Option<Result<T, ConversationsError>>,
}

impl<T> Pending<T> {
    fn new() -> (Self, oneshot::Receiver<Result<T, ConversationsError>>) {
        let (reply, answer) = oneshot::channel();
        (Self { reply, outcome: None }, answer)
    }

    /// Answers the sender once the group's transaction has ended. A sender that
    /// went away (a dropped connection) no longer needs the answer: what it sent is
    /// stored and reaches it on resume.
    fn settle(self, failure: Option<&GroupFailure>) {
        let outcome = match (failure, self.outcome) {
            (None, Some(outcome)) => outcome,
            (Some(failure), _) => Err(failure.error()),
            (None, None) => Err(ConversationsError::Failed("the write was not applied".into())),
        };
        drop(self.reply.send(outcome));
    }
}

/// Why a group's transaction failed: nothing of it was stored, so each sender
/// hears why and may send again under the same id.
struct GroupFailure {
    why: String,
    unavailable: bool,
}

impl GroupFailure {
    fn new(error: sqlx::Error) -> Self {
        let why = error.to_string();
        Self { why, unavailable: matches!(classify(error), Failure::Unavailable(_)) }
    }

    fn error(&self) -> ConversationsError {
        if self.unavailable {
            ConversationsError::Unavailable(self.why.clone().into())
        } else {
            ConversationsError::Failed(self.why.clone().into())
        }
    }
}

/// The handle the store writes through; the writer task ends with the last one.
#[derive(Clone, Debug)]
pub(super) struct ChatWriter {
    writes: mpsc::Sender<ChatWrite>,
}

impl ChatWriter {
    pub(super) fn start(pool: SqlitePool, clock: Arc<dyn Clock>) -> Self {
        let (writes, waiting) = mpsc::channel(QUEUE);
        tokio::spawn(write_in_groups(pool, clock, waiting));
        Self { writes }
    }

    pub(super) async fn append(
        &self,
        conversation: i64,
        message: NewMessage,
    ) -> Result<Appended, ConversationsError> {
        let (pending, answer) = Pending::new();
        self.send(ChatWrite::Append { conversation, message, pending }, answer).await
    }

    pub(super) async fn mark_read(
        &self,
        conversation: i64,
        side: Side,
        seq: i64,
    ) -> Result<i64, ConversationsError> {
        let (pending, answer) = Pending::new();
        self.send(ChatWrite::MarkRead { conversation, side, seq, pending }, answer).await
    }

    async fn send<T>(
        &self,
        write: ChatWrite,
        answer: oneshot::Receiver<Result<T, ConversationsError>>,
    ) -> Result<T, ConversationsError> {
        let stopped = || ConversationsError::Unavailable("the chat writer has stopped".into());
        self.writes.send(write).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

async fn write_in_groups(pool: SqlitePool, clock: Arc<dyn Clock>, mut waiting: mpsc::Receiver<ChatWrite>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while waiting.recv_many(&mut group, MAX_GROUP).await > 0 {
        let failure = apply_group(&pool, &mut group, clock.now_ms()).await.err().map(GroupFailure::new);
        for write in group.drain(..) {
            match write {
                ChatWrite::Append { pending, .. } => pending.settle(failure.as_ref()),
                ChatWrite::MarkRead { pending, .. } => pending.settle(failure.as_ref()),
            }
        }
    }
}

async fn apply_group(pool: &SqlitePool, group: &mut [ChatWrite], now_ms: i64) -> Result<(), sqlx::Error> {
    let mut transaction = pool.begin_with("BEGIN IMMEDIATE").await?;
    for write in group.iter_mut() {
        match write {
            ChatWrite::Append { conversation, message, pending } => {
                pending.outcome = Some(append(&mut transaction, *conversation, message, now_ms).await?);
            }
            ChatWrite::MarkRead { conversation, side, seq, pending } => {
                pending.outcome = Some(mark_read(&mut transaction, *conversation, *side, *seq).await?);
            }
        }
    }
    transaction.commit().await
}

async fn append(
    connection: &mut SqliteConnection,
    conversation: i64,
    message: &NewMessage,
    now_ms: i64,
) -> Result<Result<Appended, ConversationsError>, sqlx::Error> {
    // Under the write lock, so a retry in the same group or just committed is seen.
    let stored =
        sqlx::query(&format!("{MESSAGE_COLUMNS} WHERE conversation = ? AND side = ? AND client_id = ?"))
            .bind(conversation)
            .bind(message.side.as_str())
            .bind(&message.client_id)
            .fetch_optional(&mut *connection)
            .await?;
    if let Some(row) = stored {
        return Ok(message_from_row(&row).map(|message| Appended { message, was_new: false }));
    }
    let seq: Option<i64> = sqlx::query_scalar(
        "UPDATE conversations SET last_seq = last_seq + 1 WHERE id = ? AND state != 'closed' RETURNING last_seq",
    )
    .bind(conversation)
    .fetch_optional(&mut *connection)
    .await?;
    let Some(seq) = seq else { return Ok(Err(refused(connection, conversation).await?)) };
    let (kind, body, slug) = match &message.body {
        MessageBody::Text(text) => ("text", text.as_str(), None),
        MessageBody::Article { slug, title } => ("article", title.as_str(), Some(slug.as_str())),
    };
    sqlx::query(
        "INSERT INTO chat_messages (conversation, seq, side, agent, client_id, kind, body, slug, sent_at_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(conversation)
    .bind(seq)
    .bind(message.side.as_str())
    .bind(message.agent)
    .bind(&message.client_id)
    .bind(kind)
    .bind(body)
    .bind(slug)
    .bind(now_ms)
    .execute(&mut *connection)
    .await?;
    Ok(Ok(Appended {
        message: StoredMessage {
            conversation,
            seq,
            client_id: message.client_id.clone(),
            side: message.side,
            agent: message.agent,
            body: message.body.clone(),
            sent_at_ms: now_ms,
        },
        was_new: true,
    }))
}

async fn mark_read(
    connection: &mut SqliteConnection,
    conversation: i64,
    side: Side,
    seq: i64,
) -> Result<Result<i64, ConversationsError>, sqlx::Error> {
    // The column is chosen from two fixed names, never from input.
    let column = match side {
        Side::Visitor => "visitor_read_seq",
        Side::Agent => "agent_read_seq",
    };
    let read: Option<i64> = sqlx::query_scalar(&format!(
        "UPDATE conversations SET {column} = MAX({column}, MIN(?, last_seq)) WHERE id = ? RETURNING {column}"
    ))
    .bind(seq)
    .bind(conversation)
    .fetch_optional(&mut *connection)
    .await?;
    Ok(read.ok_or(ConversationsError::NotFound(conversation)))
}

/// Why a message could not be added: the conversation is closed, or there is none.
async fn refused(
    connection: &mut SqliteConnection,
    conversation: i64,
) -> Result<ConversationsError, sqlx::Error> {
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM conversations WHERE id = ?)")
        .bind(conversation)
        .fetch_one(&mut *connection)
        .await?;
    Ok(if exists {
        ConversationsError::Closed(conversation)
    } else {
        ConversationsError::NotFound(conversation)
    })
}
