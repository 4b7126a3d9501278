use super::PgStore;
use crate::store::{
    EffortKey, EffortScores, EffortScoresError, EffortSummaryRow, NewEffortRating, RecordedEffort,
    StoredEffortRating,
};
use sqlx::Row;
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::{Postgres, query::Query};
use std::collections::BTreeMap;
use telepath_domain::{EffortScore, Touchpoint};

/// The offer reasons are of type JSON (a checked array), read back as text like SQLite's.
const RATING_COLUMNS: &str = "SELECT id, visitor, touchpoint_kind, task, reference, conversation, agent, \
     offer_reasons::text AS offer_reasons, score, scale_version, rated_at_ms FROM effort_ratings";

/// The row of one visitor's rating of one touchpoint, written with the kind as a
/// literal so PostgreSQL can use that kind's partial unique index.
fn touchpoint_condition(touchpoint: &Touchpoint) -> &'static str {
    match touchpoint {
        Touchpoint::Task { .. } => "touchpoint_kind = 'task' AND visitor = $1 AND reference = $2",
        Touchpoint::Chat { .. } => "touchpoint_kind = 'chat' AND visitor = $1 AND conversation = $2",
    }
}

/// Binds what `touchpoint_condition` asks for.
fn bind_touchpoint<'q>(
    query: Query<'q, Postgres, PgArguments>,
    visitor: &'q str,
    touchpoint: &'q Touchpoint,
) -> Query<'q, Postgres, PgArguments> {
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

fn rating_from_row(row: &PgRow) -> Result<StoredEffortRating, EffortScoresError> {
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
impl EffortScores for PgStore {
    async fn record(&self, rating: NewEffortRating) -> Result<RecordedEffort, EffortScoresError> {
        let now = self.clock.now_ms();
        let touchpoint = columns(&rating.touchpoint);
        let mut transaction = self.pool.begin().await?;
        // Another first rating of the same touchpoint being stored at this moment
        // is waited for, then this insert does nothing and the rating is replaced.
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO effort_ratings (visitor, touchpoint_kind, task, reference, conversation, agent, \
             offer_reasons, score, scale_version, rated_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7::json, $8, $9, $10) \
             ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(&rating.visitor)
        .bind(rating.touchpoint.kind())
        .bind(touchpoint.task)
        .bind(touchpoint.reference)
        .bind(touchpoint.conversation)
        .bind(touchpoint.agent)
        .bind(&touchpoint.offer_reasons)
        .bind(i64::from(rating.score.get()))
        .bind(i64::from(rating.scale_version))
        .bind(now)
        .fetch_optional(&mut *transaction)
        .await?;
        let (id, replaced) = match inserted {
            Some(id) => (id, None),
            None => {
                // FOR UPDATE: two changes of one rating at once take turns, so each
                // says which score it replaced, as SQLite's single writer does.
                let sql = format!(
                    "SELECT id, score FROM effort_ratings WHERE {} FOR UPDATE",
                    touchpoint_condition(&rating.touchpoint)
                );
                let earlier = bind_touchpoint(sqlx::query(&sql), &rating.visitor, &rating.touchpoint)
                    .fetch_one(&mut *transaction)
                    .await?;
                let id: i64 = earlier.try_get("id")?;
                let score: i64 = earlier.try_get("score")?;
                sqlx::query(
                    "UPDATE effort_ratings SET score = $1, scale_version = $2, rated_at_ms = $3, agent = $4, \
                     offer_reasons = $5::json WHERE id = $6",
                )
                .bind(i64::from(rating.score.get()))
                .bind(i64::from(rating.scale_version))
                .bind(now)
                .bind(touchpoint.agent)
                .bind(&touchpoint.offer_reasons)
                .bind(id)
                .execute(&mut *transaction)
                .await?;
                (id, score_of(score))
            }
        };
        let row = sqlx::query(&format!("{RATING_COLUMNS} WHERE id = $1"))
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
        type KeyOf = fn(&PgRow) -> Result<EffortKey, sqlx::Error>;
        // Each query counts (scale version, what the key names, score).
        let groupings: [(&str, KeyOf); 3] = [
            (
                "SELECT scale_version, task, score, COUNT(*) AS ratings FROM effort_ratings \
                 WHERE touchpoint_kind = 'task' AND rated_at_ms >= $1 AND rated_at_ms < $2 \
                 GROUP BY scale_version, task, score",
                |row| Ok(EffortKey::Task { task: row.try_get("task")? }),
            ),
            (
                "SELECT scale_version, agent, score, COUNT(*) AS ratings FROM effort_ratings \
                 WHERE touchpoint_kind = 'chat' AND rated_at_ms >= $1 AND rated_at_ms < $2 \
                 GROUP BY scale_version, agent, score",
                |row| Ok(EffortKey::ChatAgent { agent: row.try_get("agent")? }),
            ),
            (
                // A reason named twice in one chat still counts that chat once.
                "SELECT scale_version, reason, score, COUNT(DISTINCT effort_ratings.id) AS ratings \
                 FROM effort_ratings, json_array_elements_text(effort_ratings.offer_reasons) AS reason \
                 WHERE touchpoint_kind = 'chat' AND rated_at_ms >= $1 AND rated_at_ms < $2 \
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
