//! What a database error means to a caller, whichever database it came from and
//! whichever trait's error it becomes. Both stores speak `sqlx::Error`, so each
//! trait's error enum has one conversion, here, that knows both databases' codes.

use super::{
    BoxError, ConversationsError, EffortScoresError, EventLogError, SubmissionsError,
    presence::PresenceError, secrets::SecretsError, staff::StaffStoreError,
};
use sqlx::error::DatabaseError;
use sqlx::postgres::PgDatabaseError;
use sqlx::sqlite::SqliteError;

/// A missing row is no failure kind here: each lookup answers its own `NotFound`
/// with what was looked for, so a `RowNotFound` is a query that should have found one.
pub(super) enum Failure {
    Conflict,
    Unavailable(BoxError),
    Failed(BoxError),
}

pub(super) fn classify(error: sqlx::Error) -> Failure {
    match error {
        sqlx::Error::Database(database) if database.is_unique_violation() => Failure::Conflict,
        sqlx::Error::Database(database) if is_unavailable(&*database) => {
            Failure::Unavailable(Box::new(sqlx::Error::Database(database)))
        }
        error @ (sqlx::Error::PoolClosed
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed) => Failure::Unavailable(Box::new(error)),
        error => Failure::Failed(Box::new(error)),
    }
}

/// Whether the database said it cannot serve now (worth trying again later)
/// rather than that the query is wrong.
fn is_unavailable(database: &(dyn DatabaseError + 'static)) -> bool {
    // SQLite's primary result codes for a database that is busy, locked, read-only,
    // cannot be opened or written, is out of space, or whose file went away underneath it.
    const SQLITE_CODES: [i64; 8] = [5, 6, 8, 10, 13, 14, 23, 26];
    // PostgreSQL's SQLSTATEs for the same situations: a serialization failure,
    // deadlock or lock timeout (SQLite's busy and locked), a read-only standby, a
    // refused sign-in or a missing database, a server shutting down or starting up,
    // and an I/O error.
    const POSTGRES_STATES: [&str; 11] =
        ["40001", "40P01", "55P03", "25006", "28000", "28P01", "3D000", "57P01", "57P02", "57P03", "58030"];
    // ... and whole classes: connection exceptions and insufficient resources (a
    // full disk, no memory, too many connections).
    const POSTGRES_CLASSES: [&str; 2] = ["08", "53"];
    if database.try_downcast_ref::<SqliteError>().is_some() {
        return database
            .code()
            .and_then(|code| code.parse::<i64>().ok())
            .is_some_and(|code| SQLITE_CODES.contains(&(code & 0xff)));
    }
    database.try_downcast_ref::<PgDatabaseError>().is_some_and(|postgres| {
        let state = postgres.code();
        POSTGRES_STATES.contains(&state) || POSTGRES_CLASSES.iter().any(|class| state.starts_with(class))
    })
}

/// Every trait's error enum has `Conflict`, `Unavailable` and `Failed`, which is
/// all a database error can become.
macro_rules! from_sqlx_error {
    ($($error:ty),+) => {$(
        impl From<sqlx::Error> for $error {
            fn from(error: sqlx::Error) -> Self {
                match classify(error) {
                    Failure::Conflict => Self::Conflict,
                    Failure::Unavailable(cause) => Self::Unavailable(cause),
                    Failure::Failed(cause) => Self::Failed(cause),
                }
            }
        }
    )+};
}

from_sqlx_error!(
    EventLogError,
    SubmissionsError,
    ConversationsError,
    EffortScoresError,
    StaffStoreError,
    SecretsError
);

/// Presence writes are upserts and deletes by key: nothing they do can conflict, so
/// a conflict here would be a query that is wrong.
impl From<sqlx::Error> for PresenceError {
    fn from(error: sqlx::Error) -> Self {
        match classify(error) {
            Failure::Unavailable(cause) => Self::Unavailable(cause),
            Failure::Conflict => Self::Failed("an unexpected conflict writing presence".into()),
            Failure::Failed(cause) => Self::Failed(cause),
        }
    }
}
