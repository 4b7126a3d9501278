//! The embedded store: one SQLite file in WAL mode, migrated at open, implementing
//! every store trait.

mod chat_writes;
mod conversations;
mod effort;
mod event_log;
mod presence;
mod staff;
mod submissions;

use super::Clock;
use super::database::OpenError;
use super::event_log::NewestEvent;
use super::secrets::{SecretsError, SharedSecrets};
use super::signals::{ChatSignals, SharedSignals};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    clock: Arc<dyn Clock>,
    /// The newest event's id, the source of every subscription.
    newest_event: Arc<NewestEvent>,
    chat_writes: chat_writes::ChatWriter,
}

/// One instance's own database: nobody else to wake.
impl SharedSignals for SqliteStore {
    fn chat_signals(&self) -> Option<ChatSignals> {
        None
    }
}

#[async_trait::async_trait]
impl SharedSecrets for SqliteStore {
    async fn shared_secret(&self, _name: &str, _candidate: &[u8]) -> Result<Option<Vec<u8>>, SecretsError> {
        Ok(None)
    }
}

impl SqliteStore {
    pub async fn open(path: &Path, clock: Arc<dyn Clock>) -> Result<Self, OpenError> {
        // SQLite gives its -wal and -shm files the database file's mode, so making
        // this one owner-only keeps all three private.
        crate::data_dir::create_private_file(path)
            .map_err(|source| OpenError::Private { path: path.to_owned(), source })?;
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(|source| OpenError::Open { path: path.to_owned(), source })?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        let newest: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM events").fetch_one(&pool).await?;
        let chat_writes = chat_writes::ChatWriter::start(pool.clone(), clock.clone());
        Ok(Self { pool, clock, newest_event: Arc::new(NewestEvent::new(newest)), chat_writes })
    }

    /// Closes every connection; later calls answer `Unavailable`.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{EventLog, EventLogError, NewEvent, SystemClock};
    use telepath_domain::EventKind;

    fn feedback() -> NewEvent {
        NewEvent {
            visitor: "a".into(),
            kind: EventKind::ArticleFeedback { slug: "refunds".into(), helpful: true, looking_for: None },
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_database_files_are_readable_by_their_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let store =
            SqliteStore::open(&dir.path().join("telepath.sqlite3"), Arc::new(SystemClock)).await.unwrap();
        store.append(feedback()).await.unwrap();
        #[cfg(unix)]
        for file in ["telepath.sqlite3", "telepath.sqlite3-wal", "telepath.sqlite3-shm"] {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(file)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{file} is readable by its owner only");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_log_cannot_be_rewritten_and_only_events_past_a_day_can_be_removed() {
        let dir = tempfile::tempdir().unwrap();
        let store =
            SqliteStore::open(&dir.path().join("telepath.sqlite3"), Arc::new(SystemClock)).await.unwrap();
        store.append(feedback()).await.unwrap();
        let rewrite = sqlx::query("UPDATE events SET kind = 'x'").execute(&store.pool).await;
        assert!(rewrite.unwrap_err().to_string().contains("append-only"));
        let delete = sqlx::query("DELETE FROM events").execute(&store.pool).await;
        assert!(delete.unwrap_err().to_string().contains("only events older than a day"));
        assert_eq!(store.recent(None, 10).await.unwrap().len(), 1, "nothing was removed");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_unknown_kind_or_payload_version_reads_back_as_a_typed_error() {
        let dir = tempfile::tempdir().unwrap();
        let store =
            SqliteStore::open(&dir.path().join("telepath.sqlite3"), Arc::new(SystemClock)).await.unwrap();
        let insert = "INSERT INTO events (visitor, kind, payload_version, payload, occurred_at_ms) VALUES ('a', ?, ?, ?, 0) RETURNING id";
        let unknown: i64 = sqlx::query_scalar(insert)
            .bind("unknown")
            .bind(1)
            .bind("{}")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        let older: i64 = sqlx::query_scalar(insert)
            .bind("article_feedback")
            .bind(1)
            .bind(r#"{"slug":"a","helpful":false}"#)
            .fetch_one(&store.pool)
            .await
            .unwrap();
        let future: i64 = sqlx::query_scalar(insert)
            .bind("article_feedback")
            .bind(3)
            .bind(r#"{"slug":"a","helpful":true}"#)
            .fetch_one(&store.pool)
            .await
            .unwrap();
        let broken: i64 = sqlx::query_scalar(insert)
            .bind("article_feedback")
            .bind(1)
            .bind(r#"{"slug":"a"}"#)
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert!(matches!(
            store.event(unknown).await,
            Err(EventLogError::UnknownKind { id, kind }) if id == unknown && kind == "unknown"
        ));
        assert!(matches!(
            store.event(future).await,
            Err(EventLogError::UnknownVersion { version: 3, expected: 2, .. })
        ));
        assert_eq!(
            store.event(older).await.unwrap().kind,
            EventKind::ArticleFeedback { slug: "a".into(), helpful: false, looking_for: None },
            "a version 1 vote reads as the current shape"
        );
        assert!(matches!(store.event(broken).await, Err(EventLogError::BadPayload { .. })));
        assert!(
            matches!(store.recent(None, 10).await, Err(EventLogError::BadPayload { id, .. }) if id == broken)
        );
    }
}
