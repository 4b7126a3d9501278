use super::SqliteStore;
use crate::store::event_log::{decode, encode};
use crate::store::{EventIds, EventLog, EventLogError, NewEvent, StoredEvent};
use sqlx::Row;

const EVENT_COLUMNS: &str = "SELECT id, visitor, kind, payload_version, payload, occurred_at_ms FROM events";

/// Newest first, so the limit keeps the latest; the caller turns them around. The
/// index `events_visitor_time` (visitor, occurred_at_ms, and the rowid SQLite adds
/// to every index) answers it without a sort: see the test below.
const VISITOR_EVENTS: &str = "SELECT id, visitor, kind, payload_version, payload, occurred_at_ms FROM events \
     WHERE visitor = ?1 AND occurred_at_ms >= ?2 ORDER BY occurred_at_ms DESC, id DESC LIMIT ?3";

fn event_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<StoredEvent, EventLogError> {
    let id = row.try_get("id")?;
    Ok(StoredEvent {
        id,
        visitor: row.try_get("visitor")?,
        kind: decode(id, row.try_get("kind")?, row.try_get("payload_version")?, row.try_get("payload")?)?,
        occurred_at_ms: row.try_get("occurred_at_ms")?,
    })
}

async fn insert(
    connection: &mut sqlx::SqliteConnection,
    event: &NewEvent,
    now_ms: i64,
) -> Result<i64, EventLogError> {
    let (kind, version, payload) = encode(&event.kind)?;
    let id = sqlx::query_scalar(
        "INSERT INTO events (visitor, kind, payload_version, payload, occurred_at_ms)
         VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&event.visitor)
    .bind(kind)
    .bind(version)
    .bind(payload)
    .bind(now_ms)
    .fetch_one(connection)
    .await?;
    Ok(id)
}

#[async_trait::async_trait]
impl EventLog for SqliteStore {
    async fn append(&self, event: NewEvent) -> Result<i64, EventLogError> {
        let id = insert(&mut *self.pool.acquire().await?, &event, self.clock.now_ms()).await?;
        self.newest_event.note(id);
        Ok(id)
    }

    async fn append_all(&self, events: Vec<NewEvent>) -> Result<Option<i64>, EventLogError> {
        let mut transaction = self.pool.begin().await?;
        let mut last = None;
        for event in &events {
            last = Some(insert(&mut transaction, event, self.clock.now_ms()).await?);
        }
        transaction.commit().await?;
        if let Some(id) = last {
            self.newest_event.note(id);
        }
        Ok(last)
    }

    async fn event(&self, id: i64) -> Result<StoredEvent, EventLogError> {
        let row = sqlx::query(&format!("{EVENT_COLUMNS} WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(EventLogError::NotFound(id))?;
        event_from_row(&row)
    }

    async fn recent(&self, kind: Option<&str>, limit: u32) -> Result<Vec<StoredEvent>, EventLogError> {
        let rows = sqlx::query(&format!(
            "{EVENT_COLUMNS} WHERE (?1 IS NULL OR kind = ?1) ORDER BY id DESC LIMIT ?2"
        ))
        .bind(kind)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(event_from_row).collect()
    }

    async fn since(&self, after: i64, limit: u32) -> Result<Vec<StoredEvent>, EventLogError> {
        let rows = sqlx::query(&format!("{EVENT_COLUMNS} WHERE id > ?1 ORDER BY id LIMIT ?2"))
            .bind(after)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(event_from_row).collect()
    }

    async fn visitor_events(
        &self,
        visitor: &str,
        since_ms: i64,
        limit: u32,
    ) -> Result<Vec<StoredEvent>, EventLogError> {
        let rows = sqlx::query(VISITOR_EVENTS)
            .bind(visitor)
            .bind(since_ms)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        let mut events = rows.iter().map(event_from_row).collect::<Result<Vec<_>, _>>()?;
        events.reverse();
        Ok(events)
    }

    async fn forget_before(&self, before_ms: i64) -> Result<u64, EventLogError> {
        let done = sqlx::query("DELETE FROM events WHERE occurred_at_ms < ?")
            .bind(before_ms)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    fn subscribe(&self) -> EventIds {
        self.newest_event.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_visitors_events_are_read_through_their_index_without_a_sort() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("t.sqlite3"), Arc::new(crate::store::SystemClock))
            .await
            .unwrap();
        let plan: Vec<String> = sqlx::query(&format!("EXPLAIN QUERY PLAN {VISITOR_EVENTS}"))
            .bind("v")
            .bind(0)
            .bind(10)
            .fetch_all(&store.pool)
            .await
            .unwrap()
            .iter()
            .map(|row| row.get::<String, _>("detail"))
            .collect();
        assert!(plan.iter().any(|step| step.contains("USING INDEX events_visitor_time")), "{plan:?}");
        assert!(!plan.iter().any(|step| step.contains("TEMP B-TREE")), "no sort: {plan:?}");
    }
}
