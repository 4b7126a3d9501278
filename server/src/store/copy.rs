//! Moving an install's rows from its SQLite file into PostgreSQL (`telepath db
//! copy`), for a portal that grows from one instance to several. Both schemas are
//! brought up to date first; the rows go table by table in one PostgreSQL
//! transaction, read from one SQLite snapshot (so a portal still running cannot
//! tear the copy), keeping every id. Before the commit each table's rows are
//! counted on both sides: a copy that does not match keeps nothing.
//!
//! Columns are read by the PostgreSQL schema's names and types, so a column one
//! database has and the other lacks is named rather than dropped.

use super::{Clock, OpenError, PgStore, PostgresUrl, SqliteStore};
use futures_util::TryStreamExt;
use sqlx::postgres::PgConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{Connection, Postgres, QueryBuilder, Row};
use std::path::Path;
use std::sync::Arc;

/// The tables copied, each after the ones its rows refer to. Presence is not
/// copied (every agent is away after a move until they say otherwise), nor are
/// shared secrets, which only PostgreSQL keeps.
pub const COPIED_TABLES: [&str; 9] = [
    "staff_accounts",
    "staff_sessions",
    "events",
    "task_submissions",
    "effort_ratings",
    "conversations",
    "chat_messages",
    "chat_notes",
    "chat_transfers",
];

/// Rows sent to PostgreSQL in one statement: well under its 65,535 parameters for
/// the widest table, and large enough that round trips do not dominate.
const ROWS_PER_INSERT: usize = 1_000;

#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error("{database} is not empty ({table} holds {rows}): copy into an empty database")]
    NotEmpty { database: String, table: &'static str, rows: i64 },
    #[error("{table}.{column} is in the PostgreSQL schema but not in the SQLite one; nothing was kept")]
    MissingColumn { table: &'static str, column: String },
    #[error("{table}.{column} is of type {kind}, which the copy does not know")]
    UnknownType { table: &'static str, column: String, kind: String },
    #[error(
        "{table} holds {copied} rows in PostgreSQL after copying {expected} from SQLite; nothing was kept"
    )]
    CountsDiffer { table: &'static str, expected: i64, copied: i64 },
    #[error("copying {table} failed: {source}")]
    Table {
        table: &'static str,
        #[source]
        source: sqlx::Error,
    },
    #[error("the copy could not be finished: {0}; nothing was kept")]
    Commit(#[source] sqlx::Error),
}

/// One table's rows, counted in both databases after the copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopiedTable {
    pub table: &'static str,
    pub rows: i64,
}

/// A column as PostgreSQL types it, which says how to read it from SQLite.
#[derive(Clone, Copy, Debug)]
enum ColumnKind {
    Integer,
    Text,
    Json,
    Bytes,
    Boolean,
}

#[derive(Debug)]
enum Value {
    Integer(Option<i64>),
    Text(Option<String>),
    Json(Option<String>),
    Bytes(Option<Vec<u8>>),
    Boolean(Option<bool>),
}

/// Copies every row of the SQLite database at `from` into the empty PostgreSQL
/// database at `to`; `progress` hears rows done and rows in all as it goes.
pub async fn sqlite_to_postgres(
    from: &Path,
    to: &PostgresUrl,
    clock: Arc<dyn Clock>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Vec<CopiedTable>, CopyError> {
    // Opening each store brings its schema up to date; the copy uses connections of its own.
    SqliteStore::open(from, clock.clone()).await?.close().await;
    PgStore::open(to, clock).await?.close().await;
    let table_error = |table| move |source| CopyError::Table { table, source };
    let mut source =
        SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(from).read_only(true))
            .await
            .map_err(|source| OpenError::Open { path: from.to_owned(), source })?;
    let mut target = PgConnection::connect_with(
        &to.connect_options().map_err(|source| OpenError::Connect { database: to.clone(), source })?,
    )
    .await
    .map_err(|source| OpenError::Connect { database: to.clone(), source })?;

    // One read transaction: every table is read as it was at its first SELECT.
    sqlx::query("BEGIN").execute(&mut source).await.map_err(table_error("(begin)"))?;
    let mut expected = Vec::new();
    for table in COPIED_TABLES {
        let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut source)
            .await
            .map_err(table_error(table))?;
        expected.push(rows);
    }
    let total = u64::try_from(expected.iter().sum::<i64>()).unwrap_or(0);
    progress(0, total);

    let mut transaction = target.begin().await.map_err(table_error("(begin)"))?;
    for table in COPIED_TABLES {
        let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut *transaction)
            .await
            .map_err(table_error(table))?;
        if rows > 0 {
            return Err(CopyError::NotEmpty { database: to.to_string(), table, rows });
        }
    }
    let mut done = 0;
    for table in COPIED_TABLES {
        let columns = postgres_columns(&mut transaction, table).await?;
        let names = columns.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>().join(", ");
        let select = format!("SELECT {names} FROM {table}");
        let mut rows = sqlx::query(&select).fetch(&mut source);
        let mut batch = Vec::with_capacity(ROWS_PER_INSERT);
        loop {
            let row = rows.try_next().await.map_err(|source| {
                let missing = match &source {
                    sqlx::Error::Database(database) => {
                        database.message().strip_prefix("no such column: ").map(str::to_owned)
                    }
                    _ => None,
                };
                match missing {
                    Some(column) => CopyError::MissingColumn { table, column },
                    None => CopyError::Table { table, source },
                }
            })?;
            if let Some(row) = &row {
                batch.push(read_row(table, row, &columns)?);
            }
            if batch.len() == ROWS_PER_INSERT || (row.is_none() && !batch.is_empty()) {
                insert(&mut transaction, table, &names, &batch).await?;
                done += batch.len() as u64;
                progress(done, total);
                batch.clear();
            }
            if row.is_none() {
                break;
            }
        }
        drop(rows);
        restart_identity(&mut transaction, table).await?;
    }

    let mut copied = Vec::new();
    for (table, expected) in COPIED_TABLES.into_iter().zip(expected) {
        let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut *transaction)
            .await
            .map_err(table_error(table))?;
        if rows != expected {
            return Err(CopyError::CountsDiffer { table, expected, copied: rows });
        }
        copied.push(CopiedTable { table, rows });
    }
    transaction.commit().await.map_err(CopyError::Commit)?;
    sqlx::query("COMMIT").execute(&mut source).await.map_err(table_error("(end)"))?;
    Ok(copied)
}

/// `table`'s columns in PostgreSQL, in order, and how each is read.
async fn postgres_columns(
    connection: &mut PgConnection,
    table: &'static str,
) -> Result<Vec<(String, ColumnKind)>, CopyError> {
    let described: Vec<(String, String)> = sqlx::query_as(
        "SELECT column_name::text, data_type::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(connection)
    .await
    .map_err(|source| CopyError::Table { table, source })?;
    described
        .into_iter()
        .map(|(column, kind)| {
            let read = match kind.as_str() {
                "bigint" | "integer" | "smallint" => ColumnKind::Integer,
                "text" | "character varying" => ColumnKind::Text,
                "json" | "jsonb" => ColumnKind::Json,
                "bytea" => ColumnKind::Bytes,
                "boolean" => ColumnKind::Boolean,
                _ => return Err(CopyError::UnknownType { table, column, kind }),
            };
            Ok((column, read))
        })
        .collect()
}

fn read_row(
    table: &'static str,
    row: &sqlx::sqlite::SqliteRow,
    columns: &[(String, ColumnKind)],
) -> Result<Vec<Value>, CopyError> {
    let failed = |source| CopyError::Table { table, source };
    columns
        .iter()
        .enumerate()
        .map(|(index, (_, kind))| {
            Ok(match kind {
                ColumnKind::Integer => Value::Integer(row.try_get(index).map_err(failed)?),
                ColumnKind::Text => Value::Text(row.try_get(index).map_err(failed)?),
                ColumnKind::Json => Value::Json(row.try_get(index).map_err(failed)?),
                ColumnKind::Bytes => Value::Bytes(row.try_get(index).map_err(failed)?),
                ColumnKind::Boolean => Value::Boolean(row.try_get(index).map_err(failed)?),
            })
        })
        .collect()
}

async fn insert(
    connection: &mut PgConnection,
    table: &'static str,
    names: &str,
    rows: &[Vec<Value>],
) -> Result<(), CopyError> {
    // Ids are kept as they were: messages, ratings and trails refer to them.
    let mut statement: QueryBuilder<'_, Postgres> =
        QueryBuilder::new(format!("INSERT INTO {table} ({names}) OVERRIDING SYSTEM VALUE "));
    statement.push_values(rows, |mut values, row| {
        for value in row {
            match value {
                Value::Integer(value) => values.push_bind(*value),
                Value::Text(value) => values.push_bind(value.clone()),
                Value::Json(value) => values.push_bind(value.clone()).push_unseparated("::json"),
                Value::Bytes(value) => values.push_bind(value.clone()),
                Value::Boolean(value) => values.push_bind(*value),
            };
        }
    });
    statement.build().execute(connection).await.map_err(|source| CopyError::Table { table, source })?;
    Ok(())
}

/// New rows after the copy get ids past the copied ones.
async fn restart_identity(connection: &mut PgConnection, table: &'static str) -> Result<(), CopyError> {
    // Tables keyed otherwise (staff_sessions, chat_messages) have no `id` and no sequence.
    let sequence: Option<String> = sqlx::query_scalar(
        "SELECT pg_get_serial_sequence($1, column_name::text) FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'id'",
    )
    .bind(table)
    .fetch_optional(&mut *connection)
    .await
    .map_err(|source| CopyError::Table { table, source })?
    .flatten();
    if let Some(sequence) = sequence {
        sqlx::query(&format!("SELECT setval($1, COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"))
            .bind(sequence)
            .execute(connection)
            .await
            .map_err(|source| CopyError::Table { table, source })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::contract::staff_account;
    use crate::store::conversations::{MessageBody, NewConversation, NewMessage, VisitorContext};
    use crate::store::staff::{SessionDigest, StaffAccounts, StaffRole, StaffSessions};
    use crate::store::{
        Conversations, Database, EffortScores, EventLog, NewEffortRating, NewEvent, NewSubmission,
        Submissions, SystemClock, fresh_database,
    };
    use telepath_domain::{EffortScore, EventKind, Side, Touchpoint};

    fn message(client_id: &str, side: Side, agent: Option<i64>) -> NewMessage {
        NewMessage {
            client_id: client_id.into(),
            side,
            agent,
            body: MessageBody::Text(format!("{client_id} says hi")),
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_row_moves_with_its_id_both_counts_agree_and_a_second_copy_is_refused() {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("telepath.sqlite3");
        let sqlite = SqliteStore::open(&path, clock.clone()).await.unwrap();
        let ana = sqlite.add_account(staff_account("ana@example.com", StaffRole::Agent)).await.unwrap();
        let bo = sqlite.add_account(staff_account("bo@example.com", StaffRole::Agent)).await.unwrap();
        let digest = SessionDigest([7; 32]);
        sqlite.start_session(ana.id, &digest, crate::auth::SESSION_LIMITS).await.unwrap();
        for looking_for in ["a refund", "caf\u{e9} \u{0} <b>not markup</b>", "\u{202e}reversed"] {
            let kind = EventKind::ArticleFeedback {
                slug: "refunds".into(),
                helpful: false,
                looking_for: Some(looking_for.into()),
            };
            sqlite.append(NewEvent { visitor: "v".into(), kind }).await.unwrap();
        }
        let submission = NewSubmission {
            task: "request-a-refund".into(),
            visitor: "v".into(),
            fields: serde_json::json!({"amount": "12.50", "reason": "twice charged"}),
            idempotency_key: Some("k-1".into()),
        };
        let submitted = sqlite.save(submission).await.unwrap();
        let new = NewConversation {
            visitor: "v".into(),
            level: None,
            opened_because: vec![],
            visitor_context: VisitorContext::default(),
        };
        let conversation = sqlite.open_conversation(new).await.unwrap().id;
        sqlite.claim(conversation, ana.id, 3).await.unwrap();
        sqlite.append_message(conversation, message("m-1", Side::Visitor, None)).await.unwrap();
        sqlite.append_message(conversation, message("a-1", Side::Agent, Some(ana.id))).await.unwrap();
        sqlite.add_note(conversation, ana.id, "asked twice").await.unwrap();
        assert!(sqlite.transfer(conversation, ana.id, bo.id).await.unwrap());
        let touchpoint = Touchpoint::Chat { conversation, agent: Some(bo.id), offer_reasons: vec![] };
        let rating = NewEffortRating {
            visitor: "v".into(),
            touchpoint: touchpoint.clone(),
            score: EffortScore::new(4).unwrap(),
            scale_version: 1,
        };
        sqlite.record(rating).await.unwrap();
        let before = (
            sqlite.accounts().await.unwrap(),
            sqlite.recent(None, 10).await.unwrap(),
            sqlite.conversation(conversation).await.unwrap(),
            sqlite.messages_after(conversation, 0, 10).await.unwrap(),
            sqlite.notes(conversation).await.unwrap(),
            sqlite.rating_for("v", &touchpoint).await.unwrap(),
        );
        sqlite.close().await;

        let (Database::Postgres(url), _schema) = fresh_database().await else {
            unreachable!("a postgres schema")
        };
        let mut heard = Vec::new();
        let copied =
            sqlite_to_postgres(&path, &url, clock.clone(), &mut |done, total| heard.push((done, total)))
                .await
                .unwrap();
        let counts: Vec<(&str, i64)> = copied.iter().map(|table| (table.table, table.rows)).collect();
        assert_eq!(
            counts,
            [
                ("staff_accounts", 2),
                ("staff_sessions", 1),
                ("events", 3),
                ("task_submissions", 1),
                ("effort_ratings", 1),
                ("conversations", 1),
                ("chat_messages", 2),
                ("chat_notes", 1),
                ("chat_transfers", 1),
            ]
        );
        assert_eq!(
            (heard.first(), heard.last()),
            (Some(&(0, 13)), Some(&(13, 13))),
            "progress from none to all"
        );

        let postgres = PgStore::open(&url, clock.clone()).await.unwrap();
        let after = (
            postgres.accounts().await.unwrap(),
            postgres.recent(None, 10).await.unwrap(),
            postgres.conversation(conversation).await.unwrap(),
            postgres.messages_after(conversation, 0, 10).await.unwrap(),
            postgres.notes(conversation).await.unwrap(),
            postgres.rating_for("v", &touchpoint).await.unwrap(),
        );
        assert_eq!(after, before, "the same rows, ids and times");
        assert_eq!(postgres.by_reference(&submitted.reference).await.unwrap(), submitted);
        assert_eq!(
            postgres.live_session(&digest, crate::auth::SESSION_LIMITS).await.unwrap().account.id,
            ana.id
        );

        // The portal carries on where the SQLite one stopped.
        let newest = before.1[0].id;
        let next = postgres.append(NewEvent {
            visitor: "w".into(),
            kind: EventKind::SearchWithoutResults { query: "x".into() },
        });
        assert_eq!(next.await.unwrap(), newest + 1);
        let cy = postgres.add_account(staff_account("cy@example.com", StaffRole::Agent)).await.unwrap();
        assert_eq!(cy.id, bo.id + 1);
        let appended =
            postgres.append_message(conversation, message("m-2", Side::Visitor, None)).await.unwrap();
        assert_eq!(appended.message.seq, 3);

        let again = sqlite_to_postgres(&path, &url, clock.clone(), &mut |_, _| {}).await;
        assert!(
            matches!(again, Err(CopyError::NotEmpty { table: "staff_accounts", rows: 3, .. })),
            "{again:?}"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_column_only_postgresql_has_is_named_and_nothing_is_kept() {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("telepath.sqlite3");
        let sqlite = SqliteStore::open(&path, clock.clone()).await.unwrap();
        sqlite.add_account(staff_account("ana@example.com", StaffRole::Agent)).await.unwrap();
        sqlite.close().await;
        let (Database::Postgres(url), _schema) = fresh_database().await else {
            unreachable!("a postgres schema")
        };
        PgStore::open(&url, clock.clone()).await.unwrap().close().await;
        let mut connection = PgConnection::connect_with(&url.connect_options().unwrap()).await.unwrap();
        sqlx::query("ALTER TABLE events ADD COLUMN referrer_campaign TEXT")
            .execute(&mut connection)
            .await
            .unwrap();

        let copied = sqlite_to_postgres(&path, &url, clock, &mut |_, _| {}).await;
        match copied {
            Err(error @ CopyError::MissingColumn { .. }) => assert_eq!(
                error.to_string(),
                "events.referrer_campaign is in the PostgreSQL schema but not in the SQLite one; nothing was kept"
            ),
            other => panic!("{other:?}"),
        }
        let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM staff_accounts")
            .fetch_one(&mut connection)
            .await
            .unwrap();
        assert_eq!(accounts, 0, "the tables copied before it are not kept either");
    }
}
