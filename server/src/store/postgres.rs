//! The shared store: a PostgreSQL database that several portal instances can use,
//! migrated at open, implementing every store trait exactly as the SQLite store
//! does (the same contract suite runs against both). Writes that SQLite serialises
//! with its single writer take row or table locks here, each where it is needed.

mod conversations;
mod effort;
mod event_log;
mod presence;
mod staff;
mod submissions;

use super::Clock;
use super::database::{OpenError, PostgresUrl};
use super::event_log::NewestEvent;
use super::secrets::{SecretsError, SharedSecrets};
use super::signals::{ChatSignals, SharedSignals};
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct PgStore {
    pool: PgPool,
    clock: Arc<dyn Clock>,
    /// The newest event's id, the source of every subscription: noted by this
    /// process's appends and, through its chat signals, by other instances'.
    newest_event: Arc<NewestEvent>,
    /// The channel of this schema's chat wake-ups (`signals`).
    chat_channel: String,
}

impl PgStore {
    pub async fn open(url: &PostgresUrl, clock: Arc<dyn Clock>) -> Result<Self, OpenError> {
        let options =
            url.connect_options().map_err(|source| OpenError::Connect { database: url.clone(), source })?;
        Self::open_with(url, options, clock).await
    }

    /// Opens the store with `options` made from `url` (tests add a schema of their own).
    async fn open_with(
        url: &PostgresUrl,
        options: PgConnectOptions,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, OpenError> {
        // One connection of its own first: a server that is down, a refused sign-in
        // or a missing database is said at once and plainly, where a pool would
        // retry until its timeout and report only that.
        let mut connection = PgConnection::connect_with(&options)
            .await
            .map_err(|source| OpenError::Connect { database: url.clone(), source })?;
        sqlx::migrate!("migrations/postgres").run(&mut connection).await?;
        let newest: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM events").fetch_one(&mut connection).await?;
        let chat_channel: String = sqlx::query_scalar("SELECT 'telepath_chat:' || current_schema()")
            .fetch_one(&mut connection)
            .await?;
        connection.close().await?;
        // As long as SQLite's busy timeout: a database that cannot give a connection
        // in that time answers Unavailable rather than keep a request waiting.
        let pool = PgPoolOptions::new().acquire_timeout(Duration::from_secs(5)).connect_lazy_with(options);
        Ok(Self { pool, clock, newest_event: Arc::new(NewestEvent::new(newest)), chat_channel })
    }

    /// Closes every connection; later calls answer `Unavailable`.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

impl SharedSignals for PgStore {
    fn chat_signals(&self) -> Option<ChatSignals> {
        Some(ChatSignals::new(self.pool.clone(), self.chat_channel.clone(), self.newest_event.clone()))
    }
}

#[async_trait::async_trait]
impl SharedSecrets for PgStore {
    async fn shared_secret(&self, name: &str, candidate: &[u8]) -> Result<Option<Vec<u8>>, SecretsError> {
        sqlx::query("INSERT INTO shared_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(candidate)
            .execute(&self.pool)
            .await?;
        let kept: Vec<u8> = sqlx::query_scalar("SELECT value FROM shared_secrets WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await?;
        Ok(Some(kept))
    }
}

/// Each test's own PostgreSQL schema, so tests run side by side in one database
/// without seeing each other's rows.
#[cfg(any(test, feature = "testing"))]
pub mod test_schema {
    use super::*;

    /// Trust authentication, as on every development machine and in CI.
    const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

    /// A schema made for one test and dropped with it.
    pub struct TestSchema {
        options: PgConnectOptions,
        name: String,
    }

    /// A fresh, empty store in a new schema of the database `TELEPATH_TEST_POSTGRES`
    /// names. Panics, saying how to start PostgreSQL, when it is not reachable: a
    /// test that skipped itself would pass without having tested anything.
    #[cfg(test)]
    pub(in crate::store) async fn fresh_store(clock: Arc<dyn Clock>) -> (PgStore, TestSchema) {
        let (url, schema) = fresh_schema().await;
        let in_schema = schema.options.clone().options([("search_path", schema.name.as_str())]);
        let store = PgStore::open_with(&url, in_schema, clock).await.expect("the store opens");
        (store, schema)
    }

    /// The `database` setting of a new, empty schema, for servers started by tests
    /// (several instances can share it), and the schema, dropped with it.
    pub async fn fresh_database() -> (crate::store::Database, TestSchema) {
        let (url, schema) = fresh_schema().await;
        (crate::store::Database::Postgres(url.in_schema(&schema.name)), schema)
    }

    /// A new schema in the database `TELEPATH_TEST_POSTGRES` names.
    async fn fresh_schema() -> (PostgresUrl, TestSchema) {
        let configured = std::env::var("TELEPATH_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_URL.to_owned());
        let url = PostgresUrl::parse(&configured).unwrap_or_else(|| {
            panic!("TELEPATH_TEST_POSTGRES is not a postgres:// URL: {}", crate::store::redacted(&configured))
        });
        let options = url.connect_options().unwrap_or_else(|error| panic!("{url}: {error}"));
        let mut admin = PgConnection::connect_with(&options).await.unwrap_or_else(|error| {
            panic!(
                "PostgreSQL is not reachable at {url}: {error}. The store tests need it: start it with \
                 `pg_ctlcluster <version> main start` (see `pg_lsclusters`) or `service postgresql start` \
                 (scripts/setup.sh does), \
                 or set TELEPATH_TEST_POSTGRES to a database you can create schemas in."
            )
        });
        let name = format!("t_{:016x}", rand::random::<u64>());
        sqlx::query(&format!("CREATE SCHEMA {name}")).execute(&mut admin).await.expect("the schema is made");
        admin.close().await.expect("the connection closes");
        (url, TestSchema { options, name })
    }

    impl TestSchema {
        /// Ends the connections instances listen for this schema's chat wake-ups on,
        /// as a restarted database or a network fault would; how many were ended.
        pub async fn end_chat_listeners(&self) -> i64 {
            let mut admin = PgConnection::connect_with(&self.options).await.expect("PostgreSQL is reachable");
            let ended: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE datname = current_database() AND query = $1) AS ended",
            )
            .bind(format!("LISTEN \"telepath_chat:{}\"", self.name))
            .fetch_one(&mut admin)
            .await
            .expect("listening connections can be ended");
            admin.close().await.expect("the connection closes");
            ended
        }
    }

    impl Drop for TestSchema {
        /// Drops the schema even when the test panicked. A runtime of its own on a
        /// thread of its own, since a test's runtime may be unwinding or blocked.
        fn drop(&mut self) {
            // A lock held by a connection the test left in a transaction would make
            // DROP wait for ever: after a while the schema is left behind instead.
            let options = self.options.clone().options([("lock_timeout", "10s")]);
            let name = self.name.clone();
            let dropped = std::thread::spawn(move || -> Result<(), crate::store::BoxError> {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
                runtime.block_on(async {
                    let mut connection = PgConnection::connect_with(&options).await?;
                    sqlx::query(&format!("DROP SCHEMA {name} CASCADE")).execute(&mut connection).await?;
                    connection.close().await?;
                    Ok::<(), crate::store::BoxError>(())
                })
            })
            .join();
            if !matches!(dropped, Ok(Ok(()))) {
                eprintln!("the test schema {} was left behind: {dropped:?}", self.name);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_schema::fresh_store;
    use super::*;
    use crate::store::{EventLog, EventLogError, NewEvent, SystemClock};
    use sqlx::Row;
    use telepath_domain::EventKind;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_first_instance_keeps_a_shared_secret_and_the_others_read_it() {
        let (store, _schema) = fresh_store(Arc::new(SystemClock)).await;
        let kept = store.shared_secret("form_token_key", b"first").await.unwrap();
        assert_eq!(kept.as_deref(), Some(&b"first"[..]));
        let read = store.shared_secret("form_token_key", b"second").await.unwrap();
        assert_eq!(read.as_deref(), Some(&b"first"[..]), "a later candidate never replaces it");
        let other = store.shared_secret("another", b"third").await.unwrap();
        assert_eq!(other.as_deref(), Some(&b"third"[..]));
    }

    fn feedback() -> NewEvent {
        NewEvent {
            visitor: "a".into(),
            kind: EventKind::ArticleFeedback { slug: "refunds".into(), helpful: true, looking_for: None },
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_log_cannot_be_rewritten_and_only_events_past_a_day_can_be_removed() {
        let (store, _schema) = fresh_store(Arc::new(SystemClock)).await;
        store.append(feedback()).await.unwrap();
        let rewrite = sqlx::query("UPDATE events SET kind = 'x'").execute(&store.pool).await;
        assert!(rewrite.unwrap_err().to_string().contains("append-only"));
        let delete = sqlx::query("DELETE FROM events").execute(&store.pool).await;
        assert!(delete.unwrap_err().to_string().contains("only events older than a day"));
        let truncate = sqlx::query("TRUNCATE events").execute(&store.pool).await;
        assert!(truncate.unwrap_err().to_string().contains("append-only"));
        assert_eq!(store.recent(None, 10).await.unwrap().len(), 1, "nothing was removed");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_unknown_kind_or_payload_version_reads_back_as_a_typed_error() {
        let (store, _schema) = fresh_store(Arc::new(SystemClock)).await;
        let insert = "INSERT INTO events (visitor, kind, payload_version, payload, occurred_at_ms) \
                      VALUES ('a', $1, $2, $3::json, 0) RETURNING id";
        let mut stored = Vec::new();
        for (kind, version, payload) in [
            ("unknown", 1_i64, "{}"),
            ("article_feedback", 1, r#"{"slug":"a","helpful":false}"#),
            ("article_feedback", 3, r#"{"slug":"a","helpful":true}"#),
            ("article_feedback", 1, r#"{"slug":"a"}"#),
        ] {
            let row = sqlx::query(insert).bind(kind).bind(version).bind(payload).fetch_one(&store.pool).await;
            stored.push(row.unwrap().get::<i64, _>("id"));
        }
        let [unknown, older, future, broken] = stored[..] else { panic!("{stored:?}") };
        assert!(matches!(
            store.event(unknown).await,
            Err(EventLogError::UnknownKind { id, kind }) if id == unknown && kind == "unknown"
        ));
        assert!(matches!(
            store.event(future).await,
            Err(EventLogError::UnknownVersion { version: 3, expected: 2, .. })
        ));
        assert_eq!(
            store.event(older).await.unwrap().kind,
            EventKind::ArticleFeedback { slug: "a".into(), helpful: false, looking_for: None },
            "a version 1 vote reads as the current shape"
        );
        assert!(matches!(store.event(broken).await, Err(EventLogError::BadPayload { .. })));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_server_that_is_down_is_named_without_its_password() {
        // Port 1 on this machine: nothing listens there, so the connection is refused at once.
        let url = PostgresUrl::parse("postgres://telepath:hunter2@127.0.0.1:1/telepath").unwrap();
        let error = PgStore::open(&url, Arc::new(SystemClock)).await.unwrap_err();
        let shown = format!("{error} {error:?}");
        assert!(shown.contains("postgres://telepath:redacted@127.0.0.1:1/telepath"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}
