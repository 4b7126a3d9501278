use super::SqliteStore;
use crate::store::{NewSubmission, StoredSubmission, Submissions, SubmissionsError, new_reference};
use sqlx::Row;

const SUBMISSION_COLUMNS: &str =
    "SELECT reference, task, visitor, fields, submitted_at_ms FROM task_submissions";

fn submission_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<StoredSubmission, SubmissionsError> {
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
impl Submissions for SqliteStore {
    async fn save(&self, submission: NewSubmission) -> Result<StoredSubmission, SubmissionsError> {
        let inserted = sqlx::query(
            "INSERT INTO task_submissions (reference, task, visitor, fields, idempotency_key, submitted_at_ms)
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (visitor, idempotency_key) DO NOTHING",
        )
        .bind(new_reference())
        .bind(&submission.task)
        .bind(&submission.visitor)
        .bind(submission.fields.to_string())
        .bind(&submission.idempotency_key)
        .bind(self.clock.now_ms())
        .execute(&self.pool)
        .await?;
        let row = if inserted.rows_affected() == 1 {
            sqlx::query(&format!("{SUBMISSION_COLUMNS} WHERE id = ?"))
                .bind(inserted.last_insert_rowid())
                .fetch_one(&self.pool)
                .await?
        } else {
            sqlx::query(&format!("{SUBMISSION_COLUMNS} WHERE visitor = ? AND idempotency_key = ?"))
                .bind(&submission.visitor)
                .bind(&submission.idempotency_key)
                .fetch_one(&self.pool)
                .await?
        };
        submission_from_row(&row)
    }

    async fn by_reference(&self, reference: &str) -> Result<StoredSubmission, SubmissionsError> {
        let row = sqlx::query(&format!("{SUBMISSION_COLUMNS} WHERE reference = ?"))
            .bind(reference)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| SubmissionsError::NotFound(reference.to_owned()))?;
        submission_from_row(&row)
    }
}
