use super::SqliteStore;
use crate::store::{
    EffortKey, EffortScores, EffortScoresError, EffortSummaryRow, NewEffortRating, RecordedEffort,
    StoredEffortRating,
};
use sqlx::Row;
use std::collections::BTreeMap;
use telepath_domain::{EffortScore, Touchpoint};

const RATING_COLUMNS: &str = "SELECT id, visitor, touchpoint_kind, task, reference, conversation, agent, \
     offer_reasons, score, scale_version, rated_at_ms FROM effort_ratings";

/// The row of one visitor's rating of one touchpoint, written with the kind as a
/// literal so SQLite can use that kind's partial unique index.
fn touchpoint_condition(touchpoint: &Touchpoint) -> &'static str {
    match touchpoint {
        Touchpoint::Task { .. } => "touchpoint_kind = 'task' AND visitor = ? AND reference = ?",
        Touchpoint::Chat { .. } => "touchpoint_kind = 'chat' AND visitor = ? AND conversation = ?",
    }
}

/// Binds what `touchpoint_condition` asks for.
fn bind_touchpoint<'q>(
    query: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    visitor: &'q str,
    touchpoint: &'q Touchpoint,
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>> {
    let query = query.bind(visitor);
    match touchpoint {
        Touchpoint::Task { reference, .. } => query.bind(reference.as_str()),
        Touchpoint::Chat { conversation, .. } => query.bind(*conversation),
    }
}

/// The touchpoint's columns: task, reference, conversation, agent, offer reasons.
struct TouchpointColumns<'a> {
    task: Option<&'a str>,
    reference: Option<&'a str>,
    conversation: Option<i64>,
    agent: Option<i64>,
    offer_reasons: String,
}

fn columns(touchpoint: &Touchpoint) -> TouchpointColumns<'_> {
    match touchpoint {
        Touchpoint::Task { task, reference } => TouchpointColumns {
            task: Some(task),
            reference: Some(reference),
            conversation: None,
            agent: None,
            offer_reasons: "[]".to_owned(),
        },
        Touchpoint::Chat { conversation, agent, offer_reasons } => TouchpointColumns {
            task: None,
            reference: None,
            conversation: Some(*conversation),
            agent: *agent,
            offer_reasons: serde_json::Value::from(offer_reasons.clone()).to_string(),
        },
    }
}

fn rating_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<StoredEffortRating, EffortScoresError> {
    let id: i64 = row.try_get("id")?;
    let bad = |problem: String| EffortScoresError::BadRow { id, problem };
    let kind: String = row.try_get("touchpoint_kind")?;
    let touchpoint = match kind.as_str() {
        "task" => Touchpoint::Task {
            task: row
                .try_get::<Option<String>, _>("task")?
                .ok_or_else(|| bad("a task without its id".into()))?,
            reference: row
                .try_get::<Option<String>, _>("reference")?
                .ok_or_else(|| bad("a task without its reference".into()))?,
        },
        "chat" => Touchpoint::Chat {
            conversation: row
                .try_get::<Option<i64>, _>("conversation")?
                .ok_or_else(|| bad("a chat without its conversation".into()))?,
            agent: row.try_get("agent")?,
            offer_reasons: serde_json::from_str(row.try_get::<&str, _>("offer_reasons")?)
                .map_err(|error| bad(format!("offer reasons that are not a list of names: {error}")))?,
        },
        other => return Err(bad(format!("a touchpoint of a kind this version does not know: {other:?}"))),
    };
    let score: i64 = row.try_get("score")?;
    let scale_version: i64 = row.try_get("scale_version")?;
    Ok(StoredEffortRating {
        id,
        visitor: row.try_get("visitor")?,
        touchpoint,
        score: score_of(score).ok_or_else(|| bad(format!("a score off the scale: {score}")))?,
        scale_version: u32::try_from(scale_version)
            .map_err(|_| bad(format!("a scale version out of range: {scale_version}")))?,
        rated_at_ms: row.try_get("rated_at_ms")?,
    })
}

fn score_of(stored: i64) -> Option<EffortScore> {
    u8::try_from(stored).ok().and_then(|score| EffortScore::new(score).ok())
}

#[async_trait::async_trait]
impl EffortScores for SqliteStore {
    async fn record(&self, rating: NewEffortRating) -> Result<RecordedEffort, EffortScoresError> {
        let now = self.clock.now_ms();
        let touchpoint = columns(&rating.touchpoint);
        // The first statement writes, so the transaction holds the write lock before
        // it reads the earlier score: no other write can slip in between.
        let mut transaction = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO effort_ratings (visitor, touchpoint_kind, task, reference, conversation, agent, \
             offer_reasons, score, scale_version, rated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT DO NOTHING",
        )
        .bind(&rating.visitor)
        .bind(rating.touchpoint.kind())
        .bind(touchpoint.task)
        .bind(touchpoint.reference)
        .bind(touchpoint.conversation)
        .bind(touchpoint.agent)
        .bind(&touchpoint.offer_reasons)
        .bind(rating.score.get())
        .bind(rating.scale_version)
        .bind(now)
        .execute(&mut *transaction)
        .await?;
        let (id, replaced) = if inserted.rows_affected() == 1 {
            (inserted.last_insert_rowid(), None)
        } else {
            let sql = format!(
                "SELECT id, score FROM effort_ratings WHERE {}",
                touchpoint_condition(&rating.touchpoint)
            );
            let earlier = bind_touchpoint(sqlx::query(&sql), &rating.visitor, &rating.touchpoint)
                .fetch_one(&mut *transaction)
                .await?;
            let id: i64 = earlier.try_get("id")?;
            let score: i64 = earlier.try_get("score")?;
            sqlx::query(
                "UPDATE effort_ratings SET score = ?, scale_version = ?, rated_at_ms = ?, agent = ?, \
                 offer_reasons = ? WHERE id = ?",
            )
            .bind(rating.score.get())
            .bind(rating.scale_version)
            .bind(now)
            .bind(touchpoint.agent)
            .bind(&touchpoint.offer_reasons)
            .bind(id)
            .execute(&mut *transaction)
            .await?;
            (id, score_of(score))
        };
        let row = sqlx::query(&format!("{RATING_COLUMNS} WHERE id = ?"))
            .bind(id)
            .fetch_one(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(RecordedEffort { rating: rating_from_row(&row)?, replaced })
    }

    async fn rating_for(
        &self,
        visitor: &str,
        touchpoint: &Touchpoint,
    ) -> Result<StoredEffortRating, EffortScoresError> {
        let sql = format!("{RATING_COLUMNS} WHERE {}", touchpoint_condition(touchpoint));
        let row = bind_touchpoint(sqlx::query(&sql), visitor, touchpoint)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(EffortScoresError::NotFound(touchpoint.kind()))?;
        rating_from_row(&row)
    }

    async fn summary(&self, from_ms: i64, to_ms: i64) -> Result<Vec<EffortSummaryRow>, EffortScoresError> {
        type KeyOf = fn(&sqlx::sqlite::SqliteRow) -> Result<EffortKey, sqlx::Error>;
        // Each query counts (scale version, what the key names, score).
        let groupings: [(&str, KeyOf); 3] = [
            (
                "SELECT scale_version, task, score, COUNT(*) AS ratings FROM effort_ratings \
                 WHERE touchpoint_kind = 'task' AND rated_at_ms >= ? AND rated_at_ms < ? \
                 GROUP BY scale_version, task, score",
                |row| Ok(EffortKey::Task { task: row.try_get("task")? }),
            ),
            (
                "SELECT scale_version, agent, score, COUNT(*) AS ratings FROM effort_ratings \
                 WHERE touchpoint_kind = 'chat' AND rated_at_ms >= ? AND rated_at_ms < ? \
                 GROUP BY scale_version, agent, score",
                |row| Ok(EffortKey::ChatAgent { agent: row.try_get("agent")? }),
            ),
            (
                // A reason named twice in one chat still counts that chat once.
                "SELECT scale_version, CAST(reason.value AS TEXT) AS reason, score, \
                 COUNT(DISTINCT effort_ratings.id) AS ratings \
                 FROM effort_ratings, json_each(effort_ratings.offer_reasons) AS reason \
                 WHERE touchpoint_kind = 'chat' AND rated_at_ms >= ? AND rated_at_ms < ? \
                 GROUP BY scale_version, reason, score",
                |row| Ok(EffortKey::ChatOfferReason { reason: row.try_get("reason")? }),
            ),
        ];
        let mut counts: BTreeMap<(u32, EffortKey), [u32; 5]> = BTreeMap::new();
        for (sql, key_of) in groupings {
            for row in sqlx::query(sql).bind(from_ms).bind(to_ms).fetch_all(&self.pool).await? {
                let version: i64 = row.try_get("scale_version")?;
                let score: i64 = row.try_get("score")?;
                let ratings: i64 = row.try_get("ratings")?;
                let (Ok(version), Some(score)) = (u32::try_from(version), score_of(score)) else {
                    let problem = format!("a summary row off the scale: version {version}, score {score}");
                    return Err(EffortScoresError::Failed(problem.into()));
                };
                counts.entry((version, key_of(&row)?)).or_default()[score.index()] +=
                    u32::try_from(ratings).unwrap_or(u32::MAX);
            }
        }
        Ok(counts
            .into_iter()
            .map(|((scale_version, key), counts)| EffortSummaryRow { scale_version, key, counts })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SystemClock;
    use crate::store::failure::{Failure, classify};
    use std::sync::Arc;

    /// A row's task, reference and conversation.
    type Key = (Option<&'static str>, Option<&'static str>, Option<i64>);

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_table_refuses_a_score_off_the_scale_and_a_touchpoint_without_its_own_key() {
        let dir = tempfile::tempdir().unwrap();
        let store =
            SqliteStore::open(&dir.path().join("telepath.sqlite3"), Arc::new(SystemClock)).await.unwrap();
        let insert =
            |kind: &'static str, (task, reference, conversation): Key, score: i64, reasons: &'static str| {
                sqlx::query(
                "INSERT INTO effort_ratings (visitor, touchpoint_kind, task, reference, conversation, score, \
                 scale_version, rated_at_ms, offer_reasons) VALUES ('v', ?, ?, ?, ?, ?, 1, 0, ?)",
            )
            .bind(kind)
            .bind(task)
            .bind(reference)
            .bind(conversation)
            .bind(score)
            .bind(reasons)
            .execute(&store.pool)
            };
        let request: Key = (Some("t"), Some("TP-AAAA-2222"), None);
        insert("task", request, 3, "[]").await.expect("a well-formed task rating");
        insert("chat", (None, None, Some(1)), 3, r#"["stuck"]"#).await.expect("a well-formed chat rating");
        let other: Key = (Some("t"), Some("TP-AAAA-3333"), None);
        for (kind, key, score, reasons) in [
            ("task", other, 0, "[]"),
            ("task", other, 6, "[]"),
            ("task", (Some("t"), None, None), 3, "[]"),
            ("task", (None, Some("TP-AAAA-3333"), None), 3, "[]"),
            ("task", (Some("t"), Some("TP-AAAA-3333"), Some(2)), 3, "[]"),
            ("chat", (None, None, None), 3, "[]"),
            ("chat", (None, Some("TP-AAAA-3333"), Some(2)), 3, "[]"),
            ("chat", (None, None, Some(2)), 3, r#"{"stuck": true}"#),
            ("email", other, 3, "[]"),
        ] {
            let refused = insert(kind, key, score, reasons).await;
            assert!(refused.is_err(), "{kind} {key:?} {score} {reasons}: stored");
        }
        for (kind, key) in [("task", request), ("chat", (None, None, Some(1)))] {
            let twice = insert(kind, key, 4, "[]").await.map_err(classify);
            assert!(matches!(twice, Err(Failure::Conflict)), "one rating per visitor and {kind}");
        }
    }
}
