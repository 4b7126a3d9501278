use super::{
    NewEvent, NewSubmission, Store, StoreError, StoredEvent, StoredSubmission, new_reference, now_ms,
};
use sqlx::Row;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// The embedded store: one SQLite file in WAL mode, migrated at open.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    newest_event: Arc<watch::Sender<i64>>,
}

impl SqliteStore {
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        // SQLite gives its -wal and -shm files the database file's mode, so making
        // this one owner-only keeps all three private.
        crate::data_dir::create_private_file(path)
            .map_err(|source| StoreError::Private { path: path.to_owned(), source })?;
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
            .map_err(|source| StoreError::Open { path: path.to_owned(), source })?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        let newest: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM events").fetch_one(&pool).await?;
        Ok(Self { pool, newest_event: Arc::new(watch::Sender::new(newest)) })
    }
}

#[async_trait::async_trait]
impl Store for SqliteStore {
    async fn append_event(&self, event: NewEvent) -> Result<i64, StoreError> {
        let payload = serde_json::to_string(&event.payload)?;
        let id = sqlx::query(
            "INSERT INTO events (visitor, kind, payload, occurred_at_ms) VALUES (?, ?, ?, ?) RETURNING id",
        )
        .bind(&event.visitor)
        .bind(&event.kind)
        .bind(payload)
        .bind(now_ms())
        .fetch_one(&self.pool)
        .await?
        .try_get::<i64, _>("id")?;
        self.newest_event.send_replace(id);
        Ok(id)
    }

    fn newest_event(&self) -> watch::Receiver<i64> {
        self.newest_event.subscribe()
    }

    async fn recent_events(&self, kind: Option<&str>, limit: u32) -> Result<Vec<StoredEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, visitor, kind, payload, occurred_at_ms FROM events
             WHERE (?1 IS NULL OR kind = ?1) ORDER BY id DESC LIMIT ?2",
        )
        .bind(kind)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(StoredEvent {
                    id: row.try_get("id")?,
                    visitor: row.try_get("visitor")?,
                    kind: row.try_get("kind")?,
                    payload: serde_json::from_str(row.try_get::<&str, _>("payload")?)?,
                    occurred_at_ms: row.try_get("occurred_at_ms")?,
                })
            })
            .collect()
    }

    async fn save_submission(&self, submission: NewSubmission) -> Result<StoredSubmission, StoreError> {
        let fields = serde_json::to_string(&submission.fields)?;
        let inserted = sqlx::query(
            "INSERT INTO task_submissions (reference, task, visitor, fields, idempotency_key, submitted_at_ms)
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (visitor, idempotency_key) DO NOTHING",
        )
        .bind(new_reference())
        .bind(&submission.task)
        .bind(&submission.visitor)
        .bind(&fields)
        .bind(&submission.idempotency_key)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        let row = if inserted.rows_affected() == 1 {
            sqlx::query(SUBMISSION_COLUMNS_BY_ROWID)
                .bind(inserted.last_insert_rowid())
                .fetch_one(&self.pool)
                .await?
        } else {
            sqlx::query(SUBMISSION_COLUMNS_BY_KEY)
                .bind(&submission.visitor)
                .bind(&submission.idempotency_key)
                .fetch_one(&self.pool)
                .await?
        };
        submission_from_row(&row)
    }

    async fn submission(&self, reference: &str) -> Result<Option<StoredSubmission>, StoreError> {
        let row =
            sqlx::query(SUBMISSION_COLUMNS_BY_REFERENCE).bind(reference).fetch_optional(&self.pool).await?;
        row.as_ref().map(submission_from_row).transpose()
    }
}

const SUBMISSION_COLUMNS_BY_ROWID: &str =
    "SELECT reference, task, visitor, fields, submitted_at_ms FROM task_submissions WHERE id = ?";
const SUBMISSION_COLUMNS_BY_KEY: &str = "SELECT reference, task, visitor, fields, submitted_at_ms FROM task_submissions WHERE visitor = ? AND idempotency_key = ?";
const SUBMISSION_COLUMNS_BY_REFERENCE: &str =
    "SELECT reference, task, visitor, fields, submitted_at_ms FROM task_submissions WHERE reference = ?";

fn submission_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<StoredSubmission, StoreError> {
    Ok(StoredSubmission {
        reference: row.try_get("reference")?,
        task: row.try_get("task")?,
        visitor: row.try_get("visitor")?,
        fields: serde_json::from_str(row.try_get::<&str, _>("fields")?)?,
        submitted_at_ms: row.try_get("submitted_at_ms")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn events_are_appended_and_read_back_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("telepath.sqlite3")).await.unwrap();
        for (visitor, kind) in [("a", "page_view"), ("b", "article_feedback"), ("a", "page_view")] {
            let event = NewEvent {
                visitor: visitor.into(),
                kind: kind.into(),
                payload: json!({ "slug": "refunds" }),
            };
            store.append_event(event).await.unwrap();
        }
        let page_views = store.recent_events(Some("page_view"), 10).await.unwrap();
        assert_eq!(page_views.len(), 2);
        assert!(page_views[0].id > page_views[1].id);
        assert_eq!(page_views[0].payload, json!({ "slug": "refunds" }));
        assert_eq!(store.recent_events(None, 10).await.unwrap().len(), 3);
        #[cfg(unix)]
        for file in ["telepath.sqlite3", "telepath.sqlite3-wal", "telepath.sqlite3-shm"] {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(file)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{file} is readable by its owner only");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn waiting_views_learn_of_each_new_event_and_a_reopened_store_starts_from_the_newest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("telepath.sqlite3");
        let store = SqliteStore::open(&path).await.unwrap();
        let mut newest = store.newest_event();
        assert_eq!(*newest.borrow_and_update(), 0);
        let event = || NewEvent { visitor: "a".into(), kind: "page_view".into(), payload: json!({}) };
        let waiting = tokio::spawn(async move {
            newest.changed().await.unwrap();
            *newest.borrow()
        });
        let id = store.append_event(event()).await.unwrap();
        assert_eq!(waiting.await.unwrap(), id, "a waiting view is woken with the new event's id");
        let second = store.append_event(event()).await.unwrap();
        drop(store);
        let reopened = SqliteStore::open(&path).await.unwrap();
        assert_eq!(*reopened.newest_event().borrow(), second);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_submission_gets_a_reference_and_a_repeated_key_stores_it_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("telepath.sqlite3")).await.unwrap();
        let submission = NewSubmission {
            task: "request-a-refund".into(),
            visitor: "v".into(),
            fields: json!({ "amount": "29.00" }),
            idempotency_key: Some("form-1".into()),
        };
        let first = store.save_submission(submission.clone()).await.unwrap();
        assert!(first.reference.starts_with("TP-") && first.reference.len() == 12, "{}", first.reference);
        let again = store.save_submission(submission.clone()).await.unwrap();
        assert_eq!(again, first, "the double submit returns the first record");
        let other = store
            .save_submission(NewSubmission { idempotency_key: Some("form-2".into()), ..submission.clone() })
            .await
            .unwrap();
        assert_ne!(other.reference, first.reference);
        let copied = NewSubmission {
            visitor: "someone else".into(),
            fields: json!({ "amount": "12.00" }),
            idempotency_key: Some("form-1".into()),
            ..submission
        };
        let theirs = store.save_submission(copied.clone()).await.unwrap();
        assert_ne!(
            theirs.reference, first.reference,
            "another visitor's copied key never returns the first record"
        );
        assert_eq!(
            (theirs.visitor.as_str(), &theirs.fields),
            ("someone else", &copied.fields),
            "and their answers are kept"
        );
        assert_eq!(store.submission(&first.reference).await.unwrap(), Some(first));
        assert_eq!(store.submission("TP-NOPE-NOPE").await.unwrap(), None);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reopening_keeps_events_and_the_log_cannot_be_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("telepath.sqlite3");
        let store = SqliteStore::open(&path).await.unwrap();
        let event =
            NewEvent { visitor: "a".into(), kind: "search".into(), payload: json!({ "query": "refund" }) };
        store.append_event(event).await.unwrap();
        drop(store);

        let store = SqliteStore::open(&path).await.unwrap();
        assert_eq!(store.recent_events(None, 10).await.unwrap().len(), 1);
        let rewrite = sqlx::query("UPDATE events SET kind = 'x'").execute(&store.pool).await;
        assert!(rewrite.unwrap_err().to_string().contains("append-only"));
        let delete = sqlx::query("DELETE FROM events").execute(&store.pool).await;
        assert!(delete.unwrap_err().to_string().contains("append-only"));
    }
}
