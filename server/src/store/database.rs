//! Which database the store lives in, as the `database` setting names it:
//! `sqlite://<path>` (the embedded default) or a `postgres://` URL (a server that
//! several instances can share). A PostgreSQL URL may hold a password, so it is
//! only ever shown with the password replaced.

use super::{
    AgentPresence, Clock, Conversations, EffortScores, EventLog, PgStore, SharedSecrets, SharedSignals,
    SqliteStore, Submissions,
    staff::{StaffAccounts, StaffSessions},
};
use std::path::PathBuf;
use std::sync::Arc;

/// Every store trait at once: what `prepare` and the commands open, whichever
/// database holds it. An `Arc<dyn Store>` hands out each trait as its own `Arc<dyn …>`.
pub trait Store:
    EventLog
    + Submissions
    + Conversations
    + EffortScores
    + AgentPresence
    + StaffAccounts
    + StaffSessions
    + SharedSignals
    + SharedSecrets
{
}

impl<S> Store for S where
    S: EventLog
        + Submissions
        + Conversations
        + EffortScores
        + AgentPresence
        + StaffAccounts
        + StaffSessions
        + SharedSignals
        + SharedSecrets
{
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Database {
    /// The SQLite file at this path.
    Sqlite(PathBuf),
    Postgres(PostgresUrl),
}

impl Database {
    /// `sqlite://` and a path (`sqlite:///var/lib/telepath/telepath.sqlite3` is
    /// absolute, `sqlite://data/telepath.sqlite3` relative), or a `postgres://` or
    /// `postgresql://` URL that sqlx can connect with. `None` for anything else.
    pub fn parse(value: &str) -> Option<Database> {
        if let Some(path) = value.strip_prefix("sqlite://") {
            return (!path.is_empty()).then(|| Database::Sqlite(PathBuf::from(path)));
        }
        PostgresUrl::parse(value).map(Database::Postgres)
    }
}

/// As the setting would be written, with any password replaced.
impl std::fmt::Display for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Database::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            Database::Postgres(url) => std::fmt::Display::fmt(url, f),
        }
    }
}

/// A `postgres://` URL as configured. Its `Debug` and `Display` show it with the
/// password (in the user part or a `password=` parameter) replaced by `redacted`.
#[derive(Clone, PartialEq, Eq)]
pub struct PostgresUrl(String);

impl PostgresUrl {
    /// `value` when it is a `postgres://` or `postgresql://` URL sqlx can connect with.
    pub fn parse(value: &str) -> Option<PostgresUrl> {
        let url = url::Url::parse(value).ok()?;
        let postgres = PostgresUrl(value.to_owned());
        let connectable = postgres.connect_options().is_ok();
        (matches!(url.scheme(), "postgres" | "postgresql") && connectable).then_some(postgres)
    }

    /// The same database with `schema` first on the search path: a test's own schema.
    #[cfg(any(test, feature = "testing"))]
    pub(super) fn in_schema(&self, schema: &str) -> PostgresUrl {
        let separator = if self.0.contains('?') { '&' } else { '?' };
        PostgresUrl(format!("{}{separator}options=-c%20search_path%3D{schema}", self.0))
    }

    /// What sqlx connects with: the URL's host, user, password, database and parameters.
    pub(super) fn connect_options(&self) -> Result<sqlx::postgres::PgConnectOptions, sqlx::Error> {
        self.0.parse()
    }
}

impl std::fmt::Debug for PostgresUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("PostgresUrl").field(&redacted(&self.0)).finish()
    }
}

impl std::fmt::Display for PostgresUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&redacted(&self.0))
    }
}

/// `value` safe to show in a log or an error: a URL with its password replaced,
/// or, when it is no URL with a host (where a password has its place), only that
/// it was not shown.
pub fn redacted(value: &str) -> String {
    const NOT_SHOWN: &str = "(not shown: it may hold a password)";
    let Ok(mut url) = url::Url::parse(value) else { return NOT_SHOWN.to_owned() };
    if url.cannot_be_a_base() {
        return NOT_SHOWN.to_owned();
    }
    if url.password().is_some() && url.set_password(Some("redacted")).is_err() {
        return NOT_SHOWN.to_owned();
    }
    let pairs: Vec<(String, String)> =
        url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    if pairs.iter().any(|(key, _)| key == "password") {
        let shown = pairs.into_iter().map(|(key, value)| {
            let value = if key == "password" { "redacted".to_owned() } else { value };
            (key, value)
        });
        url.query_pairs_mut().clear().extend_pairs(shown);
    }
    url.to_string()
}

/// Why a store could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot open the database at {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot make the database file {path} readable by this user only: {source}")]
    Private {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot connect to the database at {database}: {source}")]
    Connect {
        database: PostgresUrl,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot bring the database schema up to date: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("cannot read the database: {0}")]
    Read(#[from] sqlx::Error),
}

/// Opens the store in `database`, migrated to this version's schema.
pub async fn open(database: &Database, clock: Arc<dyn Clock>) -> Result<Arc<dyn Store>, OpenError> {
    let store: Arc<dyn Store> = match database {
        Database::Sqlite(path) => Arc::new(SqliteStore::open(path, clock).await?),
        Database::Postgres(url) => Arc::new(PgStore::open(url, clock).await?),
    };
    Ok(store)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_is_a_sqlite_path_or_a_postgres_url_with_a_host() {
        assert_eq!(
            Database::parse("sqlite:///var/lib/telepath/telepath.sqlite3"),
            Some(Database::Sqlite(PathBuf::from("/var/lib/telepath/telepath.sqlite3")))
        );
        assert_eq!(
            Database::parse("sqlite://data/telepath.sqlite3"),
            Some(Database::Sqlite(PathBuf::from("data/telepath.sqlite3")))
        );
        for postgres in [
            "postgres://telepath@db.example.com/telepath",
            "postgresql://127.0.0.1:5433/help",
            "postgres:///telepath?host=/run/postgresql",
        ] {
            assert!(matches!(Database::parse(postgres), Some(Database::Postgres(_))), "{postgres}");
        }
        for refused in
            ["sqlite://", "data/telepath.sqlite3", "mysql://db/x", "postgres://db/x?sslmode=sometimes", ""]
        {
            assert_eq!(Database::parse(refused), None, "{refused}");
        }
    }

    #[test]
    fn a_password_is_never_shown_in_the_user_part_or_a_parameter() {
        let url = PostgresUrl::parse(
            "postgres://telepath:hunter2@db.example.com:5432/telepath?password=also-secret&sslmode=prefer",
        )
        .unwrap();
        let shown = [format!("{url}"), format!("{url:?}"), format!("{:?}", Database::Postgres(url.clone()))];
        for text in shown {
            assert!(!text.contains("hunter2") && !text.contains("also-secret"), "{text}");
            assert!(text.contains("telepath:redacted@db.example.com:5432/telepath"), "{text}");
            assert!(text.contains("sslmode=prefer"), "what is not secret still shows: {text}");
        }
        assert_eq!(redacted("postgres://u:pa ss@[broken"), "(not shown: it may hold a password)");
        assert_eq!(
            Database::parse("postgres://telepath@db.example.com/telepath").unwrap().to_string(),
            "postgres://telepath@db.example.com/telepath",
            "nothing to hide: shown as written"
        );
    }
}
