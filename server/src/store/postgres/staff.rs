use super::PgStore;
use crate::store::staff::{
    NewStaffAccount, SessionDigest, SessionLimits, StaffAccount, StaffAccounts, StaffRole, StaffSession,
    StaffSessions, StaffStoreError, StoredPassword,
};
use sqlx::Row;
use sqlx::postgres::PgRow;

const ACCOUNT_FIELDS: &str = "id, email, name, role, password_hash, created_at_ms, disabled_at_ms";

fn account_from_row(row: &PgRow) -> Result<StaffAccount, StaffStoreError> {
    let id = row.try_get("id")?;
    let role: String = row.try_get("role")?;
    Ok(StaffAccount {
        id,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        role: StaffRole::parse(&role).ok_or(StaffStoreError::UnknownRole { id, role })?,
        password: StoredPassword(row.try_get("password_hash")?),
        created_at_ms: row.try_get("created_at_ms")?,
        disabled_at_ms: row.try_get("disabled_at_ms")?,
    })
}

fn millis(duration: std::time::Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

#[async_trait::async_trait]
impl StaffAccounts for PgStore {
    async fn add_account(&self, account: NewStaffAccount) -> Result<StaffAccount, StaffStoreError> {
        let row = sqlx::query(&format!(
            "INSERT INTO staff_accounts (email, name, role, password_hash, created_at_ms)
             VALUES ($1, $2, $3, $4, $5) RETURNING {ACCOUNT_FIELDS}"
        ))
        .bind(&account.email)
        .bind(&account.name)
        .bind(account.role.as_str())
        .bind(&account.password.0)
        .bind(self.clock.now_ms())
        .fetch_one(&self.pool)
        .await?;
        account_from_row(&row)
    }

    async fn account_by_email(&self, email: &str) -> Result<StaffAccount, StaffStoreError> {
        let row = sqlx::query(&format!("SELECT {ACCOUNT_FIELDS} FROM staff_accounts WHERE email = $1"))
            .bind(email)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StaffStoreError::NotFound("staff account"))?;
        account_from_row(&row)
    }

    async fn accounts(&self) -> Result<Vec<StaffAccount>, StaffStoreError> {
        let rows = sqlx::query(&format!("SELECT {ACCOUNT_FIELDS} FROM staff_accounts ORDER BY id"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(account_from_row).collect()
    }

    async fn disable_account(&self, email: &str) -> Result<StaffAccount, StaffStoreError> {
        let mut transaction = self.pool.begin().await?;
        let row = sqlx::query(&format!(
            "UPDATE staff_accounts SET disabled_at_ms = COALESCE(disabled_at_ms, $1) WHERE email = $2
             RETURNING {ACCOUNT_FIELDS}"
        ))
        .bind(self.clock.now_ms())
        .bind(email)
        .fetch_optional(&mut *transaction)
        .await?
        .ok_or(StaffStoreError::NotFound("staff account"))?;
        let account = account_from_row(&row)?;
        sqlx::query("DELETE FROM staff_sessions WHERE account_id = $1")
            .bind(account.id)
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(account)
    }

    async fn set_password(&self, email: &str, password: StoredPassword) -> Result<(), StaffStoreError> {
        let mut transaction = self.pool.begin().await?;
        let id: i64 =
            sqlx::query_scalar("UPDATE staff_accounts SET password_hash = $1 WHERE email = $2 RETURNING id")
                .bind(&password.0)
                .bind(email)
                .fetch_optional(&mut *transaction)
                .await?
                .ok_or(StaffStoreError::NotFound("staff account"))?;
        sqlx::query("DELETE FROM staff_sessions WHERE account_id = $1")
            .bind(id)
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl StaffSessions for PgStore {
    async fn start_session(
        &self,
        account_id: i64,
        digest: &SessionDigest,
        limits: SessionLimits,
    ) -> Result<(), StaffStoreError> {
        let now = self.clock.now_ms();
        sqlx::query("DELETE FROM staff_sessions WHERE last_seen_ms < $1 OR started_at_ms < $2")
            .bind(now.saturating_sub(millis(limits.idle)))
            .bind(now.saturating_sub(millis(limits.absolute)))
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO staff_sessions (token_digest, account_id, started_at_ms, last_seen_ms)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(digest.0.as_slice())
        .bind(account_id)
        .bind(now)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn live_session(
        &self,
        digest: &SessionDigest,
        limits: SessionLimits,
    ) -> Result<StaffSession, StaffStoreError> {
        let now = self.clock.now_ms();
        let row = sqlx::query(
            "SELECT s.started_at_ms, s.last_seen_ms, a.id, a.email, a.name, a.role, a.password_hash,
                    a.created_at_ms, a.disabled_at_ms
             FROM staff_sessions s JOIN staff_accounts a ON a.id = s.account_id
             WHERE s.token_digest = $1",
        )
        .bind(digest.0.as_slice())
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StaffStoreError::NotFound("staff session"))?;
        let account = account_from_row(&row)?;
        let (started_at_ms, last_seen_ms): (i64, i64) =
            (row.try_get("started_at_ms")?, row.try_get("last_seen_ms")?);
        let expired = now.saturating_sub(last_seen_ms) >= millis(limits.idle)
            || now.saturating_sub(started_at_ms) >= millis(limits.absolute);
        if expired || account.is_disabled() {
            self.end_session(digest).await?;
            return Err(StaffStoreError::NotFound("staff session"));
        }
        // A write per staff request would be wasted precision: a minute is plenty
        // against an eight-hour idle limit.
        let touched = now.saturating_sub(last_seen_ms) >= 60_000;
        if touched {
            sqlx::query("UPDATE staff_sessions SET last_seen_ms = $1 WHERE token_digest = $2")
                .bind(now)
                .bind(digest.0.as_slice())
                .execute(&self.pool)
                .await?;
        }
        Ok(StaffSession { account, started_at_ms, last_seen_ms: if touched { now } else { last_seen_ms } })
    }

    async fn end_session(&self, digest: &SessionDigest) -> Result<(), StaffStoreError> {
        sqlx::query("DELETE FROM staff_sessions WHERE token_digest = $1")
            .bind(digest.0.as_slice())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
