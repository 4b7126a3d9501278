use super::PgStore;
use crate::store::event_log::{decode, encode};
use crate::store::{EventIds, EventLog, EventLogError, NewEvent, StoredEvent};
use sqlx::Row;
use sqlx::postgres::{PgConnection, PgRow};

/// The payload is of type JSON (checked, and kept as written); it is read back as
/// text, as the SQLite store keeps it, so both decode it the same way.
const EVENT_COLUMNS: &str =
    "SELECT id, visitor, kind, payload_version, payload::text AS payload, occurred_at_ms FROM events";

fn event_from_row(row: &PgRow) -> Result<StoredEvent, EventLogError> {
    let id = row.try_get("id")?;
    Ok(StoredEvent {
        id,
        visitor: row.try_get("visitor")?,
        kind: decode(id, row.try_get("kind")?, row.try_get("payload_version")?, row.try_get("payload")?)?,
        occurred_at_ms: row.try_get("occurred_at_ms")?,
    })
}

/// Appends are made one transaction at a time. An id is taken from the sequence
/// when the row is inserted, not when it is committed, and readers catch up with
/// `since(the last id they saw)`: were two appends to commit out of id order, a
/// reader could see the larger id first and never read the smaller one. SQLite's
/// single writer gives this order for free; here it is the table's lock in this
/// mode, which only appends and removals take, never readers.
async fn take_turn_to_append(connection: &mut PgConnection) -> Result<(), EventLogError> {
    sqlx::query("LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE").execute(connection).await?;
    Ok(())
}

async fn insert(connection: &mut PgConnection, event: &NewEvent, now_ms: i64) -> Result<i64, EventLogError> {
    let (kind, version, payload) = encode(&event.kind)?;
    let id = sqlx::query_scalar(
        "INSERT INTO events (visitor, kind, payload_version, payload, occurred_at_ms)
         VALUES ($1, $2, $3, $4::json, $5) RETURNING id",
    )
    .bind(&event.visitor)
    .bind(kind)
    .bind(i64::from(version))
    .bind(payload)
    .bind(now_ms)
    .fetch_one(connection)
    .await?;
    Ok(id)
}

#[async_trait::async_trait]
impl EventLog for PgStore {
    async fn append(&self, event: NewEvent) -> Result<i64, EventLogError> {
        let mut transaction = self.pool.begin().await?;
        take_turn_to_append(&mut transaction).await?;
        let id = insert(&mut transaction, &event, self.clock.now_ms()).await?;
        transaction.commit().await?;
        self.newest_event.note(id);
        Ok(id)
    }

    async fn append_all(&self, events: Vec<NewEvent>) -> Result<Option<i64>, EventLogError> {
        if events.is_empty() {
            return Ok(None);
        }
        // Encoded before the turn is taken, and sent as one statement: other
        // instances' appends wait for this one's lock for a single round trip, not
        // one per event.
        let (mut visitors, mut kinds, mut versions, mut payloads) = (vec![], vec![], vec![], vec![]);
        for event in &events {
            let (kind, version, payload) = encode(&event.kind)?;
            visitors.push(event.visitor.as_str());
            kinds.push(kind);
            versions.push(i64::from(version));
            payloads.push(payload);
        }
        let mut transaction = self.pool.begin().await?;
        take_turn_to_append(&mut transaction).await?;
        // Ids are handed out in the order the rows are selected: the batch's order.
        let ids: Vec<i64> = sqlx::query_scalar(
            "INSERT INTO events (visitor, kind, payload_version, payload, occurred_at_ms)
             SELECT visitor, kind, version, payload::json, $5
             FROM UNNEST($1::text[], $2::text[], $3::bigint[], $4::text[])
                  WITH ORDINALITY AS batch (visitor, kind, version, payload, position)
             ORDER BY position
             RETURNING id",
        )
        .bind(&visitors)
        .bind(&kinds)
        .bind(&versions)
        .bind(&payloads)
        .bind(self.clock.now_ms())
        .fetch_all(&mut *transaction)
        .await?;
        transaction.commit().await?;
        let last = ids.into_iter().max();
        if let Some(id) = last {
            self.newest_event.note(id);
        }
        Ok(last)
    }

    async fn event(&self, id: i64) -> Result<StoredEvent, EventLogError> {
        let row = sqlx::query(&format!("{EVENT_COLUMNS} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(EventLogError::NotFound(id))?;
        event_from_row(&row)
    }

    async fn recent(&self, kind: Option<&str>, limit: u32) -> Result<Vec<StoredEvent>, EventLogError> {
        let rows = sqlx::query(&format!(
            "{EVENT_COLUMNS} WHERE ($1::text IS NULL OR kind = $1) ORDER BY id DESC LIMIT $2"
        ))
        .bind(kind)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(event_from_row).collect()
    }

    async fn since(&self, after: i64, limit: u32) -> Result<Vec<StoredEvent>, EventLogError> {
        let rows = sqlx::query(&format!("{EVENT_COLUMNS} WHERE id > $1 ORDER BY id LIMIT $2"))
            .bind(after)
            .bind(i64::from(limit))
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
        // Newest first, so the limit keeps the latest (index events_visitor_time,
        // read backwards); the caller gets them oldest first.
        let rows = sqlx::query(&format!(
            "{EVENT_COLUMNS} WHERE visitor = $1 AND occurred_at_ms >= $2 \
             ORDER BY occurred_at_ms DESC, id DESC LIMIT $3"
        ))
        .bind(visitor)
        .bind(since_ms)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut events = rows.iter().map(event_from_row).collect::<Result<Vec<_>, _>>()?;
        events.reverse();
        Ok(events)
    }

    async fn forget_before(&self, before_ms: i64) -> Result<u64, EventLogError> {
        let done = sqlx::query("DELETE FROM events WHERE occurred_at_ms < $1")
            .bind(before_ms)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    fn subscribe(&self) -> EventIds {
        self.newest_event.subscribe()
    }
}
