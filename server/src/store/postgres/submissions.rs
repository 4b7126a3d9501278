use super::PgStore;
use crate::store::{NewSubmission, StoredSubmission, Submissions, SubmissionsError, new_reference};
use sqlx::Row;
use sqlx::postgres::PgRow;

/// The answers are of type JSON, read back as text like SQLite's.
const SUBMISSION_FIELDS: &str = "reference, task, visitor, fields::text AS fields, submitted_at_ms";

fn submission_from_row(row: &PgRow) -> Result<StoredSubmission, SubmissionsError> {
    let reference: String = row.try_get("reference")?;
    let fields = serde_json::from_str(row.try_get::<&str, _>("fields")?)
        .map_err(|source| SubmissionsError::BadFields { reference: reference.clone(), source })?;
    Ok(StoredSubmission {
        reference,
        task: row.try_get("task")?,
        visitor: row.try_get("visitor")?,
        fields,
        submitted_at_ms: row.try_get("submitted_at_ms")?,
    })
}

#[async_trait::async_trait]
impl Submissions for PgStore {
    async fn save(&self, submission: NewSubmission) -> Result<StoredSubmission, SubmissionsError> {
        // A second save with the same key waits here for the first to commit, then
        // inserts nothing and reads the first one back.
        let inserted = sqlx::query(&format!(
            "INSERT INTO task_submissions (reference, task, visitor, fields, idempotency_key, submitted_at_ms)
             VALUES ($1, $2, $3, $4::json, $5, $6) ON CONFLICT (visitor, idempotency_key) DO NOTHING
             RETURNING {SUBMISSION_FIELDS}"
        ))
        .bind(new_reference())
        .bind(&submission.task)
        .bind(&submission.visitor)
        .bind(submission.fields.to_string())
        .bind(&submission.idempotency_key)
        .bind(self.clock.now_ms())
        .fetch_optional(&self.pool)
        .await?;
        let row = match inserted {
            Some(row) => row,
            None => sqlx::query(&format!(
                "SELECT {SUBMISSION_FIELDS} FROM task_submissions WHERE visitor = $1 AND idempotency_key = $2"
            ))
            .bind(&submission.visitor)
            .bind(&submission.idempotency_key)
            .fetch_one(&self.pool)
            .await?,
        };
        submission_from_row(&row)
    }

    async fn by_reference(&self, reference: &str) -> Result<StoredSubmission, SubmissionsError> {
        let row =
            sqlx::query(&format!("SELECT {SUBMISSION_FIELDS} FROM task_submissions WHERE reference = $1"))
                .bind(reference)
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| SubmissionsError::NotFound(reference.to_owned()))?;
        submission_from_row(&row)
    }
}
